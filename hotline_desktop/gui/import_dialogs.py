"""Dialogs shared by every import: the list of problems found in a file."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
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
