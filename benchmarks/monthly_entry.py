"""月度数据 tab benchmark (prints figures; not a unit test).

    .venv/bin/python benchmarks/monthly_entry.py [--units 600] [--edits 100] [--licheng]

600 units with 10 months of data, an offscreen MonthlyTab (three panes, proxy sorted by the
live rank column). Measured per edit, through the GUI path (proxy.setData → undo command →
``set_values`` → cell update → engine → live columns): p50 / p95 (target: instant, ≤ 30 ms);
a 20×5 paste; undo of that paste; opening a month (model load).
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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from live_ranking import _drafts, _pct  # noqa: E402

from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402
from hotline_desktop.services.demo_data import fill_demo_year  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--licheng", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--sort-rank", action="store_true", help="sort the grid by the live rank column")
    args = ap.parse_args()
    from hotline_desktop.gui.app import ensure_application
    from hotline_desktop.gui.monthly.tab import MonthlyTab

    app = ensure_application()  # installs gui/refguard (PySide6 6.12 on Python 3.11) first
    scheme, year = ("licheng-2020", 2025) if args.licheng else ("ganxian-2023-hotline", 2026)
    with tempfile.TemporaryDirectory() as tmp:
        s = AppServices.open(DataPaths(Path(tmp) / "data"), auto_backup=False)
        s.units.create_many(_drafts(args.units))
        fill_demo_year(s.assessment, year, scheme, 10)
        ys = s.assessment.find(year, scheme)
        s.rankings.live(ys.id)
        tab = MonthlyTab(s)
        tab.resize(1366, 700)
        tab.set_year(year)
        t0 = time.perf_counter()
        tab.set_year_scheme(ys)
        tab.show()
        app.processEvents()
        load = time.perf_counter() - t0
        if args.sort_rank:
            tab.sort_by_column(tab.model.first_live_column + (1 if not args.licheng else 4))
        m, p = tab.model, tab.proxy
        rate_key = "satisfaction_rate"
        col = m.column_of(rate_key)
        rnd = random.Random(1)
        times, cpus = [], []  # wall and process CPU of each edit
        if args.profile:
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
        for _ in range(args.edits):
            r = rnd.randrange(p.rowCount())
            t, c = time.perf_counter(), time.process_time()
            p.setData(p.index(r, col), str(rnd.randint(60, 100)))
            app.processEvents()
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        if args.profile:
            prof.disable()
            import pstats
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        tab.table.selectionModel().setCurrentIndex(p.index(0, m.column_of("volume")),
                                                   tab.table.selectionModel().SelectionFlag.ClearAndSelect)
        block = "\n".join("\t".join(str(rnd.randint(1, 50)) for _ in range(5)) for _ in range(20))
        t = time.perf_counter()
        tab.paste_text(block)
        app.processEvents()
        paste = time.perf_counter() - t
        t = time.perf_counter()
        tab.undo_stack.undo()
        app.processEvents()
        undo = time.perf_counter() - t
        print(f"{scheme}: {m.rowCount()} units × {len(m.inputs)} inputs, month {tab.month}")
        print(f"  open month (load + layout): {load * 1000:7.1f} ms")
        print(f"  one edit via the grid: p50 {statistics.median(times) * 1000:6.2f} ms, "
              f"p95 {_pct(times, 95) * 1000:6.2f} ms, max {max(times) * 1000:6.2f} ms; "
              f"CPU p50 {statistics.median(cpus) * 1000:6.2f} ms, p95 {_pct(cpus, 95) * 1000:6.2f} ms")
        print(f"  paste 20×5: {paste * 1000:7.1f} ms; undo it: {undo * 1000:7.1f} ms")
        tab.shutdown()
        s.close()


if __name__ == "__main__":
    main()
