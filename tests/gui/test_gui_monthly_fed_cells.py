"""月度数据 grid × 督办通知: fed cells shown as counts with the notices named, typed overrides
shown as such and reversible, undo of an override back to the count, live with the register."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from tab_fixtures import show_year_tab

from hotline_desktop.core.notices import Channel, Level
from hotline_desktop.gui.notices.fed_cells import (
    FED_BACKGROUND,
    FED_ROLE,
    FED_ZERO_BACKGROUND,
    OVERRIDE_BACKGROUND,
)
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.notices import NoticeDraft

YEAR = 2026
MONTH = "2026-03"
FULL = {"volume": "20", "on_time_completion_rate": "100", "satisfaction_rate": "98", "rework_rate": "1",
        "sign_in_rate": "100", "response_rate": "100", "return_overdue_rate": "0",
        "first_extension_rate": "1", "second_extension_rate": "0"}
CODES = ["JD01", "JD02", "KS01", "SQ001", "SQ002"]


def notice(services, code, issued, level=Level.PHONE, channel=Channel.HOTLINE):
    return services.notices.issue(NoticeDraft(unit_id=services.ids[code], channel=channel, level=level,
                                              issued=issued, days=5, content="督办事项"))


@pytest.fixture
def ys(seeded):
    seeded.notices.set_today(date(2026, 12, 1))
    row = seeded.assessment.assign(YEAR, "ganxian-2023-hotline")
    edits = [CellEdit(seeded.ids[c], MONTH, k, v) for c in CODES for k, v in FULL.items()]
    seeded.assessment.set_values(row.id, edits)
    seeded.n1 = notice(seeded, "SQ001", date(2026, 3, 3))
    seeded.n2 = notice(seeded, "SQ001", date(2026, 3, 10))
    seeded.n3 = notice(seeded, "SQ001", date(2026, 3, 12), level=Level.WRITTEN)
    return row


@pytest.fixture
def tab(qtbot, seeded, ys):
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    t = show_year_tab(qtbot, MonthlyTab(seeded), ys, built=False)
    t.set_month(MONTH)
    yield t
    t.shutdown()


def ix(tab, code, key):
    return tab.proxy.source_index(tab.services.ids[code], key)


def score(services, ys, code):
    return services.rankings.result(ys.id).units[code].months[MONTH].score


def test_fed_cells_show_the_count_in_their_own_style_naming_the_notices(tab, seeded):
    light = ix(tab, "SQ001", "supervision_light")
    assert light.data() == "2"
    assert light.data(Qt.ItemDataRole.BackgroundRole).color() == FED_BACKGROUND
    tip = light.data(Qt.ItemDataRole.ToolTipRole)
    assert "自动计数 2：督（2026）1号、2号" in tip
    assert ix(tab, "SQ001", "supervision_heavy").data() == "1"
    other = ix(tab, "JD01", "supervision_light")
    assert other.data(Qt.ItemDataRole.BackgroundRole).color() == FED_ZERO_BACKGROUND  # counted: no notice
    assert ix(tab, "JD01", "volume").data(Qt.ItemDataRole.BackgroundRole) is None  # a typed input
    assert "自动计数 0" in other.data(Qt.ItemDataRole.ToolTipRole)


def test_issuing_a_notice_updates_the_grid_and_the_score_live(qtbot, tab, seeded, ys):
    before = score(seeded, ys, "JD01")
    notice(seeded, "JD01", date(2026, 3, 20), level=Level.LEADER)
    heavy = ix(tab, "JD01", "supervision_heavy")
    qtbot.waitUntil(lambda: heavy.data() == "1")
    assert heavy.data(FED_ROLE).fed.sources == ("督（2026）4号",)
    assert score(seeded, ys, "JD01") != before


def test_typing_over_a_fed_cell_is_an_override_reverted_from_the_menu_and_undone(qtbot, tab, seeded, ys):
    light = ix(tab, "SQ001", "supervision_light")
    fed_score = score(seeded, ys, "SQ001")
    assert tab.proxy.setData(light, "0")
    assert light.data() == "0"
    assert light.data(Qt.ItemDataRole.BackgroundRole).color() == OVERRIDE_BACKGROUND
    assert "手工覆盖为 0（自动计数 2：督（2026）1号、2号）" in light.data(Qt.ItemDataRole.ToolTipRole)
    assert score(seeded, ys, "SQ001") != fed_score

    tab.table.setCurrentIndex(light)
    assert tab.overridden_fed_cells() == [(seeded.ids["SQ001"], "supervision_light")]
    assert tab.revert_fed() == 1
    assert light.data() == "2" and light.data(Qt.ItemDataRole.BackgroundRole).color() == FED_BACKGROUND
    assert score(seeded, ys, "SQ001") == fed_score

    tab.undo_stack.undo()  # back to the override
    assert light.data() == "0" and light.data(FED_ROLE).overridden
    tab.undo_stack.undo()  # the override undone: the count again, not a typed "2"
    assert light.data() == "2" and not light.data(FED_ROLE).overridden
    cell = seeded.assessment.monthly_cells(ys.id, MONTH).get((seeded.ids["SQ001"], MONTH, "supervision_light"))
    assert cell is None  # nothing typed left
    tab.undo_stack.redo()
    assert light.data() == "0" and light.data(FED_ROLE).overridden


def test_typing_the_same_number_as_the_count_still_records_an_override(tab, seeded, ys):
    light = ix(tab, "SQ001", "supervision_light")
    assert tab.proxy.setData(light, "2")
    assert light.data(FED_ROLE).overridden
    notice(seeded, "SQ001", date(2026, 3, 25))  # a third light notice: the override stands
    assert light.data() == "2"
    assert light.data(FED_ROLE).fed.value == 3
