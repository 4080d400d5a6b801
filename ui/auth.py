"""Login for the maintenance page: password form, optional OIDC, idle timeout, logout.

* **Password login** against the accounts in the store (:mod:`directory.accounts`;
  argon2id hashes; throttling per user and per client, see :mod:`directory.auth`). The
  client is the address Streamlit sees (``st.context.ip_address``); behind the reverse
  proxy of ``deploy/`` Streamlit's server (uvicorn) takes it from ``X-Forwarded-For`` of
  the trusted proxy (``FORWARDED_ALLOW_IPS``). Accounts of an accounts file
  (``ATLAS_USERS_FILE``) missing in the store are imported once.
* A password an admin set (new account, reset) must be changed before anything else.
* **OIDC** through ``st.login`` when an ``[auth]`` section is configured in Streamlit secrets
  (``.streamlit/secrets.toml``, never committed). Only a *verified* e-mail address
  (``email_verified`` true) is mapped onto an account, which gives role and networks:

  1. the account whose e-mail (set on the admin tab) equals the address (case-insensitive);
  2. else the table ``[atlas.oidc_users]`` in the secrets, ``"kim@example.org" = "kim"``.

  An address without an active account gets no access (the page says so and offers logout).
  Without ``[auth]`` only the password form is shown.
* The session (Streamlit ``session_state``, server side) holds the user, the login time and
  the time of the last activity. After :data:`IDLE_TIMEOUT` without activity, or
  :data:`MAX_SESSION` after login, the user is logged out with the message "Sitzung
  abgelaufen". Role and networks are re-read from the store on every page run, so a
  changed, disabled or reset account takes effect at once.

Public pages never call this module.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st
from babel.dates import format_timedelta

from directory.accounts import Accounts, AuthError, User, import_file_if_changed, users_file
from directory.auth import LOCAL_CLIENT, authenticate, throttle_wait
from i18n import STAFF_FALLBACK, STAFF_LANGUAGES, t
from ui.blocks import escape_markdown
from ui.state import directory_store

IDLE_TIMEOUT = float(os.environ.get("ATLAS_SESSION_IDLE_HOURS", "8")) * 3600
MAX_SESSION = float(os.environ.get("ATLAS_SESSION_MAX_HOURS", "24")) * 3600

USER, LOGIN_AT, SEEN_AT, METHOD, NOTICE = (
    "auth_user",
    "auth_login_at",
    "auth_seen_at",
    "auth_method",
    "auth_notice",
)


#: A typed or provided value inside markdown (``st.error`` …): the one escaping function.
plain = escape_markdown


def accounts() -> Accounts:
    """The accounts of the app's store (importing a changed accounts file first)."""
    acc = Accounts(directory_store())
    import_file_if_changed(acc, users_file())
    return acc


def client_address() -> str:
    """The visitor's address as Streamlit sees it (forwarded by a trusted proxy), or
    ``"local"`` when there is none (local use, tests). Used only for throttling, never
    stored or logged."""
    try:
        ip = st.context.ip_address
    except Exception:  # no session context
        ip = None
    return ip if isinstance(ip, str) and ip else LOCAL_CLIENT  # (AppTest: a mock object)


def _secrets() -> Any:
    """Streamlit secrets, or ``{}`` when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml (StreamlitSecretNotFoundError) or unreadable
        return {}


def oidc_configured() -> bool:
    return bool(_secrets().get("auth"))


def _oidc_mapping() -> dict[str, str]:
    raw = _secrets().get("atlas", {}).get("oidc_users", {}) or {}
    return {str(k).casefold(): str(v) for k, v in raw.items()}


def user_for_email(email: str | None) -> User | None:
    """The active account an OIDC e-mail address maps to (see module doc), or ``None``."""
    if not email:
        return None
    acc = accounts()
    info = acc.by_email(email)
    if info is None:
        name = _oidc_mapping().get(email.strip().casefold())
        info = acc.get(name) if name else None
    return info.user() if info is not None and info.active else None


def email_verified(claims: Mapping[str, Any]) -> bool:
    """True only if the provider says the e-mail address is verified (``true`` or
    ``"true"``); a missing claim counts as not verified."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def oidc_user(claims: Mapping[str, Any]) -> User:
    """The account for the claims of an OIDC login; raises :class:`AuthError` with code
    ``email_unverified`` or ``no_account``."""
    email = str(claims.get("email") or "").strip()
    if not email or not email_verified(claims):
        raise AuthError("the e-mail address is not verified", "email_unverified")
    user = user_for_email(email)
    if user is None:
        raise AuthError("no account for this e-mail address", "no_account", email=email)
    return user


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
    if now - ss.get(LOGIN_AT, 0) > MAX_SESSION or now - ss.get(SEEN_AT, 0) > IDLE_TIMEOUT:
        sign_out("expired")
        return None
    fresh = accounts().user(user.username)
    if fresh is None or fresh.epoch != user.epoch:  # removed, disabled, password reset
        sign_out("removed")
        return None
    user = ss[USER] = fresh
    ss[SEEN_AT] = now
    return user


