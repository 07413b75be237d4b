"""Which database a data folder uses (文件 → 数据库连接…): its own hotline.db, or a server
database saved in `connection.toml` in the folder. --database-url and HOTLINE_DATABASE_URL
still win over the saved choice (paths.resolve_database_url); a change applies at the next start."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.errors import ServiceError
from hotline_desktop.paths import CONNECTION_FILE, DataPaths, display_url, saved_database_url

CONNECT_TIMEOUT = 5  # seconds: a server that does not answer is reported, not waited for
DEFAULT_PORT = 5432


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


def probe(url: str, password: str | None = None) -> str:
    """Connect once and say in Chinese what is there (slow: run off the GUI thread).
    A ServiceError says why the database cannot be used."""
    from sqlalchemy.exc import SQLAlchemyError

    from hotline_desktop.db.engine import HEAD, DbState, probe_server, server_url

    u = server_url(check_format(url))
    if password:
        u = u.set(password=password)
    where = display_url(url)
    try:
        insp = probe_server(u, CONNECT_TIMEOUT)
    except SQLAlchemyError as e:
        raise ServiceError(f"无法连接数据库服务器：{chinese_error(e, url)}。\n数据库：{where}") from None
    if not insp.usable:
        raise ServiceError(insp.message(where))
    return {
        DbState.NEW: "连接成功：这是一个空数据库，下次启动时将在其中建立热线考核数据表。",
        DbState.OLDER: f"连接成功：热线考核数据库（版本 {insp.revision}），下次启动时将升级到版本 {HEAD}。",
    }.get(insp.state, f"连接成功：热线考核数据库（版本 {insp.revision}）。")


def _toml_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chinese_error(e: BaseException, url: str) -> str:
    """The operator's reading of a psycopg/libpq connection error (English from the server)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    host = u.host or u.query.get("host") or "localhost"
    port = u.port or u.query.get("port") or DEFAULT_PORT
    user, database = u.username or "", u.database or ""
    text = str(getattr(e, "orig", None) or e)
    low = text.lower()
    where = f"{host}:{port}"
    if "password authentication failed" in low or "no password supplied" in low:
        return f"用户名或密码错误（用户 {user}）"
    if "does not exist" in low and "database" in low:
        return f"服务器上没有数据库“{database}”。请让管理员先创建（createdb {database}）"
    if "role" in low and "does not exist" in low:
        return f"服务器上没有用户“{user}”"
    if "timeout" in low or "timed out" in low:
        return f"连接服务器 {where} 超时（{CONNECT_TIMEOUT} 秒内没有应答）：请检查地址、端口和网络"
    if "no pg_hba.conf entry" in low:
        return f"服务器 {where} 不允许本机以用户“{user}”连接（pg_hba.conf）"
    if "could not translate host name" in low or "name or service not known" in low:
        return f"找不到服务器“{host}”：请检查地址"
    if "connection refused" in low or "could not connect" in low or "no such file" in low:
        return f"服务器 {where} 没有应答：服务器未启动，或地址、端口不对"
    first = text.strip().splitlines()[0] if text.strip() else type(e).__name__
    return f"{where}：{first[:200]}"


def pgpass_path() -> Path:
    env = os.environ.get("PGPASSFILE")
    if env:
        return Path(env)
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", str(Path.home()))) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def save_password(url: str, password: str, path: Path | None = None) -> Path:
    """Keep a server's password in the libpq password file (only the user may read it; psycopg
    reads it itself), never in connection.toml: one line per host:port:database:user, replaced
    if present."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    path = path or pgpass_path()
    host = str(u.host or u.query.get("host") or "localhost")
    host = "localhost" if host.startswith("/") else host  # a socket folder: libpq's rule
    port = str(u.port or u.query.get("port") or DEFAULT_PORT)
    key = ":".join(_escape(x) for x in (host, port, u.database or "", u.username or ""))
    lines = []
    if path.exists():
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith(key + ":")]
    lines.append(f"{key}:{_escape(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path
