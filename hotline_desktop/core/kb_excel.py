"""知识库 workbooks: the 一问一答 import (parsed and checked whole), the register export and the
per-unit maintenance report (定期通报). No Qt; the service does the cross-table checks."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.excel_units import (
    ImportProblem,
    find_header,
    header_columns,
    missing_columns,
    no_header_problem,
)
from hotline_desktop.core.kb import Content, parse_category, parse_form, validate_content
from hotline_desktop.core.text import clip
from hotline_desktop.core.xlsx import (
    MAX_ROW_HEIGHT,
    cell_text,
    column_letter,
    print_setup,
    read_sheet,
    set_text,
)

# (field, header, width, help); the first four are required
IMPORT_COLUMNS: list[tuple[str, str, int, str]] = [
    ("unit_code", "单位编码", 12, "必填；承办单位的编码"),
    ("category", "类别", 10, "必填：政策法规 / 行政区划 / 社会民生 / 热点问题 / 通知公告"),
    ("question", "问题", 36, "必填"),
    ("answer", "答案", 60, "必填；可换行"),
    ("form", "形式", 10, "一问一答 / 其他；空为一问一答"),
    ("basis_name", "依据文件名称", 30, "可空"),
    ("basis_number", "文号", 20, "可空，如 历政办发〔2026〕3号"),
    ("basis_attachments", "附件数量", 8, "可空，0–999 的整数"),
    ("effective_date", "生效日期", 12, "可空，如 2026-01-01"),
]
REQUIRED = ("unit_code", "category", "question", "answer")
ALIASES = {"编码": "unit_code", "承办单位编码": "unit_code", "分类": "category", "知识类别": "category",
           "问": "question", "答": "answer", "回答": "answer", "依据": "basis_name", "政策依据": "basis_name",
           "文件名称": "basis_name", "附件数": "basis_attachments", "上传方式": "form"}
TEMPLATE_NAME = "知识库导入模板.xlsx"
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class KbDraft:
    unit_code: str
    category: str
    form: str
    content: Content


@dataclass
class ParsedKb:
    drafts: dict[int, KbDraft] = field(default_factory=dict)  # Excel row → draft
    problems: list[ImportProblem] = field(default_factory=list)
    total_rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field → "C（问题）"
    number_codes: set[int] = field(default_factory=set)  # Excel rows whose 单位编码 cell is a number


def parse_date_cell(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    m = _DATE.match(str(v).strip())
    if not m:
        raise ValueError(f"日期格式不正确：“{clip(v)}”（应如 2026-01-01）")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"日期不存在：“{clip(v)}”") from None


def _attachments(text: str, _value) -> int:
    if not text:
        return 0
    if not (text.isascii() and text.isdigit() and len(text) <= 9):  # not 1_0, ٣ or 5,000 digits
        raise ValueError(f"附件数量应为整数：“{clip(text)}”")
    return int(text)


# field → (parse of its cell's text / raw value, the value when it fails or the column is absent);
# a ValueError (KbError) raised is that cell's problem
_CELL_PARSERS = {
    "category": (lambda text, _v: parse_category(text).value, ""),
    "form": (lambda text, _v: parse_form(text).value, ""),
    "basis_attachments": (_attachments, 0),
    "effective_date": (lambda _t, value: parse_date_cell(value), None),
}


def _read_kb_row(cells: dict, vals: dict[str, str], excel_row: int, columns: dict[str, str],
                 seen: dict[tuple[str, str], int]) -> tuple[KbDraft | None, list[ImportProblem]]:
    """One entry row checked on its own (and against earlier rows for a repeated question)."""
    problems: list[ImportProblem] = []

    def bad(f: str, msg: str) -> None:
        problems.append(ImportProblem(excel_row, columns.get(f, ""), msg))

    if not vals["unit_code"]:
        bad("unit_code", "单位编码为空")
    parsed = {}
    for f, (parse, fallback) in _CELL_PARSERS.items():
        try:
            parsed[f] = parse(vals.get(f, ""), cells.get(f))
        except ValueError as e:
            bad(f, str(e))
            parsed[f] = fallback
    answer = "" if cells["answer"] is None else str(cells["answer"]) if not isinstance(cells["answer"], float) \
        else vals["answer"]
    clean, errs = validate_content(Content(vals["question"], answer, vals.get("basis_name", ""),
                                           vals.get("basis_number", ""), parsed["basis_attachments"],
                                           parsed["effective_date"]))
    for f, msg in errs.items():
        bad(f, msg)
    key = (vals["unit_code"], clean.question)
    if clean.question and vals["unit_code"]:
        if key in seen:
            bad("question", f"与第 {seen[key]} 行是同一单位的相同问题")
        else:
            seen[key] = excel_row
    if problems:
        return None, problems
    return KbDraft(vals["unit_code"], parsed["category"], parsed["form"], clean), problems


def parse_kb_workbook(path: str | Path) -> ParsedKb:
    """Read every row and check it on its own; nothing is written."""
    sheet = read_sheet(path)
    rows = sheet.rows
    out = ParsedKb()
    known = {h: f for f, h, _, _ in IMPORT_COLUMNS} | ALIASES
    head_idx = find_header(rows, known, None)  # a title row above the header is fine
    if head_idx is None:
        out.problems.append(no_header_problem(rows, "“单位编码、类别、问题、答案”等列"))
        return out
    colmap = header_columns(rows[head_idx], known, head_idx + 1, out.problems)
    labels = {f: h for f, h, _, _ in IMPORT_COLUMNS}
    out.columns = {f: f"{column_letter(i)}（{labels[f]}）" for f, i in colmap.items()}
    out.problems += missing_columns(colmap, ((f, labels[f]) for f in REQUIRED), head_idx + 1)
    if out.problems:
        return out
    seen: dict[tuple[str, str], int] = {}
    for i in range(head_idx + 1, len(rows)):
        raw, excel_row = rows[i], i + 1
        cells = {f: (raw[c] if c < len(raw) else None) for f, c in colmap.items()}
        vals = {f: cell_text(v) for f, v in cells.items()}
        # a formula without a computed value or an error value (#N/A) reads as empty: it is that
        # cell's problem, not an empty question, nor an effective date silently left out
        special = {f: sheet.problem(i, c) for f, c in colmap.items() if sheet.problem(i, c)} if sheet.special else {}
        if not any(vals.values()) and not special:
            continue
        out.total_rows += 1
        if isinstance(cells["unit_code"], int | float) and not isinstance(cells["unit_code"], bool):
            out.number_codes.add(excel_row)
        draft, problems = _read_kb_row(cells, vals, excel_row, out.columns, seen)
        if special:
            hidden = {out.columns[f] for f in special}
            problems = [ImportProblem(excel_row, out.columns[f], reason) for f, reason in special.items()] + [
                p for p in problems if p.column not in hidden]
            draft = None
        if draft is None:
            out.problems.extend(problems)
        else:
            out.drafts[excel_row] = draft
    if out.total_rows == 0:
        out.problems.append(ImportProblem(head_idx + 2, "", "表中没有任何知识条目"))
    return out


# -- writing ------------------------------------------------------------------------------------
def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs: CJK characters are about two width units, others one."""
    total = 0
    for part in text.split("\n"):
        units = sum(1.8 if ord(ch) > 0x2E80 else 1 for ch in part)
        total += max(1, math.ceil(units / max(1, width - 1)))
    return total


