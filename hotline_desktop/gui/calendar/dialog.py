"""文件 → 工作日历…: a year as twelve month grids; mark days 节假日 / 调休上班, import a year.

Every edit goes through CalendarService (one transaction, audited) and onto the undo stack.
An edit that would move stored due dates first lists them (AffectedItemsDialog).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hotline_desktop.core.workdays import (
    DAY_KIND_LABELS,
    SOURCE_ASSUMED,
    SOURCE_OFFICE,
    DayKind,
    OfficeDay,
    year_source_label,
)
from hotline_desktop.gui.bridge import EventBridge
from hotline_desktop.gui.calendar.affected import AffectedItemsDialog
from hotline_desktop.gui.calendar.commands import CalendarEditCommand
from hotline_desktop.gui.calendar.year_grid import ADJUSTED, HOLIDAY, OFFICE_MARK, WEEKEND, YearGrid, describe
from hotline_desktop.gui.row_model import RowTableModel
from hotline_desktop.services.errors import ServiceError

COL_DATE, COL_KIND, COL_NAME = range(3)


def _cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class OfficeDaysModel(RowTableModel):
    """The year's office-entered days (日期, 类型, 名称)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._headers = [self.tr("日期"), self.tr("类型"), self.tr("名称")]

    def set_days(self, days: list[OfficeDay]) -> None:
        self.beginResetModel()
        self._rows = list(days)
        self.endResetModel()

    def day_at(self, row: int) -> date | None:
        return self._rows[row].day if 0 <= row < len(self._rows) else None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        od = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {COL_DATE: od.day.isoformat(), COL_KIND: DAY_KIND_LABELS[od.kind], COL_NAME: od.name}.get(
                index.column())
        if role == Qt.ItemDataRole.UserRole:
            return od
        return None


def _swatch(color: str, text: str, fg: str = "#202020") -> str:
    return (f'<span style="background:{color};color:{fg};">&nbsp;&nbsp;{text}&nbsp;&nbsp;</span>')


