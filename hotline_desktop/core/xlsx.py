"""Small helpers shared by every Excel import and export (no Qt)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@")


def column_letter(index0: int) -> str:
    s, n = "", index0 + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def set_text(cell, value: Any) -> None:
    """Write a value as plain text: never a formula, even if it starts with = + - @."""
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"


def read_rows(path: str | Path) -> list[list[Any]]:
    """All rows of the first sheet via python-calamine; raises ValueError with a Chinese message."""
    from python_calamine import CalamineWorkbook

    p = Path(path)
    if not p.is_file():
        raise ValueError(f"找不到文件：{p}")
    try:
        wb = CalamineWorkbook.from_path(str(p))
        sheet = wb.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises several types for bad files
        raise ValueError(f"无法读取 Excel 文件“{p.name}”：{e}") from None


def cell_text(v: Any) -> str:
    """A cell as the operator typed it: 1.0 → "1", None → ""."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return str(Decimal(repr(v)))
    return str(v).strip()