def wait_text(seconds: float, lang: str) -> str:
    """The throttling message: whole seconds rounded up (CLDR plural forms of the UI
    language), minutes from one minute on, "in a moment" below one second.

    >>> print(wait_text(0.4, "de"))
    Zu viele Fehlversuche. Bitte gleich noch einmal versuchen.
    >>> print(wait_text(1.2, "de"))
    Zu viele Fehlversuche. Bitte in 2 Sekunden erneut versuchen.
    >>> print(wait_text(61, "en"))
    Too many failed attempts. Please try again in 2 minutes.
    """
    if seconds < 1:
        return t("accounts.login.throttled_moment", lang)
    locale = lang if lang in STAFF_LANGUAGES else STAFF_FALLBACK
    whole = math.ceil(seconds)
    delta = (
        dt.timedelta(seconds=whole) if whole < 60 else dt.timedelta(minutes=math.ceil(whole / 60))
    )
    text = format_timedelta(delta, threshold=1.0, locale=locale)
    return t("accounts.login.throttled", lang, duration=text)


def auth_message(exc: AuthError, lang: str) -> str:
    """The UI-language text of a refused login or account change."""
    wait = throttle_wait(exc)
    if wait is not None:
        return wait_text(wait, lang)
    if exc.code == "wrong":
        return t("auth.wrong", lang)
    return t(f"accounts.error.{exc.code}", lang, **{k: str(v) for k, v in exc.values.items()})


def login_form(lang: str) -> None:
    """Username/password form (and the SSO button when OIDC is configured)."""
    accounts()  # imports a new or changed accounts file (audited) before the first login
    st.info(t("auth.required", lang), icon=":material/lock:")
    with st.form("login_form", clear_on_submit=True):
        username = st.text_input(
            t("auth.username", lang), key="login_username", autocomplete="username"
        )
        password = st.text_input(
            t("auth.password", lang),
            type="password",
            key="login_password",
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(t("auth.login", lang), type="primary")
    if submitted:
        try:
            user = authenticate(
                username, password, store=directory_store(), client=client_address()
            )
        except AuthError as exc:
            st.error(auth_message(exc, lang), icon=":material/block:")
        else:
            sign_in(user, "password")
            st.rerun()
    if oidc_configured():
        st.divider()
        if st.button(t("auth.oidc", lang), key="login_oidc"):
            provider = _secrets().get("atlas", {}).get("oidc_provider")
            st.login(provider) if provider else st.login()


def change_password_form(user: User, lang: str) -> None:
    """The user logged in with a password an admin set: choose a new one first."""
    st.warning(t("accounts.must_change", lang), icon=":material/key:")
    with st.form("password_change_form", clear_on_submit=True):
        new = st.text_input(
            t("accounts.new_password", lang),
            type="password",
            key="pw_new",
            autocomplete="new-password",
        )
        repeat = st.text_input(
            t("accounts.repeat_password", lang),
            type="password",
            key="pw_repeat",
            autocomplete="new-password",
        )
        submitted = st.form_submit_button(
            t("accounts.change_password", lang), type="primary", key="pw_submit"
        )
    if not submitted:
        return
    if new != repeat:
        st.error(t("accounts.error.mismatch", lang))
        return
    try:
        accounts().set_password(user.username, new, actor=user.username)
    except AuthError as exc:
        st.error(auth_message(exc, lang))
        return
    fresh = accounts().user(user.username)
    if fresh is not None:
        st.session_state[USER] = fresh
        st.session_state[NOTICE] = "password_changed"
    st.rerun()


def require_login(lang: str) -> User | None:
    """The logged-in user; otherwise render the login and return ``None`` (caller stops)."""
    user = current_user()
    if user is not None:
        notice = st.session_state.pop(NOTICE, None)
        if notice == "password_changed":
            st.success(t("accounts.password_changed", lang), icon=":material/check:")
        if user.must_change_password and st.session_state.get(METHOD) == "password":
            change_password_form(user, lang)
            return None
        return user
    if oidc_configured() and st.user.is_logged_in:
        try:
            mapped = oidc_user(st.user)
        except AuthError as exc:
            email = plain(st.user.get("email") or "?")
            st.error(
                t("auth.oidc_no_account", lang, email=email)
                if exc.code == "no_account"
                else auth_message(exc, lang)
            )
            if st.button(t("auth.logout", lang), key="oidc_logout"):
                st.logout()
            return None
        sign_in(mapped, "oidc")
        return mapped
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.warning(t(f"auth.{notice}", lang), icon="⏱️")
    login_form(lang)
    return None


def account_box(user: User, lang: str) -> None:
    """Who is logged in, and the logout button (sidebar)."""
    with st.sidebar:
        st.caption(
            t(
                "auth.signed_in_as",
                lang,
                name=user.display_name or user.username,
                role=t(f"auth.role.{user.role}", lang),
            )
        )
        if st.button(t("auth.logout", lang), key="logout"):
            sign_out("logged_out")
            st.rerun()
