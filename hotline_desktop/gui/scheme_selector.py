"""Toolbar widget: the assessment scheme of the chosen year, and assigning one to the year."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.scheme_catalog import USER
from hotline_desktop.core.scoring.errors import SchemeError
from hotline_desktop.services.errors import ServiceError


class AssignSchemeDialog(QDialog):
    """Pick a scheme (built-in or from the user schemes folder) for a year; explains that its definition
    is frozen with the year. A broken user file is listed, disabled, with its problem as tooltip."""

    def __init__(self, year: int, taken: set[str], entries, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("为 {0} 年指定考核方案").format(year))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr(
            "指定后，该方案的定义将随 {0} 年一起保存（冻结）：以后修改方案文件不会改变本年度的结果。"
        ).format(year), wordWrap=True))
        self.list = QListWidget(self)
        for e in entries:
            user = self.tr("［用户方案］") if e.origin == USER else ""
            item = QListWidgetItem(f"{user}{e.title}（{e.id}）" if e.ok else self.tr("［用户方案］{0} — 有误，不能使用").format(e.path.name))
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            if e.id in taken or not e.ok:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                if e.ok:
                    item.setText(item.text() + self.tr(" — 已指定"))
            item.setToolTip(e.scheme.source if e.ok else e.problem)
            self.list.addItem(item)
        lay.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self.resize(520, 300)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        if item is None or not (item.flags() & Qt.ItemFlag.ItemIsEnabled):
            return None
        return item.data(Qt.ItemDataRole.UserRole)


class SchemeSelector(QWidget):
    """Combo of the schemes assigned to the year, plus 指定方案…; emits the chosen YearSchemeRow."""

    scheme_changed = Signal(object)  # YearSchemeRow | None

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.year: int | None = None
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(self.tr(" 考核方案：")))
        self.combo = QComboBox(self)
        self.combo.setMinimumContentsLength(24)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.currentIndexChanged.connect(self._emit)
        lay.addWidget(self.combo)
        self.assign_button = QToolButton(self)
        self.assign_button.setText(self.tr("指定方案…"))
        self.assign_button.setToolTip(self.tr("为本年度指定考核方案（方案定义随年度冻结）"))
        self.assign_button.clicked.connect(self.assign_dialog)
        lay.addWidget(self.assign_button)
        self._rows = []
        self._assigning = False
        from hotline_desktop.gui.bridge import EventBridge

        # a scheme assigned elsewhere (another seat on a server database): the combo follows
        self._assignments = EventBridge(services.assessment.assignments_changed, self)
        self._assignments.fired.connect(lambda args: self._on_assigned(*args))

    def current(self):
        i = self.combo.currentIndex()
        return self._rows[i] if 0 <= i < len(self._rows) else None

    def set_year(self, year: int, prefer: str | None = None) -> None:
        self.year = year
        keep = prefer or (self.current().scheme_id if self.current() else None)
        self._rows = sorted(self.services.assessment.assignments(year), key=lambda r: r.scheme_id)
        self.combo.blockSignals(True)
        self.combo.clear()
        for r in self._rows:
            self.combo.addItem(r.title, r.id)
            self.combo.setItemData(self.combo.count() - 1, r.scheme_id, Qt.ItemDataRole.ToolTipRole)
        if not self._rows:
            self.combo.addItem(self.tr("（本年度尚未指定方案）"))
        idx = next((i for i, r in enumerate(self._rows) if r.scheme_id == keep), 0)
        self.combo.setCurrentIndex(idx)
        self.combo.setEnabled(bool(self._rows))
        self.combo.blockSignals(False)
        self._emit()

    def select(self, scheme_id: str) -> bool:
        for i, r in enumerate(self._rows):
            if r.scheme_id == scheme_id:
                self.combo.setCurrentIndex(i)
                return True
        return False

    def assign(self, scheme_id: str):
        """Assign without a dialog (also used by tests); returns the new row."""
        self._assigning = True
        try:
            row = self.services.assessment.assign(self.year, scheme_id)
        finally:
            self._assigning = False
        self.set_year(self.year, prefer=scheme_id)
        return row

    def _on_assigned(self, year: int) -> None:
        if self._assigning or year != self.year:
            return
        if {r.id for r in self.services.assessment.assignments(year)} != {r.id for r in self._rows}:
            self.set_year(year)

    def assign_dialog(self) -> None:
        dlg = AssignSchemeDialog(self.year, {r.scheme_id for r in self._rows}, self.services.schemes.catalog(), self)
        if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.chosen():
            return
        try:
            self.assign(dlg.chosen())
        except (ServiceError, SchemeError) as e:
            QMessageBox.warning(self, self.tr("未能指定方案"), str(e))

    def _emit(self, *_):
        self.scheme_changed.emit(self.current())
