"""A new day in the 督办通知 tab also moves the scores: a notice whose due date just passed counts."""

from datetime import date

from hotline_desktop.core.notices import Channel, Level
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.notices import NoticeDraft


def test_new_day_counts_a_notice_just_overdue_in_the_live_ranking(qtbot, seeded):
    from hotline_desktop.gui.notices.tab import NoticesTab

    s, sq = seeded, seeded.ids["SQ001"]
    ys = s.assessment.ensure(2026, "licheng-2020")
    s.assessment.set_values(ys.id, [CellEdit(sq, "2026-11", "volume", "40")])
    s.notices.set_today(date(2026, 11, 9))
    s.notices.issue(NoticeDraft(sq, Channel.HOTLINE, Level.PHONE, date(2026, 11, 2), 5, content="路灯损坏"))  # due 11-09
    live = s.rankings.live(ys.id)
    tab = NoticesTab(s)
    qtbot.addWidget(tab)
    tab.set_year(2026)
    assert live.engine.monthly_values("SQ001", "2026-11")["supervision_unfinished"] == 0
    s.notices.set_today(date(2026, 11, 10))
    tab._check_day()  # what the tab's day timer does
    assert live.engine.monthly_values("SQ001", "2026-11")["supervision_unfinished"] == 1
    tab.shutdown()
