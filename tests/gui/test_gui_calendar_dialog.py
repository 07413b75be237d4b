"""文件 → 工作日历… and 文件 → 设置…: the year grid, marking days, affected notices, import, undo."""

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.core.notices import Channel, Level
from hotline_desktop.core.workdays import DayKind, OfficeDay
from hotline_desktop.gui.calendar.dialog import CalendarDialog
from hotline_desktop.gui.calendar.year_grid import ADJUSTED, HOLIDAY, WEEKEND, WORKDAY
from hotline_desktop.gui.settings_dialog import SettingsDialog
from hotline_desktop.services.notices import NoticeDraft


@pytest.fixture
def dialog(qtbot, services):
    dlg = CalendarDialog(services, None, 2026)
    qtbot.addWidget(dlg)
    dlg.resize(1180, 720)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def _pixel(dlg, d: date) -> QColor:
    grid = dlg.grid
    img = grid.grab().toImage()
    r = grid.day_rect(d)
    # a point inside the cell, clear of the digit and the badge
    return img.pixelColor(int(r.left() + r.width() * 0.85), int(r.top() + r.height() * 0.2))


def test_holidays_adjusted_days_and_weekends_look_different(dialog):
    assert _pixel(dialog, date(2026, 10, 1)) == HOLIDAY.background  # 国庆节, Thursday
    assert _pixel(dialog, date(2026, 10, 10)) == ADJUSTED.background  # 调休上班, Saturday
    assert _pixel(dialog, date(2026, 10, 17)) == WEEKEND.background
    assert _pixel(dialog, date(2026, 10, 15)) == WORKDAY.background
    assert "国务院公布" in dialog.source_label.text()
    assert dialog.totals_label.text() == "2026 年工作日 248 天，休息日 117 天"


def test_an_unknown_year_says_it_is_assumed(dialog):
    dialog.next_button.click()
    assert dialog.year == 2027
    assert dialog.source_label.text() == "2027 年节假日尚未录入，按周一至周五计算"
    assert _pixel(dialog, date(2027, 10, 1)) == WORKDAY.background  # a Friday, assumed working


def test_click_selects_and_keys_move(dialog, qtbot):
    grid = dialog.grid
    center = grid.day_rect(date(2026, 10, 1)).center().toPoint()
    assert grid.day_at(center) == date(2026, 10, 1)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=center)
    assert grid.selected() == date(2026, 10, 1)
    assert "2026年10月1日 星期四：节假日 国庆节（国务院安排）" in dialog.day_label.text()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected() == date(2026, 10, 9)
    assert grid.day_at(QPoint(1, 1)) is None


