"""Evidence files (scans, PDFs, photos, Word) copied into the data folder under a content hash.

The original name is kept only in the database, for display: it is never used as a path, so a
name with path tricks cannot escape the store. Removing moves the file to the trash folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.db.errors import write_error
from hotline_desktop.db.models import EvidenceFile
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ServiceError

MAX_BYTES = 50 * 1024 * 1024
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
    """Only the last path component, without control characters; for display and the trash."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*\ud800-\udfff]", "_", base).strip(" .")
    return base[:200] or "未命名文件"


class EvidenceService:
    def __init__(self, store: Store):
        self.store = store
        self.root = store.paths.evidence
        self.trash = store.paths.trash

    def blob_path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ServiceError("证明材料索引无效")
        return self.root / sha256[:2] / sha256

    def add(self, year_scheme_id: int, unit_id: int, key: str, source: str | os.PathLike[str]) -> EvidenceRow:
        src = Path(source)
        if not src.is_file():
            raise ServiceError(f"找不到文件：{src}")
        size = src.stat().st_size
        if size > MAX_BYTES:
            raise ServiceError(f"文件“{src.name}”有 {size / 1024 / 1024:.1f} MB，超过 50 MB 上限，未添加")
        if src.suffix.lower() not in ALLOWED_SUFFIXES:
            raise ServiceError(f"不支持的文件类型“{src.suffix or '无扩展名'}”：{src.name}（可用扫描件、PDF、照片、Word 等）")
        h = hashlib.sha256()
        with open(src, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        sha = h.hexdigest()
        dest = self.blob_path(sha)
        if not dest.exists():
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                with atomic_write(dest) as tmp:
                    shutil.copyfile(src, tmp)
            except OSError as e:
                if Path(e.filename or "") == src:
                    raise  # the source cannot be read: the caller names the file
                raise write_error(e, self.root, f"“{display_name(src.name)}”没有添加") from e
        with self.store.session() as s:
            row = EvidenceFile(
                year_scheme_id=year_scheme_id, unit_id=unit_id, key=key, sha256=sha,
                original_name=display_name(src.name), size=size,
            )
            s.add(row)
            s.flush()
            AuditRepository(s).record("evidence_files", row.id, "insert", {"original_name": (None, row.original_name)})
            return self._row(row)

    def list(self, year_scheme_id: int, unit_id: int | None = None, key: str | None = None) -> list[EvidenceRow]:
        with self.store.session() as s:
            q = select(EvidenceFile).where(
                EvidenceFile.year_scheme_id == year_scheme_id, EvidenceFile.removed_at.is_(None)
            )
            if unit_id is not None:
                q = q.where(EvidenceFile.unit_id == unit_id)
            if key is not None:
                q = q.where(EvidenceFile.key == key)
            return [self._row(r) for r in s.scalars(q.order_by(EvidenceFile.id))]

    def path_for_viewing(self, evidence_id: int) -> Path:
        """The stored file, as a copy named like the original (viewers pick the app by extension)."""
        with self.store.session() as s:
            r = s.get(EvidenceFile, evidence_id)
            if r is None or r.removed_at is not None:
                raise ServiceError("该证明材料已被移除")
            blob, name = self.blob_path(r.sha256), r.original_name
        if not blob.exists():
            raise ServiceError(f"证明材料文件丢失：{name}（可从备份恢复数据文件夹）")
        view_dir = self.root / "_view" / blob.name[:12]
        view_dir.mkdir(parents=True, exist_ok=True)
        target = view_dir / display_name(name)
        if not target.exists() or target.stat().st_size != blob.stat().st_size:
            shutil.copyfile(blob, target)
        return target

    def remove(self, evidence_id: int) -> Path | None:
        """Mark removed and move the file to trash (kept while another item still uses it)."""
        with self.store.session() as s:
            r = s.get(EvidenceFile, evidence_id)
            if r is None or r.removed_at is not None:
                return None
            r.removed_at = datetime.now()
            AuditRepository(s).record("evidence_files", r.id, "delete", {"original_name": (r.original_name, None)})
            still_used = s.scalar(
                select(func.count(EvidenceFile.id)).where(
                    EvidenceFile.sha256 == r.sha256, EvidenceFile.removed_at.is_(None), EvidenceFile.id != r.id
                )
            )
            sha, name = r.sha256, r.original_name
        blob = self.blob_path(sha)
        self.trash.mkdir(parents=True, exist_ok=True)
        dest = self.trash / f"{datetime.now():%Y%m%d-%H%M%S}-{evidence_id}-{display_name(name)}"
        if blob.exists():
            if still_used:
                shutil.copyfile(blob, dest)
            else:
                shutil.move(str(blob), dest)
            return dest
        return None

    def restore(self, evidence_id: int, trashed: Path | None) -> None:
        """Undo a removal: bring the file back from the trash."""
        with self.store.session() as s:
            r = s.get(EvidenceFile, evidence_id)
            if r is None:
                return
            blob = self.blob_path(r.sha256)
            if not blob.exists():
                if trashed is None or not Path(trashed).exists():
                    raise ServiceError("回收站中找不到该文件，无法撤销移除")
                blob.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(trashed, blob)
            r.removed_at = None
            AuditRepository(s).record("evidence_files", r.id, "update", {"removed_at": ("removed", None)})

    def counts(self, year_scheme_id: int) -> dict[tuple[int, str], int]:
        with self.store.session() as s:
            q = (
                select(EvidenceFile.unit_id, EvidenceFile.key, func.count(EvidenceFile.id))
                .where(EvidenceFile.year_scheme_id == year_scheme_id, EvidenceFile.removed_at.is_(None))
                .group_by(EvidenceFile.unit_id, EvidenceFile.key)
            )
            return {(u, k): n for u, k, n in s.execute(q)}

    @staticmethod
    def _row(r: EvidenceFile) -> EvidenceRow:
        return EvidenceRow(r.id, r.unit_id, r.key, r.original_name, r.size, r.sha256, r.added_at or datetime.now())
