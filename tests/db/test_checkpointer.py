"""The WAL checkpoint runs in a thread (db/checkpointer.py), not inside a commit on the GUI
thread: the operator's typing no longer stalls every few hundred edits, and the -wal stays
bounded, loses nothing on a kill, is empty after a clean close, and its failures stay in the log."""

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.db import checkpointer as ckpt
from hotline_desktop.db.store import Store
from hotline_desktop.services.app import AppServices

pytestmark = pytest.mark.sqlite_only


def wal(paths) -> Path:
    return Path(f"{paths.database}-wal")


def wal_size(paths) -> int:
    return wal(paths).stat().st_size if wal(paths).exists() else 0


def until(check, what: str, seconds: float = 30.0) -> None:
    """Wait for the thread to get somewhere (a deadline against hanging, not a timing)."""
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, f"never happened: {what}"
        time.sleep(0.02)


def autocheckpoint(store) -> int:
    with store.engine.connect() as con:
        return con.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()


def units(services, n: int) -> list:
    return services.units.create_many(
        [UnitDraft(code=f"U{i:03d}", name=f"单位{i}", kind=UnitKind.DEPARTMENT) for i in range(n)])


def rename(services, unit, i: int) -> None:
    services.units.update(unit.id, UnitDraft(code=unit.code, name=f"单位{i}号", kind=UnitKind.DEPARTMENT))


def test_commits_do_not_checkpoint_and_the_thread_does_even_after_a_restore(services):
    store = services.store
    assert autocheckpoint(store) == 0  # SQLite's default (1000) checkpoints inside the commit
    assert store.checkpointer is not None and store.checkpointer.alive
    backup = store.backup_manual()
    services.restore_from(backup)
    assert autocheckpoint(store) == 0
    assert store.checkpointer is not None and store.checkpointer.alive


def test_the_wal_stays_bounded_over_2000_edits(services, paths):
    rows = units(services, 20)
    db_before = paths.database.stat().st_size
    largest = 0
    for i in range(2000):
        rename(services, rows[i % len(rows)], i)
        largest = max(largest, wal_size(paths))
    cp = services.store.checkpointer
    # the WAL was copied into the database while editing, by the thread (the edits write some
    # 25 MB of WAL: uncopied, it would not have started again from its beginning)
    assert cp.runs > 0 and cp.failures == 0
    assert paths.database.stat().st_size > db_before
    assert largest < 2 * ckpt.WAL_BYTES


CHILD = r"""
import sys
from hotline_desktop.db import checkpointer
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.core.domain import UnitDraft
checkpointer.WAL_BYTES = 64 * 1024  # checkpoints every few edits: the kill lands among them
s = AppServices.open(DataPaths(sys.argv[1]), auto_backup=False)
for i in range(2000):
    code = f"K{i:05d}"
    s.units.create(UnitDraft(code=code, name=f"单位{i}", kind="community"))
    print(code, s.store.checkpointer.truncations, flush=True)
"""


