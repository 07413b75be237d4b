import hashlib
import sqlite3
import time

import pytest
from sqlalchemy import text

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db import backup as bk
from hotline_desktop.db.engine import (
    APPLICATION_ID,
    HEAD,
    REVISIONS,
    DbState,
    StoreOpenError,
    inspect_database,
    make_engine,
    upgrade,
)
from hotline_desktop.db.lock import AlreadyRunning
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.app import AppServices

# SQLite files, their header, -wal and the instance lock (a server database: test_store_server.py)
pytestmark = pytest.mark.sqlite_only


def _digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_revisions_constant_matches_alembic_graph():
    from alembic.script import ScriptDirectory

    from hotline_desktop.db.engine import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    chain = [r.revision for r in script.walk_revisions()][::-1]
    assert tuple(chain) == REVISIONS
    assert script.get_current_head() == HEAD


def test_new_database_is_created_at_head_in_wal_mode(services, paths):
    con = sqlite3.connect(paths.database)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    with services.store.session() as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_database_with_data_from_first_revision_upgrades_and_keeps_data(paths):
    paths.ensure()
    engine = make_engine(paths.database)
    upgrade(engine, REVISIONS[0])
    with engine.begin() as con:
        con.exec_driver_sql("INSERT INTO units(code,name,kind) VALUES ('T01','山大路街道','town')")
        con.exec_driver_sql("INSERT INTO units(code,name,kind,parent_id) VALUES ('C01','燕山社区','community',1)")
    engine.dispose()
    assert inspect_database(paths.database).state is DbState.OLDER
    s = AppServices.open(paths)
    try:
        rows = s.units.list()
        assert [(r.code, r.parent_code) for r in rows] == [("C01", "T01"), ("T01", None)]
        assert inspect_database(paths.database).state is DbState.CURRENT
    finally:
        s.close()


def test_older_database_is_backed_up_before_upgrade(paths):
    paths.ensure()
    engine = make_engine(paths.database)
    upgrade(engine, REVISIONS[0])
    with engine.begin() as con:
        con.exec_driver_sql("INSERT INTO units(code,name,kind) VALUES ('T01','山大路街道','town')")
    engine.dispose()
    assert inspect_database(paths.database).state is DbState.OLDER
    s = AppServices.open(paths)
    assert any("升级" in n for n in s.store.notices)
    s.close()
    backups = bk.list_backups(paths.backups)
    assert [b.kind for b in backups] == ["pre-upgrade"]
    con = sqlite3.connect(backups[0].path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == REVISIONS[0]
    assert con.execute("SELECT name FROM units").fetchone()[0] == "山大路街道"


@pytest.mark.parametrize(
    "make,state,words",
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 not a database" * 10), DbState.NOT_SQLITE, "不是热线考核数据库"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE x(a)").connection.commit(), DbState.FOREIGN, "其他软件"),
    ],
)
def test_foreign_files_are_refused_and_untouched(paths, make, state, words):
    paths.ensure()
    make(paths.database)
    before = _digest(paths.database)
    with pytest.raises(StoreOpenError) as ei:
        Store.open(paths)
    assert words in str(ei.value) and str(paths.database) in str(ei.value)
    assert ei.value.inspection.state is state and ei.value.can_restore
    assert _digest(paths.database) == before


def test_newer_database_is_refused(services, paths):
    with services.store.session() as s:
        s.execute(text("UPDATE alembic_version SET version_num='9999'"))
    services.close()
    before = _digest(paths.database)
    with pytest.raises(StoreOpenError, match="更新版本"):
        Store.open(paths)
    assert _digest(paths.database) == before


def test_corrupt_database_is_refused_then_restored_from_backup(services, paths):
    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    good = services.store.backup_manual()
    services.close()
    data = bytearray(paths.database.read_bytes())
    for off in range(4096, len(data), 97):  # scribble over every page after the header page
        data[off] = 0x5A
    paths.database.write_bytes(bytes(data))
    for ext in ("-wal", "-shm"):
        (paths.root / f"hotline.db{ext}").unlink(missing_ok=True)
    with pytest.raises(StoreOpenError, match="损坏") as ei:
        Store.open(paths)
    assert ei.value.can_restore
    from hotline_desktop.db.store import restore_database

    kept = restore_database(paths, good)
    assert kept is not None and kept.exists() and "damaged" in kept.name
    s = AppServices.open(paths)
    try:
        assert [r.code for r in s.units.list()] == ["T01"]
    finally:
        s.close()


