"""Store faults (issue 7 items 4, 10, 11, 16): a full disk, an empty or truncated file, a newer
file with its -wal, a read-only folder. The operator is told what it is, in Chinese; nothing is
overwritten, nothing half-written is left behind."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.db import backup as bk
from hotline_desktop.db.engine import APPLICATION_ID, HEAD, DbState, StoreOpenError, inspect_database
from hotline_desktop.db.store import Store
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.errors import ServiceError, StoreWriteError

# SQLite files, their header, -wal and the instance lock (a server database: test_store_server.py)
pytestmark = pytest.mark.sqlite_only


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None


def make_db(paths):
    AppServices.open(paths).close()


def tiny_backup_disk(monkeypatch, pages=2):
    """The backup destination can hold only `pages` pages: SQLite reports 'database or disk is full'."""
    real = sqlite3.connect

    def connect(path, *a, **k):
        con = real(path, *a, **k)
        if ".part" in str(path):
            con.execute(f"PRAGMA max_page_count={pages}")
        return con

    monkeypatch.setattr(bk.sqlite3, "connect", connect)


# -- item 4: a full disk -------------------------------------------------------------------

def test_failed_auto_backup_warns_and_opens_leaving_no_partial_files(paths, monkeypatch):
    s = AppServices.open(paths)
    s.units.create(UnitDraft(code="A1", name="甲街道", kind=UnitKind.TOWN))
    s.close()
    for b in bk.list_backups(paths.backups):
        b.path.unlink()
    tiny_backup_disk(monkeypatch)
    s = AppServices.open(paths)
    try:
        assert [u.code for u in s.units.list()] == ["A1"]
        assert len(s.store.warnings) == 1 and "自动备份失败" in s.store.warnings[0]
        assert "磁盘已满" in s.store.warnings[0]
    finally:
        s.close()
    assert sorted(p.name for p in paths.backups.iterdir()) == []
    assert not [p for p in paths.root.rglob("*") if ".part" in p.name]


def test_cli_command_warns_once_on_stderr_and_still_works(paths, monkeypatch, capsys):
    from hotline_desktop.cli import main

    make_db(paths)
    for b in bk.list_backups(paths.backups):
        b.path.unlink()
    tiny_backup_disk(monkeypatch)
    out = paths.root / "units.xlsx"
    assert main(["--data-dir", str(paths.root), "export", "units", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("警告：今天的自动备份失败") and "磁盘已满" in err[0]
    assert out.exists()


def test_manual_backup_on_full_disk_is_a_chinese_exit_2(paths, monkeypatch, capsys):
    from hotline_desktop.cli import main

    make_db(paths)
    tiny_backup_disk(monkeypatch)
    assert main(["--data-dir", str(paths.root), "backup", "--out", str(paths.root / "b.db")]) == 2
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "备份没有完成" in err
    assert not [p for p in paths.root.rglob("*") if ".part" in p.name or p.name == "b.db"]


def test_failed_pre_upgrade_backup_refuses_to_upgrade(paths, monkeypatch):
    from hotline_desktop.db.engine import make_engine, upgrade

    paths.ensure()
    engine = make_engine(paths.database)
    upgrade(engine, "0001")
    engine.dispose()
    before = digest(paths.database)
    tiny_backup_disk(monkeypatch, pages=1)
    with pytest.raises(StoreOpenError, match="升级前的备份失败"):
        Store.open(paths)
    assert digest(paths.database) == before
    assert inspect_database(paths.database).state is DbState.OLDER


def test_edit_on_a_full_disk_is_one_chinese_store_write_error(services, failing_writes):
    services.units.create(UnitDraft(code="A1", name="甲街道", kind=UnitKind.TOWN))
    failing_writes(services.store)
    with pytest.raises(StoreWriteError) as exc:
        services.units.create(UnitDraft(code="A2", name="乙街道", kind=UnitKind.TOWN))
    assert isinstance(exc.value, ServiceError)
    assert "磁盘已满" in str(exc.value) and "修改没有保存" in str(exc.value) and str(services.store.paths.database) in str(exc.value)
    failing_writes.restore()
    assert [u.code for u in services.units.list()] == ["A1"]  # nothing half-applied
    services.units.create(UnitDraft(code="A3", name="丙街道", kind=UnitKind.TOWN))  # and it keeps working


@pytest.mark.parametrize("sqlite_text,needle", [
    ("attempt to write a readonly database", "只读"),
    ("database is locked", "占用"),
    ("disk I/O error", "读写出错"),
])
def test_other_write_failures_say_what_they_are(services, failing_writes, sqlite_text, needle):
    failing_writes(services.store, sqlite_text)
    with pytest.raises(StoreWriteError, match=needle):
        services.units.create(UnitDraft(code="A2", name="乙街道", kind=UnitKind.TOWN))


def test_real_sqlite_full_database_goes_the_same_way(services):
    """SQLite's max_page_count: the database cannot grow, as on a full disk."""
    store = services.store
    store.engine.dispose()
    pages = sqlite3.connect(store.paths.database).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(store.engine, "connect")
    def cap(con, _record):
        con.execute(f"PRAGMA max_page_count={pages}")

    drafts = [UnitDraft(code=f"S{i:04d}", name=f"社区{i}" + "长" * 40, kind=UnitKind.DEPARTMENT) for i in range(400)]
    with pytest.raises(StoreWriteError, match="磁盘已满"):
        services.units.create_many(drafts)
    assert services.units.list() == []


