"""Live rankings: one scoring engine per (year, scheme), kept current edit by edit.

Every committed value reaches the engine through the assessment service's `values_changed`
event (typed, imported or fed from a register: the same path); the engine rescores the months
it touched and says which units changed, and `LiveRanking.changed` passes those unit codes on
(the GUI updates just those rows). An engine can be built in a worker thread (`start_build`,
then `install` in the GUI thread): values committed meanwhile are applied on install.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hotline_desktop.core.domain import UnitRow
from hotline_desktop.core.scoring import ScoringResult, UnitRef
from hotline_desktop.core.scoring.scale import RATE_DECIMALS
from hotline_desktop.core.scoring.scheme import InputDef, Scheme
from hotline_desktop.core.stored_values import value_of
from hotline_desktop.db.repositories import ValueRepository
from hotline_desktop.services.assessment import AssessmentService, Cell, CellChange, check
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.events import Event

if TYPE_CHECKING:
    import numpy as np

# numpy and the engine load with the first engine built (imported where used), not with the
# main window: RankingService is created with the tabs (tests/gui/test_startup_imports.py)


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


@dataclass
class EngineColumns:
    """A (year, scheme)'s scored inputs as columns (what `ScoringEngine.from_columns` takes):
    positions index `units`; fed inputs applied (override > fed > typed)."""

    units: list[UnitRow]
    monthly: dict[str, tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]]
    annual: dict[str, tuple[np.ndarray, np.ndarray]]


def _column(inp: InputDef, nums: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Stored (num, scale) → the engine's column values (counts / booleans whole, rates and
    scores at RATE_DECIMALS)."""
    if inp.kind in ("count", "boolean"):
        return nums // 10 ** scales
    return nums * 10 ** (RATE_DECIMALS - scales)


class _Cells:
    """Cells of stored rows built without parsing (the exact value is stored beside the text);
    memoised: the same texts repeat across units and months."""

    def __init__(self, sch: Scheme):
        self.sch = sch
        self.memo: dict[tuple, Cell | None] = {}

    def __call__(self, key: str, text: str, valid: bool, num, scale) -> Cell | None:
        ident = (key, text, valid, num, scale)
        cell = self.memo.get(ident, False)
        if cell is False:
            if not self.sch.has_input(key):
                cell = Cell(text, None, f"方案中没有该项：{key}")
            else:
                inp = self.sch.input(key)
                if valid and num is not None:
                    cell = Cell(text, value_of(inp, num, scale), None)
                else:  # stored invalid, or kept as text only (a choice): the one parser
                    cell = check(inp, text)
            self.memo[ident] = cell
        return cell


def _value_column(sch: Scheme, key: str, cells: dict) -> tuple[np.ndarray, np.ndarray]:
    """(positions, column values) of {position: Cell}, valid cells only."""
    import numpy as np

    from hotline_desktop.core.scoring.engine import column_value

    inp = sch.input(key)
    pos = [p for p, c in cells.items() if c is not None and c.valid]
    vals = []
    for p in pos:
        v = column_value(inp, cells[p].value)
        if isinstance(v, str):
            raise ServiceError(v)
        vals.append(v)
    return np.array(pos, np.int64), np.array(vals, np.int64)


def _ints(packed: str) -> np.ndarray:
    import numpy as np

    return np.fromstring(packed, np.int64, sep=",") if packed else np.zeros(0, np.int64)


def _unpack(repo: ValueRepository, table: str, ysid: int, key: str, month: str | None, row: tuple,
            where: _Positions):
    """One packed group (see ValueRepository.monthly_load) → unit ids, which of them take part,
    their positions, nums, scales."""
    import numpy as np

    units, nums, low, high = row
    if low != high:
        rows = repo.exact_of(table, ysid, key, month)
        a = np.array(rows, np.int64).reshape(-1, 3)
        return (a[:, 0], *where.place(a[:, 0]), a[:, 1], a[:, 2])
    uids, keep, kept = where.unit_list(units)
    nums = _ints(nums)
    if len(uids) != len(nums):
        raise ServiceError("读取数据库中的考核数据出错（数值列不完整）")
    return uids, keep, kept, nums, np.full(len(uids), low, np.int64)


