"""Which database the app opens: SQLite (the data folder, default) or a PostgreSQL server.

Qt-free: the GUI's 文件 → 数据库连接… dialog (gui/db_connection_dialog.py) edits a
`ServerConnection`, tests it here, and saves the URL *without* its password; a password the
operator chooses to keep goes to the standard libpq password file (~/.pgpass, mode 0600, read by
psycopg itself), never into the settings or a URL.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DEFAULT_PORT = 5432
CONNECT_TIMEOUT = 5


@dataclass(frozen=True)
class ServerConnection:
    host: str = "localhost"
    port: int = DEFAULT_PORT
    database: str = "hotline"
    user: str = ""
    password: str = ""  # only held while the dialog is open / the test runs

    def problems(self) -> list[str]:
        out = []
        if not self.host.strip():
            out.append("请填写服务器地址（主机）")
        if not 1 <= int(self.port) <= 65535:
            out.append(f"端口应为 1–65535 之间的整数（现为 {self.port}）")
        if not self.database.strip():
            out.append("请填写数据库名")
        elif not re.fullmatch(r"[^\s'\"\\/]{1,63}", self.database.strip()):
            out.append(f"数据库名“{self.database[:63]}”含有空格、引号或斜杠，或超过 63 个字符")
        if not self.user.strip():
            out.append("请填写用户名")
        return out

    def url(self, *, with_password: bool = False) -> str:
        host = self.host.strip()
        query = {}
        if host.startswith("/"):  # a unix socket folder
            query["host"] = host
            host = None
        u = URL.create("postgresql+psycopg", username=self.user.strip() or None,
                       password=(self.password or None) if with_password else None,
                       host=host, port=int(self.port) if host else None,
                       database=self.database.strip(), query=query)
        if not host:
            u = u.update_query_dict({"port": str(int(self.port))})
        return u.render_as_string(hide_password=False)

    @classmethod
    def from_url(cls, url: str) -> ServerConnection:
        u = make_url(url)
        q = {k: v for k, v in u.query.items() if isinstance(v, str)}
        return cls(host=u.host or q.get("host", "localhost"), port=int(u.port or q.get("port") or DEFAULT_PORT),
                   database=u.database or "", user=u.username or "", password=u.password or "")


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def chinese_error(e: BaseException, conn: ServerConnection) -> str:
    """The operator's reading of a psycopg/libpq connection error."""
    text = str(getattr(e, "orig", None) or e)
    low = text.lower()
    where = f"{conn.host}:{conn.port}"
    if "password authentication failed" in low or "no password supplied" in low:
        return f"用户名或密码错误（用户 {conn.user}）"
    if "does not exist" in low and "database" in low:
        return f"服务器上没有数据库“{conn.database}”。请让管理员先创建（createdb {conn.database}）"
    if "role" in low and "does not exist" in low:
        return f"服务器上没有用户“{conn.user}”"
    if "timeout" in low or "timed out" in low:
        return f"连接服务器 {where} 超时（{CONNECT_TIMEOUT} 秒内没有应答）：请检查地址、端口和网络"
    if "no pg_hba.conf entry" in low:
        return f"服务器 {where} 不允许本机以用户“{conn.user}”连接（pg_hba.conf）"
    if "could not translate host name" in low or "name or service not known" in low:
        return f"找不到服务器“{conn.host}”：请检查地址"
    if "connection refused" in low or "could not connect" in low or "no such file" in low:
        return f"无法连接服务器 {where}：服务器未启动，或地址、端口不对"
    first = text.strip().splitlines()[0] if text.strip() else type(e).__name__
    return f"无法连接服务器 {where}：{first[:200]}"


def check_connection(conn: ServerConnection) -> CheckResult:
    """Connect once and say what is there (a hotline database, an empty one, something else)."""
    bad = conn.problems()
    if bad:
        return CheckResult(False, "；".join(bad))
    try:
        import psycopg
    except ImportError:
        return CheckResult(False, "本机没有安装 PostgreSQL 驱动（psycopg），请安装 hotline-desktop[postgres]")
    u = make_url(conn.url(with_password=True))
    params = {"dbname": u.database, "user": u.username, "connect_timeout": CONNECT_TIMEOUT,
              "host": u.host or u.query.get("host"), "port": u.port or u.query.get("port")}
    if u.password:
        params["password"] = u.password
    try:
        with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as pc:
            version = pc.info.server_version
            tables = {r[0] for r in pc.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
            revision = None
            if "alembic_version" in tables:
                revision = pc.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = revision[0] if revision else None
    except Exception as e:  # noqa: BLE001 - every failure is told to the operator
        return CheckResult(False, chinese_error(e, conn))
    ver = f"PostgreSQL {version // 10000}.{version % 10000}"
    if not tables:
        what = "空数据库，第一次打开时自动建表"
    elif revision is not None and "units" in tables:
        from hotline_desktop.db.engine import REVISIONS

        what = f"热线考核数据库（版本 {revision}）" if revision in REVISIONS else \
            f"由更新版本的本软件创建（版本 {revision}），当前版本无法打开"
        if revision not in REVISIONS:
            return CheckResult(False, f"连接成功（{ver}），但该数据库{what}，请升级软件")
    else:
        return CheckResult(False, f"连接成功（{ver}），但数据库“{conn.database}”已有其他软件的表，不能使用")
    return CheckResult(True, f"连接成功：{ver}，数据库“{conn.database}”：{what}")


def pgpass_path() -> Path:
    env = os.environ.get("PGPASSFILE")
    if env:
        return Path(env)
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", str(Path.home()))) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def save_password(conn: ServerConnection, path: Path | None = None) -> Path:
    """Keep the password in the libpq password file (only the user may read it): one line per
    host:port:database:user, replaced if present."""
    path = path or pgpass_path()
    host = "localhost" if conn.host.strip().startswith("/") else conn.host.strip()  # a socket: libpq's rule
    key = ":".join(_escape(x) for x in (host, str(int(conn.port)), conn.database.strip(),
                                        conn.user.strip()))
    lines = []
    if path.exists():
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith(key + ":")]
    lines.append(f"{key}:{_escape(conn.password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path
