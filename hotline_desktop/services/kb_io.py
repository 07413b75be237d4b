"""知识库 import (validated whole, all or nothing), register export and the 定期通报 report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hotline_desktop.core import kb
from hotline_desktop.core.excel_units import ImportProblem
from hotline_desktop.core.kb_excel import (
    KbDraft,
    ReportRow,
    parse_kb_workbook,
    report_title,
    write_kb_register,
    write_kb_report_pdf,
    write_kb_report_xlsx,
    write_kb_template,
)
from hotline_desktop.db.kb_repository import KbRepository
from hotline_desktop.db.repositories import UnitRepository
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.kb import KbEdit, KbService


@dataclass
class KbImportPlan:
    source: Path
    drafts: dict[int, tuple[int, KbDraft]] = field(default_factory=dict)  # Excel row → (unit id, draft)
    problems: list[ImportProblem] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        s = f"共 {self.total_rows} 条"
        if self.problems:
            s += f"，有问题的行 {len({p.row for p in self.problems})}"
        else:
            s += f"，可导入 {len(self.drafts)} 条（状态为“采集”）"
        return s


class KbImportExport:
    def __init__(self, kb_service: KbService):
        self.kb = kb_service
        self.store = kb_service.store

    # -- import -----------------------------------------------------------------------------------
    def plan(self, path: str | Path) -> KbImportPlan:
        """Check the whole file against the register; writes nothing."""
        parsed = parse_kb_workbook(path)
        plan = KbImportPlan(Path(path), problems=list(parsed.problems), total_rows=parsed.total_rows)
        with self.store.session() as s:
            codes = UnitRepository(s).ids_by_code()
            existing = KbRepository(s).unit_questions()
        for row, d in sorted(parsed.drafts.items()):
            unit_id = codes.get(d.unit_code)
            if unit_id is None:
                hint = ("（这个单元格是数字，编码开头的 0 会丢失：请把该列设为文本格式后重新填写）"
                        if row in parsed.number_codes else "")
                plan.problems.append(ImportProblem(row, parsed.columns["unit_code"],
                                                   f"单位编码“{kb.clip(d.unit_code)}”不存在{hint}"))
                continue
            if (unit_id, d.content.question) in existing:
                plan.problems.append(ImportProblem(row, parsed.columns["question"],
                                                   "该单位的知识库中已有相同的问题"))
                continue
            plan.drafts[row] = (unit_id, d)
        plan.problems.sort(key=lambda p: (p.row, p.column))
        return plan

    def apply(self, plan: KbImportPlan) -> KbEdit:
        """All or nothing: refused whole when the plan has any problem."""
        if plan.problems:
            raise ServiceError(f"导入文件有 {len(plan.problems)} 处问题，未写入任何数据")
        if not plan.drafts:
            raise ServiceError("导入文件中没有可导入的知识条目")
        drafts = [(uid, d.category, d.form, d.content) for _row, (uid, d) in sorted(plan.drafts.items())]
        return self.kb.insert_imported(drafts, f"导入知识库（{plan.source.name}）")

    def import_file(self, path: str | Path) -> tuple[KbImportPlan, KbEdit | None]:
        plan = self.plan(path)
        return plan, (self.apply(plan) if plan.ok else None)

    # -- export -----------------------------------------------------------------------------------
    def export_template(self, path: str | Path) -> Path:
        return write_kb_template(path)

    def export(self, path: str | Path) -> Path:
        rows = []
        for r in self.kb.list():
            rows.append([
                r.id, r.unit_code, r.unit_name, r.category, kb.Form(r.form).label, r.question, r.answer,
                r.basis_name, r.basis_number, r.basis_attachments,
                r.effective_date.isoformat() if r.effective_date else "", kb.Status(r.status).label, r.version,
                r.published_on.isoformat() if r.published_on else "",
                r.review_by.isoformat() if r.review_by else "", r.open_feedback, r.overdue_feedback,
            ])
        return write_kb_register(path, rows)

    def report_rows(self, year: int) -> list[ReportRow]:
        """Per unit with entries: entries, published, published/updated this year, open and overdue
        feedback, and the year's late updates (the fed kb_late_updates)."""
        rows = self.kb.list()
        fed = self.kb.fed(year)
        with self.store.session() as s:
            facts = {f.entry_id: f for f in KbRepository(s).facts()}
        by_unit: dict[int, list] = {}
        for r in rows:
            by_unit.setdefault(r.unit_id, []).append(r)
        out = []
        for uid, rs in sorted(by_unit.items(), key=lambda kv: kv[1][0].unit_code):
            live = [r for r in rs if r.status != kb.Status.WITHDRAWN.value]
            pub = [r for r in rs if r.status != kb.Status.WITHDRAWN.value and r.published_on is not None]
            first = [r for r in rs if (f := facts.get(r.id)) and f.first_published and f.first_published.year == year]
            upd = [r for r in rs if (f := facts.get(r.id)) and (
                any(d.year == year for d in f.revised_published) or any(d.year == year for d in f.verified))]
            out.append(ReportRow(
                rs[0].unit_code, rs[0].unit_name, len(live), len(pub), len(first), len(upd),
                sum(r.open_feedback for r in rs), sum(r.overdue_feedback for r in rs),
                int(fed.get(uid, {}).get("kb_late_updates", kb.FedValue(0, ())).value),
            ))
        return out

    def report(self, year: int, path: str | Path, office: str = "区政府热线办") -> Path:
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix not in (".xlsx", ".pdf"):
            raise ServiceError(f"通报文件须为 .xlsx 或 .pdf：{p}")
        rows = self.report_rows(year)
        today = self.kb.today()
        subtitle = (f"统计截至 {today.year}年{today.month}月{today.day}日。“本年更新/校核”指本年发布了修订版本或做过校核的条目；"
                    f"“本年逾期未更新”指本年反馈中超过办结期限才更新或至今未更新的次数。")
        title = report_title(year, office)
        if suffix == ".pdf":
            return write_kb_report_pdf(p, title, subtitle, rows)
        return write_kb_report_xlsx(p, title, subtitle, rows)


def default_report_year() -> int:
    return date.today().year
