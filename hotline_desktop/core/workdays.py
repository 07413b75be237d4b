"""Chinese working-day calendar: office table > chinesecalendar > Monday–Friday.

One definition of what a working day is and how deadlines are counted. Qt-free.
A deadline of N working days is the N-th working day after the issue date (the
issue day itself is not counted). Years the library does not know and the office
has not entered are computed Monday–Friday and flagged by ``assumption_note``.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import chinese_calendar

from hotline_desktop.core.text import FORMULA_LEADS, TextProblem, clean_text

SOURCE_OFFICE = "office"
SOURCE_LIBRARY = "library"
SOURCE_ASSUMED = "assumed"

# chinesecalendar's English holiday names, shown in Chinese.
_LIBRARY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # 节假日
    WORKDAY = "workday"  # 调休上班


DAY_KIND_LABELS = {DayKind.HOLIDAY: "节假日", DayKind.WORKDAY: "调休上班"}


def parse_day_kind(text: str) -> DayKind | None:
    """'节假日' / '调休上班' (or the enum values) → DayKind; None when not one of them."""
    t = (text or "").strip()
    for kind, label in DAY_KIND_LABELS.items():
        if t in (label, kind.value):
            return kind
    if t in ("调休", "上班", "补班"):
        return DayKind.WORKDAY
    if t in ("假日", "节日", "休息", "放假"):
        return DayKind.HOLIDAY
    return None


DAY_NAME_MAX = 50


def clean_day_name(name: str | None) -> str:
    """A day's name (国庆节, 春节调休) as stored; ValueError with a Chinese reason."""
    try:
        text = clean_text(name or "")
    except TextProblem as e:
        raise ValueError(f"名称{e.reason}") from None
    if len(text) > DAY_NAME_MAX:
        raise ValueError(f"名称不能超过 {DAY_NAME_MAX} 个字")
    if text[:1] in FORMULA_LEADS:  # the exported .csv opens in Excel, which would run it as a formula
        raise ValueError(f"名称不能以 {' '.join(FORMULA_LEADS)} 开头（Excel 打开导出的 CSV 时会当作公式）")
    return text


@dataclass(frozen=True)
class OfficeDay:
    day: date
    kind: DayKind
    name: str = ""


@dataclass(frozen=True)
class DayInfo:
    """How one day is classified and why (for the calendar grid and the CLI)."""

    day: date
    workday: bool
    source: str  # office (entered for this day) | library | assumed (Monday–Friday)
    kind: DayKind | None  # None for an ordinary weekday/weekend
    name: str = ""

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


