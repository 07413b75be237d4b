"""Undo/redo of a 工单明细 import: undo puts back the orders it replaced (or none), redo imports again."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hotline_desktop.gui.commands import ServiceCommand


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportOrdersCommand", text)


class ImportOrdersCommand(ServiceCommand):
    """Undo and redo rewrite a month's orders (100,000 of them take a while): the database work and
    the moved cells run in a worker behind a progress dialog; each is one transaction, and the
    command returns only when it is done (the stack stays truthful)."""

    def __init__(self, services, plan, only_good: bool, written, text: str, on_error=None, parent=None):
        super().__init__(text, on_error)
        self.services, self.plan, self.only_good, self.written = services, plan, only_good, written
        self.widget = parent  # the progress dialog's parent

    def _in_worker(self, label: str, work):
        from hotline_desktop.gui.workers import run_and_wait

        orders = self.services.orders

        def job(progress):
            def step(done, total):
                progress(100 * done // max(1, total))
                return True
            written = work(step)
            return written, orders.settle(written)

        written, settled = run_and_wait(self.widget, label, job)
        orders.publish(written, settled)  # GUI thread: the listeners update here
        return written

    def do_undo(self) -> None:
        orders = self.services.orders
        self._in_worker(_tr("正在撤销导入工单明细…"), lambda step: orders.undo_import(self.written, step))

    def do_redo(self) -> None:
        orders = self.services.orders
        self.written = self._in_worker(_tr("正在重新导入工单明细…"),
                                       lambda step: orders.write(self.plan, only_good=self.only_good, progress=step))


class SetAliasCommand(ServiceCommand):
    """单位别名 → unit; undo puts back the unit it pointed to before (or removes it)."""

    def __init__(self, services, alias: str, code: str, before: str | None, text: str, on_error=None):
        super().__init__(text, on_error)
        self.services, self.alias, self.code, self.before = services, alias, code, before

    def do_undo(self) -> None:
        if self.before:
            self.services.orders.set_alias(self.alias, self.before)
        else:
            self.services.orders.remove_alias(self.alias)

    def do_redo(self) -> None:
        self.services.orders.set_alias(self.alias, self.code)


class RemoveAliasCommand(ServiceCommand):
    def __init__(self, services, alias: str, code: str, text: str, on_error=None):
        super().__init__(text, on_error)
        self.services, self.alias, self.code = services, alias, code

    def do_undo(self) -> None:
        self.services.orders.set_alias(self.alias, self.code)

    def do_redo(self) -> None:
        self.services.orders.remove_alias(self.alias)


class RenameProfileCommand(ServiceCommand):
    def __init__(self, services, old: str, new: str, text: str, on_error=None):
        super().__init__(text, on_error)
        self.services, self.old, self.new = services, old, new

    def do_undo(self) -> None:
        self.services.orders.rename_profile(self.new, self.old)

    def do_redo(self) -> None:
        self.services.orders.rename_profile(self.old, self.new)


class DeleteProfileCommand(ServiceCommand):
    def __init__(self, services, name: str, mapping: dict[str, str], text: str, on_error=None):
        super().__init__(text, on_error)
        self.services, self.name, self.mapping = services, name, mapping

    def do_undo(self) -> None:
        self.services.orders.save_profile(self.name, self.mapping)

    def do_redo(self) -> None:
        self.services.orders.delete_profile(self.name)
