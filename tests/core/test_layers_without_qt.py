import subprocess
import sys


def test_core_db_services_do_not_import_qt():
    code = (
        "import sys\n"
        "import hotline_desktop.core, hotline_desktop.core.domain, hotline_desktop.core.excel_units\n"
        "import hotline_desktop.db.store, hotline_desktop.db.repositories\n"
        "import hotline_desktop.services.app, hotline_desktop.services.demo, hotline_desktop.services.units_io\n"
        "import hotline_desktop.cli, hotline_desktop.paths\n"
        "import pkgutil, importlib, hotline_desktop.core as c, hotline_desktop.db as d, hotline_desktop.services as s\n"
        "for pkg in (c, d, s):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' not in m.name:\n"
        "            importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6') or m.startswith('shiboken'))\n"
        "assert not bad, bad\n"
        "print('clean')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "clean" in r.stdout
