"""The orders behind one computed 月度数据 cell: its numerator and denominator, exportable to xlsx."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
)

from hotline_desktop.services.errors import ServiceError

COL_NUMBER = 0
COL_IN_NUMERATOR = 1
HIT_BACKGROUND = QColor("#e6f2e6")
_ROOT = QModelIndex()


class DrillModel(QAbstractTableModel):
    """Rows of OrderService.explain_sheet: 工单编号, 计入分子, then the fields that decided."""

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, headers: list[str], rows: list[list[str]], parent=None):
        super().__init__(parent)
        self.headers, self.rows = headers, rows
        self._hit = QBrush(HIT_BACKGROUND)

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, self.SORT_ROLE):
            return row[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and row[COL_IN_NUMERATOR] == "是":
            return self._hit
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class OrderDrillDialog(QDialog):
    def __init__(self, services, scheme_id: str, unit_id: int, month: str, key: str, parent=None):
        super().__init__(parent)
        self.services, self.args = services, (scheme_id, unit_id, month, key)
        intro, headers, rows = services.orders.explain_sheet(scheme_id, unit_id, month, key)
        self.setWindowTitle(self.tr("工单明细 · {0}").format(intro[0]))
        lay = QVBoxLayout(self)
        self.intro = QLabel("\n".join(intro))
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)
        self.model = DrillModel(headers, rows, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setVisible(False)
        lay.addWidget(self.view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton(self.tr("导出 Excel…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(900, 520)

    def export(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出工单明细"), "工单明细.xlsx",
                                                  self.tr("Excel 工作簿 (*.xlsx)"))
            if not path:
                return None
        try:
            self.services.orders.export_explain(*self.args, path)
        except (ServiceError, OSError) as e:
            QMessageBox.warning(self, self.tr("导出失败"), str(e))
            return None
        return path
