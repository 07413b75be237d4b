"""The units workbook: template, export and the parsing half of an import (validated whole)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.domain import KIND_LABELS, UnitDraft, UnitKind, UnitRow, code_key, validate_draft
from hotline_desktop.core.text import clip
from hotline_desktop.core.xlsx import cell_text, column_letter, print_setup, read_sheet, set_text

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


OPTIONAL = ("parent_code", "contact", "phone", "active", "notes")  # may be left empty
HEADER_SCAN = 50  # rows searched for the header


@dataclass
class ParsedUnits:
    drafts: dict[int, UnitDraft] = field(default_factory=dict)  # Excel row → draft (good rows)
    # Excel row → optional fields whose cell is empty; `absent`: optional fields with no column
    blanks: dict[int, frozenset[str]] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    columns: dict[str, int] = field(default_factory=dict)  # field → column index in the file

    def where(self, fld: str) -> str:
        """The column label of a field, as problems show it: "D（上级单位编码）"."""
        idx = self.columns.get(fld)
        return "" if idx is None else _col_label(idx, dict((f, h) for f, h, _, _ in COLUMNS)[fld])
    problems: list[ImportProblem] = field(default_factory=list)
    total_rows: int = 0

    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}


def _col_label(idx: int, header: str) -> str:
    return f"{column_letter(idx)}（{clip(header, 20)}）"


def find_header(rows: list[list], wanted: dict[str, str], required: str | None, *,
                limit: int = HEADER_SCAN) -> int | None:
    """Index of the first row (within `limit`) naming the `required` column (None: any wanted
    column); headers are matched without spaces and line breaks. One rule for every import's header row."""
    for i, r in enumerate(rows[:limit]):
        if any((f := wanted.get(header_text(c))) is not None and (required is None or f == required) for c in r):
            return i
    return None


def header_text(value) -> str:
    return cell_text(value).replace(" ", "").replace("\n", "").replace("\u3000", "")


def header_columns(header: list, known: dict[str, str], excel_row: int,
                   problems: list[ImportProblem]) -> dict[str, int]:
    """field → column index; a column that appears twice is a file error (it would hide values)."""
    colmap: dict[str, int] = {}
    for i, h in enumerate(header):
        key = known.get(header_text(h))
        if key is None:
            continue
        if key in colmap:
            first = colmap[key]
            problems.append(ImportProblem(
                excel_row, _col_label(i, header_text(h)),
                f"列“{clip(header_text(h), 20)}”重复出现（{column_letter(first)} 列和 {column_letter(i)} 列），"
                "无法确定用哪一列",
            ))
        else:
            colmap[key] = i
    return colmap


def code_cell_problem(value) -> str | None:
    """A code must be typed as text: a number or date cell loses leading zeros or becomes 2025-01-02."""
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, bool):
        kind = "逻辑值"
    elif isinstance(value, int | float):
        kind = "数字"
    else:
        kind = "日期或时间"
    return f"编码应为文本，这个单元格是{kind}（{clip(cell_text(value), 20)}）：请把该列设为文本格式后重新填写"


