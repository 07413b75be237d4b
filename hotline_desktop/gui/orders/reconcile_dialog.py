"""与平台月报核对: the platform's monthly report (the 月度数据 workbook layout) against the figures
computed from orders — every unit × field that differs, with the orders that explain the gap."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from hotline_desktop.services.errors import ServiceError

HEADERS = ("单位编码", "单位名称", "项目", "月报数值", "工单计算", "分子/分母", "相关工单")


class ReconcileDialog(QDialog):
    def __init__(self, services, year_scheme_id: int, month: str, parent=None):
        super().__init__(parent)
        self.services, self.ys_id, self.month = services, year_scheme_id, month
        self.diffs: list[dict] = []
        self.setWindowTitle(self.tr("与平台月报核对 · {0}").format(month))
        lay = QVBoxLayout(self)
        self.label = QLabel(self.tr("选择平台的月报（月度数据表格格式），列出与工单计算不一致的单位和项目。"))
        self.label.setWordWrap(True)
        lay.addWidget(self.label)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton(self.tr("选择月报…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button = buttons.addButton(self.tr("导出 Excel…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self.load())
        self.export_button.clicked.connect(lambda: self.export())
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(980, 480)

    def load(self, path: str | None = None) -> int:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("选择平台月报"), "", self.tr("Excel 工作簿 (*.xlsx)"))
            if not path:
                return 0
        try:
            self.diffs = self.services.orders.reconcile(path, self.month, self.ys_id)
        except (ServiceError, ValueError, OSError) as e:
            self.label.setText(str(e))
            return 0
        self.table.setRowCount(len(self.diffs))
        for r, d in enumerate(self.diffs):
            vals = (d["code"], d["name"], d["label"], d["reported"], d["computed"] or self.tr("无"),
                    f"{d['hit']}/{d['base']}", "、".join(d["orders"][:30]) + ("…" if len(d["orders"]) > 30 else ""))
            for c, v in enumerate(vals):
                self.table.setItem(r, c, QTableWidgetItem(v))
        self.label.setText(self.tr("{0}：{1} 处不一致（比率列出分母中未计入分子的工单，数量列出计入的工单）")
                           .format(self.month, len(self.diffs)))
        self.export_button.setEnabled(bool(self.diffs))
        return len(self.diffs)

    def export(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出核对结果"), "核对.xlsx", self.tr("Excel 工作簿 (*.xlsx)"))
            if not path:
                return None
        try:
            self.services.orders.export_reconcile(self.diffs, self.month, path)
        except OSError as e:
            QMessageBox.warning(self, self.tr("导出失败"), str(e))
            return None
        return path
