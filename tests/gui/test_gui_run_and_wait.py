"""gui/workers.run_and_wait: an undo/redo's work in the pool, waited for with the window painting."""

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit

from hotline_desktop.gui.workers import run_and_wait


def test_the_result_comes_back_from_another_thread_while_the_gui_loop_runs(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    ticked, threads = threading.Event(), []

    def work(progress):
        threads.append(threading.current_thread())
        progress(50)
        return ticked.wait(10)  # true only if the GUI thread ran its timer meanwhile

    QTimer.singleShot(0, ticked.set)
    assert run_and_wait(edit, "正在撤销…", work) is True
    assert threads[0] is not threading.main_thread()


def test_the_work_s_error_is_raised_in_the_gui_thread(qtbot):
    def work(_progress):
        raise OSError("磁盘已满")

    with pytest.raises(OSError, match="磁盘已满"):
        run_and_wait(None, "正在撤销…", work)
