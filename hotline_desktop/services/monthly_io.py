"""Monthly figures in and out of Excel: template per month, import validated whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotline_desktop.core.excel_monthly import parse_month_workbook, write_month_workbook
from hotline_desktop.core.excel_units import ImportProblem
from hotline_desktop.services.assessment import AssessmentService, CellChange, CellEdit, check
from hotline_desktop.services.errors import ServiceError


@dataclass
class MonthImportPlan:
    year_scheme_id: int
    month: str
    source: Path
    edits: list[CellEdit] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        s = f"{self.month}：{self.rows} 行，{len(self.edits)} 个数值"
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
        scheme = self.assessment.scheme(year_scheme_id)
        units = {u.code: u.id for u in self.assessment.participants(year_scheme_id)}
        parsed = parse_month_workbook(path, scheme, set(units), month)
        plan = MonthImportPlan(year_scheme_id, month, Path(path), problems=parsed.problems, rows=parsed.rows)
        plan.edits = self._without_unchanged_fed(
            year_scheme_id, month, [CellEdit(units[code], month, key, text or None) for _r, code, key, text in parsed.cells]
        )
        plan.problems.sort(key=lambda p: (p.row, p.column))
        return plan

    def _without_unchanged_fed(self, year_scheme_id: int, month: str, edits: list[CellEdit]) -> list[CellEdit]:
        """A fed cell (counted from a register) that the file leaves at the scored count is not typed over:
        re-importing an exported month must not turn counts into overrides; a different figure is one."""
        feeds = self.assessment.feeds
        fed = feeds.active_keys(year_scheme_id) if feeds is not None else frozenset()
        if not fed or not any(e.key in fed for e in edits):
            return edits
        scheme = self.assessment.scheme(year_scheme_id)
        scored = self.assessment.scored_monthly_cells(year_scheme_id, month)
        overridden = {ident for ident, fc in feeds.fed_cells(year_scheme_id, month).items() if fc.overridden}
        out = []
        for e in edits:
            if e.key in fed and (e.unit_id, e.key) not in overridden:
                new = check(scheme.input(e.key), e.text)
                cur = scored.get((e.unit_id, month, e.key))
                if (new.text if new else None) == (cur.text if cur else None) or (new is None and cur is not None
                                                                                  and cur.value == 0):
                    continue
            out.append(e)
        return out

    def apply(self, plan: MonthImportPlan) -> list[CellChange]:
        """All or nothing: refused while the plan has problems; one batch (one undo step)."""
        if plan.problems:
            raise ServiceError(f"导入文件有 {len(plan.problems)} 处问题，未写入任何数据")
        return self.assessment.set_values(plan.year_scheme_id, plan.edits)
