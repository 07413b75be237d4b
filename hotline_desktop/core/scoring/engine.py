"""The scoring engine: a scheme's rules (:mod:`rules`) over columns, recomputed whole.

Entered values live in columns, one table per month and one for the year (every unit a column
position, in code order), parsed once on the way in (``InputDef.parse``, or by the store). Scoring
a month is the scheme's rules over that month's columns. An edit rescores the month(s) it touched
(Licheng: the year), then every unit's total and rank at once; what is scored is kept as an
immutable :class:`_Snapshot` of columns, and the units an edit changed are found by comparing it
with the previous one. Figures are exact scaled integers; Decimals are built only where a result
is read (``ScoringResult.units`` builds a unit's result, and its months, on first access).

Two shapes of scheme:

* **annual** (``licheng-2020``): the months' figures are summed (rates volume-weighted) and
  scored once for the year; ``share`` indicators depend on Σ volume of the ranking group.
* **monthly** (Ganxian): every unit-month is scored; months without work orders take the
  month's average; monthly ranks; the total combines the monthly mean (and the annual basic
  score) or is vetoed.
"""

from __future__ import annotations

import re
import threading
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

__all__ = ["ScoringEngine", "MONTH_RE", "column_value"]

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_EMPTY: Mapping = MappingProxyType({})
_RATE_UNIT = 10**RATE_DECIMALS

_NONE, _SCORED, _AVERAGED, _INCOMPLETE = 0, 1, 2, 3  # status of a unit-month
_STATUS = (RANKED, UNRANKED, INCOMPLETE)  # status of a unit, by its code in a snapshot
_MONTH_STATUS = ("missing", "scored", "averaged", "incomplete")


# ---------------------------------------------------------------------------- values <-> columns


def column_value(inp: InputDef, value: object) -> int | str:
    """The column form of a parsed value (a count as is, a boolean 0/1, a choice its index, a
    rate or score × 10**RATE_DECIMALS), or the Chinese reason it cannot be scored."""
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


def _decode(inp: InputDef, v: int) -> object:
    kind = inp.kind
    if kind == "count":
        return int(v)
    if kind == "boolean":
        return bool(v)
    if kind == "choice":
        return inp.choices[int(v)].value
    return _fixed(int(v), RATE_DECIMALS)


_DECIMALS: dict[int, dict[int, Decimal]] = {}  # scale -> scaled integer -> its Decimal


def _fixed(v: int, e: int) -> Decimal:
    """The Decimal of a scaled integer, without trailing zeros (``23500000``, 6 -> ``23.5``)."""
    cache = _DECIMALS.setdefault(e, {})
    d = cache.get(v)
    if d is None:
        if len(cache) > 100_000:
            cache.clear()
        d = cache[v] = _to_decimal(v, e)
    return d


def _fixed_all(values: list[int], e: int) -> list[Decimal]:
    cache = _DECIMALS.setdefault(e, {})
    try:
        return [cache[v] for v in values]
    except KeyError:
        return [_fixed(v, e) for v in values]


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


def _cents(total: Decimal) -> int:
    return int(round2(total).scaleb(2))


def _gather(records: Iterable[tuple[int, dict | None]]) -> tuple[list[int], dict[int, tuple[list, list]]]:
    """(units, {key index: (units, values)}) of (unit position, {key index: value or None}) records."""
    units, columns = [], {}
    for i, record in records:
        units.append(i)
        for k, v in (record or {}).items():
            if v is not None:
                rows, values = columns.setdefault(k, ([], []))
                rows.append(i)
                values.append(v)
    return units, columns


def _ranked(snap, i: int, status: str) -> tuple[int | None, bool]:
    """(rank, 并列) of unit ``i`` as its result shows them (none unless ranked)."""
    rank = snap.rank.item(i)
    return (rank, snap.tied.item(i)) if status is RANKED and rank > 0 else (None, False)


def _level_moved(a, b) -> np.ndarray:
    """The units whose figures differ between two scorings of a level (:class:`rules.LevelScores`)."""
    moved = (a.indicators != b.indicators).any(axis=0)
    if b.score is not None:
        moved |= (a.score != b.score) | (a.bonus != b.bonus) | (a.penalty != b.penalty)
    return moved


