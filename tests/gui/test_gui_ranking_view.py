"""排名 tab: the tables paint their rows themselves (gui/ranking/view.py) — the picture must be
the one Qt's own item painting gives, in every state a user sees."""

from ranking_fixtures import (
    district_fixture,  # noqa: F401 - registers the "district" fixture
    open_tab,
)

from hotline_desktop.services.assessment import CellEdit


def _grab(qtbot, tab, fast: bool):
    tab.table.fast_paint = fast
    tab.table.viewport().update()
    qtbot.wait(1)
    return tab.grab().toImage()


def _assert_same_picture(qtbot, tab, what: str):
    # the views compare their painting with Qt's once, after their first paint with rows
    qtbot.waitUntil(lambda: tab.table.verified is not None, timeout=5000)
    assert tab.table.verified, f"{what}: the run-time check found another picture"
    before = tab.table.fast_paints
    qt = _grab(qtbot, tab, False)
    fast = _grab(qtbot, tab, True)
    assert tab.table.fast_paints > before, "the view's own painting was not used"
    assert qt.size() == fast.size()
    if qt != fast:
        diff = sum(qt.pixel(x, y) != fast.pixel(x, y) for y in range(qt.height()) for x in range(qt.width()))
        raise AssertionError(f"{what}: {diff} pixels differ from Qt's painting")


def _last_climbs_to_the_top(qtbot, district, tab, month: str) -> str:
    """The last scored unit of the Ganxian month gets full rates; returns its code."""
    ys = district.ganxian
    live = district.rankings.live(ys.id)
    bottom = [c for c in tab.proxy.codes() if tab.model.unit(c).status == "scored"][-1]
    with qtbot.waitSignal(tab.ranking_updated, timeout=2000):
        district.assessment.set_values(ys.id, [
            CellEdit(live.id_of[bottom], month, k, "100")
            for k in ("on_time_completion_rate", "satisfaction_rate", "sign_in_rate")])
    return bottom


def test_painted_table_is_qts_picture_in_every_state(qtbot, district):
    tab = open_tab(qtbot, district, district.licheng)
    qtbot.waitExposed(tab)
    _assert_same_picture(qtbot, tab, "three ranking groups, first group")
    tab.model.set_highlight({tab.proxy.code_at(1), tab.proxy.code_at(4)})
    _assert_same_picture(qtbot, tab, "recently changed rows marked")
    tab.table.selectRow(2)
    tab.table.setFocus()
    _assert_same_picture(qtbot, tab, "a selected row with the focus")
    tab.set_group("department")
    tab.table.scrollToBottom()
    _assert_same_picture(qtbot, tab, "another group, scrolled to the bottom")
    bar = tab.table.horizontalScrollBar()
    bar.setValue(bar.maximum())
    tab.table.horizontalHeader().resizeSection(tab.model.col_note, 40)  # 说明 elided
    _assert_same_picture(qtbot, tab, "scrolled right, a narrow 说明 column")
    tab.shutdown()


def test_month_view_after_a_rank_move_paints_the_moved_rows(qtbot, district):
    """A unit climbing the month ranking shifts every row between its places: the painted rows
    show the units in their new order, as Qt would paint them."""
    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-03")
    qtbot.waitExposed(tab)
    _assert_same_picture(qtbot, tab, "month view")
    bottom = _last_climbs_to_the_top(qtbot, district, tab, "2026-03")
    assert tab.proxy.codes().index(bottom) < len(tab.proxy.codes()) - 1
    _assert_same_picture(qtbot, tab, "month view after the rank move (rows marked)")
    tab.model.set_highlight(())
    _assert_same_picture(qtbot, tab, "month view after the rank move")
    tab.shutdown()


def test_view_keeps_qts_painting_when_its_own_would_look_different(qtbot, district, monkeypatch):
    """The run-time check: where the view's painting is not Qt's picture (another style would
    draw cells its own way), Qt paints; a style change checks again."""
    tab = open_tab(qtbot, district, district.licheng)
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: tab.table.verified is not None, timeout=5000)
    assert tab.table.verified
    real = type(tab.model).paint_texts
    monkeypatch.setattr(type(tab.model), "paint_texts", lambda self, row: ("?",) * len(real(self, row)))
    tab.table.setStyleSheet("QTableView { gridline-color: #e1e6ec; }")  # a style change: checked again
    qtbot.waitUntil(lambda: tab.table.verified is not None, timeout=5000)
    assert tab.table.verified is False
    before = tab.table.fast_paints
    tab.table.viewport().repaint()
    assert tab.table.fast_paints == before
    ix = tab.proxy.index(0, tab.model.col_total)
    assert ix.data() != "?"
    tab.shutdown()


def test_one_viewport_repaints_names_and_figures_once_per_rank_move(qtbot, district):
    """The unit names are painted by the same view as the figures (no second view beside it):
    a rank move repaints one viewport once, the name column included."""
    from PySide6.QtCore import QEvent, QObject

    from hotline_desktop.gui.ranking.models import COL_NAME
    from hotline_desktop.gui.ranking.view import RankingView

    tab = open_tab(qtbot, district, district.ganxian)
    tab.set_month("2026-03")
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: tab.table.verified is not None, timeout=5000)
    qtbot.wait(20)
    assert tab.findChildren(RankingView) == [tab.table]
    assert not tab.table.isColumnHidden(COL_NAME) and tab.table.verticalHeader().isVisible()

    class Paints(QObject):
        regions = []

        def eventFilter(self, _obj, event):  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                self.regions.append(event.region().boundingRect())
            return False

    paints = Paints()
    tab.table.viewport().installEventFilter(paints)
    bottom = _last_climbs_to_the_top(qtbot, district, tab, "2026-03")
    qtbot.waitUntil(lambda: bool(paints.regions), timeout=2000)
    qtbot.wait(20)
    name = tab.table.visualRect(tab.proxy.index(0, COL_NAME))
    assert len(paints.regions) == 1 and paints.regions[0].left() <= name.left()
    assert tab.proxy.index(tab.proxy.proxy_row_of(bottom), COL_NAME).data() == tab.model.unit(bottom).name
    _assert_same_picture(qtbot, tab, "after the rank move, names and figures in one view")
    tab.shutdown()
