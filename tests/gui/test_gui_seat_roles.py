"""A seat's role disables what it may not change (the server refuses it anyway); the status bar
names the operator; 文件 → 修改记录… lists who changed what; 文件 → 操作员… names this seat."""

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractItemView, QInputDialog

from hotline_desktop.gui.main_window import MainWindow


def open_window(qtbot, services, role):
    services.store._role = role  # as read at open from a server database (db.seats.resolve_role)
    win = MainWindow(services, year=2026)
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_clerk_cannot_touch_units_settings_or_schemes_but_enters_figures(qtbot, seeded):
    win = open_window(qtbot, seeded, "录入员")
    try:
        units = win.page("units")
        units.select_unit(seeded.ids["JD01"])  # a selection re-enables edit actions … except here
        for a in units.edit_actions():
            assert not a.isEnabled() and a.toolTip() == "你的角色（录入员）不能修改承办单位"
        assert not win.settings_action.isEnabled()
        assert not win.scheme_selector.assign_button.isEnabled()
        assert "录入员" in win.seat_label.text()
        assert win.page("notices").new_action.isEnabled()
        assert win.page("kb").new_action.isEnabled()
        monthly = win.page("monthly")
        assert monthly.role_refusal == "" and monthly.table.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
    finally:
        win.release()


def test_an_admin_cannot_enter_figures_and_is_told_why(qtbot, seeded, message_boxes):
    from hotline_desktop.services.assessment import CellEdit

    win = open_window(qtbot, seeded, "管理员")
    try:
        assert win.settings_action.isEnabled() and win.page("units").add_action.isEnabled()
        assert not win.page("notices").new_action.isEnabled()
        monthly = win.page("monthly")
        assert monthly.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
        ys = seeded.assessment.assign(2026, "ganxian-2023-hotline")
        monthly.set_year_scheme(ys)
        assert monthly.apply_edits([CellEdit(seeded.ids["JD01"], "2026-03", "volume", "5")], "x") == []
        assert message_boxes.texts("warning")[-1] == "你的角色（管理员）不能修改考核数据"
        assert seeded.assessment.monthly_cells(ys.id) == {}
    finally:
        win.release()


def test_audit_dialog_lists_operators_and_filters(qtbot, seeded, monkeypatch):
    from hotline_desktop.core.domain import UnitDraft
    from hotline_desktop.gui.audit_dialog import COL_OPERATOR, AuditDialog

    seeded.store.set_operator("王丽")
    seeded.units.create(UnitDraft(code="T09", name="五云镇", kind="town"))
    dlg = AuditDialog(seeded)
    qtbot.addWidget(dlg)
    ops = [dlg.operator_combo.itemText(i) for i in range(dlg.operator_combo.count())]
    assert "王丽" in ops and ops[0] == "全部"
    dlg.operator_combo.setCurrentIndex(ops.index("王丽"))
    shown = {dlg.model.index(r, COL_OPERATOR).data() for r in range(dlg.model.rowCount())}
    assert shown == {"王丽"} and dlg.model.rowCount() >= 8  # every field of the new unit


def test_operator_profile_is_kept_for_this_seat_and_names_later_changes(qtbot, seeded, monkeypatch):
    from hotline_desktop.core.domain import UnitDraft
    from hotline_desktop.services.audit import AuditService

    win = open_window(qtbot, seeded, None)
    try:
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("赵强", True)))
        win.operator_dialog()
        assert "赵强" in win.seat_label.text() and QSettings().value("seat/operator") == "赵强"
        seeded.units.create(UnitDraft(code="T10", name="梅林镇", kind="town"))
        assert AuditService(seeded.store).recent(1)[0].operator == "赵强"
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("x" * 40, True)))
        win.operator_dialog()  # too long: refused, the profile stays
        assert seeded.store.operator == "赵强"
    finally:
        win.release()
