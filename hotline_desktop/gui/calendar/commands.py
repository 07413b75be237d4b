"""Undoable calendar and settings edits; every redo/undo goes through the service (committed, audited)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hotline_desktop.gui.commands import ErrorSink, ServiceCommand


def _tr(text: str) -> str:
    return QCoreApplication.translate("CalendarCommands", text)


class CalendarEditCommand(ServiceCommand):
    """One calendar edit (a day, or an imported year) with the dependent items moved with it.

    Undo puts back the days and moves exactly those items back; redo repeats both.
    """

    def __init__(self, services, edit, text: str, on_error: ErrorSink | None = None):
        super().__init__(text, on_error)
        self.services = services
        self.edit = edit

    def do_undo(self) -> None:
        self.services.calendar.undo(self.edit)

    def do_redo(self) -> None:
        self.edit = self.services.calendar.redo(self.edit)


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
