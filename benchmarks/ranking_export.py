"""Ranking export benchmarks (prints figures; not a unit test).

    .venv/bin/python benchmarks/ranking_export.py [--units 600] [--repeat 3]

600 units with a year of data under each built-in scheme (built directly with the scoring
engine). Targets for the 600-unit ranking: Excel ≤ 1 s, PDF ≤ 2 s (table building included).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline_desktop.core.pdf_fonts import register_cjk_font  # noqa: E402
from hotline_desktop.core.ranking_pdf import write_ranking_pdf  # noqa: E402
from hotline_desktop.core.ranking_table import build_ranking_tables  # noqa: E402
from hotline_desktop.core.ranking_xlsx import write_ranking_xlsx  # noqa: E402
from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme  # noqa: E402

HOTLINE_RATES = (
    "on_time_completion_rate", "satisfaction_rate", "rework_rate", "sign_in_rate", "response_rate",
    "return_overdue_rate", "first_extension_rate", "second_extension_rate",
)


def _units(n: int) -> list[UnitRef]:
    towns = max(1, n // 12)
    depts = max(1, n // 4)
    comms = n - towns - depts
    out = [UnitRef(f"T{i:03d}", f"测试{i:03d}街道", "town") for i in range(1, towns + 1)]
    out += [UnitRef(f"C{i:04d}", f"测试{i:04d}社区", "community") for i in range(1, comms + 1)]
    out += [UnitRef(f"D{i:03d}", f"区测试第{i:03d}管理服务局", "department") for i in range(1, depts + 1)]
    return out


def _rate(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}"


def licheng(n: int, rng: random.Random):
    units = _units(n)
    monthly, annual = {}, {}
    for u in units:
        for m in range(1, 13):
            monthly[(u.code, f"2025-{m:02d}")] = {
                "volume": rng.randint(0, 40), "satisfaction_rate": _rate(rng, 90, 100),
                "overdue_normal": rng.choice((0, 0, 0, 1)), "shirk_once": rng.choice((0, 0, 0, 0, 1)),
                "dissatisfied_orders": rng.choice((0, 0, 1)), "info_reports": rng.randint(0, 3),
                "praise": rng.randint(0, 2),
            }
        annual[u.code] = {
            "leadership": rng.choice((3, 4, 5)), "institution": 2, "communication": rng.choice((1, 2)),
            "rework": rng.choice((3, 4)), "dissatisfaction_analysis": rng.choice((1, 2)),
            "archives": rng.random() < 0.8, "attitude": rng.choice((4, 5)),
        }
    return ScoringEngine(load_scheme("licheng-2020"), units, None, monthly, annual, year=2025), 2025


def hotline(n: int, rng: random.Random):
    units = _units(n)
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    monthly, annual = {}, {}
    for u in units:
        for m in months:
            vol = rng.choice((0, rng.randint(1, 80)))
            vals: dict[str, object] = {"volume": vol, "praise": rng.randint(0, 2), "complaints": rng.choice((0, 0, 1))}
            if vol:
                for k in HOTLINE_RATES:
                    vals[k] = _rate(rng, 0, 6) if k in ("rework_rate", "return_overdue_rate", "second_extension_rate") \
                        else _rate(rng, 88, 100)
            monthly[(u.code, m)] = vals
        annual[u.code] = {"guarantee_mechanism": True, "dedicated_staff": rng.random() < 0.9, "kb_format": "qa",
                          "publicity_articles": rng.randint(0, 8), "leadership_meetings": rng.randint(0, 4)}
    return ScoringEngine(load_scheme("ganxian-2023-hotline"), units, months, monthly, annual, year=2026), 2026


def _time(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return runs[0], statistics.median(runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(2026)
    register_cjk_font()
    today = date(2026, 11, 21)
    worst = {"xlsx": 0.0, "pdf": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for label, make, month in (
            ("licheng-2020 年度（3 组）", licheng, None),
            ("ganxian-2023-hotline 年度", hotline, None),
            ("ganxian-2023-hotline 2026-06 月度", hotline, "2026-06"),
        ):
            engine, year = make(args.units, rng)
            result = engine.result()

            def tables(result=result, year=year, month=month, engine=engine):
                return build_ranking_tables(result, year=year, month=month, today=today,
                                            monthly_values=engine.monthly_values)

            out_x = Path(tmp) / "r.xlsx"
            out_p = Path(tmp) / "r.pdf"
            t_build = _time(tables, args.repeat)
            t_x = _time(lambda tables=tables, out_x=out_x: write_ranking_xlsx(tables(), out_x), args.repeat)
            t_p = _time(lambda tables=tables, out_p=out_p: write_ranking_pdf(tables(), out_p), args.repeat)
            worst["xlsx"] = max(worst["xlsx"], t_x[1])
            worst["pdf"] = max(worst["pdf"], t_p[1])
            rows = sum(len(t.rows) for t in tables())
            print(f"{label}: {rows} 行")
            print(f"  build tables   first {t_build[0] * 1000:7.1f} ms   median {t_build[1] * 1000:7.1f} ms")
            print(f"  xlsx (incl.)   first {t_x[0] * 1000:7.1f} ms   median {t_x[1] * 1000:7.1f} ms   "
                  f"{out_x.stat().st_size // 1024} KiB   target ≤ 1000 ms")
            print(f"  pdf  (incl.)   first {t_p[0] * 1000:7.1f} ms   median {t_p[1] * 1000:7.1f} ms   "
                  f"{out_p.stat().st_size // 1024} KiB   target ≤ 2000 ms")
    ok = worst["xlsx"] <= 1.0 and worst["pdf"] <= 2.0
    print("OK" if ok else "SLOWER THAN TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
