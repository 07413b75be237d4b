"""Qt models of the 督办通知 register: a table of NoticeViews and its filter proxy.

The source model keeps every notice with its status as of today (NoticeService.view), decides
which rows the filters accept in one pass over precomputed search texts, and sorts itself in
Python; the proxy only maps the accepted rows. A search keystroke over 5,000 notices is one list
comprehension plus one cheap callback per row (benchmarks/notices_filter.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from hotline_desktop.core.notices import (
    Channel,
    Escalation,
    ExtensionState,
    Level,
    NoticeStatus,
    cn_date,
    deadline_text,
)
from hotline_desktop.gui.row_model import RowTableModel
from hotline_desktop.gui.search_proxy import SearchProxy
from hotline_desktop.gui.units_model import natural_key

(COL_NUMBER, COL_UNIT, COL_CHANNEL, COL_LEVEL, COL_ISSUED, COL_DEADLINE, COL_DUE, COL_STATUS, COL_STEP,
 COL_COMPLETED, COL_RESULT, COL_CONTENT) = range(12)
COLUMN_COUNT = 12

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # comparable key of the column (a tuple)
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # the underlying value (date, enum, str, …)
ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the whole NoticeView
ID_ROLE = Qt.ItemDataRole.UserRole + 4  # the notice id

OVERDUE_BG = QColor("#f8d0d0")
OVERDUE_FG = QColor("#8a1414")
SOON_BG = QColor("#fdebc8")
SOON_FG = QColor("#7a4a00")
VOID_FG = QColor("#9aa3ad")
ASSUMED_MARK = "＊"  # beside a date computed Monday–Friday (year not entered yet)

_STATUS_ORDER = {s: i for i, s in enumerate((
    NoticeStatus.OVERDUE, NoticeStatus.DUE_SOON, NoticeStatus.ISSUED, NoticeStatus.DONE_LATE,
    NoticeStatus.DONE_ON_TIME, NoticeStatus.VOIDED))}
_STEP_ORDER = {Escalation.REPORT: 0, Escalation.URGE: 1, Escalation.REMIND: 2, Escalation.NONE: 3}
_NO_DATE = date.max


def _tr(text: str) -> str:
    return QCoreApplication.translate("NoticesTableModel", text)


def search_text(v) -> str:
    """Number, unit code and name, content and work-order numbers, case-folded."""
    r = v.row
    return "\x1f".join((r.number, r.unit_code, r.unit_name, r.content, " ".join(r.orders))).casefold()


@dataclass(frozen=True)
class RegisterFilter:
    """What the register shows: every field None/empty means "all"."""

    year: int | None = None
    month: int | None = None  # month of issue (1–12) within `year`
    status: NoticeStatus | None = None
    unit_id: int | None = None
    channel: Channel | None = None
    level: Level | None = None
    needle: str = ""  # case-folded search text

    def accepts(self, v, text: str) -> bool:
        r = v.row
        if self.year is not None and r.issued.year != self.year:
            return False
        if self.month is not None and r.issued.month != self.month:
            return False
        if self.status is not None and v.status is not self.status:
            return False
        if self.unit_id is not None and r.unit_id != self.unit_id:
            return False
        if self.channel is not None and r.channel is not self.channel:
            return False
        if self.level is not None and r.level is not self.level:
            return False
        return not self.needle or self.needle in text

    @property
    def active(self) -> bool:
        return self != RegisterFilter(year=self.year)


def due_text(v) -> str:
    """办结时限 as the register shows it: the date, the original one when extended, the assumed mark."""
    r = v.row
    text = cn_date(r.due)
    if r.extended:
        text += _tr("（原 {0}）").format(cn_date(r.original_due))
    if v.note:
        text += ASSUMED_MARK
    return text


def due_tip(v) -> str:
    r = v.row
    lines = [_tr("办结时限：{0}（{1}，自下达次日起算）").format(cn_date(r.due), r.deadline_text)]
    if r.extended:
        lines.append(_tr("原办结时限：{0}").format(cn_date(r.original_due)))
    for e in r.extensions:
        if e.days is not None:
            what = _tr("延长 {0}").format(deadline_text(e.days, r.calendar_days))
        else:
            what = _tr("延至 {0}").format(cn_date(e.until))
        line = _tr("{0} 申请延期（{1}）：{2}").format(cn_date(e.asked), what, e.state.label)
        if e.state is ExtensionState.APPROVED and e.new_due:
            line += _tr("，{0} → {1}").format(cn_date(e.old_due), cn_date(e.new_due))
        lines.append(line)
    if v.note:
        lines.append(ASSUMED_MARK + v.note)
    return "\n".join(lines)


def step_tip(v) -> str:
    st = v.step
    if st.step is Escalation.NONE:
        return ""
    parts = [_tr("当前：{0}").format(st.step.label) + (_tr("（{0}起）").format(cn_date(st.since)) if st.since else "")]
    if st.next_step is not None and st.next_on is not None:
        parts.append(_tr("仍未办结的，{0}起：{1}").format(cn_date(st.next_on), st.next_step.label))
    return "\n".join(parts)


def _one_line(text: str, limit: int = 120) -> str:
    t = " ".join((text or "").split())
    return t if len(t) <= limit else t[: limit - 1] + "…"


def _wrap_tip(text: str, width: int = 40, limit: int = 1200) -> str:
    t = (text or "").strip()
    if len(t) > limit:
        t = t[:limit] + "…"
    out = []
    for para in t.splitlines():
        out += [para[i: i + width] for i in range(0, len(para), width)] or [""]
    return "\n".join(out)


class NoticesTableModel(RowTableModel):
    """Rows are NoticeViews (row + status + escalation as of today); changes signal only their rows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._pos: dict[int, int] = {}
        self._text: list[str] = []
        self._accept: list[bool] = []
        self._filter = RegisterFilter()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._headers = [
            _tr("编号"), _tr("承办单位"), _tr("渠道"), _tr("督办方式"), _tr("下达时间"), _tr("督办时限"),
            _tr("办结时限"), _tr("状态"), _tr("催办阶段"), _tr("办结日期"), _tr("办理结果"), _tr("督办内容"),
        ]
        self._overdue_bg, self._overdue_fg = QBrush(OVERDUE_BG), QBrush(OVERDUE_FG)
        self._soon_bg, self._soon_fg = QBrush(SOON_BG), QBrush(SOON_FG)
        self._void_fg = QBrush(VOID_FG)
        self._bold = QFont()
        self._bold.setBold(True)
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    # -- access --------------------------------------------------------------------------
    @property
    def views(self) -> list:
        return list(self._rows)

    def view_at(self, row: int):
        return self._rows[row]

    def view(self, notice_id: int):
        i = self._pos.get(notice_id)
        return None if i is None else self._rows[i]

    def row_of(self, notice_id: int) -> int:
        return self._pos.get(notice_id, -1)

    def accepts(self, row: int) -> bool:
        return self._accept[row]

    @property
    def register_filter(self) -> RegisterFilter:
        return self._filter

    def counts(self) -> Counter:
        """Notices per status, over every row (whatever the filter)."""
        return Counter(v.status for v in self._rows)

    def overdue_count(self) -> int:
        return sum(1 for v in self._rows if v.status is NoticeStatus.OVERDUE)

    def years(self) -> list[int]:
        return sorted({v.row.issued.year for v in self._rows}, reverse=True)

    def unit_choices(self) -> list[tuple[int, str, str]]:
        """(unit id, code, name) of the units that have notices, by code."""
        seen = {v.row.unit_id: (v.row.unit_id, v.row.unit_code, v.row.unit_name) for v in self._rows}
        return sorted(seen.values(), key=lambda t: natural_key(t[1]))

    # -- Qt model API --------------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        v = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(v, col)
        st = v.status
        if role == Qt.ItemDataRole.BackgroundRole:
            if st is NoticeStatus.OVERDUE:
                return self._overdue_bg
            if st is NoticeStatus.DUE_SOON:
                return self._soon_bg
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if st is NoticeStatus.VOIDED:
                return self._void_fg
            if st is NoticeStatus.OVERDUE and col in (COL_STATUS, COL_DUE, COL_STEP):
                return self._overdue_fg
            if st is NoticeStatus.DUE_SOON and col in (COL_STATUS, COL_DUE):
                return self._soon_fg
            return None
        if role == Qt.ItemDataRole.FontRole:
            if col == COL_NUMBER and st is NoticeStatus.VOIDED:
                return self._strike
            if col == COL_STATUS and st in (NoticeStatus.OVERDUE, NoticeStatus.DUE_SOON):
                return self._bold
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(v, col)
        if role == SORT_ROLE:
            return self.sort_key(v, col)
        if role == RAW_ROLE:
            return self._raw(v, col)
        if role == ROW_ROLE:
            return v
        if role == ID_ROLE:
            return v.row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_CHANNEL, COL_LEVEL, COL_STATUS, COL_STEP):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, v, col: int) -> str:
        r = v.row
        if col == COL_NUMBER:
            return r.number
        if col == COL_UNIT:
            return r.unit_name
        if col == COL_CHANNEL:
            return r.channel.label
        if col == COL_LEVEL:
            return r.level.label
        if col == COL_ISSUED:
            return cn_date(r.issued)
        if col == COL_DEADLINE:
            return r.deadline_text
        if col == COL_DUE:
            return due_text(v)
        if col == COL_STATUS:
            if any(e.state is ExtensionState.ASKED for e in r.extensions) and v.status.open:
                return _tr("{0}·待审延期").format(v.status.label)
            return v.status.label
        if col == COL_STEP:
            return v.step.step.label
        if col == COL_COMPLETED:
            return cn_date(r.completed)
        if col == COL_RESULT:
            return _one_line(r.void_reason and _tr("作废：{0}").format(r.void_reason) if r.voided else r.result)
        if col == COL_CONTENT:
            return _one_line(r.content)
        return ""

    def _tip(self, v, col: int) -> str | None:
        r = v.row
        if col == COL_NUMBER:
            head = f"{r.number}　{r.unit_name}（{r.unit_code}）"
            body = _wrap_tip(r.content, limit=300)
            orders = _tr("关联工单：{0}").format("、".join(r.orders)) if r.orders else ""
            return "\n".join(t for t in (head, body, orders) if t)
        if col == COL_UNIT:
            return f"{r.unit_name}（{r.unit_code}）"
        if col == COL_DUE:
            return due_tip(v)
        if col == COL_STEP:
            return step_tip(v) or None
        if col == COL_STATUS and r.voided:
            return _tr("作废原因：{0}").format(r.void_reason)
        if col == COL_RESULT:
            return _wrap_tip(r.void_reason if r.voided else r.result) or None
        if col == COL_CONTENT:
            tip = _wrap_tip(r.content)
            if r.orders:
                tip += "\n" + _tr("关联工单：{0}").format("、".join(r.orders))
            if r.notes:
                tip += "\n" + _tr("备注：{0}").format(r.notes)
            return tip or None
        return None

    def _raw(self, v, col: int):
        r = v.row
        return {
            COL_NUMBER: r.number, COL_UNIT: r.unit_id, COL_CHANNEL: r.channel, COL_LEVEL: r.level,
            COL_ISSUED: r.issued, COL_DEADLINE: (r.days, r.calendar_days), COL_DUE: r.due, COL_STATUS: v.status,
            COL_STEP: v.step.step, COL_COMPLETED: r.completed, COL_RESULT: r.result, COL_CONTENT: r.content,
        }.get(col)

    @staticmethod
    def sort_key(v, col: int) -> tuple:
        r = v.row
        number = (r.year, r.seq)
        if col == COL_NUMBER:
            return number
        if col == COL_UNIT:
            return (natural_key(r.unit_code), number)
        if col == COL_CHANNEL:
            return (list(Channel).index(r.channel), number)
        if col == COL_LEVEL:
            return (list(Level).index(r.level), number)
        if col == COL_ISSUED:
            return (r.issued, number)
        if col == COL_DEADLINE:
            return (r.calendar_days, r.days, number)
        if col == COL_DUE:
            return (r.due, number)
        if col == COL_STATUS:
            return (_STATUS_ORDER[v.status], r.due, number)
        if col == COL_STEP:
            return (_STEP_ORDER[v.step.step], r.due, number)
        if col == COL_COMPLETED:
            return (r.completed or _NO_DATE, number)
        if col == COL_RESULT:
            return (r.result, number)
        if col == COL_CONTENT:
            return (r.content, number)
        return number

    # -- loading and changes ---------------------------------------------------------------
    def set_views(self, views: Iterable) -> None:
        self.beginResetModel()
        self._rows = list(views)
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        self._pos = {v.row.id: i for i, v in enumerate(self._rows)}
        self._text = [search_text(v) for v in self._rows]
        f = self._filter
        self._accept = [f.accepts(v, t) for v, t in zip(self._rows, self._text, strict=True)]

    def upsert(self, views: Iterable) -> list[int]:
        """Replace known rows in place (dataChanged per changed row), append new ones; their ids."""
        new, touched = [], []
        f = self._filter
        for v in views:
            i = self._pos.get(v.row.id)
            if i is None:
                new.append(v)
                continue
            if self._rows[i] == v:
                continue
            self._rows[i] = v
            self._text[i] = search_text(v)
            self._accept[i] = f.accepts(v, self._text[i])
            touched.append(v.row.id)
            self.dataChanged.emit(self.index(i, 0), self.index(i, COLUMN_COUNT - 1))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for k, v in enumerate(new):
                self._rows.append(v)
                self._pos[v.row.id] = first + k
                t = search_text(v)
                self._text.append(t)
                self._accept.append(f.accepts(v, t))
                touched.append(v.row.id)
            self.endInsertRows()
        return touched

    def remove_ids(self, ids: Iterable[int]) -> None:
        for row in sorted((self._pos[i] for i in set(ids) if i in self._pos), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            del self._text[row]
            del self._accept[row]
            self._pos = {v.row.id: i for i, v in enumerate(self._rows)}
            self.endRemoveRows()

    def restatus(self, view_of: Callable) -> int:
        """Recompute every row's status (a new day, a calendar or settings change); signals the
        rows whose status, escalation or note changed. Returns how many changed."""
        n = 0
        for i, v in enumerate(self._rows):
            nv = view_of(v.row)
            if nv != v:
                self._rows[i] = nv
                self._accept[i] = self._filter.accepts(nv, self._text[i])
                self.dataChanged.emit(self.index(i, 0), self.index(i, COLUMN_COUNT - 1))
                n += 1
        return n

    def set_filter(self, f: RegisterFilter) -> bool:
        """Use another filter (the proxy re-runs its mapping after); False when unchanged."""
        if f == self._filter:
            return False
        self._filter = f
        self._accept = [f.accepts(v, t) for v, t in zip(self._rows, self._text, strict=True)]
        return True

    # -- sorting (in Python: one key per row, not a callback per comparison) ---------------
    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key = self.sort_key
        self._rows.sort(key=lambda v: key(v, column), reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < COLUMN_COUNT:
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        keep = [(self._rows[ix.row()].row.id, ix.column()) for ix in persistent]
        self._sort_rows(column, order)
        self._reindex()
        self.changePersistentIndexList(persistent, [self.index(self._pos[i], c) for i, c in keep])
        self.layoutChanged.emit()


class NoticesProxy(SearchProxy):
    """Maps the rows the source model's filter accepts; sorting is delegated to the source."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDynamicSortFilter(False)

    def set_search(self, text: str) -> None:
        needle = (text or "").strip().casefold()
        if needle != self._needle:
            self._needle = needle
            self.set_filter(replace(self.sourceModel().register_filter, needle=needle))

    def set_filter(self, f: RegisterFilter) -> None:
        model = self.sourceModel()
        self._refilter(lambda: model.set_filter(f))

    def update_filter(self, **fields) -> None:
        self.set_filter(replace(self.sourceModel().register_filter, **fields))

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        return self.sourceModel().accepts(source_row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def view_at(self, proxy_index):
        return self.data(proxy_index, ROW_ROLE) if proxy_index.isValid() else None

    def proxy_row_of(self, notice_id: int) -> int:
        model = self.sourceModel()
        src = model.row_of(notice_id)
        if src < 0:
            return -1
        return self.mapFromSource(model.index(src, 0)).row()
