"""The 月度数据 tab as a user sees it: typing, paste, undo/redo, bad cells, delete, copy,
copy last month, import, live score/rank columns, the no-scheme hint."""

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from tab_fixtures import show_year_tab

from hotline_desktop.core.excel_monthly import HEAD_ROW
from hotline_desktop.gui.monthly.models import BAD_BACKGROUND
from hotline_desktop.services.assessment import CellEdit

YEAR = 2026
MONTH = "2026-03"
RATES = ["on_time_completion_rate", "satisfaction_rate", "rework_rate", "sign_in_rate", "response_rate",
         "return_overdue_rate", "first_extension_rate", "second_extension_rate"]
FULL = {"volume": "20", "on_time_completion_rate": "100", "satisfaction_rate": "98", "rework_rate": "1",
        "sign_in_rate": "100", "response_rate": "100", "return_overdue_rate": "0",
        "first_extension_rate": "1", "second_extension_rate": "0"}
CODES = ["JD01", "JD02", "KS01", "SQ001", "SQ002"]  # the participants, in code order


def fill(services, ys_id, month, per_unit):
    edits = [CellEdit(services.ids[code], month, k, v) for code, vals in per_unit.items() for k, v in vals.items()]
    services.assessment.set_values(ys_id, edits)


@pytest.fixture
def ys(seeded):
    row = seeded.assessment.assign(YEAR, "ganxian-2023-hotline")
    sat = {"JD01": "90", "JD02": "95", "KS01": "99", "SQ001": "96", "SQ002": "93"}
    fill(seeded, row.id, MONTH, {c: {**FULL, "satisfaction_rate": sat[c]} for c in CODES})
    fill(seeded, row.id, "2026-02", {c: {**FULL, "volume": "7"} for c in CODES})
    return row


@pytest.fixture
def tab(qtbot, seeded, ys):
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    t = show_year_tab(qtbot, MonthlyTab(seeded), ys)
    yield t
    t.shutdown()


def stored(services, ys, code, key, month=MONTH):
    c = services.assessment.monthly_cells(ys.id, month).get((services.ids[code], month, key))
    return None if c is None else c.text


def ix(tab, code, key_or_col):
    return tab.proxy.source_index(tab.services.ids[code], key_or_col)


def select(tab, *indexes):
    sm = tab.table.selectionModel()
    sm.setCurrentIndex(indexes[0], QItemSelectionModel.SelectionFlag.ClearAndSelect)
    sel = QItemSelection()
    for i in indexes:
        sel.select(i, i)
    sm.select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def live_text(tab, code, which):
    m = tab.model
    col = m.first_live_column + [c.key for c in m.live_columns].index(which)
    return tab.proxy.data(ix(tab, code, col))


def month_result(services, ys, code, month=MONTH):
    return services.rankings.result(ys.id).units[code].months[month]


def test_opens_on_latest_month_with_units_and_live_columns(tab, ys):
    assert tab.month == MONTH
    assert tab.month_combo.currentData() == MONTH
    assert [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())] == CODES
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    assert "诉求满意率\n(%)" in headers and "当月办件量\n(件)" in headers
    assert "诉求满意率" in tab.model.headerData(tab.model.column_of("satisfaction_rate"), Qt.Orientation.Horizontal,
                                             Qt.ItemDataRole.ToolTipRole)
    r = month_result(tab.services, ys, "KS01")
    assert live_text(tab, "KS01", "month_rank") == str(r.rank) == "1"
    assert live_text(tab, "KS01", "month_score") == f"{r.score:.2f}"
    # the three panes show their own columns
    assert not tab.table.isColumnHidden(tab.model.column_of("volume"))
    assert tab.table.isColumnHidden(0) and not tab.fixed_view.isColumnHidden(1)
    assert tab.live_view.isColumnHidden(3) and not tab.live_view.isColumnHidden(tab.model.first_live_column)


