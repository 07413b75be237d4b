"""Run slow, widget-free work (parsing, exporting) off the GUI thread with a busy dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid


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


def run_quietly(fn: Callable[[], Any], on_done: Callable[[Any], None],
                on_error: Callable[[BaseException], None]) -> _Signals:
    """Start fn() in the thread pool without a dialog (the caller shows its own busy state);
    on_done / on_error run in the GUI thread."""
    signals = _Signals()

    def finish(callback, value):
        _running.discard(signals)
        callback(value)

    signals.done.connect(lambda r: finish(on_done, r))
    signals.failed.connect(lambda e: finish(on_error, e))
    _running.add(signals)
    QThreadPool.globalInstance().start(_Job(fn, signals))
    return signals


class _ProgressSignals(_Signals):
    progress = Signal(int)


def run_with_progress(
    parent: QWidget | None,
    label: str,
    fn: Callable[[Callable[[int], None], Callable[[], bool]], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    *,
    show_after_ms: int = 300,
) -> _ProgressSignals:
    """Start ``fn(progress, cancelled)`` in the thread pool with a 0–100 progress dialog and a
    取消 button. ``progress(p)`` may be called from the worker; ``cancelled()`` turns true once
    the user cancels (fn should then stop by raising). Exactly one of on_done / on_error runs,
    in the GUI thread. The returned object's ``dialog`` and ``cancel()`` serve tests.
    """
    import threading

    signals = _ProgressSignals()
    stop = threading.Event()
    dlg = QProgressDialog(label, QCoreApplication.translate("workers", "取消"), 0, 100, parent)
    dlg.setWindowTitle(QCoreApplication.translate("workers", "请稍候"))
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setMinimumDuration(show_after_ms)
    dlg.setAutoClose(False)
    dlg.setAutoReset(False)
    dlg.setValue(0)

    def on_cancel() -> None:
        stop.set()
        dlg.setLabelText(QCoreApplication.translate("workers", "正在取消…"))

    dlg.canceled.connect(on_cancel)
    signals.progress.connect(lambda p: dlg.setValue(max(0, min(100, int(p)))) if not stop.is_set() else None)

    def finish(callback, value):
        _running.discard(signals)
        try:
            dlg.canceled.disconnect(on_cancel)
        except (RuntimeError, TypeError):
            pass
        dlg.reset()
        dlg.close()
        dlg.deleteLater()
        callback(value)

    signals.done.connect(lambda r: finish(on_done, r))
    signals.failed.connect(lambda e: finish(on_error, e))
    signals.dialog = dlg  # type: ignore[attr-defined]
    signals.cancel = on_cancel  # type: ignore[attr-defined]
    _running.add(signals)

    QThreadPool.globalInstance().start(_Job(lambda: fn(lambda p: signals.progress.emit(p), stop.is_set), signals))
    return signals


def run_and_wait(parent: QWidget | None, label: str, fn: Callable[[Callable[[int], None]], Any]) -> Any:
    """Run ``fn(progress)`` in the thread pool and wait for it in a local event loop, with a 0–100
    progress dialog and no 取消 (for an undo/redo that must finish whole: the window keeps painting,
    keyboard and mouse input wait until it is done). Returns fn's result, or raises its exception
    here, in the GUI thread."""
    from PySide6.QtCore import QEventLoop

    signals = _ProgressSignals()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    dlg = QProgressDialog(label, "", 0, 100, parent)
    dlg.setWindowTitle(QCoreApplication.translate("workers", "请稍候"))
    dlg.setCancelButton(None)
    dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
    dlg.setMinimumDuration(300)
    dlg.setAutoClose(False)
    dlg.setAutoReset(False)
    dlg.setValue(0)
    signals.progress.connect(lambda p: dlg.setValue(max(0, min(100, int(p)))))

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    signals.done.connect(lambda r: finish("result", r))
    signals.failed.connect(lambda e: finish("error", e))
    signals.dialog = dlg  # type: ignore[attr-defined]
    _running.add(signals)
    QThreadPool.globalInstance().start(_Job(lambda: fn(lambda p: signals.progress.emit(p)), signals))
    try:
        if not outcome:
            # input waits until the work is done (a second 撤销 meanwhile would re-enter the stack)
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        _running.discard(signals)
        dlg.reset()
        dlg.close()
        dlg.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


class LiveEngineBuild:
    """A tab's off-thread build of a year scheme's live engine: one build per year scheme at a
    time, installed into the rankings service when done; the tab's callbacks run only if the tab
    still exists and still waits for that build."""

    def __init__(self, owner: QWidget, services) -> None:
        self._owner = owner
        self._services = services
        self.ys_id: int | None = None  # the year scheme being built

    @property
    def running(self) -> bool:
        return self.ys_id is not None

    def start(self, ys_id: int, on_built: Callable[[], None],
              on_failed: Callable[[BaseException], None]) -> None:
        if self.ys_id == ys_id:
            return
        self.ys_id = ys_id
        rankings = self._services.rankings

        def done(built) -> None:
            if not isValid(self._owner):
                return
            if self.ys_id == ys_id:
                self.ys_id = None
            rankings.install(built)
            on_built()

        def failed(e: BaseException) -> None:
            if isValid(self._owner) and self.ys_id == ys_id:
                self.ys_id = None
                on_failed(e)

        run_quietly(rankings.start_build(ys_id), done, failed)
