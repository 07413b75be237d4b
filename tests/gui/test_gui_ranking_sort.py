"""排名 sorted by a column other than the rank (a header click): edits re-place the rows as a fresh
sort would, from keys the model keeps between edits."""

from decimal import Decimal

from PySide6.QtCore import Qt
from ranking_fixtures import (
    district_fixture,  # noqa: F401 - registers the "district" fixture
    open_tab,
)

from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme
from hotline_desktop.gui.ranking.models import COL_NAME, LazyCells, RankingLayout, RankingTableModel
from hotline_desktop.services.assessment import CellEdit

DESC, ASC = Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder
MONTHS = [f"2025-{i:02d}" for i in range(1, 13)]
RATES = {"on_time_completion_rate": "98", "rework_rate": "2", "sign_in_rate": "100", "response_rate": "95",
         "return_overdue_rate": "1", "first_extension_rate": "5", "second_extension_rate": "1"}


def _towns(n: int, rate) -> tuple[list[UnitRef], ScoringEngine]:
    """A Ganxian January of ``n`` towns, town ``i`` at satisfaction ``rate(i)``."""
    units = [UnitRef(f"T{i:03d}", f"第{i:03d}镇", "town") for i in range(n)]
    monthly = {(u.code, "2026-01"): {"volume": 20, **RATES, "satisfaction_rate": rate(i)} for i, u in enumerate(units)}
    return units, ScoringEngine(load_scheme("ganxian-2023-hotline"), units, ["2026-01"], monthly, {}, year=2026)


def _fresh(tab, col: int, order) -> list[str]:
    """The order a model loaded with the current result makes (every key made anew)."""
    model = RankingTableModel()
    model.load(tab.live.result(), tab.model.layout_spec)
    model.sort(col, order)
    return model.shown()[0]


def _copy_inputs(services, ys, src: int, dst: int) -> list[CellEdit]:
    """Edits giving unit ``dst`` every input of unit ``src`` (so the same figures and total)."""
    edits = [CellEdit(dst, m, k, c.text) for (u, m, k), c in services.assessment.monthly_cells(ys.id).items()
             if u == src]
    edits += [CellEdit(dst, None, k, c.text) for (_u, k), c in services.assessment.annual_cells(ys.id, src).items()]
    return edits


def test_sorted_by_total_an_edit_puts_the_row_at_its_sorted_place(qtbot, district):
    """Sorted by 总分 (descending): the unit at the bottom raised to 100 % satisfaction climbs to
    its place among the totals, every other row keeps its order, and the order is the one a
    fresh sort makes; a unit given another's figures joins it in the tie, in code order."""
    tab = open_tab(qtbot, district, district.licheng)
    ys = district.licheng
    live = district.rankings.live(ys.id)
    col = tab.model.col_total
    tab.table.sortByColumn(col, DESC)
    model = tab.model
    before = model.shown()[0]
    assert before == _fresh(tab, col, DESC)
    low = next(c for c in reversed(before) if model.unit(c).score is not None)
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(ys.id, [CellEdit(live.id_of[low], m, "satisfaction_rate", "100")
                                               for m in MONTHS])
    after = model.shown()[0]
    assert after.index(low) < before.index(low) - 3  # it climbed
    assert [c for c in after if c != low] == [c for c in before if c != low]
    assert after == _fresh(tab, col, DESC)
    totals = [model.unit(c).score for c in tab.proxy.codes()]
    shown = [t for t in totals if t is not None]
    assert shown == sorted(shown, reverse=True) and totals[len(shown):] == [None] * (len(totals) - len(shown))
    # a tie: a unit given the figures of one shown above it (with a later code) is placed before
    # it, as ties are in code order
    ranked = [c for c in after if model.unit(c).score is not None]
    other = ranked[-2]
    top = next(c for c in ranked[:-5] if c > other)
    before = after
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(ys.id, _copy_inputs(district, ys, live.id_of[top], live.id_of[other]))
    after = model.shown()[0]
    assert model.unit(other).score == model.unit(top).score
    tied = [c for c in after if model.unit(c).score == model.unit(top).score]
    assert other in tied and tied == sorted(tied) and tied.index(other) < tied.index(top)
    assert after[after.index(tied[0]):after.index(tied[0]) + len(tied)] == tied
    assert [c for c in after if c != other] == [c for c in before if c != other]
    assert after == _fresh(tab, col, DESC)
    tab.shutdown()


def test_sorted_by_name_an_edit_of_a_total_keeps_the_order(qtbot, district):
    """Sorted by 单位名称: an edit moving a unit's total and rank leaves the names, so the order."""
    tab = open_tab(qtbot, district, district.licheng)
    ys = district.licheng
    live = district.rankings.live(ys.id)
    tab.table.sortByColumn(COL_NAME, ASC)
    before = tab.model.shown()[0]
    code = before[5]
    rank = tab.model.unit(code).rank
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(ys.id, [CellEdit(live.id_of[code], m, "satisfaction_rate", "100")
                                               for m in MONTHS])
    assert tab.model.unit(code).rank != rank
    assert tab.model.shown()[0] == before == _fresh(tab, COL_NAME, ASC)
    names = [tab.model.unit(c).name for c in tab.proxy.codes()]
    assert names == sorted(names)
    tab.shutdown()


