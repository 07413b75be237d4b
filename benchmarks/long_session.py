"""Memory in a long session: does the app grow with every edit? (prints figures; not a unit test)

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/long_session.py [--units 600 4000] [--edits 400]
        [--trace] [--trim] [--folder DIR]

For each size a data folder gets that many units and 12 months of ganxian-2023-hotline figures
(benchmarks/engine_targets.make_data), then a fresh process opens the main window with 排名 shown
and makes ``--edits`` edits of mixed kinds through the real paths, in rounds:

- 月度数据 shown: typed cells through the grid's proxy ``setData`` (undo command → store → engine),
  an undo and a redo, and every few rounds another month shown;
- 年度考核 shown: annual counts typed through ``commit_value`` (as the item form does) and an undo/redo;
- 排名 shown: another month view (or 全年), the rows caught up with what was typed elsewhere.

Each edit is followed by the events it queues (repaints included), as the event loop runs them.
Printed: RSS (VmRSS) after a warm-up (a few rounds, then every month view once) and every 100
edits, the growth per edit (MiB) from the warm-up on, wall and process CPU time. ``--trace`` also
diffs tracemalloc snapshots (warm-up vs end, top allocation sites; slows the run several times,
so its times are not comparable). The machine is shared: compare runs made back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET_MIB_PER_EDIT = 0.05
WARM_UP_ROUNDS = 3


def rss_mib(trim: bool = False) -> float:
    if trim:  # hand glibc's free heap back first: RSS then counts memory in use, not kept free
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmRSS")) / 1024


def child(folder: str, year: int, edits: int, trace: bool, trim: bool = False) -> dict:
    import gc
    import random
    import tracemalloc

    from PySide6.QtCore import QEventLoop, QTimer

    from hotline_desktop.gui.app import ensure_application  # installs gui/refguard, as the app does
    from hotline_desktop.gui.main_window import MainWindow
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices

    app = ensure_application()
    tick = QTimer()
    tick.start(5)  # bounds each blocking wait below

    def idle(seconds: float = 0.0) -> None:
        """Run the queued events (and, for `seconds`, the timers: counts, highlights) as app.exec() does."""
        app.processEvents()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    def wait_built(tab) -> None:
        end = time.perf_counter() + 120
        while getattr(tab, "building", False) and time.perf_counter() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    s = AppServices.open(DataPaths(Path(folder)), auto_backup=False)
    win = MainWindow(s, year=year, remember=False)
    win.resize(1366, 768)
    win.show()
    monthly, annual, ranking = win.page("monthly"), win.page("annual"), win.page("ranking")
    for tab in (annual, monthly, ranking):  # each opened once; the session goes on with 排名 shown
        win.tabs.setCurrentWidget(tab)
        wait_built(tab)
        idle(0.2)
    ys = win.year_scheme
    live = s.rankings.live(ys.id)
    months = list(live.result().months)
    rates = [i.key for i in live.scheme.monthly_inputs if i.kind == "rate"]
    counts = [i.key for i in live.scheme.annual_inputs if i.kind == "count"]
    units = s.assessment.participants(ys.id)
    rng = random.Random(11)
    done = [0]

    def other_than(current, pick) -> str:
        """A value that changes the cell (the folder may hold this seed's values from a run before)."""
        text = current.text if current is not None else None
        while (value := pick()) == text:
            pass
        return value

    def edited() -> None:
        done[0] += 1
        idle()

    def undo_redo(stack) -> None:
        for step in (stack.undo, stack.redo):
            step()
            edited()

    def monthly_round() -> None:
        win.tabs.setCurrentWidget(monthly)
        idle()
        if rng.random() < 0.3:
            monthly.set_month(rng.choice(months))
            idle()
        p = monthly.proxy
        for _ in range(4):
            col = monthly.model.column_of(rng.choice(rates))
            index = p.index(rng.randrange(p.rowCount()), col)
            monthly.table.scrollTo(index)
            src = p.mapToSource(index)
            current = monthly.model.cell(monthly.model.unit_at(src.row()).id, monthly.model.input_at(src.column()).key)
            p.setData(index, other_than(current, lambda: f"{rng.uniform(80, 100):.2f}"))
            edited()
        undo_redo(monthly.undo_stack)

    def annual_round() -> None:
        win.tabs.setCurrentWidget(annual)
        idle()
        for _ in range(2):
            u = rng.choice(units)
            annual.select_unit(u.id)
            key = rng.choice(counts)
            annual.commit_value(u.id, key, other_than(annual._cells.get((u.id, key)), lambda: str(rng.randrange(10))))
            edited()
        undo_redo(annual.undo_stack)

    def ranking_round() -> None:
        win.tabs.setCurrentWidget(ranking)
        idle()
        ranking.set_month(rng.choice([*months, None]))  # None: 全年
        idle(0.05)

    def round_() -> None:
        monthly_round()
        annual_round()
        ranking_round()

    for _ in range(WARM_UP_ROUNDS):
        round_()
    # every view the session will show, once: what a view keeps while shown (a month's grid, the
    # ranking of a month) is held from the first showing on, not grown by the edits
    for month in months:
        win.tabs.setCurrentWidget(monthly)
        monthly.set_month(month)
        idle()
        win.tabs.setCurrentWidget(ranking)
        ranking.set_month(month)
        idle()
    idle(0.5)
    gc.collect()
    warm_edits = done[0]
    if trace:
        tracemalloc.start(12)
        snap0 = tracemalloc.take_snapshot()
    samples = [(0, rss_mib(trim))]
    t0, c0 = time.perf_counter(), time.process_time()
    next_mark = 100
    while done[0] - warm_edits < edits:
        round_()
        n = done[0] - warm_edits
        if n >= next_mark:
            samples.append((n, rss_mib(trim)))
            next_mark += 100
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = done[0] - warm_edits
    idle(0.5)
    gc.collect()
    samples.append((n, rss_mib(trim)))
    out = {"samples": samples, "edits": n, "wall": wall, "cpu": cpu, "warm_edits": warm_edits,
           "undo": {t.key: t.undo_stack.count() for t in (monthly, annual)}}
    if trace:
        snap1 = tracemalloc.take_snapshot()
        stats = snap1.compare_to(snap0, "traceback")
        out["trace"] = [
            (st.size_diff / 1024, st.count_diff, "\n      ".join(st.traceback.format()[-8:]))
            for st in stats[:15]
        ]
    win.release()
    win.close()
    return out


def run(folder: Path, year: int, edits: int, trace: bool, trim: bool) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    code = ("import json, sys; sys.path.insert(0, 'benchmarks'); from long_session import child; "
            f"print('RESULT=' + json.dumps(child({str(folder)!r}, {year}, {edits}, {trace}, {trim})))")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=3600)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT=")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"long session failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return json.loads(line[len("RESULT="):])


