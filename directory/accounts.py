"""Accounts of the maintenance page, kept in the store: create, change, reset, disable.

Why the store and not a file: the app may run as several replicas on one PostgreSQL
(``deploy/``); a per-replica file would give each replica its own accounts. So accounts
live in the ``account`` table, and every change is written to ``audit_log``
(``table_name = "account"``) with who, when and what — never the password or its hash.

The accounts file of earlier versions (``ATLAS_USERS_FILE``, TOML, argon2id hashes) is
still read: accounts in it that are missing in the store are imported once (audited as
``import``); after that the store is authoritative. :func:`write_users_file` writes that
file keeping every field of every account (tests and scripts still use it).

Passwords are stored only as salted argon2id hashes; :func:`verify_password` is the one
check, also used against a dummy hash for unknown users (see :mod:`directory.auth`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from directory.model import Account, AuditLog, RegionalNetwork, utcnow
from directory.store import ConflictError, NotFoundError, Store, audit_row

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("admin", "coordinator", "viewer")
MIN_PASSWORD_LENGTH = 12
#: actor recorded for accounts imported from the accounts file
FILE_ACTOR = "accounts-file"
TABLE = "account"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: what an admin may change with :meth:`Accounts.update`
EDITABLE = ("role", "networks", "display_name", "email")
_hasher = PasswordHasher()


class AuthError(ValueError):
    """A login or account operation was refused; the message (English) is safe to show.

    ``code`` names the reason for a translated message (``accounts.error.<code>`` in the UI
    catalogues), ``values`` fill its placeholders.
    """

    def __init__(self, message: str, code: str = "invalid", **values: Any) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class User:
    """A maintainer account. ``networks`` are the regional-network ids a coordinator edits."""

    username: str
    role: str
    networks: tuple[str, ...] = ()
    display_name: str = ""
    #: logged in with a password an admin set: must choose a new one before working
    must_change_password: bool = False
    #: the account's session epoch at login; a session of an older epoch ends
    epoch: int = field(default=0, compare=False)

    def can_edit_network(self, network_id: str | None) -> bool:
        if self.role == "admin":
            return True
        return self.role == "coordinator" and network_id in self.networks


@dataclass(frozen=True)
class AccountInfo:
    """What may be shown of an account (everything but the hash)."""

    id: str
    username: str
    role: str
    networks: tuple[str, ...]
    display_name: str
    email: str
    must_change_password: bool
    disabled_at: dt.datetime | None
    has_password: bool
    version: int
    updated_at: dt.datetime | None
    updated_by: str | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def user(self) -> User:
        return _user(self)


@dataclass(frozen=True)
class AccountChange:
    """One audited change of an account, for the history view."""

    audit_id: int
    at: dt.datetime
    actor: str | None
    username: str
    action: str
    #: field → (before, after); passwords appear only as the field ``password``
    changes: dict[str, tuple[Any, Any]]


# -- passwords -------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if ``password`` matches the argon2 ``password_hash``; the one password check."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_hash() -> str:
    """A hash of a random secret with the same cost as real hashes: verifying against it
    takes as long as a real check, so the answer for an unknown user takes as long too."""
    h = _hasher
    return _dummy_hash(h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len)


@cache
def _dummy_hash(*params: int) -> str:
    return hash_password(secrets.token_urlsafe(24))


def one_time_password() -> str:
    """A random password an admin hands over once (5 groups of 4 letters/digits, ~100 bit)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(5))


# -- validation ------------------------------------------------------------------------------
def check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise AuthError("username: 2–40 characters a–z, 0–9, '.', '_' or '-'", "username")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}", "role")
    return role


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters",
            "password_short",
            n=MIN_PASSWORD_LENGTH,
        )
    return password


def check_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if not _EMAIL.match(email) or len(email) > 200:
        raise AuthError("e-mail address is not valid", "email")
    return email


def _user(rec: Account | AccountInfo) -> User:
    return User(
        rec.username,
        rec.role,
        tuple(rec.networks or ()),
        rec.display_name or "",
        bool(rec.must_change_password),
        getattr(rec, "session_epoch", getattr(rec, "epoch", 0)) or 0,
    )


def _info(rec: Account) -> AccountInfo:
    return AccountInfo(
        rec.id,
        rec.username,
        rec.role,
        tuple(rec.networks or ()),
        rec.display_name or "",
        rec.email or "",
        bool(rec.must_change_password),
        rec.disabled_at,
        bool(rec.password_hash),
        rec.version,
        rec.updated_at,
        rec.updated_by,
    )


