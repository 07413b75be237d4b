"""文件 → 设置…: the office's settings (stored in the database, validated whole, undoable)."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core import settings as core
from hotline_desktop.gui.calendar.commands import SettingsCommand
from hotline_desktop.services.errors import ValidationFailed

ERROR_STYLE = "color:#b42318;"


class SettingsDialog(QDialog):
    def __init__(self, services, undo_stack: QUndoStack | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.setWindowTitle(self.tr("设置"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.prefix_edit = QLineEdit(self)
        self.prefix_edit.setMaxLength(core.PREFIX_MAX)
        self.office_edit = QLineEdit(self)
        self.office_edit.setMaxLength(core.OFFICE_NAME_MAX)
        self.escalation_spin = QSpinBox(self)
        self.kb_spin = QSpinBox(self)
        for sp in (self.escalation_spin, self.kb_spin):
            sp.setRange(*core.DAYS_RANGE)
            sp.setSuffix(self.tr(" 个工作日"))
        self.hours_edit = QLineEdit(self)
        self.hours_edit.setPlaceholderText("8:30–12:00、13:30–17:30")
        self.preview_label = QLabel(self)
        self.preview_label.setStyleSheet("color:#555;")
        self.preview_label.setWordWrap(True)
        self.error_labels: dict[str, QLabel] = {}
        rows = [
            ("notice_prefix", self.tr("督办编号前缀"), self.prefix_edit),
            ("office_name", self.tr("单位名称（督办通知标题）"), self.office_edit),
            ("escalation_workdays", self.tr("催办后通报期限"), self.escalation_spin),
            ("kb_feedback_workdays", self.tr("知识库纠错反馈期限"), self.kb_spin),
            ("office_hours", self.tr("办公时间"), self.hours_edit),
        ]
        for name, label, widget in rows:
            form.addRow(label, widget)
            err = QLabel(self)
            err.setStyleSheet(ERROR_STYLE)
            err.setWordWrap(True)
            err.hide()
            form.addRow("", err)
            self.error_labels[name] = err
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        hint = QLabel(self.tr("通报期限：逾期督办通知在催办通知之后再过 N 个工作日仍未办结，即进入通报。"), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load()
        for w in (self.prefix_edit, self.office_edit):
            w.textChanged.connect(self._update_preview)
        self._update_preview()

    def _load(self) -> None:
        s = self.services.settings.current()
        self.prefix_edit.setText(s.notice_prefix)
        self.office_edit.setText(s.office_name)
        self.escalation_spin.setValue(s.escalation_workdays)
        self.kb_spin.setValue(s.kb_feedback_workdays)
        self.hours_edit.setText(core.format_hours(s.office_hours))

    def texts(self) -> dict[str, str]:
        return {
            "notice_prefix": self.prefix_edit.text(),
            "office_name": self.office_edit.text(),
            "escalation_workdays": str(self.escalation_spin.value()),
            "kb_feedback_workdays": str(self.kb_spin.value()),
            "office_hours": self.hours_edit.text(),
        }

    def _update_preview(self) -> None:
        prefix = self.prefix_edit.text().strip() or "督"
        office = self.office_edit.text().strip() or "……"
        self.preview_label.setText(self.tr("编号示例：{0}（{1}）1号　　通知标题：（{2}）部门督办通知").format(
            prefix, date.today().year, office))

    def errors(self) -> dict[str, str]:
        return {n: lab.text() for n, lab in self.error_labels.items() if not lab.isHidden()}

    def _show_errors(self, errs: dict[str, str]) -> None:
        for n, lab in self.error_labels.items():
            msg = errs.get(n)
            lab.setText(msg or "")
            lab.setVisible(bool(msg))

    def accept(self) -> None:
        old = self.services.settings.texts()
        try:
            changes = self.services.settings.update(self.texts())
        except ValidationFailed as e:
            self._show_errors(e.errors.errors)
            return
        self._show_errors({})
        if changes:
            new = {n: v for n, (_o, v) in changes.items()}
            self.undo_stack.push(SettingsCommand(self.services, {n: old[n] for n in new}, new))
        super().accept()
