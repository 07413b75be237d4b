"""Qt model of the 督办通知 register: every notice as a NoticeView, filtered and sorted in Python.

The model keeps every notice with its status as of today (NoticeService.view), filters in one
pass over precomputed search texts and sorts in Python (one key per row). It has no
QSortFilterProxyModel on top: with 5,000 notices the proxy's per-row filter callbacks and the
view's handling of thousands of row removals cost more than the whole keystroke may
(benchmarks/notices_filter.py).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
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
    search_fold,
)
from hotline_desktop.gui.row_model import RowTableModel
from hotline_desktop.gui.units.models import natural_key
from hotline_desktop.services.notices import NoticeFilter

(COL_NUMBER, COL_UNIT, COL_CHANNEL, COL_LEVEL, COL_ISSUED, COL_DEADLINE, COL_DUE, COL_STATUS, COL_STEP,
 COL_COMPLETED, COL_RESULT, COL_CONTENT) = range(12)
COLUMN_COUNT = 12
_CENTERED = frozenset((COL_CHANNEL, COL_LEVEL, COL_STATUS, COL_STEP))

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
_DISPLAY = Qt.ItemDataRole.DisplayRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


def _tr(text: str) -> str:
    return QCoreApplication.translate("NoticesTableModel", text)


def search_text(v) -> str:
    """What the search box matches: NoticeRow.search_text (number, unit, content, work orders)."""
    return v.row.search_text()


def needle_of(text: str) -> str:
    """The search box's text as NoticeFilter.search compares it."""
    return search_fold((text or "").strip())


def filter_active(f: NoticeFilter) -> bool:
    """Anything filtered besides the year?"""
    return f != NoticeFilter(year=f.year)