def test_typing_stores_value_and_moves_rank_and_enter_moves_down(tab, ys, qtbot):
    s = tab.services
    before = month_result(s, ys, "JD01")
    assert before.rank == 5  # lowest satisfaction
    target = ix(tab, "JD01", "satisfaction_rate")
    select(tab, target)
    tab.table.setFocus()
    resets = []
    changed = []
    tab.model.modelReset.connect(lambda: resets.append(1))
    tab.model.dataChanged.connect(lambda a, b, _r=None: changed.append((a.row(), a.column(), b.column())))

    qtbot.keyClick(tab.table, Qt.Key.Key_1)  # typing opens the editor and replaces the content
    editor = tab.table.findChild(QLineEdit)
    assert editor is not None and editor.text() == "1"
    qtbot.keyClicks(editor, "00")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    assert stored(s, ys, "JD01", "satisfaction_rate") == "100"
    after = month_result(s, ys, "JD01")
    assert after.score > before.score and after.rank == 1
    assert live_text(tab, "JD01", "month_rank") == "1"
    assert live_text(tab, "JD01", "month_score") == f"{after.score:.2f}"
    assert live_text(tab, "KS01", "month_rank") == str(month_result(s, ys, "KS01").rank) == "2"
    # Enter committed and moved one row down; no reset, only the touched cells signalled
    assert tab.table.currentIndex() == ix(tab, "JD02", "satisfaction_rate")
    assert not resets
    src_row = tab.model.row_of(s.ids["JD01"])
    assert (src_row, tab.model.column_of("satisfaction_rate"), tab.model.column_of("satisfaction_rate")) in changed
    assert all(a >= tab.model.first_live_column for r, a, _b in changed if r != src_row)
    assert tab.undo_stack.count() == 1
    tab.undo_stack.undo()
    assert stored(s, ys, "JD01", "satisfaction_rate") == "90"
    assert live_text(tab, "JD01", "month_rank") == "5"


def test_tab_moves_right_and_f2_edits(tab, ys, qtbot):
    start = ix(tab, "JD02", "volume")
    select(tab, start)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Tab)
    assert tab.table.currentIndex() == ix(tab, "JD02", "volume_all_channels")
    qtbot.keyClick(tab.table, Qt.Key.Key_F2)
    editor = tab.table.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.setText("25")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert stored(tab.services, ys, "JD02", "volume_all_channels") == "25"
    assert tab.table.currentIndex() == ix(tab, "JD02", "on_time_completion_rate")


def test_paste_block_is_one_undo_step(tab, ys, qtbot):
    s = tab.services
    keys = ["volume", "volume_all_channels", "on_time_completion_rate", "satisfaction_rate"]
    old = {(c, k): stored(s, ys, c, k) for c in CODES[:3] for k in keys}
    select(tab, ix(tab, "JD01", "volume"))
    QApplication.clipboard().setText("11\t12\t91\t92\r\n21\t22\t93.5%\t94\r\n31\t1,032\t95\t96\r\n")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    new = {(c, k): stored(s, ys, c, k) for c in CODES[:3] for k in keys}
    assert [new[(c, k)] for c in CODES[:3] for k in keys] == [
        "11", "12", "91", "92", "21", "22", "93.5", "94", "31", "1032", "95", "96"]
    assert tab.undo_stack.count() == 1
    assert tab.model.cell(s.ids["JD02"], "on_time_completion_rate").text == "93.5"
    tab.undo_stack.undo()
    assert {(c, k): stored(s, ys, c, k) for c in CODES[:3] for k in keys} == old
    assert tab.model.cell(s.ids["JD01"], "volume").text == "20"
    tab.undo_stack.redo()
    assert {(c, k): stored(s, ys, c, k) for c in CODES[:3] for k in keys} == new


def test_paste_beyond_grid_and_single_value_into_selection(tab, ys):
    s = tab.services
    select(tab, ix(tab, "SQ002", "volume"))  # last row
    tab.paste_text("5\t6\n7\t8")
    assert stored(s, ys, "SQ002", "volume") == "5" and stored(s, ys, "SQ002", "volume_all_channels") == "6"
    select(tab, ix(tab, "JD01", "praise"), ix(tab, "JD02", "praise"), ix(tab, "KS01", "complaints"))
    tab.paste_text("3")
    assert [stored(s, ys, c, k) for c, k in (("JD01", "praise"), ("JD02", "praise"), ("KS01", "complaints"))] == \
        ["3", "3", "3"]
    assert tab.undo_stack.count() == 2


