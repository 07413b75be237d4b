"""Other seats' committed changes, live in this window (PostgreSQL only).

A QThread runs the Qt-free db.live.ChangeListener (LISTEN on its own connection, reconnecting
after a drop); each burst of notifications crosses into the GUI thread as a queued signal and
goes to services.live.LiveSync, which emits the same service events a local edit emits — the
open tabs and rankings update through their one path.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Signal

from hotline_desktop.services.live import LiveSync, seat_listener


class _ListenThread(QThread):
    received = Signal(object)
    state = Signal(bool)

    def __init__(self, listener, parent=None):
        super().__init__(parent)
        self.listener = listener
        listener.on_state = self.state.emit

    def run(self) -> None:
        self.listener.run(lambda changes: self.received.emit((time.perf_counter(), changes)))


class LiveBridge(QObject):
    """Starts listening for `services` (a PostgreSQL store); `stop()` before closing the services."""

    applied = Signal(object)  # (perf_counter at receipt, list[RemoteChange]) after LiveSync ran
    state_changed = Signal(bool)  # listening (True) / connection lost, reconnecting (False)

    def __init__(self, services, listener, parent: QObject | None = None):
        super().__init__(parent)
        self.sync = LiveSync(services)
        self.listener = listener
        self._thread = _ListenThread(listener, self)
        self._thread.received.connect(self._on_received)
        self._thread.state.connect(self.state_changed.emit)
        self._thread.start()

    def _on_received(self, item) -> None:
        received_at, changes = item
        self.sync.apply(changes)
        self.applied.emit((received_at, changes))

    @property
    def connected(self) -> bool:
        return self.listener.connected.is_set()

    def stop(self, wait_ms: int = 3000) -> None:
        self.listener.stop()
        self._thread.wait(wait_ms)


def start_live(services, parent: QObject | None = None) -> LiveBridge | None:
    listener = seat_listener(services)
    return LiveBridge(services, listener, parent) if listener is not None else None
