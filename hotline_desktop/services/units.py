"""Use cases for the register of handling units (承办单位)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.exc import IntegrityError

from hotline_desktop.core.domain import (
    FieldErrors,
    UnitDraft,
    UnitKind,
    UnitRow,
    active_children,
    creates_cycle,
    parent_kind_problem,
    validate_draft,
)
from hotline_desktop.db.concurrency import last_change, who_when
from hotline_desktop.db.repositories import UnitRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ConflictError, ServiceError, ValidationFailed
from hotline_desktop.services.events import Event


def draft_of(row: UnitRow) -> UnitDraft:
    return UnitDraft(
        code=row.code, name=row.name, kind=row.kind, parent_code=row.parent_code,
        contact=row.contact, phone=row.phone, active=row.active, notes=row.notes,
    )


class StaleEdit(ConflictError):
    """The unit was changed after the dialog loaded it; `current` holds the stored values."""

    def __init__(self, current: UnitDraft, operator: str = "", at=None):
        self.current = current
        super().__init__(
            f"该单位已被修改（可能在另一个窗口或另一个席位中）{who_when(operator, at)}，本次修改未保存。"
            f"当前的值：{describe_draft(current)}。请重新打开编辑窗口后再修改。",
            table="units", current=describe_draft(current), operator=operator, at=at,
        )


def describe_draft(d: UnitDraft) -> str:
    kind = d.kind.label if isinstance(d.kind, UnitKind) else str(d.kind)
    parts = [f"编码 {d.code}", f"名称 {d.name}", f"类型 {kind}", f"上级单位 {d.parent_code or '无'}",
             f"联系人 {d.contact or '无'}", f"联系电话 {d.phone or '无'}", "启用" if d.active else "停用"]
    if d.notes:
        parts.append(f"备注 {d.notes[:50]}")
    return "，".join(parts)


class UnitService:
    def __init__(self, store: Store):
        self.store = store
        self.changed = Event()  # emits (list of unit ids changed, "insert"/"update"/"delete")

    # -- queries -------------------------------------------------------------------------------
    def list(self, *, active_only: bool = False) -> list[UnitRow]:
        with self.store.session() as s:
            return UnitRepository(s).rows(active_only=active_only)

    def get(self, unit_id: int) -> UnitRow | None:
        with self.store.session() as s:
            return UnitRepository(s).row(unit_id)

    def counts_by_kind(self, rows: list[UnitRow] | None = None) -> dict[UnitKind, int]:
        rows = self.list() if rows is None else rows
        c = Counter(r.kind for r in rows)
        return {k: c.get(k, 0) for k in UnitKind}

    # -- validation ----------------------------------------------------------------------------
    def _check(self, repo: UnitRepository, draft: UnitDraft, unit_id: int | None) -> tuple[UnitDraft, int | None]:
        clean, errs = validate_draft(draft)
        if "code" not in errs.errors:
            other = repo.by_code(clean.code)
            if other is not None and other.id != unit_id:
                errs.add("code", f"编码“{clean.code}”已被“{other.name}”使用")
        parent_id = None
        if clean.parent_code and "parent_code" not in errs.errors:
            parent = repo.by_code(clean.parent_code)
            if parent is None:
                errs.add("parent_code", f"上级单位编码“{clean.parent_code}”不存在")
            elif unit_id is not None and creates_cycle(repo.parent_id_of, unit_id, parent.id):
                errs.add("parent_code", "上级单位不能是本单位的下级单位")
            else:
                parent_id = parent.id
                if isinstance(clean.kind, UnitKind):
                    problem = parent_kind_problem(clean.kind, UnitKind(parent.kind), parent.name)
                    if problem:
                        errs.add("parent_code", problem)
        current = repo.get(unit_id) if unit_id is not None and isinstance(clean.kind, UnitKind) else None
        if current is not None and current.kind != clean.kind.value:  # a new kind: do the children still fit?
            for child in repo.children(unit_id):
                problem = parent_kind_problem(UnitKind(child.kind), clean.kind)
                if problem:
                    errs.add("kind", f"下级单位“{child.name}”（{UnitKind(child.kind).label}）不能在{clean.kind.label}之下"
                                     "，请先调整下级单位")
                    break
        if errs:
            raise ValidationFailed(errs)
        return clean, parent_id

    def validate(self, draft: UnitDraft, unit_id: int | None = None) -> FieldErrors:
        with self.store.session() as s:
            try:
                self._check(UnitRepository(s), draft, unit_id)
            except ValidationFailed as e:
                return e.errors
        return FieldErrors()

    # -- edits (each commits at once) ----------------------------------------------------------
    def create(self, draft: UnitDraft) -> UnitRow:
        with self.store.session() as s:
            repo = UnitRepository(s)
            clean, parent_id = self._check(repo, draft, None)
            u = repo.add(**_fields(clean, parent_id))
            row = repo.to_row(u)
        self.changed.emit([row.id], "insert")
        return row

    def update(self, unit_id: int, draft: UnitDraft, *, expected: UnitDraft | None = None,
               expected_version: int | None = None) -> UnitRow:
        """Save a unit. With `expected` (the values an edit dialog loaded) or `expected_version`
        (the row version it read), refuse if the stored unit has changed since (here or at another
        seat), so a stale dialog never writes old values over a newer edit."""
        with self.store.session() as s:
            repo = UnitRepository(s)
            u = repo.get(unit_id)
            if u is None:
                raise ServiceError(f"单位（ID {unit_id}）不存在，可能已被删除")
            current = draft_of(repo.to_row(u))
            if (expected is not None and current != expected) or (
                    expected_version is not None and u.version != expected_version and current != draft):
                raise StaleEdit(current, *last_change(s, "units", unit_id))
            clean, parent_id = self._check(repo, draft, unit_id)
            repo.update(u, **_fields(clean, parent_id))
            row = repo.to_row(u)
        self.changed.emit([row.id], "update")
        return row

    def set_active(self, unit_id: int, active: bool) -> UnitRow:
        return self.set_active_many([unit_id], active)[0]

    def set_active_many(self, unit_ids: list[int], active: bool) -> list[UnitRow]:
        """(De)activate several units in one transaction (a parent with its children)."""
        with self.store.session() as s:
            repo = UnitRepository(s)
            rows = []
            for unit_id in unit_ids:
                u = repo.get(unit_id)
                if u is None:
                    raise ServiceError(f"单位（ID {unit_id}）不存在")
                repo.update(u, active=active)
                rows.append(repo.to_row(u))
        self.changed.emit([r.id for r in rows], "update")
        return rows

    def active_children(self, unit_id: int) -> list[UnitRow]:
        """Active units below this one (the rule is core.domain.active_children)."""
        return active_children(self.list(), unit_id)

    def delete(self, unit_id: int) -> None:
        """Only for a unit nothing refers to (e.g. undoing an add); otherwise deactivate it."""
        try:
            with self.store.session() as s:
                repo = UnitRepository(s)
                u = repo.get(unit_id)
                if u is None:
                    return
                if repo.children_count(unit_id):
                    raise ServiceError(f"“{u.name}”下还有下级单位，不能删除，只能停用")
                repo.delete(u)
        except IntegrityError:
            raise ServiceError("该单位已有考核数据，不能删除，只能停用") from None
        self.changed.emit([unit_id], "delete")

    def create_many(self, drafts: list[UnitDraft]) -> list[UnitRow]:
        """All or nothing: parents may be among the drafts themselves (any order)."""
        with self.store.session() as s:
            repo = UnitRepository(s)
            pending = list(drafts)
            created: list[UnitRow] = []
            while pending:
                progressed = False
                rest = []
                for d in pending:
                    if d.parent_code and repo.by_code(d.parent_code) is None and any(
                        p.code == d.parent_code for p in pending
                    ):
                        rest.append(d)
                        continue
                    clean, parent_id = self._check(repo, d, None)
                    created.append(repo.to_row(repo.add(**_fields(clean, parent_id))))
                    progressed = True
                if not progressed:
                    raise ServiceError("上级单位存在循环引用：" + "、".join(d.code for d in rest))
                pending = rest
        self.changed.emit([r.id for r in created], "insert")
        return created


def _fields(clean: UnitDraft, parent_id: int | None) -> dict:
    """The stored fields of a validated draft (plain values; no deep copy: imports call this a lot)."""
    return {
        "code": clean.code, "name": clean.name, "kind": UnitKind(clean.kind).value, "contact": clean.contact,
        "phone": clean.phone, "active": bool(clean.active), "notes": clean.notes, "parent_id": parent_id,
    }
