"""The base of every undoable edit: each redo/undo goes through a service (committed, audited).

A command is pushed after its first execution succeeded, so the push's redo() is skipped. If a
later undo/redo is refused, the message goes to `on_error` and the command is dropped from the
stack (setObsolete), so the history stays truthful.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from hotline_desktop.services.errors import ConflictError, ServiceError

ErrorSink = Callable[[str], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Commands", text)


class ServiceCommand(QUndoCommand):
    def __init__(self, text: str, on_error: ErrorSink | None):
        super().__init__(text)
        self._on_error = on_error
        self._skip_first_redo = True
        self.on_conflict: Callable[[], None] | None = None  # refresh the view after another seat's change

    def _run(self, fn: Callable[[], None], what: str) -> None:
        try:
            fn()
        except (ServiceError, OSError) as e:
            self.setObsolete(True)
            if isinstance(e, ConflictError) and self.on_conflict is not None:
                self.on_conflict()
            if self._on_error:
                self._on_error(_tr("无法{0}“{1}”：{2}").format(what, self.text(), e))

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._run(self.do_redo, _tr("重做"))

    def undo(self) -> None:
        self._run(self.do_undo, _tr("撤销"))

    def do_redo(self) -> None:
        raise NotImplementedError

    def do_undo(self) -> None:
        raise NotImplementedError
