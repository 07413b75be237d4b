"""Qt models of the 年度考核 tab: participating units with their completeness, the
completeness list (unit × missing annual items) and one item's evidence files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QStyle

from hotline_desktop.core.annual_status import AnnualStatus
from hotline_desktop.core.dates import datetime_text
from hotline_desktop.core.domain import UnitKind, UnitRow
from hotline_desktop.gui.row_model import RowTableModel
from hotline_desktop.gui.search_proxy import SearchProxy
from hotline_desktop.gui.units.models import natural_key
from hotline_desktop.services.evidence import EvidenceRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # comparable key for the column
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # the underlying value
ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the whole row object
ID_ROLE = Qt.ItemDataRole.UserRole + 4  # unit id (evidence id in EvidenceListModel)

COL_CODE, COL_NAME, COL_KIND, COL_FILLED, COL_FILES, COL_STATUS = range(6)

MCOL_CODE, MCOL_NAME, MCOL_KIND, MCOL_COUNT, MCOL_ITEMS = range(5)
MISSING_COLUMNS = 5

_OK = QColor("#2e7d32")
_BAD = QColor("#c62828")
_WARN = QColor("#b26a00")
_KIND_ORDER = {k: i for i, k in enumerate(UnitKind)}


@cache
def _file_icon():
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


def _tr(text: str) -> str:
    return QCoreApplication.translate("AnnualModels", text)


UnitState = AnnualStatus  # the rule lives in core.annual_status


def status_text(state: UnitState) -> str:
    return state.short_text()


def _kind_key(kind: UnitKind, code: str) -> str:
    return f"{_KIND_ORDER.get(kind, 9)}{natural_key(code)}"


class AnnualUnitsModel(RowTableModel):
    """Participants of the year's scheme; completeness columns change in place (dataChanged)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[UnitRow] = []
        self._pos: dict[int, int] = {}
        self._states: dict[int, UnitState] = {}
        self._headers = [_tr("编码"), _tr("名称"), _tr("类型"), _tr("已填"), _tr("材料"), _tr("完成情况")]

    # -- access --------------------------------------------------------------------------
    def set_units(self, rows: Iterable[UnitRow], states: Mapping[int, UnitState]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._pos = {r.id: i for i, r in enumerate(self._rows)}
        self._states = dict(states)
        self.endResetModel()

    def update_states(self, states: Mapping[int, UnitState]) -> list[int]:
        """Replace the states given; emits dataChanged for rows that really changed; returns their ids."""
        changed = []
        for uid, st in states.items():
            i = self._pos.get(uid)
            if i is None or self._states.get(uid) == st:
                continue
            self._states[uid] = st
            changed.append(uid)
            self.dataChanged.emit(self.index(i, COL_FILLED), self.index(i, COL_STATUS))
        return changed

    def row_of(self, unit_id: int) -> int:
        return self._pos.get(unit_id, -1)

    def unit_at(self, row: int) -> UnitRow:
        return self._rows[row]

    def unit(self, unit_id: int) -> UnitRow | None:
        i = self._pos.get(unit_id)
        return None if i is None else self._rows[i]

    def state(self, unit_id: int) -> UnitState:
        return self._states.get(unit_id, UnitState())

    @property
    def units(self) -> list[UnitRow]:
        return list(self._rows)

    # -- Qt model API --------------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        st = self._states.get(r.id, UnitState())
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, st, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, st, col)
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS:
            return {"bad": _BAD, "warn": _WARN}.get(st.level, _OK)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_FILLED, COL_FILES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return self._sort_key(r, st, col)
        if role == RAW_ROLE:
            return {COL_CODE: r.code, COL_NAME: r.name, COL_KIND: r.kind.value, COL_FILLED: st.filled,
                    COL_FILES: st.files, COL_STATUS: len(st.missing)}.get(col)
        return {ROW_ROLE: r, ID_ROLE: r.id}.get(role)

    @staticmethod
    def _display(r: UnitRow, st: UnitState, col: int):
        if col == COL_NAME:
            return r.name if r.active else _tr("{0}（已停用）").format(r.name)
        return {COL_CODE: r.code, COL_KIND: r.kind.label, COL_FILLED: f"{st.filled}/{st.total}",
                COL_FILES: str(st.files) if st.files else "", COL_STATUS: status_text(st)}.get(col)

    @staticmethod
    def _tooltip(r: UnitRow, st: UnitState, col: int):
        if col == COL_STATUS and not st.complete:
            return st.long_text()
        if col == COL_NAME:
            return r.name
        if col == COL_FILES:
            return _tr("证明材料 {0} 份").format(st.files)
        return None

    @staticmethod
    def _sort_key(r: UnitRow, st: UnitState, col: int) -> str:
        code = natural_key(r.code)
        keys = {COL_CODE: lambda: code, COL_KIND: lambda: _kind_key(r.kind, r.code),
                COL_FILLED: lambda: f"{st.filled:06d}{code}", COL_FILES: lambda: f"{st.files:06d}{code}",
                COL_STATUS: lambda: f"{len(st.missing):03d}{st.errors:03d}{code}"}
        return keys.get(col, lambda: r.name)()


