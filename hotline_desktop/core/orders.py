"""工单明细: reading a platform's work-order export into columns. Qt-free.

The fields and the headers each is known by are data (data/orders/columns.toml, validated on
load). `match_columns` maps a file's header row onto the fields (aliases, a saved profile or an
explicit map); `parse_orders` turns the rows into an `OrderTable` of numpy columns and lists every
bad row with its row number and a Chinese reason (nothing about a bad row is kept).

Times are naive local wall-clock seconds since 1970-01-01 (int64), `NAT` when empty.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

from hotline_desktop.core.text import TextProblem, clean_text, clip
from hotline_desktop.core.xlsx import cell_text

NAT = np.iinfo(np.int64).min
MAX_NUMBER = 64  # characters of a 工单编号 (work_orders.number is VARCHAR(64))
FIELD_TYPES = ("text", "datetime", "int", "bool", "choice")
_EPOCH = datetime(1970, 1, 1)
_EXCEL_EPOCH = datetime(1899, 12, 30)
# the years a work-order time may fall in: 0001-01-01 or 2926-11-03 is a typo, and a month outside
# four-digit years cannot even be named (YYYY-MM)
ORDER_YEARS = (1970, 2099)  # (not core.dates' 2000–2100 of the date pickers: a platform's export may be older)
_TIME_MIN = int((datetime(ORDER_YEARS[0], 1, 1) - _EPOCH).total_seconds())
_TIME_END = int((datetime(ORDER_YEARS[1] + 1, 1, 1) - _EPOCH).total_seconds())


@dataclass(frozen=True)
class FieldDef:
    key: str
    names: tuple[str, ...]  # names[0] is the canonical (Chinese) name
    type: str
    required: bool = False
    date_only: str = "start"  # a date without time: "start" (00:00) or "end" (23:59:59) of the day
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # value → accepted spellings
    default: str = ""  # choice given when the cell is empty

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.choices)


def builtin_columns_path() -> Path:
    from hotline_desktop.paths import builtin_data_dir

    return builtin_data_dir() / "orders" / "columns.toml"


def _field_choices(f: dict, where: str) -> list[tuple[str, tuple[str, ...]]]:
    """A choice field's values and the spellings each is accepted by."""
    ch = f.get("choices")
    if not isinstance(ch, dict) or not ch:
        raise ValueError(f"{where}：choice 字段须有 choices")
    choices = []
    for v, spellings in ch.items():
        if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
            raise ValueError(f"{where}：choices.{v} 应为写法列表")
        choices.append((v, tuple(spellings)))
    return choices


def load_fields(path: str | Path | None = None) -> tuple[FieldDef, ...]:
    """The field definitions; ValueError (Chinese, naming the field) when the file is malformed."""
    p = Path(path) if path is not None else builtin_columns_path()
    try:
        raw = tomllib.loads(p.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"工单字段定义文件“{p.name}”无法读取：{e}") from None
    out: list[FieldDef] = []
    seen_keys: set[str] = set()
    seen_names: dict[str, str] = {}
    for i, f in enumerate(raw.get("field") or [], 1):
        where = f"工单字段定义第 {i} 项"
        key = f.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z_]+", key) or key in seen_keys:
            raise ValueError(f"{where}：key 缺失、格式不对或重复（{key!r}）")
        names = f.get("names")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValueError(f"{where}（{key}）：names 应为非空的列名列表")
        ftype = f.get("type")
        if ftype not in FIELD_TYPES:
            raise ValueError(f"{where}（{key}）：type 应为 {'/'.join(FIELD_TYPES)} 之一，而不是 {ftype!r}")
        for n in names:
            norm = normalize_header(n)
            if norm in seen_names:
                raise ValueError(f"{where}（{key}）：列名“{n}”已属于字段 {seen_names[norm]}")
            seen_names[norm] = key
        choices = _field_choices(f, f"{where}（{key}）") if ftype == "choice" else []
        default = f.get("default", "")
        if default and default not in {v for v, _ in choices}:
            raise ValueError(f"{where}（{key}）：default“{default}”不在 choices 中")
        date_only = f.get("date_only", "start")
        if date_only not in ("start", "end"):
            raise ValueError(f"{where}（{key}）：date_only 应为 start 或 end")
        seen_keys.add(key)
        out.append(FieldDef(key, tuple(n.strip() for n in names), ftype, bool(f.get("required", False)),
                            date_only, tuple(choices), default))
    for must in ("number", "unit", "accepted"):
        if must not in seen_keys:
            raise ValueError(f"工单字段定义缺少必需字段 {must}")
    return tuple(out)


