"""Where things live. Qt-free; one place for every path the app uses.

The user data folder comes from platformdirs and can be overridden by ``--data-dir`` or the
``HOTLINE_HOME`` environment variable, so tests and the demo use their own folder.

The database is ``hotline.db`` (SQLite) in that folder, unless a server database is named by
``--database-url`` or ``HOTLINE_DATABASE_URL`` (PostgreSQL); the folder then still holds the
logs, exports and local backups.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hotline_desktop import APP_NAME

ENV_HOME = "HOTLINE_HOME"
ENV_DATABASE_URL = "HOTLINE_DATABASE_URL"
DB_FILENAME = "hotline.db"


def builtin_data_dir() -> Path:
    """The shipped ``data/`` folder (schemes, templates); inside the bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "data"
    return Path(__file__).resolve().parent.parent / "data"


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def resolve_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


CONNECTION_FILE = "connection.toml"  # 文件 → 数据库连接…: the server database this folder uses


def saved_database_url(root: Path) -> str | None:
    """The server URL saved in the data folder (services/connection.py), None when none is."""
    import tomllib

    path = Path(root) / CONNECTION_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"数据库连接设置无法读取（{getattr(e, 'strerror', None) or e}）：{path}") from None
    try:
        url = tomllib.loads(text).get("url")
    except tomllib.TOMLDecodeError:
        url = None
    if not isinstance(url, str):
        raise ValueError(f"数据库连接设置已损坏（应为 url = \"postgresql+psycopg://…\"）：{path}")
    return url.strip() or None


def resolve_database_url(override: str | None = None, root: Path | None = None) -> str | None:
    """The server database URL from --database-url, else HOTLINE_DATABASE_URL, else the one saved
    in the data folder `root`; None = the folder's SQLite file."""
    url = override if override is not None else os.environ.get(ENV_DATABASE_URL)
    url = (url or "").strip()
    if not url and root is not None:
        return saved_database_url(root)
    return url or None


def display_url(url: str) -> str:
    """A database URL as shown to the operator: never the password."""
    from urllib.parse import unquote

    from sqlalchemy import make_url

    try:  # unquoted for reading: ?host=/run/postgresql, not %2Frun%2Fpostgresql
        return unquote(make_url(url).render_as_string(hide_password=True))
    except Exception:  # noqa: BLE001 - SQLAlchemy raises ArgumentError and friends
        return "（无法解析的地址）"


@dataclass(frozen=True)
class DataPaths:
    """All locations inside one data folder, and the server database when one is used."""

    root: Path
    database_url: str | None = None  # postgresql+psycopg://…; None: hotline.db in root

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def on_server(self) -> bool:
        return self.database_url is not None

    @property
    def location(self) -> str:
        """Where the data is, for the operator: the file, or the server URL without password."""
        return display_url(self.database_url) if self.database_url else str(self.database)

    @property
    def database(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    @property
    def schemes(self) -> Path:
        """User schemes (文件 → 导入考核方案…), loaded beside the built-in ones."""
        return self.root / "schemes"

    @property
    def trash(self) -> Path:
        return self.root / "trash"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "hotline.log"

    @property
    def lock_file(self) -> Path:
        return self.root / ".instance.lock"

    def ensure(self) -> DataPaths:
        self.root.mkdir(parents=True, exist_ok=True)
        self.backups.mkdir(exist_ok=True)
        return self

    @classmethod
    def from_override(
        cls, override: str | os.PathLike[str] | None = None, database_url: str | None = None
    ) -> DataPaths:
        root = resolve_data_dir(override)
        return cls(root, resolve_database_url(database_url, root))
