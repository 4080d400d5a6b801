import pytest

from directory.auth import AuthError, Throttle, User, authenticate, create_user

PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users.toml"
    create_user("admin", PASSWORD, "admin", path=path)
    create_user("kim", PASSWORD + "!", "coordinator", ("heide",), path=path)
    return path


def test_password_stored_only_as_salted_hash(users):
    text = users.read_text()
    assert PASSWORD not in text
    assert text.count("$argon2id$") == 2
    # the same password hashed twice gives different hashes (salt)
    other = users.parent / "other.toml"
    create_user("admin", PASSWORD, "admin", path=other)
    first, second = (p.read_text().split("password_hash")[1] for p in (users, other))
    assert first != second


def test_login_ok_returns_role_and_networks(users):
    user = authenticate("Kim ", PASSWORD + "!", path=users, throttle=Throttle())
    assert user == User("kim", "coordinator", ("heide",), "")
    assert user.can_edit_network("heide")
    assert not user.can_edit_network("braunschweig")
    assert authenticate("admin", PASSWORD, path=users, throttle=Throttle()).can_edit_network("x")


@pytest.mark.parametrize(("name", "password"), [("admin", "wrong"), ("nobody", PASSWORD),
                                                ("admin", ""), ("", "")])
def test_wrong_login_same_message(users, name, password):
    with pytest.raises(AuthError, match="username or password is wrong"):
        authenticate(name, password, path=users, throttle=Throttle())


def test_repeated_failures_are_slowed_down(users):
    throttle = Throttle()
    for _ in range(3):
        with pytest.raises(AuthError, match="wrong"):
            authenticate("admin", "nope", path=users, throttle=throttle, now=100.0)
    # now even the right password is refused until the delay has passed
    with pytest.raises(AuthError, match="too many failed attempts"):
        authenticate("admin", PASSWORD, path=users, throttle=throttle, now=100.5)
    assert authenticate("admin", PASSWORD, path=users, throttle=throttle, now=103.0).role == "admin"
    assert throttle.wait_seconds("admin", now=103.0) == 0.0


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [("a", PASSWORD, "admin", "username"), ("ok", "short", "admin", "at least 12"),
     ("ok", PASSWORD, "root", "role must be"), ("Bad Name", PASSWORD, "viewer", "username")],
)
def test_create_user_validates(tmp_path, username, password, role, message):
    path = tmp_path / "u.toml"
    with pytest.raises(AuthError, match=message):
        create_user(username, password, role, path=path)
    assert not path.exists()


def test_duplicate_user_refused(users):
    before = users.read_bytes()
    with pytest.raises(AuthError, match="exists already"):
        create_user("admin", PASSWORD, "admin", path=users)
    assert users.read_bytes() == before
