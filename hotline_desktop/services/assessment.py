"""A year's assessment: schemes frozen per year, monthly figures and annual items.

Every value is stored as typed; a value the scheme rejects is kept (so nothing typed is lost)
but marked invalid with its reason and left out of scoring until fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from hotline_desktop.core.annual_status import is_required
from hotline_desktop.core.dates import month_text
from hotline_desktop.core.domain import UnitRow
from hotline_desktop.core.scoring.scheme import InputDef, Scheme, load_scheme_text
from hotline_desktop.core.stored_values import scaled
from hotline_desktop.core.text import TextProblem, clean_text, clip, control_problem
from hotline_desktop.db.concurrency import conflict, stale_write
from hotline_desktop.db.errors import ConflictError
from hotline_desktop.db.repositories import (
    AuditRepository,
    UnitRepository,
    ValueRepository,
    YearSchemeRepository,
)
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.events import Event


@dataclass(frozen=True)
class YearSchemeRow:
    id: int
    year: int
    scheme_id: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.year} 年 · {self.title}（{self.scheme_id}）"


@dataclass(frozen=True, slots=True)
class Cell:
    """A stored value: its text, the parsed value when valid, or the reason it is not."""

    text: str
    value: object = None
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class CellEdit:
    unit_id: int
    month: str | None  # None for annual items
    key: str
    text: str | None  # None or "" clears the cell
    # The row version this seat read (0: it saw no stored row); None: not checked (imports, copies).
    # A stored row that moved on refuses the whole batch with a ConflictError.
    version: int | None = None


@dataclass(frozen=True)
class CellChange:
    unit_id: int
    month: str | None
    key: str
    old: Cell | None
    new: Cell | None
    version: int | None = None  # the row's version after the change (0: no row); None: not known


MAX_NOTE = 2000


def canonical(inp: InputDef, value: object) -> str:
    """Text that parses back to the same value."""
    if inp.kind == "boolean":
        return "是" if value else "否"
    if inp.kind == "choice":
        return str(value)
    return inp.format(value)


MAX_BAD_TEXT = 200  # a rejected value is kept as typed, but never more than this


def check(inp: InputDef, text: str | None) -> Cell | None:
    """Parse one typed value: None for an empty cell, else a Cell (valid or with its reason).

    A text holding a control character is refused (a figure is not cleaned into another one);
    else it passes the one sanitizer first; a rejected text is kept for the operator to fix, cut
    to MAX_BAD_TEXT characters.
    """
    if text is None:
        return None
    raw = str(text)
    if problem := control_problem(raw[: MAX_BAD_TEXT * 4]):  # not removed: 9\x0b8 is not 98, \x1f no empty cell
        return Cell(clip(raw, MAX_BAD_TEXT), None, f"{inp.label}{problem}")
    try:
        raw = clean_text(raw[: MAX_BAD_TEXT * 4])
    except TextProblem as e:
        return Cell(clip(raw, MAX_BAD_TEXT), None, f"{inp.label}{e.reason}")
    if not raw:
        return None
    if len(str(text)) > MAX_BAD_TEXT * 4 or len(raw) > MAX_BAD_TEXT:
        return Cell(clip(raw, MAX_BAD_TEXT), None, f"{inp.label}过长（{len(str(text))} 个字符）")
    try:
        value = inp.parse(raw)
    except ValueError as e:
        return Cell(raw, None, str(e))
    if value is None:
        return None
    return Cell(canonical(inp, value), value, None)


def stored_number(inp: InputDef, cell: Cell | None) -> tuple[int | None, int | None]:
    """(num, scale) stored beside a cell's text: its exact value when valid (core.stored_values)."""
    if cell is None or not cell.valid:
        return None, None
    return scaled(inp, cell.value)


