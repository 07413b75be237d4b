"""Optimistic concurrency on the edit path (prints figures; not a unit test).

    .venv/bin/python benchmarks/seat_edits.py [--units 600] [--edits 500] [--database-url URL-of-an-empty-db]

Two seats on one database (SQLite file, or a server database with --database-url). Seat A types
single cells through `set_values`, each naming the version it read (the checked path a typed
cell takes); then seat B, holding stale versions, is refused on every cell (ConflictError with
the audit look-up). Reports wall p50 / p95 per edit and process CPU per edit for both, and
that no refused edit changed anything.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline_desktop.core.domain import UnitDraft  # noqa: E402
from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402
from hotline_desktop.services.assessment import CellEdit  # noqa: E402
from hotline_desktop.services.errors import ConflictError  # noqa: E402


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--edits", type=int, default=500)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="seat-edits-"))
    a = AppServices.open(DataPaths(tmp / "a", args.database_url), auto_backup=False)
    b = AppServices.open(DataPaths(tmp / "a" if args.database_url is None else tmp / "b", args.database_url),
                         lock=False, auto_backup=False)
    try:
        a.store.set_operator("seat-a")
        b.store.set_operator("seat-b")
        a.units.create_many([UnitDraft(code=f"T{i:04d}", name=f"单位{i}", kind="town") for i in range(args.units)])
        ys = a.assessment.assign(2026, "ganxian-2023-hotline").id
        ids = [u.id for u in a.units.list()]
        month = "2026-03"
        a.assessment.set_values(ys, [CellEdit(u, month, "volume", "10") for u in ids])
        stale = b.assessment.monthly_versions(ys, month)  # seat B reads, then A edits every cell it will touch
        rnd = random.Random(7)
        cells = [rnd.choice(ids) for _ in range(args.edits)]
        versions = a.assessment.monthly_versions(ys, month)
        wall, cpu = [], []
        for i, u in enumerate(cells):
            c0, t0 = time.process_time(), time.perf_counter()
            ch = a.assessment.set_values(ys, [CellEdit(u, month, "volume", str(20 + i), versions[(u, "volume")])])
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            versions[(u, "volume")] = ch[0].version
        u_wall, u_cpu = [], []
        for i, u in enumerate(cells):  # the same edits unchecked (version None: imports, the old path)
            c0, t0 = time.process_time(), time.perf_counter()
            a.assessment.set_values(ys, [CellEdit(u, month, "volume", str(5000 + i))])
            u_wall.append(time.perf_counter() - t0)
            u_cpu.append(time.process_time() - c0)
        before = a.assessment.monthly_texts(ys, month)
        r_wall, r_cpu, refused = [], [], 0
        for u in sorted(set(cells)):
            c0, t0 = time.process_time(), time.perf_counter()
            try:
                b.assessment.set_values(ys, [CellEdit(u, month, "volume", "999", stale[(u, "volume")])])
            except ConflictError:
                refused += 1
            r_wall.append(time.perf_counter() - t0)
            r_cpu.append(time.process_time() - c0)
        assert a.assessment.monthly_texts(ys, month) == before, "a refused edit changed something"
        where = "server" if args.database_url else "SQLite"
        print(f"{where}: {args.units} units, {args.edits} checked single-cell edits by seat A")
        print(f"  checked edit: wall p50 {statistics.median(wall) * 1000:6.2f} ms, p95 {_pct(wall, 95) * 1000:6.2f} ms; "
              f"CPU {statistics.mean(cpu) * 1000:6.2f} ms/edit")
        print(f"  unchecked edit: wall p50 {statistics.median(u_wall) * 1000:6.2f} ms, "
              f"p95 {_pct(u_wall, 95) * 1000:6.2f} ms; CPU {statistics.mean(u_cpu) * 1000:6.2f} ms/edit")
        print(f"  stale edit refused ({refused}/{len(set(cells))}): wall p50 {statistics.median(r_wall) * 1000:6.2f} ms, "
              f"p95 {_pct(r_wall, 95) * 1000:6.2f} ms; CPU {statistics.mean(r_cpu) * 1000:6.2f} ms/edit; nothing changed")
        print(f"  load average {os.getloadavg()[0]:.1f}")
    finally:
        b.close()
        a.close()


if __name__ == "__main__":
    main()