class _UnitRows:
    """The data rows below the header, each read into a checked draft or its problems."""

    def __init__(self, sheet, colmap: dict[str, int]):
        self.sheet = sheet
        self.colmap = colmap
        self.fields = list(colmap.items())
        self.labels = {f: h for f, h, _, _ in COLUMNS}
        self.seen: dict[str, int] = {}  # code key → the Excel row that has it

    def read(self, i: int) -> tuple[dict[str, str], UnitDraft, list[ImportProblem]] | None:
        """(cell texts by field, the cleaned draft, its problems) of row i; None for an empty row."""
        raw = self.sheet.rows[i]
        excel_row = i + 1
        width = len(raw)
        vals = {f: cell_text(raw[c]) if c < width else "" for f, c in self.fields}
        sheet = self.sheet
        cell_problems = [(f, c, sheet.problem(i, c)) for f, c in self.fields if sheet.problem(i, c)] if sheet.special else []
        if not any(vals.values()) and not cell_problems:
            return None
        problems: list[ImportProblem] = [
            ImportProblem(excel_row, _col_label(c, self.labels[f]), reason) for f, c, reason in cell_problems
        ]
        self._code_cells(raw, vals, excel_row, problems)
        active = self._active(vals, excel_row, problems)
        draft = UnitDraft(
            code=vals.get("code", ""), name=vals.get("name", ""), kind=vals.get("kind", ""),
            parent_code=vals.get("parent_code") or None, contact=vals.get("contact", ""),
            phone=vals.get("phone", ""), active=active, notes=vals.get("notes", ""),
        )
        return vals, self._checked(draft, excel_row, problems), problems

    def _code_cells(self, raw, vals: dict[str, str], excel_row: int, problems: list[ImportProblem]) -> None:
        for f in ("code", "parent_code"):
            c = self.colmap.get(f)
            if c is not None and c < len(raw) and vals[f]:
                reason = code_cell_problem(raw[c])
                if reason:
                    problems.append(ImportProblem(excel_row, _col_label(c, self.labels[f]), reason))

    def _active(self, vals: dict[str, str], excel_row: int, problems: list[ImportProblem]) -> bool:
        active_text = vals.get("active", "")
        if active_text in TRUE_TEXT:
            return True
        if active_text in FALSE_TEXT:
            return False
        problems.append(ImportProblem(
            excel_row, _col_label(self.colmap["active"], "启用"), f"“{clip(active_text)}”应为 是 或 否"))
        return True

    def _checked(self, draft: UnitDraft, excel_row: int, problems: list[ImportProblem]) -> UnitDraft:
        """The draft validated (a field's problem once per column) and its code checked for repeats."""
        clean, errs = validate_draft(draft)
        bad_fields = {p.column for p in problems}
        for fld, msg in errs.errors.items():
            idx = self.colmap.get(fld)
            where = _col_label(idx, self.labels[fld]) if idx is not None else ""
            if where not in bad_fields:
                problems.append(ImportProblem(excel_row, where, msg))
        if clean.code and "code" not in errs.errors:
            key = code_key(clean.code)
            if key in self.seen:
                problems.append(ImportProblem(
                    excel_row, _col_label(self.colmap["code"], "编码"),
                    f"编码“{clip(clean.code)}”与第 {self.seen[key]} 行重复（编码不区分大小写）",
                ))
            else:
                self.seen[key] = excel_row
        return clean


def no_header_problem(rows, wanted: str) -> ImportProblem:
    """Why no header row was found: the sheet is empty, or none of its first rows names `wanted`."""
    if not any(cell_text(c) for r in rows[:HEADER_SCAN] for c in r):
        return ImportProblem(1, "", "工作表是空的，未找到表头")
    return ImportProblem(1, "", f"未找到表头：前 {HEADER_SCAN} 行中没有{wanted}")


def missing_columns(colmap, required, excel_row: int) -> list[ImportProblem]:
    """A problem for each required (field, header) the header row has no column of."""
    return [ImportProblem(excel_row, "", f"缺少必需的列“{label}”") for need, label in required if need not in colmap]


def parse_units_workbook(path: str | Path) -> ParsedUnits:
    """Read and check every row; nothing is written. Cross-table checks are the service's."""
    sheet = read_sheet(path)
    rows = sheet.rows
    out = ParsedUnits()
    known = {h: f for f, h, _, _ in COLUMNS} | HEADER_ALIASES
    header_idx = find_header(rows, known, "code")
    if header_idx is None:
        out.problems.append(no_header_problem(rows, "“编码”列（表头需要 编码、名称、类型）"))
        return out
    colmap = header_columns(rows[header_idx], known, header_idx + 1, out.problems)
    out.columns = dict(colmap)
    out.problems += missing_columns(colmap, (("code", "编码"), ("name", "名称"), ("kind", "类型")), header_idx + 1)
    if out.problems:
        return out
    out.absent = frozenset(f for f in OPTIONAL if f not in colmap)
    present = [f for f in OPTIONAL if f in colmap]
    data = _UnitRows(sheet, colmap)
    for i in range(header_idx + 1, len(rows)):
        row = data.read(i)
        if row is None:
            continue
        out.total_rows += 1
        vals, clean, problems = row
        if problems:
            out.problems.extend(problems)
        else:
            out.drafts[i + 1] = clean
            out.blanks[i + 1] = frozenset(f for f in present if not vals[f])
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
    print_setup(ws, "1:1")
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 60
    help_ws.append(["列", "说明"])
    for _, header, _, text in COLUMNS:
        help_ws.append([header, text])
    help_ws.append([])
    help_ws.append(["导入规则", "整表先校验：有任何错误时列出行号、列和原因，不写入任何数据；编码已存在的单位将被更新"
                            "（编码不区分大小写）。可空的列留空时保留原有内容，除非导入时选择“用空白覆盖”。"])
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
