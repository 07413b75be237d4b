"""Carry a Qt-free service Event into the GUI thread as a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hotline_desktop.services.events import Event


class EventBridge(QObject):
    """Re-emits `event(ids, action)` as `changed`; queued when the event fires in a worker."""

    changed = Signal(object, str)

    def __init__(self, event: Event, parent: QObject | None = None):
        super().__init__(parent)
        self._event = event
        event.connect(self._forward)

    def _forward(self, ids, action) -> None:
        self.changed.emit(list(ids), str(action))

    def detach(self) -> None:
        self._event.disconnect(self._forward)
