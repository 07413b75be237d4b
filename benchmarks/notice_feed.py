"""Issuing a notice → live rankings updated (prints figures; not a unit test).

    .venv/bin/python benchmarks/notice_feed.py [--units 600] [--issues 150] [--notices 600]

600 units with 12 months of ganxian-2023-hotline data (and 2025 under licheng-2020 with
--licheng) in a fresh data folder, a register that already holds `--notices` notices, and an
offscreen 排名 tab subscribed to the live ranking. Measured per issued notice: the whole
``services.notices.issue`` call — number taken and row committed, fed counts advanced, the
engine updated through ``values_changed`` and the ranking model's rows updated — split into
commit / feed / engine / model. Target p95 ≤ 16 ms at 600 units.

Importing ``hotline_desktop.gui`` installs the guard against PySide6 6.12's singleton
refcount leak on Python 3.11 (see gui/refguard.py).
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from live_ranking import _drafts, _ms, _pct, _Timer  # noqa: E402

from hotline_desktop.core.notices import Channel, Level  # noqa: E402
from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402
from hotline_desktop.services.demo_data import fill_demo_year  # noqa: E402
from hotline_desktop.services.notices import NoticeDraft  # noqa: E402


def _draft(rng: random.Random, units, year: int, channel=Channel.HOTLINE) -> NoticeDraft:
    issued = date(year, 1, 5) + timedelta(days=rng.randrange(350))
    return NoticeDraft(rng.choice(units).id, channel, rng.choice(list(Level)), issued, rng.choice((3, 5, 10)),
                       content="市民反映的问题请核实处理")


def bench(services, year: int, scheme_id: str, issues: int, rng: random.Random) -> float:
    from PySide6.QtWidgets import QApplication

    from hotline_desktop.gui.ranking.tab import RankingTab

    app = QApplication.instance()
    ys = services.assessment.find(year, scheme_id)
    live = services.rankings.live(ys.id)
    tab = RankingTab(services)
    tab.set_year(year)
    tab.resize(1366, 700)
    tab.show()
    app.processEvents()
    tab.set_year_scheme(ys)
    app.processEvents()
    engine_timer = _Timer(live.engine.set_many)
    live.engine.set_many = engine_timer
    model_timer = _Timer(tab._on_changed)
    tab._on_changed = model_timer
    feeds = services.feeds
    subs = services.notices.changed._subs
    feed_timer = next((s for s in subs if isinstance(s, _Timer)), None)
    if feed_timer is None:
        feed_timer = _Timer(feeds._on_notices)
        services.notices.changed._subs = [feed_timer if s == feeds._on_notices else s for s in subs]
    units = services.assessment.participants(ys.id)
    totals, commit, feed, engine, model, moved = [], [], [], [], [], 0
    for _ in range(issues):
        engine_timer.last = model_timer.last = feed_timer.last = 0.0
        before = live.result()
        t0 = time.perf_counter()
        services.notices.issue(_draft(rng, units, year))
        dt = time.perf_counter() - t0
        totals.append(dt)
        engine.append(engine_timer.last)
        model.append(model_timer.last)
        feed.append(feed_timer.last - engine[-1] - model[-1])
        commit.append(dt - feed_timer.last)
        moved += live.result() is not before
        app.processEvents()
    print(f"\n== issue a notice → ranking updated: {scheme_id} {year}, {len(units)} units, "
          f"{len(services.notices.rows())} notices after, {issues} issues ({moved} moved the result) ==")
    for name, xs in (("issue → model updated", totals), ("  number + DB commit", commit),
                     ("  fed counts + cell diff", feed), ("  engine set_many", engine),
                     ("  ranking model update", model)):
        print(f"{name:28s} p50 {_ms(statistics.median(xs))}  p95 {_ms(_pct(xs, 95))}  max {_ms(max(xs))}")
    p95 = _pct(totals, 95)
    print(f"target p95 ≤ 16 ms: {'OK' if p95 <= 0.016 else 'MISSED'} ({p95 * 1000:.1f} ms)")
    tab.shutdown()
    tab.deleteLater()
    app.processEvents()
    return p95


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--issues", type=int, default=150)
    ap.add_argument("--notices", type=int, default=600, help="notices in the register before measuring")
    ap.add_argument("--licheng", action="store_true", help="also a year under licheng-2020")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    from hotline_desktop.gui.app import ensure_application

    ensure_application()
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        services = AppServices.open(DataPaths(Path(tmp) / "data"))
        try:
            t = time.perf_counter()
            services.units.create_many(_drafts(args.units))
            fill_demo_year(services.assessment, 2026, "ganxian-2023-hotline", 12)
            if args.licheng:
                fill_demo_year(services.assessment, 2025, "licheng-2020", 12)
            units = services.units.list()
            for i in range(args.notices):
                services.notices.issue(_draft(rng, units, 2025 if args.licheng and i % 2 else 2026))
            print(f"setup: {args.units} units, {args.notices} notices, written in {time.perf_counter() - t:.1f} s")
            bench(services, 2026, "ganxian-2023-hotline", args.issues, rng)
            if args.licheng:
                services.notices.set_today(date(2025, 12, 31))
                bench(services, 2025, "licheng-2020", args.issues, rng)
        finally:
            services.close()


if __name__ == "__main__":
    main()
