import pytest

from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices


@pytest.fixture
def paths(tmp_path):
    return DataPaths(tmp_path / "data")


@pytest.fixture
def services(paths):
    s = AppServices.open(paths)
    yield s
    s.close()