def test_sigkill_among_checkpoints_loses_no_committed_edit(tmp_path):
    data = tmp_path / "d"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data)], stdout=subprocess.PIPE, text=True)
    committed, truncations = [], 0
    deadline = time.monotonic() + 120
    while (len(committed) < 1000 or truncations < 3) and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        code, n = line.split()
        committed.append(code)
        truncations = int(n)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(committed) >= 1000 and truncations >= 3  # killed mid-run, after the thread had worked
    assert Path(f"{data / 'hotline.db'}-wal").exists()  # not a clean close
    con = sqlite3.connect(data / "hotline.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in con.execute("SELECT code FROM units")}
    finally:
        con.close()
    assert set(committed) <= stored


def test_clean_close_leaves_no_wal_even_beside_another_window(paths):
    first = AppServices.open(paths)
    other = AppServices.open(paths, lock=False, auto_backup=False)  # a second process on the file
    try:
        rows = units(first, 5)
        for i in range(50):
            rename(first, rows[i % 5], i)
        assert wal_size(paths) > 0
        first.close()
        assert wal_size(paths) == 0  # emptied, though `other` still has the file open
        assert {u.code for u in other.units.list()} == {r.code for r in rows}
        rename(other, rows[0], 99)
    finally:
        other.close()
    assert wal_size(paths) == 0
    reopened = Store.open(paths, auto_backup=False)
    try:
        assert reopened.checkpointer.alive
    finally:
        reopened.close()
    assert not wal(paths).exists() or wal_size(paths) == 0


@pytest.fixture
def quick(monkeypatch):
    """A thread that checkpoints soon after a commit and retries soon after a failure."""
    monkeypatch.setattr(ckpt, "IDLE_SECONDS", 0.5)
    monkeypatch.setattr(ckpt, "RETRY_SECONDS", 0.1)


def test_a_busy_checkpoint_is_retried_and_never_reaches_the_app(quick, services, paths):
    """Another connection's RESTART checkpoint holds the checkpoint lock while a reader keeps it
    waiting: the thread's PASSIVE meets SQLITE_BUSY, and carries on once it is gone."""
    rows = units(services, 3)
    cp = services.store.checkpointer
    until(lambda: not cp.pending, "the first checkpoint")
    runs = cp.runs
    rename(services, rows[0], 1)  # something to copy (the thread waits 0.5 s for more commits)
    reader = sqlite3.connect(paths.database, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM units").fetchone()
    holder = sqlite3.connect(paths.database, isolation_level=None, timeout=30, check_same_thread=False)
    restart = threading.Thread(target=lambda: holder.execute("PRAGMA wal_checkpoint(RESTART)").fetchone())
    restart.start()
    try:
        until(lambda: cp.failures > 0, "the busy checkpoint")
        assert cp.last_error == "SQLITE_BUSY" and cp.alive and cp.runs == runs
    finally:
        reader.execute("COMMIT")
        reader.close()
        restart.join()
        holder.close()
    rename(services, rows[1], 2)  # the app goes on
    until(lambda: cp.runs > runs and not cp.pending, "a checkpoint after the busy one")
    services.close()
    assert wal_size(paths) == 0


class FullDisk:
    """The thread's connection: every checkpoint fails as on a full disk (SQLITE_FULL)."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, *a):
        if "wal_checkpoint" in sql:
            raise sqlite3.OperationalError("database or disk is full")
        return self.con.execute(sql, *a)

    def close(self):
        self.con.close()


def test_full_disk_and_os_errors_are_logged_and_retried_never_raised(quick, paths, monkeypatch, caplog):
    real_connect, real_stat = ckpt.sqlite3.connect, os.stat

    def in_thread() -> bool:
        return threading.current_thread().name == "hotline-checkpoint"

    def connect(*a, **k):
        con = real_connect(*a, **k)
        return FullDisk(con) if in_thread() else con

    def stat(p, *a, **k):
        if in_thread() and str(p).endswith("-wal"):
            raise OSError(errno.EIO, "Input/output error", str(p))
        return real_stat(p, *a, **k)

    monkeypatch.setattr(ckpt.sqlite3, "connect", connect)
    services = AppServices.open(paths)
    try:
        rows = units(services, 3)  # the app's own writes go on
        cp = services.store.checkpointer
        until(lambda: cp.failures >= 2, "failed checkpoints on a full disk")
        assert "disk is full" in cp.last_error
        monkeypatch.setattr(ckpt.os, "stat", stat)
        failures = cp.failures
        rename(services, rows[1], 1)
        until(lambda: cp.failures > failures and "Input/output" in cp.last_error, "a failed stat of the -wal")
        assert cp.alive and cp.runs == 0 and cp.pending
        assert any("WAL 检查点失败" in r.getMessage() for r in caplog.records)
        monkeypatch.undo()  # the disk has room again
        until(lambda: cp.runs > 0 and not cp.pending, "a checkpoint once the disk is back")
        assert {u.name for u in services.units.list()} == {"单位0", "单位1号", "单位2"}
    finally:
        services.close()
    assert wal_size(paths) == 0
