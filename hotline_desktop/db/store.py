"""The Store: one database in one data folder, opened safely, backed up, restorable."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, InternalError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hotline_desktop.db import backup as bk
from hotline_desktop.db import checkpointer as ckpt
from hotline_desktop.db import seats
from hotline_desktop.db.concurrency import TABLE_LABELS, stale_write
from hotline_desktop.db.engine import (
    DbInspection,
    DbState,
    EarlyInspection,
    StoreOpenError,
    display_url,
    inspect_database,
    inspect_server,
    make_engine,
    make_server_engine,
    session_factory,
    upgrade,
)
from hotline_desktop.db.errors import PermissionDenied, StoreWriteError, write_error
from hotline_desktop.db.lock import InstanceLock
from hotline_desktop.paths import DataPaths

log = logging.getLogger(__name__)


class Store:
    """Owns the engine. `with store.session() as s:` is one unit of work, committed at its end."""

    def __init__(self, paths: DataPaths):
        self.paths = paths
        # an SQLite file's WAL is checkpointed by a thread (db.checkpointer), not in commits
        self.checkpointer: ckpt.Checkpointer | None = None
        self._checkpointed = not paths.on_server and str(paths.database) != ":memory:" and ckpt.enabled()
        self.engine = self._make_engine()
        self._sessions = session_factory(self.engine)
        self.lock: InstanceLock | None = None
        self.notices: list[str] = []  # things the operator should be told once (upgrade, backup)
        self.warnings: list[str] = []  # problems the operator must see (a failed automatic backup)
        self._operator: str | None = None  # who this seat is in the audit log (db.seats)
        self._profile: str | None = None
        self._role: str | None | bool = False  # not read yet

    # -- opening -----------------------------------------------------------------------------
    @property
    def on_server(self) -> bool:
        return self.paths.on_server

    @property
    def location(self) -> str:
        """Where the data is, for the operator: the file, or the server URL without password."""
        return self.paths.location

    @classmethod
    def open(cls, paths: DataPaths, *, lock: bool = True, auto_backup: bool = True,
             inspection: EarlyInspection | None = None) -> Store:
        """`inspection`: the file's checks begun earlier (gui/app.open_services), used when the
        file has not changed since."""
        if paths.on_server:
            return cls._open_server(paths)
        problem = access_problem(paths)
        if problem:
            raise StoreOpenError(problem, access_denied=True)
        instance_lock = InstanceLock(paths.lock_file, paths.root).acquire() if lock else None
        store = None
        try:
            insp = (inspection.result() if inspection is not None else None) or inspect_database(paths.database)
            if not insp.usable:
                raise StoreOpenError(insp.message(paths.database), insp)
            if insp.state is DbState.OLDER:
                try:
                    bk.copy_database(paths.database, bk.backup_path(paths.backups, "pre-upgrade"), "升级前备份没有完成")
                except StoreWriteError as e:
                    raise StoreOpenError(f"{e}\n数据库需要升级，但升级前的备份失败，未做任何改动。") from None
            if insp.state is DbState.NEW:
                create_database(paths.database)
            store = cls(paths)
            store.lock = instance_lock
            store._probe()
            store._start_checkpointer()
            if insp.state is DbState.OLDER:
                upgrade(store.engine)
                store.notices.append("数据库已升级到新版本，升级前已自动备份。")
            elif insp.state is DbState.CURRENT and auto_backup and bk.auto_backup_due(paths.backups):
                try:
                    store.backup_auto()
                except StoreWriteError as e:
                    # The day's backup is not worth losing the app over: warn, open anyway.
                    store.warnings.append(f"今天的自动备份失败：{e}")
                    log.warning("自动备份失败：%s", e)
            return store
        except BaseException:
            if store is not None:
                store._stop_checkpointer(truncate=False)
            if instance_lock:
                instance_lock.release()
            raise

    @classmethod
    def _open_server(cls, paths: DataPaths) -> Store:
        """A PostgreSQL database: several seats may share it, so no instance lock; classified by
        its tables (inspect_server) instead of a file header. The data folder still holds logs,
        exports and local files."""
        try:
            paths.ensure()
        except OSError as e:
            raise StoreOpenError(_access_message(e, paths.root, "无法创建或使用数据文件夹"), access_denied=True) from e
        try:
            store = cls(paths)
        except ValueError as e:  # a malformed or unsupported URL
            raise StoreOpenError(str(e)) from None
        where = store.location
        try:
            insp = inspect_server(store.engine)
            if not insp.usable:
                raise StoreOpenError(insp.message(where), insp)
            if insp.state is DbState.OLDER:
                try:
                    dumped = bk.server_backup(paths.database_url,
                                              bk.backup_path(paths.backups, "pre-upgrade", suffix=".dump"))
                except StoreWriteError as e:
                    raise StoreOpenError(f"{e}\n数据库需要升级，但升级前的备份失败，未做任何改动。") from None
            if insp.state in (DbState.NEW, DbState.OLDER):
                try:  # one transaction under an advisory lock: seats opening at once migrate once
                    upgrade(store.engine)
                except (ProgrammingError, InternalError) as e:  # e.g. no right to create tables or pg_trgm
                    what = "创建数据库表" if insp.state is DbState.NEW else "升级数据库"
                    raise StoreOpenError(f"无法{what}（{_server_reason(e)}），数据库未做任何改动。"
                                         f"请让数据库管理员授予建表权限，或由其先用本软件完成{what}。\n数据库：{where}",
                                         access_denied=True) from None
            if insp.state is DbState.OLDER:
                store.notices.append(
                    "数据库已升级到新版本，升级前已自动备份。" if dumped
                    else "数据库已升级到新版本（服务器数据库未能自动备份：本机没有 pg_dump）。")
        except OperationalError as e:
            store.engine.dispose()
            raise StoreOpenError(f"无法连接数据库服务器（{_server_reason(e)}）。\n数据库：{where}",
                                 access_denied=True) from None
        except BaseException:
            store.engine.dispose()
            raise
        return store

    def _probe(self) -> None:
        """Read once through the engine: a disk that cannot even hold the -shm index (full) is
        said at open, not as a failure of the first thing the operator does."""
        try:
            with self.engine.connect() as con:
                con.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except (OperationalError, sqlite3.OperationalError) as e:
            self.engine.dispose()
            raise StoreOpenError(str(write_error(e, self.paths.database, "无法打开数据库")), access_denied=True) from e

    # -- the seat ----------------------------------------------------------------------------
    @property
    def operator(self) -> str:
        """Who this seat is in every audit row (database role on PostgreSQL, profile or OS user)."""
        if self._operator is None:
            self._operator = seats.resolve_operator(self.engine, self._profile)
        return self._operator

    def set_operator(self, profile: str | None) -> str:
        """Use a named operator profile (None: the default); ValueError with a Chinese message."""
        self._profile = seats.check_profile(profile) or ""
        self._operator = seats.resolve_operator(self.engine, self._profile)
        return self._operator

    @property
    def role(self) -> str | None:
        """管理员 / 录入员 on a server database (read once); None on SQLite, where all is allowed."""
        if self._role is False:
            self._role = seats.resolve_role(self.engine)
        return self._role

    def close(self) -> None:
        self.dispose_engine()  # the checkpointer empties the -wal first
        if self.lock:
            self.lock.release()
            self.lock = None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work. A write the disk refuses (full, read-only, locked) is rolled back and
        raised as StoreWriteError with a Chinese message; nothing of the unit is kept."""
        s = self._sessions(info={"operator": self.operator})
        try:
            yield s
            s.commit()
        except StaleDataError as e:  # the row moved on between this unit's read and its UPDATE
            _rollback_quietly(s)
            raise stale_write(_stale_table(e)) from e
        except DBAPIError as e:
            _rollback_quietly(s)
            table = seats.permission_denied_table(e)
            if table is not None:
                raise permission_denied(self.role, table) from e
            if isinstance(e, OperationalError):
                err = write_error(e, self.location, _what_failed(e))
                log.warning("写入数据库失败（%s）：%s", e, err)
                raise err from e
            raise
        except sqlite3.OperationalError as e:
            _rollback_quietly(s)
            err = write_error(e, self.location if self.on_server else self.paths.database, _what_failed(e))
            log.warning("写入数据库失败（%s）：%s", e, err)
            raise err from e
        except BaseException:
            _rollback_quietly(s)
            raise
        finally:
            s.close()

    # -- backups -----------------------------------------------------------------------------
    def backup_to(self, dest: Path) -> Path:
        if self.on_server:
            done = bk.server_backup(self.paths.database_url, Path(dest))
            if done is None:
                raise StoreWriteError(f"本机无法备份服务器数据库（没有 pg_dump），备份没有完成。\n数据库：{self.location}")
            return done
        return bk.copy_database(self.paths.database, Path(dest))

    @property
    def backup_suffix(self) -> str:
        return bk.SERVER_SUFFIX if self.on_server else bk.BACKUP_SUFFIX

    def backup_auto(self) -> Path:
        p = self.backup_to(bk.backup_path(self.paths.backups, "auto", suffix=self.backup_suffix))
        with contextlib.suppress(OSError):  # an old backup that cannot be removed stays; no harm
            bk.rotate_auto(self.paths.backups)
        return p

    def backup_manual(self, dest: Path | None = None) -> Path:
        return self.backup_to(dest or bk.backup_path(self.paths.backups, "manual", suffix=self.backup_suffix))

    def last_backup(self) -> bk.BackupInfo | None:
        return bk.last_backup(self.paths.backups)

    def restore_from(self, source: Path) -> Path | None:
        """Replace the database with a backup; the current one is backed up first.

        Returns the safety copy of the previous database (None if there was nothing to keep).
        """
        if self.on_server:
            self.engine.dispose()
            try:
                return restore_server(self.paths, Path(source))
            finally:
                self.reopen_engine()
        try:
            return restore_database(self.paths, Path(source), engine_owner=self)
        finally:
            self._start_checkpointer()  # (started already when the restore reopened the engine)

    def dispose_engine(self) -> None:
        """Close every connection to the database, the checkpointer's too (after it emptied the
        -wal), e.g. before the file is replaced; `reopen_engine` (or the next session) goes on."""
        self._stop_checkpointer()
        self.engine.dispose()

    def reopen_engine(self) -> None:
        self.dispose_engine()
        self.engine = self._make_engine()
        self._sessions = session_factory(self.engine)
        self._start_checkpointer()

    # -- the WAL checkpointer (SQLite) --------------------------------------------------------
    def _make_engine(self):
        if self.paths.on_server:
            return make_server_engine(self.paths.database_url)
        engine = make_engine(self.paths.database, autocheckpoint=not self._checkpointed)
        if self._checkpointed:
            # The thread is nudged once the connection of a commit is back in the pool: the
            # "commit" event comes before SQLite's commit, and a checkpoint run beside the commit
            # would never copy its last pages (nor let the WAL start again from its beginning).
            event.listen(engine, "commit", _mark_committed)
            event.listen(engine.pool, "checkin", self._nudge_checkpointer)
        return engine

    def _nudge_checkpointer(self, _dbapi_con, record) -> None:
        cp = self.checkpointer
        if record is not None and record.info.pop(_COMMITTED, False) and cp is not None:
            cp.nudge()

    def _start_checkpointer(self) -> None:
        if self._checkpointed and (self.checkpointer is None or not self.checkpointer.alive):
            self.checkpointer = ckpt.Checkpointer(self.paths.database).start()

    def _stop_checkpointer(self, *, truncate: bool = True) -> None:
        cp, self.checkpointer = self.checkpointer, None
        if cp is not None:
            cp.stop(truncate=truncate)