def test_bad_cells_flagged_listed_not_scored_and_fixed(tab, ys, qtbot):
    s = tab.services
    m = tab.model
    sat = ix(tab, "JD02", "satisfaction_rate")
    vol = ix(tab, "SQ001", "volume")
    assert tab.proxy.setData(sat, "105")
    assert tab.proxy.setData(vol, "2.5")
    assert sat.data() == "105" and vol.data() == "2.5"  # the typed text stays
    assert sat.data(Qt.ItemDataRole.BackgroundRole).color() == BAD_BACKGROUND
    assert "0 到 100" in sat.data(Qt.ItemDataRole.ToolTipRole)
    assert "整数" in vol.data(Qt.ItemDataRole.ToolTipRole)
    items = [tab.errors_list.item(i).text() for i in range(tab.errors_list.count())]
    assert items == [f"第 2 行 山大路街道 · 诉求满意率：{m.errors()[(s.ids['JD02'], 'satisfaction_rate')]}",
                     f"第 4 行 花园社区 · 当月办件量：{m.errors()[(s.ids['SQ001'], 'volume')]}"]
    assert tab.errors_box.isVisibleTo(tab)
    assert month_result(s, ys, "JD02").status == "incomplete"
    assert live_text(tab, "JD02", "month_score") == "缺项"
    # clicking an entry selects that cell
    tab._error_clicked(tab.errors_list.item(1))
    assert tab.table.currentIndex() == vol

    assert tab.proxy.setData(sat, "96")
    assert sat.data(Qt.ItemDataRole.BackgroundRole) is None
    assert month_result(s, ys, "JD02").status == "scored"
    assert live_text(tab, "JD02", "month_score") == f"{month_result(s, ys, 'JD02').score:.2f}"
    assert tab.errors_list.count() == 1
    qtbot.waitUntil(lambda: "有误 1 处" in tab.counts_label.text())
    tab.proxy.setData(vol, "3")
    assert tab.errors_list.count() == 0 and not tab.errors_box.isVisibleTo(tab)
    qtbot.waitUntil(lambda: tab.counts_label.text() == "2026年3月：参评单位 5 个 · 已录入 5 个 · 有误 0 处")


def test_delete_clears_selection_in_one_step(tab, ys, qtbot):
    s = tab.services
    a, b = ix(tab, "KS01", "rework_rate"), ix(tab, "SQ001", "rework_rate")
    select(tab, a, b)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert stored(s, ys, "KS01", "rework_rate") is None and stored(s, ys, "SQ001", "rework_rate") is None
    assert a.data() == ""
    assert month_result(s, ys, "KS01").status == "incomplete"  # a required rate is now missing
    tab.undo_stack.undo()
    assert stored(s, ys, "KS01", "rework_rate") == "1" and stored(s, ys, "SQ001", "rework_rate") == "1"


def test_copy_gives_tab_separated_rectangle(tab, qtbot):
    select(tab, ix(tab, "JD01", "volume"), ix(tab, "JD01", "on_time_completion_rate"),
           ix(tab, "JD02", "volume"), ix(tab, "JD02", "on_time_completion_rate"))
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "20\t\t100\r\n20\t\t100"


def test_copy_last_month_asks_and_is_one_undo_step(tab, ys, message_boxes):
    s = tab.services
    tab.month_combo.setCurrentIndex(3)  # April: empty
    assert tab.month == "2026-04" and tab.model.cells() == {}
    message_boxes.answer = message_boxes.answer.No
    assert tab.copy_last_month() == 0
    assert "45 个数值" in message_boxes.texts("question")[-1]
    assert s.assessment.monthly_cells(ys.id, "2026-04") == {}
    message_boxes.answer = message_boxes.answer.Yes
    assert tab.copy_last_month() == 45
    assert stored(s, ys, "KS01", "satisfaction_rate", "2026-04") == "99"
    assert tab.model.cell(s.ids["KS01"], "satisfaction_rate").text == "99"
    assert month_result(s, ys, "KS01", "2026-04").rank == 1
    assert tab.undo_stack.count() == 1
    tab.set_month(MONTH)  # undo brings the month it changes back into view
    tab.undo_stack.undo()
    assert tab.month == "2026-04" and tab.month_combo.currentData() == "2026-04"
    assert s.assessment.monthly_cells(ys.id, "2026-04") == {}
    assert tab.model.cells() == {}


def _export(tab, tmp_path, name="m.xlsx"):
    path = tmp_path / name
    tab.services.monthly_io.export_month(tab.ys_id, tab.month, path)
    return path


