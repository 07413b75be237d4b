"""Monthly figures in and out of Excel: template per month, import validated whole.

The plan lists every value the import will change, old → new (only a truly empty cell clears
a value; formula and error cells are problems). The 月度数据 tab and `import monthly` share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotline_desktop.core.excel_monthly import parse_month_workbook, write_month_workbook
from hotline_desktop.core.excel_units import ImportProblem
from hotline_desktop.core.text import clip
from hotline_desktop.services.assessment import AssessmentService, CellChange, CellEdit, check
from hotline_desktop.services.errors import ServiceError


@dataclass(frozen=True)
class PlannedValue:
    """One value the import changes: where, what, old → new ("" = empty)."""

    row: int
    code: str
    name: str
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return (f"第 {self.row} 行 {clip(self.code)}（{clip(self.name, 30)}）：{self.label} "
                f"{clip(self.old) or '（空）'} → {clip(self.new) or '（空）'}")


@dataclass
class MonthImportPlan:
    year_scheme_id: int
    month: str
    source: Path
    edits: list[CellEdit] = field(default_factory=list)  # every value that changes
    edit_rows: list[int] = field(default_factory=list)  # Excel row of each edit
    changes: list[PlannedValue] = field(default_factory=list)  # the same, for the operator
    problems: list[ImportProblem] = field(default_factory=list)
    rows: int = 0
    fatal: bool = False  # a problem of the whole file: not even the good rows can be imported

    @property
    def ok(self) -> bool:
        return not self.problems

    def good_edits(self) -> list[CellEdit]:
        bad = {p.row for p in self.problems}
        return [e for e, r in zip(self.edits, self.edit_rows, strict=True) if r not in bad]

    def summary(self) -> str:
        if self.fatal:
            return f"{self.month}：{self.rows} 行；{len(self.problems)} 处问题，整个文件不能导入"
        cleared = sum(1 for c in self.changes if not c.new)
        s = f"{self.month}：{self.rows} 行，{len(self.changes)} 个数值有变化"
        if cleared:
            s += f"（其中清空 {cleared} 个）"
        if self.problems:
            s += f"；{len(self.problems)} 处问题"
        return s


class MonthlyImportExport:
    def __init__(self, assessment: AssessmentService):
        self.assessment = assessment

    def export_month(self, year_scheme_id: int, month: str, path: str | Path, *, with_values: bool = True) -> Path:
        scheme = self.assessment.scheme(year_scheme_id)
        units = self.assessment.participants(year_scheme_id)
        values = {}
        if with_values:
            code = {u.id: u.code for u in units}
            for (uid, _m, key), cell in self.assessment.scored_monthly_cells(year_scheme_id, month).items():
                if uid in code:
                    values[(code[uid], key)] = cell.text
        return write_month_workbook(path, scheme, month, units, values)

    def plan(self, year_scheme_id: int, month: str, path: str | Path) -> MonthImportPlan:
        """Check the whole file and list what it changes; writes nothing."""
        scheme = self.assessment.scheme(year_scheme_id)
        units = {u.code: u for u in self.assessment.participants(year_scheme_id)}
        parsed = parse_month_workbook(path, scheme, set(units), month)
        plan = MonthImportPlan(year_scheme_id, month, Path(path), problems=parsed.problems, rows=parsed.rows,
                               fatal=parsed.fatal)
        stored = self.assessment.monthly_texts(year_scheme_id, month)
        fed_unchanged = self._fed_unchanged(year_scheme_id, month)
        for row, code, key, text in parsed.cells:
            u = units[code]
            old_text = stored.get((u.id, key)) or ""
            if text == old_text:  # the usual case: the file holds what is stored
                continue
            inp = scheme.input(key)
            new = check(inp, text)
            new_text = new.text if new else ""
            if old_text == new_text or (fed_unchanged is not None and fed_unchanged(u.id, key, new)):
                continue
            plan.edits.append(CellEdit(u.id, month, key, text or None))
            plan.edit_rows.append(row)
            plan.changes.append(PlannedValue(row, u.code, u.name, inp.label, old_text, new_text))
        plan.problems.sort(key=lambda p: (p.row, p.column))
        return plan

    def _fed_unchanged(self, year_scheme_id: int, month: str):
        """A fed cell (counted from a register) that the file leaves at the scored count is not typed over:
        re-importing an exported month must not turn counts into overrides; a different figure is one.
        Returns `unchanged(unit_id, key, new_cell) -> bool`, or None when nothing is fed."""
        feeds = self.assessment.feeds
        fed = feeds.active_keys(year_scheme_id) if feeds is not None else frozenset()
        if not fed:
            return None
        scored = self.assessment.scored_monthly_cells(year_scheme_id, month)
        overridden = {ident for ident, fc in feeds.fed_cells(year_scheme_id, month).items() if fc.overridden}

        def unchanged(unit_id: int, key: str, new) -> bool:
            if key not in fed or (unit_id, key) in overridden:
                return False
            cur = scored.get((unit_id, month, key))
            if new is None:
                return cur is None or cur.value == 0
            return cur is not None and new.text == cur.text

        return unchanged

    def apply(self, plan: MonthImportPlan, *, only_good_rows: bool = False) -> list[CellChange]:
        """One batch (one undo step). Refused while the plan has problems, unless `only_good_rows`
        (then the rows without problems are imported; a problem of the whole file still refuses)."""
        if plan.problems and (not only_good_rows or plan.fatal):
            raise ServiceError(f"导入文件有 {len(plan.problems)} 处问题，未写入任何数据")
        return self.assessment.set_values(plan.year_scheme_id, plan.good_edits())
