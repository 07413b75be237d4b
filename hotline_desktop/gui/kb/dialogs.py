"""Dialogs of the 知识库 tab: entry editor, 审核 (the four checks), a dated action (发布 / 校核 /
撤销), 反馈, and the version history with the character diff.

None saves anything itself: each collects what is typed and hands it to a `submit` callback (the
tab: service call + undo command) that returns a refusal message or None. A refusal is shown in
the dialog, which stays open — nothing half-applied.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core import kb
from hotline_desktop.core.domain import UnitRow
from hotline_desktop.core.kb import (
    CHECKS,
    PROBLEM_TYPES,
    STATUS_LABELS,
    Category,
    CheckResult,
    Content,
    DiffSpan,
)

Submit = Callable[[QDialog], str | None]
ERROR_STYLE = "color: #c62828;"
INSERT_STYLE = "background:#d8f5d0; color:#1b5e20; text-decoration: underline;"
DELETE_STYLE = "background:#fbdada; color:#b71c1c; text-decoration: line-through;"


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _date_edit(parent: QWidget, d: date) -> QDateEdit:
    w = QDateEdit(qdate(d), parent)
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    return w


class _SubmitDialog(QDialog):
    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self._submit = submit
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def try_submit(self) -> None:
        msg = self._submit(self)
        if msg:
            self.show_error(msg)
        else:
            self.accept()


# -- entry editor -----------------------------------------------------------------------------------
class EntryDialog(_SubmitDialog):
    """New entry (采集) or an edit of the working version; a published entry is edited by 修订."""

    def __init__(self, units: list[UnitRow], submit: Submit, parent: QWidget | None = None, *,
                 row=None, content: Content | None = None, title: str | None = None):
        super().__init__(title or (self.tr("新建知识条目（采集）") if row is None else self.tr("修改知识条目")),
                         submit, parent)
        self.resize(760, 620)
        form = QFormLayout()
        self.unit_combo = QComboBox(self)
        self.unit_combo.setEditable(True)
        self.unit_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for u in units:
            self.unit_combo.addItem(f"{u.code} {u.name}", u.code)
        self.category_combo = QComboBox(self)
        for c in Category:
            self.category_combo.addItem(c.value, c.value)
        self.form_combo = QComboBox(self)
        self.form_combo.addItem(self.tr("一问一答"), "qa")
        self.form_combo.addItem(self.tr("其他（文档式）"), "other")
        self.question_edit = QLineEdit(self)
        self.question_edit.setPlaceholderText(self.tr("群众可能怎么问（必填）"))
        self.answer_edit = QPlainTextEdit(self)
        self.answer_edit.setPlaceholderText(self.tr("规范答复口径（必填）"))
        self.basis_name_edit = QLineEdit(self)
        self.basis_name_edit.setPlaceholderText(self.tr("引用的文件名称"))
        self.basis_number_edit = QLineEdit(self)
        self.basis_number_edit.setPlaceholderText(self.tr("如 历政办发〔2026〕3号"))
        self.attachments_spin = QSpinBox(self)
        self.attachments_spin.setRange(0, 999)
        self.attachments_spin.setSuffix(self.tr(" 件"))
        self.effective_check = QCheckBox(self.tr("生效日期"), self)
        self.effective_edit = _date_edit(self, date.today())
        self.effective_edit.setEnabled(False)
        self.effective_check.toggled.connect(self.effective_edit.setEnabled)
        self.review_check = QCheckBox(self.tr("校核期限"), self)
        self.review_check.setToolTip(self.tr("到期前 30 天起列入“到期校核”；不填时发布或校核后自动定为一年后"))
        self.review_edit = _date_edit(self, date.today())
        self.review_edit.setEnabled(False)
        self.review_check.toggled.connect(self.review_edit.setEnabled)
        eff = QHBoxLayout()
        eff.addWidget(self.effective_check)
        eff.addWidget(self.effective_edit)
        eff.addSpacing(24)
        eff.addWidget(self.review_check)
        eff.addWidget(self.review_edit)
        eff.addStretch(1)
        form.addRow(self.tr("承办单位"), self.unit_combo)
        form.addRow(self.tr("类别"), self.category_combo)
        form.addRow(self.tr("形式"), self.form_combo)
        form.addRow(self.tr("问题"), self.question_edit)
        form.addRow(self.tr("答案"), self.answer_edit)
        form.addRow(self.tr("依据文件"), self.basis_name_edit)
        form.addRow(self.tr("文号"), self.basis_number_edit)
        form.addRow(self.tr("附件数量"), self.attachments_spin)
        form.addRow("", eff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_submit)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form, 1)
        lay.addWidget(self.error_label)
        lay.addWidget(buttons)
        if row is not None:
            i = self.unit_combo.findData(row.unit_code)
            self.unit_combo.setCurrentIndex(max(0, i))
            self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(row.category)))
            self.form_combo.setCurrentIndex(max(0, self.form_combo.findData(row.form)))
            if row.review_by is not None:
                self.review_check.setChecked(True)
                self.review_edit.setDate(qdate(row.review_by))
        if content is not None:
            self.set_content(content)

    def set_content(self, c: Content) -> None:
        self.question_edit.setText(c.question)
        self.answer_edit.setPlainText(c.answer)
        self.basis_name_edit.setText(c.basis_name)
        self.basis_number_edit.setText(c.basis_number)
        self.attachments_spin.setValue(c.basis_attachments)
        self.effective_check.setChecked(c.effective_date is not None)
        if c.effective_date:
            self.effective_edit.setDate(qdate(c.effective_date))

    def unit_code(self) -> str:
        data = self.unit_combo.currentData()
        if data and self.unit_combo.currentText().startswith(str(data)):
            return str(data)
        return self.unit_combo.currentText().split(" ")[0].strip()

    def category(self) -> str:
        return self.category_combo.currentData()

    def form(self) -> str:
        return self.form_combo.currentData()

    def review_by(self) -> date | None:
        return pydate(self.review_edit.date()) if self.review_check.isChecked() else None

    def content(self) -> Content:
        return Content(
            self.question_edit.text(), self.answer_edit.toPlainText(), self.basis_name_edit.text(),
            self.basis_number_edit.text(), self.attachments_spin.value(),
            pydate(self.effective_edit.date()) if self.effective_check.isChecked() else None,
        )


# -- review (the four checks) -------------------------------------------------------------------------
class ReviewDialog(_SubmitDialog):
    """Each check 通过 / 不通过 with a comment. 审核通过 only when all four pass; 退回修改 needs a
    failed check (its comment required). After 审核通过 the entry can be published."""

    def __init__(self, question: str, submit: Submit, parent: QWidget | None = None, *, today: date | None = None,
                 previous: list[CheckResult] | None = None):
        super().__init__(self.tr("审核知识条目"), submit, parent)
        self.resize(720, 380)
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("问题：{0}").format(question), self)
        head.setWordWrap(True)
        lay.addWidget(head)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("<b>审核项（第九条）</b>"), self), 0, 0)
        grid.addWidget(QLabel(self.tr("<b>结论</b>"), self), 0, 1, 1, 2)
        grid.addWidget(QLabel(self.tr("<b>意见</b>"), self), 0, 3)
        self.pass_buttons: list[QRadioButton] = []
        self.fail_buttons: list[QRadioButton] = []
        self.comments: list[QLineEdit] = []
        prev = {r.item: r for r in previous or []}
        for i, label in enumerate(CHECKS, start=1):
            grid.addWidget(QLabel(f"{i}. {label}", self), i, 0)
            ok = QRadioButton(self.tr("通过"), self)
            bad = QRadioButton(self.tr("不通过"), self)
            group = QButtonGroup(self)
            group.addButton(ok)
            group.addButton(bad)
            comment = QLineEdit(self)
            comment.setPlaceholderText(self.tr("不通过时必填"))
            if i in prev and not prev[i].passed:
                comment.setPlaceholderText(self.tr("上次：{0}").format(prev[i].comment))
            grid.addWidget(ok, i, 1)
            grid.addWidget(bad, i, 2)
            grid.addWidget(comment, i, 3)
            ok.toggled.connect(self._update)
            bad.toggled.connect(self._update)
            comment.textChanged.connect(self._update)
            self.pass_buttons.append(ok)
            self.fail_buttons.append(bad)
            self.comments.append(comment)
        grid.setColumnStretch(3, 1)
        lay.addLayout(grid)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("审核日期"), self))
        self.date_edit = _date_edit(self, today or date.today())
        row.addWidget(self.date_edit)
        row.addStretch(1)
        lay.addLayout(row)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        lay.addWidget(self.error_label)
        buttons = QDialogButtonBox(self)
        self.pass_button = QPushButton(self.tr("审核通过"), self)
        self.return_button = QPushButton(self.tr("退回修改"), self)
        cancel = QPushButton(self.tr("取消"), self)
        buttons.addButton(self.pass_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.return_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.pass_button.clicked.connect(self.try_submit)
        self.return_button.clicked.connect(self.try_submit)
        cancel.clicked.connect(self.reject)
        lay.addWidget(buttons)
        self._update()

    def results(self) -> list[CheckResult]:
        out = []
        for i, (ok, bad, c) in enumerate(zip(self.pass_buttons, self.fail_buttons, self.comments, strict=True), 1):
            if ok.isChecked() or bad.isChecked():
                out.append(CheckResult(i, ok.isChecked(), c.text().strip()))
        return out

    def day(self) -> date:
        return pydate(self.date_edit.date())

    def _update(self) -> None:
        res = self.results()
        complete = len(res) == len(CHECKS)
        all_pass = complete and all(r.passed for r in res)
        failed = [r for r in res if not r.passed]
        self.pass_button.setEnabled(all_pass)
        self.return_button.setEnabled(complete and bool(failed) and all(r.comment for r in failed))
        if not complete:
            self.hint.setText(self.tr("请逐项选择“通过”或“不通过”（四项全部通过才能发布）。"))
        elif all_pass:
            self.hint.setText(self.tr("四项全部通过：审核通过后即可发布。"))
        else:
            names = "、".join(f"{r.item}. {r.label}" for r in failed)
            need = "" if all(r.comment for r in failed) else self.tr("（请填写不通过的理由）")
            self.hint.setText(self.tr("未通过：{0}{1}，只能退回修改。").format(names, need))


# -- a dated action ---------------------------------------------------------------------------------------
class DayDialog(_SubmitDialog):
    """发布 / 校核 (a date) or 撤销 (a date and the unit's reason)."""

    def __init__(self, title: str, intro: str, submit: Submit, parent: QWidget | None = None, *,
                 today: date | None = None, reason_label: str | None = None, ok_text: str = "确定"):
        super().__init__(title, submit, parent)
        lay = QVBoxLayout(self)
        label = QLabel(intro, self)
        label.setWordWrap(True)
        lay.addWidget(label)
        form = QFormLayout()
        self.date_edit = _date_edit(self, today or date.today())
        form.addRow(self.tr("日期"), self.date_edit)
        self.reason_edit: QLineEdit | None = None
        if reason_label:
            self.reason_edit = QLineEdit(self)
            form.addRow(reason_label, self.reason_edit)
        lay.addLayout(form)
        lay.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_submit)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def day(self) -> date:
        return pydate(self.date_edit.date())

    def reason(self) -> str:
        return self.reason_edit.text() if self.reason_edit is not None else ""


