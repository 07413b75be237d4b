"""A faster form of the check PySide6 makes on every module imported after it.

PySide6's `__feature__` support (shibokensupport.feature) records, for each newly imported
module, whether its source mentions "PySide6": ``_mod_uses_pyside`` reads it with
``inspect.getsource``, which loads the whole file into linecache split into lines. At start-up
that is ~300 modules (SQLAlchemy, the services, the tabs) and ~0.1 s of CPU before the window
paints. `install()` swaps in a plain read of the module file's bytes with the same answer
(anything but a .py file goes to PySide's own check). Explicit, like gui/refguard: called by
gui/app.ensure_application; a PySide6 without that function is left as it is.
"""

from __future__ import annotations

import sys

_installed = False


def uses_pyside(module, fallback) -> bool:
    """Whether the module's source file mentions PySide6 (as ``"PySide6" in inspect.getsource``)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return fallback(module)
    try:
        with open(path, "rb") as fh:
            return b"PySide6" in fh.read()
    except OSError:
        return fallback(module)


def install() -> bool:
    """Replace PySide6's check (once); False when this PySide6 has no such check."""
    global _installed
    if _installed:
        return True
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if not callable(original):
        return False
    feature._mod_uses_pyside = lambda module: uses_pyside(module, original)
    _installed = True
    return True
