"""CalendarService: the office's working-day calendar over the database.

Other registers whose stored dates were computed from the calendar (督办通知 due dates, …)
register as dependents. A calendar edit never moves their dates silently: `preview_change`
lists what the edit would move, and `change(..., apply_to=items)` applies the edit together
with exactly the items the operator chose, in one transaction; the rest are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from hotline_desktop.core.calendar_file import (
    ParsedCalendar,
    parse_calendar_file,
    special_days,
    write_calendar_file,
)
from hotline_desktop.core.dates import FIRST_YEAR, LAST_YEAR, date_text, in_app_years
from hotline_desktop.core.excel_units import ImportProblem
from hotline_desktop.core.workdays import (
    DAY_KIND_LABELS,
    DAY_NAME_MAX,
    DayInfo,
    DayKind,
    OfficeDay,
    WorkCalendar,
    clean_day_name,
    parse_day_kind,
)
from hotline_desktop.db.concurrency import conflict
from hotline_desktop.db.repositories import AuditRepository, CalendarRepository, calendar_row_id
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.events import Event

Changes = Mapping[date, OfficeDay | None]  # a day set to OfficeDay, or cleared (None)


@dataclass(frozen=True)
class AffectedItem:
    """A stored date that a calendar edit would move (e.g. a notice's due date)."""

    dependent: str  # the registered dependent's name, e.g. "notices"
    key: int | str  # the dependent's id for the item
    label: str  # shown to the operator, e.g. "督（2026）3号 区城管局"
    old_due: date
    new_due: date
    detail: str = ""

    def reversed(self) -> AffectedItem:
        return replace(self, old_due=self.new_due, new_due=self.old_due)


PreviewFn = Callable[[WorkCalendar, WorkCalendar], list[AffectedItem]]  # (current, proposed)
ApplyFn = Callable[[Session, list[AffectedItem]], None]  # in the calendar edit's transaction
AfterFn = Callable[[list[AffectedItem]], None]  # after that transaction committed (emit events)
ChooseFn = Callable[[list[AffectedItem]], "list[AffectedItem] | None"]  # the operator picks those to move


@dataclass(frozen=True)
class Dependent:
    name: str
    preview: PreviewFn
    apply: ApplyFn
    after_commit: AfterFn | None = None


@dataclass(frozen=True)
class CalendarEdit:
    """What one edit did: enough to undo and redo it exactly."""

    before: dict[date, OfficeDay | None]
    after: dict[date, OfficeDay | None]
    applied: tuple[AffectedItem, ...] = ()

    @property
    def days(self) -> list[date]:
        return sorted(self.after)

    def inverse(self) -> tuple[dict[date, OfficeDay | None], list[AffectedItem]]:
        return dict(self.before), [i.reversed() for i in self.applied]


@dataclass
class CalendarImportPlan:
    source: Path
    parsed: ParsedCalendar
    changes: dict[date, OfficeDay | None] = field(default_factory=dict)
    replaced: int = 0  # office days of the file's years that the file no longer lists

    @property
    def problems(self) -> list[ImportProblem]:
        return self.parsed.problems

    @property
    def ok(self) -> bool:
        return not self.parsed.problems

    @property
    def years(self) -> list[int]:
        return self.parsed.years

    def summary(self) -> str:
        days = list(self.parsed.days.values())
        hol = sum(1 for d in days if d.kind is DayKind.HOLIDAY)
        work = len(days) - hol
        years = "、".join(str(y) for y in self.years) or "—"
        s = f"共 {self.parsed.total_rows} 行：{years} 年，节假日 {hol} 天，调休上班 {work} 天"
        if self.replaced:
            s += f"；将取代这些年份已录入而文件中没有的 {self.replaced} 天"
        if self.problems:
            s += f"；有问题的行 {len({p.row for p in self.problems})}"
        return s


def _clean_name(name: str) -> str:
    try:
        return clean_day_name(name)
    except ValueError as e:
        raise ServiceError(str(e)) from None


def _office_day(row) -> OfficeDay:
    return OfficeDay(row.day, DayKind(row.kind), row.name)


def _write_days(s, changes: Changes, expected: Changes | None) -> tuple[dict, dict]:
    """Store the changed days in session s; (before, after) of the days that really change.
    A day another seat changed since `expected` refuses the whole edit (ConflictError)."""
    repo = CalendarRepository(s)
    before: dict[date, OfficeDay | None] = {}
    after: dict[date, OfficeDay | None] = {}
    for d, od in sorted(changes.items()):
        row = repo.get(d)
        old = _office_day(row) if row is not None else None
        if expected is not None and d in expected and old != expected[d] and old != od:
            raise conflict(s, CalendarRepository.TABLE, calendar_row_id(d), what=f"工作日历 {date_text(d)}",
                           current=f"{DAY_KIND_LABELS[old.kind]}{'（' + old.name + '）' if old.name else ''}"
                           if old is not None else "按国家日历")
        if old == od:
            continue
        before[d], after[d] = old, od
        if od is None:
            repo.remove(d)
        else:
            repo.put(d, od.kind.value, od.name)
    return before, after


def _record_kept(s, kept: list[AffectedItem], after: Changes) -> None:
    """Audit the previewed items the operator chose to leave as they are."""
    audit = AuditRepository(s)
    for i in kept:
        audit.record(CalendarRepository.TABLE, calendar_row_id(min(after)), "keep", {
            "affected": (f"{i.label} {i.old_due.isoformat()}",
                         f"保持 {i.old_due.isoformat()}（按新日历为 {i.new_due.isoformat()}）"),
        })


class CalendarService:
    def __init__(self, store: Store):
        self.store = store
        self.changed = Event()  # emits (list of dates whose classification may have changed)
        self._dependents: dict[str, Dependent] = {}
        self._loaders: list[Callable[[], object]] = []
        self._cache: WorkCalendar | None = None

    # -- dependents ----------------------------------------------------------------------------
    def register_dependent(self, name: str, preview_fn: PreviewFn, apply_fn: ApplyFn,
                           after_commit: AfterFn | None = None) -> None:
        """A register whose stored dates come from the calendar. Re-registering a name replaces it.

        preview_fn(current, proposed) lists the items whose stored date the proposed calendar
        would move; apply_fn(session, items) moves exactly those items from old_due to new_due
        (audited) inside the calendar edit's transaction (raise ServiceError to refuse the whole
        edit); after_commit(items) runs once the edit is committed.
        """
        self._dependents[name] = Dependent(name, preview_fn, apply_fn, after_commit)

    def unregister_dependent(self, name: str) -> None:
        self._dependents.pop(name, None)

    def dependent_names(self) -> list[str]:
        self._load_dependents()
        return sorted(self._dependents)

    def add_dependent_loader(self, fn: Callable[[], object]) -> None:
        """`fn()` creates a service that registers itself; run once before the first preview/edit."""
        self._loaders.append(fn)

    def _load_dependents(self) -> None:
        loaders, self._loaders = self._loaders, []
        for fn in loaders:
            fn()

    # -- queries -------------------------------------------------------------------------------
    def calendar(self) -> WorkCalendar:
        if self._cache is None:
            with self.store.session() as s:
                days = [_office_day(r) for r in CalendarRepository(s).all()]
            self._cache = WorkCalendar(days)
        return self._cache

    def office_days(self, year: int | None = None) -> list[OfficeDay]:
        days = self.calendar().office_days
        return [d for d in days if year is None or d.day.year == year]

    def year_days(self, year: int) -> list[DayInfo]:
        return self.calendar().year_days(year)

    def proposed(self, changes: Changes) -> WorkCalendar:
        return self.calendar().with_days(dict(changes))

    def preview_change(self, changes: Changes) -> list[AffectedItem]:
        """Every dependent item whose stored date the change would move; nothing is written."""
        self._load_dependents()
        current, proposed = self.calendar(), self.proposed(changes)
        items: list[AffectedItem] = []
        for dep in self._dependents.values():
            items.extend(dep.preview(current, proposed))
        return items

    # -- edits (each one transaction, audited) -------------------------------------------------
    def set_day(self, day: date, kind: DayKind | str, name: str = "", *,
                apply_to: Iterable[AffectedItem] = ()) -> CalendarEdit:
        k = kind if isinstance(kind, DayKind) else parse_day_kind(str(kind))
        if k is None:
            labels = "或".join(f"“{v}”" for v in DAY_KIND_LABELS.values())
            raise ServiceError(f"{day.isoformat()} 的类型应为{labels}")
        return self.change({day: OfficeDay(day, k, _clean_name(name))}, apply_to=apply_to)

    def clear_day(self, day: date, *, apply_to: Iterable[AffectedItem] = ()) -> CalendarEdit:
        return self.change({day: None}, apply_to=apply_to)

    def change(self, changes: Changes, *, apply_to: Iterable[AffectedItem] = (),
               left: Iterable[AffectedItem] = (), expected: Changes | None = None) -> CalendarEdit:
        """Set/clear office days and move the chosen dependent items, all or nothing.

        `left` are the previewed items the operator chose to keep as they are; the decision is
        written to the audit log with the edit. `expected`: the days as this seat last saw them
        (undo/redo: what the other step left; otherwise the calendar this seat read, when it has);
        a day another seat changed since refuses the whole edit (ConflictError).
        """
        if expected is None and self._cache is not None:
            seen = {od.day: od for od in self._cache.office_days}
            expected = {d: seen.get(d) for d in changes}
        self._load_dependents()
        items = list(apply_to)
        kept = list(left)
        self._check_change(changes, items)
        by_dep: dict[str, list[AffectedItem]] = {}
        for i in items:
            by_dep.setdefault(i.dependent, []).append(i)
        with self.store.session() as s:
            before, after = _write_days(s, changes, expected)
            for name, dep_items in by_dep.items():
                self._dependents[name].apply(s, dep_items)
            if after:
                _record_kept(s, kept, after)
        self._cache = None
        edit = CalendarEdit(before, after, tuple(items))
        for name, dep_items in by_dep.items():
            after_fn = self._dependents[name].after_commit
            if after_fn:
                after_fn(dep_items)
        if after:
            self.changed.emit(edit.days)
        return edit

    def _check_change(self, changes: Changes, items: list[AffectedItem]) -> None:
        """ServiceError for an item of an unknown register or a malformed day, before anything is written."""
        unknown = sorted({i.dependent for i in items} - set(self._dependents))
        if unknown:
            raise ServiceError("无法改动受影响的事项：未知的登记簿 " + "、".join(unknown))
        for d, od in changes.items():
            if od is not None:  # (clearing a day outside the years, stored before this check, is fine)
                if not in_app_years(d):
                    raise ServiceError(f"日期 {d.isoformat()} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间，不能录入工作日历")
                if od.day != d:
                    raise ServiceError(f"日期不一致：{d.isoformat()} / {od.day.isoformat()}")
                if len(od.name) > DAY_NAME_MAX:
                    raise ServiceError(f"{d.isoformat()} 的名称不能超过 {DAY_NAME_MAX} 个字")

    def undo(self, edit: CalendarEdit, choose: ChooseFn | None = None) -> CalendarEdit:
        """Put the days and the moved items back exactly as they were before `edit`. Other stored
        dates the undo would move (a notice issued since, counted with the edited days) are listed
        to `choose`, which returns those to move too; the rest keep their date (audited)."""
        changes, items = edit.inverse()
        return self._step(changes, items, edit.after, choose)

    def redo(self, edit: CalendarEdit, choose: ChooseFn | None = None) -> CalendarEdit:
        return self._step(dict(edit.after), list(edit.applied), edit.before, choose)

    def _step(self, changes: Changes, items: list[AffectedItem], expected: Changes,
              choose: ChooseFn | None) -> CalendarEdit:
        moved = {(i.dependent, i.key) for i in items}
        extra = [i for i in self.preview_change(changes) if (i.dependent, i.key) not in moved]
        picked = list(choose(extra) or ()) if extra and choose is not None else []
        return self.change(changes, apply_to=items + picked, left=[i for i in extra if i not in picked],
                           expected=expected)

    # -- import --------------------------------------------------------------------------------
    def plan_import(self, path: str | Path) -> CalendarImportPlan:
        """Check the whole file; the file's years are replaced by its days. Writes nothing."""
        parsed = parse_calendar_file(path)
        plan = CalendarImportPlan(Path(path), parsed)
        if not plan.ok:
            return plan
        new = {od.day: od for od in parsed.days.values()}
        existing = {od.day: od for od in self.calendar().office_days if od.day.year in set(parsed.years)}
        for d in existing:
            if d not in new:
                plan.changes[d] = None
                plan.replaced += 1
        for d, od in new.items():
            if existing.get(d) != od:
                plan.changes[d] = od
        return plan

    def apply_import(self, plan: CalendarImportPlan, *, apply_to: Iterable[AffectedItem] = ()) -> CalendarEdit:
        if not plan.ok:
            raise ServiceError(f"“{plan.source.name}”有 {len(plan.problems)} 处问题，未导入任何日期")
        return self.change(plan.changes, apply_to=apply_to)

    def export_year(self, year: int, path: str | Path) -> tuple[Path, int]:
        """The year's 节假日 / 调休上班 (office or library) as a file `plan_import` reads back."""
        days = special_days(self.calendar(), year)
        return write_calendar_file(path, days), len(days)

    def invalidate(self) -> None:
        self._cache = None
