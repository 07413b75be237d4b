"""Export a ranking table (Excel or PDF) for meetings: the GUI's 导出 / 打印 and the CLI's
``hotline-desktop export ranking``.

Everything is checked before anything is written; a failed or cancelled export leaves no file.
``progress(0..100)`` and ``cancelled()`` let the GUI run it in a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from hotline_desktop.core.boards import board_tables
from hotline_desktop.core.ranking_table import ExportCancelled, RankingTable, build_ranking_tables
from hotline_desktop.services.errors import ServiceError

__all__ = ["export_ranking", "ranking_tables", "RankingExportCancelled", "SUFFIXES"]

SUFFIXES = (".xlsx", ".pdf")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class RankingExportCancelled(ServiceError):
    def __init__(self) -> None:
        super().__init__("已取消导出，未写入文件")


def _resolve_group(scheme, group: str | None) -> str | None:
    if group is None or not str(group).strip():
        return None
    text = str(group).strip()
    for g in scheme.groups:
        if text in (g.key, g.label) or text == g.label.split("（")[0]:
            return g.key
    names = "、".join(f"{g.key}（{g.label}）" for g in scheme.groups)
    raise ServiceError(f"考核方案“{scheme.title}”没有排名组“{text}”（可选：{names}）")


def _resolve_month(month: str | None, year: int) -> str | None:
    if month is None or not str(month).strip():
        return None
    m = _MONTH_RE.match(str(month).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ServiceError(f"月份格式应为 YYYY-MM（如 {year}-03）：{month}")
    if int(m.group(1)) != year:
        raise ServiceError(f"月份 {month} 不属于 {year} 年")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def ranking_tables(
    services,
    *,
    scheme_id: str,
    year: int,
    month: str | None = None,
    group: str | None = None,
    today: date | None = None,
    board: bool = False,
) -> list[RankingTable]:
    """The printed tables of a year and scheme (one per ranking group unless ``group``);
    with ``board`` the 红黑榜 of each group instead of the full ranking."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ServiceError(f"考核年度无效：{year}") from None
    row = services.assessment.find(year, scheme_id)
    if row is None:
        used = services.assessment.assignments(year)
        if used:
            names = "、".join(f"{r.scheme_id}（{r.title}）" for r in used)
            raise ServiceError(f"{year} 年未使用考核方案“{scheme_id}”（该年使用：{names}）")
        raise ServiceError(f"{year} 年未使用考核方案“{scheme_id}”（该年没有任何考核方案）")
    live = services.rankings.live(row.id)
    result = live.result()
    scheme = result.scheme
    group_key = _resolve_group(scheme, group)
    month_key = _resolve_month(month, year)
    if month_key is not None:
        if not scheme.has_monthly_scores:
            raise ServiceError(f"考核方案“{scheme.title}”按年度计分，没有月度排名，不能指定月份")
        if month_key not in result.months:
            have = "、".join(result.months) or "无"
            raise ServiceError(f"{month_key} 没有考核数据（有数据的月份：{have}）")
    if group_key is not None and group_key not in result.groups:
        label = scheme.group(group_key).label
        raise ServiceError(f"{year} 年“{scheme.title}”中没有{label}单位")
    if not result.groups:
        raise ServiceError(f"{year} 年“{scheme.title}”没有参加考核的单位")
    if board:
        return board_tables(result, year=year, month=month_key, group=group_key, today=today)
    try:
        return build_ranking_tables(
            result, year=year, group=group_key, month=month_key, today=today,
            monthly_values=live.engine.monthly_values,
        )
    except ValueError as e:
        raise ServiceError(str(e)) from None


def export_ranking(
    services,
    *,
    scheme_id: str,
    year: int,
    month: str | None = None,
    group: str | None = None,
    out: Path | str,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    today: date | None = None,
    board: bool = False,
) -> Path:
    """Write the ranking of ``year`` under ``scheme_id`` to ``out`` (.xlsx or .pdf by suffix);
    with ``board`` the 红黑榜 (same layout machinery, same checks)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise ServiceError(f"导出文件须为 .xlsx 或 .pdf：{out}")
    if not out.parent.is_dir():
        raise ServiceError(f"导出目录不存在：{out.parent}")
    if out.is_dir():
        raise ServiceError(f"导出路径是一个文件夹：{out}")

    def report(p: int) -> None:
        if progress is not None:
            progress(max(0, min(100, p)))

    def check() -> None:
        if cancelled is not None and cancelled():
            raise RankingExportCancelled()

    report(0)
    tables = ranking_tables(services, scheme_id=scheme_id, year=year, month=month, group=group, today=today,
                            board=board)
    check()
    report(20)

    def sub(p: int) -> None:
        report(20 + p * 80 // 100)

    try:
        if suffix == ".xlsx":
            from hotline_desktop.core.ranking_xlsx import write_ranking_xlsx

            write_ranking_xlsx(tables, out, progress=sub, cancelled=cancelled)
        else:
            from hotline_desktop.core.pdf_fonts import NoCjkFont
            from hotline_desktop.core.ranking_pdf import write_ranking_pdf

            try:
                write_ranking_pdf(tables, out, progress=sub, cancelled=cancelled)
            except NoCjkFont as e:
                raise ServiceError(str(e)) from None
    except ExportCancelled:
        raise RankingExportCancelled() from None
    except PermissionError:
        raise ServiceError(f"无法写入文件（可能正在被 Excel / WPS 或 PDF 阅读器打开）：{out}") from None
    except OSError as e:
        raise ServiceError(f"无法写入文件“{out}”：{e.strerror or e}") from None
    report(100)
    return out