def due_text(v) -> str:
    """办结时限 as the register shows it: the date, the original one when extended, the assumed mark."""
    r = v.row
    text = cn_date(r.due)
    if r.extended:
        o = r.original_due
        text += _tr("（原{0}）").format(f"{o.month}月{o.day}日" if o.year == r.due.year else cn_date(o))
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
    """Every notice as a NoticeView (row + status + escalation as of today); the model's rows are
    the ones the NoticeFilter accepts, in the current sort order.

    Kept per notice in parallel lists (`_all`, `_text`, `_disp`, `_acc`): the view, its search
    text, its display texts and whether the filter accepts it; `_shown` lists the accepted
    positions. A filter change is one pass over the search texts and one model reset (cheaper for
    the view than thousands of row removals); an edit signals only its row.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._all: list = []
        self._pos: dict[int, int] = {}  # notice id → position in _all
        self._text: list[str] = []
        self._disp: list[tuple[str, ...]] = []
        self._acc: list[bool] = []
        self._shown: list[int] = []  # positions in _all, in order: the model's rows
        self._row_of: dict[int, int] | None = None  # notice id → model row (built when asked)
        self._counts: Counter | None = None
        self._base: tuple[NoticeFilter, list[bool]] | None = None  # acceptance without the search
        self._filter = NoticeFilter()
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
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    @property
    def views(self) -> list:
        """Every notice, shown or not."""
        return list(self._all)

    @property
    def total(self) -> int:
        return len(self._all)

    def view_at(self, row: int):
        """The view of model row `row` (a QModelIndex works too)."""
        if not isinstance(row, int):
            if not row.isValid():
                return None
            row = row.row()
        return self._all[self._shown[row]] if 0 <= row < len(self._shown) else None

    def view(self, notice_id: int):
        i = self._pos.get(notice_id)
        return None if i is None else self._all[i]

    def row_of(self, notice_id: int) -> int:
        """Model row of a notice, -1 when hidden by the filter or unknown."""
        if self._row_of is None:
            self._row_of = {self._all[a].row.id: r for r, a in enumerate(self._shown)}
        return self._row_of.get(notice_id, -1)

    @property
    def register_filter(self) -> NoticeFilter:
        return self._filter

    def counts(self) -> Counter:
        """Notices per status, over every notice (whatever the filter)."""
        if self._counts is None:
            self._counts = Counter(v.status for v in self._all)
        return self._counts

    def overdue_count(self) -> int:
        return self.counts().get(NoticeStatus.OVERDUE, 0)

    def years(self) -> list[int]:
        return sorted({v.row.issued.year for v in self._all}, reverse=True)

    def unit_choices(self) -> list[tuple[int, str, str]]:
        """(unit id, code, name) of the units that have notices, by code."""
        seen = {v.row.unit_id: (v.row.unit_id, v.row.unit_code, v.row.unit_name) for v in self._all}
        return sorted(seen.values(), key=lambda t: natural_key(t[1]))

    # -- Qt model API --------------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if row < 0 or row >= len(self._shown):
            return None
        a = self._shown[row]
        if role == _DISPLAY:  # the hot path: painting asks this for every visible cell
            return self._disp[a][index.column()]
        part = self._ROLES.get(role)
        return None if part is None else part(self, self._all[a], index.column())

    def _background(self, v, col: int):
        if v.status is NoticeStatus.OVERDUE:
            return self._overdue_bg
        if v.status is NoticeStatus.DUE_SOON:
            return self._soon_bg
        return None

    def _foreground(self, v, col: int):
        st = v.status
        if st is NoticeStatus.VOIDED:
            return self._void_fg
        if st is NoticeStatus.OVERDUE and col in (COL_STATUS, COL_DUE, COL_STEP):
            return self._overdue_fg
        if st is NoticeStatus.DUE_SOON and col in (COL_STATUS, COL_DUE):
            return self._soon_fg
        return None

    def _font(self, v, col: int):
        if col == COL_NUMBER and v.status is NoticeStatus.VOIDED:
            return self._strike
        if col == COL_STATUS and v.status in (NoticeStatus.OVERDUE, NoticeStatus.DUE_SOON):
            return self._bold
        return None

    # role (other than DisplayRole) → (model, view, column) → value
    _ROLES = {
        _BACKGROUND: _background,
        _FOREGROUND: _foreground,
        _FONT: _font,
        _ALIGN: lambda self, v, col: _CENTER if col in _CENTERED else None,
        Qt.ItemDataRole.ToolTipRole: lambda self, v, col: self._tip(v, col),
        SORT_ROLE: lambda self, v, col: self.sort_key(v, col),
        RAW_ROLE: lambda self, v, col: self._raw(v, col),
        ROW_ROLE: lambda self, v, col: v,
        ID_ROLE: lambda self, v, col: v.row.id,
    }

    def display_row(self, v) -> tuple[str, ...]:
        return tuple(self._display(v, c) for c in range(COLUMN_COUNT))

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
            if v.status.open and any(e.state is ExtensionState.ASKED for e in r.extensions):
                return _tr("{0}（待审延期）").format(v.status.label)
            return v.status.label
        if col == COL_STEP:
            return v.step.step.label
        if col == COL_COMPLETED:
            return cn_date(r.completed)
        if col == COL_RESULT:
            return _one_line(_tr("作废：{0}").format(r.void_reason) if r.voided else r.result)
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
    def _changed(self) -> None:
        self._row_of = None
        self._counts = None
        self._base = None

    def set_views(self, views: Iterable) -> None:
        self.beginResetModel()
        rows = list(views)
        if self._sort is not None:
            col, order = self._sort
            rows.sort(key=lambda v: self.sort_key(v, col), reverse=order == Qt.SortOrder.DescendingOrder)
        self._all = rows
        self._text = [search_text(v) for v in rows]
        self._disp = [self.display_row(v) for v in rows]
        self._acc = [self._filter.accepts(v, t) for v, t in zip(rows, self._text, strict=True)]
        self._shown = [i for i, ok in enumerate(self._acc) if ok]
        self._pos = {v.row.id: i for i, v in enumerate(rows)}
        self._changed()
        self.endResetModel()

    def upsert(self, views: Iterable) -> list[int]:
        """Replace known notices in place (dataChanged for a shown row; inserted or removed when
        the filter now says otherwise) and append new ones; returns the ids that changed."""
        touched = []
        for v in views:
            a = self._pos.get(v.row.id)
            if a is not None and self._all[a] == v:
                continue
            touched.append(v.row.id)
            self._changed()
            t = search_text(v)
            ok = self._filter.accepts(v, t)
            if a is None:  # new: at the end
                a = len(self._all)
                self._all.append(v)
                self._text.append(t)
                self._disp.append(self.display_row(v))
                self._acc.append(False)
                self._pos[v.row.id] = a
            else:
                self._all[a], self._text[a], self._disp[a] = v, t, self.display_row(v)
            was = self._acc[a]
            self._acc[a] = ok
            row = bisect_left(self._shown, a)
            if was and ok:
                self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))
            elif ok:
                self.beginInsertRows(QModelIndex(), row, row)
                self._shown.insert(row, a)
                self.endInsertRows()
            elif was:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._shown[row]
                self.endRemoveRows()
        return touched

    def remove_ids(self, ids: Iterable[int]) -> None:
        for a in sorted((self._pos[i] for i in set(ids) if i in self._pos), reverse=True):
            row = bisect_left(self._shown, a)
            shown = row < len(self._shown) and self._shown[row] == a
            if shown:
                self.beginRemoveRows(QModelIndex(), row, row)
            for lst in (self._all, self._text, self._disp, self._acc):
                del lst[a]
            if shown:
                del self._shown[row]
            self._shown[row:] = [x - 1 for x in self._shown[row:]]
            self._pos = {v.row.id: i for i, v in enumerate(self._all)}
            self._changed()
            if shown:
                self.endRemoveRows()

    def restatus(self, view_of: Callable) -> int:
        """Recompute every notice's status (a new day, a calendar or settings change); signals
        the rows whose status, escalation or note changed. Returns how many changed."""
        changed = [nv for v in self._all if (nv := view_of(v.row)) != v]
        self.upsert(changed)
        return len(changed)

    def set_filter(self, f: NoticeFilter) -> bool:
        """Show the notices another filter accepts (one reset); False when unchanged."""
        if f == self._filter:
            return False
        old, self._filter = self._filter, f
        new, was = needle_of(f.search), needle_of(old.search)
        if was and new.startswith(was) and replace(old, search=f.search) == f:
            # typing on: only notices that matched can still match
            acc = [a and new in t for a, t in zip(self._acc, self._text, strict=True)]
        else:
            base_f = replace(f, search="")  # the boxes' part, kept while only the search changes
            if self._base is None or self._base[0] != base_f:
                self._base = (base_f, [base_f.accepts(v, t) for v, t in zip(self._all, self._text, strict=True)])
            base = self._base[1]
            acc = [b and new in t for b, t in zip(base, self._text, strict=True)] if new else list(base)
        shown = [i for i, ok in enumerate(acc) if ok]
        self._acc = acc
        if shown != self._shown:
            self.beginResetModel()
            self._shown = shown
            self._row_of = None
            self.endResetModel()
        return True

    # -- sorting (in Python: one key per row, not a callback per comparison) ---------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < COLUMN_COUNT:
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        keep = [(self._all[self._shown[ix.row()]].row.id, ix.column()) for ix in persistent]
        key, rows = self.sort_key, self._all
        perm = sorted(range(len(rows)), key=lambda i: key(rows[i], column),
                      reverse=order == Qt.SortOrder.DescendingOrder)
        self._all = [rows[i] for i in perm]
        self._text = [self._text[i] for i in perm]
        self._disp = [self._disp[i] for i in perm]
        self._acc = [self._acc[i] for i in perm]
        self._shown = [i for i, ok in enumerate(self._acc) if ok]
        self._pos = {v.row.id: i for i, v in enumerate(self._all)}
        self._changed()
        self.changePersistentIndexList(persistent, [self.index(self.row_of(i), c) for i, c in keep])
        self.layoutChanged.emit()

    def set_search(self, text: str) -> bool:
        return self.set_filter(replace(self._filter, search=needle_of(text)))

    def update_filter(self, **fields) -> bool:
        return self.set_filter(replace(self._filter, **fields))
