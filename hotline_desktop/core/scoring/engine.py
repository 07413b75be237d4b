"""The scoring engine: pure Python, exact Decimal arithmetic, incremental recomputation.

Two shapes of scheme are scored:

* **annual** (``licheng-2020``): the months' figures are summed (rates volume-weighted) and
  scored once for the year; ``share`` indicators depend on Σ volume of the ranking group.
* **monthly** (Ganxian): every unit-month is scored; months without work orders take the
  month's average; monthly ranks; the total combines the monthly mean (and the annual basic
  score) or is vetoed.

Edits recompute only what depends on them and report which units' visible figures changed.
The incremental path computes every figure with the same functions, in the same order, as a
full recompute, so both always agree exactly.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from types import MappingProxyType
from typing import NamedTuple

from hotline_desktop.core.scoring.errors import InputProblem, InputValueError, ScoringInputError
from hotline_desktop.core.scoring.numbers import CENT, CONTEXT, ZERO, round2
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

# month calc states
_SCORED = "scored"
_ZERO = "zero"  # no work orders: scored with the month's average
_INCOMPLETE = "incomplete"


class _MonthCalc(NamedTuple):
    status: str
    score: Decimal | None
    rounded: Decimal | None
    indicators: Mapping[str, Decimal]
    base: Decimal | None
    bonus: Decimal | None
    penalty: Decimal | None
    missing: tuple[str, ...]


_ZERO_CALC = _MonthCalc(_ZERO, None, None, _EMPTY, None, None, None, ())


class _AnnualCalc(NamedTuple):
    indicators: dict[str, Decimal]
    missing: tuple[str, ...]
    score: Decimal | None
    bonus: Decimal | None
    penalty: Decimal | None
    veto: str | None


class _Unit:
    __slots__ = (
        "ref", "group", "mgiven", "mvals", "mcalc", "mres", "agiven", "avals", "agg", "agg_missing",
        "acalc", "total", "rounded", "status", "missing", "monthly_average", "rank", "tied", "result",
    )

    def __init__(self, ref: UnitRef, group: str):
        self.ref = ref
        self.group = group
        self.mgiven: dict[str, dict[str, object]] = {}
        self.mvals: dict[str, dict[str, object]] = {}
        self.mcalc: dict[str, _MonthCalc] = {}
        self.mres: dict[str, MonthResult] = {}
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


_code_key = itemgetter(0)
_value_key = itemgetter(1)


def _rank(items: list[tuple[str, Decimal]]) -> dict[str, tuple[int, bool]]:
    """Competition ranking on rounded figures, highest first; ties share a rank (1, 2, 2, 4)."""
    items.sort(key=_code_key)  # ties listed by code; the sort below is stable
    items.sort(key=_value_key, reverse=True)
    ranks: dict[str, int] = {}
    counts: dict[int, int] = {}
    prev = None
    rank = 0
    for i, (code, value) in enumerate(items, 1):
        if value != prev:
            rank = i
            prev = value
        ranks[code] = rank
        counts[rank] = counts.get(rank, 0) + 1
    return {code: (r, counts[r] > 1) for code, r in ranks.items()}


class ScoringEngine:
    """Score one scheme over a set of units and a period.

    ``monthly`` maps ``(unit_code, "YYYY-MM")`` to ``{input_key: value}``; ``annual`` maps
    ``unit_code`` to ``{input_key: value}``. Values are raw (text, int, Decimal, float via
    ``str()``, bool) and parsed with each input's ``parse``; ``None`` means "not entered".
    ``months`` is the assessment period; when ``None`` it is the months present in the data.
    All bad input is reported at once in a :class:`ScoringInputError`; nothing is applied.
    """

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
        mparsed, aparsed = self._parse_edits(monthly or {}, annual or {}, problems, merge=False)
        if problems:
            raise ScoringInputError(problems)
        for (code, month), values in mparsed.items():
            st = self._units[code]
            if values is not None:
                st.mgiven[month] = values
                st.mvals[month] = self._fill_month(values)
        for code, values in aparsed.items():
            if values is not None:
                self._units[code].agiven = values
        for st in self._units.values():
            st.avals = self._fill_annual(st.agiven)
        self._order: list[str] = sorted(self._units)
        self._result: ScoringResult | None = None
        self._full()

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
        self._volume = s.volume_input if s.zero_volume == "average" else None
        self._mind = s.monthly_indicators
        self._mind_fns = tuple(i.fn for i in self._mind)
        self._mind_keys = tuple(i.key for i in self._mind)
        self._mind_items = tuple(zip(self._mind_keys, self._mind_fns, strict=False))

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
        if not isinstance(month, str) or not MONTH_RE.match(month):
            return f"月份格式应为 YYYY-MM：{month}"
        if self.year is not None and int(month[:4]) != int(self.year):
            return f"月份不属于 {self.year} 年：{month}"
        return None

    def _fill_month(self, given: Mapping[str, object]) -> dict[str, object]:
        """Values of a unit-month with defaults filled in, and (under ``_MISSING``) the keys of
        the required rates it lacks (a rate is required always, or when its count is > 0)."""
        vals = dict(self._mtemplate)
        vals.update(given)
        for key, src in self._mdefault_from:
            if given.get(key) is None:
                vals[key] = vals[src]
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

    def _parse_edits(self, monthly, annual, problems: list[InputProblem], *, merge: bool):
        """Validate edits; returns {(u, m): new given dict | None} and {u: new given dict}."""
        s = self.scheme
        mparse = {i.key: i.parse for i in s.monthly_inputs}
        mout: dict[tuple[str, str], dict | None] = {}
        aout: dict[str, dict | None] = {}
        for pair, values in monthly.items():
            if not isinstance(pair, tuple) or len(pair) != 2:
                problems.append(InputProblem(None, None, None, pair, f"月度数据的键应为（单位, 月份）：{pair!r}"))
                continue
            code, month = pair
            ok = True
            if code not in self._units:
                problems.append(InputProblem(str(code), month, None, code, f"未知的单位：{code}"))
                ok = False
            msg = self._month_format_problem(month)
            if msg is None and self._months_fixed and month not in self._fixed_months:
                msg = f"月份不在考核期内：{month}"
            if msg:
                problems.append(InputProblem(str(code), str(month), None, month, msg))
                ok = False
            if values is None:
                if ok:
                    mout[(code, month)] = None
                continue
            if not isinstance(values, Mapping):
                problems.append(InputProblem(str(code), str(month), None, values, "月度数据应为“数据项: 值”的表"))
                continue
            base = self._units[code].mgiven.get(month) if (ok and merge) else None
            given = dict(base) if base is not None else {}
            for key, raw in values.items():
                parse = mparse.get(key)
                if parse is None:
                    if not s.has_input(key):
                        msg = f"未知的数据项：{key}"
                    else:
                        msg = f"{s.input(key).label}（{key}）是年度数据项，不能按月填写"
                    problems.append(InputProblem(str(code), str(month), str(key), raw, msg))
                    continue
                try:
                    value = parse(raw)
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
                mout[(code, month)] = given
        for code, values in annual.items():
            if code not in self._units:
                problems.append(InputProblem(str(code), None, None, code, f"未知的单位：{code}"))
                continue
            if values is None:
                aout[code] = {}
                continue
            if not isinstance(values, Mapping):
                problems.append(InputProblem(str(code), None, None, values, "年度数据应为“数据项: 值”的表"))
                continue
            given = dict(self._units[code].agiven) if merge else {}
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
            averages = {m: self._mean[m] for m in period if self._mean.get(m) is not None}
            self._result = ScoringResult(
                scheme=self.scheme,
                months=period,
                dropped_months=tuple(self._dropped),
                month_averages=MappingProxyType(averages),
                units=MappingProxyType({code: self._units[code].result for code in self._order}),
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
        given = self._units[unit].mgiven.get(month)
        return None if given is None else dict(given)

    def annual_values(self, unit: str) -> dict[str, object]:
        return dict(self._units[unit].agiven)

    # ------------------------------------------------------------------ public: editing

    def set_monthly_value(self, unit: str, month: str, key: str, value: object) -> frozenset[str]:
        """Set (``None``: clear) one monthly cell; returns the codes whose visible figures changed."""
        return self.set_many(monthly={(unit, month): {key: value}})

    def set_annual_value(self, unit: str, key: str, value: object) -> frozenset[str]:
        return self.set_many(annual={unit: {key: value}})

    def remove_month(self, unit: str, month: str) -> frozenset[str]:
        """Delete a unit-month record (the month becomes missing for that unit)."""
        return self.set_many(monthly={(unit, month): None})

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
        """
        problems: list[InputProblem] = []
        mparsed, aparsed = self._parse_edits(monthly or {}, annual or {}, problems, merge=not replace)
        if problems:
            raise ScoringInputError(problems)
        mtouched: set[tuple[str, str]] = set()
        months_before = None if self._months_fixed else self._present_months()
        for (code, month), given in mparsed.items():
            st = self._units[code]
            if given is None:
                if month in st.mgiven:
                    del st.mgiven[month]
                    del st.mvals[month]
                    mtouched.add((code, month))
                continue
            if st.mgiven.get(month) == given:
                continue
            st.mgiven[month] = given
            st.mvals[month] = self._fill_month(given)
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
        if months_before is not None and self._present_months() != months_before:
            return self._full()
        return self._update(mtouched, atouched)

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
            st.ref = ref
            st.group = self.scheme.group_of_kind(ref.kind)
        self._result = None
        return self._full()

    def remove_unit(self, code: str) -> frozenset[str]:
        """Drop a unit and its data from the scoring (a full recompute)."""
        if code not in self._units:
            raise ScoringInputError([InputProblem(code, None, None, code, f"未知的单位：{code}")])
        del self._units[code]
        self._order = sorted(self._units)
        self._result = None
        return self._full() | {code}

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
                for m in self._units[code].mgiven:
                    if m not in new:
                        problems.append(InputProblem(code, m, None, m, f"该月已有数据，不能移出考核期：{m}"))
        if problems:
            raise ScoringInputError(problems)
        self._months_fixed = months is not None
        self._fixed_months = tuple(sorted(new))
        self._result = None
        return self._full()

    def recompute(self) -> frozenset[str]:
        """Full recompute (what the incremental path must always equal)."""
        self._result = None
        return self._full()

    # ------------------------------------------------------------------ periods

    def _present_months(self) -> tuple[str, ...]:
        present = set()
        for st in self._units.values():
            present.update(st.mgiven)
        return tuple(sorted(present))

    def _all_months(self) -> tuple[str, ...]:
        return self._fixed_months if self._months_fixed else self._present_months()

    # ------------------------------------------------------------------ monthly scoring

    def _calc_month(self, vals: dict[str, object], kind: str) -> _MonthCalc:
        return self._calc_months([vals], [kind])[0]

    def _calc_months(self, rows: list[dict[str, object]], kinds: list[str]) -> list[_MonthCalc]:
        """Score many unit-months at once, column by column (the same arithmetic for 1 or 12,000)."""
        out: list[_MonthCalc | None] = [None] * len(rows)
        volume = self._volume
        todo: list[int] = []
        for i, vals in enumerate(rows):
            missing = vals[_MISSING]
            if missing:
                gone = set(missing)
                kind = kinds[i]
                indicators = {
                    ind.key: ind.fn(vals, kind, None) for ind in self._mind if not (ind.inputs & gone)
                }
                out[i] = _MonthCalc(
                    _INCOMPLETE, None, None, MappingProxyType(indicators), None, None, None, missing
                )
            elif volume is not None and not vals[volume]:
                out[i] = _ZERO_CALC
            else:
                todo.append(i)
        if not todo:
            return out
        if len(todo) == len(rows):
            brows, bkinds = rows, kinds
        else:
            brows = [rows[i] for i in todo]
            bkinds = [kinds[i] for i in todo]
        columns = [ind.batch(brows, bkinds) for ind in self._mind]
        n = len(brows)
        zeros = [ZERO] * n
        bonuses = self._m_bonus_fn.batch(brows, bkinds) if self._m_bonus_fn else zeros
        penalties = self._m_penalty_fn.batch(brows, bkinds) if self._m_penalty_fn else zeros
        keys = self._mind_keys
        low, high = self._m_low, self._m_high
        quantize = Decimal.quantize
        for i, values, bonus, penalty in zip(todo, zip(*columns, strict=False), bonuses, penalties, strict=False):
            base = sum(values, ZERO)
            score = base + bonus - penalty
            if low is not None and score < low:
                score = low
            elif high is not None and score > high:
                score = high
            out[i] = _MonthCalc(
                _SCORED, score, quantize(score, CENT, ROUND_HALF_UP),
                MappingProxyType(dict(zip(keys, values, strict=False))), base, bonus, penalty, (),
            )
        return out

    def _month_stats(self, month: str) -> tuple[Decimal | None, dict[str, tuple[int, bool]]]:
        total = ZERO
        n = 0
        items = []
        units = self._units
        for code in self._order:
            c = units[code].mcalc.get(month)
            if c is not None and c.status == _SCORED:
                total += c.score
                n += 1
                items.append((code, c.rounded))
        if not n:
            return None, {}
        mean = CONTEXT.divide(total, n)
        ranks = _rank(items) if self.scheme.monthly_ranks else {}
        return mean, ranks

    def _month_result(self, st: _Unit, month: str) -> MonthResult:
        c = st.mcalc.get(month)
        if c is None:
            return MonthResult(month, "missing", None, None, False, _EMPTY, None, None, None, ())
        if c.status == _SCORED:
            rank, tied = self._mranks[month].get(st.ref.code, (None, False))
            return MonthResult(month, "scored", c.score, rank, tied, c.indicators, c.base, c.bonus, c.penalty, ())
        if c.status == _ZERO:
            return MonthResult(month, "averaged", self._mean[month], None, False, _EMPTY, None, None, None, ())
        return MonthResult(month, "incomplete", None, None, False, c.indicators, None, None, None, c.missing)

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

    def _shares_for(self, group: str) -> dict[tuple[str, str], Decimal]:
        return self._shares.get(group, _EMPTY)

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
            gone = set()
        kind = st.ref.kind
        shares = self._shares_for(st.group)
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
        return _AnnualCalc(indicators, tuple(missing), score, bonus, penalty, veto)

    def _calc_total(self, st: _Unit) -> None:
        s = self.scheme
        missing: list[str] = []
        a = st.acalc
        monthly_average = None
        if self._monthly_mode:
            period = self._period
            if not period:
                missing.append(NO_PERIOD)
            total = ZERO
            for m in period:
                c = st.mcalc.get(m)
                if c is None:
                    missing.append(m)
                elif c.status == _SCORED:
                    total += c.score
                elif c.status == _ZERO:
                    total += self._mean[m]
                else:
                    missing.extend(f"{m}:{k}" for k in c.missing)
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
            total = next(v.total for v in s.vetoes if v.key == a.veto)
        st.total = total
        st.rounded = round2(total)
        key = s.unranked_when_zero
        if key is not None and not st.agg.get(key):
            st.status = UNRANKED
        else:
            st.status = RANKED

    def _rank_group(self, group: str) -> set[str]:
        """Rank a group; returns the codes whose rank or tie flag changed."""
        items = []
        members = []
        for code in self._order:
            st = self._units[code]
            if st.group == group:
                members.append(st)
                if st.status == RANKED:
                    items.append((code, st.rounded))
        ranks = _rank(items)
        changed = set()
        for st in members:
            rank, tied = ranks.get(st.ref.code, (None, False))
            if rank != st.rank or tied != st.tied:
                st.rank, st.tied = rank, tied
                changed.add(st.ref.code)
        return changed

    def _build_result(self, st: _Unit) -> UnitResult:
        a = st.acalc
        months = (
            MappingProxyType({m: st.mres[m] for m in self._period}) if self._monthly_mode else _EMPTY
        )
        return UnitResult(
            unit=st.ref,
            group=st.group,
            status=st.status,
            total=st.total,
            rank=st.rank,
            tied=st.tied,
            missing=st.missing,
            veto=a.veto,
            indicators=MappingProxyType(a.indicators),
            categories=MappingProxyType(self.scheme.subtotals(a.indicators, "annual")),
            annual_score=a.score,
            annual_bonus=a.bonus,
            annual_penalty=a.penalty,
            monthly_average=st.monthly_average,
            months=months,
        )

    # ------------------------------------------------------------------ full recompute

    def _full(self) -> frozenset[str]:
        enabled = gc.isenabled()
        gc.disable()  # many small immutable objects: cyclic GC passes would only cost time
        try:
            return self._full_inner()
        finally:
            if enabled:
                gc.enable()

    def _full_inner(self) -> frozenset[str]:
        units = self._units
        old = {code: st.result for code, st in units.items()}
        all_months = self._all_months()
        self._mean: dict[str, Decimal | None] = {}
        self._mranks: dict[str, dict[str, tuple[int, bool]]] = {}
        if self._monthly_mode:
            rows, kinds, where = [], [], []
            for code in self._order:
                st = units[code]
                kind = st.ref.kind
                for m in sorted(st.mvals):
                    rows.append(st.mvals[m])
                    kinds.append(kind)
                    where.append((st, m))
            for st in units.values():
                st.mcalc = {}
            for (st, m), c in zip(where, self._calc_months(rows, kinds), strict=False):
                st.mcalc[m] = c
            for m in all_months:
                self._mean[m], self._mranks[m] = self._month_stats(m)
            self._period = [m for m in all_months if self._mean[m] is not None]
            self._dropped = [m for m in all_months if self._mean[m] is None]
            for code in self._order:
                st = units[code]
                st.mres = {m: self._month_result(st, m) for m in self._period}
        else:
            self._period = list(all_months)
            self._dropped = []
            for st in units.values():
                self._aggregate(st)
        self._shares = self._compute_shares()
        for code in self._order:
            st = units[code]
            st.acalc = self._calc_annual(st)
            self._calc_total(st)
            st.rank, st.tied = None, False
        for g in {st.group for st in units.values()}:
            self._rank_group(g)
        changed = set()
        for code in self._order:
            st = units[code]
            st.result = self._build_result(st)
            before = old.get(code)
            if before is None or before != st.result:
                changed.add(code)
        self._result = None
        return frozenset(changed)

    # ------------------------------------------------------------------ incremental recompute

    def _update(self, mtouched: set[tuple[str, str]], atouched: set[str]) -> frozenset[str]:
        units = self._units
        affected: set[str] = set(atouched)
        rebuild_months: dict[str, set[str]] = {}  # code -> months whose MonthResult is redone
        if self._monthly_mode:
            changed_months: set[str] = set()
            for code, month in mtouched:
                st = units[code]
                vals = st.mvals.get(month)
                new = None if vals is None else self._calc_month(vals, st.ref.kind)
                if new != st.mcalc.get(month):
                    if new is None:
                        del st.mcalc[month]
                    else:
                        st.mcalc[month] = new
                    changed_months.add(month)
                    affected.add(code)
                    rebuild_months.setdefault(code, set()).add(month)
            period_changed = False
            all_months = self._all_months()
            for m in sorted(changed_months):
                if m not in self._mean:
                    continue
                old_mean, old_ranks = self._mean[m], self._mranks[m]
                mean, ranks = self._month_stats(m)
                self._mean[m], self._mranks[m] = mean, ranks
                if (old_mean is None) != (mean is None):
                    period_changed = True
                if mean != old_mean:
                    for code in self._order:
                        c = units[code].mcalc.get(m)
                        if c is not None and c.status == _ZERO:
                            affected.add(code)
                            rebuild_months.setdefault(code, set()).add(m)
                if ranks != old_ranks:
                    for code in old_ranks.keys() | ranks.keys():
                        if old_ranks.get(code) != ranks.get(code):
                            affected.add(code)
                            rebuild_months.setdefault(code, set()).add(m)
            if period_changed:
                self._period = [m for m in all_months if self._mean[m] is not None]
                self._dropped = [m for m in all_months if self._mean[m] is None]
                affected = set(self._order)
                for code in self._order:
                    st = units[code]
                    st.mres = {m: self._month_result(st, m) for m in self._period}
            else:
                period = set(self._period)
                for code, months in rebuild_months.items():
                    st = units[code]
                    for m in months:
                        if m in period:
                            st.mres[m] = self._month_result(st, m)
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
                    affected.add(code)
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
                        affected.add(code)
        groups: set[str] = set()
        for code in affected:
            st = units[code]
            before = (st.status, st.rounded)
            self._calc_total(st)
            if (st.status, st.rounded) != before:
                groups.add(st.group)
        for g in groups:
            affected |= self._rank_group(g)
        changed = set()
        for code in affected:
            st = units[code]
            new = self._build_result(st)
            if new != st.result:
                changed.add(code)
            st.result = new
        self._result = None
        return frozenset(changed)