def _sheet(ws, headers: Sequence[tuple[str, int]], rows: Sequence[Sequence], *, wrap_cols: Sequence[int] = (),
           title: str | None = None) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    r0 = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        r0 = 2
    for c, (h, w) in enumerate(headers, start=1):
        cell = ws.cell(row=r0, column=c, value=h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[column_letter(c - 1)].width = w
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    widths = [w for _h, w in headers]
    for r, row in enumerate(rows, start=r0 + 1):
        lines = 1
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(v, int) and not isinstance(v, bool):
                cell.value = v
            else:
                set_text(cell, v)
            cell.border = border
            if c - 1 in wrap_cols:
                cell.alignment = wrap
                lines = max(lines, _lines(str(v or ""), widths[c - 1]))
            else:
                cell.alignment = top
        if lines > 1:  # Excel does not grow a row for wrapped text written by openpyxl
            ws.row_dimensions[r].height = min(MAX_ROW_HEIGHT, 15 * lines)
    ws.freeze_panes = ws.cell(row=r0 + 1, column=1)
    print_setup(ws, f"{r0}:{r0}")


def write_kb_template(path: str | Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "知识库"
    _sheet(ws, [(h, w) for _, h, w, _ in IMPORT_COLUMNS], [], wrap_cols=(2, 3))
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 70
    help_ws.append(["列", "说明"])
    for _, h, _, t in IMPORT_COLUMNS:
        help_ws.append([h, t])
    help_ws.append(["导入规则", "整表先校验：有任何错误时列出行号、列和原因，不写入任何数据；导入的条目为“采集”状态，须经审核后发布。"])
    p = Path(path)
    with atomic_write(p) as tmp:
        wb.save(tmp)
    return p


REGISTER_HEADERS: list[tuple[str, int]] = [
    ("ID", 7), ("单位编码", 10), ("单位名称", 18), ("类别", 10), ("形式", 9), ("问题", 34), ("答案", 56),
    ("依据文件名称", 24), ("文号", 18), ("附件数量", 8), ("生效日期", 11), ("状态", 9), ("版本", 6),
    ("发布日期", 11), ("校核期限", 11), ("未办结反馈", 9), ("逾期反馈", 9),
]


def write_kb_register(path: str | Path, rows: Sequence[Sequence]) -> Path:
    """The register: one row per entry (the version shown: published, else the working one).
    Its first columns after ID and 单位名称 are those the import reads."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "知识库"
    _sheet(ws, REGISTER_HEADERS, rows, wrap_cols=(5, 6, 7))
    ws.auto_filter.ref = f"A1:{column_letter(len(REGISTER_HEADERS) - 1)}{max(1, len(rows) + 1)}"
    p = Path(path)
    with atomic_write(p) as tmp:
        wb.save(tmp)
    return p


REPORT_HEADERS: list[tuple[str, int]] = [
    ("单位编码", 10), ("单位名称", 22), ("条目数", 8), ("已发布", 8), ("本年发布", 9), ("本年更新/校核", 12),
    ("未办结反馈", 10), ("逾期反馈", 9), ("本年逾期未更新", 12),
]


@dataclass(frozen=True)
class ReportRow:
    unit_code: str
    unit_name: str
    entries: int
    published: int
    published_this_year: int
    updated_this_year: int
    open_feedback: int
    overdue_feedback: int
    late_updates: int

    def cells(self) -> list:
        return [self.unit_code, self.unit_name, self.entries, self.published, self.published_this_year,
                self.updated_this_year, self.open_feedback, self.overdue_feedback, self.late_updates]


def totals(rows: Sequence[ReportRow]) -> list[int]:
    """Column sums of the figures (条目数 … 本年逾期未更新)."""
    return [sum(r.cells()[i] for r in rows) for i in range(2, len(REPORT_HEADERS))]


def report_title(year: int, office: str) -> str:
    return f"{office}{year} 年度知识库维护情况通报"


def write_kb_report_xlsx(path: str | Path, title: str, subtitle: str, rows: Sequence[ReportRow]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "定期通报"
    _sheet(ws, REPORT_HEADERS, [r.cells() for r in rows] + [["", "合计", *totals(rows)]], title=title)
    n = len(rows) + 4
    ws.cell(row=n, column=1, value=subtitle).alignment = Alignment(wrap_text=True)
    ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=len(REPORT_HEADERS))
    p = Path(path)
    with atomic_write(p) as tmp:
        wb.save(tmp)
    return p


def write_kb_report_pdf(path: str | Path, title: str, subtitle: str, rows: Sequence[ReportRow]) -> Path:
    """A4 portrait, embedded CJK font, header repeated on every page, page numbers."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from hotline_desktop.core.pdf_fonts import register_cjk_font

    font, bold = register_cjk_font()
    s_title = ParagraphStyle("t", fontName=bold, fontSize=15, leading=20, alignment=TA_CENTER, wordWrap="CJK")
    s_body = ParagraphStyle("b", fontName=font, fontSize=8.5, leading=11, alignment=TA_LEFT, wordWrap="CJK")
    s_head = ParagraphStyle("h", fontName=bold, fontSize=8.5, leading=11, alignment=TA_CENTER, wordWrap="CJK")
    widths_mm = [18, 46, 14, 14, 15, 20, 17, 15, 21]
    data = [[Paragraph(escape(h), s_head) for h, _ in REPORT_HEADERS]]
    for r in rows:
        data.append([Paragraph(escape(str(v)), s_body) if i < 2 else str(v) for i, v in enumerate(r.cells())])
    data.append(["", "合计"] + [str(v) for v in totals(rows)])
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), font, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for i, r in enumerate(rows, start=1):
        if i % 2 == 0:
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F5F8FC")))
        for col, v in ((7, r.overdue_feedback), (8, r.late_updates)):
            if v:
                style.append(("TEXTCOLOR", (col, i), (col, i), colors.HexColor("#C00000")))
    n = len(rows) + 1
    style += [("FONT", (0, n), (-1, n), bold, 8.5), ("LINEABOVE", (0, n), (-1, n), 0.8, colors.black)]
    table.setStyle(TableStyle(style))

    def foot(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 8 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    p = Path(path)
    with atomic_write(p) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=14 * mm,
                                bottomMargin=14 * mm, title=title)
        doc.build([Paragraph(escape(title), s_title), Spacer(1, 3 * mm), Paragraph(escape(subtitle), s_body),
                   Spacer(1, 3 * mm), table], onFirstPage=foot, onLaterPages=foot)
    return p
