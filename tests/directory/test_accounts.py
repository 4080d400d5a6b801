"""Accounts in the store: create, change, reset, disable — each audited without password or
hash; protections against locking the administration out; the accounts-file import; the
``create-admin`` CLI; backups written 0600."""

from __future__ import annotations

import io
import json
import os
import stat
import sys

import pytest
from sqlalchemy import select

from directory import accounts as accounts_module
from directory.accounts import Accounts, AuthError, import_file_if_changed
from directory.auth import Throttle, authenticate, create_user
from directory.model import Account, AuditLog
from directory.networks import ensure_networks
from directory.store import ConflictError
from tests.directory.io.support import run_cli, store_url

PASSWORD = "richtig-langes-passwort"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def acc(store):
    ensure_networks(store)
    accounts = Accounts(store)
    accounts.create(
        "ada", role="admin", password=PASSWORD, actor="setup", must_change_password=False
    )
    return accounts


def audit_rows(store) -> list[AuditLog]:
    with store.session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.table_name == "account")))


def login(store, name, password):
    return authenticate(name, password, store=store, throttle=Throttle())


def test_create_with_one_time_password_must_change(acc):
    nets = list(acc.network_ids())[:2]
    info, otp = acc.create(
        "Kim",
        role="coordinator",
        networks=nets,
        display_name=" Kim K. ",
        email="Kim@Example.org",
        actor="ada",
    )
    assert (info.username, info.networks, info.display_name) == ("kim", tuple(nets), "Kim K.")
    assert otp and len(otp) >= 20 and info.must_change_password
    user = login(acc.store, "kim", otp)
    assert user.must_change_password and user.networks == tuple(nets)
    acc.set_password("kim", "mein-eigenes-passwort", actor="kim")
    assert not login(acc.store, "kim", "mein-eigenes-passwort").must_change_password
    with pytest.raises(AuthError, match="wrong"):
        login(acc.store, "kim", otp)  # the one-time password is gone


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"username": "x"}, "username"),
        ({"role": "root"}, "role"),
        ({"networks": ["atlantis"]}, "network"),
        ({"email": "not-an-address"}, "email"),
        ({"password": "short"}, "password_short"),
        ({"username": "ada"}, "exists"),
    ],
)
def test_create_refuses_bad_input_and_changes_nothing(acc, kwargs, code):
    before = (acc.list(), len(audit_rows(acc.store)))
    args = {"username": "neu", "role": "viewer", "actor": "ada"} | kwargs
    with pytest.raises(AuthError) as exc:
        acc.create(args.pop("username"), **args)
    assert exc.value.code == code
    assert (acc.list(), len(audit_rows(acc.store))) == before


def test_every_change_is_audited_without_password_or_hash(acc):
    net = next(iter(acc.network_ids()))
    _, otp = acc.create("kim", role="viewer", actor="ada")
    acc.set_password("kim", "kims-erstes-passwort", actor="kim")
    v = acc.get("kim").version
    acc.update(
        "kim",
        {"role": "coordinator", "networks": [net], "email": "kim@example.org"},
        actor="ada",
        expected_version=v,
    )
    _, otp2 = acc.reset_password("kim", actor="ada", expected_version=acc.get("kim").version)
    acc.set_password("kim", "kims-eigenes-passwort", actor="kim")
    acc.set_disabled("kim", True, actor="ada", expected_version=acc.get("kim").version)
    acc.set_disabled("kim", False, actor="ada", expected_version=acc.get("kim").version)
    history = acc.history("kim")
    assert [h.action for h in history] == [
        "enable",
        "disable",
        "password_change",
        "password_reset",
        "update",
        "password_change",
        "create",
    ]
    assert [h.actor for h in history] == ["ada", "ada", "kim", "ada", "ada", "kim", "ada"]
    assert history[5].changes == {"must_change_password": (True, False), "password": (None, "set")}
    assert history[4].changes == {
        "role": ("viewer", "coordinator"),
        "networks": ([], [net]),
        "email": (None, "kim@example.org"),
    }
    assert history[3].changes["password"] == (None, "set")
    assert history[3].changes["must_change_password"] == (False, True)
    assert history[1].changes["disabled_at"][1] is not None
    with acc.store.session() as s:
        hashes = list(s.scalars(select(Account.password_hash)))
    blob = json.dumps([(r.before, r.after) for r in audit_rows(acc.store)])
    for secret in (
        otp,
        otp2,
        "kims-erstes-passwort",
        "kims-eigenes-passwort",
        PASSWORD,
        *hashes,
        "$argon2",
    ):
        assert secret not in blob


def test_no_change_writes_no_audit_row(acc):
    before = len(audit_rows(acc.store))
    info = acc.update("ada", {"display_name": ""}, actor="ada", expected_version=None)
    acc.set_disabled("ada", False, actor="ada", expected_version=None)
    assert len(audit_rows(acc.store)) == before and info.version == 1


