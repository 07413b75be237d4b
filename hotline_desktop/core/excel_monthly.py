"""The monthly-figures workbook: template (with the units and, optionally, their values) and
the parsing half of an import. Validated whole; problems name row, column and reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.domain import code_key
from hotline_desktop.core.excel_units import (
    HEADER_SCAN,
    ImportProblem,
    code_cell_problem,
    find_header,
    header_columns,
    header_text,
)
from hotline_desktop.core.text import clip
from hotline_desktop.core.xlsx import cell_text, column_letter, print_setup, read_sheet, set_text

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
    fatal: bool = False  # a problem of the whole file (header, month, scheme): no row can be imported

    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}


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
                value = _excel_value(inp, v)
                if isinstance(value, str):
                    set_text(ws.cell(row=r, column=c), value)
                else:
                    ws.cell(row=r, column=c, value=value)
    ws.freeze_panes = ws.cell(row=HEAD_ROW + 1, column=len(FIXED) + 1)
    print_setup(ws, f"{HEAD_ROW}:{HEAD_ROW}")
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


def _month_text(value) -> str:
    """B1 as YYYY-MM, also when Excel turned the typed 2025-01 into a date."""
    if isinstance(value, datetime.date):
        return f"{value.year}-{value.month:02d}"
    return cell_text(value)


def _read_title_row(first_row, scheme, month: str, out: ParsedMonth) -> None:
    """Row 1 (考核月份 / 考核方案) of a template: a file for another month or scheme is fatal."""
    first = [cell_text(c) for c in first_row] + ["", "", "", ""]
    if first[0] != "考核月份":
        return
    out.month, out.scheme_id = _month_text(first_row[1]) if len(first_row) > 1 else None, first[3] or None
    out.month = out.month or None
    if out.month and out.month != month:
        out.problems.append(ImportProblem(
            1, "B（考核月份）", f"文件是 {clip(out.month, 20)} 的数据，当前选择的是 {month}"))
        out.fatal = True
    if out.scheme_id and out.scheme_id != scheme.id:
        out.problems.append(ImportProblem(
            1, "D（考核方案）", f"文件用于方案 {clip(out.scheme_id)}，当前方案是 {scheme.id}"))
        out.fatal = True


def _header_names(scheme) -> tuple[dict[str, object], dict[str, str]]:
    """(header → monthly input, header → column key) of every name a column may carry."""
    by_header: dict[str, object] = {}
    for inp in scheme.monthly_inputs:
        for name in (input_header(inp), inp.label, inp.key):
            by_header[name.replace(" ", "")] = inp
    known = {"单位编码": "code", "编码": "code", "单位名称": "name", "名称": "name", "序号": "seq"}
    known |= {h: inp.key for h, inp in by_header.items()}
    return by_header, known


def _input_columns(head, known, by_header, colmap, head_row: int, out: ParsedMonth) -> list[tuple[int, object]]:
    """(column index, input) of the header's input columns; a column the scheme lacks is fatal."""
    cols: list[tuple[int, object]] = []
    for i, h in enumerate(header_text(c) for c in head):
        if not h or known.get(h) in ("code", "name", "seq"):
            continue
        inp = by_header.get(h)
        if inp is None:
            out.problems.append(ImportProblem(head_row, f"{column_letter(i)}（{clip(h, 20)}）", "方案中没有这一列"))
            out.fatal = True
        elif colmap.get(inp.key) == i:
            cols.append((i, inp))
    return cols


