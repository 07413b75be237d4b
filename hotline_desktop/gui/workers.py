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


def _dialog(parent: QWidget | None, label: str, maximum: int, modality: Qt.WindowModality, show_after_ms: int,
            *, cancel: bool = False, auto_reset: bool = True) -> QProgressDialog:
    """The 请稍候 dialog a job shows once it takes `show_after_ms` (maximum 0: busy, no percentage)."""
    dlg = QProgressDialog(label, QCoreApplication.translate("workers", "取消") if cancel else "", 0, maximum, parent)
    dlg.setWindowTitle(QCoreApplication.translate("workers", "请稍候"))
    if not cancel:
        dlg.setCancelButton(None)
    dlg.setWindowModality(modality)
    dlg.setMinimumDuration(show_after_ms)
    dlg.setAutoClose(False)
    if not auto_reset:
        dlg.setAutoReset(False)
    dlg.setValue(0)
    return dlg


def _dismiss(dlg: QProgressDialog) -> None:
    dlg.reset()
    dlg.close()
    dlg.deleteLater()


def _start(signals: _Signals, fn: Callable[[], Any], on_done: Callable[[Any], None],
           on_error: Callable[[BaseException], None], before: Callable[[], None] | None = None):
    """Run fn() in the thread pool; when it reports, `before()` (closing its dialog), then exactly
    one of on_done / on_error, in the GUI thread."""

    def finish(callback, value):
        _running.discard(signals)
        if before is not None:
            before()
        callback(value)

    signals.done.connect(lambda r: finish(on_done, r))
    signals.failed.connect(lambda e: finish(on_error, e))
    _running.add(signals)
    QThreadPool.globalInstance().start(_Job(fn, signals))
    return signals


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
    busy = _dialog(parent, label, 0, Qt.WindowModality.WindowModal, show_after_ms)
    return _start(_Signals(), fn, on_done, on_error, lambda: _dismiss(busy))


def run_quietly(fn: Callable[[], Any], on_done: Callable[[Any], None],
                on_error: Callable[[BaseException], None]) -> _Signals:
    """Start fn() in the thread pool without a dialog (the caller shows its own busy state);
    on_done / on_error run in the GUI thread."""
    return _start(_Signals(), fn, on_done, on_error)


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
    dlg = _dialog(parent, label, 100, Qt.WindowModality.WindowModal, show_after_ms, cancel=True, auto_reset=False)

    def on_cancel() -> None:
        stop.set()
        dlg.setLabelText(QCoreApplication.translate("workers", "正在取消…"))

    dlg.canceled.connect(on_cancel)
    signals.progress.connect(lambda p: dlg.setValue(max(0, min(100, int(p)))) if not stop.is_set() else None)

    def close() -> None:
        try:
            dlg.canceled.disconnect(on_cancel)
        except (RuntimeError, TypeError):
            pass
        _dismiss(dlg)

    signals.dialog = dlg  # type: ignore[attr-defined]
    signals.cancel = on_cancel  # type: ignore[attr-defined]
    return _start(signals, lambda: fn(lambda p: signals.progress.emit(p), stop.is_set), on_done, on_error, close)


def run_and_wait(parent: QWidget | None, label: str, fn: Callable[[Callable[[int], None]], Any]) -> Any:
    """Run ``fn(progress)`` in the thread pool and wait for it in a local event loop, with a 0–100
    progress dialog and no 取消 (for an undo/redo that must finish whole: the window keeps painting,
    keyboard and mouse input wait until it is done). Returns fn's result, or raises its exception
    here, in the GUI thread."""
    from PySide6.QtCore import QEventLoop

    signals = _ProgressSignals()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    dlg = _dialog(parent, label, 100, Qt.WindowModality.ApplicationModal, 300, auto_reset=False)
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
        _dismiss(dlg)
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
