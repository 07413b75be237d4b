"""The store fixtures of tests/db and tests/services: every test that uses `paths` (hence
`services`) runs on SQLite and, when a test server is given, on PostgreSQL."""

import pg_support
import pytest

from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices

BACKENDS = ("sqlite", "pg")


def pytest_generate_tests(metafunc):
    """Every test that uses `paths` (hence `services`) runs on SQLite and, when a test server is
    given, on PostgreSQL; tests of SQLite's own file handling are marked sqlite_only."""
    if "backend" not in metafunc.fixturenames:
        return
    pg = pg_support.server_url() and not metafunc.definition.get_closest_marker("sqlite_only")
    metafunc.parametrize("backend", BACKENDS if pg else BACKENDS[:1], indirect=True)


@pytest.fixture
def backend(request):
    return getattr(request, "param", "sqlite")


@pytest.fixture
def paths(tmp_path, backend, monkeypatch):
    if backend == "sqlite":
        yield DataPaths(tmp_path / "data")
        return
    url = pg_support.fresh_database()
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)  # CLI commands run in the test open it too
    yield DataPaths(tmp_path / "data", url)
    pg_support.drop(url)


@pytest.fixture
def services(paths):
    s = AppServices.open(paths)
    yield s
    s.close()
