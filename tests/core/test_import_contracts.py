"""The import-linter contracts of pyproject.toml hold: cli -> gui -> services -> db -> core, core
imports neither db nor services, and the GUI reaches the store only through services (minus
the listed start-up exceptions). Run in a subprocess: import-linter configures logging."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))"


def _lint(config: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("importlinter")
    return subprocess.run([sys.executable, "-c", LINT, str(config)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_layer_contracts_hold():
    done = _lint(ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_contract_would_catch_core_importing_services(tmp_path):
    """The check can fail: a copy of the config with core placed above services is broken."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    broken = text.replace('    "hotline_desktop.services",\n    "hotline_desktop.db",\n    "hotline_desktop.core",\n',
                          '    "hotline_desktop.core",\n    "hotline_desktop.services",\n    "hotline_desktop.db",\n')
    assert broken != text
    config = tmp_path / "pyproject.toml"
    config.write_text(broken, encoding="utf-8")
    done = _lint(config)
    assert done.returncode != 0 and "BROKEN" in done.stdout
