"""Qt model of the 月度数据 grid: participating units × the scheme's monthly inputs × live columns.

Rows are plain UnitRows; the month's values are kept in a dict of Cells updated from the
service's CellChanges (never re-read per edit); live columns are cached per row and refreshed
only for the unit codes the ranking engine reports as changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from hotline_desktop.core.domain import UnitKind, UnitRow
from hotline_desktop.core.monthly_checks import blank_volume_warning
from hotline_desktop.core.scoring.numbers import fmt2
from hotline_desktop.core.scoring.results import describe_missing
from hotline_desktop.core.text import strip_blanks
from hotline_desktop.gui.notices.fed_cells import FED_ROLE, FedCells
from hotline_desktop.gui.search_proxy import SearchProxy
from hotline_desktop.gui.units.models import natural_key
from hotline_desktop.services.assessment import Cell, CellEdit

COL_CODE, COL_NAME, COL_GROUP = range(3)
FIXED_COLUMNS = 3

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # comparable key (tuple) for the column
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # Cell of an input column, figure of a live column
UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 3
KEY_ROLE = Qt.ItemDataRole.UserRole + 4  # input key of an input column
ERROR_ROLE = Qt.ItemDataRole.UserRole + 5  # reason a cell is invalid, else None

BAD_BACKGROUND = QColor("#f6c9c9")
BAD_FOREGROUND = QColor("#8a1414")
LIVE_BACKGROUND = QColor("#eaf1f8")
LIVE_FOREGROUND = QColor("#1d3b5a")
MUTED = QColor("#7d8791")
WARN_BACKGROUND = QColor("#fde9b8")
WARN_FOREGROUND = QColor("#7a4d00")

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_EMPTY_KEY = (2,)
_MERGE_GAP = 4  # changed rows up to this many rows apart share one dataChanged
# Qt (6.12) repaints the whole viewport of every view on the model for a dataChanged that names
# more than 200 cells, wherever they are (off screen, in columns a view hides): a run of rows
# is signalled in parts of at most this many cells.
_MAX_CHANGED_CELLS = 200
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_INPUT_FLAGS = _CELL_FLAGS | Qt.ItemFlag.ItemIsEditable

# roles the grid sets for no cell (a fed override sets FontRole: see _data)
_NEVER = frozenset(int(r) for r in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.CheckStateRole))
_MARK_ROLES = frozenset((Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole,
                         ERROR_ROLE))
_FED_ROLES = frozenset((Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
                        Qt.ItemDataRole.ToolTipRole, FED_ROLE))

# Committer: writes edits (through the undo stack) and returns whether anything was written.
Committer = Callable[[list[CellEdit], str], object]


def _tr(text: str) -> str:
    return QCoreApplication.translate("MonthlyGridModel", text)


def _num_key(value) -> tuple:
    if value is None:
        return _EMPTY_KEY
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | Decimal | float):
        return (0, value)
    return (1, str(value))


def wrap_label(label: str, width: int = 6) -> str:
    """Break a long Chinese header into lines of at most `width` characters."""
    if len(label) <= width + 1:
        return label
    cut = label.find("（")
    if 0 < cut:  # a bracketed note goes on its own line
        return "\n".join((wrap_label(label[:cut], width), wrap_label(label[cut:], width + 1)))
    lines = [label[i : i + width] for i in range(0, len(label), width)]
    if len(lines[-1]) == 1:  # no orphan character on its own line
        last = lines.pop()
        lines[-1] += last
    return "\n".join(lines)


def changed_runs(rows: Iterable[int], max_rows: int) -> list[tuple[int, int]]:
    """(first, last) row runs covering `rows`: rows up to ``_MERGE_GAP`` apart share a run, no
    run spans more than `max_rows` rows."""
    runs: list[tuple[int, int]] = []
    start = prev = None
    for row in sorted(set(rows)):
        if start is not None and row <= prev + _MERGE_GAP and row - start < max_rows:
            prev = row
            continue
        if start is not None:
            runs.append((start, prev))
        start = prev = row
    if start is not None:
        runs.append((start, prev))
    return runs


class LiveCell(NamedTuple):
    text: str
    sort: tuple
    tip: str = ""
    value: object = None


_NO_LIVE = LiveCell("", _EMPTY_KEY)


class LiveColumn(NamedTuple):
    key: str
    header: str
    tip: str


class MonthlyGridModel(QAbstractTableModel):
    errors_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scheme = None
        self.month: str | None = None
        self.live = None  # LiveRanking
        self.committer: Committer | None = None
        self._units: list[UnitRow] = []
        self._row_of_id: dict[int, int] = {}
        self._row_of_code: dict[str, int] = {}
        self._search: list[str] = []
        self._group_key: list[str] = []
        self._inputs: list = []
        self._col_of_key: dict[str, int] = {}
        self._input_tips: list[str] = []
        self._live_cols: list[LiveColumn] = []
        self._live: list[tuple[LiveCell, ...] | None] = []  # None: not computed since the last change
        self._per_unit: dict[int, int] = {}
        self.building = False  # the live engine is being built (live cells say 正在计算…)
        self._cells: dict[tuple[int, str], Cell] = {}
        # the stored row version this seat read per cell (absent: no row; None: not known, unchecked)
        self._versions: dict[tuple[int, str], int | None] = {}
        self._errors: dict[tuple[int, str], str] = {}
        # Typed texts the store could not save (disk full, read-only): shown as typed, in red,
        # until a save of that cell succeeds or the month is reloaded.
        self._unsaved: dict[tuple[int, str], tuple[str, str]] = {}
        self._warnings: dict[int, str] = {}  # unit id → warning for this unit-month (core rule)
        self._headers: list[str] = []
        self._warn_bg = QBrush(WARN_BACKGROUND)
        self._warn_fg = QBrush(WARN_FOREGROUND)
        self._bad_bg = QBrush(BAD_BACKGROUND)
        self._bad_fg = QBrush(BAD_FOREGROUND)
        self._live_bg = QBrush(LIVE_BACKGROUND)
        self._live_fg = QBrush(LIVE_FOREGROUND)
        self._muted = QBrush(MUTED)
        self.fed = FedCells()  # inputs counted from the 督办通知 register (kept current by the tab)
        self._versions_known = False

    # -- loading -------------------------------------------------------------------------
    def set_month_data(self, scheme, units: Iterable[UnitRow], month: str | None,
                       cells: dict[tuple[int, str, str], Cell], live=None,
                       versions: dict[tuple[int, str], int] | None = None) -> None:
        """Replace everything (a new year, scheme or month): one reset. `versions` are the stored
        rows' versions read with the cells (each edit names them: a seat never overwrites unseen)."""
        self.beginResetModel()
        self._versions = dict(versions) if versions is not None else {}
        self._versions_known = versions is not None
        self.scheme = scheme
        self.month = month
        self.live = live
        self._units = list(units) if scheme is not None else []
        self._row_of_id = {u.id: i for i, u in enumerate(self._units)}
        self._row_of_code = {u.code: i for i, u in enumerate(self._units)}
        kinds = list(UnitKind)
        group_order = {g.key: i for i, g in enumerate(scheme.groups)} if scheme is not None else {}
        self._group_key = []
        self._search = []
        for u in self._units:
            g = group_order.get(scheme.group_of_kind(u.kind.value), 99) if scheme is not None else 0
            self._group_key.append(f"{g:02d}{kinds.index(u.kind)}{natural_key(u.code)}")
            self._search.append(f"{u.code} {u.name} {u.kind.label}".casefold())
        self._inputs = list(scheme.monthly_inputs) if scheme is not None else []
        self._col_of_key = {inp.key: FIXED_COLUMNS + i for i, inp in enumerate(self._inputs)}
        self._input_tips = [self._input_tip(inp) for inp in self._inputs]
        self._live_cols = self._live_columns(scheme) if scheme is not None else []
        self._cells = {}
        self._errors = {}
        self._unsaved = {}
        self._per_unit = {}  # unit id -> cells it holds (the 已录入 count)
        for (uid, m, key), cell in cells.items():
            if m == month and uid in self._row_of_id and key in self._col_of_key:
                self._cells[(uid, key)] = cell
                self._per_unit[uid] = self._per_unit.get(uid, 0) + 1
                if cell.error:
                    self._errors[(uid, key)] = cell.error
        self._headers = [_tr("编码"), _tr("单位名称"), _tr("类型")]
        for inp in self._inputs:
            label = wrap_label(inp.label)
            self._headers.append(f"{label}\n({inp.unit})" if inp.unit else label)
        self._headers += [c.header for c in self._live_cols]
        self._live = [None] * len(self._units)  # computed when first shown (live_cell)
        self._warnings = {}
        for uid in {uid for uid, _k in self._cells}:
            self._update_warning(uid)
        self.endResetModel()
        self.errors_changed.emit()

    def _update_warning(self, unit_id: int) -> bool:
        """Recompute a unit's warning; True if it changed."""
        keys = [inp.key for inp in self._inputs if (unit_id, inp.key) in self._cells]
        w = blank_volume_warning(self.scheme, keys)
        if self._warnings.get(unit_id) == w:
            return False
        if w is None:
            del self._warnings[unit_id]
        else:
            self._warnings[unit_id] = w
        return True

    def warnings(self) -> dict[int, str]:
        """unit id → warning (e.g. 当月办件量未填，按 0 件计) for this month."""
        return dict(self._warnings)

    def _input_tip(self, inp) -> str:
        lines = [f"{inp.label}" + (f"（{inp.unit}）" if inp.unit else "") + f" · {inp.kind_label}"]
        if inp.notes:
            lines.append(inp.notes)
        rules = [ind.rule_text for ind in self.scheme.indicators if inp.key in ind.inputs and ind.rule_text]
        lines += list(dict.fromkeys(rules))
        if inp.required_when_positive and self.scheme.has_input(inp.required_when_positive):
            lines.append(_tr("{0}大于 0 时必填").format(self.scheme.input(inp.required_when_positive).label))
        return "\n".join(lines)

    def _live_columns(self, scheme) -> list[LiveColumn]:
        if scheme.has_monthly_scores:
            return [
                LiveColumn("month_score", _tr("当月\n得分"), _tr("本月考核得分（实时计算；“按平均分”：当月无工单，按全区平均分）")),
                LiveColumn("month_rank", _tr("当月\n排名"), _tr("本月排名（实时计算）")),
            ]
        cols: list[LiveColumn] = []
        seen: set[str] = set()
        for inp in scheme.monthly_inputs:
            if inp.aggregate != "weighted_mean" or not inp.weight:
                continue
            w = scheme.input(inp.weight)
            if w.key not in seen:
                seen.add(w.key)
                cols.append(LiveColumn(f"sum:{w.key}", _tr("全年\n{0}\n({1})").format(wrap_label(w.label, 5), w.unit),
                                       _tr("全年{0}合计（至今已录入的月份）").format(w.label)))
            cols.append(LiveColumn(f"wmean:{inp.key}", _tr("全年\n{0}\n({1})").format(wrap_label(inp.label, 5), inp.unit),
                                   _tr("全年{0}（按{1}加权）").format(inp.label, w.label)))
            for ind in scheme.annual_indicators:
                if inp.key in ind.inputs:
                    cols.append(LiveColumn(f"ind:{ind.key}", _tr("{0}\n得分").format(wrap_label(ind.label, 5)),
                                           ind.heading() + ("\n" + ind.rule_text if ind.rule_text else "")))
        cols.append(LiveColumn("total", _tr("当前\n总分"), _tr("目前的全年总分（实时计算）")))
        cols.append(LiveColumn("rank", _tr("组内\n排名"), _tr("目前在本组中的排名（实时计算）")))
        return cols

    # -- live figures ----------------------------------------------------------------------
    def set_building(self, on: bool) -> None:
        """The live engine is being built: the live columns say 正在计算… meanwhile."""
        self.building = on
        self._mark_all_live()

    def set_live(self, live) -> None:
        """The live engine arrived (built in a worker): fill the live columns."""
        self.live = live
        self.building = False
        self._mark_all_live()

    def _mark_all_live(self) -> None:
        if not self._live_cols or not self._units:
            return
        self._live = [None] * len(self._units)
        first = FIXED_COLUMNS + len(self._inputs)
        self.dataChanged.emit(self.index(0, first), self.index(len(self._units) - 1, first + len(self._live_cols) - 1))

    def _compute_live(self, code: str) -> tuple[LiveCell, ...]:
        if self.live is None or not self._live_cols:
            cell = LiveCell(_tr("正在计算…"), _EMPTY_KEY) if self.building else _NO_LIVE
            return tuple(cell for _ in self._live_cols)
        ur = self.live.result().units.get(code)
        if ur is None:
            return tuple(_NO_LIVE for _ in self._live_cols)
        out = []
        for col in self._live_cols:
            out.append(self._live_cell(col.key, code, ur))
        return tuple(out)

    def _live_cell(self, key: str, code: str, ur) -> LiveCell:
        scheme = self.scheme
        if key == "month_score":
            m = ur.months.get(self.month) if self.month else None
            if m is None or m.status == "missing":
                return _NO_LIVE
            if m.status == "incomplete" or m.score is None:
                tip = "；".join(describe_missing(scheme, f"{self.month}:{k}") for k in m.missing)
                return LiveCell(_tr("缺项"), (1, ""), tip or _tr("本月数据不完整，暂不计分"))
            text = fmt2(m.score, trim=False)
            if m.averaged:
                return LiveCell(_tr("按平均分 {0}").format(text), (0, m.score),
                                _tr("本月无工单，按全区当月平均分计"), m.score)
            return LiveCell(text, (0, m.score), "", m.score)
        if key == "month_rank":
            m = ur.months.get(self.month) if self.month else None
            if m is None or m.rank is None:
                return _NO_LIVE
            text = _tr("{0}（并列）").format(m.rank) if m.tied else str(m.rank)
            return LiveCell(text, (0, m.rank), "", m.rank)
        if key == "total":
            if ur.total is None:
                tip = "\n".join(describe_missing(scheme, i) for i in ur.missing[:8])
                if len(ur.missing) > 8:
                    tip += _tr("\n……共 {0} 项").format(len(ur.missing))
                return LiveCell(_tr("缺项"), (1, ""), tip)
            return LiveCell(fmt2(ur.total, trim=False), (0, ur.total), "", ur.total)
        if key == "rank":
            if ur.rank is None:
                text = _tr("不参评") if ur.status == "unranked" else ""
                return LiveCell(text, (1, text))
            return LiveCell(ur.rank_text, (0, ur.rank), "", ur.rank)
        kind, _, ref = key.partition(":")
        if kind == "ind":
            v = ur.indicators.get(ref)
            return _NO_LIVE if v is None else LiveCell(fmt2(v, trim=False), (0, v), "", v)
        if kind in ("sum", "wmean"):  # the year figure the engine scores (one definition, in core)
            v = self.live.engine.year_figures(code).get(ref)
            if v is None:
                return _NO_LIVE
            text = str(v) if kind == "sum" else fmt2(v, trim=False)
            return LiveCell(text, (0, v), "", v)
        return _NO_LIVE

    def refresh_live(self, codes: Iterable[str]) -> int:
        """The live columns of those units changed: forget them (recomputed when next shown or
        sorted on: a rank shift touches thousands of rows, a repaint shows a few dozen) and
        signal the live columns of each run of rows once (rows up to ``_MERGE_GAP`` apart share
        one dataChanged, as in the ranking model: a rank shift changes ~700 of 4,000 rows),
        a long run in parts of at most ``_MAX_CHANGED_CELLS`` cells (else Qt repaints every
        view whole)."""
        if not self._live_cols:
            return 0
        first = FIXED_COLUMNS + len(self._inputs)
        last = first + len(self._live_cols) - 1
        live = self._live
        rows = []
        for code in codes:
            row = self._row_of_code.get(code)
            if row is not None:
                live[row] = None
                rows.append(row)
        if not rows:
            return 0
        for start, end in changed_runs(rows, max(1, _MAX_CHANGED_CELLS // len(self._live_cols))):
            self.dataChanged.emit(self.index(start, first), self.index(end, last))
        return len(rows)

    # -- changes from the service ----------------------------------------------------------
    def apply_changes(self, changes: Iterable) -> int:
        """Update the cells of this month from committed CellChanges (dataChanged per cell)."""
        n = 0
        errors_before = len(self._errors)
        errors_touched = False
        for ch in changes:
            if ch.month != self.month:
                continue
            row = self._row_of_id.get(ch.unit_id)
            col = self._col_of_key.get(ch.key)
            if row is None or col is None:
                continue
            ident = (ch.unit_id, ch.key)
            self._unsaved.pop(ident, None)
            version = getattr(ch, "version", None)
            if version:
                self._versions[ident] = version
            elif version == 0:
                self._versions.pop(ident, None)
            elif ch.new is not None or ident in self._versions:
                self._versions[ident] = None  # changed by a path that did not say its version
            if ch.new is None:
                if self._cells.pop(ident, None) is not None:
                    left = self._per_unit.pop(ch.unit_id, 1) - 1
                    if left:
                        self._per_unit[ch.unit_id] = left
            else:
                if ident not in self._cells:
                    self._per_unit[ch.unit_id] = self._per_unit.get(ch.unit_id, 0) + 1
                self._cells[ident] = ch.new
            had = ident in self._errors
            if ch.new is not None and ch.new.error:
                self._errors[ident] = ch.new.error
                errors_touched = True
            elif had:
                del self._errors[ident]
                errors_touched = True
            ix = self.index(row, col)
            self.dataChanged.emit(ix, ix)
            n += 1
            if self._update_warning(ch.unit_id):
                errors_touched = True
                self._warning_changed(row)
        if errors_touched or len(self._errors) != errors_before:
            self.errors_changed.emit()
        return n

    def _warning_changed(self, row: int) -> None:
        """A unit-month's warning came or went: its name, volume cell and row marker repaint."""
        self.dataChanged.emit(self.index(row, COL_NAME), self.index(row, COL_NAME))
        vcol = self._col_of_key.get(self.scheme.volume_input or "")
        if vcol is not None:
            self.dataChanged.emit(self.index(row, vcol), self.index(row, vcol))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)

    def mark_unsaved(self, edits: Iterable, reason: str) -> int:
        """Keep texts whose save failed on screen (red, with the reason) instead of losing them."""
        n = 0
        for e in edits:
            row = self._row_of_id.get(e.unit_id)
            col = self._col_of_key.get(e.key)
            if e.month != self.month or row is None or col is None:
                continue
            self._unsaved[(e.unit_id, e.key)] = (e.text or "", reason)
            ix = self.index(row, col)
            self.dataChanged.emit(ix, ix)
            n += 1
        return n

    def unsaved(self) -> dict[tuple[int, str], str]:
        """(unit id, key) → the typed text not saved."""
        return {k: v[0] for k, v in self._unsaved.items()}

    def _drop_unsaved(self, ident: tuple[int, str], row: int, col: int) -> None:
        if self._unsaved.pop(ident, None) is not None:
            ix = self.index(row, col)
            self.dataChanged.emit(ix, ix)
    def fed_changed(self, cells) -> None:
        """The fed state of these (unit_id, key) changed: repaint them."""
        for uid, key in cells:
            row, col = self._row_of_id.get(uid), self._col_of_key.get(key)
            if row is not None and col is not None:
                ix = self.index(row, col)
                self.dataChanged.emit(ix, ix)

    # -- access ----------------------------------------------------------------------------
    @property
    def units(self) -> list[UnitRow]:
        return list(self._units)

    @property
    def inputs(self) -> list:
        return list(self._inputs)

    @property
    def live_columns(self) -> list[LiveColumn]:
        return list(self._live_cols)

    @property
    def first_input_column(self) -> int:
        return FIXED_COLUMNS

    @property
    def first_live_column(self) -> int:
        return FIXED_COLUMNS + len(self._inputs)

    def unit_at(self, row: int) -> UnitRow:
        return self._units[row]

    def row_of(self, unit_id: int) -> int:
        return self._row_of_id.get(unit_id, -1)

    def column_of(self, key: str) -> int:
        return self._col_of_key.get(key, -1)

    def input_at(self, col: int):
        i = col - FIXED_COLUMNS
        return self._inputs[i] if 0 <= i < len(self._inputs) else None

    def is_input_column(self, col: int) -> bool:
        return FIXED_COLUMNS <= col < FIXED_COLUMNS + len(self._inputs)

    def is_live_column(self, col: int) -> bool:
        return col >= FIXED_COLUMNS + len(self._inputs)

    def version_of(self, unit_id: int, key: str) -> int | None:
        """The row version this seat read for a cell: 0 when it saw no row, None when not known."""
        if not self._versions_known:
            return None
        return self._versions.get((unit_id, key), 0)

    def cell(self, unit_id: int, key: str) -> Cell | None:
        return self._cells.get((unit_id, key))

    def cells(self) -> dict[tuple[int, str], Cell]:
        return dict(self._cells)

    def filled_units(self) -> int:
        """How many units hold at least one value this month."""
        return len(self._per_unit)

    def errors(self) -> dict[tuple[int, str], str]:
        return dict(self._errors)

    def search_text_at(self, row: int) -> str:
        return self._search[row]

    def live_cell(self, row: int, col: int) -> LiveCell:
        cells = self._live[row]
        if cells is None:
            cells = self._live[row] = self._compute_live(self._units[row].code)
        return cells[col - self.first_live_column]

    def text_at(self, row: int, col: int) -> str:
        """What a copy puts on the clipboard: the typed text of an input, the shown text otherwise."""
        return self._display(row, col)

    def sort_key(self, row: int, col: int) -> tuple:
        u = self._units[row]
        if col == COL_CODE:
            return (0, natural_key(u.code))
        if col == COL_NAME:
            return (0, u.name)
        if col == COL_GROUP:
            return (0, self._group_key[row])
        inp = self.input_at(col)
        if inp is not None:
            c = self._cells.get((u.id, inp.key))
            if c is None:
                return _EMPTY_KEY
            return _num_key(c.value) if c.valid else (1, c.text)
        if self.is_live_column(col):
            return self.live_cell(row, col).sort
        return _EMPTY_KEY

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._units)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._headers):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                if self.is_input_column(section):
                    return self._input_tips[section - FIXED_COLUMNS]
                if self.is_live_column(section):
                    return self._live_cols[section - self.first_live_column].tip
            if role == Qt.ItemDataRole.ForegroundRole and self.is_live_column(section):
                return self._live_fg
        elif 0 <= section < len(self._units):
            warning = self._warnings.get(self._units[section].id)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"⚠ {section + 1}" if warning else section + 1
            if role == Qt.ItemDataRole.ToolTipRole:
                return warning
            if role == Qt.ItemDataRole.ForegroundRole and warning:
                return self._warn_fg
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return self.column_flags(index.column())

    def column_flags(self, col: int):
        """Every cell of a column has the same flags (constants: an enum "|" per call costs more
        than the rest of a painted cell)."""
        return _INPUT_FLAGS if FIXED_COLUMNS <= col < FIXED_COLUMNS + len(self._inputs) else _CELL_FLAGS

    def _display(self, row: int, col: int) -> str:
        u = self._units[row]
        if col == COL_CODE:
            return u.code
        if col == COL_NAME:
            return u.name
        if col == COL_GROUP:
            return u.kind.label
        inp = self.input_at(col)
        if inp is not None:
            if self._unsaved:
                pending = self._unsaved.get((u.id, inp.key))
                if pending is not None:
                    return pending[0]
            c = self._cells.get((u.id, inp.key))
            return c.text if c is not None else ""
        if self.is_live_column(col):
            return self.live_cell(row, col).text
        return ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if row >= len(self._units) or col >= len(self._headers):
            return None
        return self._data(row, col, role)

    def multiData(self, index, span) -> None:  # noqa: N802 - Qt API
        """Every role a delegate asks to paint a cell in one Python call (not one per role)."""
        if not index.isValid():
            return
        row, col = index.row(), index.column()
        if row >= len(self._units) or col >= len(self._headers):
            return
        for rd in span:
            role = rd.role()
            if role in _NEVER:
                rd.clearData()
                continue
            v = self._data(row, col, role)
            if v is None:
                rd.clearData()
            else:
                rd.setData(v)

    def _data(self, row: int, col: int, role):
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.EditRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col >= FIXED_COLUMNS else _LEFT
        if role == SORT_ROLE:
            return repr(self.sort_key(row, col))
        u = self._units[row]
        if role == UNIT_ID_ROLE:
            return u.id
        if FIXED_COLUMNS <= col < FIXED_COLUMNS + len(self._inputs):
            return self._input_data(u, self._inputs[col - FIXED_COLUMNS].key, role)
        if col >= FIXED_COLUMNS:
            return self._live_data(row, col, role)
        return self._unit_data(u, col, role)

    def _input_data(self, u: UnitRow, key: str, role):
        if key in self.fed.keys and role in _FED_ROLES and (u.id, key) not in self._errors:
            return self.fed.role(u.id, key, role)
        if role in _MARK_ROLES:
            return self._input_mark(u, key, role)
        if role == RAW_ROLE:
            return self._cells.get((u.id, key))
        if role == KEY_ROLE:
            return key
        return None

    def _input_mark(self, u: UnitRow, key: str, role):
        """Colours, tooltip and ERROR_ROLE of an input cell: unsaved, invalid, or the unit-month's warning."""
        pending = self._unsaved.get((u.id, key)) if self._unsaved else None
        if pending is not None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return _tr("未保存：{0}").format(pending[1])
            if role == ERROR_ROLE:
                return _tr("未保存")
            return self._bad_bg if role == Qt.ItemDataRole.BackgroundRole else self._bad_fg
        err = self._errors.get((u.id, key))
        if err is None:
            warning = self._warnings.get(u.id) if key == self.scheme.volume_input else None
            if warning is None or role == ERROR_ROLE:
                return None
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._warn_bg
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._warn_fg
            return warning
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._bad_bg
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._bad_fg
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tr("{0}\n（不计分，改正后自动计入）").format(err)
        return err

    def _live_data(self, row: int, col: int, role):
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._live_bg
        if role == Qt.ItemDataRole.ForegroundRole:
            lc = self.live_cell(row, col)
            return self._muted if lc.value is None else self._live_fg
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.live_cell(row, col).tip or None
        if role == RAW_ROLE:
            return self.live_cell(row, col).value
        return None

    def _unit_data(self, u: UnitRow, col: int, role):
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_NAME:
            warning = self._warnings.get(u.id)
            return f"{u.name}\n⚠ {warning}" if warning else u.name
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_NAME and u.id in self._warnings:
            return self._warn_fg
        if role == RAW_ROLE:
            return (u.code, u.name, u.kind.value)[col]
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.is_input_column(index.column()):
            return False
        if self.committer is None or self.month is None:
            return False
        u = self._units[index.row()]
        inp = self._inputs[index.column() - FIXED_COLUMNS]
        text = "" if value is None else strip_blanks(str(value))  # a lone \x1f is refused, not a clear
        cur = self._cells.get((u.id, inp.key))
        if (cur.text if cur else "") == text and not (text and self.fed.counted(u.id, inp.key)):
            # (typing a register's count over itself still makes it an explicit override)
            self._drop_unsaved((u.id, inp.key), index.row(), index.column())
            return True
        self.committer([CellEdit(u.id, self.month, inp.key, text or None, self.version_of(u.id, inp.key))],
                       _tr("{0} · {1}").format(u.name, inp.label))
        return True


