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


@pytest.mark.parametrize("query", ["低保", "城市低保标准", "医保集中缴费", "社区", "附件", "〔2026〕", "%", "_", "a", "不存在的词语"])
def test_kb_search_finds_the_same_entries_on_both_backends(demos, query):
    """SQLite's FTS5 trigram index and PostgreSQL's pg_trgm ILIKE find the same entries (the
    order within one field differs: SQLite ranks by bm25, PostgreSQL by entry id)."""
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices

    found = {}
    for backend, opts in demos.items():
        paths = DataPaths(opts[1], opts[3] if len(opts) > 2 else None)
        services = AppServices.open(paths, lock=False, auto_backup=False)
        try:
            found[backend] = sorted(h.row.id for h in services.kb.search(query))
        finally:
            services.close()
    assert found["pg"] == found["sqlite"]
    if query in ("低保", "社区"):
        assert len(found["sqlite"]) > 5
