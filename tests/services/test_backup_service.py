"""services/backup.py: the single entry to backup and restore (GUI, CLI, later pg_dump)."""

import sqlite3

import pytest

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.services import backup as backup_service
from hotline_desktop.services.app import AppServices

# SQLite backup files; a server database's backup is pg_dump (db/backup.server_backup, pg-live)
pytestmark = pytest.mark.sqlite_only


def _unit_names(db):
    return [r[0] for r in sqlite3.connect(db).execute("SELECT name FROM units ORDER BY code")]


def test_manual_backup_is_listed_and_is_the_last_backup(services):
    assert services.backup.last() is None
    services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    out = services.backup.backup()
    assert out.parent == services.paths.backups
    assert [b.path for b in services.backup.list()] == [out]
    assert services.backup.last().path == out
    assert _unit_names(out) == ["梅林镇"]


def test_default_manual_path_is_a_fresh_name_in_the_backups_folder(services):
    p = services.backup.default_manual_path()
    assert p.parent == services.paths.backups and not p.exists() and p.suffix == ".db"


def test_restore_through_services_keeps_a_safety_copy_and_forgets_caches(services):
    services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    saved = services.backup.backup()
    services.units.create(UnitDraft(code="T02", name="龙山镇", kind="town"))
    safety = services.restore_from(saved)
    assert [u.code for u in services.units.list()] == ["T01"]
    assert _unit_names(safety) == ["梅林镇", "龙山镇"]


def test_restore_closed_over_a_damaged_database_moves_it_aside(paths):
    s = AppServices.open(paths)
    s.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    good = s.backup.backup()
    s.close()
    paths.database.write_bytes(b"garbage" * 100)
    with pytest.raises(backup_service.StoreOpenError):
        AppServices.open(paths)
    assert backup_service.list_backups(paths)[0].path == good
    backup_service.restore_closed(paths, good)
    s = AppServices.open(paths)
    try:
        assert [u.code for u in s.units.list()] == ["T01"]
    finally:
        s.close()
    assert any(b"garbage" in p.read_bytes()[:20] for p in paths.root.glob("*.db*") if p != paths.database)
