"""Carry a Qt-free service Event into the GUI thread as a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hotline_desktop.services.events import Event


class EventBridge(QObject):
    """Re-emits `event(*args)` as `fired(args)`; queued when the event fires in a worker thread."""

    fired = Signal(object)

    def __init__(self, event: Event, parent: QObject | None = None):
        super().__init__(parent)
        self._event: Event | None = event
        event.connect(self._forward)

    def _forward(self, *args) -> None:
        self.fired.emit(args)

    def detach(self) -> None:
        if self._event is not None:
            self._event.disconnect(self._forward)
            self._event = None
