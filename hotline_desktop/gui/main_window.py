"""The main window: menus, year toolbar, status bar (database, last backup) and the tabs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QToolBar,
    QWidget,
)

from hotline_desktop import APP_TITLE, __version__
from hotline_desktop.gui.annual_tab import AnnualTab
from hotline_desktop.gui.assets import app_icon
from hotline_desktop.gui.kb.tab import KbTab
from hotline_desktop.gui.monthly_tab import MonthlyTab
from hotline_desktop.gui.notices.tab import NoticesTab
from hotline_desktop.gui.ranking_tab import RankingTab
from hotline_desktop.gui.tab_base import TabPage
from hotline_desktop.gui.units_tab import UnitsTab

DEFAULT_SIZE = QSize(1366, 768)


class MainWindow(QMainWindow):
    year_changed = Signal(int)
    year_scheme_changed = Signal(object)  # YearSchemeRow | None

    def __init__(self, services, year: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self._closed = False
        self.pages: list[TabPage] = []
        self.setWindowTitle(f"{APP_TITLE} — {services.paths.root}")
        self.setWindowIcon(app_icon())
        self.resize(DEFAULT_SIZE)

        self.undo_group = QUndoGroup(self)
        self.registers_undo = QUndoStack(self)  # calendar and settings edits (their dialogs show it)
        self.undo_group.addStack(self.registers_undo)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(False)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)

        self._build_menus()
        self._build_toolbar(year or date.today().year)
        self._build_status_bar()

        self.add_page(UnitsTab(services, self))
        self.add_page(MonthlyTab(services, self))
        self.add_page(AnnualTab(services, self))
        self.add_page(NoticesTab(services, self))
        self.add_page(KbTab(services, self))
        self.add_page(RankingTab(services, self))
        self.refresh_backup_label()

    # -- tabs ----------------------------------------------------------------------------
    def add_page(self, page: TabPage) -> None:
        """Plug a tab in: its undo stack, status messages and import/export menu entries."""
        self.pages.append(page)
        self.undo_group.addStack(page.undo_stack)
        page.status_message.connect(self.show_message)
        page.set_year(self.year)
        page.set_year_scheme(self.year_scheme)
        for menu, actions in (
            (self.import_menu, page.import_actions()),
            (self.export_menu, page.export_actions()),
            (self.template_menu, page.template_actions()),
        ):
            for a in actions:
                menu.addAction(a)
        self.tabs.addTab(page, page.title)
        title_changed = getattr(page, "title_changed", None)  # a tab whose title counts something live
        if title_changed is not None:
            title_changed.connect(lambda text, p=page: self.tabs.setTabText(self.tabs.indexOf(p), text))
        if self.tabs.count() == 1:
            self._on_tab_changed(0)

    def page(self, key: str) -> TabPage | None:
        return next((p for p in self.pages if p.key == key), None)

    def current_page(self) -> TabPage | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, TabPage) else None

    def _on_tab_changed(self, _index: int) -> None:
        page = self.current_page()
        self.undo_group.setActiveStack(page.undo_stack if page else None)

    def reload_all(self) -> None:
        self.scheme_selector.set_year(self.year)
        for p in self.pages:
            p.reload()

    # -- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu(self.tr("文件(&F)"))
        self.backup_action = file_menu.addAction(self.tr("备份(&B)…"), self.backup_to_file)
        self.backup_now_action = file_menu.addAction(self.tr("立即备份"), self.backup_now)
        self.restore_action = file_menu.addAction(self.tr("恢复(&R)…"), self.restore_dialog)
        file_menu.addSeparator()
        self.calendar_action = file_menu.addAction(self.tr("工作日历(&C)…"), self.calendar_dialog)
        self.settings_action = file_menu.addAction(self.tr("设置(&S)…"), self.settings_dialog)
        file_menu.addSeparator()
        self.import_menu = QMenu(self.tr("导入(&I)"), self)
        self.export_menu = QMenu(self.tr("导出(&E)"), self)
        self.template_menu = QMenu(self.tr("导出模板(&T)"), self)
        for m in (self.import_menu, self.export_menu, self.template_menu):
            file_menu.addMenu(m)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("退出(&X)"), self.close)
        quit_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Q))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit_menu = mb.addMenu(self.tr("编辑(&E)"))
        self.undo_action = self.undo_group.createUndoAction(self, self.tr("撤销"))
        self.undo_action.setShortcuts([QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Z)])
        self.redo_action = self.undo_group.createRedoAction(self, self.tr("重做"))
        self.redo_action.setShortcuts([
            QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Y),
            QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_Z),
        ])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        help_menu = mb.addMenu(self.tr("帮助(&H)"))
        about = help_menu.addAction(self.tr("关于(&A)"), self.about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_toolbar(self, year: int) -> None:
        self.toolbar = QToolBar(self.tr("工具栏"), self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.toolbar.addWidget(QLabel(self.tr(" 考核年度：")))
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.setToolTip(self.tr("选择考核年度"))
        self.year_spin.setKeyboardTracking(False)
        self.year_spin.valueChanged.connect(self._on_year_changed)
        self.toolbar.addWidget(self.year_spin)
        from hotline_desktop.gui.scheme_selector import SchemeSelector

        self.scheme_selector = SchemeSelector(self.services, self)
        self.scheme_selector.scheme_changed.connect(self._on_scheme_changed)
        self.toolbar.addWidget(self.scheme_selector)
        self.scheme_selector.set_year(year)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.undo_action)
        self.toolbar.addAction(self.redo_action)

    @property
    def year(self) -> int:
        return self.year_spin.value()

    @property
    def year_scheme(self):
        return self.scheme_selector.current()

    def _on_year_changed(self, year: int) -> None:
        for p in self.pages:
            p.set_year(year)
        self.year_changed.emit(year)
        self.scheme_selector.set_year(year)

    def _on_scheme_changed(self, year_scheme) -> None:
        for p in getattr(self, "pages", []):
            p.set_year_scheme(year_scheme)
        self.year_scheme_changed.emit(year_scheme)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.db_label = QLabel(self.tr("数据库：{0}").format(self.services.paths.database))
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_label = QLabel()
        sb.addPermanentWidget(self.db_label)
        sb.addPermanentWidget(self.backup_label)

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_notices(self) -> None:
        notices = list(getattr(self.services.store, "notices", []) or [])
        if notices:
            self.show_message("；".join(notices), 20000)
            self.services.store.notices.clear()

    def refresh_backup_label(self) -> None:
        info = self.services.store.last_backup()
        if info is None:
            self.backup_label.setText(self.tr("上次备份：尚无备份"))
            self.backup_label.setToolTip("")
        else:
            self.backup_label.setText(self.tr("上次备份：{0}").format(f"{info.taken_at:%Y-%m-%d %H:%M}"))
            self.backup_label.setToolTip(str(info.path))

    # -- backup / restore ----------------------------------------------------------------
    def backup_now(self) -> Path | None:
        return self._backup(None)

    def backup_to_file(self) -> Path | None:
        from hotline_desktop.db.backup import backup_path

        default = backup_path(self.services.paths.backups, "manual")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("备份数据库"), str(default), self.tr("数据库备份 (*.db);;所有文件 (*)")
        )
        if not path:
            return None
        return self._backup(Path(path))

    def _backup(self, dest: Path | None) -> Path | None:
        try:
            out = self.services.store.backup_manual(dest)
        except Exception as e:  # noqa: BLE001 - disk full, permissions, …
            QMessageBox.warning(self, self.tr("备份失败"), self.tr("备份没有完成：{0}").format(e))
            return None
        self.refresh_backup_label()
        self.show_message(self.tr("已备份到 {0}").format(out), 15000)
        return out

    def restore_dialog(self) -> Path | None:
        from hotline_desktop.gui.backup_dialogs import BackupPickerDialog

        dlg = BackupPickerDialog(
            self.services.paths.backups,
            self.tr("选择要恢复的备份。恢复前，当前数据库会先自动备份（恢复前备份），可以再恢复回来。"),
            self,
        )
        if dlg.exec() != BackupPickerDialog.DialogCode.Accepted or dlg.chosen is None:
            return None
        answer = QMessageBox.question(
            self, self.tr("确认恢复"),
            self.tr("将用备份\n{0}\n替换当前数据库。当前数据库会先备份。\n\n确定恢复吗？").format(dlg.chosen),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        return self.restore_from(dlg.chosen)

    def restore_from(self, source: Path) -> Path | None:
        """Restore without asking; returns the safety copy of the previous database."""
        from hotline_desktop.db.engine import StoreOpenError

        try:
            safety = self.services.restore_from(Path(source))
        except (StoreOpenError, OSError) as e:
            QMessageBox.warning(self, self.tr("无法恢复"), str(e))
            return None
        self.reload_all()
        self.refresh_backup_label()
        msg = self.tr("已从 {0} 恢复").format(Path(source).name)
        if safety:
            msg += self.tr("；恢复前的数据库已保存为 {0}").format(safety)
        self.show_message(msg, 20000)
        return safety or Path(source)

    # -- calendar and settings -----------------------------------------------------------
    def calendar_dialog(self, year: int | None = None, *, modal: bool = True):
        from hotline_desktop.gui.calendar.dialog import CalendarDialog

        return self._registers_dialog(CalendarDialog(self.services, self.registers_undo, year or self.year, self),
                                      modal)

    def settings_dialog(self, *, modal: bool = True):
        from hotline_desktop.gui.settings_dialog import SettingsDialog

        return self._registers_dialog(SettingsDialog(self.services, self.registers_undo, self), modal)

    def _registers_dialog(self, dlg, modal: bool):
        """While the dialog is open its undo stack is the active one; afterwards the tab's again."""
        self.undo_group.setActiveStack(self.registers_undo)
        dlg.finished.connect(lambda _r: self._on_tab_changed(self.tabs.currentIndex()))
        dlg.finished.connect(dlg.deleteLater)
        if modal:
            dlg.exec()
            return None
        dlg.show()
        return dlg

    # -- misc ----------------------------------------------------------------------------
    def about(self) -> None:
        QMessageBox.about(
            self, self.tr("关于"),
            self.tr("<h3>{0}</h3><p>版本 {1}</p><p>区政府 12345 热线办：承办单位、月度数据、年度考核、"
                    "督办通知、知识库与排名。</p><p>数据文件夹：{2}</p>").format(
                APP_TITLE, __version__, self.services.paths.root),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.release()
        super().closeEvent(event)

    def release(self) -> None:
        """Detach the tabs and close the services (releases the instance lock). Idempotent."""
        if self._closed:
            return
        self._closed = True
        QThreadPool.globalInstance().waitForDone(30000)  # let a running import/export finish
        for p in self.pages:
            p.shutdown()
        self.services.close()
