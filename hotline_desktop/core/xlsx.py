"""Small helpers shared by every Excel import and export (no Qt)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from hotline_desktop.core.sheet_guard import SheetRefused, check_workbook
from hotline_desktop.core.text import clip

MAX_ROW_HEIGHT = 409  # Excel's largest row height, in points


def column_letter(index0: int) -> str:
    s, n = "", index0 + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


# what openpyxl refuses to write (IllegalCharacterError), plus lone surrogates
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
MAX_CELL_TEXT = 32767  # Excel's limit per cell


def writable(text: str) -> str:
    """`text` as a cell can hold it: stored text from before the sanitizer may hold controls."""
    if _UNWRITABLE.search(text):
        text = _UNWRITABLE.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def set_text(cell, value: Any) -> None:
    """Write a value as plain text: never a formula, even if it starts with = + - @; never a
    character the file cannot hold. Every export writes its text cells through here."""
    cell.value = "" if value is None else writable(str(value))
    cell.data_type = "s"


@dataclass
class Sheet:
    """The first sheet of a workbook: its rows as calamine reads them, plus the cells calamine
    shows as empty although they are not (formulas without a value, error cells)."""

    rows: list[list[Any]]
    special: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) → reason

    def problem(self, row0: int, col0: int) -> str | None:
        return self.special.get((row0, col0))


def read_sheet(path: str | Path) -> Sheet:
    """The first sheet, read only after the guard passed it; SheetRefused (a ValueError) otherwise."""
    from python_calamine import CalamineWorkbook

    p = Path(path)
    scan = check_workbook(p)
    try:
        wb = CalamineWorkbook.from_path(str(p))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises several types for bad files, all with English text
        raise SheetRefused(f"文件“{clip(p.name, 60)}”已损坏或不是有效的 Excel 工作簿（.xlsx）") from None
    return Sheet(rows, scan.special)


def read_rows(path: str | Path) -> list[list[Any]]:
    """All rows of the first sheet (see read_sheet)."""
    return read_sheet(path).rows


def cell_text(v: Any) -> str:
    """A cell as the operator typed it: 1.0 → "1", None → ""."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:  # (1e308 as its 309 digits would be named 数字过长)
            return str(int(v))
        return str(Decimal(repr(v)))
    return str(v).strip()


def print_setup(ws, title_rows: str, *, paged: bool = False) -> None:
    """Landscape A4, one page wide, rows `title_rows` ("3:3") repeated on every printed page.
    `paged` (the registers and rankings): centred, narrow side margins, 第 n 页 共 m 页 at the foot."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if paged:
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
