"""An install without the [postgres] extra: a server URL is refused in Chinese, never a traceback."""

import importlib.util

import pytest

from hotline_desktop.cli import main

REAL_FIND_SPEC = importlib.util.find_spec


@pytest.fixture
def no_psycopg(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "psycopg" else REAL_FIND_SPEC(name, *a))


@pytest.mark.parametrize("argv", [
    ["backup"],
    ["export", "units", "u.xlsx"],
    ["migrate-db", "--to", "postgresql+psycopg://someone@/other"],
])
def test_server_url_without_driver_names_the_missing_extra(tmp_path, capsys, no_psycopg, argv):
    argv = [a.replace("u.xlsx", str(tmp_path / "u.xlsx")) for a in argv]
    url = "postgresql+psycopg://someone@/hotline"
    code = main(["--data-dir", str(tmp_path / "data"), "--database-url", url, *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert "psycopg" in err and "hotline-desktop[postgres]" in err
    assert "Traceback" not in err and "内部错误" not in err
    assert not (tmp_path / "u.xlsx").exists()