def _set_cell(path, code, header_part, value):
    wb = load_workbook(path)
    ws = wb.active
    head = [str(c.value or "") for c in ws[HEAD_ROW]]
    col = next(i for i, h in enumerate(head) if header_part in h) + 1
    row = next(r for r in range(HEAD_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == code)
    ws.cell(row, col).value = value
    wb.save(path)


def test_import_with_problems_applies_nothing(tab, ys, qtbot, tmp_path, monkeypatch, message_boxes):
    from PySide6.QtWidgets import QFileDialog

    path = _export(tab, tmp_path)
    _set_cell(path, "JD01", "当月办件量", 30)
    _set_cell(path, "KS01", "诉求满意率", 150)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    with qtbot.waitSignal(tab.import_planned, timeout=10000):
        tab.import_action.trigger()
    dlg = tab._problems_dialog
    assert dlg is not None and dlg.isVisible()
    rows = dlg.problem_rows()
    assert len(rows) == 1 and "诉求满意率" in rows[0][1] and "150" in rows[0][2]
    dlg.reject()
    assert stored(tab.services, ys, "JD01", "volume") == "20"  # the good row was not applied either
    assert tab.undo_stack.count() == 0


def test_import_clean_file_confirmed_then_undone(tab, ys, qtbot, tmp_path, monkeypatch, message_boxes):
    from PySide6.QtWidgets import QFileDialog

    path = _export(tab, tmp_path)
    _set_cell(path, "JD01", "当月办件量", 30)
    _set_cell(path, "KS01", "诉求满意率", 80)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    with qtbot.waitSignal(tab.import_planned, timeout=10000):
        tab.import_month()
    qtbot.waitUntil(lambda: tab._preview_dialog is not None and tab._preview_dialog.isVisible())
    dlg = tab._preview_dialog
    assert sorted(r[1:] for r in dlg.change_rows()) == [
        ("JD01", "洪家楼街道", "当月办件量", "20", "30"), ("KS01", "区民政局", "诉求满意率", "99", "80")]
    with qtbot.waitSignal(tab.import_finished, timeout=10000) as done:
        dlg.import_button.click()
    assert done.args == [2]
    s = tab.services
    assert stored(s, ys, "JD01", "volume") == "30" and stored(s, ys, "KS01", "satisfaction_rate") == "80"
    assert live_text(tab, "KS01", "month_rank") == str(month_result(s, ys, "KS01").rank) == "5"
    tab.undo_stack.undo()
    assert stored(s, ys, "JD01", "volume") == "20" and stored(s, ys, "KS01", "satisfaction_rate") == "99"


def test_export_month_writes_values(tab, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "out.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    with qtbot.waitSignal(tab.export_finished, timeout=10000):
        tab.export_month()
    ws = load_workbook(out).active
    codes = [ws.cell(r, 1).value for r in range(HEAD_ROW + 1, ws.max_row + 1)]
    assert codes == CODES


def test_filter_and_sort_by_live_column(tab, ys):
    tab.search_edit.setText("社区")
    assert [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())] == ["SQ001", "SQ002"]
    tab.search_edit.clear()
    rank_col = tab.model.first_live_column + 1
    tab.sort_by_column(rank_col)
    order = [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())]
    assert order == ["KS01", "SQ001", "JD02", "SQ002", "JD01"]  # by satisfaction
    tab.sort_by_column(rank_col)
    assert [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())] == order[::-1]


def test_sorted_by_live_rank_an_edit_reorders_rows_and_by_code_it_does_not_resort(qtbot, seeded, ys, monkeypatch):
    from hotline_desktop.gui.monthly.models import MonthlyFilterProxy
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    calls = []
    real = MonthlyFilterProxy.lessThan
    # patched before the proxy exists (PySide binds Python overrides when the object is made)
    monkeypatch.setattr(MonthlyFilterProxy, "lessThan", lambda self, a, b: calls.append(1) or real(self, a, b))
    tab = MonthlyTab(seeded)
    qtbot.addWidget(tab)
    tab.set_year(YEAR)
    tab.set_year_scheme(ys)
    tab.show()
    qtbot.waitUntil(lambda: not tab.building, timeout=10000)
    s = tab.services
    codes = lambda: [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())]  # noqa: E731
    rank_col = tab.model.first_live_column + 1
    tab.sort_by_column(rank_col)
    assert codes()[-1] == "JD01"
    tab.apply_edits([CellEdit(s.ids["JD01"], MONTH, "satisfaction_rate", "100")], "edit")
    assert codes()[0] == "JD01"  # rank 1 now: the live sort follows the edit
    # By code the order cannot change with an edit: the rank shifts re-sort nothing
    tab.sort_by_column(0)
    assert codes() == CODES
    calls.clear()
    tab.apply_edits([CellEdit(s.ids["JD01"], MONTH, "satisfaction_rate", "80")], "edit")
    assert live_text(tab, "JD01", "month_rank") == "5"
    assert codes() == CODES and not calls
    tab.shutdown()


