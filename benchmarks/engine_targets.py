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
    ("recompute", "full recompute, 12 months, from loaded columns", 10, 50, "9.6 (s13)", "101 (s13)"),
    ("edit_year", "edit → 排名 repainted (全年), p95", 16, 16, "35 (s13); p95 ≈ 100", "71 (s13); 97–135 no paint"),
    ("edit_year_seen", "  of a unit on screen, to the paint", 16, 16, "—", "—"),
    ("edit_year_unseen", "  of a unit off screen, rows updated (no paint)", 16, 16, "—", "—"),
    ("edit_month", "edit → 排名 repainted (month view), p95", 16, 16, "44 (s13); p95 ≈ 100", "125 (s13)"),
    ("edit_month_seen", "  of a unit on screen, to the paint", 16, 16, "—", "—"),
    ("edit_month_unseen", "  of a unit off screen, rows updated (no paint)", 16, 16, "—", "—"),
    ("typed", "typed monthly cell → stored, rescored, repainted, p95", 16, 33, "18.7 (s13)", "226 (s13)"),
    ("first_open", "first open of 排名 to a painted table", 300, 1000, "1,380 (s13)", "7,100 (s13)"),
    ("cold_window", "cold start to a painted window", None, None, "760–940 (units tab)", "—"),
    ("cold_ranking", "cold start, then 排名 painted", 1500, 2500, "2,140 (s13)", "8,800 (s13)"),
    ("export_xlsx", "ranking export, month view: xlsx", 500, 3000, "540 (s13)", "2,800 (s13)"),
    ("export_pdf", "ranking export, month view: PDF", 1000, 5000, "690 (s13)", "9,200 (s13)"),
    ("rss_window", "peak RSS at the painted window, before 排名 (MiB)", None, None, "—", "—"),
    ("rss", "peak RSS with 排名 open (MiB)", 200, 300, "310 (s13)", "1,626 / 726 (ru_maxrss, see note)"),
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


_TICK = None


