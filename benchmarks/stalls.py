"""Committed monthly edits, one by one: how long each commit takes, before and after the WAL
checkpoint moved into a thread (db/checkpointer.py). Prints figures; not a unit test.

    .venv/bin/python benchmarks/stalls.py [--units 600] [--edits 2000] [--gap-ms 0] [--runs 1]

A data folder gets that many units and 12 months of ganxian-2023-hotline figures (this year;
made once, kept in the temp folder), then for "before" (HOTLINE_CHECKPOINTER=0: SQLite's
automatic checkpoint inside the commit, as the app did) and "after" (the thread) a fresh copy
of it is opened in a fresh process, which stores `--edits` single-cell monthly edits through
`AssessmentService.set_values` (each its own transaction, as a typed cell is), `--gap-ms`
apart, timing each call (after 20 untimed ones that load the scheme). Printed per mode: p50 / p95 / p99 / max in ms, the edits over 50 ms,
the most voluntary context switches of one edit (fsync waits; the old checkpoint edit had
130–290), the largest -wal seen and the checkpointer's own counts.

The machine is shared: compare runs made back to back, and read the tail (p99, max, > 50 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SCHEME = "ganxian-2023-hotline"
SLOW_MS = 50.0
WARM_UP = 20


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))]


def base_folder(units: int) -> Path:
    """The data folder to copy (made once per size: units and 12 months of figures)."""
    from startup import make_data

    folder = Path(tempfile.gettempdir()) / f"hotline-stalls-{units}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        t = time.perf_counter()
        make_data(folder, units, months=12)
        done.write_text("ok")
        print(f"(data folder of {units} units made in {time.perf_counter() - t:.0f} s: {folder})", flush=True)
    return folder


def child(folder: str, edits: int, gap_ms: float) -> dict:
    import random
    from datetime import date

    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.assessment import CellEdit, month_keys

    paths = DataPaths(Path(folder))
    s = AppServices.open(paths, auto_backup=False)
    year = date.today().year
    ys = s.assessment.find(year, SCHEME)
    units = s.assessment.participants(ys.id)
    rates = [i.key for i in s.assessment.scheme(ys.id).monthly_inputs if i.kind == "rate"]
    months = month_keys(year)
    wal = Path(f"{paths.database}-wal")
    rng = random.Random(7)

    def edit() -> CellEdit:
        return CellEdit(rng.choice(units).id, rng.choice(months), rng.choice(rates), f"{rng.uniform(85, 100):.2f}")

    for _ in range(WARM_UP):  # the first edits load the scheme and fill caches: not timed
        s.assessment.set_values(ys.id, [edit()])
    times, switches, wal_max = [], [], 0
    for _ in range(edits):
        one = edit()
        ru = resource.getrusage(resource.RUSAGE_THREAD)
        t = time.perf_counter()
        s.assessment.set_values(ys.id, [one])
        times.append((time.perf_counter() - t) * 1000)
        switches.append(resource.getrusage(resource.RUSAGE_THREAD).ru_nvcsw - ru.ru_nvcsw)
        wal_max = max(wal_max, wal.stat().st_size if wal.exists() else 0)
        if gap_ms:
            time.sleep(gap_ms / 1000)
    cp = s.store.checkpointer
    counts = {"runs": cp.runs, "truncations": cp.truncations, "failures": cp.failures} if cp else None
    s.close()
    return {"ms": times, "switches": switches, "wal_max": wal_max, "checkpointer": counts,
            "wal_after_close": wal.stat().st_size if wal.exists() else None}


def run(base: Path, mode: str, edits: int, gap_ms: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="hotline-stalls-") as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(base, folder)
        if hasattr(os, "sync"):  # the copy's pages on disk: the first fsync must not write them all
            os.sync()
        env = dict(os.environ, HOTLINE_CHECKPOINTER="1" if mode == "after" else "0")
        out = subprocess.run([sys.executable, __file__, "--child", str(folder), str(edits), str(gap_ms)],
                             env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            raise SystemExit(f"{mode} failed (rc={out.returncode}):\n{out.stdout}\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])


def report(mode: str, r: dict) -> str:
    ms = r["ms"]
    slow = sum(1 for x in ms if x > SLOW_MS)
    cp = r["checkpointer"]
    extra = (f"  checkpoints {cp['runs']} (emptying the -wal {cp['truncations']}, failed {cp['failures']})"
             if cp else "  (SQLite's automatic checkpoint in the commit)")
    return (f"{mode:<7}{_pct(ms, 50):8.1f}{_pct(ms, 95):8.1f}{_pct(ms, 99):8.1f}{max(ms):8.1f}{slow:8d}"
            f"{max(r['switches']):9d}{r['wal_max'] / 2**20:9.1f}" + extra)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--edits", type=int, default=2000)
    ap.add_argument("--gap-ms", type=float, default=0.0, help="pause between edits (0: back to back)")
    ap.add_argument("--runs", type=int, default=1, help="before/after pairs, run alternately")
    ap.add_argument("--child", nargs=3, metavar=("FOLDER", "EDITS", "GAP"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        folder, edits, gap = args.child
        print(json.dumps(child(folder, int(edits), float(gap))))
        return
    base = base_folder(args.units)
    print(f"{args.edits} committed monthly edits (set_values, one cell each), {args.units} units, "
          f"gap {args.gap_ms:g} ms; times in ms")
    print(f"{'':<7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'>50ms':>8}{'max csw':>9}{'wal MB':>9}")
    for _ in range(args.runs):
        for mode in ("before", "after"):
            print(report(mode, run(base, mode, args.edits, args.gap_ms)), flush=True)


if __name__ == "__main__":
    main()
