"""月度数据 → 导入工单明细…: pick a file, map its columns (aliases pre-filled; a saved profile or the
operator's choice for unknown headers), check it in a worker, import in a worker with progress and
cancel (cancel leaves nothing), then the computed figures show in the grid. Units the register does
not know are listed with their order counts; mapping one to a unit saves an alias (undoable) and
checks again. 单位别名… and 列对应方案… manage what was saved."""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from hotline_desktop.core.orders import builtin_fields, header_of, match_columns
from hotline_desktop.core.text import clip
from hotline_desktop.services.errors import ServiceError


class OrdersImportDialog(QDialog):
    planned = Signal(object)  # OrderPlan after the background check
    imported = Signal(object)  # ImportResult
    failed = Signal(str)
    file_read = Signal(list)  # the chosen file's header texts (empty when it cannot be read)

    def __init__(self, services, month: str | None = None, parent: QWidget | None = None, undo_stack=None):
        super().__init__(parent)
        from PySide6.QtGui import QUndoStack

        from hotline_desktop.gui.orders.names_dialogs import _undo_actions

        self.services, self.month = services, month
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._gen = 0  # the latest check; an older one finishing late is ignored
        self._aliases_checked: dict[str, int] | None = None
        self.unit_pickers: dict[str, tuple] = {}  # unmatched name → (UnitPicker, button)
        self.path: Path | None = None
        self.plan = None
        self.written = None
        self.task = None
        self.headers: list[str] = []
        self.setWindowTitle(self.tr("导入工单明细"))
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("平台导出的工单明细（xlsx / csv / txt）"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        lay.addLayout(row)

        form = QFormLayout()
        self.profile_box = QComboBox()
        self._fill_profiles()
        self.profile_box.currentIndexChanged.connect(self._apply_profile)
        prow = QHBoxLayout()
        prow.addWidget(self.profile_box, 1)
        self.profiles_button = QPushButton(self.tr("列对应方案…"))
        self.profiles_button.setToolTip(self.tr("已保存的列对应方案：改名、删除"))
        self.profiles_button.clicked.connect(lambda: self.open_profiles())
        self.aliases_button = QPushButton(self.tr("单位别名…"))
        self.aliases_button.setToolTip(self.tr("平台上的单位名称与名册中单位的对应：查看、删除"))
        self.aliases_button.clicked.connect(lambda: self.open_aliases())
        prow.addWidget(self.profiles_button)
        prow.addWidget(self.aliases_button)
        form.addRow(self.tr("列对应方案"), prow)
        self.month_check = QCheckBox(self.tr("只导入 {0} 受理的工单").format(month) if month else "")
        self.month_check.setVisible(bool(month))
        form.addRow("", self.month_check)
        lay.addLayout(form)

        self.map_group = QGroupBox(self.tr("列对应（* 为必需）"))
        grid = QGridLayout(self.map_group)
        self.map_boxes: dict[str, QComboBox] = {}
        for i, f in enumerate(builtin_fields()):
            box = QComboBox()
            box.setMinimumWidth(150)
            self.map_boxes[f.key] = box
            grid.addWidget(QLabel(f.name + (" *" if f.required else "")), i // 3, (i % 3) * 2)
            grid.addWidget(box, i // 3, (i % 3) * 2 + 1)
        lay.addWidget(self.map_group)
        save_row = QHBoxLayout()
        self.save_check = QCheckBox(self.tr("把列对应保存为方案"))
        self.save_name = QLineEdit()
        self.save_name.setPlaceholderText(self.tr("方案名称，如 区平台"))
        save_row.addWidget(self.save_check)
        save_row.addWidget(self.save_name, 1)
        lay.addLayout(save_row)

        self.summary = QLabel(self.tr("请选择文件。"))
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.unmatched_group = QGroupBox(self.tr("名册中找不到的单位（对应到单位后保存为别名，并重新检查）"))
        ug = QVBoxLayout(self.unmatched_group)
        self.unmatched_area = QScrollArea()
        self.unmatched_area.setWidgetResizable(True)
        self.unmatched_area.setMaximumHeight(170)
        ug.addWidget(self.unmatched_area)
        self.unmatched_group.setVisible(False)
        lay.addWidget(self.unmatched_group)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setMaximumBlockCount(2000)
        self.problems.setPlaceholderText(self.tr("检查后在此列出有问题的行（行号和原因）"))
        lay.addWidget(self.problems, 1)
        self.only_good = QCheckBox(self.tr("只导入无误的行（有问题的行不导入）"))
        self.only_good.toggled.connect(self._update_buttons)
        lay.addWidget(self.only_good)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.check_button = self.buttons.addButton(self.tr("检查"), QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button = self.buttons.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._update_buttons()
        _undo_actions(self, self.undo_stack)
        self.undo_stack.indexChanged.connect(self._maybe_recheck)
        self.undo_stack.indexChanged.connect(self._fill_profiles)
        self.resize(860, 700)

    # -- file and mapping ---------------------------------------------------------------------
    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择工单明细"), "",
                                              self.tr("工单明细 (*.xlsx *.xls *.csv *.txt);;所有文件 (*)"))
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> None:
        """Read the file's first rows in a worker (a big xlsx takes seconds to open: the window
        stays live), then fill the column boxes; `file_read` reports the headers."""
        from hotline_desktop.gui.workers import run_in_background
        from hotline_desktop.services.orders import iter_table_file

        self.path = p = Path(path)
        self.file_edit.setText(str(p))
        self.plan = None
        self.headers = []
        self._gen += 1  # a read or check of an earlier file finishing late is ignored
        gen = self._gen
        self.summary.setText(self.tr("正在读取“{0}”…").format(p.name))
        self.problems.clear()
        self.unmatched_group.setVisible(False)
        self._update_buttons()
        self.task = run_in_background(self, self.tr("正在读取工单明细…"),
                                      lambda: list(itertools.islice(iter_table_file(p), 10)),
                                      lambda head: gen == self._gen and self._file_read(head),
                                      lambda e: gen == self._gen and self._file_failed(e))

    def _file_read(self, head: list) -> None:
        if not isValid(self.summary):
            return
        header, _start = header_of(head)
        self.headers = [str(c).strip() for c in header if c not in (None, "")]
        self._fill_boxes()
        self._apply_profile()
        missing = [f.name for f in builtin_fields() if f.required and not self.map_boxes[f.key].currentData()]
        self.summary.setText(self.tr("文件中的列：{0}").format("、".join(clip(h, 30) for h in self.headers)) + (
            self.tr("\n请为 {0} 选择对应的列。").format("、".join(missing)) if missing else ""))
        self._update_buttons()
        self.file_read.emit(list(self.headers))

    def _file_failed(self, e: BaseException) -> None:
        if not isValid(self.summary):
            return
        self.summary.setText(str(e) if isinstance(e, ServiceError) else
                             self.tr("无法读取“{0}”：{1}").format(self.path.name if self.path else "", e))
        self.headers = []
        self._update_buttons()
        self.file_read.emit([])

    def _fill_boxes(self) -> None:
        match = match_columns(self.headers)
        for key, box in self.map_boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr("（无）"), None)
            for h in self.headers:
                box.addItem(h, h)
            idx = match.columns.get(key)
            box.setCurrentIndex(idx + 1 if idx is not None else 0)
            box.blockSignals(False)

    def _fill_profiles(self) -> None:
        if not isValid(self.profile_box):  # the undo stack outlived the dialog's widgets
            return
        keep = self.profile_box.currentData()
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        self.profile_box.addItem(self.tr("（按列名自动对应）"), None)
        for name in sorted(self.services.orders.profiles()):
            self.profile_box.addItem(name, name)
        self.profile_box.setCurrentIndex(max(0, self.profile_box.findData(keep)) if keep else 0)
        self.profile_box.blockSignals(False)

    def open_profiles(self):
        from hotline_desktop.gui.orders.names_dialogs import ProfilesDialog

        dlg = ProfilesDialog(self.services, self.undo_stack, self)
        dlg.finished.connect(dlg.deleteLater)
        dlg.changed.connect(self._fill_profiles)
        self.profiles_dialog = dlg
        dlg.open()
        return dlg

    def open_aliases(self):
        from hotline_desktop.gui.orders.names_dialogs import AliasesDialog

        dlg = AliasesDialog(self.services, self.undo_stack, self)
        dlg.finished.connect(dlg.deleteLater)
        dlg.changed.connect(self._maybe_recheck)
        self.aliases_dialog = dlg
        dlg.open()
        return dlg

    def _apply_profile(self) -> None:
        name = self.profile_box.currentData()
        if not name or not self.headers:
            return
        by_name = {f.name: f.key for f in builtin_fields()}
        for fname, header in self.services.orders.profiles().get(name, {}).items():
            box = self.map_boxes.get(by_name.get(fname, ""))
            if box is not None and (i := box.findData(header)) >= 0:
                box.setCurrentIndex(i)

    def mapping(self) -> dict[str, str]:
        by_key = {f.key: f.name for f in builtin_fields()}
        return {by_key[k]: box.currentData() for k, box in self.map_boxes.items() if box.currentData()}

    # -- check and import ---------------------------------------------------------------------
    def _update_buttons(self) -> None:
        self.check_button.setEnabled(self.path is not None and bool(self.headers))
        ok = self.plan is not None and len(self.plan.table) > 0 and (not self.plan.problems or self.only_good.isChecked())
        self.import_button.setEnabled(ok)

    def check(self) -> None:
        """Check the file in a worker, with progress and 取消 (a big file takes a while)."""
        from hotline_desktop.gui.workers import run_with_progress

        orders, path, mapping = self.services.orders, self.path, self.mapping()
        month = self.month if self.month_check.isChecked() else None
        self.summary.setText(self.tr("正在检查…"))
        self._gen += 1
        gen = self._gen
        self._aliases_checked = orders.aliases()

        def work(progress, cancelled):
            def step(done, total):
                progress(100 * done // max(1, total))
                return not cancelled()
            return orders.plan(path, mapping=mapping, month=month, progress=step)

        self.task = run_with_progress(self, self.tr("正在检查工单明细…"), work,
                                      lambda p: gen == self._gen and self._planned(p),
                                      lambda e: gen == self._gen and self._failed(e))

    def _planned(self, plan) -> None:
        self.plan = plan
        self._fill_unmatched(plan)
        replaced = "".join(self.tr("；将替换 {0} 原有 {1} 件").format(m, n) for m, n in plan.replaced.items())
        self.summary.setText(plan.summary() + replaced)
        self.problems.setPlainText("\n".join(plan.problems))
        self._update_buttons()
        self.planned.emit(plan)

    def _failed(self, e: BaseException) -> None:
        if not isValid(self.summary):
            return
        self.summary.setText(self.tr("已取消检查。") if isinstance(e, InterruptedError) else str(e))
        self.plan = None
        self._update_buttons()
        self.failed.emit(str(e))

    # -- unmatched units ------------------------------------------------------------------------
    def _fill_unmatched(self, plan) -> None:
        from hotline_desktop.gui.orders.names_dialogs import UnitPicker

        self.unit_pickers = {}
        box = QWidget()
        grid = QGridLayout(box)
        units = self.services.units.list() if plan.unmatched else []
        for r, (name, rows) in enumerate(sorted(plan.unmatched.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
            label = QLabel(self.tr("{0}（{1} 件）").format(clip(name), len(rows)) + (
                self.tr("：同名单位 {0}").format("、".join(plan.ambiguous[name])) if name in plan.ambiguous else ""))
            label.setWordWrap(True)
            picker = UnitPicker(units)
            button = QPushButton(self.tr("对应到单位"))
            button.clicked.connect(lambda _=False, n=name: self.map_unit(n))
            grid.addWidget(label, r, 0)
            grid.addWidget(picker, r, 1)
            grid.addWidget(button, r, 2)
            self.unit_pickers[name] = (picker, button)
        grid.setColumnStretch(0, 1)
        self.unmatched_area.setWidget(box)
        self.unmatched_group.setVisible(bool(plan.unmatched))

    def map_unit(self, name: str, code: str | None = None) -> bool:
        """Save `name` as an alias of the picked unit (undoable) and check the file again."""
        from hotline_desktop.gui.orders.commands import SetAliasCommand

        picker, _button = self.unit_pickers[name]
        code = code or picker.code()
        if not code:
            self.summary.setText(self.tr("请为“{0}”选择名册中的单位（输入名称或编码搜索）").format(name))
            return False
        try:
            before = self.services.orders.set_alias(name, code)
        except ServiceError as e:
            self.summary.setText(str(e))
            return False
        self.undo_stack.push(SetAliasCommand(self.services, name, code, before,
                                             self.tr("单位别名 {0} → {1}").format(name, code), self.summary.setText))
        self.check()
        return True

    def _maybe_recheck(self, *_args) -> None:
        """An alias was undone/redone/removed: a checked plan may be stale, so check again."""
        if not isValid(self.summary):
            return
        if self.plan is not None and self._aliases_checked is not None and \
                self.services.orders.aliases() != self._aliases_checked:
            self.check()

    def start_import(self) -> None:
        from hotline_desktop.gui.workers import run_with_progress

        if self.plan is None:
            return
        plan, orders, only_good = self.plan, self.services.orders, self.only_good.isChecked()

        def work(progress, cancelled):
            def step(done, total):
                progress(100 * done // max(1, total))
                return not cancelled()
            written = orders.write(plan, only_good=only_good, progress=step)
            return written, orders.settle(written)  # the moved cells worked out here too, off the GUI thread

        self.import_button.setEnabled(False)
        self.task = run_with_progress(self, self.tr("正在导入工单明细…"), work, self._written, self._import_failed)

    def _written(self, done) -> None:
        written, settled = done
        self.written = written  # for the undo command
        result = self.services.orders.publish(written, settled)  # GUI thread: listeners update here
        if self.save_check.isChecked() and self.save_name.text().strip():
            try:
                self.services.orders.save_profile(self.save_name.text(), self.plan.mapping)
            except ServiceError as e:
                self.failed.emit(str(e))
        self.summary.setText(result.summary())
        self.imported.emit(result)
        self.accept()

    def _import_failed(self, e: BaseException) -> None:
        msg = self.tr("已取消，未导入任何工单。") if isinstance(e, InterruptedError) else str(e)
        self.summary.setText(msg)
        self._update_buttons()
        self.failed.emit(msg)
