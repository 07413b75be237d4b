"""知识库 table models: the register (entries), open/closed feedback, and the review-by list."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from hotline_desktop.core.kb import STATUS_LABELS, Form, Status
from hotline_desktop.db.kb_repository import EntryRow
from hotline_desktop.gui.row_model import RowTableModel
from hotline_desktop.gui.search_proxy import SearchProxy

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # the EntryRow (or feedback tuple)

COL_ID, COL_UNIT, COL_CATEGORY, COL_FORM, COL_QUESTION, COL_STATUS, COL_VERSION, COL_PUBLISHED, COL_REVIEW_BY, \
    COL_FEEDBACK = range(10)
HEADERS = ("ID", "承办单位", "类别", "形式", "问题", "状态", "版本", "发布日期", "校核期限", "反馈")
RED = QColor("#c0392b")
STATUS_COLORS = {
    Status.DRAFT.value: QColor("#6b7785"), Status.RETURNED.value: QColor("#b9770e"),
    Status.APPROVED.value: QColor("#1f6fb2"), Status.PUBLISHED.value: QColor("#1e8449"),
    Status.WITHDRAWN.value: QColor("#999999"),
}


def day_text(d: date | None) -> str:
    return d.isoformat() if d else ""


def status_text(r: EntryRow) -> str:
    s = STATUS_LABELS[Status(r.status)]
    if r.revising:
        s += "（修订中）" if r.working_status == Status.DRAFT.value else \
            f"（修订稿{STATUS_LABELS[Status(r.working_status)]}）"
    return s


class KbTableModel(QAbstractTableModel):
    """One row per entry; `update_rows` replaces, inserts or removes only the rows that changed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[EntryRow] = []
        self._index: dict[int, int] = {}
        self.today = date.today()

    def set_rows(self, rows: list[EntryRow], today: date | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._index = {r.id: i for i, r in enumerate(self.rows)}
        if today is not None:
            self.today = today
        self.endResetModel()

    def update_rows(self, ids: list[int], fresh: list[EntryRow]) -> None:
        by_id = {r.id: r for r in fresh}
        gone = sorted((self._index[i] for i in ids if i not in by_id and i in self._index), reverse=True)
        for pos in gone:
            self.beginRemoveRows(QModelIndex(), pos, pos)
            del self.rows[pos]
            self.endRemoveRows()
        if gone:
            self._index = {r.id: i for i, r in enumerate(self.rows)}
        new = [r for r in fresh if r.id not in self._index]
        for r in fresh:
            pos = self._index.get(r.id)
            if pos is not None and self.rows[pos] != r:
                self.rows[pos] = r
                self.dataChanged.emit(self.index(pos, 0), self.index(pos, len(HEADERS) - 1))
        if new:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self.rows.extend(new)
            for i, r in enumerate(new, start=start):
                self._index[r.id] = i
            self.endInsertRows()

    def row_of(self, entry_id: int) -> int | None:
        return self._index.get(entry_id)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == COL_ID:
                return str(r.id)
            if c == COL_UNIT:
                return r.unit_name
            if c == COL_CATEGORY:
                return r.category
            if c == COL_FORM:
                return Form(r.form).label
            if c == COL_QUESTION:
                return r.question
            if c == COL_STATUS:
                return status_text(r)
            if c == COL_VERSION:
                return f"v{r.version}" + (f"→v{r.working_version}" if r.revising else "")
            if c == COL_PUBLISHED:
                return day_text(r.published_on)
            if c == COL_REVIEW_BY:
                return day_text(r.review_by) if r.status == Status.PUBLISHED.value else ""
            if c == COL_FEEDBACK:
                if not r.open_feedback:
                    return ""
                return f"{r.open_feedback} 件" + (f"（逾期 {r.overdue_feedback}）" if r.overdue_feedback else "")
            return None
        if role == SORT_ROLE:
            if c == COL_ID:
                return r.id
            if c == COL_VERSION:
                return r.version
            if c == COL_FEEDBACK:
                return (r.overdue_feedback, r.open_feedback)
            if c == COL_UNIT:
                return r.unit_code
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == RAW_ROLE:
            return r
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == COL_STATUS:
                return QBrush(STATUS_COLORS.get(r.status, QColor("#333333")))
            if c == COL_FEEDBACK and r.overdue_feedback:
                return QBrush(RED)
            if c == COL_REVIEW_BY and r.status == Status.PUBLISHED.value and r.review_by and r.review_by < self.today:
                return QBrush(RED)
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == COL_QUESTION:
                return r.question
            if c == COL_UNIT:
                return f"{r.unit_code} {r.unit_name}"
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (COL_ID, COL_VERSION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class KbProxy(QSortFilterProxyModel):
    """Filters by unit, category, status and a full-text hit set; with a search the order is the
    search's (best match first) until the user sorts by a column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.unit_id: int | None = None
        self.category: str | None = None
        self.status: str | None = None
        self.hits: dict[int, int] | None = None  # entry id → rank; None: no search
        self.query = ""
        self.rank_sort = False  # order by search rank (until a column header is clicked)

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def set_filters(self, unit_id=None, category=None, status=None) -> None:
        self._refilter(lambda: self.__dict__.update(unit_id=unit_id, category=category, status=status))

    def set_hits(self, query: str, ids: list[int] | None) -> None:
        hits = None if ids is None else {i: n for n, i in enumerate(ids)}
        self._refilter(lambda: self.__dict__.update(hits=hits, query=query))

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        r: EntryRow = self.sourceModel().rows[source_row]
        if self.unit_id is not None and r.unit_id != self.unit_id:
            return False
        if self.category is not None and r.category != self.category:
            return False
        if self.status is not None:
            if self.status == "revising":
                if not r.revising:
                    return False
            elif r.status != self.status:
                return False
        return self.hits is None or r.id in self.hits

    def lessThan(self, left, right) -> bool:
        if self.hits is not None and self.rank_sort:
            lr = self.sourceModel().rows[left.row()].id
            rr = self.sourceModel().rows[right.row()].id
            return self.hits.get(lr, 0) < self.hits.get(rr, 0)
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


# -- feedback ---------------------------------------------------------------------------------------
FB_HEADERS = ("条目", "承办单位", "问题", "问题类型", "说明", "反馈日期", "办结期限", "办结", "状态")
FB_ENTRY, FB_UNIT, FB_QUESTION, FB_TYPE, FB_NOTE, FB_RAISED, FB_DUE, FB_CLOSED, FB_STATE = range(9)


class FeedbackModel(RowTableModel):
    """Feedback items (id, entry id, unit code, unit name, question, type, note, raised, due, closed,
    closed version); overdue ones in red."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._headers = list(FB_HEADERS)
        self.today = date.today()

    def set_rows(self, rows: list[tuple], today: date) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.today = today
        self.endResetModel()

    @property
    def rows(self) -> list[tuple]:
        return self._rows

    def state(self, r: tuple) -> str:
        closed, due = r[9], r[8]
        if closed is not None:
            how = f"已办结（第 {r[10]} 版）" if r[10] else "已办结（条目撤销）"
            return how + ("，超期" if closed > due else "")
        return "逾期未办结" if self.today > due else "办理中"

    def overdue(self, r: tuple) -> bool:
        return r[9] is None and self.today > r[8]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        c = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            values = (r[1] if role == SORT_ROLE else str(r[1]), r[3], r[4], r[5], r[6], day_text(r[7]),
                      day_text(r[8]), day_text(r[9]), self.state(r))
            return values[c]
        if role == RAW_ROLE:
            return r
        if role == Qt.ItemDataRole.ForegroundRole and (self.overdue(r) or (r[9] is not None and r[9] > r[8])) \
                and c in (FB_DUE, FB_STATE):
            return QBrush(RED)
        if role == Qt.ItemDataRole.ToolTipRole and c in (FB_QUESTION, FB_NOTE):
            return r[4] if c == FB_QUESTION else r[6]
        return None


# -- review-by -------------------------------------------------------------------------------------------
RB_HEADERS = ("条目", "承办单位", "问题", "发布日期", "校核期限", "状态")


class ReviewDueModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._headers = list(RB_HEADERS)
        self.today = date.today()

    def set_rows(self, rows: list[EntryRow], today: date) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.today = today
        self.endResetModel()

    @property
    def rows(self) -> list[EntryRow]:
        return self._rows

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r: EntryRow = self._rows[index.row()]
        c = index.column()
        passed = r.review_by is not None and r.review_by < self.today
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            values = (r.id if role == SORT_ROLE else str(r.id), r.unit_name, r.question, day_text(r.published_on),
                      day_text(r.review_by), "已过期，请校核" if passed else "30 天内到期")
            return values[c]
        if role == RAW_ROLE:
            return r
        if role == Qt.ItemDataRole.ForegroundRole and passed and c in (4, 5):
            return QBrush(RED)
        return None


class SortProxy(SearchProxy):
    """Sorting by SORT_ROLE for the small lists (feedback, review-by)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        if not self.search:
            return True
        m = self.sourceModel()
        return any(self.search in str(m.index(source_row, c).data() or "").casefold() for c in range(m.columnCount()))
