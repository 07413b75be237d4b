"""排名 tab: the live ranking of the toolbar's year and scheme (a month of the Ganxian schemes),
per ranking group, a 红黑榜 view, export to Excel / PDF, print preview and printing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.boards import TOP_N, build_boards
from hotline_desktop.core.ranking_table import month_label
from hotline_desktop.gui.bridge import EventBridge
from hotline_desktop.gui.ranking.models import (
    COL_CODE,
    COL_NAME,
    RB_CODE,
    RB_GROUP,
    RB_LIST,
    RB_NAME,
    RB_POS,
    RB_RANK,
    RB_SCORE,
    RankingLayout,
    RankingProxy,
    RankingTableModel,
    RedBlackModel,
)
from hotline_desktop.gui.ranking.view import RankingView
from hotline_desktop.gui.tab_base import TabPage
from hotline_desktop.gui.workers import LiveEngineBuild
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.ranking import UnitChanges

HIGHLIGHT_MS = 1500  # how long changed rows stay marked
_WIDTH = {"score": 58, "count": 50, "rank": 84, "text": 96, "name": 136}


class RowNumberHeader(QHeaderView):
    """The 序号 column: its width depends only on the number of digits, so its size hint is
    kept (Qt would otherwise ask headerData of ~200 rows at every layout change, i.e. every
    rank move)."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        self._hint = None
        self._digits = -1

    def sizeHint(self):  # noqa: N802 - Qt API
        digits = len(str(self.count()))
        if self._hint is None or digits != self._digits:
            self._digits = digits
            self._hint = super().sizeHint()
        return self._hint


