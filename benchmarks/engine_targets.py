"""Every target of issue 8 in one table, for 600 and 4,000 units (prints figures; not a unit test).

    .venv/bin/python benchmarks/engine_targets.py [--units 600 4000] [--edits 60] [--runs 3]

For each size a data folder gets that many units and 12 months of ganxian-2023-hotline figures
(this year), then fresh processes measure, each until the paint has happened (paint events
counted on the view's viewport):

- full recompute of 12 months from the loaded columns (``engine.recompute()``);
- a committed monthly edit (``assessment.set_values``) → 排名 view repainted, in the 全年 view
  and in a month view;
- a typed monthly cell (the grid's proxy ``setData`` → undo command → store → engine) → the
  月度数据 grid repainted;
- first open of 排名 (engine built in its worker, 正在计算…) → table painted;
- cold start to the painted main window, then 排名 painted, and the peak RSS with 排名 open;
- ranking export of a month view to xlsx and PDF.

Medians and p95 are printed beside the targets and the previous engine's figures as issue 8
quotes them (measured on a loaded machine too). The machine is shared: read the figures as
shapes, and compare runs made back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SCHEME = "ganxian-2023-hotline"

# (key, label, target 600, target 4000, previous 600, previous 4000) — previous: issue 8's figures
ROWS = [
    ("recompute", "full recompute, 12 months, from loaded columns", 10, 50, "85–120 (1,000 units)", "—"),
    ("edit_year", "edit → 排名 repainted (全年), p95", 16, 16, "p95 ≈ 100 (p50 ≈ 60)", "p95 97–135 (no paint)"),
    ("edit_month", "edit → 排名 repainted (month view), p95", 16, 16, "p95 ≈ 100 (p50 ≈ 60)", "—"),
    ("typed", "typed monthly cell → stored, rescored, repainted, p95", 16, 33, "p95 31", "p95 435"),
    ("first_open", "first open of 排名 to a painted table", 300, 1000, "1,700–2,900", "10,000–13,000"),
    ("cold_window", "cold start to a painted window", None, None, "760–940 (units tab)", "—"),
    ("cold_ranking", "cold start, then 排名 painted", 1500, 2500, "—", "—"),
    ("export_xlsx", "ranking export, month view: xlsx", 500, 3000, "530–810 (year view)", "—"),
    ("export_pdf", "ranking export, month view: PDF", 1000, 5000, "760–980 (year view)", "30,000"),
    ("rss_window", "peak RSS at the painted window, before 排名 (MiB)", None, None, "—", "—"),
    ("rss", "peak RSS with 排名 open (MiB)", 200, 300, "—", "726"),
]


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))]


# ---------------------------------------------------------------------------- data


def make_data(folder: Path, n: int) -> int:
    from startup import make_data as fill

    fill(folder, n, months=12)
    from datetime import date

    return date.today().year


# ---------------------------------------------------------------------------- child: in-process rows


class _Paints:
    """Counts paint events of a widget (a view's viewport)."""

    def __init__(self, widget):
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def __init__(self):
                super().__init__()
                self.count = 0

            def eventFilter(self, _obj, event):  # noqa: N802 - Qt API
                if event.type() == QEvent.Type.Paint:
                    self.count += 1
                return False

        self.filter = Filter()
        widget.installEventFilter(self.filter)

    @property
    def count(self) -> int:
        return self.filter.count


NO_PAINT = 0.25  # an edit that changes nothing on screen: no paint comes (counted, not timed)


def _until_painted(app, paints: _Paints, before: int, timeout: float = 5.0) -> float | None:
    """Process events until the widget has painted again; returns the time it happened, or
    ``None`` when nothing was painted within ``timeout``."""
    end = time.perf_counter() + timeout
    while paints.count == before:
        if time.perf_counter() > end:
            return None
        app.processEvents()
    return time.perf_counter()


def child(folder: str, year: int, edits: int) -> dict:
    import random

    from PySide6.QtWidgets import QApplication

    from hotline_desktop.gui.app import ensure_application
    from hotline_desktop.gui.monthly_tab import MonthlyTab
    from hotline_desktop.gui.ranking_tab import RankingTab
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.assessment import CellEdit
    from hotline_desktop.services.ranking_export import export_ranking

    app = ensure_application()  # installs gui/refguard (PySide6 6.12 on Python 3.11), as the app does
    assert QApplication.instance() is app
    s = AppServices.open(DataPaths(Path(folder)), auto_backup=False)
    ys = s.assessment.find(year, SCHEME)
    out: dict[str, list[float]] = {}
    unseen: dict[str, int] = {}  # edits after which nothing on screen changed (no paint)
    out["unseen"] = unseen  # type: ignore[assignment]
    rng = random.Random(7)

    # first open of 排名: engine built in the tab's worker, then the table painted
    tab = RankingTab(s)
    tab.resize(1366, 700)
    tab.set_year(year)
    tab.show()
    app.processEvents()
    paints = _Paints(tab.table.viewport())  # hidden behind 正在计算… until the rows are there
    before = paints.count
    t0 = time.perf_counter()
    tab.set_year_scheme(ys)
    while (tab.model.rowCount() == 0 or paints.count == before) and time.perf_counter() - t0 < 60:
        app.processEvents()
    out["first_open"] = [time.perf_counter() - t0]

    live = s.rankings.live(ys.id)
    out["recompute"] = []
    for _ in range(5):
        t = time.perf_counter()
        live.engine.recompute()
        out["recompute"].append(time.perf_counter() - t)
    tab.reload()  # the recompute replaced every result object: show them whole again
    app.processEvents()

    units = s.assessment.participants(ys.id)
    rates = [i.key for i in live.scheme.monthly_inputs if i.kind == "rate"]
    months = list(live.result().months)

    def edit_rounds(key: str, month: str | None) -> None:
        if month is not None:
            tab.set_month(month)
        app.processEvents()
        times = []
        for _ in range(edits):
            u = rng.choice(units)
            m = month or rng.choice(months)
            before = paints.count
            t = time.perf_counter()
            s.assessment.set_values(ys.id, [CellEdit(u.id, m, rng.choice(rates), f"{rng.uniform(85, 100):.2f}")])
            done = _until_painted(app, paints, before, NO_PAINT)
            if done is None:
                unseen[key] = unseen.get(key, 0) + 1
            else:
                times.append(done - t)
        out[key] = times

    edit_rounds("edit_year", None)
    edit_rounds("edit_month", months[-1])

    for suffix, key in ((".xlsx", "export_xlsx"), (".pdf", "export_pdf")):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            export_ranking(s, scheme_id=SCHEME, year=year, month=months[-1], out=Path(tmp) / f"r{suffix}")
            out[key] = [time.perf_counter() - t]
    tab.shutdown()
    tab.hide()

    grid = MonthlyTab(s)
    grid.resize(1366, 700)
    grid.set_year(year)
    grid.set_year_scheme(ys)
    grid.show()
    app.processEvents()
    gpaints = _Paints(grid.table.viewport())
    p, m = grid.proxy, grid.model
    col = m.column_of("satisfaction_rate")
    times = []
    for _ in range(edits):
        r = rng.randrange(min(p.rowCount(), 20))
        index = p.index(r, col)
        grid.table.scrollTo(index)  # the typed cell is on screen, as when the user types it
        app.processEvents()
        before = gpaints.count
        t = time.perf_counter()
        p.setData(index, f"{rng.uniform(85, 100):.2f}")
        done = _until_painted(app, gpaints, before, NO_PAINT)
        if done is None:
            unseen["typed"] = unseen.get("typed", 0) + 1
        else:
            times.append(done - t)
    out["typed"] = times
    grid.shutdown()
    s.close()
    return out


# ---------------------------------------------------------------------------- child: cold start

COLD = r"""
import os, resource, sys, time
from PySide6.QtCore import QEvent, QObject
from hotline_desktop.gui.app import ensure_application, open_services  # ensure_application: the refguard
from hotline_desktop.paths import DataPaths
t0 = float(os.environ["HOTLINE_T0"])
app = ensure_application()
services = open_services(DataPaths.from_override(sys.argv[1]))
from hotline_desktop.gui.main_window import MainWindow
class Paints(QObject):
    count = 0
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            self.count += 1
        return False
win = MainWindow(services)
wp = Paints(); win.installEventFilter(wp)
win.show()
while wp.count == 0:
    app.processEvents()
t_window = time.time() - t0
rss_window = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
ranking = win.page("ranking")
rp = Paints(); ranking.table.viewport().installEventFilter(rp)
win.tabs.setCurrentWidget(ranking)
while ranking.model.rowCount() == 0 or rp.count == 0:
    app.processEvents()
t_ranking = time.time() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"cold_window={t_window:.4f} cold_ranking={t_ranking:.4f} rss={rss:.1f} rss_window={rss_window:.1f}",
      flush=True)
win.release(); win.close()
"""


def cold(folder: Path) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               HOTLINE_T0=repr(time.time()))
    done = subprocess.run([sys.executable, "-c", COLD, str(folder)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("cold_window=")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"cold start failed:\n{done.stdout}\n{done.stderr}")
    fields = dict(part.split("=") for part in line.split())
    return {k: float(v) for k, v in fields.items()}


# ---------------------------------------------------------------------------- table


def _fmt(key: str, xs: list[float]) -> str:
    if key.startswith("rss"):
        return f"{max(xs):.0f}"
    ms = [x * 1000 for x in xs]
    if len(ms) == 1:
        return f"{ms[0]:.0f}"
    return f"p50 {statistics.median(ms):.1f} / p95 {_pct(ms, 95):.1f}"


def _value(key: str, xs: list[float]) -> float:
    if key.startswith("rss"):
        return max(xs)
    ms = [x * 1000 for x in xs]
    return _pct(ms, 95) if key.startswith(("edit", "typed")) else statistics.median(ms)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[600, 4000])
    ap.add_argument("--edits", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3, help="cold starts per size")
    ap.add_argument("--child", nargs=2, metavar=("FOLDER", "YEAR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        print("RESULT " + json.dumps(child(args.child[0], int(args.child[1]), args.edits)), flush=True)
        return
    load = os.getloadavg()
    print(f"{SCHEME}, 12 months; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"on {os.cpu_count()} cores (shared machine)")
    figures: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="hotline-targets-") as tmp:
        for n in args.units:
            folder = Path(tmp) / f"d{n}"
            t = time.perf_counter()
            year = make_data(folder, n)
            print(f"{n} units: data folder filled in {time.perf_counter() - t:.0f} s", flush=True)
            env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
            done = subprocess.run([sys.executable, __file__, "--edits", str(args.edits), "--child", str(folder),
                                   str(year)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
            line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
            if done.returncode != 0 or line is None:
                raise SystemExit(f"measuring failed:\n{done.stdout}\n{done.stderr}")
            got = json.loads(line[7:])
            colds = [cold(folder) for _ in range(args.runs)]
            for key in ("cold_window", "cold_ranking"):
                got[key] = [c[key] for c in colds]
            got["rss"] = [c["rss"] for c in colds]
            got["rss_window"] = [c["rss_window"] for c in colds]
            figures[n] = got
    head = f"{'measure':58s}"
    for n in args.units:
        head += f" | {n:>5} units: now {'':>19s} target  previous"
    print(head)
    for key, label, t600, t4000, p600, p4000 in ROWS:
        line = f"{label:58s}"
        for n in args.units:
            xs = figures[n].get(key)
            target = t600 if n <= 600 else t4000
            now = _fmt(key, xs) if xs else "—"
            ok = "" if target is None or not xs else (" ok" if _value(key, xs) <= target else " MISS")
            prev = p600 if n <= 600 else p4000
            line += f" | {now:>26s}{ok:5s} ≤{target if target is not None else '—':>5}  {prev}"
        print(line)
    for n in args.units:
        print(f"{n} units: edits after which nothing on screen changed (no paint within "
              f"{NO_PAINT * 1000:.0f} ms, not timed): {figures[n].get('unseen') or 'none'}")
    print("ms unless noted; edits / typed: p50 / p95 over the edits that repainted; cold start: median of "
          "the runs; RSS: the largest run.")


if __name__ == "__main__":
    main()
