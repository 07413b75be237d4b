"""Anomalous orders of a month (overdue, 重办 ≥ 3, bounced between 3+ units) per unit, as candidates
for a 督办通知 pre-filled with the order numbers (issued through the 督办通知 tab: undoable)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)


class AnomaliesDialog(QDialog):
    def __init__(self, services, month: str, parent=None, *, today=None):
        super().__init__(parent)
        self.services, self.month = services, month
        self.candidates = services.orders.anomalies(month, today=today)
        units = {u.id: u for u in services.units.list()}
        self.setWindowTitle(self.tr("异常工单 · {0}").format(month))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("超期未办结、重办 3 次以上或在 3 个以上单位间流转的工单（按单位）。"
                                     "选中一行可生成督办通知，工单编号已填好。")))
        self.table = QTableWidget(len(self.candidates), 3)
        self.table.setHorizontalHeaderLabels([self.tr("承办单位"), self.tr("件数"), self.tr("工单（原因）")])
        for r, c in enumerate(self.candidates):
            u = units.get(c["unit_id"])
            texts = [f"{u.code} {u.name}" if u else str(c["unit_id"]), str(len(c["orders"])),
                     "、".join(f"{n}（{c['reasons'][n]}）" for n in c["orders"][:20])
                     + ("…" if len(c["orders"]) > 20 else "")]
            for col, t in enumerate(texts):
                self.table.setItem(r, col, QTableWidgetItem(t))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.notice_button = buttons.addButton(self.tr("生成督办通知…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.notice_button.setEnabled(False)
        self.notice_button.clicked.connect(lambda: self.open_notice())
        self.table.itemSelectionChanged.connect(
            lambda: self.notice_button.setEnabled(bool(self.table.selectionModel().selectedRows())))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(900, 480)

    def open_notice(self, row: int | None = None):
        """The 新建督办通知 dialog pre-filled (unit, content, order numbers) for a candidate."""
        if row is None:
            rows = self.table.selectionModel().selectedRows()
            if not rows:
                return None
            row = rows[0].row()
        from hotline_desktop.gui.notices.tab import NoticesTab

        cand = self.candidates[row]
        draft = self.services.orders.notice_draft(cand, date.today())
        tab = self.window().parent().findChild(NoticesTab) if self.window().parent() is not None else None
        if tab is not None:
            dlg = tab.open_new_dialog()
        else:
            from hotline_desktop.gui.notices.dialogs import NoticeDialog

            dlg = NoticeDialog(self.services, None, self,
                               submit=lambda d: _issue(self.services, d.draft()))
            dlg.open()
        i = dlg.ui.unitCombo.findData(draft.unit_id)
        if i >= 0:
            dlg.ui.unitCombo.setCurrentIndex(i)
        dlg.ui.contentEdit.setPlainText(draft.content)
        dlg.ui.ordersEdit.setText("，".join(draft.orders))
        self.notice_dialog = dlg
        return dlg


def _issue(services, draft) -> str | None:
    from hotline_desktop.services.errors import ServiceError

    try:
        services.notices.issue(draft)
    except ServiceError as e:
        return str(e)
    return None