# -- item 10: an existing but empty or truncated file is damaged, not new -------------------

@pytest.mark.parametrize("cut", ["empty", "header", "half"])
def test_empty_or_truncated_database_is_refused_and_kept(paths, cut):
    s = AppServices.open(paths)
    s.units.create_many([UnitDraft(code=f"D{i:03d}", name=f"部门{i}" * 10, kind=UnitKind.DEPARTMENT) for i in range(300)])
    s.close()
    data = paths.database.read_bytes()
    body = {"empty": b"", "header": data[:60], "half": data[: len(data) // 2]}[cut]
    paths.database.write_bytes(body)
    before = digest(paths.database)
    with pytest.raises(StoreOpenError) as exc:
        Store.open(paths)
    assert "已损坏" in str(exc.value) and exc.value.can_restore
    assert digest(paths.database) == before
    assert not os.path.exists(f"{paths.database}-wal")


def test_restore_over_an_empty_file_moves_it_aside(paths):
    s = AppServices.open(paths)
    s.units.create(UnitDraft(code="A1", name="甲街道", kind=UnitKind.TOWN))
    backup = s.store.backup_manual()
    s.close()
    paths.database.write_bytes(b"")
    from hotline_desktop.db.store import restore_database

    safety = restore_database(paths, backup)
    assert safety is not None and safety.stat().st_size == 0
    s = AppServices.open(paths)
    assert [u.code for u in s.units.list()] == ["A1"]
    s.close()


def test_new_database_is_built_aside_and_renamed_in(paths, monkeypatch):
    """Killed while creating, there is no empty hotline.db left that the next start would refuse."""
    from hotline_desktop.db import store as store_mod

    def boom(engine, revision="head"):
        raise KeyboardInterrupt  # stands in for a kill between file creation and migration

    monkeypatch.setattr(store_mod, "upgrade", boom)
    with pytest.raises(KeyboardInterrupt):
        Store.open(paths)
    monkeypatch.undo()
    assert not paths.database.exists()
    make_db(paths)
    assert inspect_database(paths.database).state is DbState.CURRENT


# -- item 11: newer or foreign files are inspected without a single byte changed ------------

WAL_WRITER = """
import sqlite3, os, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute(f"PRAGMA application_id={sys.argv[2]}")
con.execute("CREATE TABLE IF NOT EXISTS alembic_version(version_num TEXT)")
con.execute("CREATE TABLE IF NOT EXISTS other(x)")
con.commit()
con.execute("DELETE FROM alembic_version")
con.execute("INSERT INTO alembic_version VALUES (?)", (sys.argv[3],))
con.execute("INSERT INTO other VALUES (1)")
con.commit()
os._exit(0)  # as if killed: -wal and -shm stay, the WAL is not checkpointed
"""


@pytest.mark.parametrize("app_id,revision,state", [
    (APPLICATION_ID, "9999", DbState.NEWER),
    (0, "x", DbState.FOREIGN),
])
def test_refused_file_and_its_wal_are_byte_identical_afterwards(paths, app_id, revision, state):
    paths.ensure()
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(paths.database), str(app_id), revision], check=True)
    files = [paths.database, paths.root / "hotline.db-wal", paths.root / "hotline.db-shm"]
    assert all(f.exists() for f in files)
    before = [digest(f) for f in files]
    assert inspect_database(paths.database).state is state
    with pytest.raises(StoreOpenError):
        Store.open(paths)
    assert [digest(f) for f in files] == before


