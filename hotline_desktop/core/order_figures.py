"""From work orders to the month's figures, as data (data/orders/figures.toml). Qt-free.

A figure counts the orders of a unit whose `month_by` time falls in the month; a count is the
orders matching all `hit` conditions (among `base`), a rate is hit ÷ base × 100 rounded half-up
to the file's `decimals`. No base order → no rate. Conditions are a fixed set of types (see the
file's header), evaluated with numpy over whole columns; none is code.

Working-day spans (签收 within 0.5 个工作日 …) count only the office's working hours on working
days (WorkCalendar + settings.office_hours), in whole seconds, so they are exact across lunch,
nights, weekends and holidays.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np

from hotline_desktop.core.orders import NAT, FieldDef, OrderTable, builtin_fields, distinct_small, month_of

CONDITION_TYPES = ("present", "absent", "is", "is_not", "at_least", "flag", "not_later", "late",
                   "within_workdays", "later_than_workdays")
KINDS = ("count", "rate")


@dataclass(frozen=True)
class Condition:
    type: str
    field: str = ""
    than: str = ""  # not_later / late: the other time; within_workdays: start is `field`, end is `than`
    values: tuple[str, ...] = ()
    number: Fraction = Fraction(0)  # at_least: min; *_workdays: days
    flag: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f in (self.field, self.than) if f)


@dataclass(frozen=True)
class Figure:
    scheme: str
    key: str
    label: str
    kind: str
    month_by: str
    base: tuple[Condition, ...]
    hit: tuple[Condition, ...]

    @property
    def deciding_fields(self) -> tuple[str, ...]:
        """The order fields that decide this figure (shown in the drill-down)."""
        out: list[str] = [self.month_by]
        for c in self.base + self.hit:
            out += [f for f in c.fields if f not in out]
        return tuple(out)


@dataclass(frozen=True)
class FigureBook:
    decimals: int
    figures: tuple[Figure, ...]

    def for_scheme(self, scheme_id: str) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.scheme == scheme_id)

    def get(self, scheme_id: str, key: str) -> Figure | None:
        return next((f for f in self.figures if f.scheme == scheme_id and f.key == key), None)

    def schemes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.scheme for f in self.figures))


def builtin_figures_path() -> Path:
    from hotline_desktop.paths import builtin_data_dir

    return builtin_data_dir() / "orders" / "figures.toml"


@dataclass(frozen=True)
class _RawCondition:
    """One condition table of figures.toml as read, with the checks its builders share."""

    raw: dict
    where: str
    fields: dict[str, FieldDef]

    @property
    def type(self) -> str:
        return self.raw["type"]

    def field(self, name: str, kinds: tuple[str, ...]) -> str:
        k = self.raw.get(name)
        if k not in self.fields:
            raise ValueError(f"{self.where}：{self.type} 的 {name} 应为工单字段，而不是 {k!r}")
        if self.fields[k].type not in kinds:
            raise ValueError(f"{self.where}：{self.type} 不能用于字段 {k}（{self.fields[k].type}）")
        return k

    def number(self, name: str) -> Fraction:
        v = self.raw.get(name)
        try:
            f = Fraction(str(v))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{self.where}：{self.type} 的 {name} 应为数字，而不是 {v!r}") from None
        if f < 0:
            raise ValueError(f"{self.where}：{self.type} 的 {name} 不能为负")
        return f


def _presence(c: _RawCondition) -> Condition:
    return Condition(c.type, c.field("field", ("datetime", "text", "choice")))


def _choice_in(c: _RawCondition) -> Condition:
    k = c.field("field", ("choice",))
    vals = c.raw.get("values")
    if not isinstance(vals, list) or not vals or any(v not in c.fields[k].values for v in vals):
        raise ValueError(f"{c.where}：{c.type} 的 values 应取自 {'、'.join(c.fields[k].values)}")
    return Condition(c.type, k, values=tuple(vals))


def _at_least(c: _RawCondition) -> Condition:
    return Condition(c.type, c.field("field", ("int",)), number=c.number("min"))


def _flag(c: _RawCondition) -> Condition:
    v = c.raw.get("value")
    if not isinstance(v, bool):
        raise ValueError(f"{c.where}：flag 的 value 应为 true 或 false")
    return Condition(c.type, c.field("field", ("bool",)), flag=v)


def _time_order(c: _RawCondition) -> Condition:
    return Condition(c.type, c.field("field", ("datetime",)), c.field("than", ("datetime",)))


def _workday_span(c: _RawCondition) -> Condition:
    return Condition(c.type, c.field("start", ("datetime",)), c.field("end", ("datetime",)),
                     number=c.number("days"))


# condition type → its builder (each checks the keys its type takes)
_CONDITION_BUILDERS = {
    "present": _presence, "absent": _presence,
    "is": _choice_in, "is_not": _choice_in,
    "at_least": _at_least,
    "flag": _flag,
    "not_later": _time_order, "late": _time_order,
    "within_workdays": _workday_span, "later_than_workdays": _workday_span,
}
assert set(_CONDITION_BUILDERS) == set(CONDITION_TYPES)


def _condition(raw: object, where: str, fields: dict[str, FieldDef]) -> Condition:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}：条件应为表（{{ type = … }}）")
    t = raw.get("type")
    if t not in CONDITION_TYPES:
        raise ValueError(f"{where}：条件类型 {t!r} 不在 {'/'.join(CONDITION_TYPES)} 之中")
    return _CONDITION_BUILDERS[t](_RawCondition(raw, where, fields))


def load_figures(path: str | Path | None = None, fields: Sequence[FieldDef] | None = None) -> FigureBook:
    """The figure definitions; ValueError (Chinese, naming the figure) when malformed."""
    p = Path(path) if path is not None else builtin_figures_path()
    try:
        raw = tomllib.loads(p.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"工单指标定义文件“{p.name}”无法读取：{e}") from None
    by_key = {f.key: f for f in (fields or builtin_fields())}
    decimals = raw.get("decimals", 2)
    if not isinstance(decimals, int) or not 0 <= decimals <= 4:
        raise ValueError("工单指标定义：decimals 应为 0–4 的整数")
    out: list[Figure] = []
    seen: set[tuple[str, str]] = set()
    for i, f in enumerate(raw.get("figure") or [], 1):
        scheme, key = f.get("scheme"), f.get("key")
        where = f"工单指标定义第 {i} 项（{scheme}/{key}）"
        if not isinstance(scheme, str) or not isinstance(key, str) or (scheme, key) in seen:
            raise ValueError(f"{where}：scheme/key 缺失或重复")
        kind = f.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{where}：kind 应为 count 或 rate")
        month_by = f.get("month_by", "accepted")
        if month_by not in by_key or by_key[month_by].type != "datetime":
            raise ValueError(f"{where}：month_by 应为时间字段，而不是 {month_by!r}")
        base = tuple(_condition(c, where, by_key) for c in f.get("base") or [])
        hit = tuple(_condition(c, where, by_key) for c in f.get("hit") or [])
        if kind == "rate" and not hit:
            raise ValueError(f"{where}：比率须有 hit 条件")
        seen.add((scheme, key))
        out.append(Figure(scheme, key, str(f.get("label") or key), kind, month_by, base, hit))
    return FigureBook(decimals, tuple(out))


@lru_cache(maxsize=1)
def builtin_figures() -> FigureBook:
    return load_figures()


def check_against_schemes(book: FigureBook, schemes: dict) -> list[str]:
    """Problems (Chinese) where a figure names an input its scheme lacks or of another kind."""
    out = []
    for f in book.figures:
        sch = schemes.get(f.scheme)
        if sch is None:
            continue
        if not sch.has_input(f.key):
            out.append(f"工单指标 {f.scheme}/{f.key}：方案中没有该项")
            continue
        inp = sch.input(f.key)
        if inp.period != "monthly" or inp.kind != f.kind:
            out.append(f"工单指标 {f.scheme}/{f.key}：方案中该项为 {inp.period}/{inp.kind}")
    return out


# -- working time -----------------------------------------------------------------------------------
Span = tuple[time, time]


class WorkClock:
    """Working seconds since a fixed day, vectorised: W(t) for an array of times (seconds since 1970).

    W counts only office hours on working days, so W(b) − W(a) is the working time from a to b."""

    def __init__(self, calendar, hours: Sequence[Span], first: date, last: date):
        self.spans = [(a.hour * 3600 + a.minute * 60, b.hour * 3600 + b.minute * 60) for a, b in hours]
        self.day_seconds = sum(e - s for s, e in self.spans)
        self.first = first
        n = (last - first).days + 1
        flags = np.array([calendar.is_workday(first + timedelta(days=i)) for i in range(n)], dtype=np.int64)
        self.flags = flags
        self.cum = np.concatenate([[0], np.cumsum(flags * self.day_seconds)])
        self._day0 = int((datetime(first.year, first.month, first.day) - datetime(1970, 1, 1)).total_seconds()) // 86400

    @classmethod
    def covering(cls, calendar, hours: Sequence[Span], *columns: np.ndarray) -> WorkClock:
        vals = [c[c != NAT] for c in columns]
        vals = [v for v in vals if len(v)]
        if not vals:
            d = date(2000, 1, 1)
            return cls(calendar, hours, d, d)
        lo = min(int(v.min()) for v in vals) // 86400
        hi = max(int(v.max()) for v in vals) // 86400
        epoch = date(1970, 1, 1)
        return cls(calendar, hours, epoch + timedelta(days=lo), epoch + timedelta(days=hi))

    def worked(self, secs: np.ndarray) -> np.ndarray:
        """W of each time (NAT stays NAT)."""
        ok = secs != NAT
        out = np.full(len(secs), NAT, np.int64)
        s = secs[ok]
        day = s // 86400 - self._day0
        tod = s % 86400
        within = np.zeros(len(s), np.int64)
        for a, b in self.spans:
            within += np.clip(tod, a, b) - a
        out[ok] = self.cum[day] + self.flags[day] * within
        return out

    def span(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working seconds from start to end (NAT where either is empty)."""
        ws, we = self.worked(start), self.worked(end)
        out = np.full(len(start), NAT, np.int64)
        ok = (ws != NAT) & (we != NAT)
        out[ok] = we[ok] - ws[ok]
        return out


