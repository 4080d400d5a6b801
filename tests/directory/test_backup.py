"""Backup → restore gives identical table contents; portable between backends."""

# ruff: noqa: F811  (pytest fixtures imported from tests.directory.io.support)
from __future__ import annotations

import pytest

from directory.backup import BackupError, backup, read_backup, restore
from directory.demo import insert_demo
from directory.model import Service
from directory.store import Store
from tests.directory.io.support import (  # noqa: F401 (fixtures)
    _default_geo,
    geo,
    run_cli,
    seeded,
    snapshot_store,
    store_url,
)


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_backup_restore_identical(name, seeded, gazetteer, tmp_path):
    insert_demo(seeded, 20, seed=3, gazetteer=gazetteer)
    svc = seeded.get(Service, next(iter(_ids(seeded))))
    seeded.retire(svc, actor="t", expected_version=svc.version)  # retired + versions + audit
    before = snapshot_store(seeded)
    path = tmp_path / name
    code, _, err = run_cli("backup", str(path), "--database-url", store_url(seeded))
    assert code == 0, err
    # into a fresh SQLite store (portability), and back into the source after changes
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    restore(other, path)
    assert snapshot_store(other) == before
    insert_demo(seeded, 5, seed=9, gazetteer=gazetteer)
    assert snapshot_store(seeded) != before
    code, _, err = run_cli("restore", str(path), "--yes", "--database-url", store_url(seeded))
    assert code == 0, err
    assert snapshot_store(seeded) == before
    # audit ids continue after a restore (sequence reset on PostgreSQL)
    svc = seeded.get(Service, next(iter(_ids(seeded))))
    seeded.update(svc, {"description": "neu"}, actor="t", expected_version=svc.version)


def _ids(store):
    from sqlalchemy import select

    with store.session() as s:
        return list(s.scalars(select(Service.id).where(Service.retired_at.is_(None))
                              .order_by(Service.id)))  # fmt: skip


def test_restore_requires_confirmation_without_terminal(seeded, tmp_path):
    path = tmp_path / "b.json"
    backup(seeded, path)
    code, _, err = run_cli("restore", str(path), "--database-url", store_url(seeded))
    assert code != 0 and "--yes" in err


def test_read_backup_rejects_missing_file(tmp_path):
    with pytest.raises(BackupError, match="nicht lesbar"):
        read_backup(tmp_path / "nope.json")
