"""Import and export of the units register through the Excel template."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from hotline_desktop.core.domain import UnitDraft, UnitKind, parent_kind_problem
from hotline_desktop.core.excel_units import (
    ImportProblem,
    parse_units_workbook,
    write_units_template,
    write_units_workbook,
)
from hotline_desktop.db.repositories import UnitRepository
from hotline_desktop.services.errors import ServiceError, ValidationFailed
from hotline_desktop.services.units import UnitService, _fields, draft_of


@dataclass
class UnitImportPlan:
    source: Path
    adds: dict[int, UnitDraft] = field(default_factory=dict)  # Excel row → new unit
    updates: dict[int, tuple[int, UnitDraft]] = field(default_factory=dict)  # row → (unit id, draft)
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def good_rows(self) -> int:
        return len(self.adds) + len(self.updates) + self.unchanged

    def summary(self) -> str:
        s = f"共 {self.total_rows} 行：新增 {len(self.adds)}，更新 {len(self.updates)}，无变化 {self.unchanged}"
        if self.problems:
            s += f"；有问题的行 {len({p.row for p in self.problems})}"
        return s


class UnitImportExport:
    def __init__(self, units: UnitService):
        self.units = units
        self.store = units.store

    def export(self, path: str | Path) -> Path:
        return write_units_workbook(path, self.units.list())

    def export_template(self, path: str | Path) -> Path:
        return write_units_template(path)

    def plan(self, path: str | Path) -> UnitImportPlan:
        """Validate the whole file against the register; writes nothing."""
        parsed = parse_units_workbook(path)
        plan = UnitImportPlan(Path(path), problems=list(parsed.problems), total_rows=parsed.total_rows)
        existing = {r.code: r for r in self.units.list()}
        file_codes = {d.code: row for row, d in parsed.drafts.items()}
        bad_codes = set()
        for row, d in sorted(parsed.drafts.items()):
            if d.parent_code and d.parent_code not in existing and d.parent_code not in file_codes:
                plan.problems.append(ImportProblem(row, "D（上级单位编码）", f"上级单位编码“{d.parent_code}”不存在"))
                bad_codes.add(d.code)
            elif d.parent_code and isinstance(d.kind, UnitKind):
                parent = parsed.drafts.get(file_codes[d.parent_code]) if d.parent_code in file_codes else None
                pkind, pname = ((parent.kind, parent.name) if parent is not None
                                else (existing[d.parent_code].kind, existing[d.parent_code].name))
                problem = parent_kind_problem(d.kind, UnitKind(pkind), pname)
                if problem:
                    plan.problems.append(ImportProblem(row, "D（上级单位编码）", problem))
                    bad_codes.add(d.code)
        # A unit whose kind changes must still fit over the children that stay under it.
        for row, d in sorted(parsed.drafts.items()):
            old = existing.get(d.code)
            if old is None or not isinstance(d.kind, UnitKind) or old.kind == d.kind or d.code in bad_codes:
                continue
            for child in existing.values():
                if child.parent_code != d.code:
                    continue
                moved = parsed.drafts.get(file_codes[child.code]) if child.code in file_codes else None
                kind, parent = (moved.kind, moved.parent_code) if moved is not None else (child.kind, child.parent_code)
                if parent == d.code and isinstance(kind, UnitKind) and parent_kind_problem(kind, d.kind):
                    plan.problems.append(ImportProblem(
                        row, "C（类型）", f"下级单位“{child.name}”（{kind.label}）不能在{d.kind.label}之下，请先调整下级单位"))
                    bad_codes.add(d.code)
                    break
        # A row whose parent row is bad cannot be imported either.
        bad_rows = {p.row for p in plan.problems}
        changed = True
        while changed:
            changed = False
            for row, d in parsed.drafts.items():
                if row in bad_rows or not d.parent_code:
                    continue
                prow = file_codes.get(d.parent_code)
                if prow is not None and prow in bad_rows and d.parent_code not in existing:
                    plan.problems.append(
                        ImportProblem(row, "D（上级单位编码）", f"上级单位“{d.parent_code}”所在的第 {prow} 行有错误")
                    )
                    bad_rows.add(row)
                    changed = True
        for row, d in sorted(parsed.drafts.items()):
            if row in bad_rows:
                continue
            old = existing.get(d.code)
            if old is None:
                plan.adds[row] = d
            elif draft_of(old) == d:
                plan.unchanged += 1
            else:
                plan.updates[row] = (old.id, d)
        plan.problems.sort(key=lambda p: (p.row, p.column))
        return plan

    def apply(self, plan: UnitImportPlan, *, only_good_rows: bool = False) -> tuple[int, int]:
        """Write the plan in one transaction. Refused when it has problems, unless only_good_rows."""
        if plan.problems and not only_good_rows:
            raise ServiceError(f"导入文件有 {len(plan.problems)} 处问题，未写入任何数据")
        if not plan.adds and not plan.updates:
            return 0, 0
        ids: list[int] = []
        try:
            with self.store.session() as s:
                repo = UnitRepository(s)
                pending = dict(plan.adds)
                while pending:
                    progressed = False
                    for row, d in sorted(pending.items()):
                        if d.parent_code and repo.by_code(d.parent_code) is None:
                            continue
                        clean, parent_id = self.units._check(repo, d, None)
                        ids.append(repo.add(**_fields(clean, parent_id)).id)
                        del pending[row]
                        progressed = True
                    if not progressed:
                        rows = "、".join(str(r) for r in sorted(pending))
                        raise ServiceError(f"第 {rows} 行的上级单位无法确定（循环引用？），未写入任何数据")
                # Updates in row order; one that does not fit yet (a kind change whose children
                # move away further down the file) is retried after the others.
                waiting = sorted(plan.updates.items())
                while waiting:
                    later, last_error = [], None
                    for row, (unit_id, d) in waiting:
                        u = repo.get(unit_id)
                        if u is None:
                            raise ServiceError(f"单位“{d.code}”在导入期间被删除，未写入任何数据")
                        try:
                            clean, parent_id = self.units._check(repo, d, unit_id)
                        except ValidationFailed as e:
                            later.append((row, (unit_id, d)))
                            last_error = e
                            continue
                        repo.update(u, **_fields(clean, parent_id))
                        ids.append(unit_id)
                    if len(later) == len(waiting):
                        raise last_error
                    waiting = later
        except ValidationFailed as e:
            raise ServiceError(f"导入时校验失败，未写入任何数据：{e}") from None
        self.units.changed.emit(ids, "import")
        return len(plan.adds), len(plan.updates)

    def revert(self, plan: UnitImportPlan, old_drafts: dict[int, UnitDraft]) -> None:
        """Undo an applied import in one transaction: updated units get their old fields back,
        added ones are deleted (children first). Refused whole if an added unit is in use."""
        ids: list[int] = []
        try:
            with self.store.session() as s:
                repo = UnitRepository(s)
                for unit_id, draft in old_drafts.items():
                    u = repo.get(unit_id)
                    if u is None:
                        continue
                    clean, parent_id = self.units._check(repo, draft, unit_id)
                    repo.update(u, **_fields(clean, parent_id))
                    ids.append(unit_id)
                added = [u for u in (repo.by_code(d.code) for d in plan.adds.values()) if u is not None]
                remaining = {u.id: u for u in added}
                while remaining:
                    parents = {u.parent_id for u in remaining.values()}
                    leaves = [u for u in remaining.values() if u.id not in parents]
                    if not leaves:
                        raise ServiceError("导入的单位之间存在循环上级关系，未撤销")
                    for u in leaves:
                        if repo.children_count(u.id):
                            raise ServiceError(f"“{u.name}”已有下级单位，不能撤销导入（可改为停用）")
                        ids.append(u.id)
                        repo.delete(u)
                        del remaining[u.id]
        except IntegrityError:
            raise ServiceError("导入的单位已有考核数据，不能撤销导入（可改为停用）") from None
        except ValidationFailed as e:
            raise ServiceError(f"无法恢复导入前的单位信息：{e}") from None
        self.units.changed.emit(ids, "import-undo")
