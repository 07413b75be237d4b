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
