"""Evidence files (scans, PDFs, photos, Word) kept under a content hash: in the data folder on
SQLite, in the database on a server database (db/evidence_store.py: one interface, two stores).

The original name is kept only in the database, for display: it is never used as a path, so a
name with path tricks cannot escape the store. Removing moves the file to the trash folder.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotline_desktop.db.evidence_repository import EvidenceRepository
from hotline_desktop.db.evidence_store import (
    DatabaseEvidenceStore,
    EvidenceStore,
    FolderEvidenceStore,
    check_sha,
    file_sha256,
)
from hotline_desktop.db.models import EvidenceFile
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.events import Event

_log = logging.getLogger(__name__)
MAX_BYTES = 50 * 1024 * 1024
DISK_NAME_BYTES = 120  # a trash or viewing copy's name (40 Chinese characters): see disk_name
ALLOWED_SUFFIXES = {
    ".pdf", ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".heic", ".webp",
    ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".txt", ".zip", ".rar",
}


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    unit_id: int
    key: str
    name: str
    size: int
    sha256: str
    added_at: datetime

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, self.size // 1024)} KB"


def display_name(name: str) -> str:
    """Only the last path component, without control characters, at most 200 characters with the
    extension kept; for display and the database."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*\ud800-\udfff]", "_", base).strip(" .")
    return _cut(base, 200, "utf-32-le", 4) or "未命名文件"


def disk_name(name: str, limit: int = DISK_NAME_BYTES) -> str:
    """:func:`display_name` cut to ``limit`` UTF-8 bytes, its extension kept: a file name for the trash
    and the viewing copies that fits a file system's 255 bytes and Windows' 260-character paths."""
    return _cut(display_name(name), limit, "utf-8") or "未命名文件"


def _cut(base: str, limit: int, encoding: str, width: int = 1) -> str:
    """``base`` at most ``limit`` characters (``width`` bytes each in ``encoding``), cut at the end of its
    stem; an extension of more than 10 characters counts as stem."""
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, dot, suffix = base, "", ""
    room = limit * width - len(f"{dot}{suffix}".encode(encoding))
    stem = stem.encode(encoding)[: max(0, room)].decode(encoding, "ignore").rstrip(" .")
    return f"{stem}{dot}{suffix}" if stem else ""


def evidence_store_for(store: Store) -> EvidenceStore:
    """A server database keeps the bytes in the database (every seat sees them); SQLite its folder."""
    if store.engine.dialect.name == "postgresql":
        return DatabaseEvidenceStore(store)
    return FolderEvidenceStore(store.paths.evidence, store.paths.trash)


class EvidenceService:
    def __init__(self, store: Store, blobs: EvidenceStore | None = None):
        self.store = store
        self.root = store.paths.evidence  # the folder store, and every seat's viewing copies
        self.trash = store.paths.trash
        self.blobs = blobs if blobs is not None else evidence_store_for(store)
        # (year_scheme_id, unit_id | None, key | None) changed by another seat; None: anything
        self.changed = Event()

    def blob_path(self, sha256: str) -> Path:
        """Where the folder store keeps a file (SQLite)."""
        check_sha(sha256)
        return FolderEvidenceStore(self.root, self.trash).path(sha256)

    def add(self, year_scheme_id: int, unit_id: int, key: str, source: str | os.PathLike[str]) -> EvidenceRow:
        src = Path(source)
        if not src.is_file():
            raise ServiceError(f"找不到文件：{src}")
        size = src.stat().st_size
        if size > MAX_BYTES:
            raise ServiceError(f"文件“{src.name}”有 {size / 1024 / 1024:.1f} MB，超过 50 MB 上限，未添加")
        if src.suffix.lower() not in ALLOWED_SUFFIXES:
            raise ServiceError(f"不支持的文件类型“{src.suffix or '无扩展名'}”：{src.name}（可用扫描件、PDF、照片、Word 等）")
        sha = file_sha256(src)
        with self.store.session() as s:
            self.blobs.put(s, sha, src, display_name(src.name))  # in this unit of work when in the database
            row = EvidenceRepository(s).add(
                year_scheme_id=year_scheme_id, unit_id=unit_id, key=key, sha256=sha,
                original_name=display_name(src.name), size=size,
            )
            AuditRepository(s).record("evidence_files", row.id, "insert", {"original_name": (None, row.original_name)})
            return self._row(row)

    def list(self, year_scheme_id: int, unit_id: int | None = None, key: str | None = None) -> list[EvidenceRow]:
        with self.store.session() as s:
            return [self._row(r) for r in EvidenceRepository(s).kept(year_scheme_id, unit_id, key)]

    def path_for_viewing(self, evidence_id: int) -> Path:
        """The stored file, as a verified copy named like the original (viewers pick the app by extension)."""
        with self.store.session() as s:
            r = EvidenceRepository(s).get(evidence_id)
            if r is None or r.removed_at is not None:
                raise ServiceError("该证明材料已被移除")
            sha, name, size = r.sha256, r.original_name, r.size
        view_dir = self.root / "_view" / check_sha(sha)[:12]
        view_dir.mkdir(parents=True, exist_ok=True)
        target = view_dir / disk_name(name)
        if not target.exists() or target.stat().st_size != size or file_sha256(target) != sha:
            self.blobs.read_to(sha, target, name)
        return target

    def remove(self, evidence_id: int) -> Path | None:
        """Mark removed; the folder store moves the file to trash (kept while another item still uses it)."""
        with self.store.session() as s:
            repo = EvidenceRepository(s)
            r = repo.get(evidence_id)
            if r is None or r.removed_at is not None:
                return None
            r.removed_at = datetime.now()
            AuditRepository(s).record("evidence_files", r.id, "delete", {"original_name": (r.original_name, None)})
            still_used = repo.others_using(r)
            sha, name = r.sha256, r.original_name
        dest = self.trash / f"{datetime.now():%Y%m%d-%H%M%S}-{evidence_id}-{disk_name(name)}"
        try:
            return self.blobs.discard(sha, dest, bool(still_used))
        except OSError as e:  # removed all the same: the file stays in the store, so undo still works
            _log.warning("evidence %s: no copy in the trash (%s)", evidence_id, e)
            return None

    def restore(self, evidence_id: int, trashed: Path | None) -> None:
        """Undo a removal: the file is kept again (from the trash for the folder store)."""
        with self.store.session() as s:
            r = EvidenceRepository(s).get(evidence_id)
            if r is None:
                return
            self.blobs.recover(s, r.sha256, trashed)
            r.removed_at = None
            AuditRepository(s).record("evidence_files", r.id, "update", {"removed_at": ("removed", None)})

    def counts(self, year_scheme_id: int) -> dict[tuple[int, str], int]:
        with self.store.session() as s:
            return EvidenceRepository(s).counts(year_scheme_id)

    @staticmethod
    def _row(r: EvidenceFile) -> EvidenceRow:
        return EvidenceRow(r.id, r.unit_id, r.key, r.original_name, r.size, r.sha256, r.added_at or datetime.now())
