"""文件 → 导入考核方案…: check a .toml scheme file, show what it is (or every problem), copy it into
the user schemes folder (undoable); the scheme is then selectable in 指定方案…."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.scoring import UNIT_KIND_LABELS
from hotline_desktop.core.scoring.errors import SchemeError
from hotline_desktop.gui.commands import ErrorSink, ServiceCommand
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.schemes import SchemeImportRefused


def _tr(text: str) -> str:
    return QCoreApplication.translate("SchemeImport", text)


class ImportSchemeCommand(ServiceCommand):
    """Undo puts the replaced user file back (or removes the new one); redo writes the imported text."""

    def __init__(self, services, scheme_id: str, title: str, text: str, previous: str | None,
                 on_error: ErrorSink | None = None):
        super().__init__(_tr("导入考核方案“{0}”").format(title), on_error)
        self.services, self.scheme_id, self.new_text, self.previous = services, scheme_id, text, previous

    def do_undo(self) -> None:
        self.services.schemes.restore_file(self.scheme_id, self.previous)

    def do_redo(self) -> None:
        self.services.schemes.restore_file(self.scheme_id, self.new_text, action="redo")


def _summary(check) -> str:
    s = check.scheme
    kinds = "、".join(UNIT_KIND_LABELS.get(k, k) for k in s.unit_kinds)
    groups = "、".join(g.label for g in s.groups)
    lines = [
        _tr("方案编号：{0}").format(s.id),
        _tr("名称：{0}").format(s.title),
        _tr("版本：{0}").format(s.version),
        _tr("适用单位：{0}").format(kinds),
        _tr("排名组：{0}").format(groups),
        _tr("指标：月度 {0} 项，年度 {1} 项").format(len(s.monthly_indicators), len(s.annual_indicators)),
    ]
    if s.source:
        lines.append(_tr("依据：{0}").format(s.source))
    lines.append(_tr("保存为：{0}").format(check.target))
    return "\n".join(lines)


class SchemeImportDialog(QDialog):
    """Shows the checked file; `import_now()` (the 导入 button) copies it. A file with problems lists them
    and cannot be imported; a user scheme of the same id is replaced only after a confirm."""

    def __init__(self, services, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.path = Path(path)
        self.result_ = None
        self.setWindowTitle(self.tr("导入考核方案"))
        self.resize(620, 420)
        lay = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        lay.addWidget(self.heading)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        lay.addWidget(self.details, 1)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.import_now)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.check = None
        self._check()

    def _check(self) -> None:
        name = self.path.name
        try:
            self.check = self.services.schemes.check_import(self.path)
        except SchemeError as e:
            self.heading.setText(self.tr("“{0}”不是有效的考核方案，未导入。请按下列位置修改文件后再导入：").format(name))
            self.details.setPlainText("\n".join(str(p) for p in e.problems))
            self.import_button.setEnabled(False)
            return
        except SchemeImportRefused as e:
            self.heading.setText(self.tr("“{0}”不能导入：").format(name))
            self.details.setPlainText(str(e))
            self.import_button.setEnabled(False)
            return
        text = _summary(self.check)
        if self.check.replaces is not None:
            self.heading.setText(self.tr("已有同编号的用户方案“{0}”。导入将替换它（已指定该方案的年度仍使用各自冻结的版本）。")
                                 .format(self.check.replaces.title))
            self.import_button.setText(self.tr("替换…"))
        else:
            self.heading.setText(self.tr("方案文件检查通过。导入后可在工具栏“指定方案…”中为年度选用。"))
        self.details.setPlainText(text)

    def import_now(self) -> None:
        if self.check is None:
            return
        replace = self.check.replaces is not None
        if replace:
            answer = QMessageBox.question(
                self, self.tr("确认替换"),
                self.tr("用“{0}”替换用户方案“{1}”（{2}）吗？").format(
                    self.path.name, self.check.replaces.title, self.check.scheme.id),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.result_ = self.services.schemes.import_file(self.path, replace=replace)
        except (ServiceError, SchemeError, SchemeImportRefused) as e:
            QMessageBox.warning(self, self.tr("未能导入考核方案"), str(e))
            return
        self.accept()


def import_scheme(window, path: Path | None = None):
    """The menu action: pick a file, check and import it, push the undo. Returns the ImportResult or None."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(window, _tr("导入考核方案"), "", _tr("考核方案 (*.toml);;所有文件 (*)"))
        if not chosen:
            return None
        path = Path(chosen)
    dlg = SchemeImportDialog(window.services, path, window)
    if dlg.exec() != QDialog.DialogCode.Accepted or dlg.result_ is None:
        return None
    r = dlg.result_
    window.registers_undo.push(ImportSchemeCommand(window.services, r.entry.id, r.entry.title, r.entry.scheme.text,
                                                   r.previous_text,
                                                   lambda msg: QMessageBox.warning(window, _tr("考核方案"), msg)))
    window.undo_group.setActiveStack(window.registers_undo)
    window.show_message(_tr("已导入考核方案“{0}”（{1}），可在“指定方案…”中为年度选用").format(r.entry.title, r.entry.id), 15000)
    return r
