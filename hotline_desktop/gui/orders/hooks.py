"""The few places the 月度数据 tab calls into the 工单明细 GUI (kept here so the tab's own code stays
small and the hooks can be re-applied on a rewritten tab)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("OrdersHooks", text)


def make_actions(tab) -> list:
    """The tab's 工单明细 actions: 导入工单明细… and 异常工单…"""
    from PySide6.QtGui import QAction

    imp = QAction(_tr("导入工单明细…"), tab)
    imp.setToolTip(_tr("导入平台导出的工单明细，由工单计算各项数值（可查看每个数值的工单）"))
    imp.triggered.connect(tab.import_orders)
    odd = QAction(_tr("异常工单…"), tab)
    odd.setToolTip(_tr("本月超期、重办 3 次以上或多次流转的工单，可生成督办通知"))
    odd.triggered.connect(lambda: open_anomalies(tab))
    rec = QAction(_tr("核对月报…"), tab)
    rec.setToolTip(_tr("与平台月报核对：列出与工单计算不一致的单位和项目"))
    rec.triggered.connect(lambda: open_reconcile(tab))
    return [imp, odd, rec]


def open_reconcile(tab):
    from hotline_desktop.gui.orders.reconcile_dialog import ReconcileDialog

    if tab.month is None or tab.ys_id is None:
        return None
    if tab.month not in tab.services.orders.months():
        tab.show_error(_tr("{0} 尚未导入工单明细，无法核对").format(tab.month))
        return None
    dlg = ReconcileDialog(tab.services, tab.ys_id, tab.month, tab)
    dlg.finished.connect(dlg.deleteLater)
    tab._reconcile_dialog = dlg
    dlg.open()
    return dlg


def open_anomalies(tab):
    from hotline_desktop.gui.orders.anomalies_dialog import AnomaliesDialog

    if tab.month is None:
        return None
    dlg = AnomaliesDialog(tab.services, tab.month, tab)
    dlg.finished.connect(dlg.deleteLater)
    tab._anomalies_dialog = dlg
    dlg.open()
    return dlg


def open_import(tab) -> object:
    """月度数据 → 导入工单明细…"""
    from hotline_desktop.gui.orders.import_dialog import OrdersImportDialog

    dlg = OrdersImportDialog(tab.services, tab.month, tab, undo_stack=tab.undo_stack)

    def imported(result) -> None:
        from hotline_desktop.gui.orders.commands import ImportOrdersCommand

        tab.undo_stack.push(ImportOrdersCommand(
            tab.services, dlg.plan, dlg.only_good.isChecked(), dlg.written,
            _tr("导入工单明细 {0}（{1} 件）").format("、".join(result.months), result.orders), tab.show_error, tab))
        tab.show_status(result.summary() + _tr("（可撤销）"), 15000)

    dlg.imported.connect(imported)
    dlg.finished.connect(dlg.deleteLater)
    tab._orders_dialog = dlg
    dlg.open()
    return dlg


def drill_target(tab, proxy_index):
    """(scheme_id, unit_id, month, key) when the cell is computed from imported orders, else None."""
    feeds = getattr(tab.services, "feeds", None)
    if feeds is None or not hasattr(feeds, "order_keys") or tab.ys_id is None or not proxy_index.isValid():
        return None
    e = tab._edit_of(proxy_index, None)
    if e is None or e.key not in feeds.order_keys(tab.ys_id) or e.month not in feeds.order_months(tab.ys_id):
        return None
    return tab.services.assessment.scheme(tab.ys_id).id, e.unit_id, e.month, e.key


def add_drill_action(tab, menu, proxy_index) -> None:
    target = drill_target(tab, proxy_index)
    if target is None:
        return
    menu.addSeparator()
    a = menu.addAction(_tr("查看工单明细…"), lambda: open_drill(tab, *target))
    a.setToolTip(_tr("列出计入该数值分子、分母的工单，可导出 Excel"))


def open_drill(tab, scheme_id: str, unit_id: int, month: str, key: str):
    from hotline_desktop.gui.orders.drill_dialog import OrderDrillDialog

    dlg = OrderDrillDialog(tab.services, scheme_id, unit_id, month, key, tab)
    dlg.finished.connect(dlg.deleteLater)
    tab._drill_dialog = dlg
    dlg.open()
    return dlg