class AnnualUnitsProxy(SearchProxy):
    """Search by code or name; optionally one unit kind only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._kind: str | None = None
        self.setSortRole(SORT_ROLE)
        self.setSortLocaleAware(True)

    def set_kind(self, kind: str | None) -> None:
        if kind != self._kind:
            self._refilter(lambda: setattr(self, "_kind", kind))

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        if not isinstance(model, AnnualUnitsModel) or source_parent.isValid():
            return True
        r = model.unit_at(source_row)
        if self._kind is not None and r.kind.value != self._kind:
            return False
        return not self._needle or self._needle in f"{r.code}\x1f{r.name}".casefold()

    def unit_at(self, proxy_index) -> UnitRow | None:
        return self.data(proxy_index, ROW_ROLE) if proxy_index.isValid() else None

    def proxy_row_of(self, unit_id: int) -> int:
        model = self.sourceModel()
        src = model.row_of(unit_id) if isinstance(model, AnnualUnitsModel) else -1
        if src < 0:
            return -1
        return self.mapFromSource(model.index(src, 0)).row()


class MissingItemsModel(RowTableModel):
    """Units that still lack annual items: one row per unit, the missing labels joined."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[UnitRow, tuple[str, ...]]] = []
        self._headers = [_tr("编码"), _tr("名称"), _tr("类型"), _tr("缺项数"), _tr("尚缺项目")]

    def set_rows(self, rows: Iterable[tuple[UnitRow, Iterable[str]]]) -> None:
        """Rows in a stable order (the caller's unit order): removes, inserts and changes in place."""
        new = [(u, tuple(items)) for u, items in rows if items]
        if new == self._rows:
            return
        keep = {u.id for u, _ in new}
        old_ids = [u.id for u, _ in self._rows]
        if [i for i in old_ids if i in keep] != [u.id for u, _ in new if u.id in set(old_ids)]:
            self.beginResetModel()  # the order itself changed (units reloaded)
            self._rows = new
            self.endResetModel()
            return
        for i in range(len(self._rows) - 1, -1, -1):
            if self._rows[i][0].id not in keep:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        for j, (u, items) in enumerate(new):
            if j < len(self._rows) and self._rows[j][0].id == u.id:
                if self._rows[j] != (u, items):
                    self._rows[j] = (u, items)
                    self.dataChanged.emit(self.index(j, 0), self.index(j, MISSING_COLUMNS - 1))
            else:
                self.beginInsertRows(QModelIndex(), j, j)
                self._rows.insert(j, (u, items))
                self.endInsertRows()

    def unit_at(self, row: int) -> UnitRow:
        return self._rows[row][0]

    def items_of(self, unit_id: int) -> tuple[str, ...]:
        return next((items for u, items in self._rows if u.id == unit_id), ())

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        u, items = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole and col != MCOL_ITEMS:
                return None
            return {MCOL_CODE: u.code, MCOL_NAME: u.name, MCOL_KIND: u.kind.label, MCOL_COUNT: str(len(items)),
                    MCOL_ITEMS: "、".join(items)}.get(col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == MCOL_COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            if col == MCOL_CODE:
                return natural_key(u.code)
            if col == MCOL_KIND:
                return _kind_key(u.kind, u.code)
            if col == MCOL_COUNT:
                return f"{len(items):04d}{natural_key(u.code)}"
            return u.name if col == MCOL_NAME else "、".join(items)
        if role == RAW_ROLE:
            return {MCOL_CODE: u.code, MCOL_NAME: u.name, MCOL_KIND: u.kind.value, MCOL_COUNT: len(items),
                    MCOL_ITEMS: items}.get(col)
        if role == ROW_ROLE:
            return u
        if role == ID_ROLE:
            return u.id
        return None


class EvidenceListModel(QAbstractListModel):
    """One annual item's evidence files, shown by their original names."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[EvidenceRow] = []

    def set_rows(self, rows: Iterable[EvidenceRow]) -> None:
        new = list(rows)
        if new == self._rows:
            return
        self.beginResetModel()
        self._rows = new
        self.endResetModel()

    @property
    def rows(self) -> list[EvidenceRow]:
        return list(self._rows)

    def row_at(self, row: int) -> EvidenceRow:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return r.name
        if role == Qt.ItemDataRole.DecorationRole:
            return _file_icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tr("{0}\n{1}，添加于 {2}\n双击打开；右键可移除").format(
                r.name, r.size_text, datetime_text(r.added_at))
        if role in (SORT_ROLE, RAW_ROLE):
            return r.name
        if role == ROW_ROLE:
            return r
        if role == ID_ROLE:
            return r.id
        return None
