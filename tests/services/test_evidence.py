import pytest
from sqlalchemy import insert

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db.models import YearScheme
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.evidence import EvidenceService, disk_name, display_name


@pytest.fixture
def ctx(services):
    unit = services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    with services.store.session() as s:
        ys = s.execute(insert(YearScheme).values(year=2023, scheme_id="x", definition="")).inserted_primary_key[0]
    return EvidenceService(services.store), ys, unit.id


@pytest.mark.sqlite_only  # the folder store; a server keeps the bytes in the database (test_evidence_stores)
def test_file_is_copied_under_its_hash_and_shown_by_name(ctx, tmp_path):
    ev, ys, uid = ctx
    src = tmp_path / "制度文件.pdf"
    src.write_bytes(b"%PDF-1.4 rules")
    row = ev.add(ys, uid, "rules_established", src)
    assert row.name == "制度文件.pdf"
    blob = ev.blob_path(row.sha256)
    assert blob.read_bytes() == b"%PDF-1.4 rules" and blob.is_relative_to(ev.root)
    src.unlink()  # the original may go away: the store keeps its copy
    view = ev.path_for_viewing(row.id)
    assert view.name == "制度文件.pdf" and view.read_bytes() == b"%PDF-1.4 rules"
    assert [r.name for r in ev.list(ys, uid, "rules_established")] == ["制度文件.pdf"]


def test_path_tricks_in_names_cannot_escape(ctx, tmp_path):
    assert display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert display_name("..\\..\\Windows\\win.ini") == "win.ini"
    assert display_name("a<b>:c.pdf") == "a_b__c.pdf"
    ev, ys, uid = ctx
    d = tmp_path / "x"
    d.mkdir()
    src = d / "..pdf"
    src.write_bytes(b"x")
    row = ev.add(ys, uid, "k", src)
    assert ev.path_for_viewing(row.id).is_relative_to(ev.root)


def test_files_over_50_mb_and_odd_types_are_refused(ctx, tmp_path):
    ev, ys, uid = ctx
    big = tmp_path / "扫描件.pdf"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(ServiceError, match="超过 50 MB"):
        ev.add(ys, uid, "k", big)
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(ServiceError, match="不支持的文件类型"):
        ev.add(ys, uid, "k", exe)
    assert ev.list(ys) == []


@pytest.mark.sqlite_only  # the folder store; a server keeps the bytes in the database (test_evidence_stores)
def test_remove_moves_to_trash_and_undo_brings_it_back(ctx, tmp_path):
    ev, ys, uid = ctx
    src = tmp_path / "台账.jpg"
    src.write_bytes(b"jpeg")
    a = ev.add(ys, uid, "station_ledger", src)
    b = ev.add(ys, uid, "training", src)  # same content, second item
    trashed = ev.remove(a.id)
    assert trashed.exists() and trashed.parent == ev.trash and "台账.jpg" in trashed.name
    assert ev.blob_path(a.sha256).exists()  # still used by b
    trashed_b = ev.remove(b.id)
    assert not ev.blob_path(b.sha256).exists() and trashed_b.read_bytes() == b"jpeg"
    assert ev.list(ys) == []
    ev.restore(b.id, trashed_b)
    assert [r.id for r in ev.list(ys)] == [b.id] and ev.blob_path(b.sha256).read_bytes() == b"jpeg"


@pytest.mark.sqlite_only  # the folder store; a server keeps the bytes in the database (test_evidence_stores)
def test_evidence_copy_on_a_full_disk_is_a_chinese_store_write_error(ctx, tmp_path, monkeypatch):
    """Issue 7 item 4: the file copy fails with ENOSPC; nothing is recorded, nothing half-copied."""
    import errno

    from hotline_desktop.db import evidence_store as ev_mod  # the folder store copies the file
    from hotline_desktop.services.errors import StoreWriteError

    ev, ys, uid = ctx
    src = tmp_path / "台账.pdf"
    src.write_bytes(b"%PDF-1.4 ledger")
    real = ev_mod.shutil.copyfile

    def full(a, b, *args, **kw):
        real(a, b, *args, **kw)  # part of it lands, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ev_mod.shutil, "copyfile", full)
    with pytest.raises(StoreWriteError, match="磁盘已满") as exc:
        ev.add(ys, uid, "rules_established", src)
    assert "台账.pdf" in str(exc.value)
    assert ev.list(ys, uid) == []
    assert not [p for p in ev.root.rglob("*") if p.is_file()]


@pytest.mark.sqlite_only  # the folder store's trash and viewing copies
def test_a_long_chinese_file_name_can_be_viewed_removed_and_restored(ctx, tmp_path):
    """An 80-character Chinese name (244 bytes, as Windows and Linux allow) used to fail on 移除: the
    trash name with its date prefix passed the file system's 255 bytes (OSError after the removal was
    committed: gone from the list with nothing to undo). Trash and viewing copies now have short names."""
    ev, ys, uid = ctx
    src = tmp_path / (("关于" + "热线工作考核材料" * 10)[:80] + ".pdf")
    src.write_bytes(b"%PDF-1.4 long")
    row = ev.add(ys, uid, "rules_established", src)
    assert row.name == src.name
    view = ev.path_for_viewing(row.id)
    assert view.suffix == ".pdf" and len(view.name.encode()) <= 120 and view.read_bytes() == b"%PDF-1.4 long"
    trashed = ev.remove(row.id)
    assert trashed is not None and trashed.read_bytes() == b"%PDF-1.4 long" and trashed.name.endswith(".pdf")
    assert ev.list(ys, uid) == []
    ev.restore(row.id, trashed)
    assert [r.name for r in ev.list(ys, uid)] == [src.name]
    assert ev.path_for_viewing(row.id).read_bytes() == b"%PDF-1.4 long"


def test_a_trash_that_cannot_be_written_still_leaves_the_removal_undoable(ctx, tmp_path, monkeypatch):
    ev, ys, uid = ctx
    src = tmp_path / "会议纪要.pdf"
    src.write_bytes(b"%PDF-1.4 minutes")
    row = ev.add(ys, uid, "rules_established", src)

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ev.blobs, "discard", full_disk)
    assert ev.remove(row.id) is None and ev.list(ys, uid) == []
    ev.restore(row.id, None)
    assert ev.path_for_viewing(row.id).read_bytes() == b"%PDF-1.4 minutes"


def test_a_shortened_name_keeps_its_extension():
    name = "材料" * 150 + ".docx"
    assert display_name(name) == "材料" * 97 + "材.docx" and len(display_name(name)) == 200
    assert disk_name(name) == "材料" * 19 + ".docx"  # 114 + 5 bytes
    assert disk_name("a.b" + "c" * 30) == "a.b" + "c" * 30  # a long "extension" is part of the name
