"""The scoring engine: a scheme's rules (:mod:`rules`) over columns, recomputed whole.

Entered values live in columns, one table per month and one for the year (every unit a
column position, in code order), parsed once on the way in by ``InputDef.parse``. Scoring a
month is the scheme's rules over that month's columns; an edit rescores the month(s) it
touched (Licheng: the year), then the totals and ranks. Figures are exact scaled integers;
Decimals appear at the edge: a month's average, a unit's mean and total, and what results show.

Two shapes of scheme:

* **annual** (``licheng-2020``): the months' figures are summed (rates volume-weighted) and
  scored once for the year; ``share`` indicators depend on Σ volume of the ranking group.
* **monthly** (Ganxian): every unit-month is scored; months without work orders take the
  month's average; monthly ranks; the total combines the monthly mean (and the annual basic
  score) or is vetoed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

import numpy as np

from hotline_desktop.core.scoring.errors import InputProblem, InputValueError, ScoringInputError
from hotline_desktop.core.scoring.numbers import CONTEXT, ZERO, round2
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
from hotline_desktop.core.scoring.rules import (
    COUNT_LIMIT,
    RATE_DECIMALS,
    Columns,
    Exact,
    competition_ranks,
    round_cents,
    score_level,
)
from hotline_desktop.core.scoring.scheme import UNIT_KIND_LABELS, InputDef, Scheme

__all__ = ["ScoringEngine", "MONTH_RE", "column_value"]

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_EMPTY: Mapping = MappingProxyType({})
_RATE_UNIT = 10**RATE_DECIMALS

# status of a unit-month
_NONE, _SCORED, _AVERAGED, _INCOMPLETE = 0, 1, 2, 3


# ---------------------------------------------------------------------------- values <-> columns


def _encode(inp: InputDef, value: object) -> int | str:
    """The column value of a parsed value, or a Chinese message when it cannot be computed."""
    kind = inp.kind
    if kind == "count":
        return value if value < COUNT_LIMIT else f"{inp.label}超出可计算范围（须小于 {COUNT_LIMIT:,}）：{value}"
    if kind == "boolean":
        return int(bool(value))
    if kind == "choice":
        return [c.value for c in inp.choices].index(value)
    n, d = value.as_integer_ratio()
    if _RATE_UNIT % d:
        return f"{inp.label}最多 {RATE_DECIMALS} 位小数：{value}"
    return n * (_RATE_UNIT // d)


def column_value(inp: InputDef, value: object) -> int | str:
    """The column form of a parsed value (a count as is, a boolean 0/1, a choice its index, a
    rate or score × 10**RATE_DECIMALS), or the Chinese reason it cannot be scored."""
    return _encode(inp, value)


def _decode(inp: InputDef, v: int) -> object:
    kind = inp.kind
    if kind == "count":
        return int(v)
    if kind == "boolean":
        return bool(v)
    if kind == "choice":
        return inp.choices[int(v)].value
    return _fixed(int(v), RATE_DECIMALS)


_DECIMALS: dict[tuple[int, int], Decimal] = {}


def _fixed(v: int, e: int) -> Decimal:
    """The Decimal of a scaled integer, without trailing zeros (``23500000``, 6 -> ``23.5``)."""
    d = _DECIMALS.get((v, e))
    if d is None:
        if len(_DECIMALS) > 200_000:
            _DECIMALS.clear()
        d = _DECIMALS[(v, e)] = _to_decimal(v, e)
    return d


def _to_decimal(v: int, e: int) -> Decimal:
    if e == 0:
        return Decimal(v)
    q, r = divmod(v, 10**e)
    if not r:
        return Decimal(q)
    while v % 10 == 0:
        v //= 10
        e -= 1
    return Decimal(v).scaleb(-e)


def _decimal_array(e: int):
    """Scaled int64 array -> object array of their Decimals (each distinct value converted once)."""

    def convert(values: np.ndarray) -> np.ndarray:
        uniq, inverse = np.unique(values, return_inverse=True)
        decs = np.array([_fixed(v, e) for v in uniq.tolist()] or [ZERO], dtype=object)
        return decs[inverse].reshape(values.shape)

    return convert


class _Table:
    """Entered values of every unit for one month (or the year): int64 columns, an entered
    mask per input, and which units hold a record."""

    __slots__ = ("values", "given", "present")

    def __init__(self, defaults: np.ndarray, n: int):
        self.values = np.repeat(defaults[:, None], n, axis=1)
        self.given = np.zeros((len(defaults), n), bool)
        self.present = np.zeros(n, bool)


class _Month:
    """One month scored: status, figures (scale ``e``), ranks, missing keys, average."""

    __slots__ = ("month", "status", "level", "rank", "tied", "missing", "mean")

    def __init__(self, month, status, level, rank, tied, missing, mean):
        self.month, self.status, self.level = month, status, level
        self.rank, self.tied, self.missing, self.mean = rank, tied, missing, mean


class _Annual:
    """The annual level for every unit: indicators and score, what is missing, vetoes."""

    __slots__ = ("level", "shown", "missing", "veto", "agg_missing", "volume")

    def __init__(self, level, shown, missing, veto, agg_missing, volume):
        self.level, self.shown, self.missing, self.veto = level, shown, missing, veto
        self.agg_missing, self.volume = agg_missing, volume


class _Months(Mapping):
    """``UnitResult.months``: month -> :class:`MonthResult`, built on first access from the
    scored months (immutable snapshots) at the unit's position."""

    __slots__ = ("_engine", "_months", "_i", "_built")

    def __init__(self, engine: ScoringEngine, months: tuple[_Month, ...], i: int):
        self._engine, self._months, self._i, self._built = engine, months, i, {}

    def __getitem__(self, month: str) -> MonthResult:
        r = self._built.get(month)
        if r is None:
            for m in self._months:
                if m.month == month:
                    r = self._built[month] = self._engine._month_result(m, self._i)
                    break
            else:
                raise KeyError(month)
        return r

    def __iter__(self):
        return (m.month for m in self._months)

    def __len__(self) -> int:
        return len(self._months)

    def __contains__(self, month) -> bool:
        return any(m.month == month for m in self._months)

    def __eq__(self, other):
        if isinstance(other, Mapping):
            return list(self) == list(other) and all(self[m] == other[m] for m in self)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(dict(self.items()))


