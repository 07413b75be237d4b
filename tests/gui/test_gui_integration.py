"""Across tabs, as the operator works: a figure typed in 月度数据 moves the 排名 tab at once."""

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLineEdit

from hotline_desktop.gui.main_window import MainWindow
from hotline_desktop.services.assessment import CellEdit

MONTH = "2026-03"
FULL = {"volume": "20", "on_time_completion_rate": "100", "satisfaction_rate": "98", "rework_rate": "1",
        "sign_in_rate": "100", "response_rate": "100", "return_overdue_rate": "0",
        "first_extension_rate": "1", "second_extension_rate": "0"}


def test_typing_in_the_monthly_grid_moves_the_ranking_live(qtbot, seeded):
    s = seeded
    ys = s.assessment.assign(2026, "ganxian-2023-hotline")
    sat = {"JD01": "90", "JD02": "95", "KS01": "99", "SQ001": "96", "SQ002": "93"}
    s.assessment.set_values(ys.id, [CellEdit(s.ids[c], MONTH, k, v)
                                    for c in sat for k, v in {**FULL, "satisfaction_rate": sat[c]}.items()])
    w = MainWindow(s, year=2026)
    qtbot.addWidget(w)
    w.show()
    ranking, monthly = w.page("ranking"), w.page("monthly")
    w.tabs.setCurrentWidget(ranking)  # the ranking tab attaches to the live engine when first shown
    qtbot.waitUntil(lambda: ranking.model.rowCount() == 5)
    before = s.rankings.result(ys.id)["JD01"].rank
    assert before == 5

    w.tabs.setCurrentWidget(monthly)
    target = monthly.proxy.source_index(s.ids["JD01"], "satisfaction_rate")
    monthly.table.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    monthly.table.setFocus()
    qtbot.keyClick(monthly.table, Qt.Key.Key_1)
    editor = monthly.table.findChild(QLineEdit)
    qtbot.keyClicks(editor, "00")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    engine = s.rankings.result(ys.id)["JD01"]
    assert engine.rank < before  # the annual ranking moved up
    # the hidden 排名 tab follows when it is shown (its rows updated, no reload), not per edit
    with qtbot.waitSignal(ranking.model.dataChanged, timeout=2000):
        w.tabs.setCurrentWidget(ranking)
    row = ranking.model.row_of("JD01")
    rank_text = ranking.model.index(row, ranking.model.col_rank).data()
    assert rank_text == engine.rank_text
    # and undo in the grid moves it back, again without any refresh
    w.tabs.setCurrentWidget(monthly)
    w.undo_action.trigger()
    with qtbot.waitSignal(ranking.model.dataChanged, timeout=2000):
        w.tabs.setCurrentWidget(ranking)
    assert ranking.model.index(ranking.model.row_of("JD01"), ranking.model.col_rank).data() == str(before)
