"""Fixtures for the directory tests: a store per backend and the real gazetteer."""

from __future__ import annotations

import pytest

from directory.store import Store
from geo.gazetteer import Gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The real gazetteer built from the shipped reference data."""
    return Gazetteer.default()


@pytest.fixture
def store(engine) -> Store:
    s = Store(engine)
    s.create_schema()
    return s
