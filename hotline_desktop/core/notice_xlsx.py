"""The 督办通知 register as an xlsx workbook: formula-safe text, A4 landscape, one page wide."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.notices import cn_date
from hotline_desktop.core.workdays import years_note
from hotline_desktop.core.xlsx import MAX_ROW_HEIGHT, column_letter, print_setup, set_text

FONT_NAME = "宋体"
# (heading, width in characters)
COLUMNS: tuple[tuple[str, float], ...] = (
    ("编号", 15), ("承办单位", 22), ("渠道", 10), ("督办方式", 9), ("下达时间", 14), ("督办时限", 10),
    ("办结时限", 14), ("原办结时限", 14), ("状态", 10), ("督办进度", 9), ("办结日期", 14),
    ("督办内容", 40), ("关联工单", 18), ("办理结果", 30), ("备注", 18),
)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped 9-pt cell needs (a CJK character takes about 1.6 width units, others 0.9)."""
    total = 0
    for part in (text or "").split("\n"):
        cols = sum(1.6 if ord(ch) > 0x2E7F else 0.9 for ch in part)
        total += max(1, math.ceil(cols / max(1.0, width - 1.5)))
    return total


def register_cells(v: Any) -> list[str]:
    """One register row as the texts of COLUMNS (a services.notices.NoticeView)."""
    r = v.row
    notes = [x for x in (r.notes, f"作废原因：{r.void_reason}" if r.voided else "", v.note or "") if x]
    return [
        r.number, r.unit_name, r.channel.label, r.level.label, cn_date(r.issued), r.deadline_text, cn_date(r.due),
        cn_date(r.original_due) if r.extended else "", v.status.label, v.escalation.label, cn_date(r.completed),
        r.content, "、".join(r.orders), r.result, "；".join(notes),
    ]


def write_register_xlsx(views: Sequence[Any], path: str | Path, *, year: int | None, office: str,
                        as_of: date) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年督办通知" if year else "督办通知"
    n_cols = len(COLUMNS)
    last = column_letter(n_cols - 1)
    title = f"{office}{year}年督办通知登记表" if year else f"{office}督办通知登记表"
    ws.merge_cells(f"A1:{last}1")
    set_text(ws["A1"], title)
    ws["A1"].font = Font(name=FONT_NAME, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.merge_cells(f"A2:{last}2")
    set_text(ws["A2"], f"状态统计截至 {cn_date(as_of)}　共 {len(views)} 件")
    ws["A2"].font = Font(name=FONT_NAME, size=10)
    ws["A2"].alignment = Alignment(horizontal="right")
    thin = Side(style="thin", color="555555")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="EEEEEE")
    overdue_fill = PatternFill("solid", fgColor="F8D7D7")
    soon_fill = PatternFill("solid", fgColor="FCEBC8")
    for j, (heading, width) in enumerate(COLUMNS):
        c = ws.cell(3, j + 1)
        set_text(c, heading)
        c.font = Font(name=FONT_NAME, size=10, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
        c.fill = head_fill
        ws.column_dimensions[column_letter(j)].width = width
    body_font = Font(name=FONT_NAME, size=9)
    wrap = Alignment(vertical="top", wrap_text=True)
    assumed: list[int] = []
    for i, v in enumerate(views):
        fill = overdue_fill if v.status.value == "overdue" else soon_fill if v.status.value == "due_soon" else None
        for j, text in enumerate(register_cells(v)):
            c = ws.cell(4 + i, j + 1)
            set_text(c, text)
            c.font = body_font
            c.alignment = wrap
            c.border = border
            if fill is not None:
                c.fill = fill
        # Wrapped text does not grow a row when the file is printed: give each row its height.
        lines = max(_lines(text, width) for text, (_h, width) in zip(register_cells(v), COLUMNS, strict=True))
        ws.row_dimensions[4 + i].height = min(MAX_ROW_HEIGHT, max(15, 11.5 * lines + 3))
        assumed.extend(v.assumed)
    note = years_note(assumed)
    if note:
        foot = 4 + len(views) + 1
        set_text(ws.cell(foot, 1), f"注：{note}（相关通知的办结时限按此计算）")
        ws.cell(foot, 1).font = Font(name=FONT_NAME, size=9)
    ws.freeze_panes = "B4"
    print_setup(ws, "3:3", paged=True)
    out = Path(path)
    with atomic_write(out) as tmp:
        wb.save(tmp)
    return out
