"""Qt models of the 排名 tab: the live ranking table and the 红黑榜 (top / bottom five).

The columns and cells come from ``core/ranking_table.py`` (the printed table's row builders),
so the screen, the Excel export and the printout agree. The table model keeps the result's
columns (``ScoringResult.places``: status, rank, 并列, group of every unit) and builds a unit's
row (``RankingRow``) only when it is painted or read: the order, the counts and the group filter
come from the columns. An edit marks the changed units' rows stale and re-places the rows
without a layout change: the span that shifted is one ``dataChanged`` (the group proxy narrows
it to its rows that now show another unit), so a view repaints, and builds, only what is
visible of it. The 排名 tab's view (gui/ranking/view.py) paints the visible cells from
``paint_row`` (texts, foreground, highlight: the same as data() says), one call a row; other
views get ``multiData``, which fills a painted cell's roles in one call.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from hotline_desktop.core.boards import TOP_N, BoardEntry, BoardRow
from hotline_desktop.core.ranking_order import order_numbers
from hotline_desktop.core.ranking_table import (
    AVERAGED_TEXT,
    Cell,
    RankingTable,
    RowBuilder,
    build_ranking_table,
    ranking_row_builder,
)
from hotline_desktop.core.scoring.numbers import fmt2, round2
from hotline_desktop.core.scoring.results import INCOMPLETE, RANKED, Places, ScoringResult
from hotline_desktop.gui.row_model import RowTableModel

if TYPE_CHECKING:
    import numpy as np  # imported where used: the main window paints before numpy loads

COL_CODE, COL_NAME = 0, 1  # then the table's columns, then 说明 (see RankingTableModel.col_*)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # comparable key of the column (rank column: the row order)
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # the cell's value (rounded Decimal, int, str or None)
CODE_ROLE = Qt.ItemDataRole.UserRole + 3
GROUP_ROLE = Qt.ItemDataRole.UserRole + 4
STATUS_ROLE = Qt.ItemDataRole.UserRole + 5
ORDER_ROLE = Qt.ItemDataRole.UserRole + 6  # int: ranked by rank, then unranked, incomplete; then code
ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER = 0, 1, 2  # RankingTableModel.text_align()

HIGHLIGHT = QColor("#fff3b0")  # recently changed rows
_UNRANKED_FG = QColor("#6b7480")
_INCOMPLETE_FG = QColor("#a15c00")
_RED = QColor("#b3261e")
_BLACK = QColor("#202124")
_RED_BG = QColor("#fdeeee")
_BLACK_BG = QColor("#eceff3")

_NO_NUMBER = -(10**30)  # sorts empty figures last (descending) / first (ascending); figures stay exact
_NO_CENTS = -(2**63)  # the same, for totals in cents (the least int64)


_new_row = tuple.__new__
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_NEVER = frozenset(int(r) for r in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.DecorationRole,
                                     Qt.ItemDataRole.CheckStateRole))  # the table sets none of them


def _tr(text: str) -> str:
    return QCoreApplication.translate("RankingTableModel", text)


@dataclass(frozen=True)
class ColumnSpec:
    key: str  # the printed table's column key (ind:x, cat:x, total, rank, …) or code / name / note
    kind: str  # score | count | rank | text | name
    title: str  # short header on screen
    tooltip: str  # the printed heading and rule text


class RankingRow(NamedTuple):
    """One unit as shown: figures as printed, its status, rank and the reason it is not ranked.
    (A NamedTuple: a rank change makes thousands of these per second.)"""

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

class LazyCells:
    """A row's cells, formatted on first use (a row read for its rank or status, e.g. for the
    红黑榜, needs none). Compares, iterates and slices as the tuple it stands for; ``with_cell``
    replaces one cell (a rank shift) without formatting the rest, ``one`` formats one cell
    alone (a sort key) without formatting the row."""

    __slots__ = ("_rb", "_u", "_pos", "_patch", "_cells")

    def __init__(self, rb: RowBuilder, u, pos: tuple[int, ...], patch: tuple[tuple[int, Cell], ...] = ()):
        self._rb, self._u, self._pos, self._patch, self._cells = rb, u, pos, patch, None

    def get(self) -> tuple[Cell, ...]:
        c = self._cells
        if c is None:
            c = _pick(self._rb, self._u, self._pos)
            if self._patch:
                lst = list(c)
                for i, cell in self._patch:
                    lst[i] = cell
                c = tuple(lst)
            self._cells, self._rb, self._u, self._patch = c, None, None, ()
        return c

    def one(self, i: int) -> Cell:
        """Cell ``i`` (formatted alone unless the row is; not kept)."""
        if self._cells is not None:
            return self._cells[i]
        for j, cell in self._patch:
            if j == i:
                return cell
        return self._rb.cell(self._u, self._pos[i])

    def with_cell(self, i: int, cell: Cell):
        if self._cells is not None:
            c = self._cells
            return (*c[:i], cell, *c[i + 1:])
        patch = self._patch
        if patch:
            patch = tuple([p for p in patch if p[0] != i])
        return LazyCells(self._rb, self._u, self._pos, (*patch, (i, cell)))

    def __getitem__(self, i):
        return self.get()[i]

    def __len__(self) -> int:
        return len(self._pos) if self._cells is None else len(self._cells)

    def __iter__(self):
        return iter(self.get())

    def __eq__(self, other):
        if isinstance(other, LazyCells):
            other = other.get()
        return self.get() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.get())

    def __repr__(self) -> str:
        return repr(self.get())


def _pick(rb: RowBuilder, u, pos: tuple[int, ...]) -> tuple[Cell, ...]:
    all_cells = rb.cells(u)
    return tuple([all_cells[i] for i in pos])


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
    """Columns of a (scheme, month) view and how to build rows from a ScoringResult.

    Cells come from the printed table's row builders (``core/ranking_table.py``), made once per
    view and ranking group."""

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
        self._rank_cells: dict[tuple[int | None, bool], Cell] = {}
        self._builders: dict[str, tuple[RowBuilder, tuple[int, ...]]] = {}
        self._result = result  # only for making the row builders (scheme, months, averages)
        self._averaged_note = _tr("当月没有工单，按全区月考核平均分计分（{0}）").format(AVERAGED_TEXT)

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

    def _builder(self, group: str) -> tuple[RowBuilder, tuple[int, ...]]:
        b = self._builders.get(group)
        if b is None:
            rb = ranking_row_builder(self._result, group=group, month=self.month, monthly_values=self.monthly_values)
            keys = [c.key for c in rb.columns]
            b = self._builders[group] = (rb, tuple(keys.index(k) for k in self.table_keys))
        return b

    def rerank(self, row: RankingRow, rank: int | None, tied: bool) -> RankingRow:
        """The row with only its rank changed (same text as the printed table's rank cell)."""
        cell = self._rank_cells.get((rank, tied))
        if cell is None:
            if rank is None:
                cell = Cell("", None)
            elif tied:
                text = f"{rank}（并列）"
                cell = Cell(text, text)
            else:
                cell = Cell(str(rank), rank)
            self._rank_cells[(rank, tied)] = cell
        cells = row.cells
        p = self._rank_pos
        if p >= 0 and row.status != "averaged":
            cells = cells.with_cell(p, cell) if isinstance(cells, LazyCells) else (*cells[:p], cell, *cells[p + 1:])
        return _new_row(RankingRow, (*row[:4], rank, cells, row.note, row.score, cell.text))

    def row(self, u, *, lazy: bool = False) -> RankingRow:
        """One unit's row: the printed table's cells (``lazy``: formatted on first use), status,
        rank and 说明."""
        rb, pos = self._builder(u.group)
        cells = LazyCells(rb, u, pos) if lazy else _pick(rb, u, pos)
        entry = rb.footer(u)
        note = entry.reason if entry is not None else ""
        if self.month is None:
            status, rank, score, tied = u.status, u.rank, u.total, u.tied
        else:
            m = u.months.get(self.month)
            if m is None:
                status, rank, score, tied = "missing", None, None, False
            else:
                status, rank, score, tied = m.status, m.rank, m.score, m.tied
                if status == "averaged":
                    note = self._averaged_note
        rank_text = "" if rank is None else (f"{rank}（并列）" if tied else str(rank))
        return RankingRow(u.code, u.name, u.group, status, rank, cells, note, score, rank_text)



# ---------------------------------------------------------------------------- ranking table

_MAX_RUNS = 12  # dataChanged signals for the changed rows of one edit, at most
_COUNT_KIND = {RANKED: 0, "scored": 0, "averaged": 2, INCOMPLETE: 3, "missing": 3}  # counts: else 1 (unranked)


class RankingTableModel(QAbstractTableModel):
    """Units × the printed columns (plus 编码, 说明); one row per unit, in the shown order.

    The model keeps the result's columns, not its rows: the order comes from the units' places
    (``ScoringResult.places`` through ``core.ranking_order.order_numbers``), the counts from the
    same columns, and a row (a ``RankingRow``, cells formatted on first use) is built when it is
    painted or read. An edit marks the rows of the changed units stale (a unit whose rank alone
    moved keeps its row with a new rank cell), re-places the rows (the span that shifted is one
    dataChanged, ``shifting`` set while it is emitted, so the group proxy moves persistent
    indexes with their units; no layout change) and signals the changed rows; the view then
    builds the rows it shows, a few dozen whatever the edit moved. Rows marked as changed
    (``mark``) are compared with their rows before the edit when first shown: those that differ
    are highlighted. A user's sort by another column makes every row's key once (a click: one
    cell of each row formatted) and keeps them: an edit makes its changed rows' keys again and
    re-sorts from the shown order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_spec: RankingLayout | None = None
        self._columns: tuple[ColumnSpec, ...] = ()
        self._col_rank = -1
        self._sort: tuple[int, Qt.SortOrder] | None = None  # None: rank order
        self.shifting = False  # True while a dataChanged says "these rows shifted" (a rank move)
        self._hl_brush = QBrush(HIGHLIGHT)
        self._right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._center = int(Qt.AlignmentFlag.AlignCenter)
        self._reset_state(None)

    def _reset_state(self, result: ScoringResult | None, month: str | None = None) -> None:
        self._result = result
        self._codes: list[str] = sorted(result.units) if result is not None else []  # code order
        self._code_idx = {c: i for i, c in enumerate(self._codes)}
        self._cache: dict[int, RankingRow] = {}  # code index -> its row, built when first read
        self._rerank: dict[int, RankingRow] = {}  # stale rows of units whose rank alone moved
        self._marked: dict[int, RankingRow | ScoringResult] = {}  # changed, not compared yet: row (result) before
        self._counts: dict[str | None, dict[str, int]] = {}
        self._group_masks: dict[str, np.ndarray] = {}
        self._texts: dict[int, tuple[RankingRow, tuple[str, ...]]] = {}  # id(row) -> (row, paint_texts)
        self._perm: list[int] = []  # shown row -> code index
        self._sort_keys: list[tuple] | None = None  # code index -> key of the current sort by another column
        self._places: Places | None = None
        self._groups_arr = None
        self._groups: Sequence[str] = ()
        if result is None:
            return
        import numpy as np

        n = len(self._codes)
        self._codes_arr = np.array(self._codes, object)  # the codes again, to index with arrays
        self._set_places(result.places(month))
        self._perm_arr = np.arange(n)
        self._perm = list(range(n))
        self._at = np.arange(n)  # code index -> shown row
        self._cached = np.zeros(n, bool)  # code index -> in _cache
        self._lit_mask = np.zeros(n, bool)  # code index -> highlighted

    def _set_places(self, places: Places) -> None:
        if self._places is None or places.groups is not self._places.groups:
            self._group_masks = {}
            self._groups_arr = None  # made when first needed
        self._places = places
        self._groups = places.groups
        self._order = order_numbers(places)  # the rule: core.ranking_order

    # -- rows, built when read -------------------------------------------------------------
    def _row(self, i: int) -> RankingRow:
        r = self._cache.get(i)
        if r is None:
            old = self._rerank.pop(i, None)
            if old is None:
                r = self.layout_spec.row(self._result.units[self._codes[i]], lazy=True)
            else:  # its figures and status as shown: only the rank cell moves
                p = self._places
                r = self.layout_spec.rerank(old, int(p.rank[i]) or None, bool(p.tied[i]))
            self._cache[i] = r
            self._cached[i] = True
        return r

    def _lit(self, i: int) -> bool:
        """Whether row ``i`` (code index) is highlighted; a marked row is compared first."""
        if self._marked:
            base = self._marked.pop(i, None)
            if base is not None:
                old = base if isinstance(base, RankingRow) else self.layout_spec.row(base.units[self._codes[i]],
                                                                                    lazy=True)
                if self._row(i) != old:
                    self._lit_mask[i] = True
        return bool(self._lit_mask[i]) if self._codes else False

    # -- access --------------------------------------------------------------------------
    @property
    def rows(self) -> list[RankingRow]:
        """Every row in the shown order (builds them all: exports use the result instead)."""
        return [self._row(i) for i in self._perm]

    def row_at(self, row: int) -> RankingRow:
        return self._row(self._perm[row])

    def row_of(self, code: str) -> int:
        i = self._code_idx.get(code)
        return -1 if i is None else int(self._at[i])

    def code_at(self, row: int) -> str:
        return self._codes[self._perm[row]]

    def shown(self, first: int = 0, last: int | None = None) -> tuple[list[str], list[str]]:
        """(codes, ranking groups) of the shown rows ``first``..``last`` (without building rows)."""
        if not self._codes:
            return [], []
        import numpy as np

        if self._groups_arr is None:
            self._groups_arr = np.array(self._groups, object)
        perm = self._perm_arr[first:None if last is None else last + 1]
        return self._codes_arr[perm].tolist(), self._groups_arr[perm].tolist()

    def has_units(self, codes: Iterable[str]) -> bool:
        return self._code_idx.keys() >= (codes if isinstance(codes, (set, frozenset)) else set(codes))

    def unit(self, code: str) -> RankingRow | None:
        i = self._code_idx.get(code)
        return None if i is None else self._row(i)

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
        for i in list(self._marked):
            self._lit(i)
        return {self._codes[i] for i in self._lit_mask.nonzero()[0].tolist()} if self._codes else set()

    # -- loading -------------------------------------------------------------------------
    def clear(self) -> None:
        self.beginResetModel()
        self.layout_spec = None
        self._columns = ()
        self._col_rank = -1
        self._reset_state(None)
        self.endResetModel()

    def load(self, result: ScoringResult, layout: RankingLayout) -> None:
        """Show a result whole (a reset: scheme, month or unit set changed); no row is built."""
        import numpy as np

        self.beginResetModel()
        self.layout_spec = layout
        self._columns = layout.columns
        self._col_rank = self.column_of("rank")
        if self._sort is not None and self._sort[0] >= len(self._columns):
            self._sort = None
        self._reset_state(result, layout.month)
        perm = self._sorted_rows()
        self._perm_arr, self._perm = perm, perm.tolist()
        self._at[perm] = np.arange(len(perm))
        self.endResetModel()

    def update(self, result: ScoringResult, codes: Iterable[str], *, mark: bool = False,
               rank_only: frozenset[str] | tuple = ()) -> set[str]:
        """Show ``result``, in which the units ``codes`` changed (the engine's codes of an edit;
        ``rank_only``: those of them whose ranks alone moved). Their rows are built again when
        next read; moved rows are re-placed (one dataChanged over the span that shifted) and
        the changed rows signalled; ``mark`` highlights those that show something else. Returns
        the codes whose rows changed (or may have: a changed unit's row is compared when shown).
        The caller reloads when the unit set changed."""
        import numpy as np

        layout = self.layout_spec
        if layout is None:
            return set()
        idx, before, old = self._code_idx, self._result, self._places
        self._result = result
        places = result.places(layout.month)
        self._set_places(places)
        codes = codes if isinstance(codes, (set, frozenset)) else set(codes)
        if not codes:
            return set()
        # the units whose figures changed get new rows; of the others, those whose place in this
        # view moved get their rows with a new rank cell (every unit whose place moved is in codes)
        figures = codes - rank_only if rank_only else codes
        built = np.fromiter((i for c in figures if (i := idx.get(c)) is not None), np.int64)
        if places.groups is not old.groups:
            regrouped = [i for i, (a, b) in enumerate(zip(places.groups, old.groups, strict=True)) if a != b]
            built = np.union1d(built, np.array(regrouped, np.int64))
        moved = (places.rank != old.rank) | (places.tied != old.tied) | (places.status != old.status)
        quick = moved.copy()
        quick[built] = False
        moved[built] = True
        changed = np.flatnonzero(moved)
        if not len(changed):
            return set()
        cache, rerank, marked, cached = self._cache, self._rerank, self._marked, self._cached
        for i in np.flatnonzero(quick & cached).tolist():
            rerank[i] = cache.pop(i)
        cached[quick] = False
        if marked:
            pending = np.fromiter(marked, np.int64, len(marked))
            for i in pending[quick[pending]].tolist():
                del marked[i]
        if mark:
            self._lit_mask |= quick
        lit = self._lit_mask
        for i in built.tolist():
            r = cache.pop(i, None)
            cached[i] = False
            rerank.pop(i, None)
            if mark and i not in marked and not lit[i]:
                marked[i] = r if r is not None else before
        self._counts.clear()
        self._emit_changed(changed, built)
        return set(self._codes_arr[changed].tolist())

    def _emit_changed(self, changed: np.ndarray, built: np.ndarray) -> None:
        """One span for the rows a re-sort shifted, then the changed rows (code indexes; ``built``:
        those whose rows are built again, the others' cells but the rank are as they were)."""
        moved = self._replace(self._sorted_rows(built), persistent=True)
        last = len(self._columns) - 1
        if moved is not None:  # the rows between the old and the new places shifted: one span
            self.shifting = True
            try:
                self.dataChanged.emit(self.index(moved[0], 0), self.index(moved[1] - 1, last))
            finally:
                self.shifting = False
        self._emit_runs(self._at[changed])

    # -- order -----------------------------------------------------------------------------
    def _sort_value(self, i: int, col: int):
        if col in (COL_CODE, COL_NAME) and self._places is not None:  # from the result: no row built
            ref = self._places.refs[i]
            return ref.code if col == COL_CODE else ref.name
        r = self._row(i)
        if 2 <= col < len(self._columns) - 1 and isinstance(r.cells, LazyCells):
            v = r.cells.one(col - 2).value  # the row's other cells are not formatted for a key
        else:
            v = self._cell(r, col).value
        if self._columns[col].kind in ("score", "count"):
            return v if isinstance(v, (Decimal, int)) else _NO_NUMBER
        return "" if v is None else str(v)

    def _sort_key(self, i: int, col: int, desc: bool) -> tuple:
        """Row ``i``'s key in the order by ``col``: its value, then its code order (ties keep the
        code order, also when descending: the order is unique, whatever order it is sorted from)."""
        return self._sort_value(i, col), -i if desc else i

    def _sorted_rows(self, changed: np.ndarray | None = None) -> np.ndarray:
        """Code indexes in the order to show (``changed``: the code indexes whose rows an edit
        built again; sorted by a column other than the rank, their keys are made again — a unit
        whose rank alone moved keeps every other cell, so its key)."""
        import numpy as np

        n = len(self._codes)
        desc = self._sort is not None and self._sort[1] == Qt.SortOrder.DescendingOrder
        if self._sort is None or self._sort[0] == self._col_rank:
            # sorted from the rows as shown: an edit moves a few units, and a stable sort (timsort)
            # of a nearly sorted run is ~linear (40× faster than sorting the code order at 4,000);
            # the order numbers are unique, so the result is the same
            hint = self._perm_arr if len(self._perm_arr) == n else np.arange(n)
            if desc:
                hint = hint[::-1]
            perm = hint[np.argsort(self._order[hint], kind="stable")]
            return perm[::-1] if desc else perm
        col = self._sort[0]
        if col < 0:
            return np.arange(n)
        p = self._places
        if col == self.col_total and p is not None:
            # the total (a month's score) as every row shows it, from the result's column: no row
            # built for its key; the empty last (descending) / first, ties in code order
            codes = np.arange(n)
            perm = np.lexsort((-codes if desc else codes, np.where(p.has_cents, p.cents, _NO_CENTS)))
            return perm[::-1] if desc else perm
        keys = self._sort_keys
        if keys is None or len(keys) != n:
            # every row's key, once per sort (a click); an edit then makes its changed rows' keys
            keys = self._sort_keys = [self._sort_key(i, col, desc) for i in range(n)]
            hint = range(n)
        else:
            if changed is not None:
                for i in changed.tolist():
                    keys[i] = self._sort_key(i, col, desc)
            # from the rows as shown (nearly sorted after an edit: timsort is ~linear); the keys
            # are unique, so the order is the one a full sort makes
            hint = self._perm if len(self._perm) == n else range(n)
        return np.array(sorted(hint, key=keys.__getitem__, reverse=desc), np.int64)

    def _replace(self, perm: np.ndarray, persistent: bool = False) -> tuple[int, int] | None:
        """Show the rows in ``perm`` (code indexes); only the span that moves is touched (a rank
        change shifts the rows between the old and the new place). Returns that span (lo, hi),
        or None when nothing moved."""
        import numpy as np

        diff = np.flatnonzero(perm != self._perm_arr)
        if not len(diff):
            return None
        lo, hi = int(diff[0]), int(diff[-1]) + 1
        old = self.persistentIndexList() if persistent else []
        before = self._perm[lo:hi]
        self._perm_arr = perm
        self._perm[lo:hi] = perm[lo:hi].tolist()
        at = self._at
        at[perm[lo:hi]] = np.arange(lo, hi)
        if old:
            self.changePersistentIndexList(
                old, [self.index(int(at[before[ix.row() - lo]]), ix.column()) if lo <= ix.row() < hi else ix
                      for ix in old])
        return lo, hi

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Show the rows by ``column`` (the rank column: the rank order; -1: code order)."""
        if self._sort != (column, order):
            self._sort_keys = None  # kept by update() for the current sort only
        self._sort = (column, order)
        if not self._codes:
            return
        import numpy as np

        perm = self._sorted_rows()
        if np.array_equal(perm, self._perm_arr):
            return
        self.layoutAboutToBeChanged.emit()
        self._replace(perm, persistent=True)
        self.layoutChanged.emit()

    # -- signals ---------------------------------------------------------------------------
    def _emit_runs(self, rows, roles=None) -> None:
        """dataChanged (whole rows) for the given rows: one per run of adjacent rows, and at
        most _MAX_RUNS (the runs closest together merged: a view repaints only what it shows
        of a run, while each signal costs Python calls in the proxy)."""
        if len(rows) == 0:
            return
        import numpy as np

        rows = np.unique(np.asarray(rows, np.int64))
        if not len(rows):
            return
        cuts = np.flatnonzero(np.diff(rows) > 1)  # run i ends at rows[cuts[i]]
        if len(cuts) >= _MAX_RUNS:
            gaps = rows[cuts + 1] - rows[cuts]
            cuts = np.sort(cuts[np.argsort(-gaps, kind="stable")[:_MAX_RUNS - 1]])
        starts, ends = [0, *(cuts + 1).tolist()], [*cuts.tolist(), len(rows) - 1]
        last = len(self._columns) - 1
        for a, b in zip(starts, ends, strict=True):
            self._emit_run([int(rows[a]), int(rows[b]), 0, last], roles)

    def _emit_run(self, run: list[int], roles) -> None:
        top, bottom = self.index(run[0], run[2]), self.index(run[1], run[3])
        if roles is None:
            self.dataChanged.emit(top, bottom)
        else:
            self.dataChanged.emit(top, bottom, roles)

    def set_highlight(self, codes: Iterable[str]) -> None:
        """Mark rows as recently changed (BackgroundRole); an empty set clears the marks."""
        if not self._codes:
            self._marked = {}
            return
        import numpy as np

        new = np.zeros(len(self._codes), bool)
        new[[i for c in codes if (i := self._code_idx.get(c)) is not None]] = True
        touched = new ^ self._lit_mask
        touched[list(self._marked)] = True
        self._lit_mask, self._marked = new, {}
        self._emit_runs(self._at[np.flatnonzero(touched)], [Qt.ItemDataRole.BackgroundRole])

    # -- summary -------------------------------------------------------------------------
    def counts(self, group: str | None = None) -> dict[str, int]:
        """Units per status (of the shown year or month), from the result's columns."""
        import numpy as np

        cached = self._counts.get(group)
        if cached is not None:
            return dict(cached)
        p = self._places
        kind = np.array([_COUNT_KIND.get(s, 1) for s in p.names] or [1], np.int64)[p.status]
        kind[p.rank > 0] = 0
        if kind.size:
            kind[(p.rank == 0) & (kind == 0)] = 1  # ranked without a rank: not ranked
        if group is not None:
            kind = kind[self._group_mask(group)]
        c = np.bincount(kind, minlength=4).tolist()
        out = {"ranked": c[0], "unranked": c[1], "incomplete": c[3], "averaged": c[2], "total": int(kind.size)}
        self._counts[group] = out
        return dict(out)

    def _group_mask(self, group: str) -> np.ndarray:
        """Code index -> unit in ``group`` (kept until the groups change)."""
        mask = self._group_masks.get(group)
        if mask is None:
            import numpy as np

            mask = self._group_masks[group] = np.array([g == group for g in self._groups], bool)
        return mask

    def board_entries(self, n: int = TOP_N) -> tuple[list[BoardEntry], dict[str, int]]:
        """The shown ranked units as 红黑榜 entries and the units without a rank per group (the
        board rule itself is core.boards.build_boards). Only the units that can be on a board
        (the ``n`` best and worst ranks of a group, ties included) get their rows built; the
        others enter by rank alone."""
        import numpy as np

        p, codes, groups = self._places, self._codes, self._groups
        entries: list[BoardEntry] = []
        not_ranked: dict[str, int] = {}
        ranked = p.rank > 0
        for g in dict.fromkeys(groups):
            mask = self._group_mask(g)
            if (left := int((mask & ~ranked).sum())):
                not_ranked[g] = left
            mine = np.flatnonzero(mask & ranked)
            ranks = p.rank[mine]
            if len(mine) > n:
                best, worst = np.sort(ranks)[[n - 1, -n]]
                near = set(mine[(ranks <= best) | (ranks >= worst)].tolist())
            else:
                near = set(mine.tolist())
            for i, rank in zip(mine.tolist(), ranks.tolist(), strict=True):
                if i in near:
                    r = self._row(i)
                    entries.append(BoardEntry(r.group, r.code, r.name, r.score, r.rank, r.rank_text))
                else:  # never shown: its name and score are not read
                    entries.append(BoardEntry(g, codes[i], "", None, rank, ""))
        return entries, not_ranked

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._perm)

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
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def _cell(self, r: RankingRow, col: int) -> Cell:
        if col == COL_CODE:
            return Cell(r.code, r.code)
        if col == COL_NAME:
            return Cell(r.name, r.name)
        if col == len(self._columns) - 1:
            return Cell(r.note, r.note or None)
        return r.cells[col - 2]

    def cell(self, row: int, col: int) -> Cell:
        return self._cell(self.row_at(row), col)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.data_at(index.row(), index.column(), role)

    # -- painting (gui/ranking/view.RankingView: what data() says, without a Qt call per cell) --
    def paint_texts(self, row: int) -> tuple[str, ...]:
        """The shown text of every column of a row (kept until the row changes)."""
        r = self.row_at(row)
        got = self._texts.get(id(r))
        if got is not None and got[0] is r:
            return got[1]
        if len(self._texts) > 2 * len(self._perm) + 64:
            self._texts.clear()
        texts = (r.code, r.name, *(c.text for c in r.cells), r.note)
        self._texts[id(r)] = (r, texts)
        return texts

    def paint_row(self, row: int) -> tuple[tuple[str, ...], QColor | None, QBrush | None]:
        """paint_texts, paint_foreground and paint_highlight of a row in one call."""
        i = self._perm[row]
        return self.paint_texts(row), self._foreground(self._row(i)), self._hl_brush if self._lit(i) else None

    def paint_foreground(self, row: int) -> QColor | None:
        return self._foreground(self.row_at(row))

    @staticmethod
    def _foreground(r: RankingRow) -> QColor | None:
        if r.status == INCOMPLETE:
            return _INCOMPLETE_FG
        if not r.ranked and r.status != "averaged":
            return _UNRANKED_FG
        return None

    def paint_highlight(self, row: int) -> QBrush | None:
        return self._hl_brush if self._lit(self._perm[row]) else None

    def text_align(self, col: int) -> int:
        """ALIGN_LEFT / ALIGN_RIGHT / ALIGN_CENTER (TextAlignmentRole of the column)."""
        kind = self._columns[col].kind if 0 <= col < len(self._columns) else ""
        return ALIGN_RIGHT if kind in ("score", "count") else ALIGN_CENTER if kind == "rank" else ALIGN_LEFT

    def multiData(self, index, span) -> None:  # noqa: N802 - Qt API
        if index.isValid():
            self.fill_roles(index.row(), index.column(), span)

    def fill_roles(self, row: int, col: int, span) -> None:
        """Fill a QModelRoleDataSpan (what a delegate asks to paint one cell): the painted
        roles straight from the row, any other through data_at."""
        if not (0 <= row < len(self._perm) and 0 <= col < len(self._columns)):
            return
        for rd in span:
            role = rd.role()
            if role == _DISPLAY:
                rd.setData(self.cell(row, col).text)
            elif role in _NEVER:
                rd.clearData()
            elif role == _BACKGROUND:
                if self._lit(self._perm[row]):
                    rd.setData(self._hl_brush)
                else:
                    rd.clearData()
            elif role == _FOREGROUND:
                fg = self.paint_foreground(row)
                if fg is None:
                    rd.clearData()
                else:
                    rd.setData(fg)
            else:
                v = self.data_at(row, col, role)
                if v is None:
                    rd.clearData()
                else:
                    rd.setData(v)

    def data_at(self, row: int, col: int, role=Qt.ItemDataRole.DisplayRole):
        """data() of a row and column (the proxy calls it without making a source index)."""
        if not (0 <= row < len(self._perm) and 0 <= col < len(self._columns)):
            return None
        i = self._perm[row]
        if role == ORDER_ROLE or (role == SORT_ROLE and col == self._col_rank):
            return int(self._order[i])
        if role == CODE_ROLE:
            return self._codes[i]
        if role == GROUP_ROLE:
            return self._groups[i]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(self._row(i), col).text
        if role == SORT_ROLE:
            return self._sort_value(i, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._hl_brush if self._lit(i) else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (None, self._right, self._center)[self.text_align(col)]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.paint_foreground(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(self._row(i), col)
        if role == RAW_ROLE:
            return self._cell(self._row(i), col).value
        if role == STATUS_ROLE:
            return self._row(i).status
        return None

    def _tooltip(self, r: RankingRow, col: int) -> str | None:
        if col == COL_NAME:
            return f"{r.name}（{r.code}）" + (f"\n{r.note}" if r.note else "")
        if col == len(self._columns) - 1:
            return r.note or None
        return None


class RankingProxy(QAbstractProxyModel):
    """One ranking group of the ranking model (``None``: every row), in the model's order.

    A plain row map, not a QSortFilterProxyModel: that one turns every moved span into a
    layout change (each view re-lays out and repaints everything, the filter asks every row
    again). Here a source dataChanged over a span whose rows shifted (a rank move) is checked
    against the group's rows in that span only: the proxy rows whose unit changed get one
    dataChanged (so a view repaints just the visible part of it) and persistent indexes (the
    selection) follow their units. Only a unit joining or leaving the group re-lays out.
    ``sort()`` is passed on to the model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.group: str | None = None
        self._src_rows: list[int] = []  # source row of each proxy row
        self._codes: list[str] = []  # unit code of each proxy row
        self._at: dict[int, int] = {}  # source row -> proxy row
        self._wired = None

    # -- wiring ----------------------------------------------------------------------------
    def setSourceModel(self, model) -> None:  # noqa: N802 - Qt API
        old = self.sourceModel()
        if old is not None and self._wired is not None:
            for signal, slot in self._wired:
                signal.disconnect(slot)
        self.beginResetModel()
        super().setSourceModel(model)
        self._wired = [
            (model.modelAboutToBeReset, self.beginResetModel),
            (model.modelReset, self._on_reset),
            (model.layoutAboutToBeChanged, self._on_layout_about),
            (model.layoutChanged, self._on_layout),
            (model.dataChanged, self._on_data),
            (model.headerDataChanged, self.headerDataChanged),
        ]
        for signal, slot in self._wired:
            signal.connect(slot)
        self._remap()
        self.endResetModel()

    def _remap(self) -> None:
        src = self.sourceModel()
        codes, groups = src.shown() if src is not None else ([], [])
        g = self.group
        self._src_rows = [i for i, x in enumerate(groups) if g is None or x == g]
        self._codes = [codes[i] for i in self._src_rows] if g is not None else codes
        self._at = {s: p for p, s in enumerate(self._src_rows)}

    def _on_reset(self) -> None:
        self._remap()
        self.endResetModel()

    def _on_layout_about(self, *_args) -> None:
        self.layoutAboutToBeChanged.emit()
        self._before = [(ix, self.data(self.index(ix.row(), 0), CODE_ROLE), ix.column())
                        for ix in self.persistentIndexList()]

    def _on_layout(self, *_args) -> None:
        self._remap()
        old = [ix for ix, _c, _col in self._before]
        new = [self._index_of(code, col) for _ix, code, col in self._before]
        self._before = []
        if old:
            self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _index_of(self, code, col: int) -> QModelIndex:
        src = self.sourceModel()
        row = src.row_of(code) if code is not None else -1
        if row < 0:
            return QModelIndex()
        p = self._at.get(row)
        return QModelIndex() if p is None else self.index(p, col)

    def _on_data(self, top, bottom, roles=()) -> None:
        a, b = top.row(), bottom.row()
        src = self.sourceModel()
        g = self.group
        if g is None and not src.shifting:  # every row shown, in place: the same rows here
            self.dataChanged.emit(self.createIndex(a, top.column()), self.createIndex(b, bottom.column()), roles)
            return
        p0, p1 = bisect_left(self._src_rows, a), bisect_right(self._src_rows, b)
        codes, groups = src.shown(a, b)
        if g is None:
            mine = list(range(a, b + 1))
        else:
            mine = [i for i, x in enumerate(groups, a) if x == g]
            codes = [codes[i - a] for i in mine]
        old = self._codes[p0:p1]
        if codes != old and (len(codes) != len(old) or set(codes) != set(old)):  # a unit joined or left the group
            self._on_layout_about()
            self._on_layout()
            return
        old_src = self._src_rows[p0:p1]
        if old_src != mine:
            for r in old_src:
                self._at.pop(r, None)
            self._src_rows[p0:p1] = mine
            self._at.update(zip(mine, range(p0, p1), strict=True))
        if not src.shifting:  # plain changes of these rows
            if p1 > p0:
                self.dataChanged.emit(self.index(p0, top.column()), self.index(p1 - 1, bottom.column()), roles)
            return
        # rows shifted (a rank move): only proxy rows showing another unit now changed; units
        # keep their persistent indexes (the selection follows them)
        n = len(codes)
        first = next((i for i in range(n) if old[i] != codes[i]), None)
        if first is None:
            return
        last = next(i for i in range(n - 1, first - 1, -1) if old[i] != codes[i])
        moved = {ix: (self._codes[ix.row()], ix.column()) for ix in self.persistentIndexList()
                 if p0 <= ix.row() < p1}
        self._codes[p0:p1] = codes
        if moved:
            where = {c: p for p, c in enumerate(codes, p0)}
            self.changePersistentIndexList(list(moved), [self.index(where[c], col) for c, col in moved.values()])
        self.dataChanged.emit(self.index(p0 + first, 0), self.index(p0 + last, self.columnCount() - 1), roles)

    # -- structure -------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._src_rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        src = self.sourceModel()
        return 0 if parent.isValid() or src is None else len(src._columns)

    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < self.rowCount() and 0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, _index=None) -> QModelIndex:
        return QModelIndex()

    def sibling(self, row: int, column: int, _index) -> QModelIndex:
        return self.index(row, column)

    def hasChildren(self, parent=QModelIndex()) -> bool:  # noqa: B008, N802 - Qt API
        return not parent.isValid() and self.rowCount() > 0

    def mapToSource(self, index) -> QModelIndex:  # noqa: N802 - Qt API
        src = self.sourceModel()
        if src is None or not index.isValid():
            return QModelIndex()
        return src.index(self._src_rows[index.row()], index.column())

    def mapFromSource(self, index) -> QModelIndex:  # noqa: N802 - Qt API
        if not index.isValid():
            return QModelIndex()
        p = self._at.get(index.row())
        return QModelIndex() if p is None else self.index(p, index.column())

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        src = self.sourceModel()
        if src is None or not index.isValid():
            return None
        return src.data_at(self._src_rows[index.row()], index.column(), role)

    def multiData(self, index, span) -> None:  # noqa: N802 - Qt API
        """Every role a delegate asks for a cell in one Python call (instead of one per role)."""
        src = self.sourceModel()
        if src is None or not index.isValid():
            return
        src.fill_roles(self._src_rows[index.row()], index.column(), span)

    def flags(self, index):
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags  # as the model's, without a call

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None  # 序号 in the shown order
        src = self.sourceModel()
        return None if src is None else src.headerData(section, orientation, role)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """The ranking model keeps its rows in the shown order; the proxy only filters."""
        src = self.sourceModel()
        if src is not None:
            src.sort(column, order)

    # -- group -----------------------------------------------------------------------------
    def set_group(self, group: str | None) -> None:
        self.beginResetModel()
        self.group = group
        self._remap()
        self.endResetModel()

    def code_at(self, proxy_row: int) -> str:
        return self.index(proxy_row, COL_CODE).data(CODE_ROLE)

    def codes(self) -> list[str]:
        return list(self._codes)

    def proxy_row_of(self, code: str) -> int:
        src = self.sourceModel()
        row = src.row_of(code) if src is not None else -1
        if row < 0:
            return -1
        return self.mapFromSource(src.index(row, 0)).row()


# ---------------------------------------------------------------------------- 红黑榜

RB_GROUP, RB_LIST, RB_POS, RB_NAME, RB_CODE, RB_SCORE, RB_RANK = range(7)
RB_COLUMNS = 7


class RedBlackModel(RowTableModel):
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
