"""The main window: menus, year toolbar, status bar (database, last backup) and the tabs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QWidget,
)

from hotline_desktop.core.dates import datetime_text
from hotline_desktop.gui.annual.tab import AnnualTab
from hotline_desktop.gui.assets import app_icon
from hotline_desktop.gui.kb.tab import KbTab
from hotline_desktop.gui.monthly.tab import MonthlyTab
from hotline_desktop.gui.notices.tab import NoticesTab
from hotline_desktop.gui.ranking.tab import RankingTab
from hotline_desktop.gui.tab_base import TabPage
from hotline_desktop.gui.units.tab import UnitsTab

DEFAULT_SIZE = QSize(1366, 768)
RESTORE_TAB_DELAY_MS = 60  # after the first paint, then the remembered tab is opened
WARM_UP_DELAY_MS = 150  # after the first paint, the engine and numpy load in the background


class MainWindow(QMainWindow):
    year_changed = Signal(int)
    year_scheme_changed = Signal(object)  # YearSchemeRow | None

    def __init__(self, services, year: int | None = None, parent: QWidget | None = None, *,
                 remember: bool = True):
        """`remember`: restore size, position, splitters and the last tab from QSettings, and
        save them on close (off for screenshots)."""
        super().__init__(parent)
        self.services = services
        self._remember = remember
        self._closed = False
        self.pages: list[TabPage] = []
        profile = QSettings().value("seat/operator", "") if remember else ""
        if profile:  # a named operator profile of this seat (文件 → 操作员…)
            try:
                services.store.set_operator(str(profile))
            except ValueError:
                pass
        self.role = services.store.role  # 管理员 / 录入员 on a server database, read once; None on SQLite
        # Qt adds the application display name (APP_TITLE) to the title itself: “folder — 12345 热线考核管理”.
        self.setWindowTitle(str(services.paths.root))
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
        self._apply_role()
        self.refresh_backup_label()
        if remember:
            self.restore_settings()
        from hotline_desktop.gui.live_bridge import start_live

        self.live = start_live(services, self)  # PostgreSQL: other seats' changes, live
        if self.live is not None:
            self.live_label = QLabel(self.tr("实时同步：正在连接…"))
            self.statusBar().addPermanentWidget(self.live_label)
            self.live.state_changed.connect(self._on_live_state)

    # -- tabs ----------------------------------------------------------------------------
    def add_page(self, page: TabPage) -> None:
        """Plug a tab in: its undo stack, status messages and import/export menu entries."""
        self.pages.append(page)
        page.apply_role(self.role)
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
            if page.role_refusal and menu is self.import_menu:
                from hotline_desktop.gui.role_guard import block_actions

                block_actions(actions, page.role_refusal)
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
        self.import_scheme_action = file_menu.addAction(self.tr("导入考核方案(&M)…"), self.import_scheme)
        self.connection_action = file_menu.addAction(self.tr("数据库连接(&D)…"), self.connection_dialog)
        self.audit_action = file_menu.addAction(self.tr("修改记录(&L)…"), self.audit_dialog)
        self.operator_action = file_menu.addAction(self.tr("操作员(&O)…"), self.operator_dialog)
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
        # A status message about an edit must not outlive the undo that reversed it.
        self.undo_group.indexChanged.connect(lambda _i: self.statusBar().clearMessage())
        self.undo_action.triggered.connect(
            lambda: self.show_message(self.tr("已撤销：{0}").format(self.undo_group.redoText()), 5000))
        self.redo_action.triggered.connect(
            lambda: self.show_message(self.tr("已重做：{0}").format(self.undo_group.undoText()), 5000))

        help_menu = mb.addMenu(self.tr("帮助(&H)"))
        self.help_action = help_menu.addAction(self.tr("帮助与快捷键(&K)…"), self.show_help)
        self.help_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.help_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        help_menu.addSeparator()
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
        self.db_label = QLabel(self.tr("数据库：{0}").format(self.services.store.location))
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_label = QLabel()
        self.seat_label = QLabel()
        self._refresh_seat_label()
        sb.addPermanentWidget(self.seat_label)
        sb.addPermanentWidget(self.db_label)
        sb.addPermanentWidget(self.backup_label)

    # -- the seat: operator and role -------------------------------------------------------
    def _refresh_seat_label(self) -> None:
        store = self.services.store
        role = f"（{self.role}）" if self.role else ""
        self.seat_label.setText(self.tr("操作员：{0}{1}").format(store.operator, role))

    def _apply_role(self) -> None:
        """What this seat's role may not change stays disabled (the server refuses it anyway)."""
        from hotline_desktop.core.roles import refusal
        from hotline_desktop.gui.role_guard import block_actions

        if refusal(self.role, "settings"):
            block_actions([self.settings_action], refusal(self.role, "settings"))
        if refusal(self.role, "schemes"):
            self.scheme_selector.assign_button.setEnabled(False)
            self.scheme_selector.assign_button.setToolTip(refusal(self.role, "schemes"))

    def audit_dialog(self) -> None:
        from hotline_desktop.gui.audit_dialog import AuditDialog

        dlg = AuditDialog(self.services, self)
        dlg.finished.connect(dlg.deleteLater)
        dlg.open()
        self._audit_dlg = dlg

    def operator_dialog(self) -> None:
        """A named operator profile for this seat (kept on this computer), shown in every audit row."""
        from PySide6.QtWidgets import QInputDialog

        current = str(QSettings().value("seat/operator", "") or "")
        name, ok = QInputDialog.getText(self, self.tr("操作员"), self.tr(
            "本席位的操作员名称（记入每条修改记录；留空则用{0}）：").format(
            self.tr("数据库账号") if self.services.store.on_server else self.tr("系统用户名")), text=current)
        if not ok:
            return
        try:
            who = self.services.store.set_operator(name.strip() or None)
        except ValueError as e:
            QMessageBox.warning(self, self.tr("操作员"), str(e))
            return
        QSettings().setValue("seat/operator", name.strip())
        self._refresh_seat_label()
        self.show_message(self.tr("此后的修改记为：{0}").format(who))

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_notices(self) -> None:
        notices = list(getattr(self.services.store, "notices", []) or [])
        if notices:
            self.show_message("；".join(notices), 20000)
            self.services.store.notices.clear()
        warnings = list(getattr(self.services.store, "warnings", []) or [])
        if warnings:
            self.services.store.warnings.clear()
            text = "\n\n".join(warnings)
            self.show_message(warnings[0].split("\n")[0], 60000)
            # After the window is up and the event loop runs: the start is not held up by it.
            QTimer.singleShot(0, self, lambda: QMessageBox.warning(self, self.tr("自动备份失败"), text))

    def refresh_backup_label(self) -> None:
        info = self.services.backup.last()
        if info is None:
            self.backup_label.setText(self.tr("上次备份：尚无备份"))
            self.backup_label.setToolTip("")
        else:
            self.backup_label.setText(self.tr("上次备份：{0}").format(datetime_text(info.taken_at)))
            self.backup_label.setToolTip(str(info.path))

    # -- backup / restore ----------------------------------------------------------------
    def backup_now(self) -> Path | None:
        return self._backup(None)

    def backup_to_file(self) -> Path | None:
        suffix = self.services.store.backup_suffix  # .db, or .dump (pg_dump) for a server database
        default = self.services.backup.default_manual_path()
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("备份数据库"), str(default), self.tr("数据库备份 (*{0});;所有文件 (*)").format(suffix)
        )
        if not path:
            return None
        return self._backup(Path(path))

    def _backup(self, dest: Path | None) -> Path | None:
        from hotline_desktop.services.errors import StoreWriteError

        try:
            out = self.services.backup.backup(dest)
        except StoreWriteError as e:  # disk full, read-only, no permission: says so itself
            QMessageBox.warning(self, self.tr("备份失败"), str(e))
            return None
        except Exception as e:  # noqa: BLE001 - anything else: still tell, keep running
            QMessageBox.warning(self, self.tr("备份失败"), self.tr("备份没有完成：{0}").format(e))
            return None
        self.refresh_backup_label()
        self.show_message(self.tr("已备份到 {0}").format(out), 15000)
        return out

    def restore_dialog(self) -> Path | None:
        from hotline_desktop.gui.backup_dialogs import BackupPickerDialog

        dlg = BackupPickerDialog(
            self.services.backup.list(), self.services.backup.folder,
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
        from hotline_desktop.services.backup import StoreOpenError
        from hotline_desktop.services.errors import ServiceError

        try:
            safety = self.services.restore_from(Path(source))
        except (StoreOpenError, ServiceError, OSError) as e:  # ServiceError: StoreWriteError (disk full)
            QMessageBox.warning(self, self.tr("无法恢复"), str(e))
            return None
        self.reload_all()
        self.refresh_backup_label()
        msg = self.tr("已从 {0} 恢复").format(Path(source).name)
        if safety:
            msg += self.tr("；恢复前的数据库已保存为 {0}").format(safety)
        self.show_message(msg, 20000)
        return safety or Path(source)

    def import_scheme(self, path: Path | None = None):
        from hotline_desktop.gui.scheme_import import import_scheme

        return import_scheme(self, path)

    # -- calendar and settings -----------------------------------------------------------
    def calendar_dialog(self, year: int | None = None, *, modal: bool = True):
        from hotline_desktop.gui.calendar.dialog import CalendarDialog

        return self._registers_dialog(CalendarDialog(self.services, self.registers_undo, year or self.year, self),
                                      modal)

    def settings_dialog(self, *, modal: bool = True):
        from hotline_desktop.gui.settings_dialog import SettingsDialog

        return self._registers_dialog(SettingsDialog(self.services, self.registers_undo, self), modal)

    def _on_live_state(self, connected: bool) -> None:
        self.live_label.setText(self.tr("实时同步：已连接") if connected
                                else self.tr("实时同步：连接中断，正在重新连接…"))
        self.live_label.setStyleSheet("" if connected else "color:#b42318;")

    def connection_dialog(self, *, modal: bool = True):
        """Which database this data folder uses (applies at the next start)."""
        from hotline_desktop.gui.connection_dialog import ConnectionDialog

        return _open_dialog(ConnectionDialog(self.services.paths, self), modal)

    def _registers_dialog(self, dlg, modal: bool):
        """While the dialog is open its undo stack is the active one; afterwards the tab's again."""
        self.undo_group.setActiveStack(self.registers_undo)
        dlg.finished.connect(lambda _r: self._on_tab_changed(self.tabs.currentIndex()))
        return _open_dialog(dlg, modal)

    # -- misc ----------------------------------------------------------------------------
    def about(self) -> None:
        from hotline_desktop.gui.about import about_html

        QMessageBox.about(self, self.tr("关于"), about_html(self.services.paths))

    def show_help(self):
        from hotline_desktop.gui.about import HelpDialog

        dlg = getattr(self, "_help_dialog", None)
        if dlg is None:
            dlg = self._help_dialog = HelpDialog(self)
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()
        return dlg

    # -- remembered layout (QSettings) --------------------------------------------------
    @staticmethod
    def settings() -> QSettings:
        return QSettings()  # organisation / application names set by setup_application

    def _splitters(self) -> dict[str, QSplitter]:
        out = {}
        for page in self.pages:
            for i, sp in enumerate(page.findChildren(QSplitter)):
                out[f"{page.key}/{sp.objectName() or i}"] = sp
        return out

    def save_settings(self) -> None:
        st = self.settings()
        st.beginGroup("mainWindow")
        st.setValue("geometry", self.saveGeometry())
        st.setValue("state", self.saveState())
        page = self.current_page()
        st.setValue("tab", page.key if page is not None else "")
        st.endGroup()
        st.beginGroup("splitters")
        for key, sp in self._splitters().items():
            st.setValue(key, sp.saveState())
        st.endGroup()
        st.sync()

    def restore_settings(self) -> None:
        st = self.settings()
        st.beginGroup("mainWindow")
        geometry, state, tab = st.value("geometry"), st.value("state"), st.value("tab")
        st.endGroup()
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        st.beginGroup("splitters")
        for key, sp in self._splitters().items():
            value = st.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                sp.restoreState(value)
        st.endGroup()
        page = self.page(str(tab)) if tab else None
        if page is not None and page is not self.current_page():
            # Switched to once the window is painted: opening a tab the first time loads its data
            # (seconds for a large district), and the window should appear first.
            self._restore_tab = page

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_warming", False):
            self._warming = True
            QTimer.singleShot(WARM_UP_DELAY_MS, self, self._warm_up)
        page = getattr(self, "_restore_tab", None)
        if page is not None:
            self._restore_tab = None
            self.show_message(self.tr("正在打开上次使用的“{0}”页…").format(page.title), 5000)
            QTimer.singleShot(RESTORE_TAB_DELAY_MS, lambda: self._closed or self.tabs.setCurrentWidget(page))

    def _warm_up(self) -> None:
        """What the window left out of the start (the engine, numpy, the orders layer) loads in a
        thread now that it is painted (services.startup.load_engine_in_background)."""
        if not self._closed:
            from hotline_desktop.services.startup import load_engine_in_background

            self.warm_up = load_engine_in_background()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._remember and not self._closed:
            try:
                self.save_settings()
            except Exception:  # noqa: BLE001 - a read-only settings file never blocks closing
                pass
        self.release()
        super().closeEvent(event)

    def release(self) -> None:
        """Detach the tabs and close the services (releases the instance lock). Idempotent."""
        if self._closed:
            return
        self._closed = True
        QThreadPool.globalInstance().waitForDone(30000)  # let a running import/export finish
        if getattr(self, "live", None) is not None:
            self.live.stop()
        for p in self.pages:
            p.shutdown()
        self.services.close()


def _open_dialog(dlg, modal: bool):
    """Run a dialog modally (None) or show it and return it; either way it is deleted when closed."""
    dlg.finished.connect(dlg.deleteLater)
    if modal:
        dlg.exec()
        return None
    dlg.show()
    return dlg
