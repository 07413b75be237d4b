"""MonthlyGridModel / proxy: Qt model contract, sort keys, live refresh only where figures changed."""

import pytest
from PySide6.QtCore import Qt

from hotline_desktop.gui.monthly.models import (
    COL_CODE,
    COL_GROUP,
    MonthlyFilterProxy,
    MonthlyGridModel,
    wrap_label,
)
from hotline_desktop.gui.monthly.tab import clean_pasted, parse_tsv
from hotline_desktop.services.assessment import CellEdit

MONTH = "2025-05"


@pytest.fixture
def licheng(seeded):
    ys = seeded.assessment.assign(2025, "licheng-2020")
    ids = seeded.ids
    edits = []
    for m, vol, sat in (("2025-04", 10, "90"), (MONTH, 30, "100")):
        for code in ("JD01", "KS01", "SQ001", "SQ002"):
            edits += [CellEdit(ids[code], m, "volume", str(vol)), CellEdit(ids[code], m, "satisfaction_rate", sat)]
    edits.append(CellEdit(ids["SQ002"], MONTH, "praise", "abc"))  # invalid
    seeded.assessment.set_values(ys.id, edits)
    return ys


def make_model(services, ys, month=MONTH):
    a = services.assessment
    m = MonthlyGridModel()
    m.set_month_data(a.scheme(ys.id), a.participants(ys.id), month, a.monthly_cells(ys.id, month),
                     services.rankings.live(ys.id))
    return m


