"""Fixtures for the scoring-engine tests (tests/core/test_scoring_*.py)."""

import pytest

from hotline_desktop.core.scoring import load_scheme


@pytest.fixture(scope="session")
def licheng():
    return load_scheme("licheng-2020")


@pytest.fixture(scope="session")
def hotline():
    return load_scheme("ganxian-2023-hotline")


@pytest.fixture(scope="session")
def online():
    return load_scheme("ganxian-2023-online")