@lru_cache(maxsize=1)
def builtin_fields() -> tuple[FieldDef, ...]:
    return load_fields()


def field_by_key(key: str, fields: Sequence[FieldDef] | None = None) -> FieldDef:
    return next(f for f in (fields or builtin_fields()) if f.key == key)


def field_by_name(name: str, fields: Sequence[FieldDef] | None = None) -> FieldDef | None:
    """A field by its canonical Chinese name, any alias, or its key."""
    norm = normalize_header(name)
    for f in fields or builtin_fields():
        if name == f.key or norm in {normalize_header(n) for n in f.names}:
            return f
    return None


_HEADER_STRIP = re.compile(r"[\s\u3000()（）\[\]【】:：*＊]")


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}  # full-width ASCII → ASCII


def normalize_header(text: object) -> str:
    """A header, unit name or choice as compared: no spaces/brackets, half-width, lower case."""
    if type(text) is str:
        return _normalize(text)
    return _normalize(cell_text(text))


@lru_cache(maxsize=65536)
def _normalize(t: str) -> str:
    return _HEADER_STRIP.sub("", t.strip().translate(_FULL_WIDTH)).lower()


# -- column matching ------------------------------------------------------------------------------
@dataclass
class ColumnMatch:
    """Which column (0-based) holds each field, and what is still missing or unknown."""

    columns: dict[str, int]  # field key → column index
    headers: list[str]
    missing: list[FieldDef]  # required fields without a column
    unknown: list[str]  # headers that match no field (shown to the operator, not an error)

    @property
    def complete(self) -> bool:
        return not self.missing

    def mapping_names(self) -> dict[str, str]:
        """Canonical field name → header text (what a saved profile stores)."""
        by_key = {f.key: f for f in builtin_fields()}
        return {by_key[k].name: self.headers[i] for k, i in self.columns.items() if k in by_key}


def find_header_row(rows: Sequence[Sequence[object]], fields: Sequence[FieldDef] | None = None,
                    limit: int = 10) -> int:
    """The index of the row (among the first few) matching most field names; 0 when none match."""
    fields = fields or builtin_fields()
    names = {normalize_header(n) for f in fields for n in f.names}
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:limit]):
        hits = sum(1 for c in row if normalize_header(c) in names)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def header_of(rows: Sequence[Sequence[object]], fields: Sequence[FieldDef] | None = None,
              limit: int = 10) -> tuple[list[object], int]:
    """(the header cells, the index of the first data row) among the first rows. A header of two
    rows (时间 merged over 受理时间 | 办结时间: the merged cell's text stands in its first column
    only) is read as one: a cell of the second row naming a field wins over the one above it."""
    if not rows:
        return [], 0
    fields = fields or builtin_fields()
    h = find_header_row(rows, fields, limit)
    head = list(rows[h])
    if h + 1 >= len(rows):
        return head, h + 1
    names = {normalize_header(n) for f in fields for n in f.names}
    below = list(rows[h + 1])
    known_below = [i for i, c in enumerate(below) if normalize_header(c) in names]
    # a data row holds no field names; a second header row does (and the first had no name there)
    if not known_below or any(i < len(head) and normalize_header(head[i]) in names for i in known_below):
        return head, h + 1
    width = max(len(head), len(below))
    head += [None] * (width - len(head))
    for i in known_below:
        head[i] = below[i]
    return head, h + 2


def match_columns(headers: Sequence[object], mapping: dict[str, str] | None = None,
                  fields: Sequence[FieldDef] | None = None) -> ColumnMatch:
    """Map headers to fields: `mapping` (field name or key → header text) first, then the aliases.

    ValueError (Chinese) when the mapping names an unknown field or a header not in the file."""
    fields = fields or builtin_fields()
    texts = [cell_text(h) for h in headers]
    norm = [normalize_header(h) for h in headers]
    columns: dict[str, int] = {}
    used: set[int] = set()
    for fname, header in (mapping or {}).items():
        f = field_by_name(fname, fields)
        if f is None:
            raise ValueError(f"没有名为“{fname}”的工单字段（可用：{'、'.join(x.name for x in fields)}）")
        h = normalize_header(header)
        if h not in norm:
            raise ValueError(f"文件中没有“{header}”这一列（字段“{f.name}”）")
        idx = norm.index(h)
        columns[f.key] = idx
        used.add(idx)
    for f in fields:
        if f.key in columns:
            continue
        aliases = {normalize_header(n) for n in f.names}
        for i, h in enumerate(norm):
            if i not in used and h in aliases:
                columns[f.key] = i
                used.add(i)
                break
    missing = [f for f in fields if f.required and f.key not in columns]
    unknown = [texts[i] for i in range(len(texts)) if i not in used and texts[i]]
    return ColumnMatch(columns, texts, missing, unknown)


