"""The scoring engine: pure Python, exact arithmetic, incremental recomputation.

Figures are exact: Decimal closures compiled from the scheme's rules, or — where it is exact,
which is nearly always — the same rules evaluated in scaled integers, column by column
(:mod:`fixed`); both give equal values. Results expose Decimals.

Two shapes of scheme are scored:

* **annual** (``licheng-2020``): the months' figures are summed (rates volume-weighted) and
  scored once for the year; ``share`` indicators depend on Σ volume of the ranking group.
* **monthly** (Ganxian): every unit-month is scored; months without work orders take the
  month's average; monthly ranks; the total combines the monthly mean (and the annual basic
  score) or is vetoed.

Edits recompute only what depends on them and report which units to refresh: those whose
visible figures changed and those whose entered values changed.
The incremental path computes every figure with the same functions as a full recompute, so
both always agree exactly:

* a unit-month's calculation depends only on its values and the unit's kind; it is redone only
  when those change (in a batch, column by column);
* a month's mean comes from the exact (unrounded, never-rounding) sum of its scores, kept up to
  date by adding and subtracting — exact, so the order of the edits does not matter;
* monthly and annual ranks live in sorted lists (:class:`_Ranking`); moving one figure re-ranks
  only the units whose rank or 并列 flag can change (those between its old and new place);
* result objects (``MonthResult``, ``UnitResult``) are rebuilt only for units whose figures,
  ranks or months changed; everything else is shared with the previous result. A unit whose
  figures are unchanged but whose monthly rank / 并列 flag (or month's average) or annual rank
  moved gets copies of its previous objects with just those fields swapped: the indicator
  mappings and Decimals are the very same objects.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, localcontext
from functools import wraps
from itertools import compress, groupby, repeat
from operator import itemgetter, setitem
from types import MappingProxyType
from typing import NamedTuple

from hotline_desktop.core.scoring.errors import InputProblem, InputValueError, ScoringInputError
from hotline_desktop.core.scoring.fixed import compile_fixed
from hotline_desktop.core.scoring.numbers import CENT, CONTEXT, HUNDRED, ZERO, round2
from hotline_desktop.core.scoring.results import (
    INCOMPLETE,
    NO_PERIOD,
    RANKED,
    UNRANKED,
    MonthResult,
    ScoringResult,
    UnitRef,
    UnitResult,
)
from hotline_desktop.core.scoring.scheme import UNIT_KIND_LABELS, Scheme

__all__ = ["ScoringEngine", "MONTH_RE"]

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_EMPTY: Mapping = MappingProxyType({})
_MISSING = "__missing__"  # key, in a filled unit-month, of the required rates it lacks

#: Sums of scores are exact (no rounding at any size), so a running sum updated edit by edit
#: always equals the sum recomputed from scratch.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_UP)

# month calc states
_SCORED = "scored"
_ZERO = "zero"  # no work orders: scored with the month's average
_INCOMPLETE = "incomplete"

# input kinds with an inline fast path when parsing (same checks as InputDef.parse)
_K_COUNT = 1
_K_RATE = 2
_K_OTHER = 3

#: Unit-month calculations in scaled integers where exact (see :mod:`fixed`); tests switch it off
#: to compare with the Decimal closures.
_USE_FIXED = True

_new = tuple.__new__  # builds a NamedTuple instance without its Python-level __new__
_NO_RANK = (None, False)


class _MonthCalc(NamedTuple):
    status: str
    score: Decimal | None
    rounded: int | None  # the score rounded half-up to 2 decimals, in cents (for the monthly ranks)
    # scored: the indicator values in the scheme's order (a mapping is built when shown);
    # incomplete: read-only mapping of the indicators that could be computed
    indicators: tuple[Decimal, ...] | tuple[int, ...] | Mapping[str, Decimal]
    base: Decimal | int | None
    bonus: Decimal | int | None
    penalty: Decimal | int | None
    missing: tuple[str, ...]
    # None: the figures are Decimals; else indicators, base, bonus and penalty are scaled ints
    # (fixed-point path) and this turns one into its Decimal value when shown
    decimal: Callable[[int], Decimal] | None = None


_ZERO_CALC = _MonthCalc(_ZERO, None, None, _EMPTY, None, None, None, ())


class _AnnualCalc(NamedTuple):
    indicators: Mapping[str, Decimal]  # read-only view
    missing: tuple[str, ...]
    score: Decimal | None
    bonus: Decimal | None
    penalty: Decimal | None
    veto: str | None
    categories: Mapping[str, Decimal]  # read-only view of the category subtotals


class _MonthState:
    """Per period month: exact sum and count of the scored unit-months, their mean, the units
    scored with the mean (no work orders) and the month's ranking."""

    __slots__ = ("sum", "count", "zero", "ranking")

    def __init__(self, total: Decimal, count: int, zero: set[str], ranking: _Ranking | None):
        self.sum = total
        self.count = count
        self.zero = zero
        self.ranking = ranking


class _Unit:
    __slots__ = (
        "ref", "group", "mkeys", "mvals", "mcalc", "months_view", "agiven", "avals", "agg",
        "agg_missing", "acalc", "total", "rounded", "status", "missing", "monthly_average", "rank", "tied",
        "result",
    )

    def __init__(self, ref: UnitRef, group: str):
        self.ref = ref
        self.group = group
        # per month with a record: the keys entered (values never None) and all values filled
        # in (see _fill_month); the entered values are {k: mvals[m][k] for k in mkeys[m]}
        self.mkeys: dict[str, tuple[str, ...]] = {}
        self.mvals: dict[str, dict[str, object]] = {}
        self.mcalc: dict[str, _MonthCalc] = {}
        self.months_view: Mapping[str, MonthResult] = _EMPTY
        self.agiven: dict[str, object] = {}
        self.avals: dict[str, object] = {}
        self.agg: dict[str, object] = {}
        self.agg_missing: tuple[str, ...] = ()
        self.acalc: _AnnualCalc | None = None
        self.total: Decimal | None = None
        self.rounded: Decimal | None = None
        self.status = INCOMPLETE
        self.missing: tuple[str, ...] = ()
        self.monthly_average: Decimal | None = None
        self.rank: int | None = None
        self.tied = False
        self.result: UnitResult | None = None


