"""The confirmation a calendar edit needs when it would move stored due dates (督办通知 …).

The operator ticks the items to move with the edit (logged) and leaves the others as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.gui.row_model import RowTableModel
from hotline_desktop.services.calendar import AffectedItem

COL_CHOSEN, COL_ITEM, COL_OLD, COL_NEW, COL_DETAIL = range(5)
WEEKDAYS = "一二三四五六日"


def _day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


class AffectedItemsModel(RowTableModel):
    """One row per affected item; column 0 is the 'move it' check box (all ticked at first)."""

    def __init__(self, items: Sequence[AffectedItem], parent=None):
        super().__init__(parent)
        self._rows = list(items)
        self._chosen = [True] * len(self._rows)
        self._headers = [self.tr("改动"), self.tr("事项"), self.tr("现到期日"), self.tr("按新日历"), self.tr("说明")]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        it = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_CHOSEN:
            return Qt.CheckState.Checked if self._chosen[index.row()] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return {COL_ITEM: it.label, COL_OLD: _day(it.old_due), COL_NEW: _day(it.new_due),
                    COL_DETAIL: it.detail}.get(col)
        if role == Qt.ItemDataRole.UserRole:
            return it
        return None

    def flags(self, index):
        f = super().flags(index)
        if index.isValid() and index.column() == COL_CHOSEN:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != COL_CHOSEN:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self._chosen[index.row()] = bool(checked)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_all(self, chosen: bool) -> None:
        self._chosen = [chosen] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])

    def chosen(self) -> list[AffectedItem]:
        return [it for it, c in zip(self._rows, self._chosen, strict=True) if c]


class AffectedItemsDialog(QDialog):
    """Accepted: move the ticked items with the edit. Rejected: the edit is not made at all."""

    def __init__(self, items: Sequence[AffectedItem], change_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("日历改动会影响已计算的到期日"))
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "{0}\n\n下列 {1} 项的到期日是按原日历计算并保存的。勾选的项目将随本次改动改为新的到期日（记入操作日志）；"
            "未勾选的保持原到期日不变。").format(change_text, len(items)))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = AffectedItemsModel(items, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for c in (COL_CHOSEN, COL_OLD, COL_NEW):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(self.tr("保存日历改动"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.none_button = self.buttons.addButton(self.tr("全不勾选"), QDialogButtonBox.ButtonRole.ActionRole)
        self.all_button = self.buttons.addButton(self.tr("全部勾选"), QDialogButtonBox.ButtonRole.ActionRole)
        cancel = self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        self.none_button.clicked.connect(lambda: self.model.set_all(False))
        self.all_button.clicked.connect(lambda: self.model.set_all(True))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def chosen(self) -> list[AffectedItem]:
        return self.model.chosen()
