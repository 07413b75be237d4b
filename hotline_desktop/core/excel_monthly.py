"""The monthly-figures workbook: template (with the units and, optionally, their values) and
the parsing half of an import. Validated whole; problems name row, column and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.excel_units import ImportProblem
from hotline_desktop.core.xlsx import cell_text, column_letter, read_rows, set_text

HEAD_ROW = 3  # Excel row of the column headers; data starts below
FIXED = [("code", "单位编码", 11), ("name", "单位名称", 22)]


def input_header(inp) -> str:
    return f"{inp.label}（{inp.unit}）" if inp.unit else inp.label


@dataclass
class ParsedMonth:
    month: str | None = None
    scheme_id: str | None = None
    # (excel row, unit code, key) → typed text ("" clears)
    cells: list[tuple[int, str, str, str]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    rows: int = 0


def write_month_workbook(path: str | Path, scheme, month: str, units: list, values: dict | None = None) -> Path:
    """units: rows with .code/.name; values: (code, key) → text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    values = values or {}
    inputs = list(scheme.monthly_inputs)
    wb = Workbook()
    ws = wb.active
    ws.title = "月度数据"
    ws["A1"] = "考核月份"
    set_text(ws["B1"], month)
    ws["C1"] = "考核方案"
    set_text(ws["D1"], scheme.id)
    ws["E1"] = scheme.title
    ws["A2"] = "说明：每行一个单位；比率填百分数（如 98.5），数量填整数；空格表示未填。请勿修改第 1 行和表头。"
    ws["A2"].font = Font(color="666666", size=9)
    thin = Side(style="thin", color="999999")
    fill = PatternFill("solid", fgColor="DDEBF7")
    headers = [h for _, h, _ in FIXED] + [input_header(i) for i in inputs]
    for c, h in enumerate(headers, start=1):
        cell = ws.cell(row=HEAD_ROW, column=c, value=h)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[column_letter(c - 1)].width = FIXED[c - 1][2] if c <= len(FIXED) else 11
    ws.row_dimensions[HEAD_ROW].height = 42
    for r, u in enumerate(units, start=HEAD_ROW + 1):
        set_text(ws.cell(row=r, column=1), u.code)
        set_text(ws.cell(row=r, column=2), u.name)
        for c, inp in enumerate(inputs, start=len(FIXED) + 1):
            v = values.get((u.code, inp.key))
            if v not in (None, ""):
                ws.cell(row=r, column=c, value=_excel_value(inp, v))
    ws.freeze_panes = ws.cell(row=HEAD_ROW + 1, column=len(FIXED) + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW}"
    p = Path(path)
    with atomic_write(p) as tmp:
        wb.save(tmp)
    return p


def _excel_value(inp, text: str):
    from decimal import Decimal, InvalidOperation

    if inp.kind in ("rate", "count", "manual"):
        try:
            d = Decimal(text)
            return int(d) if d == d.to_integral_value() else float(d)
        except InvalidOperation:
            return text
    return text


def parse_month_workbook(path: str | Path, scheme, unit_codes: set[str], month: str) -> ParsedMonth:
    rows = read_rows(path)
    out = ParsedMonth()
    if not rows:
        out.problems.append(ImportProblem(1, "", "工作表是空的"))
        return out
    first = [cell_text(c) for c in rows[0]] + ["", "", "", ""]
    if first[0] == "考核月份":
        out.month, out.scheme_id = first[1] or None, first[3] or None
        if out.month and out.month != month:
            out.problems.append(ImportProblem(1, "B（考核月份）", f"文件是 {out.month} 的数据，当前选择的是 {month}"))
        if out.scheme_id and out.scheme_id != scheme.id:
            out.problems.append(ImportProblem(1, "D（考核方案）", f"文件用于方案 {out.scheme_id}，当前方案是 {scheme.id}"))
    head_idx = next(
        (i for i, r in enumerate(rows[:10]) if any(cell_text(c) in ("单位编码", "编码") for c in r)), None
    )
    if head_idx is None:
        out.problems.append(ImportProblem(HEAD_ROW, "", "未找到表头（需要“单位编码”列）"))
        return out
    by_header = {}
    for inp in scheme.monthly_inputs:
        for name in (input_header(inp), inp.label, inp.key):
            by_header[name.replace(" ", "")] = inp
    header = [cell_text(c).replace(" ", "").replace("\n", "") for c in rows[head_idx]]
    code_col = next(i for i, h in enumerate(header) if h in ("单位编码", "编码"))
    cols: list[tuple[int, object]] = []
    for i, h in enumerate(header):
        if i == code_col or not h or h in ("单位名称", "名称", "序号"):
            continue
        inp = by_header.get(h)
        if inp is None:
            out.problems.append(ImportProblem(head_idx + 1, f"{column_letter(i)}（{h}）", "方案中没有这一列"))
        else:
            cols.append((i, inp))
    seen: dict[str, int] = {}
    for r in range(head_idx + 1, len(rows)):
        raw = rows[r]
        excel_row = r + 1
        code = cell_text(raw[code_col]) if code_col < len(raw) else ""
        if not code and not any(cell_text(raw[i]) for i, _ in cols if i < len(raw)):
            continue
        out.rows += 1
        where_code = f"{column_letter(code_col)}（单位编码）"
        if not code:
            out.problems.append(ImportProblem(excel_row, where_code, "单位编码为空"))
            continue
        if code not in unit_codes:
            out.problems.append(ImportProblem(excel_row, where_code, f"没有编码为“{code}”的参评单位"))
            continue
        if code in seen:
            out.problems.append(ImportProblem(excel_row, where_code, f"单位“{code}”与第 {seen[code]} 行重复"))
            continue
        seen[code] = excel_row
        for i, inp in cols:
            text = cell_text(raw[i]) if i < len(raw) else ""
            if text:
                try:
                    inp.parse(text)
                except ValueError as e:
                    out.problems.append(ImportProblem(excel_row, f"{column_letter(i)}（{inp.label}）", str(e)))
                    continue
            out.cells.append((excel_row, code, inp.key, text))
    if out.rows == 0:
        out.problems.append(ImportProblem(head_idx + 2, "", "表中没有任何数据行"))
    return out
