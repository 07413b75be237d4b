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


WINDOW_PROBE = """
import sys
from datetime import date
from pathlib import Path
from PySide6.QtCore import QEvent, QObject
from hotline_desktop.gui.app import ensure_application, open_services
from hotline_desktop.paths import DataPaths

folder = Path(sys.argv[1])
if sys.argv[2] == "fill":  # a district with this year's figures, as an office starts with
    from hotline_desktop.core.domain import UnitDraft, UnitKind
    from hotline_desktop.services.app import AppServices
    from hotline_desktop.services.demo_data import fill_demo_year
    s = AppServices.open(DataPaths(folder))
    s.units.create_many([UnitDraft(code=f"JD{i:02d}", name=f"第{i}街道", kind=UnitKind.TOWN) for i in range(6)])
    fill_demo_year(s.assessment, date.today().year, "ganxian-2023-hotline", 3)
    s.close()
    raise SystemExit(0)
HEAVY = ("numpy", "hotline_desktop.core.scoring.engine", "hotline_desktop.services.orders", "openpyxl",
         "reportlab", "python_calamine", "alembic")
app = ensure_application()
services = open_services(DataPaths.from_override(str(folder)))
from hotline_desktop.gui.main_window import MainWindow

class Paints(QObject):
    count = 0
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            self.count += 1
        return False

win = MainWindow(services, remember=False)
paints = Paints()
win.installEventFilter(paints)
win.show()
while paints.count == 0:
    app.processEvents()
print("at paint:" + ",".join(m for m in HEAVY if m in sys.modules))
import time
end = time.monotonic() + 30
while getattr(win, "warm_up", None) is None and time.monotonic() < end:  # started a moment after the paint
    app.processEvents()
win.warm_up.join()
print("warmed:" + ",".join(m for m in HEAVY[:3] if m in sys.modules))
ranking = win.page("ranking")
win.tabs.setCurrentWidget(ranking)
while ranking.model.rowCount() == 0:
    app.processEvents()
print("ranked:" + str(ranking.model.rowCount()) + ":" + str("numpy" in sys.modules))
win.release()
win.close()
"""


HEAVY_AFTER_PAINT = ("numpy", "hotline_desktop.core.scoring.engine", "hotline_desktop.services.orders")


def test_the_painted_main_window_has_loaded_neither_numpy_nor_the_engine(tmp_path):
    """The whole start as a user has it (data folder opened, every tab built, the window painted):
    numpy, the engine, the orders layer, openpyxl, reportlab, calamine and Alembic are not loaded
    yet; a moment later the window loads the first three in the background, and 排名 ranks the units."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    folder = tmp_path / "data"

    def run(*args):
        out = subprocess.run([sys.executable, "-c", WINDOW_PROBE, str(folder), *args], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr
        return [ln for ln in out.stdout.splitlines() if ln.startswith(("at paint:", "warmed:", "ranked:"))]

    run("fill")
    assert run("open") == ["at paint:", "warmed:" + ",".join(HEAVY_AFTER_PAINT), "ranked:6:True"]
