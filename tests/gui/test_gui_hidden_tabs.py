"""Figures typed in 月度数据 while 年度考核 and 排名 are hidden: those tabs do no work per edit,
and show the current figures as soon as they are shown again."""

from ranking_fixtures import (
    district_fixture,  # noqa: F401 - registers the "district" fixture
    open_tab,
)
from tab_fixtures import assert_ranking_current, show_year_tab

from hotline_desktop.gui.annual.tab import AnnualTab
from hotline_desktop.services.assessment import CellEdit

GANXIAN_FULL = {"volume": "20", "on_time_completion_rate": "100", "satisfaction_rate": "98", "rework_rate": "1",
                "sign_in_rate": "100", "response_rate": "100", "return_overdue_rate": "0",
                "first_extension_rate": "1", "second_extension_rate": "0"}


def _annual_tab(qtbot, services, ys):
    return show_year_tab(qtbot, AnnualTab(services), ys, size=(1300, 720))


def test_hidden_annual_tab_refreshes_unit_states_once_when_shown(qtbot, seeded, monkeypatch):
    ys = seeded.assessment.assign(2023, "ganxian-2023-hotline")
    tab = _annual_tab(qtbot, seeded, ys)
    jd = seeded.ids["JD01"]
    before = tab.units_model.state(jd)
    tab.hide()
    computed = []
    real = tab._state_of
    monkeypatch.setattr(tab, "_state_of", lambda unit, *a: computed.append(unit.id) or real(unit, *a))
    for m in range(1, 13):
        seeded.assessment.set_values(ys.id, [CellEdit(jd, f"2023-{m:02d}", k, v) for k, v in GANXIAN_FULL.items()])
    assert computed == []  # nothing per edit while hidden
    tab.show()
    assert computed.count(jd) == 1  # once, when shown
    fresh = _annual_tab(qtbot, seeded, ys)
    assert tab.units_model.state(jd) == fresh.units_model.state(jd) != before
    assert tab.figures_text(tab._scheme, tab._live.result(), tab._live.result().units["JD01"]) == \
        fresh.figures_text(fresh._scheme, fresh._live.result(), fresh._live.result().units["JD01"])
    fresh.shutdown()
    tab.shutdown()


def test_hidden_ranking_tab_follows_edits_once_when_shown(qtbot, district):
    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-02")
    ys = district.ganxian
    live = district.rankings.live(ys.id)
    tab.hide()
    signals = []
    tab.model.dataChanged.connect(lambda *a: signals.append(a))
    tab.model.layoutChanged.connect(lambda *a: signals.append(a))
    for code, key, value in (("SQ003", "satisfaction_rate", "40"), ("KS07", "satisfaction_rate", "100"),
                             ("JD02", "volume", "321"), ("SQ003", "satisfaction_rate", "99.99")):
        district.assessment.set_values(ys.id, [CellEdit(live.id_of[code], "2026-02", key, value)])
    assert signals == []  # the hidden table did no work
    tab.show()
    assert signals  # shown: the rows follow at once
    assert_ranking_current(tab, live, "2026-02")
    tab.shutdown()