# -- evaluation -------------------------------------------------------------------------------------
def _mask(c: Condition, t: OrderTable, clock: WorkClock | None) -> np.ndarray:
    n = len(t)
    if c.type in ("present", "absent"):
        if c.field in t.times:
            m = t.times[c.field] != NAT
        elif c.field in t.choices:
            m = t.choices[c.field] >= 0
        else:
            col = getattr(t, c.field)
            m = np.array([bool(x) for x in col], dtype=bool) if n else np.zeros(0, bool)
        return m if c.type == "present" else ~m
    if c.type in ("is", "is_not"):
        from hotline_desktop.core.orders import field_by_key

        vals = field_by_key(c.field).values
        m = np.isin(t.choices[c.field], [vals.index(v) for v in c.values])
        return m if c.type == "is" else ~m
    if c.type == "at_least":
        return t.counts[c.field] * c.number.denominator >= c.number.numerator
    if c.type == "flag":
        return t.flags[c.field] == c.flag
    a, b = t.times[c.field], t.times[c.than]
    if c.type == "not_later":
        return (a != NAT) & (b != NAT) & (a <= b)
    if c.type == "late":
        return (b != NAT) & ((a == NAT) | (a > b))
    assert clock is not None
    span = clock.span(a, b)
    limit = c.number * clock.day_seconds  # exact: compare span × den with num × day
    ok = span != NAT
    within = ok & (span * limit.denominator <= limit.numerator)
    if c.type == "within_workdays":
        return within
    return ok & ~within


