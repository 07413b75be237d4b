"""Live rankings: one scoring engine per (year, scheme), kept current edit by edit.

Every committed value reaches the engine through the assessment service's `values_changed`
event (typed, imported or fed from a register: the same path); the engine rescores the months
it touched and says which units changed, and `LiveRanking.changed` passes those unit codes on
(the GUI updates just those rows). An engine can be built in a worker thread (`start_build`,
then `install` in the GUI thread): values committed meanwhile are applied on install.
"""

from __future__ import annotations

from collections.abc import Callable

from hotline_desktop.core.scoring import ScoringEngine, ScoringResult, UnitRef
from hotline_desktop.core.scoring.scheme import Scheme
from hotline_desktop.services.assessment import AssessmentService, CellChange
from hotline_desktop.services.events import Event


def engine_inputs(assessment: AssessmentService, year_scheme_id: int):
    """What the engine scores for a (year, scheme): participants, monthly records by (code, month)
    and annual values by code — valid cells only, fed inputs applied (override > fed > typed).
    `export case` writes exactly this."""
    units = assessment.participants(year_scheme_id)
    code_of = {u.id: u.code for u in units}
    monthly: dict[tuple[str, str], dict[str, object]] = {}
    for (uid, month, key), cell in assessment.scored_monthly_cells(year_scheme_id).items():
        code = code_of.get(uid)
        if code is None:
            continue
        rec = monthly.setdefault((code, month), {})
        if cell.valid:
            rec[key] = cell.value
    annual: dict[str, dict[str, object]] = {}
    for (uid, key), cell in assessment.scored_annual_cells(year_scheme_id).items():
        code = code_of.get(uid)
        if code is not None and cell.valid:
            annual.setdefault(code, {})[key] = cell.value
    return units, monthly, annual


class LiveRanking:
    def __init__(self, assessment: AssessmentService, year_scheme_id: int):
        self.assessment = assessment
        self.year_scheme_id = year_scheme_id
        self.row = assessment.get(year_scheme_id)
        self.scheme: Scheme = assessment.scheme(year_scheme_id)
        self.changed = Event()  # emits (frozenset of unit codes whose figures changed)
        self._load()

    def _load(self) -> None:
        units, monthly, annual = engine_inputs(self.assessment, self.year_scheme_id)
        self.code_of = {u.id: u.code for u in units}
        self.id_of = {u.code: u.id for u in units}
        self.unit_rows = {u.code: u for u in units}
        self.engine = ScoringEngine(
            self.scheme,
            [UnitRef(u.code, u.name, u.kind.value) for u in units],
            None,
            monthly,
            annual,
            year=self.row.year,
        )

    def result(self) -> ScoringResult:
        return self.engine.result()

    def apply(self, changes: list[CellChange]) -> frozenset[str]:
        """Feed committed changes to the engine; returns (and emits) the changed unit codes."""
        monthly: dict[tuple[str, str], dict[str, object]] = {}
        annual: dict[str, dict[str, object]] = {}
        removed: set[tuple[str, str]] = set()
        unknown = False
        for ch in changes:
            code = self.code_of.get(ch.unit_id)
            if code is None:
                unknown = True  # a unit that did not take part yet (e.g. reactivated): reload
                continue
            value = ch.new.value if ch.new is not None and ch.new.valid else None
            if ch.month is None:
                annual.setdefault(code, {})[ch.key] = value
            else:
                monthly.setdefault((code, ch.month), {})[ch.key] = value
        if unknown:
            return self.reload()
        # A unit-month left with no value at all is no record any more (the month is missing).
        for (code, month), vals in monthly.items():
            current = self.engine.monthly_values(code, month) or {}
            merged = {**current, **vals}
            if all(v is None for v in merged.values()):
                removed.add((code, month))
        edits: dict[tuple[str, str], dict[str, object] | None] = {
            k: (None if k in removed else v) for k, v in monthly.items()
        }
        codes = self.engine.set_many(monthly=edits, annual=annual)
        if codes:
            self.changed.emit(codes)
        return codes

    def reload(self) -> frozenset[str]:
        """Rebuild from the store (units added, renamed or deactivated)."""
        self.scheme = self.assessment.scheme(self.year_scheme_id)
        self._load()
        codes = frozenset(self.engine.result().units)
        self.changed.emit(codes)
        return codes


class RankingService:
    """Hands out one LiveRanking per (year, scheme) and keeps each current."""

    def __init__(self, assessment: AssessmentService, units_changed: Event | None = None):
        self.assessment = assessment
        self._live: dict[int, LiveRanking] = {}
        # builds under way: the changes committed since they started (None: reload on install)
        self._pending: dict[int, list | None] = {}
        self._generation = 0  # bumped by invalidate(): a build started before is dropped
        assessment.values_changed.connect(self._on_values)
        if units_changed is not None:
            units_changed.connect(self._on_units)

    def live(self, year_scheme_id: int) -> LiveRanking:
        lr = self._live.get(year_scheme_id)
        if lr is None:
            lr = LiveRanking(self.assessment, year_scheme_id)
            self._live[year_scheme_id] = lr
        return lr

    def cached(self, year_scheme_id: int) -> LiveRanking | None:
        """The live ranking if it is built already."""
        return self._live.get(year_scheme_id)

    def start_build(self, year_scheme_id: int) -> Callable[[], tuple[int, LiveRanking]]:
        """Begin collecting the changes committed from now on; returns the build to run in a
        worker thread, whose result goes to :meth:`install` (in the thread that commits)."""
        if year_scheme_id not in self._pending:
            self._pending[year_scheme_id] = []
        generation = self._generation
        return lambda: (generation, LiveRanking(self.assessment, year_scheme_id))

    def install(self, built: tuple[int, LiveRanking]) -> LiveRanking | None:
        """Take a background build: apply what was committed while it ran and keep it (unless
        one is there already, or the store was replaced meanwhile: then ``None``)."""
        generation, lr = built
        pending = self._pending.pop(lr.year_scheme_id, [])
        if generation != self._generation:
            return None
        current = self._live.get(lr.year_scheme_id)
        if current is not None:
            return current
        if pending is None:
            lr.reload()
        else:
            for changes in pending:
                lr.apply(changes)
        self._live[lr.year_scheme_id] = lr
        return lr

    def result(self, year_scheme_id: int) -> ScoringResult:
        return self.live(year_scheme_id).result()

    def _on_values(self, year_scheme_id: int, changes: list[CellChange]) -> None:
        pending = self._pending.get(year_scheme_id)
        if pending is not None:
            pending.append(changes)
        lr = self._live.get(year_scheme_id)
        if lr is not None:
            lr.apply(changes)

    def _on_units(self, _ids, _what=None) -> None:
        for key in self._pending:
            self._pending[key] = None
        for lr in self._live.values():
            lr.reload()

    def invalidate(self) -> None:
        """Drop every engine (after a restore); the next `live()` rebuilds from the store."""
        self._live.clear()
        self._pending.clear()
        self._generation += 1
