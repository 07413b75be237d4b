"""The order units are shown and printed in (排名 screen, ranking tables, exports, CLI): ranked units
by rank, then those not ranked (不参与排名, or a month scored at the 平均分), then 数据不全, then months
without data; equal places (ties) and the rest by unit code. One rule, over whole columns
(:meth:`ScoringResult.places`)."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from hotline_desktop.core.scoring.results import (
    INCOMPLETE,
    RANKED,
    UNRANKED,
    Places,
    ScoringResult,
    UnitResult,
)

if TYPE_CHECKING:
    import numpy as np

#: annual statuses (ranked / unranked / incomplete) and a month's (scored / averaged / incomplete / missing)
STATUS_PLACE = MappingProxyType({RANKED: 0, "scored": 0, UNRANKED: 1, "averaged": 1, INCOMPLETE: 2, "missing": 3})
_OTHER = 4
RANK_SPAN = 1_000_000  # ranks and code positions stay below this


def order_numbers(places: Places) -> np.ndarray:
    """Every unit's place in the order as one int (status, rank, then the code's position in code
    order): sorting these sorts the units."""
    import numpy as np  # not at import: the main window paints before numpy loads

    place = np.array([STATUS_PLACE.get(s, _OTHER) for s in places.names], np.int64)
    n = len(places.status)
    return (place[places.status] * RANK_SPAN + places.rank) * RANK_SPAN + np.arange(n, dtype=np.int64)


def in_order(result: ScoringResult, group: str, month: str | None = None) -> list[UnitResult]:
    """The units of ``group`` in the ranking order of the year (month None) or of one month (none
    for a result without units: the 排名 model's headings-only table)."""
    import numpy as np

    if not result.units:
        return []
    places = result.places(month)
    mine = np.flatnonzero(np.array(places.groups, object) == group)
    order = mine[np.argsort(order_numbers(places)[mine], kind="stable")]
    return [result.units[places.codes[i]] for i in order.tolist()]
