"""Undoable edits of the 年度考核 tab: an item's value, its note, its evidence files.

Each command is pushed after its first execution succeeded (the push's redo() is skipped);
every later redo/undo goes through the service (committed, audited). A refused undo/redo
reports to `on_error` and drops the command (setObsolete) so the history stays truthful.
Values reach the widgets through the assessment service's `values_changed`; notes and
evidence have no event, so their commands call `refresh(unit_id, key)` afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from hotline_desktop.gui.commands import ErrorSink, ServiceCommand
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.evidence import EvidenceRow

Refresh = Callable[[int, str], None]

MERGE_ID = 0x4E41  # consecutive spin-box steps on one item merge into one undo step


def _tr(text: str) -> str:
    return QCoreApplication.translate("AnnualCommands", text)


class SetAnnualValueCommand(ServiceCommand):
    """One annual item of one unit: old text ↔ new text (None = empty)."""

    def __init__(self, services, ys_id: int, unit_id: int, key: str, old: str | None, new: str | None,
                 text: str, *, mergeable: bool = False, on_error: ErrorSink | None = None):
        super().__init__(text, on_error)
        self.services = services
        self.ys_id = ys_id
        self.unit_id = unit_id
        self.key = key
        self.old = old
        self.new = new
        self.mergeable = mergeable

    def _set(self, text: str | None) -> None:
        # names this seat's own last write of the item: refused (reported) if another seat wrote it since
        version = self.services.assessment.own_version(self.ys_id, self.unit_id, None, self.key)
        self.services.assessment.set_values(self.ys_id, [CellEdit(self.unit_id, None, self.key, text, version)])

    def do_redo(self) -> None:
        self._set(self.new)

    def do_undo(self) -> None:
        self._set(self.old)

    def id(self) -> int:
        return MERGE_ID if self.mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetAnnualValueCommand) and other.mergeable
                and (other.ys_id, other.unit_id, other.key) == (self.ys_id, self.unit_id, self.key)):
            return False
        self.new = other.new
        self.setText(other.text())
        if (self.new or "") == (self.old or ""):
            self.setObsolete(True)
        return True


class SetNoteCommand(ServiceCommand):
    def __init__(self, services, ys_id: int, unit_id: int, key: str, old: str, new: str, text: str,
                 refresh: Refresh, on_error: ErrorSink | None = None):
        super().__init__(text, on_error)
        self.services = services
        self.ys_id, self.unit_id, self.key = ys_id, unit_id, key
        self.old, self.new = old, new
        self.refresh = refresh

    def _set(self, note: str) -> None:
        try:
            self.services.assessment.set_note(self.ys_id, self.unit_id, self.key, note)
        finally:
            self.refresh(self.unit_id, self.key)

    def do_redo(self) -> None:
        self._set(self.new)

    def do_undo(self) -> None:
        self._set(self.old)


class AddEvidenceCommand(ServiceCommand):
    """Files just added to one item: undo moves them to the trash, redo brings them back."""

    def __init__(self, services, rows: list[EvidenceRow], text: str, refresh: Refresh,
                 on_error: ErrorSink | None = None):
        super().__init__(text, on_error)
        self.services = services
        self.rows = list(rows)
        self.trashed: dict[int, Path | None] = {}
        self.refresh = refresh

    def _done(self) -> None:
        for uid, key in {(r.unit_id, r.key) for r in self.rows}:
            self.refresh(uid, key)

    def do_undo(self) -> None:
        try:
            for r in self.rows:
                self.trashed[r.id] = self.services.evidence.remove(r.id)
        finally:
            self._done()

    def do_redo(self) -> None:
        try:
            for r in self.rows:
                self.services.evidence.restore(r.id, self.trashed.get(r.id))
        finally:
            self._done()


class RemoveEvidenceCommand(ServiceCommand):
    """A file moved to the trash: undo restores it, redo moves it there again."""

    def __init__(self, services, row: EvidenceRow, trashed: Path | None, text: str, refresh: Refresh,
                 on_error: ErrorSink | None = None):
        super().__init__(text, on_error)
        self.services = services
        self.row = row
        self.trashed = trashed
        self.refresh = refresh

    def do_undo(self) -> None:
        try:
            self.services.evidence.restore(self.row.id, self.trashed)
        finally:
            self.refresh(self.row.unit_id, self.row.key)

    def do_redo(self) -> None:
        try:
            self.trashed = self.services.evidence.remove(self.row.id)
        finally:
            self.refresh(self.row.unit_id, self.row.key)
