"""The printed ranking table as plain data (no Qt), shared by the Excel and PDF writers and
the GUI's print preview.

Layouts follow the seeds: 历城区 ``（2025）年各社区热线工作考核内容计分表`` (one table per ranking
group: category subtotals, then one column per indicator of the 其他日常工作 / 额外加分项
categories, two header rows with the rule text under each heading) and the 赣县区 monthly
(``（2026年3月）各单位12345热线办件情况统计表``) and annual (``（2026）年度各单位…综合评分表``)
tables. Labels, maxima, caps and weights come from the scheme definition.

Figures are shown rounded half-up to 2 decimals; each cell also keeps the rounded ``Decimal``
so the Excel writer can store a number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from hotline_desktop.core.dates import date_text, month_text, period_text
from hotline_desktop.core.ranking_order import in_order
from hotline_desktop.core.scoring.numbers import HUNDRED, fmt2, round2
from hotline_desktop.core.scoring.results import (
    INCOMPLETE,
    UNRANKED,
    MonthResult,
    ScoringResult,
    UnitResult,
    describe_missing,
)
from hotline_desktop.core.scoring.scheme import AdjustmentDef, Scheme

__all__ = [
    "Column",
    "HeaderCell",
    "Cell",
    "TableRow",
    "FooterEntry",
    "RankingTable",
    "ExportCancelled",
    "build_ranking_table",
    "build_ranking_tables",
    "RowBuilder",
    "ranking_row_builder",
    "display_width",
    "month_label",
    "date_label",
    "UNRANKED_REASON",
    "AVERAGED_TEXT",
]

UNRANKED_REASON = "全年没有工单任务，不列入考评"
AVERAGED_TEXT = "按平均分"
MAX_REASONS = 6  # missing items listed per unit in the footer before "等 N 项"

MonthValues = Callable[[str, str], Mapping[str, object] | None]


# ---------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Column:
    """One printed column. ``width`` is in Excel character units (the PDF scales them)."""

    key: str
    kind: str  # index | name | score | count | rank | text
    width: float

    @property
    def number_format(self) -> str | None:
        return {"score": "0.00", "count": "0", "index": "0"}.get(self.kind)

    @property
    def align(self) -> str:
        return "left" if self.kind in ("name", "text") else "center"


@dataclass(frozen=True)
class HeaderCell:
    """A header cell at (row, col) of the two header rows; spans cover merged headings."""

    row: int  # 0 or 1
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "heading"  # heading (row 1 / spanning) | sub (row 2 sub-heading) | rule (rule text)


class ExportCancelled(Exception):
    """Raised by the writers when the caller's ``cancelled()`` check says stop."""


class Cell(NamedTuple):
    text: str  # as printed
    value: object = None  # rounded Decimal / int / str / None (empty) — what Excel stores


_EMPTY_CELL = Cell("", None)


@dataclass(frozen=True)
class TableRow:
    code: str
    name: str
    status: str  # ranked | unranked | incomplete | averaged | missing
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class FooterEntry:
    code: str
    name: str
    reason: str

    @property
    def text(self) -> str:
        return f"{self.name}（{self.code}）：{self.reason}"


