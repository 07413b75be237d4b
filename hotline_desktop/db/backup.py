"""Backups through SQLite's online backup API (safe while the app is writing)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.db.errors import write_error

AUTO_PREFIX = "auto-"
KEEP_AUTO = 30
BACKUP_SUFFIX = ".db"
SERVER_SUFFIX = ".dump"  # a server database's backups: pg_dump -Fc archives


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    kind: str  # auto / manual / pre-upgrade / pre-restore

    @property
    def label(self) -> str:
        names = {"auto": "自动备份", "manual": "手动备份", "pre-upgrade": "升级前备份", "pre-restore": "恢复前备份"}
        return f"{self.taken_at:%Y-%m-%d %H:%M:%S} {names.get(self.kind, self.kind)}"


def copy_database(src: Path, dest: Path, what: str = "备份没有完成") -> Path:
    """Consistent copy of a live database to dest (written to a temp file, then renamed).

    A failure (disk full, read-only folder) raises StoreWriteError and leaves no partial file
    behind: neither the temporary copy nor its journal.
    """
    dest = Path(dest)
    tmp_seen: Path | None = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(dest) as tmp:
            tmp_seen = tmp
            s = sqlite3.connect(str(src), timeout=10)
            try:
                d = sqlite3.connect(str(tmp))
                try:
                    s.backup(d)
                    d.execute("PRAGMA journal_mode=DELETE")
                finally:
                    d.close()
            finally:
                s.close()
    except (sqlite3.Error, OSError) as e:
        raise write_error(e, dest, what) from e
    finally:
        if tmp_seen is not None:
            for ext in ("-journal", "-wal", "-shm"):
                Path(f"{tmp_seen}{ext}").unlink(missing_ok=True)
    return dest


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S-%f")[:-3]


def backup_path(folder: Path, kind: str, now: datetime | None = None, suffix: str = BACKUP_SUFFIX) -> Path:
    return Path(folder) / f"{kind}-{_stamp(now or datetime.now())}{suffix}"


def server_backup(url: str, dest: Path) -> Path | None:
    """A consistent copy of a server database (PostgreSQL, pg_dump -Fc) to `dest`, or None when
    this machine has no pg_dump. Used by the backup verbs and before an upgrade (db/store.py)."""
    from hotline_desktop.db import pg_backup

    try:
        pg_backup.tool("pg_dump")
    except pg_backup.PgToolMissing:
        return None
    return pg_backup.dump(url, Path(dest))


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in a folder, newest first."""
    out: list[BackupInfo] = []
    folder = Path(folder)
    if not folder.is_dir():
        return out
    for p in [*folder.glob(f"*{BACKUP_SUFFIX}"), *folder.glob(f"*{SERVER_SUFFIX}")]:
        stem = p.stem
        for kind in ("pre-upgrade", "pre-restore", "auto", "manual"):
            if stem.startswith(kind + "-"):
                try:
                    taken = datetime.strptime(stem[len(kind) + 1 :], "%Y%m%d-%H%M%S-%f")
                except ValueError:
                    taken = datetime.fromtimestamp(p.stat().st_mtime)
                out.append(BackupInfo(p, taken, kind))
                break
    out.sort(key=lambda b: b.taken_at, reverse=True)
    return out


def last_backup(folder: Path) -> BackupInfo | None:
    items = list_backups(folder)
    return items[0] if items else None


def rotate_auto(folder: Path, keep: int = KEEP_AUTO) -> list[Path]:
    autos = [b for b in list_backups(folder) if b.kind == "auto"]
    removed = []
    for b in autos[keep:]:
        b.path.unlink(missing_ok=True)
        removed.append(b.path)
    return removed


def auto_backup_due(folder: Path, now: datetime | None = None, every: timedelta = timedelta(days=1)) -> bool:
    now = now or datetime.now()
    autos = [b for b in list_backups(folder) if b.kind in ("auto", "manual", "pre-upgrade")]
    return not autos or now - autos[0].taken_at >= every