def restore_server(paths: DataPaths, source: Path) -> Path | None:
    """Restore a pg_dump backup over a server database (in one transaction); the current one is
    dumped first. A dump of a newer schema, or a server database that is not ours, is refused
    untouched. Other seats are told to re-read everything. Returns the safety dump (None: there
    was nothing to keep)."""
    from hotline_desktop.db import pg_backup
    from hotline_desktop.db.live import notify_resync

    pg_backup.check_dump(source)
    engine = make_server_engine(paths.database_url)
    try:
        current = inspect_server(engine)
        if current.state not in (DbState.NEW, DbState.CURRENT, DbState.OLDER):
            raise StoreOpenError(current.message(display_url(paths.database_url)) + "\n未恢复。", current)
        safety = None
        if current.state is not DbState.NEW:
            safety = pg_backup.dump(paths.database_url,
                                    bk.backup_path(paths.backups, "pre-restore", suffix=bk.SERVER_SUFFIX),
                                    "恢复前的备份没有完成，未恢复")
        engine.dispose()
        pg_backup.restore(paths.database_url, source)
        if inspect_server(engine).state is DbState.OLDER:
            upgrade(engine)
        notify_resync(engine)
        return safety
    finally:
        engine.dispose()


_COMMITTED = "hotline_wal_commit"  # pool record info: a commit since the connection was checked out


