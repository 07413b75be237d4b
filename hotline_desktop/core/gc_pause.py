"""Building many acyclic objects at once (rows, cells) without the cyclic GC's repeated full scans."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic GC passes inside the block (what it builds holds no cycles); restored afterwards.
    Without it, full scans of a growing heap make a large import or load quadratic."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
