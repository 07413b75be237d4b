"""The rule types of a scheme, each one short function over a whole column (every unit of a
month, or of the year, at once). Read them next to ``docs``/``spec/scoring.md``.

========== =====================================================================================
type       contribution of one term
========== =====================================================================================
shortfall  ± per point × max(0, target − rate) (a rate not entered contributes 0)
excess     ± per point × max(0, rate − threshold)
count      ± per item × n
flag       ± points if the boolean is true
choice     the points of the chosen option
manual     the entered score (not entered: the indicator cannot be computed)
floor      ± points × ⌊n / per⌋, ``per`` a number or a table by unit kind
share      ± points × n / Σ n of the unit's ranking group (``scope = "group"``) or of all units
           (``"all"``); 0 below ``min_by_kind[kind]``
========== =====================================================================================

``deduct = k`` makes the contribution −k × quantity, ``add = k`` +k × quantity; ``cap`` limits
its size. An indicator is clamp(start + Σ terms, 0, max), unless ``fixed_by_kind`` or
``full_when_zero`` fixes it; a score is Σ indicators + min(Σ bonus, cap) − min(Σ penalty, cap),
clamped to [min, max].

Exactness: figures are numpy int64 scaled integers (:class:`Scaled`: rates and manual scores
carry ``RATE_DECIMALS`` decimals, a scheme's constants ``p`` decimals, figures ``e`` = both),
checked against overflow when a scheme loads; a level whose inputs are themselves fractions
(a volume-weighted rate, a share of a group's volume) is computed over Decimal columns
(:class:`Exact`) with the same functions. Nothing is rounded here.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from decimal import Decimal

import numpy as np

from hotline_desktop.core.scoring.numbers import CONTEXT
from hotline_desktop.core.scoring.scale import COUNT_LIMIT, RATE_DECIMALS, TERM_TYPES, Scaled, scale_for

__all__ = [
    "TERM_TYPES", "RATE_DECIMALS", "COUNT_LIMIT", "Scaled", "Exact", "Columns", "LevelScores",
    "score_level", "scale_for",
]

class Exact:
    """Decimal columns (object arrays), for levels whose inputs are fractions."""

    dtype = object
    p = e = 0
    count_unit = 1

    def value(self, c: Decimal) -> Decimal:
        return c

    rate = points = value

    def zeros(self, n: int):
        return np.zeros(n, np.int64).astype(object)

    divide = staticmethod(np.frompyfunc(CONTEXT.divide, 2, 1))


class Columns:
    """The inputs of one level for ``n`` rows, in the level's number system.

    ``x(key)`` is the column of values (defaults where nothing was entered), ``given(key)``
    the mask of values entered; ``kind`` the unit kind per row (index into ``kinds``);
    ``share_total(key, scope)`` Σ of a column per row's group (or overall).
    """

    def __init__(self, ns, n: int, x: Callable, given: Callable, kind, kinds: tuple[str, ...],
                 share_total: Callable | None = None):
        self.ns, self.n, self.x, self.given, self.kind, self.kinds = ns, n, x, given, kind, kinds
        self.share_total = share_total

    def by_kind(self, table: Mapping[str, object], default=0):
        """A column of ``table[kind]`` per row."""
        return np.array([table.get(k, default) for k in self.kinds])[self.kind]  # (Decimals: an object array)


# ---------------------------------------------------------------------------- term types


def _sized(term, qty, ns):
    """± min(size × quantity, cap): ``qty`` at a rate's scale, the result at a figure's."""
    points, cap = term.params["points"], term.params.get("cap")
    v = qty * ns.points(points)
    if cap is None:
        return v
    return np.maximum(v, -ns.value(cap)) if points < 0 else np.minimum(v, ns.value(cap))


def shortfall(term, c: Columns):
    gap = np.maximum(c.ns.rate(term.params["target"]) - c.x(term.input), 0)
    return _sized(term, np.where(c.given(term.input), gap, 0), c.ns)


def excess(term, c: Columns):
    over = np.maximum(c.x(term.input) - c.ns.rate(term.params["threshold"]), 0)
    return _sized(term, np.where(c.given(term.input), over, 0), c.ns)


def count(term, c: Columns):
    return _sized(term, c.x(term.input) * c.ns.count_unit, c.ns)


def flag(term, c: Columns):
    return _sized(term, np.where(c.x(term.input) != 0, c.ns.count_unit, 0), c.ns)


def floor(term, c: Columns):
    per = term.params["per"]
    divisor = c.by_kind(per).astype(np.int64) if isinstance(per, Mapping) else int(per)
    return _sized(term, (c.x(term.input) // divisor) * c.ns.count_unit, c.ns)


def choice(term, c: Columns):
    table = term.params["table"]
    points = np.array([c.ns.value(table[v]) for v in term.params["options"]], dtype=c.ns.dtype)
    return points[c.x(term.input)]


def manual(term, c: Columns):
    return c.x(term.input) * c.ns.points(Decimal(1))


def share(term, c: Columns):
    p = term.params
    x = c.x(term.input)
    total = c.share_total(term.input, p["scope"])
    counts = (x != 0) & (x >= c.by_kind(p["min_by_kind"], default=0)) & (total != 0)
    v = c.ns.divide(x * abs(p["points"]), np.where(counts, total, 1))
    if p.get("cap") is not None:
        v = np.minimum(v, p["cap"])
    v = np.where(counts, v, 0)
    return -v if p["points"] < 0 else v


TERMS = {
    "shortfall": shortfall, "excess": excess, "count": count, "flag": flag, "choice": choice,
    "manual": manual, "floor": floor, "share": share,
}
assert tuple(TERMS) == TERM_TYPES or set(TERMS) == set(TERM_TYPES)


# ---------------------------------------------------------------------------- indicators and scores


def _terms(terms, c: Columns, start):
    for term in terms:
        start = start + TERMS[term.type](term, c)
    return start


def indicator(ind, c: Columns):
    """(values, computable mask or ``None``: all) of one indicator over the rows."""
    ns = c.ns
    values = _terms(ind.terms, c, ns.value(ind.start))
    values = np.minimum(np.maximum(values if ind.terms else ns.zeros(c.n) + values, 0), ns.value(ind.max))
    ok = None
    if ind.manual_inputs or ind.full_when_zero is not None or ind.fixed_by_kind:
        ok = np.ones(c.n, bool)
    for key in ind.manual_inputs:
        ok &= c.given(key)
    if ind.full_when_zero is not None:
        zero = c.x(ind.full_when_zero) == 0
        values = np.where(zero, ns.value(ind.max), values)
        ok |= zero
    for kind, fixed in ind.fixed_by_kind.items():
        if kind in c.kinds:
            mine = c.kind == c.kinds.index(kind)
            values = np.where(mine, ns.value(fixed), values)
            ok |= mine
    return values, ok


def adjustment(adj, c: Columns):
    """Σ of a bonus's / penalty's terms, capped."""
    if adj is None:
        return c.ns.zeros(c.n)
    total = _terms(adj.terms, c, c.ns.zeros(c.n))
    return total if adj.cap is None else np.minimum(total, c.ns.value(adj.cap))


#: One level's figures over the rows: ``indicators`` (one row per indicator), their ``ok`` masks,
#: and base / bonus / penalty / score (``None`` columns when the scheme has no score for the level).
LevelScores = namedtuple("LevelScores", "indicators ok base bonus penalty score")


def score_level(indicators, score_def, c: Columns, counted=None) -> LevelScores:
    """Every indicator of a level, and its score Σ + bonus − penalty clamped to [min, max]
    (``counted``: which indicator values the sum takes, per row; default all)."""
    ns = c.ns
    if indicators:
        pairs = [indicator(ind, c) for ind in indicators]
        values = np.stack([v for v, _ok in pairs])
        ok = np.ones(values.shape, bool)
        for j, (_v, o) in enumerate(pairs):
            if o is not None:
                ok[j] = o
        base = (values if counted is None else np.where(counted, values, 0)).sum(axis=0)
    else:
        values = np.zeros((0, c.n), ns.dtype)
        ok = np.zeros((0, c.n), bool)
        base = ns.zeros(c.n)
    if score_def is None:
        return LevelScores(values, ok, base, None, None, None)
    bonus = adjustment(score_def.bonus, c)
    penalty = adjustment(score_def.penalty, c)
    score = base + bonus - penalty
    if score_def.min is not None:
        score = np.maximum(score, ns.value(score_def.min))
    if score_def.max is not None:
        score = np.minimum(score, ns.value(score_def.max))
    return LevelScores(values, ok, base, bonus, penalty, score)


def round_cents(values, e: int):
    """int64 figures at scale ``e`` rounded half-up (away from zero) to cents."""
    if e <= 2:
        return values * 10 ** (2 - e)
    q = 10 ** (e - 2)
    mag = (np.abs(values) + q // 2) // q
    return np.where(values < 0, -mag, mag)


def competition_ranks(rounded, ranked):
    """Ranks (1, 2, 2, 4) on ``rounded`` (int64, highest first) over the rows in ``ranked``: 1 + the
    number of rows above. Returns (rank, tied) arrays (rank 0: not ranked; tied: the rank is shared)."""
    n = len(rounded)
    rank = np.zeros(n, np.int64)
    tied = np.zeros(n, bool)
    idx = np.flatnonzero(ranked)
    if not len(idx):
        return rank, tied
    x = rounded[idx]
    lo = x.min()
    if x.max() - lo <= 4 * len(x) + 4096:  # totals in cents lie close together: count each value
        x = x - lo
        counts = np.bincount(x)
        above = np.cumsum(counts[::-1])[::-1] - counts
        rank[idx], tied[idx] = above[x] + 1, counts[x] > 1
        return rank, tied
    order = np.argsort(-x)  # else sorted (the order within equal values does not matter)
    v = x[order]
    start, end = np.ones(len(v), bool), np.ones(len(v), bool)  # first / last of equal values
    np.not_equal(v[1:], v[:-1], out=start[1:])
    end[:-1] = start[1:]
    rank[idx[order]] = np.maximum.accumulate(np.where(start, np.arange(1, len(v) + 1), 0))
    tied[idx[order]] = ~(start & end)
    return rank, tied