def _all(conds: Sequence[Condition], t: OrderTable, clock: WorkClock | None) -> np.ndarray:
    m = np.ones(len(t), bool)
    for c in conds:
        m &= _mask(c, t, clock)
    return m


def needs_clock(figures: Sequence[Figure]) -> bool:
    return any(c.type.endswith("workdays") for f in figures for c in f.base + f.hit)


def clock_for(figures: Sequence[Figure], t: OrderTable, calendar, hours) -> WorkClock | None:
    if not needs_clock(figures):
        return None
    cols = {c.field for f in figures for c in f.base + f.hit if c.type.endswith("workdays")}
    cols |= {c.than for f in figures for c in f.base + f.hit if c.type.endswith("workdays")}
    return WorkClock.covering(calendar, hours, *(t.times[k] for k in sorted(cols)))


@dataclass(frozen=True)
class Tally:
    """A figure of one unit in one month: numerator and denominator order counts."""

    hit: int
    base: int


def rate_value(hit: int, base: int, decimals: int = 2) -> Decimal | None:
    """hit ÷ base × 100 rounded half-up; None when there is no base order (never a made-up rate)."""
    if base <= 0:
        return None
    scaled = Fraction(hit * 100 * 10**decimals, base)
    n = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)  # half-up (≥ 0)
    return Decimal(n).scaleb(-decimals)


