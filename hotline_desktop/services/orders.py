"""工单明细 import: a platform's work-order export becomes the month's figures, traceable to orders.

plan() reads and checks a file (nothing written); apply() replaces the months it covers in one
transaction (dedup by 工单编号; cancel or any error leaves nothing) and stores the figures the
definitions (core/order_figures.py) give every unit; OrderFeeds makes them the scored values of
the 月度数据 cells ("from orders"; a typed value overrides explicitly, as for fed notice counts).
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hotline_desktop.core import order_figures as figs
from hotline_desktop.core.gc_pause import gc_paused
from hotline_desktop.core.orders import (
    BadRow,
    ColumnMatch,
    OrderTable,
    dedup_last,
    distinct_months,
    distinct_small,
    field_by_key,
    header_of,
    match_columns,
    month_of,
    normalize_header,
    parse_orders,
)
from hotline_desktop.core.text import clip
from hotline_desktop.core.xlsx import read_sheet
from hotline_desktop.db.orders_repository import OrdersRepository
from hotline_desktop.db.repositories import AuditRepository, UnitRepository, ValueRepository
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.events import Event

Progress = Callable[[int, int], bool]  # (done, total) → keep going
CHUNK_ROWS = 100_000  # rows parsed at a time


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ENCODINGS_TEXT = "UTF-8、UTF-16（Excel 的“Unicode 文本”）或 GB18030/GBK"


def _csv_facts(p: Path) -> tuple[str, int]:
    """(encoding, about how many rows: its line breaks, for progress) of a text file, in one pass
    over its blocks (none kept): UTF-16 when it starts with its byte-order mark (Excel's "Unicode
    text"), UTF-8 when the whole file decodes as UTF-8, else GB18030."""
    import codecs

    dec, lines = codecs.getincrementaldecoder("utf-8-sig")(), 1
    with open(p, "rb") as f:
        block = f.read(1 << 20)
        enc = "utf-16" if block[:2] in _UTF16_BOMS else "utf-8-sig"
        while block:
            lines += block.count(b"\n")
            if enc == "utf-8-sig":
                try:
                    dec.decode(block)
                except UnicodeDecodeError:
                    enc = "gb18030"
            block = f.read(1 << 20)
    if enc == "utf-8-sig":
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            enc = "gb18030"
    return enc, lines


def _csv_delimiter(first_line: str) -> str:
    """The separator of a text export: a comma, or the tab (Excel's 文本文件/Unicode 文本) or
    semicolon the header line holds more of."""
    return max((",", "\t", ";"), key=first_line.count) if first_line else ","


def _csv_rows(p: Path, enc: str) -> Iterator[list]:
    """The rows of a csv/txt; ServiceError (Chinese, naming the file and line) for a file that is
    neither UTF-8, UTF-16 nor GB18030, or whose quotes do not pair up."""
    line = 0
    try:
        with open(p, encoding=enc, newline="") as f:
            first = f.readline()
            f.seek(0)
            reader = csv.reader(f, delimiter=_csv_delimiter(first.lstrip("\ufeff")))
            for row in reader:
                line = reader.line_num
                yield row
    except UnicodeDecodeError:
        raise ServiceError(f"“{clip(p.name, 60)}”第 {line + 1} 行附近的文字无法识别：文件应为 {_ENCODINGS_TEXT} 编码"
                           ) from None
    except csv.Error:
        raise ServiceError(f"“{clip(p.name, 60)}”第 {line + 1} 行起的内容无法按 csv 读取"
                           "（多半是某个单元格的引号没有成对，或单元格过长）") from None


def iter_table_file(path: str | Path) -> Iterator[list]:
    """Rows of an xlsx/xls (python-calamine, as core.xlsx reads) or a csv in UTF-8, UTF-16 or
    GB18030 (detected; comma, tab or semicolon separated), one at a time: a city year of orders is
    never held as text cells all at once."""
    return table_file(path)[0]


def table_file(path: str | Path) -> tuple[Iterator[list], dict[tuple[int, int], str], int]:
    """(the rows as iter_table_file gives them, the cells a workbook shows as empty although they
    are not: (row0, col0) → reason, for formulas without a value and error values, about how many
    rows there are)."""
    p = Path(path)
    if p.is_dir():
        raise ServiceError(f"“{clip(p.name, 60)}”是文件夹，请选择平台导出的工单明细文件")
    if not p.is_file():
        raise ServiceError(f"找不到文件：{p}")
    if p.suffix.lower() in (".csv", ".txt"):
        enc, lines = _csv_facts(p)
        return _csv_rows(p, enc), {}, lines
    if p.suffix.lower() not in (".xlsx", ".xls", ".xlsm", ".ods"):
        raise ServiceError(f"“{p.name}”不是 Excel 或 csv 文件")
    try:
        sheet = read_sheet(p)
    except ValueError as e:
        raise ServiceError(str(e)) from None
    return iter(sheet.rows), sheet.special, len(sheet.rows)


def read_table_file(path: str | Path) -> list[list]:
    return list(iter_table_file(path))


def _refuse_repeated_headers(name: str, match: ColumnMatch) -> None:
    """A field's header that the file has twice (two 受理时间 columns): which one is meant cannot
    be told (the first was used silently), nor picked by its name in a column map."""
    from hotline_desktop.core.xlsx import column_letter

    norm = [normalize_header(h) for h in match.headers]
    for key, i in sorted(match.columns.items(), key=lambda kv: kv[1]):
        same = [j for j, h in enumerate(norm) if h == norm[i]]
        if len(same) > 1:
            cols = "、".join(column_letter(j) for j in same)
            raise ServiceError(f"“{clip(name, 60)}”中“{clip(match.headers[i], 30)}”列出现了 {len(same)} 次（第 {cols} 列），"
                               f"无法确定{field_by_key(key).name}用哪一列：请在文件中把不用的一列改名后再导入")


def _read_chunks(it: Iterator, chunk: list, first: int, match: ColumnMatch,
                 special: dict[tuple[int, int], str], step: Callable[[int], None]
                 ) -> tuple[list[OrderTable], list[BadRow], int]:
    """The data rows parsed CHUNK_ROWS at a time (`first`: the file's row number of the first):
    the tables of good rows, the bad rows, the repeats dropped within chunks. step(rows read)
    after each chunk (it raises to cancel)."""
    parts, bad, dups = [], [], 0
    while True:
        chunk += list(itertools.islice(it, CHUNK_ROWS - len(chunk)))
        if not chunk:
            break
        step(first + len(chunk) - 1)
        parsed = parse_orders(chunk, match, first_row=first, special=special)
        parts.append(parsed.table)
        bad += parsed.bad
        dups += parsed.duplicates
        first += len(chunk)
        chunk = []
    # such cells past the last row the reader gave (it ends at the last value): rows of their own
    mapped = {i: field_by_key(k).name for k, i in match.columns.items()}
    for (r0, c0), reason in sorted(special.items()):
        if r0 + 1 >= first and c0 in mapped:
            bad.append(BadRow(r0 + 1, f"{mapped[c0]}：{reason}"))
    return parts, bad, dups


@dataclass
class OrderPlan:
    """What an import would do; nothing is written until apply()."""

    file_name: str
    match: ColumnMatch
    table: OrderTable  # the good rows (unit_id filled)
    bad: list[BadRow]
    unmatched: dict[str, list[int]]  # the platform's unit name → row numbers (not imported)
    months: list[str]
    duplicates: int = 0
    replaced: dict[str, int] = field(default_factory=dict)  # month → stored orders it replaces
    mapping: dict[str, str] = field(default_factory=dict)  # field name → header (for a profile)
    # an unmatched name that several units of the register bear → "code name" of each
    ambiguous: dict[str, list[str]] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        out = [str(b) for b in self.bad]
        for name, rows in sorted(self.unmatched.items()):
            shown = "、".join(str(r) for r in rows[:10]) + ("…" if len(rows) > 10 else "")
            many = self.ambiguous.get(name)
            if many:
                out.append(f"承办单位“{clip(name)}”在单位名册中有 {len(many)} 个同名单位（{'、'.join(many)}），"
                           f"无法确定是哪一个：请对应到单位（保存为别名）或在文件中写单位编码"
                           f"（第 {shown} 行，共 {len(rows)} 行）")
            else:
                out.append(f"承办单位“{clip(name)}”在单位名册中找不到（第 {shown} 行，共 {len(rows)} 行）")
        return out

    @property
    def bad_count(self) -> int:
        return len(self.bad) + sum(len(r) for r in self.unmatched.values())

    def summary(self) -> str:
        ms = "、".join(self.months) or "无"
        s = f"可导入 {len(self.table)} 件工单（{ms}）"
        if self.bad_count:
            s += f"，有问题 {self.bad_count} 行"
        if self.duplicates:
            s += f"，重复工单编号 {self.duplicates} 行（保留后出现的一行）"
        return s


@dataclass(frozen=True)
class ImportResult:
    months: tuple[str, ...]
    orders: int
    replaced: int
    changed_cells: int

    def summary(self) -> str:
        s = f"已导入 {self.orders} 件工单（{'、'.join(self.months)}）"
        if self.replaced:
            s += f"，替换原有 {self.replaced} 件"
        return s + f"；月度数据更新 {self.changed_cells} 项"


@dataclass(frozen=True)
class _Written:
    """What write() did, for publish() and for undo (the orders it replaced and the months they fed)."""

    months: tuple[str, ...]
    orders: int
    replaced: int
    before: tuple
    fed_months: set
    affected: set
    previous: OrderTable
    previous_months: tuple[str, ...]
    label: str
    figures: dict | None = None  # scheme id → the stored figures after the write (settle() keeps them)
    stored_months: tuple[str, ...] = ()


class OrderService:
    def __init__(self, store, assessment, calendar=None, settings=None):
        self.store = store
        self.assessment = assessment
        self.calendar_service = calendar
        self.settings = settings
        self.book = figs.builtin_figures()
        self.changed = Event()  # emits (months) after an import
        self._figures: dict = {}  # scheme id → (unit, month, key) → (hit, base); ("by-month", id) → month → …
        self._months: list[str] | None = None
        # working-day spans depend on the calendar and the office hours: recount when they change
        if calendar is not None and hasattr(calendar, "changed"):
            calendar.changed.connect(lambda _days: self.recompute())
        if settings is not None and hasattr(settings, "changed"):
            settings.changed.connect(lambda _s, names: self.recompute() if "office_hours" in names else None)

    # -- context ----------------------------------------------------------------------------------
    def calendar(self):
        from hotline_desktop.core.workdays import WorkCalendar

        return self.calendar_service.calendar() if self.calendar_service is not None else WorkCalendar()

    def hours(self):
        from hotline_desktop.core.settings import DEFAULTS

        return self.settings.office_hours if self.settings is not None else DEFAULTS.office_hours

    def invalidate(self) -> None:
        self._figures.clear()
        self._months = None

    def months(self) -> list[str]:
        if self._months is None:
            with self.store.session() as s:
                self._months = OrdersRepository(s).months()
        return self._months

    def figures(self, scheme_id: str) -> dict[tuple[int, str, str], tuple[int, int]]:
        f = self._figures.get(scheme_id)
        if f is None:
            with self.store.session() as s:
                f = self._figures[scheme_id] = OrdersRepository(s).figures(scheme_id)
        return f

    def figures_of_month(self, scheme_id: str, month: str) -> dict[tuple[int, str, str], tuple[int, int]]:
        """The stored figures of one month (indexed once per scheme; dropped with the cache)."""
        by = self._figures.get(("by-month", scheme_id))
        if by is None:
            by = {}
            for ident, t in self.figures(scheme_id).items():
                by.setdefault(ident[1], {})[ident] = t
            self._figures[("by-month", scheme_id)] = by
        return by.get(month, {})

    def value(self, scheme_id: str, unit_id: int, month: str, key: str):
        """The figure the orders give (int count, Decimal rate), or None (no base order / not fed)."""
        fig = self.book.get(scheme_id, key)
        if fig is None or month not in self.months():
            return None
        t = self.figures(scheme_id).get((unit_id, month, key))
        if t is None:
            return 0 if fig.kind == "count" else None
        return figs.figure_value(fig, figs.Tally(*t), self.book.decimals)

    # -- profiles and aliases ---------------------------------------------------------------------
    def profiles(self) -> dict[str, dict[str, str]]:
        with self.store.session() as s:
            return OrdersRepository(s).profiles()

    def save_profile(self, name: str, mapping: dict[str, str]) -> None:
        name = _checked_name(name, "列对应方案名称", 64)
        with self.store.session() as s:
            old = OrdersRepository(s).put_profile(name, mapping)
            AuditRepository(s).record("order_profiles", 0, "update" if old else "create",
                                      {name: (old, mapping)})

    def rename_profile(self, old: str, new: str) -> str:
        """Rename a saved column map; returns the new (trimmed) name."""
        new = _checked_name(new, "列对应方案名称", 64)
        with self.store.session() as s:
            repo = OrdersRepository(s)
            profiles = repo.profiles()
            if old not in profiles:
                raise ServiceError(f"没有名为“{clip(old)}”的列对应方案（已有：{'、'.join(profiles) or '无'}）")
            if new != old and new in profiles:
                raise ServiceError(f"已有名为“{clip(new)}”的列对应方案")
            repo.rename_profile(old, new)
            AuditRepository(s).record("order_profiles", 0, "update", {"name": (old, new)})
        return new

    def delete_profile(self, name: str) -> dict[str, str]:
        """Delete a saved column map; returns its mapping (for undo: save_profile puts it back)."""
        with self.store.session() as s:
            repo = OrdersRepository(s)
            old = repo.delete_profile(name)
            if old is None:
                profiles = repo.profiles()
                raise ServiceError(f"没有名为“{clip(name)}”的列对应方案（已有：{'、'.join(profiles) or '无'}）")
            AuditRepository(s).record("order_profiles", 0, "delete", {name: (old, None)})
        return old

    def aliases(self) -> dict[str, int]:
        with self.store.session() as s:
            return OrdersRepository(s).aliases()

    def alias_rows(self) -> list[tuple[str, str, str]]:
        """Saved aliases as (alias, unit code, unit name), by alias."""
        with self.store.session() as s:
            units = {u.id: u for u in UnitRepository(s).rows()}
            return sorted((a, units[uid].code, units[uid].name) for a, uid in OrdersRepository(s).aliases().items()
                          if uid in units)

    def set_alias(self, alias: str, unit_code: str) -> str | None:
        """Save `alias` → the unit coded `unit_code`; returns the code it pointed to before (None: new)."""
        key = normalize_header(_checked_name(alias, "单位别名", 200))
        if not key:
            raise ServiceError(f"单位别名去掉空格和括号后为空：{clip(alias.strip())}")
        with self.store.session() as s:
            units = UnitRepository(s)
            u = units.by_code((unit_code or "").strip())
            if u is None:
                raise ServiceError(f"没有编码为“{clip(unit_code)}”的单位")
            old = OrdersRepository(s).put_alias(key, u.id)
            AuditRepository(s).record("unit_aliases", u.id, "update" if old else "insert", {key: (old, u.id)})
            prev = units.get(old) if old is not None else None
            return prev.code if prev is not None else None

    def remove_alias(self, alias: str) -> str:
        """Delete a saved alias; returns the code of the unit it pointed to (for undo)."""
        key = normalize_header(alias or "")
        with self.store.session() as s:
            old = OrdersRepository(s).delete_alias(key)
            if old is None:
                raise ServiceError(f"没有保存别名“{clip(alias)}”")
            AuditRepository(s).record("unit_aliases", old, "delete", {key: (old, None)})
            u = UnitRepository(s).get(old)
            return u.code if u is not None else ""

    # -- import -----------------------------------------------------------------------------------
    def _unit_lookup(self) -> dict[str, int]:
        return self._unit_names()[0]

    def _unit_names(self) -> tuple[dict[str, int], dict[str, list[str]]]:
        """(normalized code, alias or name → unit id; a name several units bear → their "code name").

        A name borne by several units (社区 of the same name under two 街道) matches none of them,
        unless only one of them is active (a unit replaced by a new one of the same name): the
        orders are never put on a namesake silently. A saved alias and a code always match."""
        with self.store.session() as s:
            rows = UnitRepository(s).rows()
            aliases = OrdersRepository(s).aliases()
        by_name: dict[str, list] = {}
        for u in rows:
            by_name.setdefault(normalize_header(u.name), []).append(u)
        look: dict[str, int] = {}
        ambiguous: dict[str, list[str]] = {}
        for key, us in by_name.items():
            active = [u for u in us if u.active]
            if len(us) == 1 or len(active) == 1:
                look[key] = (us if len(us) == 1 else active)[0].id
            else:
                ambiguous[key] = [f"{u.code} {u.parent_name + u.name if u.parent_name else u.name}"
                                  for u in (active or us)]
        look.update(aliases)
        for u in rows:
            look[normalize_header(u.code)] = u.id  # a code always wins
        return look, {k: v for k, v in ambiguous.items() if k not in look}

    def plan(self, path: str | Path, *, mapping: dict[str, str] | None = None, profile: str | None = None,
             month: str | None = None, rows: Sequence[Sequence] | None = None,
             progress: Progress | None = None) -> OrderPlan:
        """Read and check a file; ServiceError (Chinese) when it cannot be imported at all.
        progress(rows done, rows in all) after the file is read and after each chunk of rows;
        returning False cancels (InterruptedError; nothing is written by a check anyway)."""
        with gc_paused():
            return self._plan(path, mapping, profile, month, rows, progress)

    def _plan_mapping(self, mapping, profile, month) -> dict[str, str] | None:
        """The column map a plan uses (a saved profile under the given one); the month checked."""
        if profile:
            profiles = self.profiles()
            if profile not in profiles:
                raise ServiceError(f"没有名为“{profile}”的列对应方案（已有：{'、'.join(profiles) or '无'}）")
            mapping = {**profiles[profile], **(mapping or {})}
        if month is not None:
            import re

            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
                raise ServiceError(f"月份应写作 YYYY-MM：{month}")
        return mapping

    def _plan(self, path, mapping, profile, month, rows, progress=None) -> OrderPlan:
        p = Path(path)
        total = [len(rows) if rows is not None else 0]

        def step(done: int) -> None:
            if progress is not None and not progress(min(done, total[0]), max(total[0], 1)):
                raise InterruptedError

        mapping = self._plan_mapping(mapping, profile, month)
        if rows is not None:
            it, special = iter(rows), {}
        else:
            it, special, total[0] = table_file(p)
        step(0)
        head = list(itertools.islice(it, 10))
        if not head:
            raise ServiceError(f"“{p.name}”是空的")
        header, start = header_of(head)
        try:
            match = match_columns(header, mapping)
        except ValueError as e:
            raise ServiceError(str(e)) from None
        _refuse_repeated_headers(p.name, match)
        if match.missing:
            raise ServiceError(
                f"“{p.name}”缺少列：{'、'.join(f.name for f in match.missing)}"
                f"（文件中的列：{'、'.join(clip(h, 30) for h in match.headers[:30])}；可用 --map 字段=列名 指定）")
        parts, bad, chunk_dups = _read_chunks(it, head[start:], start + 1, match, special, step)
        t, dups = dedup_last(OrderTable.concat(parts))  # numbers repeated across chunks
        dups += chunk_dups
        look, same_named = self._unit_names()
        unmatched: dict[str, list[int]] = {}
        memo = {(code, name): (look.get(normalize_header(code)) if code else None) or look.get(normalize_header(name)) or 0
                for code, name in set(zip(t.unit_code, t.unit, strict=True))}  # a few hundred pairs → unit id (0: none)
        uid = np.fromiter(map(memo.__getitem__, zip(t.unit_code, t.unit, strict=True)), np.int64, len(t))
        for i in np.nonzero(uid == 0)[0].tolist():
            unmatched.setdefault(t.unit[i] or t.unit_code[i], []).append(int(t.rows[i]))
        t.unit_id = uid
        keep = uid > 0
        if month is not None:
            mon = month_of(t.times["accepted"])
            want = int(month.replace("-", ""))
            for i in np.nonzero(keep & (mon != want))[0]:
                bad.append(BadRow(int(t.rows[i]), f"受理时间不在 {month}"))
            keep &= mon == want
        if not keep.all():
            t = t.take(np.nonzero(keep)[0])
        bad.sort(key=lambda b: b.row)
        ms = month_of(t.times["accepted"])
        months = [f"{m // 100}-{m % 100:02d}" for m in distinct_small(ms).tolist() if m]
        if month is not None:
            months = [month]
        with self.store.session() as s:
            counts = OrdersRepository(s).month_counts()
        ambiguous = {name: same_named[normalize_header(name)] for name in unmatched
                     if normalize_header(name) in same_named}
        return OrderPlan(p.name, match, t, bad, unmatched, months, dups,
                         {m: counts[m] for m in months if m in counts}, match.mapping_names(), ambiguous)

    def apply(self, plan: OrderPlan, *, only_good: bool = False, progress: Progress | None = None) -> ImportResult:
        """Import the plan's good rows, replacing its months, atomically; then feed the figures.

        With problems and not only_good: nothing is written (ServiceError). A progress callback
        returning False cancels: nothing is written either (InterruptedError)."""
        return self.publish(self.write(plan, only_good=only_good, progress=progress))

    def write(self, plan: OrderPlan, *, only_good: bool = False, progress: Progress | None = None) -> _Written:
        """The database half of apply() (safe in a worker thread: no event is emitted)."""
        with gc_paused():
            return self._apply(plan, only_good, progress)

    def settle(self, w: _Written) -> list:
        """After write() / undo_import(), in any thread: caches dropped and the scored cells that
        moved worked out ((year scheme id, [CellChange]) …), nothing emitted yet."""
        self.invalidate()
        if w.figures is not None:  # what the write stored, so the figures need no second read
            self._figures.update(w.figures)
            self._months = list(w.stored_months)
        return self._changes(w.before, w.fed_months)

    def publish(self, w: _Written, settled: list | None = None) -> ImportResult:
        """The other half, in the thread that owns the listeners: the changed cells reported
        (settle()d here unless a worker did it already)."""
        if settled is None:
            settled = self.settle(w)
        for ysid, changes in settled:
            self.assessment.values_changed.emit(ysid, changes)
        self.changed.emit(sorted(w.affected))
        return ImportResult(w.months, w.orders, w.replaced, sum(len(c) for _y, c in settled))

    def _apply(self, plan: OrderPlan, only_good: bool, progress: Progress | None) -> _Written:
        if plan.problems and not only_good:
            raise ServiceError(f"{plan.summary()}。未写入任何数据（如只导入无误的行，请选“只导入无误的行”）")
        if not plan.months or not len(plan.table):
            raise ServiceError("文件中没有可导入的工单")
        return self._replace_orders(plan.file_name, tuple(plan.months), plan.table, tuple(plan.months), progress)

    def undo_import(self, w: _Written, progress: Progress | None = None) -> _Written:
        """Put back what an import replaced (its months' earlier orders, or none), in one
        transaction (safe in a worker thread); publish() after."""
        with gc_paused():
            return self._replace_orders(f"撤销导入：{w.label}", w.months, w.previous, w.previous_months, progress)

    def _replace_orders(self, label: str, months: tuple[str, ...], t: OrderTable, mark: tuple[str, ...],
                        progress: Progress | None) -> _Written:
        ms = month_of(t.times["accepted"])
        names = {m: f"{m // 100}-{m % 100:02d}" for m in distinct_small(ms).tolist()}  # one str per month
        order_months = list(map(names.__getitem__, ms.tolist()))
        fields = {f.month_by for f in self.book.figures}
        affected = set(months)
        for k in fields:
            affected |= {f"{m // 100}-{m % 100:02d}" for m in distinct_months(t.times[k])}
        total = len(t)
        whole = max(total, 1) + max(total, 1) // 4  # the rows, then a quarter more for the figures

        def step(done: int, _n: int) -> bool:
            return progress(done, whole) if progress is not None else True

        with self.store.session() as s:
            repo = OrdersRepository(s)
            # a number stored under another month moves here (dedup); none stored elsewhere: nothing to stage
            repo.stage_numbers(t.number if repo.has_orders_outside(months) else [])
            previous = repo.load_replaced(months)  # kept for undo
            previous_months = tuple(m for m in repo.months() if m in set(months))
            affected |= {f"{m // 100}-{m % 100:02d}" for k in fields for m in distinct_months(previous.times[k])}
            fed_months = affected & (set(self.months()) | set(months))  # only imported months are fed
            cal, hours = self.calendar(), self.hours()

            def tallies_of(table: OrderTable) -> dict:
                out = {}
                for scheme in self.book.schemes():
                    for (u, m, k), tl in figs.tally(self.book.for_scheme(scheme), table, cal, hours, affected).items():
                        out[(u, m, scheme, k)] = tl
                return out

            imp = repo.clear_for_import(label, months, total, mark)
            # nothing else stored touches these months: the figures are the new rows' alone
            only_new = repo.count_touching(sorted(affected), fields) == 0
            # while the rows are written (sqlite3 lets go of the GIL in each step), another thread reads
            # the scored state before this write (other connections: WAL readers see the last commit)
            # and counts the new rows' figures; a cancel or an error drops what has not started
            pool = ThreadPoolExecutor(1, thread_name_prefix="orders-import")
            try:
                before_job = pool.submit(self._scored_snapshot, fed_months)
                tally_job = pool.submit(tallies_of, t) if only_new else None
                repo.insert_orders(imp, t, order_months, step)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)
            before = before_job.result()
            self._clear_stale_overrides(s, [m for m in mark if m not in previous_months])
            if progress is not None and not progress(whole - whole // 10, whole):
                raise InterruptedError
            # figures of every affected month, over every stored order touching it
            tallies = tally_job.result() if tally_job else tallies_of(repo.load_touching(sorted(affected), fields))
            stored_months = set(repo.months())
            counted = sorted(affected & stored_months)
            repo.put_figures(counted, tallies)
            # the stored figures as they now are: the other months' read back, these months' as counted
            after, counted_set = {}, set(counted)
            for scheme in self.book.schemes():
                f = after[scheme] = repo.figures(scheme, outside=counted)
                f.update({(u, m, k): (tl.hit, tl.base) for (u, m, sch, k), tl in tallies.items()
                          if sch == scheme and m in counted_set})
            AuditRepository(s).record("work_orders", 0, "import",
                                      {"file": (None, label), "months": (None, "、".join(months)),
                                       "orders": (len(previous) or None, total)})
            if progress is not None and not progress(whole, whole):
                raise InterruptedError
        return _Written(months, total, len(previous), before, fed_months, affected, previous, previous_months, label,
                        after, tuple(sorted(stored_months)))

    def _clear_stale_overrides(self, session, months: list[str]) -> None:
        """A month imported for the first time: values typed there before were typed figures, not
        overrides of a computed one (set_values marks every fed key of the year), so the orders win."""
        if not months:
            return
        feeds = self.assessment.feeds
        values = ValueRepository(session)
        for ys in self._year_schemes(set(months)):
            keys = sorted(feeds.order_keys(ys.id)) if hasattr(feeds, "order_keys") else []
            ms = [m for m in months if m.startswith(f"{ys.year}-")]
            if keys and ms:
                values.clear_overrides(ys.id, ms, keys)

    def recompute(self, months: Sequence[str] | None = None) -> int:
        """Recount the stored figures of imported months (after a calendar or office-hours edit);
        returns the number of 月度数据 cells whose scored value moved (reported via values_changed)."""
        months = set(months if months is not None else self.months()) & set(self.months())
        if not months or not any(c.type.endswith("workdays") for f in self.book.figures for c in f.base + f.hit):
            return 0
        before = self._scored_snapshot(months)
        with gc_paused(), self.store.session() as s:
            repo = OrdersRepository(s)
            table = repo.load_touching(sorted(months), {f.month_by for f in self.book.figures})
            cal, hours = self.calendar(), self.hours()
            tallies = {}
            for scheme in self.book.schemes():
                for (u, m, k), tl in figs.tally(self.book.for_scheme(scheme), table, cal, hours, months).items():
                    tallies[(u, m, scheme, k)] = tl
            repo.put_figures(sorted(months), tallies)
        self.invalidate()
        return self._emit_changes(before, months)

    # -- change notification ----------------------------------------------------------------------
    def _year_schemes(self, months: set[str]):
        years = {int(m[:4]) for m in months}
        return [ys for ys in self.assessment.assignments() if ys.year in years and self.book.for_scheme(ys.scheme_id)]

    def _scored_snapshot(self, months: set[str], typed: dict | None = None) -> tuple[dict, dict]:
        """(year_scheme_id, month) → the scored cells, and the typed cells they came from (reused after)."""
        out, typed = {}, dict(typed or {})
        for ys in self._year_schemes(months):
            ms = [m for m in sorted(months) if m.startswith(f"{ys.year}-")]
            keys = self.assessment.feeds.order_keys(ys.id) if hasattr(self.assessment.feeds, "order_keys") else None
            for m in ms:
                if (ys.id, m) not in typed:
                    typed[(ys.id, m)] = self._typed_for_snapshot(ys.id, m, keys)
                merged = self.assessment.feeds.merge(ys.id, dict(typed[(ys.id, m)]), m)
                out[(ys.id, m)] = merged if keys is None else {i: c for i, c in merged.items() if i[2] in keys}
        return out, typed

    def _typed_for_snapshot(self, ysid: int, month: str, keys: frozenset[str] | None) -> dict:
        """The typed cells of a month that can move with the orders: those of the order-fed keys,
        and one cell per unit-month record (a record without orders gets counts of 0). Stored
        texts are parsed once per distinct (key, text)."""
        if keys is None:
            return self.assessment.monthly_cells(ysid, month)
        from hotline_desktop.services.assessment import Cell, check

        sch = self.assessment.scheme(ysid)
        parsed: dict[tuple[str, str], object] = {}
        cells, marked = {}, set()
        for (u, k), text in self.assessment.monthly_texts(ysid, month).items():
            if k not in keys and u in marked:
                continue
            ident = (k, text)
            if ident not in parsed:
                parsed[ident] = (check(sch.input(k), text) if sch.has_input(k)
                                 else Cell(text, None, f"方案中没有该项：{k}"))
            c = parsed[ident]
            if c is not None:
                cells[(u, month, k)] = c
                if k not in keys:
                    marked.add(u)
        return cells

    def _emit_changes(self, before: tuple[dict, dict], months: set[str]) -> int:
        n = 0
        for ysid, changes in self._changes(before, months):
            n += len(changes)
            self.assessment.values_changed.emit(ysid, changes)
        return n

    def _changes(self, before: tuple[dict, dict], months: set[str]) -> list:
        """(year scheme id, [CellChange]) of the scored cells that differ from the snapshot `before`."""
        from hotline_desktop.services.assessment import CellChange

        before_cells, typed = before
        after, _ = self._scored_snapshot(months, typed)
        out = []
        for ys in self._year_schemes(months):
            changes = []
            for m in sorted(months):
                if (ys.id, m) not in after:
                    continue
                b, a = before_cells.get((ys.id, m), {}), after[(ys.id, m)]
                for ident in sorted(set(b) | set(a)):
                    cb, ca = b.get(ident), a.get(ident)
                    if (cb.text if cb else None) != (ca.text if ca else None):
                        changes.append(CellChange(ident[0], ident[1], ident[2], cb, ca))
            if changes:
                out.append((ys.id, changes))
        return out

    # -- drill-down -------------------------------------------------------------------------------
    def figure(self, scheme_id: str, key: str) -> figs.Figure:
        f = self.book.get(scheme_id, key)
        if f is None:
            keys = "、".join(x.key for x in self.book.for_scheme(scheme_id))
            raise ServiceError(f"方案 {scheme_id} 中“{key}”不是由工单计算的项目（可用：{keys or '无'}）")
        return f

    def explain(self, scheme_id: str, unit_id: int, month: str, key: str) -> tuple[figs.Drill, OrderTable]:
        """The orders in the figure's denominator and numerator (the counts equal the stored figure)."""
        fig = self.figure(scheme_id, key)
        with self.store.session() as s:
            table = OrdersRepository(s).load_touching([month], {fig.month_by})
        table = table.take(np.nonzero(table.unit_id == unit_id)[0])
        return figs.drill(fig, table, unit_id, month, self.calendar(), self.hours()), table

    def explain_sheet(self, scheme_id: str, unit_id: int, month: str, key: str):
        """(intro lines, headers, rows) of the drill-down: every denominator order, whether it is in
        the numerator, and the fields that decided."""
        from hotline_desktop.core.orders import builtin_fields, format_time

        drill, t = self.explain(scheme_id, unit_id, month, key)
        fig = drill.figure
        by_key = {f.key: f for f in builtin_fields()}
        deciding = fig.deciding_fields
        hit = set(drill.hit.tolist())
        value = figs.figure_value(fig, drill.tally, self.book.decimals)
        with self.store.session() as s:
            u = UnitRepository(s).get(unit_id)
            unit = f"{u.code} {u.name}" if u else str(unit_id)
        shown = "无（没有应计工单）" if value is None else str(value)
        intro = [f"{unit} · {month} · {fig.label}",
                 f"结果：{shown}（分子 {drill.tally.hit} 件 / 分母 {drill.tally.base} 件）"]
        workday = any(c.type.endswith("workdays") for c in fig.base + fig.hit)
        headers = ["工单编号", "计入分子"] + [by_key[k].name for k in deciding] + (["工作时长"] if workday else [])
        rows = []
        cal, hours = self.calendar(), self.hours()
        for i in drill.base.tolist():
            vals = []
            for k in deciding:
                if k in t.times:
                    vals.append(format_time(int(t.times[k][i])))
                elif k in t.choices:
                    vals.append(t.choice_text(k, i))
                elif k in t.counts:
                    vals.append(str(int(t.counts[k][i])))
                elif k in t.flags:
                    vals.append("是" if t.flags[k][i] else "否")
                else:
                    vals.append(str(getattr(t, k)[i]))
            row = [t.number[i], "是" if i in hit else "否", *vals]
            if workday:
                row.append(figs.working_span_text(fig, t, i, cal, hours))
            rows.append(row)
        return intro, headers, rows

    def export_explain(self, scheme_id: str, unit_id: int, month: str, key: str, out: str | Path) -> Path:
        from hotline_desktop.core.orders_xlsx import write_sheets

        intro, headers, rows = self.explain_sheet(scheme_id, unit_id, month, key)
        return write_sheets(out, [("工单明细", intro, headers, rows)])

    # -- reconcile ----------------------------------------------------------------------------------
    def reconcile(self, path: str | Path, month: str, year_scheme_id: int) -> list[dict]:
        """Compare the platform's monthly report with the figures computed from orders: every unit ×
        field that differs, with the orders behind it. The report is the 月度数据 workbook layout,
        keyed by 单位编码, or a sheet keyed by 单位名称 (names and saved aliases matched as the
        import matches them), with the fields' column names."""
        from hotline_desktop.core.excel_monthly import parse_month_workbook

        sch = self.assessment.scheme(year_scheme_id)
        if month not in self.months():
            raise ServiceError(f"{month} 尚未导入工单明细，无法核对")
        with self.store.session() as s:
            units = {u.code: u for u in UnitRepository(s).rows()}
        look = self._unit_lookup()  # a report keyed by unit names: matched as the import matches them
        code_of = {u.id: u.code for u in units.values()}

        def name_to_code(name: str) -> str | None:
            uid = look.get(normalize_header(name))
            return None if uid is None else code_of.get(uid)

        parsed = parse_month_workbook(path, sch, set(units), month, name_to_code=name_to_code)
        if parsed.problems:
            raise ServiceError("；".join(str(p) for p in parsed.problems[:10]))
        out = []
        for _row, code, key, text in parsed.cells:
            fig = self.book.get(sch.id, key)
            if fig is None or not text:
                continue
            u = units[code]
            reported = check_cell(sch, key, text)
            computed = self.value(sch.id, u.id, month, key)
            comp_cell = check_cell(sch, key, str(computed)) if computed is not None else None
            if (reported.text if reported else None) == (comp_cell.text if comp_cell else None):
                continue
            drill, t = self.explain(sch.id, u.id, month, key)
            hit = set(drill.hit.tolist())
            misses = [t.number[i] for i in drill.base.tolist() if i not in hit]
            out.append(dict(code=code, name=u.name, key=key, label=sch.input(key).label,
                            reported=reported.text if reported else "", computed=comp_cell.text if comp_cell else "",
                            hit=drill.tally.hit, base=drill.tally.base,
                            orders=[t.number[i] for i in drill.hit.tolist()] if fig.kind == "count" else misses))
        return out

    def export_reconcile(self, diffs: list[dict], month: str, out: str | Path) -> Path:
        from hotline_desktop.core.orders_xlsx import write_sheets

        rows = [[d["code"], d["name"], d["label"], d["reported"], d["computed"], f"{d['hit']}/{d['base']}",
                 "、".join(d["orders"][:200])] for d in diffs]
        intro = [f"{month} 平台月报与工单明细核对：{len(diffs)} 处不一致",
                 "比率：列出分母中未计入分子的工单；数量：列出计入的工单"]
        return write_sheets(out, [("核对", intro, ["单位编码", "单位名称", "项目", "月报数值", "工单计算", "分子/分母",
                                                  "相关工单"], rows)])

    # -- anomalies → 督办通知 candidates -------------------------------------------------------------
    def anomalies(self, month: str, today=None) -> list[dict]:
        """Orders of the month that are overdue (due passed, not completed by it), reworked ≥ 3 times,
        or bounced between 3+ units: per unit, candidates for a 督办通知 with the order numbers."""
        from datetime import datetime

        from hotline_desktop.core.orders import NAT, split_route

        with self.store.session() as s:
            t = OrdersRepository(s).load("WHERE month = ?", (month,))
        now = int(((today or datetime.now()) - datetime(1970, 1, 1)).total_seconds())
        due, done = t.times["due"], t.times["completed"]
        overdue = (due != NAT) & (due < now) & ((done == NAT) | (done > due))
        rework = t.counts["rework"] >= 3
        bounced = np.array([len(set(split_route(r))) >= 3 for r in t.route], bool) if len(t) else np.zeros(0, bool)
        by_unit: dict[int, dict] = {}
        for i in np.nonzero(overdue | rework | bounced)[0].tolist():
            d = by_unit.setdefault(int(t.unit_id[i]), {"unit_id": int(t.unit_id[i]), "orders": [], "reasons": {}})
            d["orders"].append(t.number[i])
            why = [w for w, m in (("超期", overdue), ("重办≥3次", rework), ("流转3个以上单位", bounced)) if m[i]]
            d["reasons"][t.number[i]] = "、".join(why)
        return sorted(by_unit.values(), key=lambda d: -len(d["orders"]))

    def notice_draft(self, candidate: dict, issued, days: int = 5):
        """A 督办通知 draft pre-filled with the candidate's order numbers (issued via NoticeService)."""
        from hotline_desktop.core.notices import Channel, Level
        from hotline_desktop.services.notices import NoticeDraft

        lines = [f"{n}（{candidate['reasons'][n]}）" for n in candidate["orders"][:50]]
        content = "以下工单请按时限办理并回复：\n" + "\n".join(lines)
        return NoticeDraft(candidate["unit_id"], Channel.HOTLINE, Level.SMS, issued, days, content=content,
                           orders=tuple(candidate["orders"]))


def _checked_name(text: str | None, what: str, limit: int) -> str:
    """A name typed by the operator: trimmed, not empty, at most `limit` characters, no control characters."""
    t = (text or "").strip()
    if not t:
        raise ServiceError(f"{what}不能为空")
    if len(t) > limit:
        raise ServiceError(f"{what}不能超过 {limit} 个字（现有 {len(t)} 个）：{clip(t, 20)}")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in t):
        raise ServiceError(f"{what}含有控制字符：{clip(t)}")
    return t