def test_the_administration_cannot_lock_itself_out(acc):
    with pytest.raises(AuthError) as own:
        acc.set_disabled("ada", True, actor="ada", expected_version=None)
    assert own.value.code == "self"
    with pytest.raises(AuthError) as demote:
        acc.update("ada", {"role": "viewer"}, actor="someone", expected_version=None)
    assert demote.value.code == "last_admin"
    acc.create("bob", role="admin", password=PASSWORD, actor="ada")
    with pytest.raises(AuthError) as self_demote:
        acc.update("ada", {"role": "viewer"}, actor="ada", expected_version=None)
    assert self_demote.value.code == "self"
    acc.set_disabled("bob", True, actor="ada", expected_version=None)
    with pytest.raises(AuthError) as last:  # bob is disabled: ada is the last active admin
        acc.set_disabled("ada", True, actor="carl", expected_version=None)
    assert last.value.code == "last_admin"
    assert acc.get("ada").active and acc.get("ada").role == "admin"


def test_stale_version_is_a_conflict(acc):
    acc.create("kim", role="viewer", actor="ada", password=PASSWORD)
    v = acc.get("kim").version
    acc.update("kim", {"display_name": "Kim"}, actor="ada", expected_version=v)
    with pytest.raises(ConflictError):
        acc.update("kim", {"display_name": "K."}, actor="bob", expected_version=v)
    assert acc.get("kim").display_name == "Kim"


def test_reset_and_disable_end_sessions(acc):
    acc.create("kim", role="viewer", actor="ada", password=PASSWORD)
    epoch = acc.user("kim").epoch
    acc.reset_password("kim", actor="ada", expected_version=None)
    assert acc.user("kim").epoch > epoch
    acc.set_disabled("kim", True, actor="ada", expected_version=None)
    assert acc.user("kim") is None and not acc.get("kim").active


def test_accounts_file_imported_once_and_store_stays_authoritative(acc, tmp_path):
    path = tmp_path / "users.toml"
    create_user("kim", PASSWORD, "coordinator", ("heide",), path=path, email="kim@example.org")
    create_user("ada", "ein-anderes-passwort", "viewer", path=path)  # exists in the store
    with path.open("a") as fh:
        fh.write('[users."bad"]\nrole = "root"\npassword_hash = "x"\n')
    assert import_file_if_changed(acc, path) == ["kim"]
    assert import_file_if_changed(acc, path) == ["kim"]  # unchanged file: not read again
    assert acc.import_file(path) == []  # read again: nothing missing any more
    assert login(acc.store, "kim", PASSWORD).networks == ("heide",)
    assert acc.by_email("KIM@example.org").username == "kim"
    assert acc.get("ada").role == "admin"  # the file did not overwrite the store
    assert acc.get("bad") is None
    imported = [h for h in acc.history() if h.action == "import"]
    assert [(h.username, h.actor) for h in imported] == [("kim", "accounts-file")]


def test_create_admin_cli_writes_to_the_store(store, monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_USERS_FILE", str(tmp_path / "none.toml"))
    url = store_url(store)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = run_cli(
        "create-admin", "--username", "Admin", "--password-stdin", "--database-url", url
    )
    assert code == 0, err
    assert "admin 'admin' created" in out
    assert login(store, "admin", PASSWORD).role == "admin"
    assert [h.actor for h in Accounts(store).history("admin")] == ["cli:operator"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("noch-ein-passwort\n"))
    code, _, err = run_cli(
        "create-admin", "--username", "admin", "--password-stdin", "--database-url", url
    )
    assert code == 1 and "exists already" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("noch-ein-passwort\n"))
    code, out, err = run_cli(
        "create-admin",
        "--username",
        "admin",
        "--password-stdin",
        "--replace",
        "--database-url",
        url,
    )
    assert code == 0, err
    assert "admin 'admin' updated" in out
    assert login(store, "admin", "noch-ein-passwort").role == "admin"
    monkeypatch.setattr(sys, "stdin", io.StringIO("kurz\n"))
    code, _, err = run_cli(
        "create-admin", "--username", "x2", "--password-stdin", "--database-url", url
    )
    assert code == 1 and "at least 12" in err and Accounts(store).get("x2") is None


def test_backup_file_is_private(store, tmp_path, monkeypatch):
    """0600 for the backup and for its temporary file, whatever the umask."""
    from directory import backup as backup_module

    ensure_networks(store)
    Accounts(store).create("ada", role="admin", password=PASSWORD, actor="t")
    old = os.umask(0o022)
    modes = []
    real_replace = type(tmp_path).replace

    def spy(self, target):  # the temporary file's mode just before the rename
        modes.append(stat.S_IMODE(os.stat(self).st_mode))
        return real_replace(self, target)

    monkeypatch.setattr(type(tmp_path), "replace", spy)
    try:
        for name in ("b.json", "b.json.gz"):
            path = tmp_path / name
            path.write_text("old, world-readable")
            os.chmod(path, 0o644)
            backup_module.backup(store, path)
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
            assert not (tmp_path / (name + ".part")).exists()
    finally:
        os.umask(old)
    assert modes == [0o600, 0o600]


def test_restoring_a_backup_without_accounts_keeps_the_accounts(store, tmp_path):
    from directory.backup import backup, restore

    ensure_networks(store)
    path = tmp_path / "old.json"
    backup(store, path)
    doc = json.loads(path.read_text())
    del doc["tables"]["account"], doc["counts"]["account"]  # as written before accounts
    from directory.backup import _digest

    doc["sha256"] = _digest(doc["tables"])
    path.write_text(json.dumps(doc))
    Accounts(store).create("ada", role="admin", password=PASSWORD, actor="t")
    restore(store, path)
    assert Accounts(store).get("ada") is not None
