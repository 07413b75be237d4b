"""Edit → 排名 repainted while the table is sorted by 总分 (or 单位名称), not by rank (prints figures).

    .venv/bin/python benchmarks/sorted_ranking_edit.py [--units 4000] [--edits 60] [--by total|name|rank]
                                                        [--data DIR]

A data folder gets that many units and 12 months of ganxian-2023-hotline figures (this year;
``--data DIR`` keeps it there and reuses it, so runs before and after a change measure the same
data), then this process opens 排名 (全年), clicks the header to sort by the column and times
committed monthly edits (``assessment.set_values``: a month's 满意率, which moves the unit's
total and the ranks of the units it passes) of random units to the table's repaint (or,
when nothing on screen changed, to the rows' update), as benchmarks/engine_targets.py does for
the rank order. The machine is shared: compare runs made back to back.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from engine_targets import NO_PAINT, SCHEME, _idle_wait, _Paints, _pct, _settle, _until_painted, make_data  # noqa: E402


def measure(folder: Path, year: int, edits: int, by: str) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt

    from hotline_desktop.gui.app import ensure_application
    from hotline_desktop.gui.ranking.tab import RankingTab
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.assessment import CellEdit

    app = ensure_application()
    s = AppServices.open(DataPaths(folder), auto_backup=False)
    ys = s.assessment.find(year, SCHEME)
    tab = RankingTab(s)
    tab.resize(1366, 700)
    tab.set_year(year)
    tab.show()
    tab.set_year_scheme(ys)
    t0 = time.perf_counter()
    while (tab.live is None or tab.model.rowCount() == 0) and time.perf_counter() - t0 < 120:
        _idle_wait(app)
    col = {"total": tab.model.col_total, "name": 1, "rank": tab.model.col_rank}[by]
    t = time.perf_counter()
    tab.table.sortByColumn(col, Qt.SortOrder.DescendingOrder if by == "total" else Qt.SortOrder.AscendingOrder)
    app.processEvents()
    click = time.perf_counter() - t
    _settle(app)
    paints = _Paints(tab.table.viewport())
    live = s.rankings.live(ys.id)
    units = s.assessment.participants(ys.id)
    by_code = {u.code: u for u in units}
    months = list(live.result().months)
    updated: list[float] = []
    tab.ranking_updated.connect(lambda _codes: updated.append(time.perf_counter()))
    rng = random.Random(7)
    out: dict[str, list[float]] = {"sort_click": [click], "all": [], "seen": [], "unseen": []}

    def one_edit(u) -> None:
        before, t = paints.count, time.perf_counter()
        updated.clear()
        s.assessment.set_values(ys.id, [CellEdit(u.id, rng.choice(months), "satisfaction_rate",
                                                 f"{rng.uniform(85, 100):.2f}")])
        app.processEvents()  # the tab's update (queued from the live ranking) runs here
        idle = time.perf_counter()
        done = _until_painted(app, paints, before, NO_PAINT)
        wall = (done if done is not None else max([idle, *updated])) - t
        out["all"].append(wall)
        out["seen" if done is not None else "unseen"].append(wall)

    for _ in range(edits):  # any unit (most are off screen at 4,000)
        one_edit(rng.choice(units))
    for _ in range(edits // 2):  # a unit on screen
        one_edit(by_code[rng.choice(tab.proxy.codes()[:20])])
    shown = tab.proxy.codes()
    keys = [tab.model.index(tab.model.row_of(c), col).data(Qt.ItemDataRole.UserRole + 1) for c in shown]
    assert keys == sorted(keys, reverse=by == "total"), "not sorted after the edits"
    tab.shutdown()
    s.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=4000)
    ap.add_argument("--edits", type=int, default=60)
    ap.add_argument("--by", choices=("total", "name", "rank"), default="total", help="rank: the usual order, to compare")
    ap.add_argument("--data", type=Path, help="data folder to fill once and reuse")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="hotline-sorted-") as tmp:
        folder = args.data or Path(tmp) / "d"
        t = time.perf_counter()
        year = make_data(folder, args.units)  # reused as it is when it has the units
        print(f"{args.units} units ready in {time.perf_counter() - t:.0f} s; load {os.getloadavg()[0]:.1f}",
              flush=True)
        got = measure(folder, year, args.edits, args.by)
    print(f"sorted by {args.by}: header click {got['sort_click'][0] * 1000:.0f} ms")
    for key in ("all", "seen", "unseen"):
        ms = [x * 1000 for x in got[key]]
        if ms:
            print(f"  edit → repaint ({key}, {len(ms)}): p50 {statistics.median(ms):.1f} ms / "
                  f"p95 {_pct(ms, 95):.1f} ms")


if __name__ == "__main__":
    main()
