"""Guard against a PySide6 6.12 reference-count bug on CPython < 3.12.

Measured here (PySide6 6.12.0, Python 3.11): every Python call to a Qt method returning void
drops one reference to ``None``, and every ``signal.emit()`` from Python drops one to ``True``.
After a few thousand such calls the interpreter aborts (``Fatal Python error: none_dealloc``).
PySide6 6.11.3 does not do this, and from Python 3.12 these singletons are immortal (PEP 683),
so the leak is harmless there. On older Pythons we do what 3.12 does: give ``None``, ``True``
and ``False`` a reference count so large that it cannot reach zero in any process lifetime.
"""

from __future__ import annotations

import ctypes
import sys

_BIG = 1 << 40  # ~10^12 references: far beyond any number of calls in one session
_installed = False


def install() -> bool:
    """Make the singletons effectively immortal; True when it was needed and done."""
    global _installed
    if _installed or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BIG
    _installed = True
    return True
