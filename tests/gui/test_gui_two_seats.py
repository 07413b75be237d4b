"""Two seats on one database (SQLite, two windows): the second writer of a cell is told what
changed underneath it, sees the current value, and its undo history stays truthful."""

import pytest

from hotline_desktop.services.app import AppServices
from hotline_desktop.services.assessment import CellEdit

YEAR, MONTH = 2026, "2026-03"


@pytest.fixture
def other_seat(seeded, data_paths):
    b = AppServices.open(data_paths, lock=False, auto_backup=False)
    b.store.set_operator("李四")
    yield b
    b.close()


@pytest.fixture
def ys(seeded):
    row = seeded.assessment.assign(YEAR, "ganxian-2023-hotline")
    seeded.assessment.set_values(row.id, [CellEdit(seeded.ids["JD01"], MONTH, "volume", "20")])
    return row


@pytest.fixture
def tab(qtbot, seeded, ys):
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    t = MonthlyTab(seeded)
    qtbot.addWidget(t)
    t.resize(1300, 700)
    t.set_year(YEAR)
    t.set_year_scheme(ys)
    t.set_month(MONTH)
    t.show()
    qtbot.waitExposed(t)
    qtbot.waitUntil(lambda: not t.building, timeout=10000)  # the live engine, built in a worker
    yield t
    t.shutdown()


def shown(tab, code, key="volume"):
    return tab.proxy.data(tab.proxy.source_index(tab.services.ids[code], key))


def stored(services, ys, code, key="volume"):
    c = services.assessment.monthly_cells(ys.id, MONTH).get((services.ids[code], MONTH, key))
    return None if c is None else c.text


def test_typing_over_a_cell_another_seat_changed_is_refused_and_shows_its_value(tab, ys, other_seat,
                                                                                 message_boxes):
    uid = tab.services.ids["JD01"]
    other_seat.assessment.set_values(ys.id, [CellEdit(uid, MONTH, "volume", "33", version=1)])
    assert shown(tab, "JD01") == "20"  # this seat has not seen it yet
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "25")
    assert stored(tab.services, ys, "JD01") == "33"  # nothing overwritten
    assert shown(tab, "JD01") == "33"  # the cell refreshed to the current value
    text = message_boxes.texts("warning")[-1]
    assert "洪家楼街道" in text and "“33”" in text and "李四" in text and "未保存" in text, text
    assert tab.undo_stack.count() == 0  # the refused edit is not on the stack
    # now that this seat has seen 33, its edit goes through
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "25")
    assert stored(tab.services, ys, "JD01") == "25" and tab.undo_stack.count() == 1


def test_a_new_cell_typed_by_both_seats_conflicts(tab, ys, other_seat, message_boxes):
    uid = tab.services.ids["JD02"]
    other_seat.assessment.set_values(ys.id, [CellEdit(uid, MONTH, "volume", "8", version=0)])
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "9")
    assert stored(tab.services, ys, "JD02") == "8" and shown(tab, "JD02") == "8"
    assert "“8”" in message_boxes.texts("warning")[-1]


def test_undo_after_another_seat_changed_the_cell_is_reported_not_applied(tab, ys, other_seat, message_boxes):
    uid = tab.services.ids["JD01"]
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "21")
    assert stored(tab.services, ys, "JD01") == "21" and tab.undo_stack.count() == 1
    version = other_seat.assessment.monthly_versions(ys.id, MONTH)[(uid, "volume")]
    other_seat.assessment.set_values(ys.id, [CellEdit(uid, MONTH, "volume", "40", version=version)])
    tab.undo_stack.undo()
    assert stored(tab.services, ys, "JD01") == "40"  # the other seat's value stays
    assert shown(tab, "JD01") == "40"
    assert "“40”" in message_boxes.texts("warning")[-1]
    assert tab.undo_stack.count() == 0  # the refused step left the history


def test_own_undo_and_redo_still_work_with_versions(tab, ys):
    uid = tab.services.ids["JD01"]
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "21")
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "22")
    tab.undo_stack.undo()
    tab.undo_stack.undo()
    assert stored(tab.services, ys, "JD01") == "20"
    tab.undo_stack.redo()
    tab.undo_stack.redo()
    assert stored(tab.services, ys, "JD01") == "22" and tab.undo_stack.count() == 2
    assert tab.undo_stack.index() == 2


def test_unit_undo_after_another_seat_changed_it_is_refused(seeded, other_seat):
    from hotline_desktop.core.domain import UnitDraft
    from hotline_desktop.gui.units.commands import EditUnitCommand
    from hotline_desktop.services.units import draft_of

    u = seeded.ids["KS01"]
    old = draft_of(seeded.units.get(u))
    new = draft_of(seeded.units.update(u, UnitDraft(code="KS01", name="区民政局", kind="department", contact="甲")))
    errors = []
    cmd = EditUnitCommand(seeded, u, old, new, errors.append)
    theirs = draft_of(other_seat.units.get(u))
    theirs.contact = "乙"
    other_seat.units.update(u, theirs)
    cmd.undo()
    assert seeded.units.get(u).contact == "乙" and cmd.isObsolete()
    assert errors and "乙" in errors[0] and "李四" in errors[0]


