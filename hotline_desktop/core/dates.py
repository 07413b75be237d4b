"""The one formatter for dates and months as printed and shown: 2026年12月1日, 2026年1月."""

from __future__ import annotations

from datetime import date, datetime

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a stored date may fall in (the GUI's date pickers)
LAST_DATE = date(LAST_YEAR, 12, 31)


def in_app_years(d: date) -> bool:
    """Whether `d` lies in FIRST_YEAR–LAST_YEAR (a later date is a typing slip, and the calendar
    cannot count past 9999)."""
    return FIRST_YEAR <= d.year <= LAST_YEAR


def date_text(d: date | datetime) -> str:
    """2026年12月1日"""
    return f"{d.year}年{d.month}月{d.day}日"


def datetime_text(d: datetime) -> str:
    """2026年12月1日 09:05"""
    return f"{date_text(d)} {d:%H:%M}"


def month_text(month: str, *, with_year: bool = True) -> str:
    """'2026-01' → 2026年1月 (or 1月); text that is not YYYY-MM is returned as is."""
    y, sep, m = (month or "").partition("-")
    if not sep or not (y.isascii() and m.isascii() and y.isdigit() and m.isdigit()):
        return month
    return f"{int(y)}年{int(m)}月" if with_year else f"{int(m)}月"


def months_span_text(first: str, last: str) -> str:
    """2026年1月—3月 (same year) or 2025年11月—2026年2月."""
    if first == last:
        return month_text(first)
    if first[:4] == last[:4]:
        return f"{month_text(first)}—{month_text(last, with_year=False)}"
    return f"{month_text(first)}—{month_text(last)}"


def period_text(months: tuple[str, ...] | list[str]) -> str:
    """An assessment period as printed: 2026年1月—3月, or the months listed when not contiguous."""
    if not months:
        return "无数据"
    ints = [int(m[:4]) * 12 + int(m[5:]) for m in months]
    if ints == list(range(ints[0], ints[0] + len(ints))):
        return months_span_text(months[0], months[-1])
    return "、".join(month_text(m) for m in months)
