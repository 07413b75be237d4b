"""Undoable knowledge-base edits: undo restores the entries' snapshots from before the edit,
redo those from after (KbService.undo / redo: one transaction, audited)."""

from __future__ import annotations

from hotline_desktop.gui.commands import ErrorSink, ServiceCommand


class KbEditCommand(ServiceCommand):
    def __init__(self, services, edit, on_error: ErrorSink | None = None):
        super().__init__(edit.label, on_error)
        self.services = services
        self.edit = edit

    def do_undo(self) -> None:
        self.services.kb.undo(self.edit)

    def do_redo(self) -> None:
        self.services.kb.redo(self.edit)
