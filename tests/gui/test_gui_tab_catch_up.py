"""One "catch up when shown" mechanism (TabPage.when_shown / gather_when_shown): a hidden tab does no
work for changes made elsewhere and is current as soon as it is shown."""

from PySide6.QtCore import Qt
from ranking_fixtures import (
    district_fixture,  # noqa: F401 - registers the "district" fixture
)
from tab_fixtures import assert_ranking_current

from hotline_desktop.gui.annual.tab import AnnualTab
from hotline_desktop.gui.main_window import MainWindow
from hotline_desktop.gui.tab_base import TabPage


class _Page(TabPage):
    catch_up_order = ("load", "items")

    @property
    def title(self) -> str:
        return "页"


def _page(qtbot):
    page = _Page(services=None)
    qtbot.addWidget(page)
    return page


def test_hidden_page_keeps_the_latest_work_and_does_it_once_when_shown(qtbot):
    page = _page(qtbot)
    done = []
    for n in range(3):
        page.when_shown("load", done.append, n)
    assert done == []  # hidden: nothing done
    assert page.deferred("load") == (2,)
    page.show()
    qtbot.waitExposed(page)
    assert done == [2]  # once, the latest asked for
    page.hide()
    page.show()
    assert done == [2]  # nothing owed: a second show does nothing
    page.when_shown("load", done.append, 3)
    assert done == [2, 3]  # shown: at once
    assert page.deferred("load") is None


def test_hidden_page_gathers_items_and_follows_them_once(qtbot):
    page = _page(qtbot)
    calls = []
    assert page.gather_when_shown("items", {"a", "b"}, calls.append)
    assert page.gather_when_shown("items", ["b", "c"], calls.append)
    assert calls == []
    page.show()
    assert calls == [frozenset({"a", "b", "c"})]
    assert not page.gather_when_shown("items", {"d"}, calls.append)  # shown: the caller works now
    assert calls == [frozenset({"a", "b", "c"})]


def test_catch_up_runs_in_the_tabs_order_and_a_load_may_drop_item_updates(qtbot):
    page = _page(qtbot)
    order = []
    page.when_shown("other", order.append, "other")
    page.gather_when_shown("items", {1}, lambda ids: order.append(("items", ids)))
    page.when_shown("load", lambda: (order.append("load"), page.drop_deferred("items")))
    page.show()
    assert order == ["load", "other"]  # load first (catch_up_order); it made the item updates unnecessary


def test_catch_up_of_one_key_serves_an_action_on_a_hidden_tab(qtbot):
    page = _page(qtbot)
    done = []
    page.when_shown("load", done.append, "month")
    page.when_shown("fed", done.append, "fed")
    page.catch_up("load")
    assert done == ["month"] and page.deferred("fed") == ("fed",)


def test_main_window_tabs_behind_monthly_do_nothing_per_typed_cell_and_are_current_when_shown(
        qtbot, district, monkeypatch):
    win = MainWindow(district, year=district.ganxian.year)
    qtbot.addWidget(win)
    win.resize(1400, 800)
    win.show()
    qtbot.waitExposed(win)
    try:
        monthly, annual, ranking = win.page("monthly"), win.page("annual"), win.page("ranking")
        for tab in (annual, ranking, monthly):  # each shown once: loaded, following its live engine
            win.tabs.setCurrentWidget(tab)
            qtbot.waitUntil(lambda t=tab: not t.building, timeout=10000)
        assert ranking.live is not None
        refreshed, signalled = [], []
        real = annual._refresh_states
        monkeypatch.setattr(annual, "_refresh_states", lambda ids: refreshed.append(set(ids)) or real(ids))
        ranking.model.dataChanged.connect(lambda *a: signalled.append(a))
        ranking.model.layoutChanged.connect(lambda *a: signalled.append(a))
        model = monthly.model
        col = model.column_of("satisfaction_rate")
        typed = []
        for code, text in (("SQ003", "40"), ("KS07", "61"), ("SQ003", "99.5")):
            row = model.row_of(district.rankings.live(district.ganxian.id).id_of[code])
            assert model.setData(model.index(row, col), text, Qt.ItemDataRole.EditRole)
            typed.append(model.unit_at(row).id)
        assert model.cell(typed[0], "satisfaction_rate").text == "99.5"
        assert refreshed == [] and signalled == []  # the hidden tabs did no work
        assert set(typed) <= annual.deferred("states")[0]
        win.tabs.setCurrentWidget(annual)
        assert len(refreshed) == 1 and set(typed) <= refreshed[0]  # once, when shown
        fresh = AnnualTab(district)
        qtbot.addWidget(fresh)
        fresh.set_year(district.ganxian.year)
        fresh.set_year_scheme(district.ganxian)
        fresh.show()
        qtbot.waitUntil(lambda: not fresh.building, timeout=10000)
        for uid in typed:
            assert annual.units_model.state(uid) == fresh.units_model.state(uid)
        fresh.shutdown()
        win.tabs.setCurrentWidget(ranking)
        assert signalled  # shown: the rows follow at once
        assert_ranking_current(ranking, district.rankings.live(district.ganxian.id), ranking.month_combo.currentData())
        assert ranking.deferred("changed") is None and annual.deferred("states") is None
    finally:
        win.release()