@dataclass(frozen=True)
class RankingTable:
    title: str
    subtitle: str
    sheet_name: str
    scheme_id: str
    year: int
    group: str | None
    month: str | None
    period_text: str
    date_text: str  # 2026年11月21日
    columns: tuple[Column, ...]
    header: tuple[HeaderCell, ...]
    rows: tuple[TableRow, ...]
    footer_title: str = "未列入排名或需说明的单位"
    footer: tuple[FooterEntry, ...] = ()
    notes: tuple[str, ...] = ()
    header_rows: int = 2
    frozen_cols: int = 2  # 序号 + name

    @property
    def n_cols(self) -> int:
        return len(self.columns)

    def header_grid(self) -> list[list[HeaderCell | None]]:
        """``header_rows`` × ``n_cols``: the cell starting at each position, ``None`` where covered."""
        grid: list[list[HeaderCell | None]] = [[None] * self.n_cols for _ in range(self.header_rows)]
        for h in self.header:
            grid[h.row][h.col] = h
        return grid

    def header_texts(self, row: int) -> list[str]:
        """Texts of a header row by column (empty where a merged cell covers it)."""
        return [h.text if h is not None else "" for h in self.header_grid()[row]]

    def spans(self) -> list[tuple[int, int, int, int]]:
        """Merged header ranges as (row0, col0, row1, col1), inclusive, 0-based."""
        return [
            (h.row, h.col, h.row + h.rowspan - 1, h.col + h.colspan - 1)
            for h in self.header
            if h.rowspan > 1 or h.colspan > 1
        ]

    def column_index(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def footer_lines(self) -> list[str]:
        return [e.text for e in self.footer]


# ---------------------------------------------------------------------------- helpers


def display_width(text: str) -> int:
    """Width in half-width units: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def month_label(month: str, *, with_year: bool = True) -> str:
    return month_text(month, with_year=with_year)


def date_label(d: date) -> str:
    return date_text(d)


def _period_text(months: tuple[str, ...]) -> str:
    return period_text(months)


def _score(value: Decimal | None) -> Cell:
    if value is None:
        return _EMPTY_CELL
    r = round2(value)
    return Cell(fmt2(r, trim=False), r)


def _count(value: object) -> Cell:
    if value is None:
        return _EMPTY_CELL
    return Cell(str(value), int(value))


def _rank(rank: int | None, tied: bool) -> Cell:
    if rank is None:
        return _EMPTY_CELL
    if tied:
        text = f"{rank}（并列）"
        return Cell(text, text)
    return Cell(str(rank), rank)


def _text(text: str | None) -> Cell:
    return Cell(text or "", text or None)


def _pct(weight: Decimal) -> str:
    return fmt2(weight * HUNDRED)


def _reasons(scheme: Scheme, missing: tuple[str, ...]) -> str:
    items = [describe_missing(scheme, m) for m in missing]
    if len(items) > MAX_REASONS:
        return "；".join(items[:MAX_REASONS]) + f" 等 {len(items)} 项"
    return "；".join(items)


def _adjust_heading(adj: AdjustmentDef, word: str) -> str:
    label = adj.label if adj.label.endswith("分") else f"{adj.label}{word}"
    if adj.cap is not None:
        return f"{label}（限{fmt2(adj.cap)}分）"
    return label


def _topic(scheme: Scheme) -> str:
    return scheme.topic or scheme.title


# ---------------------------------------------------------------------------- layout builder


class _Layout:
    """Collects columns, the two header rows and, per column, how to get a row's cell."""

    def __init__(self) -> None:
        self.columns: list[Column] = []
        self.header: list[HeaderCell] = []
        self.getters: list[Callable[[object], Cell]] = []

    def single(self, key: str, kind: str, width: float, heading: str, getter, rule: str | None = None) -> None:
        col = len(self.columns)
        self.columns.append(Column(key, kind, width))
        self.getters.append(getter)
        if rule:
            self.header.append(HeaderCell(0, col, heading))
            self.header.append(HeaderCell(1, col, rule, role="rule"))
        else:
            self.header.append(HeaderCell(0, col, heading, rowspan=2))

    def group(self, heading: str, members: list[tuple[str, str, float, str, Callable, str]]) -> None:
        """A heading over several columns; ``members`` are (key, kind, width, text, getter, role)."""
        start = len(self.columns)
        self.header.append(HeaderCell(0, start, heading, colspan=len(members)))
        for i, (key, kind, width, text, getter, role) in enumerate(members):
            self.columns.append(Column(key, kind, width))
            self.getters.append(getter)
            self.header.append(HeaderCell(1, start + i, text, role=role))

    def row(self, subject, index: int) -> tuple[Cell, ...]:
        return tuple(_count(index) if g is None else g(subject) for g in self.getters)


def _name_width(names: list[str], header: str) -> float:
    widest = max([display_width(n) for n in names] + [display_width(header), 8])
    return float(min(max(widest * 0.95 + 2, 10), 18))


# ---------------------------------------------------------------------------- public


def build_ranking_tables(
    result: ScoringResult,
    *,
    year: int,
    group: str | None = None,
    month: str | None = None,
    today: date | None = None,
    monthly_values: MonthValues | None = None,
) -> list[RankingTable]:
    """One table per ranking group that holds units (or only ``group``)."""
    groups = [group] if group is not None else list(result.groups)
    return [
        build_ranking_table(result, year=year, group=g, month=month, today=today, monthly_values=monthly_values)
        for g in groups
    ]


def build_ranking_table(
    result: ScoringResult,
    *,
    year: int,
    group: str | None = None,
    month: str | None = None,
    today: date | None = None,
    monthly_values: MonthValues | None = None,
) -> RankingTable:
    """The printed ranking table of one ranking group (and, for the Ganxian schemes, one month).

    ``group`` may be omitted when the scheme ranks all units in one group. ``monthly_values``
    (``engine.monthly_values``) supplies the month's 办件量 for the Ganxian monthly table.
    Raises ``ValueError`` with a Chinese message for an unknown group or a month outside the period.
    """
    scheme = result.scheme
    group_keys = [g.key for g in scheme.groups]
    if group is None:
        if len(group_keys) != 1:
            names = "、".join(f"{g.key}（{g.label}）" for g in scheme.groups)
            raise ValueError(f"考核方案“{scheme.title}”按排名组分别排名，请指定排名组：{names}")
        group = group_keys[0]
    if group not in group_keys:
        names = "、".join(f"{g.key}（{g.label}）" for g in scheme.groups)
        raise ValueError(f"考核方案“{scheme.title}”没有排名组“{group}”（可选：{names}）")
    when = date_label(today or date.today())
    if month is not None:
        if not scheme.has_monthly_scores:
            raise ValueError(f"考核方案“{scheme.title}”按年度计分，没有月度排名，不能指定月份")
        if month not in result.months:
            period = _period_text(result.months)
            raise ValueError(f"{month_text(month)} 不在考核期内（考核期：{period}）")
        return _monthly_table(result, year, group, month, when, monthly_values)
    if scheme.has_monthly_scores:
        return _ganxian_annual_table(result, year, group, when)
    return _annual_table(result, year, group, when)


@dataclass(frozen=True)
class RowBuilder:
    """One unit's printed row without building the whole table (live views).

    ``cells(u)`` gives exactly the cells :func:`build_ranking_table` prints for the unit (the
    序号 cell left empty: it depends on the order), ``footer(u)`` its footer entry and
    ``status(u)`` the row status. Built once per (scheme, group, month) view.
    """

    columns: tuple[Column, ...]
    month: str | None
    getters: tuple[Callable[[object], Cell] | None, ...]
    footer_of: Callable[[object], FooterEntry | None]

    def _subject(self, u: UnitResult):
        return u if self.month is None else (u, u.months.get(self.month))

    def cells(self, u: UnitResult) -> tuple[Cell, ...]:
        s = self._subject(u)
        return tuple(_EMPTY_CELL if g is None else g(s) for g in self.getters)

    def cell(self, u: UnitResult, col: int) -> Cell:
        """The unit's cell in column ``col`` alone."""
        g = self.getters[col]
        return _EMPTY_CELL if g is None else g(self._subject(u))

    def footer(self, u: UnitResult) -> FooterEntry | None:
        return self.footer_of(self._subject(u))

    def status(self, u: UnitResult) -> str:
        if self.month is None:
            return u.status
        m = u.months.get(self.month)
        return m.status if m is not None else "missing"


def ranking_row_builder(
    result: ScoringResult,
    *,
    group: str | None = None,
    month: str | None = None,
    monthly_values: MonthValues | None = None,
) -> RowBuilder:
    """The row builder of the table :func:`build_ranking_table` prints for ``group`` / ``month``
    (same columns and cells). ``group`` defaults to the scheme's first ranking group."""
    scheme = result.scheme
    if group is None:
        group = scheme.groups[0].key
    if month is not None:
        lay = _monthly_layout(result, month, monthly_values, [])
        return RowBuilder(tuple(lay.columns), month, tuple(lay.getters),
                          lambda s: _month_footer(scheme, month, s[0], s[1]))
    if scheme.has_monthly_scores:
        lay, _notes = _ganxian_annual_layout(result, [])
    else:
        lay = _annual_layout(scheme, group, [])
    return RowBuilder(tuple(lay.columns), None, tuple(lay.getters), lambda u: _unit_footer(scheme, u))


# ---------------------------------------------------------------------------- 历城 layout


def _unit_footer(scheme: Scheme, u: UnitResult) -> FooterEntry | None:
    if u.status == INCOMPLETE:
        return FooterEntry(u.code, u.name, "数据不全，未计总分：" + _reasons(scheme, u.missing))
    if u.status == UNRANKED:
        return FooterEntry(u.code, u.name, UNRANKED_REASON)
    if u.veto is not None:
        veto = next((v for v in scheme.vetoes if v.key == u.veto), None)
        label = veto.label if veto else u.veto
        total = fmt2(veto.total) if veto else "0"
        return FooterEntry(u.code, u.name, f"一票否决：{label}，年度考核视为{total}分")
    return None


def _annual_table(result: ScoringResult, year: int, group: str, when: str) -> RankingTable:
    """历城区 score sheet: the seed's columns for one ranking group."""
    scheme = result.scheme
    gdef = scheme.group(group)
    units = in_order(result, group)
    lay = _annual_layout(scheme, group, [u.name for u in units])
    return _table(
        scheme, lay, year, group, None, _period_text(result.months), when, *_unit_rows(scheme, lay, units),
        title=gdef.title_for(year) or f"（{year}）年各{gdef.label}考核计分表",
        sheet_name=_sheet_name(gdef.label),
        notes=_licheng_notes(scheme),
    )


def _unit_rows(scheme: Scheme, lay: _Layout, units) -> tuple[tuple[TableRow, ...], tuple[FooterEntry, ...]]:
    """An annual table's rows of these units in order, and the footer of those not ranked."""
    rows = tuple(TableRow(u.code, u.name, u.status, lay.row(u, i)) for i, u in enumerate(units, 1))
    return rows, tuple(e for u in units if (e := _unit_footer(scheme, u)) is not None)


def _table(scheme: Scheme, lay: _Layout, year: int, group: str, month: str | None, period: str, when: str,
           rows: tuple[TableRow, ...], footer: tuple[FooterEntry, ...], *, title: str, sheet_name: str,
           notes) -> RankingTable:
    """A table of one layout; its subtitle names the scheme, the 考核期 (a month's: 考核月份) and the date."""
    span = "考核期" if month is None else "考核月份"
    return RankingTable(
        title=title,
        subtitle=f"{scheme.title}　{span}：{period}　制表日期：{when}",
        sheet_name=sheet_name,
        scheme_id=scheme.id,
        year=year,
        group=group,
        month=month,
        period_text=period,
        date_text=when,
        columns=tuple(lay.columns),
        header=tuple(lay.header),
        rows=rows,
        footer=footer,
        notes=tuple(notes),
    )


def _annual_layout(scheme: Scheme, group: str, names: list[str]) -> _Layout:
    gdef = scheme.group(group)
    lay = _Layout()
    lay.single("index", "index", 5, "序号", None)
    lay.single("name", "name", _name_width(names, gdef.name_header), gdef.name_header, lambda u: _text(u.name))
    for cat in scheme.categories_for("annual"):
        if cat.print == "subtotal":
            rule = cat.rule_text or "；".join(scheme.indicator(k).sheet_text_for(group) for k in cat.indicators)
            lay.single(
                f"cat:{cat.key}", "score", 11, cat.heading,
                lambda u, k=cat.key: _score(u.categories.get(k)), rule=rule,
            )
        else:
            members = []
            for key in cat.indicators:
                ind = scheme.indicator(key)
                members.append((
                    f"ind:{key}", "score", 11, ind.sheet_text_for(group) or ind.heading(),
                    lambda u, k=key: _score(u.indicators.get(k)), "rule",
                ))
            lay.group(cat.heading, members)
    total_label = scheme.total.label or "总分"
    lay.single("total", "score", 9, total_label, lambda u: _score(u.total))
    lay.single("rank", "rank", 10, "排名", lambda u: _rank(u.rank, u.tied))
    return lay


def _licheng_notes(scheme: Scheme) -> tuple[str, ...]:
    if scheme.unranked_when_zero:
        return ("注：最终得分依据实际工作情况计算；全年没有工单任务的单位，不列入考评排名。",)
    return ()


# ---------------------------------------------------------------------------- 赣县 monthly


def _monthly_table(
    result: ScoringResult, year: int, group: str, month: str, when: str, monthly_values: MonthValues | None
) -> RankingTable:
    scheme = result.scheme
    units = in_order(result, group, month)
    subjects = [(u, u.months.get(month)) for u in units]
    lay = _monthly_layout(result, month, monthly_values, [u.name for u in units])
    rows = tuple(
        TableRow(u.code, u.name, m.status if m is not None else "missing", lay.row((u, m), i))
        for i, (u, m) in enumerate(subjects, 1)
    )
    footer = tuple(e for u, m in subjects if (e := _month_footer(scheme, month, u, m)) is not None)
    notes = []
    avg = result.month_averages.get(month)
    if any(m is not None and m.averaged for _u, m in subjects) and avg is not None:
        notes.append(
            f"注：当月没有工单的单位按全区月考核平均分 {fmt2(avg, trim=False)} 计分，排名栏注“{AVERAGED_TEXT}”。"
        )
    label = month_label(month)
    return _table(scheme, lay, year, group, month, label, when, rows, footer,
                  title=f"（{label}）各单位{_topic(scheme)}办件情况统计表", sheet_name=_sheet_name(label), notes=notes)


def _month_footer(scheme: Scheme, month: str, u: UnitResult, m: MonthResult | None) -> FooterEntry | None:
    if m is None or m.status == "missing":
        return FooterEntry(u.code, u.name, "本月没有数据，未计分")
    if m.status == "incomplete":
        items = [describe_missing(scheme, f"{month}:{k}") for k in m.missing]
        return FooterEntry(u.code, u.name, "数据不全，未计分：" + "；".join(items))
    return None


def _monthly_layout(
    result: ScoringResult, month: str, monthly_values: MonthValues | None, names: list[str]
) -> _Layout:
    scheme = result.scheme
    ms = scheme.monthly_score
    lay = _Layout()
    lay.single("index", "index", 5, "序号", None)
    lay.single("name", "name", _name_width(names, "单位名称"), "单位名称", lambda s: _text(s[0].name))
    vol_key = scheme.volume_input
    if vol_key:

        def volume(s):
            u, _m = s
            if monthly_values is None:
                return _EMPTY_CELL
            vals = monthly_values(u.code, month)
            return _count(None if vals is None else (vals.get(vol_key) or 0))

        lay.single("volume", "count", 7, "办件量", volume)
    inds = scheme.monthly_indicators

    def mind(s, k):
        m = s[1]
        return _score(None if m is None else m.indicators.get(k))

    for ind in inds:
        lay.single(
            f"ind:{ind.key}", "score", 10, ind.heading(), lambda s, k=ind.key: mind(s, k), rule=ind.rule_text
        )
    bonus = ms.bonus if ms else None
    penalty = ms.penalty if ms else None
    if bonus is not None and penalty is not None:
        base_max = sum((i.max for i in inds), Decimal(0))
        lay.single(
            "base", "score", 9, f"基础分（{fmt2(base_max)}分）", lambda s: _score(_mattr(s[1], "base")),
            rule="各项指标得分之和",
        )
    if bonus is not None:
        lay.single(
            "bonus", "score", 10, _adjust_heading(bonus, "加分"), lambda s: _score(_mattr(s[1], "bonus")),
            rule=bonus.rule_text or None,
        )
    if penalty is not None:
        lay.single(
            "penalty", "score", 10, _adjust_heading(penalty, "扣分"), lambda s: _score(_mattr(s[1], "penalty")),
            rule=penalty.rule_text or None,
        )
    score_label = ms.label if ms else "月度得分"
    lay.single("score", "score", 9, score_label, lambda s: _score(_mattr(s[1], "score")), rule=_month_score_rule(ms))

    def mrank(s):
        m = s[1]
        if m is None:
            return _EMPTY_CELL
        if m.averaged:
            return Cell(AVERAGED_TEXT, AVERAGED_TEXT)
        return _rank(m.rank, m.tied)

    lay.single("rank", "rank", 10, "排名", mrank)
    return lay


def _month_score_rule(ms) -> str:
    """The rule printed under 月度得分: the scheme's own text, else Σ indicators ± adjustments, floor."""
    if ms is not None and ms.rule_text:
        return ms.rule_text
    rule = "各项指标得分之和"
    if ms is not None and ms.bonus is not None:
        rule += "＋" + _adjust_heading(ms.bonus, "加分").split("（")[0]
    if ms is not None and ms.penalty is not None:
        rule += "－" + _adjust_heading(ms.penalty, "扣分").split("（")[0]
    if ms is not None and ms.min is not None:
        rule += f"，最低{fmt2(ms.min)}分"
    return rule


def _mattr(m: MonthResult | None, attr: str) -> Decimal | None:
    return None if m is None else getattr(m, attr)


# ---------------------------------------------------------------------------- 赣县 annual


def _ganxian_annual_table(result: ScoringResult, year: int, group: str, when: str) -> RankingTable:
    scheme = result.scheme
    units = in_order(result, group)
    lay, notes = _ganxian_annual_layout(result, [u.name for u in units])
    if result.dropped_months:
        notes.append("以下月份没有任何单位的有效数据，未计入考核期：" + "、".join(result.dropped_months))
    return _table(
        scheme, lay, year, group, None, _period_text(result.months), when, *_unit_rows(scheme, lay, units),
        title=f"（{year}）年度各单位{_topic(scheme)}综合评分表", sheet_name=_sheet_name(f"{year}年度"), notes=notes,
    )


def _ganxian_annual_layout(result: ScoringResult, names: list[str]) -> tuple[_Layout, list[str]]:
    scheme = result.scheme
    lay = _Layout()
    lay.single("index", "index", 5, "序号", None)
    lay.single("name", "name", _name_width(names, "单位名称"), "单位名称", lambda u: _text(u.name))
    ms = scheme.monthly_score
    monthly_label = (ms.label if ms else "月度得分").removesuffix("得分") or "月度"
    avg_rule = "各考核月月度得分的平均"
    if scheme.zero_volume == "average":
        avg_rule += "（当月没有工单的按全区月考核平均分）"
    notes: list[str] = []
    total = scheme.total
    if scheme.has_annual_basic:
        lay.single("monthly_average", "score", 9, "月度考核平均分", lambda u: _score(u.monthly_average), rule=avg_rule)
        for ind in scheme.annual_indicators:
            lay.single(
                f"ind:{ind.key}", "score", 10, ind.heading(), lambda u, k=ind.key: _score(u.indicators.get(k)),
                rule=ind.rule_text,
            )
        asd = scheme.annual_score
        bonus, penalty = (asd.bonus, asd.penalty) if asd else (None, None)
        if bonus is not None or penalty is not None:
            caps = {a.cap for a in (bonus, penalty) if a is not None}
            cap = caps.pop() if len(caps) == 1 else None
            heading = f"奖惩（±{fmt2(cap)}分）" if cap is not None else "奖惩"
            rule = f"加分、减分各以{fmt2(cap)}分为限，详见表下说明" if cap is not None else "详见表下说明"

            def adjust(u: UnitResult) -> Cell:
                if u.annual_bonus is None and u.annual_penalty is None:
                    return _EMPTY_CELL
                return _score((u.annual_bonus or Decimal(0)) - (u.annual_penalty or Decimal(0)))

            lay.single("adjustment", "score", 9, heading, adjust, rule=rule)
            for adj in (bonus, penalty):
                if adj is not None and adj.rule_text:
                    notes.append(f"{adj.label}：{adj.rule_text}")
        basic_label = f"{asd.label}得分" if asd else "年度基础考核得分"
        lay.single(
            "annual_score", "score", 9, basic_label, lambda u: _score(u.annual_score),
            rule=(asd.rule_text if asd and asd.rule_text else None),
        )
        rule = (
            f"月度考核平均分×{_pct(total.monthly_weight)}%＋{basic_label}×{_pct(total.annual_weight)}%"
        )
        lay.single("total", "score", 9, total.label or "综合得分", lambda u: _score(u.total), rule=rule)
    else:
        members = []
        for m in result.months:

            def mscore(u: UnitResult, m=m) -> Cell:
                mr = u.months.get(m)
                return _score(None if mr is None else mr.score)

            members.append((f"month:{m}", "score", 7, month_label(m, with_year=False), mscore, "sub"))
        if members:
            lay.group(f"各月{monthly_label}得分", members)
        lay.single("monthly_average", "score", 9, "平均分", lambda u: _score(u.monthly_average), rule=avg_rule)
        if scheme.vetoes:
            totals = {v.total for v in scheme.vetoes}
            tail = f"年度考核视为{fmt2(totals.pop())}分" if len(totals) == 1 else "年度考核按规定计分"
            rule = "出现以下情形之一的，" + tail + "：" + "；".join(v.label for v in scheme.vetoes)

            def veto(u: UnitResult) -> Cell:
                v = next((v for v in scheme.vetoes if v.key == u.veto), None)
                return _text(v.label if v else u.veto)

            lay.single("veto", "text", 12, "一票否决", veto, rule=rule)
        rule = "各月平均分" + ("；一票否决的按否决计分" if scheme.vetoes else "")
        lay.single("total", "score", 9, total.label or "综合得分", lambda u: _score(u.total), rule=rule)
    lay.single("rank", "rank", 10, "排名", lambda u: _rank(u.rank, u.tied))
    return lay, notes


def _sheet_name(text: str) -> str:
    bad = '[]:*?/\\'
    clean = "".join("_" if ch in bad else ch for ch in text).strip("'")
    return clean[:31] or "排名"
