"""The units workbook: template, export and the parsing half of an import (validated whole)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.domain import KIND_LABELS, UnitDraft, UnitKind, UnitRow, validate_draft
from hotline_desktop.core.xlsx import cell_text, column_letter, read_rows, set_text

# (field, header, width, help)
COLUMNS: list[tuple[str, str, int, str]] = [
    ("code", "编码", 12, "必填，唯一；字母、数字、- 或 _"),
    ("name", "名称", 26, "必填"),
    ("kind", "类型", 14, "社区 / 科室·职能部门 / 乡镇·街道"),
    ("parent_code", "上级单位编码", 14, "可空；须为已有单位或本表中的单位"),
    ("contact", "联系人", 10, "可空"),
    ("phone", "联系电话", 16, "可空；手机 11 位或座机如 0531-88881234"),
    ("active", "启用", 8, "是 / 否，空为是"),
    ("notes", "备注", 30, "可空"),
]
HEADER_ALIASES = {
    "单位编码": "code", "代码": "code", "单位名称": "name", "承办单位": "name", "单位类型": "kind",
    "上级单位": "parent_code", "上级编码": "parent_code", "电话": "phone", "手机": "phone",
    "是否启用": "active", "状态": "active",
}
SHEET_TITLE = "承办单位"
TEMPLATE_NAME = "承办单位导入模板.xlsx"
TRUE_TEXT = {"是", "启用", "1", "true", "True", "TRUE", "y", "Y", "yes", "√", "有", ""}
FALSE_TEXT = {"否", "停用", "0", "false", "False", "FALSE", "n", "N", "no", "×", "无"}


@dataclass(frozen=True)
class ImportProblem:
    row: int  # Excel row number (1-based)
    column: str  # e.g. "C（类型）"; empty for whole-row problems
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f" {self.column}列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class ParsedUnits:
    drafts: dict[int, UnitDraft] = field(default_factory=dict)  # Excel row → draft (good rows)
    problems: list[ImportProblem] = field(default_factory=list)
    total_rows: int = 0

    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}


def _col_label(idx: int, header: str) -> str:
    return f"{column_letter(idx)}（{header}）"


def parse_units_workbook(path: str | Path) -> ParsedUnits:
    """Read and check every row; nothing is written. Cross-table checks are the service's."""
    rows = read_rows(path)
    out = ParsedUnits()
    header_idx = next((i for i, r in enumerate(rows) if any(cell_text(c) for c in r)), None)
    if header_idx is None:
        out.problems.append(ImportProblem(1, "", "工作表是空的，未找到表头"))
        return out
    header = [cell_text(c) for c in rows[header_idx]]
    known = {h: f for f, h, _, _ in COLUMNS} | HEADER_ALIASES
    colmap: dict[str, int] = {}
    for i, h in enumerate(header):
        key = known.get(h.replace(" ", ""))
        if key and key not in colmap:
            colmap[key] = i
    for need, label in (("code", "编码"), ("name", "名称"), ("kind", "类型")):
        if need not in colmap:
            out.problems.append(ImportProblem(header_idx + 1, "", f"缺少必需的列“{label}”"))
    if out.problems:
        return out
    seen: dict[str, int] = {}
    for i in range(header_idx + 1, len(rows)):
        raw = rows[i]
        excel_row = i + 1
        vals = {f: cell_text(raw[c]) if c < len(raw) else "" for f, c in colmap.items()}
        if not any(vals.values()):
            continue
        out.total_rows += 1
        problems: list[ImportProblem] = []
        active_text = vals.get("active", "")
        if active_text in TRUE_TEXT:
            active = True
        elif active_text in FALSE_TEXT:
            active = False
        else:
            active = True
            problems.append(
                ImportProblem(excel_row, _col_label(colmap["active"], "启用"), f"“{active_text}”应为 是 或 否")
            )
        draft = UnitDraft(
            code=vals.get("code", ""), name=vals.get("name", ""), kind=vals.get("kind", ""),
            parent_code=vals.get("parent_code") or None, contact=vals.get("contact", ""),
            phone=vals.get("phone", ""), active=active, notes=vals.get("notes", ""),
        )
        clean, errs = validate_draft(draft)
        for fld, msg in errs.errors.items():
            idx = colmap.get(fld)
            label = dict((f, h) for f, h, _, _ in COLUMNS)[fld]
            problems.append(ImportProblem(excel_row, _col_label(idx, label) if idx is not None else "", msg))
        if clean.code and "code" not in errs.errors:
            if clean.code in seen:
                problems.append(
                    ImportProblem(
                        excel_row, _col_label(colmap["code"], "编码"),
                        f"编码“{clean.code}”与第 {seen[clean.code]} 行重复",
                    )
                )
            else:
                seen[clean.code] = excel_row
        if problems:
            out.problems.extend(problems)
        else:
            out.drafts[excel_row] = clean
    if out.total_rows == 0:
        out.problems.append(ImportProblem(header_idx + 2, "", "表中没有任何单位数据"))
    return out


def _styled_workbook(rows: list[UnitRow] | None):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    thin = Side(style="thin", color="999999")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for i, (_, header, width, _) in enumerate(COLUMNS):
        c = ws.cell(row=1, column=i + 1, value=header)
        c.font = Font(bold=True)
        c.fill = head_fill
        c.alignment = Alignment(horizontal="center", vertical="center")
        c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[column_letter(i)].width = width
    ws.freeze_panes = "A2"
    kinds = DataValidation(type="list", formula1='"' + ",".join(KIND_LABELS.values()) + '"', allow_blank=False)
    kinds.error = "请从列表中选择单位类型"
    ws.add_data_validation(kinds)
    kinds.add("C2:C5000")
    yn = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(yn)
    yn.add("G2:G5000")
    for r, row in enumerate(rows or [], start=2):
        values = [
            row.code, row.name, row.kind.label, row.parent_code or "", row.contact, row.phone,
            "是" if row.active else "否", row.notes,
        ]
        for c, v in enumerate(values, start=1):
            set_text(ws.cell(row=r, column=c), v)
    ws.auto_filter.ref = f"A1:{column_letter(len(COLUMNS) - 1)}{max(1, len(rows or []) + 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 60
    help_ws.append(["列", "说明"])
    for _, header, _, text in COLUMNS:
        help_ws.append([header, text])
    help_ws.append([])
    help_ws.append(["导入规则", "整表先校验：有任何错误时列出行号、列和原因，不写入任何数据；编码已存在的单位将被更新。"])
    return wb


def write_units_workbook(path: str | Path, rows: list[UnitRow]) -> Path:
    p = Path(path)
    wb = _styled_workbook(rows)
    with atomic_write(p) as tmp:
        wb.save(tmp)
    return p


def write_units_template(path: str | Path) -> Path:
    return write_units_workbook(path, [])


def kind_from_any(text: str) -> UnitKind:
    return UnitKind.parse(text)