# -- values ---------------------------------------------------------------------------------------
_DT_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2})(\d{2})(\d{2})?)?$")


def _seconds(dt: datetime) -> int:
    return int((dt - _EPOCH).total_seconds())


def parse_datetime(v: object, date_only: str = "start") -> int | None:
    """A cell → seconds since 1970 (local), NAT for an empty cell; None when it is not a time.

    Accepts datetime/date objects, Excel serial numbers, and text such as 2026-11-03 09:15,
    2026/11/3 9:15:07, 2026年11月3日 9时15分, 20261103 091500."""
    if v is None or v == "":
        return NAT
    if isinstance(v, datetime):
        return _seconds(v.replace(tzinfo=None, microsecond=0))
    if isinstance(v, date):
        d = datetime(v.year, v.month, v.day)
        return _seconds(d) + (86399 if date_only == "end" else 0)
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        if not 20000 <= v <= 80000:  # Excel serials 1954–2119
            return None
        days = float(v)
        secs = round(days * 86400)
        if days.is_integer() and date_only == "end":
            secs += 86399
        return _seconds(_EXCEL_EPOCH) + secs
    t = str(v).strip()
    if not t:
        return NAT
    m = _DT_RE.match(t) or _COMPACT_RE.match(t)
    if not m:
        try:
            f = float(t)
        except ValueError:
            return None
        return parse_datetime(f, date_only)
    y, mo, d, hh, mm, ss = m.groups()
    try:
        base = datetime(int(y), int(mo), int(d))
        if hh is None:
            return _seconds(base) + (86399 if date_only == "end" else 0)
        if not (0 <= int(hh) <= 23 and 0 <= int(mm) <= 59 and 0 <= int(ss or 0) <= 59):
            return None
        return _seconds(base) + int(hh) * 3600 + int(mm) * 60 + int(ss or 0)
    except ValueError:
        return None


def format_time(secs: int) -> str:
    if secs == NAT:
        return ""
    return (_EPOCH + timedelta(seconds=int(secs))).strftime("%Y-%m-%d %H:%M")


def to_datetime(secs: int) -> datetime | None:
    return None if secs == NAT else _EPOCH + timedelta(seconds=int(secs))