def _mark_committed(con) -> None:
    con.info[_COMMITTED] = True


def _stale_table(e: StaleDataError) -> str:
    m = re.search(r"on table '(\w+)'", str(e))
    return m.group(1) if m else ""


def permission_denied(role: str | None, table: str) -> PermissionDenied:
    what = TABLE_LABELS.get(table, "这些数据")
    who = f"你的角色（{role}）" if role else "当前数据库账号"
    return PermissionDenied(f"{who}不能修改{what}，本次修改未保存。如需修改，请联系管理员。", table)


def _server_reason(e: BaseException) -> str:
    """The first line of the server's own message (psycopg's are in English), clipped."""
    from hotline_desktop.core.text import clip

    orig = getattr(e, "orig", None) or e
    first = (str(orig).strip().splitlines() or [""])[0]
    return clip(first, 120) or "连接失败"


def _what_failed(e: BaseException) -> str:
    statement = (getattr(e, "statement", None) or "").lstrip().upper()
    if statement.startswith(("SELECT", "PRAGMA", "WITH")):
        return "数据没有读出"
    return "修改没有保存" if statement else "操作没有完成"


def _rollback_quietly(s: Session) -> None:
    try:
        s.rollback()
    except (OperationalError, sqlite3.OperationalError):
        pass  # the connection is gone with the failed write; SQLite rolled it back itself