def check_cell(sch, key: str, text: str):
    from hotline_desktop.services.assessment import check

    return check(sch.input(key), text)


class OrderFeeds:
    """The fed-inputs seam for orders: wraps the notice FeedService (services.feeds) so the engine's
    monthly cells are override > orders figure > notice count > typed value, in imported months.

    Every attribute not defined here is the inner FeedService's."""

    def __init__(self, inner, orders: OrderService):
        self.inner = inner
        self.orders = orders
        self.assessment = inner.assessment
        self.assessment.feeds = self

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def invalidate(self) -> None:
        self.inner.invalidate()
        self.orders.invalidate()

    def order_keys(self, ysid: int) -> frozenset[str]:
        sch = self.assessment.scheme(ysid)
        return frozenset(f.key for f in self.orders.book.for_scheme(sch.id)
                         if sch.has_input(f.key) and sch.input(f.key).period == "monthly")

    def order_months(self, ysid: int) -> set[str]:
        year = self.assessment.year_of(ysid)
        return {m for m in self.orders.months() if m.startswith(f"{year}-")}

    def feeds(self, ysid: int):
        from hotline_desktop.core.feeds import Feed

        sch = self.assessment.scheme(ysid)
        own = tuple(Feed(sch.id, k, "monthly", "orders", "orders", self.orders.book.get(sch.id, k).label)
                    for k in sorted(self.order_keys(ysid)))
        return tuple(self.inner.feeds(ysid)) + own

    def active_keys(self, ysid: int) -> frozenset[str]:
        keys = self.inner.active_keys(ysid)
        return keys | self.order_keys(ysid) if self.order_months(ysid) else keys

    def active_keys_in(self, ysid: int, month: str | None) -> frozenset[str]:
        """The fed keys of one month: order figures only where that month's orders were imported."""
        keys = self.inner.active_keys(ysid)
        return keys | self.order_keys(ysid) if month in self.order_months(ysid) else keys

    def _cell(self, ysid: int, key: str, value):
        """The Cell of a computed value (memoised: the same figures repeat across units and months)."""
        from hotline_desktop.services.assessment import check

        inp = self.assessment.scheme(ysid).input(key)
        memo = self.__dict__.setdefault("_cells", {})
        ident = (id(inp), str(value))
        c = memo.get(ident)
        if c is None:
            if len(memo) > 100_000:
                memo.clear()
            c = memo[ident] = (inp, check(inp, str(value)))
        return c[1]

    def _figure_cell(self, ysid: int, sid: str):
        """(key, (hit, base)) → the Cell of that figure (None: no rate), memoised per year scheme:
        a city's figures repeat the same few thousand tallies across units and months."""
        sch = self.assessment.scheme(ysid)
        held = self.__dict__.setdefault("_figure_cells", {})
        if ysid not in held or held[ysid][0] is not sch:  # the year's scheme object pins the memo
            held[ysid] = (sch, {})
        memo = held[ysid][1]
        book = self.orders.book
        figures = {f.key: f for f in book.for_scheme(sid)}

        def cell_of(key: str, tl: tuple[int, int]):
            ident = (key, tl)
            if ident in memo:
                return memo[ident]
            if len(memo) > 200_000:
                memo.clear()
            v = figs.figure_value(figures[key], figs.Tally(*tl), book.decimals)
            c = memo[ident] = self._cell(ysid, key, v) if v is not None else None
            return c
        return cell_of

    def merge(self, ysid: int, typed: dict, month: str | None = None) -> dict:
        out = self.inner.merge(ysid, typed, month)
        months = self.order_months(ysid)
        if month is not None:
            months &= {month}
        keys = self.order_keys(ysid)
        if not months or not keys:
            return out
        sid = self.assessment.scheme(ysid).id
        overrides = {i for i in self.inner._overrides(ysid, month) if i[2] in keys}
        out = {i: c for i, c in out.items() if i[2] not in keys or i[1] not in months or i in overrides}
        records = {(u, m) for (u, m, _k) in out if m in months}
        counted = set()
        month_figures = ((i, t) for m in sorted(months) for i, t in self.orders.figures_of_month(sid, m).items())
        cell_of = self._figure_cell(ysid, sid)
        for (u, m, k), tl in month_figures:
            if k in keys:
                counted.add((u, m))
                if (u, m, k) not in overrides:
                    c = cell_of(k, tl)
                    if c is not None:
                        out[(u, m, k)] = c
        count_keys = [k for k in keys if self.orders.book.get(sid, k).kind == "count"]
        for (u, m) in records | counted:  # a unit-month without orders: its counts are 0 (volume 0)
            for k in count_keys:
                if (u, m, k) not in out and (u, m, k) not in overrides:
                    out[(u, m, k)] = self._cell(ysid, k, 0)
        return out

    def fed_cells(self, ysid: int, month: str) -> dict:
        from hotline_desktop.core.feeds import FedValue
        from hotline_desktop.services.feeds import FedCell

        out = dict(self.inner.fed_cells(ysid, month)) if self.inner.active_keys(ysid) else {}
        if month not in self.order_months(ysid):
            return out
        keys = self.order_keys(ysid)
        sid = self.assessment.scheme(ysid).id
        typed = self.assessment.monthly_cells(ysid, month)
        overrides = {i for i in self.inner._overrides(ysid, month) if i[2] in keys}
        for (u, m, k), (hit, base) in self.orders.figures_of_month(sid, month).items():
            if k in keys:
                v = figs.figure_value(self.orders.book.get(sid, k), figs.Tally(hit, base), self.orders.book.decimals)
                out[(u, k)] = FedCell(FedValue(v if v is not None else "", (f"工单 {hit}/{base}",)),
                                      typed.get((u, m, k)) if (u, m, k) in overrides else None)
        units = {u for (u, _m, _k) in typed} | {u for (u, k) in out if k in keys}
        for u in units:  # no base order: a count of 0, no rate (“无”)
            for k in keys:
                if (u, k) not in out:
                    kind = self.orders.book.get(sid, k).kind
                    out[(u, k)] = FedCell(FedValue(0 if kind == "count" else "", ("工单 0/0",)),
                                          typed.get((u, month, k)) if (u, month, k) in overrides else None)
        return out

    def effective_change(self, ysid: int, ch, was_override: bool, has_record_after: bool):
        from hotline_desktop.services.assessment import CellChange

        if ch.key not in self.order_keys(ysid) or ch.month not in self.order_months(ysid):
            if ch.key in self.inner.active_keys(ysid):
                return self.inner.effective_change(ysid, ch, was_override, has_record_after)
            return ch
        sid = self.assessment.scheme(ysid).id
        v = self.orders.value(sid, ch.unit_id, ch.month, ch.key)
        fed = self._cell(ysid, ch.key, v) if v is not None else None
        if fed is not None and v == 0 and not has_record_after and \
                (ch.unit_id, ch.month, ch.key) not in self.orders.figures(sid):
            fed = None
        old = ch.old if was_override else fed
        new = ch.new if ch.new is not None else fed
        return CellChange(ch.unit_id, ch.month, ch.key, old, new)
