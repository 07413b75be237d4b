"""Where evidence files' bytes live: one interface, two stores.

- FolderEvidenceStore (SQLite, the default): files in the data folder under their sha256; a removed
  file goes to the trash folder (kept while another item still uses the same content).
- DatabaseEvidenceStore (a server database every seat shares): the bytes in `evidence_blobs`, in
  chunks of 1 MiB keyed by (sha256, seq), written in the caller's transaction; a removed file's
  chunks stay for undo (the row is only marked removed).

Both verify the sha256 when a file is read back: a damaged copy is refused, never shown.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from abc import ABC, abstractmethod
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.errors import ServiceError
from hotline_desktop.db.errors import write_error

CHUNK = 1 << 20  # 1 MiB


def check_sha(sha256: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        raise ServiceError("证明材料索引无效")
    return sha256


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


class EvidenceDamaged(ServiceError):
    """The stored bytes no longer hash to their sha256 (or are missing)."""


class EvidenceStore(ABC):
    kind = ""

    @abstractmethod
    def has(self, s: Session, sha256: str) -> bool: ...

    @abstractmethod
    def put(self, s: Session, sha256: str, source: Path, name: str) -> None:
        """Keep the bytes of `source` (already hashed to sha256) unless they are already kept."""

    @abstractmethod
    def read_to(self, sha256: str, dest: Path, name: str) -> None:
        """Write the kept bytes to `dest`, verified against sha256 (EvidenceDamaged when not)."""

    @abstractmethod
    def discard(self, sha256: str, trash_file: Path, still_used: bool) -> Path | None:
        """After a removal: the copy set aside for the operator (None when there is none)."""

    @abstractmethod
    def recover(self, s: Session, sha256: str, trashed: Path | None) -> None:
        """Undo of a removal: the bytes are kept again (ServiceError when they cannot be)."""


class FolderEvidenceStore(EvidenceStore):
    kind = "folder"

    def __init__(self, root: Path, trash: Path):
        self.root, self.trash = Path(root), Path(trash)

    def path(self, sha256: str) -> Path:
        sha = check_sha(sha256)
        return self.root / sha[:2] / sha

    def has(self, s: Session, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, s: Session, sha256: str, source: Path, name: str) -> None:
        dest = self.path(sha256)
        if dest.exists():
            return
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(dest) as tmp:
                shutil.copyfile(source, tmp)
        except OSError as e:
            if Path(e.filename or "") == Path(source):
                raise  # the source cannot be read: the caller names the file
            raise write_error(e, self.root, f"“{name}”没有添加") from e

    def read_to(self, sha256: str, dest: Path, name: str) -> None:
        blob = self.path(sha256)
        if not blob.exists():
            raise EvidenceDamaged(f"证明材料文件丢失：{name}（可从备份恢复数据文件夹）")
        if file_sha256(blob) != sha256:
            raise EvidenceDamaged(f"证明材料文件已损坏（内容与登记的校验值不符）：{name}（可从备份恢复数据文件夹）")
        shutil.copyfile(blob, dest)

    def discard(self, sha256: str, trash_file: Path, still_used: bool) -> Path | None:
        blob = self.path(sha256)
        if not blob.exists():
            return None
        self.trash.mkdir(parents=True, exist_ok=True)
        if still_used:
            shutil.copyfile(blob, trash_file)
        else:
            shutil.move(str(blob), trash_file)
        return trash_file

    def recover(self, s: Session, sha256: str, trashed: Path | None) -> None:
        blob = self.path(sha256)
        if blob.exists():
            return
        if trashed is None or not Path(trashed).exists():
            raise ServiceError("回收站中找不到该文件，无法撤销移除")
        blob.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(trashed, blob)


class DatabaseEvidenceStore(EvidenceStore):
    """Bytes in the database (`evidence_blobs`), so every seat on a server database sees them."""

    kind = "database"

    def __init__(self, store):
        self.store = store  # db.store.Store: reads open their own unit of work

    def has(self, s: Session, sha256: str) -> bool:
        q = text("SELECT 1 FROM evidence_blobs WHERE sha256 = :h AND seq = 0")
        return s.connection().execute(q, {"h": check_sha(sha256)}).first() is not None

    def put(self, s: Session, sha256: str, source: Path, name: str) -> None:
        if self.has(s, sha256):
            return
        con = s.connection()
        h = hashlib.sha256()
        # ON CONFLICT DO NOTHING: two seats adding the same content at the same moment both succeed
        ins = text("INSERT INTO evidence_blobs (sha256, seq, data) VALUES (:h, :q, :d) ON CONFLICT DO NOTHING")
        with open(source, "rb") as fh:
            seq = 0
            while True:
                chunk = fh.read(CHUNK)
                if not chunk and seq:
                    break
                h.update(chunk)
                con.execute(ins, {"h": sha256, "q": seq, "d": chunk})
                seq += 1
                if not chunk:
                    break
        if h.hexdigest() != sha256:  # the file changed while it was being read
            raise ServiceError(f"文件“{name}”在添加过程中被修改，未添加，请重试")

    def read_to(self, sha256: str, dest: Path, name: str) -> None:
        h = hashlib.sha256()
        with self.store.session() as s:
            rows = s.connection().execute(
                text("SELECT seq, data FROM evidence_blobs WHERE sha256 = :h ORDER BY seq"), {"h": check_sha(sha256)})
            with atomic_write(Path(dest)) as tmp, open(tmp, "wb") as out:
                n = 0
                for seq, data in rows:
                    if seq != n:
                        raise EvidenceDamaged(f"证明材料已损坏（缺少第 {n + 1} 块）：{name}")
                    data = bytes(data)
                    h.update(data)
                    out.write(data)
                    n += 1
                if n == 0:
                    raise EvidenceDamaged(f"证明材料在数据库中找不到：{name}（可从备份恢复）")
                if h.hexdigest() != sha256:
                    raise EvidenceDamaged(f"证明材料已损坏（内容与登记的校验值不符）：{name}（可从备份恢复）")

    def discard(self, sha256: str, trash_file: Path, still_used: bool) -> Path | None:
        return None  # the chunks stay in the database for undo; nothing to set aside

    def recover(self, s: Session, sha256: str, trashed: Path | None) -> None:
        if not self.has(s, sha256):
            raise ServiceError("数据库中找不到该证明材料的内容，无法撤销移除")
