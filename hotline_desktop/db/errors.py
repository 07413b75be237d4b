"""Store errors with a plain Chinese message: what went wrong with the disk or the file, and where."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from hotline_desktop.core.errors import ServiceError
from hotline_desktop.core.text import clip


class StoreWriteError(ServiceError):
    """A change could not be committed (disk full, read-only, locked, I/O error); nothing was saved."""

    def __init__(self, message: str, reason: str = "other"):
        super().__init__(message)
        self.reason = reason  # full / readonly / locked / io / other


def _reason(text: str) -> str:
    t = text.lower()
    if "disk is full" in t or "no space" in t or "database or disk is full" in t:
        return "full"
    if "readonly" in t or "read-only" in t or "read only" in t:
        return "readonly"
    if "locked" in t or "busy" in t:
        return "locked"
    if "disk i/o" in t or "unable to open" in t:
        return "io"
    return "other"


def _os_reason(e: OSError) -> str:
    return {
        errno.ENOSPC: "full", errno.EROFS: "readonly", errno.EACCES: "denied", errno.EPERM: "denied",
    }.get(e.errno or 0, "io")


_WHY = {
    "full": "磁盘已满",
    "readonly": "数据库文件或数据文件夹是只读的",
    "denied": "没有写入权限",
    "locked": "数据库正被其他程序占用",
    "io": "磁盘读写出错",
}
_ADVICE = {
    "full": "请腾出磁盘空间后重试。",
    "readonly": "请取消文件的“只读”属性或换一个可写的数据文件夹。",
    "denied": "请检查该文件夹的权限。",
    "locked": "请稍后重试。",
    "io": "请检查磁盘后重试。",
}


LOW_SPACE = 4 * 1024 * 1024  # below this much free space, an I/O error is a full disk


def _disk_nearly_full(where: Path | str) -> bool:
    p = Path(where)
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return shutil.disk_usage(p).free < LOW_SPACE
    except OSError:
        return False


def write_error(exc: BaseException, where: Path | str, what: str = "修改没有保存") -> StoreWriteError:
    """The StoreWriteError for a failed write (sqlite3 / SQLAlchemy OperationalError or OSError).

    SQLite often reports a full disk as a plain "disk I/O error" (it cannot grow -shm/-wal), so
    an I/O error with (almost) no free space left is reported as what it is: the disk is full.
    """
    if isinstance(exc, OSError):
        reason = _os_reason(exc)
        detail = exc.strerror or str(exc)
    else:
        orig = getattr(exc, "orig", None)
        detail = str(orig if isinstance(orig, sqlite3.Error) else exc)
        reason = _reason(detail)
    if reason in ("io", "other") and isinstance(where, Path) and _disk_nearly_full(where):  # not a server URL
        reason = "full"
    why = _WHY.get(reason, f"无法写入数据库（{clip(detail, 80)}）")
    return StoreWriteError(f"{why}，{what}。{_ADVICE.get(reason, '')}\n位置：{where}", reason)


class ConflictError(ServiceError):
    """Another seat changed the row after this seat read it; nothing of this edit was applied.

    `current` is the value now stored (text, None when the row is gone); `operator` and `at` say who
    changed it and when (from the audit log, when it knows).
    """

    def __init__(self, message: str, *, table: str = "", row_id: int | None = None, field: str = "",
                 current: str | None = None, operator: str = "", at=None):
        super().__init__(message)
        self.table, self.row_id, self.field = table, row_id, field
        self.current, self.operator, self.at = current, operator, at


class PermissionDenied(ServiceError):
    """The server refused the change for this seat's role (PostgreSQL GRANTs); nothing was saved."""

    def __init__(self, message: str, table: str = ""):
        super().__init__(message)
        self.table = table