class CalendarDialog(QDialog):
    def __init__(self, services, undo_stack: QUndoStack | None = None, year: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.last_message = ""
        self.setWindowTitle(self.tr("工作日历"))
        self.resize(1180, 720)
        layout = QVBoxLayout(self)

        # -- top: year picker, source, import, undo/redo ----------------------------------
        top = QHBoxLayout()
        self.prev_button = QToolButton(self)
        self.prev_button.setText("‹")
        self.prev_button.setToolTip(self.tr("上一年"))
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.setValue(year or date.today().year)
        self.year_spin.setKeyboardTracking(False)
        self.next_button = QToolButton(self)
        self.next_button.setText("›")
        self.next_button.setToolTip(self.tr("下一年"))
        self.source_label = QLabel(self)
        self.source_label.setObjectName("calendarSource")
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton(self.tr("导入年度日历…"), self)
        self.import_button.setToolTip(self.tr("从 xlsx 或 CSV（日期、类型、名称）导入一年的节假日和调休上班"))
        self.export_button = QPushButton(self.tr("导出本年…"), self)
        self.export_button.setToolTip(self.tr("把本年的节假日和调休上班导出为 xlsx/CSV，可修改后再导入"))
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("撤销"))
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("重做"))
        self.redo_action.setShortcuts([QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Y),
                                       QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_Z)])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.undo_button = QToolButton(self)
        self.undo_button.setDefaultAction(self.undo_action)
        self.redo_button = QToolButton(self)
        self.redo_button.setDefaultAction(self.redo_action)
        for w in (self.prev_button, self.year_spin, self.next_button):
            top.addWidget(w)
        top.addSpacing(12)
        top.addWidget(self.source_label, 1)
        for w in (self.import_button, self.export_button, self.undo_button, self.redo_button):
            top.addWidget(w)
        layout.addLayout(top)

        # -- middle: the grid and the side panel -----------------------------------------
        mid = QHBoxLayout()
        self.grid = YearGrid(self)
        mid.addWidget(self.grid, 1)
        side = QVBoxLayout()
        self.day_label = QLabel(self.tr("点击日期查看；右键或双击可设置"), self)
        self.day_label.setWordWrap(True)
        self.day_label.setMinimumWidth(260)
        self.day_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.day_label.setMargin(6)
        side.addWidget(self.day_label)
        self.holiday_button = QPushButton(self.tr("设为节假日…"), self)
        self.workday_button = QPushButton(self.tr("设为调休上班…"), self)
        self.clear_button = QPushButton(self.tr("清除本办设置"), self)
        for b in (self.holiday_button, self.workday_button, self.clear_button):
            b.setAutoDefault(False)
            side.addWidget(b)
        side.addSpacing(8)
        self.office_title = QLabel(self)
        side.addWidget(self.office_title)
        self.office_model = OfficeDaysModel(self)
        self.office_table = QTableView(self)
        self.office_table.setModel(self.office_model)
        self.office_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.office_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.office_table.verticalHeader().hide()
        self.office_table.setAlternatingRowColors(True)
        h = self.office_table.horizontalHeader()
        h.setSectionResizeMode(COL_DATE, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(COL_KIND, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.office_table.setMinimumWidth(280)
        side.addWidget(self.office_table, 1)
        mid.addLayout(side)
        layout.addLayout(mid, 1)

        # -- bottom: legend, totals, close ------------------------------------------------
        bottom = QHBoxLayout()
        self.legend = QLabel(self)
        self.legend.setText(
            "　".join([
                _swatch(HOLIDAY.background.name(), self.tr("休 节假日"), HOLIDAY.foreground.name()),
                _swatch(ADJUSTED.background.name(), self.tr("班 调休上班"), ADJUSTED.foreground.name()),
                _swatch(WEEKEND.background.name(), self.tr("周末"), WEEKEND.foreground.name()),
                f'<span style="color:{OFFICE_MARK.name()};">●</span> ' + self.tr("本办录入"),
            ])
        )
        self.totals_label = QLabel(self)
        bottom.addWidget(self.legend)
        bottom.addStretch(1)
        bottom.addWidget(self.totals_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        # -- wiring ------------------------------------------------------------------------
        self.prev_button.clicked.connect(lambda: self.year_spin.setValue(self.year_spin.value() - 1))
        self.next_button.clicked.connect(lambda: self.year_spin.setValue(self.year_spin.value() + 1))
        self.year_spin.valueChanged.connect(lambda _y: self.refresh())
        self.grid.day_selected.connect(self._on_day_selected)
        self.grid.day_menu_requested.connect(self._on_day_menu)
        self.holiday_button.clicked.connect(lambda: self._mark_selected(DayKind.HOLIDAY))
        self.workday_button.clicked.connect(lambda: self._mark_selected(DayKind.WORKDAY))
        self.clear_button.clicked.connect(self._clear_selected)
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button.clicked.connect(self.export_dialog)
        self.office_table.clicked.connect(lambda ix: self.grid.select(self.office_model.day_at(ix.row())))
        self._bridge = EventBridge(services.calendar.changed, self)
        self._bridge.fired.connect(lambda _args: self.refresh())
        self.refresh()
        self.grid.setFocus()

    # -- state ---------------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.year_spin.value()

    def set_year(self, year: int) -> None:
        self.year_spin.setValue(year)

    def refresh(self) -> None:
        cal = self.services.calendar.calendar()
        year = self.year
        days = cal.year_days(year)
        self.grid.set_days(year, days)
        source = cal.year_source(year)
        self.source_label.setText(year_source_label(cal, year))
        self.source_label.setToolTip(
            self.tr("国务院尚未公布或本程序未收录该年安排：请在日历上标记该年的节假日和调休上班，或导入年度日历文件。")
            if source == SOURCE_ASSUMED else "")
        if source == SOURCE_ASSUMED:
            self.source_label.setStyleSheet(
                "QLabel#calendarSource { background:#fff4ce; color:#8a5a00; border:1px solid #e0b84f;"
                " border-radius:3px; padding:3px 8px; font-weight:bold; }")
        else:
            self.source_label.setStyleSheet("QLabel#calendarSource { padding:3px 8px; }")
        office = self.services.calendar.office_days(year)
        self.office_model.set_days(office)
        self.office_title.setText(self.tr("本年本办录入 {0} 天").format(len(office)))
        work = sum(d.workday for d in days)
        self.totals_label.setText(self.tr("{0} 年工作日 {1} 天，休息日 {2} 天").format(year, work, len(days) - work))
        self._on_day_selected(self.grid.selected())

    def _on_day_selected(self, d: date | None) -> None:
        info = self.grid.info(d) if d else None
        has = info is not None
        for b in (self.holiday_button, self.workday_button):
            b.setEnabled(has)
        self.clear_button.setEnabled(has and info.source == SOURCE_OFFICE)
        self.day_label.setText(describe(info) if info else self.tr("点击日期查看；右键或双击可设置"))

    def _on_day_menu(self, d: date, pos: QPoint) -> None:
        menu = self.day_menu(d)
        menu.exec(pos)

    def day_menu(self, d: date) -> QMenu:
        info = self.grid.info(d)
        menu = QMenu(self)
        menu.addSection(_cn(d))
        menu.addAction(self.tr("设为节假日…"), lambda: self.ask_and_mark(d, DayKind.HOLIDAY))
        menu.addAction(self.tr("设为调休上班…"), lambda: self.ask_and_mark(d, DayKind.WORKDAY))
        clear = menu.addAction(self.tr("清除本办设置"), lambda: self.clear_day(d))
        clear.setEnabled(info is not None and info.source == SOURCE_OFFICE)
        return menu

    def _mark_selected(self, kind: DayKind) -> None:
        d = self.grid.selected()
        if d is not None:
            self.ask_and_mark(d, kind)

    def _clear_selected(self) -> None:
        d = self.grid.selected()
        if d is not None:
            self.clear_day(d)

    # -- edits ---------------------------------------------------------------------------
    def ask_name(self, d: date, kind: DayKind, default: str) -> str | None:
        name, ok = QInputDialog.getText(
            self, self.tr("设为{0}").format(DAY_KIND_LABELS[kind]),
            self.tr("{0} 设为{1}。名称（可空，如 国庆节、春节调休）：").format(_cn(d), DAY_KIND_LABELS[kind]),
            text=default,
        )
        return name if ok else None

    def ask_and_mark(self, d: date, kind: DayKind) -> bool:
        info = self.grid.info(d)
        name = self.ask_name(d, kind, info.name if info else "")
        if name is None:
            return False
        return self.mark_day(d, kind, name)

    def mark_day(self, d: date, kind: DayKind, name: str = "") -> bool:
        from hotline_desktop.core.workdays import clean_day_name

        try:
            clean = clean_day_name(name)
        except ValueError as e:
            QMessageBox.warning(self, self.tr("无法设置"), self.tr("{0}：{1}").format(_cn(d), e))
            return False
        text = self.tr("将 {0} 设为{1}").format(_cn(d), DAY_KIND_LABELS[kind]) + (f"（{clean}）" if clean else "")
        return self.apply_change({d: OfficeDay(d, kind, clean)}, text)

    def clear_day(self, d: date) -> bool:
        return self.apply_change({d: None}, self.tr("清除 {0} 的本办设置").format(_cn(d)))

    def confirm_affected(self, items, text: str):
        """The items to move with the edit, or None when the operator cancels the edit."""
        dlg = AffectedItemsDialog(items, text, self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.chosen()

    def apply_change(self, changes: Mapping[date, OfficeDay | None], text: str) -> bool:
        cal = self.services.calendar
        try:
            items = cal.preview_change(changes)
        except ServiceError as e:
            QMessageBox.warning(self, self.tr("无法修改日历"), str(e))
            return False
        chosen = []
        if items:
            picked = self.confirm_affected(items, text)
            if picked is None:
                return False
            chosen = picked
        try:
            edit = cal.change(changes, apply_to=chosen, left=[i for i in items if i not in chosen])
        except ServiceError as e:
            QMessageBox.warning(self, self.tr("无法修改日历"), self.tr("日历未改动：{0}").format(e))
            return False
        if not edit.after:
            self._say(self.tr("{0}：无变化").format(text))
            return True
        self.undo_stack.push(CalendarEditCommand(self.services, edit, text, self._on_command_error))
        msg = text
        if items:
            msg += self.tr("；{0} 项到期日已随之改动，{1} 项保持不变").format(len(chosen), len(items) - len(chosen))
        self._say(msg)
        self.refresh()
        return True

    def _on_command_error(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("无法撤销/重做"), message)

    def _say(self, text: str) -> None:
        self.last_message = text
        self.day_label.setToolTip(text)
        parent = self.parent()
        show = getattr(parent, "show_message", None)
        if callable(show):
            show(text)

    # -- import --------------------------------------------------------------------------
    def import_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入年度日历"), "", self.tr("日历文件 (*.xlsx *.xls *.csv);;所有文件 (*)"))
        if not path:
            return False
        return self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        from hotline_desktop.gui.import_dialogs import ImportProblemsDialog

        try:
            plan = self.services.calendar.plan_import(path)
        except (ValueError, OSError) as e:
            QMessageBox.warning(self, self.tr("无法导入"), str(e))
            return False
        if not plan.ok:
            ImportProblemsDialog(plan.problems, plan.summary(), None, path.name, self).exec()
            return False
        if not plan.changes:
            QMessageBox.information(self, self.tr("导入年度日历"),
                                    self.tr("{0}。与已录入的完全相同，无需导入。").format(plan.summary()))
            return True
        answer = QMessageBox.question(
            self, self.tr("导入年度日历"),
            self.tr("{0}。\n\n导入后这些年份以文件为准。确定导入吗？").format(plan.summary()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        years = "、".join(str(y) for y in plan.years)
        ok = self.apply_change(plan.changes, self.tr("导入 {0} 年日历（{1}）").format(years, path.name))
        if ok and plan.years:
            self.set_year(plan.years[0])
        return ok

    def export_dialog(self) -> Path | None:
        default = Path.home() / self.tr("{0}年工作日历.xlsx").format(self.year)
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出本年日历"), str(default), self.tr("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"))
        if not path:
            return None
        return self.export_file(Path(path))

    def export_file(self, path: Path) -> Path | None:
        try:
            out, n = self.services.calendar.export_year(self.year, path)
        except (ValueError, OSError) as e:
            QMessageBox.warning(self, self.tr("导出失败"), str(e))
            return None
        self._say(self.tr("已导出 {0} 年节假日和调休上班 {1} 天：{2}").format(self.year, n, out))
        return out

    def done(self, r: int) -> None:
        self._bridge.detach()
        super().done(r)
