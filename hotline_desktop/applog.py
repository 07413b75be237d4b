"""The app's log: a rotating file in the data folder (logs/hotline.log, 2 MB × 5). Qt-free.

The Windows build has no console, so anything unexpected is written here; the GUI's exception
hook (gui/crash.py) shows the operator this file's path.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import tempfile
import traceback
from pathlib import Path

LOGGER = "hotline_desktop"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger(LOGGER)
_handler: logging.handlers.RotatingFileHandler | None = None


def setup_logging(log_file: Path) -> Path | None:
    """Log to `log_file` (rotating); falls back to the system temp folder when the data folder
    cannot take it (read-only, full). Returns the file in use, or None when none could be opened.
    Calling it again moves the log to the new file."""
    global _handler
    for candidate in (Path(log_file), Path(tempfile.gettempdir()) / "hotline_desktop" / "hotline.log"):
        if _handler is not None and Path(_handler.baseFilename) == candidate.resolve():
            return candidate
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                candidate, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
            )
        except OSError:
            continue
        handler.setFormatter(logging.Formatter(FORMAT))
        if _handler is not None:
            log.removeHandler(_handler)
            _handler.close()
        _handler = handler
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        return candidate
    return None


def current_log_file() -> Path | None:
    return Path(_handler.baseFilename) if _handler is not None else None


def log_exception(exc_type, exc, tb, where: str = "") -> str:
    """Write one unexpected exception with its traceback to the log; returns the traceback text."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("未处理的异常%s\n%s", f"（{where}）" if where else "", text.rstrip())
    if _handler is None:  # no log file: at least stderr, when there is one
        stream = sys.stderr
        if stream is not None:
            stream.write(text)
    return text
