"""One 督办通知 as PDF, warm (prints figures; not a unit test).

    .venv/bin/python benchmarks/notice_pdf.py [--runs 30]

The whole NoticeService.pdf call for one notice of ordinary length (the preview and "save as PDF"
wait): reading the notice, laying out the 附件3 grid, embedding the CJK font subset and writing
the file. The first call (font registration) is reported separately; target warm median ≤ 150 ms.
Also reported: a 3,000-character notice (several pages) and 20 notices in one PDF.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline_desktop.core.domain import UnitDraft, UnitKind  # noqa: E402
from hotline_desktop.core.notices import Channel, Level  # noqa: E402
from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402
from hotline_desktop.services.notices import NoticeDraft  # noqa: E402

TEXT = "市民来电反映：小区内夜间施工噪音扰民，多次反映未得到有效解决。请你单位高度重视，立即组织核查处理。"


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        services = AppServices.open(DataPaths(Path(tmp) / "data"))
        try:
            services.units.create_many([UnitDraft(code="C01", name="燕山街道燕山社区居民委员会", kind=UnitKind.COMMUNITY)])
            uid = services.units.list()[0].id
            ns = services.notices
            short = ns.issue(NoticeDraft(uid, Channel.HOTLINE, Level.WRITTEN, date(2026, 12, 1), 5, content=TEXT * 3))
            long = ns.issue(NoticeDraft(uid, Channel.HOTLINE, Level.WRITTEN, date(2026, 12, 1), 5,
                                        content=(TEXT * 70)[:3000]))
            many = [ns.issue(NoticeDraft(uid, Channel.HOTLINE, Level.SMS, date(2026, 12, 1), 5, content=TEXT)).id
                    for _ in range(20)]
            out = Path(tmp) / "n.pdf"
            t = time.perf_counter()
            ns.pdf([short.id], out)
            cold = time.perf_counter() - t
            warm = _time(lambda: ns.pdf([short.id], out), args.runs)
            longs = _time(lambda: ns.pdf([long.id], out), max(5, args.runs // 5))
            batch = _time(lambda: ns.pdf(many, out), 3)
            med = statistics.median(warm)
            print(f"one notice, first call (font registration): {cold * 1000:7.1f} ms")
            print(f"one notice, warm: median {med * 1000:6.1f} ms, max {max(warm) * 1000:6.1f} ms over {args.runs} "
                  f"(target ≤ 150 ms: {'OK' if med <= 0.150 else 'MISSED'})")
            print(f"3,000-character notice: median {statistics.median(longs) * 1000:6.1f} ms")
            print(f"20 notices in one PDF:  median {statistics.median(batch) * 1000:6.1f} ms")
        finally:
            services.close()


if __name__ == "__main__":
    main()
