import pytest
from backends import backend, paths, pytest_generate_tests, services  # noqa: F401 - fixtures and hook of both backends
from cli_support import run


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A demo data folder made by `hotline-desktop demo`, one per test module."""
    d = tmp_path_factory.mktemp("demo") / "data"
    assert run("--data-dir", d, "demo") == 0
    return d
