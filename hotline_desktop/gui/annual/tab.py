"""年度考核 tab: per unit, the scheme's annual items (yes/no, counts, manual scores within their
maximum, choices), each with a note and evidence files; live annual figures; a completeness view.

Every edit is committed at once through the assessment / evidence services and pushed on the
tab's undo stack. Values come back through `values_changed` (also from edits elsewhere), the
figures through the live ranking's `changed`.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.annual_status import ItemFeed, annual_status, item_feeds
from hotline_desktop.core.domain import UnitKind
from hotline_desktop.core.scoring.numbers import fmt2
from hotline_desktop.core.scoring.scheme import InputDef, Scheme
from hotline_desktop.core.text import strip_blanks
from hotline_desktop.gui.annual.commands import (
    AddEvidenceCommand,
    RemoveEvidenceCommand,
    SetAnnualValueCommand,
    SetNoteCommand,
)
from hotline_desktop.gui.annual.models import (
    COL_CODE,
    COL_FILES,
    COL_FILLED,
    COL_KIND,
    COL_NAME,
    COL_STATUS,
    MCOL_CODE,
    MCOL_COUNT,
    MCOL_KIND,
    MCOL_NAME,
    ROW_ROLE,
    AnnualUnitsModel,
    AnnualUnitsProxy,
    EvidenceListModel,
    MissingItemsModel,
    UnitState,
)
from hotline_desktop.gui.bridge import EventBridge
from hotline_desktop.gui.kb.annual_fed import show_fed, typed_text
from hotline_desktop.gui.tab_base import TabPage, on_activated
from hotline_desktop.gui.workers import LiveEngineBuild
from hotline_desktop.services.assessment import Cell, CellEdit
from hotline_desktop.services.errors import ConflictError, ServiceError, StoreWriteError
from hotline_desktop.services.evidence import EvidenceRow

EVIDENCE_FILTER = "扫描件/PDF/图片/Word (*.pdf *.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.heic *.webp " \
                  "*.doc *.docx *.wps *.ofd *.xls *.xlsx *.et *.txt *.zip *.rar);;所有文件 (*)"
VIEW_INLINE_BYTES = 8 * 1024 * 1024  # larger files are copied for viewing off the GUI thread
RULE_CHARS = 44  # rule text shown under an item (full text in the tooltip)
UNIT_COLUMN_WIDTHS = {COL_CODE: 64, COL_NAME: 150, COL_KIND: 96, COL_FILLED: 50, COL_FILES: 40, COL_STATUS: 70}
_CARD_STYLE = """
QFrame#itemCard { border-bottom: 1px solid #e1e6ec; }
QFrame#itemCard[dropTarget="true"] { background: #e8f2fc; }
QLabel#itemLabel { font-weight: bold; }
QLabel#feedsLabel, QLabel#hintLabel, QLabel#noFilesLabel { color: #6b7785; }
QLabel#errorLabel { color: #c62828; }
QSpinBox[invalid="true"], QCheckBox[invalid="true"] { color: #c62828; }
QListView#evidenceList { border: none; background: transparent; }
QWidget#itemsWidget { background: #ffffff; }
"""


class ItemCard(QFrame):
    """One annual item of the selected unit: editor, reason when invalid, note, evidence files."""

    value_edited = Signal(int, str, object)  # unit id, key, text | None
    note_edited = Signal(int, str, str)  # unit id, key, note
    files_dropped = Signal(int, str, list)  # unit id, key, [paths]
    add_files_clicked = Signal(int, str)
    open_requested = Signal(object)  # EvidenceRow
    remove_requested = Signal(object)  # EvidenceRow

    def __init__(self, inp: InputDef, feeds: list[ItemFeed], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("itemCard")
        self.inp = inp
        self.key = inp.key
        self.feeds = feeds
        self.unit_id: int | None = None
        self.cell: Cell | None = None
        self.note = ""
        self.setAcceptDrops(True)

        self.label = QLabel(inp.label, self)
        self.label.setObjectName("itemLabel")
        self.label.setToolTip(self.tr("{0}（{1}）").format(inp.label, inp.kind_label))
        self.feeds_label = QLabel(self)
        self.feeds_label.setObjectName("feedsLabel")
        self.feeds_label.setWordWrap(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        self.feeds_label.setFont(small)
        tip = "\n".join(f"{h}：{r}" if r else h for _k, _key, h, r in feeds)
        self.feeds_label.setToolTip(tip or self.tr("不计分，仅作记录"))
        self._set_feeds_text({})

        self.editor = self._make_editor()
        self.editor.setObjectName("valueEditor")
        self.max_label: QLabel | None = None
        edit_row = QHBoxLayout()
        edit_row.setContentsMargins(0, 0, 0, 0)
        edit_row.setSpacing(4)
        edit_row.addWidget(self.editor)
        if inp.kind in ("manual", "rate"):
            self.max_label = QLabel(self._range_text(), self)
            self.max_label.setObjectName("maxLabel")
            edit_row.addWidget(self.max_label)
        edit_row.addStretch(1)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setFont(small)
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("hintLabel")
        self.hint_label.setFont(small)

        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText(self.tr("备注"))
        self.note_edit.setAcceptDrops(False)
        self.note_edit.setToolTip(self.tr("备注：离开输入框或按回车即保存"))
        self.note_edit.editingFinished.connect(self._note_finished)
        self.add_button = QToolButton(self)
        self.add_button.setText(self.tr("添加材料…"))
        self.add_button.setToolTip(self.tr("添加证明材料（扫描件、PDF、照片、Word）；也可以把文件拖到本项上"))
        self.add_button.clicked.connect(lambda: self.unit_id is not None and self.add_files_clicked.emit(self.unit_id, self.key))

        self.files = EvidenceListModel(self)
        self.files_view = QListView(self)
        self.files_view.setObjectName("evidenceList")
        self.files_view.setModel(self.files)
        self.files_view.setFlow(QListView.Flow.LeftToRight)
        self.files_view.setWrapping(False)
        self.files_view.setSpacing(2)
        self.files_view.setAcceptDrops(False)
        self.files_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.files_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files_view.setFixedHeight(self.fontMetrics().height() + 12)
        self.files_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.files_view.customContextMenuRequested.connect(self._files_menu)
        on_activated(self.files_view, lambda ix: self.open_requested.emit(self.files.row_at(ix.row())))
        remove = QAction(self.tr("移除"), self.files_view)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self._remove_current)
        self.files_view.addAction(remove)
        self.no_files_label = QLabel(self.tr("尚无证明材料（可把文件拖到这里）"), self)
        self.no_files_label.setObjectName("noFilesLabel")
        self.no_files_label.setFont(small)

        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.label, 0, 0)
        grid.addWidget(self.feeds_label, 1, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(edit_row, 0, 1)
        grid.addWidget(self.error_label, 1, 1, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.hint_label, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.note_edit, 0, 2)
        grid.addWidget(self.add_button, 0, 3)
        grid.addWidget(self.files_view, 1, 2, 1, 2)
        grid.addWidget(self.no_files_label, 1, 2, 1, 2)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 0)
        grid.setColumnMinimumWidth(1, 190)
        grid.setColumnStretch(2, 4)
        self.show_files([])

    # -- editor ----------------------------------------------------------------------------
    def _range_text(self) -> str:
        inp = self.inp
        if inp.kind == "manual" and inp.max is not None:
            return self.tr("（满分 {0} 分）").format(fmt2(inp.max))
        if inp.kind == "rate":
            return "%"
        return ""

    def _make_editor(self) -> QWidget:
        inp = self.inp
        if inp.kind == "boolean":
            w = QCheckBox(self.tr("是"), self)
            w.clicked.connect(lambda on: self._emit_value("是" if on else "否"))
            return w
        if inp.kind == "count":
            w = QSpinBox(self)
            w.setRange(-1, 99999)
            w.setSpecialValueText(self.tr("未填"))
            if inp.unit:
                w.setSuffix(f" {inp.unit}")
            w.setKeyboardTracking(False)
            w.setMinimumWidth(96)
            w.setAlignment(Qt.AlignmentFlag.AlignRight)
            w.valueChanged.connect(lambda v: self._emit_value(None if v < 0 else str(v)))
            return w
        if inp.kind == "choice":
            w = QComboBox(self)
            w.addItem(self.tr("（未填）"), None)
            for c in inp.choices:
                w.addItem(c.label, c.value)
            w.activated.connect(lambda i: self._emit_value(w.itemData(i)))
            return w
        w = QLineEdit(self)  # manual scores (and rates): typed, checked by the service
        w.setAlignment(Qt.AlignmentFlag.AlignRight)
        w.setMaximumWidth(80)
        low = fmt2(inp.min) if inp.min is not None else "0"
        w.setPlaceholderText(f"{low}–{fmt2(inp.max)}" if inp.max is not None else "")
        w.editingFinished.connect(self._line_finished)
        return w

    def _emit_value(self, text) -> None:
        if self.unit_id is not None:
            self.value_edited.emit(self.unit_id, self.key, text)

    def _line_finished(self) -> None:
        text = strip_blanks(self.editor.text())  # a lone \x1f is refused, not a clear
        if text != (self.cell.text if self.cell else ""):
            self._emit_value(text or None)

    def show_cell(self, cell: Cell | None) -> None:
        """Show a stored value (None: not entered) without emitting edits."""
        self.cell = cell
        ed = self.editor
        ed.blockSignals(True)
        try:
            if isinstance(ed, QCheckBox):
                ed.setChecked(bool(cell is not None and cell.valid and cell.value))
            elif isinstance(ed, QSpinBox):
                ed.setValue(int(cell.value) if cell is not None and cell.valid else -1)
            elif isinstance(ed, QComboBox):
                i = ed.findData(cell.value) if cell is not None and cell.valid else 0
                ed.setCurrentIndex(max(0, i))
            else:
                ed.setText(cell.text if cell is not None else "")
        finally:
            ed.blockSignals(False)
        invalid = cell is not None and not cell.valid
        if bool(ed.property("invalid")) != invalid:
            ed.setProperty("invalid", invalid)
            ed.style().unpolish(ed)
            ed.style().polish(ed)
        self.error_label.setText(cell.error if invalid else "")
        self.error_label.setVisible(invalid)
        ed.setToolTip(cell.error if invalid else "")
        hint = ""
        if cell is None and self.inp.kind == "boolean":
            hint = self.tr("未填（按“否”计）")
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint) and not invalid)

    def show_unsaved(self, reason: str) -> None:
        """The typed value could not be saved (disk full, read-only): keep it on screen, in red."""
        ed = self.editor
        ed.setProperty("invalid", True)
        ed.style().unpolish(ed)
        ed.style().polish(ed)
        text = self.tr("未保存：{0}").format(reason)
        self.error_label.setText(text)
        self.error_label.setVisible(True)
        ed.setToolTip(text)
        self.hint_label.setVisible(False)

    # -- feeds (rule + current points) ----------------------------------------------------
    def _set_feeds_text(self, points: dict[str, str]) -> None:
        if not self.feeds:
            self.feeds_label.setText(self.tr("不计分，仅作记录"))
            return
        parts = []
        for _kind, key, heading, rule in self.feeds:
            text = self.tr("计入 {0}").format(heading)
            if key in points:
                text += self.tr("　当前 {0} 分").format(points[key])
            if rule and len(self.feeds) == 1:
                text += "：" + (rule if len(rule) <= RULE_CHARS else rule[: RULE_CHARS - 1] + "…")
            parts.append(text)
        self.feeds_label.setText("\n".join(parts))

    def show_points(self, points: dict[str, str]) -> None:
        self._set_feeds_text(points)

    # -- note ------------------------------------------------------------------------------
    def show_note(self, note: str) -> None:
        self.note = note or ""
        if self.note_edit.text() != self.note:
            self.note_edit.setText(self.note)

    def _note_finished(self) -> None:
        text = self.note_edit.text().strip()
        if self.unit_id is not None and text != self.note:
            self.note_edited.emit(self.unit_id, self.key, text)

    # -- evidence --------------------------------------------------------------------------
    def show_files(self, rows: list[EvidenceRow]) -> None:
        self.files.set_rows(rows)
        self.files_view.setVisible(bool(rows))
        self.no_files_label.setVisible(not rows)

    def _remove_current(self) -> None:
        ix = self.files_view.currentIndex()
        if ix.isValid():
            self.remove_requested.emit(self.files.row_at(ix.row()))

    def _files_menu(self, pos) -> None:
        ix = self.files_view.indexAt(pos)
        if not ix.isValid():
            return
        row = self.files.row_at(ix.row())
        menu = QMenu(self)
        menu.addAction(self.tr("打开"), lambda: self.open_requested.emit(row))
        menu.addAction(self.tr("移除（可撤销）"), lambda: self.remove_requested.emit(row))
        menu.exec(self.files_view.viewport().mapToGlobal(pos))

    @staticmethod
    def _local_files(mime) -> list[str]:
        if not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and Path(u.toLocalFile()).is_file()]

    def _set_drop_target(self, on: bool) -> None:
        self.setProperty("dropTarget", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event) -> None:
        if self.unit_id is not None and self._local_files(event.mimeData()):
            event.acceptProposedAction()
            self._set_drop_target(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self.unit_id is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._set_drop_target(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event) -> None:
        self._set_drop_target(False)
        paths = self._local_files(event.mimeData())
        if self.unit_id is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(self.unit_id, self.key, paths)


class AnnualTab(TabPage):
    key = "annual"
    edit_area = "figures"
    catch_up_order = ("load", "states")  # a load computes every state afresh (drops "states")
    evidence_added = Signal(list, list)  # [EvidenceRow] added, [error messages]
    unit_shown = Signal(int)  # unit id shown on the right

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self._ys = None  # YearSchemeRow loaded
        self._scheme: Scheme | None = None
        self._live = None
        self._live_relay: EventBridge | None = None
        self._build = LiveEngineBuild(self, services)  # the live engine, built off the GUI thread
        self._cards_for: int | None = None  # year-scheme id the cards were built for
        self.cards: dict[str, ItemCard] = {}
        self._cells: dict[tuple[int, str], Cell] = {}
        self._missing: dict[int, list[str]] = {}
        self._file_counts: dict[int, int] = {}
        self._notes: dict[str, str] = {}
        self._unit_id: int | None = None
        self.when_shown("load", self._load)  # (hidden at start: loads when first shown)
        self._last_dir = str(Path.home())
        services.rankings  # noqa: B018 - engines must hear values_changed before this tab does
        self._values_relay = EventBridge(services.assessment.values_changed, self)
        self._values_relay.fired.connect(lambda args: self._on_values_changed(*args))
        self._units_relay = EventBridge(services.units.changed, self)
        self._units_relay.fired.connect(lambda _args: self._schedule_load())
        self._evidence_relay = EventBridge(services.evidence.changed, self)
        self._evidence_relay.fired.connect(lambda args: self._on_evidence_changed(*args))
        self.units_model = AnnualUnitsModel(self)
        self.proxy = AnnualUnitsProxy(self)
        self.proxy.setSourceModel(self.units_model)
        self.missing_model = MissingItemsModel(self)
        self._build_ui()

    @property
    def title(self) -> str:
        return self.tr("年度考核")

    # -- layout ----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.setStyleSheet(_CARD_STYLE)
        self.detail_button = QToolButton(self)
        self.detail_button.setText(self.tr("单位明细"))
        self.complete_button = QToolButton(self)
        self.complete_button.setText(self.tr("完成情况"))
        self.complete_button.setToolTip(self.tr("哪些单位还缺哪些年度项目"))
        self.mode_group = QButtonGroup(self)
        for i, b in enumerate((self.detail_button, self.complete_button)):
            b.setCheckable(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setMinimumWidth(80)
            self.mode_group.addButton(b, i)
        self.detail_button.setChecked(True)
        self.mode_group.idClicked.connect(self.set_mode)
        self.scheme_label = QLabel(self)
        self.scheme_label.setObjectName("countsLabel")
        bar = QHBoxLayout()
        bar.setSpacing(4)
        bar.addWidget(self.detail_button)
        bar.addWidget(self.complete_button)
        bar.addSpacing(12)
        bar.addWidget(self.scheme_label, 1)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._build_detail_page())
        self.stack.addWidget(self._build_missing_page())
        self.stack.addWidget(self._build_hint_page())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.bar_widgets = (self.detail_button, self.complete_button)

    def _build_detail_page(self) -> QWidget:
        page = QWidget(self)
        # left: units
        left = QWidget(page)
        self.search_edit = QLineEdit(left)
        self.search_edit.setProperty("searchBox", True)
        self.search_edit.setPlaceholderText(self.tr("搜索编码或名称"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.proxy.set_search)
        self.search_edit.textChanged.connect(lambda _t: self._update_counts())
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: (self.search_edit.setFocus(), self.search_edit.selectAll()))
        self.addAction(find)
        self.kind_combo = QComboBox(left)
        self.kind_combo.addItem(self.tr("全部类型"), None)
        for k in UnitKind:
            self.kind_combo.addItem(k.label, k.value)
        self.kind_combo.currentIndexChanged.connect(
            lambda _i: (self.proxy.set_kind(self.kind_combo.currentData()), self._update_counts()))
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.kind_combo)

        self.table = self.make_row_table(self.proxy, COL_KIND, left)
        header = self.table.horizontalHeader()
        for col, w in UNIT_COLUMN_WIDTHS.items():
            header.resizeSection(col, w)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.counted_layout(left, top, self.table)

        # right: the unit's header and its items
        right = QWidget(page)
        self.unit_label = QLabel(right)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.25)
        big.setBold(True)
        self.unit_label.setFont(big)
        self.figures_label = QLabel(right)
        self.figures_label.setObjectName("figuresLabel")
        self.figures_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unit_missing_label = QLabel(right)
        self.unit_missing_label.setWordWrap(True)
        head = QFrame(right)
        head.setObjectName("unitHeader")
        head.setStyleSheet("QFrame#unitHeader { background: #f3f7fb; border: 1px solid #d6dde5; border-radius: 4px; }")
        hv = QVBoxLayout(head)
        hv.setContentsMargins(10, 6, 10, 6)
        hv.setSpacing(2)
        hv.addWidget(self.unit_label)
        hv.addWidget(self.figures_label)
        hv.addWidget(self.unit_missing_label)

        self.items_widget = QWidget()
        self.items_widget.setObjectName("itemsWidget")
        self.items_layout = QVBoxLayout(self.items_widget)
        self.items_layout.setContentsMargins(0, 0, 0, 0)
        self.items_layout.setSpacing(0)
        self.items_layout.addStretch(1)
        self.scroll = QScrollArea(right)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.items_widget)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_label = QLabel(self.tr("在左侧选择一个单位"), right)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setObjectName("hintLabel")
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(head)
        rv.addWidget(self.scroll, 1)
        rv.addWidget(self.empty_label, 1)
        self.unit_header = head

        self.splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.splitter.setObjectName("unitsItemsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([490, 860])
        self.splitter.setChildrenCollapsible(False)
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 4, 0, 0)
        pl.addWidget(self.splitter)
        return page

    def _build_missing_page(self) -> QWidget:
        page = QWidget(self)
        self.missing_label = QLabel(page)
        f = QFont(self.font())
        f.setBold(True)
        self.missing_label.setFont(f)
        self.missing_table = QTableView(page)
        self.missing_proxy = AnnualUnitsProxy(page)  # only its sort role is used
        self.missing_proxy.setSourceModel(self.missing_model)
        self.missing_table.setModel(self.missing_proxy)
        self.missing_table.setSortingEnabled(True)
        self.missing_table.sortByColumn(MCOL_KIND, Qt.SortOrder.AscendingOrder)
        self.missing_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.missing_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.missing_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.missing_table.setAlternatingRowColors(True)
        self.missing_table.verticalHeader().hide()
        h = self.missing_table.horizontalHeader()
        h.setStretchLastSection(True)
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, w in {MCOL_CODE: 80, MCOL_NAME: 200, MCOL_KIND: 110, MCOL_COUNT: 64}.items():
            h.resizeSection(col, w)
        on_activated(self.missing_table, self._jump_from_missing)
        hint = QLabel(self.tr("双击一行转到该单位。评分类项目（如领导重视）必须评分；填写有误的项目不计分。"), page)
        hint.setObjectName("countsLabel")
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        v.addWidget(self.missing_label)
        v.addWidget(self.missing_table, 1)
        v.addWidget(hint)
        return page

    def _build_hint_page(self) -> QWidget:
        page = QWidget(self)
        self.no_scheme_label = QLabel(page)
        self.no_scheme_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_scheme_label.setWordWrap(True)
        self.assign_button = QPushButton(self.tr("指定考核方案…"), page)
        self.assign_button.clicked.connect(self.open_assign_dialog)
        v = QVBoxLayout(page)
        v.addStretch(1)
        v.addWidget(self.no_scheme_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.assign_button)
        row.addStretch(1)
        v.addLayout(row)
        v.addStretch(2)
        return page

    # -- TabPage ---------------------------------------------------------------------------
    def reload(self) -> None:
        """After a restore: forget the history and re-read everything."""
        self.undo_stack.clear()
        self._cards_for = None
        self._load()

    def set_year(self, year: int) -> None:
        super().set_year(year)
        self._update_hint()

    def set_year_scheme(self, year_scheme) -> None:
        super().set_year_scheme(year_scheme)
        self._schedule_load()

    def shutdown(self) -> None:
        self._values_relay.detach()
        self._units_relay.detach()
        if self._live_relay is not None:
            self._live_relay.detach()

    def _schedule_load(self) -> None:
        self.when_shown("load", self._load)

    def _report(self, message: str) -> None:
        self.show_error(message)

    # -- loading ---------------------------------------------------------------------------
    def _load(self) -> None:
        self.drop_deferred("load")
        self.drop_deferred("states")  # every state is computed afresh
        ys = self.year_scheme
        if self._live_relay is not None:
            self._live_relay.detach()
            self._live_relay = None
        if ys is None:
            self._ys = self._scheme = self._live = None
            self._unit_id = None
            self.units_model.set_units([], {})
            self.missing_model.set_rows([])
            self._update_hint()
            self.stack.setCurrentIndex(2)
            for w in self.bar_widgets:
                w.setVisible(False)
            self.scheme_label.setText("")
            return
        a = self.services.assessment
        try:
            scheme = a.scheme(ys.id)
            units = a.participants(ys.id)
            self._cells = a.scored_annual_cells(ys.id)  # fed items (知识库) as scored
            # the stored rows' versions read with them: an edit names them (seats; absent: no row)
            self._versions: dict[tuple[int, str], int | None] = a.annual_versions(ys.id)
            self._missing = a.missing_annual(ys.id)
            self._load_file_counts(ys.id)
            live = self.services.rankings.cached(ys.id)
            if live is None and self.build_in_background:
                self._build_live(ys)
                return
            live = live or self.services.rankings.live(ys.id)
        except ServiceError as e:
            self.show_error(str(e))
            return
        self._ys, self._scheme, self._live = ys, scheme, live
        self._live_relay = EventBridge(live.changed, self)
        self._live_relay.fired.connect(lambda args: self._on_live_changed(*args))
        if self._cards_for != ys.id:
            self._build_cards(scheme)
            self._cards_for = ys.id
        for w in self.bar_widgets:
            w.setVisible(True)
        self.stack.setCurrentIndex(1 if self.complete_button.isChecked() else 0)
        n_items = len(scheme.annual_inputs)
        self.scheme_label.setText(self.tr("{0} 年 · {1} · 年度项目 {2} 项").format(ys.year, scheme.title, n_items))
        keep = self._unit_id
        result = live.result()
        self.units_model.set_units(units, {u.id: self._state_of(u, result) for u in units})
        self._refresh_missing_model()
        self._update_counts()
        self._unit_id = None
        if keep is None or not self.select_unit(keep):
            self._select_first()
        if self._unit_id is None:
            self._show_unit(None)

    #: The live engine (each unit's status and score) is built in a worker thread when it is not
    #: there yet, showing 正在计算…; the tab loads when it is installed.
    build_in_background = True

    def _build_live(self, ys) -> None:
        self._ys = self._live = None
        for w in self.bar_widgets:
            w.setVisible(False)
        self.no_scheme_label.setText(self.tr("正在计算…"))
        self.assign_button.setVisible(False)
        self.stack.setCurrentIndex(2)

        def built() -> None:
            self.assign_button.setVisible(True)
            current = self.year_scheme
            if current is not None and current.id == ys.id:
                self._schedule_load()

        def failed(e: BaseException) -> None:
            self.assign_button.setVisible(True)
            self.show_error(str(e) if isinstance(e, ServiceError) else self.tr("计算失败：{0}").format(e))

        self._build.start(ys.id, built, failed)

    @property
    def building(self) -> bool:
        """Whether the live engine is being built (正在计算… shown)."""
        return self._build.running

    def _load_file_counts(self, ys_id: int) -> None:
        per_unit: dict[int, int] = defaultdict(int)
        self._key_file_counts = self.services.evidence.counts(ys_id)
        for (uid, _key), n in self._key_file_counts.items():
            per_unit[uid] += n
        self._file_counts = dict(per_unit)

    def _build_cards(self, scheme: Scheme) -> None:
        for card in self.cards.values():
            card.setParent(None)
            card.deleteLater()
        self.cards = {}
        for i, inp in enumerate(scheme.annual_inputs):
            card = ItemCard(inp, item_feeds(scheme, inp.key), self.items_widget)
            card.value_edited.connect(self.commit_value)
            card.note_edited.connect(self.commit_note)
            card.files_dropped.connect(self.add_files)
            card.add_files_clicked.connect(self.choose_files)
            card.open_requested.connect(self.open_evidence)
            card.remove_requested.connect(self.remove_evidence)
            self.items_layout.insertWidget(i, card)
            self.cards[inp.key] = card

    def _update_hint(self) -> None:
        year = self.year if self.year is not None else ""
        self.no_scheme_label.setText(self.tr(
            "{0} 年尚未指定考核方案，还没有年度考核项目。\n请先为本年度指定考核方案（方案定义将随年度冻结）。"
        ).format(year))

    def open_assign_dialog(self) -> None:
        selector = getattr(self.window(), "scheme_selector", None)
        if selector is None:
            self.show_error(self.tr("请在主窗口工具栏中为本年度指定考核方案"))
            return
        selector.assign_dialog()

    # -- completeness ----------------------------------------------------------------------
    def _state_of(self, unit, result, by_label: dict[str, str] | None = None) -> UnitState:
        scheme = self._scheme
        if by_label is None:
            by_label = {i.label: i.key for i in scheme.annual_inputs}
        miss_keys = [by_label.get(lbl, lbl) for lbl in self._missing.get(unit.id, [])]
        entered = {inp.key: cell.valid for inp in scheme.annual_inputs
                   if (cell := self._cells.get((unit.id, inp.key))) is not None}
        res = result.units.get(unit.code) if result is not None else None
        return annual_status(scheme, entered, miss_keys, res, self._file_counts.get(unit.id, 0))

    def _refresh_states(self, unit_ids) -> None:
        if self._live is None:
            return
        result = self._live.result()
        by_label = {i.label: i.key for i in self._scheme.annual_inputs}
        states = {}
        for uid in unit_ids:
            u = self.units_model.unit(uid)
            if u is not None:
                states[uid] = self._state_of(u, result, by_label)
        if self.units_model.update_states(states):
            self._refresh_missing_model()
            self._update_counts()

    def _refresh_missing_model(self) -> None:
        rows = []
        for u in self.units_model.units:
            st = self.units_model.state(u.id)
            if st.missing:
                rows.append((u, st.missing))
        self.missing_model.set_rows(rows)
        n = len(rows)
        partial = sum(1 for u in self.units_model.units
                      if (st := self.units_model.state(u.id)).incomplete_result and not st.missing)
        text = self.tr("{0} 个单位尚缺年度项目").format(n) if n else self.tr("所有单位的必填年度项目均已填写")
        if partial:
            text += self.tr("；另有 {0} 个单位数据不全、暂不排名（见“完成情况”一栏）").format(partial)
        self.missing_label.setText(text)
        self.complete_button.setText(self.tr("完成情况（{0}）").format(n) if n else self.tr("完成情况 ✓"))

    def missing_count(self) -> int:
        return self.missing_model.rowCount()

    def _update_counts(self) -> None:
        total = self.units_model.rowCount()
        shown = self.proxy.rowCount()
        lacking = self.missing_model.rowCount()
        text = self.tr("共 {0} 个单位 · 尚缺年度项目 {1} 个").format(total, lacking)
        if shown != total:
            text += self.tr("　当前显示 {0} 个").format(shown)
        self.counts_label.setText(text)

    def set_mode(self, mode: int) -> None:
        """0: unit detail, 1: completeness list."""
        if self._ys is None:
            return
        (self.detail_button if mode == 0 else self.complete_button).setChecked(True)
        self.stack.setCurrentIndex(mode)

    def _jump_from_missing(self, index) -> None:
        u = self.missing_proxy.data(index, ROW_ROLE)
        if u is None:
            return
        self.search_edit.clear()
        self.kind_combo.setCurrentIndex(0)
        self.set_mode(0)
        self.select_unit(u.id)

    # -- selection -------------------------------------------------------------------------
    def select_unit(self, unit_id: int) -> bool:
        row = self.proxy.proxy_row_of(unit_id)
        if row < 0:
            return False
        ix = self.proxy.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            ix, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(ix)
        if self._unit_id != unit_id:
            self._show_unit(unit_id)
        return True

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            u = self.proxy.unit_at(self.proxy.index(0, 0))
            if u is not None:
                self.select_unit(u.id)

    def selected_unit_id(self) -> int | None:
        return self._unit_id

    def _on_current_row(self, current, _previous) -> None:
        u = self.proxy.unit_at(current)
        if u is not None and u.id != self._unit_id:
            self._show_unit(u.id)

    def _show_unit(self, unit_id: int | None) -> None:
        self._unit_id = unit_id
        has = unit_id is not None and self._ys is not None
        self.scroll.setVisible(has)
        self.unit_header.setVisible(has)
        self.empty_label.setVisible(not has)
        if not has:
            for card in self.cards.values():
                card.unit_id = None
            return
        ys_id = self._ys.id
        try:
            self._notes = self.services.assessment.annual_notes(ys_id, unit_id)
            files: dict[str, list[EvidenceRow]] = defaultdict(list)
            for r in self.services.evidence.list(ys_id, unit_id):
                files[r.key].append(r)
        except ServiceError as e:
            self.show_error(str(e))
            return
        n_files = sum(len(v) for v in files.values())
        if self._file_counts.get(unit_id, 0) != n_files:  # files added elsewhere (e.g. another tool)
            self._file_counts[unit_id] = n_files
            self._refresh_states({unit_id})
        for key, card in self.cards.items():
            card.unit_id = unit_id
            card.show_cell(self._cells.get((unit_id, key)))
            card.show_note(self._notes.get(key, ""))
            card.show_files(files.get(key, []))
        show_fed(self, unit_id)
        self._update_header()
        self.scroll.verticalScrollBar().setValue(0)
        self.unit_shown.emit(unit_id)

    def _update_header(self) -> None:
        uid = self._unit_id
        u = self.units_model.unit(uid) if uid is not None else None
        if u is None or self._live is None:
            return
        scheme = self._scheme
        self.unit_label.setText(self.tr("{0}　{1} · {2}").format(u.name, u.code, u.kind.label))
        result = self._live.result()
        res = result.units.get(u.code)
        self.figures_label.setText(self.figures_text(scheme, result, res))
        st = self.units_model.state(uid)
        files = self._file_counts.get(uid, 0)
        base = self.tr("已填 {0}/{1} 项 · 证明材料 {2} 份").format(st.filled, st.total, files)
        color = {"bad": "#c62828", "warn": "#b26a00"}.get(st.level, "#2e7d32")
        self.unit_missing_label.setText(f"<span style='color:{color}'>{html.escape(st.long_text())}</span>　{base}")
        points: dict[str, str] = {}
        if res is not None:
            for k, v in res.indicators.items():
                points[k] = fmt2(v, trim=False)
            if res.annual_bonus is not None:
                points["bonus"] = fmt2(res.annual_bonus, trim=False)
            if res.annual_penalty is not None:
                points["penalty"] = fmt2(res.annual_penalty, trim=False)
        for card in self.cards.values():
            card.show_points(points)

    def figures_text(self, scheme: Scheme, result, res) -> str:
        if res is None:
            return self.tr("该单位不参加本方案的排名")
        parts = []
        dash = "—"
        if scheme.has_annual_basic and scheme.annual_score is not None:
            parts.append(self.tr("{0} <b>{1}</b> 分").format(
                scheme.annual_score.label, fmt2(res.annual_score, trim=False) if res.annual_score is not None else dash))
        parts.append(self.tr("{0} <b>{1}</b>").format(
            scheme.total.label, fmt2(res.total, trim=False) if res.total is not None else dash))
        if res.rank is not None:
            n = len(result.group_units(res.group))
            group = scheme.group(res.group).label if len(scheme.groups) > 1 else ""
            parts.append(self.tr("{0}排名 <b>{1}</b> / {2}").format(group, res.rank_text, n))
        elif res.status == "unranked":
            parts.append(self.tr("不参与排名"))
        else:
            parts.append(self.tr("暂不排名（数据不全）"))
        if res.veto:
            veto = next((v.label for v in scheme.vetoes if v.key == res.veto), res.veto)
            parts.append(self.tr("<span style='color:#c62828'>否决：{0}</span>").format(veto))
        return "　·　".join(parts)

    # -- events from the services -----------------------------------------------------------
    def _on_values_changed(self, ys_id: int, changes) -> None:
        if self._ys is None or ys_id != self._ys.id:
            return
        annual = [c for c in changes if c.month is None]
        if not annual:
            return
        versions = getattr(self, "_versions", {})
        for c in annual:
            if c.new is None:
                self._cells.pop((c.unit_id, c.key), None)
            else:
                self._cells[(c.unit_id, c.key)] = c.new
            if c.version is not None:
                versions[(c.unit_id, c.key)] = c.version
            else:
                versions[(c.unit_id, c.key)] = None  # changed by a path that did not say: unchecked
        # Only required items (manual scores) can be missing; schemes without any skip the query.
        if any(i.required or i.kind == "manual" for i in self._scheme.annual_inputs):
            try:
                self._missing = self.services.assessment.missing_annual(ys_id)
            except ServiceError:
                pass
        self._refresh_states({c.unit_id for c in annual})
        if self._unit_id in {c.unit_id for c in annual}:
            show_fed(self, self._unit_id)
        if self._unit_id is not None:
            for c in annual:
                card = self.cards.get(c.key)
                if c.unit_id == self._unit_id and card is not None:
                    card.show_cell(c.new)
            self._update_header()

    def _on_live_changed(self, codes) -> None:
        if self._live is None:
            return
        ids = {self._live.id_of[c] for c in codes if c in self._live.id_of}
        # hidden (a figure typed in 月度数据 moves ranks of hundreds of units; a few ms per hundred
        # states): refreshed once when shown, not on every edit elsewhere
        if not self.gather_when_shown("states", ids, self._states_changed):
            self._states_changed(ids)

    def _states_changed(self, ids) -> None:
        self._refresh_states(ids)
        self._update_header()

    # -- edits -------------------------------------------------------------------------------
    def _label(self, unit_id: int, key: str) -> str:
        u = self.units_model.unit(unit_id)
        inp = self._scheme.input(key)
        return f"{u.name if u else unit_id}·{inp.label}"

    def commit_value(self, unit_id: int, key: str, text) -> None:
        """An item edited in the form: commit at once, then push the undo step."""
        if self._ys is None:
            return
        if self.role_refusal:  # (the server refuses it too)
            self._report(self.role_refusal)
            card = self.cards.get(key)
            if card is not None and card.unit_id == unit_id:
                card.show_cell(self._cells.get((unit_id, key)))
            return
        ys_id = self._ys.id
        old = self._cells.get((unit_id, key))
        old_typed = typed_text(self, unit_id, key, old)  # a fed item not overridden: undo clears it
        version = getattr(self, "_versions", {}).get((unit_id, key), 0)
        try:
            changes = self.services.assessment.set_values(ys_id, [CellEdit(unit_id, None, key, text, version)])
        except ConflictError as e:  # another seat changed the item: show what is stored now, then say so
            self._load()  # (the undo history stays)
            self._report(str(e))
            return
        except StoreWriteError as e:
            # Not saved (disk full, read-only): what was typed stays in the form, marked red.
            card = self.cards.get(key)
            if card is not None and card.unit_id == unit_id:
                card.show_unsaved(str(e))
            self._report(self.tr("输入的内容没有保存，仍显示在表单中（红色），可稍后重新输入：\n{0}").format(e))
            return
        except ServiceError as e:
            self._report(str(e))
            card = self.cards.get(key)
            if card is not None and card.unit_id == unit_id:
                card.show_cell(old)
            return
        if not changes:
            card = self.cards.get(key)
            if card is not None and card.unit_id == unit_id:
                card.show_cell(old)  # e.g. "4.50" typed over 4.5: show the stored text again
            return
        new = changes[0].new
        none = self.tr("未填")
        inp = self._scheme.input(key)
        label = self.tr("{0}：{1} → {2}").format(
            self._label(unit_id, key), old.text if old else none, new.text if new else none)
        self.undo_stack.push(SetAnnualValueCommand(
            self.services, ys_id, unit_id, key, old_typed, new.text if new and text is not None else None, label,
            mergeable=inp.kind == "count", on_error=self._report))
        if new is not None and not new.valid:
            self.show_status(self.tr("{0}：{1}（已保存，改正前不计分）").format(self._label(unit_id, key), new.error))
        else:
            self.show_status(self.tr("已保存 {0}").format(label))

    def commit_note(self, unit_id: int, key: str, note: str) -> None:
        if self._ys is None:
            return
        ys_id = self._ys.id
        try:
            old = self.services.assessment.annual_notes(ys_id, unit_id).get(key, "")
            if old == note:
                return
            self.services.assessment.set_note(ys_id, unit_id, key, note)
        except ServiceError as e:
            self._report(str(e))
            return
        self.refresh_note(unit_id, key)
        self.undo_stack.push(SetNoteCommand(
            self.services, ys_id, unit_id, key, old, note, self.tr("备注 {0}").format(self._label(unit_id, key)),
            self.refresh_note, self._report))
        self.show_status(self.tr("已保存备注：{0}").format(self._label(unit_id, key)))

    def refresh_note(self, unit_id: int, key: str) -> None:
        if self._ys is None or unit_id != self._unit_id:
            return
        self._notes = self.services.assessment.annual_notes(self._ys.id, unit_id)
        card = self.cards.get(key)
        if card is not None:
            card.show_note(self._notes.get(key, ""))

    # -- evidence ----------------------------------------------------------------------------
    def choose_files(self, unit_id: int, key: str) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("添加证明材料：{0}").format(self._label(unit_id, key)), self._last_dir, self.tr(EVIDENCE_FILTER))
        if paths:
            self._last_dir = str(Path(paths[0]).parent)
            self.add_files(unit_id, key, paths)

    def add_files(self, unit_id: int, key: str, paths: list) -> None:
        """Copy files into the evidence store off the GUI thread; one undo step for the batch."""
        if self._ys is None or not paths:
            return
        if self.role_refusal:  # (the server refuses it too)
            self.show_error(self.role_refusal)
            return
        from hotline_desktop.gui.workers import run_in_background

        ys_id = self._ys.id
        ev = self.services.evidence
        paths = [str(p) for p in paths]

        def work():
            added, errors = [], []
            for p in paths:
                try:
                    added.append(ev.add(ys_id, unit_id, key, p))
                except ServiceError as e:
                    errors.append(str(e))
                except OSError as e:
                    errors.append(self.tr("无法复制“{0}”：{1}").format(Path(p).name, e.strerror or e))
            return added, errors

        def done(res):
            added, errors = res
            if added:
                names = "、".join(r.name for r in added)
                self.undo_stack.push(AddEvidenceCommand(
                    self.services, added, self.tr("添加材料 {0}：{1}").format(self._label(unit_id, key), names),
                    self.refresh_files, self._report))
                self.refresh_files(unit_id, key)
                self.show_status(self.tr("已添加 {0} 份证明材料到 {1}").format(len(added), self._label(unit_id, key)))
            if errors:
                self.show_error("\n".join(errors), self.tr("部分材料未添加") if added else self.tr("材料未添加"))
            self.evidence_added.emit(added, errors)

        def failed(e):
            self.show_error(self.tr("添加证明材料失败：{0}").format(e))
            self.evidence_added.emit([], [str(e)])

        run_in_background(self.window(), self.tr("正在复制证明材料…"), work, done, failed)

    def _on_evidence_changed(self, touched) -> None:
        """Another seat added or removed evidence files: re-list the touched items."""
        if self._ys is None:
            return
        mine = [(u, k) for ys, u, k in touched if ys in (None, self._ys.id)]
        if not mine:
            return
        if any(u is None or k is None for u, k in mine):
            self._schedule_load()  # only the scope was sent: re-read the year's files
            return
        for unit_id, key in mine:
            self.refresh_files(unit_id, key)

    def refresh_files(self, unit_id: int, key: str) -> None:
        if self._ys is None:
            return
        self._load_file_counts(self._ys.id)
        self._refresh_states({unit_id})
        if unit_id == self._unit_id:
            card = self.cards.get(key)
            if card is not None:
                card.show_files(self.services.evidence.list(self._ys.id, unit_id, key))
            self._update_header()

    def open_evidence(self, row: EvidenceRow) -> None:
        ev = self.services.evidence

        def show(path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                self.show_error(self.tr("没有可以打开“{0}”的程序").format(row.name))

        if row.size <= VIEW_INLINE_BYTES:
            try:
                path = ev.path_for_viewing(row.id)
            except (ServiceError, OSError) as e:
                self.show_error(str(e))
                return
            show(path)
            return
        from hotline_desktop.gui.workers import run_in_background

        run_in_background(self.window(), self.tr("正在打开“{0}”…").format(row.name),
                          lambda: ev.path_for_viewing(row.id), show, lambda e: self.show_error(str(e)))

    def remove_evidence(self, row: EvidenceRow) -> None:
        if self.role_refusal:
            self.show_error(self.role_refusal)
            return
        try:
            trashed = self.services.evidence.remove(row.id)
        except (ServiceError, OSError) as e:
            self.show_error(self.tr("无法移除“{0}”：{1}").format(row.name, e))
            return
        self.undo_stack.push(RemoveEvidenceCommand(
            self.services, row, trashed, self.tr("移除材料 {0}：{1}").format(self._label(row.unit_id, row.key), row.name),
            self.refresh_files, self._report))
        self.refresh_files(row.unit_id, row.key)
        self.show_status((self.tr("已移除“{0}”（已移到回收站，可撤销）") if trashed is not None
                          else self.tr("已移除“{0}”（可撤销）")).format(row.name))