def test_newer_revision_only_in_the_wal_is_still_seen(paths):
    """The version bump sits in the -wal only: reading the main file alone would call it current."""
    make_db(paths)
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(paths.database), str(APPLICATION_ID), "9999"], check=True)
    assert inspect_database(paths.database).state is DbState.NEWER


def test_inspecting_a_closed_current_database_creates_no_files(paths):
    make_db(paths)
    names = sorted(p.name for p in paths.root.iterdir())
    before = digest(paths.database)
    assert inspect_database(paths.database).state is DbState.CURRENT
    assert sorted(p.name for p in paths.root.iterdir()) == names and digest(paths.database) == before


# -- item 16: read-only / no permission is said as such, never "damaged" --------------------

def _deny(monkeypatch, target, mode_bits):
    real = os.access

    def access(path, mode, *a, **k):
        if os.fspath(path) == os.fspath(target) and mode & mode_bits:
            return False
        return real(path, mode, *a, **k)

    monkeypatch.setattr(os, "access", access)


def test_read_only_database_file_is_reported_as_read_only(paths, monkeypatch):
    make_db(paths)
    _deny(monkeypatch, paths.database, os.W_OK)
    with pytest.raises(StoreOpenError) as exc:
        Store.open(paths)
    msg = str(exc.value)
    assert "只读" in msg and str(paths.database) in msg and "损坏" not in msg
    assert exc.value.access_denied and not exc.value.can_restore


def test_unreadable_database_file_is_no_permission(paths, monkeypatch):
    make_db(paths)
    _deny(monkeypatch, paths.database, os.R_OK)
    with pytest.raises(StoreOpenError, match="无权限") as exc:
        Store.open(paths)
    assert "损坏" not in str(exc.value)


def test_read_only_data_folder_is_reported_as_read_only(paths, monkeypatch):
    make_db(paths)
    _deny(monkeypatch, paths.root, os.W_OK)
    with pytest.raises(StoreOpenError) as exc:
        Store.open(paths)
    assert "只读" in str(exc.value) and str(paths.root) in str(exc.value) and "损坏" not in str(exc.value)


def test_folder_that_refuses_files_is_named(paths, monkeypatch):
    import builtins
    import errno

    make_db(paths)
    real_open = builtins.open

    def ro_open(file, mode="r", *a, **k):
        if ".write-test-" in os.fspath(file):
            raise OSError(errno.EROFS, "Read-only file system", os.fspath(file))
        return real_open(file, mode, *a, **k)

    monkeypatch.setattr(builtins, "open", ro_open)
    with pytest.raises(StoreOpenError, match="只读"):
        Store.open(paths)


