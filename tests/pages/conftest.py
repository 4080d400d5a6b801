"""AppTest fixtures: every page test runs the real app.py on a temporary SQLite store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def _page_env(tmp_path_factory):
    db = tmp_path_factory.mktemp("pages") / "atlas.sqlite"
    old = {k: os.environ.get(k) for k in ("DATABASE_URL", "ATLAS_TILES")}
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["ATLAS_TILES"] = "none"
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def app() -> AppTest:
    """A fresh AppTest of the whole app (navigation and shell included)."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