class _Positions:
    """Unit ids → positions in the participants list (-1: not taking part), vectorised."""

    def __init__(self, units: list[UnitRow]):
        import numpy as np

        self.of = {u.id: i for i, u in enumerate(units)}
        self.lut = np.full(max(self.of, default=0) + 1, -1, np.int64)
        self.lut[list(self.of)] = list(self.of.values())
        self._lists: dict[str, tuple] = {}

    def place(self, uids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of `uids` take part, their positions)."""
        import numpy as np

        inside = uids < len(self.lut)
        pos = np.where(inside, self.lut[np.where(inside, uids, 0)], -1)
        keep = pos >= 0
        return keep, pos[keep]

    def unit_list(self, packed: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(unit ids, which take part, their positions) of a packed unit list, read-only: most
        groups list the same units, so each distinct list is parsed and placed once."""
        hit = self._lists.get(packed)
        if hit is None:
            uids = _ints(packed)
            hit = self._lists[packed] = (uids, *self.place(uids))
            for a in hit:
                a.setflags(write=False)
        return hit


def _add(cols: dict, key: str, pos: np.ndarray, vals: np.ndarray) -> None:
    import numpy as np

    if key in cols:
        pos, vals = np.concatenate([cols[key][0], pos]), np.concatenate([cols[key][1], vals])
    cols[key] = (pos, vals)


def _monthly_columns(assessment: AssessmentService, ysid: int, sch: Scheme, where: _Positions, cell_of):
    import numpy as np

    feeds = assessment.feeds
    fed_keys = feeds.active_keys(ysid) if feeds is not None else frozenset()
    present: dict[str, list[np.ndarray]] = {}
    monthly: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    records: dict[tuple[int, str], str] = {}  # unit-months holding a figure not fed: (uid, month) → a key
    with assessment.store.session() as s:
        repo = ValueRepository(s)
        packed, rest = repo.monthly_load(ysid, fed_keys)
        groups = [(key, month, _unpack(repo, "monthly_values", ysid, key, month, row, where))
                  for key, month, *row in packed]
    for key, month, (uids, keep, kept, nums, scales) in groups:
        present.setdefault(month, []).append(kept)
        if fed_keys:
            records.update(dict.fromkeys(((u, month) for u in uids.tolist()), key))
        if sch.has_input(key):
            _add(monthly.setdefault(month, {}), key, kept, _column(sch.input(key), nums[keep], scales[keep]))
    fed_typed: dict[tuple[int, str, str], Cell] = {}
    texts: dict[tuple[str, str], dict[int, Cell]] = {}  # valid text-only values (a choice)
    for key, month, uid, value, valid, num, scale in rest:
        cell = cell_of(key, value, valid, num, scale)
        if cell is None:
            continue
        if key in fed_keys:
            fed_typed[(uid, month, key)] = cell
            continue
        records.setdefault((uid, month), key)
        p = where.of.get(uid)
        if p is not None:
            present.setdefault(month, []).append(np.array([p], np.int64))
            if cell.valid:
                texts.setdefault((month, key), {})[p] = cell
    for (month, key), cells in texts.items():
        _add(monthly.setdefault(month, {}), key, *_value_column(sch, key, cells))
    if fed_keys:  # the feeds over the fed inputs' typed cells and one cell per record (all they read)
        typed = dict(fed_typed)
        for (uid, month), key in records.items():
            typed[(uid, month, key)] = _RECORD
        by_cell: dict[tuple[str, str], dict[int, Cell]] = {}
        for (uid, month, key), cell in feeds.merge(ysid, typed).items():
            p = where.of.get(uid)
            if key in fed_keys and p is not None:
                by_cell.setdefault((month, key), {})[p] = cell
        for (month, key), cells in by_cell.items():
            present.setdefault(month, []).append(np.array(list(cells), np.int64))
            monthly.setdefault(month, {})[key] = _value_column(sch, key, cells)
    return {m: (np.unique(np.concatenate(present[m])), monthly.get(m, {})) for m in present}


_RECORD = Cell("", None, "")  # stands for a unit-month's figures that no feed replaces


