"""Start the GUI: QApplication, open the data folder (lock, damaged database, restore), demo offer."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from hotline_desktop import APP_NAME, APP_TITLE, __version__
from hotline_desktop.paths import DataPaths

ENV_EXIT_AFTER_SHOWN = "HOTLINE_EXIT_AFTER_SHOWN"  # benchmark hook: print start-up time, quit
ENV_T0 = "HOTLINE_T0"  # time.time() when the benchmark launched the process

EXIT_OK, EXIT_GAVE_UP, EXIT_LOCKED = 0, 1, 2


def _tr(text: str) -> str:
    return QCoreApplication.translate("run_gui", text)


def ensure_application() -> QApplication:
    """The QApplication (created once): name, icon, Chinese Qt dialogs, CJK font, style sheet.

    Installs gui/refguard first: every GUI start (run_gui, screenshots, benchmarks) comes here."""
    from hotline_desktop.gui import pyside_import_check, refguard

    refguard.install()
    pyside_import_check.install()  # before the services and the tabs load
    app = QApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get(
        "WAYLAND_DISPLAY"
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication(sys.argv[:1])
    setup_application(app)
    return app


def setup_application(app: QApplication) -> None:
    from hotline_desktop.gui.assets import app_icon, apply_cjk_font, style_sheet

    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    tr = QTranslator(app)
    if tr.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(tr)
    app.setWindowIcon(app_icon())
    if not os.environ.get("QT_STYLE_OVERRIDE"):
        # One look on every PC, the one the tests and screenshots check (as Anki does): the
        # 排名 view paints its cells itself only where its picture is the style's own.
        app.setStyle("Fusion")
    apply_cjk_font(app)
    app.setStyleSheet(style_sheet())


def process_age() -> float | None:
    """Seconds since this process started (Linux /proc), else None."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def open_services(paths: DataPaths, parent=None):
    """AppServices for the folder, or an exit code after telling the user why not.

    A damaged database is never overwritten here: the user may restore a backup over it
    (the restore moves the damaged file aside), then opening is retried.

    The file's integrity check (a read of the whole file) begins first, in a thread: it runs in
    SQLite, beside the loading of the services and SQLAlchemy.
    """
    from hotline_desktop.services.startup import begin_file_checks

    early = begin_file_checks(paths)
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.backup import AlreadyRunning, StoreOpenError, list_backups

    while True:
        try:
            return AppServices.open(paths, inspection=early)
        except AlreadyRunning as e:
            QMessageBox.critical(parent, _tr("程序已在运行"), str(e))
            return EXIT_LOCKED
        except StoreOpenError as e:
            # Read-only or no permission: the file is fine, a restore would not help.
            has_backups = not e.access_denied and not paths.on_server and bool(list_backups(paths))
            if paths.on_server or not (e.can_restore or has_backups):
                QMessageBox.critical(parent, _tr("无法打开数据库"), str(e))
                return EXIT_GAVE_UP
            box = QMessageBox(QMessageBox.Icon.Critical, _tr("无法打开数据库"), str(e), parent=parent)
            restore = box.addButton(_tr("从备份恢复…"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(_tr("退出"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(restore)
            box.exec()
            if box.clickedButton() is not restore:
                return EXIT_GAVE_UP
            if not _restore_at_start(paths, parent):
                continue  # back to the message (user may choose again or quit)
        finally:
            if early is not None:  # used or not, the check ends here (and is not used twice)
                early.join()
                early = None


def _restore_at_start(paths: DataPaths, parent) -> bool:
    from hotline_desktop.gui.backup_dialogs import pick_backup
    from hotline_desktop.services.backup import StoreOpenError, list_backups, restore_closed

    chosen = pick_backup(
        list_backups(paths), paths.backups,
        _tr("选择要恢复的备份。无法打开的数据库文件不会被覆盖，会改名保存在数据文件夹中。"),
        parent,
    )
    if chosen is None:
        return False
    from hotline_desktop.services.errors import ServiceError

    try:
        restore_closed(paths, chosen)
    except (StoreOpenError, ServiceError, OSError) as e:  # ServiceError: StoreWriteError (disk full)
        QMessageBox.warning(parent, _tr("无法恢复"), str(e))
        return False
    return True


def offer_demo(services, parent=None) -> bool:
    """On an empty database ask whether to load the demo district. True if it was loaded."""
    try:
        from hotline_desktop.services import demo
    except ImportError:
        return False
    answer = QMessageBox.question(
        parent, _tr("欢迎使用"),
        _tr("数据库还是空的。\n\n是否载入示例区县数据？（可以先看看各页面的样子，以后可在新的数据文件夹中正式使用）"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        demo.create_demo(services)
    except Exception as e:  # noqa: BLE001 - tell the user, start with an empty register
        QMessageBox.warning(parent, _tr("示例数据"), _tr("示例数据没有载入：{0}").format(e))
        return False
    return True


def run_gui(data_dir: str | None, database_url: str | None = None) -> int:
    app = ensure_application()
    try:
        paths = DataPaths.from_override(data_dir, database_url)
    except ValueError as e:  # a damaged saved connection (文件 → 数据库连接…)
        QMessageBox.critical(None, _tr("无法打开数据库"), str(e))
        return EXIT_GAVE_UP
    from hotline_desktop.applog import log
    from hotline_desktop.gui.crash import install_crash_reporter

    reporter = install_crash_reporter(paths.log_file)
    log.info("启动 %s %s，数据文件夹：%s", APP_NAME, __version__, paths.root)
    if paths.on_server:
        log.info("服务器数据库：%s", paths.location)
    services = open_services(paths)
    if isinstance(services, int):
        reporter.uninstall()
        return services
    bench = os.environ.get(ENV_EXIT_AFTER_SHOWN) == "1"
    win = None
    try:
        if not bench and services.is_empty():
            offer_demo(services)
        from hotline_desktop.gui.main_window import MainWindow

        win = MainWindow(services)
        win.show()
        win.show_notices()
        if bench:
            QTimer.singleShot(0, lambda: _report_startup(app, win))
        return app.exec()
    finally:
        # Normally the window's close already released the services; this covers the rest.
        if win is not None:
            win.release()
            win.close()
            win.deleteLater()
        else:
            services.close()
        # Quitting closes the windows, which can post one more Quit; if a later event loop
        # (a second run_gui, a test) processed it, that loop would end at once.
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
        reporter.uninstall()


def _report_startup(app: QApplication, win) -> None:
    page = win.page("units")
    rows = page.model.rowCount() if page is not None else 0
    t0 = os.environ.get(ENV_T0)
    elapsed = time.time() - float(t0) if t0 else process_age()
    print(f"startup_seconds={elapsed:.3f} units={rows}", flush=True)
    app.quit()
