"""The start of the app, before the services load: the data folder's file checks begun early.

Imports nothing heavy (no SQLAlchemy): gui/app.open_services calls it first, so the integrity
check of the database file runs in SQLite beside the loading of everything else."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

from hotline_desktop.db.engine import EarlyInspection
from hotline_desktop.paths import DataPaths


def begin_file_checks(paths: DataPaths) -> EarlyInspection | None:
    """The SQLite file's checks, begun in a thread (for AppServices.open(…, inspection=…)); None
    on a server database, a new folder, or a file left with a -wal (not closed cleanly: the
    checks then copy it, and Store.open does them itself under the instance lock)."""
    db = paths.database
    if paths.on_server or not db.is_file() or Path(f"{db}-wal").exists():
        return None
    return EarlyInspection(db)


WARM_MODULES = ("numpy", "hotline_desktop.core.scoring.engine", "hotline_desktop.services.orders")


def load_engine_in_background() -> threading.Thread:
    """Import the scoring engine (numpy) and the orders layer in a thread, once the window is up:
    they are left out of the start so the window paints first, and a tab that builds a live engine
    (排名, 月度数据, 年度考核) opened a moment later finds them loaded. Opened at once, its own
    build waits for the same imports (per-module import locks) instead of doing them twice."""

    def load() -> None:
        for name in WARM_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the first real use imports again and says what fails
                return

    thread = threading.Thread(target=load, name="hotline-warm-up", daemon=True)
    thread.start()
    return thread
