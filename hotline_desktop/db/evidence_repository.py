"""evidence_files: which stored file (by content hash) backs which annual item of a unit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline_desktop.db.models import EvidenceFile


class EvidenceRepository:
    def __init__(self, session: Session):
        self.s = session

    def add(self, **fields) -> EvidenceFile:
        row = EvidenceFile(**fields)
        self.s.add(row)
        self.s.flush()
        return row

    def get(self, evidence_id: int) -> EvidenceFile | None:
        return self.s.get(EvidenceFile, evidence_id)

    def kept(self, year_scheme_id: int, unit_id: int | None = None, key: str | None = None) -> list[EvidenceFile]:
        """The files not removed of a year (of one unit and/or item when given), in the order added."""
        q = select(EvidenceFile).where(EvidenceFile.year_scheme_id == year_scheme_id, EvidenceFile.removed_at.is_(None))
        if unit_id is not None:
            q = q.where(EvidenceFile.unit_id == unit_id)
        if key is not None:
            q = q.where(EvidenceFile.key == key)
        return list(self.s.scalars(q.order_by(EvidenceFile.id)))

    def others_using(self, row: EvidenceFile) -> int:
        """How many other kept rows share this row's content."""
        return self.s.scalar(select(func.count(EvidenceFile.id)).where(
            EvidenceFile.sha256 == row.sha256, EvidenceFile.removed_at.is_(None), EvidenceFile.id != row.id)) or 0

    def counts(self, year_scheme_id: int) -> dict[tuple[int, str], int]:
        """(unit_id, key) → how many files are kept for it."""
        q = (
            select(EvidenceFile.unit_id, EvidenceFile.key, func.count(EvidenceFile.id))
            .where(EvidenceFile.year_scheme_id == year_scheme_id, EvidenceFile.removed_at.is_(None))
            .group_by(EvidenceFile.unit_id, EvidenceFile.key)
        )
        return {(u, k): n for u, k, n in self.s.execute(q)}

    def contents(self) -> list[tuple[str, str]]:
        """(sha256, original name) of every row (removed ones too), distinct and sorted."""
        return sorted(set(self.s.execute(select(EvidenceFile.sha256, EvidenceFile.original_name))))
