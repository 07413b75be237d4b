"""月度数据 → 导入工单明细…: pick a file, map its columns (aliases pre-filled; a saved profile or the
operator's choice for unknown headers), check it in a worker, import in a worker with progress and
cancel (cancel leaves nothing), then the computed figures show in the grid."""

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
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.orders import builtin_fields, find_header_row, match_columns
from hotline_desktop.services.errors import ServiceError


class OrdersImportDialog(QDialog):
    planned = Signal(object)  # OrderPlan after the background check
    imported = Signal(object)  # ImportResult
    failed = Signal(str)

    def __init__(self, services, month: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.month = services, month
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
        self.file_edit.setPlaceholderText(self.tr("平台导出的工单明细（xlsx / xls / csv）"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        lay.addLayout(row)

        form = QFormLayout()
        self.profile_box = QComboBox()
        self.profile_box.addItem(self.tr("（按列名自动对应）"), None)
        for name in sorted(services.orders.profiles()):
            self.profile_box.addItem(name, name)
        self.profile_box.currentIndexChanged.connect(self._apply_profile)
        form.addRow(self.tr("列对应方案"), self.profile_box)
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
        self.resize(860, 640)

    # -- file and mapping ---------------------------------------------------------------------
    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择工单明细"), "",
                                              self.tr("工单明细 (*.xlsx *.xls *.csv);;所有文件 (*)"))
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> None:
        from hotline_desktop.services.orders import iter_table_file

        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.plan = None
        try:
            head = list(itertools.islice(iter_table_file(self.path), 10))
        except ServiceError as e:
            self.summary.setText(str(e))
            self.headers = []
            self._update_buttons()
            return
        h = find_header_row(head) if head else 0
        self.headers = [str(c).strip() for c in head[h] if c not in (None, "")] if head else []
        self._fill_boxes()
        self._apply_profile()
        missing = [f.name for f in builtin_fields() if f.required and not self.map_boxes[f.key].currentData()]
        self.summary.setText(self.tr("文件中的列：{0}").format("、".join(self.headers)) + (
            self.tr("\n请为 {0} 选择对应的列。").format("、".join(missing)) if missing else ""))
        self._update_buttons()

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
        from hotline_desktop.gui.workers import run_in_background

        orders, path, mapping = self.services.orders, self.path, self.mapping()
        month = self.month if self.month_check.isChecked() else None
        self.summary.setText(self.tr("正在检查…"))
        self.task = run_in_background(self, self.tr("正在检查工单明细…"),
                                      lambda: orders.plan(path, mapping=mapping, month=month),
                                      self._planned, self._failed)

    def _planned(self, plan) -> None:
        self.plan = plan
        replaced = "".join(self.tr("；将替换 {0} 原有 {1} 件").format(m, n) for m, n in plan.replaced.items())
        self.summary.setText(plan.summary() + replaced)
        self.problems.setPlainText("\n".join(plan.problems))
        self._update_buttons()
        self.planned.emit(plan)

    def _failed(self, e: BaseException) -> None:
        self.summary.setText(str(e))
        self.plan = None
        self._update_buttons()
        self.failed.emit(str(e))

    def start_import(self) -> None:
        from hotline_desktop.gui.workers import run_with_progress

        if self.plan is None:
            return
        plan, orders, only_good = self.plan, self.services.orders, self.only_good.isChecked()

        def work(progress, cancelled):
            def step(done, total):
                progress(100 * done // max(1, total))
                return not cancelled()
            return orders.write(plan, only_good=only_good, progress=step)

        self.import_button.setEnabled(False)
        self.task = run_with_progress(self, self.tr("正在导入工单明细…"), work, self._written, self._import_failed)

    def _written(self, written) -> None:
        self.written = written  # for the undo command
        result = self.services.orders.publish(written)  # GUI thread: listeners update here
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
