"""红黑榜: the top and bottom ranked units of each ranking group, with ties at the cut.

One rule for the GUI, the CLI and the exports: the 红榜 holds the ``n`` best ranked units and
every unit tied with the ``n``-th; the 黑榜 holds the ``n`` worst of the rest and every unit tied
with the ``n``-th from the bottom. A unit is listed once (红榜 first). Each group's board says in
``notes`` why it holds more or fewer than ``n`` units and how many units were not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hotline_desktop.core.dates import date_text, month_text, period_text
from hotline_desktop.core.ranking_table import (
    Cell,
    Column,
    HeaderCell,
    RankingTable,
    TableRow,
    _sheet_name,
)
from hotline_desktop.core.scoring.numbers import fmt2, round2
from hotline_desktop.core.scoring.results import ScoringResult

TOP_N = 5

__all__ = ["TOP_N", "BoardEntry", "BoardRow", "GroupBoard", "build_boards", "board_entries", "board_tables"]


@dataclass(frozen=True)
class BoardEntry:
    """A ranked unit as the board needs it (rank on the rounded score, competition ranking)."""

    group: str
    code: str
    name: str
    score: Decimal | None
    rank: int
    rank_text: str


@dataclass(frozen=True)
class BoardRow:
    group: str
    group_label: str
    red: bool  # 红榜 (top) or 黑榜 (bottom)
    position: int  # 1.. within its list
    code: str
    name: str
    score: Decimal | None
    rank_text: str


@dataclass(frozen=True)
class GroupBoard:
    group: str
    label: str
    red: tuple[BoardRow, ...]
    black: tuple[BoardRow, ...]
    ranked: int  # ranked units of the group
    not_ranked: int  # units of the group without a rank (incomplete, not taking part)
    notes: tuple[str, ...]

    @property
    def rows(self) -> tuple[BoardRow, ...]:
        return self.red + self.black


def _score_text(e: BoardEntry) -> str:
    return "" if e.score is None else fmt2(round2(e.score), trim=False)


def _group_board(group: str, label: str, entries: list[BoardEntry], n: int, not_ranked: int) -> GroupBoard:
    ranked = sorted(entries, key=lambda e: (e.rank, e.code))
    notes: list[str] = []
    if len(ranked) > n:
        cut = ranked[n - 1].rank
        red = [e for e in ranked if e.rank <= cut]
        if len(red) > n:
            tied = sum(1 for e in ranked if e.rank == cut)
            notes.append(f"红榜：第 {cut} 名有 {tied} 个单位并列（{_score_text(ranked[n - 1])} 分），"
                         f"并列单位全部列入，红榜共 {len(red)} 个单位。")
    else:
        red = list(ranked)
    rest = ranked[len(red):]
    if len(rest) > n:
        worst_first = list(reversed(rest))
        cut = worst_first[n - 1].rank
        black = [e for e in worst_first if e.rank >= cut]
        if len(black) > n:
            tied = sum(1 for e in rest if e.rank == cut)
            notes.append(f"黑榜：倒数第 {n} 位处有 {tied} 个单位并列（{_score_text(worst_first[n - 1])} 分），"
                         f"并列单位全部列入，黑榜共 {len(black)} 个单位。")
    else:
        black = list(reversed(rest))
        if ranked and len(rest) < n:
            if not rest:
                notes.append(f"参与排名的 {len(ranked)} 个单位均已列入红榜，黑榜空缺。")
            else:
                notes.append(f"参与排名的单位共 {len(ranked)} 个，红榜以外只有 {len(rest)} 个，均列入黑榜"
                             f"（不足 {n} 个；每个单位只列一次）。")
    if not ranked:
        notes.append("本组没有参与排名的单位。")
    if not_ranked:
        notes.append(f"另有 {not_ranked} 个单位暂不排名或不参与排名（数据不全、没有工单等），未列入红黑榜。")

    def rows(items: list[BoardEntry], is_red: bool) -> tuple[BoardRow, ...]:
        return tuple(BoardRow(group, label, is_red, pos, e.code, e.name, e.score, e.rank_text)
                     for pos, e in enumerate(items, 1))

    return GroupBoard(group, label, rows(red, True), rows(black, False), len(ranked), not_ranked, tuple(notes))


def build_boards(
    entries: Iterable[BoardEntry],
    group_labels: Mapping[str, str],
    *,
    n: int = TOP_N,
    not_ranked: Mapping[str, int] | None = None,
) -> list[GroupBoard]:
    """One board per group of ``group_labels`` (in that order) from its ranked entries."""
    by_group: dict[str, list[BoardEntry]] = {}
    for e in entries:
        by_group.setdefault(e.group, []).append(e)
    not_ranked = not_ranked or {}
    return [_group_board(g, label, by_group.get(g, []), n, not_ranked.get(g, 0))
            for g, label in group_labels.items()]


def board_entries(result: ScoringResult, month: str | None = None) -> tuple[list[BoardEntry], dict[str, int]]:
    """Ranked entries of a scoring result (the year, or one month of the Ganxian schemes) and
    the count of units without a rank per group."""
    entries: list[BoardEntry] = []
    not_ranked: dict[str, int] = {}
    for u in result.units.values():
        if month is None:
            rank, tied, score = u.rank, u.tied, u.total
        else:
            m = u.months.get(month)
            rank, tied, score = (m.rank, m.tied, m.score) if m is not None else (None, False, None)
        if rank is None:
            not_ranked[u.group] = not_ranked.get(u.group, 0) + 1
            continue
        entries.append(BoardEntry(u.group, u.code, u.name, score, rank, f"{rank}（并列）" if tied else str(rank)))
    return entries, not_ranked


# ---------------------------------------------------------------------------- printed board

_COLUMNS = (  # kind "rank": centred text
    Column("list", "rank", 8), Column("index", "index", 6), Column("name", "name", 30),
    Column("code", "rank", 12), Column("score", "score", 12), Column("rank", "rank", 12),
)
_HEADINGS = ("榜单", "序号", "单位名称", "编码", "得分", "排名")


def board_tables(
    result: ScoringResult,
    *,
    year: int,
    month: str | None = None,
    group: str | None = None,
    n: int = TOP_N,
    today: date | None = None,
) -> list[RankingTable]:
    """The printed 红黑榜, one table per ranking group (or only ``group``), for the xlsx/PDF writers."""
    scheme = result.scheme
    groups = [group] if group is not None else list(result.groups)
    labels = {g: scheme.group(g).label for g in groups}
    entries, not_ranked = board_entries(result, month)
    when = date_text(today or date.today())
    period = month_text(month) if month else f"{year}年全年"
    tables = []
    for b in build_boards(entries, labels, n=n, not_ranked=not_ranked):
        rows = []
        for r in b.rows:
            score = None if r.score is None else round2(r.score)
            rows.append(TableRow(r.code, r.name, "ranked", (
                Cell("红榜" if r.red else "黑榜", "红榜" if r.red else "黑榜"),
                Cell(str(r.position), r.position),
                Cell(r.name, r.name),
                Cell(r.code, r.code),
                Cell("" if score is None else fmt2(score, trim=False), score),
                Cell(r.rank_text, r.rank_text),
            )))
        group_part = b.label if len(scheme.groups) > 1 else ""
        tables.append(RankingTable(
            title=f"（{period}）{group_part}红黑榜",
            subtitle=f"{scheme.title}　考核期：{month_text(month) if month else period_text(result.months)}"
                     f"　红榜、黑榜各 {n} 名（并列者全部列入）　制表日期：{when}",
            sheet_name=_sheet_name(f"红黑榜-{b.label}" if group_part else "红黑榜"),
            scheme_id=scheme.id,
            year=year,
            group=b.group,
            month=month,
            period_text=period,
            date_text=when,
            columns=_COLUMNS,
            header=tuple(HeaderCell(0, i, t) for i, t in enumerate(_HEADINGS)),
            rows=tuple(rows),
            notes=b.notes,
            header_rows=1,
            frozen_cols=3,
        ))
    return tables
