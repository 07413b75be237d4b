"""scripts/pg.sh: a throwaway cluster in its own folder, started and stopped idempotently."""

import shutil
import subprocess
import sys
from pathlib import Path

import pg_support
import pytest
from sqlalchemy import create_engine, text

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg.sh"

pytestmark = pytest.mark.skipif(not pg_support.server_url() or not shutil.which("bash") or sys.platform == "win32",
                                reason="no PostgreSQL on this machine")


def pg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_start_is_idempotent_prints_a_working_url_and_stop_removes_the_folder(tmp_path_factory):
    folder = Path(f"/tmp/hotline-pg-selftest-{tmp_path_factory.getbasetemp().name}")
    try:
        first = pg("start", str(folder))
        assert first.returncode == 0, first.stderr
        url = first.stdout.strip()
        assert url.startswith("postgresql+psycopg://postgres@/hotline_test?host=" + str(folder) + "&port=")
        assert pg("start", str(folder)).stdout.strip() == url  # already running: the same cluster
        assert pg("url", str(folder)).stdout.strip() == url
        engine = create_engine(url)
        with engine.connect() as con:
            assert con.execute(text("SELECT current_database()")).scalar() == "hotline_test"
        engine.dispose()
    finally:
        assert pg("stop", str(folder)).returncode == 0
    assert not folder.exists()
    assert pg("stop", str(folder)).returncode == 0  # nothing left to stop: fine
    gone = pg("url", str(folder))
    assert gone.returncode == 1 and "no cluster running" in gone.stderr