def test_model_and_proxy_pass_qt_model_tester(qtmodeltester, seeded, licheng):
    m = make_model(seeded, licheng)
    qtmodeltester.check(m)
    p = MonthlyFilterProxy()
    p.setSourceModel(m)
    p.sort(m.first_live_column, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(p)
    p.set_search("社区")
    assert p.rowCount() == 2
    qtmodeltester.check(p)


def test_licheng_live_columns_show_year_figures(seeded, licheng):
    m = make_model(seeded, licheng)
    keys = [c.key for c in m.live_columns]
    assert keys == ["sum:volume", "wmean:satisfaction_rate", "ind:satisfaction", "total", "rank"]
    row = m.row_of(seeded.ids["JD01"])
    col = m.first_live_column
    assert m.index(row, col).data() == "40"  # 10 + 30 orders
    assert m.index(row, col + 1).data() == "97.50"  # (10×90 + 30×100) / 40
    r = seeded.rankings.result(licheng.id).units["JD01"]
    assert m.index(row, col + 2).data() == f"{r.indicators['satisfaction']:.2f}"
    assert m.index(row, col + 1).data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert m.index(row, col).data(Qt.ItemDataRole.BackgroundRole) is not None  # visually distinct
    assert not m.index(row, col).flags() & Qt.ItemFlag.ItemIsEditable
    assert m.index(row, m.column_of("volume")).flags() & Qt.ItemFlag.ItemIsEditable
    # the invalid cell is kept as typed with its reason
    bad = m.index(m.row_of(seeded.ids["SQ002"]), m.column_of("praise"))
    assert bad.data() == "abc" and "表扬件" in bad.data(Qt.ItemDataRole.ToolTipRole)


def test_edit_refreshes_only_changed_live_cells(seeded, licheng):
    m = make_model(seeded, licheng)
    writes = []
    m.committer = lambda edits, text: writes.append(seeded.assessment.set_values(licheng.id, edits))
    live = seeded.rankings.live(licheng.id)
    live.changed.connect(m.refresh_live)
    seeded.assessment.values_changed.connect(lambda _ys, ch: m.apply_changes(ch))
    signals = []
    m.dataChanged.connect(lambda a, b, _r=None: signals.append((a.row(), a.column(), b.column())))
    row = m.row_of(seeded.ids["JD01"])
    assert m.setData(m.index(row, m.column_of("volume")), "50")
    assert len(writes) == 1
    assert m.index(row, m.first_live_column).data() == "60"
    assert (row, m.column_of("volume"), m.column_of("volume")) in signals
    # the unit without figures (JD02) never gets a signal; no signal spans the whole row
    assert all(r != m.row_of(seeded.ids["JD02"]) for r, _a, _b in signals)
    assert all(a >= m.first_input_column for _r, a, _b in signals)
    # setting the same text again writes nothing
    assert m.setData(m.index(row, m.column_of("volume")), " 50 ")
    assert len(writes) == 1


def test_sort_keys_numeric_empty_last_and_group(seeded, licheng):
    m = make_model(seeded, licheng)
    p = MonthlyFilterProxy()
    p.setSourceModel(m)
    p.sort(m.column_of("praise"), Qt.SortOrder.AscendingOrder)
    # SQ002 holds invalid text: after numbers, before empty cells
    assert [p.index(r, COL_CODE).data() for r in range(p.rowCount())][-1] != "SQ002"
    p.sort(m.column_of("volume"), Qt.SortOrder.AscendingOrder)
    codes = [p.index(r, COL_CODE).data() for r in range(p.rowCount())]
    assert codes[-1] == "JD02"  # no figure: last
    p.sort(COL_GROUP, Qt.SortOrder.AscendingOrder)
    kinds = [p.index(r, COL_GROUP).data() for r in range(p.rowCount())]
    assert kinds == ["社区", "社区", "科室·职能部门", "乡镇·街道", "乡镇·街道"]  # scheme group order
    assert p.headerData(0, Qt.Orientation.Vertical) == 1


def test_clipboard_helpers():
    assert parse_tsv("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert parse_tsv("a\nb") == [["a"], ["b"]]
    assert parse_tsv("") == []
    assert clean_pasted(" 1,234 ") == "1234" and clean_pasted('"95.5%"') == "95.5%" and clean_pasted("1,2") == "1,2"
    assert wrap_label("调度工单主办单位办理不到位") == "调度工单主办\n单位办理不到位"
    assert wrap_label("诉求满意率") == "诉求满意率"
    assert wrap_label("办件量（含网络问政）") == "办件量\n（含网络问政）"


def test_filled_count_follows_a_units_first_and_last_value(seeded, licheng):
    """已录入 N 个 counts units holding a value this month: typing JD02's first figure adds it,
    clearing that figure removes it again."""
    m = make_model(seeded, licheng)
    m.committer = lambda edits, text: seeded.assessment.set_values(licheng.id, edits)
    seeded.assessment.values_changed.connect(lambda _ys, ch: m.apply_changes(ch))
    before = m.filled_units()
    assert before == len({uid for uid, _k in m.cells()})
    row = m.row_of(seeded.ids["JD02"])
    assert m.setData(m.index(row, m.column_of("volume")), "12")
    assert m.filled_units() == before + 1
    assert m.setData(m.index(row, m.column_of("praise")), "1")
    assert m.filled_units() == before + 1
    assert m.setData(m.index(row, m.column_of("volume")), "")
    assert m.setData(m.index(row, m.column_of("praise")), "")
    assert m.filled_units() == before == len({uid for uid, _k in m.cells()})


def test_changed_rows_are_signalled_in_runs_no_longer_than_asked():
    from hotline_desktop.gui.monthly.models import changed_runs

    assert changed_runs([], 10) == []
    assert changed_runs([7, 3, 3, 5, 20], 10) == [(3, 7), (20, 20)]  # up to 4 rows apart share a run
    runs = changed_runs(range(0, 250), 100)
    assert runs == [(0, 99), (100, 199), (200, 249)]  # a rank shift of 250 rows: no run over 100 rows
    assert all(b - a < 100 for a, b in changed_runs(range(0, 1000, 3), 100))


def test_painted_cells_show_what_data_says(qtbot, seeded, licheng):
    """The grid paints each cell from one multiData call: text, colours and alignment are what
    data() gives for the same cell (an invalid input, a valid one, a unit column, a live one)."""
    from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

    m = make_model(seeded, licheng)
    p = MonthlyFilterProxy()
    p.setSourceModel(m)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(p)
    delegate = view.itemDelegate()
    row = m.row_of(seeded.ids["SQ002"])
    cells = [(row, m.column_of("praise")), (row, m.column_of("volume")), (row, COL_CODE),
             (row, m.first_live_column)]
    for r, c in cells:
        ix = p.mapFromSource(m.index(r, c))
        opt = QStyleOptionViewItem()
        delegate.initStyleOption(opt, ix)
        assert opt.text == (ix.data() or ""), (r, c)
        bg = ix.data(Qt.ItemDataRole.BackgroundRole)
        assert opt.backgroundBrush.color() == (bg.color() if bg is not None else opt.backgroundBrush.color())
        if bg is not None:
            assert opt.backgroundBrush.style() != Qt.BrushStyle.NoBrush
        assert int(opt.displayAlignment) == int(ix.data(Qt.ItemDataRole.TextAlignmentRole))
    bad = p.mapFromSource(m.index(row, m.column_of("praise")))
    assert bad.data(Qt.ItemDataRole.BackgroundRole) is not None  # the invalid cell is painted red
    assert p.flags(bad) == m.flags(m.index(row, m.column_of("praise")))
    assert p.flags(bad) & Qt.ItemFlag.ItemIsEditable
    assert not p.flags(p.mapFromSource(m.index(row, COL_CODE))) & Qt.ItemFlag.ItemIsEditable