@dataclass
class _MonthRows:
    """The data rows below the header: each row's unit, then its input cells."""

    sheet: object
    cols: list[tuple[int, object]]
    code_col: int
    by_name: bool
    name_to_code: object
    by_key: dict[str, str]
    out: ParsedMonth
    seen: dict[str, int] = field(default_factory=dict)

    @property
    def where_code(self) -> str:
        return f"{column_letter(self.code_col)}（{'单位名称' if self.by_name else '单位编码'}）"

    def read(self, r: int) -> None:
        raw = self.sheet.rows[r]
        width = len(raw)
        code = cell_text(raw[self.code_col]) if self.code_col < width else ""
        sheet = self.sheet
        special = [(i, inp, sheet.problem(r, i)) for i, inp in self.cols if sheet.special and sheet.problem(r, i)]
        if not code and not special and not any(cell_text(raw[i]) for i, _ in self.cols if i < width):
            return
        self.out.rows += 1
        unit = self._unit(r, raw, code)
        if unit is not None:
            self._cells(r + 1, raw, unit, special)

    def _problem(self, excel_row: int, reason: str) -> None:
        self.out.problems.append(ImportProblem(excel_row, self.where_code, reason))

    def _unit(self, r: int, raw, code: str) -> str | None:
        """The row's unit code from the roster; None (the problem listed) when it has none."""
        excel_row = r + 1
        if not code:
            self._problem(excel_row, self.sheet.problem(r, self.code_col) or "单位编码为空")
            return None
        if self.by_name:
            name, code = code, self.name_to_code(code)
            if code is None:
                self._problem(excel_row, f"名册中找不到单位“{clip(name)}”（可在导入工单明细时保存单位别名）")
                return None
        else:
            reason = code_cell_problem(raw[self.code_col])
            if reason:
                self._problem(excel_row, reason)
                return None
        unit = self.by_key.get(code_key(code))
        if unit is None:
            self._problem(excel_row, f"没有编码为“{clip(code)}”的参评单位")
            return None
        if code_key(code) in self.seen:
            self._problem(excel_row, f"单位“{clip(code)}”与第 {self.seen[code_key(code)]} 行重复")
            return None
        self.seen[code_key(code)] = excel_row
        return unit

    def _cells(self, excel_row: int, raw, unit: str, special) -> None:
        out = self.out
        for i, inp, why in special:
            out.problems.append(ImportProblem(excel_row, f"{column_letter(i)}（{inp.label}）", why))
        bad = {i for i, _inp, _why in special}
        width = len(raw)
        for i, inp in self.cols:
            if i in bad:
                continue
            text = cell_text(raw[i]) if i < width else ""
            if text:
                try:
                    inp.parse(text)
                except ValueError as e:
                    out.problems.append(ImportProblem(excel_row, f"{column_letter(i)}（{inp.label}）", str(e)))
                    continue
            out.cells.append((excel_row, unit, inp.key, text))


def parse_month_workbook(path: str | Path, scheme, unit_codes: set[str], month: str,
                         name_to_code=None) -> ParsedMonth:
    """The month's template workbook, checked cell by cell. With `name_to_code` (unit name → code,
    or None) a sheet without a 单位编码 column is read by its 单位名称 column instead, as the
    platform's own monthly report is."""
    sheet = read_sheet(path)
    rows = sheet.rows
    out = ParsedMonth()
    if not rows:
        out.problems.append(ImportProblem(1, "", "工作表是空的"))
        out.fatal = True
        return out
    _read_title_row(rows[0], scheme, month, out)
    by_header, known = _header_names(scheme)
    head_idx = find_header(rows, known, "code")
    by_name = False
    if head_idx is None and name_to_code is not None:
        head_idx = find_header(rows, known, "name")
        by_name = head_idx is not None
    if head_idx is None:
        out.problems.append(ImportProblem(1, "", f"未找到表头：前 {HEADER_SCAN} 行中没有“单位编码”列"))
        out.fatal = True
        return out
    colmap = header_columns(rows[head_idx], known, head_idx + 1, out.problems)
    if out.problems and any(p.row == head_idx + 1 for p in out.problems):
        out.fatal = True
    cols = _input_columns(rows[head_idx], known, by_header, colmap, head_idx + 1, out)
    data = _MonthRows(sheet, cols, colmap["name" if by_name else "code"], by_name, name_to_code,
                      {code_key(c): c for c in unit_codes}, out)
    for r in range(head_idx + 1, len(rows)):
        data.read(r)
    if out.rows == 0:
        out.problems.append(ImportProblem(head_idx + 2, "", "表中没有任何数据行"))
        out.fatal = True
    return out
