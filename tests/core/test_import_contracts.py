"""The import-linter contracts of pyproject.toml hold: gui -> services -> db -> core, core
imports neither db nor services, and the GUI reaches the store only through services (minus
the listed start-up exceptions)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_layer_contracts_hold(monkeypatch):
    cli = pytest.importorskip("importlinter.cli")
    monkeypatch.chdir(ROOT)
    assert cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_the_contract_would_catch_core_importing_services(tmp_path, monkeypatch):
    """The check can fail: a copy of the config with core placed above services is broken."""
    cli = pytest.importorskip("importlinter.cli")
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    broken = text.replace('    "hotline_desktop.services",\n    "hotline_desktop.db",\n    "hotline_desktop.core",\n',
                          '    "hotline_desktop.core",\n    "hotline_desktop.services",\n    "hotline_desktop.db",\n')
    assert broken != text
    config = tmp_path / "pyproject.toml"
    config.write_text(broken, encoding="utf-8")
    monkeypatch.chdir(ROOT)
    assert cli.lint_imports(config_filename=str(config), no_cache=True) != 0