def test_restore_backs_up_current_first(services, paths):
    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    b = services.store.backup_manual()
    services.units.create(UnitDraft(code="T02", name="洪家楼街道", kind="town"))
    safety = services.store.restore_from(b)
    assert [r.code for r in services.units.list()] == ["T01"]
    con = sqlite3.connect(safety)
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 2


def test_restore_refuses_a_non_backup(services, tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("hello")
    with pytest.raises(StoreOpenError, match="不是热线考核数据库"):
        services.store.restore_from(bad)


def test_auto_backup_daily_and_rotation(paths):
    from datetime import datetime, timedelta

    s = AppServices.open(paths)
    s.close()
    assert bk.list_backups(paths.backups) == []  # brand-new database: nothing to back up yet
    s = AppServices.open(paths)
    s.close()
    assert [b.kind for b in bk.list_backups(paths.backups)] == ["auto"]
    s = AppServices.open(paths)  # within a day: no new one
    s.close()
    assert len(bk.list_backups(paths.backups)) == 1
    assert not bk.auto_backup_due(paths.backups)
    assert bk.auto_backup_due(paths.backups, now=datetime.now() + timedelta(days=1, seconds=1))
    base = datetime(2026, 1, 1)
    for i in range(35):
        bk.copy_database(paths.database, bk.backup_path(paths.backups, "auto", base + timedelta(hours=i)))
    bk.rotate_auto(paths.backups)
    autos = [b for b in bk.list_backups(paths.backups) if b.kind == "auto"]
    assert len(autos) == 30
    assert sqlite3.connect(autos[-1].path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_second_instance_refused_naming_folder(services, paths):
    with pytest.raises(AlreadyRunning) as ei:
        AppServices.open(paths)
    assert str(paths.root) in str(ei.value)


def test_audit_log_records_old_and_new(services):
    u = services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    services.units.update(u.id, UnitDraft(code="T01", name="山大路街道办事处", kind="town", phone="13812345678"))
    services.units.set_active(u.id, False)
    with services.store.session() as s:
        rows = [(a.action, a.field, a.old_value, a.new_value) for a in AuditRepository(s).recent(table="units")]
    assert ("update", "name", "山大路街道", "山大路街道办事处") in rows
    assert ("update", "phone", "", "13812345678") in rows
    assert ("update", "active", "1", "0") in rows
    assert ("insert", "code", None, "T01") in rows


# -- the file's checks begun early (gui/app.open_services), beside the imports ------------------
def test_an_early_inspection_is_used_when_the_file_is_unchanged(services, paths, monkeypatch):
    from hotline_desktop.db import engine as db_engine

    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    services.close()
    early = db_engine.EarlyInspection(paths.database)
    assert early.result().state is DbState.CURRENT
    reads = []
    real = db_engine._read_meta
    monkeypatch.setattr(db_engine, "_read_meta", lambda uri: reads.append(uri) or real(uri))
    s = AppServices.open(paths, inspection=early)
    try:
        assert [r.code for r in s.units.list()] == ["T01"]
    finally:
        s.close()
    assert reads == []  # the whole-file check ran once, in the early thread


def test_a_file_damaged_after_its_early_inspection_is_still_refused(services, paths):
    from hotline_desktop.db.engine import EarlyInspection

    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    services.close()
    early = EarlyInspection(paths.database)
    early.join()
    time.sleep(0.05)  # a later write: file times move in clock ticks (a few ms)
    data = bytearray(paths.database.read_bytes())
    for off in range(4096, len(data), 97):  # same length, every page after the header scribbled
        data[off] = 0x5A
    paths.database.write_bytes(bytes(data))
    with pytest.raises(StoreOpenError, match="损坏") as ei:
        Store.open(paths, inspection=early)
    assert ei.value.can_restore