def month_keys(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


class AssessmentService:
    def __init__(self, store: Store):
        self.store = store
        self._schemes: dict[int, Scheme] = {}
        self._years: dict[int, int] = {}
        from hotline_desktop.services.schemes import SchemeService

        self.schemes = SchemeService(store)  # built-in + user schemes folder (what `assign` can pick)
        self.values_changed = Event()  # emits (year_scheme_id, list[CellChange])
        self.assignments_changed = Event()  # emits (year)
        self.feeds = None  # services.feeds.FeedService sets itself here (fed inputs, overrides)
        self.annual_feeds = None  # services.kb_feeds.KbFeedService (fed annual inputs, overrides)
        # (year_scheme_id, unit, month|None, key) → the row version after this seat's latest write of
        # it: an undo/redo names it, so it is refused when another seat wrote the cell since
        self._own_versions: dict[tuple, int] = {}

    def invalidate(self) -> None:
        """Forget cached definitions (after a restore or a reset of the database)."""
        self._schemes.clear()
        self._years.clear()
        self._own_versions.clear()
        if self.feeds is not None:
            self.feeds.invalidate()
        if self.annual_feeds is not None:
            self.annual_feeds.invalidate()

    # -- schemes per year ----------------------------------------------------------------------
    def assignments(self, year: int | None = None) -> list[YearSchemeRow]:
        with self.store.session() as s:
            return [YearSchemeRow(r.id, r.year, r.scheme_id, r.title) for r in YearSchemeRepository(s).all(year)]

    def get(self, year_scheme_id: int) -> YearSchemeRow:
        with self.store.session() as s:
            r = YearSchemeRepository(s).get(year_scheme_id)
            if r is None:
                raise ServiceError(f"考核方案（ID {year_scheme_id}）不存在")
            return YearSchemeRow(r.id, r.year, r.scheme_id, r.title)

    def find(self, year: int, scheme_id: str) -> YearSchemeRow | None:
        for row in self.assignments(year):
            if row.scheme_id == scheme_id:
                return row
        return None

    def assign(self, year: int, scheme: str | Path) -> YearSchemeRow:
        """Start assessing `year` with a scheme (catalog id or .toml path): a copy of its definition is
        frozen with the year, so later edits or replacements of the file never change that year."""
        if not 2000 <= int(year) <= 2100:
            raise ServiceError(f"考核年度无效：{year}")
        definition = self.schemes.resolve(scheme)
        with self.store.session() as s:
            repo = YearSchemeRepository(s)
            if repo.find(year, definition.id) is not None:
                raise ServiceError(f"{year} 年已使用考核方案“{definition.title}”")
            r = repo.add(year, definition.id, definition.title, definition.text)
            AuditRepository(s).record("year_schemes", r.id, "insert", {"scheme_id": (None, definition.id)})
            row = YearSchemeRow(r.id, r.year, r.scheme_id, r.title)
        self.assignments_changed.emit(year)
        return row

    def ensure(self, year: int, scheme_id: str) -> YearSchemeRow:
        return self.find(year, scheme_id) or self.assign(year, scheme_id)

    def year_of(self, year_scheme_id: int) -> int:
        """The year of a (year, scheme), read once (a year scheme's year never changes; the
        cache goes with `invalidate`): asked on every edit, e.g. by the feeds' active keys."""
        year = self._years.get(year_scheme_id)
        if year is None:
            year = self._years[year_scheme_id] = self.get(year_scheme_id).year
        return year

    def scheme(self, year_scheme_id: int) -> Scheme:
        """The frozen definition of that year (never the current file)."""
        sch = self._schemes.get(year_scheme_id)
        if sch is None:
            with self.store.session() as s:
                r = YearSchemeRepository(s).get(year_scheme_id)
                if r is None:
                    raise ServiceError(f"考核方案（ID {year_scheme_id}）不存在")
                text, src = r.definition, f"{r.year} 年冻结的方案 {r.scheme_id}"
            sch = load_scheme_text(text, source=src, frozen=True)
            self._schemes[year_scheme_id] = sch
        return sch

    # -- who takes part ------------------------------------------------------------------------
    def participants(self, year_scheme_id: int) -> list[UnitRow]:
        """Units active now, plus deactivated units that hold figures of that year."""
        sch = self.scheme(year_scheme_id)
        with self.store.session() as s:
            with_data = ValueRepository(s).units_with_values(year_scheme_id)
            rows = UnitRepository(s).rows()
        return [r for r in rows if _takes_part(sch, r.kind.value, r.active, r.id in with_data)]

    def participating(self, year_scheme_id: int, unit_ids: Iterable[int]) -> set[int]:
        """Which of a few units take part (the rule of `participants`, with indexed look-ups)."""
        sch = self.scheme(year_scheme_id)
        out = set()
        with self.store.session() as s:
            units, values = UnitRepository(s), ValueRepository(s)
            for uid in sorted(set(unit_ids)):
                unit = units.kind_active(uid)
                if unit is None:
                    continue
                kind, active = unit
                if _takes_part(sch, kind, active, active or values.unit_has_values(year_scheme_id, uid)):
                    out.add(uid)
        return out

    # -- reading -------------------------------------------------------------------------------
    def monthly_cells(self, year_scheme_id: int, month: str | None = None) -> dict[tuple[int, str, str], Cell]:
        """(unit_id, month, key) → Cell, for one month or the whole year."""
        sch = self.scheme(year_scheme_id)
        with self.store.session() as s:
            raw = ValueRepository(s).monthly_rows(year_scheme_id, month)
        out = {}
        for unit_id, m, key, stored in raw:
            if not sch.has_input(key):
                out[(unit_id, m, key)] = Cell(stored, None, f"方案中没有该项：{key}")
                continue
            cell = check(sch.input(key), stored)
            if cell is not None:
                out[(unit_id, m, key)] = cell
        return out

    def monthly_texts(self, year_scheme_id: int, month: str) -> dict[tuple[int, str], str]:
        """(unit_id, key) → the stored text of one month (no parsing: stored text is canonical)."""
        with self.store.session() as s:
            return {(u, k): v for u, _m, k, v in ValueRepository(s).monthly_rows(year_scheme_id, month)}

    def scored_monthly_cells(self, year_scheme_id: int, month: str | None = None) -> dict[tuple[int, str, str], Cell]:
        """The cells the engine scores: typed cells with fed inputs applied (override > fed > typed)."""
        cells = self.monthly_cells(year_scheme_id, month)
        if self.feeds is not None:
            cells = self.feeds.merge(year_scheme_id, cells, month)
        return cells

    def annual_cells(self, year_scheme_id: int, unit_id: int | None = None) -> dict[tuple[int, str], Cell]:
        sch = self.scheme(year_scheme_id)
        with self.store.session() as s:
            raw = ValueRepository(s).annual_rows(year_scheme_id, unit_id)
        out = {}
        for uid, key, stored in raw:
            if sch.has_input(key):
                cell = check(sch.input(key), stored)
                if cell is not None:
                    out[(uid, key)] = cell
        return out

    def scored_annual_cells(self, year_scheme_id: int, unit_id: int | None = None) -> dict[tuple[int, str], Cell]:
        """The annual cells the engine scores: fed inputs applied (override > fed > typed)."""
        cells = self.annual_cells(year_scheme_id, unit_id)
        if self.annual_feeds is not None:
            cells = self.annual_feeds.merge(year_scheme_id, cells, unit_id)
        return cells

    def annual_notes(self, year_scheme_id: int, unit_id: int) -> dict[str, str]:
        with self.store.session() as s:
            return ValueRepository(s).annual_notes(year_scheme_id, unit_id)

    def months_with_data(self, year_scheme_id: int) -> list[str]:
        with self.store.session() as s:
            return ValueRepository(s).months_with_data(year_scheme_id)

    # -- writing -------------------------------------------------------------------------------
    def set_values(self, year_scheme_id: int, edits: Iterable[CellEdit]) -> list[CellChange]:
        """Store a batch of monthly and/or annual edits in one transaction (one undo step).

        Checked whole first: an unknown item or a month outside the year refuses the batch.
        """
        sch = self.scheme(year_scheme_id)
        year = self.year_of(year_scheme_id)
        valid_months = set(month_keys(year))
        edits = list(edits)
        for e in edits:
            if not sch.has_input(e.key):
                raise ServiceError(f"考核方案“{sch.title}”中没有“{e.key}”这一项")
            inp = sch.input(e.key)
            if (e.month is not None) != (inp.period == "monthly"):
                raise ServiceError(f"“{inp.label}”是{'月度' if inp.period == 'monthly' else '年度'}项目")
            if e.month is not None and e.month not in valid_months:
                raise ServiceError(f"月份“{e.month}”不属于 {year} 年")
        monthly = [e for e in edits if e.month is not None]
        annual = [e for e in edits if e.month is None]
        # Typing a fed input (a register counts it this year) is an explicit override.
        fed_keys = self.feeds.active_keys(year_scheme_id) if self.feeds is not None and monthly else frozenset()
        fed_edits: list[tuple[int, bool]] = []  # (index in changes, the row was an override before)
        changes: list[CellChange] = []
        touched = sorted({e.month for e in monthly}) if fed_keys else []
        flipped: dict[str, bool] = {}  # month → it now has figures (True) / lost its last one (False)
        stored_versions: dict[tuple, int] = {}  # (unit, month|None, key) → the version read now
        written: dict[tuple, int] = {}  # → the version after this batch
        try:
            changes = self._write_values(year_scheme_id, sch, monthly, annual, fed_keys, fed_edits, changes,
                                         touched, flipped, stored_versions, written)
        except IntegrityError as e:  # another seat inserted the same new cell at the same moment
            raise self._insert_race(year_scheme_id, sch, edits) from e
        for ident, v in written.items():
            self._own_versions[(year_scheme_id, *ident)] = v
        for m, started in flipped.items():  # fed counts join (or leave) a month with its first (last) figure
            reported = {(c.unit_id, c.month, c.key) for c in changes}
            changes += self.feeds.month_flip(year_scheme_id, m, started,
                                             {c.unit_id for c in changes if c.month == m}, reported)
        if changes:
            self.values_changed.emit(year_scheme_id, changes)
        return changes

    def _write_values(self, year_scheme_id, sch, monthly, annual, fed_keys, fed_edits, changes,
                      touched, flipped, stored_versions, written) -> list[CellChange]:
        """The transaction of set_values; rows are written only where their version is still the one read."""
        audit_rows: list[tuple] = []  # AuditRepository.record_many entries
        with self.store.session() as s:
            repo = ValueRepository(s)
            had = {m for m in touched if repo.month_has_data(year_scheme_id, m)}
            if monthly:
                self._write_monthly(s, repo, year_scheme_id, sch, monthly, fed_keys, fed_edits, changes, audit_rows,
                                    stored_versions, written)
            if annual:
                self._write_annual(s, repo, year_scheme_id, sch, annual, changes, audit_rows, stored_versions,
                                   written)
            AuditRepository(s).record_many(audit_rows)
            for m in touched:
                has = repo.month_has_data(year_scheme_id, m)
                if has != (m in had):
                    flipped[m] = has
        return [replace(c, version=written[ident]) if (ident := (c.unit_id, c.month, c.key)) in written else c
                for c in changes]

    def _write_monthly(self, s, repo: ValueRepository, year_scheme_id, sch, monthly, fed_keys, fed_edits, changes,
                       audit_rows, stored_versions, written) -> None:
        """The monthly cells of set_values' transaction."""
        found = repo.monthly_existing(year_scheme_id, [(e.unit_id, e.month, e.key) for e in monthly])
        existing = {}
        overridden = set()
        for i, u, m, k, v, o, ver in found:
            existing[(u, m, k)] = (i, v)
            stored_versions[(u, m, k)] = ver
            if o:
                overridden.add((u, m, k))
        self._check_versions(s, sch, monthly, stored_versions, existing)
        ins, upd, dels = {}, {}, {}
        for e in monthly:
            inp = sch.input(e.key)
            ident = (e.unit_id, e.month, e.key)
            cur = existing.get(ident)
            old = check(inp, cur[1]) if cur else None
            new = check(inp, e.text)
            fed = e.key in fed_keys
            if (old.text if old else None) == (new.text if new else None) and (
                not fed or ident in overridden or new is None
            ):
                continue
            if new is None:
                dels[ident] = {"i": cur[0]}
                existing.pop(ident)
            elif cur is None:
                num, scale = stored_number(inp, new)
                ins[ident] = dict(year_scheme_id=year_scheme_id, unit_id=e.unit_id, month=e.month,
                                  key=e.key, value=new.text, valid=new.valid, num=num, scale=scale)
                existing[ident] = (None, new.text)
            elif cur[0] is None:  # inserted earlier in this batch
                num, scale = stored_number(inp, new)
                ins[ident].update(value=new.text, valid=new.valid, num=num, scale=scale)
                existing[ident] = (None, new.text)
            else:
                num, scale = stored_number(inp, new)
                upd[ident] = {"i": cur[0], "v": new.text, "ok": new.valid, "n": num, "sc": scale}
                existing[ident] = (cur[0], new.text)
            if fed:
                fed_edits.append((len(changes), ident in overridden))
                if new is not None:
                    overridden.add(ident)
                else:
                    overridden.discard(ident)
            changes.append(CellChange(e.unit_id, e.month, e.key, old, new))
            audit_rows.append(("monthly_values", e.unit_id, "update", {
                f"{e.month}/{e.key}" + ("（覆盖自动计数）" if fed else ""): (old.text if old else None,
                                                                      new.text if new else None)}))
        for ident, p in dels.items():
            p["ver"] = stored_versions.get(ident, 0)
            written[ident] = 0
        for ident, p in upd.items():
            p["ver"] = stored_versions.get(ident, 0)
            written[ident] = p["ver"] + 1
        for ident in ins:
            written[ident] = 1
        _expect_rows(repo.delete_monthly([{"i": d["i"], "ver": d["ver"]} for d in dels.values()]),
                     len(dels), "monthly_values")
        _expect_rows(repo.update_monthly(list(upd.values())), len(upd), "monthly_values")
        repo.insert_monthly(list(ins.values()))
        if fed_edits:
            self._apply_overrides(repo, year_scheme_id, changes, fed_edits, fed_keys)

    def _write_annual(self, s, repo: ValueRepository, year_scheme_id, sch, annual, changes, audit_rows,
                      stored_versions, written) -> None:
        """The annual cells of set_values' transaction."""
        # Typing a fed annual input (the knowledge base feeds it this year) is an override.
        fed_a = self.annual_feeds.active_keys(year_scheme_id) if self.annual_feeds is not None else ()
        existing_a, overridden_a = {}, set()
        for i, u, k, v, o, ver in repo.annual_existing(year_scheme_id):
            existing_a[(u, k)] = (i, v)
            stored_versions[(u, None, k)] = ver
            if o and v is not None:
                overridden_a.add((u, k))
        self._check_versions(s, sch, annual, stored_versions,
                             {(u, None, k): c for (u, k), c in existing_a.items()})
        ins_a: dict[tuple[int, str], dict] = {}
        upd_a: dict[tuple[int, str], dict] = {}
        for e in annual:
            inp = sch.input(e.key)
            ident = (e.unit_id, e.key)
            cur = existing_a.get(ident)
            old = check(inp, cur[1]) if cur and cur[1] is not None else None
            new = check(inp, e.text)
            fed = e.key in fed_a
            if (old.text if old else None) == (new.text if new else None) and (
                not fed or ident in overridden_a or new is None
            ):
                continue
            value, ok = (new.text, new.valid) if new else (None, True)
            num, scale = stored_number(inp, new)
            ov = fed and new is not None
            if cur is None:
                ins_a[ident] = dict(year_scheme_id=year_scheme_id, unit_id=e.unit_id, key=e.key,
                                    value=value, valid=ok, note="", override=ov, num=num, scale=scale)
                existing_a[ident] = (None, value)
            elif cur[0] is None:
                ins_a[ident].update(value=value, valid=ok, override=ov, num=num, scale=scale)
                existing_a[ident] = (None, value)
            else:
                upd_a[ident] = {"i": cur[0], "v": value, "ok": ok, "o": ov, "n": num, "sc": scale}
                existing_a[ident] = (cur[0], value)
            ch = CellChange(e.unit_id, None, e.key, old, new)
            if fed:
                ch = self.annual_feeds.effective_change(year_scheme_id, ch, ident in overridden_a)
                (overridden_a.add if ov else overridden_a.discard)(ident)
            changes.append(ch)
            audit_rows.append(("annual_values", e.unit_id, "update",
                               {e.key: (old.text if old else None, new.text if new else None)}))
        for (u, k), p in upd_a.items():
            p["ver"] = stored_versions.get((u, None, k), 0)
            written[(u, None, k)] = p["ver"] + 1
        for (u, k) in ins_a:
            written[(u, None, k)] = 1
        _expect_rows(repo.update_annual(list(upd_a.values())), len(upd_a), "annual_values")
        repo.insert_annual(list(ins_a.values()))

    def _check_versions(self, s, sch: Scheme, edits: list[CellEdit], stored: dict[tuple, int],
                        existing: dict[tuple, tuple]) -> None:
        """Refuse the batch when a cell an edit names moved on since its seat read it."""
        for e in edits:
            if e.version is None:
                continue
            ident = (e.unit_id, e.month, e.key)
            now = stored.get(ident, 0)
            if now != e.version:
                cur = existing.get(ident)
                raise self._cell_conflict(s, sch, e, cur[1] if cur else None)

    def _cell_conflict(self, s, sch: Scheme, e: CellEdit, current: str | None) -> ConflictError:
        unit = UnitRepository(s).get(e.unit_id)
        label = sch.input(e.key).label
        where = f"{unit.name if unit else e.unit_id} {month_text(e.month)}" if e.month else (unit.name if unit else "")
        table = "monthly_values" if e.month else "annual_values"
        field = f"{e.month}/{e.key}" if e.month else e.key
        err = conflict(s, table, e.unit_id, what=f"{where}的“{label}”", audit_field=field, current=current)
        err.field = field
        return err

    def _insert_race(self, year_scheme_id: int, sch: Scheme, edits: list[CellEdit]) -> ConflictError:
        """The conflict for a new cell that another seat inserted first (the unique constraint)."""
        with self.store.session() as s:
            repo = ValueRepository(s)
            for e in edits:
                row = repo.stored_text(year_scheme_id, e.unit_id, e.month, e.key)
                if row is not None:
                    return self._cell_conflict(s, sch, e, row[0])
        return stale_write("monthly_values")

    def own_version(self, year_scheme_id: int, unit_id: int, month: str | None, key: str) -> int | None:
        """The row version this seat's latest write of a cell left (0: it cleared it); None if it never wrote it."""
        return self._own_versions.get((year_scheme_id, unit_id, month, key))

    def monthly_versions(self, year_scheme_id: int, month: str) -> dict[tuple[int, str], int]:
        """(unit_id, key) → the stored row version of one month (what a seat read with its cells)."""
        with self.store.session() as s:
            return ValueRepository(s).monthly_versions(year_scheme_id, month)

    def annual_versions(self, year_scheme_id: int, unit_id: int | None = None) -> dict[tuple[int, str], int]:
        """(unit_id, key) → the stored row version of annual items (of one unit, or all)."""
        with self.store.session() as s:
            return ValueRepository(s).annual_versions(year_scheme_id, unit_id)

    def _apply_overrides(self, repo: ValueRepository, year_scheme_id: int, changes: list[CellChange],
                         fed_edits: list[tuple[int, bool]], fed_keys: frozenset[str]) -> None:
        """Mark typed fed cells as overrides; report each as the engine sees it (fed ↔ typed)."""
        typed = [{"y": year_scheme_id, "u": changes[i].unit_id, "m": changes[i].month, "k": changes[i].key}
                 for i, _was in fed_edits if changes[i].new is not None]
        repo.mark_overrides(typed)
        pairs = {(changes[i].unit_id, changes[i].month) for i, _was in fed_edits}
        records = {(u, m) for u, m, k, o in repo.override_flags(year_scheme_id, {u for u, _m in pairs},
                                                                 {m for _u, m in pairs})
                   if (k not in fed_keys or o)}
        for i, was in fed_edits:
            ch = changes[i]
            changes[i] = self.feeds.effective_change(year_scheme_id, ch, was, (ch.unit_id, ch.month) in records)

    def set_note(self, year_scheme_id: int, unit_id: int, key: str, note: str) -> None:
        try:
            note = clean_text(note or "", multiline=True)
        except TextProblem as e:
            raise ServiceError(f"备注{e.reason}") from None
        if len(note) > MAX_NOTE:
            raise ServiceError(f"备注过长（{len(note)} 字，最多 {MAX_NOTE} 字）")
        with self.store.session() as s:
            repo = ValueRepository(s)
            row = repo.annual_item(year_scheme_id, unit_id, key)
            if row is None:
                try:
                    row = repo.add_annual_item(year_scheme_id, unit_id, key)
                except IntegrityError:  # another seat created the item at the same moment
                    raise stale_write("annual_values") from None
            if row.note != note:
                AuditRepository(s).record("annual_values", row.id, "update", {"note": (row.note, note)})
                row.note = note

    def copy_month(self, year_scheme_id: int, source: str, target: str, unit_ids: Iterable[int] | None = None) -> list[CellChange]:
        """Copy one month's values over another (as one batch); cells empty in the source are cleared."""
        src = self.monthly_cells(year_scheme_id, source)
        dst = self.monthly_cells(year_scheme_id, target)
        wanted = set(unit_ids) if unit_ids is not None else None
        fed = self.feeds.active_keys(year_scheme_id) if self.feeds is not None else frozenset()
        edits = []
        for (uid, _m, key), cell in src.items():
            if (wanted is None or uid in wanted) and key not in fed:  # a register counts each month itself
                edits.append(CellEdit(uid, target, key, cell.text))
        for (uid, _m, key) in dst:
            if (uid, source, key) not in src and (wanted is None or uid in wanted) and key not in fed:
                edits.append(CellEdit(uid, target, key, None))
        return self.set_values(year_scheme_id, edits)

    def clear_year(self, year_scheme_id: int) -> None:
        with self.store.session() as s:
            ValueRepository(s).clear_year(year_scheme_id)

    # -- completeness --------------------------------------------------------------------------
    def missing_annual(self, year_scheme_id: int) -> dict[int, list[str]]:
        """unit id → labels of required annual items (manual scores) not yet entered or invalid."""
        sch = self.scheme(year_scheme_id)
        cells = self.annual_cells(year_scheme_id)
        out: dict[int, list[str]] = {}
        required = [i for i in sch.annual_inputs if is_required(i)]
        for u in self.participants(year_scheme_id):
            miss = [i.label for i in required if not (c := cells.get((u.id, i.key))) or not c.valid]
            if miss:
                out[u.id] = miss
        return out


def _expect_rows(count: int | None, expected: int, table: str) -> None:
    """An UPDATE/DELETE … AND version = :ver that matched fewer rows (`count`, from the
    repository; None when the driver cannot tell) lost a race: refuse the batch."""
    if count is not None and 0 <= count < expected:
        raise stale_write(table)


def _takes_part(sch: Scheme, kind: str, active: bool, has_data: bool) -> bool:
    """Who takes part in a (year, scheme): units of its kinds active now, or holding figures of it."""
    return kind in sch.unit_kinds and (active or has_data)


def current_year() -> int:
    return date.today().year
