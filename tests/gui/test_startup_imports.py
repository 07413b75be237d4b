"""The main window paints before the scoring engine loads: importing the window and the app's
services pulls in neither numpy nor the engine, openpyxl or reportlab (issue 8, cold start)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from hotline_desktop.gui import refguard  # noqa: F401
import hotline_desktop.gui.main_window, hotline_desktop.services.app  # noqa: E401,F401
from hotline_desktop.core.scoring import load_scheme
load_scheme("ganxian-2023-hotline")  # a scheme loads and is checked without the engine
heavy = [m for m in ("numpy", "hotline_desktop.core.scoring.engine", "openpyxl", "reportlab") if m in sys.modules]
print(",".join(heavy))
from hotline_desktop.core.scoring import ScoringEngine  # still there on first use
print(ScoringEngine.__name__)
"""


def test_main_window_imports_without_engine_or_numpy():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["", "ScoringEngine"]
