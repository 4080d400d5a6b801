"""Shared helpers for the import/export/backup tests (imported by test modules)."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from directory.__main__ import main
from directory.backup import canonical_dump
from directory.io import commit, load_preview
from directory.networks import ensure_networks
from directory.validate import GeoContext, set_default_geo

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
GOOD_CSV = FIXTURES / "angebote_de.csv"
HSDS_DIR = FIXTURES / "hsds"  # vendored Open Referral schema and examples (see SOURCE.md)


def zip_of(files: dict[str, bytes]) -> bytes:
    """A ZIP archive holding ``files`` (name → content)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="session")
def geo(gazetteer) -> GeoContext:
    return GeoContext(gazetteer)


@pytest.fixture(autouse=True)
def _default_geo(geo):
    set_default_geo(geo)
    yield
    set_default_geo(None)


def seed_good(store) -> None:
    """Import the German sample file (4 offers) into ``store``."""
    preview = load_preview(GOOD_CSV, store=store)
    assert preview.ok, preview.report_lines()
    commit(store, preview, actor="test")


@pytest.fixture
def seeded(store):
    """A store as the app and the CLI open it (regional networks mirrored), with 4 offers."""
    ensure_networks(store)
    seed_good(store)
    return store


def store_url(store) -> str:
    """A URL for the CLI that reaches the same database (and PostgreSQL schema)."""
    url = store.engine.url
    if url.get_backend_name() == "postgresql":
        with store.engine.connect() as conn:
            schema = conn.execute(text("select current_schema()")).scalar()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def snapshot_store(store) -> str:
    return canonical_dump(store)
