"""Opening a year tab (月度数据, 年度考核) the way the main window does, for the GUI tests."""

from __future__ import annotations


def show_year_tab(qtbot, tab, ys, *, size=(1300, 700), built: bool = True):
    """Show ``tab`` on the year scheme ``ys``; ``built``: wait for its live engine (built in a worker)."""
    qtbot.addWidget(tab)
    tab.resize(*size)
    tab.set_year(ys.year)
    tab.set_year_scheme(ys)
    tab.show()
    qtbot.waitExposed(tab)
    if built:
        qtbot.waitUntil(lambda: not tab.building, timeout=10000)
    return tab


def assert_ranking_current(tab, live, month: str | None) -> None:
    """The 排名 tab shows what a ranking table built afresh from `live` shows: every cell, in order."""
    from hotline_desktop.core.ranking_table import build_ranking_table

    table = build_ranking_table(live.result(), year=live.row.year, group="all", month=month,
                                monthly_values=live.engine.monthly_values)
    keys = [c.key for c in table.columns]
    for row in table.rows:
        r = tab.model.row_of(row.code)
        for col, spec in enumerate(tab.model.columns[2:-1], 2):
            assert tab.model.index(r, col).data() == row.cells[keys.index(spec.key)].text, (row.code, spec.key)
    assert tab.proxy.codes() == [r.code for r in table.rows]
