"""Where things live. Qt-free; one place for every path the app uses.

The user data folder comes from platformdirs and can be overridden by ``--data-dir`` or the
``HOTLINE_HOME`` environment variable, so tests and the demo use their own folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hotline_desktop import APP_NAME

ENV_HOME = "HOTLINE_HOME"
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


@dataclass(frozen=True)
class DataPaths:
    """All locations inside one data folder."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

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
    def from_override(cls, override: str | os.PathLike[str] | None = None) -> DataPaths:
        return cls(resolve_data_dir(override))
