"""Use cases of the knowledge-base register (知识库).

Every edit is one transaction, audited old → new, and returns what undo needs: the entry's
snapshot before and after (`KbEdit`); `restore()` puts either back, so every edit has its inverse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from hotline_desktop.core import kb
from hotline_desktop.core.kb import Action, CheckResult, Content, KbError, Status
from hotline_desktop.core.workdays import WorkCalendar
from hotline_desktop.db.concurrency import conflict
from hotline_desktop.db.kb_repository import ENTRY_COLS, VERSION_COLS, EntryRow, KbRepository, Snapshot
from hotline_desktop.db.models import KbCheck, KbEvent, KbFeedback
from hotline_desktop.db.repositories import AuditRepository, UnitRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ConflictError, ServiceError
from hotline_desktop.services.events import Event


@dataclass(frozen=True)
class KbEdit:
    """One committed edit: the snapshots of the entries it touched, before and after."""

    label: str
    before: dict[int, Snapshot | None]
    after: dict[int, Snapshot | None]
    message: str = ""

    @property
    def entry_ids(self) -> list[int]:
        return sorted(self.after)

    @property
    def entry_id(self) -> int:
        return self.entry_ids[0]


@dataclass(frozen=True)
class EntryDetail:
    row: EntryRow
    published: kb.Content | None
    working: kb.Content
    working_status: str
    versions: list[tuple[int, str, date | None, kb.Content]]  # (number, status, published_on, content)
    last_checks: list[CheckResult]
    events: list[tuple[str, date, int | None, str]]
    feedback: list[tuple[int, str, str, date, date, date | None, int | None]]
    withdraw_reason: str = ""
    version: int = field(default=0, compare=False)  # the entry row's version when read (seats)


@dataclass(frozen=True)
class SearchHit:
    row: EntryRow
    question_spans: list[tuple[int, int]] = field(default_factory=list)
    answer_spans: list[tuple[int, int]] = field(default_factory=list)
    basis_spans: list[tuple[int, int]] = field(default_factory=list)


def _content(v) -> Content:
    return Content(v.question, v.answer, v.basis_name, v.basis_number, v.basis_attachments, v.effective_date)


def _err(e: KbError) -> ServiceError:
    return ServiceError(str(e))


class KbService:
    def __init__(
        self,
        store: Store,
        calendar: Callable[[], WorkCalendar] | None = None,
        feedback_workdays: Callable[[], int] | None = None,
        today: Callable[[], date] = date.today,
    ):
        self.store = store
        self._calendar = calendar or (lambda: WorkCalendar())
        self._feedback_workdays = feedback_workdays or (lambda: kb.DEFAULT_FEEDBACK_WORKDAYS)
        self.today = today
        self.changed = Event()  # emits (list of entry ids, label)

    # -- queries ---------------------------------------------------------------------------------
    def list(self, *, unit_code: str | None = None, status: str | None = None,
             category: str | None = None, answers: bool = True) -> list[EntryRow]:
        with self.store.session() as s:
            unit_id = self._unit_id(s, unit_code) if unit_code else None
            st = kb.parse_status(status).value if status else None
            cat = kb.parse_category(category).value if category else None
            return KbRepository(s).rows(self.today(), unit_id=unit_id, status=st, category=cat, answers=answers)

    def rows(self, entry_ids: Iterable[int], *, answers: bool = True) -> list[EntryRow]:
        with self.store.session() as s:
            return KbRepository(s).rows(self.today(), entry_ids=entry_ids, answers=answers)

    def count(self) -> int:
        with self.store.session() as s:
            return KbRepository(s).count()

    def search(self, query: str, *, limit: int | None = None) -> list[SearchHit]:
        """Entries containing `query` anywhere in question, answer or basis, best match first."""
        q = (query or "").strip()
        if not q:
            return []
        with self.store.session() as s:
            repo = KbRepository(s)
            ids = repo.search_ids(q, limit)
            rows = {r.id: r for r in repo.rows(self.today(), entry_ids=ids)}
        out = []
        for i in ids:
            r = rows.get(i)
            if r is not None:
                out.append(SearchHit(r, kb.highlight_spans(r.question, q), kb.highlight_spans(r.answer, q),
                                     kb.highlight_spans(r.basis, q)))
        return out

    def search_ids(self, query: str) -> list[int]:
        with self.store.session() as s:
            return KbRepository(s).search_ids(query)

    def detail(self, entry_id: int) -> EntryDetail:
        with self.store.session() as s:
            repo = KbRepository(s)
            e = self._entry(repo, entry_id)
            rows = repo.rows(self.today(), entry_ids=[entry_id])
            versions = repo.versions(entry_id)
            working = repo.version(e.working_version_id)
            published = repo.version(e.published_version_id)
            checks = [CheckResult(c.item, bool(c.passed), c.comment) for c in repo.last_round(working.id)]
            return EntryDetail(
                rows[0], _content(published) if published else None, _content(working), working.status,
                [(v.number, v.status, v.published_on, _content(v)) for v in versions], checks,
                [(ev.kind, ev.day, ev.version_number, ev.note) for ev in repo.events(entry_id)],
                [(f.id, f.problem_type, f.note, f.raised_on, f.due_on, f.closed_on, f.closed_version)
                 for f in repo.feedback(entry_id)],
                e.withdraw_reason, e.version or 0,
            )

    def diff(self, entry_id: int, old_number: int, new_number: int) -> list[kb.DiffSpan]:
        with self.store.session() as s:
            vs = {v.number: v for v in KbRepository(s).versions(entry_id)}
        for n in (old_number, new_number):
            if n not in vs:
                raise ServiceError(f"条目 {entry_id} 没有第 {n} 版")
        return kb.char_diff(_content(vs[old_number]).as_text(), _content(vs[new_number]).as_text())

    def feedback_rows(self) -> list[tuple]:
        with self.store.session() as s:
            return KbRepository(s).open_feedback_rows()

    def overdue_count(self) -> int:
        with self.store.session() as s:
            return KbRepository(s).overdue_count(self.today())

    def review_due(self) -> list[EntryRow]:
        """Published entries whose review-by date has passed or falls within 30 days (一年未校核)."""
        today = self.today()
        rows = [r for r in self.list(status=Status.PUBLISHED.value) if kb.review_due(r.review_by, today)]
        return sorted(rows, key=lambda r: (r.review_by, r.id))

    def fed(self, year: int, unit_ids: Iterable[int] | None = None) -> dict[int, dict[str, kb.FedValue]]:
        """unit id → fed kb_format / kb_updated / kb_late_updates of `year` (core rules)."""
        with self.store.session() as s:
            facts = KbRepository(s).facts(unit_ids)
        return kb.fed_values(facts, year, self.today())

    def due_for(self, raised: date) -> date:
        return kb.feedback_due(self._calendar(), raised, self._feedback_workdays())

    # -- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _unit_id(s, code: str) -> int:
        u = UnitRepository(s).by_code((code or "").strip())
        if u is None:
            raise ServiceError(f"单位编码“{kb.clip(code)}”不存在")
        return u.id

    @staticmethod
    def _entry(repo: KbRepository, entry_id: int):
        e = repo.entry(entry_id)
        if e is None:
            raise ServiceError(f"知识库条目（ID {entry_id}）不存在")
        return e

    @staticmethod
    def _clean(content: Content) -> Content:
        clean, errs = kb.validate_content(content)
        if errs:
            raise ServiceError("；".join(errs.values()))
        return clean

    def _edit(self, label: str, entry_id: int | None, fn: Callable[[KbRepository, AuditRepository], object],
              expected_version: int | None = None) -> KbEdit:
        """Run fn in one transaction; snapshot the entry before and after; audit the change.
        `expected_version`: the entry's version the seat read (refused when it moved on since)."""
        with self.store.session() as s:
            repo, audit = KbRepository(s), AuditRepository(s)
            if expected_version is not None and entry_id is not None:
                e = self._entry(repo, entry_id)
                if e.version != expected_version:
                    raise _entry_conflict(s, repo, entry_id)
            before = repo.snapshot(entry_id) if entry_id is not None else None
            try:
                result = fn(repo, audit)
            except KbError as e:
                raise _err(e) from None
            eid = entry_id if entry_id is not None else int(result)
            s.flush()
            after = repo.snapshot(eid)
            _audit(audit, eid, before, after, label)
            if entry_id is not None and after != before:
                repo.bump_versions([eid])
        edit = KbEdit(label, {eid: before}, {eid: after}, result if isinstance(result, str) else "")
        self.changed.emit([eid], label)
        return edit

    # -- edits ----------------------------------------------------------------------------------
    def create(self, unit_code: str, category: str, form: str, content: Content,
               review_by: date | None = None) -> KbEdit:
        """采集: a new entry as a draft (version 1)."""
        try:
            cat, frm = kb.parse_category(category), kb.parse_form(form)
        except KbError as e:
            raise _err(e) from None
        clean = self._clean(content)

        def do(repo: KbRepository, _audit):
            unit_id = self._unit_id(repo.s, unit_code)
            e = repo.add_entry(unit_id=unit_id, category=cat.value, form=frm.value, status=Status.DRAFT.value,
                               review_by=review_by, withdraw_reason="")
            v = repo.add_version(entry_id=e.id, number=1, status=Status.DRAFT.value, **_version_fields(clean))
            e.working_version_id = v.id
            return e.id

        return self._edit("新建知识库条目", None, do)

    def edit(self, entry_id: int, content: Content, *, category: str | None = None, form: str | None = None,
             review_by: date | None = None, unit_code: str | None = None,
             expected_version: int | None = None) -> KbEdit:
        """Change the working version (draft, returned or approved → back to 采集)."""
        clean = self._clean(content)

        def do(repo: KbRepository, _audit):
            e = self._entry(repo, entry_id)
            w = repo.version(e.working_version_id)
            has_pub = e.published_version_id is not None
            changed_content = _content(w) != clean
            if changed_content:
                new = kb.next_status(Status(e.status), has_pub, Action.EDIT)
                for k, v in _version_fields(clean).items():
                    setattr(w, k, v)
                w.status = new.value
                e.status = new.value
            if e.status == Status.WITHDRAWN.value:
                raise KbError("已撤销的条目不能修改")
            if category is not None:
                e.category = kb.parse_category(category).value
            if form is not None:
                e.form = kb.parse_form(form).value
            if unit_code is not None:
                e.unit_id = self._unit_id(repo.s, unit_code)
            e.review_by = review_by if review_by is not None else e.review_by
            return ""

        return self._edit("修改知识库条目", entry_id, do, expected_version)

    def review(self, entry_id: int, results: Iterable[CheckResult], day: date | None = None) -> KbEdit:
        """审核: the four checks; all pass → 审核通过, any fails → 退回修改 (message lists them)."""
        day = day or self.today()
        try:
            checks = kb.validate_review(results)
        except KbError as e:
            raise _err(e) from None
        action = kb.review_outcome(checks)

        def do(repo: KbRepository, _audit):
            e = self._entry(repo, entry_id)
            new = kb.next_status(Status(e.status), e.published_version_id is not None, action)
            w = repo.version(e.working_version_id)
            prev = repo.checks(w.id)
            rnd = max((c.round for c in prev), default=0) + 1
            for c in checks:
                repo.add(KbCheck(version_id=w.id, round=rnd, item=c.item, passed=c.passed, comment=c.comment,
                                 reviewed_on=day))
            w.status = new.value
            e.status = new.value
            return "审核通过，可以发布" if action is Action.REVIEW_PASS else kb.return_message(checks)

        return self._edit("审核知识库条目", entry_id, do)

    def publish(self, entry_id: int, day: date | None = None) -> KbEdit:
        """发布 the approved working version; the previous one is superseded; feedback closes."""
        day = day or self.today()

        def do(repo: KbRepository, _audit):
            e = self._entry(repo, entry_id)
            new = kb.next_status(Status(e.status), e.published_version_id is not None, Action.PUBLISH)
            w = repo.version(e.working_version_id)
            last = repo.last_round(w.id)
            if len(last) != len(kb.CHECKS) or not all(c.passed for c in last):
                raise KbError("四项审核须全部通过后才能发布")
            if any(c.reviewed_on > day for c in last):
                raise KbError(f"发布日期 {day.isoformat()} 早于审核日期 {last[0].reviewed_on.isoformat()}")
            old = repo.version(e.published_version_id)
            if old is not None:
                if old.published_on and old.published_on > day:
                    raise KbError(f"发布日期 {day.isoformat()} 早于上一版的发布日期 {old.published_on.isoformat()}")
                old.status = kb.SUPERSEDED
                for f in repo.feedback(e.id):
                    if f.closed_on is None and f.raised_on <= day:
                        f.closed_on, f.closed_version = day, w.number
            w.status, w.published_on = new.value, day
            e.status = new.value
            e.published_version_id = w.id
            e.published_on = day
            first = e.first_published is None
            e.first_published = e.first_published or day
            if not (first and e.review_by is not None and e.review_by > day):  # a date chosen in 采集 stands
                e.review_by = kb.default_review_by(day)
            repo.add(KbEvent(entry_id=e.id, kind="publish", day=day, version_number=w.number, note=""))
            return f"已发布第 {w.number} 版"

        return self._edit("发布知识库条目", entry_id, do)

    def revise(self, entry_id: int, content: Content | None = None) -> KbEdit:
        """修订: a new working version (a copy of the published one unless given) goes to 审核;
        the published version stays visible."""
        clean = self._clean(content) if content is not None else None

        def do(repo: KbRepository, _audit):
            e = self._entry(repo, entry_id)
            if e.working_version_id != e.published_version_id:
                raise KbError("该条目已有修订中的版本，请直接修改它")
            new = kb.next_status(Status(e.status), True, Action.REVISE)
            pub = repo.version(e.published_version_id)
            c = clean or _content(pub)
            number = max(v.number for v in repo.versions(e.id)) + 1
            v = repo.add_version(entry_id=e.id, number=number, status=new.value, **_version_fields(c))
            e.working_version_id = v.id
            e.status = new.value
            return f"已建立第 {number} 版（修订中，已发布的第 {pub.number} 版仍然有效）"

        return self._edit("修订知识库条目", entry_id, do)

    def withdraw(self, entry_id: int, reason: str, day: date | None = None) -> KbEdit:
        """撤销 with the unit's reason; a revision in progress is dropped with it, open feedback closes
        on that day (late if after its due date)."""
        day = day or self.today()
        try:
            reason = kb.clean_text(reason or "")
        except kb.TextProblem as e:
            raise ServiceError(f"撤销原因{e.reason}") from None
        if not reason:
            raise ServiceError("撤销须填写原因（承办单位的撤销理由）")

        def do(repo: KbRepository, _audit):
            e = self._entry(repo, entry_id)
            kb.next_status(Status(e.status), e.published_version_id is not None, Action.WITHDRAW)
            if e.published_on and day < e.published_on:
                raise KbError(f"撤销日期 {day.isoformat()} 早于发布日期 {e.published_on.isoformat()}")
            if e.working_version_id != e.published_version_id:
                repo.delete_version(e.working_version_id)
                e.working_version_id = e.published_version_id
            repo.version(e.published_version_id).status = Status.WITHDRAWN.value
            for f in repo.feedback(e.id):  # the flagged content is no longer used: the feedback ends
                if f.closed_on is None:
                    f.closed_on = max(day, f.raised_on)
            e.status = Status.WITHDRAWN.value
            e.withdrawn_on, e.withdraw_reason = day, reason
            repo.add(KbEvent(entry_id=e.id, kind="withdraw", day=day, note=reason))
            return "已撤销"

        return self._edit("撤销知识库条目", entry_id, do)

    def verify(self, entry_id: int, day: date | None = None, note: str = "") -> KbEdit:
        """校核: a recorded check of the published version with no change; review-by moves on."""
        day = day or self.today()

        def do(repo: KbRepository, _audit):
            e = self._entry(repo, entry_id)
            kb.next_status(Status(e.status), e.published_version_id is not None, Action.VERIFY)
            if e.published_on and day < e.published_on:
                raise KbError(f"校核日期 {day.isoformat()} 早于发布日期 {e.published_on.isoformat()}")
            pub = repo.version(e.published_version_id)
            repo.add(KbEvent(entry_id=e.id, kind="verify", day=day, version_number=pub.number,
                             note=kb.clean_text(note or "")))
            e.review_by = kb.default_review_by(day)
            return f"已校核（第 {pub.number} 版），下次校核日期 {e.review_by.isoformat()}"

        return self._edit("校核知识库条目", entry_id, do)

    def add_feedback(self, entry_id: int, problem_type: str, note: str, day: date | None = None) -> KbEdit:
        """反馈 (第十三条): due in N working days; closed when a revised version is published."""
        day = day or self.today()
        try:
            ptype = kb.parse_problem_type(problem_type)
            note = kb.clean_text(note or "", multiline=True)
        except KbError as e:
            raise _err(e) from None
        except kb.TextProblem as e:
            raise ServiceError(f"反馈说明{e.reason}") from None
        if not note:
            raise ServiceError("反馈须填写问题说明")
        due = self.due_for(day)

        def do(repo: KbRepository, _audit):
            e = self._entry(repo, entry_id)
            kb.next_status(Status(e.status), e.published_version_id is not None, Action.FEEDBACK)
            if e.published_on and day < e.published_on:
                raise KbError(f"反馈日期 {day.isoformat()} 早于发布日期 {e.published_on.isoformat()}")
            repo.add(KbFeedback(entry_id=e.id, problem_type=ptype, note=note, raised_on=day, due_on=due))
            return f"已反馈，应于 {due.isoformat()} 前办结"

        return self._edit("反馈知识库问题", entry_id, do)

    # -- calendar edits ---------------------------------------------------------------------------
    # Registered with CalendarService: an office-calendar edit lists the open feedback items whose
    # due date it would move; the operator applies it to those chosen (audited) or leaves them.
    def register_with_calendar(self, calendar_service) -> None:
        reg = getattr(calendar_service, "register_dependent", None)
        if reg is not None:
            reg("kb", self._calendar_preview, self._calendar_apply, self._calendar_after)

    def _calendar_preview(self, current: WorkCalendar, proposed: WorkCalendar):
        from hotline_desktop.services.calendar import AffectedItem

        n = self._feedback_workdays()
        items = []
        for fid, eid, _code, name, question, ptype, _note, raised, due, closed, _v in self.feedback_rows():
            if closed is not None:
                continue
            before, after = kb.feedback_due(current, raised, n), kb.feedback_due(proposed, raised, n)
            if before != after and due != after:
                label = f"知识库反馈 条目{eid} {name}：{kb.clip(question, 20)}"
                items.append(AffectedItem("kb", fid, label, due, after, f"{ptype}，反馈办结期限"))
        return items

    def _calendar_apply(self, session, items) -> None:
        repo, audit = KbRepository(session), AuditRepository(session)
        moved = []
        for it in items:
            f = repo.feedback_item(int(it.key))
            if f is None or f.closed_on is not None or f.due_on != it.old_due:
                continue
            audit.record("kb_feedback", f.id, "update", {"due_on": (f.due_on, it.new_due), "操作": (None, "工作日历调整")})
            f.due_on = it.new_due
            moved.append(f.entry_id)
        self._calendar_moved = moved

    def _calendar_after(self, _items) -> None:
        moved, self._calendar_moved = getattr(self, "_calendar_moved", []), []
        if moved:
            self.changed.emit(sorted(set(moved)), "工作日历调整")

    # -- undo / redo ----------------------------------------------------------------------------
    def restore(self, snapshots: dict[int, Snapshot | None], label: str = "撤销/重做",
                expected: dict[int, Snapshot | None] | None = None) -> None:
        """Put entries back exactly as in `snapshots` (one transaction, audited). `expected`: what
        this seat's last step left; refused (ConflictError) for an entry another seat changed since."""
        with self.store.session() as s:
            repo, audit = KbRepository(s), AuditRepository(s)
            befores = repo.snapshots(snapshots)
            if expected is not None:
                for eid in snapshots:
                    if eid in expected and befores[eid] != expected[eid]:
                        raise _entry_conflict(s, repo, eid)
            repo.restore_many(snapshots)
            for eid, snap in snapshots.items():
                _audit(audit, eid, befores[eid], snap, label)
            repo.bump_versions([eid for eid, snap in snapshots.items() if snap is not None and befores[eid] != snap])
        self.changed.emit(sorted(snapshots), label)

    def undo(self, edit: KbEdit) -> None:
        self.restore(edit.before, f"撤销：{edit.label}", expected=edit.after)

    def redo(self, edit: KbEdit) -> None:
        self.restore(edit.after, f"重做：{edit.label}", expected=edit.before)

    # -- import ---------------------------------------------------------------------------------
    def insert_imported(self, drafts: list[tuple[int, str, str, Content]], label: str = "导入知识库") -> KbEdit:
        """Insert validated drafts (unit id, category, form, content) as 采集 entries, at once."""
        with self.store.session() as s:
            repo = KbRepository(s)
            eid, vid = repo.next_ids("kb_entries", "kb_versions")
            entries, versions, audit = [], [], []
            for i, (unit_id, cat, form, c) in enumerate(drafts):
                e_id, v_id = eid + i, vid + i
                entries.append(dict(id=e_id, unit_id=unit_id, category=cat, form=form, status=Status.DRAFT.value,
                                    working_version_id=v_id, withdraw_reason=""))
                versions.append(dict(id=v_id, entry_id=e_id, number=1, status=Status.DRAFT.value,
                                     **_version_fields(c)))
                audit.append(dict(table_name="kb_entries", row_id=e_id, action="insert", field="question",
                                  old_value=None, new_value=c.question))
            repo.insert_many(entries, versions, audit)
        ids = [eid + i for i in range(len(drafts))]
        after = {}
        for e, v in zip(entries, versions, strict=True):
            ent = {k: e.get(k) for k in ENTRY_COLS} | {"id": e["id"]}
            ver = {k: v.get(k) for k in VERSION_COLS} | {"id": v["id"]}
            after[e["id"]] = Snapshot(ent, (ver,), (), (), ())
        edit = KbEdit(label, dict.fromkeys(ids), after, f"已导入 {len(ids)} 条")
        self.changed.emit(ids, label)
        return edit

    def snapshots(self, entry_ids: Iterable[int]) -> dict[int, Snapshot | None]:
        with self.store.session() as s:
            repo = KbRepository(s)
            return {i: repo.snapshot(i) for i in entry_ids}


