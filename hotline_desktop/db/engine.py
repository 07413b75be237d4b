"""Opening a hotline database: checks, pragmas, migrations to head.

A file that is not a hotline database, is corrupt, or comes from a newer version is refused
with a Chinese message; it is never overwritten.

A server database (PostgreSQL, `--database-url`) is classified the same way from its tables:
ours when `app_meta` holds the row application_id = APPLICATION_ID (written by migration 0001,
as SQLite's PRAGMA application_id is), its version from alembic_version.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from hotline_desktop.paths import display_url

if TYPE_CHECKING:
    from sqlalchemy import URL, Engine
    from sqlalchemy.orm import Session, sessionmaker

# SQLAlchemy is imported where an engine is made: the file checks (inspect_database,
# EarlyInspection) run on sqlite3 alone, and can begin before SQLAlchemy has loaded.

APPLICATION_ID = 0x48434B35  # 'HCK5'
MARKER_KEY = "application_id"  # app_meta row that marks a server database as ours (value APPLICATION_ID)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Revisions in order, oldest first. tests/db checks this against Alembic's own graph, so the
# start-up path can decide "up to date" without loading Alembic.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0012")
HEAD = REVISIONS[-1]
SQLITE_MAGIC = b"SQLite format 3\x00"


class DbState(Enum):
    NEW = "new"  # no file (or an SQLite file with no tables at all)
    CURRENT = "current"
    OLDER = "older"  # ours, needs migrations
    NEWER = "newer"
    NOT_SQLITE = "not_sqlite"
    FOREIGN = "foreign"  # SQLite, but not ours
    CORRUPT = "corrupt"


@dataclass(frozen=True)
class DbInspection:
    state: DbState
    revision: str | None = None
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.state in (DbState.NEW, DbState.CURRENT, DbState.OLDER)

    def message(self, path: Path | str) -> str:
        where = f"数据库文件：{path}" if isinstance(path, Path) else f"数据库：{path}"
        if not isinstance(path, Path) and self.state is DbState.FOREIGN:
            return f"该数据库不是热线考核数据库（已有其他软件的表），已拒绝打开，数据库未做任何改动。\n{where}"
        return {
            DbState.NEWER: f"此数据库由更新版本的本软件创建（版本 {self.revision}），当前版本无法打开，请升级软件。\n{where}",
            DbState.NOT_SQLITE: f"该文件不是热线考核数据库（不是 SQLite 文件），已拒绝打开，文件未做任何改动。\n{where}",
            DbState.FOREIGN: f"该文件不是热线考核数据库（其他软件的 SQLite 文件），已拒绝打开，文件未做任何改动。\n{where}",
            DbState.CORRUPT: f"数据库文件已损坏，无法打开（{self.detail}）。文件未做任何改动，可从备份恢复。\n{where}",
        }.get(self.state, "")


class StoreOpenError(Exception):
    """A database that cannot be opened; `can_restore` says whether restoring a backup helps."""

    def __init__(self, message: str, inspection: DbInspection | None = None, *, access_denied: bool = False):
        super().__init__(message)
        self.inspection = inspection
        self.access_denied = access_denied  # read-only / no permission: not damaged, restore won't help

    @property
    def can_restore(self) -> bool:
        return self.inspection is not None and self.inspection.state in (
            DbState.CORRUPT,
            DbState.NOT_SQLITE,
            DbState.FOREIGN,
        )


def _header_problem(path: Path, size: int, header: bytes) -> str | None:
    """What is wrong with a file's SQLite header and length, read as bytes (None if nothing).

    The length is only judged without a -wal: with one, the main file may be mid-checkpoint
    (e.g. a checkpoint that met a full disk) and the database is the file plus its WAL.
    """
    if size == 0:
        return "文件为空（0 字节）"
    if size < 100:
        return f"文件不完整（只有 {size} 字节）"
    raw = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw == 1 else raw
    if page_size < 512 or page_size & (page_size - 1):
        return "文件头无效"
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:
        return None
    if size % page_size:
        return "文件被截断（长度不是整页）"
    pages = int.from_bytes(header[28:32], "big")
    if header[92:96] == header[24:28] and pages * page_size > size:
        return f"文件被截断（应有 {pages} 页，只有 {size // page_size} 页）"
    return None


def _read_meta(uri: str) -> tuple[int, set[str], list, str | None]:
    con = sqlite3.connect(uri, uri=True, timeout=5)
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        check = con.execute("PRAGMA quick_check(5)").fetchall()
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    finally:
        con.close()
    return app_id, tables, check, revision


def _uri(path: Path, params: str) -> str:
    return f"{Path(path).resolve().as_uri()}?{params}"


def _read_meta_untouched(path: Path) -> tuple[int, set[str], list, str | None]:
    """Read a database without changing it or its -wal/-shm in any byte.

    Without a -wal file the main file is read as immutable (nothing created, nothing locked).
    With one, SQLite would rebuild its -shm or checkpoint, so the file and its -wal are copied
    to a temporary folder and the copy is read.
    """
    wal = Path(f"{path}-wal")
    if not wal.exists():
        return _read_meta(_uri(path, "immutable=1"))
    try:
        with tempfile.TemporaryDirectory(prefix="hotline-inspect-") as tmp:
            copy = Path(tmp) / "inspect.db"
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, Path(f"{copy}-wal"))
            return _read_meta(_uri(copy, "mode=rw"))
    except OSError:
        # No room for a copy: read in place, read-only (SQLite may refresh -shm, never the rest).
        return _read_meta(_uri(path, "mode=ro"))


def _by_revision(revision: str | None) -> DbInspection:
    """The state of one of our databases (SQLite or server) from its Alembic revision."""
    if revision is None:
        # Ours, but without a schema version: not something we wrote completely.
        return DbInspection(DbState.CORRUPT, None, "缺少版本信息")
    if revision not in REVISIONS:
        return DbInspection(DbState.NEWER, revision)
    if revision != HEAD:
        return DbInspection(DbState.OLDER, revision)
    return DbInspection(DbState.CURRENT, revision)


def inspect_database(path: Path) -> DbInspection:
    """Classify a database file without changing it (nor its -wal/-shm) in any byte.

    Only a missing file is NEW: an existing empty or truncated file is a damaged database.
    """
    path = Path(path)
    if not path.exists():
        if Path(f"{path}-wal").exists():
            return DbInspection(DbState.CORRUPT, detail="数据库文件缺失，只留下了 -wal 日志文件")
        return DbInspection(DbState.NEW)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        header = fh.read(100)
    if size and not SQLITE_MAGIC.startswith(header[:16]):
        return DbInspection(DbState.NOT_SQLITE)
    problem = _header_problem(path, size, header)
    if problem:
        return DbInspection(DbState.CORRUPT, detail=problem)
    # A copy taken while another process checkpoints can be torn: look twice before calling
    # a file damaged.
    for attempt in range(2):
        try:
            app_id, tables, check, revision = _read_meta_untouched(path)
        except sqlite3.DatabaseError as e:
            if attempt:
                return DbInspection(DbState.CORRUPT, detail=str(e))
            continue
        problems = [r[0] for r in check if r[0] != "ok"]
        if not problems:
            break
        if attempt:
            return DbInspection(DbState.CORRUPT, revision, "; ".join(problems)[:200])
    if app_id != APPLICATION_ID:
        if not tables:
            return DbInspection(DbState.NEW)
        return DbInspection(DbState.FOREIGN)
    return _by_revision(revision)


def _signature(path: Path) -> tuple:
    """What changes when a database file or its -wal is written, replaced or removed."""
    out = []
    for f in (path, Path(f"{path}-wal")):
        try:
            st = os.stat(f)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)


class EarlyInspection:
    """`inspect_database` begun in a thread at start-up, while the rest of the app loads: its
    integrity check reads the whole file (about half a second for 4,000 units) in SQLite, which
    releases the GIL, so it overlaps the imports on a second core.

    `Store.open` takes `result()` once it holds the instance lock, and only if neither the file
    nor its -wal changed since the check began; otherwise it inspects again."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._before = _signature(self.path)
        self._after: tuple | None = None
        self._result: DbInspection | None = None
        self._thread = threading.Thread(target=self._run, name="hotline-inspect", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = inspect_database(self.path)
        except Exception:  # noqa: BLE001 - Store.open inspects again and says what is wrong
            self._result = None
        self._after = _signature(self.path)

    def join(self) -> None:
        self._thread.join()

    def result(self) -> DbInspection | None:
        """The inspection, when it still describes the file as it is now (else None)."""
        self.join()
        if self._result is None or not (self._before == self._after == _signature(self.path)):
            return None
        return self._result


def _on_connect(dbapi_con, _record, autocheckpoint: bool = True) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=FULL")
    if not autocheckpoint:  # a db.checkpointer thread checkpoints, not the commit
        cur.execute("PRAGMA wal_autocheckpoint=0")
    cur.close()


def _on_connect_no_autocheckpoint(dbapi_con, record) -> None:
    _on_connect(dbapi_con, record, autocheckpoint=False)


def make_engine(path: Path, *, autocheckpoint: bool = True) -> Engine:
    """An engine on an SQLite file. `autocheckpoint=False`: its commits never checkpoint the WAL
    (the store's engine, whose db.checkpointer.Checkpointer does it in a thread); engines
    without a checkpointer keep SQLite's automatic one, so their WAL stays bounded."""
    from sqlalchemy import URL, create_engine, event

    # URL.create: a folder name with '?' or '#' is a path, not a query string.
    engine = create_engine(URL.create("sqlite", database=str(Path(path))), future=True)
    event.listen(engine, "connect", _on_connect if autocheckpoint else _on_connect_no_autocheckpoint)
    return engine


SERVER_DRIVERS = ("postgresql+psycopg",)


def server_url(url: str) -> URL:
    """A parsed server database URL (postgresql:// means psycopg 3); ValueError in Chinese."""
    from sqlalchemy import make_url

    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - SQLAlchemy raises ArgumentError and friends
        raise ValueError(f"数据库地址格式不正确：{display_url(url)}（应如 postgresql+psycopg://用户@主机/数据库）") from None
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if u.drivername not in SERVER_DRIVERS:
        raise ValueError(f"不支持的数据库类型“{u.drivername}”：{display_url(url)}（只支持 postgresql+psycopg://…）")
    if not u.database:
        raise ValueError(f"数据库地址缺少数据库名：{display_url(url)}")
    if importlib.util.find_spec("psycopg") is None:
        raise ValueError("连接 PostgreSQL 服务器需要 psycopg 3 驱动，本机没有安装"
                         "（安装 hotline-desktop[postgres]，或 pip install \"psycopg[binary]\"）")
    return u


def make_server_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    # UTC, as SQLite's CURRENT_TIMESTAMP: stored timestamps mean the same on both backends
    return create_engine(server_url(url), future=True, pool_pre_ping=True,
                         connect_args={"options": "-c TimeZone=UTC"})


def is_sqlite(bind) -> bool:
    return bind.dialect.name == "sqlite"


def inspect_server(engine: Engine) -> DbInspection:
    """Classify a server database by its tables, without changing it.

    No tables: NEW. Tables but no hotline marker: FOREIGN (never touched).
    Connection problems propagate as SQLAlchemy OperationalError."""
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy import text

    with engine.connect() as con:
        tables = set(sa_inspect(con).get_table_names())
        if not tables:
            return DbInspection(DbState.NEW)
        if not {"app_meta", "alembic_version"} <= tables:
            return DbInspection(DbState.FOREIGN)
        try:
            marker = con.execute(text("SELECT value FROM app_meta WHERE key = :k"), {"k": MARKER_KEY}).scalar()
            revision = con.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # noqa: BLE001 - tables of the same name, another shape: not ours
            return DbInspection(DbState.FOREIGN)
    if marker != str(APPLICATION_ID):
        return DbInspection(DbState.FOREIGN)
    return _by_revision(revision)


def probe_server(url: URL, connect_timeout: int) -> DbInspection:
    """`inspect_server` over a throwaway engine that waits at most `connect_timeout` seconds to
    connect (the 数据库连接 dialog's test). Connection problems propagate as SQLAlchemyError."""
    from sqlalchemy import create_engine

    engine = create_engine(url, connect_args={"connect_timeout": connect_timeout})
    try:
        return inspect_server(engine)
    finally:
        engine.dispose()


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to `revision`. On a server all steps run in one transaction (PostgreSQL's DDL is
    transactional) under an advisory lock, so seats opening at once migrate once, all or nothing."""
    from alembic import command

    if not is_sqlite(engine):
        with engine.begin() as con:
            con.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPLICATION_ID})")
            command.upgrade(alembic_config(con), revision)
        return
    with engine.begin() as con:
        command.upgrade(alembic_config(con), revision)
    with engine.begin() as con:
        con.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def upgrade_on(con) -> None:
    """Migrate the database of an open connection to head inside its transaction (the target of
    a copy to another backend), marking an SQLite file as ours."""
    from alembic import command

    command.upgrade(alembic_config(con), "head")
    if con.dialect.name == "sqlite":
        con.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)
