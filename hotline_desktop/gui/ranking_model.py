"""Qt models of the 排名 tab: the live ranking table and the 红黑榜 (top / bottom five).

The columns come from ``core/ranking_table.py`` (the printed table), so the screen, the Excel
export and the printout agree. Rows are plain ``RankingRow``s, one per unit; when the live
engine reports changed unit codes only those rows are rebuilt and ``dataChanged`` is emitted
for the cells whose text changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from hotline_desktop.core.ranking_table import (
    AVERAGED_TEXT,
    Cell,
    RankingTable,
    build_ranking_table,
)
from hotline_desktop.core.scoring.numbers import fmt2, round2
from hotline_desktop.core.scoring.results import INCOMPLETE, RANKED, UNRANKED, ScoringResult

COL_CODE, COL_NAME = 0, 1  # then the table's columns, then 说明 (see RankingTableModel.col_*)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # comparable key of the column (rank column: the row order)
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # the cell's value (rounded Decimal, int, str or None)
CODE_ROLE = Qt.ItemDataRole.UserRole + 3
GROUP_ROLE = Qt.ItemDataRole.UserRole + 4
STATUS_ROLE = Qt.ItemDataRole.UserRole + 5
ORDER_ROLE = Qt.ItemDataRole.UserRole + 6  # int: ranked by rank, then unranked, incomplete; then code

HIGHLIGHT = QColor("#fff3b0")  # recently changed rows
_UNRANKED_FG = QColor("#6b7480")
_INCOMPLETE_FG = QColor("#a15c00")
_RED = QColor("#b3261e")
_BLACK = QColor("#202124")
_RED_BG = QColor("#fdeeee")
_BLACK_BG = QColor("#eceff3")

# Status order: annual (ranked / unranked / incomplete) and month (scored / averaged / …).
_STATUS_ORDER = {RANKED: 0, "scored": 0, UNRANKED: 1, "averaged": 1, INCOMPLETE: 2, "missing": 3}
_RANK_SPAN = 1_000_000
_NO_NUMBER = -1.0e12  # sorts empty figures last (descending) / first (ascending)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RankingTableModel", text)


@dataclass(frozen=True)
class ColumnSpec:
    key: str  # the printed table's column key (ind:x, cat:x, total, rank, …) or code / name / note
    kind: str  # score | count | rank | text | name
    title: str  # short header on screen
    tooltip: str  # the printed heading and rule text


@dataclass(frozen=True)
class RankingRow:
    """One unit as shown: figures as printed, its status, rank and the reason it is not ranked."""

    code: str
    name: str
    group: str
    status: str  # ranked | unranked | incomplete (annual) or scored | averaged | incomplete | missing
    rank: int | None
    cells: tuple[Cell, ...]  # one per table column (code and name excluded)
    note: str  # 说明: why not ranked, veto, averaged month
    score: Decimal | None  # the figure the rank is on (total, or the month's score)
    rank_text: str = ""  # 3 or 3（并列）

    @property
    def ranked(self) -> bool:
        return self.rank is not None and self.status in (RANKED, "scored")


# ---------------------------------------------------------------------------- building rows


def wrap_title(title: str, width: int = 6) -> str:
    """A header in short lines: the maximum（14分）on its own line, long labels split."""
    head, sep, tail = title.rpartition("（") if title.endswith("）") else (title, "", "")
    if not head:
        head, sep, tail = title, "", ""
    lines = []
    while len(head) > width:
        marks = [i for i in (head.find(m, 2, len(head) - 2) for m in "、和及与") if i >= 2]
        if marks:
            cut = min(marks) + 1
        elif len(head) > width + 1:
            cut = min(width + 1, len(head) - 2)  # no one-character last line
        else:
            break
        lines.append(head[:cut])
        head = head[cut:]
    lines.append(head)
    if sep:
        lines.append(sep + tail)
    return "\n".join(lines)



class RankingLayout:
    """Columns of a (scheme, month) view and how to build rows from a ScoringResult."""

    def __init__(self, result: ScoringResult, *, year: int, month: str | None, monthly_values=None):
        self.scheme = result.scheme
        self.year = year
        self.month = month
        self.monthly_values = monthly_values
        self.months = tuple(result.months)
        self.today = date.today()
        group = result.groups[0] if result.groups else self.scheme.groups[0].key
        table = self._table(dataclasses.replace(result, units={}), group)
        self.table_keys = tuple(c.key for c in table.columns if c.key not in ("index", "name"))
        self.columns: tuple[ColumnSpec, ...] = (
            ColumnSpec("code", "text", _tr("编码"), _tr("单位编码")),
            ColumnSpec("name", "name", _tr("单位名称"), _tr("单位名称")),
            *(self._spec(table, key) for key in self.table_keys),
            ColumnSpec("note", "text", _tr("说明"), _tr("未列入排名或数据不全的原因、一票否决等")),
        )
        self._rank_pos = self.table_keys.index("rank") if "rank" in self.table_keys else -1
        self._month_cols = any(k.startswith("month:") for k in self.table_keys)
        self._volume = self.scheme.volume_input if month is not None and "volume" in self.table_keys else None

    @property
    def signature(self) -> tuple:
        """Changes when the column set would change (scheme, month, period)."""
        return (self.scheme.id, self.month, self.months if self.month is None else ())

    def _table(self, result: ScoringResult, group: str) -> RankingTable:
        return build_ranking_table(
            result, year=self.year, group=group, month=self.month, today=self.today,
            monthly_values=self.monthly_values,
        )

    def _spec(self, table: RankingTable, key: str) -> ColumnSpec:
        col = table.column_index(key)
        col_kind = table.columns[col].kind
        texts: list[str] = []
        top = sub = ""
        for h in table.header:
            if h.col <= col < h.col + h.colspan:
                texts.append(h.text)
                if h.row == 0:
                    top = h.text
                elif h.role == "sub":
                    sub = h.text
        if key.startswith("ind:"):
            title = self.scheme.indicator(key[4:]).heading()
        elif key.startswith("cat:"):
            title = self.scheme.category(key[4:]).heading
        elif sub:  # a month under 各月月度得分
            title = sub
        else:
            title = top
        return ColumnSpec(key, col_kind, wrap_title(title), "\n".join(t for t in texts if t))

    # Cheap change detection: the engine reports every unit whose result changed in any way
    # (e.g. a month rank when the view shows the year); only what this view shows counts.
    def keys(self, u) -> tuple[tuple, tuple]:
        """(everything the row shows except its rank, (rank, tied))."""
        if self.month is None:
            key = (u.name, u.group, u.status, u.total, u.missing, u.veto, u.monthly_average, u.annual_score,
                   u.annual_bonus, u.annual_penalty, u.indicators, u.categories)
            if self._month_cols:
                key += (tuple(None if m is None else m.score for m in u.months.values()),)
            return key, (u.rank, u.tied)
        m = u.months.get(self.month)
        if m is None:
            return (u.name, u.group, None), (None, False)
        vol = None
        if self._volume is not None and self.monthly_values is not None:
            vals = self.monthly_values(u.code, self.month)
            vol = None if vals is None else vals.get(self._volume)
        return (
            (u.name, u.group, m.status, m.score, m.indicators, m.base, m.bonus, m.penalty, m.missing, vol),
            (m.rank, m.tied),
        )

    def rerank(self, row: RankingRow, rank: int | None, tied: bool) -> RankingRow:
        """The row with only its rank changed (same text as the printed table's rank cell)."""
        if rank is None:
            cell, text = Cell("", None), ""
        elif tied:
            text = f"{rank}（并列）"
            cell = Cell(text, text)
        else:
            text = str(rank)
            cell = Cell(text, rank)
        cells = row.cells
        if self._rank_pos >= 0 and row.status != "averaged":
            cells = cells[: self._rank_pos] + (cell,) + cells[self._rank_pos + 1:]
        return RankingRow(row.code, row.name, row.group, row.status, rank, cells, row.note, row.score, text)

    def rows(self, result: ScoringResult, codes: Iterable[str]) -> dict[str, RankingRow]:
        """Rows of the given units (built through the printed table, so screen and print agree)."""
        by_group: dict[str, dict] = {}
        for code in codes:
            u = result.units.get(code)
            if u is not None:
                by_group.setdefault(u.group, {})[code] = u
        out: dict[str, RankingRow] = {}
        for group, units in by_group.items():
            sub = dataclasses.replace(result, units=units)
            table = self._table(sub, group)
            keys = [c.key for c in table.columns]
            pos = [keys.index(k) for k in self.table_keys]
            reasons = {e.code: e.reason for e in table.footer}
            for tr in table.rows:
                u = units[tr.code]
                cells = tuple(tr.cells[i] for i in pos)
                note = reasons.get(tr.code, "")
                if self.month is None:
                    status, rank, score, tied = u.status, u.rank, u.total, u.tied
                else:
                    m = u.months.get(self.month)
                    status = m.status if m is not None else "missing"
                    rank = m.rank if m is not None else None
                    score = m.score if m is not None else None
                    tied = bool(m and m.tied)
                    if status == "averaged":
                        note = _tr("当月没有工单，按全区月考核平均分计分（{0}）").format(AVERAGED_TEXT)
                rank_text = "" if rank is None else (f"{rank}（并列）" if tied else str(rank))
                out[tr.code] = RankingRow(tr.code, u.name, group, status, rank, cells, note, score, rank_text)
        return out


# ---------------------------------------------------------------------------- ranking table


class RankingTableModel(QAbstractTableModel):
    """Units × the printed columns (plus 编码, 说明); one row per unit, in code order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_spec: RankingLayout | None = None
        self._columns: tuple[ColumnSpec, ...] = ()
        self._rows: list[RankingRow] = []
        self._pos: dict[str, int] = {}
        self._order: list[int] = []
        self._ckeys: list[tuple] = []
        self._rkeys: list[tuple] = []
        self._highlight: set[str] = set()
        self._col_rank = -1
        self._hl_brush = QBrush(HIGHLIGHT)
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._center = int(Qt.AlignmentFlag.AlignCenter)

    # -- access --------------------------------------------------------------------------
    @property
    def rows(self) -> list[RankingRow]:
        return list(self._rows)

    def row_at(self, row: int) -> RankingRow:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        return self._pos.get(code, -1)

    def unit(self, code: str) -> RankingRow | None:
        i = self._pos.get(code)
        return None if i is None else self._rows[i]

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        return self._columns

    def column_of(self, key: str) -> int:
        for i, c in enumerate(self._columns):
            if c.key == key:
                return i
        return -1

    @property
    def col_rank(self) -> int:
        return self._col_rank

    @property
    def col_total(self) -> int:
        return self.column_of("score" if self.layout_spec and self.layout_spec.month else "total")

    @property
    def col_note(self) -> int:
        return len(self._columns) - 1

    def highlighted(self) -> set[str]:
        return set(self._highlight)

    # -- loading -------------------------------------------------------------------------
    def clear(self) -> None:
        self.beginResetModel()
        self.layout_spec = None
        self._columns = ()
        self._col_rank = -1
        self._rows, self._pos, self._order, self._ckeys, self._rkeys = [], {}, [], [], []
        self._highlight.clear()
        self.endResetModel()

    def load(self, result: ScoringResult, layout: RankingLayout) -> None:
        """Build every row (a reset: scheme, month or unit set changed)."""
        built = layout.rows(result, result.units)
        self.beginResetModel()
        self.layout_spec = layout
        self._columns = layout.columns
        self._col_rank = self.column_of("rank")
        self._rows = [built[c] for c in sorted(built)]
        self._pos = {r.code: i for i, r in enumerate(self._rows)}
        self._order = [self._order_key(i, r) for i, r in enumerate(self._rows)]
        units = result.units
        keys = [layout.keys(units[r.code]) for r in self._rows]
        self._ckeys = [k[0] for k in keys]
        self._rkeys = [k[1] for k in keys]
        self._highlight.clear()
        self.endResetModel()

    def update(self, result: ScoringResult, codes: Iterable[str]) -> set[str]:
        """Rebuild the rows of ``codes``; emit dataChanged for cells that changed. Returns the
        codes whose row changed. The caller reloads when the unit set changed."""
        layout = self.layout_spec
        if layout is None:
            return set()
        pos, units = self._pos, result.units
        build: list[str] = []
        new_rows: dict[str, RankingRow] = {}
        for code in codes:
            i = pos.get(code)
            u = units.get(code)
            if i is None or u is None:
                continue
            ck, rk = layout.keys(u)
            if ck == self._ckeys[i]:
                if rk != self._rkeys[i]:
                    new_rows[code] = layout.rerank(self._rows[i], *rk)
            else:
                build.append(code)
            self._ckeys[i], self._rkeys[i] = ck, rk
        if build:
            new_rows.update(layout.rows(result, build))
        changed: set[str] = set()
        spans: list[tuple[int, int, int]] = []
        last = len(self._columns) - 1
        for code, new in new_rows.items():
            i = pos[code]
            old = self._rows[i]
            if old == new:
                continue
            self._rows[i] = new
            self._order[i] = self._order_key(i, new)
            changed.add(code)
            cols = [j + 2 for j, (a, b) in enumerate(zip(old.cells, new.cells, strict=True)) if a != b]
            if old.note != new.note:
                cols.append(last)
            if old.name != new.name:
                cols.append(COL_NAME)
            if old.group != new.group:
                cols.append(COL_CODE)  # the filter role lives there
            if old.status != new.status or old.rank != new.rank:
                cols.append(self.col_rank)  # the order key lives there
            if cols:
                spans.append((i, min(cols), max(cols)))
        self._emit_runs(spans)
        return changed

    def _emit_runs(self, spans: list[tuple[int, int, int]], roles=None) -> None:
        """One dataChanged per run of adjacent rows (the proxy re-sorts once per signal)."""
        spans.sort()
        run: list[int] | None = None
        for row, c0, c1 in spans:
            if run is not None and row == run[1] + 1:
                run[1], run[2], run[3] = row, min(run[2], c0), max(run[3], c1)
                continue
            if run is not None:
                self._emit_run(run, roles)
            run = [row, row, c0, c1]
        if run is not None:
            self._emit_run(run, roles)

    def _emit_run(self, run: list[int], roles) -> None:
        top, bottom = self.index(run[0], run[2]), self.index(run[1], run[3])
        if roles is None:
            self.dataChanged.emit(top, bottom)
        else:
            self.dataChanged.emit(top, bottom, roles)

    def set_highlight(self, codes: Iterable[str]) -> None:
        """Mark rows as recently changed (BackgroundRole); an empty set clears the marks."""
        new = {c for c in codes if c in self._pos}
        touched = new ^ self._highlight
        self._highlight = new
        last = len(self._columns) - 1
        self._emit_runs([(self._pos[c], 0, last) for c in touched], [Qt.ItemDataRole.BackgroundRole])

    @staticmethod
    def _order_key(i: int, r: RankingRow) -> int:
        rank = r.rank if r.rank is not None else 0
        return (_STATUS_ORDER.get(r.status, 4) * _RANK_SPAN + rank) * _RANK_SPAN + i

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            spec = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return spec.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return spec.tooltip
        elif role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def cell(self, row: int, col: int) -> Cell:
        r = self._rows[row]
        if col == COL_CODE:
            return Cell(r.code, r.code)
        if col == COL_NAME:
            return Cell(r.name, r.name)
        if col == len(self._columns) - 1:
            return Cell(r.note, r.note or None)
        return r.cells[col - 2]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, col = index.row(), index.column()
        if role == SORT_ROLE and col == self._col_rank and 0 <= row < len(self._order):
            return self._order[row]  # hot: the proxy's rank sort compares this
        if not index.isValid() or row >= len(self._rows) or col >= len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, col).text
        if role == SORT_ROLE:
            v = self.cell(row, col).value
            if self._columns[col].kind in ("score", "count"):
                return float(v) if isinstance(v, (Decimal, int)) else _NO_NUMBER
            return "" if v is None else str(v)
        if role == ORDER_ROLE:
            return self._order[row]
        r = self._rows[row]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._hl_brush if r.code in self._highlight else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            kind = self._columns[col].kind
            if kind in ("score", "count"):
                return self._right
            if kind == "rank":
                return self._center
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status == INCOMPLETE:
                return _INCOMPLETE_FG
            if not r.ranked and r.status != "averaged":
                return _UNRANKED_FG
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_NAME:
                return f"{r.name}（{r.code}）" + (f"\n{r.note}" if r.note else "")
            if col == len(self._columns) - 1:
                return r.note or None
            return None
        if role == RAW_ROLE:
            return self.cell(row, col).value
        if role == CODE_ROLE:
            return r.code
        if role == GROUP_ROLE:
            return r.group
        if role == STATUS_ROLE:
            return r.status
        return None

    # -- summary -------------------------------------------------------------------------
    def counts(self, group: str | None = None) -> dict[str, int]:
        out = {"ranked": 0, "unranked": 0, "incomplete": 0, "averaged": 0, "total": 0}
        for r in self._rows:
            if group is not None and r.group != group:
                continue
            out["total"] += 1
            if r.ranked:
                out["ranked"] += 1
            elif r.status == "averaged":
                out["averaged"] += 1
            elif r.status in (INCOMPLETE, "missing"):
                out["incomplete"] += 1
            else:
                out["unranked"] += 1
        return out


class RankingProxy(QSortFilterProxyModel):
    """Sorted by rank (rows move as ranks change); filtered to one ranking group in C++."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(GROUP_ROLE)
        self.setFilterKeyColumn(COL_CODE)
        self.setDynamicSortFilter(True)
        self.group: str | None = None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1  # 序号 in the shown order
        return super().headerData(section, orientation, role)

    def set_group(self, group: str | None) -> None:
        import re

        self.group = group
        if group is None:
            self.setFilterRegularExpression("")
        else:
            self.setFilterRegularExpression(f"^{re.escape(group)}$")

    def code_at(self, proxy_row: int) -> str:
        return self.index(proxy_row, COL_CODE).data(CODE_ROLE)

    def codes(self) -> list[str]:
        return [self.code_at(i) for i in range(self.rowCount())]

    def proxy_row_of(self, code: str) -> int:
        src = self.sourceModel()
        row = src.row_of(code) if src is not None else -1
        if row < 0:
            return -1
        return self.mapFromSource(src.index(row, 0)).row()


# ---------------------------------------------------------------------------- 红黑榜

RB_GROUP, RB_LIST, RB_POS, RB_NAME, RB_CODE, RB_SCORE, RB_RANK = range(7)
RB_COLUMNS = 7
TOP_N = 5


@dataclass(frozen=True)
class BoardRow:
    group: str
    group_label: str
    red: bool  # 红榜 (top) or 黑榜 (bottom)
    position: int  # 1..5 within the list
    code: str
    name: str
    score: Decimal | None
    rank_text: str


def board_rows(rows: Iterable[RankingRow], group_labels: Mapping[str, str], n: int = TOP_N) -> list[BoardRow]:
    """Top ``n`` and bottom ``n`` ranked units of each group (bottom from the worst up);
    a group with fewer than 2n ranked units lists each unit once."""
    by_group: dict[str, list[RankingRow]] = {}
    for r in rows:
        if r.ranked:
            by_group.setdefault(r.group, []).append(r)
    out: list[BoardRow] = []
    for g, label in group_labels.items():
        ranked = sorted(by_group.get(g, []), key=lambda r: (r.rank, r.code))
        top = ranked[:n]
        rest = ranked[len(top):]
        bottom = rest[-n:] if rest else []
        for pos, r in enumerate(top, 1):
            out.append(BoardRow(g, label, True, pos, r.code, r.name, r.score, r.rank_text))
        for pos, r in enumerate(reversed(bottom), 1):
            out.append(BoardRow(g, label, False, pos, r.code, r.name, r.score, r.rank_text))
    return out


class RedBlackModel(QAbstractTableModel):
    """红榜 / 黑榜 rows of every ranking group; refreshed from the ranking model's rows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[BoardRow] = []
        self._headers = [_tr("排名组"), _tr("榜单"), _tr("序"), _tr("单位名称"), _tr("编码"), _tr("得分"), _tr("排名")]
        self._red_text, self._black_text = _tr("红榜"), _tr("黑榜")
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._center = int(Qt.AlignmentFlag.AlignCenter)

    @property
    def rows(self) -> list[BoardRow]:
        return list(self._rows)

    def set_rows(self, rows: list[BoardRow]) -> None:
        """Replace the rows: same length → dataChanged for changed cells only, else a reset."""
        if len(rows) != len(self._rows):
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
            return
        old, self._rows = self._rows, list(rows)
        for i, (a, b) in enumerate(zip(old, rows, strict=True)):
            if a != b:
                cols = [c for c in range(RB_COLUMNS) if self._text(a, c) != self._text(b, c)]
                if cols:
                    self.dataChanged.emit(self.index(i, min(cols)), self.index(i, max(cols)))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else RB_COLUMNS

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < RB_COLUMNS else None
        return section + 1

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _text(self, r: BoardRow, col: int) -> str:
        if col == RB_GROUP:
            return r.group_label
        if col == RB_LIST:
            return self._red_text if r.red else self._black_text
        if col == RB_POS:
            return str(r.position)
        if col == RB_NAME:
            return r.name
        if col == RB_CODE:
            return r.code
        if col == RB_SCORE:
            return "" if r.score is None else fmt2(round2(r.score), trim=False)
        if col == RB_RANK:
            return r.rank_text
        return ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= RB_COLUMNS:
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ForegroundRole and col in (RB_LIST, RB_NAME, RB_SCORE, RB_RANK):
            return _RED if r.red else _BLACK
        if role == Qt.ItemDataRole.BackgroundRole:
            return _RED_BG if r.red else _BLACK_BG
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == RB_SCORE:
                return self._right
            if col in (RB_LIST, RB_POS, RB_RANK):
                return self._center
        if role == CODE_ROLE:
            return r.code
        if role == GROUP_ROLE:
            return r.group
        if role == RAW_ROLE:
            return r.score if col == RB_SCORE else self._text(r, col)
        return None
