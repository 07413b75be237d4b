"""`demo --force` is all or nothing (issue 7 item 9): killed at any moment, the data folder holds
either the old database or the whole demo, never a mix."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.demo import BUILD_FOLDER, create_demo


def units_and_values(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        codes = {r[0] for r in con.execute("SELECT code FROM units")}
        values = con.execute("SELECT count(*) FROM monthly_values").fetchone()[0]
        years = con.execute("SELECT count(*) FROM year_schemes").fetchone()[0]
    finally:
        con.close()
    return codes, values, years


@pytest.fixture(scope="module")
def full_demo(tmp_path_factory):
    d = DataPaths(tmp_path_factory.mktemp("full") / "data")
    s = AppServices.open(d)
    create_demo(s)
    s.close()
    return units_and_values(d.database)


def old_folder(root):
    paths = DataPaths(root)
    s = AppServices.open(paths)
    s.units.create(UnitDraft(code="OLD1", name="原有街道", kind=UnitKind.TOWN))
    s.close()
    return paths


def _build_has_values(paths) -> bool:
    db = paths.root / BUILD_FOLDER / "hotline.db"
    if not db.exists():
        return False
    try:
        con = sqlite3.connect(db, timeout=0.1)
        try:
            return con.execute("SELECT count(*) FROM monthly_values").fetchone()[0] > 0
        finally:
            con.close()
    except sqlite3.Error:
        return False


@pytest.mark.parametrize("when", ["figures-being-written", 1.2, 2.0])
def test_sigkill_midway_leaves_old_or_full_demo(tmp_path, full_demo, when):
    paths = old_folder(tmp_path / "data")
    old = units_and_values(paths.database)
    p = subprocess.Popen([sys.executable, "-m", "hotline_desktop.cli", "--data-dir", str(paths.root), "demo", "--force"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if when == "figures-being-written":  # surely midway: the demo's units and part of its figures exist
        deadline = time.monotonic() + 60
        while not _build_has_values(paths) and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert p.poll() is None, "the demo finished before it could be killed midway"
    else:
        time.sleep(when)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    now = units_and_values(paths.database)
    assert now in (old, full_demo), (when, len(now[0]), now[1:])
    if when == "figures-being-written":
        assert now == old
    AppServices.open(paths).close()  # and it opens as usual


def test_demo_force_replaces_everything_and_keeps_a_backup(tmp_path, full_demo):
    paths = old_folder(tmp_path / "data")
    leftover = paths.root / BUILD_FOLDER  # as a killed earlier run leaves it
    leftover.mkdir()
    (leftover / "hotline.db").write_bytes(b"half a demo")
    s = AppServices.open(paths)
    try:
        resets = []
        s.units.changed.connect(lambda *a: resets.append(a))
        summary = create_demo(s, force=True)
        assert summary.backup is not None and summary.backup.exists()
        assert "OLD1" in units_and_values(summary.backup)[0]
        assert {u.code for u in s.units.list()} == full_demo[0]  # the live services see the new file
        assert resets
        ys = s.assessment.assignments()
        assert len(ys) == full_demo[2]
        assert s.evidence.list(ys[0].id) or s.evidence.list(ys[-1].id)
    finally:
        s.close()
    assert units_and_values(paths.database) == full_demo
    assert not leftover.exists()


def test_demo_refused_without_force_changes_nothing(tmp_path):
    from hotline_desktop.services.errors import ServiceError

    paths = old_folder(tmp_path / "data")
    s = AppServices.open(paths)
    try:
        with pytest.raises(ServiceError, match="--force"):
            create_demo(s)
        assert [u.code for u in s.units.list()] == ["OLD1"]
    finally:
        s.close()