def _renamed(engine: ScoringEngine, code: str, name: str) -> ScoringEngine:
    """The engine the live ranking builds after a rename (LiveRanking.reload: anew from the store)."""
    units = [UnitRef(u.code, name if u.code == code else u.name, u.kind) for u in engine.units]
    monthly = {(u.code, m): v for u in units for m in engine.months if (v := engine.monthly_values(u.code, m))}
    return ScoringEngine(engine.scheme, units, engine.months, monthly, {}, year=2026)


def test_sorted_by_name_a_renamed_unit_moves_to_its_place():
    """Sorted by 单位名称 (descending, and a month's 得分 ascending): a renamed unit and a re-scored
    one take their places as a fresh sort puts them, edit after edit."""
    _units, first = _towns(60, lambda i: f"{60 + i / 2:.2f}")
    for month, col_key, order in ((None, "name", DESC), ("2026-01", "score", ASC)):
        live = [first]
        layout = RankingLayout(first.result(), year=2026, month=month,
                               monthly_values=lambda c, m, live=live: live[0].monthly_values(c, m))
        model = RankingTableModel()
        model.load(first.result(), layout)
        col = model.column_of(col_key)
        model.sort(col, order)
        for step, (code, name, rate) in enumerate((("T010", "第999镇", "70"), ("T050", "第000镇", "99.5"),
                                                   ("T020", "第020镇", "60.5"))):
            before = model.shown()[0]
            engine = live[0] = _renamed(live[0], code, name)
            model.update(engine.result(), frozenset(u.code for u in engine.units))  # as the reload emits
            codes = engine.set_monthly_value(code, "2026-01", "satisfaction_rate", Decimal(rate))
            model.update(engine.result(), codes, rank_only=engine.rank_moves())
            fresh = RankingTableModel()
            fresh.load(engine.result(), layout)
            fresh.sort(col, order)
            after = model.shown()[0]
            assert after == fresh.shown()[0], (month, step)
            assert [c for c in after if c != code] == [c for c in before if c != code], (month, step)
        if month is None:
            assert after[0] == "T010" and after[-1] == "T050"  # 第999镇 first, 第000镇 last


def test_a_sort_key_formats_one_cell_of_the_row():
    """Sorting by a figure reads one cell of each row, by 得分 none (the result's column): the
    other cells are formatted only when painted."""
    _units, engine = _towns(30, lambda i: f"{70 + i / 3:.2f}")
    for pick in ("score", "figure"):
        model = RankingTableModel()
        model.load(engine.result(), RankingLayout(engine.result(), year=2026, month="2026-01",
                                                  monthly_values=engine.monthly_values))
        col = model.col_total if pick == "score" else next(
            i for i, c in enumerate(model.columns) if c.kind == "score" and i != model.col_total)
        model.sort(col, DESC)
        rows = [model.row_at(r) for r in range(model.rowCount())]
        assert all(isinstance(r.cells, LazyCells) and r.cells._cells is None for r in rows)
        values = [model.cell(r, col).value for r in range(model.rowCount())]
        assert values == sorted(values, reverse=True)
    cells = rows[0].cells
    assert [cells.one(i) for i in range(len(cells))] == list(cells.get())  # one() is the row's cell


def test_sorted_by_a_months_score_the_averaged_and_the_incomplete_take_their_places():
    """A month's 得分, descending: a unit without work orders shows (and sorts by) the month's
    average, one lacking a rate shows none and goes last; ties in code order; after edits too."""
    _units, engine = _towns(40, lambda i: f"{80 + (i % 7) * 2.5:.2f}")
    engine.set_monthly_value("T003", "2026-01", "volume", 0)  # averaged
    engine.set_monthly_value("T004", "2026-01", "on_time_completion_rate", None)  # incomplete
    layout = RankingLayout(engine.result(), year=2026, month="2026-01", monthly_values=engine.monthly_values)
    model = RankingTableModel()
    model.load(engine.result(), layout)
    col = model.column_of("score")

    def check():
        shown = model.shown()[0]
        keys = [(model.unit(c).cells[col - 2].value, c) for c in shown]
        figured = [k for k in keys if k[0] is not None]
        assert [k[0] for k in figured] == sorted((k[0] for k in figured), reverse=True)
        for a, b in zip(figured, figured[1:], strict=False):
            assert a[0] > b[0] or a[1] < b[1]  # ties in code order
        assert keys[len(figured):] == [(None, "T004")]
        mean = engine.result().month_averages["2026-01"]
        assert model.unit("T003").cells[col - 2].value == round(mean, 2)

    model.sort(col, DESC)
    check()
    for code, rate in (("T010", "100"), ("T011", "60"), ("T000", "87.5")):
        codes = engine.set_monthly_value(code, "2026-01", "satisfaction_rate", Decimal(rate))
        model.update(engine.result(), codes, rank_only=engine.rank_moves())
        check()
