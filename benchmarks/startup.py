"""Cold start-up of the GUI: process start → main window shown with the units table filled.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/startup.py [--units 1000] [--runs 5] [--months 10]

Creates a data folder with N units through the services, then launches the app N times in
fresh processes with HOTLINE_EXIT_AFTER_SHOWN=1 (run_gui prints `startup_seconds=…` measured
from HOTLINE_T0, taken here just before the launch, and quits). Target: median ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 1.5
LAUNCH = "import sys; from hotline_desktop.gui.app import run_gui; sys.exit(run_gui(sys.argv[1]))"


def compile_package() -> None:
    """Byte-compile hotline_desktop once before the cold starts. The installed app (PyInstaller)
    carries its modules as bytecode; a checkout run with PYTHONDONTWRITEBYTECODE=1 (as the dev
    machines are) would otherwise compile all ~180 of them from source in every cold start
    (~0.3 s of CPU), which no user waits for. Up-to-date files are left as they are."""
    import compileall

    compileall.compile_dir(str(ROOT / "hotline_desktop"), quiet=1)


def make_data(folder: Path, n: int, months: int = 0) -> None:
    from hotline_desktop.core.domain import UnitDraft, UnitKind
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices

    s = AppServices.open(DataPaths(folder))
    try:
        if len(s.units.list()) >= n:
            return
        towns = max(1, n // 40)
        depts = max(1, n // 5)
        drafts = [UnitDraft(code=f"JD{i:03d}", name=f"第{i}街道", kind=UnitKind.TOWN, contact="王主任",
                            phone=f"0531-8888{i:04d}") for i in range(towns)]
        drafts += [UnitDraft(code=f"KS{i:04d}", name=f"职能部门{i}", kind=UnitKind.DEPARTMENT, contact="李科长",
                             phone=f"138{i:08d}") for i in range(depts)]
        drafts += [
            UnitDraft(code=f"SQ{i:04d}", name=f"幸福里第{i}社区", kind=UnitKind.COMMUNITY,
                      parent_code=f"JD{i % towns:03d}", contact="张三", phone=f"139{i:08d}",
                      active=i % 30 != 0, notes="示例" if i % 9 == 0 else "")
            for i in range(n - towns - depts)
        ]
        s.units.create_many(drafts)
        if months:  # this year's figures under the current year's scheme, as an office has them
            from datetime import date

            from hotline_desktop.services.demo_data import fill_demo_year

            fill_demo_year(s.assessment, date.today().year, "ganxian-2023-hotline", months)
    finally:
        s.close()


def one_run(folder: Path, config: Path) -> tuple[float, int]:
    env = dict(os.environ, HOTLINE_EXIT_AFTER_SHOWN="1", QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["XDG_CONFIG_HOME"] = str(config)  # the window's remembered layout (QSettings): ours, not the user's
    env["HOTLINE_T0"] = repr(time.time())
    out = subprocess.run([sys.executable, "-c", LAUNCH, str(folder)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("startup_seconds=")), None)
    if out.returncode != 0 or line is None:
        raise SystemExit(f"launch failed (rc={out.returncode}):\n{out.stdout}\n{out.stderr}")
    fields = dict(part.split("=") for part in line.split())
    return float(fields["startup_seconds"]), int(fields["units"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--months", type=int, default=0, help="also fill this many months of figures (0–12)")
    ap.add_argument("--data-dir", help="reuse this folder (default: a temporary one)")
    ap.add_argument("--last-tab", default="", help="start as if this tab (units, monthly, annual, ranking) was "
                                                     "the last one used: the window reopens on it")
    args = ap.parse_args()
    compile_package()  # as installed: the app's modules start from bytecode, not compiled at each start
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        folder = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
        config = Path(tmp) / "config"
        make_data(folder, args.units, args.months)
        conf = config / "hotline_desktop" / "hotline_desktop.conf"

        def remember_tab() -> None:
            conf.parent.mkdir(parents=True, exist_ok=True)
            conf.write_text(f"[mainWindow]\ntab={args.last_tab}\n" if args.last_tab else "", encoding="utf-8")

        remember_tab()
        one_run(folder, config)  # warm the OS file cache once (the app's own caches start cold every run)
        times = []
        for i in range(args.runs):
            remember_tab()
            t, rows = one_run(folder, config)
            times.append(t)
            print(f"run {i + 1}: {t:.3f} s ({rows} units in the model)")
        med = statistics.median(times)
        verdict = "OK" if med <= TARGET_SECONDS else "TOO SLOW"
        print(f"median of {args.runs}: {med:.3f} s (target ≤ {TARGET_SECONDS} s) {verdict}")
        return 0 if med <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
