"""Password login for the maintenance page: check, throttle, and the accounts-file writer.

Accounts live in the store (:mod:`directory.accounts`). :func:`authenticate` checks a login
so that it can be neither brute-forced nor abused against the real user:

* **Atomic throttling.** Before the (slow) password check, one locked step decides whether
  the attempt may proceed *and* records it as a failure; a success takes that back. So 20
  parallel wrong attempts cannot all slip through a check made before any was recorded.
* **Per (user, client), per client, per user.** A client (the address Streamlit sees,
  ``st.context.ip_address``; behind the proxy of ``deploy/`` the forwarded address) gets
  :data:`PAIR_FREE` free failures per username and :data:`CLIENT_FREE` over all usernames,
  then a progressive delay (2, 4, 8 … s, at most :data:`MAX_DELAY_S`). Failures from
  clients that never logged in as that user also count per username
  (:data:`USER_FREE`, at most :data:`USER_MAX_DELAY_S`; each client adds at most
  :data:`PAIR_FREE` of them), which slows a distributed attack — but a client that has
  logged in successfully as that user before is *known* and is never delayed by the
  failures of others. A stranger therefore cannot lock the real user out: only the
  stranger's own client is delayed, and a success from a known client resets the
  username's counters.
* **Constant work for unknown users.** An unknown username is verified against a dummy
  argon2 hash of the same cost, so the answer takes as long as for a real account and
  the message is the same.

The throttle lives in the memory of one app process; with several replicas, each counts
for itself (sticky sessions keep a browser on one replica).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from directory.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    Accounts,
    AuthError,
    User,
    check_password,
    check_role,
    check_username,
    dummy_hash,
    hash_password,
    read_users_file,
    users_file,
    verify_password,
    write_users_file,
)
from directory.store import Store

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "THROTTLE",
    "AuthError",
    "Throttle",
    "User",
    "authenticate",
    "create_user",
    "throttle_wait",
    "users_file",
]

#: free failed attempts per (username, client) before the delay starts
PAIR_FREE = 3
#: free failed attempts per client over all usernames
CLIENT_FREE = 10
#: free failed attempts per username from clients that never logged in as that user
USER_FREE = 10
MAX_DELAY_S = 300.0
USER_MAX_DELAY_S = 60.0
#: a counter without a new failure for this long starts afresh
FORGET_AFTER_S = 3600.0
#: client id used when Streamlit reports no address (local use, tests)
LOCAL_CLIENT = "local"


class Throttled(AuthError):
    """Too many failed attempts; ``wait`` is the number of seconds to wait (> 0)."""

    def __init__(self, wait: float) -> None:
        super().__init__(
            f"too many failed attempts: try again in {math.ceil(wait)} s", "throttled", wait=wait
        )
        self.wait = wait


def throttle_wait(exc: Exception) -> float | None:
    """Seconds to wait if ``exc`` is a throttled login, else ``None``."""
    return exc.wait if isinstance(exc, Throttled) else None


@dataclass
class _Counter:
    count: int = 0
    last: float = 0.0


def _delay(count: int, free: int, cap: float) -> float:
    """Seconds after the last failure before the next attempt (2, 4, 8 … after ``free``)."""
    return 0.0 if count < free else min(cap, 2.0 ** (count - free + 1))


class Throttle:
    """Failed-login counters with progressive delay, checked and recorded atomically.

    ``clock`` (default :func:`time.monotonic`) can be replaced in tests, or ``now`` passed
    to each call. Keys: ``("pair", user, client)``, ``("client", client)`` and
    ``("user", user)`` (the last only for clients not known for that user).
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_entries: int = 100_000,
        known_per_user: int = 20,
    ) -> None:
        self.clock = clock
        self.failures: OrderedDict[tuple, _Counter] = OrderedDict()
        self.known: dict[str, OrderedDict[str, None]] = {}
        self.lock = threading.Lock()
        self.max_entries = max_entries
        self.known_per_user = known_per_user

    def clear(self) -> None:
        with self.lock:
            self.failures.clear()
            self.known.clear()

    def _keys(self, user: str, client: str) -> list[tuple[tuple, int, float]]:
        keys = [
            (("pair", user, client), PAIR_FREE, MAX_DELAY_S),
            (("client", client), CLIENT_FREE, MAX_DELAY_S),
        ]
        if client not in self.known.get(user, ()):
            keys.append((("user", user), USER_FREE, USER_MAX_DELAY_S))
        return keys

    def _counter(self, key: tuple, now: float) -> _Counter:
        c = self.failures.get(key)
        if c is None or now - c.last > FORGET_AFTER_S:
            return _Counter()
        return c

    def wait_seconds(
        self, user: str, client: str = LOCAL_CLIENT, now: float | None = None
    ) -> float:
        """Seconds before ``client`` may try ``user`` again (0: now). Reads only."""
        now = self.clock() if now is None else now
        with self.lock:
            return self._wait(user, client, now)

    def _wait(self, user: str, client: str, now: float) -> float:
        wait = 0.0
        for key, free, cap in self._keys(user, client):
            c = self._counter(key, now)
            if c.count >= free:
                wait = max(wait, c.last + _delay(c.count, free, cap) - now)
        return max(0.0, wait)

    def acquire(self, user: str, client: str = LOCAL_CLIENT, now: float | None = None) -> float:
        """In one locked step: the wait before this attempt may be checked, or — if none —
        admit it and record it as a failure (taken back by :meth:`succeeded`). Returns the
        seconds to wait; 0 means admitted."""
        now = self.clock() if now is None else now
        with self.lock:
            wait = self._wait(user, client, now)
            if wait > 0:
                return wait
            # one client adds at most PAIR_FREE failures to a username's counter: a single
            # stranger can never delay the real user, only a distributed attack can (and
            # then never from a client the user has logged in from before)
            counts_for_user = self._counter(("pair", user, client), now).count < PAIR_FREE
            for key, _, _ in self._keys(user, client):
                if key[0] == "user" and not counts_for_user:
                    continue
                c = self._counter(key, now)
                self.failures.pop(key, None)
                self.failures[key] = _Counter(c.count + 1, now)  # newest at the end
            self._prune(now)
            return 0.0

    def succeeded(self, user: str, client: str = LOCAL_CLIENT) -> None:
        """A correct password from ``client``: reset the (user, client) and username
        counters, take this attempt back from the client's, remember the client."""
        with self.lock:
            self.failures.pop(("pair", user, client), None)
            self.failures.pop(("user", user), None)
            c = self.failures.get(("client", client))
            if c is not None:
                c.count = max(0, c.count - 1)
            known = self.known.setdefault(user, OrderedDict())
            known.pop(client, None)
            known[client] = None
            while len(known) > self.known_per_user:
                known.popitem(last=False)

    def _prune(self, now: float) -> None:
        if len(self.failures) <= self.max_entries:
            return
        for key in [k for k, c in self.failures.items() if now - c.last > FORGET_AFTER_S]:
            del self.failures[key]
        while len(self.failures) > self.max_entries:  # oldest first
            self.failures.popitem(last=False)


