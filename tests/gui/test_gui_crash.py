"""Unexpected exceptions (issue 7 item 24): written with their traceback to the rotating log in
the data folder, and shown in a Chinese dialog naming the log file; never a silent failure."""

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from hotline_desktop import applog
from hotline_desktop.gui.crash import CrashReporter
from hotline_desktop.paths import DataPaths


@pytest.fixture
def reporter(tmp_path, qapp):
    paths = DataPaths(tmp_path / "data")
    log_file = applog.setup_logging(paths.log_file)
    r = CrashReporter()
    saved = (sys.excepthook, threading.excepthook)
    r.install()
    yield r, log_file
    r.uninstall()
    sys.excepthook, threading.excepthook = saved


def test_log_lives_in_the_data_folder_and_rotates(tmp_path, monkeypatch):
    paths = DataPaths(tmp_path / "data")
    monkeypatch.setattr(applog, "MAX_BYTES", 2000)
    assert applog.setup_logging(paths.log_file) == paths.root / "logs" / "hotline.log"
    for i in range(200):
        applog.log.info("第 %d 行 %s", i, "x" * 40)
    names = sorted(p.name for p in paths.logs.iterdir())
    assert "hotline.log" in names and "hotline.log.1" in names and len(names) <= 1 + applog.BACKUP_COUNT
    handler = next(h for h in applog.log.handlers if isinstance(h, logging.handlers.RotatingFileHandler))
    assert handler.backupCount == 5 and handler.maxBytes == 2000


def test_unwritable_data_folder_falls_back_to_temp(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    used = applog.setup_logging(blocker / "logs" / "hotline.log")  # a file, not a folder
    assert used is not None and "hotline_desktop" in str(used) and used.exists()


@pytest.mark.qt_no_exception_capture  # let the exception reach sys.excepthook as in the app
def test_exception_in_a_slot_is_logged_and_shown(reporter, qtbot, message_boxes):
    r, log_file = reporter
    button = QPushButton()
    qtbot.addWidget(button)

    def broken():
        raise ValueError("坏的数值 in slot")

    button.clicked.connect(broken)
    button.click()  # PySide6 hands the slot's exception to sys.excepthook
    qtbot.waitUntil(lambda: bool(message_boxes.texts("critical")), timeout=2000)
    text = message_boxes.texts("critical")[-1]
    assert "意外错误" in text and str(log_file) in text and "ValueError" in text
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "坏的数值 in slot" in logged and "in broken" in logged


def test_exception_in_a_worker_thread_reaches_the_gui_thread(reporter, qtbot, message_boxes):
    r, log_file = reporter

    def work():
        raise RuntimeError("线程里出错")

    t = threading.Thread(target=work, name="import-worker")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(message_boxes.texts("critical")), timeout=2000)
    assert "RuntimeError" in message_boxes.texts("critical")[-1]
    logged = log_file.read_text(encoding="utf-8")
    assert "线程 import-worker" in logged and "线程里出错" in logged


def test_a_burst_of_errors_shows_one_dialog_at_a_time(reporter, qtbot, message_boxes, monkeypatch):
    r, _log = reporter
    from hotline_desktop.gui import crash

    calls = []

    def nested(parent, title, text):
        calls.append(text)
        if len(calls) == 1:  # while the first dialog is open, another error arrives
            r._show("Second: again")

    monkeypatch.setattr(crash.QMessageBox, "critical", staticmethod(nested))
    r._show("First: boom")
    assert len(calls) == 1 and len(r.shown) == 2


def test_run_gui_installs_and_removes_the_hooks(tmp_path, message_boxes):
    from hotline_desktop.gui import app as gui_app
    from hotline_desktop.services.app import AppServices

    paths = DataPaths(tmp_path / "d")
    seen = {}

    def peek():
        seen["hook"] = sys.excepthook
        seen["thread_hook"] = threading.excepthook
        gui_app.QApplication.instance().quit()

    before = (sys.excepthook, threading.excepthook)
    AppServices.open(paths).close()
    message_boxes.answer = None
    QTimer.singleShot(100, peek)
    assert gui_app.run_gui(str(paths.root)) == 0
    assert getattr(seen["hook"], "__self__", None).__class__ is CrashReporter
    assert getattr(seen["thread_hook"], "__self__", None).__class__ is CrashReporter
    assert (sys.excepthook, threading.excepthook) == before
    assert "启动" in paths.log_file.read_text(encoding="utf-8")