def _moved(moved: np.ndarray, *pairs: tuple[Mapping, Mapping]) -> np.ndarray:
    """``moved`` and the units whose entries differ in a pair of {unit position: items} maps."""
    for old, new in pairs:
        for i in old.keys() | new.keys():
            moved[i] |= old.get(i) != new.get(i)
    return moved


def _decimals(d: Decimal) -> int:
    return max(0, -d.as_tuple().exponent)


class _Record:
    """Named fields (slots), set once: the scored state is never changed, only replaced."""

    __slots__ = ()

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=False):
            setattr(self, name, value)


class _Table(_Record):
    """Entered values of every unit for one month (or the year): int64 columns, an entered
    mask per input, and which units hold a record."""

    __slots__ = ("values", "given", "present")

    def __init__(self, defaults: np.ndarray, n: int):
        super().__init__(np.repeat(defaults[:, None], n, axis=1), np.zeros((len(defaults), n), bool), np.zeros(n, bool))


class _Month(_Record):
    """One month scored: status per unit, figures (scale ``e``), ranks, missing keys, average."""

    __slots__ = ("month", "status", "level", "rank", "tied", "missing", "mean")


class _Annual(_Record):
    """The annual level of every unit: indicators and score, what is missing (``incomplete``:
    a manual score; ``lacking``: a rate the year figures need), vetoes, the year figures."""

    __slots__ = ("level", "shown", "missing", "incomplete", "veto", "agg", "agg_missing", "lacking", "volume")


class _Snapshot(_Record):
    """Everything scored, as columns: the units, the months by name, the period and the dropped
    months, the annual level; per unit its status (index into ``_STATUS``), whether it lacks a
    month (or a year figure), Σ of its scored period months (scale ``e``), which of them are
    averaged, whether every period month is scored (``plain``), rank (0: none) and 并列."""

    __slots__ = ("refs", "groups", "index", "months", "period", "dropped", "annual", "status", "lacking", "sums",
                 "averaged", "plain", "rank", "tied")


class _Follow(_Record):
    """The snapshot the month views of current results read: moved on by every edit (the units it
    did not change show the same months in the new snapshot); a view whose unit's months an edit
    moved is pinned to its own snapshot first."""

    __slots__ = ("snap",)


