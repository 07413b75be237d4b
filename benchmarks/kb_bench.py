"""知识库 measures (issue 10 §6):

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/kb_bench.py [--entries 20000] [--import-rows 5000] [--runs 200]

- import: an xlsx of N 一问一答 rows, plan (read + check whole) + apply (one transaction), as the
  user waits for it. Target ≤ 2 s for 5,000.
- search: KbService.search (FTS5 trigram, or LIKE for 1–2 characters; rows + highlight spans) over
  a register of 20,000 entries, queries of 2, 3, 4 and 8 characters incl. FTS syntax; also the tab's
  whole search (ids → proxy refilter → repaint). Target p95 ≤ 30 ms.
- tab open: the 知识库 tab built, shown, its register loaded and painted on 20,000 entries.
  Target ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["低保", "医保", "社区", "公积金", "营业执照", "便民服务站", "供暖期", "电梯", "噪声污染", "12345",
           "最低生活保障", "家庭人均月收入低于", "灵活就业人员如何参加", '"引号"', "NEAR", "a*b", "- 办理",
           "不存在的内容甲乙丙", "APP", "物业"]


def _units(services, n: int) -> list[str]:
    from hotline_desktop.core.domain import UnitDraft, UnitKind

    drafts = [UnitDraft(code=f"KS{i:03d}", name=f"职能部门{i}", kind=UnitKind.DEPARTMENT) for i in range(n)]
    services.units.create_many(drafts)
    return [d.code for d in drafts]


def _drafts(n: int, unit_ids: list[int], seed: int = 7):
    from hotline_desktop.core.kb import Content
    from hotline_desktop.services.kb_demo import TOPICS

    rnd = random.Random(seed)
    out = []
    for i in range(n):
        cat, q, a, bn, no = rnd.choice(TOPICS)
        fill = dict(u=f"职能部门{i % 97}", y=2020 + i % 7, n=i % 90 + 1, m=900 + i % 300, k=700 + i % 100, f=i % 6 + 1,
                    p=1000000 + i, mm=i % 12 + 1)
        out.append((rnd.choice(unit_ids), cat.value, "qa" if i % 5 else "other",
                    Content(f"{q.format(**fill)}（{i}）", a.format(**fill) * rnd.choice((1, 1, 2)), bn,
                            no.format(**fill), i % 3)))
    return out


def _xlsx(path: Path, codes: list[str], n: int) -> Path:
    from openpyxl import Workbook

    from hotline_desktop.core.kb_excel import IMPORT_COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("知识库")
    ws.append([h for _f, h, _w, _t in IMPORT_COLUMNS])
    rnd = random.Random(3)
    ids = list(range(len(codes)))
    for i, (uid, cat, form, c) in enumerate(_drafts(n, ids, seed=11)):
        ws.append([codes[uid], cat, c.question, c.answer, "一问一答" if form == "qa" else "其他", c.basis_name,
                   c.basis_number, c.basis_attachments, f"2026-{i % 12 + 1:02d}-01" if rnd.random() < 0.5 else ""])
    wb.save(path)
    return path


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--import-rows", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()

    from hotline_desktop.gui.app import ensure_application  # installs gui/refguard as the app does
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices

    app = ensure_application()
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))

    # -- import --------------------------------------------------------------------------------
    s = AppServices.open(DataPaths(tmp / "imp"), auto_backup=False)
    codes = _units(s, 100)
    xlsx = _xlsx(tmp / "kb.xlsx", codes, args.import_rows)
    t0 = time.perf_counter()
    plan = s.kb_io.plan(xlsx)
    t1 = time.perf_counter()
    assert plan.ok, plan.problems[:3]
    edit = s.kb_io.apply(plan)
    t2 = time.perf_counter()
    print(f"import {args.import_rows} rows: {t2 - t0:.2f} s (read+check {t1 - t0:.2f} s, write {t2 - t1:.2f} s);"
          f" target ≤ 2 s")
    t0 = time.perf_counter()
    s.kb.undo(edit)
    t1 = time.perf_counter()
    s.kb.redo(edit)
    t2 = time.perf_counter()
    print(f"  undo of that import {t1 - t0:.2f} s, redo {t2 - t1:.2f} s")
    s.close()

    # -- a register of N entries -------------------------------------------------------------------
    s = AppServices.open(DataPaths(tmp / "big"), auto_backup=False)
    _units(s, 200)
    ids = [u.id for u in s.units.list()]
    drafts = _drafts(args.entries, ids)
    t0 = time.perf_counter()
    s.kb.insert_imported(drafts)
    print(f"filled {args.entries} entries in {time.perf_counter() - t0:.2f} s")

    # -- search (service) ------------------------------------------------------------------------
    for q in QUERIES:  # warm the page cache
        s.kb.search(q)
    times, full, sizes = [], [], []
    rnd = random.Random(1)
    for _ in range(args.runs):
        q = rnd.choice(QUERIES)
        t0 = time.perf_counter()
        found = s.kb.search_ids(q)
        t1 = time.perf_counter()
        s.kb.search(q)
        t2 = time.perf_counter()
        times.append((t1 - t0) * 1000)
        full.append((t2 - t1) * 1000)
        sizes.append(len(found))
    print(f"search over {args.entries} entries ({args.runs} queries, median {statistics.median(sizes)} hits):"
          f" matches best first p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms"
          f" (target p95 ≤ 30 ms); with every hit's row and highlight spans p50 {pct(full, 50):.1f} ms,"
          f" p95 {pct(full, 95):.1f} ms")
    per_len: dict[int, list[float]] = {}
    for q in QUERIES:
        t0 = time.perf_counter()
        s.kb.search_ids(q)
        per_len.setdefault(min(len(q), 4), []).append((time.perf_counter() - t0) * 1000)
    print("  ids only by query length: " + ", ".join(
        f"{'≥4' if n == 4 else n} chars max {max(v):.1f} ms" for n, v in sorted(per_len.items())))

    # -- tab open -------------------------------------------------------------------------------------
    from hotline_desktop.gui.kb.tab import KbTab

    opens = []
    for _ in range(5):
        t0 = time.perf_counter()
        tab = KbTab(s)
        tab.resize(1366, 700)
        tab.show()
        app.processEvents()
        tab.repaint()
        opens.append((time.perf_counter() - t0) * 1000)
        assert tab.model.rowCount() == args.entries
        if len(opens) < 5:
            tab.shutdown()
            tab.close()
            tab.deleteLater()
            app.processEvents()
    print(f"tab open on {args.entries} entries (built, loaded, painted): median {statistics.median(opens):.0f} ms,"
          f" max {max(opens):.0f} ms; target ≤ 300 ms")

    # -- search (the tab: ids → proxy → repaint) ------------------------------------------------
    ttimes = []
    for i in range(60):
        q = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        tab.search_edit.setText(q)
        tab.table.viewport().repaint()
        ttimes.append((time.perf_counter() - t0) * 1000)
    print(f"tab search (typed → table filtered and repainted): p50 {pct(ttimes, 50):.1f} ms,"
          f" p95 {pct(ttimes, 95):.1f} ms")
    # -- one edit (校核 of a published entry) → committed, audited, fed values recounted, row repainted
    from datetime import date

    from hotline_desktop.core.kb import CheckResult

    tab.search_edit.clear()
    eids = [r.id for r in tab.model.all_rows[:40]]
    for eid in eids:
        s.kb.review(eid, [CheckResult(i, True) for i in range(1, 5)], date(2026, 3, 1))
        s.kb.publish(eid, date(2026, 3, 2))
    app.processEvents()
    etimes = []
    for eid in eids:
        tab.select_entry(eid)
        t0 = time.perf_counter()
        edit = s.kb.verify(eid, date(2026, 6, 1))
        tab._push(edit)
        app.processEvents()
        tab.table.viewport().repaint()
        etimes.append((time.perf_counter() - t0) * 1000)
    print(f"one edit on {args.entries} entries (校核 → stored, audited, row and lists updated, repainted):"
          f" p50 {pct(etimes, 50):.0f} ms, p95 {pct(etimes, 95):.0f} ms")
    tab.shutdown()
    s.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