def figure_value(fig: Figure, tally: Tally, decimals: int = 2) -> int | Decimal | None:
    return tally.hit if fig.kind == "count" else rate_value(tally.hit, tally.base, decimals)


def tally(figures: Sequence[Figure], t: OrderTable, calendar, hours,
          months: set[str] | None = None) -> dict[tuple[int, str, str], Tally]:
    """(unit_id, YYYY-MM, key) → Tally over the matched orders (unit_id > 0), for every figure.

    Only non-empty tallies appear (a unit-month without base orders has none)."""
    out: dict[tuple[int, str, str], Tally] = {}
    if not len(t):
        return out
    clock = clock_for(figures, t, calendar, hours)
    matched = t.unit_id > 0
    units = distinct_small(t.unit_id)
    if len(units) and 0 <= int(units[0]) and int(units[-1]) < 10_000_000:  # unit ids: a look-up, not a sort
        rank = np.zeros(int(units[-1]) + 1, np.int64)
        rank[units] = np.arange(len(units))
        uidx = rank[t.unit_id]
    else:
        units, uidx = np.unique(t.unit_id, return_inverse=True)
    nu, unit_ids = len(units), units.tolist()
    wanted = None if months is None else [int(m.replace("-", "")) for m in months]
    by_field: dict[str, tuple] = {}  # month_by → (selected, months, month × unit code): shared by figures
    for fig in figures:
        if fig.month_by not in by_field:
            mon = month_of(t.times[fig.month_by])
            sel = matched & (mon > 0)
            if wanted is not None:
                sel &= np.isin(mon, wanted)
            ms = distinct_small(mon[sel])
            code = np.searchsorted(ms, mon).astype(np.int64) * nu + uidx
            names = [f"{m // 100}-{m % 100:02d}" for m in ms.tolist()]
            by_field[fig.month_by] = (sel, names, code)
        sel, names, code = by_field[fig.month_by]
        if not names:
            continue
        base = sel & _all(fig.base, t, clock)
        hit = base & _all(fig.hit, t, clock)
        nb = np.bincount(code[base], minlength=len(names) * nu)
        nh = np.bincount(code[hit], minlength=len(names) * nu)
        nz = np.nonzero(nb)[0]
        for c, b, h in zip(nz.tolist(), nb[nz].tolist(), nh[nz].tolist(), strict=True):
            m, u = divmod(c, nu)
            out[(unit_ids[u], names[m], fig.key)] = Tally(h, b)
    return out


@dataclass(frozen=True)
class Drill:
    """The orders behind one figure of one unit in one month."""

    figure: Figure
    base: np.ndarray  # indexes into the table (the denominator)
    hit: np.ndarray  # indexes of the numerator (a subset of base)

    @property
    def tally(self) -> Tally:
        return Tally(len(self.hit), len(self.base))


def drill(fig: Figure, t: OrderTable, unit_id: int, month: str, calendar, hours) -> Drill:
    clock = clock_for([fig], t, calendar, hours)
    mon = month_of(t.times[fig.month_by])
    sel = (t.unit_id == unit_id) & (mon == int(month.replace("-", "")))
    base = sel & _all(fig.base, t, clock)
    hit = base & _all(fig.hit, t, clock)
    return Drill(fig, np.nonzero(base)[0], np.nonzero(hit)[0])


def working_span_text(fig: Figure, t: OrderTable, i: int, calendar, hours) -> str:
    """For a drill-down row: the working time of the figure's workday condition, e.g. '3.5 小时'."""
    for c in fig.base + fig.hit:
        if c.type.endswith("workdays"):
            clock = clock_for([fig], t.take(np.array([i])), calendar, hours)
            s = int(clock.span(t.times[c.field][i:i + 1], t.times[c.than][i:i + 1])[0])
            if s == NAT:
                return ""
            return f"{Decimal(s) / 3600:.2f} 工作小时"
    return ""
