"""Undoable edits of monthly figures: one command = one `set_values` batch each way.

The command is pushed after its first batch was committed (the push's redo() is a no-op);
undo writes the old texts back, redo the new ones, each as one batch (one transaction).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from hotline_desktop.services.assessment import CellChange, CellEdit
from hotline_desktop.services.errors import ServiceError


def _tr(text: str) -> str:
    return QCoreApplication.translate("MonthlyCommands", text)


class SetCellsCommand(QUndoCommand):
    def __init__(self, services, year_scheme_id: int, changes: list[CellChange], text: str,
                 on_error: Callable[[str], None] | None = None,
                 show_month: Callable[[str], None] | None = None):
        super().__init__(text)
        self.services = services
        self.year_scheme_id = year_scheme_id
        self.changes = list(changes)
        self._on_error = on_error
        self._show_month = show_month
        self._skip_first_redo = True

    @property
    def months(self) -> list[str]:
        return sorted({c.month for c in self.changes if c.month})

    def old_edits(self) -> list[CellEdit]:
        return [CellEdit(c.unit_id, c.month, c.key, c.old.text if c.old else None) for c in self.changes]

    def new_edits(self) -> list[CellEdit]:
        return [CellEdit(c.unit_id, c.month, c.key, c.new.text if c.new else None) for c in self.changes]

    def _run(self, edits: list[CellEdit], what: str) -> None:
        months = self.months
        if self._show_month and len(months) == 1:
            self._show_month(months[0])  # let the user see what comes back
        try:
            self.services.assessment.set_values(self.year_scheme_id, edits)
        except ServiceError as e:
            self.setObsolete(True)
            if self._on_error:
                self._on_error(_tr("无法{0}“{1}”：{2}").format(what, self.text(), e))

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._run(self.new_edits(), _tr("重做"))

    def undo(self) -> None:
        self._run(self.old_edits(), _tr("撤销"))
