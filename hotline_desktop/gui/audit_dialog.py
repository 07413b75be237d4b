"""文件 → 修改记录…: who changed what, when, old → new (the newest first), filtered by operator."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from hotline_desktop.core.text import clip
from hotline_desktop.services.audit import AuditRow, AuditService

COL_AT, COL_OPERATOR, COL_WHAT, COL_ACTION, COL_FIELD, COL_OLD, COL_NEW = range(7)
LIMIT = 500


class AuditModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[AuditRow] = []
        self._headers = [self.tr("时间"), self.tr("操作员"), self.tr("对象"), self.tr("操作"), self.tr("项目"),
                         self.tr("原值"), self.tr("新值")]

    def set_rows(self, rows: list[AuditRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        full = (r.at_text, r.operator or self.tr("（未记录）"), r.what, r.action_label, r.field, r.old or "",
                r.new or "")[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return clip(full, 80)
        if role == Qt.ItemDataRole.ToolTipRole and len(full) > 80:
            return full
        return None


class AuditDialog(QDialog):
    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改记录"))
        self.resize(1100, 600)
        self.audit = AuditService(services.store)
        self.model = AuditModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        self.operator_combo = QComboBox(self)
        self.operator_combo.currentIndexChanged.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("操作员："), self))
        top.addWidget(self.operator_combo)
        top.addStretch(1)
        self.count_label = QLabel(self)
        top.addWidget(self.count_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.view)
        lay.addWidget(buttons)
        self._fill_operators()
        self.reload()

    def _fill_operators(self) -> None:
        self.operator_combo.blockSignals(True)
        self.operator_combo.addItem(self.tr("全部"), None)
        for op in sorted({r.operator for r in self.audit.recent(LIMIT) if r.operator}):
            self.operator_combo.addItem(op, op)
        self.operator_combo.blockSignals(False)

    def reload(self, *_args) -> None:
        rows = self.audit.recent(LIMIT, operator=self.operator_combo.currentData())
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("最近 {0} 条").format(len(rows)))
        self.view.resizeColumnsToContents()
