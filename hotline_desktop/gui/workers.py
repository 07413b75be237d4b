"""Run slow, widget-free work (parsing, exporting) off the GUI thread with a busy dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:  # worker thread: never touch widgets here
        try:
            result = self.fn()
        except BaseException as e:  # noqa: BLE001 - reported to the GUI thread
            self.signals.failed.emit(e)
        else:
            self.signals.done.emit(result)


_running: set[_Signals] = set()  # keep signal objects alive until their job reports


def run_in_background(
    parent: QWidget | None,
    label: str,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    *,
    show_after_ms: int = 400,
) -> _Signals:
    """Start fn() in the thread pool; a busy (indeterminate) dialog appears if it takes a while."""
    signals = _Signals()
    busy = QProgressDialog(label, "", 0, 0, parent)
    busy.setWindowTitle(QCoreApplication.translate("workers", "请稍候"))
    busy.setCancelButton(None)
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setMinimumDuration(show_after_ms)
    busy.setAutoClose(False)
    busy.setValue(0)

    def finish(callback, value):
        _running.discard(signals)
        busy.reset()
        busy.close()
        busy.deleteLater()
        callback(value)

    signals.done.connect(lambda r: finish(on_done, r))
    signals.failed.connect(lambda e: finish(on_error, e))
    _running.add(signals)
    QThreadPool.globalInstance().start(_Job(fn, signals))
    return signals