def _public(rec: Account) -> dict[str, Any]:
    """The audited view of an account: never the hash."""
    return {
        "username": rec.username,
        "role": rec.role,
        "networks": list(rec.networks or ()),
        "display_name": rec.display_name,
        "email": rec.email,
        "must_change_password": bool(rec.must_change_password),
        "disabled_at": rec.disabled_at,
    }


# -- the store -------------------------------------------------------------------------------
class Accounts:
    """Accounts in ``store``; every write audited, optimistic locking by ``version``.

    >>> from directory.bootstrap import open_store
    >>> accounts = Accounts(open_store("sqlite://", default_content=False))
    >>> pw = accounts.create("ada", role="admin", actor="setup")[1]
    >>> accounts.get("ada").role, accounts.get("ada").must_change_password, len(pw)
    ('admin', True, 24)
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    # reads ------------------------------------------------------------------------------------
    def list(self) -> list[AccountInfo]:
        with self.store.session() as s:
            return [_info(a) for a in s.scalars(select(Account).order_by(Account.username))]

    def get(self, username: str) -> AccountInfo | None:
        name = (username or "").strip().lower()
        with self.store.session() as s:
            rec = s.scalar(select(Account).where(Account.username == name))
            return _info(rec) if rec is not None else None

    def user(self, username: str) -> User | None:
        """The active account as a :class:`User` (``None`` if missing or disabled)."""
        name = (username or "").strip().lower()
        with self.store.session() as s:
            rec = s.scalar(select(Account).where(Account.username == name))
            return _user(rec) if rec is not None and rec.disabled_at is None else None

    def credentials(self, username: str) -> tuple[str | None, User | None, bool]:
        """(password hash, user, disabled) of ``username``; ``(None, None, False)`` if unknown."""
        with self.store.session() as s:
            rec = s.scalar(select(Account).where(Account.username == username))
            if rec is None:
                return None, None, False
            return rec.password_hash, _user(rec), rec.disabled_at is not None

    def by_email(self, email: str | None) -> AccountInfo | None:
        """The account with this OIDC e-mail address (case-insensitive), active or not."""
        wanted = (email or "").strip().casefold()
        if not wanted:
            return None
        for info in self.list():
            if info.email.strip().casefold() == wanted:
                return info
        return None

    def network_ids(self) -> dict[str, str]:
        """Regional networks of the store (id → name), the choices for coordinators."""
        with self.store.session() as s:
            return {
                n.id: n.name or n.id
                for n in s.scalars(select(RegionalNetwork).order_by(RegionalNetwork.id))
            }

    def history(self, username: str | None = None, limit: int = 500) -> list[AccountChange]:
        """Audited account changes, newest first (of one account, or of all)."""
        with self.store.session() as s:
            names = {a.id: a.username for a in s.scalars(select(Account))}
            stmt = select(AuditLog).where(AuditLog.table_name == TABLE)
            if username is not None:
                ids = [i for i, n in names.items() if n == username.strip().lower()]
                stmt = stmt.where(AuditLog.record_id.in_(ids))
            rows = s.scalars(stmt.order_by(AuditLog.id.desc()).limit(limit)).all()
            out = []
            for row in rows:
                before, after = row.before or {}, row.after or {}
                keys = dict.fromkeys([*after, *before])
                keys.pop("username", None)  # shown as the account column
                changes = {k: (before.get(k), after.get(k)) for k in keys}
                out.append(
                    AccountChange(
                        row.id,
                        row.at,
                        row.actor,
                        names.get(row.record_id, row.record_id),
                        row.action,
                        changes,
                    )
                )
            return out

    # writes -----------------------------------------------------------------------------------
    def _audit(
        self,
        s: Any,
        rec: Account,
        action: str,
        actor: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        for part in (before, after):
            assert part is None or "password_hash" not in part  # never audited
        s.add(AuditLog(**audit_row(TABLE, rec.id, action, actor, before, after)))

    def _check_networks(self, networks: Iterable[str]) -> list[str]:
        nets = list(dict.fromkeys(n for n in networks if n))
        unknown = sorted(set(nets) - set(self.network_ids()))
        if unknown:
            raise AuthError(
                f"unknown regional network(s): {', '.join(unknown)}",
                "network",
                networks=", ".join(unknown),
            )
        return nets

    def create(
        self,
        username: str,
        *,
        role: str,
        actor: str,
        networks: Iterable[str] = (),
        display_name: str | None = None,
        email: str | None = None,
        password: str | None = None,
        must_change_password: bool | None = None,
    ) -> tuple[AccountInfo, str | None]:
        """Create an account; returns it and the one-time password when none was given.

        Without ``password`` a one-time password is generated (returned once, never stored
        in clear) and the user must choose a new one at the first login.
        """
        name = check_username(username)
        check_role(role)
        nets = self._check_networks(networks)
        email = check_email(email)
        generated = None
        if password is None:
            password = generated = one_time_password()
        check_password(password)
        must = generated is not None if must_change_password is None else must_change_password
        rec = Account(
            username=name,
            role=role,
            networks=nets,
            display_name=(display_name or "").strip() or None,
            email=email,
            password_hash=hash_password(password),
            must_change_password=must,
            session_epoch=0,
            created_by=actor,
            updated_by=actor,
        )
        try:
            with self.store.session() as s:
                if s.scalar(select(Account.id).where(Account.username == name)):
                    raise AuthError(f"user {name!r} exists already", "exists", username=name)
                s.add(rec)
                s.flush()
                self._audit(s, rec, "create", actor, None, {**_public(rec), "password": "set"})
        except IntegrityError as exc:  # a concurrent create of the same name
            raise AuthError(f"user {name!r} exists already", "exists", username=name) from exc
        return _info(rec), generated

    def _change(
        self, username: str, expected_version: int | None, actor: str, action: str, apply: Any
    ) -> AccountInfo:
        name = (username or "").strip().lower()
        with self.store.session() as s:
            rec = s.scalar(select(Account).where(Account.username == name).with_for_update())
            if rec is None:
                raise NotFoundError(f"account {name!r} not found")
            if expected_version is not None and rec.version != expected_version:
                raise ConflictError(
                    f"account {name!r} was changed by someone else "
                    f"(version {rec.version}, expected {expected_version})"
                )
            old = _public(rec)
            extra = apply(s, rec)
            if extra is None:  # nothing changed
                return _info(rec)
            new = _public(rec)
            keys = [k for k in new if new[k] != old[k]]
            before = {k: old[k] for k in keys}
            after = {k: new[k] for k in keys} | extra
            if not after:
                return _info(rec)
            rec.updated_by = actor
            rec.updated_at = utcnow()
            s.flush()
            self._audit(s, rec, action, actor, before, after)
            return _info(rec)

    def _active_admins(self, s: Any) -> set[str]:
        return set(
            s.scalars(
                select(Account.username).where(
                    Account.role == "admin", Account.disabled_at.is_(None)
                )
            )
        )

    def update(
        self, username: str, changes: Mapping[str, Any], *, actor: str, expected_version: int | None
    ) -> AccountInfo:
        """Change role, networks, display name or e-mail. The last active admin stays admin,
        and nobody removes their own admin role."""
        bad = set(changes) - set(EDITABLE)
        if bad:
            raise AuthError(f"cannot change {sorted(bad)}", "invalid")
        clean = dict(changes)
        if "role" in clean:
            check_role(clean["role"])
        if "networks" in clean:
            clean["networks"] = self._check_networks(clean["networks"] or ())
        if "email" in clean:
            clean["email"] = check_email(clean["email"])
        if "display_name" in clean:
            clean["display_name"] = (clean["display_name"] or "").strip() or None

        def apply(s: Any, rec: Account) -> dict | None:
            if clean.get("role", rec.role) != "admin" and rec.role == "admin":
                if rec.username == actor:
                    raise AuthError("you cannot remove your own admin role", "self")
                if self._active_admins(s) <= {rec.username}:
                    raise AuthError("the last active admin must stay admin", "last_admin")
            changed = False
            for key, value in clean.items():
                current = list(rec.networks or ()) if key == "networks" else getattr(rec, key)
                if current != value:
                    setattr(rec, key, value)
                    changed = True
            return {} if changed else None

        return self._change(username, expected_version, actor, "update", apply)

    def set_password(
        self,
        username: str,
        password: str,
        *,
        actor: str,
        must_change_password: bool = False,
        expected_version: int | None = None,
        action: str = "password_change",
    ) -> AccountInfo:
        """Set a new password (ends the account's other sessions). A user changing their own
        password must choose one that differs from the current one."""
        check_password(password)

        def apply(s: Any, rec: Account) -> dict:
            if (
                rec.password_hash
                and actor == rec.username
                and verify_password(rec.password_hash, password)
            ):
                raise AuthError("the new password must differ from the old one", "same_password")
            rec.password_hash = hash_password(password)
            rec.must_change_password = must_change_password
            rec.session_epoch = (rec.session_epoch or 0) + 1
            return {"password": "set"}

        return self._change(username, expected_version, actor, action, apply)

    def reset_password(
        self, username: str, *, actor: str, expected_version: int | None
    ) -> tuple[AccountInfo, str]:
        """Give the account a generated one-time password (returned once); the user must
        choose a new one at the next login."""
        password = one_time_password()
        info = self.set_password(
            username,
            password,
            actor=actor,
            must_change_password=True,
            expected_version=expected_version,
            action="password_reset",
        )
        return info, password

    def set_disabled(
        self, username: str, disabled: bool, *, actor: str, expected_version: int | None
    ) -> AccountInfo:
        """Disable (sessions end, no login) or enable an account. Nobody disables their own
        account or the last active admin."""

        def apply(s: Any, rec: Account) -> dict | None:
            if disabled == (rec.disabled_at is not None):
                return None
            if disabled:
                if rec.username == actor:
                    raise AuthError("you cannot disable your own account", "self")
                if rec.role == "admin" and self._active_admins(s) <= {rec.username}:
                    raise AuthError("the last active admin cannot be disabled", "last_admin")
                rec.disabled_at = utcnow()
                rec.session_epoch = (rec.session_epoch or 0) + 1
            else:
                rec.disabled_at = None
            return {}

        return self._change(
            username, expected_version, actor, "disable" if disabled else "enable", apply
        )

    # the accounts file ----------------------------------------------------------------------
    def import_file(self, path: Path, *, actor: str = FILE_ACTOR) -> list[str]:
        """Import the accounts of the TOML file that the store does not have yet (audited as
        ``import``); returns their names. Invalid entries are skipped with a log warning."""
        records = read_users_file(path)
        if not records:
            return []
        with self.store.session() as s:
            have = set(s.scalars(select(Account.username)))
        added = []
        for raw_name, rec in records.items():
            name = str(raw_name).strip().lower()
            if name in have:
                continue
            try:
                check_username(name)
                check_role(rec.get("role", ""))
                if not str(rec.get("password_hash", "")).startswith("$argon2"):
                    raise AuthError("no argon2 password hash", "invalid")
                email = check_email(rec.get("email"))
            except AuthError as exc:
                log.warning("accounts file %s: account %r skipped: %s", path, name, exc)
                continue
            acc = Account(
                username=name,
                role=rec["role"],
                networks=[str(n) for n in rec.get("networks", ())],
                display_name=str(rec.get("display_name") or "") or None,
                email=email,
                password_hash=str(rec["password_hash"]),
                must_change_password=bool(rec.get("must_change_password", False)),
                session_epoch=0,
                created_by=actor,
                updated_by=actor,
            )
            try:
                with self.store.session() as s:
                    s.add(acc)
                    s.flush()
                    self._audit(s, acc, "import", actor, None, _public(acc))
            except IntegrityError:  # imported concurrently by another replica
                continue
            added.append(name)
        return added


_imported: dict[tuple, list[str]] = {}
_import_lock = threading.Lock()


def import_file_if_changed(accounts: Accounts, path: Path) -> list[str]:
    """:meth:`Accounts.import_file`, but only when the file (or the store) is new to this
    process: a ``stat`` per call, the file is read only after it changed."""
    try:
        st = path.stat()
    except OSError:
        return []
    key = (
        accounts.store.engine.url.render_as_string(hide_password=False),
        id(accounts.store),
        str(path),
        st.st_mtime_ns,
        st.st_size,
        st.st_ino,
    )
    with _import_lock:
        if key not in _imported:
            _imported[key] = accounts.import_file(path)
        return _imported[key]


# -- the accounts file (TOML) --------------------------------------------------------------
def users_file() -> Path:
    return Path(os.environ.get("ATLAS_USERS_FILE", ROOT / "var" / "users.toml"))


def read_users_file(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh).get("users", {})


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value)
    text = "".join(c if c.isprintable() or c == "\t" else f"\\u{ord(c):04x}" for c in text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_users_file(path: Path, users: Mapping[str, Mapping[str, Any]]) -> None:
    """Write the accounts file, keeping every field of every account (0600, atomically)."""
    lines = ["# Integrationsatlas accounts: argon2id password hashes. Keep this file private.", ""]
    for name in sorted(users):
        lines.append(f"[users.{_toml_value(name)}]")
        for key, value in users[name].items():
            if value is None or not re.fullmatch(r"[A-Za-z0-9_-]+", str(key)):
                continue
            if isinstance(value, Mapping):
                log.warning("accounts file: nested table %r of %r not kept", key, name)
                continue
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write("\n".join(lines))
    tmp.replace(path)