class _MonthsView(Mapping):
    """``UnitResult.months``: a read-only mapping month → :class:`MonthResult` over the period.

    It holds an immutable snapshot (the unit-month calculations, and per month the rank and
    tie flag or the month's average) and builds each ``MonthResult`` on first access, so a
    recompute does not create 12,000 result objects nobody reads; two views compare equal
    when their snapshots do (cheap: mostly identity checks).
    """

    __slots__ = ("_period", "_index", "_calcs", "_aux", "_keys", "_built")

    def __init__(self, period: tuple[str, ...], index: Mapping[str, int], calcs: tuple, aux: tuple,
                 keys: tuple[str, ...]):
        self._period = period
        self._index = index  # month -> position in the period (shared by all views of a period)
        self._calcs = calcs  # _MonthCalc or None (no record) per period month
        self._aux = aux  # (rank, tied) for a scored month, the month's average for a zero month
        self._keys = keys  # monthly indicator keys
        self._built: list | None = None

    def __getitem__(self, month: str) -> MonthResult:
        i = self._index[month]
        built = self._built
        if built is None:
            built = self._built = [None] * len(self._period)
        r = built[i]
        if r is None:
            r = built[i] = _month_result(month, self._calcs[i], self._aux[i], self._keys)
        return r

    def _adopt(self, prev: _MonthsView) -> None:
        """Take over the ``MonthResult`` objects ``prev`` (an older view of the same unit) has
        built for months whose calculation is the very same object: shared as they are when the
        month's rank / average is unchanged, else copied with the new rank and 并列 flag (or
        rebuilt, for an averaged month: no indicators). Nothing is converted to Decimals again."""
        pbuilt = prev._built
        if pbuilt is None or prev._period != self._period:
            return
        calcs, aux, pcalcs, paux = self._calcs, self._aux, prev._calcs, prev._aux
        built = [None] * len(calcs)
        for i, r in enumerate(pbuilt):
            if r is not None and calcs[i] is pcalcs[i]:
                a = aux[i]
                built[i] = r if a == paux[i] else _rerank(r, calcs[i], a, self._keys)
        self._built = built

    def _with_aux(self, i: int, aux) -> _MonthsView:
        """A new view with the same calculations and a new rank / average (``aux``) at position
        ``i`` of the period (what it had built is taken over as in :meth:`_adopt`)."""
        old = self._aux
        view = _MonthsView(self._period, self._index, self._calcs, (*old[:i], aux, *old[i + 1:]), self._keys)
        built = self._built
        if built is not None:
            built = view._built = built.copy()
            r = built[i]
            if r is not None:
                built[i] = _rerank(r, self._calcs[i], aux, self._keys)
        return view

    def get(self, month, default=None):
        if month in self._index:
            return self[month]
        return default

    def __contains__(self, month) -> bool:
        return month in self._index

    def __iter__(self):
        return iter(self._period)

    def __len__(self) -> int:
        return len(self._period)

    def __eq__(self, other):
        if type(other) is _MonthsView:
            return self._period == other._period and self._calcs == other._calcs and self._aux == other._aux
        if isinstance(other, Mapping):
            return len(other) == len(self._period) and dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{{{', '.join(f'{m!r}: {self[m]!r}' for m in self._period)}}}"


def _rerank(r: MonthResult, c: _MonthCalc | None, aux, keys: tuple[str, ...]) -> MonthResult:
    """``r`` (built from the calculation ``c``) with a new rank and 并列 flag or month's average:
    a scored month keeps its figures and indicator mapping (the very objects)."""
    if c is not None and c[0] is _SCORED:
        rank, tied = aux
        return _new(MonthResult, (r[0], r[1], r[2], rank, tied, r[5], r[6], r[7], r[8], r[9]))
    return _month_result(r[0], c, aux, keys)


def _month_result(month: str, c: _MonthCalc | None, aux, keys: tuple[str, ...]) -> MonthResult:
    if c is None:
        return _new(MonthResult, (month, "missing", None, None, False, _EMPTY, None, None, None, ()))
    status = c[0]
    if status is _SCORED:
        rank, tied = aux
        dec = c[8]
        if dec is None:
            indicators = MappingProxyType(dict(zip(keys, c[3], strict=True)))
            return _new(MonthResult, (month, "scored", c[1], rank, tied, indicators, c[4], c[5], c[6], ()))
        indicators = MappingProxyType(dict(zip(keys, map(dec, c[3]), strict=True)))
        return _new(MonthResult, (month, "scored", c[1], rank, tied, indicators, dec(c[4]), dec(c[5]), dec(c[6]), ()))
    if status is _ZERO:
        return _new(MonthResult, (month, "averaged", aux, None, False, _EMPTY, None, None, None, ()))
    return _new(MonthResult, (month, "incomplete", None, None, False, c[3], None, None, None, c[7]))


class _Numbering(dict):
    """key -> 0, 1, 2 … in order of first look-up."""

    __slots__ = ()

    def __missing__(self, key):
        n = self[key] = len(self)
        return n


_first = itemgetter(0)
_second = itemgetter(1)


class _Ranking:
    """Competition ranking on rounded figures, highest first; ties share a rank (1, 2, 2, 4).

    ``keys`` is sorted ascending on ``(−rounded, code)``: best first, ties listed by code.
    ``ranks`` maps code → ``(rank, tied)``. :meth:`update` moves figures and re-ranks only the
    slice of units whose rank or tie flag can have changed.
    """

    __slots__ = ("keys", "key_of", "ranks")

    def __init__(self, items: list[tuple[str, Decimal]]):
        """``items``: ``(code, rounded)`` in code order."""
        keys = [(-value, code) for code, value in items]
        keys.sort(key=_first)  # stable: equal figures stay in code order
        self.keys = keys
        codes = list(map(_second, keys))
        self.key_of = dict(zip(codes, keys, strict=True))
        # one entry per distinct figure (best first): its rank and whether it is shared
        figures = list(map(_first, keys))
        entries = {}
        position = 1
        for value, n in Counter(figures).items():  # in order of first appearance: sorted
            entries[value] = (position, n > 1)
            position += n
        self.ranks: dict[str, tuple[int, bool]] = dict(zip(codes, map(entries.__getitem__, figures), strict=True))

    def get(self, code: str) -> tuple[int | None, bool]:
        return self.ranks.get(code, _NO_RANK)

    def update(self, changes: Iterable[tuple[str, Decimal | None]]) -> set[str]:
        """Apply ``(code, new rounded figure or None = not ranked)``; return the codes whose
        ``(rank, tied)`` changed (including units that left or joined the ranking)."""
        keys, key_of, ranks = self.keys, self.key_of, self.ranks
        changed: set[str] = set()
        lo = hi = None
        unbounded = False
        for code, value in changes:
            old = key_of.get(code)
            new = None if value is None else (-value, code)
            if old == new:
                continue
            if old is not None:
                del keys[bisect_left(keys, old)]
                del key_of[code]
                if new is None:
                    del ranks[code]
                    changed.add(code)
            if new is not None:
                insort(keys, new)
                key_of[code] = new  # its rank is set (and compared with the old one) below
            # ranks that can change: figures between the old and new place (inclusive, for the
            # tie flags); a unit joining or leaving shifts everyone below it
            if old is None or new is None:
                top = (old if new is None else new)[0]
                lo = top if lo is None or top < lo else lo
                unbounded = True
            else:
                a, b = (old[0], new[0]) if old[0] < new[0] else (new[0], old[0])
                lo = a if lo is None or a < lo else lo
                hi = b if hi is None or b > hi else hi
        if lo is None:
            return changed
        if unbounded:
            hi = None
        n = len(keys)
        i = bisect_left(keys, (lo,))  # first figure ≤ the highest affected one: a run starts here
        while i < n:
            value = keys[i][0]
            if hi is not None and value > hi:
                break
            j = i + 1
            while j < n and keys[j][0] == value:
                j += 1
            entry = (i + 1, j - i > 1)
            for k in range(i, j):
                code = keys[k][1]
                if ranks.get(code) != entry:
                    ranks[code] = entry
                    changed.add(code)
            i = j
        return changed


#: Rate values (Decimals) known to be finite and within [0, 100]: a typed rate equal to one of
#: them passes the bulk check without comparisons (bounded; shared by all engines).
_VALID_RATES: set[Decimal] = set()

_INT_ONLY = {int}
_TUPLE_ONLY = {tuple}
_DICT_ONLY = {dict}
_TWO_ONLY = {2}
_DECIMAL_ONLY = {Decimal}
_is_finite = Decimal.is_finite


def _tuple_getter(keys: list[str]):
    """``vals -> tuple of vals[k] for k in keys`` (itemgetter returns a bare value for one key)."""
    if len(keys) == 1:
        key = keys[0]
        return lambda vals: (vals[key],)
    return itemgetter(*keys)


