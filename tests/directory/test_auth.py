"""Password login: hashes, one message for every wrong login, and throttling that is atomic,
per user and per client, constant work for unknown users, and no lock-out by strangers.

The throttle gets an injectable clock (no sleeps, no timed assertions).
"""

from __future__ import annotations

import threading
import tomllib
from collections import Counter

import pytest

from directory import accounts as accounts_module
from directory import auth
from directory.accounts import Accounts, dummy_hash, verify_password
from directory.auth import (
    PAIR_FREE,
    USER_FREE,
    AuthError,
    Throttle,
    Throttled,
    User,
    authenticate,
    create_user,
)
from directory.networks import ensure_networks

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2 with minimal cost: these tests are about the logic, not the hash's cost (on a
    busy CI core one default verify takes ~0.3 s). The real parameters are the library's."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def users(store):
    """A store with two accounts: admin ``admin`` and coordinator ``kim`` (network heide)."""
    ensure_networks(store)
    create_user("admin", PASSWORD, "admin", store=store)
    create_user("kim", PASSWORD + "!", "coordinator", ("heide",), store=store)
    return store


def login(store, name, password, *, client="a", throttle, verify=verify_password):
    return authenticate(
        name, password, store=store, client=client, throttle=throttle, verify=verify
    )


def test_password_stored_only_as_salted_hash(users):
    from sqlalchemy import select

    from directory.model import Account

    with users.session() as s:
        hashes = dict(s.execute(select(Account.username, Account.password_hash)).all())
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes.values())
    create_user("admin2", PASSWORD, "admin", store=users)  # same password, other salt
    with users.session() as s:
        other = s.scalar(select(Account.password_hash).where(Account.username == "admin2"))
    assert other != hashes["admin"]


def test_login_ok_returns_role_and_networks(users):
    user = login(users, "Kim ", PASSWORD + "!", throttle=Throttle())
    assert user == User("kim", "coordinator", ("heide",), "")
    assert user.can_edit_network("heide")
    assert not user.can_edit_network("braunschweig")
    assert login(users, "admin", PASSWORD, throttle=Throttle()).can_edit_network("x")


@pytest.mark.parametrize(
    ("name", "password"), [("admin", "wrong"), ("nobody", PASSWORD), ("admin", ""), ("", "")]
)
def test_wrong_login_same_message(users, name, password):
    with pytest.raises(AuthError, match="username or password is wrong") as exc:
        login(users, name, password, throttle=Throttle())
    assert exc.value.code == "wrong"


