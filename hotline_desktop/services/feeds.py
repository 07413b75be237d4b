"""Fed values: the counts registers give scheme inputs, merged into what the engine scores.

Effective value of a fed input (core.feeds.effective): an explicit override typed by the operator
(monthly_values.override) > the fed count > the typed value. A register feeds a (year, scheme)
once it holds any entry touching that year. Fed counts fill the months the year's figures cover
(months holding data); in such a month a unit without any typed figure gets a fed cell only when
its count is not zero, so a feed never invents an empty month record.

A register change reaches the live engines through `AssessmentService.values_changed`, with
CellChange objects exactly as a typed edit does (only the cells whose effective value moved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hotline_desktop.core import feeds as feed_rules
from hotline_desktop.core.feeds import FedValue, Feed
from hotline_desktop.core.notices import parse_number
from hotline_desktop.db.repositories import ValueRepository
from hotline_desktop.services.assessment import AssessmentService, Cell, CellChange, check


def _number_key(number: str):
    try:
        _p, year, seq = parse_number(number)
    except ValueError:
        return (0, 0, number)
    return (year, seq, number)


@dataclass(frozen=True)
class FedCell:
    """What the grid shows for a fed cell: the count, the entries behind it, and an override if typed."""

    fed: FedValue
    override: Cell | None = None

    @property
    def overridden(self) -> bool:
        return self.override is not None


@dataclass
class _YearFeed:
    year: int
    feeds: tuple[Feed, ...]
    active: bool
    counts: dict[tuple[int, str, str], FedValue]
    today: date | None = None  # the day "due date passed" was judged on


class FeedService:
    def __init__(self, assessment: AssessmentService, notices=None):
        self.assessment = assessment
        self.notices = notices
        self._cache: dict[int, _YearFeed] = {}
        assessment.feeds = self
        if notices is not None:
            notices.changed.connect(self._on_notices)

    def invalidate(self) -> None:
        self._cache.clear()
        self.__dict__.pop("_cells", None)  # a restored store may freeze other schemes under these ids

    # -- what is fed ---------------------------------------------------------------------------
    def feeds(self, year_scheme_id: int) -> tuple[Feed, ...]:
        sch = self.assessment.scheme(year_scheme_id)
        return tuple(f for f in feed_rules.feeds_for(sch.id) if sch.has_input(f.key) and f.period == "monthly")

    def _compute(self, year_scheme_id: int) -> _YearFeed:
        year = self.assessment.get(year_scheme_id).year
        feeds = self.feeds(year_scheme_id)
        if not feeds or self.notices is None:
            return _YearFeed(year, feeds, False, {})
        rows = self.notices.rows_touching(year)
        today = self.notices.today()
        return _YearFeed(year, feeds, bool(rows), feed_rules.count_notices(feeds, rows, year, today), today)

    def _year(self, year_scheme_id: int) -> _YearFeed:
        yf = self._cache.get(year_scheme_id)
        if yf is None:
            yf = self._cache[year_scheme_id] = self._compute(year_scheme_id)
        return yf

    def active_keys(self, year_scheme_id: int) -> frozenset[str]:
        """Keys whose scored value comes from a register in that year (typing there is an override)."""
        yf = self._year(year_scheme_id)
        return frozenset(f.key for f in yf.feeds) if yf.active else frozenset()

    def fed_value(self, year_scheme_id: int, unit_id: int, month: str, key: str) -> FedValue | None:
        yf = self._year(year_scheme_id)
        if not yf.active or key not in {f.key for f in yf.feeds}:
            return None
        return yf.counts.get((unit_id, month, key), FedValue(0))

    # -- merging -------------------------------------------------------------------------------
    def _overrides(self, year_scheme_id: int, month: str | None = None) -> set[tuple[int, str, str]]:
        with self.assessment.store.session() as s:
            return ValueRepository(s).monthly_overrides(year_scheme_id, month)

    def _cell(self, year_scheme_id: int, key: str, value: int) -> Cell:
        """The Cell of a count (memoised: a year's counts are a few small numbers, repeated for
        every unit-month; the live ranking's load asks for tens of thousands)."""
        memo = self.__dict__.setdefault("_cells", {})
        ident = (year_scheme_id, key, value)
        cell = memo.get(ident)
        if cell is None:
            cell = check(self.assessment.scheme(year_scheme_id).input(key), str(value))
            cell = memo[ident] = cell if cell is not None else Cell("0", 0)
        return cell

    def merge(self, year_scheme_id: int, typed: dict[tuple[int, str, str], Cell],
              month: str | None = None) -> dict[tuple[int, str, str], Cell]:
        """Typed cells → the cells the engine scores (overrides and fed counts applied)."""
        keys = self.active_keys(year_scheme_id)
        if not keys:
            return typed
        yf = self._year(year_scheme_id)
        overrides = self._overrides(year_scheme_id, month)
        if month is not None:
            months = {month} if typed else set()  # a month without any figure gets no fed cells either
        else:
            months = set(self.assessment.months_with_data(year_scheme_id))
        records = {(u, m) for (u, m, k) in typed if k not in keys or (u, m, k) in overrides}
        out = {ident: c for ident, c in typed.items() if ident[2] not in keys or ident in overrides}
        for (u, m, k), fv in yf.counts.items():
            if m in months and (u, m, k) not in overrides:
                out[(u, m, k)] = self._cell(year_scheme_id, k, fv.value)
        for (u, m) in records:
            if m in months:
                for k in keys:
                    if (u, m, k) not in out:
                        out[(u, m, k)] = self._cell(year_scheme_id, k, 0)
        return out

    def fed_cells(self, year_scheme_id: int, month: str) -> dict[tuple[int, str], FedCell]:
        """(unit_id, key) → FedCell for the grid's distinct style and tooltip (non-zero or overridden)."""
        keys = self.active_keys(year_scheme_id)
        if not keys:
            return {}
        yf = self._year(year_scheme_id)
        typed = self.assessment.monthly_cells(year_scheme_id, month)
        overrides = self._overrides(year_scheme_id, month)
        out = {(u, k): FedCell(fv) for (u, m, k), fv in yf.counts.items() if m == month}
        for (u, m, k) in overrides:
            out[(u, k)] = FedCell(yf.counts.get((u, m, k), FedValue(0)), typed.get((u, m, k)))
        return out

    # -- typed edits over fed cells (called by AssessmentService.set_values) ------------------
    def effective_change(self, year_scheme_id: int, ch: CellChange, was_override: bool,
                         has_record_after: bool) -> CellChange:
        """A typed edit of a fed key: what the engine's cell was and becomes."""
        fv = self.fed_value(year_scheme_id, ch.unit_id, ch.month, ch.key)
        fed_cell = self._cell(year_scheme_id, ch.key, fv.value) if fv is not None else None
        if fed_cell is not None and fv.value == 0 and not has_record_after:
            fed_cell = None
        old = ch.old if was_override else fed_cell
        new = ch.new if ch.new is not None else fed_cell
        return CellChange(ch.unit_id, ch.month, ch.key, old, new)

    def month_flip(self, year_scheme_id: int, month: str, started: bool, batch_units: set[int],
                   exclude: set[tuple[int, str, str]]) -> list[CellChange]:
        """A typed edit gave a month its first figure (its fed cells join the scores) or removed its last
        one (they leave): the fed cells' changes, beyond the `exclude`d cells the edit itself reported."""
        keys = self.active_keys(year_scheme_id)
        if not keys:
            return []
        if started:
            cells = self.merge(year_scheme_id, self.assessment.monthly_cells(year_scheme_id, month), month)
            cand = {i: c for i, c in cells.items() if i[2] in keys and i not in exclude}
            taking = self.assessment.participating(year_scheme_id, {u for u, _m, _k in cand})
            return [CellChange(u, m, k, None, c) for (u, m, k), c in sorted(cand.items()) if u in taking]
        yf = self._year(year_scheme_id)
        units = set(batch_units) | {u for (u, m, _k) in yf.counts if m == month}
        out = []
        for u in sorted(self.assessment.participating(year_scheme_id, units)):
            for k in sorted(keys):
                if (u, month, k) not in exclude:
                    old = self._cell(year_scheme_id, k, yf.counts.get((u, month, k), FedValue(0)).value)
                    out.append(CellChange(u, month, k, old, None))
        return out

    # -- register changes ----------------------------------------------------------------------
    def refresh(self) -> int:
        """A new day: notices whose due date has just passed start counting (licheng unfinished).
        Call when the date changes (the GUI's day timer); returns the number of cells that moved."""
        moved = 0
        today = self.notices.today() if self.notices is not None else None
        for ysid in list(self._cache):
            old = self._cache[ysid]
            if old.today == today:
                continue
            new = self._cache[ysid] = self._compute(ysid)
            changes = self._diff(ysid, old, new)
            if changes:
                moved += len(changes)
                self.assessment.values_changed.emit(ysid, changes)
        return moved

    def _on_notices(self, changes) -> None:
        for ysid in list(self._cache):
            old = self._cache[ysid]
            if not any(f.register == feed_rules.NOTICES for f in old.feeds):
                continue
            new = self._advance(ysid, old, changes)
            self._cache[ysid] = new
            cell_changes = self._diff(ysid, old, new)
            if cell_changes:
                self.assessment.values_changed.emit(ysid, cell_changes)

    def _advance(self, ysid: int, old: _YearFeed, changes) -> _YearFeed:
        """The year's counts after these notice changes: updated by the rows before/after, not recounted."""
        if any(c.new is None or c.remote for c in changes) or self.notices is None or old.today != self.notices.today():
            return self._compute(ysid)  # a notice removed (the year may stop being fed), or a new day
        year, today = old.year, self.notices.today()
        counts = dict(old.counts)
        active = old.active
        for c in changes:
            for row, sign in ((c.old, -1), (c.new, 1)):
                if row is None:
                    continue
                if sign > 0 and year in (row.issued.year, row.due.year):
                    active = True
                for f in old.feeds:
                    m = feed_rules.notice_month(f, row, today)
                    if m is None or not m.startswith(f"{year}-"):
                        continue
                    ident = (row.unit_id, m, f.key)
                    cur = counts.get(ident, FedValue(0))
                    srcs = [x for x in cur.sources if x != row.number]
                    if sign > 0:
                        srcs.append(row.number)
                        srcs.sort(key=_number_key)
                    if srcs:
                        counts[ident] = FedValue(len(srcs), tuple(srcs))
                    else:
                        counts.pop(ident, None)
        return _YearFeed(year, old.feeds, active, counts, today)

    def _diff(self, ysid: int, old: _YearFeed, new: _YearFeed) -> list[CellChange]:
        if old.active != new.active:
            # The register starts (or stops) feeding this year: every fed cell may change.
            typed = self.assessment.monthly_cells(ysid)
            self._cache[ysid] = old
            before = self.merge(ysid, typed)
            self._cache[ysid] = new
            after = self.merge(ysid, typed)
            keys = {f.key for f in new.feeds}
            idents = {i for i in set(before) | set(after) if i[2] in keys}
        else:
            idents = {i for i in set(old.counts) | set(new.counts)
                      if old.counts.get(i, FedValue(0)).value != new.counts.get(i, FedValue(0)).value}
            if idents:  # a deactivated unit without figures takes no part: its notices move nothing
                taking = self.assessment.participating(ysid, {u for u, _m, _k in idents})
                idents = {i for i in idents if i[0] in taking}
            if not idents:
                return []
            facts = self._facts(ysid, {f.key for f in new.feeds}, idents)
            before, after = self._cells_for(ysid, old, idents, facts), self._cells_for(ysid, new, idents, facts)
        out = []
        for u, m, k in sorted(idents):
            b, a = before.get((u, m, k)), after.get((u, m, k))
            if (b.text if b else None) != (a.text if a else None):
                out.append(CellChange(u, m, k, b, a))
        return out

    def _facts(self, ysid: int, keys: set[str], idents: set[tuple[int, str, str]]):
        """For a few fed cells: which months hold data, which unit-months have typed records, which
        cells are overrides (indexed look-ups: this runs on every notice change)."""
        months, overrides, records = set(), set(), set()
        with self.assessment.store.session() as s:
            repo = ValueRepository(s)
            for m in sorted({m for _u, m, _k in idents}):
                if repo.month_has_data(ysid, m):
                    months.add(m)
            for u, m in sorted({(u, m) for u, m, _k in idents if m in months}):
                for k, o in repo.unit_month_keys(ysid, u, m):
                    if o:
                        overrides.add((u, m, k))
                    if o or k not in keys:
                        records.add((u, m))
        return months, overrides, records

    def _cells_for(self, ysid: int, yf: _YearFeed, idents: set[tuple[int, str, str]], facts) -> dict:
        """The scored cells of a few fed idents under `yf` (overrides keep their typed cell)."""
        months, overrides, records = facts
        out = {}
        for u, m, k in idents:
            if (u, m, k) in overrides or m not in months:
                continue  # an override does not move with the count; a month without data gets nothing
            v = yf.counts.get((u, m, k), FedValue(0)).value
            if v or (u, m) in records:
                out[(u, m, k)] = self._cell(ysid, k, v)
        return out
