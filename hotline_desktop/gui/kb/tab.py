"""知识库 tab: the register of knowledge-base entries (采集 → 审核 → 发布, 修订, 校核, 撤销, 反馈),
full-text search with highlighted matches, the feedback list (overdue in red, counted in the tab
title), the review-by list, version history with the character diff, import and exports.

Every action goes dialog → service (committed, audited) → undo command; the views follow
KbService.changed, so undo, redo and imports show up the same way. The register loads when the
tab is first shown.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QAction, QKeySequence, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core import kb
from hotline_desktop.core.kb import Action, Category, Form, Status
from hotline_desktop.gui.bridge import EventBridge
from hotline_desktop.gui.kb.commands import KbEditCommand
from hotline_desktop.gui.kb.dialogs import (
    DayDialog,
    EntryDialog,
    FeedbackDialog,
    ReviewDialog,
    VersionHistoryDialog,
    cn_date,
)
from hotline_desktop.gui.kb.models import (
    COL_CATEGORY,
    COL_FEEDBACK,
    COL_FORM,
    COL_ID,
    COL_PUBLISHED,
    COL_QUESTION,
    COL_REVIEW_BY,
    COL_STATUS,
    COL_UNIT,
    COL_VERSION,
    FB_STATE,
    RAW_ROLE,
    FeedbackModel,
    KbTableModel,
    ReviewDueModel,
    SortProxy,
)
from hotline_desktop.gui.tab_base import TabPage, on_activated
from hotline_desktop.services.errors import ConflictError, ServiceError

COLUMN_WIDTHS = {COL_ID: 44, COL_UNIT: 108, COL_CATEGORY: 66, COL_FORM: 62, COL_QUESTION: 250, COL_STATUS: 106,
                 COL_VERSION: 56, COL_PUBLISHED: 84, COL_REVIEW_BY: 84, COL_FEEDBACK: 84}
DAY_CHECK_MS = 60_000
MARK = "background:#ffe08a;"


def marked(text: str, spans: list[tuple[int, int]]) -> str:
    """HTML of `text` with the spans highlighted."""
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(f'<span style="{MARK}">{escape(text[a:b])}</span>')
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br/>")


class HighlightDelegate(QStyledItemDelegate):
    """Paints the search text highlighted in the question column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = ""

    def paint(self, painter, option, index) -> None:
        text = index.data() or ""
        spans = kb.highlight_spans(text, self.query) if self.query else []
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QStyle()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(2)
        doc.setHtml(marked(text, spans))
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        painter.save()
        painter.translate(rect.left(), rect.top() + max(0, (rect.height() - doc.size().height()) / 2))
        painter.setClipRect(0, 0, rect.width(), rect.height())
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(QPalette.ColorRole.HighlightedText))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        return super().sizeHint(option, index)