def counting_verify():
    calls: list[str] = []

    def verify(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return verify_password(password_hash, password)

    return verify, calls


@pytest.mark.parametrize("name", ["nobody", "admin", "x" * 300])
def test_every_wrong_login_does_one_argon2_check(users, name):
    """Unknown users are checked against a dummy hash of the same cost: the same work (one
    verify call) as a wrong password of a real account, so timing tells nothing."""
    verify, calls = counting_verify()
    with pytest.raises(AuthError, match="wrong"):
        login(users, name, "wrong password!", throttle=Throttle(), verify=verify)
    assert len(calls) == 1
    assert calls[0].startswith("$argon2id$")
    assert (calls[0] == dummy_hash()) == (name != "admin")
    # the dummy hash has the parameters (cost) of a real one
    real = Accounts(users).credentials("admin")[0]
    assert dummy_hash().split("$")[:4] == real.split("$")[:4]


def test_account_without_password_is_checked_against_the_dummy(users):
    from directory.model import Account

    with users.session() as s:
        s.query(Account).filter(Account.username == "kim").update({"password_hash": None})
    verify, calls = counting_verify()
    with pytest.raises(AuthError, match="wrong"):
        login(users, "kim", "", throttle=Throttle(), verify=verify)
    assert calls == [dummy_hash()]


def test_delay_after_free_attempts_then_right_password_works(users):
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(PAIR_FREE):
        with pytest.raises(AuthError, match="wrong"):
            login(users, "admin", "nope", throttle=throttle)
    clock.now += 0.5
    with pytest.raises(Throttled) as exc:  # even the right password waits
        login(users, "admin", PASSWORD, throttle=throttle)
    assert exc.value.wait == pytest.approx(1.5) and exc.value.code == "throttled"
    clock.now += 1.5
    assert login(users, "admin", PASSWORD, throttle=throttle).role == "admin"
    assert throttle.wait_seconds("admin", "a") == 0.0
    # the success reset the counter: the free attempts are there again
    for _ in range(PAIR_FREE):
        with pytest.raises(AuthError, match="wrong"):
            login(users, "admin", "nope", throttle=throttle)


def test_delay_grows_progressively_up_to_the_cap():
    clock = Clock()
    throttle = Throttle(clock)
    waits = []
    for _ in range(PAIR_FREE + 10):
        clock.now += throttle.wait_seconds("admin", "a")
        assert throttle.acquire("admin", "a") == 0.0  # admitted once the wait has passed
        waits.append(throttle.wait_seconds("admin", "a"))
    assert waits[: PAIR_FREE - 1] == [0.0] * (PAIR_FREE - 1)
    assert waits[PAIR_FREE - 1 : PAIR_FREE + 3] == [2.0, 4.0, 8.0, 16.0]
    assert max(waits) == auth.MAX_DELAY_S


def test_twenty_parallel_wrong_attempts_are_throttled(users):
    """Check and record are one locked step: of 20 simultaneous wrong attempts only the free
    ones reach the password check (the old check-then-record let all 20 through)."""
    throttle = Throttle(Clock())
    verify, calls = counting_verify()
    start = threading.Barrier(20)
    outcome: Counter[str] = Counter()
    lock = threading.Lock()

    def attempt():
        start.wait()
        try:
            login(users, "admin", "wrong password", throttle=throttle, verify=verify)
        except Throttled:
            result = "throttled"
        except AuthError:
            result = "wrong"
        with lock:
            outcome[result] += 1

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcome == {"wrong": PAIR_FREE, "throttled": 20 - PAIR_FREE}
    assert len(calls) == PAIR_FREE


def test_strangers_cannot_lock_out_the_real_user(users):
    clock = Clock()
    throttle = Throttle(clock)
    assert login(users, "kim", PASSWORD + "!", client="home", throttle=throttle)  # known client
    for _ in range(40):  # a stranger hammers kim's account for hours
        clock.now += throttle.wait_seconds("kim", "stranger")
        with pytest.raises(AuthError, match="wrong"):
            login(users, "kim", "guess", client="stranger", throttle=throttle)
    assert throttle.wait_seconds("kim", "stranger") > 0  # the stranger is slowed down
    # kim is not: neither from home nor from a client she never used before
    assert throttle.wait_seconds("kim", "home") == 0
    assert throttle.wait_seconds("kim", "hotel") == 0
    assert login(users, "kim", PASSWORD + "!", client="hotel", throttle=throttle).role


def test_distributed_attack_slows_unknown_clients_only(users):
    clock = Clock()
    throttle = Throttle(clock)
    login(users, "kim", PASSWORD + "!", client="home", throttle=throttle)
    bots = [f"bot{i}" for i in range(USER_FREE)]
    for bot in bots:  # every bot uses its free attempts (waiting when the user is delayed)
        for _ in range(PAIR_FREE):
            clock.now += throttle.wait_seconds("kim", bot)
            with pytest.raises(AuthError, match="wrong"):
                login(users, "kim", "guess", client=bot, throttle=throttle)
    assert throttle.wait_seconds("kim", "new-bot") > 0  # per-user delay for unknown clients
    assert throttle.wait_seconds("kim", "new-bot") <= auth.USER_MAX_DELAY_S
    assert throttle.wait_seconds("kim", "home") == 0  # never for a known client
    assert login(users, "kim", PASSWORD + "!", client="home", throttle=throttle).role
    assert throttle.wait_seconds("kim", "new-bot") == 0  # a known client's success resets it
    assert throttle.wait_seconds("admin", "new-bot") == 0  # other users were never affected


def test_one_client_spraying_usernames_is_throttled(users):
    throttle = Throttle(Clock())
    for i in range(auth.CLIENT_FREE):
        with pytest.raises(AuthError, match="wrong"):
            login(users, f"user{i}", "guess", client="sprayer", throttle=throttle)
    with pytest.raises(Throttled):
        login(users, "admin", PASSWORD, client="sprayer", throttle=throttle)
    assert login(users, "admin", PASSWORD, client="office", throttle=throttle).role == "admin"


def test_counters_are_bounded_and_forgotten():
    clock = Clock()
    throttle = Throttle(clock, max_entries=50)
    for i in range(200):
        throttle.acquire(f"user{i}", f"client{i}")
    assert len(throttle.failures) <= 50
    for _ in range(PAIR_FREE + 3):
        clock.now += throttle.wait_seconds("admin", "a")
        throttle.acquire("admin", "a")
    assert throttle.wait_seconds("admin", "a") > 0
    clock.now += auth.FORGET_AFTER_S + 1
    assert throttle.wait_seconds("admin", "a") == 0


def test_disabled_account_refused_only_after_the_right_password(users):
    accounts = Accounts(users)
    accounts.set_disabled("kim", True, actor="admin", expected_version=None)
    with pytest.raises(AuthError) as wrong:
        login(users, "kim", "guess", throttle=Throttle())
    assert wrong.value.code == "wrong"
    with pytest.raises(AuthError) as disabled:
        login(users, "kim", PASSWORD + "!", throttle=Throttle())
    assert disabled.value.code == "disabled"


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("a", PASSWORD, "admin", "username"),
        ("ok", "short", "admin", "at least 12"),
        ("ok", PASSWORD, "root", "role must be"),
        ("Bad Name", PASSWORD, "viewer", "username"),
    ],
)
def test_create_user_validates(tmp_path, store, username, password, role, message):
    path = tmp_path / "u.toml"
    with pytest.raises(AuthError, match=message):
        create_user(username, password, role, path=path)
    assert not path.exists()
    with pytest.raises(AuthError, match=message):
        create_user(username, password, role, store=store)
    assert Accounts(store).list() == []


