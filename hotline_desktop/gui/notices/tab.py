"""督办通知 tab: the register of supervision notices — issue, edit, 办结, 延期, 作废, 催办通知,
preview / print / save the seed's 附件3 form as PDF, export the register to Excel.

Every action goes model → service (committed, audited) → undo command; the register follows
NoticeService.changed, so an undo, the CLI's effect after a reload, or a calendar edit that moves a
due date all show up the same way. The title counts the overdue notices and follows them live.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.notices import Channel, ExtensionState, Level, NoticeRow, NoticeStatus
from hotline_desktop.core.text import file_name_part
from hotline_desktop.core.workdays import years_note
from hotline_desktop.gui.bridge import EventBridge
from hotline_desktop.gui.notices.commands import IssueNoticeCommand, NoticeSnapshotCommand
from hotline_desktop.gui.notices.dialogs import CompleteDialog, ExtensionDialog, NoticeDialog, VoidDialog
from hotline_desktop.gui.notices.models import (
    ASSUMED_MARK,
    COL_CHANNEL,
    COL_COMPLETED,
    COL_CONTENT,
    COL_DEADLINE,
    COL_DUE,
    COL_ISSUED,
    COL_LEVEL,
    COL_NUMBER,
    COL_RESULT,
    COL_STATUS,
    COL_STEP,
    COL_UNIT,
    NoticesTableModel,
    filter_active,
    needle_of,
)
from hotline_desktop.gui.tab_base import TabPage
from hotline_desktop.services.errors import ConflictError, ServiceError
from hotline_desktop.services.notices import NoticeChange, NoticeFilter

COLUMN_WIDTHS = {
    COL_NUMBER: 104, COL_UNIT: 130, COL_CHANNEL: 72, COL_LEVEL: 62, COL_ISSUED: 102, COL_DEADLINE: 70,
    COL_DUE: 204, COL_STATUS: 128, COL_STEP: 62, COL_COMPLETED: 102, COL_RESULT: 120, COL_CONTENT: 260,
}
DAY_CHECK_MS = 60_000  # statuses are as of today: look for a new day once a minute


class NoticesTab(TabPage):
    key = "notices"
    edit_area = "notices"

    def edit_actions(self) -> list:
        return [self.new_action, self.edit_action, self.complete_action, self.extend_action, self.void_action]
    title_changed = Signal(str)
    pdf_ready = Signal(object)  # Path of a written PDF (save / print / preview)
    export_finished = Signal(object)  # Path
    task_failed = Signal(str)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self._last_dir: Path | None = None
        self._tmpdir: tempfile.TemporaryDirectory | None = None
        self._dialog = None
        self._title = ""
        self._units_stale = False
        self._today = services.notices.today()
        self.model = NoticesTableModel(self)
        self._build_ui()
        self.model.sort(COL_NUMBER, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSortIndicator(COL_NUMBER, Qt.SortOrder.DescendingOrder)
        self._bridges = [EventBridge(services.notices.changed, self)]
        self._bridges[0].fired.connect(lambda args: self._on_notices_changed(*args))
        for event in self._context_events():
            b = EventBridge(event, self)
            b.fired.connect(lambda _args: self.restatus())
            self._bridges.append(b)
        units = EventBridge(services.units.changed, self)
        units.fired.connect(lambda _args: self._units_changed())
        self._bridges.append(units)
        for sig in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged,
                    self.model.layoutChanged):
            sig.connect(self._update_counts)
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._day_timer.timeout.connect(self._check_day)
        self._day_timer.start()
        self.reload()

    def _context_events(self):
        """Events that change statuses, escalation or notes without changing a notice."""
        out = []
        for name in ("calendar", "settings"):
            svc = getattr(self.services, name, None)
            ev = getattr(svc, "changed", None) if svc is not None else None
            if ev is not None:
                out.append(ev)
        return out

    @property
    def title(self) -> str:
        n = self.model.overdue_count()
        return self.tr("督办通知（逾期 {0}）").format(n) if n else self.tr("督办通知")

    # -- layout --------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.new_action = self.make_action(self.tr("新建(&N)…"), self.tr("下达新的督办通知（Ctrl+N）"), self.open_new_dialog,
                                       QKeySequence.StandardKey.New)
        self.edit_action = self.make_action(self.tr("编辑(&E)…"), self.tr("修改所选通知（双击行或按回车）"),
                                        self.open_edit_dialog)
        self.complete_action = self.make_action(self.tr("办结…"), self.tr("记录办理结果和办结日期"), self.open_complete_dialog)
        self.extend_action = self.make_action(self.tr("延期…"), self.tr("记录承办单位的延期申请并审批（原办结时限保留显示）"),
                                          self.open_extension_dialog)
        self.void_action = self.make_action(self.tr("作废…"), self.tr("作废所选通知（编号保留，不再使用）"), self.open_void_dialog)
        self.remind_action = self.make_action(self.tr("催办通知…"), self.tr("为逾期未办结的通知打印催办通知（引用原编号和办结时限）"),
                                          self.preview_reminder)
        self.preview_action = self.make_action(self.tr("预览…"), self.tr("预览所选通知的打印稿（附件3 督办通知单）"),
                                           self.preview_selected)
        self.print_action = self.make_action(self.tr("打印…"), self.tr("通过系统打印对话框打印所选通知"), self.print_selected,
                                         QKeySequence.StandardKey.Print)
        self.pdf_action = self.make_action(self.tr("保存 PDF…"), self.tr("把所选通知保存为一个 PDF 文件"), self.save_pdf_dialog)
        self.export_action = self.make_action(self.tr("导出 Excel…"), self.tr("把督办通知登记表导出为 Excel（A4 横向，一页宽）"),
                                          self.export_dialog)

        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.add_action_buttons(bar, (
            self.new_action, self.edit_action, self.complete_action, self.extend_action, self.void_action, None,
            self.remind_action, None, self.preview_action, self.print_action, self.pdf_action, None,
            self.export_action))
        bar.addStretch(1)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.year_combo = QComboBox(self)
        self.year_combo.setToolTip(self.tr("按下达年度筛选"))
        self.month_combo = QComboBox(self)
        self.month_combo.addItem(self.tr("全年"), None)
        for m in range(1, 13):
            self.month_combo.addItem(self.tr("{0}月").format(m), m)
        self.month_combo.setToolTip(self.tr("按下达月份筛选"))
        self.status_combo = QComboBox(self)
        self.status_combo.addItem(self.tr("全部状态"), None)
        for s in NoticeStatus:
            self.status_combo.addItem(s.label, s.value)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setEditable(True)
        self.unit_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_combo.setMinimumContentsLength(10)
        self.unit_combo.setToolTip(self.tr("按承办单位筛选（可输入名称或编码）"))
        self.channel_combo = QComboBox(self)
        self.channel_combo.addItem(self.tr("全部渠道"), None)
        for c in Channel:
            self.channel_combo.addItem(c.label, c.value)
        self.level_combo = QComboBox(self)
        self.level_combo.addItem(self.tr("全部方式"), None)
        for lv in Level:
            self.level_combo.addItem(lv.label, lv.value)
        self.search_edit = self.make_search_box(self.tr("搜索编号、单位、内容或工单号"), self._on_search, 200)
        self.clear_filter_button = QToolButton(self)
        self.clear_filter_button.setText(self.tr("清除筛选"))
        self.clear_filter_button.clicked.connect(self.clear_filters)
        for w in (self.year_combo, self.month_combo, self.status_combo, self.unit_combo, self.channel_combo,
                  self.level_combo):
            filters.addWidget(w)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.clear_filter_button)
        self.year_combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        for combo in (self.month_combo, self.status_combo, self.channel_combo, self.level_combo):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.unit_combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.unit_combo.lineEdit().editingFinished.connect(self._unit_typed)

        self.table = self.make_row_table(self.model, COL_NUMBER)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, w in COLUMN_WIDTHS.items():
            header.resizeSection(col, w)
        self.table.doubleClicked.connect(lambda _ix: self.open_edit_dialog())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        enter = QAction(self)
        enter.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        enter.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        enter.triggered.connect(lambda: self.open_edit_dialog())
        self.table.addAction(enter)

        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("countsLabel")
        self.legend_label = QLabel(self)
        self.legend_label.setStyleSheet("color: #7d8791;")
        foot = QHBoxLayout()
        foot.addWidget(self.counts_label, 1)
        foot.addWidget(self.legend_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(foot)

    def _context_menu(self, pos) -> None:
        if not self.selected_views():
            return
        menu = QMenu(self)
        for a in (self.edit_action, self.complete_action, self.extend_action, self.void_action, None,
                  self.remind_action, None, self.preview_action, self.print_action, self.pdf_action):
            if a is None:
                menu.addSeparator()
            else:
                menu.addAction(a)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- TabPage -------------------------------------------------------------------------
    def reload(self, keep_undo: bool = False) -> None:
        """Re-read every notice (after a restore, or a unit renamed)."""
        if not keep_undo:
            self.undo_stack.clear()
        svc = self.services.notices
        self._today = svc.today()
        selected = [v.row.id for v in self.selected_views()]
        self.model.set_views(svc.views(svc.rows()))
        self._fill_years()
        self._fill_units()
        for nid in selected:
            self.select_notice(nid, add=True)
        self._update_counts()
        self._update_actions()

    def _units_changed(self) -> None:
        """A unit renamed: its notices show the new name (now when shown, else when next shown)."""
        if self.isVisible():
            self.reload(keep_undo=True)
        else:
            self._units_stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._units_stale:
            self._units_stale = False
            self.reload(keep_undo=True)

    def set_year(self, year: int) -> None:
        super().set_year(year)
        if hasattr(self, "year_combo"):
            self._fill_years(select=year)

    def export_actions(self) -> list[QAction]:
        a = QAction(self.tr("督办通知登记表…"), self)
        a.triggered.connect(self.export_dialog)
        return [a]

    def shutdown(self) -> None:
        self._day_timer.stop()
        for b in self._bridges:
            b.detach()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    # -- filters ---------------------------------------------------------------------------
    def _fill_years(self, select: int | None = None) -> None:
        combo = self.year_combo
        want = select if select is not None else combo.currentData()
        if want is None and combo.count() == 0:
            want = self.year
        years = set(self.model.years())
        if self.year is not None:
            years.add(self.year)
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("全部年度"), None)
        for y in sorted(years, reverse=True):
            combo.addItem(self.tr("{0} 年").format(y), y)
        i = combo.findData(want) if want is not None else 0
        combo.setCurrentIndex(max(0, i))
        combo.blockSignals(False)
        self._filters_changed()

    def _fill_units(self) -> None:
        combo = self.unit_combo
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("全部单位"), None)
        for uid, code, name in self.model.unit_choices():
            combo.addItem(f"{name}（{code}）", uid)
        i = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(0, i))
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.blockSignals(False)

    def _unit_typed(self) -> None:
        combo = self.unit_combo
        text = combo.currentText().strip()
        if not text:
            combo.setCurrentIndex(0)
            return
        i = combo.findText(text, Qt.MatchFlag.MatchContains)
        combo.setCurrentIndex(i if i >= 0 else 0)

    def _filters_changed(self) -> None:
        year = self.year_combo.currentData()
        self.month_combo.setEnabled(year is not None)
        st = self.status_combo.currentData()
        ch = self.channel_combo.currentData()
        lv = self.level_combo.currentData()
        month = self.month_combo.currentData() if year is not None else None
        f = NoticeFilter(
            year=year,
            month=f"{year:04d}-{month:02d}" if month else None,
            status=NoticeStatus(st) if st else None,
            unit_id=self.unit_combo.currentData(),
            channel=Channel(ch) if ch else None,
            level=Level(lv) if lv else None,
            search=self.model.register_filter.search,
        )
        self.apply_filter(f)
        self.clear_filter_button.setEnabled(filter_active(f))
        self._update_counts()
        self._update_actions()

    def set_filters(self, *, year: int | None | str = "keep", month: int | None = None,
                    status: NoticeStatus | None = None, unit_id: int | None = None, channel: Channel | None = None,
                    level: Level | None = None) -> None:
        """Set the filter boxes (tests, the CLI's words): year "keep" leaves the year box."""
        for combo in (self.month_combo, self.status_combo, self.unit_combo, self.channel_combo, self.level_combo,
                      self.year_combo):
            combo.blockSignals(True)
        try:
            if year != "keep":
                self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(year)) if year is not None else 0)
            self.month_combo.setCurrentIndex(max(0, self.month_combo.findData(month)) if month else 0)
            self.status_combo.setCurrentIndex(
                max(0, self.status_combo.findData(NoticeStatus(status).value)) if status else 0)
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(unit_id)) if unit_id is not None else 0)
            self.channel_combo.setCurrentIndex(
                max(0, self.channel_combo.findData(Channel(channel).value)) if channel else 0)
            self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(Level(level).value)) if level else 0)
        finally:
            for combo in (self.month_combo, self.status_combo, self.unit_combo, self.channel_combo, self.level_combo,
                          self.year_combo):
                combo.blockSignals(False)
        self._filters_changed()

    def clear_filters(self) -> None:
        self.search_edit.clear()
        self.set_filters(year=self.year_combo.currentData())

    def apply_filter(self, f: NoticeFilter) -> None:
        """Show what `f` accepts; the selected notices stay selected when still shown."""
        keep = [v.row.id for v in self.selected_views()]
        cur = self.model.view_at(self.table.currentIndex())
        if self.model.set_filter(f) and keep:
            for nid in keep:
                self.select_notice(nid, add=True, scroll=False)
            if cur is not None and self.model.row_of(cur.row.id) >= 0:
                self.table.scrollTo(self.model.index(self.model.row_of(cur.row.id), 0))

    def _on_search(self, text: str) -> None:
        self.apply_filter(replace(self.model.register_filter, search=needle_of(text)))
        self.clear_filter_button.setEnabled(filter_active(self.model.register_filter))
        self._update_counts()

    # -- state -----------------------------------------------------------------------------
    def selected_views(self) -> list:
        sm = self.table.selectionModel()
        rows = sorted(sm.selectedRows(), key=lambda ix: ix.row())
        return [v for v in (self.model.view_at(ix) for ix in rows) if v is not None]

    def selected_view(self):
        views = self.selected_views()
        return views[0] if len(views) == 1 else None

    def select_notice(self, notice_id: int, *, add: bool = False, scroll: bool = True) -> bool:
        row = self.model.row_of(notice_id)
        if row < 0:
            return False
        ix = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select if add else QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.selectionModel().setCurrentIndex(ix, flags)
        if scroll:
            self.table.scrollTo(ix)
        return True

    def select_all(self) -> None:
        self.table.selectAll()

    def counts_text(self) -> str:
        c = self.model.counts()
        total = self.model.total
        parts = [self.tr("共 {0} 份").format(total)]
        for s in (NoticeStatus.OVERDUE, NoticeStatus.DUE_SOON, NoticeStatus.ISSUED, NoticeStatus.DONE_ON_TIME,
                  NoticeStatus.DONE_LATE, NoticeStatus.VOIDED):
            if c.get(s):
                parts.append(f"{s.label} {c[s]}")
        text = " · ".join(parts)
        shown = self.model.rowCount()
        if shown != total:
            text += self.tr("　　当前显示 {0} 份").format(shown)
        return text

    def _update_counts(self, *_args) -> None:
        self.counts_label.setText(self.counts_text())
        note = years_note(y for v in self.model.views for y in v.assumed)
        self.legend_label.setText(ASSUMED_MARK + note if note else "")
        title = self.title
        if title != self._title:
            self._title = title
            self.title_changed.emit(title)

    def _update_actions(self) -> None:
        views = self.selected_views()
        one = views[0] if len(views) == 1 else None
        live = one is not None and not one.row.voided
        self.edit_action.setEnabled(live)
        self.complete_action.setEnabled(live)
        self.extend_action.setEnabled(live and one.row.completed is None)
        self.void_action.setEnabled(live)
        self.remind_action.setEnabled(bool(views) and all(v.status is NoticeStatus.OVERDUE for v in views))
        for a in (self.preview_action, self.print_action, self.pdf_action):
            a.setEnabled(bool(views))
        self.export_action.setEnabled(self.model.total > 0)

    def _check_day(self) -> None:
        if self.services.notices.today() != self._today:
            self.services.feeds.refresh()  # notices whose due date just passed start counting (E2a)
            self.restatus()

    def restatus(self) -> int:
        """Statuses as of today again (a new day, a calendar or settings edit)."""
        svc = self.services.notices
        self._today = svc.today()
        cal = svc.calendar()
        today = self._today
        n = self.model.restatus(lambda r: svc.view(r, today, cal))
        self._update_counts()
        self._update_actions()
        return n

    def _on_notices_changed(self, changes) -> None:
        svc = self.services.notices
        cal = svc.calendar()
        gone = [c.old.id for c in changes if c.new is None and c.old is not None]
        views = [svc.view(c.new, self._today, cal) for c in changes if c.new is not None]
        if gone:
            self.model.remove_ids(gone)
        if views:
            known_units = {uid for uid, _c, _n in self.model.unit_choices()}
            years = set(self.model.years())
            self.model.upsert(views)
            if any(v.row.issued.year not in years for v in views):
                self._fill_years()
            if any(v.row.unit_id not in known_units for v in views):
                self._fill_units()
        self._update_counts()
        self._update_actions()

    def _report(self, message: str) -> None:
        self.show_error(message)

    # -- 新建 / 编辑 -------------------------------------------------------------------------
    def _show(self, dlg):
        self._dialog = dlg
        dlg.finished.connect(dlg.deleteLater)
        dlg.open()
        return dlg

    def open_new_dialog(self) -> NoticeDialog:
        dlg = NoticeDialog(self.services, None, self, submit=lambda d: self._refusal(self.commit_issue(d.draft())),
                           today=self._today)
        return self._show(dlg)

    @staticmethod
    def _refusal(result) -> str | None:
        return result if isinstance(result, str) else None

    def commit_issue(self, draft) -> NoticeRow | str:
        """Issue through the service; the new row is selected. A refusal comes back as its message."""
        try:
            row = self.services.notices.issue(draft)
        except ServiceError as e:
            return str(e)
        self.undo_stack.push(IssueNoticeCommand(self.services, row, self._report))
        self._ensure_visible(row)
        self.show_status(self.tr("已下达 {0}（{1}，办结时限 {2}）").format(
            row.number, row.unit_name, f"{row.due:%Y-%m-%d}"), 12000)
        return row

    def _ensure_visible(self, row: NoticeRow) -> None:
        if not self.select_notice(row.id):  # hidden by a filter: show everything of its year
            self.search_edit.clear()
            self.set_filters(year=row.year if self.year_combo.findData(row.year) >= 0 else None)
            self.select_notice(row.id)

    def _open_view(self, notice_id: int | None):
        """The notice a dialog acts on (`notice_id`, else the selected one); None when voided."""
        v = self.model.view(notice_id) if notice_id is not None else self.selected_view()
        return None if v is None or v.row.voided else v

    def _change(self, notice_id: int, act: Callable[[NoticeRow], NoticeRow]) -> tuple[NoticeRow, NoticeRow] | str:
        """`act(stored row)` through the service: (old, new), or the refusal's message. Another seat's
        change since the dialog read it: the register shows what is stored now."""
        try:
            old = self.services.notices.get(notice_id)
            return old, act(old)
        except ConflictError as e:
            self.refresh_notice(notice_id)
            return str(e)
        except ServiceError as e:
            return str(e)

    def open_edit_dialog(self, notice_id: int | None = None) -> NoticeDialog | None:
        v = self._open_view(notice_id)
        if v is None:
            return None
        nid = v.row.id
        dlg = NoticeDialog(self.services, v.row, self, submit=lambda d: self._refusal(
            self.commit_edit(nid, d.changes(), expected_version=v.row.version or None)))
        return self._show(dlg)

    def _snapshot(self, text: str, old: NoticeRow, new: NoticeRow) -> None:
        cmd = NoticeSnapshotCommand(self.services, text, old, new, self._report)
        cmd.on_conflict = lambda nid=new.id: self.refresh_notice(nid)
        self.undo_stack.push(cmd)

    def refresh_notice(self, notice_id: int) -> None:
        """Show a notice as stored now (after another seat's change refused an action here)."""
        try:
            row = self.services.notices.get(notice_id)
        except ServiceError:
            self.model.remove_ids([notice_id])
            return
        self._on_notices_changed([NoticeChange(None, row)])

    def commit_edit(self, notice_id: int, changes: dict, expected_version: int | None = None) -> NoticeRow | str | None:
        """`expected_version`: the version the dialog read (another seat's change since is refused)."""
        svc = self.services.notices
        done = self._change(notice_id, lambda old: svc.update(notice_id, expected_version, **changes) if changes
                            else old)
        if isinstance(done, str):
            return done
        old, row = done
        if row != old:
            self._snapshot(self.tr("修改 {0}").format(row.number), old, row)
            self.show_status(self.tr("已保存 {0}").format(row.number))
        return row

    # -- 办结 / 延期 / 作废 ----------------------------------------------------------------------
    def open_complete_dialog(self, notice_id: int | None = None) -> CompleteDialog | None:
        v = self._open_view(notice_id)
        if v is None:
            return None
        nid = v.row.id
        dlg = CompleteDialog(v.row, self._today, self,
                             submit=lambda d: self._refusal(self.commit_complete(
                                 nid, d.completed(), d.result(), v.row.version or None)))
        return self._show(dlg)

    def commit_complete(self, notice_id: int, completed: date, result: str,
                        expected_version: int | None = None) -> NoticeRow | str:
        svc = self.services.notices
        done = self._change(notice_id, lambda _old: svc.complete(notice_id, completed, result, expected_version))
        if isinstance(done, str):
            return done
        old, row = done
        if row != old:
            self._snapshot(self.tr("办结 {0}").format(row.number), old, row)
            st = svc.view(row, self._today).status
            self.show_status(self.tr("{0} 已办结（{1}）").format(row.number, st.label))
        return row

    def open_extension_dialog(self, notice_id: int | None = None) -> ExtensionDialog | None:
        v = self._open_view(notice_id)
        if v is None or v.row.completed is not None:
            return None
        nid = v.row.id
        dlg = ExtensionDialog(self.services, v.row, self._today, self, submit=lambda d: self._refusal(
            self.commit_extension(nid, d.choice(), days=d.days(), until=d.until(), asked=d.asked(),
                                  reason=d.reason(), expected_version=v.row.version or None)))
        return self._show(dlg)

    def commit_extension(self, notice_id: int, choice: str, *, days: int | None = None, until: date | None = None,
                         asked: date | None = None, reason: str = "",
                         expected_version: int | None = None) -> NoticeRow | str:
        """choice: ExtensionDialog.APPROVE / REJECT / PENDING. A pending request is decided instead."""
        svc = self.services.notices

        def act(old: NoticeRow) -> NoticeRow:
            if any(e.state is ExtensionState.ASKED for e in old.extensions):  # a pending request is decided
                if choice == ExtensionDialog.PENDING:
                    return old
                return svc.decide_extension(notice_id, choice == ExtensionDialog.APPROVE, self._today,
                                            expected_version)
            if choice == ExtensionDialog.APPROVE:
                return svc.extend(notice_id, days=days, until=until, asked=asked, reason=reason,
                                  expected_version=expected_version)
            row = svc.request_extension(notice_id, asked or self._today, days=days, until=until, reason=reason,
                                        expected_version=expected_version)
            if choice == ExtensionDialog.REJECT:
                try:
                    row = svc.decide_extension(notice_id, False, self._today)
                except ServiceError:
                    svc.restore(old)  # nothing half-applied
                    raise
            return row

        done = self._change(notice_id, act)
        if isinstance(done, str):
            return done
        old, row = done
        if row is old:  # a pending request left pending
            return old
        if choice == ExtensionDialog.APPROVE:
            text = self.tr("延期 {0}（至 {1}）").format(row.number, f"{row.due:%Y-%m-%d}")
        elif choice == ExtensionDialog.REJECT:
            text = self.tr("不批准 {0} 的延期申请").format(row.number)
        else:
            text = self.tr("登记 {0} 的延期申请").format(row.number)
        self._snapshot(text, old, row)
        self.show_status(self.tr("已{0}").format(text))
        return row

    def open_void_dialog(self, notice_id: int | None = None) -> VoidDialog | None:
        v = self._open_view(notice_id)
        if v is None:
            return None
        nid = v.row.id
        dlg = VoidDialog(v.row, self, submit=lambda d: self._refusal(
            self.commit_void(nid, d.reason(), v.row.version or None)))
        return self._show(dlg)

    def commit_void(self, notice_id: int, reason: str, expected_version: int | None = None) -> NoticeRow | str:
        done = self._change(notice_id, lambda _old: self.services.notices.void(notice_id, reason, expected_version))
        if isinstance(done, str):
            return done
        old, row = done
        self._snapshot(self.tr("作废 {0}").format(row.number), old, row)
        self.show_status(self.tr("已作废 {0}（可撤销）").format(row.number))
        return row

    # -- PDF: preview, print, save ------------------------------------------------------------
    def _temp_pdf(self, name: str) -> Path:
        if self._tmpdir is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="hotline-notices-")
        return Path(self._tmpdir.name) / name

    def write_pdf(self, ids: list[int], out: Path, then, *, remind: bool = False):
        """Write the forms (or 催办通知) of `ids` as one PDF in a worker with progress and 取消."""
        from hotline_desktop.gui.workers import run_with_progress

        svc = self.services.notices
        today = self._today

        def work(progress, cancelled):
            if remind:
                return svc.remind_pdf(ids, out, as_of=today)
            return svc.pdf(ids, out, progress=progress, cancelled=cancelled)

        def done(path):
            path = Path(path)
            self.pdf_ready.emit(path)
            then(path)

        label = self.tr("正在生成催办通知…") if remind else self.tr("正在生成 {0} 份督办通知…").format(len(ids))
        return run_with_progress(self.window(), label, work, done,
                                 lambda e: self._task_error(self.tr("无法生成 PDF"), e))

    def _selected_ids(self) -> list[int]:
        return [v.row.id for v in self.selected_views()]

    def preview_selected(self):
        ids = self._selected_ids()
        if not ids:
            return None
        return self.write_pdf(ids, self._temp_pdf("notices.pdf"), self._preview)

    def preview_reminder(self):
        views = self.selected_views()
        if not views or any(v.status is not NoticeStatus.OVERDUE for v in views):
            return None
        return self.write_pdf([v.row.id for v in views], self._temp_pdf("reminder.pdf"), self._preview, remind=True)

    def _preview(self, path: Path) -> None:
        from hotline_desktop.gui.printing import PdfPrintError, make_printer, preview_pdf

        try:
            preview_pdf(self, path, printer=make_printer(landscape=False))
        except PdfPrintError as e:
            self._task_error(self.tr("无法预览"), e)

    def print_selected(self):
        ids = self._selected_ids()
        if not ids:
            return None
        return self.write_pdf(ids, self._temp_pdf("notices-print.pdf"), self._print)

    def _print(self, path: Path) -> None:
        from hotline_desktop.gui.printing import PdfPrintError, make_printer, print_with_dialog

        try:
            n = print_with_dialog(self, path, printer=make_printer(landscape=False))
        except PdfPrintError as e:
            self._task_error(self.tr("无法打印"), e)
            return
        if n:
            self.show_status(self.tr("已送打印：{0} 页").format(n))

    def default_pdf_name(self, views) -> str:
        if len(views) == 1:
            return f"{file_name_part(views[0].row.number)}-{file_name_part(views[0].row.unit_name)}.pdf"
        return f"督办通知-{len(views)}份-{datetime.now():%Y%m%d}.pdf"

    def save_pdf_dialog(self) -> None:
        views = self.selected_views()
        if not views:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存督办通知 PDF"),
                                              str(self.export_dir(self._last_dir) / self.default_pdf_name(views)),
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_pdf([v.row.id for v in views], path)

    def save_pdf(self, ids: list[int], path: str | Path):
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._last_dir = path.parent
        return self.write_pdf(list(ids), path, lambda p: self.show_status(self.tr("已保存 {0}").format(p), 15000))

    # -- export ----------------------------------------------------------------------------
    def export_dialog(self) -> None:
        year = self.year_combo.currentData()
        name = f"督办通知登记表-{year or '全部'}-{datetime.now():%Y%m%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出督办通知登记表"), str(self.export_dir(self._last_dir) / name),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export_to(path, year)

    def export_to(self, path: str | Path, year: int | None = None):
        from hotline_desktop.gui.workers import run_in_background

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self._last_dir = path.parent
        svc = self.services.notices
        today = self._today

        def done(out):
            self.show_status(self.tr("已导出督办通知登记表到 {0}").format(out), 15000)
            self.export_finished.emit(Path(out))

        return run_in_background(self.window(), self.tr("正在导出…"), lambda: svc.export_xlsx(year, path, as_of=today),
                                 done, lambda e: self._task_error(self.tr("导出失败"), e))

    def _task_error(self, title: str, e: BaseException) -> None:
        if isinstance(e, PermissionError):
            text = self.tr("文件被占用或没有权限（是否在 Excel 或 PDF 阅读器中打开着？）：{0}").format(e.filename or e)
        elif isinstance(e, InterruptedError):
            text = self.tr("已取消")
            self.show_status(text)
            self.task_failed.emit(text)
            return
        else:
            text = str(e) or type(e).__name__
        self.task_failed.emit(text)
        self.show_error(text, title)
