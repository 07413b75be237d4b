"""Backup and restore: the one entry the GUI and the CLI use (a PostgreSQL pg_dump backend goes here too).

Module functions work on a data folder whose database is not open (start-up restore); BackupService
works on an open store.
"""

from __future__ import annotations

from pathlib import Path

from hotline_desktop.db import backup as bk
from hotline_desktop.db.backup import BackupInfo
from hotline_desktop.db.engine import StoreOpenError
from hotline_desktop.db.lock import AlreadyRunning
from hotline_desktop.db.store import Store, restore_database, restore_server
from hotline_desktop.paths import DataPaths

__all__ = [
    "AlreadyRunning",
    "BackupInfo",
    "BackupService",
    "StoreOpenError",
    "list_backups",
    "restore_closed",
]


def list_backups(paths: DataPaths) -> list[BackupInfo]:
    """The data folder's backups, newest first."""
    return bk.list_backups(paths.backups)


def restore_closed(paths: DataPaths, source: Path) -> Path | None:
    """Restore over a database nobody has open (a damaged one is moved aside, never overwritten).
    A server database is restored from a pg_dump backup in one transaction (db/pg_backup.py),
    after a safety dump; seats that have it open are told to re-read."""
    if paths.on_server:
        return restore_server(paths, Path(source))
    return restore_database(paths, Path(source))


class BackupService:
    def __init__(self, store: Store):
        self.store = store

    @property
    def folder(self) -> Path:
        return self.store.paths.backups

    def list(self) -> list[BackupInfo]:
        return bk.list_backups(self.folder)

    def last(self) -> BackupInfo | None:
        return self.store.last_backup()

    def default_manual_path(self) -> Path:
        """Where 备份… proposes to write (a fresh timestamped name in the backups folder)."""
        return bk.backup_path(self.folder, "manual", suffix=self.store.backup_suffix)  # .dump on a server

    def backup(self, dest: Path | None = None) -> Path:
        """A manual backup to dest (default: the backups folder); StoreWriteError says why not."""
        return self.store.backup_manual(Path(dest) if dest else None)

    def restore_from(self, source: Path) -> Path | None:
        """Replace the open database by a backup; returns the safety copy of the previous one."""
        return self.store.restore_from(Path(source))
