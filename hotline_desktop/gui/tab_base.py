"""What every tab of the main window provides, so later tabs plug in the same way."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def on_activated(view, slot: Callable) -> None:
    """Open/jump on an item: `activated` alone covers double-click and Enter. Never also connect
    `doubleClicked`, or one double-click runs the slot twice (two dialogs, two jumps)."""
    view.activated.connect(slot)


class TabPage(QWidget):
    """A tab: a stable English `key`, a Chinese `title`, its own undo stack, `reload()`.

    Menu contributions: `import_actions()`, `export_actions()`, `template_actions()` return
    QActions the main window puts under 文件 ▸ 导入 / 导出 / 导出模板.
    """

    key: str = ""
    #: the order the work kept while hidden runs in when shown (keys not named run after, as kept)
    catch_up_order: tuple[str, ...] = ()
    edit_area: str | None = None  # core.roles area this tab edits (None: read-only tab)
    status_message = Signal(str, int)  # text, timeout ms

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.undo_stack = QUndoStack(self)
        self.year: int | None = None
        self.year_scheme = None  # YearSchemeRow chosen in the toolbar, or None
        self.role_refusal = ""  # why this seat's role may not edit here ('' when it may)
        # key -> (work, args, whether its part is on screen: None for the tab itself)
        self._deferred: dict[str, tuple[Callable[..., None], tuple, Callable[[], bool] | None]] = {}

    @property
    def title(self) -> str:
        raise NotImplementedError

    def reload(self) -> None:
        """Re-read everything from the services (after a restore, a year change, …)."""

    def set_year(self, year: int) -> None:
        self.year = year

    def set_year_scheme(self, year_scheme) -> None:
        """The toolbar's (year, scheme) changed; None when the year has no scheme yet."""
        self.year_scheme = year_scheme

    def import_actions(self) -> list[QAction]:
        return []

    def export_actions(self) -> list[QAction]:
        return []

    def template_actions(self) -> list[QAction]:
        return []

    def edit_actions(self) -> list[QAction]:
        """The actions that change data (disabled for a role that may not edit this tab)."""
        return []

    def apply_role(self, role: str | None) -> str:
        """Disable what `role` may not do here (read at open); returns the refusal ('' if none)."""
        from hotline_desktop.core.roles import refusal
        from hotline_desktop.gui.role_guard import block_actions

        self.role_refusal = refusal(role, self.edit_area) if self.edit_area else ""
        if self.role_refusal:
            block_actions(self.edit_actions(), self.role_refusal)
        return self.role_refusal

    def shutdown(self) -> None:
        """Detach from the services before they close."""

    # -- catch up when shown -------------------------------------------------------------
    # A hidden tab does no work for changes made elsewhere: it keeps what is owed, one entry per key,
    # and does it once when it is next shown (or when an action needs it current, `catch_up(key)`).
    # A key may stand for a part of the tab (a view of a stack): `shown` says whether that part is on
    # screen; kept, it runs when the tab is shown with the part on it, or when the tab brings the
    # part up (`catch_up(key)` then).
    def when_shown(self, key: str, work: Callable[..., None], *args, shown: Callable[[], bool] | None = None) -> None:
        """Run `work(*args)` now if the tab (`shown()`: its part) is visible; hidden, keep it
        (replacing what `key` held) and run it once when it is next shown."""
        if (shown or self.isVisible)():
            self._deferred.pop(key, None)
            work(*args)
        else:
            self._deferred[key] = (work, args, shown)

    def gather_when_shown(self, key: str, items: Iterable[Hashable], work: Callable[[frozenset], None]) -> bool:
        """For a tab that follows changes item by item: False when visible (the caller does the work
        now); hidden, add `items` to those kept under `key` and return True — when next shown,
        `work(frozenset(every item heard))` runs once."""
        if self.isVisible():
            return False
        kept = self._deferred.get(key)
        held = kept[1][0] if kept is not None else frozenset()
        self._deferred[key] = (work, (held | frozenset(items),), None)
        return True

    def deferred(self, key: str) -> tuple | None:
        """The arguments kept under `key` for when shown (None when nothing is owed)."""
        kept = self._deferred.get(key)
        return None if kept is None else kept[1]

    def drop_deferred(self, key: str) -> None:
        """Forget what `key` owed (the work it stood for was just done another way)."""
        self._deferred.pop(key, None)

    def catch_up(self, key: str | None = None) -> None:
        """Do now what was kept while hidden: one key's work (whether its part shows or not), or
        all of it in `catch_up_order`, but a part's that is not on screen. A work may drop what it
        made unnecessary (a full reload drops item-by-item updates)."""
        if key is not None:
            kept = self._deferred.pop(key, None)
            if kept is not None:
                kept[0](*kept[1])
            return
        for k in self.catch_up_order:
            if self._due(k):
                self.catch_up(k)
        while (k := next((k for k in self._deferred if self._due(k)), None)) is not None:
            self.catch_up(k)

    def _due(self, key: str) -> bool:
        """Whether `key` keeps work for now: for the tab, or for a part that is on screen."""
        kept = self._deferred.get(key)
        return kept is not None and (kept[2] is None or kept[2]())

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.catch_up()

    # -- helpers -------------------------------------------------------------------------
    def show_status(self, text: str, timeout_ms: int = 8000) -> None:
        self.status_message.emit(text, timeout_ms)

    def show_error(self, text: str, title: str | None = None) -> None:
        QMessageBox.warning(self, title or self.tr("操作未完成"), text)

    def add_action_buttons(self, bar: QBoxLayout, actions: Iterable[QAction | None]) -> None:
        """Text buttons for actions on a tab's button bar; None leaves a gap between groups."""
        for a in actions:
            if a is None:
                bar.addSpacing(12)
                continue
            b = QToolButton(self)
            b.setDefaultAction(a)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setMinimumWidth(64)
            bar.addWidget(b)

    def make_action(self, text: str, tip: str, slot: Callable[[], object], shortcut=None) -> QAction:
        """A tab action running `slot()`; a shortcut works while focus is inside the tab."""
        a = QAction(text, self)
        a.setToolTip(tip)
        a.triggered.connect(lambda _c=False: slot())
        if shortcut is not None:
            a.setShortcut(shortcut)
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(a)
        return a

    def export_dir(self, last: Path | None = None) -> Path:
        """Where a save dialog opens: `last` (the folder used last), else the data folder's exports/
        (home when it cannot be made)."""
        if last is not None:
            return last
        d = self.services.paths.exports
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError:
            return Path.home()
        return d

    def make_search_box(self, placeholder: str, on_text: Callable[[str], None], min_width: int = 220) -> QLineEdit:
        """A filter box that reacts as you type; Ctrl+F on the tab focuses it."""
        edit = QLineEdit(self)
        edit.setProperty("searchBox", True)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.setMinimumWidth(min_width)
        edit.textChanged.connect(on_text)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: (edit.setFocus(), edit.selectAll()))
        self.addAction(find)
        return edit

    def counted_layout(self, container: QWidget, bar: QBoxLayout, body: QWidget,
                       margins: tuple[int, int, int, int] = (0, 0, 0, 0)) -> QVBoxLayout:
        """`container`'s layout: `bar` over `body` (taking the height) over the counts line,
        `self.counts_label` (made here)."""
        self.counts_label = QLabel(container)
        self.counts_label.setObjectName("countsLabel")
        layout = QVBoxLayout(container)
        layout.setContentsMargins(*margins)
        layout.addLayout(bar)
        layout.addWidget(body, 1)
        layout.addWidget(self.counts_label)
        return layout

    def make_row_table(self, model, sort_column: int, parent: QWidget | None = None) -> QTableView:
        """A read-only, sortable table of whole rows (one selected at a time), as the lists use."""
        table = QTableView(parent or self)
        table.setModel(model)
        # One sort, by this indicator (enabling sorting sorts by the header's indicator — column 0
        # descending unless set — and a sortByColumn after it sorted the whole list again)
        table.horizontalHeader().setSortIndicator(sort_column, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        return table