@lru_cache(maxsize=512)
def _jan1(year: int) -> int:
    return date(year, 1, 1).toordinal()


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Immutable view of the calendar; build a new one when the office table changes."""

    def __init__(self, office_days: Iterable[OfficeDay] = ()) -> None:
        self._office: dict[date, OfficeDay] = {}
        for od in office_days:
            self._office[od.day] = od
        self._office_years = frozenset(d.year for d in self._office)
        self._library_years: dict[int, bool] = {}
        self._tables: dict[int, tuple[bytes, array]] = {}

    # --- sources -----------------------------------------------------------------
    @property
    def office_days(self) -> tuple[OfficeDay, ...]:
        return tuple(sorted(self._office.values(), key=lambda od: od.day))

    def office_day(self, d: date) -> OfficeDay | None:
        return self._office.get(d)

    def _library(self, year: int) -> bool:
        known = self._library_years.get(year)
        if known is None:
            known = self._library_years[year] = _library_knows(year)
        return known

    def library_knows(self, year: int) -> bool:
        """chinesecalendar has the State Council's arrangement for this year."""
        return self._library(year)

    def year_source(self, year: int) -> str:
        if year in self._office_years:
            return SOURCE_OFFICE
        if self._library(year):
            return SOURCE_LIBRARY
        return SOURCE_ASSUMED

    # --- classification ----------------------------------------------------------
    def day_info(self, d: date) -> DayInfo:
        od = self._office.get(d)
        if od is not None:
            return DayInfo(d, od.kind is DayKind.WORKDAY, SOURCE_OFFICE, od.kind, od.name)
        weekend = d.weekday() >= 5
        if self._library(d.year):
            workday = chinese_calendar.is_workday(d)
            kind: DayKind | None = None
            name = ""
            if workday and weekend:
                kind = DayKind.WORKDAY
                name = self._library_name(d)
            elif not workday and not weekend:
                kind = DayKind.HOLIDAY
                name = self._library_name(d)
            elif not workday:
                _, lib_name = chinese_calendar.get_holiday_detail(d)
                if lib_name:
                    kind = DayKind.HOLIDAY
                    name = _LIBRARY_NAMES.get(lib_name, lib_name)
            return DayInfo(d, workday, SOURCE_LIBRARY, kind, name)
        return DayInfo(d, not weekend, SOURCE_ASSUMED, None, "")

    @staticmethod
    def _library_name(d: date) -> str:
        _, lib_name = chinese_calendar.get_holiday_detail(d)
        if lib_name:
            return _LIBRARY_NAMES.get(lib_name, lib_name)
        return ""

    def _classify(self, d: date) -> bool:
        od = self._office.get(d)
        if od is not None:
            return od.kind is DayKind.WORKDAY
        if self._library(d.year):
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5

    def _table(self, year: int) -> tuple[bytes, array]:
        """(flag per day of the year, running count of working days); built once per year."""
        t = self._tables.get(year)
        if t is None:
            first = date(year, 1, 1)
            n = (date(year + 1, 1, 1) - first).days
            flags = bytes(self._classify(first + timedelta(days=i)) for i in range(n))
            cum = array("i", [0])
            for f in flags:
                cum.append(cum[-1] + f)
            t = self._tables[year] = (flags, cum)
        return t

    def is_workday(self, d: date) -> bool:
        return bool(self._table(d.year)[0][d.toordinal() - _jan1(d.year)])

    def _through(self, d: date) -> int:
        """Working days from 1 January of d's year through d."""
        return self._table(d.year)[1][d.toordinal() - _jan1(d.year) + 1]

    # --- counting ----------------------------------------------------------------
    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after start (start not counted); n <= 0 gives start."""
        if n <= 0:
            return start
        year = start.year
        target = self._through(start) + n  # running count the due day has, in start's year
        while True:
            cum = self._table(year)[1]
            if target <= cum[-1]:
                # the first day whose running count reaches target is a working day
                return date(year, 1, 1) + timedelta(days=bisect_left(cum, target) - 1)
            target -= cum[-1]
            year += 1

    def add_days(self, start: date, n: int) -> date:
        return start + timedelta(days=n)

    def due_date(self, issued: date, days: int, calendar_days: bool = False) -> date:
        if calendar_days:
            return self.add_days(issued, days)
        return self.add_workdays(issued, days)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end == start:
            return 0
        if end < start:
            return -self.workdays_between(end, start)
        if start.year == end.year:
            return self._through(end) - self._through(start)
        count = self._table(start.year)[1][-1] - self._through(start)
        for y in range(start.year + 1, end.year):
            count += self._table(y)[1][-1]
        return count + self._through(end)

    def assumed_years(self, *days: date) -> list[int]:
        return sorted({d.year for d in days if self.year_source(d.year) == SOURCE_ASSUMED})

    def assumption_note(self, *days: date) -> str | None:
        """'2027 年节假日尚未录入，按周一至周五计算' when any day's year is assumed, else None."""
        years = self.assumed_years(*days)
        if not years:
            return None
        return assumption_text(years)

    def span_years(self, start: date, end: date) -> list[int]:
        """The assumed years of a count from start to end: any year touched in between counts."""
        lo, hi = min(start, end), max(start, end)
        return self.assumed_years(*(date(y, 1, 1) for y in range(lo.year, hi.year + 1)))

    def span_note(self, start: date, end: date) -> str | None:
        """The note for a count from start to end (see span_years)."""
        return years_note(self.span_years(start, end))

    def due_note(self, issued: date, days: int, calendar_days: bool = False) -> str | None:
        """The note to show beside a computed due date (None when every year is known)."""
        if calendar_days:
            return None
        return self.span_note(issued, self.due_date(issued, days))

    def year_days(self, year: int) -> list[DayInfo]:
        d = date(year, 1, 1)
        out = []
        while d.year == year:
            out.append(self.day_info(d))
            d += timedelta(days=1)
        return out

    def with_days(self, changes: dict[date, OfficeDay | None]) -> WorkCalendar:
        """A copy with office days set (OfficeDay) or cleared (None) — for previews."""
        days = dict(self._office)
        for d, od in changes.items():
            if od is None:
                days.pop(d, None)
            else:
                days[d] = od
        return WorkCalendar(days.values())


def assumption_text(years: Iterable[int]) -> str:
    ys = "、".join(str(y) for y in sorted(set(years)))
    return f"{ys} 年节假日尚未录入，按周一至周五计算"


def years_note(years: Iterable[int]) -> str | None:
    """One note for many rows (the register's footer): every assumed year named once
    ("2027、2028 年…", not "2027 年…；2027、2028 年…"); None when there is none."""
    ys = set(years)
    return assumption_text(ys) if ys else None


def year_source_label(cal: WorkCalendar, year: int) -> str:
    """Chinese line naming where a year's days come from."""
    source = cal.year_source(year)
    if source == SOURCE_OFFICE:
        n = sum(1 for od in cal.office_days if od.day.year == year)
        if cal.library_knows(year):
            return f"{year} 年：国务院公布的节假日安排，另有本办录入 {n} 天"
        return f"{year} 年：本办录入的节假日安排（{n} 天，其余按周一至周五）"
    if source == SOURCE_LIBRARY:
        return f"{year} 年：国务院公布的节假日安排（chinesecalendar）"
    return assumption_text([year])
