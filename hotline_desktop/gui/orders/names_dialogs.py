"""The names the 工单明细 import remembers: a unit picker (search by name or code), the saved
单位别名 (see, remove) and the saved 列对应方案 (rename, delete). Every change is an undoable command."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from hotline_desktop.services.errors import ServiceError


class UnitPicker(QComboBox):
    """An editable combo over the unit register; typing filters by name or code (contains)."""

    def __init__(self, units, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for u in sorted(units, key=lambda u: u.code):
            self.addItem(f"{u.name}（{u.code}）", u.code)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setCurrentIndex(-1)
        self.lineEdit().setPlaceholderText(self.tr("输入名称或编码搜索"))
        self.setMinimumWidth(220)

    def code(self) -> str | None:
        """The chosen unit's code: the item whose text is typed, or the only item containing it."""
        text = self.currentText().strip()
        if not text:
            return None
        i = self.findText(text, Qt.MatchFlag.MatchExactly)
        if i < 0:
            hits = [j for j in range(self.count()) if text.lower() in self.itemText(j).lower()]
            if len(hits) != 1:
                return None
            i = hits[0]
        return self.itemData(i)


def _undo_actions(dialog: QDialog, stack) -> None:
    """Ctrl+Z / Ctrl+Shift+Z inside a modal dialog reach the app's undo stack."""
    for act, key in ((stack.createUndoAction(dialog), QKeySequence.StandardKey.Undo),
                     (stack.createRedoAction(dialog), QKeySequence.StandardKey.Redo)):
        act.setShortcut(key)
        dialog.addAction(act)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    t.verticalHeader().setVisible(False)
    return t


class _NamesDialog(QDialog):
    """A saved-names list (aliases, profiles): a table, a message line, action buttons enabled while
    a row is selected, and undoable changes through the app's undo stack."""

    changed = Signal()

    def __init__(self, services, undo_stack, title: str, headers: list[str], parent: QWidget | None,
                 note: str | None = None):
        super().__init__(parent)
        self.services, self.undo_stack = services, undo_stack
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            lay.addWidget(label)
        self.table = _table(headers)
        lay.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._row_buttons = []
        self.table.itemSelectionChanged.connect(self._update)
        _undo_actions(self, undo_stack)
        undo_stack.indexChanged.connect(self.refresh)

    def _button(self, text: str, slot):
        b = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        b.clicked.connect(lambda: slot())
        self._row_buttons.append(b)
        return b

    def refresh(self) -> None:
        if not isValid(self.table):
            return
        self._fill()
        self._update()

    def _fill(self) -> None:
        raise NotImplementedError

    def _selected(self) -> str | None:
        sel = self.table.selectionModel().selectedRows()
        return self.table.item(sel[0].row(), 0).text() if sel else None

    def _update(self) -> None:
        if not all(isValid(b) for b in self._row_buttons):  # the selection clears while being destroyed
            return
        on = self._selected() is not None
        for b in self._row_buttons:
            b.setEnabled(on)

    def _change(self, do, command, done) -> None:
        """Run `do()` (a service call); on success push `command(result)`, refresh and say `done(result)`."""
        try:
            result = do()
        except ServiceError as e:
            self.message.setText(str(e))
            return
        self.undo_stack.push(command(result))
        self.refresh()
        self.message.setText(done(result))
        self.changed.emit()


class AliasesDialog(_NamesDialog):
    """单位别名…: the platform names saved for units; remove one (undoable)."""

    def __init__(self, services, undo_stack, parent: QWidget | None = None):
        super().__init__(services, undo_stack, self.tr("单位别名"),
                         [self.tr("平台上的名称"), self.tr("单位编码"), self.tr("名册中的单位")], parent,
                         self.tr("工单明细中的承办单位名称按下列别名对应到名册中的单位（名称已去掉空格和括号）。"))
        self.remove_button = self._button(self.tr("删除别名"), self.remove_selected)
        self.refresh()
        self.resize(620, 400)

    def _fill(self) -> None:
        rows = self.services.orders.alias_rows()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.message.setText("" if rows else self.tr("尚未保存单位别名。"))

    def remove_selected(self) -> None:
        from hotline_desktop.gui.orders.commands import RemoveAliasCommand

        alias = self._selected()
        if alias is None:
            return
        self._change(lambda: self.services.orders.remove_alias(alias),
                     lambda code: RemoveAliasCommand(self.services, alias, code,
                                                     self.tr("删除单位别名 {0}").format(alias), self.message.setText),
                     lambda _code: self.tr("已删除单位别名“{0}”（可撤销）").format(alias))


class ProfilesDialog(_NamesDialog):
    """列对应方案…: the saved column maps; rename or delete one (undoable)."""

    def __init__(self, services, undo_stack, parent: QWidget | None = None):
        super().__init__(services, undo_stack, self.tr("列对应方案"),
                         [self.tr("方案名称"), self.tr("列对应（字段 = 文件中的列）")], parent)
        self.table.setWordWrap(True)
        self.rename_button = self._button(self.tr("改名…"), self.rename_selected)
        self.delete_button = self._button(self.tr("删除"), self.delete_selected)
        self.refresh()
        self.resize(720, 400)

    def _fill(self) -> None:
        profiles = self.services.orders.profiles()
        self.table.setRowCount(len(profiles))
        for r, (name, mapping) in enumerate(profiles.items()):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            self.table.setItem(r, 1, QTableWidgetItem("，".join(f"{k}={v}" for k, v in mapping.items())))
        self.table.resizeColumnToContents(0)
        self.table.resizeRowsToContents()
        self.message.setText("" if profiles else self.tr("尚未保存列对应方案（导入时勾选“把列对应保存为方案”）。"))

    def rename_selected(self, new: str | None = None) -> None:
        from hotline_desktop.gui.orders.commands import RenameProfileCommand

        old = self._selected()
        if old is None:
            return
        if new is None:
            new, ok = QInputDialog.getText(self, self.tr("方案改名"), self.tr("新名称："), text=old)
            if not ok:
                return
        self._change(lambda: self.services.orders.rename_profile(old, new),
                     lambda got: RenameProfileCommand(self.services, old, got,
                                                      self.tr("列对应方案改名 {0} → {1}").format(old, got),
                                                      self.message.setText),
                     lambda got: self.tr("已改名为“{0}”（可撤销）").format(got))

    def delete_selected(self) -> None:
        from hotline_desktop.gui.orders.commands import DeleteProfileCommand

        name = self._selected()
        if name is None:
            return
        self._change(lambda: self.services.orders.delete_profile(name),
                     lambda mapping: DeleteProfileCommand(self.services, name, mapping,
                                                          self.tr("删除列对应方案 {0}").format(name),
                                                          self.message.setText),
                     lambda _mapping: self.tr("已删除列对应方案“{0}”（可撤销）").format(name))