def _version_fields(c: Content) -> dict:
    return dict(question=c.question, answer=c.answer, basis_name=c.basis_name, basis_number=c.basis_number,
                basis_attachments=c.basis_attachments, effective_date=c.effective_date)


def _audit(audit: AuditRepository, entry_id: int, before: Snapshot | None, after: Snapshot | None,
           label: str) -> None:
    """Field-level old → new of the entry and each version; added/removed rows by count."""
    if before is None and after is None:
        return
    if before is None or after is None:
        snap = after or before
        w = {v["id"]: v for v in snap.versions}.get(snap.entry["working_version_id"]) or {}
        action = "insert" if before is None else "delete"
        fields = {"question": w.get("question"), "status": snap.entry["status"], "操作": label}
        audit.record("kb_entries", entry_id, action,
                     {k: (None, v) if action == "insert" else (v, None) for k, v in fields.items()})
        return
    changes = {k: (before.entry[k], after.entry[k]) for k in ENTRY_COLS if before.entry[k] != after.entry[k]}
    audit.record("kb_entries", entry_id, "update", {"操作": (None, label)} | changes)
    bv = {v["number"]: v for v in before.versions}
    av = {v["number"]: v for v in after.versions}
    for n in sorted(set(bv) | set(av)):
        o, nw = bv.get(n), av.get(n)
        if o == nw:
            continue
        if o is None or nw is None:
            action = "insert" if o is None else "delete"
            row = nw or o
            audit.record("kb_versions", row["id"], action,
                         {f"v{n}.question": (None, row["question"]) if o is None else (row["question"], None)})
            continue
        ch = {f"v{n}.{k}": (o[k], nw[k]) for k in VERSION_COLS if o[k] != nw[k]}
        if ch:
            audit.record("kb_versions", nw["id"], "update", ch)
    for name, b, a in (("kb_checks", before.checks, after.checks), ("kb_events", before.events, after.events),
                       ("kb_feedback", before.feedback, after.feedback)):
        bi, ai = {r["id"]: r for r in b}, {r["id"]: r for r in a}
        for rid in sorted(set(bi) | set(ai)):
            o, nw = bi.get(rid), ai.get(rid)
            if o == nw:
                continue
            keys = sorted(set(o or {}) | set(nw or {}) - {"id"})
            audit.record(name, rid, "insert" if o is None else "delete" if nw is None else "update",
                         {k: ((o or {}).get(k), (nw or {}).get(k)) for k in keys
                          if (o or {}).get(k) != (nw or {}).get(k)})


def _entry_conflict(s, repo: KbRepository, entry_id: int) -> ConflictError:
    """The ConflictError for an entry another seat changed: its current question and status, who/when."""
    e = repo.entry(entry_id)
    if e is None:
        return conflict(s, "kb_entries", entry_id, what=f"知识库条目（ID {entry_id}）", current=None, gone=True)
    w = repo.version(e.published_version_id or e.working_version_id)
    now = f"{kb.clip(w.question, 40)}（{Status(e.status).label}）" if w is not None else Status(e.status).label
    return conflict(s, "kb_entries", entry_id, what=f"知识库条目（ID {entry_id}）", current=now)
