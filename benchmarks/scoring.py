"""Scoring engine benchmarks (prints figures; not a unit test).

    .venv/bin/python benchmarks/scoring.py [--units 1000] [--months 12] [--edits 300]

Targets (ganxian-2023-hotline, 1,000 units × 12 months): full recompute ≤ 150 ms; incremental
recompute after one unit-month edit ≤ 5 ms (median); ``hotline-desktop score`` on that case as a
whole process ≤ 1.5 s.

Figures on a shared machine vary by ±30 %: compare runs made back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme  # noqa: E402

RATES = (
    "on_time_completion_rate", "satisfaction_rate", "rework_rate", "sign_in_rate", "response_rate",
    "return_overdue_rate", "first_extension_rate", "second_extension_rate",
)
COUNTS = (
    "returned_twice_reassigned", "dispatch_main_failures", "dispatch_co_failures", "notice_failures",
    "reply_nonstandard", "praise", "complaints", "supervision_light", "supervision_heavy",
)


def _rate(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low * 100, high * 100) / 100:.2f}"


def make_case(n_units: int, n_months: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    kinds = ("town", "department", "community")
    units = [{"code": f"U{i:04d}", "name": f"单位{i}", "kind": kinds[i % 3]} for i in range(n_units)]
    months = [f"2023-{m:02d}" for m in range(1, n_months + 1)]
    monthly = []
    for u in units:
        for m in months:
            volume = 0 if rng.random() < 0.05 else rng.randint(1, 200)
            values: dict[str, object] = {"volume": volume}
            if volume:
                values.update({
                    "on_time_completion_rate": _rate(rng, 90, 100),
                    "satisfaction_rate": _rate(rng, 85, 100),
                    "rework_rate": _rate(rng, 0, 8),
                    "sign_in_rate": _rate(rng, 95, 100),
                    "response_rate": _rate(rng, 80, 100),
                    "return_overdue_rate": _rate(rng, 0, 10),
                    "first_extension_rate": _rate(rng, 0, 15),
                    "second_extension_rate": _rate(rng, 0, 5),
                })
                for c in COUNTS:
                    values[c] = rng.choice((0, 0, 0, 1, 2))
            monthly.append({"unit": u["code"], "month": m, "values": values})
    annual = [
        {"unit": u["code"], "values": {
            "guarantee_mechanism": rng.random() < 0.8, "dedicated_staff": True,
            "publicity_articles": rng.randint(0, 10), "kb_format": rng.choice(("qa", "other", "none")),
            "leadership_meetings": rng.randint(0, 5), "commend_city": rng.randint(0, 2),
        }}
        for u in units
    ]
    return {"scheme": "ganxian-2023-hotline", "year": 2023, "months": months, "units": units,
            "monthly": monthly, "annual": annual}


def engine_from_case(case: dict) -> ScoringEngine:
    scheme = load_scheme(case["scheme"])
    units = [UnitRef(u["code"], u["name"], u["kind"]) for u in case["units"]]
    monthly = {(r["unit"], r["month"]): r["values"] for r in case["monthly"]}
    annual = {r["unit"]: r["values"] for r in case["annual"]}
    return ScoringEngine(scheme, units, months=case["months"], monthly=monthly, annual=annual)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--edits", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    case = make_case(args.units, args.months)
    print(f"ganxian-2023-hotline, {args.units} units × {args.months} months "
          f"({len(case['monthly'])} unit-months), Python {sys.version.split()[0]}")

    t0 = time.perf_counter()
    engine = engine_from_case(case)
    build = time.perf_counter() - t0
    print(f"build engine (parse + validate + full score):   {ms(build)}")

    units = engine.units
    parsed_monthly = {(u.code, m): engine.monthly_values(u.code, m) for u in units for m in engine.months}
    parsed_annual = {u.code: engine.annual_values(u.code) for u in units}
    colds = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        cold = ScoringEngine(engine.scheme, units, months=engine.months, monthly=parsed_monthly,
                             annual=parsed_annual)
        cold.result()
        colds.append(time.perf_counter() - t0)
    print(f"full score from parsed values (new engine), median of {args.repeat}: {ms(statistics.median(colds))}"
          f"   target ≤ 150 ms (min {ms(min(colds)).strip()})")
    fulls = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        engine.recompute()
        engine.result()
        fulls.append(time.perf_counter() - t0)
    full = statistics.median(fulls)
    print(f"full recompute() incl. change detection, median of {args.repeat}: {ms(full)} (min {ms(min(fulls)).strip()})")
    rng = random.Random(7)
    codes = [u["code"] for u in case["units"]]
    times = []
    changed_sizes = []
    for _ in range(args.edits):
        code = rng.choice(codes)
        month = rng.choice(case["months"])
        key = rng.choice(("satisfaction_rate", "on_time_completion_rate", "praise", "complaints", "volume"))
        if key == "volume":
            value = rng.choice((0, rng.randint(1, 200)))
        elif key.endswith("_rate"):
            value = _rate(rng, 80, 100)
        else:
            value = rng.randint(0, 4)
        if key == "volume" and value and engine.monthly_values(code, month).get("satisfaction_rate") is None:
            engine.set_many(monthly={(code, month): {k: "99" for k in RATES}})
        t0 = time.perf_counter()
        changed = engine.set_monthly_value(code, month, key, value)
        engine.result()
        times.append(time.perf_counter() - t0)
        changed_sizes.append(len(changed))
    inc = statistics.median(times)
    print(f"incremental, one unit-month edit, median of {args.edits}: {ms(inc)}   target ≤ 5 ms "
          f"(p90 {ms(sorted(times)[int(len(times) * 0.9)]).strip()}, "
          f"median units changed {statistics.median(changed_sizes):.0f})")
    print(f"ratio incremental / full: {inc / full:.3f}")

    # as the live ranking's month view: rate edits in one month, then the changed units' month
    # results read (the shown month of every unit was read once before, as the view does)
    month = case["months"][min(2, len(case["months"]) - 1)]
    for u in engine.result().units.values():
        _ = u.months[month].indicators
    set_times, read_times, sizes = [], [], []
    for _ in range(args.edits):
        code = rng.choice(codes)
        key = rng.choice(RATES[:5])
        t0 = time.perf_counter()
        changed = engine.set_monthly_value(code, month, key, _rate(rng, 85, 100))
        t1 = time.perf_counter()
        units_now = engine.result().units
        for c in changed:
            _ = units_now[c].months[month].indicators
        read_times.append(time.perf_counter() - t1)
        set_times.append(t1 - t0)
        sizes.append(len(changed))
    print(f"month view, one rate edit in {month}: set_many p50 {ms(statistics.median(set_times)).strip()} "
          f"p95 {ms(sorted(set_times)[int(len(set_times) * 0.95)]).strip()}; result + changed month results "
          f"p50 {ms(statistics.median(read_times)).strip()} p95 {ms(sorted(read_times)[int(len(read_times) * 0.95)]).strip()}"
          f" (median units changed {statistics.median(sizes):.0f})")

    # check that the incremental state equals a fresh full recompute
    snapshot = engine.result()
    engine.recompute()
    assert engine.result().units == snapshot.units, "incremental path diverged from full recompute"

    with tempfile.TemporaryDirectory() as tmp:
        case_path = Path(tmp) / "case.json"
        case_path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        out_path = Path(tmp) / "out.json"
        cli = ROOT / "hotline_desktop" / "cli.py"
        uses_cli = cli.exists() and "score" in cli.read_text(encoding="utf-8")
        if uses_cli:
            cmd = [sys.executable, "-m", "hotline_desktop", "score", str(case_path), "--output", str(out_path)]
            how = "python -m hotline_desktop score case.json --output out.json"
        else:
            cmd = [sys.executable, "-c",
                   "import sys; from hotline_desktop.core.scoring.case import run_score_case; "
                   f"sys.exit(run_score_case({str(case_path)!r}, {str(out_path)!r}))"]
            how = "python -c run_score_case(...) (no score subcommand in cli.py yet)"
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            runs.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                print(proc.stderr.decode("utf-8", "replace")[:2000])
                raise SystemExit(f"score process failed with exit {proc.returncode}")
        size = out_path.stat().st_size
        print(f"whole process, median of 3 [{how}]: {ms(statistics.median(runs))}   target ≤ 1500 ms "
              f"(output {size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
