"""Backup and restore of a server database through pg_dump / pg_restore, with SQLite's verbs."""

import pg_support
import pytest
from sqlalchemy import text

from hotline_desktop.cli import main
from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db import pg_backup
from hotline_desktop.db.live import RESYNC
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices

pytestmark = pytest.mark.skipif(not pg_support.server_url(), reason="needs a PostgreSQL test server (--pg-url)")


@pytest.fixture
def server(tmp_path):
    url = pg_support.fresh_database()
    s = AppServices.open(DataPaths(tmp_path / "data", url), lock=False, auto_backup=False)
    s.units.create(UnitDraft(code="JD01", name="甲街道", kind="town"))
    yield s
    s.close()
    pg_support.drop(url)


def _names(services):
    return sorted(u.name for u in services.units.list())


def test_cli_backup_and_restore_of_a_server_database(server, tmp_path, capsys):
    url, data = server.paths.database_url, str(server.paths.root)
    assert main(["--database-url", url, "--data-dir", data, "backup"]) == 0
    out = capsys.readouterr().out
    dump = next(server.paths.backups.glob("manual-*.dump"))
    assert str(dump) in out and dump.read_bytes()[:5] == b"PGDMP"
    assert "password" not in out
    server.units.create(UnitDraft(code="JD02", name="乙街道", kind="town"))
    assert main(["--database-url", url, "--data-dir", data, "restore", str(dump)]) == 0
    out = capsys.readouterr().out
    assert "已从备份恢复" in out and "恢复前的数据库已保存为" in out
    server.invalidate()
    assert _names(server) == ["甲街道"]
    safety = next(server.paths.backups.glob("pre-restore-*.dump"))
    # the safety dump holds what was there before: restoring it brings 乙街道 back
    server.restore_from(safety)
    assert _names(server) == ["乙街道", "甲街道"]
    assert server.store.last_backup() is not None


def test_a_newer_schema_dump_and_a_sqlite_file_are_refused_untouched(server, tmp_path, capsys):
    url, data = server.paths.database_url, str(server.paths.root)
    with server.store.engine.begin() as con:
        con.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    newer = pg_backup.dump(url, tmp_path / "newer.dump")
    with server.store.engine.begin() as con:
        con.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": _head()})
    server.units.create(UnitDraft(code="JD03", name="丙街道", kind="town"))
    assert main(["--database-url", url, "--data-dir", data, "restore", str(newer)]) == 2
    err = capsys.readouterr().err
    assert "更新版本" in err and "9999" in err and "Traceback" not in err
    s = AppServices.open(DataPaths(tmp_path / "sq"))
    s.close()
    assert main(["--database-url", url, "--data-dir", data, "restore", str(tmp_path / "sq" / "hotline.db")]) == 2
    assert "不是 PostgreSQL 备份" in capsys.readouterr().err
    assert _names(server) == ["丙街道", "甲街道"]  # nothing changed
    assert not list(server.paths.backups.glob("pre-restore-*"))


def test_a_restore_tells_the_other_seats_to_reread(server, tmp_path):
    import threading

    from hotline_desktop.services.live import seat_listener

    dump = server.store.backup_manual()
    other = AppServices.open(DataPaths(tmp_path / "b", server.paths.database_url), lock=False, auto_backup=False)
    got = []
    listener = seat_listener(other)
    t = threading.Thread(target=listener.run, args=(got.extend,), daemon=True)
    t.start()
    try:
        assert listener.connected.wait(10)
        server.restore_from(dump)
        for _ in range(100):
            if got:
                break
            threading.Event().wait(0.05)
        assert RESYNC in got
    finally:
        listener.stop()
        t.join(5)
        other.close()


def _head():
    from hotline_desktop.db.engine import HEAD

    return HEAD