THROTTLE = Throttle()


def authenticate(
    username: str,
    password: str,
    *,
    store: Store,
    client: str | None = None,
    throttle: Throttle = THROTTLE,
    now: float | None = None,
    verify: Callable[[str, str], bool] = verify_password,
) -> User:
    """Check a login against the accounts in ``store``; return the user or raise
    :class:`AuthError` (:class:`Throttled` while delayed) with a safe message.

    Unknown user, account without password and wrong password give the same message after
    the same work (one ``verify`` against a real or a dummy hash). While throttled the
    password is not checked at all. A disabled account is refused only after the right
    password (code ``disabled``).
    """
    username = (username or "").strip().lower()[:100]
    client = client or LOCAL_CLIENT
    wait = throttle.acquire(username, client, now)
    if wait > 0:
        raise Throttled(wait)
    password_hash, user, disabled = Accounts(store).credentials(username)
    ok = verify(password_hash or dummy_hash(), password or "")
    if not ok or user is None or password_hash is None:
        raise AuthError("username or password is wrong", "wrong")
    throttle.succeeded(username, client)
    if disabled:
        raise AuthError("this account is disabled", "disabled")
    return user


def create_user(
    username: str,
    password: str,
    role: str,
    networks: tuple[str, ...] = (),
    *,
    path: Path | None = None,
    store: Store | None = None,
    replace: bool = False,
    actor: str = "cli",
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Create an account with this password; validates every argument.

    With ``store``: in the store (audited as ``actor``; ``replace`` sets the password,
    role and networks of an existing account). Otherwise in the accounts file ``path``
    (default ``ATLAS_USERS_FILE``), keeping every field of the other accounts; the app
    imports accounts missing in its store from that file.
    """
    name = check_username(username)
    check_role(role)
    check_password(password)
    if store is not None:
        accounts = Accounts(store)
        existing = accounts.get(name)
        if existing is not None and not replace:
            raise AuthError(f"user {name!r} exists already", "exists", username=name)
        if existing is None:
            info, _ = accounts.create(
                name,
                role=role,
                networks=networks,
                password=password,
                display_name=display_name,
                email=email,
                actor=actor,
                must_change_password=False,
            )
            return info.user()
        accounts.update(
            name, {"role": role, "networks": list(networks)}, actor=actor, expected_version=None
        )
        accounts.set_password(name, password, actor=actor, action="password_reset")
        if existing.disabled_at is not None:
            accounts.set_disabled(name, False, actor=actor, expected_version=None)
        return accounts.user(name)
    path = path or users_file()
    users = read_users_file(path)
    if name in users and not replace:
        raise AuthError(f"user {name!r} exists already", "exists", username=name)
    record = dict(users.get(name, {}))
    record.update(
        {"role": role, "password_hash": hash_password(password), "networks": list(networks)}
    )
    if display_name is not None:
        record["display_name"] = display_name
    if email is not None:
        record["email"] = email
    users[name] = record
    write_users_file(path, users)
    return User(name, role, tuple(networks), record.get("display_name", "") or "")
