"""Guard against a PySide6 6.12 reference-count bug on CPython < 3.12.

Measured here (PySide6 6.12.0, Python 3.11): every Python call to a Qt method returning void
drops one reference to ``None``, and every ``signal.emit()`` from Python drops one to ``True``.
After a few thousand such calls the interpreter aborts (``Fatal Python error: none_dealloc``).
PySide6 6.11.3 does not do this, and from Python 3.12 these singletons are immortal (PEP 683),
so the leak is harmless there. On the affected combination we do what 3.12 does: give ``None``,
``True`` and ``False`` a reference count so large that it cannot reach zero in any process
lifetime.

Scoped, and installed explicitly: `install()` acts only on the affected PySide6 releases
(AFFECTED_RELEASES) under CPython < 3.12. It is called at GUI start (gui/app.ensure_application,
used by run_gui, the screenshots and the benchmarks) and by the tests' conftest, never as a side
effect of importing a module. We keep 6.12 because PySide6_Pdf (QtPdf) exists only for 6.12 on
this platform; see docs/dependencies.md.
"""

from __future__ import annotations

import ctypes
import sys

AFFECTED_RELEASES: tuple[tuple[int, int], ...] = ((6, 12),)  # (major, minor) of PySide6
_BIG = 1 << 40  # ~10^12 references: far beyond any number of calls in one session
_installed = False


def needed(pyside: tuple[int, ...] | None = None, python: tuple[int, ...] | None = None,
           implementation: str | None = None) -> bool:
    """Whether this PySide6 / Python combination has the leak (arguments default to the running one)."""
    if pyside is None:
        import PySide6

        pyside = tuple(PySide6.__version_info__[:2])
    python = tuple(python if python is not None else sys.version_info[:2])
    implementation = implementation or sys.implementation.name
    return implementation == "cpython" and python < (3, 12) and tuple(pyside[:2]) in AFFECTED_RELEASES


def installed() -> bool:
    return _installed


def install() -> bool:
    """Make the singletons effectively immortal when this PySide6 needs it; True when it was done now."""
    global _installed
    if _installed or not needed():
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BIG
    _installed = True
    return True