class _Months(Mapping):
    """``UnitResult.months``: month -> :class:`MonthResult` of unit ``i``, built on first read."""

    __slots__ = ("_engine", "_src", "_i", "_built")

    def __init__(self, engine: ScoringEngine, src: _Follow | _Snapshot, i: int):
        self._engine, self._src, self._i, self._built = engine, src, i, {}

    def _snap(self) -> _Snapshot:
        src = self._src
        return src.snap if type(src) is _Follow else src

    def __getitem__(self, month: str) -> MonthResult:
        r = self._built.get(month)
        if r is None:
            snap = self._snap()
            if month not in snap.period:
                raise KeyError(month)
            r = self._built[month] = self._engine._month_result(snap.months[month], self._i)
        return r

    def __iter__(self):
        return iter(self._snap().period)

    def __len__(self) -> int:
        return len(self._snap().period)

    def __contains__(self, month) -> bool:
        return month in self._snap().period

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
            msg = self._month_problem(month, within=True)
            if msg:
                problems.append(InputProblem(None, str(month), None, month, msg))
                continue
            tables[month] = (perm[np.asarray(present, np.int64)], columns(cols, self._mkey, "月度", month))
        acols = columns(annual, self._akey, "年度", None)
        if problems:
            raise ScoringInputError(problems)
        self._fill(tables, acols)
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
        keys = [ind.key for ind in s.annual_indicators]
        self._annual_keys = keys
        self._annual_cats = [(c.key, [keys.index(k) for k in c.indicators]) for c in s.categories_for("annual")]
        self._maps: dict[tuple, tuple] = {}  # an annual column of figures -> (indicators, categories) shown
        self._mkeys = [ind.key for ind in s.monthly_indicators]
        self._minds = [ind.inputs for ind in s.monthly_indicators]

    def _set_units(self, refs: Mapping[str, UnitRef]) -> None:
        s = self.scheme
        self._codes = sorted(refs)
        self._refs = [refs[c] for c in self._codes]
        self._index = {c: i for i, c in enumerate(self._codes)}
        self._kind = np.array([s.unit_kinds.index(r.kind) for r in self._refs], np.int64)
        self._group_keys = [g.key for g in s.groups]
        self._groups = [s.group_of_kind(r.kind) for r in self._refs]
        self._group = np.array([self._group_keys.index(g) for g in self._groups], np.int64)
        self._groups_present = frozenset(self._groups)

    def _init_state(self) -> None:
        self._mdefaults = np.array([self._default(i) for i in self._minputs], np.int64)
        self._adefaults = np.array([self._default(i) for i in self._ainputs], np.int64)
        self._tables: dict[str, _Table] = {}
        self._snap: _Snapshot | None = None
        self._units: LazyUnits | None = None
        self._follow, self._lock = _Follow(None), threading.Lock()
        self._reuse: dict[str, tuple] = {}  # changed units: what holds for their next results
        self._result: ScoringResult | None = None
        self._rank_moves: frozenset[str] = frozenset()

    def _load(self, monthly: Mapping, annual: Mapping) -> None:
        self._init_state()
        mout, aout = self._parse(monthly, annual)
        by_month: dict[str, list] = {}
        for (i, month), record in mout.items():
            if record is not None:
                by_month.setdefault(month, []).append((i, record))
        self._fill({m: _gather(records) for m, records in by_month.items()}, _gather(aout.items())[1])

    def _fill(self, months: Mapping[str, tuple], annual: Mapping[int, tuple]) -> None:
        """Tables of ``months`` ({month: (units with a record, {key index: (units, values)})}) and of
        the year ({key index: (units, values)}; every unit has its year's record); then score."""
        n = len(self._codes)
        for month, (present, columns) in months.items():
            if len(present):
                self._tables[month] = self._table(present, columns, self._mdefaults)
        self._annual_table = self._table(np.arange(n), annual, self._adefaults)
        self._rescore(None, True)

    def _table(self, present, columns: Mapping[int, tuple], defaults) -> _Table:
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
        v = None if value is None else column_value(inp, value)
        return v if isinstance(v, str) else (k, v)

    def _parse(self, monthly: Mapping, annual: Mapping):
        problems: list[InputProblem] = []
        mout: dict[tuple[int, str], dict | None] = {}
        aout: dict[int, dict | None] = {}
        for pair, values in monthly.items():
            if not isinstance(pair, tuple) or len(pair) != 2:
                problems.append(InputProblem(None, None, None, pair, f"月度数据的键应为（单位, 月份）：{pair!r}"))
                continue
            code, month = pair
            ok = code in self._index
            if not ok:
                problems.append(InputProblem(str(code), month, None, code, f"未知的单位：{code}"))
            msg = self._month_problem(month, within=True)
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
        """The current immutable result (unit results are built when read)."""
        if self._result is None:
            snap = self._snap
            averages = {m: snap.months[m].mean for m in snap.period} if self._monthly_mode else {}
            self._result = ScoringResult(self.scheme, snap.period, snap.dropped, MappingProxyType(averages),
                                         self._units)
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
            col, given = self._snap.annual.agg[inp.key]
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
        changed = self._rescore(months, bool(annual) or not self._monthly_mode)
        touched = {self._codes[i] for i in units}
        self._rank_moves -= touched
        return changed | touched

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
        """Full recompute from the loaded columns: every month and the year rescored, every result
        built afresh when read; returns the codes whose result differs from before."""
        return self._rescore(None, True)

    def _rebuild(self, refs: Mapping[str, UnitRef], months) -> frozenset[str]:
        monthly = {(c, m): v for c in self._codes if c in refs for m in self._tables
                   if (v := self.monthly_values(c, m)) is not None}
        annual = {c: self.annual_values(c) for c in self._codes if c in refs}
        before = self.result().units
        self._set_units(refs)
        self._fixed_months = months
        self._load(monthly, annual)
        changed = set()
        built = self._units.built
        for code, r in self._units.items():
            old = before.get(code)
            if old == r:
                built[code] = old  # equal: the very same object, as an edit keeps it
            else:
                changed.add(code)
        return frozenset(changed)

    # ------------------------------------------------------------------ scoring

    def _rescore(self, months: set[str] | None, annual_touched: bool) -> frozenset[str]:
        """Rescore the given months (``None``: all) and, if touched, the annual level; then totals
        and ranks of every unit. Returns the codes whose result differs from the last snapshot."""
        old = self._snap
        full = months is None or old is None
        all_months = self._all_months()
        scored: dict[str, _Month] = {}
        for m in all_months if self._monthly_mode else ():
            kept = None if full or m in months else old.months.get(m)
            scored[m] = kept or self._score_month(m)
        period = tuple(m for m in all_months if scored[m].mean is not None) if self._monthly_mode else all_months
        dropped = tuple(m for m in all_months if m not in period)
        annual = old.annual if not (full or annual_touched) else self._score_annual()
        snap = self._snapshot(_Snapshot(self._refs, self._groups, self._index, scored, period, dropped, annual))
        changed, figures, months_moved = self._diff(old, snap)
        self._install(snap, changed, figures, months_moved, full or period != old.period)
        codes = self._codes
        self._rank_moves = frozenset(codes[i] for i in np.flatnonzero(changed & ~figures).tolist())
        return frozenset(codes[i] for i in np.flatnonzero(changed).tolist())

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

        def share_total(key: str, scope: str):
            col = extra[key][0]
            if scope == "all":
                return np.full(len(col), sum(col), dtype=object)
            sums = [sum(col[self._group == g]) for g in range(len(self._group_keys))]
            return np.array(sums, dtype=object)[self._group]

        return Columns(ns, len(self._codes), x, given_of, self._kind, self.scheme.unit_kinds,
                       share_total if exact else None)

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

    def _aggregates(self) -> tuple[dict[str, tuple], dict[int, list[str]]]:
        """Licheng: each unit's year figures (sums; volume-weighted rates, exact) and the
        unit-months lacking a required rate."""
        n = len(self._codes)
        months = self._all_months()
        tables = [self._tables.get(m) or _Table(self._mdefaults, n) for m in months]  # (a month without data)
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

    def _score_annual(self) -> _Annual:
        s = self.scheme
        n = len(self._codes)
        agg, agg_missing = self._aggregates() if self._aggregated else ({}, {})
        c = self._columns(self._annual_table, self._ainputs, self._akey, Exact() if self._exact_annual else s.scale,
                          agg)
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

    def _snapshot(self, snap: _Snapshot) -> _Snapshot:
        """Fill in every unit's status, Σ of its scored months, rank and 并列."""
        n = len(self._codes)
        a = snap.annual
        snap.sums, snap.plain, snap.lacking = np.zeros(n, np.int64), np.ones(n, bool), a.lacking
        snap.averaged = np.zeros((0, n), bool)
        if self._monthly_mode:
            snap.lacking = np.ones(n, bool)
            if snap.period:
                months = [snap.months[m] for m in snap.period]
                status = np.stack([m.status for m in months])
                scored = status == _SCORED
                snap.lacking = ((status == _NONE) | (status == _INCOMPLETE)).any(axis=0)
                snap.averaged = status == _AVERAGED
                snap.plain = scored.all(axis=0)
                snap.sums = np.where(scored, np.stack([m.level.score for m in months]), 0).sum(axis=0)
        status = np.where(snap.lacking | a.incomplete, 2, 0).astype(np.int8)
        if a.volume is not None:
            status[(status == 0) & (a.volume == 0)] = 1
        snap.status = status
        cents = self._rounded_totals(snap, status == 0)
        snap.rank, snap.tied = np.zeros(n, np.int64), np.zeros(n, bool)
        for g in range(len(self._group_keys)):
            mine = self._group == g
            r, t = competition_ranks(cents, (status == 0) & mine)
            snap.rank[mine], snap.tied[mine] = r[mine], t[mine]
        return snap

    def _rounded_totals(self, snap: _Snapshot, todo: np.ndarray) -> np.ndarray:
        """The totals of the ``todo`` units rounded to cents, as ranks compare them: whole columns
        of scaled integers where that is exact (:meth:`_integer_totals`), else from the Decimal
        total (:meth:`_total`)."""
        s, a = self.scheme, snap.annual
        cents = np.zeros(len(todo), np.int64)
        todo = todo.copy()
        if s.vetoes:
            vetoed = todo & (a.veto >= 0)
            cents[vetoed] = np.array([_cents(v.total) for v in s.vetoes], np.int64)[a.veto[vetoed]]
            todo &= ~vetoed
        fast = self._integer_totals(snap, todo)
        if fast is not None:
            ok, values = fast
            cents[ok] = values[ok]
            todo &= ~ok
        for i in np.flatnonzero(todo).tolist():
            cents[i] = _cents(self._total(snap, i)[1])
        return cents

    def _integer_totals(self, snap: _Snapshot, todo: np.ndarray):
        """(units done, their totals in cents) in scaled integers, or None when the scheme's totals
        are not such: the annual score, or the mean of the period months (an averaged month: the
        month's average, rounded to 10**-k) weighted with the annual score, × p × 10**(k + w).
        Rounding it equals rounding :meth:`_total`, whose Decimal steps err far below one unit of
        that scale: units within the error of the averages (or on a half cent) are left to it."""
        s, t = self.scheme, self.scheme.total
        score, e = snap.annual.level.score, s.scale.e
        if self._exact_annual and t.combine != "monthly_mean":
            return None
        if t.combine == "annual":
            return todo, round_cents(score, e)
        p, k = len(snap.period), max(e, 12)
        if t.combine not in ("weighted", "monthly_mean") or not p:
            return None
        mw, aw = (t.monthly_weight, t.annual_weight) if t.combine == "weighted" else (Decimal(1), ZERO)
        w = max(_decimals(mw), _decimals(aw))
        a, b = int(mw.scaleb(w)), int(aw.scaleb(w))
        means = [snap.months[m].mean for m in snap.period]
        top = int(np.abs(snap.sums).max()) * 10 ** (k - e) + p * int(max(abs(x) for x in means) + 1) * 10**k
        bound = abs(a) * top + (abs(b) * p * int(np.abs(score).max()) * 10 ** (k - e) if b else 0)
        if bound >= 2**62 or 100 * (bound + top * 10**w) * 10**w >= 10**27:
            return None
        averaged = snap.averaged
        sums = snap.sums * 10 ** (k - e) + (averaged * np.array([round(x.scaleb(k)) for x in means])[:, None]).sum(0)
        num = a * sums + ((b * p * 10 ** (k - e)) * score if b else 0)
        d = p * 10 ** (k + w - 2)
        q, r = np.divmod(np.abs(num), d)
        cents = q + (2 * r >= d)
        return todo & (np.abs(2 * r - d) > abs(a) * averaged.sum(axis=0) + 2), np.where(num < 0, -cents, cents)

    def _total(self, snap: _Snapshot, i: int) -> tuple[Decimal | None, Decimal | None]:
        """(monthly average, total) of unit ``i``, the one definition of both: the mean of its
        period months (an averaged month counts the month's average), then the scheme's combine
        (or the veto's total); ``None`` where the unit lacks what they need."""
        s, a = self.scheme, snap.annual
        t, e = s.total, s.scale.e
        average = None
        if self._monthly_mode and not snap.lacking[i]:
            months = snap.months
            means = () if snap.plain[i] else [months[m].mean for m, x in zip(snap.period, snap.averaged[:, i].tolist(),
                                                                              strict=True) if x]
            average = CONTEXT.divide(sum(means, _fixed(int(snap.sums[i]), e)), len(snap.period))
        if snap.status[i] == 2:
            return average, None
        if a.veto[i] >= 0:
            return average, s.vetoes[a.veto[i]].total
        if t.combine not in ("annual", "weighted"):
            return average, average
        score = a.level.score[i]
        annual = Decimal(score) if self._exact_annual else _fixed(int(score), e)
        if t.combine == "annual":
            return average, annual
        return average, CONTEXT.add(CONTEXT.multiply(t.monthly_weight, average), CONTEXT.multiply(t.annual_weight,
                                                                                                 annual))

    # ------------------------------------------------------------------ what changed

    def _diff(self, old: _Snapshot | None, new: _Snapshot):
        """Column against column: (results that differ, of those the ones whose figures or status
        changed (not only ranks), the units whose month results differ)."""
        n = len(new.status)
        if old is None or old.period != new.period:
            return (np.ones(n, bool),) * 3
        figures = old.status != new.status
        ranks = (old.rank != new.rank) | (old.tied != new.tied)
        months = np.zeros(n, bool)
        for m in new.period if self._monthly_mode else ():
            a, b = old.months[m], new.months[m]
            if a is not b:
                f = _moved(_level_moved(a.level, b.level) | (a.status != b.status), (a.missing, b.missing))
                if a.mean != b.mean:
                    f |= b.status == _AVERAGED  # its month score is the average
                r = f & False if b.rank is None else (a.rank != b.rank) | (a.tied != b.tied)
                figures |= f
                ranks |= r
                months |= f | r
        if old.annual is not new.annual:
            a, b = old.annual, new.annual
            figures |= _moved(_level_moved(a.level, b.level) | (a.shown != b.shown).any(axis=0) | (a.veto != b.veto),
                              (a.missing, b.missing), (a.agg_missing, b.agg_missing))
        return figures | ranks, figures, months

    def _install(self, snap: _Snapshot, changed, figures, months_moved, full: bool) -> None:
        """Make ``snap`` current. The results built so far are kept for the units it did not change.
        A changed unit keeps for its next result (when read) what still holds: its result but the
        ranks (no figure moved), its months view (no month moved) or the results of the months the
        edit did not rescore; a view whose months moved keeps showing the old snapshot."""
        if full or self._units is None:
            self._follow, self._lock = _Follow(snap), threading.Lock()  # results may be built in a worker
            built: dict[str, UnitResult] = {}
            self._reuse = {}
        else:
            with self._lock:
                built, reuse = dict(self._units.built), dict(self._reuse)
                follow, codes, before = self._follow, self._codes, self._snap
                for i in np.flatnonzero(changed).tolist():
                    r = built.pop(codes[i], None)
                    entry = reuse.pop(codes[i], None) if r is None else (r, r.months, True)
                    if entry is None:
                        continue
                    result, view, current = entry
                    if months_moved[i] and current and isinstance(view, _Months):
                        if view._src is follow:
                            view._src = before
                        current = False
                    reuse[codes[i]] = (None if figures[i] else result, view, current)
                follow.snap = snap
                self._reuse = reuse
        self._snap = snap
        self._units = LazyUnits(snap.index, self._builder(snap, self._reuse, built), built, self._groups_present,
                                lambda code, month=None: self._place(snap, code, month),
                                lambda month=None: self._places(snap, month))
        self._result = None

    # ------------------------------------------------------------------ results, built when read

    def _builder(self, snap: _Snapshot, reuse: dict[str, tuple], built: dict[str, UnitResult]):
        follow, lock = self._follow, self._lock

        def build(i: int) -> UnitResult:
            code = snap.refs[i].code
            with lock:  # an edit installing the next snapshot sees this result among those built
                r = built.get(code)
                if r is None:
                    r = built[code] = self._build(snap, i, follow, *(reuse.pop(code, None) or (None, None, False)))
            return r

        return build

    def _build(self, snap: _Snapshot, i: int, follow: _Follow, result, view, current: bool) -> UnitResult:
        if current:
            months = view
        elif self._monthly_mode:
            months = _Months(self, follow if follow.snap is snap else snap, i)
            if isinstance(view, _Months):  # the months rescored since are built anew
                old = view._snap().months
                months._built = {m: r for m, r in view._built.items() if old[m] is snap.months.get(m)}
        else:
            months = _EMPTY
        if result is None:
            return self._unit_result(snap, i, months)
        r = result
        return UnitResult(r.unit, r.group, r.status, r.total, *_ranked(snap, i, r.status), r.missing, r.veto,
                          r.indicators, r.categories, r.annual_score, r.annual_bonus, r.annual_penalty,
                          r.monthly_average, months)

    @staticmethod
    def _place(snap: _Snapshot, code: str, month: str | None) -> tuple[str, int | None, bool]:
        i = snap.index[code]
        if month is None:
            status = _STATUS[snap.status.item(i)]
            return (status, *_ranked(snap, i, status))
        m = snap.months.get(month) if month in snap.period else None
        if m is None:
            return "missing", None, False
        if m.status[i] != _SCORED or m.rank is None:
            return _MONTH_STATUS[m.status[i]], None, False
        return "scored", int(m.rank[i]), bool(m.tied[i])

    @staticmethod
    def _places(snap: _Snapshot, month: str | None) -> Places:
        """_place of every unit, as columns."""
        n = len(snap.refs)
        if month is None:
            ranked = (snap.status == 0) & (snap.rank > 0)
            return Places(_STATUS, snap.status, np.where(ranked, snap.rank, 0), snap.tied & ranked, snap.groups)
        m = snap.months.get(month) if month in snap.period else None
        if m is None:
            return Places(_MONTH_STATUS, np.zeros(n, np.int8), np.zeros(n, np.int64), np.zeros(n, bool), snap.groups)
        if m.rank is None:
            return Places(_MONTH_STATUS, m.status, np.zeros(n, np.int64), np.zeros(n, bool), snap.groups)
        scored = m.status == _SCORED
        return Places(_MONTH_STATUS, m.status, np.where(scored, m.rank, 0), m.tied & scored, snap.groups)

    def _unit_result(self, snap: _Snapshot, i: int, months: Mapping[str, MonthResult]) -> UnitResult:
        status = _STATUS[snap.status.item(i)]
        average, total = self._total(snap, i)
        indicators, categories, figures = self._annual_figures(snap.annual, i)
        veto = snap.annual.veto.item(i)
        return UnitResult(snap.refs[i], snap.groups[i], status, total, *_ranked(snap, i, status), self._missing(snap, i),
                          self.scheme.vetoes[veto].key if veto >= 0 else None, indicators, categories, *figures,
                          average, months)

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

    def _annual_figures(self, a: _Annual, i: int):
        """(indicators, category subtotals, (annual score, bonus, penalty)) of unit ``i`` as shown;
        units with the same figures share the mappings (an office's units repeat a few patterns)."""
        lv = a.level
        values, shown = lv.indicators[:, i].tolist(), a.shown[:, i].tolist()
        dec = Decimal if self._exact_annual else self._annual_decimal
        key = (*values, *shown, None)  # (never a month's key: those hold no None)
        maps = self._maps.get(key)
        if maps is None:
            if len(self._maps) > 20_000:
                self._maps.clear()
            keys = self._annual_keys
            cats = {c: sum([values[j] for j in m[1:]], values[m[0]]) if m else 0 for c, m in self._annual_cats
                    if values and all(shown[j] for j in m)}
            maps = self._maps[key] = (
                MappingProxyType({k: dec(v) for k, v, ok in zip(keys, values, shown, strict=True) if ok}),
                MappingProxyType({c: dec(v) for c, v in cats.items()}),
            )
        figures = (None, None, None)
        if lv.score is not None and values and i not in a.missing:
            figures = (dec(lv.score[i]), dec(lv.bonus[i]), dec(lv.penalty[i]))
        return (*maps, figures)

    def _annual_decimal(self, v) -> Decimal:
        return _fixed(int(v), self.scheme.scale.e)

    def _month_result(self, m: _Month, i: int) -> MonthResult:
        st = m.status[i]
        if st == _NONE:
            return MonthResult(m.month, "missing", None, None, False, _EMPTY, None, None, None, ())
        if st == _AVERAGED:
            return MonthResult(m.month, "averaged", m.mean, None, False, _EMPTY, None, None, None, ())
        lv, e = m.level, self.scheme.scale.e
        values = lv.indicators[:, i].tolist()
        if st == _INCOMPLETE:
            gone = set(m.missing[i])
            shown = {k: v for k, v, inputs in zip(self._mkeys, _fixed_all(values, e), self._minds, strict=True)
                     if not inputs & gone}
            return MonthResult(m.month, "incomplete", None, None, False, MappingProxyType(shown), None, None, None,
                               m.missing[i])
        key = tuple(values)  # units and months share the mapping of equal figures
        shown = self._maps.get(key)
        if shown is None:
            if len(self._maps) > 50_000:
                self._maps.clear()
            shown = self._maps[key] = MappingProxyType(dict(zip(self._mkeys, _fixed_all(values, e), strict=True)))
        score, base, bonus, penalty = _fixed_all([int(lv.score[i]), int(lv.base[i]), int(lv.bonus[i]),
                                                  int(lv.penalty[i])], e)
        rank = int(m.rank[i]) if m.rank is not None else None
        tied = bool(m.tied[i]) if m.tied is not None else False
        return MonthResult(m.month, "scored", score, rank, tied, shown, base, bonus, penalty, ())
