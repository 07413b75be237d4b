"""After 恢复, the tabs follow the restored database live (no stale engines)."""

from hotline_desktop.gui.main_window import MainWindow
from hotline_desktop.services.assessment import CellEdit

FULL = {"volume": "20", "on_time_completion_rate": "100", "satisfaction_rate": "98", "rework_rate": "1",
        "sign_in_rate": "100", "response_rate": "100", "return_overdue_rate": "0",
        "first_extension_rate": "1", "second_extension_rate": "0"}


def test_after_restore_the_tabs_follow_the_restored_data_live(qtbot, seeded):
    s = seeded
    ys = s.assessment.assign(2026, "ganxian-2023-hotline")
    codes = ["JD01", "JD02", "KS01", "SQ001", "SQ002"]
    s.assessment.set_values(ys.id, [CellEdit(s.ids[c], "2026-03", k, v) for c in codes for k, v in FULL.items()])
    backup = s.store.backup_manual()
    w = MainWindow(s, year=2026)
    qtbot.addWidget(w)
    w.show()
    ranking, monthly = w.page("ranking"), w.page("monthly")
    w.tabs.setCurrentWidget(ranking)
    qtbot.waitUntil(lambda: ranking.model.rowCount() == 5)
    w.restore_from(backup)
    qtbot.waitUntil(lambda: ranking.model.rowCount() == 5)
    with qtbot.waitSignal(ranking.model.dataChanged, timeout=2000):
        s.assessment.set_values(ys.id, [CellEdit(s.ids["JD01"], "2026-03", "satisfaction_rate", "60")])
    row = ranking.model.row_of("JD01")
    assert ranking.model.index(row, ranking.model.col_rank).data() == s.rankings.result(ys.id)["JD01"].rank_text
    assert s.rankings.result(ys.id)["JD01"].rank == 5
    # the monthly grid's live columns follow too
    w.tabs.setCurrentWidget(monthly)
    s.assessment.set_values(ys.id, [CellEdit(s.ids["JD02"], "2026-03", "satisfaction_rate", "50")])
    jd02 = s.rankings.result(ys.id)["JD02"].months["2026-03"]
    assert (jd02.rank, jd02.tied) == (4, True)  # tied with JD01: both lose the whole 满意率 score
    m = monthly.model
    col = m.first_live_column + [c.key for c in m.live_columns].index("month_rank")
    assert monthly.proxy.data(monthly.proxy.source_index(s.ids["JD02"], col)) == "4（并列）"
