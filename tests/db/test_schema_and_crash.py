import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from hotline_desktop.db.engine import make_engine, upgrade
from hotline_desktop.db.models import Base


def test_models_match_migrations(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(tmp_path / "x.db")
    upgrade(engine)
    with engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    # server defaults are compared loosely by alembic; anything structural must match.
    # kb_fts is an FTS5 virtual table (and its shadow tables): created by migration 0005, no model.
    def fts(d) -> bool:
        return d[0] == "remove_table" and d[1].name.startswith("kb_fts")

    assert [d for d in diff if d[0] not in ("modify_default",) and not fts(d)] == []


BURST = r"""
import sys
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.core.domain import UnitDraft
s = AppServices.open(DataPaths(sys.argv[1]), auto_backup=False)
i = 0
while True:
    i += 1
    code = f"K{i:05d}"
    row = s.units.create(UnitDraft(code=code, name=f"单位{i}", kind="community"))
    s.units.update(row.id, UnitDraft(code=code, name=f"单位{i}改", kind="community", phone="13812345678"))
    print(code, flush=True)
"""


def test_sigkill_mid_burst_loses_no_committed_edit(tmp_path):
    data = tmp_path / "d"
    proc = subprocess.Popen([sys.executable, "-c", BURST, str(data)], stdout=subprocess.PIPE, text=True)
    committed = []
    deadline = time.time() + 60
    while len(committed) < 150 and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(committed) >= 150
    con = sqlite3.connect(data / "hotline.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = dict(con.execute("SELECT code, name FROM units"))
    for code in committed:  # every edit reported as committed is there, including its update
        assert names[code] == f"单位{int(code[1:])}改"
    audit = con.execute("SELECT count(*) FROM audit_log WHERE action='update'").fetchone()[0]
    assert audit >= 2 * len(committed)  # name + phone per update
    json.dumps(committed)
