"""Login for the maintenance page: password form, optional OIDC, idle timeout, logout.

* **Password login** against the accounts file (:mod:`directory.auth`, ``ATLAS_USERS_FILE``;
  argon2id hashes, throttling of repeated failures).
* **OIDC** through ``st.login`` when an ``[auth]`` section is configured in Streamlit secrets
  (``.streamlit/secrets.toml``, never committed). The provider's verified e-mail address is
  mapped onto an account of the accounts file, which gives the role and networks:

  1. an account whose ``email`` entry equals the address (case-insensitive), e.g.::

         [users."kim"]
         role = "coordinator"
         networks = ["heide"]
         email = "kim@example.org"
         password_hash = "…"

  2. else the table ``[atlas.oidc_users]`` in the secrets, ``"kim@example.org" = "kim"``.

  An address without an account gets no access (the page says so and offers logout).
  Without ``[auth]`` only the password form is shown.
* The session (Streamlit ``session_state``, server side) holds the user, the login time and
  the time of the last activity. After :data:`IDLE_TIMEOUT` without activity, or
  :data:`MAX_SESSION` after login, the user is logged out with the message "Sitzung
  abgelaufen". Role and networks are re-read from the accounts file on every page run, so a
  changed or removed account takes effect at once.

Public pages never call this module.
"""

from __future__ import annotations

import os
import re
import time
import tomllib
from typing import Any

import streamlit as st

from directory.auth import AuthError, User, authenticate, users_file
from i18n import t

IDLE_TIMEOUT = float(os.environ.get("ATLAS_SESSION_IDLE_HOURS", "8")) * 3600
MAX_SESSION = float(os.environ.get("ATLAS_SESSION_MAX_HOURS", "24")) * 3600

USER, LOGIN_AT, SEEN_AT, METHOD, NOTICE = (
    "auth_user",
    "auth_login_at",
    "auth_seen_at",
    "auth_method",
    "auth_notice",
)


def _accounts() -> dict[str, dict[str, Any]]:
    path = users_file()
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh).get("users", {})


def _user_from(name: str, record: dict[str, Any]) -> User:
    return User(name, record["role"], tuple(record.get("networks", ())),
                record.get("display_name", ""))  # fmt: skip


def _secrets() -> Any:
    """Streamlit secrets, or ``{}`` when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml (StreamlitSecretNotFoundError) or unreadable
        return {}


def oidc_configured() -> bool:
    return bool(_secrets().get("auth"))


def user_for_email(email: str | None) -> User | None:
    """The account an OIDC e-mail address maps to (see module doc), or ``None``."""
    if not email:
        return None
    email = email.strip().casefold()
    accounts = _accounts()
    for name, record in accounts.items():
        if str(record.get("email", "")).strip().casefold() == email:
            return _user_from(name, record)
    mapping = {k.casefold(): v for k, v in
               (_secrets().get("atlas", {}).get("oidc_users", {}) or {}).items()}  # fmt: skip
    name = mapping.get(email)
    return _user_from(name, accounts[name]) if name in accounts else None


def sign_in(user: User, method: str) -> None:
    now = time.time()
    st.session_state.update({USER: user, LOGIN_AT: now, SEEN_AT: now, METHOD: method})


def sign_out(notice: str | None = None) -> None:
    """Forget the user (and end an OIDC session); ``notice`` is shown on the next run."""
    method = st.session_state.get(METHOD)
    for key in (USER, LOGIN_AT, SEEN_AT, METHOD):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE] = notice
    if method == "oidc" and oidc_configured() and st.user.is_logged_in:
        st.logout()


def current_user() -> User | None:
    """The logged-in user, or ``None`` (expired sessions are ended here)."""
    ss = st.session_state
    user = ss.get(USER)
    if user is None:
        return None
    now = time.time()
    if now - ss.get(SEEN_AT, 0) > IDLE_TIMEOUT or now - ss.get(LOGIN_AT, 0) > MAX_SESSION:
        sign_out("expired")
        return None
    record = _accounts().get(user.username)
    if record is None:
        sign_out("removed")
        return None
    user = ss[USER] = _user_from(user.username, record)
    ss[SEEN_AT] = now
    return user


def _auth_message(exc: AuthError, lang: str) -> str:
    wait = re.search(r"try again in (\d+)", str(exc))
    if wait:
        return t("auth.throttled", lang, seconds=wait.group(1))
    return t("auth.wrong", lang)


def login_form(lang: str) -> None:
    """Username/password form (and the SSO button when OIDC is configured)."""
    st.info(t("auth.required", lang), icon=":material/lock:")
    with st.form("login_form", clear_on_submit=True):
        username = st.text_input(t("auth.username", lang), key="login_username",
                                 autocomplete="username")  # fmt: skip
        password = st.text_input(t("auth.password", lang), type="password",
                                 key="login_password", autocomplete="current-password")  # fmt: skip
        submitted = st.form_submit_button(t("auth.login", lang), type="primary")
    if submitted:
        try:
            user = authenticate(username, password)
        except AuthError as exc:
            st.error(_auth_message(exc, lang), icon=":material/block:")
        else:
            sign_in(user, "password")
            st.rerun()
    if oidc_configured():
        st.divider()
        if st.button(t("auth.oidc", lang), key="login_oidc"):
            provider = _secrets().get("atlas", {}).get("oidc_provider")
            st.login(provider) if provider else st.login()


def require_login(lang: str) -> User | None:
    """The logged-in user; otherwise render the login and return ``None`` (caller stops)."""
    user = current_user()
    if user is not None:
        return user
    if oidc_configured() and st.user.is_logged_in:
        mapped = user_for_email(st.user.get("email"))
        if mapped is not None:
            sign_in(mapped, "oidc")
            return mapped
        st.error(t("auth.oidc_no_account", lang, email=st.user.get("email") or "?"))
        if st.button(t("auth.logout", lang), key="oidc_logout"):
            st.logout()
        return None
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.warning(t(f"auth.{notice}", lang), icon="⏱️")
    login_form(lang)
    return None


def account_box(user: User, lang: str) -> None:
    """Who is logged in, and the logout button (sidebar)."""
    with st.sidebar:
        st.caption(t("auth.signed_in_as", lang, name=user.display_name or user.username,
                     role=t(f"auth.role.{user.role}", lang)))  # fmt: skip
        if st.button(t("auth.logout", lang), key="logout"):
            sign_out("logged_out")
            st.rerun()
