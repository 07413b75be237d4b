"""Which notices count for which fed input, on hand-made cases."""

from datetime import date

from hotline_desktop.core import feeds
from hotline_desktop.core.feeds import FedValue, count_notices, effective, feeds_for
from hotline_desktop.core.notices import Channel, Level, NoticeRow


def n(seq, unit, issued, due, *, channel=Channel.HOTLINE, level=Level.SMS, completed=None, voided=False):
    return NoticeRow(seq, f"督（2026）{seq}号", 2026, seq, unit, f"U{unit}", "单位", channel, level, issued, 5,
                     False, due, due, "", (), "", completed, voided, "", "")


LICHENG = feeds_for("licheng-2020")
HOTLINE = feeds_for("ganxian-2023-hotline")
ONLINE = feeds_for("ganxian-2023-online")


def test_unfinished_counts_in_the_due_month_once_the_due_date_passed():
    rows = [
        n(1, 1, date(2026, 3, 25), date(2026, 4, 1)),  # open, due in April
        n(2, 1, date(2026, 4, 1), date(2026, 4, 8), completed=date(2026, 4, 8)),  # on time: not counted
        n(3, 1, date(2026, 4, 1), date(2026, 4, 8), completed=date(2026, 4, 9)),  # completed late: counted
        n(4, 1, date(2026, 4, 1), date(2026, 4, 8), voided=True),  # voided: never
        n(5, 1, date(2026, 4, 1), date(2026, 4, 8), channel=Channel.ONLINE),  # other channel
        n(6, 2, date(2026, 4, 20), date(2026, 4, 28)),  # not yet due as of 4-28
    ]
    got = count_notices(LICHENG, rows, 2026, today=date(2026, 4, 28))
    assert got == {(1, "2026-04", "supervision_unfinished"): FedValue(2, ("督（2026）1号", "督（2026）3号"))}
    later = count_notices(LICHENG, rows, 2026, today=date(2026, 4, 29))
    assert later[(2, "2026-04", "supervision_unfinished")].value == 1


def test_completion_after_today_does_not_hide_an_overdue_notice_but_completion_before_due_does():
    row = n(1, 1, date(2026, 4, 1), date(2026, 4, 8), completed=date(2026, 4, 3))
    assert count_notices(LICHENG, [row], 2026, today=date(2026, 5, 1)) == {}


def test_ganxian_hotline_light_and_heavy_by_month_of_issue():
    rows = [
        n(1, 1, date(2026, 3, 31), date(2026, 4, 8), level=Level.PHONE),
        n(2, 1, date(2026, 3, 2), date(2026, 3, 9), level=Level.WECHAT, completed=date(2026, 3, 3)),
        n(3, 1, date(2026, 3, 2), date(2026, 3, 9), level=Level.ONSITE),
        n(4, 1, date(2026, 3, 2), date(2026, 3, 9), level=Level.WRITTEN, voided=True),
        n(5, 1, date(2026, 3, 2), date(2026, 3, 9), level=Level.LEADER, channel=Channel.ONLINE),
    ]
    got = count_notices(HOTLINE, rows, 2026, today=date(2026, 12, 1))
    assert got == {
        (1, "2026-03", "supervision_light"): FedValue(2, ("督（2026）1号", "督（2026）2号")),
        (1, "2026-03", "supervision_heavy"): FedValue(1, ("督（2026）3号",)),
    }
    online = count_notices(ONLINE, rows, 2026, today=date(2026, 12, 1))
    assert online == {(1, "2026-03", "supervised"): FedValue(1, ("督（2026）5号",))}


def test_counts_stay_within_the_year():
    row = n(1, 1, date(2025, 12, 30), date(2026, 1, 7))
    assert count_notices(HOTLINE, [row], 2026, today=date(2026, 12, 1)) == {}
    assert count_notices(LICHENG, [row], 2026, today=date(2026, 12, 1))[(1, "2026-01", "supervision_unfinished")].value == 1


def test_effective_value_order():
    assert effective(5, 2, override=True) == 5
    assert effective(5, 2, override=False) == 2
    assert effective(5, None, override=False) == 5
    assert feeds.feed_for("ganxian-2023-online", "supervised").register == feeds.NOTICES
    assert feeds.feed_for("licheng-2020", "shirk_multi") is None
