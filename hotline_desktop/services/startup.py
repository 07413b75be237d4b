"""The start of the app, before the services load: the data folder's file checks begun early.

Imports nothing heavy (no SQLAlchemy): gui/app.open_services calls it first, so the integrity
check of the database file runs in SQLite beside the loading of everything else."""

from __future__ import annotations

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