class MonthlyFilterProxy(SearchProxy):
    """Search by code, name or kind; sorts by the model's Python sort keys; rows numbered 1…n.

    Qt 6.12 re-sorts every row a dataChanged names while dynamic sorting is on, whichever
    column changed (a typed cell's rank shift names ~700 rows at 4,000 units: ~2,000 lessThan
    calls per edit). The code, name and kind columns and the search text only change with a
    reset, so sorting by them is static; only input and live columns sort dynamically.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        dynamic = column >= FIXED_COLUMNS
        if dynamic and not self.dynamicSortFilter():
            super().sort(-1, order)  # turning it on re-sorts by the current column: make that free
            self.setDynamicSortFilter(True)
        elif not dynamic:
            self.setDynamicSortFilter(False)
        super().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        if not self._needle or source_parent.isValid():
            return True
        model = self.sourceModel()
        return self._needle in model.search_text_at(source_row)

    def lessThan(self, left, right) -> bool:
        m = self.sourceModel()
        a = m.sort_key(left.row(), left.column())
        b = m.sort_key(right.row(), right.column())
        if a == b:  # stable tie-break by code
            return natural_key(m.unit_at(left.row()).code) < natural_key(m.unit_at(right.row()).code)
        return a < b

    def multiData(self, index, span) -> None:  # noqa: N802 - Qt API
        # (QSortFilterProxyModel would ask the model role by role)
        src = self.sourceModel()
        if index.isValid() and src is not None:
            src.multiData(self.mapToSource(index), span)

    def flags(self, index):
        # columns are not filtered or moved: the model's flags go by column alone
        src = self.sourceModel()
        if not index.isValid() or src is None:
            return Qt.ItemFlag.NoItemFlags
        return src.column_flags(index.column())

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        # Rows are numbered 1…n in view order (not the source row); columns are not filtered,
        # so their titles come straight from the model.
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < self.rowCount():
                return None
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole):
                src = self.mapToSource(self.index(section, 0)).row()
                marked = self.sourceModel().headerData(src, orientation, Qt.ItemDataRole.ToolTipRole)
                if role == Qt.ItemDataRole.DisplayRole:
                    return f"⚠ {section + 1}" if marked else section + 1
                return self.sourceModel().headerData(src, orientation, role)
            return None
        return self.sourceModel().headerData(section, orientation, role)

    def source_index(self, unit_id: int, key_or_col) -> QModelIndex:
        """Proxy index of a unit's input (by key) or column (by number); invalid if hidden."""
        m = self.sourceModel()
        row = m.row_of(unit_id)
        col = m.column_of(key_or_col) if isinstance(key_or_col, str) else key_or_col
        if row < 0 or col < 0:
            return QModelIndex()
        return self.mapFromSource(m.index(row, col))
