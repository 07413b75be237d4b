"""Import and export of the units register through the Excel template.

An import is planned first (nothing written): the plan lists every new unit and every field it
will change, old → new. An empty optional cell keeps the stored value unless the operator
chooses "用空白覆盖" (`blank_overwrites`). Applying writes the whole plan in one transaction
with bulk statements (and bulk audit rows); undoing it is one transaction too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from hotline_desktop.core.domain import (
    FIELD_LABELS,
    UnitDraft,
    UnitKind,
    UnitRow,
    code_key,
    parent_kind_problem,
)
from hotline_desktop.core.excel_units import (
    ImportProblem,
    ParsedUnits,
    parse_units_workbook,
    write_units_template,
    write_units_workbook,
)
from hotline_desktop.core.text import clip
from hotline_desktop.db.repositories import UnitRepository
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.units import UnitService, _fields, draft_of

COMPARED = ("name", "kind", "parent_code", "contact", "phone", "active", "notes")


@dataclass(frozen=True)
class FieldChange:
    """One value an import will change (or set, for a new unit)."""

    row: int
    code: str
    name: str
    field: str  # draft field
    old: str
    new: str

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]

    def __str__(self) -> str:
        return (f"第 {self.row} 行 {clip(self.code)}（{clip(self.name, 30)}）：{self.label} "
                f"{clip(self.old) or '（空）'} → {clip(self.new) or '（空）'}")


def shown(draft: UnitDraft, fld: str) -> str:
    """A draft field as the operator reads it."""
    v = getattr(draft, fld)
    if fld == "kind":
        return UnitKind(v).label
    if fld == "active":
        return "是" if v else "否"
    return v or ""


@dataclass
class UnitImportPlan:
    source: Path
    adds: dict[int, UnitDraft] = field(default_factory=dict)  # Excel row → new unit
    updates: dict[int, tuple[int, UnitDraft]] = field(default_factory=dict)  # row → (unit id, merged draft)
    changes: dict[int, list[FieldChange]] = field(default_factory=dict)  # row → changed fields (updates)
    unchanged: int = 0
    kept_blanks: int = 0  # empty cells that keep a stored value
    blank_overwrites: bool = False
    problems: list[ImportProblem] = field(default_factory=list)
    total_rows: int = 0
    parsed: ParsedUnits | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def good_rows(self) -> int:
        return len(self.adds) + len(self.updates) + self.unchanged

    def change_list(self) -> list[FieldChange]:
        return [c for row in sorted(self.changes) for c in self.changes[row]]

    def summary(self) -> str:
        s = f"共 {self.total_rows} 行：新增 {len(self.adds)}，更新 {len(self.updates)}，无变化 {self.unchanged}"
        n = sum(len(v) for v in self.changes.values())
        if n:
            s += f"；将修改 {n} 项"
        if self.kept_blanks and not self.blank_overwrites:
            s += f"；{self.kept_blanks} 个空白单元格保留原有内容"
        if self.problems:
            s += f"；有问题的行 {len({p.row for p in self.problems})}"
        return s

    def lines(self) -> list[str]:
        """What the import will do, one line per new unit or changed value (CLI and logs)."""
        out = [f"第 {row} 行 新增 {clip(d.code)}（{clip(d.name, 30)}）" for row, d in sorted(self.adds.items())]
        out += [str(c) for c in self.change_list()]
        return out


def _merge_rows(parsed: ParsedUnits, existing: dict[str, UnitRow], blank_overwrites: bool,
                plan: UnitImportPlan) -> tuple[dict[int, UnitDraft], dict[int, UnitDraft]]:
    """(Excel row → the row's draft over the stored unit it updates, unit id → its stored fields).
    An absent column never touches a field; an empty cell keeps the stored value unless
    `blank_overwrites` (an empty 启用 then means 是)."""
    drafts: dict[int, UnitDraft] = {}  # unit id → its stored fields as a draft
    merged: dict[int, UnitDraft] = {}
    for row, d in parsed.drafts.items():
        old = existing.get(code_key(d.code))
        if old is None:
            merged[row] = d
            continue
        before = drafts[old.id] = draft_of(old)
        blanks = parsed.blanks.get(row, frozenset())
        kept = {f: getattr(before, f) for f in blanks if getattr(before, f) != getattr(d, f)}
        keep = {f: getattr(before, f) for f in parsed.absent}  # no column: never touched
        if blank_overwrites:
            if "active" in blanks:
                keep["active"] = True  # an empty 启用 means 是
        else:
            keep |= kept
            plan.kept_blanks += len(kept)
        merged[row] = replace(d, code=old.code, **keep)
    return merged, drafts


@dataclass
class _PlannedTree:
    """The units tree as an import would leave it: the stored units (by code key) and the file's
    rows (Excel row → merged draft); each check appends its problems (naming the row) to `problems`."""

    existing: dict[str, UnitRow]
    merged: dict[int, UnitDraft]
    where: Callable[[str], str]  # field → the column as the problems name it
    problems: list[ImportProblem]
    file_codes: dict[str, int] = field(init=False)  # code key → Excel row

    def __post_init__(self) -> None:
        self.file_codes = {code_key(d.code): row for row, d in self.merged.items()}

    def canonical_parents(self) -> None:
        """A parent code is written as the parent's own code."""
        existing, merged, file_codes = self.existing, self.merged, self.file_codes
        for row, d in merged.items():
            if d.parent_code:
                k = code_key(d.parent_code)
                canon = existing[k].code if k in existing else merged[file_codes[k]].code if k in file_codes else None
                if canon is not None and canon != d.parent_code:
                    merged[row] = replace(d, parent_code=canon)

    def check_parents_exist(self) -> None:
        for row, d in sorted(self.merged.items()):
            if d.parent_code and code_key(d.parent_code) not in self.existing \
                    and code_key(d.parent_code) not in self.file_codes:
                self.problems.append(
                    ImportProblem(row, self.where("parent_code"), f"上级单位编码“{clip(d.parent_code)}”不存在"))

    def final_of(self, k: str) -> tuple[UnitKind, str, str | None] | None:
        """(kind, name, parent's code key) of a unit: as the file gives it, else as stored."""
        if k in self.file_codes:
            f = self.merged[self.file_codes[k]]
            return UnitKind(f.kind), f.name, code_key(f.parent_code) if f.parent_code else None
        if k in self.existing:
            e = self.existing[k]
            return e.kind, e.name, code_key(e.parent_code) if e.parent_code else None
        return None

    def check_parent_kinds(self) -> None:
        """The kinds' hierarchy (社区 only under 乡镇/街道, nothing under a 社区), over the tree as the
        file leaves it; rows with a problem already are not checked again."""
        flagged = {p.row for p in self.problems}
        for row, d in sorted(self.merged.items()):
            if row in flagged or not d.parent_code:
                continue
            parent = self.final_of(code_key(d.parent_code))
            if parent is not None:
                problem = parent_kind_problem(UnitKind(d.kind), parent[0], parent[1])
                if problem:
                    self.problems.append(ImportProblem(row, self.where("parent_code"), problem))

    def check_child_kinds(self) -> None:
        """A unit whose kind changes must still fit over the children that stay under it."""
        for row, d in sorted(self.merged.items()):
            old = self.existing.get(code_key(d.code))
            if old is None or old.kind == UnitKind(d.kind):
                continue
            for child in self.existing.values():
                if child.parent_code is None or code_key(child.parent_code) != code_key(d.code):
                    continue
                kind, _name, parent = self.final_of(code_key(child.code))
                if parent == code_key(d.code) and parent_kind_problem(kind, UnitKind(d.kind)):
                    self.problems.append(ImportProblem(
                        row, self.where("kind"),
                        f"下级单位“{clip(child.name, 30)}”（{kind.label}）不能在{UnitKind(d.kind).label}之下，请先调整下级单位"))
                    break

    def check_loops(self) -> None:
        """The tree as it would be: a row that closes a loop of parents is a problem."""
        parent_key = {k: (code_key(r.parent_code) if r.parent_code else None) for k, r in self.existing.items()}
        parent_key |= {code_key(d.code): (code_key(d.parent_code) if d.parent_code else None)
                       for d in self.merged.values()}
        for row, d in sorted(self.merged.items()):
            seen, cur = {code_key(d.code)}, parent_key.get(code_key(d.code))
            while cur is not None and cur not in seen:
                seen.add(cur)
                cur = parent_key.get(cur)
            if cur is not None:
                self.problems.append(ImportProblem(row, self.where("parent_code"),
                                                   "上级单位不能是本单位的下级单位（循环引用）"))

    def rows_under_bad_rows(self) -> set[int]:
        """Every bad row, with the rows whose parent row is bad (they cannot be imported either)."""
        bad_rows = {p.row for p in self.problems}
        changed = True
        while changed:
            changed = False
            for row, d in self.merged.items():
                if row in bad_rows or not d.parent_code:
                    continue
                prow = self.file_codes.get(code_key(d.parent_code))
                if prow is not None and prow in bad_rows and code_key(d.parent_code) not in self.existing:
                    self.problems.append(ImportProblem(
                        row, self.where("parent_code"), f"上级单位“{clip(d.parent_code)}”所在的第 {prow} 行有错误"))
                    bad_rows.add(row)
                    changed = True
        return bad_rows


def _sort_rows(plan: UnitImportPlan, merged: dict[int, UnitDraft], existing: dict[str, UnitRow],
               drafts: dict[int, UnitDraft], bad_rows: set[int]) -> None:
    """The good rows into the plan: new units, updates with their changed fields, or unchanged."""
    for row, d in sorted(merged.items()):
        if row in bad_rows:
            continue
        old = existing.get(code_key(d.code))
        if old is None:
            plan.adds[row] = d
            continue
        before = drafts[old.id]  # _merge_rows drafted every stored unit a row updates (same code key)
        diffs = [
            FieldChange(row, old.code, d.name or old.name, f, shown(before, f), shown(d, f))
            for f in COMPARED
            if _same_kind(getattr(before, f)) != _same_kind(getattr(d, f))
        ]
        if diffs:
            plan.updates[row] = (old.id, d)
            plan.changes[row] = diffs
        else:
            plan.unchanged += 1


class UnitImportExport:
    def __init__(self, units: UnitService):
        self.units = units
        self.store = units.store

    def export(self, path: str | Path) -> Path:
        return write_units_workbook(path, self.units.list())

    def export_template(self, path: str | Path) -> Path:
        return write_units_template(path)

    def plan(self, path: str | Path, *, blank_overwrites: bool = False) -> UnitImportPlan:
        """Validate the whole file against the register; writes nothing."""
        return self._build(parse_units_workbook(path), Path(path), blank_overwrites)

    def replan(self, plan: UnitImportPlan, *, blank_overwrites: bool) -> UnitImportPlan:
        """The same file planned again with the other choice for empty cells (not read again)."""
        assert plan.parsed is not None
        return self._build(plan.parsed, plan.source, blank_overwrites)

    def _build(self, parsed: ParsedUnits, source: Path, blank_overwrites: bool) -> UnitImportPlan:
        plan = UnitImportPlan(source, problems=list(parsed.problems), total_rows=parsed.total_rows,
                              blank_overwrites=blank_overwrites, parsed=parsed)
        existing = {code_key(r.code): r for r in self.units.list()}
        merged, drafts = _merge_rows(parsed, existing, blank_overwrites, plan)
        tree = _PlannedTree(existing, merged, parsed.where, plan.problems)
        tree.canonical_parents()
        tree.check_parents_exist()
        tree.check_parent_kinds()
        tree.check_child_kinds()
        tree.check_loops()
        _sort_rows(plan, tree.merged, existing, drafts, tree.rows_under_bad_rows())
        plan.problems.sort(key=lambda p: (p.row, p.column))
        return plan


    def apply(self, plan: UnitImportPlan, *, only_good_rows: bool = False) -> tuple[int, int]:
        """Write the plan in one transaction. Refused when it has problems, unless only_good_rows."""
        if plan.problems and not only_good_rows:
            raise ServiceError(f"导入文件有 {len(plan.problems)} 处问题，未写入任何数据")
        if not plan.adds and not plan.updates:
            return 0, 0
        with self.store.session() as s:
            repo = UnitRepository(s)
            snap = repo.snapshot()
            key_to_id = {code_key(f["code"]): i for i, f in snap.items()}
            for row, d in plan.adds.items():
                if code_key(d.code) in key_to_id:
                    raise ServiceError(f"第 {row} 行：编码“{clip(d.code)}”已被其他单位使用，未写入任何数据")
            new_ids = self._insert_levels(repo, plan, key_to_id)
            final = {i: dict(f) for i, f in snap.items()}  # every unit as it will be after the import
            for i, d in new_ids.items():
                final[i] = _fields(d, key_to_id.get(code_key(d.parent_code)) if d.parent_code else None)
            changes: dict[int, dict[str, tuple[Any, Any]]] = {}
            row_of: dict[int, int] = {}
            for row, (unit_id, d) in sorted(plan.updates.items()):
                cur = snap.get(unit_id)
                if cur is None:
                    raise ServiceError(f"单位“{clip(d.code)}”在导入期间被删除，未写入任何数据")
                other = key_to_id.get(code_key(d.code))
                if other is not None and other != unit_id:
                    raise ServiceError(f"第 {row} 行：编码“{clip(d.code)}”已被其他单位使用，未写入任何数据")
                parent_id = None
                if d.parent_code:
                    parent_id = key_to_id.get(code_key(d.parent_code))
                    if parent_id is None:
                        raise ServiceError(f"第 {row} 行：上级单位编码“{clip(d.parent_code)}”不存在，未写入任何数据")
                new = _fields(d, parent_id)
                ch = {k: (cur[k], v) for k, v in new.items() if k in cur and cur[k] != v}
                if ch:
                    changes[unit_id] = ch
                    row_of[unit_id] = row
                    final[unit_id].update(new)
            problem = _tree_problem(final, set(new_ids) | set(changes))
            if problem is not None:
                unit_id, reason = problem
                row = row_of.get(unit_id) or next((r for r, d in plan.adds.items() if code_key(d.code) == code_key(
                    final[unit_id]["code"])), 0)
                raise ServiceError(f"第 {row} 行：{reason}，未写入任何数据")
            repo.update_bulk(changes)
        ids = list(new_ids) + list(changes)
        self.units.changed.emit(ids, "import")
        return len(plan.adds), len(plan.updates)

    @staticmethod
    def _insert_levels(repo: UnitRepository, plan: UnitImportPlan, key_to_id: dict[str, int]) -> dict[int, UnitDraft]:
        """Insert new units parents first (one executemany per level); returns id → draft."""
        pending = dict(plan.adds)
        out: dict[int, UnitDraft] = {}
        while pending:
            level = [(row, d) for row, d in sorted(pending.items())
                     if not d.parent_code or code_key(d.parent_code) in key_to_id]
            if not level:
                rows = "、".join(str(r) for r in sorted(pending)[:20])
                raise ServiceError(f"第 {rows} 行的上级单位无法确定（循环引用？），未写入任何数据")
            items = [_fields(d, key_to_id[code_key(d.parent_code)] if d.parent_code else None) for _r, d in level]
            for (row, d), unit_id in zip(level, repo.insert_bulk(items), strict=True):
                key_to_id[code_key(d.code)] = unit_id
                out[unit_id] = d
                del pending[row]
        return out

    def revert(self, plan: UnitImportPlan, old_drafts: dict[int, UnitDraft]) -> None:
        """Undo an applied import in one transaction: updated units get their old fields back,
        added ones are deleted (children first). Refused whole if an added unit is in use."""
        try:
            with self.store.session() as s:
                repo = UnitRepository(s)
                snap = repo.snapshot()
                key_to_id = {code_key(f["code"]): i for i, f in snap.items()}
                changes: dict[int, dict[str, tuple[Any, Any]]] = {}
                for unit_id, draft in old_drafts.items():
                    cur = snap.get(unit_id)
                    if cur is None:
                        continue
                    parent_id = key_to_id.get(code_key(draft.parent_code)) if draft.parent_code else None
                    if draft.parent_code and parent_id is None:
                        raise ServiceError(f"无法恢复导入前的单位信息：上级单位“{clip(draft.parent_code)}”已不存在")
                    new = _fields(draft, parent_id)
                    ch = {k: (cur[k], v) for k, v in new.items() if k in cur and cur[k] != v}
                    if ch:
                        changes[unit_id] = ch
                repo.update_bulk(changes)
                added = {key_to_id[k] for k in (code_key(d.code) for d in plan.adds.values()) if k in key_to_id}
                for unit_id, f in snap.items():
                    parent = changes.get(unit_id, {}).get("parent_id", (None, f["parent_id"]))[1]
                    if unit_id not in added and parent in added:
                        name = snap[parent]["name"]
                        raise ServiceError(f"“{clip(name)}”已有下级单位，不能撤销导入（可改为停用）")
                order = sorted(added, key=lambda i: -_depth(snap, i, added))
                repo.delete_bulk({i: snap[i] for i in order})
        except IntegrityError:
            raise ServiceError("导入的单位已有考核数据，不能撤销导入（可改为停用）") from None
        self.units.changed.emit(list(changes) + list(added), "import-undo")


def _same_kind(v):
    return v.value if isinstance(v, UnitKind) else v


def _tree_problem(final: dict[int, dict[str, Any]], touched: set[int]) -> tuple[int, str] | None:
    """The first rule of the units tree that the import would break, checked over the register
    as it will be (units touched by the import): (unit id, Chinese reason), or None."""
    for unit_id, f in final.items():  # kinds: every unit touched, and every child of one
        p = f["parent_id"]
        if p is not None and p in final and (unit_id in touched or p in touched):
            problem = parent_kind_problem(UnitKind(f["kind"]), UnitKind(final[p]["kind"]), final[p]["name"])
            if problem:
                return unit_id, problem
    for unit_id in sorted(touched):
        seen = {unit_id}
        cur = final[unit_id]["parent_id"]
        while cur is not None:
            if cur in seen:
                return unit_id, "上级单位不能是本单位的下级单位（循环引用）"
            seen.add(cur)
            cur = final[cur]["parent_id"] if cur in final else None
    return None


def _depth(snap: dict[int, dict], unit_id: int, within: set[int]) -> int:
    d, cur, seen = 0, snap[unit_id]["parent_id"], {unit_id}
    while cur in within and cur not in seen:
        seen.add(cur)
        d += 1
        cur = snap[cur]["parent_id"]
    return d


__all__ = ["FieldChange", "UnitImportExport", "UnitImportPlan", "UnitRow"]