def test_hidden_monthly_grid_follows_unit_edits_once_when_shown(qtbot, seeded, monkeypatch):
    from tab_fixtures import show_year_tab

    from hotline_desktop.core.domain import UnitDraft, UnitKind
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    ys = seeded.assessment.assign(2026, "ganxian-2023-hotline")
    tab = show_year_tab(qtbot, MonthlyTab(seeded), ys)
    try:
        tab.hide()
        loads = []
        real = tab._load
        monkeypatch.setattr(tab, "_load", lambda *a, **k: loads.append(a) or real(*a, **k))
        seeded.units.create(UnitDraft(code="SQ077", name="新建社区", kind=UnitKind.COMMUNITY))
        jd01 = seeded.units.get(seeded.ids["JD01"])
        seeded.units.update(jd01.id, UnitDraft(code="JD01", name="改名街道", kind=UnitKind.TOWN))
        assert loads == []  # hidden: the grid did no work
        tab.show()
        assert len(loads) == 1  # once, when shown
        names = {tab.model.unit_at(r).code: tab.model.unit_at(r).name for r in range(tab.model.rowCount())}
        assert names["SQ077"] == "新建社区" and names["JD01"] == "改名街道"
    finally:
        tab.shutdown()


def test_a_part_kept_for_when_it_shows_runs_with_the_tab_shown_and_the_part_on_screen(qtbot):
    """when_shown(shown=…): kept while the tab is hidden or the part is not on screen; the tab
    shown without the part runs the others only; catch_up() once the part is up runs it."""
    page = _page(qtbot)
    part_on = [False]
    done = []
    shown = lambda: page.isVisible() and part_on[0]  # noqa: E731
    page.when_shown("part", done.append, 1, shown=shown)
    page.when_shown("load", done.append, "load")
    page.show()
    assert done == ["load"] and page.deferred("part") == (1,)  # the tab shown, the part not
    page.when_shown("part", done.append, 2, shown=shown)
    page.catch_up()
    assert done == ["load"]  # still not on screen: kept, the latest
    part_on[0] = True
    page.catch_up()  # what the tab does when it brings the part up
    assert done == ["load", 2] and page.deferred("part") is None
    page.when_shown("part", done.append, 3, shown=shown)  # on screen: at once
    assert done == ["load", 2, 3]
    page.hide()
    page.when_shown("part", done.append, 4, shown=shown)
    assert done == ["load", 2, 3]
    page.show()
    assert done == ["load", 2, 3, 4]  # the tab shown with the part on it
    part_on[0] = False
    page.when_shown("part", done.append, 5, shown=shown)
    page.catch_up("part")  # an action that needs it current: whether it shows or not
    assert done == ["load", 2, 3, 4, 5]


def _board_builds(tab) -> list:
    builds = []
    entries = tab.model.board_entries
    tab.model.board_entries = lambda *a: (builds.append(1), entries(*a))[1]
    return builds


def _board_as_fresh(qtbot, district, tab, ys, month=None) -> None:
    """The tab's 红黑榜 (rows and notes) is the one a tab opened now shows."""
    from ranking_fixtures import open_tab

    fresh = open_tab(qtbot, district, ys)
    if month is not None:
        fresh.set_month(month)
    fresh.show_board()
    assert tab.board_model.rows == fresh.board_model.rows
    assert tab.board_notes.text() == fresh.board_notes.text()
    fresh.shutdown()


def _raise_bottom_units(district, tab, ys, months, n: int) -> None:
    from hotline_desktop.services.assessment import CellEdit

    live = district.rankings.live(ys.id)
    for code in tab.proxy.codes()[-n:]:
        district.assessment.set_values(ys.id, [CellEdit(live.id_of[code], m, "satisfaction_rate", "100")
                                               for m in months])


def test_the_board_is_not_rebuilt_while_the_table_view_shows_and_is_current_when_picked(qtbot, district):
    """Edits while 排名 shows the table: the 红黑榜 is not built (its units' rows not read); picking
    红黑榜 then shows the current boards."""
    from ranking_fixtures import open_tab

    ys = district.licheng
    tab = open_tab(qtbot, district, ys)
    builds = _board_builds(tab)
    tab.set_group("community")
    _raise_bottom_units(district, tab, ys, [f"2025-{m:02d}" for m in range(1, 13)], 3)
    assert builds == []
    tab.show_board()
    assert builds == [1]
    _board_as_fresh(qtbot, district, tab, ys)
    tab.shutdown()


def test_the_board_is_not_rebuilt_while_the_ranking_tab_is_hidden_and_is_current_when_shown(qtbot, district):
    """The 红黑榜 view current, the 排名 tab hidden (another tab in front): edits and another month
    picked (a full load of the rows) do not rebuild the board; showing the tab shows the current
    boards, built once."""
    from ranking_fixtures import open_tab

    ys = district.ganxian
    tab = open_tab(qtbot, district, ys)
    tab.show_board()
    builds = _board_builds(tab)
    tab.hide()
    _raise_bottom_units(district, tab, ys, ["2026-01", "2026-02"], 3)
    tab.set_month("2026-02")
    _raise_bottom_units(district, tab, ys, ["2026-02"], 2)
    assert builds == []
    tab.show()
    assert builds == [1]
    _board_as_fresh(qtbot, district, tab, ys, "2026-02")
    tab.shutdown()
