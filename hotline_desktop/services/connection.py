"""Which database a data folder uses (文件 → 数据库连接…): its own hotline.db, or a server
database saved in `connection.toml` in the folder. --database-url and HOTLINE_DATABASE_URL
still win over the saved choice (paths.resolve_database_url); a change applies at the next start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.errors import ServiceError
from hotline_desktop.paths import CONNECTION_FILE, DataPaths, display_url, saved_database_url

CONNECT_TIMEOUT = 5  # seconds: a server that does not answer is reported, not waited for


@dataclass(frozen=True)
class Connection:
    """What the GUI shows: the database in use now, and what is saved for the next start."""

    in_use: str  # the file, or the server URL without password
    on_server: bool
    saved_url: str | None  # None: the folder's hotline.db
    overridden: bool  # --database-url / HOTLINE_DATABASE_URL decides, not the saved choice


def current(paths: DataPaths) -> Connection:
    saved = saved_database_url(paths.root)
    return Connection(paths.location, paths.on_server, saved, paths.database_url != saved and paths.on_server)


def save(paths: DataPaths, url: str | None) -> Path:
    """Save the server URL for the next start (None or "": the folder's own hotline.db)."""
    target = paths.root / CONNECTION_FILE
    url = (url or "").strip() or None
    if url is not None:
        check_format(url)
    try:
        paths.root.mkdir(parents=True, exist_ok=True)
        if url is None:
            target.unlink(missing_ok=True)
            return target
        with atomic_write(target) as tmp:
            tmp.write_text("# 数据库连接（文件 → 数据库连接…）；下次启动时生效\n"
                           f"url = {_toml_string(url)}\n", encoding="utf-8")
    except OSError as e:
        raise ServiceError(f"数据库连接没有保存（{e.strerror or e}）：{target}") from None
    return target


def check_format(url: str) -> str:
    """The URL as the app will use it; a ServiceError in Chinese when it is not one."""
    from hotline_desktop.db.engine import server_url

    try:
        return server_url(url).render_as_string(hide_password=False)
    except ValueError as e:
        raise ServiceError(str(e)) from None


def probe(url: str) -> str:
    """Connect once and say in Chinese what is there (slow: run off the GUI thread).
    A ServiceError says why the database cannot be used."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from hotline_desktop.db.engine import HEAD, DbState, inspect_server, server_url

    u = server_url(check_format(url))
    engine = create_engine(u, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    where = display_url(url)
    try:
        insp = inspect_server(engine)
    except SQLAlchemyError as e:
        first = (str(getattr(e, "orig", None) or e).strip().splitlines() or [""])[0]
        raise ServiceError(f"无法连接数据库服务器（{first[:120]}）。\n数据库：{where}") from None
    finally:
        engine.dispose()
    if not insp.usable:
        raise ServiceError(insp.message(where))
    return {
        DbState.NEW: "连接成功：这是一个空数据库，下次启动时将在其中建立热线考核数据表。",
        DbState.OLDER: f"连接成功：热线考核数据库（版本 {insp.revision}），下次启动时将升级到版本 {HEAD}。",
    }.get(insp.state, f"连接成功：热线考核数据库（版本 {insp.revision}）。")


def _toml_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
