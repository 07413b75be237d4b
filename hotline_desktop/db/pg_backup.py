"""Backups of a PostgreSQL database through pg_dump -Fc / pg_restore (the same verbs as SQLite's).

A dump is written to a temporary file and renamed into place. A restore first checks the dump
(a pg_dump archive, of a hotline database, of a schema version this program knows — a newer one
is refused as a newer SQLite backup is), then replaces the database's contents in one
transaction (`--single-transaction --clean`), so a failed restore changes nothing.
The password goes to the tools through PGPASSWORD, never on their command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.db.engine import REVISIONS, StoreOpenError
from hotline_desktop.db.errors import StoreWriteError

DUMP_SUFFIX = ".dump"
PG_MAGIC = b"PGDMP"
TIMEOUT = 3600


class PgToolMissing(StoreOpenError):
    pass


def tool(name: str) -> str:
    """Path of pg_dump / pg_restore (PATH, then Debian's versioned folders, newest first)."""
    found = shutil.which(name)
    if found:
        return found
    base = Path("/usr/lib/postgresql")
    if base.is_dir():
        for d in sorted(base.iterdir(), key=lambda p: int(p.name) if p.name.isdigit() else 0, reverse=True):
            cand = d / "bin" / name
            if cand.exists():
                return str(cand)
    raise PgToolMissing(f"找不到 PostgreSQL 工具 {name}，无法备份或恢复服务器数据库。"
                        "请安装 PostgreSQL 客户端（例如 apt-get install postgresql-client）。")


def _conn_args(url: str | URL) -> tuple[list[str], dict[str, str]]:
    u = make_url(url) if isinstance(url, str) else url
    q = {k: v for k, v in u.query.items() if isinstance(v, str)}
    args = []
    host = u.host or q.get("host")
    port = u.port or q.get("port")
    if host:
        args += ["-h", str(host)]
    if port:
        args += ["-p", str(port)]
    if u.username or q.get("user"):
        args += ["-U", str(u.username or q.get("user"))]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return args + ["-d", str(u.database or q.get("dbname") or "")], env


def _run(cmd: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise StoreWriteError(f"{what}：{e}") from e
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StoreWriteError(f"{what}：{err[-1] if err else f'退出码 {done.returncode}'}")
    return done


def dump(url: str | URL, dest: Path, what: str = "备份没有完成") -> Path:
    """pg_dump -Fc of the whole database into `dest` (atomically)."""
    dest = Path(dest)
    args, env = _conn_args(url)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(dest) as tmp:
            _run([tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(tmp), *args], env, what)
    except OSError as e:
        from hotline_desktop.db.errors import write_error

        raise write_error(e, dest, what) from e
    return dest


def dump_revision(source: Path) -> str | None:
    """The Alembic revision stored in a dump (None: no alembic_version data in it)."""
    done = _run([tool("pg_restore"), "--data-only", "--table=alembic_version", "-f", "-", str(source)],
                dict(os.environ), "无法读取备份文件")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return None if value == "\\." else value
    return None


def check_dump(source: Path) -> str:
    """Refuse what cannot be restored (Chinese message); returns the dump's schema revision."""
    source = Path(source)
    if not source.is_file():
        raise StoreOpenError(f"找不到备份文件：{source}")
    with open(source, "rb") as fh:
        head = fh.read(5)
    if head != PG_MAGIC:
        raise StoreOpenError(f"该文件不是 PostgreSQL 备份（pg_dump -Fc 格式），已拒绝恢复：{source}")
    try:
        revision = dump_revision(source)
    except StoreWriteError as e:
        raise StoreOpenError(f"备份文件无法读取（{e}）：{source}") from None
    if revision is None:
        raise StoreOpenError(f"该备份不是热线考核数据库（缺少版本信息），已拒绝恢复：{source}")
    if revision not in REVISIONS:
        raise StoreOpenError(f"此备份由更新版本的本软件创建（版本 {revision}），当前版本无法恢复，请升级软件。\n备份文件：{source}")
    return revision


def restore(url: str | URL, source: Path) -> str:
    """Replace the database's contents with the dump's, in one transaction; returns its revision."""
    revision = check_dump(source)
    args, env = _conn_args(url)
    _run([tool("pg_restore"), "--single-transaction", "--clean", "--if-exists", "--no-owner",
          "--no-privileges", "--exit-on-error", *args, str(source)], env, "恢复没有完成（数据库未改动）")
    return revision
