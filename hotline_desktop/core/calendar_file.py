"""The office's calendar file (xlsx or CSV, columns 日期/date, 类型/type, 名称/name), checked whole.

Nothing is written here: `parse_calendar_file` returns the days and every problem per row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hotline_desktop.core.dates import FIRST_YEAR, LAST_DATE, LAST_YEAR, in_app_years
from hotline_desktop.core.excel_units import ImportProblem, missing_columns
from hotline_desktop.core.text import clip
from hotline_desktop.core.workdays import (
    DAY_KIND_LABELS,
    OfficeDay,
    WorkCalendar,
    clean_day_name,
    parse_day_kind,
)
from hotline_desktop.core.xlsx import cell_text, read_rows

MAX_ROWS = 1000  # a year has 366 days; anything larger is not a calendar file
MAX_CSV_BYTES = 1_000_000
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = ((date(FIRST_YEAR, 1, 1) - EXCEL_EPOCH).days, (LAST_DATE - EXCEL_EPOCH).days)  # 36526 … 73415

_HEADERS = {
    "date": ("日期", "date", "day"),
    "type": ("类型", "type", "kind", "类别"),
    "name": ("名称", "name", "节日", "说明", "备注"),
}
_COL_LABEL = {"date": "A（日期）", "type": "B（类型）", "name": "C（名称）"}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class ParsedCalendar:
    days: dict[int, OfficeDay] = field(default_factory=dict)  # file row → day (good rows)
    problems: list[ImportProblem] = field(default_factory=list)
    total_rows: int = 0

    @property
    def years(self) -> list[int]:
        return sorted({d.day.year for d in self.days.values()})


def parse_date(value: Any) -> date | None:
    """A date cell: a date/datetime, an Excel serial, or text 2027-01-01 / 2027/1/1 / 2027年1月1日 / 20270101."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # an Excel date serial in a cell formatted as a number (WPS/Excel "常规")
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1] and float(value).is_integer():
            return EXCEL_EPOCH + timedelta(days=int(value))
        return None
    text = cell_text(value).replace(" ", "")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def read_table(path: str | Path) -> list[list[Any]]:
    """Rows of a .csv (UTF-8 or GBK) or of an Excel file's first sheet."""
    p = Path(path)
    if p.suffix.lower() != ".csv":
        return read_rows(p)
    if not p.is_file():
        raise ValueError(f"找不到文件：{p}")
    if p.stat().st_size > MAX_CSV_BYTES:
        raise ValueError(f"CSV 文件“{p.name}”超过 1 MB，这不像一年的日历文件")
    raw = p.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ValueError(f"无法识别 CSV 文件“{p.name}”的编码（请用 UTF-8 或 GBK）")
    return [list(r) for r in csv.reader(text.splitlines())]


def parse_calendar_file(path: str | Path) -> ParsedCalendar:
    rows = read_table(path)
    out = ParsedCalendar()
    first = next((i for i, r in enumerate(rows) if any(cell_text(c) for c in r)), None)
    if first is None:
        out.problems.append(ImportProblem(1, "", "文件是空的，没有任何日期"))
        return out
    colmap = _header_map(rows[first])
    start = first + 1
    if colmap is None:  # no header: the columns are date, type, name
        if parse_date(rows[first][0] if rows[first] else None) is None:
            out.problems.append(ImportProblem(first + 1, "", "未找到表头“日期、类型、名称”，第一列也不是日期"))
            return out
        colmap = {"date": 0, "type": 1, "name": 2}
        start = first
    out.problems += missing_columns(colmap, ((f, _HEADERS[f][0]) for f in ("date", "type")), first + 1)
    if out.problems:
        return out
    seen: dict[date, int] = {}
    for i in range(start, len(rows)):
        raw = rows[i]
        vals = {k: (raw[c] if c < len(raw) else None) for k, c in colmap.items()}
        if not any(cell_text(v) for v in vals.values()):
            continue
        out.total_rows += 1
        if out.total_rows > MAX_ROWS:
            out.problems.append(ImportProblem(i + 1, "", f"行数超过 {MAX_ROWS} 行，这不像一年的日历文件"))
            break
        row = i + 1
        day, problems = _calendar_row(row, vals, seen)
        if problems:
            out.problems.extend(problems)
            continue
        seen[day.day] = row
        out.days[row] = day
    if not out.total_rows and not out.problems:
        out.problems.append(ImportProblem(first + 1, "", "文件里没有任何日期"))
    return out


