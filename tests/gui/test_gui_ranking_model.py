"""排名 tab: the live ranking model, proxy, 红黑榜, month selector and group filter."""

from decimal import Decimal

from PySide6.QtCore import Qt
from ranking_fixtures import (
    district_fixture,  # noqa: F401 - registers the "district" fixture
    open_tab,
)

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.core.ranking_table import build_ranking_table
from hotline_desktop.gui.ranking.models import (
    COL_CODE,
    COL_NAME,
    RB_LIST,
    RankingLayout,
    RankingProxy,
    RankingTableModel,
)
from hotline_desktop.services.assessment import CellEdit


def _rank_text(tab, code):
    return tab.model.index(tab.model.row_of(code), tab.model.col_rank).data()


def _check_against_engine(tab, result, month=None):
    for code, u in result.units.items():
        if month is None:
            assert _rank_text(tab, code) == u.rank_text, code
        else:
            m = u.months[month]
            want = "" if m.rank is None else (f"{m.rank}（并列）" if m.tied else str(m.rank))
            if m.status == "averaged":
                want = "按平均分"
            assert _rank_text(tab, code) == want, code


def test_models_pass_modeltester(qtmodeltester, qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    qtmodeltester.check(tab.board_model)
    tab.shutdown()
    live = district.rankings.live(district.ganxian.id)
    result = live.result()
    model = RankingTableModel()
    model.load(result, RankingLayout(result, year=2026, month="2026-02", monthly_values=live.engine.monthly_values))
    qtmodeltester.check(model)


def test_screen_matches_printed_table(qtbot, district):
    """Every figure on screen is the printed table's text (same columns, same formatting)."""
    tab = open_tab(qtbot, district, district.licheng)
    result = district.rankings.result(district.licheng.id)
    table = build_ranking_table(result, year=2025, group="community")
    keys = [c.key for c in table.columns]
    titles = [tab.model.headerData(i, Qt.Orientation.Horizontal).replace("\n", "")
              for i in range(tab.model.columnCount())]
    assert titles[:6] == ["编码", "单位名称", "综合满意率（50分）", "回复（退）时限（9分）", "推诿件（10分）", "督办件（6分）"]
    assert titles[-3:] == ["总分", "排名", "说明"]
    assert "领导重视（5分）" in titles and "工作态度（5分）" in titles
    for row in table.rows:
        r = tab.model.row_of(row.code)
        for col in range(2, tab.model.columnCount() - 1):
            key = tab.model.columns[col].key
            assert tab.model.index(r, col).data() == row.cells[keys.index(key)].text
    total = tab.model.col_total
    ix = tab.model.index(tab.model.row_of(table.rows[0].code), total)
    assert ix.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert len(ix.data().split(".")[1]) == 2
    tab.shutdown()


def test_sorted_by_rank_with_unranked_and_incomplete_below(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    result = district.rankings.result(district.licheng.id)
    for group in ("community", "department", "town"):
        tab.set_group(group)
        codes = tab.proxy.codes()
        assert codes == [u.code for u in result.group_units(group)]
        assert {tab.model.unit(c).group for c in codes} == {group}
    tab.shutdown()


def test_edit_updates_row_live_and_rank_moves_as_engine_says(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    tab._hl_timer.setInterval(80)
    ys = district.licheng
    tab.set_group("community")
    bottom = tab.proxy.codes()[-1]
    uid = district.rankings.live(ys.id).id_of[bottom]
    before = _rank_text(tab, bottom)
    row = tab.model.row_of(bottom)
    seen = []
    tab.model.dataChanged.connect(lambda tl, br, roles=(): seen.append((tl.row(), br.row(), tl.column(), br.column())))
    with qtbot.waitSignal(tab.model.dataChanged, timeout=2000):
        district.assessment.set_values(ys.id, [
            CellEdit(uid, m, "satisfaction_rate", "100") for m in (f"2025-{i:02d}" for i in range(1, 13))
        ] + [CellEdit(uid, None, k, str(v)) for k, v in
             (("leadership", 5), ("institution", 2), ("communication", 2), ("rework", 4), ("attitude", 5))])
    result = district.rankings.result(ys.id)
    assert any(a <= row <= b for a, b, _c0, _c1 in seen)
    assert _rank_text(tab, bottom) != before
    _check_against_engine(tab, result)
    assert tab.proxy.codes() == [u.code for u in result.group_units("community")]  # the row moved up
    # the changed row is marked, then the mark clears
    ix = tab.model.index(row, COL_NAME)
    assert ix.data(Qt.ItemDataRole.BackgroundRole) is not None
    qtbot.waitUntil(lambda: ix.data(Qt.ItemDataRole.BackgroundRole) is None, timeout=2000)
    # unaffected groups got no value signals
    untouched = {tab.model.row_of(c) for c, u in result.units.items() if u.group == "town"}
    assert not any(a == b and a in untouched for a, b, _c0, _c1 in seen)
    tab.shutdown()


def test_edit_without_visible_change_emits_nothing(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    ys = district.licheng
    uid = district.rankings.live(ys.id).id_of["JD01"]
    current = district.assessment.monthly_cells(ys.id, "2025-03")[(uid, "2025-03", "info_reports")]
    seen = []
    tab.model.dataChanged.connect(lambda *a: seen.append(a))
    district.assessment.set_values(ys.id, [CellEdit(uid, "2025-03", "info_reports", current.text)])
    assert seen == []
    tab.shutdown()


def test_new_unit_appears_incomplete_below(qtbot, district):
    tab = open_tab(qtbot, district, district.ganxian)
    district.units.create(UnitDraft(code="SQ999", name="新建社区", kind=UnitKind.COMMUNITY))
    qtbot.waitUntil(lambda: tab.model.row_of("SQ999") >= 0, timeout=2000)
    row = tab.model.unit("SQ999")
    assert row.status == "incomplete" and row.rank is None
    assert "整月数据缺失" in row.note
    assert tab.proxy.codes()[-1] == "SQ999"
    ix = tab.model.index(tab.model.row_of("SQ999"), tab.model.col_total)
    assert ix.data() == ""
    tab.shutdown()


def test_group_filter_and_counts(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    assert tab.group_bar.isVisible() and tab.group_bar.count() == 3
    assert [tab.group_bar.tabText(i) for i in range(3)] == ["社区", "科室", "乡镇（街道）"]
    tab.group_bar.setCurrentIndex(1)
    assert tab.proxy.rowCount() == 12
    assert {tab.proxy.index(i, COL_CODE).data() for i in range(12)} == {f"KS{i:02d}" for i in range(1, 13)}
    assert "共 12 个单位" in tab.summary_label.text()
    tab.shutdown()


def test_month_selector_changes_columns(qtbot, district):
    tab = open_tab(qtbot, district, district.ganxian)
    assert not tab.group_bar.isVisible()
    combo = tab.month_combo
    assert combo.isVisible()
    assert [combo.itemText(i) for i in range(combo.count())] == ["全年", "2026年1月", "2026年2月", "2026年3月"]
    keys = [c.key for c in tab.model.columns]
    assert "monthly_average" in keys and "annual_score" in keys and "total" in keys
    combo.setCurrentIndex(2)
    keys = [c.key for c in tab.model.columns]
    assert tab.month == "2026-02"
    assert [k for k in keys if k.startswith("ind:")][:2] == ["ind:on_time_completion", "ind:satisfaction"]
    assert len([k for k in keys if k.startswith("ind:")]) == 10
    assert {"base", "bonus", "penalty", "score", "rank", "volume"} <= set(keys)
    result = district.rankings.result(district.ganxian.id)
    _check_against_engine(tab, result, "2026-02")
    assert tab.proxy.codes() == [u.code for u in sorted(
        result.units.values(),
        key=lambda u: ({"scored": 0, "averaged": 1}.get(u.months["2026-02"].status, 2),
                       u.months["2026-02"].rank or 0, u.code))]
    # an edit in the shown month updates that unit's month score
    code = tab.proxy.codes()[0]
    uid = district.rankings.live(district.ganxian.id).id_of[code]
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(district.ganxian.id, [CellEdit(uid, "2026-02", "satisfaction_rate", "60")])
    m = district.rankings.result(district.ganxian.id).units[code].months["2026-02"]
    score_ix = tab.model.index(tab.model.row_of(code), tab.model.column_of("score"))
    assert Decimal(score_ix.data()) == m.score.quantize(Decimal("0.01"))
    _check_against_engine(tab, district.rankings.result(district.ganxian.id), "2026-02")
    combo.setCurrentIndex(0)
    assert "total" in [c.key for c in tab.model.columns]
    tab.shutdown()


def test_red_black_board_lists_five_and_five_per_group(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    tab.show_board()
    assert tab.stack.currentWidget() is tab.board_page
    result = district.rankings.result(district.licheng.id)
    rows = tab.board_model.rows
    for group in ("community", "department", "town"):
        mine = [r for r in rows if r.group == group]
        red = [r for r in mine if r.red]
        black = [r for r in mine if not r.red]
        assert len(red) == 5 and len(black) == 5
        ranked = [u for u in result.group_units(group) if u.status == "ranked"]
        assert [r.code for r in red] == [u.code for u in ranked[:5]]
        assert [r.code for r in black] == [u.code for u in reversed(ranked[-5:])]
        assert red[0].rank_text == ranked[0].rank_text
    texts = {tab.board_model.index(i, RB_LIST).data() for i in range(tab.board_model.rowCount())}
    assert texts == {"红榜", "黑榜"}
    tab.shutdown()


def test_rescheme_and_shutdown_detach(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    lic = district.rankings.live(district.licheng.id)
    assert len(lic.changed._subs) == 1
    tab.set_year(2026)
    tab.set_year_scheme(district.ganxian)
    assert len(lic.changed._subs) == 0
    qtbot.waitUntil(lambda: not tab.building)
    gx = district.rankings.live(district.ganxian.id)
    assert len(gx.changed._subs) == 1
    tab.set_year_scheme(None)
    assert tab.stack.currentWidget() is tab.empty_label
    assert not tab.export_xlsx_action.isEnabled()
    tab.set_year_scheme(district.ganxian)
    tab.shutdown()
    assert len(gx.changed._subs) == 0


def test_first_open_builds_off_the_gui_thread_showing_calculating(qtbot, district):
    from hotline_desktop.gui.ranking.tab import RankingTab

    tab = RankingTab(district)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_year(district.ganxian.year)
    tab.set_year_scheme(district.ganxian)
    assert tab.building and tab.stack.currentWidget() is tab.empty_label
    assert tab.empty_label.text() == "正在计算…"
    assert district.rankings.cached(district.ganxian.id) is None  # not built on the GUI thread
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10000)
    assert not tab.building and tab.stack.currentWidget() is not tab.empty_label
    assert tab.live is district.rankings.cached(district.ganxian.id)
    tab.shutdown()


def test_proxy_group_filter_alone():
    proxy = RankingProxy()
    proxy.set_group("all")
    assert proxy.group == "all" and proxy.rowCount() == 0 and proxy.codes() == []


def _month_cells(tab, code):
    r = tab.model.row_of(code)
    return [tab.model.index(r, c).data() for c in range(tab.model.columnCount())]


def test_month_view_matches_printed_month_table_after_edits(qtbot, district):
    """Live updates (rank shifts, 按平均分 average moves, moved rows) keep every cell equal to
    the printed month table, and the shown order equal to the printed order."""
    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-02")
    ys = district.ganxian
    live = district.rankings.live(ys.id)
    for code, rate in (("SQ003", "40"), ("KS07", "100"), ("JD02", "75.5"), ("SQ003", "99.99")):
        district.assessment.set_values(ys.id, [CellEdit(live.id_of[code], "2026-02", "satisfaction_rate", rate)])
    result = live.result()
    table = build_ranking_table(result, year=2026, group="all", month="2026-02",
                                monthly_values=live.engine.monthly_values)
    keys = [c.key for c in table.columns]
    for row in table.rows:
        cells = _month_cells(tab, row.code)
        for col, spec in enumerate(tab.model.columns[2:-1], 2):
            assert cells[col] == row.cells[keys.index(spec.key)].text, (row.code, spec.key)
    assert tab.proxy.codes() == [r.code for r in table.rows]
    tab.shutdown()


def test_rank_change_is_no_layout_change_and_signals_the_moved_span_only(qtbot, district):
    """A unit climbing the ranking: no layout change anywhere (a view would re-lay out and
    repaint everything); the model and the group proxy signal the rows that shifted as one
    span, and the selected unit stays selected where it moved."""
    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-03")
    ys = district.ganxian
    live = district.rankings.live(ys.id)
    bottom = [c for c in tab.proxy.codes() if tab.model.unit(c).status == "scored"][-1]
    tab.table.selectRow(tab.proxy.proxy_row_of(bottom))
    before = {r.code: r for r in tab.model.rows}
    before_rows = {r.code: i for i, r in enumerate(tab.model.rows)}
    layouts, seen, proxy_seen = [], [], []
    tab.model.layoutChanged.connect(lambda *a: layouts.append("model"))
    tab.proxy.layoutChanged.connect(lambda *a: layouts.append("proxy"))
    tab.proxy.modelReset.connect(lambda *a: layouts.append("reset"))
    tab.model.dataChanged.connect(lambda tl, br, roles=(): seen.append((tl.row(), br.row())))
    tab.proxy.dataChanged.connect(lambda tl, br, roles=(): proxy_seen.append((tl.row(), br.row())))
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(ys.id, [
            CellEdit(live.id_of[bottom], "2026-03", k, "100")
            for k in ("on_time_completion_rate", "satisfaction_rate", "sign_in_rate")])
    assert layouts == []
    result = live.result()
    m = result.units[bottom].months["2026-03"]
    assert m.rank < before[bottom].rank
    assert tab.proxy.codes() == [u.code for u in sorted(
        result.group_units(tab.proxy.group) if tab.proxy.group else result.units.values(),
        key=lambda u: ({"scored": 0, "averaged": 1}.get(u.months["2026-03"].status, 2),
                       u.months["2026-03"].rank or 0, u.code))]
    changed = {r.code for r in tab.model.rows if before[r.code] != r}
    signalled = {tab.model.row_at(i).code for a, b in seen for i in range(a, b + 1)}
    assert changed <= signalled
    shifted = {r.code for i, r in enumerate(tab.model.rows) if before_rows[r.code] != i}
    assert signalled <= changed | shifted | {tab.model.row_at(i).code for a, b in seen if a == b for i in (a,)}
    # the selection followed the unit
    selected = tab.table.selectionModel().selectedRows()
    assert [tab.proxy.code_at(ix.row()) for ix in selected] == [bottom]
    assert proxy_seen and all(a <= b for a, b in proxy_seen)
    qtmodeltester_rows = {tab.proxy.code_at(i) for a, b in proxy_seen for i in range(a, b + 1)}
    assert bottom in qtmodeltester_rows
    assert len(changed) > 3  # the ranks between the old and the new place shifted
    _check_against_engine(tab, result, "2026-03")
    tab.shutdown()


def test_volume_edit_shows_at_once(qtbot, district):
    """办件量 is shown as entered: an edit that moves no score still updates the cell."""
    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-01")
    ys = district.ganxian
    live = district.rankings.live(ys.id)
    code = next(c for c in tab.proxy.codes() if tab.model.unit(c).status == "scored")
    col = tab.model.column_of("volume")
    old = int(tab.model.index(tab.model.row_of(code), col).data())
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(ys.id, [CellEdit(live.id_of[code], "2026-01", "volume", str(old + 7))])
    assert tab.model.index(tab.model.row_of(code), col).data() == str(old + 7)
    tab.shutdown()


def test_header_sort_by_score_follows_edits(qtbot, qtmodeltester, district):
    """Sorted by another column (header click), an edit re-places the row in that order."""
    tab = open_tab(qtbot, district, district.licheng)
    tab.set_group("community")
    total = tab.model.col_total
    tab.table.sortByColumn(total, Qt.SortOrder.DescendingOrder)
    ys = district.licheng
    live = district.rankings.live(ys.id)
    last = tab.proxy.codes()[-1]

    def totals():
        return [tab.model.unit(c).score for c in tab.proxy.codes()]

    district.assessment.set_values(ys.id, [
        CellEdit(live.id_of[last], m, "satisfaction_rate", "100") for m in (f"2025-{i:02d}" for i in range(1, 13))])
    shown = [s for s in totals() if s is not None]
    assert shown == sorted(shown, reverse=True)
    assert tab.proxy.codes().index(last) < len(tab.proxy.codes()) - 1
    tab.table.sortByColumn(tab.model.col_rank, Qt.SortOrder.AscendingOrder)
    result = live.result()
    assert tab.proxy.codes() == [u.code for u in result.group_units("community")]
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    tab.shutdown()


def test_board_group_can_be_picked_and_notes_explain_the_board(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    tab.show_board()
    combo = tab.board_group_combo
    assert [combo.itemText(i) for i in range(combo.count())][0] == "全部排名组" and combo.count() == 4
    tab.set_board_group("department")
    assert {r.group for r in tab.board_model.rows} == {"department"}
    assert tab.default_file_name(".xlsx").startswith("红黑榜-2025年-")
    assert tab._export_args()["board"] is True and tab._export_args()["group"] == "department"
    tab.set_board_group(None)
    assert {r.group for r in tab.board_model.rows} == {"community", "department", "town"}
    tab.shutdown()


def test_board_lists_every_unit_tied_at_the_cut(qtbot, services):
    from ranking_fixtures import make_units

    from hotline_desktop.services.assessment import CellEdit

    make_units(services, per_kind=8)
    ys = services.assessment.assign(2026, "ganxian-2023-hotline")
    full = {"volume": "20", "on_time_completion_rate": "100", "satisfaction_rate": "100", "rework_rate": "0",
            "sign_in_rate": "100", "response_rate": "100", "return_overdue_rate": "0",
            "first_extension_rate": "0", "second_extension_rate": "0"}
    ids = {r.code: r.id for r in services.units.list()}
    services.assessment.set_values(ys.id, [CellEdit(i, "2026-01", k, v) for i in ids.values() for k, v in full.items()])
    tab = open_tab(qtbot, services, ys)
    tab.set_month("2026-01")
    tab.show_board()
    red = [r for r in tab.board_model.rows if r.red]
    assert len(red) == 24  # all tied at the top: all on the 红榜, none hidden
    assert "24 个单位并列" in tab.board_notes.text() and "黑榜空缺" in tab.board_notes.text()
    assert tab.board_notes.isVisibleTo(tab)
    tab.shutdown()


def test_name_column_stays_in_view_when_scrolled_right_at_1024(qtbot, district):
    """Scrolled right, the unit names stay at the left edge of the one table (as in a
    spreadsheet): painted, hit and clicked there, with their header section."""
    from PySide6.QtCore import QPoint

    from hotline_desktop.gui.ranking.models import COL_NAME

    tab = open_tab(qtbot, district, district.licheng)
    tab.resize(1004, 640)  # the tab inside a 1024×768 window
    qtbot.waitExposed(tab)
    table = tab.table
    bar = table.horizontalScrollBar()
    assert bar.maximum() > 0  # the figures do not fit: scrolling is needed
    assert table.frozen() is None  # at its place while not scrolled
    bar.setValue(bar.maximum())
    assert table.frozen() == (COL_NAME, table.columnWidth(COL_NAME))
    assert table.columnViewportPosition(COL_NAME) < 0  # scrolled away: shown at the left edge instead
    first = tab.proxy.index(0, COL_NAME)
    rect = table.visualRect(first)
    assert rect.left() == 0 and rect.width() > 60
    assert first.data() and first.data() in {r.name for r in tab.model.rows}
    at = table.indexAt(QPoint(5, rect.center().y()))
    assert (at.row(), at.column()) == (0, COL_NAME)  # tooltips and clicks there are the name's
    assert table.indexAt(QPoint(rect.right() + 5, rect.center().y())).column() != COL_NAME
    header = table.horizontalHeader()
    before = header.sortIndicatorSection()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, header.height() // 2))
    assert header.sortIndicatorSection() == COL_NAME != before  # the frozen section was clicked
    names = [tab.model.unit(c).name for c in tab.proxy.codes()]
    assert names == sorted(names)  # sorted by 单位名称
    # the 序号 column and the selection belong to the same view
    tab.resize(1004, 300)
    vbar = table.verticalScrollBar()
    qtbot.waitUntil(lambda: vbar.maximum() > 0)
    vbar.setValue(vbar.maximum())
    assert table.verticalHeader().isVisible()
    table.selectRow(3)
    assert table.selectionModel().isRowSelected(3)
    tab.shutdown()


def test_a_cell_moved_to_with_the_keyboard_is_not_left_under_the_name_column(qtbot, district):
    """Scrolled right, ← onto the figure just right of the names scrolls it out from under them
    (as a spreadsheet's frozen panes do); ↓ in the names does not scroll the figures."""
    from hotline_desktop.gui.ranking.models import COL_NAME

    tab = open_tab(qtbot, district, district.licheng)
    tab.resize(1004, 640)
    qtbot.waitExposed(tab)
    table = tab.table
    bar = table.horizontalScrollBar()
    bar.setValue(bar.maximum())
    width = table.columnWidth(COL_NAME)
    header = table.horizontalHeader()
    shown = [header.logicalIndex(v) for v in range(header.count())]
    under = next(c for c in shown if c != COL_NAME and 0 <= table.columnViewportPosition(c) < width)
    right = shown[shown.index(under) + 1]
    table.setFocus()
    table.setCurrentIndex(tab.proxy.index(0, right))
    qtbot.keyClick(table, Qt.Key.Key_Left)
    assert table.currentIndex().column() == under
    assert table.frozen() is None or table.columnViewportPosition(under) >= width  # in view, not covered
    bar.setValue(bar.maximum())
    table.setCurrentIndex(tab.proxy.index(0, COL_NAME))
    kept = bar.value()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex() == tab.proxy.index(1, COL_NAME) and bar.value() == kept
    tab.shutdown()


def test_rows_never_shown_before_rank_shifts_show_the_printed_cells_when_first_shown(qtbot, district):
    """Rows are formatted when first shown; a row re-ranked (or re-scored by a moved month
    average) before that still shows the printed month table's cells, rank included."""
    from hotline_desktop.gui.ranking.models import LazyCells

    ys = district.ganxian
    live = district.rankings.live(ys.id)
    model = RankingTableModel()
    layout = RankingLayout(live.result(), year=2026, month="2026-02", monthly_values=live.engine.monthly_values)
    model.load(live.result(), layout)
    assert all(isinstance(r.cells, LazyCells) for r in model.rows)  # nothing formatted yet
    for code, rate in (("SQ003", "40"), ("KS07", "100"), ("JD02", "75.5")):
        changed = live.engine.set_monthly_value(code, "2026-02", "satisfaction_rate", Decimal(rate))
        model.update(live.result(), changed)
    result = live.result()
    table = build_ranking_table(result, year=2026, group="all", month="2026-02",
                                monthly_values=live.engine.monthly_values)
    keys = [c.key for c in table.columns]
    for row in table.rows:
        r = model.row_of(row.code)
        for col, spec in enumerate(model.columns[2:-1], 2):
            assert model.index(r, col).data() == row.cells[keys.index(spec.key)].text, (row.code, spec.key)
    assert [r.code for r in model.rows] == [r.code for r in table.rows]


def test_units_whose_rank_alone_moved_are_reranked_without_building_their_results(qtbot, district):
    """A unit climbing to the top shifts the ranks of the units it passes: their rank cells
    follow at once (as the engine ranks them), read from the result's columns — the results of
    those units are not built for it."""
    ys = district.ganxian
    live = district.rankings.live(ys.id)
    for month in (None, "2026-03"):
        tab = open_tab(qtbot, district, ys)
        if month:
            tab.set_month(month)
        bottom = [c for c in tab.proxy.codes() if tab.model.unit(c).status in ("ranked", "scored")][-1]
        heard = []
        live.changed.connect(heard.append)
        with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
            district.assessment.set_values(ys.id, [
                CellEdit(live.id_of[bottom], m, k, "100") for m in ([month] if month else ["2026-01", "2026-02", "2026-03"])
                for k in ("on_time_completion_rate", "satisfaction_rate", "sign_in_rate")])
        live.changed.disconnect(heard.append)
        rank_moves = heard[-1].rank_only  # the moves travel with the event
        result = live.result()
        assert len(rank_moves) > 3
        assert not rank_moves & result.units.built.keys()  # re-ranked from the columns
        for code in rank_moves:  # the shown rank is the engine's
            status, rank, tied = result.place(code, month)
            want = "" if rank is None else (f"{rank}（并列）" if tied else str(rank))
            assert _rank_text(tab, code) == want, code
        _check_against_engine(tab, result, month)
        tab.shutdown()


def test_rank_moves_travel_with_their_edit_when_edits_reach_the_tab_queued(qtbot, district):
    """Edits committed in a worker thread reach the tab queued, after the next edit has run:
    each event still carries its own rank moves, so the units whose rank alone moved in the
    first edit are re-ranked from the columns, not rebuilt from their results (the moves used
    to be read from the live ranking afterwards, i.e. the last edit's, and were then dropped)."""
    import threading

    ys = district.ganxian
    live = district.rankings.live(ys.id)
    tab = open_tab(qtbot, district, ys)
    ranked = [c for c in tab.proxy.codes() if tab.model.unit(c).status == "ranked"]
    months = ["2026-01", "2026-02", "2026-03"]
    keys = ("on_time_completion_rate", "satisfaction_rate", "sign_in_rate")
    heard, updates = [], []
    live.changed.connect(heard.append)
    tab.ranking_updated.connect(updates.append)

    def work():
        for code in (ranked[-1], ranked[-2]):  # the two last climb to the top
            district.assessment.set_values(ys.id, [CellEdit(live.id_of[code], m, k, "100")
                                                   for m in months for k in keys])

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert len(heard) == 2 and not updates  # both edits done; the tab has heard neither yet
    qtbot.waitUntil(lambda: len(updates) == 2, timeout=2000)
    live.changed.disconnect(heard.append)
    first_only = heard[0].rank_only - heard[1]  # moved by the first edit alone
    assert first_only
    shown = {c: _rank_text(tab, c) for c in tab.proxy.codes()}  # every row read
    assert not first_only & live.result().units.built.keys()
    for code in first_only:
        assert shown[code] == live.result().units[code].rank_text, code
    _check_against_engine(tab, live.result())
    tab.shutdown()


def _big_month_case(n=1200):
    """A Ganxian year of ``n`` towns, one month, every unit ranked apart (by satisfaction);
    a few with no work orders (按平均分)."""
    from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme

    rates = {"on_time_completion_rate": "98", "rework_rate": "2", "sign_in_rate": "100", "response_rate": "95",
             "return_overdue_rate": "1", "first_extension_rate": "5", "second_extension_rate": "1"}
    units = [UnitRef(f"T{i:04d}", f"第{i}镇", "town") for i in range(n)]
    monthly = {}
    for i, u in enumerate(units):
        if i % 97 == 5:
            monthly[(u.code, "2026-01")] = {"volume": 0}
        else:
            monthly[(u.code, "2026-01")] = {"volume": 20, **rates, "satisfaction_rate": f"{60 + 39.99 * i / n:.2f}"}
    return ScoringEngine(load_scheme("ganxian-2023-hotline"), units, ["2026-01"], monthly, {}, year=2026)


def test_an_edit_that_shifts_a_thousand_ranks_builds_only_the_rows_on_screen(qtbot):
    """The worst unit climbing to the top moves the rank of every unit it passes: the model
    re-places them from the result's columns and the view builds the rows it paints — a few
    dozen — not the ~1,200 that changed; what it shows is the printed month table."""
    from hotline_desktop.gui.ranking.view import RankingView

    engine = _big_month_case()
    month = "2026-01"
    model, proxy = RankingTableModel(), RankingProxy()
    layout = RankingLayout(engine.result(), year=2026, month=month, monthly_values=engine.monthly_values)
    built = []
    make_row = layout.row
    layout.row = lambda u, **kw: (built.append(u.code), make_row(u, **kw))[1]
    model.load(engine.result(), layout)
    proxy.setSourceModel(model)
    view = RankingView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(50)
    shown = view.rowAt(view.viewport().height() - 1) + 1
    assert 5 < shown < 40 and len(built) <= shown + 2  # the first paint: the rows on screen
    worst = proxy.codes()[[model.unit(c).status for c in proxy.codes()].index("averaged") - 1]
    built.clear()
    codes = engine.set_monthly_value(worst, month, "satisfaction_rate", Decimal("100"))
    changed = model.update(engine.result(), codes, mark=True, rank_only=engine.rank_moves())
    qtbot.wait(50)
    assert len(codes) > 1000 and worst in changed
    assert proxy.codes()[0] == worst
    assert len(built) <= 2 * shown  # ~1,200 ranks moved; the painted rows were built
    assert len(engine.result().units.built) <= 2 * shown
    table = build_ranking_table(engine.result(), year=2026, group="all", month=month,
                                monthly_values=engine.monthly_values)
    keys = [c.key for c in table.columns]
    assert proxy.codes() == [r.code for r in table.rows]
    for row in table.rows[:shown] + table.rows[-3:]:
        r = model.row_of(row.code)
        assert [model.index(r, c).data() for c in range(2, model.columnCount() - 1)] == [
            row.cells[keys.index(spec.key)].text for spec in model.columns[2:-1]], row.code
    # counts come from the columns, as the rows say
    rows = model.rows
    assert model.counts() == {"ranked": sum(r.ranked for r in rows), "averaged": sum(r.status == "averaged" for r in rows),
                              "incomplete": 0, "unranked": 0, "total": len(rows)}


def test_highlight_marks_exactly_the_rows_that_show_something_else(qtbot):
    """Rows are compared when shown, against what they showed before the edit: a model that
    built no row beforehand highlights the same units as one whose rows were all built."""
    engine = _big_month_case(300)
    month = "2026-01"
    lazy, eager = RankingTableModel(), RankingTableModel()
    for m in (lazy, eager):
        m.load(engine.result(), RankingLayout(engine.result(), year=2026, month=month,
                                              monthly_values=engine.monthly_values))
    units = sorted(lazy.shown()[0])
    lit, sizes = set(), []
    for code, rate in ((units[3], "99.5"), (units[150], "61"), (units[5], "70"), (units[7], "99.9")):
        before = {r.code: r for r in eager.rows}  # units[5]: 按平均分 (no orders) until now
        codes = engine.set_monthly_value(code, month, "satisfaction_rate", Decimal(rate))
        for m in (lazy, eager):
            m.update(engine.result(), codes, mark=True, rank_only=engine.rank_moves())
        want = {c for c, r in before.items() if eager.unit(c) != r}
        sizes.append(len(want))
        assert eager.highlighted() == want and lazy.highlighted() == want
        lit = want
        for m in (lazy, eager):
            m.set_highlight(())  # the tab's timer
            assert m.highlighted() == set()
    assert units[7] in lit and max(sizes) > 100, sizes  # ranks shifted
    ix = lazy.index(lazy.row_of(units[7]), COL_NAME)
    assert ix.data(Qt.ItemDataRole.BackgroundRole) is None


def test_board_from_the_model_is_the_printed_board_and_builds_only_its_units_rows():
    """The 红黑榜 of the shown month: the same boards (rows and notes) as core.boards makes from
    the result, with rows built only for the units at either end of the ranking."""
    from hotline_desktop.core.boards import board_entries, build_boards

    engine = _big_month_case(300)
    month = "2026-01"
    engine.set_monthly_value("T0299", month, "satisfaction_rate", Decimal("99.85"))  # ties at the top
    model = RankingTableModel()
    layout = RankingLayout(engine.result(), year=2026, month=month, monthly_values=engine.monthly_values)
    built = []
    make_row = layout.row
    layout.row = lambda u, **kw: (built.append(u.code), make_row(u, **kw))[1]
    model.load(engine.result(), layout)
    labels = {"all": "全部承办单位"}
    entries, not_ranked = model.board_entries()
    got = build_boards(entries, labels, not_ranked=not_ranked)
    want = build_boards(*board_entries(engine.result(), month)[:1], labels,
                        not_ranked=board_entries(engine.result(), month)[1])
    assert got == want and got[0].notes
    shown = {r.code for b in got for r in b.rows}
    assert sorted(built) == sorted(shown) and len(shown) < 200  # ties at the cut are all listed


def test_one_model_update_per_edit_in_the_month_view(qtbot, district):
    """An edit of the shown month reaches the model once (the engine's codes include the units
    whose entered values changed, so 办件量 as entered follows without a second pass)."""
    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-02")
    live = district.rankings.live(district.ganxian.id)
    calls = []
    update = tab.model.update
    tab.model.update = lambda *a, **kw: (calls.append(a[1]), update(*a, **kw))[1]
    code = tab.proxy.codes()[4]
    col = tab.model.column_of("volume")
    old = int(tab.model.index(tab.model.row_of(code), col).data())
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(district.ganxian.id, [
            CellEdit(live.id_of[code], "2026-02", "volume", str(old + 3)),
            CellEdit(live.id_of[code], "2026-02", "satisfaction_rate", "91.5")])
    qtbot.wait(30)
    assert len(calls) == 1 and code in calls[0]
    assert tab.model.index(tab.model.row_of(code), col).data() == str(old + 3)
    assert code in tab.model.highlighted()
    tab.shutdown()
