"""Exact fixed-point evaluation of the rules: the same figures as the Decimal closures of
:mod:`rules` / :mod:`scheme`, computed with scaled integers.

Every indicator, bonus, penalty and score is a sum, difference, product, floor or clamp of
decimal inputs and decimal parameters, so with all values scaled by ``10**E`` (``E`` = rate
decimals ``R`` + parameter decimals) integer arithmetic is exact. The Decimal closures are exact
too as long as no intermediate result exceeds the 28 significant digits of the Decimal context;
the fixed-point path is used only where that is guaranteed (rates with at most ``R`` decimals,
counts below ``COUNT_LIMIT``, parameters of bounded size and decimals), so both give equal
values. Anything else — a rate with more decimals, a huge count, a term type not handled here
(``manual``, ``share``) — goes to the Decimal closures.

Each term's contribution is memoised per distinct input value (a few thousand distinct rates in
a year), so a column of 12,000 unit-months costs one dictionary look-up per cell; indicators,
bonus, penalty and score combine those columns with integer list comprehensions. Results become
Decimals through a cache (scaled int -> Decimal), when shown. Their values equal the Decimal
path's; the exponent may differ (``23.5`` vs ``23.50``), which no display depends on (figures
are shown through ``round2`` / ``fmt2``).

The evaluation is built from the rule types only: closures and comprehensions, no text is
compiled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from operator import itemgetter

__all__ = ["FixedLevel", "compile_fixed", "COUNT_LIMIT"]

#: Counts at or above this go to the Decimal path (keeps every intermediate under 28 digits).
COUNT_LIMIT = 10**7
_PARAM_LIMIT = 10**6  # parameters larger than this: no fixed-point path for the scheme
_MIN_RATE_DECIMALS = 4  # rates with up to this many decimals are computed as scaled integers
_MAX_SCALE = 10  # largest E: coefficients stay ≤ 13 + 10 digits, sums of ≤ 100 terms ≤ 25 digits
_MAX_TERMS = 100

_BAD = object()  # a rate the fixed-point path cannot represent (too many decimals)


def _decimals(value: Decimal) -> int | None:
    """Number of decimals of a finite Decimal's value (``2.50`` -> 1), ``None`` if > 12."""
    _n, d = value.as_integer_ratio()
    for k in range(13):
        if 10**k % d == 0:
            return k
    return None


