"""承办单位 tab: the register of handling units, with search, add/edit, (de)activate, import/export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QMessageBox,
    QWidget,
)

from hotline_desktop.core.domain import UnitDraft, UnitKind, UnitRow, active_children
from hotline_desktop.gui.bridge import EventBridge
from hotline_desktop.gui.tab_base import TabPage, on_activated
from hotline_desktop.gui.units.commands import (
    AddUnitCommand,
    EditUnitCommand,
    ImportUnitsCommand,
    SetActiveCommand,
)
from hotline_desktop.gui.units.dialogs import UnitDialog
from hotline_desktop.gui.units.models import (
    COL_ACTIVE,
    COL_CODE,
    COL_CONTACT,
    COL_KIND,
    COL_NAME,
    COL_PARENT,
    COL_PHONE,
    UnitsFilterProxy,
    UnitsTableModel,
)
from hotline_desktop.services.errors import ConflictError, ServiceError, ValidationFailed
from hotline_desktop.services.units import draft_of

BULK_REFRESH = 40  # more changed ids than this: re-read the list once instead of one get() each
COLUMN_WIDTHS = {
    COL_CODE: 90, COL_NAME: 230, COL_KIND: 110, COL_PARENT: 180,
    COL_CONTACT: 80, COL_PHONE: 140, COL_ACTIVE: 56,
}


class UnitsTab(TabPage):
    key = "units"
    edit_area = "units"

    def edit_actions(self) -> list[QAction]:
        return [self.add_action, self.edit_action, self.toggle_action, self.import_action]
    import_planned = Signal(object)  # UnitImportPlan, after the background parse
    import_finished = Signal(int, int)  # added, updated
    export_finished = Signal(object)  # Path
    task_failed = Signal(str)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(services, parent)
        self._last_dir = str(Path.home())
        self._dialog: UnitDialog | None = None
        self._edit_dialogs: dict[int, UnitDialog] = {}  # unit id → its open edit dialog
        self.model = UnitsTableModel(services.units.list(), self)
        self.proxy = UnitsFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build_ui()
        self._bridge = EventBridge(services.units.changed, self)
        self._bridge.fired.connect(lambda args: self._on_units_changed(*args))
        for sig in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            sig.connect(self._update_counts)
        self._update_counts()
        self._update_actions()

    @property
    def title(self) -> str:
        return self.tr("承办单位")

    # -- layout --------------------------------------------------------------------------
    def _build_ui(self) -> None:
        act = self.make_action
        self.add_action = act(self.tr("新增(&N)…"), self.tr("新增承办单位（Ctrl+N）"), self.open_add_dialog,
                              QKeySequence.StandardKey.New)
        self.edit_action = act(self.tr("编辑(&E)…"), self.tr("编辑所选单位（双击行或按回车）"), self.open_edit_dialog)
        self.toggle_action = act(self.tr("停用"), self.tr("停用或重新启用所选单位；有数据的单位不能删除，只能停用"),
                                 self.toggle_active)
        self.import_action = act(self.tr("导入…"), self.tr("从 Excel 导入承办单位（按导入模板）"), self.import_units)
        self.export_action = act(self.tr("导出…"), self.tr("把承办单位导出为 Excel"), self.export_units)
        self.template_action = act(self.tr("承办单位导入模板…"), "", self.export_template)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.add_action_buttons(
            bar, (self.add_action, self.edit_action, self.toggle_action, None, self.import_action, self.export_action))
        bar.addStretch(1)
        self.search_edit = self.make_search_box(self.tr("搜索编码、名称或联系人"), self._on_search, 240)
        bar.addWidget(self.search_edit)
        self.show_inactive_check = QCheckBox(self.tr("显示已停用"), self)
        self.show_inactive_check.toggled.connect(self.proxy.set_show_inactive)
        self.show_inactive_check.toggled.connect(lambda _b: self._update_counts())
        bar.addWidget(self.show_inactive_check)

        self.table = self.make_row_table(self.proxy, COL_CODE)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, w in COLUMN_WIDTHS.items():
            header.resizeSection(col, w)
        on_activated(self.table, lambda _ix: self.open_edit_dialog())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.counted_layout(self, bar, self.table, (8, 8, 8, 6))

    def _context_menu(self, pos) -> None:
        if self.selected_unit() is None:
            return
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        menu.addAction(self.toggle_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- TabPage -------------------------------------------------------------------------
    def reload(self) -> None:
        self.undo_stack.clear()
        self.model.set_rows(self.services.units.list())

    def refresh_rows(self) -> None:
        """Show the units as stored now (another seat changed one), keeping the undo history."""
        self.model.set_rows(self.services.units.list())

    def import_actions(self) -> list[QAction]:
        a = QAction(self.tr("承办单位…"), self)
        a.triggered.connect(self.import_units)
        return [a]

    def export_actions(self) -> list[QAction]:
        a = QAction(self.tr("承办单位…"), self)
        a.triggered.connect(self.export_units)
        return [a]

    def template_actions(self) -> list[QAction]:
        return [self.template_action]

    def shutdown(self) -> None:
        self._bridge.detach()

    # -- state ---------------------------------------------------------------------------
    def selected_unit(self) -> UnitRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            ix = self.table.currentIndex()
            return self.proxy.unit_at(ix) if ix.isValid() and self.table.selectionModel().hasSelection() else None
        return self.proxy.unit_at(rows[0])

    def select_unit(self, unit_id: int) -> bool:
        row = self.proxy.proxy_row_of(unit_id)
        if row < 0:
            return False
        ix = self.proxy.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            ix, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(ix)
        return True

    def counts_text(self) -> str:
        per_kind, total, inactive = self.model.counts()
        parts = [f"{k.label} {per_kind[k]}" for k in UnitKind]
        text = " · ".join(parts) + self.tr(" · 共 {0}（停用 {1}）").format(total, inactive)
        shown = self.proxy.rowCount()
        visible_total = total if self.proxy.show_inactive else total - inactive
        if self.proxy.search or shown != visible_total:
            text += self.tr("　　当前显示 {0} 个").format(shown)
        return text

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_counts()

    def _update_counts(self, *_args) -> None:
        self.counts_label.setText(self.counts_text())

    def _update_actions(self) -> None:
        u = self.selected_unit()
        self.edit_action.setEnabled(u is not None)
        self.toggle_action.setEnabled(u is not None)
        self.toggle_action.setText(self.tr("启用") if u is not None and not u.active else self.tr("停用"))

    def _on_units_changed(self, ids: list[int], action: str) -> None:
        if action == "delete":
            self.model.remove_ids(ids)
        else:
            units = self.services.units
            if len(ids) > BULK_REFRESH:
                wanted = set(ids)
                rows = [r for r in units.list() if r.id in wanted]
                gone = wanted - {r.id for r in rows}
            else:
                rows, gone = [], set()
                for i in ids:
                    r = units.get(i)
                    if r is None:
                        gone.add(i)
                    else:
                        rows.append(r)
            self.model.upsert(rows)
            self.model.remove_ids(gone)
        self._update_actions()

    def _report(self, message: str) -> None:
        self.show_error(message)

    # -- add / edit / (de)activate -------------------------------------------------------
    def open_add_dialog(self) -> UnitDialog:
        # Saved from OK, before the dialog closes: a refused save keeps the dialog and what is typed.
        dlg = UnitDialog(self.services, None, self, units=self.model.rows,
                         save=lambda d: self.commit_add(d) is not None)
        self._show_dialog(dlg)
        return dlg

    def open_edit_dialog(self, unit_id: int | None = None) -> UnitDialog | None:
        unit = self.model.unit(unit_id) if unit_id is not None else self.selected_unit()
        if unit is None:
            return None
        open_dlg = self._edit_dialogs.get(unit.id)
        if open_dlg is not None:  # one dialog per unit: bring the open one forward
            open_dlg.raise_()
            open_dlg.activateWindow()
            return open_dlg
        loaded = draft_of(unit)
        # Saved from OK, before the dialog closes: a refused save keeps the dialog and what is typed.
        dlg = UnitDialog(self.services, unit, self, units=self.model.rows,
                         save=lambda d: self.commit_edit(unit.id, d, expected=loaded,
                                                         expected_version=unit.version or None) is not None)
        self._edit_dialogs[unit.id] = dlg
        dlg.finished.connect(lambda _r, uid=unit.id: self._edit_dialogs.pop(uid, None))
        self._show_dialog(dlg)
        return dlg

    def _show_dialog(self, dlg: UnitDialog) -> None:
        self._dialog = dlg
        dlg.finished.connect(dlg.deleteLater)
        dlg.open()

    def commit_add(self, draft: UnitDraft) -> UnitRow | None:
        try:
            row = self.services.units.create(draft)
        except ServiceError as e:
            self._report(str(e))
            return None
        self.undo_stack.push(AddUnitCommand(self.services, row, self._report))
        self.select_unit(row.id)
        self.show_status(self.tr("已新增“{0}”").format(row.name))
        return row

    def commit_edit(self, unit_id: int, draft: UnitDraft, *, expected: UnitDraft | None = None,
                    expected_version: int | None = None) -> UnitRow | None:
        """Save an edit; `expected` is what the dialog loaded (a stale dialog is refused)."""
        old = self.services.units.get(unit_id)
        if old is None:
            self._report(self.tr("该单位已不存在"))
            return None
        if draft_of(old) == draft or draft == expected:
            return old
        try:
            row = self.services.units.update(unit_id, draft, expected=expected, expected_version=expected_version)
        except ConflictError as e:  # another seat changed the unit: the register shows it as stored now
            self.refresh_rows()
            self._report(str(e))
            return None
        except ServiceError as e:
            self._report(str(e))
            return None
        if draft_of(row) == draft_of(old):  # normalised to the same thing
            return row
        cmd = EditUnitCommand(self.services, unit_id, draft_of(old), draft_of(row), self._report)
        cmd.on_conflict = self.refresh_rows
        self.undo_stack.push(cmd)
        self.show_status(self.tr("已保存“{0}”").format(row.name))
        return row

    def toggle_active(self, unit_id: int | None = None) -> UnitRow | None:
        unit = self.model.unit(unit_id) if unit_id is not None else self.selected_unit()
        if unit is None:
            return None
        also: list[int] = []
        if unit.active:
            children = active_children(self.model.rows, unit.id)
            if children:
                answer = self._ask_deactivate_children(unit, children)
                if answer == QMessageBox.StandardButton.Cancel:
                    return None
                if answer == QMessageBox.StandardButton.Yes:
                    also = [c.id for c in children]
        try:
            rows = self.services.units.set_active_many([unit.id, *also], not unit.active)
        except ServiceError as e:
            self._report(str(e))
            return None
        row = rows[0]
        self.undo_stack.push(SetActiveCommand(self.services, unit, row.active, self._report, also))
        if row.active:
            msg = self.tr("已启用“{0}”").format(row.name)
        elif also:
            msg = self.tr("已停用“{0}”及 {1} 个下级单位（可撤销）").format(row.name, len(also))
        else:
            msg = self.tr("已停用“{0}”（可撤销）").format(row.name)
        self.show_status(msg)
        return row

    def _ask_deactivate_children(self, unit: UnitRow, children: list[UnitRow]) -> QMessageBox.StandardButton:
        shown = children[:15]
        lines = "\n".join(f"  · {c.name}（{c.code}，{c.kind.label}）" for c in shown)
        if len(children) > len(shown):
            lines += self.tr("\n  …… 另有 {0} 个").format(len(children) - len(shown))
        text = self.tr(
            "“{0}”下还有 {1} 个启用的下级单位：\n{2}\n\n"
            "选“是”同时停用这些下级单位；选“否”只停用“{0}”（下级单位仍参加考核）；选“取消”不停用。"
        ).format(unit.name, len(children), lines)
        return QMessageBox.question(
            self, self.tr("停用单位"), text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )

    # -- import --------------------------------------------------------------------------
    def import_units(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入承办单位"), self._last_dir, self.tr("Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)")
        )
        if path:
            self._last_dir = str(Path(path).parent)
            self.start_import(path)

    def start_import(self, path: str | Path) -> None:
        """Parse and check the file in a worker; then ask (problems dialog or confirmation)."""
        from hotline_desktop.gui.workers import run_in_background

        io = self.services.units_io
        run_in_background(
            self.window(), self.tr("正在检查导入文件…"), lambda: io.plan(path),
            self._plan_ready, lambda e: self._task_error(self.tr("无法读取导入文件"), e),
        )

    def _plan_ready(self, plan) -> None:
        self.import_planned.emit(plan)
        if plan.problems:
            from hotline_desktop.gui.import_dialogs import ImportProblemsDialog

            dlg = ImportProblemsDialog(plan.problems, plan.summary(), len(plan.adds) + len(plan.updates),
                                       plan.source.name, self)
            dlg.accepted.connect(lambda: self.preview_import(plan, only_good_rows=True))
            dlg.finished.connect(dlg.deleteLater)
            self._problems_dialog = dlg
            dlg.open()
            return
        self.preview_import(plan)

    def preview_import(self, plan, *, only_good_rows: bool = False) -> None:
        """Every new unit and every changed value, old → new, with the "用空白覆盖" choice."""
        from hotline_desktop.gui.import_dialogs import ImportPreviewDialog

        if not plan.adds and not plan.updates and not plan.kept_blanks:
            QMessageBox.information(self, self.tr("导入承办单位"),
                                    self.tr("{0}\n没有需要导入的变化。").format(plan.summary()))
            return
        io = self.services.units_io
        current = {"plan": plan}

        def replan(blank_overwrites: bool):
            current["plan"] = io.replan(current["plan"], blank_overwrites=blank_overwrites)
            return current["plan"].summary(), self._change_rows(current["plan"])

        dlg = ImportPreviewDialog(self.tr("导入承办单位：确认变化"), plan.summary(), self._change_rows(plan),
                                  plan.source.name, self, replan=replan, blank_overwrites=plan.blank_overwrites)
        dlg.accepted.connect(lambda: self.apply_import(current["plan"], only_good_rows=only_good_rows))
        dlg.finished.connect(dlg.deleteLater)
        self._preview_dialog = dlg
        dlg.open()

    def _change_rows(self, plan) -> list[tuple]:
        rows = []
        for row, d in sorted(plan.adds.items()):
            kind = UnitKind(d.kind).label
            detail = kind + (self.tr(" · 上级 {0}").format(d.parent_code) if d.parent_code else "")
            rows.append((row, d.code, d.name, self.tr("新增单位"), "", detail))
        rows += [(c.row, c.code, c.name, c.label, c.old, c.new) for c in plan.change_list()]
        rows.sort(key=lambda r: r[0])
        return rows

    def apply_import(self, plan, *, only_good_rows: bool = False) -> None:
        from hotline_desktop.gui.workers import run_in_background

        if not plan.adds and not plan.updates:
            return
        before = {r.id: r for r in self.model.rows}
        io = self.services.units_io

        def done(counts):
            self.undo_stack.push(
                ImportUnitsCommand(self.services, plan, only_good_rows, before, counts, self._report)
            )
            added, updated = counts
            self.show_status(self.tr("导入完成：新增 {0}，更新 {1}").format(added, updated), 12000)
            self.import_finished.emit(added, updated)

        run_in_background(
            self.window(), self.tr("正在导入…"), lambda: io.apply(plan, only_good_rows=only_good_rows),
            done, lambda e: self._task_error(self.tr("导入失败，未写入任何数据"), e),
        )

    # -- export --------------------------------------------------------------------------
    def export_units(self) -> None:
        name = f"承办单位-{datetime.now():%Y%m%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出承办单位"), str(self.export_dir() / name), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> None:
        from hotline_desktop.gui.workers import run_in_background

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        io = self.services.units_io

        def done(out):
            self.show_status(self.tr("已导出承办单位到 {0}").format(out), 15000)
            self.export_finished.emit(Path(out))

        run_in_background(self.window(), self.tr("正在导出…"), lambda: io.export(path), done,
                          lambda e: self._task_error(self.tr("导出失败"), e))

    def export_template(self) -> None:
        from hotline_desktop.core.excel_units import TEMPLATE_NAME

        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出承办单位导入模板"), str(self.export_dir() / TEMPLATE_NAME),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not path:
            return
        try:
            out = self.services.units_io.export_template(path)
        except (OSError, ServiceError, ValueError) as e:
            self._task_error(self.tr("导出模板失败"), e)
            return
        self.show_status(self.tr("已导出导入模板到 {0}").format(out), 15000)

    def _task_error(self, title: str, e: BaseException) -> None:
        if isinstance(e, ValidationFailed):
            text = "\n".join(e.errors.errors.values())
        elif isinstance(e, PermissionError):
            text = self.tr("文件被占用或没有权限（是否在 Excel 中打开着？）：{0}").format(e.filename or e)
        else:
            text = str(e) or type(e).__name__
        self.task_failed.emit(text)
        QMessageBox.warning(self, title, text)