def test_duplicate_user_refused(users, tmp_path):
    with pytest.raises(AuthError, match="exists already"):
        create_user("admin", PASSWORD, "admin", store=users)
    path = tmp_path / "users.toml"
    create_user("admin", PASSWORD, "admin", path=path)
    before = path.read_bytes()
    with pytest.raises(AuthError, match="exists already"):
        create_user("admin", PASSWORD, "admin", path=path)
    assert path.read_bytes() == before


def test_file_writer_keeps_every_field_of_other_accounts(tmp_path):
    """The old writer kept four keys: adding an account wiped the others' e-mail (OIDC)."""
    path = tmp_path / "users.toml"
    create_user(
        "kim",
        PASSWORD,
        "coordinator",
        ("heide",),
        path=path,
        display_name='Kim "K." Ö',
        email="kim@example.org",
    )
    with path.open("a") as fh:
        fh.write('team = "Nord"\nmust_change_password = true\n')
    create_user("ada", PASSWORD, "admin", path=path)
    create_user("ada", PASSWORD + "2", "admin", path=path, replace=True)
    kim = tomllib.loads(path.read_text())["users"]["kim"]
    assert kim["email"] == "kim@example.org"
    assert kim["display_name"] == 'Kim "K." Ö'
    assert (kim["team"], kim["must_change_password"], kim["networks"]) == ("Nord", True, ["heide"])
    assert path.stat().st_mode & 0o777 == 0o600