def _idle_wait(app) -> None:
    """Process events, blocking until one comes (as the app's event loop does while a worker
    builds) instead of spinning: a spinning GUI thread takes the GIL from the worker in turns and
    slows what it measures (its own CPU counted too). A 5 ms timer bounds each wait."""
    global _TICK
    from PySide6.QtCore import QEventLoop, QTimer

    if _TICK is None:
        _TICK = QTimer()
        _TICK.start(5)
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def _settle(app, seconds: float = 0.3) -> None:
    """Let the event loop run as it does between the tab's first paint and the user's first
    keystroke (queued follow-ups of a paint, e.g. the 排名 view's one-time check of its painting
    against Qt's), so that idle work is not timed as an edit."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        _idle_wait(app)


def _count_model_calls():
    """Wrap the ranking models' data() / multiData() / headerData() (before any instance exists:
    PySide resolves Python overrides once); they count while ``counting[0]`` is set."""
    from hotline_desktop.gui.ranking import models as rm

    counted = {"data": 0, "multiData": 0, "headerData": 0}
    counting = [False]
    for cls in (rm.RankingProxy, rm.RankingTableModel):
        for name in counted:
            fn = cls.__dict__.get(name)
            if fn is None:
                continue

            def wrap(self, *a, _fn=fn, _name=name):
                if counting[0]:
                    counted[_name] += 1
                return _fn(self, *a)

            setattr(cls, name, wrap)
    return counted, counting


def child(folder: str, year: int, edits: int) -> dict:
    import random

    from PySide6.QtWidgets import QApplication

    from hotline_desktop.gui.app import ensure_application
    from hotline_desktop.gui.monthly.tab import MonthlyTab
    from hotline_desktop.gui.ranking.tab import RankingTab
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.assessment import CellEdit
    from hotline_desktop.services.ranking_export import export_ranking

    app = ensure_application()  # installs gui/refguard (PySide6 6.12 on Python 3.11), as the app does
    assert QApplication.instance() is app
    counted, counting = _count_model_calls()
    s = AppServices.open(DataPaths(Path(folder)), auto_backup=False)
    ys = s.assessment.find(year, SCHEME)
    out: dict[str, list[float]] = {}
    unseen: dict[str, int] = {}  # edits after which nothing on screen changed (no paint)
    out["unseen"] = unseen  # type: ignore[assignment]
    cpus: dict[str, list[float]] = {}  # process CPU seconds of each timed sample
    out["cpu"] = cpus  # type: ignore[assignment]
    calls: dict[str, dict[str, float]] = {}  # model calls per edit
    out["calls"] = calls  # type: ignore[assignment]
    rng = random.Random(7)

    # first open of 排名: engine built in the tab's worker, then the table painted. As in the app,
    # where the main window loads the engine and numpy in the background once it has painted
    # (cold start, then 排名 at once, below: that load is in the wait)
    from hotline_desktop.services.startup import load_engine_in_background

    load_engine_in_background().join()
    tab = RankingTab(s)
    tab.resize(1366, 700)
    tab.set_year(year)
    tab.show()
    app.processEvents()
    paints = _Paints(tab.table.viewport())  # hidden behind 正在计算… until the rows are there
    before = paints.count
    t0, c0 = time.perf_counter(), time.process_time()
    tab.set_year_scheme(ys)
    while (tab.model.rowCount() == 0 or paints.count == before) and time.perf_counter() - t0 < 60:
        _idle_wait(app)  # the GUI thread waits as in app.exec(), leaving the worker the GIL
    out["first_open"] = [time.perf_counter() - t0]
    cpus["first_open"] = [time.process_time() - c0]  # the worker thread's CPU included

    live = s.rankings.live(ys.id)
    out["recompute"] = []
    cpus["recompute"] = []
    for _ in range(5):
        t, c = time.perf_counter(), time.process_time()
        live.engine.recompute()
        out["recompute"].append(time.perf_counter() - t)
        cpus["recompute"].append(time.process_time() - c)
    tab.reload()  # the recompute replaced every result object: show them whole again
    _settle(app)

    units = s.assessment.participants(ys.id)
    rates = [i.key for i in live.scheme.monthly_inputs if i.kind == "rate"]
    months = list(live.result().months)

    updated = []  # when the tab last updated its rows (ranking_updated)
    tab.ranking_updated.connect(lambda _codes: updated.append(time.perf_counter()))

    def add(key: str, wall: float, cpu: float) -> None:
        out.setdefault(key, []).append(wall)
        cpus.setdefault(key, []).append(cpu)

    def one_edit(u, m: str) -> tuple[float, float, bool]:
        """(wall, CPU, painted): to the paint, or (nothing on screen changed) to the rows updated."""
        before, t, c = paints.count, time.perf_counter(), time.process_time()
        updated.clear()
        s.assessment.set_values(ys.id, [CellEdit(u.id, m, rng.choice(rates), f"{rng.uniform(85, 100):.2f}")])
        app.processEvents()  # the tab's update (queued from the live ranking) runs here
        idle, c_idle = time.perf_counter(), time.process_time()
        done = _until_painted(app, paints, before, NO_PAINT)
        if done is not None:
            return done - t, time.process_time() - c, True
        # the wait for a paint that never came is not the user's: up to the rows' update
        return max([idle, *updated]) - t, c_idle - c, False

    def edit_rounds(key: str, month: str | None) -> None:
        if month is not None:
            tab.set_month(month)
        _settle(app)
        out[key] = []
        for _ in range(edits):  # any unit (most are off screen at 4,000)
            wall, cpu, painted = one_edit(rng.choice(units), month or rng.choice(months))
            add(key, wall, cpu)
            if not painted:
                unseen[key] = unseen.get(key, 0) + 1
                add(key + "_unseen", wall, cpu)
        by_code = {u.code: u for u in units}
        for _ in range(edits):  # a unit on screen (its row repaints)
            wall, cpu, painted = one_edit(by_code[rng.choice(tab.proxy.codes()[:20])], month or rng.choice(months))
            if painted:
                add(key + "_seen", wall, cpu)
            else:
                unseen[key + "_seen"] = unseen.get(key + "_seen", 0) + 1
        # data() / multiData() / headerData() calls per edit (counted in a round of their own)
        counted.update(dict.fromkeys(counted, 0))
        counting[0] = True
        try:
            for _ in range(10):
                one_edit(by_code[rng.choice(tab.proxy.codes()[:20])], month or rng.choice(months))
        finally:
            counting[0] = False
        calls[key] = {k: v / 10 for k, v in counted.items()}

    edit_rounds("edit_year", None)
    edit_rounds("edit_month", months[-1])

    for suffix, key in ((".xlsx", "export_xlsx"), (".pdf", "export_pdf")):
        with tempfile.TemporaryDirectory() as tmp:
            t, c = time.perf_counter(), time.process_time()
            export_ranking(s, scheme_id=SCHEME, year=year, month=months[-1], out=Path(tmp) / f"r{suffix}")
            out[key] = [time.perf_counter() - t]
            cpus[key] = [time.process_time() - c]
    tab.shutdown()
    tab.hide()

    grid = MonthlyTab(s)
    grid.resize(1366, 700)
    grid.set_year(year)
    grid.set_year_scheme(ys)
    grid.show()
    app.processEvents()
    while getattr(grid, "building", False):  # its live columns come from the engine built in a worker
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
        t, c = time.perf_counter(), time.process_time()
        p.setData(index, f"{rng.uniform(85, 100):.2f}")
        done = _until_painted(app, gpaints, before, NO_PAINT)
        if done is None:
            unseen["typed"] = unseen.get("typed", 0) + 1
        else:
            times.append(done - t)
            cpus.setdefault("typed", []).append(time.process_time() - c)
    out["typed"] = times
    grid.shutdown()
    s.close()
    return out


def compile_package() -> None:
    """Byte-compile hotline_desktop once before the cold starts. The installed app (PyInstaller)
    carries its modules as bytecode; a checkout run with PYTHONDONTWRITEBYTECODE=1 (as the dev
    machines are) would otherwise compile all ~180 of them from source in every cold start
    (~0.3 s of CPU), which no user waits for. Up-to-date files are left as they are."""
    import compileall

    compileall.compile_dir(str(ROOT / "hotline_desktop"), quiet=1)


# ---------------------------------------------------------------------------- child: cold start

COLD = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from hotline_desktop.gui.app import ensure_application, open_services  # ensure_application: the refguard
from hotline_desktop.paths import DataPaths
t0 = float(os.environ["HOTLINE_T0"])
def peak():  # VmHWM: this process's own peak (ru_maxrss keeps the forking parent's peak across exec)
    return next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM")) / 1024
app = ensure_application()
services = open_services(DataPaths.from_override(sys.argv[1]))
from hotline_desktop.gui.main_window import MainWindow
class Paints(QObject):
    count = 0
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            self.count += 1
        return False
tick = QTimer(); tick.start(5)  # bounds each wait below
def idle_wait():  # as app.exec() waits: blocking, not spinning (a spinning loop slows the worker)
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
win = MainWindow(services)
wp = Paints(); win.installEventFilter(wp)
win.show()
while wp.count == 0:
    idle_wait()
t_window = time.time() - t0
cpu_window = time.process_time()
rss_window = peak()
ranking = win.page("ranking")
rp = Paints(); ranking.table.viewport().installEventFilter(rp)
win.tabs.setCurrentWidget(ranking)
while ranking.model.rowCount() == 0 or rp.count == 0:
    idle_wait()
t_ranking = time.time() - t0
cpu_ranking = time.process_time()
rss = peak()
print(f"cold_window={t_window:.4f} cold_ranking={t_ranking:.4f} rss={rss:.1f} rss_window={rss_window:.1f} "
      f"cpu_window={cpu_window:.4f} cpu_ranking={cpu_ranking:.4f}", flush=True)
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
    compile_package()  # as installed: the app's modules start from bytecode, not compiled at each start
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
                got["cpu"][key] = [c["cpu_" + key[5:]] for c in colds]
            got["rss"] = [c["rss"] for c in colds]
            got["rss_window"] = [c["rss_window"] for c in colds]
            figures[n] = got
    head = f"{'measure':52s}"
    for n in args.units:
        head += f" | {n:>5} units: wall {'':>17s} CPU {'':>19s} target  previous"
    print(head)
    for key, label, t600, t4000, p600, p4000 in ROWS:
        line = f"{label:52s}"
        for n in args.units:
            xs = figures[n].get(key)
            cs = figures[n]["cpu"].get(key)
            target = t600 if n <= 600 else t4000
            now = _fmt(key, xs) if xs else "—"
            cpu = _fmt(key, cs) if cs else ""
            ok = "" if target is None or not xs else (" ok" if _value(key, xs) <= target else " MISS")
            prev = p600 if n <= 600 else p4000
            line += f" | {now:>22s}{ok:5s} {cpu:>22s} ≤{target if target is not None else '—':>5}  {prev}"
        print(line)
    for n in args.units:
        print(f"{n} units: edits after which nothing on screen changed (no paint within "
              f"{NO_PAINT * 1000:.0f} ms; timed to the rows' update): {figures[n].get('unseen') or 'none'}")
        for key, c in figures[n]["calls"].items():
            print(f"{n} units: model calls per edit of a unit on screen, {key}: "
                  + ", ".join(f"{k}() {v:.0f}" for k, v in c.items()))
    print("ms unless noted; edits / typed: p50 / p95; cold start: median of the runs; RSS: VmHWM of the "
          "measuring process (the largest run). CPU: process time of the same samples (worker threads "
          "included). Previous: stop 13's figures (s13) or issue 8's. The previous 1,626 MiB at 4,000 was "
          "ru_maxrss, which a child keeps from the benchmark process that forked it (≈ its size after "
          "filling 4,000 units); VmHWM is the child's own.")


if __name__ == "__main__":
    main()
