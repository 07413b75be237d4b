"""Undoable calendar and settings edits; every redo/undo goes through the service (committed, audited)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hotline_desktop.gui.commands import ErrorSink, ServiceCommand


def _tr(text: str) -> str:
    return QCoreApplication.translate("CalendarCommands", text)


def choose_items(items, text: str) -> list:
    """The items an undo/redo step moves besides those of the edit (a notice issued since the edit):
    the affected-items dialog over the active window; cancelled, they all keep their dates."""
    from PySide6.QtWidgets import QApplication, QDialog

    from hotline_desktop.gui.calendar.affected import AffectedItemsDialog

    dlg = AffectedItemsDialog(items, text, QApplication.activeWindow())
    try:
        return dlg.chosen() if dlg.exec() == QDialog.DialogCode.Accepted else []
    finally:
        dlg.deleteLater()


class CalendarEditCommand(ServiceCommand):
    """One calendar edit (a day, or an imported year) with the dependent items moved with it.

    Undo puts back the days and moves exactly those items back; redo repeats both. Other stored
    dates the step would move (computed since with the edited days) are listed first, as for an edit.
    """

    def __init__(self, services, edit, text: str, on_error: ErrorSink | None = None):
        super().__init__(text, on_error)
        self.services = services
        self.edit = edit

    def _choose(self, what: str):
        return lambda items: choose_items(items, _tr("{0}“{1}”").format(what, self.text()))

    def do_undo(self) -> None:
        self.services.calendar.undo(self.edit, self._choose(_tr("撤销")))

    def do_redo(self) -> None:
        self.edit = self.services.calendar.redo(self.edit, self._choose(_tr("重做")))


class SettingsCommand(ServiceCommand):
    def __init__(self, services, old: dict[str, str], new: dict[str, str], on_error: ErrorSink | None = None):
        super().__init__(_tr("修改设置"), on_error)
        self.services = services
        self.old = old
        self.new = new

    def do_undo(self) -> None:
        self.services.settings.update(self.old)

    def do_redo(self) -> None:
        self.services.settings.update(self.new)