def _without_gc(method):
    """Run ``method`` with the cyclic GC paused: it creates many small acyclic objects, and
    collection passes over them would only cost time."""

    @wraps(method)
    def run(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return method(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


class ScoringEngine:
    """Score one scheme over a set of units and a period.

    ``monthly`` maps ``(unit_code, "YYYY-MM")`` to ``{input_key: value}``; ``annual`` maps
    ``unit_code`` to ``{input_key: value}``. Values are raw (text, int, Decimal, float via
    ``str()``, bool) and parsed with each input's ``parse``; ``None`` means "not entered".
    ``months`` is the assessment period; when ``None`` it is the months present in the data.
    All bad input is reported at once in a :class:`ScoringInputError`; nothing is applied.
    """

    @_without_gc
    def __init__(
        self,
        scheme: Scheme,
        units: Iterable[UnitRef],
        months: Iterable[str] | None = None,
        monthly: Mapping[tuple[str, str], Mapping[str, object]] | None = None,
        annual: Mapping[str, Mapping[str, object]] | None = None,
        *,
        year: int | None = None,
    ):
        self._setup(scheme, units, months, year)
        problems: list[InputProblem] = []
        self._records: dict[str, int] = {}  # month -> number of units with a record for it
        monthly = monthly or {}
        if monthly and self._load_typed_monthly(monthly):
            monthly = {}
        mparsed, aparsed = self._parse_edits(monthly, annual or {}, problems, merge=False)
        if problems:
            raise ScoringInputError(problems)
        records = self._records
        units_ = self._units
        for (code, month), record in mparsed.items():
            if record is not None:
                st = units_[code]
                st.mkeys[month], st.mvals[month] = record
                records[month] = records.get(month, 0) + 1
        for code, values in aparsed.items():
            if values is not None:
                units_[code].agiven = values
        for st in units_.values():
            st.avals = self._fill_annual(st.agiven)
        self._order: list[str] = sorted(units_)
        self._result: ScoringResult | None = None
        self._results: dict[str, UnitResult] = {}
        self._mean: dict[str, Decimal | None] = {}
        self._mstate: dict[str, _MonthState] = {}
        self._granks: dict[str, _Ranking] = {}
        self._full_inner(recalc=True)

    @classmethod
    def check_units_and_months(
        cls, scheme: Scheme, units: Iterable[UnitRef], months: Iterable[str] | None = None, *,
        year: int | None = None,
    ) -> None:
        """Raise :class:`ScoringInputError` for bad units or months, as the constructor does,
        without scoring anything."""
        cls.__new__(cls)._setup(scheme, units, months, year)

    def _setup(self, scheme: Scheme, units, months, year) -> None:
        self.scheme = scheme
        self.year = year
        self._monthly_mode = scheme.has_monthly_scores
        self._prepare_scheme()
        problems: list[InputProblem] = []
        self._units: dict[str, _Unit] = {}
        for ref in units:
            p = self._check_unit_ref(ref)
            if p:
                problems.append(p)
            elif ref.code in self._units:
                problems.append(InputProblem(ref.code, None, None, ref.code, f"单位编码重复：{ref.code}"))
            else:
                self._units[ref.code] = _Unit(ref, scheme.group_of_kind(ref.kind))
        self._months_fixed = months is not None
        self._fixed_months: tuple[str, ...] = ()
        if months is not None:
            seen: list[str] = []
            for m in months:
                msg = self._month_format_problem(m)
                if msg:
                    problems.append(InputProblem(None, str(m), None, m, msg))
                elif m in seen:
                    problems.append(InputProblem(None, m, None, m, f"考核月份重复：{m}"))
                else:
                    seen.append(m)
            self._fixed_months = tuple(sorted(seen))
        if problems:
            raise ScoringInputError(problems)

    # ------------------------------------------------------------------ scheme preparation

    def _prepare_scheme(self) -> None:
        s = self.scheme
        self._mtemplate = {i.key: i.default for i in s.monthly_inputs}
        self._atemplate = {i.key: i.default for i in s.annual_inputs}
        self._mdefault_from = [(i.key, i.default_from) for i in s.monthly_inputs if i.default_from]
        self._adefault_from = [(i.key, i.default_from) for i in s.annual_inputs if i.default_from]
        self._req_always = tuple(i.key for i in s.monthly_inputs if i.kind == "rate" and i.required)
        self._req_pos = tuple(
            (i.key, i.required_when_positive) for i in s.monthly_inputs if i.required_when_positive
        )
        # every input that can be required: when all of them were entered, nothing is missing
        self._req_all = frozenset(self._req_always) | {key for key, _cond in self._req_pos}
        self._mkind = {
            i.key: _K_COUNT if i.kind == "count" else _K_RATE if i.kind == "rate" else _K_OTHER
            for i in s.monthly_inputs
        }
        self._mparse = {i.key: i.parse for i in s.monthly_inputs}
        self._mtexts = {i.key: i.text_cache() for i in s.monthly_inputs}  # text -> parsed value
        self._month_problems: dict[str, str | None] = {}
        self._shapes: dict[tuple, tuple | bool] = {}  # keys of a unit-month -> getters for the row check
        self._volume = s.volume_input if s.zero_volume == "average" else None
        self._mind = s.monthly_indicators
        self._mind_fns = tuple(i.fn for i in self._mind)
        self._mind_keys = tuple(i.key for i in self._mind)
        self._mind_items = tuple(zip(self._mind_keys, self._mind_fns, strict=False))
        self._fixed = compile_fixed(s) if self._monthly_mode and _USE_FIXED else None
        self._aind_keys = tuple(i.key for i in s.annual_indicators)
        self._fixed_annual = (
            compile_fixed(s, "annual")
            if self._monthly_mode and _USE_FIXED and not any(i.aggregate for i in s.monthly_inputs)
            and not any(t.type in ("share", "manual") for i in s.annual_indicators for t in i.terms)
            else None
        )

        self._aind = s.annual_indicators
        self._share_keys = sorted(
            {(t.input, t.params["scope"]) for i in self._aind for t in i.terms if t.type == "share"}
        )
        ms = s.monthly_score
        self._m_bonus_fn = ms.bonus.fn if ms and ms.bonus else None
        self._m_penalty_fn = ms.penalty.fn if ms and ms.penalty else None
        self._m_low = ms.min if ms else None
        self._m_high = ms.max if ms else None
        self._aggregated = [i for i in s.monthly_inputs if i.aggregate]
        self._mcats = s.categories_for("monthly")
        self._veto_total = {v.key: v.total for v in s.vetoes}

    def _check_unit_ref(self, ref: UnitRef) -> InputProblem | None:
        if not isinstance(ref, UnitRef):
            return InputProblem(None, None, None, ref, f"不是承办单位：{ref!r}")
        if not isinstance(ref.code, str) or not ref.code.strip():
            return InputProblem(None, None, "code", ref.code, "单位编码不能为空")
        if ref.kind not in self.scheme.unit_kinds:
            kinds = "、".join(f"{k}（{UNIT_KIND_LABELS[k]}）" for k in self.scheme.unit_kinds)
            return InputProblem(ref.code, None, "kind", ref.kind, f"未知的单位类型：{ref.kind}（可选：{kinds}）")
        return None

    def _month_format_problem(self, month: object) -> str | None:
        if type(month) is str:
            cache = self._month_problems
            if month in cache:
                return cache[month]
            msg = cache[month] = self._month_format_problem_uncached(month)
            return msg
        return self._month_format_problem_uncached(month)

    def _month_format_problem_uncached(self, month: object) -> str | None:
        if not isinstance(month, str) or not MONTH_RE.match(month):
            return f"月份格式应为 YYYY-MM：{month}"
        if self.year is not None and int(month[:4]) != int(self.year):
            return f"月份不属于 {self.year} 年：{month}"
        return None

    def _fill_month(self, given: Mapping[str, object]) -> dict[str, object]:
        """Values of a unit-month with defaults filled in, and (under ``_MISSING``) the keys of
        the required rates it lacks (a rate is required always, or when its count is > 0)."""
        vals = {**self._mtemplate, **given}
        for key, src in self._mdefault_from:
            if given.get(key) is None:
                vals[key] = vals[src]
        if given.keys() >= self._req_all:  # entered values are never None
            vals[_MISSING] = ()
            return vals
        missing = [k for k in self._req_always if vals[k] is None]
        for key, cond in self._req_pos:
            if vals[key] is None and vals[cond]:
                missing.append(key)
        vals[_MISSING] = tuple(missing)
        return vals

    def _fill_annual(self, given: Mapping[str, object]) -> dict[str, object]:
        vals = dict(self._atemplate)
        vals.update(given)
        for key, src in self._adefault_from:
            if given.get(key) is None:
                vals[key] = vals[src]
        return vals

    # ------------------------------------------------------------------ parsing edits

    def _parse_row_fast(self, values: dict) -> tuple[str, ...] | None:
        """The keys of a unit-month's values when every one is already typed and within bounds
        (an int ≥ 0 for a count, a finite Decimal in [0, 100] for a rate: what ``InputDef.parse``
        returns unchanged), checked a row at a time; ``None`` sends the row to the per-value path."""
        keys = tuple(values)
        shape = self._shapes.get(keys)
        if shape is None:
            shape = self._row_shape(keys)
        if shape is False:
            return None
        counts, rates = shape
        if counts is not None:
            c = counts(values)
            if not _INT_ONLY.issuperset(map(type, c)) or min(c) < 0:
                return None
        if rates is not None:
            r = rates(values)
            if not _DECIMAL_ONLY.issuperset(map(type, r)) or not all(map(_is_finite, r)):
                return None
            if min(r) < ZERO or max(r) > HUNDRED:
                return None
        return keys

    def _load_typed_monthly(self, monthly: Mapping) -> bool:
        """Constructor fast path: when every unit-month is a plain dict of values already typed
        and within bounds (what ``InputDef.parse`` returns unchanged, as checked by
        :meth:`_parse_row_fast`), store them all, checked and filled column by column per set of
        keys, and return True. Otherwise store nothing and return False (the per-value path then
        parses everything and reports the problems)."""
        units = self._units
        pairs = list(monthly)
        rows = list(monthly.values())
        n = len(rows)
        if (
            not _TUPLE_ONLY.issuperset(map(type, pairs))
            or not _DICT_ONLY.issuperset(map(type, rows))
            or not _TWO_ONLY.issuperset(map(len, pairs))
            or self._parse_row_fast(rows[0]) is None  # e.g. texts: no need to look further
        ):
            return False
        codes = list(map(_first, pairs))
        months = list(map(_second, pairs))
        if not units.keys() >= set(codes):
            return False
        fixed = frozenset(self._fixed_months) if self._months_fixed else None
        for month in set(months):
            if self._month_format_problem(month) is not None or (fixed is not None and month not in fixed):
                return False
        # rows grouped by their keys (their "shape"); each group is checked column by column
        shape_of = list(map(tuple, rows))
        gid = _Numbering()
        ids = list(map(gid.__getitem__, shape_of))
        shapes = list(gid)
        if len(shapes) == 1:
            groups = [range(n)]
            ids = None
        else:
            groups = [list(compress(range(n), map(j.__eq__, ids))) for j in range(len(shapes))]
        mkind = self._mkind
        template = self._mtemplate
        valid_rates = _VALID_RATES
        extras = []
        for keys, idx in zip(shapes, groups, strict=True):
            if not keys:
                return False
            shape = self._shapes.get(keys)
            if shape is None:
                shape = self._row_shape(keys)
            if shape is False:
                return False
            group = list(map(rows.__getitem__, idx))
            columns = zip(*map(itemgetter(*keys), group), strict=True) if len(keys) > 1 else [
                [v[keys[0]] for v in group]
            ]
            for key, col in zip(keys, columns, strict=True):
                if mkind[key] == _K_COUNT:
                    if not _INT_ONLY.issuperset(map(type, col)) or min(col) < 0:
                        return False
                    continue
                if not _DECIMAL_ONLY.issuperset(map(type, col)):
                    return False
                try:
                    known = valid_rates.issuperset(col)
                except TypeError:  # a signalling NaN cannot be hashed
                    return False
                if known:
                    continue
                try:
                    if min(col) < ZERO or max(col) > HUNDRED:  # NaN raises; ±Infinity is outside
                        return False
                except ArithmeticError:
                    return False
                if len(valid_rates) > 100_000:
                    valid_rates.clear()
                valid_rates.update(col)
            # the filled values: the entered ones plus the defaults of the keys left out (the
            # order of the keys is not used)
            extra = {k: v for k, v in template.items() if k not in keys}
            extra[_MISSING] = ()
            extras.append(extra)
        if ids is None:
            filled = list(map(dict.__or__, rows, repeat(extras[0])))
        else:
            filled = list(map(dict.__or__, rows, map(extras.__getitem__, ids)))
        req_always, req_pos = self._req_always, self._req_pos
        for keys, idx in zip(shapes, groups, strict=True):
            group = list(map(filled.__getitem__, idx))
            for key, src in self._mdefault_from:
                if key not in keys:
                    list(map(setitem, group, repeat(key), map(itemgetter(src), group)))
            if not self._req_all.issubset(keys):
                for v in group:
                    missing = [k for k in req_always if v[k] is None]
                    for key, cond in req_pos:
                        if v[key] is None and v[cond]:
                            missing.append(key)
                    v[_MISSING] = tuple(missing)
        i = 0
        for code, run in groupby(codes):
            j = i + len(list(run))
            st = units[code]
            st.mkeys.update(zip(months[i:j], shape_of[i:j], strict=True))
            st.mvals.update(zip(months[i:j], filled[i:j], strict=True))
            i = j
        records = self._records
        for month, count in Counter(months).items():
            records[month] = records.get(month, 0) + count
        return True

    def _row_shape(self, keys: tuple) -> tuple | bool:
        mkind = self._mkind
        counts = [k for k in keys if mkind.get(k) == _K_COUNT]
        rates = [k for k in keys if mkind.get(k) == _K_RATE]
        shape = False
        if len(counts) + len(rates) == len(keys):
            shape = (_tuple_getter(counts) if counts else None, _tuple_getter(rates) if rates else None)
        if len(self._shapes) < 256:
            self._shapes[keys] = shape
        return shape

    def _parse_edits(self, monthly, annual, problems: list[InputProblem], *, merge: bool):
        """Validate edits; returns {(u, m): (entered keys, filled values) | None} and
        {u: new given dict}."""
        s = self.scheme
        mparse = self._mparse
        mkind = self._mkind
        units = self._units
        month_problem = self._month_format_problem
        fixed = frozenset(self._fixed_months) if self._months_fixed else None
        row_fast = self._parse_row_fast
        mtexts = self._mtexts
        fill = self._fill_month
        mout: dict[tuple[str, str], dict | None] = {}
        aout: dict[str, dict | None] = {}
        for pair, values in monthly.items():
            if not isinstance(pair, tuple) or len(pair) != 2:
                problems.append(InputProblem(None, None, None, pair, f"月度数据的键应为（单位, 月份）：{pair!r}"))
                continue
            code, month = pair
            ok = True
            if code not in units:
                problems.append(InputProblem(str(code), month, None, code, f"未知的单位：{code}"))
                ok = False
            msg = month_problem(month)
            if msg is None and fixed is not None and month not in fixed:
                msg = f"月份不在考核期内：{month}"
            if msg:
                problems.append(InputProblem(str(code), str(month), None, month, msg))
                ok = False
            if values is None:
                if ok:
                    mout[(code, month)] = None
                continue
            if type(values) is not dict and not isinstance(values, Mapping):
                problems.append(InputProblem(str(code), str(month), None, values, "月度数据应为“数据项: 值”的表"))
                continue
            base = self._given(units[code], month) if (ok and merge) else None
            if base is None and ok and type(values) is dict:
                keys = row_fast(values)
                if keys is not None:
                    mout[pair] = (keys, fill(values))
                    continue
            given = dict(base) if base is not None else {}
            for key, raw in values.items():
                # inline fast paths: exactly InputDef.parse's first two checks
                kind = mkind.get(key)
                t = type(raw)
                if kind == _K_COUNT:
                    if t is int and raw >= 0:
                        given[key] = raw
                        continue
                elif kind == _K_RATE:
                    if t is Decimal:
                        try:
                            inside = ZERO <= raw <= HUNDRED  # NaN raises; ±Infinity is outside
                        except ArithmeticError:
                            inside = False
                        if inside:
                            given[key] = raw
                            continue
                elif kind is None:
                    if not s.has_input(key):
                        msg = f"未知的数据项：{key}"
                    else:
                        msg = f"{s.input(key).label}（{key}）是年度数据项，不能按月填写"
                    problems.append(InputProblem(str(code), str(month), str(key), raw, msg))
                    continue
                if t is str:
                    value = mtexts[key].get(raw)  # what parse returns for this text, if seen
                    if value is not None:
                        given[key] = value
                        continue
                try:
                    value = mparse[key](raw)
                except InputValueError as exc:
                    problems.append(InputProblem(str(code), str(month), key, raw, exc.message_zh))
                    continue
                if value is None:
                    given.pop(key, None)
                else:
                    given[key] = value
            if ok:
                if merge and base is None and not given and all(v is None for v in values.values()):
                    continue  # clearing cells of a month that has no record: nothing to do
                mout[(code, month)] = (tuple(given), fill(given))
        for code, values in annual.items():
            if code not in units:
                problems.append(InputProblem(str(code), None, None, code, f"未知的单位：{code}"))
                continue
            if values is None:
                aout[code] = {}
                continue
            if not isinstance(values, Mapping):
                problems.append(InputProblem(str(code), None, None, values, "年度数据应为“数据项: 值”的表"))
                continue
            given = dict(units[code].agiven) if merge else {}
            for key, raw in values.items():
                if not s.has_input(key):
                    problems.append(InputProblem(str(code), None, str(key), raw, f"未知的数据项：{key}"))
                    continue
                inp = s.input(key)
                if inp.period != "annual":
                    problems.append(
                        InputProblem(str(code), None, key, raw, f"{inp.label}（{key}）是月度数据项，必须指定月份")
                    )
                    continue
                try:
                    value = inp.parse(raw)
                except InputValueError as exc:
                    problems.append(InputProblem(str(code), None, key, raw, exc.message_zh))
                    continue
                if value is None:
                    given.pop(key, None)
                else:
                    given[key] = value
            aout[code] = given
        return mout, aout

    # ------------------------------------------------------------------ public: reading

    def result(self) -> ScoringResult:
        """The current immutable result (cached until the next edit)."""
        if self._result is None:
            period = tuple(self._period)
            mean = self._mean
            averages = {m: mean[m] for m in period if mean.get(m) is not None}
            self._result = ScoringResult(
                scheme=self.scheme,
                months=period,
                dropped_months=tuple(self._dropped),
                month_averages=MappingProxyType(averages),
                units=MappingProxyType(self._results.copy()),
            )
        return self._result

    @property
    def units(self) -> tuple[UnitRef, ...]:
        return tuple(self._units[c].ref for c in self._order)

    @property
    def months(self) -> tuple[str, ...]:
        """All months of the period as given (or present in the data), dropped ones included."""
        return self._all_months()

    def monthly_values(self, unit: str, month: str) -> dict[str, object] | None:
        """The values entered for a unit-month (parsed), or ``None`` when it has no record."""
        return self._given(self._units[unit], month)

    @staticmethod
    def _given(st: _Unit, month: str) -> dict[str, object] | None:
        keys = st.mkeys.get(month)
        if keys is None:
            return None
        vals = st.mvals[month]
        return {k: vals[k] for k in keys}

    def annual_values(self, unit: str) -> dict[str, object]:
        return dict(self._units[unit].agiven)

    # ------------------------------------------------------------------ public: editing

    def set_monthly_value(self, unit: str, month: str, key: str, value: object) -> frozenset[str]:
        """Set (``None``: clear) one monthly cell; returns the codes to refresh (see :meth:`set_many`):
        those whose result changed, and ``unit`` when the cell's value changed."""
        return self.set_many(monthly={(unit, month): {key: value}})

    def set_annual_value(self, unit: str, key: str, value: object) -> frozenset[str]:
        return self.set_many(annual={unit: {key: value}})

    def remove_month(self, unit: str, month: str) -> frozenset[str]:
        """Delete a unit-month record (the month becomes missing for that unit)."""
        return self.set_many(monthly={(unit, month): None})

    @_without_gc
    def set_many(
        self,
        monthly: Mapping[tuple[str, str], Mapping[str, object] | None] | None = None,
        annual: Mapping[str, Mapping[str, object] | None] | None = None,
        *,
        replace: bool = False,
    ) -> frozenset[str]:
        """Apply many edits at once (a paste, an import): all or nothing.

        Values update the existing records (``None`` clears a cell); with ``replace=True`` the
        given dicts replace the records. A record given as ``None`` is removed (monthly) or
        cleared (annual). Raises :class:`ScoringInputError` listing every bad value.

        Returns the codes of the units to refresh: those whose result changed (figures, ranks,
        并列 flags, months) and every unit whose entered values changed, even when none of its
        figures did (e.g. a 办件量 edit that moves no score). Re-entering the values a record
        already holds changes nothing and reports nothing. The same holds for ``set_*`` and
        :meth:`remove_month`.
        """
        problems: list[InputProblem] = []
        mparsed, aparsed = self._parse_edits(monthly or {}, annual or {}, problems, merge=not replace)
        if problems:
            raise ScoringInputError(problems)
        mtouched: set[tuple[str, str]] = set()
        months_before = None if self._months_fixed else self._present_months()
        records = self._records
        for (code, month), record in mparsed.items():
            st = self._units[code]
            if record is None:
                if month in st.mkeys:
                    del st.mkeys[month]
                    del st.mvals[month]
                    records[month] -= 1
                    mtouched.add((code, month))
                continue
            keys, vals = record
            old = self._given(st, month)
            if old is None:
                records[month] = records.get(month, 0) + 1
            elif old == {k: vals[k] for k in keys}:
                continue
            st.mkeys[month], st.mvals[month] = record
            mtouched.add((code, month))
        atouched: set[str] = set()
        for code, given in aparsed.items():
            st = self._units[code]
            if st.agiven == given:
                continue
            st.agiven = given
            st.avals = self._fill_annual(given)
            atouched.add(code)
        if not mtouched and not atouched:
            return frozenset()
        self._result = None
        edited = {code for code, _month in mtouched}
        edited.update(atouched)
        if months_before is not None and self._present_months() != months_before:
            if self._monthly_mode:
                self._recalc_months(mtouched)
            return self._full_inner(recalc=False) | edited
        return self._update(mtouched, atouched) | edited

    @_without_gc
    def set_unit(self, ref: UnitRef) -> frozenset[str]:
        """Add a unit or change its name / kind (a full recompute)."""
        p = self._check_unit_ref(ref)
        if p:
            raise ScoringInputError([p])
        st = self._units.get(ref.code)
        if st is None:
            st = _Unit(ref, self.scheme.group_of_kind(ref.kind))
            st.avals = self._fill_annual(st.agiven)
            self._units[ref.code] = st
            self._order = sorted(self._units)
        else:
            if st.ref == ref:
                return frozenset()
            kind_changed = st.ref.kind != ref.kind
            st.ref = ref
            st.group = self.scheme.group_of_kind(ref.kind)
            if kind_changed and self._monthly_mode:
                self._recalc_months({(ref.code, m) for m in st.mvals})
        self._result = None
        return self._full_inner(recalc=False)

    @_without_gc
    def remove_unit(self, code: str) -> frozenset[str]:
        """Drop a unit and its data from the scoring (a full recompute)."""
        if code not in self._units:
            raise ScoringInputError([InputProblem(code, None, None, code, f"未知的单位：{code}")])
        for m in self._units[code].mkeys:
            self._records[m] -= 1
        del self._units[code]
        self._order = sorted(self._units)
        self._result = None
        return self._full_inner(recalc=False) | {code}

    @_without_gc
    def set_months(self, months: Iterable[str] | None) -> frozenset[str]:
        """Change the assessment period (``None``: the months present). Data outside it must not exist."""
        problems: list[InputProblem] = []
        new: list[str] = []
        if months is not None:
            for m in months:
                msg = self._month_format_problem(m)
                if msg:
                    problems.append(InputProblem(None, str(m), None, m, msg))
                elif m not in new:
                    new.append(m)
            for code in self._order:
                for m in self._units[code].mkeys:
                    if m not in new:
                        problems.append(InputProblem(code, m, None, m, f"该月已有数据，不能移出考核期：{m}"))
        if problems:
            raise ScoringInputError(problems)
        self._months_fixed = months is not None
        self._fixed_months = tuple(sorted(new))
        self._result = None
        return self._full_inner(recalc=False)

    @_without_gc
    def recompute(self) -> frozenset[str]:
        """Full recompute of everything from the entered values (what the incremental path
        must always equal); returns the codes whose figures changed."""
        self._result = None
        return self._full_inner(recalc=True)

    # ------------------------------------------------------------------ periods

    def _present_months(self) -> tuple[str, ...]:
        return tuple(sorted(m for m, n in self._records.items() if n))

    def _all_months(self) -> tuple[str, ...]:
        return self._fixed_months if self._months_fixed else self._present_months()

    # ------------------------------------------------------------------ monthly scoring

    def _calc_month(self, vals: dict[str, object], kind: str) -> _MonthCalc:
        return self._calc_months([vals], [kind])[0]

    def _calc_months(self, rows: list[dict[str, object]], kinds: list[str]) -> list[_MonthCalc]:
        """Score many unit-months at once, column by column (the same arithmetic for 1 or 12,000)."""
        out: list[_MonthCalc | None] = [None] * len(rows)
        volume = self._volume
        missings = list(map(itemgetter(_MISSING), rows))
        volumes = list(map(itemgetter(volume), rows)) if volume is not None else [1] * len(rows)
        # rows to score: complete with work orders; the others are handled one by one below
        if any(missings):
            todo = [i for i, (m, v) in enumerate(zip(missings, volumes, strict=True)) if v and not m]
        else:
            todo = list(compress(range(len(rows)), volumes))
        others = sorted(set(range(len(rows))).difference(todo)) if len(todo) < len(rows) else ()
        for i in others:
            vals = rows[i]
            missing = missings[i]
            if missing:
                gone = set(missing)
                kind = kinds[i]
                indicators = {
                    ind.key: ind.fn(vals, kind, None) for ind in self._mind if not (ind.inputs & gone)
                }
                out[i] = _MonthCalc(
                    _INCOMPLETE, None, None, MappingProxyType(indicators), None, None, None, missing
                )
            else:
                out[i] = _ZERO_CALC
        if not todo:
            return out
        if len(todo) == len(rows):
            brows, bkinds = rows, kinds
        else:
            brows = list(map(rows.__getitem__, todo))
            bkinds = list(map(kinds.__getitem__, todo))
        fixed = self._fixed
        if fixed is not None:
            # scaled-integer evaluation (equal values); rows it cannot take stay in ``rest``
            dec = fixed.decimal

            def make(scores, rounded, indicators, bases, bonuses, penalties):
                return list(map(_new, repeat(_MonthCalc), zip(
                    repeat(_SCORED), scores, rounded, indicators, bases, bonuses, penalties, repeat(()),
                    repeat(dec),
                )))

            calcs = fixed.calc(brows, bkinds, make)
            if None not in calcs:
                if len(todo) == len(out):
                    return calcs
                list(map(out.__setitem__, todo, calcs))
                return out
            rest = []
            for i, c in zip(todo, calcs, strict=True):
                if c is None:
                    rest.append(i)
                else:
                    out[i] = c
            todo = rest
            brows = [rows[i] for i in todo]
            bkinds = [kinds[i] for i in todo]
        columns = [ind.batch(brows, bkinds) for ind in self._mind]
        n = len(brows)
        zeros = [ZERO] * n
        bonuses = self._m_bonus_fn.batch(brows, bkinds) if self._m_bonus_fn else zeros
        penalties = self._m_penalty_fn.batch(brows, bkinds) if self._m_penalty_fn else zeros
        low, high = self._m_low, self._m_high
        quantize = Decimal.quantize
        new = _new
        calc = _MonthCalc
        for i, values, bonus, penalty in zip(todo, zip(*columns, strict=True), bonuses, penalties, strict=True):
            base = sum(values, ZERO)
            score = base + bonus - penalty
            if low is not None and score < low:
                score = low
            elif high is not None and score > high:
                score = high
            out[i] = new(calc, (
                _SCORED, score, int(quantize(score, CENT, ROUND_HALF_UP).scaleb(2)), values, base, bonus, penalty, (),
                None,
            ))
        return out

    def _recalc_months(self, touched: Iterable[tuple[str, str]]) -> list[tuple[str, str, _MonthCalc | None]]:
        """Redo the calculations of some unit-months; returns ``(code, month, old calc)`` for
        those whose calculation changed."""
        units = self._units
        rows, kinds, where = [], [], []
        gone = []
        for code, month in sorted(touched):
            st = units[code]
            vals = st.mvals.get(month)
            if vals is None:
                gone.append((code, month))
            else:
                rows.append(vals)
                kinds.append(st.ref.kind)
                where.append((code, month))
        changed = []
        for code, month in gone:
            old = units[code].mcalc.pop(month, None)
            if old is not None:
                changed.append((code, month, old))
        for (code, month), new in zip(where, self._calc_months(rows, kinds), strict=False):
            mcalc = units[code].mcalc
            old = mcalc.get(month)
            if new != old:
                mcalc[month] = new
                changed.append((code, month, old))
        return changed

    def _months_view(self, st: _Unit, prev: _MonthsView | None = None) -> _MonthsView:
        """The unit's months as of now (see :class:`_MonthsView`), taking over what ``prev``
        built where it still holds (:meth:`_MonthsView._adopt`)."""
        period = self._period_t
        calcs = tuple(map(st.mcalc.get, period))
        code = st.ref.code
        aux = []
        for c, ranks, mean in zip(calcs, self._period_ranks, self._period_means, strict=True):
            if c is None:
                aux.append(None)
            elif c[0] is _SCORED:
                aux.append(ranks.get(code, _NO_RANK))
            elif c[0] is _ZERO:
                aux.append(mean)
            else:
                aux.append(None)
        view = _MonthsView(period, self._period_index, calcs, tuple(aux), self._mind_keys)
        if prev is not None and type(prev) is _MonthsView:
            view._adopt(prev)
        return view

    def _set_period(self, all_months: tuple[str, ...]) -> None:
        mean = self._mean
        self._period = [m for m in all_months if mean[m] is not None]
        self._dropped = [m for m in all_months if mean[m] is None]
        self._period_t = tuple(self._period)
        self._period_index = MappingProxyType({m: i for i, m in enumerate(self._period)})
        self._period_ranks = tuple(
            (self._mstate[m].ranking.ranks if self._mstate[m].ranking is not None else _EMPTY) for m in self._period
        )
        self._period_means = tuple(mean[m] for m in self._period)

    def _month_states(self, all_months: tuple[str, ...]) -> None:
        """Full recompute of every month's sum, mean, averaged units and ranking."""
        units = self._units
        scores: dict[str, list[Decimal]] = {m: [] for m in all_months}
        rounded: dict[str, list[tuple[str, int]]] = {m: [] for m in all_months}
        zero: dict[str, set[str]] = {m: set() for m in all_months}
        for code in self._order:
            for m, c in units[code].mcalc.items():
                status = c[0]
                if status is _SCORED:
                    scores[m].append(c[1])
                    rounded[m].append((code, c[2]))
                elif status is _ZERO:
                    zero[m].add(code)
        ranked = self.scheme.monthly_ranks
        self._mstate = {}
        self._mean = {}
        for m in all_months:
            with localcontext(_EXACT):
                total = sum(scores[m], ZERO)
            n = len(scores[m])
            ranking = _Ranking(rounded[m]) if ranked else None
            self._mstate[m] = _MonthState(total, n, zero[m], ranking)
            self._mean[m] = CONTEXT.divide(total, n) if n else None

    # ------------------------------------------------------------------ annual scoring

    def _aggregate(self, st: _Unit) -> None:
        """Licheng: the year's figures of a unit (sums; volume-weighted rates)."""
        agg: dict[str, object] = {}
        missing: list[str] = []
        months = sorted(st.mvals)
        for inp in self._aggregated:
            key = inp.key
            if inp.aggregate == "sum":
                agg[key] = sum(st.mvals[m][key] for m in months)
            else:
                weight = inp.weight
                num = ZERO
                den = 0
                for m in months:
                    vals = st.mvals[m]
                    w = vals[weight]
                    x = vals[key]
                    if x is None:
                        if w or inp.required:
                            missing.append(f"{m}:{key}")
                        continue
                    if w:
                        num += x * w
                        den += w
                agg[key] = CONTEXT.divide(num, den) if den else None
        st.agg = agg
        st.agg_missing = tuple(missing)

    def _compute_shares(self) -> dict[str, dict[tuple[str, str], Decimal]]:
        if not self._share_keys:
            return {}
        by_group: dict[str, dict[str, int]] = {}
        overall: dict[str, int] = {}
        for code in self._order:
            st = self._units[code]
            g = by_group.setdefault(st.group, {})
            for key, _scope in self._share_keys:
                v = st.agg.get(key) or 0
                g[key] = g.get(key, 0) + v
                overall[key] = overall.get(key, 0) + v
        out = {}
        for group, sums in by_group.items():
            out[group] = {
                (key, scope): Decimal(sums[key] if scope == "group" else overall[key])
                for key, scope in self._share_keys
            }
        return out

    def _calc_annual(self, st: _Unit, previous: _AnnualCalc | None = None) -> _AnnualCalc:
        """Annual indicators and score; with ``previous`` only share indicators are redone."""
        s = self.scheme
        if self._aggregated:
            vals = dict(st.avals)
            vals.update(st.agg)
            gone = {m.split(":", 1)[1] for m in st.agg_missing}
        else:
            vals = st.avals
            gone = None
        kind = st.ref.kind
        shares = self._shares.get(st.group, _EMPTY) if self._share_keys else _EMPTY
        indicators: dict[str, Decimal] = {}
        missing: list[str] = []
        for ind in self._aind:
            if previous is not None and not ind.uses_share:
                if ind.key in previous.indicators:
                    indicators[ind.key] = previous.indicators[ind.key]
                continue
            if gone and ind.inputs & gone:
                continue
            v = ind.fn(vals, kind, shares)
            if v is None:
                for key in ind.manual_inputs:
                    if vals.get(key) is None:
                        missing.append(key)
                continue
            indicators[ind.key] = v
        if previous is not None:
            missing = list(previous.missing)
        score = bonus = penalty = None
        sdef = s.annual_score
        if sdef is not None and self._aind and not missing:
            total = ZERO
            for ind in self._aind:
                total += indicators.get(ind.key, ZERO)
            bonus = sdef.bonus.compute(vals, kind) if sdef.bonus else ZERO
            penalty = sdef.penalty.compute(vals, kind) if sdef.penalty else ZERO
            score = sdef.clamp(total + bonus - penalty)
        veto = None
        for v in s.vetoes:
            if vals.get(v.input):
                veto = v.key
                break
        categories = MappingProxyType(s.subtotals(indicators, "annual"))
        return _AnnualCalc(MappingProxyType(indicators), tuple(missing), score, bonus, penalty, veto, categories)

    def _calc_annual_all(self, sts: list[_Unit]) -> None:
        """:meth:`_calc_annual` for many units at once, in scaled integers (equal values; only
        for schemes whose annual rules :mod:`fixed` takes: no manual scores, shares or yearly
        sums)."""
        fixed = self._fixed_annual
        results = fixed.calc_annual([st.avals for st in sts], [st.ref.kind for st in sts])
        keys = self._aind_keys
        cat_keys = fixed.category_keys
        vetoes = tuple((v.input, v.key) for v in self.scheme.vetoes)
        proxy = MappingProxyType
        for st, res in zip(sts, results, strict=True):
            if res is None:
                st.acalc = self._calc_annual(st)
                continue
            indicators, score, bonus, penalty, subtotals = res
            veto = None
            if vetoes:
                avals = st.avals
                for inp, key in vetoes:
                    if avals.get(inp):
                        veto = key
                        break
            st.acalc = _new(_AnnualCalc, (
                proxy(dict(zip(keys, indicators, strict=True))), (), score, bonus, penalty, veto,
                proxy(dict(zip(cat_keys, subtotals, strict=True))),
            ))

    def _calc_total(self, st: _Unit) -> None:
        s = self.scheme
        missing: list[str] = []
        a = st.acalc
        monthly_average = None
        if self._monthly_mode:
            period = self._period
            if not period:
                missing.append(NO_PERIOD)
            calcs = list(map(st.mcalc.get, period))
            if None not in calcs and _INCOMPLETE not in map(_first, calcs):
                # every month scored or averaged: the same additions, in the same order
                total = sum(
                    [c[1] if c[0] is _SCORED else pm for c, pm in zip(calcs, self._period_means, strict=True)], ZERO
                )
            else:
                total = ZERO
                mean = self._mean
                for m, c in zip(period, calcs, strict=True):
                    if c is None:
                        missing.append(m)
                        continue
                    status = c[0]
                    if status is _SCORED:
                        total += c[1]
                    elif status is _ZERO:
                        total += mean[m]
                    else:
                        missing.extend(f"{m}:{k}" for k in c[7])
            if not missing:
                monthly_average = CONTEXT.divide(total, len(period))
        else:
            missing.extend(st.agg_missing)
        missing.extend(a.missing)
        st.monthly_average = monthly_average
        st.missing = tuple(missing)
        if missing:
            st.total = st.rounded = None
            st.status = INCOMPLETE
            return
        combine = s.total.combine
        if combine == "annual":
            total = a.score
        elif combine == "weighted":
            total = CONTEXT.add(
                CONTEXT.multiply(s.total.monthly_weight, monthly_average),
                CONTEXT.multiply(s.total.annual_weight, a.score),
            )
        else:
            total = monthly_average
        if a.veto is not None:
            total = self._veto_total[a.veto]
        st.total = total
        st.rounded = round2(total)
        key = s.unranked_when_zero
        if key is not None and not st.agg.get(key):
            st.status = UNRANKED
        else:
            st.status = RANKED

    def _build_result(self, st: _Unit) -> UnitResult:
        a = st.acalc
        return UnitResult(
            st.ref, st.group, st.status, st.total, st.rank, st.tied, st.missing, a.veto, a.indicators,
            a.categories, a.score, a.bonus, a.penalty, st.monthly_average, st.months_view,
        )

    # ------------------------------------------------------------------ full recompute

    def _full_inner(self, recalc: bool) -> frozenset[str]:
        """Recompute everything; with ``recalc`` false the unit-month calculations (kept
        current by every edit) are reused. Returns the codes whose result changed."""
        units = self._units
        order = self._order
        all_months = self._all_months()
        if self._monthly_mode:
            if recalc:
                rows: list[dict] = []
                kinds: list[str] = []
                where = []
                for code in order:
                    st = units[code]
                    mvals = st.mvals
                    months = sorted(mvals)
                    rows.extend(map(mvals.__getitem__, months))
                    kinds.extend(repeat(st.ref.kind, len(months)))
                    where.append((st, months))
                calcs = self._calc_months(rows, kinds)
                i = 0
                for st, months in where:
                    j = i + len(months)
                    st.mcalc = dict(zip(months, calcs[i:j], strict=True))
                    i = j
            self._month_states(all_months)
            self._set_period(all_months)
            view = self._months_view
            for code in order:
                st = units[code]
                new_view = view(st)
                before = st.months_view
                if new_view != before:
                    if type(before) is _MonthsView:
                        new_view._adopt(before)
                    st.months_view = new_view
        else:
            self._period = list(all_months)
            self._dropped = []
            self._mean = {}
            self._mstate = {}
            for st in units.values():
                self._aggregate(st)
        self._shares = self._compute_shares()
        if self._fixed_annual is not None:
            self._calc_annual_all([units[code] for code in order])
        else:
            for code in order:
                st = units[code]
                st.acalc = self._calc_annual(st)
        by_group: dict[str, list[tuple[str, Decimal]]] = {}
        for code in order:
            st = units[code]
            self._calc_total(st)
            items = by_group.setdefault(st.group, [])
            if st.status is RANKED:
                items.append((code, st.rounded))
        self._granks = {g: _Ranking(items) for g, items in by_group.items()}
        changed = set()
        results: dict[str, UnitResult] = {}
        for code in order:
            st = units[code]
            st.rank, st.tied = self._granks[st.group].ranks.get(code, _NO_RANK)
            new_result = self._build_result(st)
            before = st.result
            if before is None or before != new_result:
                changed.add(code)
                st.result = new_result
            results[code] = st.result
        gone = self._results.keys() - results.keys()
        self._results = results
        self._result = None
        return frozenset(changed | gone)

    # ------------------------------------------------------------------ incremental recompute

    def _update(self, mtouched: set[tuple[str, str]], atouched: set[str]) -> frozenset[str]:
        units = self._units
        totals: set[str] = set(atouched)  # units whose total is redone
        dirty: set[str] = set()  # units whose months view is rebuilt (a calculation changed)
        shifted: set[str] = set()  # units whose months view got new ranks / averages only
        # months views that keep their calculations and get new ranks / averages only:
        # (position in the period, units, their new (rank, tied) by code, or None and the new average)
        reaux: list[tuple[int, Iterable[str], Mapping[str, tuple[int, bool]] | None, Decimal | None]] = []
        if self._monthly_mode:
            by_month: dict[str, list[tuple[str, _MonthCalc | None, _MonthCalc | None]]] = {}
            for code, month, old in self._recalc_months(mtouched):
                by_month.setdefault(month, []).append((code, old, units[code].mcalc.get(month)))
            mstate = self._mstate
            index = self._period_index
            for m, changes in by_month.items():
                ms = mstate.get(m)
                if ms is None:  # cannot happen: a month with data belongs to the period
                    return self._full_inner(recalc=False)
                ranking = ms.ranking
                rank_changes = []
                total, count, zero = ms.sum, ms.count, ms.zero
                for code, old, new in changes:
                    if old is not None:
                        if old[0] is _SCORED:
                            total = _EXACT.subtract(total, old[1])
                            count -= 1
                        elif old[0] is _ZERO:
                            zero.discard(code)
                    if new is not None:
                        if new[0] is _SCORED:
                            total = _EXACT.add(total, new[1])
                            count += 1
                        elif new[0] is _ZERO:
                            zero.add(code)
                    if ranking is not None:
                        rank_changes.append((code, new[2] if new is not None and new[0] is _SCORED else None))
                    totals.add(code)
                    dirty.add(code)
                ms.sum, ms.count = total, count
                old_mean = self._mean[m]
                mean = CONTEXT.divide(total, count) if count else None
                if (old_mean is None) != (mean is None):
                    # the month joins or leaves the period: redo everything but the calculations
                    return self._full_inner(recalc=False)
                if mean != old_mean:
                    self._mean[m] = mean
                    if zero:  # (mean and old_mean are not None: the month is in the period)
                        totals.update(zero)
                        reaux.append((index[m], tuple(zero), None, mean))
                if ranking is not None:
                    moved = ranking.update(rank_changes)
                    if moved:
                        # the month has scored units: it is in the period; a unit that joined
                        # or left the ranking changed its calculation (it is in ``dirty``)
                        reaux.append((index[m], moved, ranking.ranks, None))
            self._period_means = tuple(self._mean[m] for m in self._period)
            for code in dirty:
                st = units[code]
                prev = st.months_view
                new_view = self._months_view(st, prev)
                if new_view != prev:
                    st.months_view = new_view
            for i, codes, ranks, mean in reaux:
                for code in codes:
                    if code not in dirty:
                        st = units[code]
                        st.months_view = st.months_view._with_aux(i, mean if ranks is None else ranks[code])
                        shifted.add(code)
            for code in atouched:
                st = units[code]
                st.acalc = self._calc_annual(st)
        else:
            share_groups: set[str] = set()
            for code in {c for c, _ in mtouched}:
                st = units[code]
                before = (st.agg, st.agg_missing)
                self._aggregate(st)
                if (st.agg, st.agg_missing) != before:
                    atouched.add(code)
                    totals.add(code)
            if self._share_keys and atouched:
                new_shares = self._compute_shares()
                if new_shares != self._shares:
                    for g in set(new_shares) | set(self._shares):
                        if new_shares.get(g) != self._shares.get(g):
                            share_groups.add(g)
                    self._shares = new_shares
            for code in atouched:
                st = units[code]
                st.acalc = self._calc_annual(st)
            if share_groups:
                for code in self._order:
                    st = units[code]
                    if st.group in share_groups and code not in atouched:
                        st.acalc = self._calc_annual(st, previous=st.acalc)
                        totals.add(code)
        rank_changes_by_group: dict[str, list[tuple[str, Decimal | None]]] = {}
        for code in totals:
            st = units[code]
            before = (st.status, st.rounded)
            self._calc_total(st)
            if (st.status, st.rounded) != before:
                rank_changes_by_group.setdefault(st.group, []).append(
                    (code, st.rounded if st.status is RANKED else None)
                )
        affected = totals | dirty
        affected.update(shifted)
        for g, changes in rank_changes_by_group.items():
            ranking = self._granks[g]
            for code in ranking.update(changes):
                st = units[code]
                st.rank, st.tied = ranking.ranks.get(code, _NO_RANK)
                affected.add(code)
        changed = set()
        results = self._results
        for code in affected:
            st = units[code]
            before = st.result
            if code in totals or before is None:  # (a unit in ``dirty`` is in ``totals``)
                new = self._build_result(st)
                if new == before:
                    continue
            else:
                # only the months view (new ranks / averages) and/or the annual rank changed,
                # and they did: the other figures are the previous result's objects
                new = UnitResult(
                    before.unit, before.group, before.status, before.total, st.rank, st.tied, before.missing,
                    before.veto, before.indicators, before.categories, before.annual_score, before.annual_bonus,
                    before.annual_penalty, before.monthly_average, st.months_view,
                )
            changed.add(code)
            st.result = new
            results[code] = new
        self._result = None
        return frozenset(changed)