@pytest.fixture
def notices_tab(qtbot, seeded):
    from datetime import date

    from hotline_desktop.core.notices import Channel, Level
    from hotline_desktop.gui.notices.tab import NoticesTab
    from hotline_desktop.services.notices import NoticeDraft

    seeded.notices.set_today(date(2026, 12, 1))
    seeded.notice = seeded.notices.issue(NoticeDraft(
        unit_id=seeded.ids["KS01"], channel=Channel.HOTLINE, level=Level.PHONE, issued=date(2026, 11, 30), days=10,
        content="低保申请进度"))
    t = NoticesTab(seeded)
    qtbot.addWidget(t)
    t.resize(1366, 700)
    t.set_year(2026)
    t.show()
    yield t
    t.shutdown()


def test_notice_dialog_saved_after_another_seat_changed_it_is_refused(qtbot, notices_tab, seeded, other_seat):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from hotline_desktop.gui.notices.models import COL_STATUS

    n = seeded.notice
    notices_tab.select_notice(n.id)
    dlg = notices_tab.open_edit_dialog()
    other_seat.notices.complete(n.id, n.issued, "已电话答复", expected_version=n.version)
    dlg.ui.contentEdit.setPlainText("低保申请进度（补充）")
    qtbot.mouseClick(dlg.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    stored = seeded.notices.get(n.id)
    assert stored.content == "低保申请进度" and stored.completed == n.issued  # nothing of this edit saved
    assert dlg.isVisible()  # the dialog stays, with the message
    shown = " ".join(str(v) for v in dlg.errors().values()) if hasattr(dlg, "errors") else ""
    assert "其他席位" in shown and "李四" in shown, shown
    status = [notices_tab.model.index(i, COL_STATUS).data() for i in range(notices_tab.model.rowCount())]
    assert any("办结" in s for s in status)  # the register refreshed to the other seat's 办结
    assert notices_tab.undo_stack.count() == 0  # the refused edit is not on the stack


def test_notice_undo_after_another_seat_changed_it_is_refused(notices_tab, seeded, other_seat, message_boxes):
    n = seeded.notice
    assert notices_tab.commit_edit(n.id, {"notes": "已电话催办"}, n.version).notes == "已电话催办"
    current = other_seat.notices.get(n.id)
    other_seat.notices.update(n.id, current.version, notes="单位已回复")
    notices_tab.undo_stack.undo()
    assert seeded.notices.get(n.id).notes == "单位已回复"
    text = message_boxes.texts("warning")[-1]
    assert "备注" in text and "“单位已回复”" in text and "李四" in text, text
    assert notices_tab.undo_stack.count() == 0  # the refused step left the history


def test_annual_item_changed_by_another_seat_is_refused_and_the_form_shows_it(qtbot, seeded, other_seat,
                                                                              message_boxes):
    from hotline_desktop.gui.annual.tab import AnnualTab

    ys = seeded.assessment.assign(2023, "ganxian-2023-hotline")
    u = seeded.ids["JD01"]
    tab = AnnualTab(seeded)
    qtbot.addWidget(tab)
    tab.set_year(2023)
    tab.set_year_scheme(ys)
    tab.show()
    qtbot.waitUntil(lambda: not tab.building, timeout=10000)  # the live engine, built in a worker
    try:
        tab.select_unit(u)
        other_seat.assessment.set_values(ys.id, [CellEdit(u, None, "publicity_articles", "7", version=0)])
        tab.commit_value(u, "publicity_articles", "3")
        assert seeded.assessment.annual_cells(ys.id, u)[(u, "publicity_articles")].text == "7"
        assert "“7”" in message_boxes.texts("warning")[-1] and "李四" in message_boxes.texts("warning")[-1]
        tab.select_unit(u)
        assert tab.cards["publicity_articles"].editor.value() == 7  # the form shows the stored value
        tab.commit_value(u, "publicity_articles", "3")  # seen now: saved
        assert seeded.assessment.annual_cells(ys.id, u)[(u, "publicity_articles")].text == "3"
        other_seat.assessment.set_values(ys.id, [CellEdit(u, None, "publicity_articles", "9")])
        tab.undo_stack.undo()  # this seat's undo would overwrite 9: refused, reported
        assert seeded.assessment.annual_cells(ys.id, u)[(u, "publicity_articles")].text == "9"
        assert tab.undo_stack.count() == 0
    finally:
        tab.shutdown()


def test_unit_dialog_saved_after_another_seat_changed_the_unit_is_refused(units_tab, other_seat, message_boxes):
    from hotline_desktop.gui.units.models import COL_CONTACT
    from hotline_desktop.services.units import draft_of

    u = units_tab.services.ids["JD02"]
    loaded = units_tab.model.unit(u)
    theirs = draft_of(other_seat.units.get(u))
    theirs.contact = "孙悦"
    other_seat.units.update(u, theirs)
    mine = draft_of(loaded)
    mine.phone = "13800000009"
    assert units_tab.commit_edit(u, mine, expected=draft_of(loaded), expected_version=loaded.version) is None
    stored = units_tab.services.units.get(u)
    assert stored.contact == "孙悦" and stored.phone == ""
    text = message_boxes.texts("warning")[-1]
    assert "孙悦" in text and "李四" in text, text
    assert units_tab.model.index(units_tab.model.row_of(u), COL_CONTACT).data() == "孙悦"  # refreshed
    assert units_tab.model.unit(u).version == stored.version
