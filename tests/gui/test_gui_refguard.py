import subprocess
import sys

STRESS = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from hotline_desktop.gui import refguard
assert refguard.install() == refguard.needed()
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()

class O(QObject):
    ping = Signal(int)

o = O()
for i in range(60000):  # void calls and emits: each dropped a reference under PySide6 6.12 on 3.11
    label.setText("x")
    o.ping.emit(i)
print("alive")
"""


def test_long_sessions_do_not_abort_on_singleton_refcounts():
    r = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-500:]
    assert "alive" in r.stdout


NO_GUARD_ON_IMPORT = r"""
import sys
import hotline_desktop.gui, hotline_desktop.gui.app, hotline_desktop.gui.main_window  # imports only
from hotline_desktop.gui import refguard
assert not refguard.installed(), "installed as an import side effect"
refguard.install()
assert refguard.installed() == refguard.needed()
print("ok")
"""


def test_guard_is_installed_explicitly_not_on_import():
    r = subprocess.run([sys.executable, "-c", NO_GUARD_ON_IMPORT], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-500:]


def test_guard_is_scoped_to_the_affected_release():
    from hotline_desktop.gui.refguard import needed

    assert needed((6, 12, 0), (3, 11), "cpython")
    assert needed((6, 12, 1), (3, 11), "cpython")
    assert not needed((6, 11, 3), (3, 11), "cpython")  # no leak in 6.11.3
    assert not needed((6, 12, 0), (3, 12), "cpython")  # immortal singletons (PEP 683)
    assert not needed((6, 12, 0), (3, 11), "pypy")
    assert not needed((6, 13, 0), (3, 11), "cpython")


def test_screenshot_and_gui_start_install_the_guard():
    code = (
        "import os; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from hotline_desktop.gui import refguard\n"
        "from hotline_desktop.gui.app import ensure_application\n"
        "ensure_application()\n"
        "assert refguard.installed() == refguard.needed()\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-500:]