def test_mark_a_day_with_a_name_then_undo_and_redo(dialog, services, monkeypatch):
    monkeypatch.setattr(dialog, "ask_name", lambda d, kind, default: "元旦")
    assert dialog.ask_and_mark(date(2027, 1, 1), DayKind.HOLIDAY)
    assert services.calendar.office_days() == [OfficeDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")]
    dialog.set_year(2027)
    assert dialog.source_label.text().startswith("2027 年：本办录入")
    assert _pixel(dialog, date(2027, 1, 1)) == HOLIDAY.background
    assert dialog.office_model.rowCount() == 1
    menu = dialog.day_menu(date(2027, 1, 1))
    assert [a.text() for a in menu.actions() if a.isEnabled() and a.text()][-1] == "清除本办设置"
    dialog.undo_action.trigger()
    assert services.calendar.office_days() == []
    assert dialog.source_label.text() == "2027 年节假日尚未录入，按周一至周五计算"
    dialog.redo_action.trigger()
    assert services.calendar.office_days(2027)[0].name == "元旦"


def test_cancelled_name_or_bad_name_changes_nothing(dialog, services, monkeypatch, message_boxes):
    monkeypatch.setattr(dialog, "ask_name", lambda d, kind, default: None)
    assert not dialog.ask_and_mark(date(2027, 1, 1), DayKind.HOLIDAY)
    assert not dialog.mark_day(date(2027, 1, 1), DayKind.HOLIDAY, "长" * 51)
    assert "名称不能超过 50 个字" in message_boxes.texts("warning")[-1]
    assert services.calendar.office_days() == []
    assert dialog.undo_stack.count() == 0


@pytest.fixture
def notice(services):
    unit = services.units.create(UnitDraft(code="D01", name="区城管局", kind=UnitKind.DEPARTMENT))
    return services.notices.issue(NoticeDraft(unit_id=unit.id, channel=Channel.HOTLINE, level=Level.WRITTEN,
                                              issued=date(2026, 12, 29), days=5, content="占道经营"))


def test_affected_notices_are_listed_and_only_the_ticked_ones_move(dialog, services, notice, monkeypatch):
    seen = []

    def confirm(items, text):
        seen.append((items, text))
        return list(items)  # tick all

    monkeypatch.setattr(dialog, "confirm_affected", confirm)
    assert dialog.mark_day(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    (items, text), = seen
    assert text == "将 2027年1月1日 设为节假日（元旦）"
    assert [(i.label, i.old_due, i.new_due) for i in items] == [
        (f"{notice.number} 区城管局", date(2027, 1, 5), date(2027, 1, 6))]
    assert services.notices.get(notice.id).due == date(2027, 1, 6)
    assert "1 项到期日已随之改动，0 项保持不变" in dialog.last_message
    dialog.undo_action.trigger()  # both go back
    assert services.notices.get(notice.id).due == date(2027, 1, 5)
    assert services.calendar.office_days() == []

    monkeypatch.setattr(dialog, "confirm_affected", lambda items, text: [])  # leave them
    assert dialog.mark_day(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    assert services.notices.get(notice.id).due == date(2027, 1, 5)
    assert services.calendar.office_days() != []

    monkeypatch.setattr(dialog, "confirm_affected", lambda items, text: None)  # cancel the edit
    assert not dialog.clear_day(date(2027, 1, 1))
    assert services.calendar.office_days() != []


def test_undo_lists_the_notices_issued_since_the_edit(dialog, services, monkeypatch):
    """Ctrl+Z of a calendar edit made before a notice was issued used to leave the notice's due
    date (counted with the edited day) as it was without listing it."""
    from hotline_desktop.gui.calendar import commands

    assert dialog.mark_day(date(2027, 1, 4), DayKind.HOLIDAY, "元旦")  # nothing issued yet
    unit = services.units.create(UnitDraft(code="D01", name="区城管局", kind=UnitKind.DEPARTMENT))
    n = services.notices.issue(NoticeDraft(unit_id=unit.id, channel=Channel.HOTLINE, level=Level.WRITTEN,
                                           issued=date(2026, 12, 29), days=5, content="占道经营"))
    assert n.due == date(2027, 1, 6)
    seen = []

    def choose(items, text):
        seen.append(([(i.label, i.old_due, i.new_due) for i in items], text))
        return list(items)

    monkeypatch.setattr(commands, "choose_items", choose, raising=False)
    dialog.undo_action.trigger()
    assert seen == [([(f"{n.number} 区城管局", date(2027, 1, 6), date(2027, 1, 5))],
                     "撤销“将 2027年1月4日 设为节假日（元旦）”")]
    assert services.notices.get(n.id).due == date(2027, 1, 5) and services.calendar.office_days() == []
    dialog.redo_action.trigger()  # the redo lists it again (it was moved by the undo, not by the edit)
    assert len(seen) == 2 and seen[1][0] == [(f"{n.number} 区城管局", date(2027, 1, 5), date(2027, 1, 6))]
    assert services.notices.get(n.id).due == date(2027, 1, 6)


def test_the_affected_items_dialog_ticks_and_unticks(qtbot, services, notice):
    from hotline_desktop.gui.calendar.affected import AffectedItemsDialog

    items = services.calendar.preview_change({date(2027, 1, 4): OfficeDay(date(2027, 1, 4), DayKind.HOLIDAY)})
    dlg = AffectedItemsDialog(items, "测试", None)
    qtbot.addWidget(dlg)
    assert dlg.chosen() == items
    dlg.none_button.click()
    assert dlg.chosen() == []
    m = dlg.model
    m.setData(m.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert dlg.chosen() == items
    assert m.index(0, 2).data() == "2027年1月5日（周二）"


def test_import_a_year_and_a_bad_file(dialog, services, tmp_path, monkeypatch, message_boxes):
    from hotline_desktop.gui import import_dialogs

    shown = []
    monkeypatch.setattr(import_dialogs.ImportProblemsDialog, "exec", lambda self: shown.append(self.problem_rows()))
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型,名称\n2027-01-01,节日啊,元旦\n", encoding="utf-8")
    assert not dialog.import_file(bad)
    assert shown and shown[0][0][2].startswith("类型“节日啊”应为")
    assert services.calendar.office_days() == []
    good = tmp_path / "2027.csv"
    good.write_text("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-02-06,调休上班,春节调休\n", encoding="utf-8")
    assert dialog.import_file(good)
    assert "节假日 1 天，调休上班 1 天" in message_boxes.texts("question")[-1]
    assert dialog.year == 2027 and dialog.office_model.rowCount() == 2
    assert _pixel(dialog, date(2027, 2, 6)) == ADJUSTED.background
    dialog.undo_action.trigger()
    assert services.calendar.office_days() == []


def test_settings_dialog_validates_saves_and_undoes(qtbot, services):
    dlg = SettingsDialog(services, None)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.hours_edit.setText("17:30-8:30")
    dlg.office_edit.setText("赣县区政府热线办")
    dlg.accept()
    assert dlg.isVisible() and "结束时间应晚于开始时间" in dlg.errors()["office_hours"]
    assert services.settings.office_name == "区政府热线办"
    dlg.hours_edit.setText("8:30-12:00、14:00-17:30")
    dlg.escalation_spin.setValue(4)
    assert "（赣县区政府热线办）部门督办通知" in dlg.preview_label.text()
    dlg.accept()
    assert not dlg.isVisible()
    assert (services.settings.office_name, services.settings.escalation_workdays) == ("赣县区政府热线办", 4)
    dlg.undo_stack.undo()
    assert (services.settings.office_name, services.settings.escalation_workdays) == ("区政府热线办", 3)
    assert services.settings.texts()["office_hours"] == "8:30–12:00、13:30–17:30"


def test_main_window_file_menu_opens_both(qtbot, services):
    from hotline_desktop.gui.main_window import MainWindow

    win = MainWindow(services, 2026)
    qtbot.addWidget(win)
    assert win.calendar_action.text() == "工作日历(&C)…" and win.settings_action.text() == "设置(&S)…"
    dlg = win.calendar_dialog(modal=False)
    assert isinstance(dlg, CalendarDialog) and dlg.year == 2026
    assert win.undo_group.activeStack() is win.registers_undo
    dlg.mark_day(date(2026, 10, 10), DayKind.HOLIDAY, "临时调整")
    assert win.undo_action.isEnabled()
    dlg.reject()
    assert win.undo_group.activeStack() is win.current_page().undo_stack
    win.release()


def test_export_the_shown_year(dialog, tmp_path):
    from hotline_desktop.core.calendar_file import parse_calendar_file

    out = dialog.export_file(tmp_path / "2026.xlsx")
    days = list(parse_calendar_file(out).days.values())
    assert OfficeDay(date(2026, 10, 1), DayKind.HOLIDAY, "国庆节") in days
    assert "已导出 2026 年节假日和调休上班" in dialog.last_message
    assert dialog.export_file(tmp_path / "2026.txt") is None


def test_right_click_and_enter_ask_for_the_days_menu(dialog, qtbot):
    grid = dialog.grid
    asked = []
    grid.day_menu_requested.disconnect()
    grid.day_menu_requested.connect(lambda d, pos: asked.append(d))
    center = grid.day_rect(date(2026, 2, 14)).center().toPoint()
    qtbot.mouseClick(grid, Qt.MouseButton.RightButton, pos=center)
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert asked == [date(2026, 2, 14), date(2026, 2, 15)]
    assert "调休上班" in dialog.day_label.text() or "节假日" in dialog.day_label.text()


def test_ctrl_z_and_ctrl_y_in_the_dialog(dialog, services, qtbot):
    assert dialog.mark_day(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    qtbot.keyClick(dialog.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert services.calendar.office_days() == []
    qtbot.keyClick(dialog.grid, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert services.calendar.office_days(2027)[0].name == "元旦"
