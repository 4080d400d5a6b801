"""Accounts, roles and password checks for the maintenance page.

Accounts live in a TOML file outside the repository (``ATLAS_USERS_FILE``, default
``var/users.toml``, which git ignores). Passwords are stored only as salted argon2id hashes.
Repeated failed logins for an account are slowed down: after :data:`FREE_ATTEMPTS`
failures, each further attempt must wait an exponentially growing time.
"""

from __future__ import annotations

import os
import re
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("admin", "coordinator", "viewer")
FREE_ATTEMPTS = 3
MAX_DELAY_S = 300.0
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_hasher = PasswordHasher()


class AuthError(ValueError):
    """A login or account operation was refused; the message is safe to show."""


@dataclass(frozen=True)
class User:
    """A maintainer account. ``networks`` are the regional-network ids a coordinator edits."""

    username: str
    role: str
    networks: tuple[str, ...] = ()
    display_name: str = ""

    def can_edit_network(self, network_id: str | None) -> bool:
        if self.role == "admin":
            return True
        return self.role == "coordinator" and network_id in self.networks


def users_file() -> Path:
    return Path(os.environ.get("ATLAS_USERS_FILE", ROOT / "var" / "users.toml"))


def _load(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh).get("users", {})


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _save(path: Path, users: dict[str, dict]) -> None:
    lines = ["# Integrationsatlas accounts: argon2id password hashes. Keep this file private.", ""]
    for name in sorted(users):
        u = users[name]
        nets = ", ".join(_toml_str(n) for n in u.get("networks", ()))
        lines += [
            f"[users.{_toml_str(name)}]",
            f"role = {_toml_str(u['role'])}",
            f"password_hash = {_toml_str(u['password_hash'])}",
            f"networks = [{nets}]",
            f"display_name = {_toml_str(u.get('display_name', ''))}",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def create_user(
    username: str,
    password: str,
    role: str,
    networks: tuple[str, ...] = (),
    *,
    path: Path | None = None,
    replace: bool = False,
) -> User:
    """Create (or with ``replace`` overwrite) an account; validates every argument."""
    path = path or users_file()
    if not _USERNAME.match(username):
        raise AuthError("username: 2–40 characters a–z, 0–9, '.', '_' or '-'")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    users = _load(path)
    if username in users and not replace:
        raise AuthError(f"user {username!r} exists already")
    users[username] = {
        "role": role,
        "password_hash": _hasher.hash(password),
        "networks": list(networks),
    }
    _save(path, users)
    return User(username, role, tuple(networks))


@dataclass
class Throttle:
    """Per-account failed-login counter with exponential back-off (in memory)."""

    failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, username: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        count, last = self.failures.get(username, (0, 0.0))
        if count < FREE_ATTEMPTS:
            return 0.0
        delay = min(MAX_DELAY_S, 2.0 ** (count - FREE_ATTEMPTS + 1))
        return max(0.0, last + delay - now)

    def fail(self, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self.lock:
            count, _ = self.failures.get(username, (0, 0.0))
            self.failures[username] = (count + 1, now)

    def reset(self, username: str) -> None:
        with self.lock:
            self.failures.pop(username, None)


THROTTLE = Throttle()


def authenticate(
    username: str,
    password: str,
    *,
    path: Path | None = None,
    throttle: Throttle = THROTTLE,
    now: float | None = None,
) -> User:
    """Check a login; return the user or raise :class:`AuthError` with a safe message.

    Unknown user and wrong password give the same message. While an account is throttled
    the password is not even checked.
    """
    username = (username or "").strip().lower()
    wait = throttle.wait_seconds(username, now)
    if wait > 0:
        raise AuthError(f"too many failed attempts: try again in {wait:.0f} s")
    record = _load(path or users_file()).get(username)
    try:
        if record is None:
            raise VerificationError("unknown user")
        _hasher.verify(record["password_hash"], password or "")
    except (VerificationError, InvalidHashError) as exc:
        throttle.fail(username, now)
        raise AuthError("username or password is wrong") from exc
    throttle.reset(username)
    return User(
        username,
        record["role"],
        tuple(record.get("networks", ())),
        record.get("display_name", ""),
    )
