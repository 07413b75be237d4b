"""Evidence bytes: the folder store (SQLite) and the database store (server databases) behave the
same through EvidenceService: add, view (verified), remove, undo; damage is refused, not shown."""

import pytest
from sqlalchemy import insert, text

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db.evidence_store import (
    CHUNK,
    DatabaseEvidenceStore,
    EvidenceDamaged,
    FolderEvidenceStore,
)
from hotline_desktop.db.models import YearScheme
from hotline_desktop.services.evidence import EvidenceService, evidence_store_for


@pytest.fixture(params=["folder", "database"])
def ctx(request, services):
    unit = services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    with services.store.session() as s:
        ys = s.execute(insert(YearScheme).values(year=2023, scheme_id="x", definition="")).inserted_primary_key[0]
    blobs = DatabaseEvidenceStore(services.store) if request.param == "database" else None
    return EvidenceService(services.store, blobs), ys, unit.id


def test_sqlite_keeps_its_folder_store_a_server_its_database(services, backend):
    kind = FolderEvidenceStore if backend == "sqlite" else DatabaseEvidenceStore
    assert isinstance(evidence_store_for(services.store), kind)


def test_add_view_remove_undo_on_both_stores(ctx, tmp_path):
    ev, ys, uid = ctx
    payload = bytes(range(256)) * (CHUNK // 256 * 2 + 7)  # a little over two chunks
    src = tmp_path / "台账.pdf"
    src.write_bytes(payload)
    row = ev.add(ys, uid, "station_ledger", src)
    twin = ev.add(ys, uid, "training", src)  # the same content twice is kept once
    src.unlink()
    assert ev.path_for_viewing(row.id).read_bytes() == payload
    if isinstance(ev.blobs, DatabaseEvidenceStore):
        with ev.store.session() as s:
            n = s.execute(text("SELECT count(*) FROM evidence_blobs WHERE sha256 = :h"), {"h": row.sha256}).scalar()
        assert n == 3 and not ev.blob_path(row.sha256).exists()  # in the database, not the folder
    trashed = ev.remove(row.id)
    ev.remove(twin.id)
    assert ev.list(ys) == []
    ev.restore(row.id, trashed)
    view = ev.path_for_viewing(row.id)
    view.unlink()  # a viewing copy is rebuilt from the store
    assert ev.path_for_viewing(row.id).read_bytes() == payload


def test_damaged_bytes_are_refused_on_read(ctx, tmp_path):
    ev, ys, uid = ctx
    src = tmp_path / "制度.pdf"
    src.write_bytes(b"%PDF-1.4 rules " * 100)
    row = ev.add(ys, uid, "rules_established", src)
    if isinstance(ev.blobs, DatabaseEvidenceStore):
        with ev.store.session() as s:
            s.execute(text("UPDATE evidence_blobs SET data = :d WHERE sha256 = :h"), {"d": b"tampered", "h": row.sha256})
    else:
        ev.blob_path(row.sha256).write_bytes(b"tampered")
    with pytest.raises(EvidenceDamaged, match="损坏"):
        ev.path_for_viewing(row.id)