def test_no_scheme_shows_hint_and_button_opens_assign(qtbot, seeded, monkeypatch):
    from hotline_desktop.gui.main_window import MainWindow

    win = MainWindow(seeded, year=2031)
    qtbot.addWidget(win)
    assert [p.key for p in win.pages][:2] == ["units", "monthly"]
    tab = win.page("monthly")
    assert tab.stack.currentIndex() == 1 and "2031 年还没有指定考核方案" in tab.hint_label.text()
    calls = []
    monkeypatch.setattr(win.scheme_selector, "assign_dialog", lambda: calls.append(1))
    tab.assign_button.click()
    assert calls == [1]
    win.scheme_selector.assign("ganxian-2023-online")
    # a hidden tab builds its grid and live engine only when the operator opens it (fast start-up)
    assert seeded.rankings._live == {}
    win.show()
    win.tabs.setCurrentWidget(tab)
    assert tab.stack.currentIndex() == 0 and tab.month == "2031-01"
    assert tab.building and seeded.rankings._live == {}  # the live engine is built in a worker
    qtbot.waitUntil(lambda: not tab.building, timeout=10000)
    assert len(seeded.rankings._live) == 1
    assert tab.model.rowCount() == 5
    assert "月度数据…" in [a.text() for a in win.import_menu.actions()]
    assert "月度数据…" in [a.text() for a in win.export_menu.actions()]
    assert "月度数据模板…" in [a.text() for a in win.template_menu.actions()]
    win.release()


