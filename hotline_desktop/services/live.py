"""Changes committed by other seats, turned into the service events a local edit emits.

`LiveSync.apply(changes)` takes a burst of db.live.RemoteChange and re-reads what they name from
the store: monthly/annual figures become `AssessmentService.values_changed` CellChanges (the
scored cells, fed inputs applied, exactly what a local edit reports), units `UnitService.changed`,
notices `NoticeService.changed`, knowledge-base entries `KbService.changed`, and so on. The
models and live rankings therefore update through the one path they already have. Only services
already created are told (an unopened tab has nothing to update).

Call it in the thread that owns the services (the GUI thread: gui/live_bridge.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

from hotline_desktop.db.live import RemoteChange
from hotline_desktop.db.repositories import ValueRepository
from hotline_desktop.services.assessment import Cell, CellChange, check
from hotline_desktop.services.errors import ServiceError

log = logging.getLogger(__name__)

VALUE_TABLES = ("monthly_values", "annual_values")
KB_TABLES = ("kb_entries", "kb_versions", "kb_events", "kb_feedback")


class LiveSync:
    def __init__(self, services):
        self.services = services
        self.applied = 0  # notifications handled (for tests and the status bar)

    def _has(self, name: str) -> bool:
        return name in self.services.__dict__

    # -- entry point ---------------------------------------------------------------------------
    def apply(self, changes: list[RemoteChange]) -> None:
        by_table: dict[str, list[RemoteChange]] = defaultdict(list)
        for c in changes:
            by_table[c.table].append(c)
        self.applied += len(changes)
        if "*" in by_table:  # reconnected after a drop: anything may have changed
            self.resync()
            return
        # order matters: settings and calendar before what is computed from them, units before values
        if "app_meta" in by_table:
            self._settings(by_table["app_meta"])
        if "calendar_days" in by_table:
            self._calendar(by_table["calendar_days"])
        if "units" in by_table:
            self._units(by_table["units"])
        if "year_schemes" in by_table:
            self._year_schemes(by_table["year_schemes"])
        if "notices" in by_table or "notice_extensions" in by_table:
            self._notices(by_table.get("notices", []) + by_table.get("notice_extensions", []))
        if any(t in by_table for t in KB_TABLES):
            self._kb([c for t in KB_TABLES for c in by_table.get(t, [])])
        if "order_months" in by_table or "order_figures" in by_table:
            self._orders(by_table.get("order_months", []) + by_table.get("order_figures", []))
        if "evidence_files" in by_table:
            self._evidence(by_table["evidence_files"])
        if "monthly_values" in by_table or "annual_values" in by_table:
            self._values(by_table.get("monthly_values", []), by_table.get("annual_values", []))

    def resync(self) -> None:
        """Re-read everything the open views show (after a lost connection)."""
        svc = self.services
        for name in ("calendar", "settings"):
            if self._has(name):
                svc.__dict__[name].invalidate()
        if self._has("assessment"):
            svc.assessment.invalidate()
            svc.orders.invalidate()
        if self._has("units"):
            svc.units.changed.emit([u.id for u in svc.units.list()], "remote")  # rankings, grids reload
        if self._has("notices"):
            svc.notices.changed.emit([_remote(r) for r in svc.notices.rows()])
        if self._has("kb"):
            svc.kb.changed.emit([r.id for r in svc.kb.list(answers=False)], "remote")
        if self._has("evidence"):
            svc.evidence.changed.emit([(None, None, None)])

    # -- per table -------------------------------------------------------------------------------
    def _settings(self, changes) -> None:
        if not self._has("settings"):
            return
        svc = self.services.settings
        names = sorted({str(k[0]).removeprefix("setting.") for c in changes for k in (c.keys or ())
                        if str(k[0]).startswith("setting.")})
        if names or any(c.keys is None for c in changes):
            svc.invalidate()
            svc.changed.emit(svc.current(), names or list(svc.texts()))

    def _calendar(self, changes) -> None:
        if not self._has("calendar"):
            return
        svc = self.services.calendar
        svc.invalidate()
        days = sorted({date.fromisoformat(str(k[0])[:10]) for c in changes for k in (c.keys or ())})
        svc.changed.emit(days)

    def _units(self, changes) -> None:
        if not self._has("units"):
            return
        svc = self.services.units
        if any(c.keys is None for c in changes):
            ids = [u.id for u in svc.list()]
        else:
            ids = sorted({int(k[0]) for c in changes for k in c.keys})
        deleted = {int(k[0]) for c in changes if c.op == "DELETE" and c.keys for k in c.keys}
        if deleted:
            svc.changed.emit(sorted(deleted), "delete")
        rest = [i for i in ids if i not in deleted]
        if rest:
            svc.changed.emit(rest, "update")

    def _year_schemes(self, changes) -> None:
        if not self._has("assessment"):
            return
        years = sorted({int(k[1]) for c in changes for k in (c.keys or ())})
        self.services.assessment.invalidate()
        for y in years:
            self.services.assessment.assignments_changed.emit(y)

    def _notices(self, changes) -> None:
        if not self._has("notices"):
            return
        svc = self.services.notices
        if any(c.keys is None for c in changes):
            rows = svc.rows()
        else:
            rows = []
            for nid in sorted({int(k[0]) for c in changes for k in c.keys}):
                try:
                    rows.append(svc.get(nid))
                except ServiceError:
                    pass  # gone again (an undone issue): the next notification says so
        if rows:
            svc.changed.emit([_remote(r) for r in rows])

    def _kb(self, changes) -> None:
        if not self._has("kb"):
            return
        kb = self.services.kb
        if any(c.keys is None for c in changes):
            ids = [r.id for r in kb.list(answers=False)]
        else:
            ids = sorted({int(k[0]) for c in changes for k in c.keys})
        kb.changed.emit(ids, "remote")

    def _evidence(self, changes) -> None:
        """Evidence files added or removed by another seat: the open 年度考核 re-lists them."""
        if not self._has("evidence"):
            return
        touched: set[tuple] = set()
        for c in changes:
            if c.keys is not None:
                touched.update((int(k[0]), int(k[1]), str(k[2])) for k in c.keys)
            elif c.scope is not None:
                touched.update((int(k[0]), None, None) for k in c.scope)
            else:
                touched.add((None, None, None))
        self.services.evidence.changed.emit(sorted(touched, key=repr))

    def _orders(self, changes) -> None:
        if not self._has("assessment"):
            return
        self.services.orders.invalidate()
        months = {str(k[0]) for c in changes for k in (c.keys or c.scope or ())}
        asm = self.services.assessment
        for row in asm.assignments():
            touched = sorted(m for m in months if m.startswith(f"{row.year}-")) if months else \
                [f"{row.year}-{m:02d}" for m in range(1, 13)]
            for m in touched:
                self._emit_month(row.id, m, None)

    def _values(self, monthly: list[RemoteChange], annual: list[RemoteChange]) -> None:
        if not self._has("assessment"):
            return
        rows = self.services.assessment.assignments
        months = _grouped(monthly, lambda ys, month, unit, key: ((int(ys), str(month)), (int(unit), str(key))),
                          lambda scope: (int(scope[0]), str(scope[1])),
                          lambda: [(r.id, f"{r.year}-{m:02d}") for r in rows() for m in range(1, 13)])
        # an UPDATE changes values only; an INSERT or DELETE may start or end a unit-month record
        # (which brings fed cells in or out): those months are re-read whole when a register feeds
        added: dict[tuple[int, str], set] = {}  # (ys, month) → (unit, key) rows inserted or deleted
        for c in monthly:
            if c.op != "UPDATE":
                for ys, m, *rest in (c.keys or c.scope or ()):
                    added.setdefault((int(ys), str(m)), set()).add((int(rest[0]), str(rest[1])) if rest else None)
        for (ys, month), idents in sorted(months.items(), key=lambda kv: kv[0]):
            self._emit_month(ys, month, idents, added.get((ys, month), set()))
        years = _grouped(annual, lambda ys, unit, key: (int(ys), (int(unit), str(key))),
                         lambda scope: int(scope[0]), lambda: [r.id for r in rows()])
        for ys, idents in sorted(years.items(), key=lambda kv: kv[0]):
            self._emit_annual(ys, idents)

    # -- re-reading ------------------------------------------------------------------------------
    def _emit_month(self, ys: int, month: str, idents: set[tuple[int, str]] | None,
                    rows_changed: set | None = None) -> None:
        """values_changed for the named cells of one month (None: every cell of the month), read
        as the engine scores them. Typed values of unfed items are read cell by cell; otherwise the
        month is read whole and its fed cells come along (a month's first or last figure, or a
        unit-month's, brings them in or out)."""
        asm = self.services.assessment
        try:
            sch = asm.scheme(ys)
        except ServiceError:
            return  # the year was removed meanwhile
        fed = asm.feeds.active_keys(ys) if asm.feeds is not None else frozenset()
        if idents is not None and not (fed and (any(k in fed for _u, k in idents)
                                                or self._records_moved(ys, month, rows_changed or set(), fed))):
            changes = [CellChange(u, month, k, None, c, v)
                       for (u, k), (c, v) in sorted(self._typed(ys, month, idents).items())]
            if changes:
                asm.values_changed.emit(ys, changes)
            return
        scored = asm.scored_monthly_cells(ys, month)
        if idents is None or fed:
            units = [u.id for u in asm.participants(ys)]
            keys = [i.key for i in sch.monthly_inputs] if idents is None else sorted(fed)
            wanted = set(idents or ()) | {(u, k) for u in units for k in keys}
        else:
            wanted = idents
        versions = asm.monthly_versions(ys, month)  # the seat's grid edits name them next
        changes = [CellChange(u, month, k, None, scored.get((u, month, k)), versions.get((u, k), 0))
                   for u, k in sorted(wanted)]
        if changes:
            asm.values_changed.emit(ys, changes)

    def _records_moved(self, ys: int, month: str, rows: set, fed: frozenset[str]) -> bool:
        """Whether inserted/deleted rows may have started or ended a unit-month record (or the
        month's figures), which brings that unit's (the month's) fed cells in or out. A row of a
        unit-month that still holds other stored rows moved nothing."""
        if not rows:
            return False
        if None in rows:
            return True
        with self.services.assessment.store.session() as s:
            counts = ValueRepository(s).monthly_row_counts(ys, month, {u for u, _k in rows}, fed)
        mine = {}
        for u, _k in rows:
            mine[u] = mine.get(u, 0) + 1
        # now 0 rows: a record may have ended; no more rows than those changed: it may have started
        return any(counts.get(u, 0) <= n for u, n in mine.items())

    def _typed(self, ys: int, month: str, idents: set[tuple[int, str]]) -> dict:
        """(unit, key) → (the stored Cell or None when empty, its row version or 0) of just these cells."""
        asm = self.services.assessment
        sch = asm.scheme(ys)
        out: dict = dict.fromkeys(idents, (None, 0))
        with asm.store.session() as s:
            rows = ValueRepository(s).monthly_cells_of(ys, month, idents)
        for u, k, v, ver in rows:
            cell = check(sch.input(k), v) if sch.has_input(k) else Cell(v, None, f"方案中没有该项：{k}")
            out[(u, k)] = (cell, ver)
        return out

    def _emit_annual(self, ys: int, idents: set[tuple[int, str]] | None) -> None:
        asm = self.services.assessment
        try:
            sch = asm.scheme(ys)
        except ServiceError:
            return
        scored = asm.scored_annual_cells(ys)
        if idents is None:
            idents = {(u.id, i.key) for u in asm.participants(ys) for i in sch.annual_inputs}
        versions = asm.annual_versions(ys)
        changes = [CellChange(u, None, k, None, scored.get((u, k)), versions.get((u, k), 0)) for u, k in sorted(idents)]
        if changes:
            asm.values_changed.emit(ys, changes)


def _grouped(changes: list[RemoteChange], split, scope_of, everything) -> dict:
    """group → {cell idents} from key lists, or group → None (the whole group) from a coarse
    scope; a change with neither covers `everything()`."""
    out: dict = {}
    for c in changes:
        if c.keys is not None:
            for k in c.keys:
                group, ident = split(*k)
                cells = out.setdefault(group, set())
                if cells is not None:
                    cells.add(ident)
        else:
            for group in (map(scope_of, c.scope) if c.scope is not None else everything()):
                out[group] = None
    return out


def _remote(row):
    from hotline_desktop.services.notices import NoticeChange

    return NoticeChange(None, row, remote=True)


def seat_listener(services, **kw):
    """This seat's ChangeListener (its connections tagged with a seat id), or None on SQLite."""
    from hotline_desktop.db.live import ChangeListener, is_postgres, new_seat_id, tag_seat

    engine = services.store.engine
    if not is_postgres(engine):
        return None
    seat = services.__dict__.get("seat_id")
    if seat is None:
        seat = services.__dict__["seat_id"] = new_seat_id()
    if getattr(engine, "_hotline_seat", None) != seat:
        tag_seat(engine, seat)
        engine._hotline_seat = seat
    return ChangeListener.for_engine(engine, seat, **kw)
