"""The spreadsheet-like view of the monthly grid and its cell editor.

Type to edit (replaces the cell), F2 edits, Enter commits and moves down, Tab moves right
(staying in the input columns), Delete/Backspace clear, Ctrl+C / Ctrl+V copy and paste.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
)

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CellDelegate(QStyledItemDelegate):
    """A frameless right-aligned line edit; Enter commits and asks the view to move down."""

    def createEditor(self, parent, option, index):
        ed = QLineEdit(parent)
        ed.setFrame(False)
        ed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return ed

    def setEditorData(self, editor, index):
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor, model, index):
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor, event):
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER:
            editor.setProperty("moveUp", bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
            return True
        return super().eventFilter(editor, event)


class MonthlyGridView(QTableView):
    copy_requested = Signal()
    paste_requested = Signal()
    clear_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemDelegate(CellDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(False)
        self.setTabKeyNavigation(True)

    # -- model helpers ---------------------------------------------------------------------
    def _grid(self):
        m = self.model()
        return m.sourceModel() if hasattr(m, "sourceModel") else m

    def _input_range(self) -> tuple[int, int]:
        g = self._grid()
        if g is None or not g.inputs:
            return -1, -1
        return g.first_input_column, g.first_live_column - 1

    def move_current(self, drow: int, dcol: int = 0) -> QModelIndex:
        """Move the current cell (wrapping Tab across rows within the input columns)."""
        cur = self.currentIndex()
        model = self.model()
        if not cur.isValid() or model is None:
            return QModelIndex()
        row, col = cur.row() + drow, cur.column()
        first, last = self._input_range()
        if dcol:
            col += dcol
            if first >= 0 and col > last:
                col, row = first, row + 1
            elif first >= 0 and col < first:
                col, row = last, row - 1
        if not (0 <= row < model.rowCount()) or not (0 <= col < model.columnCount()):
            return QModelIndex()
        ix = model.index(row, col)
        self.selectionModel().setCurrentIndex(ix, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(ix)
        return ix

    # -- keyboard --------------------------------------------------------------------------
    def closeEditor(self, editor, hint):
        H = QAbstractItemDelegate.EndEditHint
        if hint in (H.SubmitModelCache, H.EditNextItem, H.EditPreviousItem):
            up = bool(editor.property("moveUp"))
            super().closeEditor(editor, H.NoHint)
            if hint == H.SubmitModelCache:
                self.move_current(-1 if up else 1)
            elif hint == H.EditNextItem:
                self.move_current(0, 1)
            else:
                self.move_current(0, -1)
            return
        super().closeEditor(editor, hint)

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
            event.accept()
            return
        if self.state() != QAbstractItemView.State.EditingState:
            key, mods = event.key(), event.modifiers()
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not (
                mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            ):
                self.clear_requested.emit()
                event.accept()
                return
            if key in _ENTER:
                self.move_current(-1 if mods & Qt.KeyboardModifier.ShiftModifier else 1)
                event.accept()
                return
            if key == Qt.Key.Key_Tab and not mods & Qt.KeyboardModifier.ControlModifier:
                self.move_current(0, 1)
                event.accept()
                return
            if key == Qt.Key.Key_Backtab:
                self.move_current(0, -1)
                event.accept()
                return
        super().keyPressEvent(event)