def _annual_columns(assessment: AssessmentService, ysid: int, sch: Scheme, where: _Positions, cell_of):
    feeds = assessment.annual_feeds
    fed_keys = feeds.active_keys(ysid) if feeds is not None else frozenset()
    with assessment.store.session() as s:
        repo = ValueRepository(s)
        packed, rest = repo.annual_load(ysid, fed_keys)
        groups = [(key, _unpack(repo, "annual_values", ysid, key, None, row, where)) for key, *row in packed]
    annual: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, (_uids, keep, kept, nums, scales) in groups:
        if sch.has_input(key):
            _add(annual, key, kept, _column(sch.input(key), nums[keep], scales[keep]))
    fed_typed: dict[tuple[int, str], Cell] = {}
    texts: dict[str, dict[int, Cell]] = {}
    for key, uid, value, valid, num, scale in rest:
        cell = cell_of(key, value, valid, num, scale) if sch.has_input(key) else None
        if cell is None:
            continue
        if key in fed_keys:
            fed_typed[(uid, key)] = cell
        elif cell.valid and (p := where.of.get(uid)) is not None:
            texts.setdefault(key, {})[p] = cell
    if fed_keys:
        for (uid, key), cell in feeds.merge(ysid, fed_typed).items():
            if (p := where.of.get(uid)) is not None:
                texts.setdefault(key, {})[p] = cell
    for key, cells in texts.items():
        _add(annual, key, *_value_column(sch, key, cells))
    return annual


def engine_columns(assessment: AssessmentService, year_scheme_id: int) -> EngineColumns:
    """What the live engine scores, loaded as columns: the stored exact values taken as they
    are (one grouped query per table, no parsing), then the feeds applied to the fed inputs'
    columns (override > fed (orders > notices) > typed, services.feeds). The same inputs as
    `engine_inputs` (a test holds the two equal)."""
    sch = assessment.scheme(year_scheme_id)
    units = assessment.participants(year_scheme_id)
    where = _Positions(units)
    cell_of = _Cells(sch)
    return EngineColumns(units, _monthly_columns(assessment, year_scheme_id, sch, where, cell_of),
                         _annual_columns(assessment, year_scheme_id, sch, where, cell_of))


class UnitChanges(frozenset):
    """What `LiveRanking.changed` emits: the codes of the units whose figures or places changed,
    and ``rank_only``, those of them whose ranks alone moved (the 排名 model re-ranks these from
    the result's columns instead of building their results). The set travels with its rank
    moves, so a listener never pairs one edit's codes with another edit's moves."""

    __slots__ = ("rank_only",)

    def __new__(cls, codes=(), rank_only: frozenset[str] = frozenset()):
        self = super().__new__(cls, codes)
        self.rank_only = frozenset(rank_only) & self
        return self

    def __reduce__(self):
        return (UnitChanges, (frozenset(self), self.rank_only))


class LiveRanking:
    def __init__(self, assessment: AssessmentService, year_scheme_id: int):
        self.assessment = assessment
        self.year_scheme_id = year_scheme_id
        self.row = assessment.get(year_scheme_id)
        self.scheme: Scheme = assessment.scheme(year_scheme_id)
        self.changed = Event()  # emits (UnitChanges: the unit codes whose figures or places changed)
        self._load()

    def _load(self) -> None:
        from hotline_desktop.core.scoring import ScoringEngine

        cols = engine_columns(self.assessment, self.year_scheme_id)
        units = cols.units
        self.code_of = {u.id: u.code for u in units}
        self.id_of = {u.code: u.id for u in units}
        self.unit_rows = {u.code: u for u in units}
        self.engine = ScoringEngine.from_columns(
            self.scheme,
            [UnitRef(u.code, u.name, u.kind.value) for u in units],
            None,
            monthly=cols.monthly,
            annual=cols.annual,
            year=self.row.year,
        )

    def result(self) -> ScoringResult:
        return self.engine.result()

    def apply(self, changes: list[CellChange]) -> UnitChanges:
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
        codes = UnitChanges(self.engine.set_many(monthly=edits, annual=annual), self.engine.rank_moves())
        if codes:
            self.changed.emit(codes)
        return codes

    def reload(self) -> UnitChanges:
        """Rebuild from the store (units added, renamed or deactivated)."""
        self.scheme = self.assessment.scheme(self.year_scheme_id)
        self._load()
        codes = UnitChanges(self.engine.result().units)
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