def report(n_units: int, r: dict) -> None:
    samples = r["samples"]
    (_, first), (n_last, last) = samples[0], samples[-1]
    per = (last - first) / max(1, n_last)
    print(f"\n{n_units} units: {r['edits']} edits after a warm-up of {r['warm_edits']} "
          f"(undo steps kept: {r['undo']}, with the warm-up's)")
    for n, mib in samples:
        print(f"  after {n:>4} edits: RSS {mib:7.1f} MiB")
    verdict = "ok" if per <= TARGET_MIB_PER_EDIT else "GROWS"
    print(f"  growth: {last - first:+.1f} MiB = {per:+.4f} MiB per edit (target ≤ {TARGET_MIB_PER_EDIT}) {verdict}")
    print(f"  wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s ({r['wall'] / r['edits'] * 1000:.0f} / "
          f"{r['cpu'] / r['edits'] * 1000:.0f} ms per edit incl. tab switches and month views)")
    for kib, count, where in r.get("trace", []):
        print(f"  {kib:+9.1f} KiB {count:+7d} blocks\n      {where}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, nargs="+", default=[600, 4000])
    ap.add_argument("--edits", type=int, default=400)
    ap.add_argument("--trace", action="store_true", help="diff tracemalloc snapshots (slow)")
    ap.add_argument("--trim", action="store_true",
                    help="malloc_trim(0) before each RSS sample (memory in use, without glibc's free heap)")
    ap.add_argument("--folder", type=Path, help="keep the data folders here (reused when present)")
    args = ap.parse_args()
    from engine_targets import compile_package, make_data

    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.folder or Path(tmp)
        for n in args.units:
            folder = base / f"u{n}"
            marker = folder / ".year"
            if marker.exists():
                year = int(marker.read_text())
            else:
                t = time.perf_counter()
                year = make_data(folder, n)
                marker.write_text(str(year))
                print(f"{n} units: data made in {time.perf_counter() - t:.0f} s", flush=True)
            report(n, run(folder, year, args.edits, args.trace, args.trim))


if __name__ == "__main__":
    main()
