"""Opening a hotline database: checks, pragmas, migrations to head.

A file that is not a hotline database, is corrupt, or comes from a newer version is refused
with a Chinese message; it is never overwritten.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

APPLICATION_ID = 0x48434B35  # 'HCK5'
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Revisions in order, oldest first. tests/db checks this against Alembic's own graph, so the
# start-up path can decide "up to date" without loading Alembic.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006")
HEAD = REVISIONS[-1]
SQLITE_MAGIC = b"SQLite format 3\x00"


class DbState(Enum):
    NEW = "new"  # missing or empty file
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

    def message(self, path: Path) -> str:
        where = f"数据库文件：{path}"
        return {
            DbState.NEWER: f"此数据库由更新版本的本软件创建（版本 {self.revision}），当前版本无法打开，请升级软件。\n{where}",
            DbState.NOT_SQLITE: f"该文件不是热线考核数据库（不是 SQLite 文件），已拒绝打开，文件未做任何改动。\n{where}",
            DbState.FOREIGN: f"该文件不是热线考核数据库（其他软件的 SQLite 文件），已拒绝打开，文件未做任何改动。\n{where}",
            DbState.CORRUPT: f"数据库文件已损坏，无法打开（{self.detail}）。文件未做任何改动，可从备份恢复。\n{where}",
        }.get(self.state, "")


class StoreOpenError(Exception):
    """A database that cannot be opened; `can_restore` says whether restoring a backup helps."""

    def __init__(self, message: str, inspection: DbInspection | None = None):
        super().__init__(message)
        self.inspection = inspection

    @property
    def can_restore(self) -> bool:
        return self.inspection is not None and self.inspection.state in (
            DbState.CORRUPT,
            DbState.NOT_SQLITE,
            DbState.FOREIGN,
        )


def inspect_database(path: Path) -> DbInspection:
    """Classify a database file without changing it."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return DbInspection(DbState.NEW)
    with open(path, "rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_MAGIC):
        return DbInspection(DbState.NOT_SQLITE)
    try:
        # Not read-only: a WAL database may need its -shm to be created to be read.
        con = sqlite3.connect(str(path), timeout=5)
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
    except sqlite3.DatabaseError as e:
        return DbInspection(DbState.CORRUPT, detail=str(e))
    problems = [r[0] for r in check if r[0] != "ok"]
    if problems:
        return DbInspection(DbState.CORRUPT, revision, "; ".join(problems)[:200])
    if app_id != APPLICATION_ID:
        if not tables:
            return DbInspection(DbState.NEW)
        return DbInspection(DbState.FOREIGN)
    if revision is None:
        # Ours, but without a schema version: not something we wrote completely.
        return DbInspection(DbState.CORRUPT, None, "缺少版本信息")
    if revision not in REVISIONS:
        return DbInspection(DbState.NEWER, revision)
    if revision != HEAD:
        return DbInspection(DbState.OLDER, revision)
    return DbInspection(DbState.CURRENT, revision)


def _on_connect(dbapi_con, _record) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{Path(path)}", future=True)
    event.listen(engine, "connect", _on_connect)
    return engine


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as con:
        command.upgrade(alembic_config(con), revision)
    with engine.begin() as con:
        con.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
