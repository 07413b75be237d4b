"""The knowledge base feeds annual inputs (ganxian-2023-hotline kb_format / kb_updated /
kb_late_updates; which inputs: core.feeds.FEEDS, how counted: core.kb.fed_values).

Effective value (core.feeds.effective): an explicit override typed by the operator
(annual_values.override) > the fed value > the typed value. The register feeds a year once it
holds any entry published in that year or any feedback of that year; before that typed values
stand. Every participant gets a fed value then (a unit without entries: 未上传 / 否 / 0).

A register change (and a feedback item becoming late as days pass: `refresh()`) reaches the live
engines through AssessmentService.values_changed with CellChange objects, as a typed edit does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hotline_desktop.core import feeds as feed_rules
from hotline_desktop.core import kb as kb_rules
from hotline_desktop.db.kb_repository import KbRepository
from hotline_desktop.db.repositories import ValueRepository
from hotline_desktop.services.assessment import AssessmentService, Cell, CellChange, check


@dataclass(frozen=True)
class AnnualFed:
    """What the annual tab shows for a fed item: the fed value, the entries behind it, the override."""

    key: str
    fed: Cell
    entry_ids: tuple[int, ...]
    label: str
    override: Cell | None = None

    @property
    def overridden(self) -> bool:
        return self.override is not None


@dataclass
class _Year:
    year: int
    keys: tuple[str, ...]
    active: bool
    values: dict[tuple[int, str], kb_rules.FedValue] = field(default_factory=dict)


class KbFeedService:
    def __init__(self, assessment: AssessmentService, kb_service):
        self.assessment = assessment
        self.kb = kb_service
        self._cache: dict[int, _Year] = {}
        assessment.annual_feeds = self
        kb_service.changed.connect(lambda ids, _label: self.refresh(ids))
        self._units_of: dict[int, int] = {}  # entry id → unit id, as last seen (an undone entry is gone)

    def invalidate(self) -> None:
        self._cache.clear()

    # -- what is fed ------------------------------------------------------------------------------
    def feeds(self, year_scheme_id: int) -> tuple[feed_rules.Feed, ...]:
        sch = self.assessment.scheme(year_scheme_id)
        return tuple(f for f in feed_rules.feeds_for(sch.id, feed_rules.KB)
                     if f.period == "annual" and sch.has_input(f.key))

    DEFAULTS = {"kb_format": kb_rules.FedValue("none", ()), "kb_updated": kb_rules.FedValue(False, ()),
                "kb_late_updates": kb_rules.FedValue(0, ())}

    def _compute(self, year_scheme_id: int, old: _Year | None = None, unit_ids: set[int] | None = None) -> _Year:
        """The year's fed values; with `old` and `unit_ids`, only those units are recounted."""
        year = self.assessment.get(year_scheme_id).year
        keys = tuple(f.key for f in self.feeds(year_scheme_id))
        if not keys:
            return _Year(year, keys, False)
        with self.assessment.store.session() as s:
            repo = KbRepository(s)
            if not repo.feeds_year(year):
                return _Year(year, keys, False)
            partial = old is not None and old.active and unit_ids is not None
            facts = repo.facts(unit_ids if partial else None)
        fed = kb_rules.fed_values(facts, year, self.kb.today())
        participants = self.assessment.participants(year_scheme_id)
        values = dict(old.values) if partial else {}
        for u in participants:
            if partial and u.id not in unit_ids:
                continue
            per = fed.get(u.id, {})
            for k in keys:
                values[(u.id, k)] = per.get(k, self.DEFAULTS[k])
        return _Year(year, keys, True, values)

    def _year(self, year_scheme_id: int) -> _Year:
        y = self._cache.get(year_scheme_id)
        if y is None:
            y = self._cache[year_scheme_id] = self._compute(year_scheme_id)
        return y

    def active_keys(self, year_scheme_id: int) -> frozenset[str]:
        y = self._year(year_scheme_id)
        return frozenset(y.keys) if y.active else frozenset()

    def _cell(self, year_scheme_id: int, key: str, fv: kb_rules.FedValue) -> Cell:
        return check(self.assessment.scheme(year_scheme_id).input(key), fv.text)

    def _overrides(self, year_scheme_id: int, unit_id: int | None = None) -> set[tuple[int, str]]:
        with self.assessment.store.session() as s:
            return ValueRepository(s).annual_overrides(year_scheme_id, unit_id)

    # -- merging ----------------------------------------------------------------------------------
    def merge(self, year_scheme_id: int, typed: dict[tuple[int, str], Cell],
              unit_id: int | None = None) -> dict[tuple[int, str], Cell]:
        """Typed annual cells → the cells the engine scores (override > fed > typed)."""
        keys = self.active_keys(year_scheme_id)
        if not keys:
            return typed
        y = self._year(year_scheme_id)
        overrides = self._overrides(year_scheme_id, unit_id)
        out = {i: c for i, c in typed.items() if i[1] not in keys or i in overrides}
        for (u, k), fv in y.values.items():
            if (unit_id is None or u == unit_id) and (u, k) not in overrides:
                out[(u, k)] = self._cell(year_scheme_id, k, fv)
        return out

    def fed_items(self, year_scheme_id: int, unit_id: int) -> dict[str, AnnualFed]:
        """key → AnnualFed for one unit (for the annual tab)."""
        keys = self.active_keys(year_scheme_id)
        if not keys:
            return {}
        y = self._year(year_scheme_id)
        typed = self.assessment.annual_cells(year_scheme_id, unit_id)
        overrides = self._overrides(year_scheme_id, unit_id)
        labels = {f.key: f.label for f in self.feeds(year_scheme_id)}
        out = {}
        for k in keys:
            fv = y.values.get((unit_id, k))
            if fv is None:
                continue
            out[k] = AnnualFed(k, self._cell(year_scheme_id, k, fv), fv.entry_ids, labels[k],
                               typed.get((unit_id, k)) if (unit_id, k) in overrides else None)
        return out

    # -- typed edits over fed items (AssessmentService.set_values) --------------------------------
    def effective_change(self, year_scheme_id: int, ch: CellChange, was_override: bool) -> CellChange:
        y = self._year(year_scheme_id)
        fv = y.values.get((ch.unit_id, ch.key))
        fed = self._cell(year_scheme_id, ch.key, fv) if fv is not None else None
        old = ch.old if was_override else fed
        new = ch.new if ch.new is not None else fed
        return CellChange(ch.unit_id, None, ch.key, old, new)

    # -- register changes -------------------------------------------------------------------------
    def refresh(self, entry_ids=None) -> None:
        """Recount every cached year (only the units of `entry_ids` when given); report the scored
        cells that moved (a publication, a feedback item closed or gone late) via values_changed."""
        units = None
        if entry_ids is not None and len(entry_ids) <= 500:
            with self.assessment.store.session() as s:
                now = KbRepository(s).unit_ids_of(entry_ids)
            units = set(now.values()) | {self._units_of[i] for i in entry_ids if i in self._units_of}
            if any(i not in now and i not in self._units_of for i in entry_ids):
                units = None  # an entry we never saw is gone: its unit is unknown, recount all
            self._units_of.update(now)
        for ysid in list(self._cache):
            old = self._cache[ysid]
            if not old.keys:
                continue
            new = self._compute(ysid, old, units)
            if (old.active, old.values) == (new.active, new.values):
                continue
            typed = self.assessment.annual_cells(ysid)
            before = self.merge(ysid, typed)
            self._cache[ysid] = new
            after = self.merge(ysid, typed)
            keys = set(new.keys)
            changes = []
            for ident in sorted(i for i in set(before) | set(after) if i[1] in keys):
                b, a = before.get(ident), after.get(ident)
                if (b.text if b else None) != (a.text if a else None):
                    changes.append(CellChange(ident[0], None, ident[1], b, a))
            if changes:
                self.assessment.values_changed.emit(ysid, changes)
