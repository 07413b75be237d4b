"""Dialogs shared by every import: the problems found in a file, and the changes it will make."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.gui.row_model import RowTableModel


class ImportProblemsDialog(QDialog):
    """Every problem as (行, 列, 原因); nothing has been written.

    With `good_rows` given, accepting means "仅导入无误的行"; with None the import is
    all-or-nothing and the dialog only reports (关闭).
    """

    def __init__(self, problems: Sequence, summary: str, good_rows: int | None, source_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入文件有问题"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        bad_rows = len({p.row for p in problems})
        intro = QLabel(
            self.tr("文件“{0}”中有 {1} 处问题（涉及 {2} 行），尚未导入任何数据。\n{3}").format(
                source_name, len(problems), bad_rows, summary
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels([self.tr("行"), self.tr("列"), self.tr("原因")])
        for p in problems:
            row_item = QStandardItem()
            row_item.setData(int(p.row), Qt.ItemDataRole.DisplayRole)
            row_item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            col_item = QStandardItem(p.column or self.tr("整行"))
            msg_item = QStandardItem(p.message)
            msg_item.setToolTip(p.message)
            for it in (row_item, col_item, msg_item):
                it.setEditable(False)
            self.model.appendRow([row_item, col_item, msg_item])
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)

        if good_rows is None:
            hint_text = self.tr("此项导入要么全部导入、要么都不导入：请改正文件后重新导入。")
        else:
            hint_text = self.tr("可以修改文件后重新导入；或者只导入没有问题的 {0} 行，有问题的行不导入。").format(good_rows)
        hint = QLabel(hint_text)
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.buttons = QDialogButtonBox(self)
        self.import_button = None
        if good_rows is not None:
            self.import_button = self.buttons.addButton(
                self.tr("仅导入无误的行"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.import_button.setEnabled(good_rows > 0)
            self.import_button.setAutoDefault(False)
        close = self.buttons.addButton(
            self.tr("取消") if good_rows is not None else self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole
        )
        close.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def problem_rows(self) -> list[tuple[str, str, str]]:
        m = self.model
        return [tuple(m.index(r, c).data() for c in range(3)) for r in range(m.rowCount())]  # type: ignore[misc]


class ChangesModel(RowTableModel):
    """What an import will do, one row per new unit or changed value: 行, 编码, 单位, 项目, 原值 → 新值."""

    COL_ROW, COL_CODE, COL_NAME, COL_FIELD, COL_OLD, COL_NEW = range(6)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._headers = [self.tr("行"), self.tr("编码"), self.tr("单位"), self.tr("项目"), self.tr("原值"),
                         self.tr("新值")]

    def set_rows(self, rows: Sequence[tuple[int, str, str, str, str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[col]
            if col in (self.COL_OLD, self.COL_NEW) and value == "":
                return self.tr("（空）")
            return value
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.COL_OLD, self.COL_NEW, self.COL_NAME):
            return row[col] or None
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_OLD:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_NEW and row[col] == "":
            return QBrush(QColor("#b00020"))  # a value that will be cleared
        return None

    def rows(self) -> list[tuple]:
        return list(self._rows)


class ImportPreviewDialog(QDialog):
    """Before anything is written: every new unit and every value the import changes, old → new.

    `replan(blank_overwrites)`, when given, adds the "用空白覆盖" choice: it returns
    (summary, rows) for the other choice and the table follows it.
    """

    def __init__(self, title: str, summary: str, rows: Sequence[tuple], source_name: str,
                 parent: QWidget | None = None, *, replan: Callable[[bool], tuple[str, Sequence[tuple]]] | None = None,
                 blank_overwrites: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(860, 520)
        self._replan = replan
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self._source = source_name
        self.model = ChangesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for c in range(5):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ChangesModel.COL_NEW, QHeaderView.ResizeMode.Stretch)
        for c, w in ((0, 56), (1, 90), (2, 170), (3, 110), (4, 170)):
            header.resizeSection(c, w)
        layout.addWidget(self.table)
        self.blank_box: QCheckBox | None = None
        if replan is not None:
            self.blank_box = QCheckBox(self.tr("用空白覆盖：文件中留空的可选项目（联系人、电话、备注等）清空已有内容"), self)
            self.blank_box.setChecked(blank_overwrites)
            self.blank_box.toggled.connect(self._toggle_blanks)
            layout.addWidget(self.blank_box)
        hint = QLabel(self.tr("确定后一次写入，可以撤销。"), self)
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._show(summary, rows)

    def _show(self, summary: str, rows: Sequence[tuple]) -> None:
        self.intro.setText(self.tr("文件“{0}”：{1}\n下表列出导入将做的全部变化（{2} 项），尚未写入任何数据。").format(
            self._source, summary, len(rows)))
        self.model.set_rows(rows)
        self.import_button.setEnabled(bool(rows))

    def _toggle_blanks(self, on: bool) -> None:
        assert self._replan is not None
        summary, rows = self._replan(on)
        self._show(summary, rows)

    @property
    def blank_overwrites(self) -> bool:
        return bool(self.blank_box and self.blank_box.isChecked())

    def change_rows(self) -> list[tuple]:
        return self.model.rows()
