"""The scoring engine: a scheme's rules (:mod:`rules`) over columns, recomputed whole.

Entered values live in int64 columns, one table per month and one for the year (every unit a
column position, in code order), parsed once on the way in (``InputDef.parse``, or by the store).
An edit rescores the month(s) it touched (Licheng: the year), then every unit's total and rank,
into a new immutable :class:`_Snapshot`; what changed is found by comparing it with the previous
one, column against column. A snapshot's results are built from its own columns when read (a
unit's result, and each of its months, on first access), so a result read late still shows its
own time. Figures are exact scaled integers; Decimals are built only for results.

* **annual** schemes (``licheng-2020``): the months' figures are summed (rates volume-weighted)
  and scored once for the year; ``share`` indicators depend on Σ volume of the ranking group.
* **monthly** schemes (Ganxian): every unit-month is scored; months without work orders take the
  month's average; monthly ranks; the total combines the monthly mean (and the annual basic
  score) or is vetoed.
"""

from __future__ import annotations

import math
import re
from collections import namedtuple
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache, partial
from types import MappingProxyType

import numpy as np

from hotline_desktop.core.scoring.errors import InputProblem, InputValueError, ScoringInputError
from hotline_desktop.core.scoring.numbers import CONTEXT, ZERO, round2
from hotline_desktop.core.scoring.results import (
    INCOMPLETE,
    NO_PERIOD,
    RANKED,
    UNRANKED,
    LazyUnits,
    MonthResult,
    Places,
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
from hotline_desktop.core.stored_values import scaled

__all__ = ["ScoringEngine", "MONTH_RE", "column_value"]

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_EMPTY: Mapping = MappingProxyType({})

_NONE, _SCORED, _AVERAGED, _INCOMPLETE = 0, 1, 2, 3  # status of a unit-month
_STATUS = (RANKED, UNRANKED, INCOMPLETE)  # status of a unit, by its code in a snapshot
_MONTH_STATUS = ("missing", "scored", "averaged", "incomplete")


def column_value(inp: InputDef, value: object) -> int | str:
    """The column form of a parsed value: the stored number (:func:`stored_values.scaled`: a count
    as is, a boolean 0/1, a rate or score × 10**RATE_DECIMALS), a choice its index; or the Chinese
    reason it cannot be scored."""
    if inp.kind == "choice":
        return [c.value for c in inp.choices].index(value)
    if inp.kind == "count" and value >= COUNT_LIMIT:
        return f"{inp.label}超出可计算范围（须小于 {COUNT_LIMIT:,}）：{value}"
    num = scaled(inp, value)[0]
    return f"{inp.label}最多 {RATE_DECIMALS} 位小数：{value}" if num is None else num


@lru_cache(maxsize=1 << 16)  # figures repeat across units and months
def _decimal(v: int, e: int) -> Decimal:
    """The Decimal of a figure ``v`` at scale ``e``, without trailing zeros (``23500000``, 6 -> ``23.5``)."""
    q, r = divmod(v, 10**e)
    return Decimal(v).scaleb(-e).normalize(CONTEXT) if r else Decimal(q)


def _cents(total: Decimal) -> int:
    return int(round2(total).scaleb(2))


def _differ(n: int, old: list, new: list, maps=()) -> np.ndarray:
    """Per unit (of ``n``): whether any pair of columns (units on the last axis; ``None``: none) or
    of {unit position: items} maps differs."""
    out = np.zeros(n, bool)
    for a, b in zip(old, new, strict=True):
        if a is not None:
            out |= (a != b).reshape(-1, n).any(axis=0)
    for a, b in maps:
        for i in a.keys() | b.keys() if a != b else ():
            out[i] |= a.get(i) != b.get(i)
    return out


def _frozen(*columns: np.ndarray) -> None:
    for c in columns:
        c.setflags(write=False)


def _figures(level) -> list:
    return [level.indicators, level.score, level.bonus, level.penalty]


class _Unfit(Exception):
    """The figures do not fit :class:`_Fixed` (a fraction, or beyond its bound)."""


class _Decimals:
    """The numbers of :meth:`ScoringEngine._totals` as results show them: Decimals (lists) in
    ``CONTEXT`` (the months' averages added as ``sum`` adds)."""

    def __init__(self, e: int):
        self.e = e

    def figure(self, v, exact: bool = False) -> Decimal:
        """The Decimal of a figure (an exact level's are Decimals already)."""
        return Decimal(v) if exact else _decimal(int(v), self.e)

    def figures(self, col, exact: bool = False) -> list:
        return [Decimal(v) for v in col.tolist()] if exact else [_decimal(v, self.e) for v in col.tolist()]

    @staticmethod
    def plus(own: list, averaged, means: list[Decimal]) -> list:
        """``own`` plus the ``means`` of the months ``averaged`` (months × rows), month by month."""
        return [sum([m for x, m in zip(months, means, strict=True) if x], v) if True in months else v
                for v, months in zip(own, averaged.T.tolist(), strict=True)]

    @staticmethod
    def divide(own: list, p: int) -> list:
        return [CONTEXT.divide(v, p) for v in own]

    @staticmethod
    def weigh(mw: Decimal, average: list, aw: Decimal, annual: list) -> list:
        return [CONTEXT.add(CONTEXT.multiply(mw, u), CONTEXT.multiply(aw, v)) for u, v in zip(average, annual,
                                                                                             strict=True)]


#: A column of :class:`_Fixed`: ``num / den`` (``den`` an int for all rows), ``num`` off by at most
#: ``err / 2`` (the months' averages rounded; a column, or 0), ``top`` a bound of ``|num|``.
_Frac = namedtuple("_Frac", "num den err top")


class _Fixed:
    """The numbers of :meth:`ScoringEngine._totals` for ranks: int64 columns of fractions over one
    denominator, exact but for the months' averages (rounded to 10**-k); :meth:`cents` rounds them
    as the Decimal totals round, but for the units within that error of a half cent."""

    def __init__(self, e: int):
        self.e, self.k = e, max(e, 12)

    def figures(self, col, exact: bool = False) -> _Frac:
        if exact:
            raise _Unfit
        top = int(np.abs(col).max(initial=0)) * 10 ** (self.k - self.e)
        return _checked(_Frac(col * 10 ** (self.k - self.e), 10**self.k, 0, top))

    def plus(self, own: _Frac, averaged, means: list[Decimal]) -> _Frac:
        if not averaged.any():
            return own
        v = np.array([round(m.scaleb(self.k)) for m in means], np.int64)
        return _checked(_Frac(own.num + v @ averaged, own.den, own.err + np.count_nonzero(averaged, axis=0),
                              own.top + int(np.abs(v).sum())))

    @staticmethod
    def divide(own: _Frac, p: int) -> _Frac:
        return own._replace(den=own.den * p)

    @staticmethod
    def weigh(mw: Decimal, average: _Frac, aw: Decimal, annual: _Frac) -> _Frac:
        w = max(0, -mw.as_tuple().exponent, -aw.as_tuple().exponent)
        a, b = int(mw.scaleb(w)), int(aw.scaleb(w))
        den = math.lcm(average.den, annual.den)
        x, y = a * (den // average.den), b * (den // annual.den)
        return _checked(_Frac(x * average.num + y * annual.num, den * 10**w, abs(x) * average.err + abs(y) * annual.err,
                              abs(x) * average.top + abs(y) * annual.top))

    @staticmethod
    def cents(total: _Frac) -> tuple[np.ndarray, np.ndarray]:
        """(cents rounded half-up, whether that is sure): left open within the error, and within the
        Decimal steps' own (below 10**-27 of the total: ``top`` is checked far below that)."""
        if total.den % 100 or 100 * total.top >= 10**27:
            raise _Unfit
        d = total.den // 100
        q, r = np.divmod(np.abs(total.num), d)
        cents = q + (2 * r >= d)
        return np.where(total.num < 0, -cents, cents), np.abs(2 * r - d) > total.err + 2


def _checked(f: _Frac) -> _Frac:
    if f.top >= 2**62 or f.den >= 2**61:
        raise _Unfit
    return f


# Columns with the units on the last axis. Tables are written in place by edits; the scored state
# (months, annual level, snapshots) is never changed, only replaced.
#: Entered values of every unit for one month (or the year): int64 columns (``values``), an
#: entered mask per input (``given``), and which units hold a record (``present``).
_Table = namedtuple("_Table", "values given present")
#: One month scored: status per unit, figures (``rules.LevelScores``, scale ``e``), ranks, missing keys, average;
#: per unit its own score (0 unless scored), whether averaged, whether lacking (no record, or incomplete), the
#: score it shows in cents (its own or the average; 0 without one).
_Month = namedtuple("_Month", "month status level rank tied missing mean own averaged lacks cents")
#: The annual level of every unit: indicators and score, which are shown, what is missing (``incomplete``:
#: a manual score; ``lacking``: a rate the year figures need), vetoes, the year figures.
_Annual = namedtuple("_Annual", "level shown missing incomplete veto agg agg_missing lacking volume")
#: Everything scored: the units, the period's months by name, the period and the dropped months, the
#: annual level; per unit its status (index into ``_STATUS``), whether it lacks a month (or a year
#: figure), Σ of its scored period months (scale ``e``), which of them are averaged, rank (0: not ranked), 并列,
#: total in cents (0 without one: incomplete).
_Snapshot = namedtuple("_Snapshot", "refs codes groups index months period dropped annual status lacking sums "
                                    "averaged rank tied cents")


# ---------------------------------------------------------------------------- the engine


class ScoringEngine:
    """Score one scheme over a set of units and a period.

    ``monthly`` maps ``(unit_code, "YYYY-MM")`` to ``{input_key: value}``; ``annual`` maps
    ``unit_code`` to ``{input_key: value}``. Values are raw (text, int, Decimal, bool) and
    parsed with each input's ``parse``; ``None`` means "not entered". ``months`` is the
    assessment period; when ``None`` it is the months present in the data. All bad input is
    reported at once in a :class:`ScoringInputError`; nothing is applied.
    """

    def __init__(self, scheme: Scheme, units: Iterable[UnitRef], months: Iterable[str] | None = None,
                 monthly: Mapping[tuple[str, str], Mapping[str, object]] | None = None,
                 annual: Mapping[str, Mapping[str, object]] | None = None, *, year: int | None = None):
        self._setup(scheme, units, months, year)
        self._load(monthly or {}, annual or {})

    @classmethod
    def from_columns(cls, scheme: Scheme, units: Iterable[UnitRef], months: Iterable[str] | None = None, *,
                     monthly: Mapping[str, tuple[np.ndarray, Mapping[str, tuple[np.ndarray, np.ndarray]]]],
                     annual: Mapping[str, tuple[np.ndarray, np.ndarray]], year: int | None = None) -> ScoringEngine:
        """An engine over values already in column form (as the store keeps them): ``monthly``
        maps a month to (positions of the units holding a record, {key: (positions, values)});
        ``annual`` maps a key to (positions, values). Positions index ``units`` as given; values
        are int64 column values (:func:`column_value`), checked by the store when written."""
        units = list(units)
        self = cls.__new__(cls)
        self._setup(scheme, units, months, year)
        problems: list[InputProblem] = []
        perm = np.array([self._index[u.code] for u in units], np.int64)

        def columns(cols, month, index, inputs, period):
            out = {}
            for key, (rows, values) in cols.items():
                k, values = index.get(key), np.asarray(values, np.int64)
                if k is None:
                    problems.append(InputProblem(None, month, key, key, f"未知的{period}数据项：{key}"))
                elif inputs[k].kind == "count" and values.size and (values.min() < 0 or values.max() >= COUNT_LIMIT):
                    problems.append(InputProblem(None, month, key, key, f"{inputs[k].label}超出可计算范围：{key}"))
                else:
                    out[k] = (perm[np.asarray(rows, np.int64)], values)
            return out

        for month, (present, cols) in monthly.items():
            msg = self._month_problem(month, within=True)
            if msg:
                problems.append(InputProblem(None, str(month), None, month, msg))
            elif len(present):
                self._tables[month] = self._table(perm[np.asarray(present, np.int64)],
                                                  columns(cols, month, self._mkey, self._minputs, "月度"))
        self._annual_table = self._table(perm, columns(annual, None, self._akey, self._ainputs, "年度"), annual=True)
        if problems:
            raise ScoringInputError(problems)
        self._rescore(None, True)
        return self

    @classmethod
    def check_units_and_months(cls, scheme: Scheme, units: Iterable[UnitRef], months: Iterable[str] | None = None,
                               *, year: int | None = None) -> None:
        """Raise :class:`ScoringInputError` for bad units or months, as the constructor does."""
        cls.__new__(cls)._setup(scheme, units, months, year)

    def _setup(self, scheme: Scheme, units, months, year) -> None:
        """Check and take the units and the period; empty tables."""
        self.scheme, self.year, self._monthly_mode = (s := scheme), year, scheme.has_monthly_scores
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
        fixed = None if months is None else self._period(months, problems)
        if problems:
            raise ScoringInputError(problems)
        self._fixed_months, self._codes = fixed, sorted(refs)
        self._refs = [refs[c] for c in self._codes]
        self._index = {c: i for i, c in enumerate(self._codes)}
        self._code_array = np.array(self._codes, object)
        self._kind = np.array([s.unit_kinds.index(r.kind) for r in self._refs], np.int64)
        self._group_keys = [g.key for g in s.groups]
        self._groups = [s.group_of_kind(r.kind) for r in self._refs]
        self._group = np.array([self._group_keys.index(g) for g in self._groups], np.int64)
        self._minputs, self._ainputs, self._e = s.monthly_inputs, s.annual_inputs, s.scale.e
        self._decimals = _Decimals(self._e)
        self._mkey = {i.key: n for n, i in enumerate(self._minputs)}
        self._akey = {i.key: n for n, i in enumerate(self._ainputs)}
        self._required = [(i.key, i.required_when_positive, i.kind == "rate" and i.required) for i in self._minputs
                          if (i.kind == "rate" and i.required) or i.required_when_positive]
        self._aggregated = [i for i in self._minputs if i.aggregate]
        self._exact_annual = any(i.aggregate == "weighted_mean" for i in self._minputs) or any(
            t.type == "share" for i in s.annual_indicators for t in i.terms)
        keys = self._annual_keys = [ind.key for ind in s.annual_indicators]
        self._annual_cats = [(c.key, [keys.index(k) for k in c.indicators]) for c in s.categories_for("annual")]
        self._mkeys = [ind.key for ind in s.monthly_indicators]
        self._minds = [ind.inputs for ind in s.monthly_indicators]
        self._mdefaults, self._adefaults = (np.array([self._default(i) for i in inputs], np.int64)
                                            for inputs in (self._minputs, self._ainputs))
        self._tables: dict[str, _Table] = {}
        self._annual_table = self._table(np.arange(len(self._codes)), annual=True)
        self._snap, self._result, self._rank_moves = None, None, frozenset()

    def _period(self, months: Iterable[str], problems: list[InputProblem]) -> tuple[str, ...]:
        seen: list[str] = []
        for m in months:
            msg = self._month_problem(m) or (f"考核月份重复：{m}" if m in seen else None)
            if msg:
                problems.append(InputProblem(None, str(m), None, m, msg))
            else:
                seen.append(m)
        return tuple(sorted(seen))

    def _load(self, monthly: Mapping, annual: Mapping) -> None:
        """Parse raw records into the (empty) tables, column by column; then score."""
        mout, aout = self._parse(monthly, annual)
        records: dict[str | None, list] = {None: list(aout.items())}
        for (i, month), record in mout.items():
            if record is not None:
                records.setdefault(month, []).append((i, record))
        for month, rows in records.items():
            columns: dict[int, tuple[list, list]] = {}
            for i, record in rows:
                for k, v in (record or {}).items():
                    if v is not None:
                        columns.setdefault(k, ([], []))[0].append(i)
                        columns[k][1].append(v)
            present = range(len(self._codes)) if month is None else [i for i, _r in rows]  # a year for every unit
            self._tables[month] = self._table(present, columns, annual=month is None)
        self._annual_table = self._tables.pop(None)
        self._rescore(None, True)

    def _table(self, present=(), columns: Mapping[int, tuple] = _EMPTY, annual: bool = False) -> _Table:
        """A table of every unit: ``present`` hold a record, ``columns`` {key index: (units, values)}."""
        defaults, n = self._adefaults if annual else self._mdefaults, len(self._codes)
        table = _Table(np.repeat(defaults[:, None], n, axis=1), np.zeros((len(defaults), n), bool), np.zeros(n, bool))
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

    def _month_problem(self, month: object, within: bool = False) -> str | None:
        """Why ``month`` is refused (``within``: it must lie in a fixed period), or None."""
        if not isinstance(month, str) or not MONTH_RE.match(month):
            return f"月份格式应为 YYYY-MM：{month}"
        if self.year is not None and int(month[:4]) != int(self.year):
            return f"月份不属于 {self.year} 年：{month}"
        if within and self._fixed_months is not None and month not in self._fixed_months:
            return f"月份不在考核期内：{month}"
        return None

    # ------------------------------------------------------------------ parsing and writing

    def _parse(self, monthly: Mapping, annual: Mapping):
        """({(unit position, month): record}, {unit position: record}) of raw records, a record
        being {key index: column value or None (clear)} or None; every bad value is reported."""
        problems: list[InputProblem] = []
        mout: dict[tuple[int, str], dict | None] = {}
        aout: dict[int, dict | None] = {}
        for pair, values in monthly.items():
            if not isinstance(pair, tuple) or len(pair) != 2:
                problems.append(InputProblem(None, None, None, pair, f"月度数据的键应为（单位, 月份）：{pair!r}"))
                continue
            code, month = pair
            if code not in self._index:
                problems.append(InputProblem(str(code), month, None, code, f"未知的单位：{code}"))
            msg = self._month_problem(month, within=True)
            if msg:
                problems.append(InputProblem(str(code), str(month), None, month, msg))
            record = self._record(code, month, values, True, problems)
            if code in self._index and not msg:
                mout[(self._index[code], month)] = record
        for code, values in annual.items():
            if code not in self._index:
                problems.append(InputProblem(str(code), None, None, code, f"未知的单位：{code}"))
            else:
                aout[self._index[code]] = self._record(code, None, values, False, problems)
        if problems:
            raise ScoringInputError(problems)
        return mout, aout

    def _record(self, code, month, values, monthly: bool, problems: list[InputProblem]) -> dict | None:
        if values is None:
            return None
        if not isinstance(values, Mapping):
            what = "月度数据" if monthly else "年度数据"
            problems.append(InputProblem(str(code), None if month is None else str(month), None, values,
                                         f"{what}应为“数据项: 值”的表"))
            return None
        out: dict[int, int | None] = {}
        for key, raw in values.items():
            try:
                k, v = self._value(key, raw, monthly)
                out[k] = v
            except InputValueError as exc:
                problems.append(InputProblem(str(code), month, str(key), raw, exc.message_zh))
        return out

    def _value(self, key: str, raw: object, monthly: bool) -> tuple[int, int | None]:
        """(key index, column value or None) of one raw value, parsed by ``InputDef.parse`` (the one
        parser); raises :class:`InputValueError`."""
        s = self.scheme
        k = (self._mkey if monthly else self._akey).get(key)
        if k is None:
            if not s.has_input(key):
                raise InputValueError(key, raw, f"未知的数据项：{key}")
            label = s.input(key).label
            raise InputValueError(key, raw, f"{label}（{key}）是年度数据项，不能按月填写" if monthly
                                  else f"{label}（{key}）是月度数据项，必须指定月份")
        inp = (self._minputs if monthly else self._ainputs)[k]
        value = inp.parse(raw)  # (texts cached there: cells repeat across units and months)
        v = None if value is None else column_value(inp, value)
        if isinstance(v, str):
            raise InputValueError(key, raw, v)
        return k, v

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
                table = self._tables[month] = self._table()
            if self._write_row(table, i, record, self._mdefaults, replace):
                months.add(month)
                units.add(i)
        for i, record in aout.items():
            if self._write_row(self._annual_table, i, record or {}, self._adefaults, replace or record is None):
                units.add(i)
        return months, units

    @staticmethod
    def _write_row(table: _Table, i: int, record: dict | None, defaults, replace: bool) -> bool:
        """Write unit ``i``'s record (``None``: no record); whether its entries changed."""
        before = (table.values[:, i].tolist(), table.given[:, i].tolist(), bool(table.present[i]))
        if record is None or replace:
            table.values[:, i], table.given[:, i] = defaults, False
        table.present[i] = record is not None
        for k, v in (record or {}).items():
            table.values[k, i], table.given[k, i] = defaults[k] if v is None else v, v is not None
        return before != (table.values[:, i].tolist(), table.given[:, i].tolist(), bool(table.present[i]))

    # ------------------------------------------------------------------ public: reading

    def result(self) -> ScoringResult:
        """The current immutable result (unit results are built when read)."""
        if self._result is None:
            snap = self._snap
            averages = {m: snap.months[m].mean for m in snap.period} if self._monthly_mode else {}
            units = LazyUnits(snap.index, lambda i: self._unit_result(snap, i), {}, frozenset(snap.groups),
                              lru_cache(lambda month=None: self._places(snap, month)))
            self._result = ScoringResult(self.scheme, snap.period, snap.dropped, MappingProxyType(averages), units)
        return self._result

    def rank_moves(self) -> frozenset[str]:
        """Of the codes the last edit returned, those whose results differ only in ranks and 并列
        flags (the year's or a month's): no figure, status or entered value of theirs changed."""
        return self._rank_moves

    @property
    def units(self) -> tuple[UnitRef, ...]:
        return tuple(self._refs)

    @property
    def months(self) -> tuple[str, ...]:
        """All months of the period as given (or present in the data), dropped ones included."""
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
            col, given = self._snap.annual.agg[inp.key]
            out[inp.key] = int(col[i]) if inp.aggregate == "sum" else (col[i] if given[i] else None)
        return out

    def annual_values(self, unit: str) -> dict[str, object]:
        return self._row(self._annual_table, self._index[unit], self._ainputs)

    @staticmethod
    def _row(table: _Table, i: int, inputs) -> dict[str, object]:
        """{key: parsed value} of what unit ``i`` entered (the inverse of :func:`column_value`)."""
        values, out = table.values[:, i].tolist(), {}
        for k in np.flatnonzero(table.given[:, i]).tolist():
            inp, v = inputs[k], values[k]
            out[inp.key] = (inp.choices[v].value if inp.kind == "choice" else bool(v) if inp.kind == "boolean"
                            else v if inp.kind == "count" else _decimal(v, RATE_DECIMALS))
        return out

    # ------------------------------------------------------------------ public: editing

    def set_monthly_value(self, unit: str, month: str, key: str, value: object) -> frozenset[str]:
        """Set (``None``: clear) one monthly cell; returns the codes to refresh (see :meth:`set_many`)."""
        return self.set_many(monthly={(unit, month): {key: value}})

    def set_annual_value(self, unit: str, key: str, value: object) -> frozenset[str]:
        return self.set_many(annual={unit: {key: value}})

    def remove_month(self, unit: str, month: str) -> frozenset[str]:
        """Delete a unit-month record (the month becomes missing for that unit)."""
        return self.set_many(monthly={(unit, month): None})

    def set_many(self, monthly: Mapping[tuple[str, str], Mapping[str, object] | None] | None = None,
                 annual: Mapping[str, Mapping[str, object] | None] | None = None, *,
                 replace: bool = False) -> frozenset[str]:
        """Apply many edits at once (a paste, an import), all or nothing: values update the records
        (``None`` clears a cell; ``replace=True``: the dicts replace the records; a record ``None``
        is removed (monthly) or cleared (annual)); :class:`ScoringInputError` lists every bad value.
        Returns the codes whose result changed (figures, ranks, 并列, months) or whose entered values
        changed; re-entering the values a record holds reports nothing."""
        months, units = self._write(monthly or {}, annual or {}, replace=replace)
        if not months and not units:
            return frozenset()
        changed = self._rescore(months, bool(annual) or not self._monthly_mode)
        touched = {self._codes[i] for i in units}
        self._rank_moves -= touched
        return changed | touched

    def recompute(self) -> frozenset[str]:
        """Full recompute from the loaded columns: every month and the year rescored, every result
        built afresh when read; returns the codes whose result differs from before."""
        return self._rescore(None, True)

    # ------------------------------------------------------------------ scoring

    def _rescore(self, months: set[str] | None, annual_touched: bool) -> frozenset[str]:
        """Rescore the given months (``None``: all) and, if touched, the annual level; then totals
        and ranks of every unit. Returns the codes whose result differs from the last snapshot."""
        old = self._snap
        full = months is None or old is None
        period = every = self.months
        scored = {m: (None if full or m in months else old.months.get(m)) or self._score_month(m)
                  for m in (period if self._monthly_mode else ())}
        if self._monthly_mode:  # a month without a scored unit is dropped
            scored = {m: scored[m] for m in period if scored[m].mean is not None}
            period = tuple(scored)
        annual = old.annual if not (full or annual_touched) else self._score_annual()
        snap = self._snapshot(scored, period, tuple(m for m in every if m not in period), annual)
        if full or (period != old.period and self._monthly_mode):  # every unit's months differ
            figures = ranks = np.ones(len(self._codes), bool)
        else:
            figures, ranks = self._diff(old, snap)
        self._snap, self._result = snap, None
        self._rank_moves = frozenset(self._code_array[ranks & ~figures].tolist())
        return frozenset(self._code_array[figures | ranks].tolist())

    def _diff(self, old: _Snapshot, new: _Snapshot) -> tuple[np.ndarray, np.ndarray]:
        """Column against column: (units whose figures or status differ, units whose ranks or 并列 differ)."""
        n = len(new.status)

        def differ(a, b, cols, maps=()):
            return _differ(n, cols(a), cols(b), [(getattr(a, f), getattr(b, f)) for f in maps])

        figures = differ(old, new, lambda t: [t.status])
        ranks = differ(old, new, lambda t: [t.rank, t.tied])
        for a, b in ((old.months[m], new.months[m]) for m in (new.period if self._monthly_mode else ())):
            if a is not b:  # an averaged unit's month score is the month's average
                figures |= differ(a, b, lambda t: [t.status, *_figures(t.level)], ["missing"])
                if a.mean != b.mean:
                    figures |= b.status == _AVERAGED
                ranks |= differ(a, b, lambda t: [t.rank, t.tied])
        a, b = old.annual, new.annual
        if a is not b:
            figures |= differ(a, b, lambda t: [t.shown, t.veto, *_figures(t.level)], ["missing", "agg_missing"])
        return figures, ranks

    def _columns(self, table: _Table, inputs, keys: Mapping[str, int], ns, extra: Mapping = _EMPTY) -> Columns:
        """The :class:`rules.Columns` of a table (``extra``: {key: (column, given)} of the year figures)."""
        exact = isinstance(ns, Exact)
        xs, givens = {k: v[0] for k, v in extra.items()}, {k: v[1] for k, v in extra.items()}

        def given(key):
            if key not in givens:
                k = keys[key]
                src = inputs[k].default_from
                givens[key] = table.given[k] | given(src) if src else table.given[k]
            return givens[key]

        def x(key):
            if key not in xs:
                k = keys[key]
                inp, col = inputs[k], table.values[k]
                if inp.default_from:
                    col = np.where(table.given[k], col, x(inp.default_from))
                if exact and inp.kind in ("rate", "manual"):
                    col = np.array([_decimal(v, RATE_DECIMALS) for v in col.tolist()], dtype=object)
                elif exact and inp.kind != "choice":
                    col = col.astype(object)
                xs[key] = col
            return xs[key]

        def share_total(key: str, scope: str):
            col = xs[key]
            if scope == "all":
                return np.full(len(col), sum(col), dtype=object)
            return np.array([sum(col[self._group == g]) for g in range(len(self._group_keys))], dtype=object)[self._group]

        return Columns(ns, len(self._codes), x, given, self._kind, self.scheme.unit_kinds, share_total if exact else None)

    def _score_month(self, month: str) -> _Month:
        s = self.scheme
        table = self._tables.get(month) or self._table()
        c = self._columns(table, self._minputs, self._mkey, s.scale)
        present = table.present
        lacking = [(key, present & ~c.given(key) if always else present & ~c.given(key) & (c.x(cond) > 0))
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
        mean = CONTEXT.divide(_decimal(int(level.score[scored].sum()), s.scale.e), count) if count else None
        rank = tied = None
        cents = round_cents(level.score, s.scale.e)
        if s.monthly_ranks:
            rank, tied = competition_ranks(cents, scored)
        cents = np.where(scored, cents, 0)  # the score each unit shows: its own, or the month's average
        cents[status == _AVERAGED] = _cents(mean) if count else 0
        _frozen(status, cents, *(() if rank is None else (rank, tied)))  # handed out as they are (places)
        return _Month(month, status, level, rank, tied, missing, mean, np.where(scored, level.score, 0),
                      status == _AVERAGED, (status == _NONE) | incomplete, cents)

    def _aggregates(self) -> tuple[dict[str, tuple], dict[int, list[str]]]:
        """Licheng: each unit's year figures (sums; volume-weighted rates, exact) and the
        unit-months lacking a required rate."""
        n, months, keys = len(self._codes), self.months, self._mkey
        tables = [self._tables.get(m) or self._table() for m in months]  # (a month without data)
        values = np.array([t.values for t in tables], np.int64).reshape(len(months), len(keys), n)
        present = np.array([t.present for t in tables], bool).reshape(len(months), 1, n)
        given = np.array([t.given for t in tables], bool).reshape(len(months), len(keys), n) & present
        out: dict[str, tuple] = {}
        missing: dict[int, list[str]] = {}
        for inp in self._aggregated:
            x = values[:, keys[inp.key]]
            if inp.aggregate == "sum":
                out[inp.key] = (x.sum(axis=0).astype(object), np.ones(n, bool))
                continue
            w, ok = values[:, keys[inp.weight]], given[:, keys[inp.key]]
            for j, i in zip(*np.nonzero(present[:, 0] & ~ok & ((w != 0) | inp.required)), strict=True):
                missing.setdefault(int(i), []).append(f"{months[j]}:{inp.key}")
            num, den = (x * w * ok).sum(axis=0).tolist(), (w * ok).sum(axis=0)
            out[inp.key] = (np.array([CONTEXT.divide(_decimal(a, RATE_DECIMALS), b) if b else ZERO
                                      for a, b in zip(num, den.tolist(), strict=True)], dtype=object), den != 0)
        return out, {i: sorted(lst) for i, lst in missing.items()}

    def _score_annual(self) -> _Annual:
        s = self.scheme
        n = len(self._codes)
        agg, agg_missing = self._aggregates() if self._aggregated else ({}, {})
        c = self._columns(self._annual_table, self._ainputs, self._akey, Exact() if self._exact_annual else s.scale, agg)
        inds = s.annual_indicators
        gone = np.zeros((len(inds), n), bool)  # indicators a lacking year figure leaves out
        for i, lst in agg_missing.items():
            keys = {m.split(":", 1)[1] for m in lst}
            for j, ind in enumerate(inds):
                gone[j, i] = bool(ind.inputs & keys)
        level = score_level(inds, s.annual_score, c, counted=~gone)
        incomplete = (~level.ok & ~gone).any(axis=0)
        missing = {int(i): tuple(key for j, ind in enumerate(inds) if not level.ok[j, i] and not gone[j, i]
                                 for key in ind.manual_inputs if not c.given(key)[i])
                   for i in np.flatnonzero(incomplete)}
        veto = np.full(n, -1, np.int64)
        for j, v in reversed(list(enumerate(s.vetoes))):
            veto[c.x(v.input) != 0] = j
        key = s.unranked_when_zero
        volume = None if key is None else agg[key][0] if key in agg else np.zeros(n, np.int64)
        lacking = np.zeros(n, bool)
        lacking[list(agg_missing)] = True
        return _Annual(level, level.ok & ~gone, missing, incomplete, veto, agg, agg_missing, lacking, volume)

    # ------------------------------------------------------------------ totals and ranks

    def _snapshot(self, months: dict[str, _Month], period: tuple, dropped: tuple, a: _Annual) -> _Snapshot:
        """The snapshot of the scored months and year: every unit's status, Σ of its scored months,
        rank and 并列."""
        n = len(self._codes)
        sums, lacking, averaged = np.zeros(n, np.int64), a.lacking, np.zeros((0, n), bool)
        if self._monthly_mode:
            lacking = np.ones(n, bool)
            if period:
                lacking = np.logical_or.reduce([months[m].lacks for m in period])
                averaged = np.stack([months[m].averaged for m in period])
                sums = np.add.reduce([months[m].own for m in period])
        status = np.where(lacking | a.incomplete, 2, 0).astype(np.int8)
        if a.volume is not None:
            status[(status == 0) & (a.volume == 0)] = 1
        snap = _Snapshot(self._refs, self._codes, self._groups, self._index, months, period, dropped, a, status,
                         lacking, sums, averaged, np.zeros(n, np.int64), np.zeros(n, bool), None)
        snap = snap._replace(cents=self._rank_cents(snap, status != 2))  # every total, the ranked ones compared
        for g in range(len(self._group_keys)):
            mine = self._group == g
            r, t = competition_ranks(snap.cents, (status == 0) & mine)
            snap.rank[mine], snap.tied[mine] = r[mine], t[mine]
        _frozen(snap.status, snap.rank, snap.tied, snap.cents)  # handed out as they are (places)
        return snap

    def _rank_cents(self, snap: _Snapshot, todo: np.ndarray) -> np.ndarray:
        """The totals of the ``todo`` units rounded to cents, as ranks compare them: a veto's total, else
        :meth:`_totals` over int64 columns, and over Decimals for the few units that leaves open."""
        vetoes, veto = self.scheme.vetoes, snap.annual.veto
        cents, open_ = np.zeros(len(todo), np.int64), todo & (veto < 0)
        if vetoes:
            cents = np.where(todo & (veto >= 0), np.array([_cents(v.total) for v in vetoes], np.int64)[veto], 0)
        if not open_.any():  # (none without a period)
            return cents
        try:
            fixed, sure = _Fixed.cents(self._totals(snap, slice(None), _Fixed(self._e))[1])
            cents = np.where(open_ & sure, fixed, cents)
            open_ &= ~sure
        except _Unfit:
            pass
        rows = np.flatnonzero(open_)
        if len(rows):
            cents[rows] = [_cents(v) for v in self._totals(snap, rows, self._decimals)[1]]
        return cents

    def _totals(self, snap: _Snapshot, rows, ns):
        """(monthly average, total) of the units at ``rows`` (an index), the one definition of both: the mean of
        their period months (an averaged month counts the month's average), then the scheme's combine
        with the annual score (vetoes, and units lacking what they need, aside). Computed in ``ns``:
        :class:`_Decimals` (the figures results show) or :class:`_Fixed` (int64 columns, for ranks)."""
        t = self.scheme.total
        average = None
        if self._monthly_mode and snap.period:
            own = ns.plus(ns.figures(snap.sums[rows]), snap.averaged[:, rows], [snap.months[m].mean for m in snap.period])
            average = ns.divide(own, len(snap.period))
        if t.combine not in ("annual", "weighted"):
            return average, average
        annual = ns.figures(snap.annual.level.score[rows], self._exact_annual)
        if t.combine == "annual" or average is None:
            return average, annual
        return average, ns.weigh(t.monthly_weight, average, t.annual_weight, annual)

    # ------------------------------------------------------------------ results, built when read

    @staticmethod
    def _places(snap: _Snapshot, month: str | None) -> Places:
        """The place rule, as columns: (status, rank, 并列) of every unit in the year or in ``month``
        ("missing" without a record), and the total (the month's score) it shows, in cents; ranks
        are 0 unless ranked (the year) or scored (a month)."""
        m, n = snap.months.get(month), len(snap.codes)
        if month is None:
            return Places(_STATUS, snap.status, snap.rank, snap.tied, snap.groups, snap.codes, snap.cents,
                          snap.status != 2, snap.refs)
        if m is None:
            m = _Month(month, np.zeros(n, np.int8), None, None, None, None, None, None, None, None, np.zeros(n, np.int64))
        unranked = m.rank is None
        return Places(_MONTH_STATUS, m.status, np.zeros(n, np.int64) if unranked else m.rank,
                      np.zeros(n, bool) if unranked else m.tied, snap.groups, snap.codes, m.cents,
                      (m.status == _SCORED) | (m.status == _AVERAGED), snap.refs)

    def _unit_result(self, snap: _Snapshot, i: int) -> UnitResult:
        status = _STATUS[snap.status.item(i)]
        veto = snap.annual.veto.item(i)
        average, total = (x and x[0] for x in self._totals(snap, slice(i, i + 1), self._decimals))
        if snap.lacking.item(i):
            average = None
        total = None if status == INCOMPLETE else self.scheme.vetoes[veto].total if veto >= 0 else total
        a, dec = snap.annual, partial(self._decimals.figure, exact=self._exact_annual)
        raw, shown = a.level.indicators[:, i].tolist(), a.shown[:, i].tolist()
        values = self._decimals.figures(a.level.indicators[:, i], self._exact_annual)
        cats = {c: dec(sum([raw[j] for j in m])) for c, m in self._annual_cats if raw and all([shown[j] for j in m])}
        figures = (None, None, None)
        if a.level.score is not None and raw and i not in a.missing:
            figures = (dec(a.level.score[i]), dec(a.level.bonus[i]), dec(a.level.penalty[i]))
        return UnitResult(snap.refs[i], snap.groups[i], status, total, snap.rank.item(i) or None, snap.tied.item(i),
                          self._missing(snap, i),
                          self.scheme.vetoes[veto].key if veto >= 0 else None,
                          MappingProxyType({k: v for k, v, ok in zip(self._annual_keys, values, shown, strict=True)
                                            if ok}),
                          MappingProxyType(cats), *figures, average,
                          LazyUnits(snap.months, lambda m: self._month_result(m, i), {}, frozenset())
                          if self._monthly_mode else _EMPTY)

    def _missing(self, snap: _Snapshot, i: int) -> tuple[str, ...]:
        """What keeps unit ``i`` from a total: months (monthly schemes) or unit-months lacking a rate
        the year figures need (Licheng), then annual items."""
        a = snap.annual
        if not self._monthly_mode:
            out = list(a.agg_missing.get(i, ()))
        elif not snap.period:
            out = [NO_PERIOD]
        else:
            out = []
            for m in snap.period if snap.lacking[i] else ():
                sm = snap.months[m]
                if sm.status[i] == _NONE:
                    out.append(m)
                elif sm.status[i] == _INCOMPLETE:
                    out.extend(f"{m}:{k}" for k in sm.missing[i])
        return (*out, *a.missing.get(i, ()))

    def _month_result(self, m: _Month, i: int) -> MonthResult:
        st = m.status[i]
        if st == _NONE:
            return MonthResult(m.month, "missing", None, None, False, _EMPTY, None, None, None, ())
        if st == _AVERAGED:
            return MonthResult(m.month, "averaged", m.mean, None, False, _EMPTY, None, None, None, ())
        lv, e = m.level, self._e
        values = [_decimal(v, e) for v in lv.indicators[:, i].tolist()]
        if st == _INCOMPLETE:
            gone = set(m.missing[i])
            shown = {k: v for k, v, inputs in zip(self._mkeys, values, self._minds, strict=True) if not inputs & gone}
            return MonthResult(m.month, "incomplete", None, None, False, MappingProxyType(shown), None, None, None,
                               m.missing[i])
        score, base, bonus, penalty = (_decimal(int(col[i]), e) for col in (lv.score, lv.base, lv.bonus, lv.penalty))
        rank, tied = (None, False) if m.rank is None else (m.rank.item(i), m.tied.item(i))
        return MonthResult(m.month, "scored", score, rank, tied, MappingProxyType(dict(zip(self._mkeys, values,
                                                                                         strict=True))),
                           base, bonus, penalty, ())