def test_cli_read_only_is_a_chinese_exit_2(paths, monkeypatch, capsys):
    from hotline_desktop.cli import main

    make_db(paths)
    _deny(monkeypatch, paths.database, os.W_OK)
    assert main(["--data-dir", str(paths.root), "export", "units", str(paths.root / "u.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "只读" in err and "损坏" not in err


def test_lone_wal_without_database_is_damaged_and_restorable(paths):
    s = AppServices.open(paths)
    s.units.create(UnitDraft(code="A1", name="甲街道", kind=UnitKind.TOWN))
    backup = s.store.backup_manual()
    s.close()
    paths.database.unlink()
    wal = paths.root / "hotline.db-wal"
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 28)
    with pytest.raises(StoreOpenError, match="已损坏") as exc:
        Store.open(paths)
    assert exc.value.can_restore and wal.exists() and not paths.database.exists()
    from hotline_desktop.db.store import restore_database

    safety = restore_database(paths, backup)
    assert Path(f"{safety}-wal").exists()
    s = AppServices.open(paths)
    assert [u.code for u in s.units.list()] == ["A1"]
    s.close()


def test_main_file_behind_its_wal_is_not_called_truncated(paths):
    """Found on a real full disk: a checkpoint that could not extend the file leaves the header
    counting one page more than the file holds; the database is the file plus its -wal."""
    make_db(paths)
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(paths.database), str(APPLICATION_ID), HEAD], check=True)
    data = bytearray(paths.database.read_bytes())
    pages = int.from_bytes(data[28:32], "big")
    data[28:32] = (pages + 1).to_bytes(4, "big")  # as a part-done checkpoint leaves it
    paths.database.write_bytes(bytes(data))
    assert inspect_database(paths.database).state is DbState.CURRENT
    Path(f"{paths.database}-wal").unlink()
    Path(f"{paths.database}-shm").unlink()
    insp = inspect_database(paths.database)
    assert insp.state is DbState.CORRUPT and "截断" in insp.detail


def _tiny_tmpfs(root, size="2m"):
    root.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(root)], capture_output=True)
    return r.returncode == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to mount a tmpfs")
def test_real_nearly_full_disk_end_to_end(tmp_path):
    """A real 2 MB disk: commands warn about the backup and keep working; a write that does not
    fit is refused in Chinese; after space is freed everything is there and the backup runs."""
    mnt = tmp_path / "mnt"
    if not _tiny_tmpfs(mnt):
        pytest.skip("cannot mount a tmpfs here")
    try:
        d = mnt / "data"
        cli = [sys.executable, "-m", "hotline_desktop.cli", "--data-dir", str(d)]

        def run(*args):
            return subprocess.run([*cli, *args], capture_output=True, text=True, timeout=120)

        assert run("scheme", "assign", "--year", "2026", "--scheme", "licheng-2020").returncode == 0
        for b in (d / "backups").iterdir():
            b.unlink()
        free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
        (mnt / "filler").write_bytes(b"\0" * (free - 60 * 1024))
        r = run("scheme", "list")
        assert r.returncode == 0 and "licheng-2020" in r.stdout
        assert r.stderr.count("\n") == 1 and "自动备份失败" in r.stderr and "磁盘已满" in r.stderr
        assert "Traceback" not in r.stderr
        assert not [p for p in d.rglob("*") if ".part" in p.name]
        r = run("scheme", "assign", "--year", "2025", "--scheme", "ganxian-2023-online")
        assert "Traceback" not in r.stderr and "损坏" not in r.stderr
        assigned_2025 = r.returncode == 0
        (mnt / "filler").unlink()
        r = run("scheme", "list")
        assert r.returncode == 0 and "损坏" not in r.stderr and r.stderr == ""
        assert ("2025 年" in r.stdout) == assigned_2025
        assert [p.name for p in (d / "backups").iterdir() if p.name.startswith("auto-")]
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_folder_names_with_uri_characters_open_and_inspect(tmp_path):
    """Inspection goes through file: URIs and the engine through a URL: '?', '#', '%', spaces and
    Chinese in the folder name are part of the path."""
    from hotline_desktop.paths import DataPaths

    paths = DataPaths(tmp_path / "数据 #1?x%20y")
    s = AppServices.open(paths)
    try:
        s.units.create(UnitDraft(code="A1", name="甲街道", kind=UnitKind.TOWN))
        assert inspect_database(paths.database).state is DbState.CURRENT  # live: -wal present, via a copy
    finally:
        s.close()
    assert sorted(p.name for p in paths.root.iterdir() if not p.name.startswith(".")) == ["backups", "hotline.db"]
    assert inspect_database(paths.database).state is DbState.CURRENT  # closed: immutable read
    s = AppServices.open(paths)
    assert [u.code for u in s.units.list()] == ["A1"]
    s.close()