class FeedbackDialog(_SubmitDialog):
    """反馈 (第十三条): a problem type and a note; the due date is shown as working days are counted."""

    def __init__(self, question: str, submit: Submit, due_for: Callable[[date], date], workdays: int,
                 parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(self.tr("反馈知识库问题"), submit, parent)
        self._due_for = due_for
        self._workdays = workdays
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("问题：{0}").format(question), self)
        head.setWordWrap(True)
        lay.addWidget(head)
        form = QFormLayout()
        self.type_combo = QComboBox(self)
        for t in PROBLEM_TYPES:
            self.type_combo.addItem(t, t)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText(self.tr("具体问题（必填）"))
        self.note_edit.setFixedHeight(90)
        self.date_edit = _date_edit(self, today or date.today())
        self.due_label = QLabel(self)
        self.date_edit.dateChanged.connect(self._show_due)
        form.addRow(self.tr("问题类型"), self.type_combo)
        form.addRow(self.tr("说明"), self.note_edit)
        form.addRow(self.tr("反馈日期"), self.date_edit)
        form.addRow(self.tr("办结期限"), self.due_label)
        lay.addLayout(form)
        lay.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("反馈"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_submit)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(520, self.sizeHint().height())
        self._show_due()

    def _show_due(self) -> None:
        due = self._due_for(self.day())
        self.due_label.setText(self.tr("{0}（{1} 个工作日内办结）").format(cn_date(due), self._workdays))

    def day(self) -> date:
        return pydate(self.date_edit.date())

    def problem_type(self) -> str:
        return self.type_combo.currentData()

    def note(self) -> str:
        return self.note_edit.toPlainText()


