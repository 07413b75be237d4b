"""The order units are shown and printed in (排名 screen, ranking tables, exports, CLI): ranked units
by rank, then those not ranked (不参与排名, or a month scored at the 平均分), then 数据不全, then months
without data; equal places (ties) and the rest by unit code."""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import TYPE_CHECKING

from hotline_desktop.core.scoring.results import INCOMPLETE, RANKED, UNRANKED, Places, UnitResult

if TYPE_CHECKING:
    import numpy as np

#: annual statuses (ranked / unranked / incomplete) and a month's (scored / averaged / incomplete / missing)
STATUS_PLACE = MappingProxyType({RANKED: 0, "scored": 0, UNRANKED: 1, "averaged": 1, INCOMPLETE: 2, "missing": 3})
_OTHER = 4
RANK_SPAN = 1_000_000  # ranks and code positions stay below this


def order_key(status: str, rank: int | None, code: str) -> tuple[int, int, str]:
    return STATUS_PLACE.get(status, _OTHER), rank or 0, code


def order_number(status: str, rank: int | None, code_index: int) -> int:
    """order_key as one int, with the code's position in code order (the live table sorts thousands)."""
    return (STATUS_PLACE.get(status, _OTHER) * RANK_SPAN + (rank or 0)) * RANK_SPAN + code_index


def order_numbers(places: Places) -> np.ndarray:
    """order_number of every unit of ``places`` (code order: the position is the code index)."""
    import numpy as np  # not at import: the main window paints before numpy loads

    place = np.array([STATUS_PLACE.get(s, _OTHER) for s in places.names], np.int64)
    n = len(places.status)
    return (place[places.status] * RANK_SPAN + places.rank) * RANK_SPAN + np.arange(n, dtype=np.int64)


def month_place(u: UnitResult, month: str) -> tuple[str, int | None]:
    """(status, rank) of a unit in one month; a month without figures is "missing"."""
    m = u.months.get(month)
    return ("missing", None) if m is None else (m.status, m.rank)


def in_order(units: Iterable[UnitResult], month: str | None = None) -> list[UnitResult]:
    """Units in the ranking order of the year (month None) or of one month."""
    if month is None:
        return sorted(units, key=lambda u: order_key(u.status, u.rank, u.code))
    return sorted(units, key=lambda u: order_key(*month_place(u, month), u.code))