def _calendar_row(row: int, vals: dict, seen: dict[date, int]) -> tuple[OfficeDay | None, list[ImportProblem]]:
    """One row of a calendar file: the day, or every problem of the row (named by its column)."""
    problems: list[ImportProblem] = []
    d = parse_date(vals["date"])
    if d is None:
        shown = clip(cell_text(vals["date"])) or "（空）"
        problems.append(ImportProblem(row, _COL_LABEL["date"], f"“{shown}”不是日期（应如 2027-01-01）"))
    elif not in_app_years(d):
        problems.append(ImportProblem(row, _COL_LABEL["date"],
                                      f"{d.isoformat()} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间"))
    elif d in seen:
        problems.append(ImportProblem(row, _COL_LABEL["date"], f"{d.isoformat()} 与第 {seen[d]} 行重复"))
    kind_text = cell_text(vals["type"])
    kind = parse_day_kind(kind_text)
    if kind is None:
        labels = "或".join(f"“{v}”" for v in DAY_KIND_LABELS.values())
        shown = clip(kind_text) or "（空）"
        problems.append(ImportProblem(row, _COL_LABEL["type"], f"类型“{shown}”应为{labels}"))
    name = ""
    try:
        name = clean_day_name(cell_text(vals.get("name")))
    except ValueError as e:
        problems.append(ImportProblem(row, _COL_LABEL["name"], str(e)))
    if problems or d is None or kind is None:
        return None, problems
    return OfficeDay(d, kind, name), problems


def _header_map(row: list[Any]) -> dict[str, int] | None:
    cells = [cell_text(c).replace(" ", "").lower() for c in row]
    colmap: dict[str, int] = {}
    for i, h in enumerate(cells):
        for key, names in _HEADERS.items():
            if h in names and key not in colmap:
                colmap[key] = i
    return colmap or None


def special_days(cal: WorkCalendar, year: int) -> list[OfficeDay]:
    """The year's 节假日 and 调休上班 as the calendar has them (office or library): an import file."""
    return [OfficeDay(d.day, d.kind, d.name) for d in cal.year_days(year) if d.kind is not None]


def write_calendar_file(path: str | Path, days: list[OfficeDay]) -> Path:
    """A .csv (UTF-8 with BOM, opens in Excel) or .xlsx that `parse_calendar_file` reads back."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        return _write_xlsx(p, days)
    if p.suffix.lower() != ".csv":
        raise ValueError(f"日历文件须为 .csv 或 .xlsx：{p.name}")
    return write_calendar_csv(p, days)


def _write_xlsx(p: Path, days: list[OfficeDay]) -> Path:
    from openpyxl import Workbook

    from hotline_desktop.core.atomic import atomic_write
    from hotline_desktop.core.xlsx import set_text

    wb = Workbook()
    ws = wb.active
    ws.title = "工作日历"
    for c, title in enumerate(("日期", "类型", "名称"), start=1):
        set_text(ws.cell(1, c), title)
    for r, d in enumerate(days, start=2):
        set_text(ws.cell(r, 1), d.day.isoformat())
        set_text(ws.cell(r, 2), DAY_KIND_LABELS[d.kind])
        set_text(ws.cell(r, 3), d.name)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 24
    ws.freeze_panes = "A2"
    with atomic_write(p) as tmp:
        wb.save(tmp)
    return p


def write_calendar_csv(path: str | Path, days: list[OfficeDay]) -> Path:
    """A file `parse_calendar_file` reads back (the CLI's template; tests)."""
    import io

    from hotline_desktop.core.atomic import atomic_write

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["日期", "类型", "名称"])
    for d in days:
        w.writerow([d.day.isoformat(), DAY_KIND_LABELS[d.kind], d.name])
    p = Path(path)
    with atomic_write(p) as tmp:
        tmp.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return p