def test_blank_volume_with_rates_typed_is_flagged_in_grid_and_list(tab, ys):
    from hotline_desktop.gui.monthly.models import WARN_BACKGROUND

    s = tab.services
    vol = ix(tab, "SQ002", "volume")
    assert tab.proxy.setData(vol, "")  # rates stay, the volume is cleared
    assert month_result(s, ys, "SQ002").status == "averaged"
    tip = "当月办件量未填，按 0 件计"
    assert vol.data(Qt.ItemDataRole.BackgroundRole).color() == WARN_BACKGROUND
    assert tip in vol.data(Qt.ItemDataRole.ToolTipRole)
    assert tip in ix(tab, "SQ002", 1).data(Qt.ItemDataRole.ToolTipRole)  # the name cell
    prow = vol.row()
    assert tab.proxy.headerData(prow, Qt.Orientation.Vertical) == f"⚠ {prow + 1}"
    assert tip in tab.proxy.headerData(prow, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
    assert tab.proxy.headerData(0, Qt.Orientation.Vertical) == 1
    items = [tab.errors_list.item(i).text() for i in range(tab.errors_list.count())]
    assert len(items) == 1 and "第 5 行 文化东路社区" in items[0] and tip in items[0]
    assert tab.errors_box.isVisibleTo(tab) and "需核对 1 处" in tab.errors_label.text()
    tab._error_clicked(tab.errors_list.item(0))
    assert tab.table.currentIndex() == vol

    tab.undo_stack.undo()
    assert vol.data(Qt.ItemDataRole.BackgroundRole) is None
    assert tab.errors_list.count() == 0 and not tab.errors_box.isVisibleTo(tab)


def test_month_box_drops_no_data_once_values_are_typed_and_gets_it_back_on_undo(tab, ys):
    i = tab.month_combo.findData("2026-04")
    assert tab.month_combo.itemText(i) == "2026年4月（无数据）"
    tab.set_month("2026-04")
    assert tab.proxy.setData(ix(tab, "JD01", "volume"), "12")
    assert tab.month_combo.itemText(i) == "2026年4月"
    tab.undo_stack.undo()
    assert tab.month_combo.itemText(i) == "2026年4月（无数据）"


def test_live_columns_say_computing_while_the_engine_is_built_off_the_gui_thread(qtbot, seeded, ys):
    """Opening 月度数据 shows the grid at once (typed figures, editable); the 当月得分 / 排名
    columns say 正在计算… until the worker's engine arrives, then show its figures."""
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    t = MonthlyTab(seeded)
    qtbot.addWidget(t)
    t.set_year(YEAR)
    t.set_year_scheme(ys)
    t.show()  # a tab loads when shown
    assert seeded.rankings.cached(ys.id) is None  # not built on the GUI thread
    assert t.building and t.model.rowCount() > 0
    assert live_text(t, "JD02", "month_score") == "正在计算…"
    assert t.model.index(t.model.row_of(seeded.ids["JD02"]), t.model.column_of("volume")).data() != ""
    qtbot.waitUntil(lambda: not t.building, timeout=10000)
    assert seeded.rankings.cached(ys.id) is t.model.live
    assert live_text(t, "JD02", "month_score") == f"{month_result(seeded, ys, 'JD02').score:.2f}"
    t.shutdown()


def test_a_rank_shift_of_many_units_repaints_the_live_pane_only(qtbot, services):
    """A typed figure that moves the month ranks of hundreds of units signals their live columns:
    the live pane repaints, the unit and input panes do not (Qt repaints every view whole for
    one dataChanged naming over 200 cells)."""
    from PySide6.QtCore import QEvent, QObject

    from hotline_desktop.core.domain import UnitDraft, UnitKind
    from hotline_desktop.gui.monthly.tab import MonthlyTab
    from hotline_desktop.services.demo_data import fill_demo_year

    services.units.create_many([UnitDraft(code=f"SQ{i:03d}", name=f"第{i}社区", kind=UnitKind.COMMUNITY)
                                for i in range(160)])
    fill_demo_year(services.assessment, YEAR, "ganxian-2023-hotline", 1)
    ys = services.assessment.find(YEAR, "ganxian-2023-hotline")
    t = show_year_tab(qtbot, MonthlyTab(services), ys)

    class Paints(QObject):
        def __init__(self):
            super().__init__()
            self.count = 0

        def eventFilter(self, _o, e):  # noqa: N802 - Qt API
            self.count += e.type() == QEvent.Type.Paint
            return False

    paints = {}
    for name, view in (("units", t.fixed_view), ("inputs", t.table), ("live", t.live_view)):
        paints[name] = Paints()
        view.viewport().installEventFilter(paints[name])
    qtbot.wait(50)
    for p in paints.values():
        p.count = 0
    cells = []
    t.model.dataChanged.connect(lambda a, b, _r=(): cells.append((b.row() - a.row() + 1) * (b.column() - a.column() + 1)))
    codes = [u.code for u in t.model.units]
    assert t.model.refresh_live(codes) == 160  # as the engine reports a month's ranks all shifted
    qtbot.waitUntil(lambda: paints["live"].count > 0, timeout=2000)
    qtbot.wait(50)
    assert paints["units"].count == 0 and paints["inputs"].count == 0
    assert max(cells) <= 200
    # what the live pane shows is the engine's figure
    live = services.rankings.result(ys.id).units[codes[0]].months[t.month]
    col = t.model.first_live_column + [c.key for c in t.model.live_columns].index("month_rank")
    assert t.model.index(0, col).data().startswith(str(live.rank))
    t.shutdown()


def test_a_typed_or_pasted_control_character_is_flagged_not_a_cleared_cell(tab, ys):
    """str.strip() takes \\x1f and \\x85 for blanks: typed or pasted alone they used to clear the
    cell. Now the cell is kept bad, listed with the character, and nothing is scored from it."""
    s = tab.services
    sat, vol = ix(tab, "JD02", "satisfaction_rate"), ix(tab, "JD01", "volume")
    assert stored(s, ys, "JD02", "satisfaction_rate") and stored(s, ys, "JD01", "volume")
    assert tab.proxy.setData(sat, "\x1f")
    select(tab, vol)
    tab.paste_text(" \x85 ")
    assert stored(s, ys, "JD02", "satisfaction_rate") == "?" and stored(s, ys, "JD01", "volume") == "?"
    items = [tab.errors_list.item(i).text() for i in range(tab.errors_list.count())]
    assert any(t.endswith("诉求满意率含有不可见的控制字符（U+001F）") for t in items)
    assert any(t.endswith("当月办件量含有不可见的控制字符（U+0085）") for t in items)
    assert tab.proxy.setData(sat, " 96 ") and stored(s, ys, "JD02", "satisfaction_rate") == "96"
