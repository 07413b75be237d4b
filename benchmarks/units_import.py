"""Units import benchmark (prints figures; not a unit test).

    .venv/bin/python benchmarks/units_import.py [--rows 20000] [--repeat 3] [--gui]

A 20,000-row units workbook (written with openpyxl like an office file: 1,000 streets, 19,000
communities under them, every column filled) imported into a fresh database, then the same
file again with 2,000 rows changed. Each figure is the whole wait of an import: reading and
checking the file (reader guard, calamine, validation, plan) plus writing it (one transaction).
Target: ≤ 2 s for the 20,000-row import (issue 7.5; it took 103 s before the bulk write path).
The undo of that import (one transaction) is timed too.

With --gui the wait is measured through the 承办单位 tab, as the operator has it (offscreen):
from choosing the file to the confirmation dialog painted (parse in the worker), and from
clicking 导入 to the table showing every new unit, painted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline_desktop.core.excel_units import COLUMNS  # noqa: E402
from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402


def write_book(path: Path, n: int, changed: int = 0) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([h for _f, h, _w, _help in COLUMNS])
    towns = max(1, n // 20)
    for i in range(towns):
        ws.append([f"T{i:05d}", f"测试{i:05d}街道", "乡镇·街道", "", f"联系人{i}", f"0531-8{i % 10000000:07d}", "是",
                   "街道备注"])
    for i in range(n - towns):
        note = "已更新" if i < changed else "社区备注"
        ws.append([f"C{i:06d}", f"测试{i:06d}社区", "社区", f"T{i % towns:05d}", f"张{i}", f"138{i % 100000000:08d}",
                   "是", note])
    wb.save(path)
    return path


def timed(services: AppServices, path: Path):
    """(check s, write s, CPU s of both, counts, plan); CPU time shows the cost when the machine is busy."""
    c0, t0 = time.process_time(), time.perf_counter()
    plan = services.units_io.plan(path)
    t1 = time.perf_counter()
    assert plan.ok, plan.problems[:3]
    counts = services.units_io.apply(plan)
    t2, c2 = time.perf_counter(), time.process_time()
    return t1 - t0, t2 - t1, c2 - c0, counts, plan


def gui_run(tmp: Path, first: Path, n: int, repeat: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    import hotline_desktop.gui  # noqa: F401 - installs gui/refguard (PySide6 6.12 on Python 3.11)
    from hotline_desktop.gui.units.tab import UnitsTab

    app = QApplication.instance() or QApplication([])
    totals = []
    for r in range(repeat):
        services = AppServices.open(DataPaths(tmp / f"g{r}"), auto_backup=False)
        tab = UnitsTab(services)
        tab.resize(1366, 700)
        tab.show()
        app.processEvents()
        t0 = time.perf_counter()
        tab.start_import(first)
        while getattr(tab, "_preview_dialog", None) is None or not tab._preview_dialog.isVisible():
            app.processEvents()
        tab._preview_dialog.repaint()
        t1 = time.perf_counter()
        done = []
        tab.import_finished.connect(lambda a, u, d=done: d.append((a, u)))
        tab._preview_dialog.import_button.click()
        while not done or tab.model.rowCount() < n:
            app.processEvents()
        tab.repaint()
        t2 = time.perf_counter()
        totals.append((t1 - t0) + (t2 - t1))
        print(f"  GUI: file → confirmation painted {t1 - t0:.2f} s; 导入 → table painted {t2 - t1:.2f} s")
        tab.shutdown()
        tab.deleteLater()
        services.close()
    print(f"GUI import of {n} new units: median {statistics.median(totals):.2f} s (both waits)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gui", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first = write_book(tmp / "units.xlsx", args.rows)
        again = write_book(tmp / "units2.xlsx", args.rows, changed=args.rows // 10)
        print(f"{args.rows} rows, file {first.stat().st_size // 1024} KB")
        if args.gui:
            gui_run(tmp, first, args.rows, args.repeat)
            return
        fresh, update, undo = [], [], []
        for r in range(args.repeat):
            services = AppServices.open(DataPaths(tmp / f"d{r}"), auto_backup=False)
            try:
                p, a, cpu, counts, plan = timed(services, first)
                fresh.append(p + a)
                print(f"  new units:     check {p:.2f} s + write {a:.2f} s = {p + a:.2f} s (CPU {cpu:.2f} s)  {counts}")
                t0 = time.perf_counter()
                services.units_io.revert(plan, {})
                undo.append(time.perf_counter() - t0)
                assert not services.units.list()
                timed(services, first)
                p, a, cpu, counts, _plan = timed(services, again)
                update.append(p + a)
                print(f"  {args.rows // 10} changed: check {p:.2f} s + write {a:.2f} s = {p + a:.2f} s "
                      f"(CPU {cpu:.2f} s)  {counts}")
            finally:
                services.close()
        print(f"import of {args.rows} new units: median {statistics.median(fresh):.2f} s, min {min(fresh):.2f} s "
              "(target ≤ 2 s)")
        print(f"re-import with {args.rows // 10} changed: median {statistics.median(update):.2f} s")
        print(f"undo of the {args.rows}-unit import: median {statistics.median(undo):.2f} s")


if __name__ == "__main__":
    main()
