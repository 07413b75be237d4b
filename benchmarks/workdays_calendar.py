"""Working-day calendar: deadline arithmetic and the 工作日历 dialog, as a user waits for them.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/workdays_calendar.py [--runs 5]

1. 10,000 notices' due date + working days left (what the register computes on every refresh).
2. 文件 → 工作日历… : dialog constructed, shown and painted (grab), then switching the year.
3. Marking a day (preview of affected notices + change + repaint) with N issued notices.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import hotline_desktop.gui.refguard  # noqa: E402,F401  (PySide6 6.12 ref leak guard, as the app)


def bench_arithmetic(runs: int) -> list[float]:
    from hotline_desktop.core.workdays import WorkCalendar

    out = []
    for _ in range(runs):
        cal = WorkCalendar()
        t = time.perf_counter()
        for i in range(10_000):
            d = date(2025, 1, 1) + timedelta(days=i % 700)
            due = cal.due_date(d, 5 + i % 10)
            cal.workdays_between(date(2026, 12, 1), due)
        out.append(time.perf_counter() - t)
    return out


def bench_dialog(runs: int, notices: int) -> dict[str, list[float]]:
    from PySide6.QtWidgets import QApplication

    from hotline_desktop.core.domain import UnitDraft, UnitKind
    from hotline_desktop.core.notices import Channel, Level
    from hotline_desktop.core.workdays import DayKind
    from hotline_desktop.gui.app import setup_application
    from hotline_desktop.gui.calendar.dialog import CalendarDialog
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.notices import NoticeDraft

    app = QApplication.instance() or QApplication(sys.argv)
    setup_application(app)
    res: dict[str, list[float]] = {"open": [], "year": [], "mark": []}
    with tempfile.TemporaryDirectory() as tmp:
        s = AppServices.open(DataPaths(Path(tmp) / "data"))
        try:
            unit = s.units.create(UnitDraft(code="D01", name="区城管局", kind=UnitKind.DEPARTMENT))
            for i in range(notices):
                s.notices.issue(NoticeDraft(unit_id=unit.id, channel=Channel.HOTLINE, level=Level.PHONE,
                                            issued=date(2026, 9, 1) + timedelta(days=i % 120), days=5,
                                            content="市民反映的问题请核实处理"))
            for r in range(runs):
                s.calendar.invalidate()
                t = time.perf_counter()
                dlg = CalendarDialog(s, None, 2026)
                dlg.resize(1180, 720)
                dlg.show()
                dlg.grab()
                res["open"].append(time.perf_counter() - t)
                t = time.perf_counter()
                dlg.set_year(2027)
                dlg.grab()
                res["year"].append(time.perf_counter() - t)
                dlg.set_year(2026)
                dlg.confirm_affected = lambda items, text: list(items)
                day = date(2026, 11, 2 + r)
                t = time.perf_counter()
                dlg.mark_day(day, DayKind.HOLIDAY, "测试")
                dlg.grab()
                res["mark"].append(time.perf_counter() - t)
                dlg.close()
                dlg.deleteLater()
                app.processEvents()
        finally:
            s.close()
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--notices", type=int, default=500)
    args = ap.parse_args()
    a = bench_arithmetic(args.runs)
    print(f"10,000 due dates + working days left: median {statistics.median(a) * 1000:.1f} ms")
    d = bench_dialog(args.runs, args.notices)
    for k, label in (("open", "工作日历 opened and painted"), ("year", "year switched and repainted"),
                     ("mark", f"day marked ({args.notices} notices previewed/moved) and repainted")):
        v = d[k]
        print(f"{label}: median {statistics.median(v) * 1000:.0f} ms (min {min(v) * 1000:.0f}, max {max(v) * 1000:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
