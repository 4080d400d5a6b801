"""Shared fixtures: an ``engine`` on each backend (SQLite file and PostgreSQL).

PostgreSQL: ``TEST_DATABASE_URL`` or ``postgresql+psycopg2://postgres@127.0.0.1:5432/test``
(falling back to user ``root``). Every test gets its own schema (via ``search_path``), dropped
afterwards, so runs never collide. Unreachable PostgreSQL skips those tests locally but fails
them when ``CI`` and ``REQUIRE_POSTGRES=1`` are set (as in ``.ci/run``).
"""

from __future__ import annotations

import os
import uuid
from functools import cache

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Property tests: modest and reproducible by default (CI time), thorough on request:
#   HYPOTHESIS_PROFILE=thorough python -m pytest tests/pages/test_properties.py
# ``HYPOTHESIS_EXAMPLES`` overrides the number of examples of the default profile.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "30")), deadline=None,
    derandomize=True, print_blob=True, suppress_health_check=_SLOW_OK,
)  # fmt: skip
settings.register_profile("thorough", max_examples=500, deadline=None, print_blob=True,
                          suppress_health_check=_SLOW_OK)  # fmt: skip
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_DEFAULT_URLS = (
    "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg2://root@127.0.0.1:5432/test",
)


@cache
def postgres_url() -> tuple[str | None, str | None]:
    """A reachable PostgreSQL URL, or ``(None, reason)``."""
    env = os.environ.get("TEST_DATABASE_URL")
    candidates = (env,) if env else PG_DEFAULT_URLS
    errors = []
    for url in candidates:
        try:
            eng = create_engine(url, connect_args={"connect_timeout": 3})
            with eng.connect() as conn:
                conn.execute(text("select 1"))
            eng.dispose()
            return url, None
        except Exception as exc:  # any driver/connection failure
            errors.append(f"{make_url(url).render_as_string(hide_password=True)}: "
                          f"{str(exc).splitlines()[0]}")  # fmt: skip
    return None, "; ".join(errors)


def postgres_required() -> bool:
    return bool(os.environ.get("CI")) and os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """A fresh, empty database engine on SQLite (tmp file) or PostgreSQL (own schema)."""
    from directory.store import get_engine

    if request.param == "sqlite":
        eng = get_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
        yield eng
        eng.dispose()
        return

    url, reason = postgres_url()
    if url is None:
        if postgres_required():
            pytest.fail(f"PostgreSQL required (CI, REQUIRE_POSTGRES=1) but unreachable: {reason}")
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = get_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
