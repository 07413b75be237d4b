"""督办通知 rules: due dates over holidays and unknown years, status, escalation, numbers."""

from datetime import date

import pytest

from hotline_desktop.core import notices as rules
from hotline_desktop.core.notices import Channel, Escalation, Level, NoticeRow, NoticeStatus
from hotline_desktop.core.workdays import DayKind, OfficeDay, WorkCalendar

CAL = WorkCalendar()


def notice(issued=date(2026, 11, 2), days=5, due=None, completed=None, voided=False, calendar_days=False,
           channel=Channel.HOTLINE, level=Level.SMS, number="督（2026）1号", unit_id=1):
    due = due or CAL.due_date(issued, days, calendar_days)
    return NoticeRow(1, number, issued.year, 1, unit_id, "C01", "测试社区", channel, level, issued, days,
                     calendar_days, due, due, "内容", (), "", completed, voided, "", "")


def test_due_date_across_national_day_counts_the_adjusted_sunday():
    # 2025 国庆: 9-28 (Sun) is a working day, 10-1..10-8 off.
    assert rules.compute_due(CAL, date(2025, 9, 26), 3, False) == date(2025, 9, 30)
    assert rules.compute_due(CAL, date(2025, 9, 26), 5, False) == date(2025, 10, 10)


def test_due_date_across_spring_festival_counts_the_adjusted_saturday():
    # 2026 春节: 2-14 (Sat) works, 2-15..2-23 off.
    assert rules.compute_due(CAL, date(2026, 2, 12), 3, False) == date(2026, 2, 24)


def test_due_date_into_2027_is_monday_to_friday_until_the_office_enters_it():
    assert rules.compute_due(CAL, date(2026, 12, 29), 5, False) == date(2027, 1, 5)
    assert CAL.span_note(date(2026, 12, 29), date(2027, 1, 5)) == "2027 年节假日尚未录入，按周一至周五计算"
    office = WorkCalendar([OfficeDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
                           OfficeDay(date(2027, 1, 4), DayKind.HOLIDAY, "元旦")])
    assert rules.compute_due(office, date(2026, 12, 29), 5, False) == date(2027, 1, 7)
    assert office.span_note(date(2026, 12, 29), date(2027, 1, 7)) is None


def test_calendar_days_ignore_holidays():
    assert rules.compute_due(CAL, date(2026, 9, 30), 5, True) == date(2026, 10, 5)
    with pytest.raises(ValueError):
        rules.compute_due(CAL, date(2026, 9, 30), 0, False)


def test_status_as_of_each_day():
    n = notice(issued=date(2026, 11, 2), days=5)  # due 11-09 (Mon)
    assert n.due == date(2026, 11, 9)
    assert rules.status(n, date(2026, 11, 3), CAL) is NoticeStatus.ISSUED
    assert rules.status(n, date(2026, 11, 5), CAL) is NoticeStatus.DUE_SOON  # Fri: Mon is 1 working day away
    assert rules.status(n, date(2026, 11, 9), CAL) is NoticeStatus.DUE_SOON
    assert rules.status(n, date(2026, 11, 10), CAL) is NoticeStatus.OVERDUE
    done = notice(issued=date(2026, 11, 2), days=5, completed=date(2026, 11, 9))
    assert rules.status(done, date(2026, 11, 20), CAL) is NoticeStatus.DONE_ON_TIME
    assert rules.status(done, date(2026, 11, 8), CAL) is NoticeStatus.DUE_SOON  # completion not yet as of then
    late = notice(issued=date(2026, 11, 2), days=5, completed=date(2026, 11, 10))
    assert rules.status(late, date(2026, 11, 20), CAL) is NoticeStatus.DONE_LATE
    assert rules.status(notice(voided=True), date(2026, 11, 20), CAL) is NoticeStatus.VOIDED


def test_escalation_remind_then_urge_the_day_after_then_report_after_n_working_days():
    n = notice(issued=date(2026, 11, 2), days=5)  # due Mon 11-09
    assert rules.escalation(n, date(2026, 11, 9), CAL, 3).step is Escalation.REMIND
    step = rules.escalation(n, date(2026, 11, 10), CAL, 3)
    assert step.step is Escalation.URGE and step.since == date(2026, 11, 10)
    assert step.next_on == date(2026, 11, 13)  # 3 more working days: 10, 11, 12 → 通报 from the 13th
    assert rules.escalation(n, date(2026, 11, 12), CAL, 3).step is Escalation.URGE
    assert rules.escalation(n, date(2026, 11, 13), CAL, 3).step is Escalation.REPORT
    assert rules.escalation(n, date(2026, 11, 13), CAL, 5).step is Escalation.URGE
    done = notice(issued=date(2026, 11, 2), days=5, completed=date(2026, 11, 12))
    assert rules.escalation(done, date(2026, 11, 20), CAL, 3).step is Escalation.NONE


def test_numbers_format_parse_and_shorten():
    assert rules.format_number("督", 2026, 3) == "督（2026）3号"
    assert rules.parse_number("督(2026)3") == ("督", 2026, 3)
    assert rules.parse_number(" 督（2026）12号 ") == ("督", 2026, 12)
    with pytest.raises(ValueError, match="通知编号无效"):
        rules.parse_number("2026-3")
    assert rules.short_numbers(["督（2026）3号", "督（2026）5号", "督（2027）1号"]) == "督（2026）3号、5号、督（2027）1号"


def test_levels_and_channels_parse_chinese_labels():
    assert Level.parse("领导批示") is Level.LEADER and Level.LEADER.heavy
    assert not Level.parse("微信").heavy
    assert Channel.parse("热线") is Channel.HOTLINE
    assert Channel.parse("网络问政") is Channel.ONLINE
    with pytest.raises(ValueError, match="督办方式无效"):
        Level.parse("口头")
    assert NoticeStatus.parse("逾期未办结") is NoticeStatus.OVERDUE


def test_extension_moves_by_working_days_or_to_a_date():
    due = date(2026, 9, 30)
    assert rules.extended_due(CAL, due, 2, None, False) == date(2026, 10, 9)  # 2026 国庆 10-1..10-7 off
    assert rules.extended_due(CAL, due, None, date(2026, 10, 20), False) == date(2026, 10, 20)
    with pytest.raises(ValueError):
        rules.extended_due(CAL, due, None, date(2026, 9, 1), False)


def test_split_orders_and_deadline_text():
    assert rules.split_orders("A1, A2；A3\nA1") == ("A1", "A2", "A3")
    assert rules.deadline_text(5, False) == "5个工作日"
    assert rules.deadline_text(5, True) == "5天"
    assert rules.cn_date(date(2026, 12, 1)) == "2026年12月1日"