def create_database(path: Path) -> None:
    """A new, empty database at `path`, built beside it and renamed into place in one step, so a
    crash while creating never leaves an empty or half-built hotline.db behind."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.creating")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        p.unlink(missing_ok=True)
    engine = make_engine(tmp)
    try:
        upgrade(engine)
    except (OperationalError, sqlite3.OperationalError) as e:
        raise StoreOpenError(str(write_error(e, path, "无法创建数据库"))) from e
    finally:
        engine.dispose()
    try:
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            side.unlink(missing_ok=True)  # of a table-less file being replaced: nothing in them
        os.replace(tmp, path)
    finally:
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)


def access_problem(paths: DataPaths) -> str | None:
    """Why the data folder cannot be used for reading and writing (read-only, no permission),
    in Chinese and naming the path; None when it can. Never mistaken for a damaged database."""
    root = paths.root
    try:
        paths.ensure()
    except OSError as e:
        return _access_message(e, root, "无法创建或使用数据文件夹")
    if not os.access(root, os.W_OK | os.X_OK):
        return f"数据文件夹是只读的（无写入权限），无法保存数据：\n{root}"
    probe = root / f".write-test-{os.getpid()}"
    try:
        with open(probe, "wb"):
            pass
    except OSError as e:
        return _access_message(e, root, "数据文件夹无法写入")
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    db = paths.database
    for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if not f.exists():
            continue
        if not os.access(f, os.R_OK):
            return f"没有读取数据库文件的权限（无权限）：\n{f}"
        if not os.access(f, os.W_OK):
            return f"数据库文件是只读的，无法保存修改。请取消该文件的“只读”属性，或检查权限：\n{f}"
        try:
            with open(f, "r+b"):
                pass
        except OSError as e:
            return _access_message(e, f, "数据库文件无法写入")
    return None


def _access_message(e: OSError, where: Path, what: str) -> str:
    why = {
        errno.EROFS: "所在磁盘是只读的",
        errno.EACCES: "无权限",
        errno.EPERM: "无权限",
        errno.ENOSPC: "磁盘已满",
    }.get(e.errno or 0, e.strerror or "无法访问")
    return f"{what}（{why}）：\n{where}"


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
        engine_owner.dispose_engine()
    if current.state in (DbState.CURRENT, DbState.OLDER):
        safety = bk.copy_database(paths.database, bk.backup_path(paths.backups, "pre-restore"))
    elif current.state is not DbState.NEW:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        safety = paths.database.with_name(f"{paths.database.name}.damaged-{stamp}")
        if paths.database.exists():  # (a lone -wal without its database is kept aside too)
            shutil.move(str(paths.database), safety)
        for ext in ("-wal", "-shm"):
            side = Path(str(paths.database) + ext)
            if side.exists():
                shutil.move(str(side), str(safety) + ext)
    # Copy into a temp file, then swap it in; stale WAL files must not be replayed over it.
    tmp = bk.copy_database(source, paths.database.with_name(paths.database.name + ".restoring"), "恢复没有完成")
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