# ---------------------------------------------------------------------------- the engine


class ScoringEngine:
    """Score one scheme over a set of units and a period.

    ``monthly`` maps ``(unit_code, "YYYY-MM")`` to ``{input_key: value}``; ``annual`` maps
    ``unit_code`` to ``{input_key: value}``. Values are raw (text, int, Decimal, bool) and
    parsed with each input's ``parse``; ``None`` means "not entered". ``months`` is the
    assessment period; when ``None`` it is the months present in the data. All bad input is
    reported at once in a :class:`ScoringInputError`; nothing is applied.
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
        self._setup(scheme, units, months, year)
        self._load(monthly or {}, annual or {})

    @classmethod
    def from_columns(
        cls,
        scheme: Scheme,
        units: Iterable[UnitRef],
        months: Iterable[str] | None = None,
        *,
        monthly: Mapping[str, tuple[np.ndarray, Mapping[str, tuple[np.ndarray, np.ndarray]]]],
        annual: Mapping[str, tuple[np.ndarray, np.ndarray]],
        year: int | None = None,
    ) -> ScoringEngine:
        """An engine over values already in column form (as the store keeps them): ``monthly``
        maps a month to (positions of the units holding a record, {key: (positions, values)});
        ``annual`` maps a key to (positions, values). Positions index ``units`` as given; values
        are int64 column values (:func:`column_value`), checked by the store when written."""
        units = list(units)
        self = cls.__new__(cls)
        self._setup(scheme, units, months, year)
        self._init_state()
        problems: list[InputProblem] = []
        perm = np.array([self._index[u.code] for u in units], np.int64)
        fixed = self._fixed_months

        def columns(cols, index, period, month):
            out = {}
            for key, (rows, values) in cols.items():
                k = index.get(key)
                if k is None:
                    problems.append(InputProblem(None, month, key, key, f"未知的{period}数据项：{key}"))
                    continue
                values = np.asarray(values, np.int64)
                inp = (self._minputs if period == "月度" else self._ainputs)[k]
                if inp.kind == "count" and values.size and (values.min() < 0 or values.max() >= COUNT_LIMIT):
                    problems.append(InputProblem(None, month, key, key, f"{inp.label}超出可计算范围：{key}"))
                out[k] = (perm[np.asarray(rows, np.int64)], values)
            return out

        tables = {}
        for month, (present, cols) in monthly.items():
            msg = self._month_problem(month)
            if msg is None and fixed is not None and month not in fixed:
                msg = f"月份不在考核期内：{month}"
            if msg:
                problems.append(InputProblem(None, str(month), None, month, msg))
                continue
            tables[month] = (perm[np.asarray(present, np.int64)], columns(cols, self._mkey, "月度", month))
        acols = columns(annual, self._akey, "年度", None)
        if problems:
            raise ScoringInputError(problems)
        for month, (present, cols) in tables.items():
            if len(present):
                self._tables[month] = self._columns_table(present, cols, self._mdefaults)
        table = self._annual_table = self._columns_table([], acols, self._adefaults)
        table.present[:] = True  # every unit has its year's record
        self._rescore(None, True)
        return self

    @classmethod
    def check_units_and_months(
        cls, scheme: Scheme, units: Iterable[UnitRef], months: Iterable[str] | None = None, *,
        year: int | None = None,
    ) -> None:
        """Raise :class:`ScoringInputError` for bad units or months, as the constructor does."""
        cls.__new__(cls)._setup(scheme, units, months, year)

    def _setup(self, scheme: Scheme, units, months, year) -> None:
        self.scheme = s = scheme
        self.year = year
        self._monthly_mode = s.has_monthly_scores
        problems: list[InputProblem] = []
        refs: dict[str, UnitRef] = {}
        for ref in units:
            p = self._unit_problem(ref)
            if p is None and ref.code in refs:
                p = InputProblem(ref.code, None, None, ref.code, f"单位编码重复：{ref.code}")
            if p:
                problems.append(p)
            else:
                refs[ref.code] = ref
        self._fixed_months: tuple[str, ...] | None = None
        if months is not None:
            seen: list[str] = []
            for m in months:
                msg = self._month_problem(m)
                if msg is None and m in seen:
                    msg = f"考核月份重复：{m}"
                if msg:
                    problems.append(InputProblem(None, str(m), None, m, msg))
                else:
                    seen.append(m)
            self._fixed_months = tuple(sorted(seen))
        if problems:
            raise ScoringInputError(problems)
        self._set_units(refs)
        self._minputs = s.monthly_inputs
        self._ainputs = s.annual_inputs
        self._mkey = {i.key: n for n, i in enumerate(self._minputs)}
        self._akey = {i.key: n for n, i in enumerate(self._ainputs)}
        self._required = [
            (i.key, i.required_when_positive, i.kind == "rate" and i.required)
            for i in self._minputs if (i.kind == "rate" and i.required) or i.required_when_positive
        ]
        self._aggregated = [i for i in self._minputs if i.aggregate]
        self._memo: dict[tuple, tuple | str] = {}  # (key, type, raw) -> (key index, column value)
        self._exact_annual = any(i.aggregate == "weighted_mean" for i in self._minputs) or any(
            t.type == "share" for i in s.annual_indicators for t in i.terms)

    def _set_units(self, refs: Mapping[str, UnitRef]) -> None:
        s = self.scheme
        self._codes = sorted(refs)
        self._refs = [refs[c] for c in self._codes]
        self._index = {c: i for i, c in enumerate(self._codes)}
        self._kind = np.array([s.unit_kinds.index(r.kind) for r in self._refs], np.int64)
        self._group_keys = [g.key for g in s.groups]
        self._groups = [s.group_of_kind(r.kind) for r in self._refs]
        self._group = np.array([self._group_keys.index(g) for g in self._groups], np.int64)

    def _init_state(self) -> None:
        self._mdefaults = np.array([self._default(i) for i in self._minputs], np.int64)
        self._adefaults = np.array([self._default(i) for i in self._ainputs], np.int64)
        self._tables: dict[str, _Table] = {}
        self._scored: dict[str, _Month] = {}
        self._annual: _Annual | None = None
        self._results: dict[str, UnitResult] = {}
        self._result: ScoringResult | None = None
        self._period: tuple[str, ...] = ()
        self._dropped: tuple[str, ...] = ()

    def _load(self, monthly: Mapping, annual: Mapping) -> None:
        self._init_state()
        mout, aout = self._parse(monthly, annual)
        by_month: dict[str, list] = {}
        for (i, month), record in mout.items():
            if record is not None:
                by_month.setdefault(month, []).append((i, record))
        for month, records in by_month.items():
            self._tables[month] = self._bulk(records, self._mdefaults)
        table = self._annual_table = self._bulk(list(aout.items()), self._adefaults)
        table.present[:] = True  # every unit has its year's record
        self._rescore(None, True)

    def _bulk(self, records: list, defaults) -> _Table:
        """A table holding ``records`` ((unit position, {key index: value}) ...), column by column."""
        columns: dict[int, tuple[list, list]] = {}
        for i, record in records:
            for k, v in (record or {}).items():
                if v is not None:
                    rows, values = columns.setdefault(k, ([], []))
                    rows.append(i)
                    values.append(v)
        return self._columns_table([i for i, _r in records], columns, defaults)

    def _columns_table(self, present, columns: Mapping[int, tuple[list, list]], defaults) -> _Table:
        table = _Table(defaults, len(self._codes))
        table.present[np.asarray(present, np.int64)] = True
        for k, (rows, values) in columns.items():
            table.values[k, rows] = values
            table.given[k, rows] = True
        return table

    @staticmethod
    def _default(inp: InputDef) -> int:
        if inp.kind == "choice":
            return [c.value for c in inp.choices].index(inp.default)
        return int(bool(inp.default)) if inp.kind == "boolean" else 0

    def _unit_problem(self, ref: object) -> InputProblem | None:
        if not isinstance(ref, UnitRef):
            return InputProblem(None, None, None, ref, f"不是承办单位：{ref!r}")
        if not isinstance(ref.code, str) or not ref.code.strip():
            return InputProblem(None, None, "code", ref.code, "单位编码不能为空")
        if ref.kind not in self.scheme.unit_kinds:
            kinds = "、".join(f"{k}（{UNIT_KIND_LABELS[k]}）" for k in self.scheme.unit_kinds)
            return InputProblem(ref.code, None, "kind", ref.kind, f"未知的单位类型：{ref.kind}（可选：{kinds}）")
        return None

    def _month_problem(self, month: object) -> str | None:
        if not isinstance(month, str) or not MONTH_RE.match(month):
            return f"月份格式应为 YYYY-MM：{month}"
        if self.year is not None and int(month[:4]) != int(self.year):
            return f"月份不属于 {self.year} 年：{month}"
        return None

    # ------------------------------------------------------------------ parsing and writing

    def _parse_values(self, code, month, values, period: str, problems: list[InputProblem]):
        """{key index: column value or None (clear)} of one record's raw values."""
        index = self._mkey if period == "monthly" else self._akey
        memo = self._memo
        out: dict[int, int | None] = {}
        for key, raw in values.items():
            try:
                hit = memo.get((key, type(raw), raw))
            except TypeError:  # unhashable: parse it
                hit = None
            if hit is None:
                hit = self._parse_value(index, period, key, raw)
                if not isinstance(hit, str):
                    if len(memo) > 100_000:
                        memo.clear()
                    memo[(key, type(raw), raw)] = hit
            if isinstance(hit, str):
                problems.append(InputProblem(str(code), month, str(key), raw, hit))
            else:
                out[hit[0]] = hit[1]
        return out

    def _parse_value(self, index: Mapping[str, int], period: str, key: str, raw: object):
        """(key index, column value or None) of one raw value, or the Chinese reason it is refused
        (parsed by ``InputDef.parse``, the one parser)."""
        s = self.scheme
        k = index.get(key)
        if k is None:
            if not s.has_input(key):
                return f"未知的数据项：{key}"
            if period == "monthly":
                return f"{s.input(key).label}（{key}）是年度数据项，不能按月填写"
            return f"{s.input(key).label}（{key}）是月度数据项，必须指定月份"
        inp = s.input(key)
        try:
            value = inp.parse(raw)
        except InputValueError as exc:
            return exc.message_zh
        v = None if value is None else _encode(inp, value)
        return v if isinstance(v, str) else (k, v)

    def _parse(self, monthly: Mapping, annual: Mapping):
        problems: list[InputProblem] = []
        mout: dict[tuple[int, str], dict | None] = {}
        aout: dict[int, dict | None] = {}
        fixed = self._fixed_months
        for pair, values in monthly.items():
            if not isinstance(pair, tuple) or len(pair) != 2:
                problems.append(InputProblem(None, None, None, pair, f"月度数据的键应为（单位, 月份）：{pair!r}"))
                continue
            code, month = pair
            ok = code in self._index
            if not ok:
                problems.append(InputProblem(str(code), month, None, code, f"未知的单位：{code}"))
            msg = self._month_problem(month)
            if msg is None and fixed is not None and month not in fixed:
                msg = f"月份不在考核期内：{month}"
            if msg:
                problems.append(InputProblem(str(code), str(month), None, month, msg))
                ok = False
            if values is not None and not isinstance(values, Mapping):
                problems.append(InputProblem(str(code), str(month), None, values, "月度数据应为“数据项: 值”的表"))
                continue
            parsed = None if values is None else self._parse_values(code, month, values, "monthly", problems)
            if ok:
                mout[(self._index[code], month)] = parsed
        for code, values in annual.items():
            if code not in self._index:
                problems.append(InputProblem(str(code), None, None, code, f"未知的单位：{code}"))
                continue
            if values is not None and not isinstance(values, Mapping):
                problems.append(InputProblem(str(code), None, None, values, "年度数据应为“数据项: 值”的表"))
                continue
            aout[self._index[code]] = None if values is None else self._parse_values(
                code, None, values, "annual", problems)
        if problems:
            raise ScoringInputError(problems)
        return mout, aout

    def _write(self, monthly: Mapping, annual: Mapping, *, replace: bool):
        """Parse and apply edits (all or nothing); returns (months touched, units touched)."""
        mout, aout = self._parse(monthly, annual)
        months: set[str] = set()
        units: set[int] = set()
        for (i, month), record in mout.items():
            table = self._tables.get(month)
            if (table is None or not table.present[i]) and (
                    record is None or (not replace and all(v is None for v in record.values()))):
                continue  # nothing to remove, or clearing cells of a month without a record
            if table is None:
                table = self._tables[month] = _Table(self._mdefaults, len(self._codes))
            if self._write_row(table, i, record, self._mdefaults, replace):
                months.add(month)
                units.add(i)
        for i, record in aout.items():
            if self._write_row(self._annual_table, i, record or {}, self._adefaults, replace or record is None):
                units.add(i)
        return months, units

    @staticmethod
    def _write_row(table: _Table, i: int, record: dict | None, defaults, replace: bool) -> bool:
        before = (table.present[i], table.values[:, i].copy(), table.given[:, i].copy())
        if record is None or replace:
            table.values[:, i] = defaults
            table.given[:, i] = False
        table.present[i] = record is not None
        for k, v in (record or {}).items():
            table.values[k, i] = defaults[k] if v is None else v
            table.given[k, i] = v is not None
        return not (before[0] == table.present[i] and np.array_equal(before[1], table.values[:, i])
                    and np.array_equal(before[2], table.given[:, i]))

    # ------------------------------------------------------------------ public: reading

    def result(self) -> ScoringResult:
        """The current immutable result (cached until the next edit)."""
        if self._result is None:
            averages = {m: self._scored[m].mean for m in self._period} if self._monthly_mode else {}
            self._result = ScoringResult(
                scheme=self.scheme,
                months=self._period,
                dropped_months=self._dropped,
                month_averages=MappingProxyType(averages),
                units=MappingProxyType({c: self._results[c] for c in self._codes}),
            )
        return self._result

    @property
    def units(self) -> tuple[UnitRef, ...]:
        return tuple(self._refs)

    @property
    def months(self) -> tuple[str, ...]:
        """All months of the period as given (or present in the data), dropped ones included."""
        return self._all_months()

    def _all_months(self) -> tuple[str, ...]:
        if self._fixed_months is not None:
            return self._fixed_months
        return tuple(sorted(m for m, t in self._tables.items() if t.present.any()))

    def monthly_values(self, unit: str, month: str) -> dict[str, object] | None:
        """The values entered for a unit-month (parsed), or ``None`` when it has no record."""
        table = self._tables.get(month)
        i = self._index[unit]
        if table is None or not table.present[i]:
            return None
        return self._row(table, i, self._minputs)

    def year_figures(self, unit: str) -> dict[str, object]:
        """Licheng: the unit's year figures the annual indicators score (the sum of a count over
        the months; a rate volume-weighted, ``None`` without volume), as of the last edit."""
        i = self._index[unit]
        out: dict[str, object] = {}
        for inp in self._aggregated:
            col, given = self._agg[inp.key]
            out[inp.key] = int(col[i]) if inp.aggregate == "sum" else (col[i] if given[i] else None)
        return out

    def annual_values(self, unit: str) -> dict[str, object]:
        return self._row(self._annual_table, self._index[unit], self._ainputs)

    @staticmethod
    def _row(table: _Table, i: int, inputs) -> dict[str, object]:
        given = table.given[:, i]
        values = table.values[:, i]
        return {inputs[k].key: _decode(inputs[k], values[k]) for k in np.flatnonzero(given)}

    # ------------------------------------------------------------------ public: editing

    def set_monthly_value(self, unit: str, month: str, key: str, value: object) -> frozenset[str]:
        """Set (``None``: clear) one monthly cell; returns the codes to refresh (see :meth:`set_many`)."""
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

        Returns the codes of the units to refresh: those whose result changed (figures, ranks,
        并列 flags, months) and every unit whose entered values changed. Re-entering the
        values a record already holds changes nothing and reports nothing.
        """
        months, units = self._write(monthly or {}, annual or {}, replace=replace)
        if not months and not units:
            return frozenset()
        annual_touched = bool(annual) or not self._monthly_mode
        changed = self._rescore(months, annual_touched)
        return changed | {self._codes[i] for i in units}

    def set_unit(self, ref: UnitRef) -> frozenset[str]:
        """Add a unit or change its name / kind."""
        p = self._unit_problem(ref)
        if p:
            raise ScoringInputError([p])
        old = self._index.get(ref.code)
        if old is not None and self._refs[old] == ref:
            return frozenset()
        refs = {r.code: r for r in self._refs}
        refs[ref.code] = ref
        return self._rebuild(refs, self._fixed_months)

    def remove_unit(self, code: str) -> frozenset[str]:
        """Drop a unit and its data from the scoring."""
        if code not in self._index:
            raise ScoringInputError([InputProblem(code, None, None, code, f"未知的单位：{code}")])
        refs = {r.code: r for r in self._refs if r.code != code}
        return self._rebuild(refs, self._fixed_months) | {code}

    def set_months(self, months: Iterable[str] | None) -> frozenset[str]:
        """Change the assessment period (``None``: the months present). Data outside it must not exist."""
        problems: list[InputProblem] = []
        new: list[str] = []
        for m in months or ():
            msg = self._month_problem(m)
            if msg:
                problems.append(InputProblem(None, str(m), None, m, msg))
            elif m not in new:
                new.append(m)
        if months is not None:
            for m, table in self._tables.items():
                for i in np.flatnonzero(table.present if m not in new else []):
                    problems.append(InputProblem(self._codes[i], m, None, m, f"该月已有数据，不能移出考核期：{m}"))
        if problems:
            raise ScoringInputError(problems)
        return self._rebuild({r.code: r for r in self._refs}, None if months is None else tuple(sorted(new)))

    def recompute(self) -> frozenset[str]:
        """Full recompute from the loaded columns (every result rebuilt); returns every code."""
        self._results = {}
        return self._rescore(None, True)

    def _rebuild(self, refs: Mapping[str, UnitRef], months) -> frozenset[str]:
        monthly = {(c, m): v for c in self._codes if c in refs for m in self._tables
                   if (v := self.monthly_values(c, m)) is not None}
        annual = {c: self.annual_values(c) for c in self._codes if c in refs}
        before = self._results
        self._set_units(refs)
        self._fixed_months = months
        self._load(monthly, annual)
        changed = set()
        for code, r in self._results.items():
            if before.get(code) == r:
                self._results[code] = before[code]
            else:
                changed.add(code)
        return frozenset(changed)

    # ------------------------------------------------------------------ scoring

    def _rescore(self, months: set[str] | None, annual_touched: bool) -> frozenset[str]:
        """Rescore the given months (``None``: all) and the annual level, then totals, ranks and
        the results of the units whose figures changed; returns their codes."""
        n = len(self._codes)
        dirty = np.zeros(n, bool)
        full = months is None or not self._results
        all_months = self._all_months()
        if self._monthly_mode:
            for m in list(self._scored):
                if m not in all_months:
                    del self._scored[m]
                    full = True
            todo = all_months if months is None else sorted(set(months) | (set(all_months) - set(self._scored)))
            self._moved = {}
            for m in todo:
                new = self._score_month(m)
                old = self._scored.get(m)
                moved = self._moved[m] = np.ones(n, bool) if old is None else self._month_rows_changed(old, new)
                dirty |= moved
                self._scored[m] = new
            period = tuple(m for m in all_months if self._scored[m].mean is not None)
            full |= period != self._period
            self._period = period
            self._dropped = tuple(m for m in all_months if self._scored[m].mean is None)
        else:
            self._period, self._dropped = all_months, ()
        self._annual_moved = np.zeros(n, bool)
        if annual_touched or self._annual is None:
            new_annual = self._score_annual()
            self._annual_moved = self._annual_rows_changed(self._annual, new_annual)
            dirty |= self._annual_moved
            self._annual = new_annual
        if full:
            dirty[:] = True
        return self._finish(dirty, full)

    def _columns(self, table: _Table, inputs, keys: Mapping[str, int], ns, extra=None) -> Columns:
        values, given = table.values, table.given
        exact = isinstance(ns, Exact)
        cache: dict[str, object] = {}

        def given_of(key):
            if extra is not None and key in extra:
                return extra[key][1]
            k = keys[key]
            src = inputs[k].default_from
            return given[k] | given_of(src) if src else given[k]

        def x(key):
            if extra is not None and key in extra:
                return extra[key][0]
            col = cache.get(key)
            if col is None:
                cache[key] = col = column(key)
            return col

        def column(key):
            k = keys[key]
            inp = inputs[k]
            col = values[k]
            if inp.default_from:
                col = np.where(given[k], col, x(inp.default_from))
            if not exact or inp.kind == "choice":
                return col
            if inp.kind in ("rate", "manual"):
                return np.array([_fixed(v, RATE_DECIMALS) for v in col.tolist()], dtype=object)
            return col.astype(object)

        return Columns(ns, len(self._codes), x, given_of, self._kind, self.scheme.unit_kinds,
                       self._share_totals if exact else None)

    def _score_month(self, month: str) -> _Month:
        s = self.scheme
        table = self._tables.get(month) or _Table(self._mdefaults, len(self._codes))
        c = self._columns(table, self._minputs, self._mkey, s.scale)
        present = table.present
        lacking = [(key, present & ~c.given(key) & (always | (c.x(cond) > 0 if cond else False)))
                   for key, cond, always in self._required]
        incomplete = np.zeros(len(self._codes), bool)
        for _key, mask in lacking:
            incomplete |= mask
        status = np.where(present, _SCORED, _NONE).astype(np.int8)
        status[incomplete] = _INCOMPLETE
        if s.zero_volume == "average":
            status[(status == _SCORED) & (c.x(s.volume_input) == 0)] = _AVERAGED
        missing = {int(i): tuple(key for key, mask in lacking if mask[i]) for i in np.flatnonzero(incomplete)}
        level = score_level(s.monthly_indicators, s.monthly_score, c)
        scored = status == _SCORED
        count = int(scored.sum())
        mean = None
        if count:
            mean = CONTEXT.divide(_fixed(int(level.score[scored].sum()), s.scale.e), count)
        rank = tied = None
        if s.monthly_ranks:
            rank, tied = competition_ranks(round_cents(level.score, s.scale.e), scored)
        return _Month(month, status, level, rank, tied, missing, mean)

    @staticmethod
    def _month_rows_changed(old: _Month, new: _Month):
        a, b = old.level, new.level
        changed = (old.status != new.status) | (a.score != b.score) | (a.bonus != b.bonus) | (
            a.penalty != b.penalty) | (a.indicators != b.indicators).any(axis=0)
        if new.rank is not None:
            changed |= (old.rank != new.rank) | (old.tied != new.tied)
        if old.mean != new.mean:
            changed |= new.status == _AVERAGED
        for i in new.missing.keys() | old.missing.keys():
            changed[i] |= old.missing.get(i) != new.missing.get(i)
        return changed

    def _aggregates(self) -> tuple[dict[str, tuple], dict[int, list[str]]]:
        """Licheng: each unit's year figures (sums; volume-weighted rates, exact) and the
        unit-months lacking a required rate."""
        n = len(self._codes)
        months = self._all_months()
        tables = [self._tables[m] for m in months]
        out: dict[str, tuple] = {}
        missing: dict[int, list[str]] = {}
        present = np.array([t.present for t in tables], bool).reshape(len(tables), n)
        for inp in self._aggregated:
            k = self._mkey[inp.key]
            values = np.array([t.values[k] for t in tables], np.int64).reshape(len(tables), n)
            if inp.aggregate == "sum":
                out[inp.key] = (values.sum(axis=0).astype(object), np.ones(n, bool))
                continue
            w = np.array([t.values[self._mkey[inp.weight]] for t in tables], np.int64).reshape(len(tables), n)
            given = np.array([t.given[k] for t in tables], bool).reshape(len(tables), n) & present
            lacking = present & ~given & ((w != 0) | inp.required)
            for j, i in zip(*np.nonzero(lacking), strict=True):
                missing.setdefault(int(i), []).append(f"{months[j]}:{inp.key}")
            num = (values * w * given).sum(axis=0)
            den = (w * given).sum(axis=0)
            col = np.array([CONTEXT.divide(_fixed(int(a), RATE_DECIMALS), int(b)) if b else ZERO
                            for a, b in zip(num, den, strict=True)], dtype=object)
            out[inp.key] = (col, den != 0)
        for lst in missing.values():
            lst.sort()
        return out, missing

    def _share_totals(self, key: str, scope: str):
        x = self._agg[key][0]
        if scope == "all":
            return np.full(len(x), sum(x), dtype=object)
        sums = {g: sum(x[self._group == g]) for g in range(len(self._group_keys))}
        return np.array([sums[g] for g in self._group], dtype=object)

    def _score_annual(self) -> _Annual:
        s = self.scheme
        ns = Exact() if self._exact_annual else s.scale
        agg, agg_missing = self._aggregates() if self._aggregated else ({}, {})
        self._agg = agg
        c = self._columns(self._annual_table, self._ainputs, self._akey, ns, agg)
        inds = s.annual_indicators
        gone = np.zeros((len(inds), len(self._codes)), bool)
        for i, lst in agg_missing.items():
            keys = {m.split(":", 1)[1] for m in lst}
            for j, ind in enumerate(inds):
                gone[j, i] = bool(ind.inputs & keys)
        level = score_level(inds, s.annual_score, c, counted=~gone)
        shown = level.ok & ~gone
        missing = {int(i): tuple(key for j, ind in enumerate(inds) if not level.ok[j, i] and not gone[j, i]
                                 for key in ind.manual_inputs if not c.given(key)[i])
                   for i in np.flatnonzero((~level.ok & ~gone).any(axis=0))}
        veto = np.full(len(self._codes), -1, np.int64)
        for j, v in reversed(list(enumerate(s.vetoes))):
            veto[c.x(v.input) != 0] = j
        key = s.unranked_when_zero
        volume = None if key is None else agg[key][0] if key in agg else np.zeros(len(self._codes), np.int64)
        return _Annual(level, shown, missing, veto, agg_missing, volume)

    @staticmethod
    def _annual_rows_changed(old: _Annual | None, new: _Annual):
        n = new.veto.shape[0]
        if old is None:
            return np.ones(n, bool)
        a, b = old.level, new.level
        changed = (a.indicators != b.indicators).any(axis=0) | (old.shown != new.shown).any(axis=0)
        changed |= old.veto != new.veto
        if b.score is not None:
            changed |= (a.score != b.score) | (a.bonus != b.bonus) | (a.penalty != b.penalty)
        for i in (old.missing.keys() | new.missing.keys() | old.agg_missing.keys() | new.agg_missing.keys()):
            changed[i] |= (old.missing.get(i), old.agg_missing.get(i)) != (new.missing.get(i), new.agg_missing.get(i))
        if new.volume is not None:
            changed |= (old.volume != 0) != (new.volume != 0)
        return changed

    # ------------------------------------------------------------------ totals, ranks, results

    def _finish(self, dirty, full: bool) -> frozenset[str]:
        """Totals of the ``dirty`` units, ranks of all, results of those that changed."""
        n = len(self._codes)
        if full or not hasattr(self, "_tails"):
            self._tails = [None] * n
            self._rounded = np.zeros(n, np.int64)
            self._ranked = np.zeros(n, bool)
            self._rank = np.zeros(n, np.int64)
            self._tied = np.zeros(n, bool)
        months = tuple(self._scored[m] for m in self._period) if self._monthly_mode else ()
        todo = np.flatnonzero(dirty)
        if self._monthly_mode and months:
            status = np.stack([m.status for m in months])
            sums = np.where(status == _SCORED, np.stack([m.level.score for m in months]), 0).sum(axis=0)
            plain = (status == _SCORED).all(axis=0)
            sums, plain = sums[todo].tolist(), plain[todo].tolist()
        else:
            sums = plain = [None] * len(todo)
        ranked, rounded, tails = self._ranked, self._rounded, self._tails
        todo = todo.tolist()
        for i, tail in zip(todo, self._unit_tails(todo, sums, plain), strict=True):
            tails[i] = tail
            ranked[i] = tail[0] is RANKED
            rounded[i] = int(round2(tail[1]).scaleb(2)) if tail[0] is RANKED else 0
        rank = np.zeros(n, np.int64)
        tied = np.zeros(n, bool)
        for g in range(len(self._group_keys)):
            mine = self._group == g
            r, t = competition_ranks(self._rounded, self._ranked & mine)
            rank[mine], tied[mine] = r[mine], t[mine]
        dirty = dirty | (rank != self._rank) | (tied != self._tied)
        self._rank, self._tied = rank, tied
        before = self._results if full else {}
        changed = []
        annual_rows = None
        for i in np.flatnonzero(dirty).tolist():
            code = self._codes[i]
            prev = self._results.get(code)
            if full or prev is None or self._annual_moved[i]:
                if annual_rows is None:
                    annual_rows = self._annual_rows()
                new = self._unit_result(i, months, annual_rows[i])
            else:
                new = self._unit_result(i, months, prev)
            old = before.get(code)
            if old is not None and old == new:
                self._results[code] = old
                continue
            if not full:
                self._keep_months(self._results[code].months, new.months, i)
            self._results[code] = new
            changed.append(code)
        if not full:  # unchanged units' month views follow the new snapshots (their rows are equal)
            for i in np.flatnonzero(~dirty).tolist():
                view = self._results[self._codes[i]].months
                if isinstance(view, _Months):
                    view._months = months
        self._result = None
        return frozenset(changed)

    def _keep_months(self, old, new, i: int) -> None:
        """Hand the month results ``old`` built for months not rescored for unit ``i`` to ``new``."""
        if isinstance(old, _Months) and isinstance(new, _Months):
            moved = self._moved if self._monthly_mode else {}
            new._built = {m: r for m, r in old._built.items() if m not in moved or not moved[m][i]}

    def _unit_tails(self, todo: list[int], sums: list, plain: list):
        """(status, total, missing, monthly average) of each unit of ``todo``; ``sums``: Σ of its
        scored months (scaled), ``plain``: every period month scored."""
        s, a, period = self.scheme, self._annual, self._period
        e, divide, add, multiply = s.scale.e, CONTEXT.divide, CONTEXT.add, CONTEXT.multiply
        combine, mw, aw = s.total.combine, s.total.monthly_weight, s.total.annual_weight
        vetoed, volume = a.veto.tolist(), None if a.volume is None else a.volume.tolist()
        exact = self._exact_annual
        scores = a.level.score.tolist() if combine in ("annual", "weighted") else None
        for i, scored_sum, simple in zip(todo, sums, plain, strict=True):
            missing, average = self._tail_missing(i, simple), None
            if self._monthly_mode and not missing:
                means = () if simple else [self._scored[m].mean for m in period if self._scored[m].status[i] == _AVERAGED]
                average = divide(sum(means, _fixed(scored_sum, e)), len(period))
            missing += a.missing.get(i, ())
            if missing:
                yield (INCOMPLETE, None, tuple(missing), average)
                continue
            if scores is not None:
                annual = Decimal(scores[i]) if exact else _fixed(int(scores[i]), e)
            if vetoed[i] >= 0:
                total = s.vetoes[vetoed[i]].total
            elif combine == "weighted":
                total = add(multiply(mw, average), multiply(aw, annual))
            else:
                total = annual if combine == "annual" else average
            yield (UNRANKED if volume is not None and not volume[i] else RANKED, total, (), average)

    def _tail_missing(self, i: int, simple: bool) -> list[str]:
        """What keeps unit ``i`` from a total, apart from annual items: months (monthly schemes) or
        unit-months lacking a rate the year figures need (Licheng)."""
        if not self._monthly_mode:
            return list(self._annual.agg_missing.get(i, ()))
        if not self._period:
            return [NO_PERIOD]
        missing: list[str] = []
        if not simple:
            for m in self._period:
                sm = self._scored[m]
                if sm.status[i] == _NONE:
                    missing.append(m)
                elif sm.status[i] == _INCOMPLETE:
                    missing.extend(f"{m}:{k}" for k in sm.missing[i])
        return missing

    def _annual_rows(self) -> list[tuple]:
        """Per unit: (indicators, subtotals, (annual score, bonus, penalty) or None, veto) as
        results show them."""
        s = self.scheme
        a = self._annual
        lv = a.level
        keys = [ind.key for ind in s.annual_indicators]
        cats = [c for c in s.categories if c.level == "annual"]
        index = {k: j for j, k in enumerate(keys)}
        members = [[index[k] for k in c.indicators] for c in cats]
        n = len(self._codes)
        if self._exact_annual:
            dec = np.vectorize(Decimal, otypes=[object])
        else:
            dec = _decimal_array(self.scheme.scale.e)
        values = dec(lv.indicators).T.tolist() if keys else [[] for _ in range(n)]
        shown = a.shown.T.tolist()
        if cats and keys:
            subs = dec(np.stack([lv.indicators[m].sum(axis=0) for m in members])).T.tolist()
            subs_ok = np.stack([a.shown[m].all(axis=0) for m in members]).T.tolist()
        else:
            subs, subs_ok = [[]] * n, [[]] * n
        scores = [None] * n
        if lv.score is not None and keys:
            scores = list(zip(*(dec(x).tolist() for x in (lv.score, lv.bonus, lv.penalty)), strict=True))
        cat_keys = [c.key for c in cats]
        vetoes = [v.key for v in s.vetoes] + [None]  # veto -1: none
        proxy = MappingProxyType
        out = []
        for i, (row, show, sub, sub_ok, figs, veto) in enumerate(
                zip(values, shown, subs, subs_ok, scores, a.veto.tolist(), strict=True)):
            indicators = {k: v for k, v, ok in zip(keys, row, show, strict=True) if ok}
            categories = {k: v for k, v, ok in zip(cat_keys, sub, sub_ok, strict=True) if ok}
            out.append((proxy(indicators), proxy(categories), None if i in a.missing else figs, vetoes[veto]))
        return out

    def _unit_result(self, i: int, months: tuple[_Month, ...], annual) -> UnitResult:
        """Unit ``i``'s result; ``annual``: its :meth:`_annual_rows` entry, or its previous result
        (whose annual figures still hold)."""
        status, total, missing, average = self._tails[i]
        if isinstance(annual, UnitResult):
            p = annual
            indicators, categories, veto = p.indicators, p.categories, p.veto
            figs = (p.annual_score, p.annual_bonus, p.annual_penalty)
        else:
            indicators, categories, figs, veto = annual
            figs = figs or (None, None, None)
        ranked = status is RANKED and self._rank[i] > 0
        return UnitResult(
            self._refs[i], self._groups[i], status, total, int(self._rank[i]) if ranked else None,
            bool(self._tied[i]) if ranked else False, missing, veto, indicators, categories, *figs, average,
            _Months(self, months, i) if self._monthly_mode else _EMPTY,
        )

    def _month_result(self, m: _Month, i: int) -> MonthResult:
        st = m.status[i]
        if st == _NONE:
            return MonthResult(m.month, "missing", None, None, False, _EMPTY, None, None, None, ())
        if st == _AVERAGED:
            return MonthResult(m.month, "averaged", m.mean, None, False, _EMPTY, None, None, None, ())
        e = self.scheme.scale.e
        inds = self.scheme.monthly_indicators
        values = m.level.indicators[:, i]
        if st == _INCOMPLETE:
            gone = set(m.missing[i])
            shown = {ind.key: _fixed(int(v), e) for ind, v in zip(inds, values, strict=True) if not ind.inputs & gone}
            return MonthResult(m.month, "incomplete", None, None, False, MappingProxyType(shown), None, None, None,
                               m.missing[i])
        rank = int(m.rank[i]) if m.rank is not None else None
        tied = bool(m.tied[i]) if m.tied is not None else False
        lv = m.level
        return MonthResult(
            m.month, "scored", _fixed(int(lv.score[i]), e), rank, tied,
            MappingProxyType({ind.key: _fixed(int(v), e) for ind, v in zip(inds, values, strict=True)}),
            _fixed(int(lv.base[i]), e), _fixed(int(lv.bonus[i]), e), _fixed(int(lv.penalty[i]), e), (),
        )
