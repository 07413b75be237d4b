"""Working-day calendar: real 2025/2026 holidays from chinesecalendar, office overrides, assumed years."""

from datetime import date

import pytest

from hotline_desktop.core.workdays import (
    DayKind,
    OfficeDay,
    WorkCalendar,
    parse_day_kind,
    year_source_label,
)

CAL = WorkCalendar()


def test_national_day_2025_skips_the_holiday_and_counts_the_adjusted_saturday():
    # 2025-10-01..08 off; Sat 10-11 is 调休上班.
    assert CAL.due_date(date(2025, 9, 30), 5) == date(2025, 10, 14)
    assert CAL.due_date(date(2025, 9, 30), 3) == date(2025, 10, 11)
    # Sun 2025-09-28 is a working day too
    assert CAL.add_workdays(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert CAL.is_workday(date(2025, 10, 11)) and not CAL.is_workday(date(2025, 10, 8))


def test_spring_festival_2026_with_its_adjusted_saturdays():
    # Sat 02-14 and Sat 02-28 are working days; 02-15..02-23 off.
    assert CAL.due_date(date(2026, 2, 12), 2) == date(2026, 2, 14)
    assert CAL.due_date(date(2026, 2, 12), 3) == date(2026, 2, 24)
    assert CAL.add_workdays(date(2026, 2, 27), 1) == date(2026, 2, 28)
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


def test_issue_day_is_not_counted_even_when_it_is_a_working_day():
    assert CAL.due_date(date(2026, 12, 1), 1) == date(2026, 12, 2)
    assert CAL.due_date(date(2026, 12, 1), 0) == date(2026, 12, 1)


def test_calendar_days_ignore_holidays():
    assert CAL.due_date(date(2026, 9, 30), 10, calendar_days=True) == date(2026, 10, 10)
    assert CAL.due_date(date(2026, 9, 30), 10) == date(2026, 10, 20)  # 10-10 Sat is 调休上班


def test_year_2027_never_crashes_and_is_flagged_as_assumed():
    assert CAL.year_source(2027) == "assumed"
    assert CAL.year_source(2026) == "library"
    # 2026-12-29 Tue + 5: 12-30, 12-31, 2027-01-01 (assumed a working Friday), 01-04, 01-05
    due = CAL.due_date(date(2026, 12, 29), 5)
    assert due == date(2027, 1, 5)
    assert CAL.assumption_note(due) == "2027 年节假日尚未录入，按周一至周五计算"
    assert CAL.due_note(date(2026, 12, 29), 5) == "2027 年节假日尚未录入，按周一至周五计算"
    assert CAL.assumption_note(date(2026, 12, 31)) is None
    assert CAL.workdays_between(date(2027, 1, 1), date(2027, 1, 31)) == 20
    assert CAL.day_info(date(2030, 5, 1)).source == "assumed"
    assert len(CAL.year_days(2031)) == 365


def test_office_entered_2027_days_override_and_clear_the_note():
    cal = WorkCalendar([
        OfficeDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        OfficeDay(date(2027, 1, 9), DayKind.WORKDAY, "元旦调休"),  # a Saturday
    ])
    assert cal.year_source(2027) == "office"
    assert cal.due_date(date(2026, 12, 29), 5) == date(2027, 1, 6)
    assert cal.due_note(date(2026, 12, 29), 5) is None
    assert cal.add_workdays(date(2027, 1, 8), 1) == date(2027, 1, 9)
    info = cal.day_info(date(2027, 1, 1))
    assert (info.workday, info.kind, info.name, info.source) == (False, DayKind.HOLIDAY, "元旦", "office")
    assert year_source_label(cal, 2027) == "2027 年：本办录入的节假日安排（2 天，其余按周一至周五）"
    assert year_source_label(WorkCalendar([OfficeDay(date(2026, 10, 10), DayKind.HOLIDAY)]), 2026) == (
        "2026 年：国务院公布的节假日安排，另有本办录入 1 天")
    assert "按周一至周五计算" in year_source_label(CAL, 2027)


def test_office_day_overrides_the_library_for_that_day_only():
    # the office declares National Day's adjusted Saturday 2026-10-10 a holiday after all
    cal = WorkCalendar([OfficeDay(date(2026, 10, 10), DayKind.HOLIDAY, "临时调整")])
    assert not cal.is_workday(date(2026, 10, 10))
    assert cal.is_workday(date(2026, 9, 20))  # the library's other adjusted day stays
    assert cal.due_date(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.due_date(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert cal.due_date(date(2026, 9, 30), 3) == date(2026, 10, 12)
    assert cal.with_days({date(2026, 10, 10): None}).due_date(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_library_days_are_named_in_chinese():
    assert CAL.day_info(date(2026, 10, 1)).name == "国庆节"
    info = CAL.day_info(date(2026, 2, 14))
    assert info.kind is DayKind.WORKDAY and info.workday and info.weekend
    assert CAL.day_info(date(2026, 2, 16)).kind is DayKind.HOLIDAY
    plain = CAL.day_info(date(2026, 12, 5))  # ordinary Saturday
    assert plain.kind is None and not plain.workday


@pytest.mark.parametrize(("text", "kind"), [("节假日", DayKind.HOLIDAY), (" 调休上班 ", DayKind.WORKDAY),
                                            ("holiday", DayKind.HOLIDAY), ("周末", None), ("", None)])
def test_parse_day_kind(text, kind):
    assert parse_day_kind(text) is kind


def test_workdays_between_is_antisymmetric():
    a, b = date(2026, 9, 28), date(2026, 10, 12)
    assert CAL.workdays_between(a, b) == -CAL.workdays_between(b, a) == 6  # 9-29, 9-30, 10-8, 10-9, 10-10 (调休), 10-12


def _naive_between(cal, start, end):
    from datetime import timedelta

    n, d = 0, start
    while d < end:
        d += timedelta(days=1)
        n += cal.is_workday(d)
    return n


def test_counts_across_years_match_a_day_by_day_count():
    from datetime import timedelta

    cal = WorkCalendar([OfficeDay(date(2027, 1, 1), DayKind.HOLIDAY), OfficeDay(date(2027, 2, 6), DayKind.WORKDAY)])
    start = date(2025, 12, 20)
    for step in range(0, 900, 37):
        for span in (1, 13, 200, 400):
            a = start + timedelta(days=step)
            b = a + timedelta(days=span)
            assert cal.workdays_between(a, b) == _naive_between(cal, a, b)
    # the N-th working day after start is the first day with N working days in (start, day]
    for n in (1, 5, 20, 250, 600):
        due = cal.add_workdays(date(2026, 9, 30), n)
        assert cal.workdays_between(date(2026, 9, 30), due) == n and cal.is_workday(due)
        assert cal.workdays_between(date(2026, 9, 30), due - timedelta(days=1)) == n - 1
    assert cal.is_workday(date(2028, 2, 29)) and cal.workdays_between(date(2028, 2, 28), date(2028, 3, 1)) == 2


def test_years_note_names_each_assumed_year_once():
    from hotline_desktop.core.workdays import years_note

    assert years_note([2028, 2027, 2028]) == "2027、2028 年节假日尚未录入，按周一至周五计算"
    assert years_note([]) is None