# -- versions and the diff -------------------------------------------------------------------------------
def diff_html(spans: list[DiffSpan]) -> str:
    """Inserted text green and underlined, deleted red and struck through; line breaks kept."""
    parts = []
    for s in spans:
        t = escape(s.text).replace("\n", "<br/>")
        if s.kind == "insert":
            parts.append(f'<span style="{INSERT_STYLE}">{t}</span>')
        elif s.kind == "delete":
            parts.append(f'<span style="{DELETE_STYLE}">{t}</span>')
        else:
            parts.append(t)
    return "<div style='line-height:150%'>" + "".join(parts) + "</div>"


def version_label(number: int, status: str, published_on: date | None) -> str:
    st = "已被替代" if status == kb.SUPERSEDED else STATUS_LABELS.get(kb.Status(status), status) \
        if status in {s.value for s in kb.Status} else status
    return f"第 {number} 版 · {st}" + (f" · {published_on.isoformat()} 发布" if published_on else "")


class VersionHistoryDialog(QDialog):
    """Every version of an entry; the diff between any two (default: the last two)."""

    def __init__(self, detail, diff: Callable[[int, int], list[DiffSpan]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("版本历史 — 条目 {0}").format(detail.row.id))
        self.resize(980, 600)
        self._diff = diff
        self.detail = detail
        versions = detail.versions
        self.list = QListWidget(self)
        for n, st, pub, _c in versions:
            item = QListWidgetItem(version_label(n, st, pub))
            item.setData(Qt.ItemDataRole.UserRole, n)
            self.list.addItem(item)
        self.old_combo = QComboBox(self)
        self.new_combo = QComboBox(self)
        for n, st, pub, _c in versions:
            self.old_combo.addItem(version_label(n, st, pub), n)
            self.new_combo.addItem(version_label(n, st, pub), n)
        self.old_combo.setCurrentIndex(max(0, len(versions) - 2))
        self.new_combo.setCurrentIndex(len(versions) - 1)
        self.old_combo.currentIndexChanged.connect(self.refresh)
        self.new_combo.currentIndexChanged.connect(self.refresh)
        self.list.setCurrentRow(len(versions) - 1)
        self.list.currentRowChanged.connect(self._pick)
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        legend = QLabel(
            self.tr('<span style="{0}">新增的文字</span>　<span style="{1}">删除的文字</span>').format(
                INSERT_STYLE, DELETE_STYLE), self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("比较"), self))
        top.addWidget(self.old_combo, 1)
        top.addWidget(QLabel("→", self))
        top.addWidget(self.new_combo, 1)
        top.addWidget(legend)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(top)
        rl.addWidget(self.view, 1)
        split = QSplitter(self)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([230, 750])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(buttons)
        self.refresh()

    def _pick(self, row: int) -> None:
        """Selecting a version compares it with the one before it."""
        if row < 0:
            return
        self.new_combo.setCurrentIndex(row)
        self.old_combo.setCurrentIndex(max(0, row - 1))

    def refresh(self) -> None:
        a, b = self.old_combo.currentData(), self.new_combo.currentData()
        if a is None or b is None:
            return
        if a == b:
            c = next(c for n, _s, _p, c in self.detail.versions if n == a)
            self.view.setHtml(diff_html([DiffSpan("equal", c.as_text())]))
            return
        self.view.setHtml(diff_html(self._diff(a, b)))
