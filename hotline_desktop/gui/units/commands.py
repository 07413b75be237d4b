"""Undoable edits of the units register. Every redo/undo goes through the service (committed, audited).

Each command is created after its first execution succeeded, so the push's redo() is a no-op.
If a later undo/redo is refused, the message goes to `on_error` and the command is dropped
from the stack (setObsolete) so the history stays truthful.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hotline_desktop.core.domain import UnitDraft, UnitRow
from hotline_desktop.gui.commands import ErrorSink, ServiceCommand
from hotline_desktop.services.units import draft_of


def _tr(text: str) -> str:
    return QCoreApplication.translate("UnitCommands", text)


class AddUnitCommand(ServiceCommand):
    """Undo deletes the new unit; redo creates it again (it gets a new id)."""

    def __init__(self, services, row: UnitRow, on_error: ErrorSink | None = None):
        super().__init__(_tr("新增“{0}”").format(row.name), on_error)
        self.services = services
        self.unit_id = row.id
        self.draft = draft_of(row)

    def do_undo(self) -> None:
        self.services.units.delete(self.unit_id)

    def do_redo(self) -> None:
        self.unit_id = self.services.units.create(self.draft).id


class EditUnitCommand(ServiceCommand):
    def __init__(self, services, unit_id: int, old: UnitDraft, new: UnitDraft, on_error: ErrorSink | None = None):
        super().__init__(_tr("修改“{0}”").format(new.name or old.name), on_error)
        self.services = services
        self.unit_id = unit_id
        self.old = old
        self.new = new

    # each way names what the other left: a unit changed since (another seat) is refused, reported
    def do_undo(self) -> None:
        self.services.units.update(self.unit_id, self.old, expected=self.new)

    def do_redo(self) -> None:
        self.services.units.update(self.unit_id, self.new, expected=self.old)


class SetActiveCommand(ServiceCommand):
    """(De)activates a unit, and with it `also` (its children, when the operator chose so)."""

    def __init__(self, services, row: UnitRow, active: bool, on_error: ErrorSink | None = None,
                 also: list[int] | tuple[int, ...] = ()):
        text = _tr("启用“{0}”") if active else _tr("停用“{0}”")
        if also:
            text += _tr("及 {0} 个下级单位").format(len(also))
        super().__init__(text.format(row.name), on_error)
        self.services = services
        self.unit_id = row.id
        self.ids = [row.id, *also]
        self.active = active

    def do_undo(self) -> None:
        self.services.units.set_active_many(self.ids, not self.active)

    def do_redo(self) -> None:
        self.services.units.set_active_many(self.ids, self.active)


class ImportUnitsCommand(ServiceCommand):
    """One step for a whole import; its undo is one transaction (all of it, or nothing)."""

    def __init__(self, services, plan, only_good_rows: bool, before: dict[int, UnitRow],
                 counts: tuple[int, int], on_error: ErrorSink | None = None):
        added, updated = counts
        super().__init__(_tr("导入承办单位（新增 {0}，更新 {1}）").format(added, updated), on_error)
        self.services = services
        self.plan = plan
        self.only_good_rows = only_good_rows
        self.old_drafts = {uid: draft_of(before[uid]) for uid, _d in plan.updates.values() if uid in before}

    def do_undo(self) -> None:
        self.services.units_io.revert(self.plan, self.old_drafts)

    def do_redo(self) -> None:
        self.services.units_io.apply(self.plan, only_good_rows=self.only_good_rows)
