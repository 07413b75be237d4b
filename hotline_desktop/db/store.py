"""The Store: one database in one data folder, opened safely, backed up, restorable."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from hotline_desktop.db import backup as bk
from hotline_desktop.db.engine import (
    DbInspection,
    DbState,
    StoreOpenError,
    inspect_database,
    make_engine,
    session_factory,
    upgrade,
)
from hotline_desktop.db.lock import InstanceLock
from hotline_desktop.paths import DataPaths


class Store:
    """Owns the engine. `with store.session() as s:` is one unit of work, committed at its end."""

    def __init__(self, paths: DataPaths):
        self.paths = paths
        self.engine = make_engine(paths.database)
        self._sessions = session_factory(self.engine)
        self.lock: InstanceLock | None = None
        self.notices: list[str] = []  # things the operator should be told once (upgrade, backup)

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, paths: DataPaths, *, lock: bool = True, auto_backup: bool = True) -> Store:
        paths.ensure()
        instance_lock = InstanceLock(paths.lock_file, paths.root).acquire() if lock else None
        try:
            insp = inspect_database(paths.database)
            if not insp.usable:
                raise StoreOpenError(insp.message(paths.database), insp)
            if insp.state is DbState.OLDER:
                bk.copy_database(paths.database, bk.backup_path(paths.backups, "pre-upgrade"))
            store = cls(paths)
            store.lock = instance_lock
            if insp.state is not DbState.CURRENT:
                upgrade(store.engine)
                if insp.state is DbState.OLDER:
                    store.notices.append("数据库已升级到新版本，升级前已自动备份。")
            elif auto_backup and bk.auto_backup_due(paths.backups):
                store.backup_auto()
            return store
        except BaseException:
            if instance_lock:
                instance_lock.release()
            raise

    def close(self) -> None:
        self.engine.dispose()
        if self.lock:
            self.lock.release()
            self.lock = None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        s = self._sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    # -- backups -----------------------------------------------------------------------------
    def backup_to(self, dest: Path) -> Path:
        return bk.copy_database(self.paths.database, Path(dest))

    def backup_auto(self) -> Path:
        p = self.backup_to(bk.backup_path(self.paths.backups, "auto"))
        bk.rotate_auto(self.paths.backups)
        return p

    def backup_manual(self, dest: Path | None = None) -> Path:
        return self.backup_to(dest or bk.backup_path(self.paths.backups, "manual"))

    def last_backup(self) -> bk.BackupInfo | None:
        return bk.last_backup(self.paths.backups)

    def restore_from(self, source: Path) -> Path | None:
        """Replace the database with a backup; the current one is backed up first.

        Returns the safety copy of the previous database (None if there was nothing to keep).
        """
        return restore_database(self.paths, Path(source), engine_owner=self)

    def reopen_engine(self) -> None:
        self.engine.dispose()
        self.engine = make_engine(self.paths.database)
        self._sessions = session_factory(self.engine)


def check_backup_file(source: Path) -> DbInspection:
    source = Path(source)
    if not source.is_file():
        raise StoreOpenError(f"找不到备份文件：{source}")
    insp = inspect_database(source)
    if insp.state is DbState.NEW:
        raise StoreOpenError(f"备份文件是空的，不能用于恢复：{source}")
    if not insp.usable:
        raise StoreOpenError(insp.message(source).replace("数据库文件", "备份文件"), insp)
    return insp


def restore_database(paths: DataPaths, source: Path, engine_owner: Store | None = None) -> Path | None:
    """Restore `source` over the data folder's database. Works when the current one is broken.

    The current database is kept: copied with the backup API when readable, moved aside when not.
    """
    check_backup_file(source)
    paths.ensure()
    current = inspect_database(paths.database)
    safety: Path | None = None
    if engine_owner is not None:
        engine_owner.engine.dispose()
    if current.state in (DbState.CURRENT, DbState.OLDER):
        safety = bk.copy_database(paths.database, bk.backup_path(paths.backups, "pre-restore"))
    elif current.state is not DbState.NEW:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        safety = paths.database.with_name(f"{paths.database.name}.damaged-{stamp}")
        shutil.move(str(paths.database), safety)
        for ext in ("-wal", "-shm"):
            side = Path(str(paths.database) + ext)
            if side.exists():
                shutil.move(str(side), str(safety) + ext)
    # Copy into a temp file, then swap it in; stale WAL files must not be replayed over it.
    tmp = bk.copy_database(source, paths.database.with_name(paths.database.name + ".restoring"))
    for ext in ("-wal", "-shm"):
        Path(str(paths.database) + ext).unlink(missing_ok=True)
    os.replace(tmp, paths.database)
    if engine_owner is not None:
        engine_owner.reopen_engine()
        engine = engine_owner.engine
    else:
        engine = make_engine(paths.database)
    if inspect_database(paths.database).state is DbState.OLDER:
        upgrade(engine)
    if engine_owner is None:
        engine.dispose()
    return safety
