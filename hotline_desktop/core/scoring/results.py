"""Immutable results of the scoring engine. Figures are unrounded Decimals; round with
:func:`hotline_desktop.core.scoring.numbers.round2` / ``fmt2`` when showing them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from hotline_desktop.core.dates import month_text
from hotline_desktop.core.scoring.numbers import round2

if TYPE_CHECKING:
    import numpy as np

    from hotline_desktop.core.scoring.scheme import Scheme

__all__ = [
    "UnitRef",
    "MonthResult",
    "UnitResult",
    "ScoringResult",
    "LazyUnits",
    "Places",
    "RANKED",
    "UNRANKED",
    "INCOMPLETE",
    "NO_PERIOD",
    "describe_missing",
]

RANKED = "ranked"
UNRANKED = "unranked"
INCOMPLETE = "incomplete"

#: Missing item when the period holds no month with data at all.
NO_PERIOD = "period"

_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A handling unit as the engine sees it: code (sort key), name, kind."""

    code: str
    name: str = ""
    kind: str = "community"  # community | department | town


class MonthResult(NamedTuple):
    """One unit's month (Ganxian schemes).

    ``status``: ``scored`` (own score), ``averaged`` (no work orders: the month's average,
    按平均分), ``incomplete`` (a required rate is missing; ``missing`` lists the keys) or
    ``missing`` (no record for the month).
    """

    month: str
    status: str
    score: Decimal | None
    rank: int | None
    tied: bool
    indicators: Mapping[str, Decimal]
    base: Decimal | None  # sum of the month's indicators
    bonus: Decimal | None  # capped
    penalty: Decimal | None  # capped
    missing: tuple[str, ...]

    @property
    def averaged(self) -> bool:
        return self.status == "averaged"

    @property
    def adjustment(self) -> Decimal | None:
        if self.bonus is None:
            return None
        return self.bonus - self.penalty


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A unit's result for the year (all figures unrounded)."""

    unit: UnitRef
    group: str
    status: str  # ranked | unranked | incomplete
    total: Decimal | None  # None when incomplete
    rank: int | None  # None unless ranked
    tied: bool  # shares its rank (并列)
    missing: tuple[str, ...]  # "2023-02" (whole month), "2023-01:satisfaction_rate", "leadership"
    veto: str | None  # key of the veto that holds
    indicators: Mapping[str, Decimal]  # annual-level indicators (Licheng: all)
    categories: Mapping[str, Decimal]  # annual-level category subtotals
    annual_score: Decimal | None  # Σ annual indicators ± adjustments, clamped (Ganxian: 年度基础考核)
    annual_bonus: Decimal | None
    annual_penalty: Decimal | None
    monthly_average: Decimal | None  # Ganxian: mean of the monthly scores
    months: Mapping[str, MonthResult]  # Ganxian: per period month

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def kind(self) -> str:
        return self.unit.kind

    @property
    def rounded_total(self) -> Decimal | None:
        return None if self.total is None else round2(self.total)

    @property
    def rank_text(self) -> str:
        """Rank as printed: ``3`` or ``3（并列）``; empty when not ranked."""
        if self.rank is None:
            return ""
        return f"{self.rank}（并列）" if self.tied else str(self.rank)


class Places(NamedTuple):
    """(status, rank, 并列) of every unit of a result, in code order (:meth:`ScoringResult.places`),
    the total it shows (in a month: its score) in cents where it shows one, and its ref: the
    columns the ranking orders and sorts by."""

    names: tuple[str, ...]  # status names; ``status`` holds indexes into them
    status: np.ndarray  # int, per unit
    rank: np.ndarray  # int64, 0 unless ranked (the year) or scored (a month)
    tied: np.ndarray  # bool
    groups: Sequence[str]  # ranking group of each unit
    codes: Sequence[str]  # code of each unit
    cents: np.ndarray  # int64: the total (a month: the score) rounded half-up to cents, 0 where none
    has_cents: np.ndarray  # bool: whether the unit shows one (round2(total) * 100 == cents)
    refs: Sequence[UnitRef]  # each unit's code, name and kind


class LazyUnits(Mapping):
    """``ScoringResult.units`` of the engine: code -> :class:`UnitResult`, in code order, each
    built on first read and kept (``built``); ``index``: code -> position; ``groups``: the
    ranking groups of the units; ``places(month)``: see :meth:`ScoringResult.places`."""

    __slots__ = ("index", "_build", "built", "groups", "places")

    def __init__(self, index: Mapping[str, int], build: Callable[[int], UnitResult], built: dict,
                 groups: frozenset[str], places: Callable[[str | None], Places] | None = None):
        self.index, self._build, self.built, self.groups, self.places = index, build, built, groups, places

    def __getitem__(self, code: str) -> UnitResult:
        r = self.built.get(code)
        if r is None:
            r = self.built[code] = self._build(self.index[code])
        return r

    def __iter__(self):
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, code) -> bool:
        return code in self.index

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def _order_key(u: UnitResult):
    return (u.rank is None, u.rank or 0, u.code)


@dataclass(frozen=True)
class ScoringResult:
    """Everything the Rankings tab, the CLI and the exports need, immutable."""

    scheme: Scheme
    months: tuple[str, ...]  # the period (dropped months removed)
    dropped_months: tuple[str, ...]
    month_averages: Mapping[str, Decimal]  # 全区月考核平均分 per period month
    units: LazyUnits  # by code

    def __getitem__(self, code: str) -> UnitResult:
        return self.units[code]

    def __len__(self) -> int:
        return len(self.units)

    def places(self, month: str | None = None) -> Places:
        """(status, rank, 并列) of every unit in the year, or in ``month`` (a month's status;
        "missing" without a record), as columns over the units in code order (with each unit's
        ranking group): what a rank-only move changes, read without building the results."""
        return self.units.places(month)

    def place(self, code: str, month: str | None = None) -> tuple[str, int | None, bool]:
        """:meth:`places` of one unit: (status, rank or None, 并列)."""
        p, i = self.places(month), self.units.index[code]
        return p.names[p.status[i]], int(p.rank[i]) or None, bool(p.tied[i])

    @property
    def groups(self) -> tuple[str, ...]:
        """Keys of the ranking groups that hold units, in the scheme's order."""
        return tuple(g.key for g in self.scheme.groups if g.key in self.units.groups)

    def group_units(self, group: str) -> list[UnitResult]:
        """Units of a group as printed: by rank, then code; unranked and incomplete last."""
        return sorted((u for u in self.units.values() if u.group == group), key=_order_key)

    def ordered(self) -> list[UnitResult]:
        """All units: by group (scheme order), then rank, then code; unranked/incomplete last."""
        out: list[UnitResult] = []
        for g in self.groups:
            out.extend(self.group_units(g))
        return out


def describe_missing(scheme: Scheme, item: str) -> str:
    """Chinese text for one entry of ``UnitResult.missing``."""
    if item == NO_PERIOD:
        return "考核期内没有任何有效月份"
    if ":" in item:
        month, key = item.split(":", 1)
        label = scheme.input(key).label if scheme.has_input(key) else key
        return f"{month_text(month)} {label}未填"
    if len(item) == 7 and item[4] == "-":
        return f"{month_text(item)} 整月数据缺失"
    label = scheme.input(item).label if scheme.has_input(item) else item
    return f"{label}未评分"