def month_of(secs: np.ndarray) -> np.ndarray:
    """YYYYMM (int) of each time; 0 for NAT."""
    ok = secs != NAT
    m = np.zeros(len(secs), dtype=np.int32)
    if not ok.any():
        return m
    every = bool(ok.all())
    s = secs if every else secs[ok]
    days = s // 86400
    lo, hi = int(days.min()), int(days.max())
    if hi - lo < 100_000:  # a table of the days spanned: one look-up per time (datetime64[M] is slow)
        d = np.arange(lo, hi + 1, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        ym = ((d // 12 + 1970) * 100 + d % 12 + 1).astype(np.int32)[days - lo]
    else:
        d = s.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        ym = ((d // 12 + 1970) * 100 + d % 12 + 1).astype(np.int32)
    if every:
        return ym
    m[ok] = ym
    return m


def distinct_small(values: np.ndarray) -> np.ndarray:
    """np.unique of non-negative integers in a modest range (YYYYMM months, unit ids), sorted, in
    one pass (bincount) instead of a sort of the whole column."""
    if not len(values):
        return values[:0]
    lo, hi = int(values.min()), int(values.max())
    if lo < 0 or hi - lo > 10_000_000:
        return np.unique(values)
    return (np.nonzero(np.bincount(values - lo))[0] + lo).astype(values.dtype)


def distinct_months(secs: np.ndarray) -> list[int]:
    """The YYYYMM months present among the times (NAT left out), sorted."""
    m = month_of(secs)
    return [x for x in distinct_small(m).tolist() if x]


_TRUE = {"是", "y", "yes", "true", "1", "匿名", "√"}
_FALSE = {"否", "n", "no", "false", "0", "实名", "非匿名", ""}


@dataclass(frozen=True)
class BadRow:
    row: int  # 1-based row number in the file
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.reason}"


@dataclass
class OrderTable:
    """The orders of a file (or of the store), column by column."""

    number: list[str]
    unit: list[str]  # the unit name (or code) as the platform wrote it
    unit_code: list[str]
    times: dict[str, np.ndarray]  # datetime field key → int64 seconds (NAT when empty)
    counts: dict[str, np.ndarray]  # int field key → int32 (0 when empty)
    choices: dict[str, np.ndarray]  # choice field key → int8 index into FieldDef.values
    flags: dict[str, np.ndarray]  # bool field key → bool
    route: list[str]
    rows: np.ndarray  # source row numbers
    unit_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # 0 = unmatched

    def __len__(self) -> int:
        return len(self.number)

    def take(self, idx: np.ndarray) -> OrderTable:
        idx = np.asarray(idx, dtype=np.int64)
        pick = idx.tolist()
        return OrderTable(
            _gather(self.number, pick), _gather(self.unit, pick), _gather(self.unit_code, pick),
            {k: v[idx] for k, v in self.times.items()}, {k: v[idx] for k, v in self.counts.items()},
            {k: v[idx] for k, v in self.choices.items()}, {k: v[idx] for k, v in self.flags.items()},
            _gather(self.route, pick), self.rows[idx],
            self.unit_id[idx] if len(self.unit_id) == len(self.number) else np.zeros(len(pick), dtype=np.int64),
        )

    @classmethod
    def concat(cls, parts: Sequence[OrderTable]) -> OrderTable:
        parts = [p for p in parts if len(p)] or list(parts[:1])
        if not parts:
            return empty_table()
        def joined(name: str) -> list:
            return list(itertools.chain.from_iterable(getattr(p, name) for p in parts))

        return cls(
            joined("number"), joined("unit"), joined("unit_code"),
            {k: np.concatenate([p.times[k] for p in parts]) for k in parts[0].times},
            {k: np.concatenate([p.counts[k] for p in parts]) for k in parts[0].counts},
            {k: np.concatenate([p.choices[k] for p in parts]) for k in parts[0].choices},
            {k: np.concatenate([p.flags[k] for p in parts]) for k in parts[0].flags},
            joined("route"), np.concatenate([p.rows for p in parts]),
            np.concatenate([p.unit_id if len(p.unit_id) == len(p) else np.zeros(len(p), np.int64) for p in parts]),
        )

    def choice_text(self, key: str, i: int) -> str:
        f = field_by_key(key)
        c = int(self.choices[key][i])
        return f.values[c] if c >= 0 else ""


def _gather(values: list, pick: list[int]) -> list:
    return list(map(values.__getitem__, pick))


def empty_table(fields: Sequence[FieldDef] | None = None) -> OrderTable:
    fields = fields or builtin_fields()
    return OrderTable(
        [], [], [], {f.key: np.zeros(0, np.int64) for f in fields if f.type == "datetime"},
        {f.key: np.zeros(0, np.int32) for f in fields if f.type == "int"},
        {f.key: np.zeros(0, np.int8) for f in fields if f.type == "choice"},
        {f.key: np.zeros(0, bool) for f in fields if f.type == "bool"}, [], np.zeros(0, np.int32),
        np.zeros(0, np.int64),
    )


@dataclass
class ParsedOrders:
    table: OrderTable
    bad: list[BadRow]
    duplicates: int  # rows whose 工单编号 repeats an earlier row (the later row is kept)


def _fast_times(col: Sequence, date_only: str) -> np.ndarray | None:
    """Vectorised parse of a column of ISO text (YYYY-MM-DD[ HH:MM[:SS]]) or datetimes; None when a
    cell needs the per-cell path."""
    try:
        lens = set(map(len, col))  # only text cells have a length
    except TypeError:
        lens = None
    types = {str} if lens is not None else set(map(type, col))
    try:
        if types <= {str}:
            if not lens <= {0, 10, 16, 19}:
                return None
            arr = np.array(col, dtype="datetime64[s]").astype(np.int64)  # "" → NaT == NAT
            if date_only == "end" and 10 in lens:
                arr[[i for i, v in enumerate(col) if len(v) == 10]] += 86399
            return arr
        if types <= {datetime, str, type(None)}:
            if any(type(v) is str and v for v in col):
                return None
            return np.array([v if type(v) is datetime else "NaT" for v in col], dtype="datetime64[s]").astype(np.int64)
    except ValueError:
        return None
    return None


def _texts(col: Sequence) -> list[str]:
    if set(map(type, col)) <= {str}:
        return list(map(str.strip, col))
    return [cell_text(v) for v in col]


def _shared(texts: list[str]) -> list[str]:
    """The same list with equal texts as one object (unit names repeat on every order: less memory,
    and SQLite encodes each distinct text once)."""
    canon: dict[str, str] = {}
    return list(map(canon.setdefault, texts, texts))


def _by_value(col: Sequence, parse) -> tuple[list, dict]:
    """parse() of each cell, computed once per distinct cell value (columns repeat a few values)."""
    table = {v: parse(v) for v in set(col)}
    return list(map(table.__getitem__, col)), table


def _count_cell(v: object) -> int | None:
    t = cell_text(v)
    return 0 if not t else int(t) if t.isdecimal() and len(t) <= 6 else None  # isdigit() passes '²'


def _bool_cell(v: object) -> bool | None:
    t = normalize_header(v)
    return True if t in _TRUE else False if t in _FALSE else None


def _time_column(f: FieldDef, col: Sequence | None, n: int, flag) -> np.ndarray:
    if col is None:
        return np.full(n, NAT, np.int64)
    arr = _fast_times(col, f.date_only)
    if arr is None:  # a cell the vectorised parse does not take: cell by cell
        arr = np.full(n, NAT, np.int64)
        for i, v in enumerate(col):
            s = parse_datetime(v, f.date_only)
            if s is None:
                flag(i, f"{f.name}“{cell_text(v)[:30]}”不是有效的日期时间")
            else:
                arr[i] = s
    far = (arr != NAT) & ((arr < _TIME_MIN) | (arr >= _TIME_END))
    if far.any():
        for i in np.nonzero(far)[0].tolist():
            flag(i, f"{f.name}“{cell_text(col[i])[:30]}”的年份应在 {ORDER_YEARS[0]}–{ORDER_YEARS[1]} 之间")
        arr[far] = NAT
    return arr


def _coded_column(col: Sequence, parse, dtype, fallback, why, flag) -> np.ndarray:
    """parse() of each cell as an array; a cell it refuses (None) is flagged with why(the cell's
    text) and stored as `fallback`."""
    vals, table = _by_value(col, parse)
    if None in table.values():
        for i in [i for i, j in enumerate(vals) if j is None]:
            flag(i, why(cell_text(col[i])[:20]))
        vals = [fallback if j is None else j for j in vals]
    return np.fromiter(vals, dtype, len(col))


def _count_column(f: FieldDef, col: Sequence | None, n: int, flag) -> np.ndarray:
    if col is None:
        return np.zeros(n, np.int32)
    return _coded_column(col, _count_cell, np.int32, 0, lambda t: f"{f.name}“{t}”应为不小于 0 的整数", flag)


def _choice_column(f: FieldDef, col: Sequence | None, n: int, flag) -> np.ndarray:
    default = f.values.index(f.default) if f.default else -1
    if col is None:
        return np.full(n, default, np.int8)
    lookup = {normalize_header(s): j for j, (_v, spellings) in enumerate(f.choices) for s in spellings}

    def choice(v):
        t = normalize_header(v)
        return default if not t else lookup.get(t)
    values = "、".join(f.values)
    return _coded_column(col, choice, np.int8, default, lambda t: f"{f.name}“{t}”应为{values}之一", flag)


def _bool_column(f: FieldDef, col: Sequence | None, n: int, flag) -> np.ndarray:
    if col is None:
        return np.zeros(n, bool)
    return _coded_column(col, _bool_cell, bool, False, lambda t: f"{f.name}“{t}”应为“是”或“否”", flag)


# field type → its column parser (f, the column or None when the file lacks it, rows, flag(i, reason));
# "text" fields are read as lists by parse_orders itself
_COLUMN_PARSERS = {"datetime": _time_column, "int": _count_column, "choice": _choice_column,
                   "bool": _bool_column}


def _flag_numbers(number: list[str], flag) -> None:
    """A 工单编号 longer than the store holds, or with an invisible character (a control, a
    direction override, a zero-width space: it would look like another order's number)."""
    if not number or (max(map(len, number)) <= MAX_NUMBER and "".join(number).isprintable()):
        return
    for i, t in enumerate(number):
        if len(t) > MAX_NUMBER:
            flag(i, f"工单编号过长（{len(t)} 个字符，最多 {MAX_NUMBER} 个）")
        elif not t.isprintable():
            ch = next(c for c in t if not c.isprintable())
            shown = clip("".join(c if c.isprintable() else "?" for c in t), 30)
            flag(i, f"工单编号“{shown}”含有不可见的字符（U+{ord(ch):04X}）")


def _cleaned(texts: list[str], key: str, flag) -> list[str]:
    """A unit name, code or route as stored: controls and direction overrides removed (core.text)."""
    if not texts or "".join(texts).isprintable():
        return texts
    out = list(texts)
    for i, t in enumerate(texts):
        if not t.isprintable():
            try:
                out[i] = clean_text(t)
            except TextProblem as e:
                flag(i, f"{field_by_key(key).name}{e.reason}")
                out[i] = ""
    return out


def _flag_missing_ids(number: list[str], unit: list[str], unit_code: list[str], flag) -> None:
    if "" in number:
        for i in [i for i, v in enumerate(number) if not v]:
            flag(i, "缺少工单编号")
    if "" in unit:
        for i in [i for i, v in enumerate(unit) if not v]:
            if not unit_code[i]:
                flag(i, "缺少承办单位")


def _flag_times(times: dict[str, np.ndarray], bad: dict[int, list[str]], flag,
                fields: Sequence[FieldDef]) -> None:
    """受理时间 missing (unless its cell was already refused), 办结 before 受理."""
    acc = times["accepted"]
    done = times.get("completed")
    for i in np.nonzero(acc == NAT)[0]:
        if not any("受理" in r for r in bad.get(int(i), ())):
            flag(int(i), f"缺少{field_by_key('accepted', fields).name}")
    if done is not None:
        for i in np.nonzero((done != NAT) & (acc != NAT) & (done < acc))[0]:
            flag(int(i), "办结时间早于受理时间")


def _blank_rows(rows: Sequence[Sequence[object]], number: list[str]) -> set[int]:
    """Rows with nothing in any cell (a csv's trailing empty lines, a sheet's formatted but empty
    rows): skipped, not bad. Only rows without a 工单编号 are looked at."""
    if "" not in number:
        return set()
    return {i for i, v in enumerate(number) if not v and all(c is None or not cell_text(c) for c in rows[i])}


def _kept_rows(bad: dict[int, list[str]], number: list[str], blank: set[int]) -> tuple[np.ndarray, int]:
    """(indexes of the rows kept: good, the last of a repeated 工单编号; how many repeats were dropped)."""
    n = len(number)
    if bad or blank:
        keep = np.ones(n, bool)
        keep[list(bad)] = False
        keep[list(blank)] = False
        good = np.nonzero(keep)[0]
    else:
        good = np.arange(n, dtype=np.int64)
    good_numbers = _gather(number, good.tolist()) if bad or blank else number
    dups = len(good_numbers) - len(set(good_numbers))
    if dups:
        last = dict(zip(good_numbers, good.tolist(), strict=True))
        good = np.array(sorted(last.values()), dtype=np.int64)
    return good, dups


def _flag_special(special: dict[tuple[int, int], str], match: ColumnMatch, first_row: int, n: int,
                  fields: Sequence[FieldDef], flag) -> set[int]:
    """A mapped cell the workbook holds a formula without a value or an error value in (#N/A):
    read as empty it would be an order not completed, a count of 0 … so its row is bad. Returns
    the rows flagged."""
    names = {i: field_by_key(k, fields).name for k, i in match.columns.items()}
    rows = set()
    for (r0, c0), reason in special.items():
        i = r0 + 1 - first_row
        if 0 <= i < n and c0 in names:
            flag(i, f"{names[c0]}：{reason}")
            rows.add(i)
    return rows


def parse_orders(rows: Sequence[Sequence[object]], match: ColumnMatch, first_row: int = 2,
                 fields: Sequence[FieldDef] | None = None,
                 special: dict[tuple[int, int], str] | None = None) -> ParsedOrders:
    """Data rows (after the header) → an OrderTable of the good rows and the bad rows listed.

    `first_row` is the file's row number of rows[0]. A bad row: no 工单编号 or 承办单位, a time that
    is not a time, 受理时间 missing, 办结 before 受理, a count that is not a whole number ≥ 0, a value
    outside a choice field's values. A repeated 工单编号 keeps the later row (dedup). A row with
    every cell empty is skipped. `special`: (row0, col0) of the file → why a cell read as empty is
    not (core.xlsx.Sheet.special)."""
    fields = fields or builtin_fields()
    n = len(rows)
    cols = match.columns
    bad: dict[int, list[str]] = {}

    width = max(cols.values(), default=-1) + 1
    rect = rows if all(len(r) >= width for r in rows) else [list(r) + [None] * (width - len(r)) for r in rows]
    transposed = list(zip(*rect, strict=False)) if n else []

    def column(key: str) -> Sequence | None:
        """The file's column of a field (a tuple: read, never changed); None when the file lacks it."""
        i = cols.get(key)
        if i is None:
            return None
        return transposed[i] if n else []

    blank: set[int] = set()

    def flag(i: int, reason: str) -> None:
        if i not in blank:
            bad.setdefault(i, []).append(reason)

    def text_column(key: str) -> list[str]:
        return _texts(column(key)) if key in cols else [""] * n

    number = text_column("number")
    unit = _shared(_cleaned(text_column("unit"), "unit", flag))
    unit_code = _shared(_cleaned(text_column("unit_code"), "unit_code", flag))
    route = _shared(_cleaned(text_column("route"), "route", flag))
    blank |= _blank_rows(rows, number)
    if special:
        blank -= _flag_special(special, match, first_row, n, fields, lambda i, r: bad.setdefault(i, []).append(r))
    _flag_numbers(number, flag)
    _flag_missing_ids(number, unit, unit_code, flag)
    typed: dict[str, dict[str, np.ndarray]] = {t: {} for t in _COLUMN_PARSERS}
    for f in fields:
        parse = _COLUMN_PARSERS.get(f.type)
        if parse is not None:
            typed[f.type][f.key] = parse(f, column(f.key), n, flag)
    times = typed["datetime"]
    _flag_times(times, bad, flag, fields)
    rownums = np.arange(first_row, first_row + n, dtype=np.int32)
    bad_rows = [BadRow(int(rownums[i]), "；".join(bad[i])) for i in sorted(bad)]
    good, dups = _kept_rows(bad, number, blank)
    table = OrderTable(number, unit, unit_code, times, typed["int"], typed["choice"], typed["bool"], route,
                       rownums, np.zeros(n, np.int64))
    return ParsedOrders(table.take(good) if len(good) != n else table, bad_rows, dups)


def dedup_last(table: OrderTable) -> tuple[OrderTable, int]:
    """The table with each 工单编号 once (its last row kept), and how many rows were dropped."""
    if len(set(table.number)) == len(table):
        return table, 0
    last = dict(zip(table.number, range(len(table)), strict=True))
    dups = len(table) - len(last)
    return table.take(np.array(sorted(last.values()), dtype=np.int64)), dups


def months_in(table: OrderTable) -> list[str]:
    """YYYY-MM of every 受理时间 in the table, sorted."""
    return [f"{m // 100}-{m % 100:02d}" for m in distinct_months(table.times["accepted"])]


def split_route(text: str) -> list[str]:
    return [p for p in re.split(r"\s*(?:→|->|—>|>|；|;|、|,|，|\|)\s*", text or "") if p]


def parse_map_args(items: Iterable[str]) -> dict[str, str]:
    """CLI --map 字段=列名 items → {field name: header}; ValueError (Chinese) on a malformed one."""
    out = {}
    for it in items:
        if "=" not in it:
            raise ValueError(f"--map 应写作 字段=列名：{it}")
        k, v = it.split("=", 1)
        if not k.strip() or not v.strip():
            raise ValueError(f"--map 应写作 字段=列名：{it}")
        if field_by_name(k.strip()) is None:
            raise ValueError(f"没有名为“{k.strip()}”的工单字段（可用：{'、'.join(f.name for f in builtin_fields())}）")
        out[k.strip()] = v.strip()
    return out
