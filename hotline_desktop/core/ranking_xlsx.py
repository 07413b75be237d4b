"""Ranking tables to Excel (openpyxl, no Qt): the seed's layout, ready to print.

One sheet per table: the title merged across, a subtitle (scheme, period, 制表日期), the two
header rows with their merges and wrapped rule texts, the body with numbers as numbers
(format ``0.00``), thin borders, a CJK font; A4 landscape, one page wide, header rows repeated
on every page, panes frozen below the headers and after the name column. Written to a temporary
file first and renamed, so a failed or cancelled export leaves nothing behind.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.ranking_table import ExportCancelled, RankingTable, display_width
from hotline_desktop.core.xlsx import column_letter, print_setup, set_text

__all__ = ["write_ranking_xlsx", "FONT_NAME"]

FONT_NAME = "宋体"
TITLE_PT = 16
SUBTITLE_PT = 10
HEAD_PT = 10
RULE_PT = 9
BODY_PT = 10
FIRST_HEADER_ROW = 3  # row 1 title, row 2 subtitle

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_F_TITLE = Font(name=FONT_NAME, size=TITLE_PT, bold=True)
_F_SUB = Font(name=FONT_NAME, size=SUBTITLE_PT)
_F_HEAD = Font(name=FONT_NAME, size=HEAD_PT, bold=True)
_F_RULE = Font(name=FONT_NAME, size=RULE_PT)
_F_BODY = Font(name=FONT_NAME, size=BODY_PT)
_F_NOTE = Font(name=FONT_NAME, size=RULE_PT)
_F_NOTE_HEAD = Font(name=FONT_NAME, size=SUBTITLE_PT, bold=True)
_A_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_A_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_A_RULE = Alignment(horizontal="left", vertical="center", wrap_text=True)
_A_NOTE = Alignment(horizontal="left", vertical="top", wrap_text=True)
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_BODY_ROW_PT = 18.0

Progress = Callable[[int], None]


def _lines(text: str, width_units: float, pt: float) -> int:
    """Lines a wrapped text needs in a column ``width_units`` wide (Excel character units)."""
    if not text:
        return 1
    # one half-width display unit of a pt-sized font ≈ 0.5 em; the width unit is the '0' of
    # the 11 pt default font (7 px at 96 dpi); keep ~1 unit for cell padding.
    per_unit = pt * 96 / 72 / 2 / 7
    usable = max(width_units - 1.2, 1.0)
    total = 0
    for part in text.split("\n"):
        total += max(1, math.ceil(display_width(part) * per_unit / usable))
    return total


def _heading(text: str, width_units: float, pt: float) -> str:
    """Break a heading before its （…分） part when it does not fit on one line."""
    if _lines(text, width_units, pt) <= 1 or "（" not in text or text.index("（") == 0:
        return text
    i = text.rindex("（")
    return f"{text[:i]}\n{text[i:]}"


def _line_pt(pt: float) -> float:
    return pt * 1.32


def _write_title(ws, table: RankingTable, last: str) -> None:
    """Row 1 the title (centred), row 2 the subtitle (right), each merged across the table."""
    for row, text, font, align, height in ((1, table.title, _F_TITLE, "center", 30),
                                           (2, table.subtitle, _F_SUB, "right", 18)):
        ws.merge_cells(f"A{row}:{last}{row}")
        c = ws.cell(row, 1)
        set_text(c, text)
        c.font = font
        c.alignment = Alignment(horizontal=align, vertical="center")
        ws.row_dimensions[row].height = height


def _write_header(ws, table: RankingTable, widths: list[float]) -> None:
    """The header rows: bordered and filled, merged spans, each row as tall as its tallest text."""
    h0 = FIRST_HEADER_ROW
    for r in range(table.header_rows):
        for col in range(table.n_cols):
            cell = ws.cell(h0 + r, col + 1)
            cell.border = _BORDER
            cell.fill = _HEAD_FILL
    need = [1.0] * table.header_rows
    for h in table.header:
        row = h0 + h.row
        cell = ws.cell(row, h.col + 1)
        rule = h.role == "rule"
        span_w = sum(widths[h.col : h.col + h.colspan])
        text = h.text if rule else _heading(h.text, span_w, HEAD_PT)
        set_text(cell, text)
        cell.font = _F_RULE if rule else _F_HEAD
        cell.alignment = _A_RULE if rule and display_width(h.text) > 2 * widths[h.col] else _A_CENTER
        if h.rowspan > 1 or h.colspan > 1:
            ws.merge_cells(
                start_row=row, start_column=h.col + 1, end_row=row + h.rowspan - 1, end_column=h.col + h.colspan
            )
        pt = RULE_PT if rule else HEAD_PT
        height = _lines(text, span_w, pt) * _line_pt(pt) + 6
        if h.rowspan == 1:
            need[h.row] = max(need[h.row], height)
        else:  # spread over its rows: only add what the rows together lack
            have = sum(need[h.row : h.row + h.rowspan])
            if height > have:
                need[h.row + h.rowspan - 1] += height - have
    for r in range(table.header_rows):
        ws.row_dimensions[h0 + r].height = max(need[r], 20.0)


def _write_body(ws, table: RankingTable, widths: list[float], first_body: int, check: Callable[[], None]) -> None:
    """The unit rows, numbers as numbers; each row as tall as its wrapped name."""
    formats = [c.number_format for c in table.columns]
    aligns = [_A_LEFT if c.align == "left" else _A_CENTER for c in table.columns]
    name_col = table.column_index("name") if any(c.key == "name" for c in table.columns) else -1
    name_w = widths[name_col] if name_col >= 0 else 0
    # Each body cell takes a copy of its column's style (font, border, alignment, number format):
    # setting the four on every cell makes openpyxl hash style objects per cell (20 s at 4,000 units).
    styles: dict[tuple[int, bool], object] = {}

    def style_of(col: int, number: bool):
        st = styles.get((col, number))
        if st is None:
            proto = Cell(ws)  # not placed in the sheet: only its style is taken
            proto.font = _F_BODY
            proto.border = _BORDER
            proto.alignment = aligns[col]
            proto.number_format = (formats[col] or "General") if number else "General"
            st = styles[(col, number)] = copy(proto._style)
        return st

    for i, trow in enumerate(table.rows):
        if i % 200 == 0:
            check()
        r = first_body + i
        tall = 1
        for col, cellv in enumerate(trow.cells):
            cell = ws.cell(r, col + 1)
            v = cellv.value
            number = v is not None and not isinstance(v, str)
            if v is None:
                pass
            elif not number:
                set_text(cell, v)
            else:
                cell.value = v
            cell._style = copy(style_of(col, number))
        if name_col >= 0:
            tall = _lines(trow.name, name_w, BODY_PT)
        ws.row_dimensions[r].height = max(_BODY_ROW_PT, tall * _line_pt(BODY_PT) + 4)


def _write_notes(ws, table: RankingTable, widths: list[float], r: int) -> int:
    """The notes and the footer list from row r, each merged across; returns the row after them."""
    ncol = table.n_cols
    total_w = sum(widths)

    def note(text: str, font: Font) -> None:
        nonlocal r
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        cell = ws.cell(r, 1)
        set_text(cell, text)
        cell.font = font
        cell.alignment = _A_NOTE
        ws.row_dimensions[r].height = _lines(text, total_w, RULE_PT) * _line_pt(RULE_PT) + 4
        r += 1

    for text in table.notes:
        note(text, _F_NOTE)
    if table.footer:
        note(f"{table.footer_title}（{len(table.footer)} 个）：", _F_NOTE_HEAD)
        for entry in table.footer:
            note(entry.text, _F_NOTE)
    return r


def _write_sheet(ws, table: RankingTable, check: Callable[[], None]) -> None:
    last = column_letter(table.n_cols - 1)
    widths = [c.width for c in table.columns]
    for i, w in enumerate(widths):
        ws.column_dimensions[column_letter(i)].width = w
    _write_title(ws, table, last)
    _write_header(ws, table, widths)
    h0 = FIRST_HEADER_ROW
    first_body = h0 + table.header_rows
    _write_body(ws, table, widths, first_body, check)
    r = _write_notes(ws, table, widths, first_body + len(table.rows) + 1)

    # print setup
    ws.freeze_panes = ws.cell(first_body, table.frozen_cols + 1)
    print_setup(ws, f"{h0}:{h0 + table.header_rows - 1}", paged=True)
    ws.print_area = f"A1:{last}{max(r - 1, first_body)}"
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.header = 0.2
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.size = 9
    ws.oddFooter.right.text = f"制表日期：{table.date_text}"
    ws.oddFooter.right.size = 9


def _unique_title(name: str, used: set[str]) -> str:
    title = name or "排名"
    n = 2
    while title in used:
        suffix = f"({n})"
        title = f"{name[: 31 - len(suffix)]}{suffix}"
        n += 1
    used.add(title)
    return title


def write_ranking_xlsx(
    table_or_tables: RankingTable | Sequence[RankingTable],
    path: str | Path,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write one sheet per table; returns the path. Raises ``ExportCancelled`` when cancelled."""
    tables = [table_or_tables] if isinstance(table_or_tables, RankingTable) else list(table_or_tables)
    if not tables:
        raise ValueError("没有可导出的排名表")
    out = Path(path)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled()

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    total_rows = sum(len(t.rows) for t in tables) or 1
    done = 0
    for t in tables:
        check()
        ws = wb.create_sheet(_unique_title(t.sheet_name, used))
        _write_sheet(ws, t, check)
        done += len(t.rows)
        if progress is not None:
            progress(int(90 * done / total_rows))
    check()
    with atomic_write(out) as tmp:
        wb.save(tmp)
        check()
    if progress is not None:
        progress(100)
    return out
