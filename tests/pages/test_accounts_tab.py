"""The accounts tab of ``daten`` (admins only) and the login around it, run through AppTest:
create with a one-time password shown once, the forced password change, role and network
changes, reset, disable, history; OIDC only with a verified e-mail; throttling messages."""

from __future__ import annotations

import pytest
import streamlit as st
from argon2 import PasswordHasher

from directory import accounts as accounts_module
from directory import auth
from directory.accounts import Accounts
from directory.auth import create_user
from directory.bootstrap import open_store
from i18n import t

PASSWORD = "richtig-langes-passwort"


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh store with the regional networks; admin ``ada`` and coordinator ``kim``
    come from an accounts file (imported by the app on the first run)."""
    monkeypatch.setattr(
        accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'atlas.sqlite'}")
    users = tmp_path / "users.toml"
    monkeypatch.setenv("ATLAS_USERS_FILE", str(users))
    create_user("ada", PASSWORD, "admin", path=users)
    create_user("kim", PASSWORD, "coordinator", ("suedniedersachsen",), path=users)
    store = open_store(default_content=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    auth.THROTTLE.clear()
    yield store
    st.cache_resource.clear()
    st.cache_data.clear()
    auth.THROTTLE.clear()
    store.engine.dispose()


def _fresh():
    """A second browser session of the same app."""
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import ROOT

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _texts(app) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error", "success", "text", "code")
        for e in getattr(app, kind)
    ]
    return " ".join(str(p) for p in parts)


def _login(app, name: str, password: str = PASSWORD):
    app.switch_page("pages/daten.py").run()
    app.text_input(key="login_username").input(name)
    app.text_input(key="login_password").input(password)
    next(b for b in app.button if b.label == t("auth.login", "de")).click().run()
    assert not app.exception
    return app


def _tab_labels(app) -> list[str]:
    return [tab.label for tab in app.tabs]


def _button(app, label: str):
    return next(b for b in app.button if b.label == label)


def test_only_admins_get_the_accounts_tab(app, store):
    _login(app, "kim")
    assert "auth_user" in app.session_state
    assert t("accounts.tab", "de") not in _tab_labels(app)
    admin = _login(_fresh(), "ada")
    assert t("accounts.tab", "de") in _tab_labels(admin)
    listed = next(d.value for d in admin.dataframe if "Benutzername" in d.value.columns)
    assert list(listed["Benutzername"]) == ["ada", "kim"]


def test_create_account_one_time_password_shown_once_then_forced_change(app, store):
    _login(app, "ada")
    net_id = "suedniedersachsen"
    app.text_input(key="acc_new_username").input("neu.koordination")
    app.text_input(key="acc_new_display").input("Neue Koordination")
    app.selectbox(key="acc_new_role").set_value("coordinator")
    app.multiselect(key="acc_new_networks").set_value([net_id])
    app.button(key="acc_create_submit").click().run()
    assert not app.exception
    assert t("accounts.created", "de") in _texts(app)
    otp = app.code[0].value
    assert len(otp) >= 20 and "Konto: neu.koordination" in _texts(app)
    app.run()  # shown once: gone after the next run
    assert otp not in _texts(app)
    info = Accounts(store).get("neu.koordination")
    assert info.role == "coordinator" and info.networks == (net_id,)
    assert info.must_change_password

    user = _login(_fresh(), "neu.koordination", otp)
    assert t("accounts.must_change", "de") in _texts(user)
    assert len(user.dataframe) == 0  # no data before the new password
    user.text_input(key="pw_new").input("mein-neues-passwort")
    user.text_input(key="pw_repeat").input("mein-neues-passwort")
    user.button(key="pw_submit").click().run()
    assert not user.exception
    assert t("accounts.password_changed", "de") in _texts(user)
    assert len(user.dataframe) > 0
    assert user.session_state["auth_user"].username == "neu.koordination"
    assert not Accounts(store).get("neu.koordination").must_change_password


def test_invalid_new_account_shows_message_and_changes_nothing(app, store):
    _login(app, "ada")
    before = Accounts(store).list()
    app.text_input(key="acc_new_username").input("Kim Müller")
    app.button(key="acc_create_submit").click().run()
    assert not app.exception
    assert t("accounts.error.username", "de") in [e.value for e in app.error]
    assert Accounts(store).list() == before


def test_change_role_and_networks_shows_in_history_with_labels(app, store):
    _login(app, "ada")
    app.selectbox(key="acc_pick").set_value("kim").run()
    info = Accounts(store).get("kim")
    key = f"acc_kim_{info.version}"
    app.selectbox(key=f"{key}_role").set_value("viewer")
    app.multiselect(key=f"{key}_networks").set_value([])
    app.text_input(key=f"{key}_email").input("kim@example.org")
    app.button(key=f"{key}_save").click().run()
    assert not app.exception
    kim = Accounts(store).get("kim")
    assert (kim.role, kim.networks, kim.email) == ("viewer", (), "kim@example.org")
    history = next(d.value for d in app.dataframe if "Änderung" in d.value.columns)
    first = history.iloc[0]
    assert (first["Benutzername"], first["von"], first["Aktion"]) == ("kim", "ada", "geändert")
    assert "Rolle: Koordination → nur lesen" in first["Änderung"]
    assert "$argon2" not in history.to_string()


def test_reset_password_ends_the_users_session(app, store):
    kim = _login(app, "kim")
    admin = _login(_fresh(), "ada")
    admin.selectbox(key="acc_pick").set_value("kim").run()
    version = Accounts(store).get("kim").version
    admin.button(key=f"acc_kim_{version}_reset").click().run()
    assert not admin.exception
    otp = admin.code[0].value
    assert Accounts(store).get("kim").must_change_password
    kim.run()
    assert "auth_user" not in kim.session_state
    assert t("auth.removed", "de") in _texts(kim)
    _login(kim, "kim", otp)
    assert t("accounts.must_change", "de") in _texts(kim)


def test_disable_and_enable(app, store):
    _login(app, "ada")
    app.selectbox(key="acc_pick").set_value("kim").run()
    version = Accounts(store).get("kim").version
    app.button(key=f"acc_kim_{version}_disable").click().run()
    assert not Accounts(store).get("kim").active
    kim = _login(_fresh(), "kim")
    assert t("accounts.error.disabled", "de") in [e.value for e in kim.error]
    assert "auth_user" not in kim.session_state
    app.button(key=f"acc_kim_{version + 1}_disable").click().run()
    assert Accounts(store).get("kim").active
    # an admin cannot disable their own account: the button says why
    app.selectbox(key="acc_pick").set_value("ada").run()
    own = app.button(key=f"acc_ada_{Accounts(store).get('ada').version}_disable")
    assert own.disabled and own.help == t("accounts.help.own_account", "de")


OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "atlas",
    "client_secret": "s",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}


@pytest.mark.parametrize("verified", [None, False, "false", ""])
def test_oidc_requires_a_verified_email(app, store, verified):
    Accounts(store).import_file(accounts_module.users_file())
    Accounts(store).update("kim", {"email": "kim@example.org"}, actor="ada", expected_version=None)
    app.secrets["auth"] = OIDC
    claims = {"is_logged_in": True, "email": "kim@example.org"}
    if verified is not None:
        claims["email_verified"] = verified
    app.user = claims
    app.switch_page("pages/daten.py").run()
    assert not app.exception
    assert t("accounts.error.email_unverified", "de") in [e.value for e in app.error]
    assert "auth_user" not in app.session_state and len(app.dataframe) == 0
    app.user = claims | {"email_verified": "true"}
    app.run()
    assert app.session_state["auth_user"].username == "kim"


def test_oidc_maps_no_disabled_account_and_escapes_the_address(app, store):
    acc = Accounts(store)
    acc.import_file(accounts_module.users_file())
    acc.update("kim", {"email": "kim@example.org"}, actor="ada", expected_version=None)
    acc.set_disabled("kim", True, actor="ada", expected_version=None)
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": True, "email": "kim@example.org", "email_verified": True}
    app.switch_page("pages/daten.py").run()
    assert "auth_user" not in app.session_state
    app.user = {"is_logged_in": True, "email": "[x](https://evil.example)", "email_verified": True}
    app.run()
    message = app.error[0].value
    assert "kein Konto" in message and "](" not in message and "\\[x\\]" in message


@pytest.mark.parametrize("wait", [1e-6, 0.3, 0.999, 1.0, 1.01, 2.5, 59.2, 60.0, 61.0, 299.9])
@pytest.mark.parametrize("lang", ["de", "en", "ar"])
def test_throttle_message_never_says_zero_and_rounds_up(wait, lang):
    import re

    from ui.auth import wait_text

    text = wait_text(wait, lang)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if wait < 1:
        assert numbers == [] and text == t("accounts.login.throttled_moment", lang)
    else:
        assert len(numbers) == 1 and numbers[0] >= 1
        unit = 60 if ("Minute" in text or "minute" in text) else 1
        assert numbers[0] * unit >= wait  # never promises less than the real wait
    assert (" 0 " not in text) and ("in 0" not in text)


def test_throttled_login_message_in_the_ui_language(app, store, monkeypatch):
    monkeypatch.setattr(auth.THROTTLE, "clock", lambda: 5000.0)  # time stands still
    app.switch_page("pages/daten.py").run()
    for _ in range(auth.PAIR_FREE + 1):
        app.text_input(key="login_username").input("ada")
        app.text_input(key="login_password").input("falsch-falsch-falsch")
        _button(app, t("auth.login", "de")).click().run()
    message = app.error[0].value
    assert message.startswith("Zu viele Fehlversuche. Bitte ")
    assert "0 Sekunden" not in message
