"""月度数据 tab: the chosen month's figures of every participating unit, entered like Excel.

Three panes share one proxy model and one selection model: the unit columns on the left,
the scheme's monthly inputs in the middle (scrolls sideways), the live score/rank columns on
the right, so the unit and its live figures stay in view while typing. Every edit goes
model → undo command → `assessment.set_values` (one batch) → the service's event updates
the cells, the ranking engine reports changed units, their live cells are refreshed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.dates import month_text
from hotline_desktop.core.text import strip_blanks
from hotline_desktop.gui.bridge import EventBridge
from hotline_desktop.gui.import_dialogs import ImportProblemsDialog
from hotline_desktop.gui.monthly.commands import SetCellsCommand
from hotline_desktop.gui.monthly.models import (
    COL_CODE,
    COL_GROUP,
    COL_NAME,
    FIXED_COLUMNS,
    WARN_FOREGROUND,
    MonthlyFilterProxy,
    MonthlyGridModel,
)
from hotline_desktop.gui.monthly.view import MonthlyGridView
from hotline_desktop.gui.tab_base import TabPage
from hotline_desktop.gui.workers import LiveEngineBuild
from hotline_desktop.services.assessment import CellChange, CellEdit
from hotline_desktop.services.errors import ConflictError, ServiceError, StoreWriteError

_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?[%％]?")
FIXED_WIDTHS = {COL_CODE: 64, COL_NAME: 150, COL_GROUP: 92}
XLSX_FILTER = "Excel 工作簿 (*.xlsx);;所有文件 (*)"


def month_key(year: int, m: int) -> str:
    return f"{year}-{m:02d}"


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of tab-separated text as Excel/WPS put it on the clipboard (\\r\\n or \\n lines)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    return [line.split("\t") for line in text.split("\n")]


def clean_pasted(value: str) -> str:
    """Spreadsheet formatting the service would not read: quotes and thousands separators."""
    v = strip_blanks(value)
    if len(v) >= 2 and v[0] == v[-1] == '"':
        v = strip_blanks(v[1:-1])
    if _THOUSANDS.fullmatch(v):
        v = v.replace(",", "")
    return v


class MonthlyTab(TabPage):
    catch_up_order = ("load", "fed")
    key = "monthly"
    edit_area = "figures"

    def edit_actions(self) -> list[QAction]:
        return [self.copy_last_action, self.import_action]

    def apply_role(self, role: str | None) -> str:
        from hotline_desktop.core.roles import refusal

        reason = super().apply_role(role)
        if refusal(role, "schemes"):
            self.assign_button.setEnabled(False)
            self.assign_button.setToolTip(refusal(role, "schemes"))
        if reason:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return reason
    import_planned = Signal(object)  # MonthImportPlan, after the background parse
    import_finished = Signal(int)  # values changed
    export_finished = Signal(object)  # Path
    task_failed = Signal(str)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self.month: str | None = None
        self._live_relay: EventBridge | None = None
        self._build = LiveEngineBuild(self, services)  # the live engine, built off the GUI thread
        self._last_dir = str(Path.home())
        self._problems_dialog = None
        self._preview_dialog = None
        self._with_data: set[str] = set()  # months of the year that hold values (the combo says （无数据）)
        self._sort = (COL_CODE, Qt.SortOrder.AscendingOrder)
        self.model = MonthlyGridModel(self)
        self.model.committer = self.apply_edits
        self.proxy = MonthlyFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(150)
        self._counts_timer.timeout.connect(self._update_counts)
        self._build_ui()
        self._values_relay = EventBridge(services.assessment.values_changed, self)
        self._values_relay.fired.connect(self._on_values)
        self._units_relay = EventBridge(services.units.changed, self)
        # a unit added or renamed in 承办单位: the grid follows now when shown, else once when shown
        self._units_relay.fired.connect(lambda _a: self._request_load(self.month, clear_undo=False))
        # 督办通知 changes move fed counts (and the notices named in their tooltips), even under an override
        self._notices_relay = EventBridge(services.notices.changed, self) if hasattr(services, "notices") else None
        if self._notices_relay is not None:
            self._notices_relay.fired.connect(lambda _a: self._refresh_fed())
        self.model.errors_changed.connect(self._rebuild_errors)
        self.model.modelReset.connect(self._after_reset)
        for sig in (self.proxy.layoutChanged, self.proxy.rowsInserted, self.proxy.rowsRemoved):
            sig.connect(lambda *_: self._rebuild_errors())

    @property
    def title(self) -> str:
        return self.tr("月度数据")

    # -- layout --------------------------------------------------------------------------
    def _build_ui(self) -> None:
        act = self.make_action
        self.copy_last_action = act(self.tr("复制上月"), self.tr("把上月的数值复制到本月作为起点（先询问；可撤销）"),
                                    self.copy_last_month)
        self.import_action = act(self.tr("导入…"), self.tr("从 Excel 模板导入本月数据（有问题则不导入任何数据）"),
                                 self.import_month)
        self.export_action = act(self.tr("导出…"), self.tr("把本月数据导出为 Excel（可作为导入模板）"), self.export_month)
        self.template_action = act(self.tr("空白模板…"), self.tr("导出本月的空白导入模板（含参评单位）"),
                                   self.export_template)
        from hotline_desktop.gui.orders.hooks import make_actions

        self.orders_actions = make_actions(self)  # 工单明细: import, anomalies, reconcile (gui/orders)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(QLabel(self.tr("月份：")))
        self.month_combo = QComboBox(self)
        self.month_combo.setMinimumContentsLength(10)
        self.month_combo.currentIndexChanged.connect(self._on_month_picked)
        bar.addWidget(self.month_combo)
        bar.addSpacing(12)
        self.add_action_buttons(
            bar, (self.copy_last_action, None, self.import_action, self.export_action, self.template_action, None,
                  *self.orders_actions))
        bar.addStretch(1)
        self.search_edit = self.make_search_box(self.tr("筛选：编码、名称或类型"), self._on_search)
        bar.addWidget(self.search_edit)

        # Three panes over one proxy and one selection model.
        self.fixed_view = MonthlyGridView(self)
        self.table = MonthlyGridView(self)
        self.live_view = MonthlyGridView(self)
        self.views = (self.fixed_view, self.table, self.live_view)
        row_h = self.fontMetrics().height() + 10
        for v in self.views:
            v.setModel(self.proxy)
            v.verticalHeader().setDefaultSectionSize(row_h)
            v.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            h = v.horizontalHeader()
            h.setHighlightSections(False)
            h.setSectionsClickable(True)
            h.setSortIndicatorShown(True)
            h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            h.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
            h.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
            h.sectionClicked.connect(self.sort_by_column)
            v.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
            v.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            v.copy_requested.connect(self.copy_selection)
            v.paste_requested.connect(self.paste)
            v.clear_requested.connect(self.clear_selection)
            v.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            v.customContextMenuRequested.connect(lambda pos, view=v: self._grid_menu(view, pos))
        for v in (self.fixed_view, self.live_view):
            v.setSelectionModel(self.table.selectionModel())
            v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            v.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustIgnored)
        self.table.verticalHeader().hide()
        self.live_view.verticalHeader().hide()
        self.live_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.live_view.setObjectName("liveView")
        bars = [v.verticalScrollBar() for v in self.views]
        for a in bars:
            for b in bars:
                if a is not b:
                    a.valueChanged.connect(b.setValue)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_actions())

        grid = QWidget(self)
        gl = QHBoxLayout(grid)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.setSpacing(0)
        gl.addWidget(self.fixed_view)
        gl.addWidget(self.table, 1)
        gl.addWidget(self.live_view)

        errors_box = QWidget(self)
        el = QVBoxLayout(errors_box)
        el.setContentsMargins(0, 4, 0, 0)
        el.setSpacing(2)
        self.errors_label = QLabel(self)
        self.errors_label.setObjectName("errorsLabel")
        el.addWidget(self.errors_label)
        self.errors_list = QListWidget(self)
        self.errors_list.setObjectName("errorsList")
        self.errors_list.itemClicked.connect(self._error_clicked)
        self.errors_list.itemActivated.connect(self._error_clicked)
        self.errors_list.setMaximumHeight(self.fontMetrics().height() * 7)
        el.addWidget(self.errors_list)
        self.errors_box = errors_box
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("gridProblemsSplitter")
        self.splitter.addWidget(grid)
        self.splitter.addWidget(errors_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([600, 110])

        grid_page = QWidget(self)
        self.counted_layout(grid_page, bar, self.splitter)

        hint_page = QWidget(self)
        hl = QVBoxLayout(hint_page)
        hl.addStretch(1)
        self.hint_label = QLabel(self)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setWordWrap(True)
        hl.addWidget(self.hint_label)
        self.assign_button = QPushButton(self.tr("指定方案…"), self)
        self.assign_button.setToolTip(self.tr("为本年度指定考核方案（同工具栏的“指定方案…”）"))
        self.assign_button.clicked.connect(self.assign_scheme)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.assign_button)
        row.addStretch(1)
        hl.addLayout(row)
        hl.addStretch(2)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(grid_page)
        self.stack.addWidget(hint_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.addWidget(self.stack)
        self._show_hint(True)

    def _show_hint(self, no_scheme: bool) -> None:
        self.stack.setCurrentIndex(1 if no_scheme else 0)
        self.hint_label.setText(self.tr(
            "{0} 年还没有指定考核方案。\n先为本年度指定考核方案，才能录入月度数据。"
        ).format(self.year or date.today().year))

    def _layout_columns(self) -> None:
        m = self.model
        n = m.columnCount()
        first_in, first_live = m.first_input_column, m.first_live_column
        fm = self.fontMetrics()
        for v in self.views:
            for c in range(n):
                if v is self.fixed_view:
                    hide = c >= FIXED_COLUMNS
                elif v is self.table:
                    hide = not (first_in <= c < first_live)
                else:
                    hide = c < first_live
                v.setColumnHidden(c, hide)
        widths = {}
        for c in range(n):
            if c in FIXED_WIDTHS:
                widths[c] = FIXED_WIDTHS[c]
            else:
                text = m.headerData(c, Qt.Orientation.Horizontal) or ""
                widths[c] = max(58, max(fm.horizontalAdvance(t) for t in text.split("\n")) + 16)
                if m.is_live_column(c):
                    key = m.live_columns[c - first_live].key
                    sample = {"month_score": "按平均分 100.00", "month_rank": "100（并列）"}.get(key, "100.00")
                    widths[c] = max(widths[c], fm.horizontalAdvance(sample) + 14)
        for v in self.views:
            for c, w in widths.items():
                v.horizontalHeader().resizeSection(c, w)
        fw = self.fixed_view.frameWidth() * 2
        vh = self.fixed_view.verticalHeader()
        vh_w = max(vh.sizeHint().width(), fm.horizontalAdvance("0000") + 10)
        vh.setFixedWidth(vh_w)
        self.fixed_view.setFixedWidth(vh_w + sum(widths[c] for c in range(FIXED_COLUMNS)) + fw)
        live_w = sum(widths[c] for c in range(first_live, n))
        sb = self.live_view.verticalScrollBar().sizeHint().width()
        self.live_view.setFixedWidth(live_w + sb + fw)
        self.live_view.setVisible(first_live < n)
        self._apply_sort()

    # -- TabPage -------------------------------------------------------------------------
    def reload(self) -> None:
        self._request_load(self.month, clear_undo=True)

    def set_year_scheme(self, year_scheme) -> None:
        changed = (year_scheme.id if year_scheme else None) != (self.year_scheme.id if self.year_scheme else None)
        super().set_year_scheme(year_scheme)
        self._request_load(None if changed else self.month, clear_undo=changed)

    def _request_load(self, month: str | None, *, clear_undo: bool) -> None:
        """Load now when shown; a hidden tab loads when it is first shown (start-up stays fast:
        the month grid and its live engine are built only when the operator opens the tab)."""
        prev = self.deferred("load")  # a clear of the history asked for while hidden still happens
        self.when_shown("load", self._load_month, month, clear_undo or bool(prev and prev[1]))

    def _load_month(self, month: str | None, clear_undo: bool) -> None:
        self._load(month, clear_undo=clear_undo)

    def _ensure_loaded(self) -> None:
        """An action on a tab not shown yet: do the load it owes first."""
        self.catch_up("load")

    def _refresh_fed(self) -> None:
        """Re-read the shown month's fed cells (now when visible, else when next shown)."""
        if self.ys_id is None or self.month is None or self.model.scheme is None:
            return
        self.when_shown("fed", self._reload_fed)

    def _reload_fed(self) -> None:
        if self.ys_id is None or self.month is None or self.model.scheme is None:
            return
        self.model.fed_changed(self.model.fed.load(self.services, self.ys_id, self.month))

    def set_year(self, year: int) -> None:
        super().set_year(year)
        if self.year_scheme is None:
            self._show_hint(True)

    def import_actions(self) -> list[QAction]:
        a = QAction(self.tr("月度数据…"), self)
        a.triggered.connect(self.import_month)
        self._menu_actions = getattr(self, "_menu_actions", []) + [a]
        self._update_actions()
        return [a]

    def export_actions(self) -> list[QAction]:
        a = QAction(self.tr("月度数据…"), self)
        a.triggered.connect(self.export_month)
        self._menu_actions = getattr(self, "_menu_actions", []) + [a]
        self._update_actions()
        return [a]

    def template_actions(self) -> list[QAction]:
        a = QAction(self.tr("月度数据模板…"), self)
        a.triggered.connect(self.export_template)
        self._menu_actions = getattr(self, "_menu_actions", []) + [a]
        self._update_actions()
        return [a]

    def shutdown(self) -> None:
        self._values_relay.detach()
        self._units_relay.detach()
        if self._notices_relay is not None:
            self._notices_relay.detach()
        if self._live_relay is not None:
            self._live_relay.detach()
            self._live_relay = None

    # -- loading -------------------------------------------------------------------------
    @property
    def ys_id(self) -> int | None:
        return self.year_scheme.id if self.year_scheme is not None else None

    def default_month(self) -> str:
        """The latest month with data; else this month if it is in the year; else January."""
        ys = self.year_scheme
        year = ys.year if ys is not None else (self.year or date.today().year)
        if ys is not None:
            months = self.services.assessment.months_with_data(ys.id)
            if months:
                return months[-1]
        today = date.today()
        return month_key(year, today.month if today.year == year else 1)

    def _load(self, month: str | None, *, clear_undo: bool) -> None:
        if clear_undo:
            self.undo_stack.clear()
        if self._live_relay is not None:
            self._live_relay.detach()
            self._live_relay = None
        ys = self.year_scheme
        if ys is None:
            self.month = None
            self.model.set_month_data(None, [], None, {})
            self._fill_month_combo(self.year or date.today().year)
            self._show_hint(True)
            self._update_actions()
            return
        a = self.services.assessment
        if month is None or not month.startswith(f"{ys.year}-"):
            month = self.default_month()
        self.month = month
        scheme = a.scheme(ys.id)
        rankings = self.services.rankings
        live = rankings.cached(ys.id)
        if live is None and not self.build_in_background:
            live = rankings.live(ys.id)
        if live is not None:
            self._follow(live)
        self.model.fed.load(self.services, ys.id, month)  # before the reset that shows it
        self.model.set_month_data(scheme, a.participants(ys.id), month, a.scored_monthly_cells(ys.id, month), live,
                                  a.monthly_versions(ys.id, month))
        if live is None:
            self._build_live(ys)
        self._fill_month_combo(ys.year)
        self._show_hint(False)
        self._update_actions()

    #: The live engine (当月得分 / 排名 columns) is built in a worker thread when it is not
    #: there yet; the grid shows and takes input at once, its live cells say 正在计算….
    build_in_background = True

    def _follow(self, live) -> None:
        self._live_relay = EventBridge(live.changed, self)
        self._live_relay.fired.connect(lambda args: self.model.refresh_live(args[0]))

    def _build_live(self, ys) -> None:
        self.model.set_building(True)

        def built() -> None:
            current = self.year_scheme
            if current is None or current.id != ys.id or self.model.live is not None:
                return  # another year or scheme is shown now (its own load asked for its engine)
            try:
                live = self.services.rankings.live(ys.id)  # the one installed (or rebuilt after a restore)
            except ServiceError:
                self.model.set_building(False)
                return
            self._follow(live)
            self.model.set_live(live)

        self._build.start(ys.id, built, lambda _e: self.model.set_building(False))

    @property
    def building(self) -> bool:
        """Whether the live engine is being built (the live columns say 正在计算…)."""
        return self._build.running

    def _fill_month_combo(self, year: int) -> None:
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        self._with_data = set(self.services.assessment.months_with_data(self.ys_id)) if self.ys_id else set()
        for m in range(1, 13):
            key = month_key(year, m)
            self.month_combo.addItem(self._month_item_text(key), key)
        i = self.month_combo.findData(self.month) if self.month else -1
        self.month_combo.setCurrentIndex(max(i, 0))
        self.month_combo.setEnabled(self.ys_id is not None)
        self.month_combo.blockSignals(False)

    def _month_item_text(self, key: str) -> str:
        y, m = key.split("-")
        label = self.tr("{0}年{1}月").format(int(y), int(m))
        return label + ("" if key in self._with_data else self.tr("（无数据）"))

    def _refresh_month_labels(self, changes) -> None:
        """Keep “（无数据）” true after values are typed or cleared (in any month of the year)."""
        months = {ch.month for ch in changes if ch.month}
        if not months or self.ys_id is None:
            return
        if all(ch.new is not None for ch in changes if ch.month) and months <= self._with_data:
            return  # only values added where there was data already
        self._with_data = set(self.services.assessment.months_with_data(self.ys_id))
        for i in range(self.month_combo.count()):
            key = self.month_combo.itemData(i)
            text = self._month_item_text(key)
            if self.month_combo.itemText(i) != text:
                self.month_combo.setItemText(i, text)

    def _on_month_picked(self, index: int) -> None:
        key = self.month_combo.itemData(index)
        if key and key != self.month:
            self.set_month(key)

    def set_month(self, month: str) -> None:
        """Show another month of the same year (the undo history stays)."""
        self._ensure_loaded()
        if month == self.month or self.year_scheme is None:
            return
        self._load(month, clear_undo=False)

    def _after_reset(self) -> None:
        self._layout_columns()
        self._update_counts()

    # -- sorting -------------------------------------------------------------------------
    def sort_by_column(self, col: int) -> None:
        cur, order = self._sort
        if col == cur:
            order = Qt.SortOrder.DescendingOrder if order == Qt.SortOrder.AscendingOrder else Qt.SortOrder.AscendingOrder
        else:
            order = Qt.SortOrder.AscendingOrder
        self._sort = (col, order)
        self._apply_sort()

    def _apply_sort(self) -> None:
        col, order = self._sort
        if col >= self.model.columnCount():
            col, order = COL_CODE, Qt.SortOrder.AscendingOrder
            self._sort = (col, order)
        self.proxy.sort(col, order)
        for v in self.views:
            h = v.horizontalHeader()
            h.blockSignals(True)
            h.setSortIndicator(col, order)
            h.blockSignals(False)

    # -- edits ---------------------------------------------------------------------------
    def apply_edits(self, edits: list[CellEdit], text: str):
        """Write a batch (one transaction) and push it as one undo step; returns the changes."""
        if not edits or self.ys_id is None:
            return []
        if self.role_refusal:  # (the server refuses it too)
            self.show_error(self.role_refusal)
            return []
        fed = self.model.fed
        counted = fed.undo_texts((e.unit_id, e.month, e.key) for e in edits if e.month == self.month)
        typed = {(e.unit_id, e.month, e.key): e.text for e in edits if fed.is_fed_key(e.key)}
        try:
            changes = self.services.assessment.set_values(self.ys_id, edits)
        except StoreWriteError as e:
            # Not saved (disk full, read-only): the typed texts stay in their cells, in red.
            self.model.mark_unsaved(edits, str(e))
            self.show_error(self.tr("输入的内容没有保存，仍显示在表格中（红色），可稍后重新输入：\n{0}").format(e))
            return []
        except ConflictError as e:
            # Another seat changed a cell underneath: show its current value, then say so.
            self.resync_month()
            self.show_error(str(e), self.tr("数据已被其他席位修改"))
            return []
        except ServiceError as e:
            self.show_error(str(e))
            return []
        if changes:
            self.undo_stack.push(SetCellsCommand(self.services, self.ys_id, changes, text,
                                                 on_error=self.show_error, show_month=self._show_month_of,
                                                 counted=counted, typed=typed, on_conflict=self.resync_month))
        return changes

    def resync_month(self) -> int:
        """Bring the shown month to what is stored now (cells and their versions), cell by cell,
        without a reset: after another seat's change refused an edit here. Returns cells changed."""
        if self.ys_id is None or self.month is None:
            return 0
        a = self.services.assessment
        stored = {(u, k): c for (u, _m, k), c in a.scored_monthly_cells(self.ys_id, self.month).items()}
        versions = a.monthly_versions(self.ys_id, self.month)
        shown = self.model.cells()
        changes = []
        for ident in set(stored) | set(shown) | set(versions):
            old, new = shown.get(ident), stored.get(ident)
            if (old.text if old else None) != (new.text if new else None) or \
                    self.model.version_of(*ident) != versions.get(ident, 0):
                changes.append(CellChange(ident[0], self.month, ident[1], old, new, versions.get(ident, 0)))
        if changes:
            self.model.apply_changes(changes)
        return len(changes)

    def _show_month_of(self, month: str) -> None:
        if month != self.month:
            i = self.month_combo.findData(month)
            if i >= 0:
                self.month_combo.setCurrentIndex(i)
            else:
                self.set_month(month)

    def _on_values(self, args) -> None:
        ys_id, changes = args
        if ys_id != self.ys_id:
            return
        self._refresh_month_labels(changes)
        feeds = getattr(self.services, "feeds", None)
        if feeds is not None:
            keys = self.model.fed.keys | feeds.active_keys(ys_id)
            if any(ch.key in keys and ch.month == self.month for ch in changes):
                self._refresh_fed()  # before the cells repaint: their fed state goes with them
        if self.model.apply_changes(changes):
            self._counts_timer.start()

    def selected_indexes(self) -> list:
        sm = self.table.selectionModel()
        sel = sm.selectedIndexes()
        if not sel and sm.currentIndex().isValid():
            sel = [sm.currentIndex()]
        return sel

    def _edit_of(self, proxy_index, text: str | None) -> CellEdit | None:
        src = self.proxy.mapToSource(proxy_index)
        inp = self.model.input_at(src.column())
        if inp is None or self.month is None:
            return None
        uid = self.model.unit_at(src.row()).id
        return CellEdit(uid, self.month, inp.key, text, self.model.version_of(uid, inp.key))

    def clear_selection(self) -> int:
        """Delete/Backspace: clear every selected input cell (one undo step)."""
        edits = []
        for ix in self.selected_indexes():
            if self.model.is_input_column(ix.column()) and ix.data():
                e = self._edit_of(ix, None)
                if e is not None:
                    edits.append(e)
        if not edits:
            return 0
        changes = self.apply_edits(edits, self.tr("清除 {0} 个数值").format(len(edits)))
        self.show_status(self.tr("已清除 {0} 个数值（可撤销）").format(len(changes)))
        return len(changes)

    # -- fed cells (督办通知 counts): revert an override ------------------------------------
    def overridden_fed_cells(self) -> list[tuple[int, str]]:
        """Selected (unit_id, key) cells typed over a register's count."""
        out = []
        for ix in self.selected_indexes():
            e = self._edit_of(ix, None)
            if e is not None and (fc := self.model.fed.get(e.unit_id, e.key)) is not None and fc.overridden:
                out.append((e.unit_id, e.key))
        return out

    def revert_fed(self) -> int:
        """恢复自动计数: drop the selected overrides; the register's counts apply again (undoable)."""
        edits = self.model.fed.revert_edits(self.month, self.overridden_fed_cells()) if self.month else []
        if not edits:
            return 0
        changes = self.apply_edits(edits, self.tr("恢复自动计数（{0} 格）").format(len(edits)))
        self.show_status(self.tr("已恢复 {0} 格为督办通知自动计数（可撤销）").format(len(changes)))
        return len(changes)

    def _grid_menu(self, view, pos) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction(self.tr("复制"), self.copy_selection)
        menu.addAction(self.tr("粘贴"), self.paste)
        menu.addAction(self.tr("清除"), self.clear_selection)
        n = len(self.overridden_fed_cells())
        if self.model.fed.keys:
            menu.addSeparator()
            a = menu.addAction(self.tr("恢复自动计数") + (f"（{n}）" if n > 1 else ""), self.revert_fed)
            a.setEnabled(n > 0)
            a.setToolTip(self.tr("去掉手工覆盖的数值，改回按督办通知自动计数"))
        from hotline_desktop.gui.orders.hooks import add_drill_action

        add_drill_action(self, menu, view.indexAt(pos))
        menu.exec(view.viewport().mapToGlobal(pos))

    def import_orders(self):
        """月度数据 → 导入工单明细… (gui/orders)."""
        from hotline_desktop.gui.orders.hooks import open_import

        return open_import(self)

    def copy_text(self) -> str:
        """The selected rectangle as tab-separated text (rows joined with \\r\\n, like Excel)."""
        sel = self.selected_indexes()
        if not sel:
            return ""
        cells = {(ix.row(), ix.column()) for ix in sel}
        rows = [ix.row() for ix in sel]
        cols = [ix.column() for ix in sel]
        lines = []
        for r in range(min(rows), max(rows) + 1):
            src_row = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            lines.append("\t".join(
                self.model.text_at(src_row, c) if (r, c) in cells else "" for c in range(min(cols), max(cols) + 1)
            ))
        return "\r\n".join(lines)

    def copy_selection(self) -> str:
        text = self.copy_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            n = len(self.selected_indexes())
            self.show_status(self.tr("已复制 {0} 个单元格").format(n), 4000)
        return text

    def paste(self) -> int:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> int:
        """Paste a block at the current cell (or one value into every selected cell); one undo step."""
        block = parse_tsv(text)
        if not block or self.month is None:
            return 0
        sm = self.table.selectionModel()
        cur = sm.currentIndex()
        sel = self.selected_indexes()
        edits: list[CellEdit] = []
        outside = skipped = 0
        targets = []
        if len(block) == 1 and len(block[0]) == 1 and len(sel) > 1:
            value = clean_pasted(block[0][0])
            for ix in sel:
                if self.model.is_input_column(ix.column()):
                    targets.append(ix)
                    edits.append(self._edit_of(ix, value or None))
                else:
                    skipped += 1
        else:
            if not cur.isValid():
                if not sel:
                    self.show_status(self.tr("请先选中要粘贴的起始单元格"))
                    return 0
                cur = min(sel, key=lambda i: (i.row(), i.column()))
            rows, cols = self.proxy.rowCount(), self.proxy.columnCount()
            for i, line in enumerate(block):
                for j, raw in enumerate(line):
                    r, c = cur.row() + i, cur.column() + j
                    if r >= rows or c >= cols:
                        outside += 1
                        continue
                    if not self.model.is_input_column(c):
                        skipped += 1
                        continue
                    ix = self.proxy.index(r, c)
                    targets.append(ix)
                    value = clean_pasted(raw)
                    edits.append(self._edit_of(ix, value or None))
        edits = [e for e in edits if e is not None]
        changes = self.apply_edits(edits, self.tr("粘贴 {0} 个数值").format(len(edits))) if edits else []
        if targets:
            selection = QItemSelection()
            for ix in targets:
                selection.select(ix, ix)
            sm.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        msg = self.tr("已粘贴 {0} 个单元格，{1} 个数值有变化").format(len(edits), len(changes))
        if outside:
            msg += self.tr("；超出表格的 {0} 个值已忽略").format(outside)
        if skipped:
            msg += self.tr("；只读列的 {0} 个值未粘贴").format(skipped)
        self.show_status(msg, 10000)
        return len(changes)

    def edits_from_last_month(self) -> tuple[list[CellEdit], int, str | None]:
        """(edits, how many overwrite a value, source month) for 复制上月."""
        if self.month is None or self.ys_id is None or self.month.endswith("-01"):
            return [], 0, None
        y, m = self.month.split("-")
        source = month_key(int(y), int(m) - 1)
        edits, overwrite = [], 0
        for (uid, _m, key), cell in self.services.assessment.monthly_cells(self.ys_id, source).items():
            if self.model.row_of(uid) < 0 or self.model.column_of(key) < 0:
                continue
            cur = self.model.cell(uid, key)
            if cur is None or cur.text != cell.text:
                edits.append(CellEdit(uid, self.month, key, cell.text, self.model.version_of(uid, key)))
                overwrite += cur is not None
        return edits, overwrite, source

    def copy_last_month(self, ask: bool = True) -> int:
        self._ensure_loaded()
        if self.month is None:
            return 0
        if self.month.endswith("-01"):
            QMessageBox.information(self, self.tr("复制上月"), self.tr("1 月没有同一年度的上月数据可复制。"))
            return 0
        edits, overwrite, source = self.edits_from_last_month()
        src_label = self.tr("{0}月").format(int(source[5:]))
        dst_label = self.tr("{0}月").format(int(self.month[5:]))
        if not edits:
            QMessageBox.information(self, self.tr("复制上月"),
                                    self.tr("{0}没有与{1}不同的数值，无需复制。").format(src_label, dst_label))
            return 0
        if ask:
            text = self.tr("将把{0}的 {1} 个数值复制到{2}").format(src_label, len(edits), dst_label)
            if overwrite:
                text += self.tr("（其中 {0} 个会覆盖{1}已有的数值）").format(overwrite, dst_label)
            text += self.tr("。\n\n确定复制吗？复制后可以撤销。")
            answer = QMessageBox.question(self, self.tr("复制上月"), text,
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        changes = self.apply_edits(edits, self.tr("复制{0}数据到{1}（{2} 个数值）").format(src_label, dst_label, len(edits)))
        self.show_status(self.tr("已从{0}复制 {1} 个数值（可撤销）").format(src_label, len(changes)))
        return len(changes)

    # -- import / export -----------------------------------------------------------------
    def import_month(self) -> None:
        self._ensure_loaded()
        if self.ys_id is None or self.month is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入 {0} 月度数据").format(self.month), self._last_dir,
            self.tr("Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)"))
        if path:
            self._last_dir = str(Path(path).parent)
            self.start_import(path)

    def start_import(self, path: str | Path) -> None:
        self._ensure_loaded()
        from hotline_desktop.gui.workers import run_in_background

        io, ys_id, month = self.services.monthly_io, self.ys_id, self.month
        run_in_background(
            self.window(), self.tr("正在检查导入文件…"), lambda: io.plan(ys_id, month, path),
            self._plan_ready, lambda e: self._task_error(self.tr("无法读取导入文件"), e),
        )

    def _plan_ready(self, plan) -> None:
        self.import_planned.emit(plan)
        if plan.problems:
            dlg = ImportProblemsDialog(plan.problems, plan.summary(), None, plan.source.name, self)
            dlg.finished.connect(dlg.deleteLater)
            self._problems_dialog = dlg
            dlg.open()
            return
        if not plan.edits:
            QMessageBox.information(self, self.tr("导入月度数据"),
                                    self.tr("{0}\n文件中的数值与已有数据相同，没有需要导入的变化。").format(plan.summary()))
            return
        self.preview_import(plan)

    def preview_import(self, plan) -> None:
        """Every value the import changes, old → new (cleared ones in red), before writing."""
        from hotline_desktop.gui.import_dialogs import ImportPreviewDialog

        rows = [(c.row, c.code, c.name, c.label, c.old, c.new) for c in plan.changes]
        dlg = ImportPreviewDialog(self.tr("导入 {0} 月度数据：确认变化").format(plan.month), plan.summary(), rows,
                                  plan.source.name, self)
        dlg.accepted.connect(lambda: self.apply_import(plan))
        dlg.finished.connect(dlg.deleteLater)
        self._preview_dialog = dlg
        dlg.open()

    def apply_import(self, plan) -> int:
        try:
            changes = self.services.monthly_io.apply(plan)
        except ServiceError as e:
            self.show_error(str(e), self.tr("导入失败"))
            return 0
        if changes:
            self.undo_stack.push(SetCellsCommand(
                self.services, plan.year_scheme_id, changes,
                self.tr("导入 {0} 月度数据（{1} 个数值）").format(plan.month, len(changes)),
                on_error=self.show_error, show_month=self._show_month_of))
        self._show_month_of(plan.month)
        self.show_status(self.tr("已导入 {0}：{1} 个数值有变化（可撤销）").format(plan.month, len(changes)), 15000)
        self.import_finished.emit(len(changes))
        return len(changes)

    def _task_error(self, what: str, e: BaseException) -> None:
        msg = f"{what}：{e}"
        self.task_failed.emit(msg)
        self.show_error(msg)

    def export_month(self) -> None:
        self._ensure_loaded()
        self._export(True)

    def export_template(self) -> None:
        self._ensure_loaded()
        self._export(False)

    def _export(self, with_values: bool) -> None:
        if self.ys_id is None or self.month is None:
            return
        ys = self.year_scheme
        when = month_text(self.month)
        name = f"{ys.title} {when} 月度数据.xlsx" if with_values else f"{ys.title} {when} 月度数据模板.xlsx"
        title = self.tr("导出月度数据") if with_values else self.tr("导出月度数据模板")
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self._last_dir) / name), self.tr(XLSX_FILTER))
        if not path:
            return
        self._last_dir = str(Path(path).parent)
        self.start_export(path, with_values)

    def start_export(self, path: str | Path, with_values: bool = True) -> None:
        self._ensure_loaded()
        from hotline_desktop.gui.workers import run_in_background

        io, ys_id, month = self.services.monthly_io, self.ys_id, self.month
        run_in_background(
            self.window(), self.tr("正在导出…"), lambda: io.export_month(ys_id, month, path, with_values=with_values),
            self._exported, lambda e: self._task_error(self.tr("导出失败"), e),
        )

    def _exported(self, path) -> None:
        self.show_status(self.tr("已导出到 {0}").format(path), 15000)
        self.export_finished.emit(Path(path))

    # -- no scheme -----------------------------------------------------------------------
    def assign_scheme(self) -> None:
        selector = getattr(self.window(), "scheme_selector", None)
        if selector is not None:
            selector.assign_dialog()
        else:
            self.show_status(self.tr("请在工具栏中指定考核方案"))

    # -- errors list, counts, actions ----------------------------------------------------
    def error_entries(self) -> list[tuple[int, int, str, tuple[int, str]]]:
        """(visible row, column, text, (unit id, key)) of every invalid cell, in grid order."""
        out = []
        for (uid, key), reason in self.model.errors().items():
            ix = self.proxy.source_index(uid, key)
            row = self.model.row_of(uid)
            unit = self.model.unit_at(row)
            label = self.model.input_at(self.model.column_of(key)).label
            where = self.tr("第 {0} 行").format(ix.row() + 1) if ix.isValid() else self.tr("（已筛除）")
            out.append((ix.row() if ix.isValid() else 1 << 30, self.model.column_of(key),
                        self.tr("{0} {1} · {2}：{3}").format(where, unit.name, label, reason), (uid, key)))
        out.sort(key=lambda e: (e[0], e[1]))
        return out

    def warning_entries(self) -> list[tuple[int, int, str, tuple[int, str]]]:
        """(visible row, column, text, (unit id, key)) of every flagged unit-month (core rule)."""
        m = self.model
        key = m.scheme.volume_input if m.scheme is not None else None
        out = []
        for uid, warning in m.warnings().items():
            ix = self.proxy.source_index(uid, key) if key else self.proxy.source_index(uid, 0)
            unit = m.unit_at(m.row_of(uid))
            where = self.tr("第 {0} 行").format(ix.row() + 1) if ix.isValid() else self.tr("（已筛除）")
            out.append((ix.row() if ix.isValid() else 1 << 30, m.column_of(key) if key else 0,
                        self.tr("{0} {1}：{2}").format(where, unit.name, warning), (uid, key)))
        out.sort(key=lambda e: (e[0], e[1]))
        return out

    def _rebuild_errors(self) -> None:
        entries = self.error_entries()
        warnings = self.warning_entries()
        self.errors_list.clear()
        for _r, _c, text, ident in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            item.setForeground(Qt.GlobalColor.darkRed)
            self.errors_list.addItem(item)
        for _r, _c, text, ident in warnings:
            item = QListWidgetItem("⚠ " + text)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            item.setForeground(WARN_FOREGROUND)
            self.errors_list.addItem(item)
        parts = []
        if entries:
            parts.append(self.tr("有误的单元格 {0} 个（保留所填内容，不计分；改正后自动计入）").format(len(entries)))
        if warnings:
            parts.append(self.tr("需核对 {0} 处（已计分，但可能不是本意）").format(len(warnings)))
        self.errors_label.setText("；".join(parts) + "：")
        self.errors_box.setVisible(bool(entries or warnings))
        self.fixed_view.verticalHeader().viewport().update()  # the ⚠ row markers
        self._counts_timer.start()

    def _error_clicked(self, item: QListWidgetItem) -> None:
        uid, key = item.data(Qt.ItemDataRole.UserRole)
        self.select_cell(uid, key)

    def select_cell(self, unit_id: int, key: str) -> bool:
        ix = self.proxy.source_index(unit_id, key)
        if not ix.isValid() and self.proxy.search:
            self.search_edit.clear()
            ix = self.proxy.source_index(unit_id, key)
        if not ix.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(ix, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(ix)
        self.table.setFocus()
        return True

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_counts()

    def counts_text(self) -> str:
        if self.ys_id is None:
            return ""
        m = self.model
        y, mo = (self.month or "-").split("-")
        text = self.tr("{0}年{1}月：参评单位 {2} 个 · 已录入 {3} 个 · 有误 {4} 处").format(
            y, int(mo or 0), m.rowCount(), m.filled_units(), len(m.errors()))
        if self.proxy.search:
            text += self.tr("　　当前显示 {0} 个").format(self.proxy.rowCount())
        return text

    def _update_counts(self) -> None:
        self.counts_label.setText(self.counts_text())

    def _update_actions(self) -> None:
        has = self.ys_id is not None and self.month is not None
        for a in (self.import_action, self.export_action, self.template_action,
                  *getattr(self, "_menu_actions", [])):
            a.setEnabled(has)
        self.copy_last_action.setEnabled(has and not (self.month or "").endswith("-01"))
