"""Write a file so that nobody ever sees it half-written (exports, backups, evidence copies)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_write(dest: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; when the block succeeds it replaces `dest` in one
    rename, when it fails (or is cancelled) the temporary file is removed and `dest` is untouched."""
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
