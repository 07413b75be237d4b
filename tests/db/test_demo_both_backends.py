"""The demo built on PostgreSQL exports exactly what the demo on SQLite exports: `export case`
and the ranking JSON, byte for byte, for every built-in scheme (issue 12)."""

import pg_support
import pytest

from hotline_desktop.cli import main
from hotline_desktop.core.scoring.scheme import list_builtin_schemes
from hotline_desktop.services.demo_data import DEMO_YEARS

pytestmark = pytest.mark.skipif(not pg_support.server_url(), reason="no PostgreSQL test server (--pg-url)")


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    url = pg_support.empty_database()
    lite, server = tmp_path_factory.mktemp("lite") / "data", tmp_path_factory.mktemp("server") / "data"
    assert main(["--data-dir", str(lite), "demo"]) == 0
    assert main(["--data-dir", str(server), "--database-url", url, "demo"]) == 0
    yield {"sqlite": ["--data-dir", str(lite)], "pg": ["--data-dir", str(server), "--database-url", url]}
    pg_support.drop(url)


def test_the_demo_covers_every_built_in_scheme():
    assert sorted(s for _y, s, _m in DEMO_YEARS) == sorted(list_builtin_schemes())


@pytest.mark.parametrize("year, scheme, _months", DEMO_YEARS)
@pytest.mark.parametrize("what", ["case", "ranking"])
def test_demo_exports_are_identical_on_sqlite_and_postgresql(demos, tmp_path, capsys, what, year, scheme, _months):
    out = {}
    for backend, opts in demos.items():
        path = tmp_path / f"{backend}.json"
        rc = main([*opts, "export", what, "--scheme", scheme, "--year", str(year), "--out", str(path)])
        assert rc == 0, capsys.readouterr().err
        out[backend] = path.read_bytes()
    assert len(out["sqlite"]) > 1000
    assert out["pg"] == out["sqlite"]
