"""Undoable notice actions. Each redo/undo goes through NoticeService (committed, audited).

A command is pushed after its first execution succeeded (ServiceCommand skips that redo). Undo
of an issue removes the row but never frees its number; every other action is undone by putting
the notice's snapshot from before back (NoticeService.restore), redone with the one from after.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hotline_desktop.core.notices import NoticeRow
from hotline_desktop.gui.commands import ErrorSink, ServiceCommand


def _tr(text: str) -> str:
    return QCoreApplication.translate("NoticeCommands", text)


class IssueNoticeCommand(ServiceCommand):
    """Undo: the notice goes (its number stays taken); redo: the same notice, same number, back."""

    def __init__(self, services, row: NoticeRow, on_error: ErrorSink | None = None):
        super().__init__(_tr("下达 {0}").format(row.number), on_error)
        self.services = services
        self.row = row

    def do_undo(self) -> None:
        self.services.notices.unissue(self.row.id)

    def do_redo(self) -> None:
        self.row = self.services.notices.restore(self.row)


class NoticeSnapshotCommand(ServiceCommand):
    """An edit, completion, extension decision or void: undo restores `old`, redo restores `new`."""

    def __init__(self, services, text: str, old: NoticeRow, new: NoticeRow, on_error: ErrorSink | None = None):
        super().__init__(text, on_error)
        self.services = services
        self.old = old
        self.new = new

    # each way names what the other left: a notice another seat changed since is refused, reported
    def do_undo(self) -> None:
        self.services.notices.restore(self.old, expected=self.new)

    def do_redo(self) -> None:
        self.services.notices.restore(self.new, expected=self.old)