class RankingTab(TabPage):
    key = "ranking"
    # when shown: attach first, then the changes heard while hidden, then the 红黑榜 if it is the view
    catch_up_order = ("attach", "changed", "board")
    ranking_updated = Signal(object)  # set of codes whose rows changed
    export_finished = Signal(object)  # Path
    task_failed = Signal(str)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self._live = None
        self._live_bridge: EventBridge | None = None  # LiveRanking.changed → _on_changed
        self._groups: list[str] = []
        self._months: tuple[str, ...] = ()
        self._last_export: Path | None = None
        self._tmpdir: tempfile.TemporaryDirectory | None = None
        self._loading = False
        self._build = LiveEngineBuild(self, services)  # the live engine, built off the GUI thread
        self.model = RankingTableModel(self)
        self.proxy = RankingProxy(self)
        self.proxy.setSourceModel(self.model)
        self.board_model = RedBlackModel(self)
        self._hl_timer = QTimer(self)
        self._hl_timer.setSingleShot(True)
        self._hl_timer.setInterval(HIGHLIGHT_MS)
        self._hl_timer.timeout.connect(lambda: self.model.set_highlight(()))  # O(marked rows), once
        self._build_ui()
        self._update_state()

    @property
    def title(self) -> str:
        return self.tr("排名")

    # -- layout --------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.export_xlsx_action = self.make_action(self.tr("导出 Excel…"), self.tr("按计分表格式导出排名表（A4 横向，一页宽）"),
                                                   lambda: self.export_dialog(".xlsx"))
        self.export_pdf_action = self.make_action(self.tr("导出 PDF…"), self.tr("把排名表保存为 PDF（嵌入中文字体）"),
                                                  lambda: self.export_dialog(".pdf"))
        self.preview_action = self.make_action(self.tr("打印预览…"), "", self.print_preview)
        self.print_action = self.make_action(self.tr("打印…"), "", self.print_dialog)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.month_label = QLabel(self.tr("月份："), self)
        self.month_combo = QComboBox(self)
        self.month_combo.setMinimumContentsLength(10)
        self.month_combo.setToolTip(self.tr("全年：年度综合评分；选择月份：该月的月度得分和排名"))
        self.month_combo.currentIndexChanged.connect(lambda _i: self._month_picked())
        bar.addWidget(self.month_label)
        bar.addWidget(self.month_combo)
        bar.addSpacing(8)
        self.view_bar = QTabBar(self)
        self.view_bar.setDrawBase(False)
        self.view_bar.addTab(self.tr("排名表"))
        self.view_bar.addTab(self.tr("红黑榜"))
        self.view_bar.setToolTip(self.tr("红黑榜：各排名组得分最高的 {0} 个单位（红榜）和最低的 {0} 个单位（黑榜），"
                                         "在第 {0} 名处并列的单位全部列入").format(TOP_N))
        bar.addWidget(self.view_bar)
        bar.addStretch(1)
        self.add_action_buttons(bar, (self.export_xlsx_action, self.export_pdf_action, None, self.preview_action,
                                      self.print_action))

        self.group_bar = QTabBar(self)
        self.group_bar.setExpanding(False)
        self.group_bar.currentChanged.connect(self._group_picked)

        self.table = RankingView(self)
        self.table.setVerticalHeader(RowNumberHeader(self.table))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
        self.model.modelReset.connect(self._fit_columns)
        # 单位名称 stays in view when the figures scroll right (painted by the same view)
        self.table.frozen_column = COL_NAME
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # as before: no jump

        self.board = QTableView(self)
        self.board.setModel(self.board_model)
        self.board.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.board.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.board.setAlternatingRowColors(True)
        self.board.verticalHeader().hide()
        self.board.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.board.setAlternatingRowColors(False)
        bh = self.board.horizontalHeader()
        bh.setStretchLastSection(False)
        for col, w in {RB_GROUP: 130, RB_LIST: 64, RB_POS: 40, RB_NAME: 240, RB_CODE: 90, RB_SCORE: 90,
                       RB_RANK: 100}.items():
            bh.resizeSection(col, w)

        self.board_page = QWidget(self)
        self.board_group_label = QLabel(self.tr("排名组："), self.board_page)
        self.board_group_combo = QComboBox(self.board_page)
        self.board_group_combo.setMinimumContentsLength(12)
        self.board_group_combo.setToolTip(self.tr("红黑榜按排名组分别评出；导出和打印的是所选排名组"))
        self.board_group_combo.currentIndexChanged.connect(lambda _i: self._refresh_board())
        self.board_notes = QLabel(self.board_page)
        self.board_notes.setObjectName("boardNotes")
        self.board_notes.setWordWrap(True)
        self.board_notes.setStyleSheet("color: #5a4500;")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.board_group_label)
        top.addWidget(self.board_group_combo)
        top.addStretch(1)
        bl = QVBoxLayout(self.board_page)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(top)
        bl.addWidget(self.board, 1)
        bl.addWidget(self.board_notes)

        self.stack = QStackedWidget(self)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.board_page)
        self.stack.addWidget(self.empty_label)
        self.view_bar.currentChanged.connect(lambda _i: self._view_picked())

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("countsLabel")
        self.export_label = QLabel(self)
        self.export_label.setTextFormat(Qt.TextFormat.RichText)
        self.export_label.linkActivated.connect(self._export_link)
        foot = QHBoxLayout()
        foot.addWidget(self.summary_label, 1)
        foot.addWidget(self.export_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.group_bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(foot)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        # 编码 is in the name's tooltip; hidden so the figures, total and rank fit 1366 px
        self.table.setColumnHidden(COL_CODE, True)
        for i, spec in enumerate(self.model.columns):
            if i == COL_CODE:
                w = 72
            elif i == COL_NAME:
                w = 136
            else:
                w = _WIDTH.get(spec.kind, 62)
                fm = header.fontMetrics()
                w = max([w] + [fm.horizontalAdvance(line) + 10 for line in spec.title.split("\n")])
            header.resizeSection(i, w)
        rank = self.model.col_rank
        if rank >= 0:
            self.table.sortByColumn(rank, Qt.SortOrder.AscendingOrder)

    # -- TabPage -------------------------------------------------------------------------
    def set_year_scheme(self, year_scheme) -> None:
        super().set_year_scheme(year_scheme)
        self._request_attach()

    def reload(self) -> None:
        self._request_attach()

    def _request_attach(self) -> None:
        """Attach now when shown; a hidden tab attaches when first shown (no engine build at start)."""
        if not self.isVisible():
            self._detach()
        self.when_shown("attach", self._attach)

    def export_actions(self) -> list[QAction]:
        xlsx = QAction(self.tr("排名表（Excel）…"), self)
        xlsx.triggered.connect(lambda: (self.show_board(False), self.export_dialog(".xlsx")))
        pdf = QAction(self.tr("排名表（PDF）…"), self)
        pdf.triggered.connect(lambda: (self.show_board(False), self.export_dialog(".pdf")))
        board_xlsx = QAction(self.tr("红黑榜（Excel）…"), self)
        board_xlsx.triggered.connect(lambda: (self.show_board(), self.export_dialog(".xlsx")))
        board_pdf = QAction(self.tr("红黑榜（PDF）…"), self)
        board_pdf.triggered.connect(lambda: (self.show_board(), self.export_dialog(".pdf")))
        return [xlsx, pdf, board_xlsx, board_pdf]

    def shutdown(self) -> None:
        self._detach()
        self._hl_timer.stop()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    # -- live subscription ---------------------------------------------------------------
    def _detach(self) -> None:
        if self._live_bridge is not None:
            self._live_bridge.detach()
            self._live_bridge.deleteLater()
        self._live = None
        self._live_bridge = None
        self.drop_deferred("changed")

    #: Build a live engine that is not there yet in a worker thread, showing 正在计算….
    build_in_background = True

    def _attach(self) -> None:
        """Subscribe to the live ranking of the toolbar's (year, scheme) and show it whole."""
        self._detach()
        ys = self.year_scheme
        if ys is None:
            self._clear()
            return
        if self.build_in_background and self.services.rankings.cached(ys.id) is None:
            self._build_live(ys)
            return
        try:
            live = self.services.rankings.live(ys.id)
        except ServiceError as e:
            self._clear(str(e))
            return
        self._live = live
        self._live_bridge = EventBridge(live.changed, self)
        self._live_bridge.fired.connect(lambda args: self._on_changed(*args))
        self._rebuild(keep_month=False)

    def _build_live(self, ys) -> None:
        """Build the engine off the GUI thread; attach when it is done (if still wanted)."""
        self._clear(self.tr("正在计算…"))
        self._build.start(ys.id, self._request_attach, lambda e: self._clear(
            str(e) if isinstance(e, ServiceError) else self.tr("计算失败：{0}").format(e)))

    @property
    def building(self) -> bool:
        """Whether the live engine is being built (正在计算… shown)."""
        return self._build.running

    @property
    def live(self):
        return self._live

    @property
    def scheme(self):
        return self._live.scheme if self._live is not None else None

    @property
    def month(self) -> str | None:
        return self.month_combo.currentData() if self._has_months() else None

    @property
    def group(self) -> str | None:
        i = self.group_bar.currentIndex()
        return self._groups[i] if 0 <= i < len(self._groups) else None

    def _has_months(self) -> bool:
        s = self.scheme
        return bool(s is not None and s.has_monthly_scores)

    def _clear(self, text: str | None = None) -> None:
        self.model.clear()
        self.board_model.set_rows([])
        self._months = ()
        self._set_groups([])
        self._fill_months((), keep=None)
        if text is None:
            if self.year is not None:
                text = self.tr("{0} 年尚未指定考核方案。请在工具栏“考核方案”处点“指定方案…”。").format(self.year)
            else:
                text = self.tr("尚未选择考核方案。")
        self.empty_label.setText(text)
        self._update_state()

    def _rebuild(self, *, keep_month: bool = True) -> None:
        """Full load: columns for the scheme / month, every row (a model reset)."""
        live = self._live
        if live is None:
            return
        result = live.result()
        self._loading = True
        try:
            wanted = self.month_combo.currentData() if keep_month else None
            self._months = tuple(result.months)
            self._fill_months(self._months if live.scheme.has_monthly_scores else (), keep=wanted)
            month = self.month_combo.currentData() if live.scheme.has_monthly_scores else None
            present = [g.key for g in live.scheme.groups if g.key in result.groups]
            self._set_groups(present)
            layout = RankingLayout(
                result, year=live.row.year, month=month,
                monthly_values=lambda code, m: live.engine.monthly_values(code, m),  # engine may be replaced
            )
            self.model.load(result, layout)
        finally:
            self._loading = False
        self._board_changed()
        self._update_state()

    def _on_changed(self, codes) -> None:
        live = self._live
        if live is None or self.model.layout_spec is None:
            return
        # hidden (a figure typed in 月度数据): the rows follow once when shown, not on every edit
        if self.gather_when_shown("changed", codes, self._on_changed):
            return
        result = live.result()
        layout = self.model.layout_spec
        units_same = len(result.units) == self.model.rowCount() and self.model.has_units(codes)
        if not units_same or tuple(result.months) != self._months or layout.scheme is not live.scheme:
            before = {r.code: r for r in self.model.rows}
            self._rebuild()
            changed = {r.code for r in self.model.rows if before.get(r.code) != r}
            if changed:
                self.model.set_highlight(changed)
        else:
            changed = self.model.update(result, codes, mark=True,
                                        rank_only=codes.rank_only if isinstance(codes, UnitChanges) else ())
            if changed:
                self._board_changed()
                self._update_summary()
        if changed:
            self._hl_timer.start()
            self.ranking_updated.emit(changed)

    def _board_changed(self) -> None:
        """The 红黑榜 follows the rows: refreshed now when it is on screen, else when next shown
        (the tab shown with the 红黑榜 view, or the view picked)."""
        self.when_shown("board", self._refresh_board, shown=self._board_on_screen)

    def _board_on_screen(self) -> bool:
        return self.isVisible() and self.board_shown

    def _view_picked(self) -> None:
        if self._board_on_screen():
            self.catch_up("board")  # the 红黑榜 picked: refreshed if it fell behind
        if self.board_shown:
            self.export_xlsx_action.setToolTip(self.tr("导出所选排名组的红黑榜（Excel）"))
            self.export_pdf_action.setToolTip(self.tr("把所选排名组的红黑榜保存为 PDF"))
        else:
            self.export_xlsx_action.setToolTip(self.tr("按计分表格式导出排名表（A4 横向，一页宽）"))
            self.export_pdf_action.setToolTip(self.tr("把排名表保存为 PDF（嵌入中文字体）"))
        self._update_state()

    def _refresh_board(self) -> None:
        self.drop_deferred("board")
        scheme = self.scheme
        if scheme is None:
            self.board_model.set_rows([])
            return
        chosen = self.board_group
        labels = {g.key: g.label for g in scheme.groups
                  if g.key in set(self._groups) and (chosen is None or g.key == chosen)}
        entries, not_ranked = self.model.board_entries()
        boards = build_boards(entries, labels, not_ranked=not_ranked)
        self.board_model.set_rows([r for b in boards for r in b.rows])
        lines = []
        for b in boards:
            for note in b.notes:
                lines.append(f"{b.label}：{note}" if len(boards) > 1 else note)
        self.board_notes.setText("\n".join(lines))
        self.board_notes.setVisible(bool(lines))

    @property
    def board_group(self) -> str | None:
        """The 红黑榜's ranking group (None: every group)."""
        return self.board_group_combo.currentData() if self.board_group_combo.count() else None

    def set_board_group(self, group: str | None) -> None:
        self.board_group_combo.setCurrentIndex(max(0, self.board_group_combo.findData(group)))

    # -- month / group -------------------------------------------------------------------
    def _fill_months(self, months: tuple[str, ...], keep: str | None) -> None:
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        self.month_combo.addItem(self.tr("全年"), None)
        for m in months:
            self.month_combo.addItem(month_label(m), m)
        i = self.month_combo.findData(keep) if keep is not None else 0
        self.month_combo.setCurrentIndex(max(0, i))
        self.month_combo.blockSignals(False)
        show = bool(self._has_months())
        self.month_label.setVisible(show)
        self.month_combo.setVisible(show)

    def set_month(self, month: str | None) -> None:
        """Show the month's table (None: the whole year)."""
        i = self.month_combo.findData(month) if month is not None else 0
        if i < 0:
            raise ValueError(month)
        self.month_combo.setCurrentIndex(i)

    def _month_picked(self) -> None:
        if not self._loading:
            self._rebuild()

    def _set_groups(self, groups: list[str]) -> None:
        current = self.group
        self.group_bar.blockSignals(True)
        while self.group_bar.count():
            self.group_bar.removeTab(0)
        scheme = self.scheme
        for g in groups:
            self.group_bar.addTab(scheme.group(g).label if scheme is not None else g)
        self._groups = list(groups)
        idx = groups.index(current) if current in groups else 0
        if groups:
            self.group_bar.setCurrentIndex(idx)
        self.group_bar.blockSignals(False)
        self.group_bar.setVisible(len(groups) > 1)
        keep = self.board_group
        self.board_group_combo.blockSignals(True)
        self.board_group_combo.clear()
        if len(groups) > 1:
            self.board_group_combo.addItem(self.tr("全部排名组"), None)
        for g in groups:
            self.board_group_combo.addItem(scheme.group(g).label if scheme is not None else g, g)
        self.board_group_combo.setCurrentIndex(max(0, self.board_group_combo.findData(keep)))
        self.board_group_combo.blockSignals(False)
        # one group: no filter (a filter costs a Python data() call per changed row)
        self.proxy.set_group(groups[idx] if len(groups) > 1 else None)

    def set_group(self, group: str) -> None:
        self.group_bar.setCurrentIndex(self._groups.index(group))

    def _group_picked(self, _index: int) -> None:
        self.proxy.set_group(self.group)
        self._update_summary()

    def show_board(self, on: bool = True) -> None:
        self.view_bar.setCurrentIndex(1 if on else 0)

    # -- state ---------------------------------------------------------------------------
    def _update_state(self) -> None:
        has = self._live is not None and self.model.layout_spec is not None
        empty = has and self.model.rowCount() == 0
        if not has or empty:
            if empty:
                self.empty_label.setText(self.tr("{0} 年“{1}”还没有参加考核的单位。").format(
                    self._live.row.year, self._live.row.title))
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentIndex(self.view_bar.currentIndex())
        ok = has and not empty
        for a in (self.export_xlsx_action, self.export_pdf_action, self.preview_action, self.print_action):
            a.setEnabled(ok)
        self.group_bar.setVisible(ok and len(self._groups) > 1 and self.view_bar.currentIndex() == 0)
        self._update_summary()

    def summary_text(self) -> str:
        if self._live is None or self.model.layout_spec is None:
            return ""
        c = self.model.counts(self.group)
        month = self.model.layout_spec.month
        parts = [self.tr("已排名 {0}").format(c["ranked"])]
        if month is not None:
            parts.append(self.tr("按平均分 {0}").format(c["averaged"]))
            parts.append(self.tr("无数据或不全 {0}").format(c["incomplete"]))
        else:
            parts.append(self.tr("未列入排名 {0}").format(c["unranked"]))
            parts.append(self.tr("数据不全 {0}").format(c["incomplete"]))
        period = month_label(month) if month else self.tr("考核期 {0} 个月").format(len(self._months))
        return self.tr("{0} · {1} · 共 {2} 个单位　　{3}　　随数据修改实时更新").format(
            " · ".join(parts[:1]), " · ".join(parts[1:]), c["total"], period)

    def _update_summary(self) -> None:
        self.summary_label.setText(self.summary_text())

    # -- export --------------------------------------------------------------------------
    @property
    def board_shown(self) -> bool:
        return self.view_bar.currentIndex() == 1

    def default_file_name(self, suffix: str) -> str:
        row = self._live.row
        when = month_label(self.month) if self.month else f"{row.year}年"
        if self.board_shown:
            group = self.scheme.group(self.board_group).label + "-" if self.board_group else ""
            return f"红黑榜-{when}-{group}{row.title}{suffix}"
        return f"排名-{when}-{row.title}{suffix}"

    def export_dialog(self, suffix: str) -> None:
        if self._live is None:
            return
        what = self.tr("红黑榜") if self.board_shown else self.tr("排名表")
        if suffix == ".xlsx":
            caption, filt = self.tr("导出{0}（Excel）").format(what), self.tr("Excel 工作簿 (*.xlsx)")
        else:
            caption, filt = self.tr("导出{0}（PDF）").format(what), self.tr("PDF 文件 (*.pdf)")
        path, _ = QFileDialog.getSaveFileName(self, caption, str(self.export_dir() / self.default_file_name(suffix)),
                                              filt)
        if path:
            self.export_to(path)

    def _export_args(self) -> dict:
        row = self._live.row
        if self.board_shown:
            return {"scheme_id": row.scheme_id, "year": row.year, "month": self.month, "group": self.board_group,
                    "board": True}
        return {"scheme_id": row.scheme_id, "year": row.year, "month": self.month, "group": None}

    def export_to(self, path: str | Path):
        """Export in a worker with progress and 取消; every ranking group, the chosen month."""
        from hotline_desktop.gui.workers import run_with_progress
        from hotline_desktop.services.ranking_export import export_ranking

        path = Path(path)
        if path.suffix.lower() not in (".xlsx", ".pdf"):
            path = path.with_name(path.name + ".xlsx")
        args = self._export_args()
        services = self.services

        def work(progress, cancelled):
            return export_ranking(services, out=path, progress=progress, cancelled=cancelled, **args)

        def done(out):
            out = Path(out)
            self._last_export = out
            what = self.tr("红黑榜") if args.get("board") else self.tr("排名表")
            self.show_status(self.tr("已导出{0}到 {1}").format(what, out), 15000)
            self.export_label.setText(self.tr('已导出：{0}　<a href="open">打开</a>　<a href="folder">打开文件夹</a>')
                                      .format(out.name))
            self.export_label.setToolTip(str(out))
            self.export_finished.emit(out)

        return run_with_progress(self.window(), self.tr("正在导出排名表…"), work, done,
                                 lambda e: self._task_error(self.tr("导出失败"), e))

    def _export_link(self, link: str) -> None:
        out = self._last_export
        if out is None:
            return
        target = out if link == "open" else out.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def _task_error(self, title: str, e: BaseException) -> None:
        from hotline_desktop.services.ranking_export import RankingExportCancelled

        if isinstance(e, RankingExportCancelled):
            self.show_status(str(e))
            self.task_failed.emit(str(e))
            return
        if isinstance(e, PermissionError):
            text = self.tr("文件被占用或没有权限（是否在 Excel 或 PDF 阅读器中打开着？）：{0}").format(e.filename or e)
        else:
            text = str(e) or type(e).__name__
        self.task_failed.emit(text)
        self.show_error(text, title)

    # -- print ---------------------------------------------------------------------------
    def _temp_pdf(self) -> Path:
        if self._tmpdir is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="hotline-print-")
        return Path(self._tmpdir.name) / "ranking.pdf"

    def prepare_print(self, then) -> None:
        """Write the ranking PDF to a temp file in a worker, then call ``then(path)``."""
        if self._live is None:
            return
        from hotline_desktop.gui.workers import run_with_progress
        from hotline_desktop.services.ranking_export import export_ranking

        args = self._export_args()
        services = self.services
        out = self._temp_pdf()

        def work(progress, cancelled):
            return export_ranking(services, out=out, progress=progress, cancelled=cancelled, **args)

        run_with_progress(self.window(), self.tr("正在准备打印…"), work, lambda p: then(Path(p)),
                          lambda e: self._task_error(self.tr("无法打印"), e))

    def print_preview(self) -> None:
        from hotline_desktop.gui.printing import PdfPrintError, preview_pdf

        def show(path):
            try:
                preview_pdf(self, path)
            except PdfPrintError as e:
                self._task_error(self.tr("无法打印"), e)

        self.prepare_print(show)

    def print_dialog(self) -> None:
        from hotline_desktop.gui.printing import PdfPrintError, print_with_dialog

        def run(path):
            try:
                n = print_with_dialog(self, path)
            except PdfPrintError as e:
                self._task_error(self.tr("无法打印"), e)
                return
            if n:
                self.show_status(self.tr("已送打印：{0} 页").format(n))

        self.prepare_print(run)
