"""Undoable edits of monthly figures: one command = one `set_values` batch each way.

The command is pushed after its first batch was committed (the push's redo() is a no-op);
undo writes the old texts back, redo the new ones, each as one batch (one transaction).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from hotline_desktop.gui.commands import ServiceCommand
from hotline_desktop.services.assessment import CellChange, CellEdit


def _tr(text: str) -> str:
    return QCoreApplication.translate("MonthlyCommands", text)


class SetCellsCommand(ServiceCommand):
    def __init__(self, services, year_scheme_id: int, changes: list[CellChange], text: str,
                 on_error: Callable[[str], None] | None = None,
                 show_month: Callable[[str], None] | None = None,
                 counted: frozenset = frozenset(), typed: dict | None = None,
                 on_conflict: Callable[[], None] | None = None):
        """`counted`: (unit_id, month, key) cells that showed a register's count before the edit
        (undo clears the typed value there); `typed`: the texts typed into fed cells (redo types
        them again, so a revert to the count stays a revert)."""
        super().__init__(text, on_error)
        self.counted = frozenset(counted)
        self.typed = dict(typed or {})
        self.services = services
        self.year_scheme_id = year_scheme_id
        self.changes = list(changes)
        self._show_month = show_month
        self.on_conflict = on_conflict

    @property
    def months(self) -> list[str]:
        return sorted({c.month for c in self.changes if c.month})

    def old_edits(self) -> list[CellEdit]:
        return [CellEdit(c.unit_id, c.month, c.key,
                         None if (c.unit_id, c.month, c.key) in self.counted else (c.old.text if c.old else None),
                         self._version(c))
                for c in self.changes]

    def new_edits(self) -> list[CellEdit]:
        typed = self.typed
        return [CellEdit(c.unit_id, c.month, c.key, typed[i] if (i := (c.unit_id, c.month, c.key)) in typed
                         else (c.new.text if c.new else None), self._version(c)) for c in self.changes]

    def _version(self, c: CellChange) -> int | None:
        """The version this seat's own latest write of the cell left: undo/redo are refused (and
        reported) when another seat wrote the cell since, never written over it."""
        return self.services.assessment.own_version(self.year_scheme_id, c.unit_id, c.month, c.key)

    def _apply(self, edits: list[CellEdit]) -> None:
        months = self.months
        if self._show_month and len(months) == 1:
            self._show_month(months[0])  # let the user see what comes back
        self.services.assessment.set_values(self.year_scheme_id, edits)

    def do_redo(self) -> None:
        self._apply(self.new_edits())

    def do_undo(self) -> None:
        self._apply(self.old_edits())
