"""Dialogs of the 督办通知 tab: issue/edit (Qt Designer form), 办结, 延期, 作废.

None of them saves anything itself: each collects what is typed, checks what it can, and hands
it to a `submit` callback (the tab, which calls the service and pushes the undo command). A
refusal from the service is shown in the dialog, which then stays open — nothing half-applied.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core import notices as rules
from hotline_desktop.core.domain import UnitRow
from hotline_desktop.core.notices import Channel, ExtensionState, Level, NoticeRow, cn_date, split_orders
from hotline_desktop.gui.field_errors import FieldErrors
from hotline_desktop.gui.ui_notice_dialog import Ui_NoticeDialog
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.notices import MAX_DAYS, NoticeDraft

Submit = Callable[["QDialog"], str | None]  # returns a refusal message, or None when saved

ERROR_STYLE = "color: #c62828;"
NOTE_STYLE = "color: #9a5b00;"
WEEKDAYS = "一二三四五六日"


def _tr(text: str) -> str:
    return QCoreApplication.translate("NoticeDialogs", text)


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def due_label(d: date) -> str:
    return f"{cn_date(d)}（星期{WEEKDAYS[d.weekday()]}）"


def _error_label(label: QLabel) -> QLabel:
    label.setProperty("errorText", True)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class _SubmitDialog(QDialog):
    """accept() runs `check()` then `submit(self)`; it closes only when both found no problem."""

    def __init__(self, submit: Submit | None, parent: QWidget | None):
        super().__init__(parent)
        self._submit = submit
        self.general_error: QLabel | None = None

    def check(self) -> dict[str, str]:
        return {}

    def show_errors(self, errors: dict[str, str]) -> None:
        raise NotImplementedError

    def errors(self) -> dict[str, str]:
        raise NotImplementedError

    def accept(self) -> None:
        errs = self.check()
        if errs:
            self.show_errors(errs)
            return
        if self._submit is not None:
            refusal = self._submit(self)
            if refusal:
                self.show_errors({"": refusal})
                return
        super().accept()


# -- 新建 / 编辑 ---------------------------------------------------------------------------------
class NoticeDialog(FieldErrors, _SubmitDialog):
    """Issue a new notice (`notice` None) or edit one. `draft()` / `changes()` give what is typed."""

    def __init__(self, services, notice: NoticeRow | None = None, parent: QWidget | None = None, *,
                 units: list[UnitRow] | None = None, submit: Submit | None = None, today: date | None = None):
        super().__init__(submit, parent)
        self.services = services
        self.notice = notice
        self.ui = Ui_NoticeDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(self.tr("编辑督办通知 {0}").format(notice.number) if notice else self.tr("新建督办通知"))
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("保存") if notice else self.tr("下达"))
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)

        for c in Channel:
            self.ui.channelCombo.addItem(c.label, c.value)
        for lv in Level:
            text = lv.label + (self.tr("（重）") if lv.heavy else self.tr("（轻）"))
            self.ui.levelCombo.addItem(text, lv.value)
        self.ui.dayKindCombo.addItem(self.tr("个工作日"), False)
        self.ui.dayKindCombo.addItem(self.tr("天（自然日）"), True)
        self.ui.daysSpin.setRange(1, MAX_DAYS)
        self.ui.issuedEdit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
        self._fill_units(units if units is not None else services.units.list())

        self._error_labels = {
            "unit_id": self.ui.unitError, "issued": self.ui.issuedError, "days": self.ui.daysError,
            "content": self.ui.contentError, "orders": self.ui.ordersError, "notes": self.ui.notesError,
            "": self.ui.generalError,
        }
        self._inputs = {
            "unit_id": self.ui.unitCombo, "issued": self.ui.issuedEdit, "days": self.ui.daysSpin,
            "content": self.ui.contentEdit, "orders": self.ui.ordersEdit, "notes": self.ui.notesEdit,
        }
        for lab in self._error_labels.values():
            _error_label(lab)
        self.general_error = self.ui.generalError
        self.ui.dueNote.setStyleSheet(NOTE_STYLE)
        self.ui.dueNote.hide()
        self.ui.contentCount.setStyleSheet("color: #7d8791;")

        self.ui.unitCombo.currentTextChanged.connect(lambda _t: self._clear_error("unit_id"))
        self.ui.contentEdit.textChanged.connect(self._content_changed)
        self.ui.ordersEdit.textEdited.connect(lambda _t: self._clear_error("orders"))
        for sig in (self.ui.issuedEdit.dateChanged, self.ui.daysSpin.valueChanged,
                    self.ui.dayKindCombo.currentIndexChanged):
            sig.connect(lambda *_a: self.update_due())

        if notice is None:
            self.ui.issuedEdit.setDate(qdate(today or services.notices.today()))
            self.ui.daysSpin.setValue(5)
        else:
            self.set_notice(notice)
        self.update_due()
        self._content_changed()
        self.resize(max(self.width(), 640), max(self.sizeHint().height(), 600))
        self.ui.unitCombo.setFocus()

    # -- units ---------------------------------------------------------------------------
    def _fill_units(self, units: list[UnitRow]) -> None:
        combo = self.ui.unitCombo
        own = self.notice.unit_id if self.notice else None
        for u in sorted(units, key=lambda u: (not u.active, u.code)):
            if not u.active and u.id != own:
                continue
            combo.addItem(f"{u.name}（{u.code}）" + ("" if u.active else self.tr(" [停用]")), u.id)
        combo.setCurrentIndex(-1)
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        combo.setCompleter(completer)
        combo.lineEdit().setPlaceholderText(self.tr("输入单位名称或编码搜索"))

    def unit_id(self) -> int | None:
        """The chosen unit: the selected item, or an exact typed name, code or item text."""
        combo = self.ui.unitCombo
        text = combo.currentText().strip()
        if not text:
            return None
        i = combo.currentIndex()
        if i >= 0 and combo.itemText(i) == combo.currentText():
            return combo.itemData(i)
        needle = text.casefold()
        for j in range(combo.count()):
            item = combo.itemText(j)
            name, _, code = item.partition("（")
            if needle in (item.casefold(), name.casefold(), code.split("）")[0].casefold()):
                return combo.itemData(j)
        return None

    def select_unit(self, unit_id: int) -> None:
        self.ui.unitCombo.setCurrentIndex(self.ui.unitCombo.findData(unit_id))

    # -- fields in / out ------------------------------------------------------------------
    def set_notice(self, n: NoticeRow) -> None:
        self.ui.numberValue.setText(n.number)
        self.select_unit(n.unit_id)
        self.ui.channelCombo.setCurrentIndex(self.ui.channelCombo.findData(n.channel.value))
        self.ui.levelCombo.setCurrentIndex(self.ui.levelCombo.findData(n.level.value))
        self.ui.issuedEdit.setDate(qdate(n.issued))
        self.ui.daysSpin.setValue(n.days)
        self.ui.dayKindCombo.setCurrentIndex(1 if n.calendar_days else 0)
        self.ui.contentEdit.setPlainText(n.content)
        self.ui.ordersEdit.setText("，".join(n.orders))
        self.ui.notesEdit.setPlainText(n.notes)
        if n.extended:  # the service refuses to recompute an extended due date
            tip = self.tr("已批准延期，下达时间和督办时限不能再修改")
            for w in (self.ui.issuedEdit, self.ui.daysSpin, self.ui.dayKindCombo):
                w.setEnabled(False)
                w.setToolTip(tip)

    def set_fields(self, *, unit_id: int | None = None, channel: Channel | None = None, level: Level | None = None,
                   issued: date | None = None, days: int | None = None, calendar_days: bool | None = None,
                   content: str | None = None, orders: str | None = None, notes: str | None = None) -> None:
        """Fill fields programmatically (tests, a copy of a notice)."""
        if unit_id is not None:
            self.select_unit(unit_id)
        if channel is not None:
            self.ui.channelCombo.setCurrentIndex(self.ui.channelCombo.findData(Channel(channel).value))
        if level is not None:
            self.ui.levelCombo.setCurrentIndex(self.ui.levelCombo.findData(Level(level).value))
        if issued is not None:
            self.ui.issuedEdit.setDate(qdate(issued))
        if days is not None:
            self.ui.daysSpin.setValue(days)
        if calendar_days is not None:
            self.ui.dayKindCombo.setCurrentIndex(1 if calendar_days else 0)
        if content is not None:
            self.ui.contentEdit.setPlainText(content)
        if orders is not None:
            self.ui.ordersEdit.setText(orders)
        if notes is not None:
            self.ui.notesEdit.setPlainText(notes)

    def issued(self) -> date:
        return pydate(self.ui.issuedEdit.date())

    def calendar_days(self) -> bool:
        return bool(self.ui.dayKindCombo.currentData())

    def draft(self) -> NoticeDraft:
        return NoticeDraft(
            unit_id=self.unit_id() or 0,
            channel=Channel(self.ui.channelCombo.currentData()),
            level=Level(self.ui.levelCombo.currentData()),
            issued=self.issued(),
            days=self.ui.daysSpin.value(),
            calendar_days=self.calendar_days(),
            content=self.ui.contentEdit.toPlainText(),
            orders=split_orders(self.ui.ordersEdit.text()),
            notes=self.ui.notesEdit.toPlainText(),
        )

    def changes(self) -> dict:
        """The fields an edit changes (for NoticeService.update), compared with the notice."""
        n, d = self.notice, self.draft()
        if n is None:
            return {}
        now = {"unit_id": d.unit_id, "channel": d.channel, "level": d.level, "issued": d.issued, "days": d.days,
               "calendar_days": d.calendar_days, "content": d.content.strip(), "orders": d.orders,
               "notes": d.notes.strip()}
        return {k: v for k, v in now.items() if getattr(n, k) != v}

    # -- live due date ---------------------------------------------------------------------
    def update_due(self) -> None:
        """Show the due date the deadline gives (and the assumed-year note) as the fields change."""
        n = self.notice
        if n is not None and n.extended:
            self.ui.dueValue.setText(self.tr("办结时限：{0}（原 {1}，已延期）").format(
                due_label(n.due), cn_date(n.original_due)))
            self.ui.dueNote.hide()
            return
        try:
            due, note = self.services.notices.preview_due(self.issued(), self.ui.daysSpin.value(),
                                                          self.calendar_days())
        except ServiceError as e:
            self.ui.dueValue.setText("")
            self.set_field_errors({"days": str(e)})
            return
        self._clear_error("days")
        self.ui.dueValue.setText(self.tr("办结时限：{0}").format(due_label(due)))
        self.ui.dueNote.setText(note or "")
        self.ui.dueNote.setVisible(bool(note))

    def due_text(self) -> str:
        return self.ui.dueValue.text()

    def due_note(self) -> str:
        return self.ui.dueNote.text() if not self.ui.dueNote.isHidden() else ""

    def _content_changed(self) -> None:
        self._clear_error("content")
        self.ui.contentCount.setText(self.tr("{0} 字").format(len(self.ui.contentEdit.toPlainText().strip())))

    # -- checks and errors -------------------------------------------------------------------
    def check(self) -> dict[str, str]:
        errs: dict[str, str] = {}
        if self.unit_id() is None:
            text = self.ui.unitCombo.currentText().strip()
            errs["unit_id"] = (self.tr("找不到承办单位“{0}”，请从列表中选择").format(text) if text
                               else self.tr("请选择承办单位"))
        if not self.ui.contentEdit.toPlainText().strip():
            errs["content"] = self.tr("请填写督办内容")
        orders = self.ui.ordersEdit.text()
        if len(orders) >= self.ui.ordersEdit.maxLength():  # Qt cut what was pasted at its limit
            problem = self.tr("工单编号太多：此栏最多 {0} 个字符，粘贴的内容超出部分已被截掉（最后一个编号可能不完整），"
                              "请只填写本通知涉及的工单").format(self.ui.ordersEdit.maxLength())
        else:
            problem = rules.orders_problem(split_orders(orders))
        if problem:
            errs["orders"] = problem
        if self.notice is not None and self.issued().year != self.notice.year:
            errs["issued"] = self.tr("下达时间不能改到其他年度（编号 {0} 按 {1} 年编排）").format(
                self.notice.number, self.notice.year)
        return errs


# -- 办结 ----------------------------------------------------------------------------------------
class _SimpleForm(_SubmitDialog):
    """A small coded form: a title line, rows, one error line, OK/取消."""

    def __init__(self, title: str, heading: str, ok_text: str, submit: Submit | None, parent: QWidget | None):
        super().__init__(submit, parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.general_error = _error_label(QLabel(self))
        self.buttons = _buttons(self, ok_text)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addLayout(self.form)
        lay.addWidget(self.general_error)
        lay.addWidget(self.buttons)

    def show_errors(self, errors: dict[str, str]) -> None:
        self.general_error.setText("\n".join(errors.values()))
        self.general_error.show()

    def errors(self) -> dict[str, str]:
        return {"": self.general_error.text()} if not self.general_error.isHidden() else {}

    def _date_edit(self, value: date, minimum: date | None = None) -> QDateEdit:
        e = QDateEdit(self)
        e.setCalendarPopup(True)
        e.setDisplayFormat("yyyy年M月d日")
        e.setDateRange(qdate(minimum or date(2000, 1, 1)), QDate(2100, 12, 31))
        e.setDate(qdate(value))
        e.dateChanged.connect(lambda _d: self.general_error.hide())
        return e


def _heading(n: NoticeRow) -> str:
    return f"{n.number}　{n.unit_name}\n下达 {cn_date(n.issued)}，{n.deadline_text}，办结时限 {cn_date(n.due)}"


class CompleteDialog(_SimpleForm):
    """办结: the result (办理结果) and its date (not before the issue date; default today)."""

    def __init__(self, notice: NoticeRow, today: date, parent: QWidget | None = None, *, submit: Submit | None = None):
        super().__init__(_tr("办结督办通知"), _heading(notice), _tr("办结"), submit, parent)
        self.notice = notice
        self.date_edit = self._date_edit(notice.completed or max(today, notice.issued), notice.issued)
        if today >= notice.issued:  # a completion is recorded once it happened
            self.date_edit.setMaximumDate(qdate(max(today, notice.completed or today)))
        self.result_edit = QPlainTextEdit(self)
        self.result_edit.setTabChangesFocus(True)
        self.result_edit.setPlaceholderText(self.tr("承办单位的办理情况和结果"))
        self.result_edit.setPlainText(notice.result)
        self.result_edit.textChanged.connect(self.general_error.hide)
        self.form.addRow(self.tr("办结日期："), self.date_edit)
        self.form.addRow(self.tr("办理结果："), self.result_edit)
        self.resize(520, 340)
        self.result_edit.setFocus()


    def completed(self) -> date:
        return pydate(self.date_edit.date())

    def result(self) -> str:
        return self.result_edit.toPlainText().strip()

    def check(self) -> dict[str, str]:
        if not self.result():
            return {"result": self.tr("请填写办理结果")}
        if self.completed() < self.notice.issued:
            return {"completed": self.tr("办结日期 {0} 早于下达时间 {1}").format(
                cn_date(self.completed()), cn_date(self.notice.issued))}
        return {}


# -- 延期 ----------------------------------------------------------------------------------------
class ExtensionDialog(_SimpleForm):
    """延期: record the unit's request (N more days, or a new date) and the decision
    (批准 moves the due date; 不批准 keeps it; 暂不审批 leaves the request pending). When a request
    is already pending, the dialog decides that one."""

    APPROVE, REJECT, PENDING = "approve", "reject", "pending"

    def __init__(self, services, notice: NoticeRow, today: date, parent: QWidget | None = None, *,
                 submit: Submit | None = None):
        super().__init__(_tr("督办通知延期"), _heading(notice), _tr("确定"), submit, parent)
        self.services = services
        self.notice = notice
        pending = [e for e in notice.extensions if e.state is ExtensionState.ASKED]
        self.pending = pending[-1] if pending else None
        unit = self.tr("天") if notice.calendar_days else self.tr("个工作日")

        self.asked_edit = self._date_edit(self.pending.asked if self.pending else max(today, notice.issued),
                                          notice.issued)
        self.days_radio = QRadioButton(self.tr("延长"), self)
        self.until_radio = QRadioButton(self.tr("延至"), self)
        self.days_spin = QSpinBox(self)
        self.days_spin.setRange(1, MAX_DAYS)
        self.days_spin.setValue(3)
        self.days_spin.setSuffix(" " + unit)
        self.until_edit = self._date_edit(rules.extended_due(services.notices.calendar(), notice.due, 3, None,
                                                             notice.calendar_days))
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.days_radio)
        self.mode.addButton(self.until_radio)
        self.days_radio.setChecked(True)
        row1 = QHBoxLayout()
        row1.addWidget(self.days_radio)
        row1.addWidget(self.days_spin)
        row1.addSpacing(16)
        row1.addWidget(self.until_radio)
        row1.addWidget(self.until_edit)
        row1.addStretch(1)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("承办单位申请延期的理由"))

        self.approve_radio = QRadioButton(self.tr("批准"), self)
        self.reject_radio = QRadioButton(self.tr("不批准"), self)
        self.pending_radio = QRadioButton(self.tr("暂不审批（记为待审批）"), self)
        self.decision = QButtonGroup(self)
        for b in (self.approve_radio, self.reject_radio, self.pending_radio):
            self.decision.addButton(b)
        self.approve_radio.setChecked(True)
        row2 = QHBoxLayout()
        for b in (self.approve_radio, self.reject_radio, self.pending_radio):
            row2.addWidget(b)
        row2.addStretch(1)

        self.preview = QLabel(self)
        self.preview.setWordWrap(True)

        if self.pending is not None:
            e = self.pending
            if e.days is not None:
                self.days_spin.setValue(e.days)
            else:
                self.until_radio.setChecked(True)
                self.until_edit.setDate(qdate(e.until))
            self.reason_edit.setText(e.reason)
            for w in (self.asked_edit, self.days_radio, self.until_radio, self.days_spin, self.until_edit,
                      self.reason_edit):
                w.setEnabled(False)
            self.pending_radio.hide()
            self.heading.setText(self.heading.text() + "\n" + self.tr("{0} 已申请延期，待审批").format(cn_date(e.asked)))

        self.form.addRow(self.tr("申请日期："), self.asked_edit)
        self.form.addRow(self.tr("申请延期："), row1)
        self.form.addRow(self.tr("理由："), self.reason_edit)
        self.form.addRow(self.tr("审批："), row2)
        self.form.addRow("", self.preview)
        for sig in (self.days_spin.valueChanged, self.until_edit.dateChanged, self.mode.buttonToggled,
                    self.decision.buttonToggled):
            sig.connect(lambda *_a: self.update_preview())
        self.until_edit.dateChanged.connect(lambda _d: self.until_radio.setChecked(True))
        self.days_spin.valueChanged.connect(lambda _v: self.days_radio.setChecked(True))
        self.update_preview()
        self.resize(600, self.sizeHint().height())


    def choice(self) -> str:
        if self.reject_radio.isChecked():
            return self.REJECT
        if self.pending_radio.isChecked():
            return self.PENDING
        return self.APPROVE

    def days(self) -> int | None:
        return self.days_spin.value() if self.days_radio.isChecked() else None

    def until(self) -> date | None:
        return pydate(self.until_edit.date()) if self.until_radio.isChecked() else None

    def asked(self) -> date:
        return pydate(self.asked_edit.date())

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def new_due(self) -> date | None:
        cal = self.services.notices.calendar()
        try:
            return rules.extended_due(cal, self.notice.due, self.days(), self.until(), self.notice.calendar_days)
        except ValueError:
            return None

    def update_preview(self) -> None:
        self.general_error.hide()
        n = self.notice
        if self.choice() != self.APPROVE:
            self.preview.setText(self.tr("办结时限不变：{0}").format(due_label(n.due)))
            self.preview.setStyleSheet("")
            return
        new = self.new_due()
        if new is None:
            self.preview.setText(self.tr("新的办结时限应晚于当前时限 {0}").format(cn_date(n.due)))
            self.preview.setStyleSheet(ERROR_STYLE)
            return
        text = self.tr("批准后办结时限：{0}（原 {1}）").format(due_label(new), cn_date(n.original_due))
        note = None if n.calendar_days else self.services.notices.calendar().span_note(n.due, new)
        if note:
            text += "\n" + note
        self.preview.setText(text)
        self.preview.setStyleSheet(NOTE_STYLE if note else "")

    def check(self) -> dict[str, str]:
        if self.choice() == self.APPROVE and self.new_due() is None:
            return {"until": self.tr("新的办结时限应晚于当前时限 {0}").format(cn_date(self.notice.due))}
        if self.asked() < self.notice.issued:
            return {"asked": self.tr("申请日期不能早于下达时间")}
        return {}


# -- 作废 ----------------------------------------------------------------------------------------
class VoidDialog(_SimpleForm):
    def __init__(self, notice: NoticeRow, parent: QWidget | None = None, *, submit: Submit | None = None):
        super().__init__(_tr("作废督办通知"), _heading(notice) + "\n" + _tr(
            "作废后该通知不再计入考核，编号保留、不再使用；可以撤销。"), _tr("作废"), submit, parent)
        self.notice = notice
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("如：重复下达、下达对象有误"))
        self.reason_edit.textEdited.connect(lambda _t: self.general_error.hide())
        self.form.addRow(self.tr("作废原因："), self.reason_edit)
        self.resize(520, self.sizeHint().height())
        self.reason_edit.setFocus()


    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def check(self) -> dict[str, str]:
        return {} if self.reason() else {"reason": self.tr("请填写作废原因")}