class KbTab(TabPage):
    key = "kb"
    edit_area = "kb"

    def edit_actions(self) -> list:
        return [self.new_action, self.edit_action, self.review_action, self.publish_action, self.revise_action,
                self.verify_action, self.withdraw_action, self.feedback_action, self.import_action]
    title_changed = Signal(str)
    export_finished = Signal(object)  # Path
    import_finished = Signal(int)
    task_failed = Signal(str)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self._pending = True
        self._title = ""
        self._dialog = None
        self._last_dir: Path | None = None
        self._today = services.kb.today()
        self._units: list = []
        self.model = KbTableModel(self)
        self.proxy = self.model  # filtered and sorted in the model itself (fast on 20,000 rows)
        self.feedback_model = FeedbackModel(self)
        self.feedback_proxy = SortProxy(self)
        self.feedback_proxy.setSourceModel(self.feedback_model)
        self.review_model = ReviewDueModel(self)
        self.review_proxy = SortProxy(self)
        self.review_proxy.setSourceModel(self.review_model)
        self._build_ui()
        self._bridges = [EventBridge(services.kb.changed, self), EventBridge(services.units.changed, self)]
        self._bridges[0].fired.connect(lambda args: self._on_kb_changed(*args))
        self._bridges[1].fired.connect(lambda _args: self._schedule_reload())
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._day_timer.timeout.connect(self._check_day)
        self._day_timer.start()
        self._set_title(services.kb.overdue_count())

    @property
    def title(self) -> str:
        return self._title or self.tr("知识库")

    def _set_title(self, overdue: int) -> None:
        t = self.tr("知识库（逾期反馈 {0}）").format(overdue) if overdue else self.tr("知识库")
        if t != self._title:
            self._title = t
            self.title_changed.emit(t)

    # -- layout ----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.new_action = self.make_action(self.tr("新建(&N)…"), self.tr("采集新的知识条目（Ctrl+N）"), self.open_new_dialog,
                                       QKeySequence.StandardKey.New)
        self.edit_action = self.make_action(self.tr("修改(&E)…"), self.tr("修改采集中、退回或修订中的内容（双击行或按回车）"),
                                        self.open_edit_dialog)
        self.review_action = self.make_action(self.tr("审核…"), self.tr("按第九条四项逐项审核：通过或退回修改"),
                                          self.open_review_dialog)
        self.publish_action = self.make_action(self.tr("发布…"), self.tr("发布审核通过的版本（四项须全部通过）"),
                                           self.open_publish_dialog)
        self.revise_action = self.make_action(self.tr("修订"), self.tr("为已发布的条目建立新版本（须重新审核；已发布的版本继续有效）"),
                                          self.revise_selected)
        self.verify_action = self.make_action(self.tr("校核…"), self.tr("记录一次无改动的核对（计入全年更新或校核）"),
                                          self.open_verify_dialog)
        self.withdraw_action = self.make_action(self.tr("撤销…"), self.tr("撤销已发布的条目（须填写承办单位的理由）"),
                                            self.open_withdraw_dialog)
        self.feedback_action = self.make_action(self.tr("反馈…"), self.tr("向承办单位反馈问题（按工作日计算办结期限）"),
                                            self.open_feedback_dialog)
        self.history_action = self.make_action(self.tr("版本历史…"), self.tr("查看各版本及逐字差异"), self.open_history)
        self.import_action = self.make_action(self.tr("导入知识库（一问一答）…"), self.tr("从 Excel 导入知识条目"),
                                          self.import_dialog)
        self.export_action = self.make_action(self.tr("导出知识库登记表…"), self.tr("导出知识库登记表（Excel）"),
                                          self.export_dialog)
        self.report_action = self.make_action(self.tr("导出知识库定期通报…"), self.tr("各单位维护情况（Excel 或 PDF）"),
                                          self.report_dialog)
        self.template_action = self.make_action(self.tr("知识库导入模板…"), self.tr("导出知识库导入模板"),
                                            self.template_dialog)

        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.add_action_buttons(bar, (self.new_action, self.edit_action, None, self.review_action,
                                      self.publish_action, None, self.revise_action, self.verify_action,
                                      self.withdraw_action, None, self.feedback_action, self.history_action))
        bar.addStretch(1)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setEditable(True)
        self.unit_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_combo.setMinimumContentsLength(12)
        self.unit_combo.setToolTip(self.tr("按承办单位筛选"))
        self.category_combo = QComboBox(self)
        self.category_combo.addItem(self.tr("全部类别"), None)
        for c in Category:
            self.category_combo.addItem(c.value, c.value)
        self.status_combo = QComboBox(self)
        self.status_combo.addItem(self.tr("全部状态"), None)
        for s in Status:
            self.status_combo.addItem(s.label, s.value)
        self.status_combo.addItem(self.tr("修订中"), "revising")
        self.search_edit = self.make_search_box(self.tr("全文检索问题、答案、依据（任意中文片段）"), self._on_search, 260)
        self.count_label = QLabel(self)
        for w in (self.unit_combo, self.category_combo, self.status_combo):
            filters.addWidget(w)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.count_label)
        for combo in (self.unit_combo, self.category_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())

        self.table = self.make_row_table(self.model, COL_ID)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, w in COLUMN_WIDTHS.items():
            header.resizeSection(col, w)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.delegate = HighlightDelegate(self.table)
        self.table.setItemDelegateForColumn(COL_QUESTION, self.delegate)
        on_activated(self.table, lambda _ix: self.open_edit_dialog())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())

        self.feedback_table = self.make_row_table(self.feedback_proxy, FB_STATE)  # overdue, open, closed
        on_activated(self.feedback_table, lambda ix: self._jump(self.feedback_proxy, ix))
        self.review_table = self.make_row_table(self.review_proxy, 4)
        on_activated(self.review_table, lambda ix: self._jump(self.review_proxy, ix))
        for t, widths in ((self.feedback_table, (52, 116, 220, 100, 170, 88, 88, 88)),
                          (self.review_table, (56, 140, 380, 92, 92))):
            for i, w in enumerate(widths):
                t.horizontalHeader().resizeSection(i, w)

        self.lists = QTabWidget(self)
        self.lists.setDocumentMode(True)
        self.lists.addTab(self.table, self.tr("条目"))
        self.lists.addTab(self.feedback_table, self.tr("反馈"))
        self.lists.addTab(self.review_table, self.tr("到期校核"))

        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.detail.setMinimumWidth(280)
        split = QSplitter(self)
        split.addWidget(self.lists)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([960, 330])
        self.splitter = split

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addLayout(bar)
        lay.addLayout(filters)
        lay.addWidget(split, 1)
        self._update_actions()

    def import_actions(self) -> list[QAction]:
        return [self.import_action]

    def export_actions(self) -> list[QAction]:
        return [self.export_action, self.report_action]

    def template_actions(self) -> list[QAction]:
        return [self.template_action]

    # -- loading ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending:
            self.reload()

    def _schedule_reload(self) -> None:
        self._pending = True
        if self.isVisible():
            QTimer.singleShot(0, self.reload)

    def reload(self) -> None:
        self._pending = False
        svc = self.services.kb
        self._today = svc.today()
        self._units = [u for u in self.services.units.list()]
        self._fill_units()
        self.model.all_rows = svc.list(answers=False)
        self.model.today = self._today
        self._reload_lists()
        self._filters_changed()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._selection_changed()

    def _fill_units(self) -> None:
        combo = self.unit_combo
        cur = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("全部单位"), None)
        for u in self._units:
            combo.addItem(f"{u.code} {u.name}", u.id)
        i = combo.findData(cur)
        combo.setCurrentIndex(max(0, i))
        combo.blockSignals(False)

    def _reload_lists(self) -> None:
        svc = self.services.kb
        self.feedback_model.set_rows(svc.feedback_rows(), self._today)
        due = [r for r in self.model.all_rows
               if r.status == Status.PUBLISHED.value and kb.review_due(r.review_by, self._today)]
        self.review_model.set_rows(sorted(due, key=lambda r: (r.review_by, r.id)), self._today)
        open_n = sum(1 for r in self.feedback_model.rows if r[9] is None)
        overdue = sum(1 for r in self.feedback_model.rows if self.feedback_model.overdue(r))
        self.lists.setTabText(1, self.tr("反馈（未办结 {0}，逾期 {1}）").format(open_n, overdue) if open_n
                              else self.tr("反馈"))
        self.lists.setTabText(2, self.tr("到期校核（{0}）").format(len(self.review_model.rows)))
        self._set_title(overdue)

    def _on_kb_changed(self, ids, _label=None) -> None:
        if self._pending:
            self._set_title(self.services.kb.overdue_count())
            return
        ids = list(ids)
        current = self.selected_row()
        if self.model.query:  # hits may change with the text
            self.model.hits = {i: n for n, i in enumerate(self.services.kb.search_ids(self.model.query))}
        if len(ids) > 2000:
            self.model.set_rows(self.services.kb.list(answers=False), self._today)
        else:
            self.model.update_rows(ids, self.services.kb.rows(ids, answers=False))
        self._reload_lists()
        if current is not None and self.model.row_of(current.id) is not None:
            self.table.setCurrentIndex(self.model.index(self.model.row_of(current.id), 0))
        self._update_count()
        self._selection_changed()

    def _check_day(self) -> None:
        today = self.services.kb.today()
        if today != self._today:
            self._today = today
            self.services.kb_feeds.refresh()  # a feedback item may have become late
            if not self._pending:
                self.model.set_rows(self.services.kb.list(answers=False), today)
                self._reload_lists()
            else:
                self._set_title(self.services.kb.overdue_count())

    # -- filters and search ------------------------------------------------------------------
    def _filters_changed(self) -> None:
        current = self.selected_row()
        self.model.set_filters(self.unit_combo.currentData(), self.category_combo.currentData(),
                               self.status_combo.currentData())
        self._after_refilter(current)

    def _after_refilter(self, current) -> None:
        """Keep the entry selected when it is still shown; sort indicator hidden while ranked."""
        self.table.horizontalHeader().setSortIndicatorShown(not self.model.rank_sort)
        pos = self.model.row_of(current.id) if current is not None else None
        if pos is not None:
            self.table.setCurrentIndex(self.model.index(pos, 0))
        self._update_count()

    def _on_search(self, text: str) -> None:
        q = (text or "").strip()
        current = self.selected_row()
        self.model.set_hits(q, self.services.kb.search_ids(q) if q else None)  # best match first
        self.delegate.query = q
        self._after_refilter(current)
        self._selection_changed()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.all_rows)
        self.count_label.setText(self.tr("显示 {0} / {1} 条").format(shown, total))

    # -- selection and detail ----------------------------------------------------------------
    def selected_row(self):
        ix = self.table.currentIndex()
        if not ix.isValid():
            return None
        return self.model.index(ix.row(), 0).data(RAW_ROLE)

    def select_entry(self, entry_id: int) -> bool:
        if self.model.row_of(entry_id) is None:
            if not self.model.is_known(entry_id):
                return False
            self.search_edit.clear()
            self.status_combo.setCurrentIndex(0)
            self.category_combo.setCurrentIndex(0)
            self.unit_combo.setCurrentIndex(0)
        pos = self.model.row_of(entry_id)
        if pos is None:
            return False
        pix = self.model.index(pos, 0)
        self.lists.setCurrentIndex(0)
        self.table.setCurrentIndex(pix)
        self.table.scrollTo(pix)
        return True

    def _jump(self, proxy, ix) -> None:
        raw = proxy.index(ix.row(), 0).data(RAW_ROLE)
        eid = raw[1] if isinstance(raw, tuple) else raw.id
        self.select_entry(eid)

    def _selection_changed(self) -> None:
        self._update_actions()
        r = self.selected_row()
        if r is None:
            self.detail.setHtml(self.tr("<p style='color:#6b7785'>选择一条知识查看详情。</p>"))
            return
        try:
            d = self.services.kb.detail(r.id)
        except ServiceError as e:
            self.detail.setPlainText(str(e))
            return
        self.detail.setHtml(self.detail_html(d, self.model.query))

    def detail_html(self, d, query: str = "") -> str:
        r = d.row
        shown = d.published or d.working

        def hl(text: str) -> str:
            return marked(text, kb.highlight_spans(text, query) if query else [])

        st = kb.Status(r.status).label + (self.tr("（第 {0} 版修订中：{1}）").format(
            r.working_version, kb.STATUS_LABELS.get(kb.Status(d.working_status), d.working_status))
            if r.revising else "")
        parts = [
            f"<h3 style='margin:0'>{hl(shown.question)}</h3>",
            f"<p style='color:#6b7785'>{escape(r.unit_code)} {escape(r.unit_name)} · {escape(r.category)} · "
            f"{Form(r.form).label} · {escape(st)} · 第 {r.version} 版</p>",
            f"<p>{hl(shown.answer)}</p>",
        ]
        basis = shown.basis
        if basis:
            parts.append(f"<p><b>{self.tr('政策依据')}</b>：{hl(basis)}</p>")
        if shown.effective_date:
            parts.append(f"<p><b>{self.tr('生效日期')}</b>：{cn_date(shown.effective_date)}</p>")
        if r.published_on:
            parts.append(f"<p><b>{self.tr('发布')}</b>：{cn_date(r.published_on)}"
                         + (f"　<b>{self.tr('校核期限')}</b>：{cn_date(r.review_by)}" if r.review_by else "") + "</p>")
        if d.withdraw_reason:
            parts.append(f"<p style='color:#999'><b>{self.tr('撤销原因')}</b>：{escape(d.withdraw_reason)}</p>")
        if d.last_checks:
            items = "".join(
                f"<li>{escape(c.label)}：{'通过' if c.passed else '<span style=color:#c0392b>不通过</span>'}"
                + (f"（{escape(c.comment)}）" if c.comment else "") + "</li>" for c in d.last_checks)
            parts.append(f"<p><b>{self.tr('最近一次审核')}</b></p><ul style='margin-top:0'>{items}</ul>")
        if d.feedback:
            rows = []
            for _fid, ptype, note, raised, due, closed, _v in d.feedback:
                late = (closed is None and self._today > due) or (closed is not None and closed > due)
                color = "#c0392b" if late else "#333"
                state = (self.tr("{0} 办结").format(closed.isoformat()) if closed else self.tr("未办结"))
                rows.append(f"<li style='color:{color}'>{escape(ptype)}：{escape(note)}（{raised.isoformat()} 反馈，"
                            f"期限 {due.isoformat()}，{state}）</li>")
            parts.append(f"<p><b>{self.tr('反馈')}</b></p><ul style='margin-top:0'>{''.join(rows)}</ul>")
        if d.events:
            names = {"publish": "发布", "verify": "校核", "withdraw": "撤销"}
            ev = "；".join(f"{day.isoformat()} {names.get(k, k)}" + (f" 第{n}版" if n and k != "withdraw" else "")
                          for k, day, n, _note in d.events)
            parts.append(f"<p style='color:#6b7785'>{escape(ev)}</p>")
        return "".join(parts)

    def _update_actions(self) -> None:
        r = self.selected_row()
        allowed: set[Action] = set()
        if r is not None:
            has_pub = r.published_on is not None and r.status != Status.WITHDRAWN.value
            allowed = kb.allowed_actions(Status(r.working_status or r.status), has_pub)
        self.edit_action.setEnabled(Action.EDIT in allowed)
        self.review_action.setEnabled(Action.REVIEW_PASS in allowed)
        self.publish_action.setEnabled(Action.PUBLISH in allowed)
        self.revise_action.setEnabled(Action.REVISE in allowed)
        self.verify_action.setEnabled(Action.VERIFY in allowed)
        self.withdraw_action.setEnabled(Action.WITHDRAW in allowed)
        self.feedback_action.setEnabled(Action.FEEDBACK in allowed)
        self.history_action.setEnabled(r is not None)

    # -- running edits -------------------------------------------------------------------------
    def _push(self, edit) -> None:
        cmd = KbEditCommand(self.services, edit, self.show_error)
        ids = sorted(edit.before)
        cmd.on_conflict = lambda: self.services.kb.changed.emit(ids, "刷新")
        self.undo_stack.push(cmd)
        if edit.message:
            self.show_status(edit.message)
        self.select_entry(edit.entry_id)

    def _run(self, fn):
        """Run a service edit; returns a refusal message (or None) for the dialog."""
        try:
            edit = fn()
        except ConflictError as e:  # another seat changed the entry: the register shows it as stored now
            if self.selected_row() is not None:
                self.services.kb.changed.emit([self.selected_row().id], "刷新")
            return str(e)
        except ServiceError as e:
            return str(e)
        self._push(edit)
        return None

    def _open(self, dlg) -> None:
        self._dialog = dlg
        dlg.finished.connect(dlg.deleteLater)
        dlg.open()

    def open_new_dialog(self) -> None:
        units = [u for u in self._units if u.active] or self.services.units.list(active_only=True)
        if not units:
            self.show_error(self.tr("还没有承办单位，请先在“承办单位”页添加。"))
            return
        unit_id = self.unit_combo.currentData()

        def submit(d):
            return self._run(lambda: self.services.kb.create(d.unit_code(), d.category(), d.form(), d.content(),
                                                             review_by=d.review_by()))

        dlg = EntryDialog(units, submit, self)
        if unit_id is not None:
            code = next((u.code for u in units if u.id == unit_id), None)
            dlg.unit_combo.setCurrentIndex(max(0, dlg.unit_combo.findData(code)))
        self._open(dlg)

    def open_edit_dialog(self) -> None:
        r = self.selected_row()
        if r is None or not self.edit_action.isEnabled():
            if r is not None:
                self.open_history()
            return
        d = self.services.kb.detail(r.id)

        def submit(dlg):
            return self._run(lambda: self.services.kb.edit(
                r.id, dlg.content(), category=dlg.category(), form=dlg.form(), unit_code=dlg.unit_code(),
                review_by=dlg.review_by(), expected_version=d.version or None))

        title = self.tr("修改修订稿（第 {0} 版）").format(r.working_version) if r.revising else None
        self._open(EntryDialog(self._units, submit, self, row=r, content=d.working, title=title))

    def open_review_dialog(self) -> None:
        r = self.selected_row()
        if r is None:
            return
        d = self.services.kb.detail(r.id)

        def submit(dlg):
            results = dlg.results()
            try:
                edit = self.services.kb.review(r.id, results, dlg.day())
            except ServiceError as e:
                return str(e)
            self._push(edit)
            if kb.review_outcome(results) is Action.REVIEW_FAIL:
                QMessageBox.information(self, self.tr("退回修改"), edit.message)
            return None

        self._open(ReviewDialog(d.working.question, submit, self, today=self._today, previous=d.last_checks))

    def open_publish_dialog(self) -> None:
        r = self.selected_row()
        if r is None:
            return
        intro = self.tr("发布第 {0} 版：“{1}”。").format(r.working_version, r.question)
        if r.revising:
            intro += self.tr("发布后原第 {0} 版停止使用，未办结的反馈随之办结。").format(r.version)
        self._open(DayDialog(self.tr("发布知识条目"), intro,
                             lambda d: self._run(lambda: self.services.kb.publish(r.id, d.day())), self,
                             today=self._today, ok_text=self.tr("发布")))

    def revise_selected(self) -> None:
        r = self.selected_row()
        if r is None:
            return
        msg = self._run(lambda: self.services.kb.revise(r.id))
        if msg:
            self.show_error(msg)
            return
        self.open_edit_dialog()

    def open_verify_dialog(self) -> None:
        r = self.selected_row()
        if r is None:
            return
        self._open(DayDialog(self.tr("校核知识条目"),
                             self.tr("确认第 {0} 版内容仍然准确，记录一次校核（不改动内容）。").format(r.version),
                             lambda d: self._run(lambda: self.services.kb.verify(r.id, d.day())), self,
                             today=self._today, ok_text=self.tr("校核")))

    def open_withdraw_dialog(self) -> None:
        r = self.selected_row()
        if r is None:
            return
        self._open(DayDialog(self.tr("撤销知识条目"), self.tr("撤销“{0}”：撤销后不再对外使用。").format(r.question),
                             lambda d: self._run(lambda: self.services.kb.withdraw(r.id, d.reason(), d.day())), self,
                             today=self._today, reason_label=self.tr("撤销原因"), ok_text=self.tr("撤销")))

    def open_feedback_dialog(self) -> None:
        r = self.selected_row()
        if r is None:
            return
        svc = self.services.kb
        days = self.services.settings.kb_feedback_workdays
        self._open(FeedbackDialog(
            r.question, lambda d: self._run(lambda: svc.add_feedback(r.id, d.problem_type(), d.note(), d.day())),
            svc.due_for, days, self, today=self._today))

    def open_history(self) -> None:
        r = self.selected_row()
        if r is None:
            return
        d = self.services.kb.detail(r.id)
        dlg = VersionHistoryDialog(d, lambda a, b: self.services.kb.diff(r.id, a, b), self)
        self._open(dlg)

    # -- import / export -----------------------------------------------------------------------
    def _task_error(self, what: str, e: BaseException) -> None:
        msg = f"{what}：{e}" if isinstance(e, ServiceError | ValueError | OSError) else f"{what}：{type(e).__name__}"
        self.task_failed.emit(msg)
        self.show_error(msg)

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入知识库"), str(self.export_dir(self._last_dir)),
                                              self.tr("Excel 工作簿 (*.xlsx *.xlsm)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> None:
        from hotline_desktop.gui.workers import run_in_background

        io = self.services.kb_io
        run_in_background(self.window(), self.tr("正在检查导入文件…"), lambda: io.plan(path), self._plan_ready,
                          lambda e: self._task_error(self.tr("无法读取导入文件"), e))

    def _plan_ready(self, plan) -> None:
        if plan.problems:
            from hotline_desktop.gui.import_dialogs import ImportProblemsDialog

            dlg = ImportProblemsDialog(plan.problems, plan.summary(), None, plan.source.name, self)
            self._open(dlg)
            return
        answer = QMessageBox.question(self, self.tr("导入知识库"),
                                      self.tr("{0}\n\n确定导入吗？导入后可以撤销。").format(plan.summary()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        from hotline_desktop.gui.workers import run_in_background

        io = self.services.kb_io

        def done(edit) -> None:
            self.undo_stack.push(KbEditCommand(self.services, edit, self.show_error))
            self.show_status(edit.message, 12000)
            self.import_finished.emit(len(edit.entry_ids))

        run_in_background(self.window(), self.tr("正在导入…"), lambda: io.apply(plan), done,
                          lambda e: self._task_error(self.tr("导入失败，未写入任何数据"), e))

    def _save_path(self, title: str, name: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(self.export_dir(self._last_dir) / name), filters)
        if not path:
            return None
        p = Path(path)
        self._last_dir = p.parent
        return p

    def export_dialog(self) -> None:
        p = self._save_path(self.tr("导出知识库登记表"), self.tr("知识库登记表.xlsx"), self.tr("Excel 工作簿 (*.xlsx)"))
        if p is not None:
            self.export_to(p if p.suffix.lower() == ".xlsx" else p.with_name(p.name + ".xlsx"))

    def export_to(self, path: Path) -> None:
        from hotline_desktop.gui.workers import run_in_background

        io = self.services.kb_io
        run_in_background(self.window(), self.tr("正在导出…"), lambda: io.export(path), self._exported,
                          lambda e: self._task_error(self.tr("导出失败"), e))

    def _exported(self, out) -> None:
        self.show_status(self.tr("已导出到 {0}").format(out), 15000)
        self.export_finished.emit(Path(out))

    def report_dialog(self) -> None:
        year = self.year or self._today.year
        p = self._save_path(self.tr("导出知识库定期通报"), self.tr("{0}年知识库定期通报.pdf").format(year),
                            self.tr("PDF 文件 (*.pdf);;Excel 工作簿 (*.xlsx)"))
        if p is not None:
            self.report_to(year, p if p.suffix.lower() in (".pdf", ".xlsx") else p.with_name(p.name + ".pdf"))

    def report_to(self, year: int, path: Path) -> None:
        from hotline_desktop.gui.workers import run_in_background

        io = self.services.kb_io
        office = self.services.settings.office_name
        run_in_background(self.window(), self.tr("正在生成定期通报…"), lambda: io.report(year, path, office=office),
                          self._exported, lambda e: self._task_error(self.tr("导出失败"), e))

    def template_dialog(self) -> None:
        from hotline_desktop.core.kb_excel import TEMPLATE_NAME

        p = self._save_path(self.tr("导出知识库导入模板"), TEMPLATE_NAME, self.tr("Excel 工作簿 (*.xlsx)"))
        if p is None:
            return
        try:
            out = self.services.kb_io.export_template(p)
        except OSError as e:
            self.show_error(self.tr("导出失败：{0}").format(e))
            return
        self._exported(out)

    def shutdown(self) -> None:
        self._day_timer.stop()
        for b in self._bridges:
            b.detach()

