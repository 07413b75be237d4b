"""督办通知 register benchmark: search-as-you-type and filters over 5,000 notices (prints figures).

    .venv/bin/python benchmarks/notices_filter.py [--notices 5000] [--rounds 3]

An offscreen NoticesTab at 1366×768 holding 5,000 notices (statuses as of 2026-12-01, the real
NoticeService.view rules). Measured per keystroke, the user's whole wait: the search box's text
changes → model filter → proxy mapping → the pending repaint of the table done (``processEvents``).
Target: ≤ 30 ms per keystroke. Also: a filter-box change (status, unit) and a header sort.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline_desktop.core.domain import UnitDraft, UnitKind  # noqa: E402
from hotline_desktop.core.notices import Channel, Level, NoticeRow, NoticeStatus, format_number  # noqa: E402
from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402

TODAY = date(2026, 12, 1)
QUERIES = ("督（2026）12", "路灯", "gd2026", "洪家楼街道", "SQ01", "噪音扰民")
CONTENTS = ("小区路灯损坏，夜间出行不便，请尽快核实处理。", "占道经营影响通行，请依法整治并答复群众。",
            "噪音扰民问题反复出现，请协调相关单位处理。", "低保申请进度缓慢，请加快办理并告知申请人。")


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def _rows(units, n: int) -> list[NoticeRow]:
    rnd = random.Random(7)
    out = []
    seq: dict[int, int] = {}
    for i in range(n):
        issued = date(2024, 1, 2) + timedelta(days=rnd.randrange(0, 1065))
        seq[issued.year] = seq.get(issued.year, 0) + 1
        u = rnd.choice(units)
        days = rnd.choice((3, 5, 10))
        due = issued + timedelta(days=days + 2)
        completed = due - timedelta(days=1) if rnd.random() < 0.5 and due < TODAY else None
        out.append(NoticeRow(
            id=i + 1, number=format_number("督", issued.year, seq[issued.year]), year=issued.year,
            seq=seq[issued.year], unit_id=u.id, unit_code=u.code, unit_name=u.name,
            channel=rnd.choice(list(Channel)), level=rnd.choice(list(Level)), issued=issued, days=days,
            calendar_days=False, due=due, original_due=due, content=rnd.choice(CONTENTS) * rnd.randint(1, 4),
            orders=(f"GD{issued:%Y%m%d}{i:04d}",), result="已办结" if completed else "", completed=completed,
            voided=rnd.random() < 0.03, void_reason="重复下达",
        ))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notices", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    import hotline_desktop.gui  # noqa: F401 - installs gui/refguard (PySide6 6.12 on Python 3.11)
    from hotline_desktop.gui.app import setup_application
    from hotline_desktop.gui.notices.models import COL_DUE

    app = QApplication.instance() or QApplication([])
    setup_application(app)
    with tempfile.TemporaryDirectory() as tmp:
        s = AppServices.open(DataPaths(Path(tmp) / "data"), auto_backup=False)
        units = s.units.create_many(
            [UnitDraft(code=f"SQ{i:03d}", name=f"第{i}社区", kind=UnitKind.COMMUNITY) for i in range(580)]
            + [UnitDraft(code=f"JD{i:02d}", name=f"洪家楼街道{i}", kind=UnitKind.TOWN) for i in range(20)])
        s.notices.set_today(TODAY)
        from hotline_desktop.gui.notices.tab import NoticesTab

        tab = NoticesTab(s)
        tab.resize(1366, 700)
        tab.show()
        t0 = time.perf_counter()
        views = s.notices.views(_rows(units, args.notices), TODAY)
        t1 = time.perf_counter()
        tab.model.set_views(views)
        tab._fill_years()
        tab._fill_units()
        tab.set_filters(year=None)
        app.processEvents()
        t2 = time.perf_counter()
        print(f"{args.notices} notices: statuses {1000 * (t1 - t0):.0f} ms, load into the register "
              f"{1000 * (t2 - t1):.0f} ms")

        keys: list[float] = []
        cpu: list[float] = []
        work: list[float] = []

        def key(text: str) -> None:
            t, c = time.perf_counter(), time.process_time()
            tab.search_edit.setText(text)  # filter, model reset, counts (synchronous)
            w = time.perf_counter()
            app.processEvents()  # the repaint
            keys.append(1000 * (time.perf_counter() - t))
            cpu.append(1000 * (time.process_time() - c))
            work.append(1000 * (w - t))

        for _ in range(args.rounds):
            for q in QUERIES:
                for k in range(1, len(q) + 1):
                    key(q[:k])
                key("")
        print(f"search as you type ({len(keys)} keystrokes, to the repainted table): "
              f"p50 {statistics.median(keys):.1f} ms, p95 {_pct(keys, 95):.1f} ms, max {max(keys):.1f} ms "
              f"(target ≤ 30 ms)")
        print(f"  of which CPU time of this process: p50 {statistics.median(cpu):.1f} ms, p95 {_pct(cpu, 95):.1f} ms;"
              f" filter + reset before the paint: p50 {statistics.median(work):.1f} ms, p95 {_pct(work, 95):.1f} ms")
        print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while measuring)")

        boxes: list[float] = []
        for _ in range(args.rounds):
            for kw in ({"status": NoticeStatus.OVERDUE}, {"unit_id": units[5].id}, {"channel": Channel.ONLINE},
                       {"level": Level.WRITTEN}, {}):
                t = time.perf_counter()
                tab.set_filters(year=None, **kw)
                app.processEvents()
                boxes.append(1000 * (time.perf_counter() - t))
        print(f"filter boxes: p50 {statistics.median(boxes):.1f} ms, max {max(boxes):.1f} ms")
        t = time.perf_counter()
        tab.table.sortByColumn(COL_DUE, tab.table.horizontalHeader().sortIndicatorOrder())
        app.processEvents()
        print(f"sort by 办结时限: {1000 * (time.perf_counter() - t):.1f} ms")
        tab.shutdown()
        s.close()


if __name__ == "__main__":
    main()
