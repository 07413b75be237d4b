"""工单明细 import measures (issue 11 §3; prints figures, not a unit test):

    .venv/bin/python benchmarks/orders_import.py [--orders 100000] [--units 600] [--year-orders 1000000]
        [--database-url postgresql+psycopg://…/EMPTY_DB]   (a server database: bulk writes by COPY)

- import: plan (read csv + parse + check + match units) + apply (replace the month in one
  transaction, figures of every unit, feed the 月度数据 cells) of N orders. Target ≤ 3 s for 100,000.
- city year: 1,000,000 orders over 12 months in one file, same path. Target ≤ 15 s, ≤ 1 GB peak RSS
  (measured in a child process so the 100,000 run does not count).
- rescoring: the live ranking of 600 units already built; the import's values_changed applied to
  it (engine update + result). Target ≤ 150 ms.
- undo of the 100,000-order import: the part a worker runs (database, moved cells) and the part
  left on the GUI thread (publishing the changes, the live ranking rescored).
Every figure is printed as wall time and process CPU time (the machine may be shared).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen_orders  # noqa: E402

from hotline_desktop.core.domain import UnitDraft, UnitKind  # noqa: E402
from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402


def _setup(tmp: Path, units: int, year: int, live: bool, url: str | None = None):
    services = AppServices.open(DataPaths(tmp / "data", url), auto_backup=False)
    names = gen_orders.unit_names(units)
    services.units.create_many([UnitDraft(code=f"JD{i:03d}", name=n, kind=UnitKind.TOWN) for i, n in enumerate(names)])
    from hotline_desktop.services.demo_data import fill_demo_year

    fill_demo_year(services.assessment, year, "ganxian-2023-hotline", 12)
    return services, names


def run_import(tmp: Path, n: int, units: int, months: int, live: bool, url: str | None = None) -> dict:
    services, names = _setup(tmp, units, 2026, live, url)
    files = []
    per = n // months
    for m in range(months):
        files.append(gen_orders.rows(per, names, f"2026-{12 - months + m + 1:02d}", "standard", bad=0, seed=m))
    path = tmp / "orders.csv"
    import csv

    with open(path, "w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        for j, it in enumerate(files):
            header = next(it)
            if j == 0:
                w.writerow(header)
            w.writerows(it)
    out = {}
    ranking = None
    if live:
        ys = services.assessment.find(2026, "ganxian-2023-hotline")
        ranking = services.rankings.live(ys.id)
        ranking.result()
        timer = {"t": 0.0, "cpu": 0.0}
        orig = ranking.apply

        def timed(changes):
            t0, c0 = time.perf_counter(), time.process_time()
            r = orig(changes)
            ranking.result()
            timer["t"] += time.perf_counter() - t0
            timer["cpu"] += time.process_time() - c0
            return r

        ranking.apply = timed
        out["timer"] = timer
    t0, c0 = time.perf_counter(), time.process_time()
    plan = services.orders.plan(path)
    t1, c1 = time.perf_counter(), time.process_time()
    written = services.orders.write(plan)  # apply() = write() + publish(), keeping what undo needs
    res = services.orders.publish(written)
    t2, c2 = time.perf_counter(), time.process_time()
    out.update(plan=t1 - t0, apply=t2 - t1, total=t2 - t0, orders=res.orders, cells=res.changed_cells,
               cpu_plan=c1 - c0, cpu_apply=c2 - c1, cpu=c2 - c0)
    if live:
        out["rescore"] = dict(out["timer"])  # the import's rescoring, before the undo adds its own
    if live:  # undo, as the GUI runs it: database + moved cells in a worker, then publish on the GUI thread
        t0, c0 = time.perf_counter(), time.process_time()
        undone = services.orders.undo_import(written)
        settled = services.orders.settle(undone)
        t1, c1 = time.perf_counter(), time.process_time()
        services.orders.publish(undone, settled)
        t2, c2 = time.perf_counter(), time.process_time()
        out.update(undo_worker=t1 - t0, undo_worker_cpu=c1 - c0, undo_gui=t2 - t1, undo_gui_cpu=c2 - c1)
    services.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--year-orders", type=int, default=1_000_000)
    ap.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hotline-orders-") as tmp:
        if a.child:
            r = run_import(Path(tmp), a.year_orders, a.units, 12, live=False, url=a.database_url)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"city year: {r['orders']} orders over 12 months: plan {r['plan']:.2f} s + apply {r['apply']:.2f} s "
                  f"= {r['total']:.2f} s wall (target ≤ 15 s); CPU {r['cpu_plan']:.2f} + {r['cpu_apply']:.2f} = "
                  f"{r['cpu']:.2f} s; peak RSS {rss:.0f} MB (target ≤ 1024 MB)")
            return
        r = run_import(Path(tmp), a.orders, a.units, 1, live=True, url=a.database_url)
        print(f"import: {r['orders']} orders (GB18030 csv), {a.units} units: plan {r['plan']:.2f} s + apply "
              f"{r['apply']:.2f} s = {r['total']:.2f} s wall (target ≤ 3 s); CPU {r['cpu']:.2f} s (a server's own CPU not included); "
              f"{r['cells']} 月度数据 cells moved")
        print(f"rescoring the live ranking after the import: {r['rescore']['t'] * 1000:.0f} ms wall, "
              f"{r['rescore']['cpu'] * 1000:.0f} ms CPU (target ≤ 150 ms)")
        print(f"undo of that import: worker {r['undo_worker']:.2f} s wall ({r['undo_worker_cpu']:.2f} s CPU), "
              f"then the GUI thread {r['undo_gui'] * 1000:.0f} ms wall ({r['undo_gui_cpu'] * 1000:.0f} ms CPU, "
              f"the live ranking's rescoring included)")
    if a.year_orders:
        if a.database_url:  # the child imports into the same server database: empty it first
            _drop_all(a.database_url)
        url = ["--database-url", a.database_url] if a.database_url else []
        subprocess.run([sys.executable, __file__, "--child", "--year-orders", str(a.year_orders),
                        "--units", str(a.units), *url], check=True)


def _drop_all(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as con:
        con.exec_driver_sql("DROP SCHEMA public CASCADE")
        con.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


if __name__ == "__main__":
    main()
