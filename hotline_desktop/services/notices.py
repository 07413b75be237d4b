"""督办通知 register: issue, edit, complete, extend, void; status as of a day; printed forms, export.

Every change is one transaction, audited old → new, and announced on `changed` with the rows
before and after (None for "did not exist"), which is also what undo needs: `restore(old)` puts a
snapshot back, `restore` of None after an issue is `unissue` (the number stays taken).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from hotline_desktop.core import notices as rules
from hotline_desktop.core.dates import LAST_DATE
from hotline_desktop.core.notices import (
    Channel,
    Escalation,
    EscalationStep,
    ExtensionState,
    Level,
    NoticeRow,
    NoticeStatus,
)
from hotline_desktop.core.text import TextProblem, clean_text
from hotline_desktop.core.workdays import WorkCalendar, years_note
from hotline_desktop.db.concurrency import conflict, last_field
from hotline_desktop.db.notices import NoticeRepository, orders_text
from hotline_desktop.db.repositories import UnitRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.events import Event

DEFAULT_PREFIX = "督"
DEFAULT_OFFICE = "区政府热线办"
DEFAULT_ESCALATION = 3
MAX_DAYS = 365


@dataclass(frozen=True)
class NoticeDraft:
    """What the operator fills in to issue a notice (the number is given on issue)."""

    unit_id: int
    channel: Channel
    level: Level
    issued: date
    days: int
    calendar_days: bool = False
    content: str = ""
    orders: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class NoticeChange:
    old: NoticeRow | None
    new: NoticeRow | None
    remote: bool = False  # committed by another seat: `old` is not known here (services/live.py)


@dataclass(frozen=True)
class DueMove:
    """A notice whose stored due date a calendar edit would move."""

    notice: NoticeRow
    old_due: date
    new_due: date


@dataclass(frozen=True)
class NoticeView:
    """A row with its status and escalation step as of a day (what the register shows)."""

    row: NoticeRow
    status: NoticeStatus
    step: EscalationStep
    assumed: tuple[int, ...] = ()  # the assumed years its computed dates were counted in

    @property
    def note(self) -> str | None:
        """The assumed-year note for its computed dates."""
        return years_note(self.assumed)

    @property
    def escalation(self) -> Escalation:
        return self.step.step


@dataclass
class NoticeFilter:
    year: int | None = None
    status: NoticeStatus | None = None
    unit_id: int | None = None
    channel: Channel | None = None
    level: Level | None = None
    month: str | None = None  # YYYY-MM of issue
    search: str = ""
    statuses: set[NoticeStatus] = field(default_factory=set)

    def accepts(self, v: NoticeView, text: str | None = None) -> bool:
        """Whether the register shows `v` under this filter (the CLI's list and the GUI's register).
        `text` is `v.row.search_text()` when the caller keeps it."""
        r = v.row
        if self.year is not None and r.issued.year != self.year:
            return False
        if self.status is not None and v.status is not self.status:
            return False
        if self.statuses and v.status not in self.statuses:
            return False
        if self.unit_id is not None and r.unit_id != self.unit_id:
            return False
        if self.channel is not None and r.channel is not self.channel:
            return False
        if self.level is not None and r.level is not self.level:
            return False
        if self.month and f"{r.issued.year:04d}-{r.issued.month:02d}" != self.month:
            return False
        needle = rules.search_fold(self.search.strip())
        return not needle or needle in (r.search_text() if text is None else text)


EDITABLE = ("unit_id", "channel", "level", "issued", "days", "calendar_days", "content", "orders", "result",
            "completed", "notes")


def _clean(value: str, what: str = "文字", multiline: bool = True) -> str:
    try:
        return clean_text(value or "", multiline=multiline)
    except TextProblem as e:
        raise ServiceError(f"{what}{e.reason}") from None


def _orders(orders) -> tuple[str, ...]:
    """Work-order numbers from a typed text ("A1, A2；A3") or a list; cleaned, without repeats."""
    if isinstance(orders, str):
        orders = rules.split_orders(orders)
    out = rules.split_orders("\n".join(_clean(o, "关联工单", multiline=False) for o in orders))
    problem = rules.orders_problem(out)
    if problem:
        raise ServiceError(problem)
    return out


def _enum(kind, value):
    """Channel / Level from a member, its value or its Chinese label; ServiceError otherwise."""
    if isinstance(value, kind):
        return value
    try:
        return kind.parse(str(value))
    except ValueError as e:
        raise ServiceError(str(e)) from None


def _setting(settings: Any, name: str, default):
    if settings is None:
        return default
    v = getattr(settings, name, None)
    if callable(v):
        v = v()
    return default if v in (None, "") else v


class NoticeService:
    def __init__(self, store: Store, calendar: Any = None, settings: Any = None):
        self.store = store
        self.calendar_service = calendar  # services.calendar.CalendarService (E1): .calendar() -> WorkCalendar
        self.settings = settings  # services.settings.SettingsService (E1)
        self.changed = Event()  # emits (list[NoticeChange])
        self._today: date | None = None  # tests and --as-of pin "today"
        self._pending_moves: list[NoticeRow] = []
        self._register_with_calendar()

    # -- context -------------------------------------------------------------------------------
    def calendar(self) -> WorkCalendar:
        if self.calendar_service is not None:
            return self.calendar_service.calendar()
        return WorkCalendar()

    def today(self) -> date:
        return self._today or date.today()

    def set_today(self, d: date | None) -> None:
        self._today = d

    def prefix(self) -> str:
        return str(_setting(self.settings, "notice_prefix", DEFAULT_PREFIX))

    def office_name(self) -> str:
        return str(_setting(self.settings, "office_name", DEFAULT_OFFICE))

    def escalation_workdays(self) -> int:
        return int(_setting(self.settings, "escalation_workdays", DEFAULT_ESCALATION))

    # -- reading -------------------------------------------------------------------------------
    def rows(self, year: int | None = None) -> list[NoticeRow]:
        with self.store.session() as s:
            return NoticeRepository(s).rows(year=year)

    def rows_touching(self, year: int) -> list[NoticeRow]:
        """Notices issued or due in `year` (what the year's feeds count)."""
        with self.store.session() as s:
            return NoticeRepository(s).rows(touching_year=year)

    def get(self, notice_id: int) -> NoticeRow:
        with self.store.session() as s:
            row = NoticeRepository(s).row(notice_id)
        if row is None:
            raise ServiceError(f"督办通知（ID {notice_id}）不存在")
        return row

    def by_number(self, number: str) -> NoticeRow:
        """Find by its number; "督（2026）3号", "督(2026)3" and a changed prefix all work."""
        t = (number or "").strip()
        with self.store.session() as s:
            repo = NoticeRepository(s)
            nid = repo.id_by_number(t)
            if nid is None:
                try:
                    _p, year, seq = rules.parse_number(t)
                except ValueError as e:
                    raise ServiceError(str(e)) from None
                nid = repo.id_by_year_seq(year, seq)
            row = repo.row(nid) if nid is not None else None
        if row is None:
            raise ServiceError(f"找不到督办通知：{t}")
        return row

    def years(self) -> list[int]:
        with self.store.session() as s:
            return NoticeRepository(s).years()

    def view(self, row: NoticeRow, as_of: date | None = None, cal: WorkCalendar | None = None) -> NoticeView:
        cal = cal or self.calendar()
        today = as_of or self.today()
        assumed = () if row.calendar_days else tuple(cal.span_years(row.issued, row.due))
        return NoticeView(row, rules.status(row, today, cal),
                          rules.escalation(row, today, cal, self.escalation_workdays()), assumed)

    def views(self, rows: Iterable[NoticeRow] | None = None, as_of: date | None = None) -> list[NoticeView]:
        cal = self.calendar()
        rows = self.rows() if rows is None else rows
        return [self.view(r, as_of, cal) for r in rows]

    def list(self, flt: NoticeFilter | None = None, as_of: date | None = None) -> list[NoticeView]:
        flt = flt or NoticeFilter()
        return [v for v in self.views(self.rows(flt.year), as_of) if flt.accepts(v)]

    def overdue_count(self, as_of: date | None = None) -> int:
        return sum(1 for v in self.views(as_of=as_of) if v.status is NoticeStatus.OVERDUE)

    def preview_due(self, issued: date, days: int, calendar_days: bool = False) -> tuple[date, str | None]:
        """The due date a deadline gives, and the assumed-year note to show beside it."""
        cal = self.calendar()
        try:
            due = rules.compute_due(cal, issued, int(days), calendar_days)
        except ValueError as e:
            raise ServiceError(str(e)) from None
        return due, (None if calendar_days else cal.span_note(issued, due))

    # -- writing -------------------------------------------------------------------------------
    @staticmethod
    def _check_deadline(issued: date, days: Any) -> None:
        """Checked before any date is counted (a huge N would count for ever)."""
        if not isinstance(issued, date) or not 2000 <= issued.year <= 2100:
            raise ServiceError(f"下达日期无效：{issued}")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise ServiceError(f"督办时限应为 1–{MAX_DAYS} 的整数天数，而不是“{days}”")

    def issue(self, draft: NoticeDraft) -> NoticeRow:
        """Give the next number of the issue year and store the notice with its computed due date."""
        draft = replace(draft, content=_clean(draft.content, "督办内容"), notes=_clean(draft.notes, "备注"),
                        orders=_orders(draft.orders))
        if not draft.content:  # also one of nothing but control characters, removed by the cleaning
            raise ServiceError("请填写督办内容")
        self._check_deadline(draft.issued, draft.days)
        channel, level = _enum(Channel, draft.channel), _enum(Level, draft.level)
        due, _note = self.preview_due(draft.issued, draft.days, draft.calendar_days)
        prefix = self.prefix()
        with self.store.session() as s:
            unit = UnitRepository(s).get(draft.unit_id)
            if unit is None:
                raise ServiceError(f"承办单位（ID {draft.unit_id}）不存在")
            repo = NoticeRepository(s)
            year = draft.issued.year
            seq = repo.next_seq(year)
            fields = dict(
                number=rules.format_number(prefix, year, seq), year=year, seq=seq, unit_id=draft.unit_id,
                channel=channel.value, level=level.value, issued=draft.issued,
                days=draft.days, calendar_days=draft.calendar_days, due=due, original_due=due,
                content=draft.content, orders=orders_text(draft.orders), result="", completed=None,
                voided=False, void_reason="", notes=draft.notes,
            )
            nid = repo.insert(fields)
            row = NoticeRow(nid, fields["number"], year, seq, draft.unit_id, unit.code, unit.name,
                            channel, level, draft.issued, draft.days,
                            draft.calendar_days, due, due, draft.content, draft.orders, "", None, False, "",
                            draft.notes, version=1)  # a new row starts at version 1 (0009)
        self.changed.emit([NoticeChange(None, row)])
        return row

    def update(self, notice_id: int, expected_version: int | None = None, **fields: Any) -> NoticeRow:
        """Edit fields (see EDITABLE). A changed issue date or deadline recomputes the due date,
        unless an approved extension already moved it. `expected_version`: the notice's version the
        seat read; refused (ConflictError) when another seat changed it since."""
        bad = set(fields) - set(EDITABLE)
        if bad:
            raise ServiceError(f"不能修改这些字段：{'、'.join(sorted(bad))}")
        old = self.get(notice_id)
        if old.voided:
            raise ServiceError(f"{old.number} 已作废，不能修改")
        new_vals: dict[str, Any] = {}
        for k, v in fields.items():
            if k in ("content", "result", "notes"):
                v = _clean(v or "")
                if k == "content" and not v:
                    raise ServiceError(f"请填写督办内容（{old.number}）")
            elif k == "orders":
                v = orders_text(_orders(v))
            elif k == "channel":
                v = _enum(Channel, v).value
            elif k == "level":
                v = _enum(Level, v).value
            new_vals[k] = v
        issued = new_vals.get("issued", old.issued)
        days = new_vals.get("days", old.days)
        cal_days = new_vals.get("calendar_days", old.calendar_days)
        if (issued, days, cal_days) != (old.issued, old.days, old.calendar_days):
            if old.extended:
                raise ServiceError(f"{old.number} 已批准延期，不能再修改下达日期或督办时限")
            self._check_deadline(issued, days)
            if issued.year != old.year:
                raise ServiceError(f"{old.number} 的下达日期不能改到其他年度（编号按下达年度编排）")
            due, _ = self.preview_due(issued, days, cal_days)
            new_vals["due"] = due
            new_vals["original_due"] = due
        completed = new_vals.get("completed", old.completed)
        if completed is not None and completed < issued:
            raise ServiceError(f"办结日期 {completed.isoformat()} 早于下达日期 {issued.isoformat()}（{old.number}）")
        with self.store.session() as s:
            repo = NoticeRepository(s)
            n = repo.get(notice_id)
            _check_version(s, repo, notice_id, expected_version)
            if "unit_id" in new_vals and UnitRepository(s).get(new_vals["unit_id"]) is None:
                raise ServiceError(f"承办单位（ID {new_vals['unit_id']}）不存在")
            changes = repo.update(n, **new_vals)
            row = repo.row(notice_id)
        if changes:
            self.changed.emit([NoticeChange(old, row)])
        return row

    def complete(self, notice_id: int, completed: date, result: str, expected_version: int | None = None) -> NoticeRow:
        old = self.get(notice_id)
        if old.voided:
            raise ServiceError(f"{old.number} 已作废，不能办结")
        try:
            rules.check_completion(old, completed)
        except ValueError as e:
            raise ServiceError(str(e)) from None
        if not _clean(result or ""):
            raise ServiceError(f"请填写办理结果（{old.number}）")
        return self.update(notice_id, expected_version, completed=completed, result=result)

    def void(self, notice_id: int, reason: str, expected_version: int | None = None) -> NoticeRow:
        """作废: the notice keeps its number (never reused) and leaves every count."""
        reason = _clean(reason or "")
        if not reason:
            raise ServiceError("作废督办通知须填写原因")
        if len(reason) > rules.VOID_REASON_MAX:
            raise ServiceError(f"作废原因不能超过 {rules.VOID_REASON_MAX} 个字（现有 {len(reason)} 个）")
        old = self.get(notice_id)
        if old.voided:
            raise ServiceError(f"{old.number} 已作废")
        with self.store.session() as s:
            repo = NoticeRepository(s)
            _check_version(s, repo, notice_id, expected_version)
            repo.update(repo.get(notice_id), voided=True, void_reason=reason)
            row = repo.row(notice_id)
        self.changed.emit([NoticeChange(old, row)])
        return row

    # -- extensions ----------------------------------------------------------------------------
    def request_extension(self, notice_id: int, asked: date, *, days: int | None = None,
                          until: date | None = None, reason: str = "", expected_version: int | None = None) -> NoticeRow:
        """The unit asks for more time; the operator decides later (decide_extension)."""
        old = self.get(notice_id)
        self._check_extension(old, days, until, asked)
        if any(e.state is ExtensionState.ASKED for e in old.extensions):
            raise ServiceError(f"{old.number} 已有待审批的延期申请")
        with self.store.session() as s:
            repo = NoticeRepository(s)
            _check_version(s, repo, notice_id, expected_version)
            repo.add_extension(notice_id=notice_id, asked=asked, state=ExtensionState.ASKED.value, days=days,
                               until=until, reason=_clean(reason))
            row = repo.row(notice_id)
        self.changed.emit([NoticeChange(old, row)])
        return row

    def decide_extension(self, notice_id: int, approve: bool, decided: date | None = None,
                         expected_version: int | None = None) -> NoticeRow:
        """Approve (the due date moves; the original stays visible) or reject the pending request."""
        old = self.get(notice_id)
        pending = [e for e in old.extensions if e.state is ExtensionState.ASKED]
        if not pending:
            raise ServiceError(f"{old.number} 没有待审批的延期申请")
        ext = pending[-1]
        decided = decided or self.today()
        with self.store.session() as s:
            repo = NoticeRepository(s)
            _check_version(s, repo, notice_id, expected_version)
            e = repo.get_extension(ext.id)
            if approve:
                try:
                    new_due = rules.extended_due(self.calendar(), old.due, ext.days, ext.until, old.calendar_days)
                except ValueError as err:
                    raise ServiceError(f"{old.number}：{err}") from None
                repo.update_extension(e, state=ExtensionState.APPROVED.value, decided=decided, old_due=old.due,
                                      new_due=new_due)
                repo.update(repo.get(notice_id), due=new_due)
            else:
                repo.update_extension(e, state=ExtensionState.REJECTED.value, decided=decided)
            row = repo.row(notice_id)
        self.changed.emit([NoticeChange(old, row)])
        return row

    def extend(self, notice_id: int, *, days: int | None = None, until: date | None = None,
               asked: date | None = None, reason: str = "", expected_version: int | None = None) -> NoticeRow:
        """Record a request and its approval at once (the CLI's `notice extend`)."""
        old = self.get(notice_id)
        today = asked or max(self.today(), old.issued)  # the day of the request and its approval
        self._check_extension(old, days, until, today)
        if any(e.state is ExtensionState.ASKED for e in old.extensions):
            raise ServiceError(f"{old.number} 已有待审批的延期申请，请先审批")
        try:
            new_due = rules.extended_due(self.calendar(), old.due, days, until, old.calendar_days)
        except ValueError as err:
            raise ServiceError(f"{old.number}：{err}") from None
        with self.store.session() as s:
            repo = NoticeRepository(s)
            _check_version(s, repo, notice_id, expected_version)
            repo.add_extension(notice_id=notice_id, asked=today, state=ExtensionState.APPROVED.value, days=days,
                               until=until, decided=today, old_due=old.due, new_due=new_due,
                               reason=_clean(reason))
            repo.update(repo.get(notice_id), due=new_due)
            row = repo.row(notice_id)
        self.changed.emit([NoticeChange(old, row)])
        return row

    @staticmethod
    def _check_extension(old: NoticeRow, days: int | None, until: date | None, asked: date) -> None:
        if old.voided:
            raise ServiceError(f"{old.number} 已作废，不能延期")
        if old.completed is not None:
            raise ServiceError(f"{old.number} 已办结，不能延期")
        if (days is None) == (until is None):
            raise ServiceError("延期须给出天数或新的办结时限（二者选一）")
        if days is not None and not (isinstance(days, int) and 1 <= days <= MAX_DAYS):
            raise ServiceError(f"延期天数应为 1–{MAX_DAYS} 的整数，而不是“{days}”")
        if until is not None and until <= old.due:
            raise ServiceError(f"延期后的办结时限 {until.isoformat()} 应晚于当前时限 {old.due.isoformat()}（{old.number}）")
        if until is not None and until > LAST_DATE:
            raise ServiceError(f"延期后的办结时限 {until.isoformat()} 无效：最晚为 {LAST_DATE.isoformat()}（{old.number}）")
        if asked < old.issued:
            raise ServiceError(f"延期申请日期 {asked.isoformat()} 早于下达日期 {old.issued.isoformat()}（{old.number}）")

    # -- undo ----------------------------------------------------------------------------------
    def restore(self, snapshot: NoticeRow, expected: NoticeRow | None = None) -> NoticeRow:
        """Put a notice back exactly as `snapshot` (undo of an edit, or redo of an issue); audited.
        `expected`: what this seat's last step left; refused (ConflictError) when the stored notice
        is no longer that (another seat changed it since)."""
        with self.store.session() as s:
            repo = NoticeRepository(s)
            n = repo.get(snapshot.id)
            old = repo.row(snapshot.id) if n is not None else None
            if expected is not None and old != expected:
                raise notice_conflict(s, expected, old)
            fields = dict(
                number=snapshot.number, year=snapshot.year, seq=snapshot.seq, unit_id=snapshot.unit_id,
                channel=snapshot.channel.value, level=snapshot.level.value, issued=snapshot.issued,
                days=snapshot.days, calendar_days=snapshot.calendar_days, due=snapshot.due,
                original_due=snapshot.original_due, content=snapshot.content, orders=orders_text(snapshot.orders),
                result=snapshot.result, completed=snapshot.completed, voided=snapshot.voided,
                void_reason=snapshot.void_reason, notes=snapshot.notes,
            )
            if n is None:
                repo.raise_counter(snapshot.year, snapshot.seq)
                repo.add(id=snapshot.id, **fields)
            else:
                repo.update(n, **fields)
            repo.replace_extensions(snapshot.id, snapshot.extensions)
            row = repo.row(snapshot.id)
        self.changed.emit([NoticeChange(old, row)])
        return row

    def unissue(self, notice_id: int) -> None:
        """Undo of an issue: the row goes; its number stays taken (the counter never goes down)."""
        old = self.get(notice_id)
        with self.store.session() as s:
            repo = NoticeRepository(s)
            repo.delete(repo.get(notice_id))
        self.changed.emit([NoticeChange(old, None)])

    # -- calendar edits ------------------------------------------------------------------------
    # Registered with CalendarService: a calendar edit lists the notices whose due date it would
    # move; the operator applies it to those chosen (logged) or leaves them.
    def _register_with_calendar(self) -> None:
        reg = getattr(self.calendar_service, "register_dependent", None)
        if reg is not None:
            reg("notices", self._calendar_preview, self._calendar_apply, self._calendar_after)

    @staticmethod
    def recomputed_due(r: NoticeRow, cal: WorkCalendar) -> date:
        """The due date `cal` gives this notice, approved extensions included."""
        due = rules.compute_due(cal, r.issued, r.days, r.calendar_days)
        for e in r.extensions:
            if e.state is ExtensionState.APPROVED:
                due = e.until if e.days is None else rules.extended_due(cal, due, e.days, None, r.calendar_days)
        return due

    def due_moves(self, current: WorkCalendar, proposed: WorkCalendar) -> list[DueMove]:
        """Open working-day notices whose due date the proposed calendar computes differently."""
        moves = []
        for r in self.rows():
            if r.voided or r.completed is not None or r.calendar_days:
                continue
            before, after = self.recomputed_due(r, current), self.recomputed_due(r, proposed)
            if before != after:
                moves.append(DueMove(r, r.due, after))
        return moves

    def _calendar_preview(self, current: WorkCalendar, proposed: WorkCalendar):
        from hotline_desktop.services.calendar import AffectedItem

        return [
            AffectedItem("notices", m.notice.id, f"{m.notice.number} {m.notice.unit_name}", m.old_due, m.new_due,
                         "办结时限")
            for m in self.due_moves(current, proposed)
        ]

    def _calendar_apply(self, session, items) -> None:
        repo = NoticeRepository(session)
        olds = []
        for it in items:
            n = repo.get(int(it.key))
            if n is None:
                continue  # removed since (undo of its issue): nothing to move
            if n.due != it.old_due:
                raise ServiceError(f"{n.number} 的办结时限已被修改（现为 {n.due.isoformat()}），"
                                   "请重新查看受影响的督办通知后再改动日历")
            olds.append(repo.row(n.id))
            fields: dict[str, Any] = {"due": it.new_due}
            if n.original_due == n.due:  # not extended: the original due date moves with it
                fields["original_due"] = it.new_due
            repo.update(n, **fields)
        self._pending_moves = olds

    def _calendar_after(self, _items) -> None:
        olds, self._pending_moves = getattr(self, "_pending_moves", []), []
        changes = [NoticeChange(o, self.get(o.id)) for o in olds]
        if changes:
            self.changed.emit(changes)

    # -- output --------------------------------------------------------------------------------
    def form_context(self):
        from hotline_desktop.core.notice_pdf import FormContext

        return FormContext(office_name=self.office_name(), calendar=self.calendar())

    def pdf(self, notice_ids: Iterable[int], out: Path, *, progress=None, cancelled=None) -> Path:
        """The seed's 附件3 form, one notice (or more pages when long) each, as one PDF.
        `progress(0–100)` / `cancelled()` as in core.notice_pdf.write_notices_pdf (a GUI worker)."""
        from hotline_desktop.core.notice_pdf import write_notices_pdf

        rows = [self.get(i) for i in notice_ids]
        if not rows:
            raise ServiceError("没有选中要打印的督办通知")
        return write_notices_pdf(rows, Path(out), self.form_context(), progress=progress, cancelled=cancelled)

    def remind_pdf(self, notice_ids: Iterable[int], out: Path, as_of: date | None = None) -> Path:
        """催办通知 citing each notice's number and due date."""
        from hotline_desktop.core.notice_pdf import write_reminders_pdf

        rows = [self.get(i) for i in notice_ids]
        if not rows:
            raise ServiceError("没有选中要催办的督办通知")
        today = as_of or self.today()
        cal = self.calendar()
        for r in rows:
            st = rules.status(r, today, cal)
            if st is not NoticeStatus.OVERDUE:
                raise ServiceError(f"{r.number} 状态为“{st.label}”，只有逾期未办结的通知才能催办")
        return write_reminders_pdf(rows, Path(out), self.form_context(), today)

    def export_xlsx(self, year: int | None, out: Path, as_of: date | None = None) -> Path:
        from hotline_desktop.core.notice_xlsx import write_register_xlsx

        views = self.list(NoticeFilter(year=year), as_of)
        return write_register_xlsx(views, Path(out), year=year, office=self.office_name(),
                                   as_of=as_of or self.today())


def row_as_json(v: NoticeView) -> dict:
    """`notice list --json`: number, unit (code), channel, level, issued, days, calendar_days, due, status,
    completed, result (plus the original due date and escalation step)."""
    r = v.row
    return {
        "number": r.number,
        "unit": r.unit_code,
        "channel": r.channel.label,
        "level": r.level.label,
        "issued": r.issued.isoformat(),
        "days": r.days,
        "calendar_days": r.calendar_days,
        "due": r.due.isoformat(),
        "original_due": r.original_due.isoformat(),
        "status": v.status.label,
        "escalation": v.escalation.label,
        "completed": r.completed.isoformat() if r.completed else None,
        "result": r.result,
        "note": v.note,
    }


def _check_version(s, repo: NoticeRepository, notice_id: int, expected_version: int | None) -> None:
    """Refuse an edit of a notice another seat changed after this seat read it (version moved on)."""
    if expected_version is None:
        return
    n = repo.get(notice_id)
    if n is None or n.version != expected_version:
        raise notice_conflict(s, repo.row(notice_id) if n is not None else None, repo.row(notice_id), notice_id)


_FIELD_LABELS = {
    "unit_id": "承办单位", "channel": "渠道", "level": "督办方式", "issued": "下达日期", "days": "督办时限",
    "due": "办结时限", "content": "督办内容", "orders": "关联工单", "result": "办理结果", "completed": "办结日期",
    "voided": "作废", "void_reason": "作废原因", "notes": "备注",
}


def notice_conflict(s, read: NoticeRow | None, current: NoticeRow | None, notice_id: int | None = None):
    """The ConflictError for a notice that moved on: what changed (the latest audited field), its
    current value, and who/when."""
    row = current or read
    nid = row.id if row is not None else notice_id
    what = f"督办通知 {row.number}" if row is not None else "该督办通知"
    if current is None:
        return conflict(s, "notices", nid, what=what, current=None, gone=True)
    field = last_field(s, "notices", nid)
    if field in _FIELD_LABELS and field != "unit_id":
        value = getattr(current, field)
        text = "是" if value is True else ("否" if value is False else ("" if value is None else str(value)))
        return conflict(s, "notices", nid, what=what, field=_FIELD_LABELS[field], current=text)
    state = "已作废" if current.voided else (f"{current.completed.isoformat()} 办结" if current.completed else "未办结")
    now = f"{current.unit_name}，{state}，办结时限 {current.due.isoformat()}"
    return conflict(s, "notices", nid, what=what, current=now)
