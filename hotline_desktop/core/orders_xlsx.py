"""Drill-down and reconcile workbooks for 工单明细 figures (what the office sends a unit). No Qt."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.xlsx import column_letter, print_setup, set_text


def write_sheets(path: str | Path, sheets: Sequence[tuple[str, Sequence[str], Sequence[str], Sequence[Sequence]]]) -> Path:
    """sheets: (title, intro lines, headers, rows); every cell is written as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for title, intro, headers, rows in sheets:
        ws = wb.create_sheet(title[:31])
        r = 1
        for line in intro:
            set_text(ws.cell(row=r, column=1), line)
            ws.cell(row=r, column=1).font = Font(bold=r == 1)
            r += 1
        head = r
        widths = [len(h) * 2 + 2 for h in headers]
        for c, h in enumerate(headers, 1):
            cell = ws.cell(row=head, column=c, value=h)
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in rows:
            r += 1
            for c, v in enumerate(row, 1):
                set_text(ws.cell(row=r, column=c), v)
                widths[c - 1] = max(widths[c - 1], min(40, len(str(v)) + 2))
        for c, w in enumerate(widths):
            ws.column_dimensions[column_letter(c)].width = max(8, w)
        ws.freeze_panes = ws.cell(row=head + 1, column=1)
        print_setup(ws, f"{head}:{head}")
    p = Path(path)
    with atomic_write(p) as tmp:
        wb.save(tmp)
    return p
