"""Unexpected exceptions: logged with their traceback, then shown to the operator in Chinese with
the log file's path (the Windows build has no console, so nothing may fail silently).

`install_crash_reporter` sets sys.excepthook (the GUI thread, including exceptions raised in Qt
slots and virtuals) and threading.excepthook (worker threads). A worker's exception reaches the
dialog through a queued signal: workers never touch widgets.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from hotline_desktop.applog import current_log_file, log_exception
from hotline_desktop.core.text import clip


def _tr(text: str) -> str:
    return QCoreApplication.translate("CrashReporter", text)


class CrashReporter(QObject):
    reported = Signal(str)  # the one-line summary; delivered in the GUI thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._showing = False
        self._previous = (sys.excepthook, threading.excepthook)
        self.shown: list[str] = []  # texts of the dialogs shown (for the log and tests)
        self.reported.connect(self._show)

    def install(self) -> CrashReporter:
        if sys.excepthook != self._excepthook:
            self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous[0]
        if threading.excepthook == self._thread_excepthook:
            threading.excepthook = self._previous[1]

    def _excepthook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous[0](exc_type, exc, tb)
            return
        log_exception(exc_type, exc, tb)
        self.reported.emit(f"{exc_type.__name__}: {clip(exc, 200)}")

    def _thread_excepthook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        log_exception(args.exc_type, args.exc_value, args.exc_traceback, f"线程 {name}")
        self.reported.emit(f"{args.exc_type.__name__}: {clip(args.exc_value, 200)}")

    @Slot(str)
    def _show(self, summary: str) -> None:
        log_file = current_log_file()
        where = str(log_file) if log_file else _tr("（日志文件无法写入）")
        text = _tr(
            "程序遇到意外错误，刚才的操作可能没有完成。已保存的数据不受影响；如问题重复出现，"
            "请把日志文件发给技术支持。\n\n错误：{0}\n\n详细信息已记录在日志文件：\n{1}"
        ).format(summary, where)
        self.shown.append(text)
        if self._showing:  # one dialog at a time; the rest are in the log
            return
        self._showing = True
        try:
            QMessageBox.critical(QApplication.activeWindow(), _tr("意外错误"), text)
        finally:
            self._showing = False


_reporter: CrashReporter | None = None


def install_crash_reporter(log_file: Path | None = None) -> CrashReporter:
    """Install (once) the hooks; `log_file` is where applog.setup_logging writes."""
    global _reporter
    if log_file is not None:
        from hotline_desktop.applog import setup_logging

        setup_logging(log_file)
    if _reporter is None:
        _reporter = CrashReporter(QApplication.instance())
    return _reporter.install()
