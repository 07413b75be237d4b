"""The GUI side of server roles: actions a seat's role may not use stay disabled (the server refuses
them anyway), with the reason as their tooltip. The rule itself is core.roles."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction


def block_actions(actions: Iterable[QAction], reason: str) -> None:
    """Disable these actions for good: a tab that re-enables them by selection is overruled."""
    for a in actions:
        if a is None or a.property("role_blocked"):
            continue
        a.setProperty("role_blocked", True)
        a.setToolTip(reason)
        a.setStatusTip(reason)
        a.setEnabled(False)
        a.changed.connect(lambda a=a: a.isEnabled() and a.setEnabled(False))
