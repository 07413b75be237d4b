"""Work around a PySide6 6.12 reference-count bug: ``SignalInstance.emit()`` called from Python
returns ``True`` without a new reference, so on Python 3.11 every emit steals one reference to
``True`` and, after a few thousand emits (e.g. ``dataChanged`` per edited cell), the process
aborts with ``Fatal Python error: bool_dealloc``. Signals emitted by Qt itself are not affected.

``emit(signal, *args)`` emits and gives the reference back only when the bug is present
(probed once), so it stays right after PySide is fixed and on Pythons with immortal ``True``.

PySide6 6.12.0 has a second leak this cannot mend: each time Qt calls a Python slot that
returns ``None`` one reference to ``None`` is lost (``none_dealloc`` after some thousands of
signal deliveries). PySide6 6.11.3 has neither leak: pin ``PySide6-Essentials`` / ``PySide6-Pdf``
below 6.12 until a fixed release.
"""

from __future__ import annotations

import ctypes
import sys

_leaks: bool | None = None
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def emit_leaks() -> bool:
    """Whether a Python-side emit steals a reference to True (probed once)."""
    global _leaks
    if _leaks is None:
        from PySide6.QtCore import QObject, Signal

        class _Probe(QObject):
            ping = Signal()

        probe = _Probe()
        before = sys.getrefcount(True)
        for _ in range(8):
            probe.ping.emit()
        lost = before - sys.getrefcount(True)
        if lost > 0:
            for _ in range(lost):
                _incref(True)
        _leaks = lost >= 8
    return _leaks


def emit(signal, *args) -> None:
    """``signal.emit(*args)`` without losing a reference to ``True``."""
    result = signal.emit(*args)
    if result is True and (_leaks if _leaks is not None else emit_leaks()):
        _incref(True)