def _scaled(value: Decimal, e: int) -> int:
    n, d = value.as_integer_ratio()
    f = 10**e
    assert f % d == 0
    return n * (f // d)


def _to_scaled(x: Decimal, factor: int) -> int | None:
    """``x × factor`` when that is an integer (``factor`` a power of ten), else ``None``."""
    n, d = x.as_integer_ratio()
    if factor % d:
        return None
    return n * (factor // d)


_MEMO_LIMIT = 100_000


class _Memo(dict):
    """Input value -> result of ``fn`` (computed once per distinct value; bounded). A ``_BAD``
    result is not remembered but counted in :attr:`bad` (which only grows), so a caller
    comparing it before and after can tell whether any value it looked up was bad without
    scanning the column — also when another thread uses the same memo meanwhile."""

    __slots__ = ("fn", "bad")

    def __init__(self, fn: Callable | None):
        super().__init__()
        self.fn = fn
        self.bad = 0

    def __missing__(self, x):
        v = self.fn(x)
        if v is _BAD:
            self.bad += 1
            return v
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        self[x] = v
        return v


class _DecimalCache(dict):
    """Scaled int -> Decimal of its value (trailing zeros dropped down to an integer)."""

    __slots__ = ("e",)

    def __init__(self, e: int):
        super().__init__()
        self.e = e

    def __missing__(self, v: int) -> Decimal:
        e = self.e
        m = v
        while e and m % 10 == 0:
            m //= 10
            e -= 1
        d = Decimal(f"{m}E-{e}") if e else Decimal(m)
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        self[v] = d
        return d


_DECIMALS: dict[int, _DecimalCache] = {}

Column = list
Cols = Callable[[str], Column]  # input key -> its column (extracted once)
Leaf = Callable[[Sequence[Mapping[str, object]], Cols, Sequence[str]], Column]
Combine = Callable[[list[Column], Cols, Sequence[str]], Column]


class _Unsupported(Exception):
    pass


class FixedLevel:
    """The indicators and score of one level (monthly or annual) of a scheme, in scaled integers.

    Each term is a *leaf*: a column computed from one input column through a memo (input value
    -> contribution; ``_BAD`` for a value the path does not take: a rate with more decimals, a
    count ≥ ``COUNT_LIMIT``) — or, for ``floor``, from the input and the unit kinds.
    Indicators, bonus and penalty *combine* leaf columns. :meth:`calc` evaluates filled
    unit-months (complete, volume > 0), :meth:`calc_annual` filled annual values, column by
    column.
    """

    def __init__(self, scheme, level: str) -> None:
        if level == "monthly":
            indicators = scheme.monthly_indicators
            ms = scheme.monthly_score
            inputs = scheme.monthly_inputs
        else:
            indicators = scheme.annual_indicators
            ms = scheme.annual_score
            inputs = scheme.annual_inputs
        if not indicators:
            raise _Unsupported("no indicators")
        params: list[Decimal] = []
        rate_refs: list[Decimal] = []
        terms = [t for ind in indicators for t in ind.terms]
        adjustments = [a for a in ((ms.bonus, ms.penalty) if ms else ()) if a is not None]
        for a in adjustments:
            terms.extend(a.terms)
            if a.cap is not None:
                params.append(a.cap)
        if len(terms) > _MAX_TERMS:
            raise _Unsupported("too many terms")
        kinds_of = {i.key: i.kind for i in inputs}
        for t in terms:
            p = t.params
            if t.type not in ("shortfall", "excess", "count", "flag", "choice", "floor"):
                raise _Unsupported(t.type)
            if p.get("points") is not None:
                params.append(abs(p["points"]))
            if p.get("cap") is not None:
                params.append(p["cap"])
            if t.type == "shortfall":
                rate_refs.append(p["target"])
            elif t.type == "excess":
                rate_refs.append(p["threshold"])
            elif t.type == "choice":
                params.extend(p["table"].values())
            elif t.type == "floor":
                per = p["per"]
                for v in per.values() if isinstance(per, Mapping) else (per,):
                    if int(v) >= _PARAM_LIMIT:
                        raise _Unsupported("floor divisor")
        for ind in indicators:
            params.extend((ind.start, ind.max))
            params.extend(ind.fixed_by_kind.values())
        if ms is not None:
            params.extend(v for v in (ms.min, ms.max) if v is not None)
        for v in params + rate_refs:
            if not v.is_finite() or abs(v) >= _PARAM_LIMIT or _decimals(v) is None:
                raise _Unsupported("parameter")
        r = max([_MIN_RATE_DECIMALS] + [_decimals(v) for v in rate_refs])
        e = r + max([0] + [_decimals(v) for v in params])
        if e > _MAX_SCALE:
            raise _Unsupported("scale")
        self.r, self.e = r, e
        dec = _DECIMALS.get(e)
        if dec is None:
            dec = _DECIMALS[e] = _DecimalCache(e)
        self._dec = dec
        unit = 10 ** (e - 2)
        half = unit // 2
        # half-up to cents (ties away from zero)
        self._cents = _Memo(lambda s: (s + half) // unit if s >= 0 else -((half - s) // unit))

        used: list[str] = []
        for t in terms:
            if t.input not in used:
                used.append(t.input)
        for ind in indicators:
            if ind.full_when_zero and ind.full_when_zero not in used:
                used.append(ind.full_when_zero)
        if any(kinds_of.get(k) not in ("rate", "count", "boolean", "choice") for k in used):
            raise _Unsupported("input kind")
        self._leaves: list[Leaf] = []
        self._memos: list[_Memo] = []  # per leaf: its memo (whose flag tells of bad values)
        self._indicators = tuple(self._indicator(ind) for ind in indicators)
        self._bonus = self._adjustment(ms.bonus) if ms and ms.bonus else None
        self._penalty = self._adjustment(ms.penalty) if ms and ms.penalty else None
        self._low = _scaled(ms.min, e) if ms and ms.min is not None else None
        self._high = _scaled(ms.max, e) if ms and ms.max is not None else None
        self._scored = ms is not None
        # category subtotals (annual level): positions of their indicators; a category naming an
        # indicator of another level has no subtotal, as in Scheme.subtotals
        keys = [ind.key for ind in indicators]
        self._categories = tuple(
            (c.key, tuple(keys.index(k) for k in c.indicators))
            for c in scheme.categories
            if c.level == level and all(k in keys for k in c.indicators)
        )

    # ------------------------------------------------------------------ compiling

    def _leaf(self, t, fn: Callable | None) -> int:
        """Register the leaf of term ``t``: ``fn`` (input value -> int) through a memo, or (for
        ``floor``, ``fn`` None) the signed floor contributions. Returns its index."""
        if fn is not None:
            memo = _Memo(fn)
            get = memo.__getitem__
            pick = itemgetter(t.input)
            self._leaves.append(lambda rows, cols, kinds: list(map(get, map(pick, rows))))
        else:
            memo = _Memo(None)  # only its flag is used
            self._leaves.append(self._floor(t, memo))
        self._memos.append(memo)
        return len(self._leaves) - 1

    def _term_fn(self, t, signed: bool) -> Callable | None:
        """Input value -> the term's contribution scaled by 10**E, as rules.compile_term computes
        it (``signed`` false: its size, capped, before the sign); ``None`` for ``floor``."""
        e, r = self.e, self.r
        p = t.params
        points = p.get("points")
        neg = signed and points is not None and points < 0
        cap = _scaled(p["cap"], e) if p.get("cap") is not None else None
        type_ = t.type
        if type_ in ("shortfall", "excess"):
            below = type_ == "shortfall"
            ref = _scaled(p["target"] if below else p["threshold"], r)
            k = _scaled(abs(points), e - r)  # d (scale R) × k (scale E − R) -> scale E
            factor = 10**r

            def rate_fn(x):
                if x is None:  # a rate left out contributes 0
                    return 0
                xs = _to_scaled(x, factor)
                if xs is None:
                    return _BAD
                d = ref - xs if below else xs - ref
                if d <= 0:
                    return 0
                v = d * k
                if cap is not None and v > cap:
                    v = cap
                return -v if neg else v

            return rate_fn
        if type_ == "count":
            size = _scaled(abs(points), e)

            def count_fn(n):
                if n >= COUNT_LIMIT:
                    return _BAD
                v = n * size
                if cap is not None and v > cap:
                    v = cap
                return -v if neg else v

            return count_fn
        if type_ == "flag":
            size = _scaled(abs(points), e)
            v = cap if cap is not None and size > cap else size
            v = -v if neg else v
            return lambda b: v if b else 0
        if type_ == "choice":
            table = {k: _scaled(v, e) for k, v in p["table"].items()}
            return table.__getitem__
        if type_ == "floor":
            return None
        raise _Unsupported(type_)

    def _floor(self, t, flag: _Memo) -> Leaf:
        e = self.e
        p = t.params
        key = t.input
        points = p["points"]
        neg = points < 0
        size = _scaled(abs(points), e)
        cap = _scaled(p["cap"], e) if p.get("cap") is not None else None
        per = p["per"]
        by_kind = {k: int(v) for k, v in per.items()} if isinstance(per, Mapping) else None
        fixed = int(per) if by_kind is None else None

        def floor_col(rows, cols, kinds):
            ns = cols(key)
            if max(ns) >= COUNT_LIMIT:
                flag.bad += 1
                return [_BAD if n >= COUNT_LIMIT else 0 for n in ns]
            if by_kind is not None:
                vs = [n // by_kind[kind] * size for n, kind in zip(ns, kinds, strict=True)]
            else:
                vs = [n // fixed * size for n in ns]
            if cap is not None:
                vs = [cap if v > cap else v for v in vs]
            return [-v for v in vs] if neg else vs

        return floor_col

    def _indicator(self, ind) -> Combine:
        """clamp(start + Σ terms, 0, max) with the by-kind / zero overrides, as scheme._indicator_fn."""
        e = self.e
        start = _scaled(ind.start, e)
        mx = _scaled(ind.max, e)
        fixed = {k: _scaled(v, e) for k, v in ind.fixed_by_kind.items()}
        fwz = ind.full_when_zero
        terms = ind.terms
        if len(terms) == 1 and not fixed and fwz is None and terms[0].type != "floor":
            # one input: the indicator itself is memoised per input value
            f = self._term_fn(terms[0], signed=True)

            def one(x):
                v = f(x)
                if v is _BAD:
                    return _BAD
                s = start + v
                return 0 if s < 0 else (mx if s > mx else s)

            i = self._leaf(terms[0], one)
            return lambda leaves, cols, kinds: leaves[i]
        if (
            not fixed and fwz is None and start == mx and len(terms) in (2, 3)
            and all(t.type not in ("choice", "floor") and t.params["points"] < 0 for t in terms)
        ):
            # max − Σ deductions (each ≥ 0): only the lower bound can be reached
            idx = [self._leaf(t, self._term_fn(t, signed=False)) for t in terms]
            if len(idx) == 2:
                ia, ib = idx
                return lambda leaves, cols, kinds: [
                    s if (s := mx - a - b) > 0 else 0 for a, b in zip(leaves[ia], leaves[ib], strict=True)
                ]
            ia, ib, ic = idx
            return lambda leaves, cols, kinds: [
                s if (s := mx - a - b - c) > 0 else 0
                for a, b, c in zip(leaves[ia], leaves[ib], leaves[ic], strict=True)
            ]
        idx = [self._leaf(t, self._term_fn(t, signed=True)) for t in terms]

        def indicator_col(leaves, cols, kinds):
            tcols = [leaves[i] for i in idx]
            if len(tcols) == 1:
                sums = [start + a for a in tcols[0]]
            elif len(tcols) == 2:
                sums = [start + a + b for a, b in zip(tcols[0], tcols[1], strict=True)]
            else:
                sums = [start + s for s in map(sum, zip(*tcols, strict=True))]
            out = [0 if s < 0 else (mx if s > mx else s) for s in sums]
            if fwz is not None:
                out = [mx if not z else v for v, z in zip(out, cols(fwz), strict=True)]
            if fixed:
                out = [fixed.get(kind, v) for v, kind in zip(out, kinds, strict=True)]
            return out

        return indicator_col

    def _adjustment(self, adj) -> Combine:
        """Σ terms capped at ``cap``, as scheme._adjustment_fn."""
        cap = _scaled(adj.cap, self.e) if adj.cap is not None else None
        idx = [self._leaf(t, self._term_fn(t, signed=True)) for t in adj.terms]
        if cap is not None and len(idx) == 2:
            ia, ib = idx
            return lambda leaves, cols, kinds: [
                cap if (v := a + b) > cap else v for a, b in zip(leaves[ia], leaves[ib], strict=True)
            ]
        if cap is not None and len(idx) == 3:
            ia, ib, ic = idx
            return lambda leaves, cols, kinds: [
                cap if (v := a + b + c) > cap else v
                for a, b, c in zip(leaves[ia], leaves[ib], leaves[ic], strict=True)
            ]

        def adjustment_col(leaves, cols, kinds):
            tcols = [leaves[i] for i in idx]
            totals = tcols[0] if len(tcols) == 1 else list(map(sum, zip(*tcols, strict=True)))
            if cap is None:
                return totals
            return [cap if t > cap else t for t in totals]

        return adjustment_col

    # ------------------------------------------------------------------ evaluating

    def _evaluate(self, rows: Sequence[Mapping[str, object]], kinds: Sequence[str]):
        """``(bad rows, None)`` when some rows cannot be taken, else ``(None, (indicator columns,
        bases, bonuses or None, penalties or None, scores))``, all scaled ints."""
        raw: dict[str, list] = {}

        def cols(key: str) -> list:
            col = raw.get(key)
            if col is None:
                col = raw[key] = list(map(itemgetter(key), rows))
            return col

        memos = self._memos
        before = [memo.bad for memo in memos]
        leaves = [leaf(rows, cols, kinds) for leaf in self._leaves]
        bad: set[int] | None = None
        for memo, seen, col in zip(memos, before, leaves, strict=True):
            if memo.bad != seen:
                bad = bad or set()
                bad.update(i for i, v in enumerate(col) if v is _BAD)
        if bad:
            return bad, None
        ind_cols = [f(leaves, cols, kinds) for f in self._indicators]
        base = ind_cols[0] if len(ind_cols) == 1 else list(map(sum, zip(*ind_cols, strict=True)))
        bonus = self._bonus(leaves, cols, kinds) if self._bonus is not None else None
        penalty = self._penalty(leaves, cols, kinds) if self._penalty is not None else None
        if bonus is not None and penalty is not None:
            scores = [b + x - y for b, x, y in zip(base, bonus, penalty, strict=True)]
        elif bonus is not None:
            scores = [b + x for b, x in zip(base, bonus, strict=True)]
        elif penalty is not None:
            scores = [b - y for b, y in zip(base, penalty, strict=True)]
        else:
            scores = base
        low, high = self._low, self._high
        if low is not None and high is not None:
            scores = [low if s < low else (high if s > high else s) for s in scores]
        elif low is not None:
            scores = [low if s < low else s for s in scores]
        elif high is not None:
            scores = [high if s > high else s for s in scores]
        return None, (ind_cols, base, bonus, penalty, scores)

    @staticmethod
    def _split(n: int, bad: set[int], rows, kinds, again: Callable) -> list:
        """Results of ``again`` on the rows not in ``bad``, ``None`` for those in it."""
        good = [i for i in range(n) if i not in bad]
        sub = again([rows[i] for i in good], [kinds[i] for i in good]) if good else []
        out: list = [None] * n
        for i, res in zip(good, sub, strict=True):
            out[i] = res
        return out

    def calc(self, rows: Sequence[Mapping[str, object]], kinds: Sequence[str], make: Callable) -> list:
        """Evaluate complete unit-months with volume > 0. Returns one entry per row: what
        ``make(scores, cents, indicators, bases, bonuses, penalties)`` returns for the rows it
        can take (``make`` gets iterables over those rows and returns a list), ``None`` for the
        others (they must go to the Decimal path). Scores are Decimals, cents the scores rounded
        half-up to 2 decimals as ints (× 100); indicators (a tuple per row), bases, bonuses and
        penalties are scaled ints, turned into Decimals by :attr:`decimal` when shown."""
        n = len(rows)
        if not n:
            return []
        bad, res = self._evaluate(rows, kinds)
        if bad:
            return self._split(n, bad, rows, kinds, lambda r, k: self.calc(r, k, make))
        ind_cols, base, bonus, penalty, scores = res
        return make(
            map(self._dec.__getitem__, scores), list(map(self._cents.__getitem__, scores)),
            zip(*ind_cols, strict=True), base, bonus if bonus is not None else repeat(0),
            penalty if penalty is not None else repeat(0),
        )

    def calc_annual(self, rows: Sequence[Mapping[str, object]], kinds: Sequence[str]) -> list:
        """Evaluate filled annual values (no manual score in the scheme's annual rules). Per row
        ``(indicators, score, bonus, penalty, category subtotals)`` as Decimals (indicators and
        subtotals as tuples in the scheme's order; score, bonus and penalty ``None`` when the
        level has no score), or ``None`` for a row that must go to the Decimal path."""
        n = len(rows)
        if not n:
            return []
        bad, res = self._evaluate(rows, kinds)
        if bad:
            return self._split(n, bad, rows, kinds, self.calc_annual)
        ind_cols, _base, bonus, penalty, scores = res
        dec = self._dec.__getitem__
        subtotals = [
            list(map(sum, zip(*(ind_cols[i] for i in idx), strict=True))) if idx else [0] * n
            for _key, idx in self._categories
        ]
        if self._scored:
            scores_d = map(dec, scores)
            bonus_d = map(dec, bonus) if bonus is not None else repeat(dec(0))
            penalty_d = map(dec, penalty) if penalty is not None else repeat(dec(0))
        else:
            scores_d = bonus_d = penalty_d = repeat(None)
        subtotals_d = zip(*[map(dec, c) for c in subtotals], strict=True) if subtotals else repeat(())
        return list(zip(
            zip(*[map(dec, c) for c in ind_cols], strict=True), scores_d, bonus_d, penalty_d, subtotals_d,
            strict=False,  # some are endless repeats
        ))

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _idx in self._categories)

    @property
    def decimal(self) -> Callable[[int], Decimal]:
        """Scaled int -> its Decimal value."""
        return self._dec.__getitem__


def compile_fixed(scheme, level: str = "monthly") -> FixedLevel | None:
    """The fixed-point calculation of a scheme's ``monthly`` or ``annual`` rules, or ``None``
    when they use something it does not handle (then the Decimal closures do everything)."""
    slot = f"_fixed_{level}"
    cached = scheme.__dict__.get(slot, False)
    if cached is not False:
        return cached
    try:
        fixed = FixedLevel(scheme, level)
    except _Unsupported:
        fixed = None
    scheme.__dict__[slot] = fixed
    return fixed
