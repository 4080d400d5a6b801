"""Cached resources and per-visitor UI state (language)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from directory import query, store
from directory.bootstrap import open_store
from i18n import DEFAULT_LANGUAGE, LANGUAGES
from i18n.negotiate import negotiate
from ui.shell import require_shell


@st.cache_resource(show_spinner=False)
def directory_store() -> store.Store:
    """The directory store, schema created or upgraded, default content loaded once."""
    return open_store()


@st.cache_resource(max_entries=2, show_spinner=False)
def _offers_at(stamp: int) -> pd.DataFrame:
    # cache_resource: the one frame is shared, not unpickled per call (1-2 s at 100,000)
    return query.offers_frame(directory_store())


def data_stamp() -> int:
    """Changes whenever anything is written to the store (every write is audited): the
    newest audit entry. One indexed query, about a millisecond."""
    from sqlalchemy import func, select

    from directory.model import AuditLog

    with directory_store().engine.connect() as conn:
        return int(conn.execute(select(func.max(AuditLog.id))).scalar() or 0)


def offers() -> pd.DataFrame:
    """All current offers (one row per offer × location), rebuilt only when the store has
    changed (:func:`data_stamp`) — not every minute: at 100,000 offers a rebuild takes
    seconds, which one visitor would wait for. ``offers.clear()`` forgets it.

    The frame is shared by every session: treat it as **read-only** (filter, ``assign`` or
    ``copy``; never set columns on it)."""
    return _offers_at(data_stamp())


offers.clear = _offers_at.clear  # type: ignore[attr-defined]


def browser_language() -> str:
    """The UI language the visitor's browser asks for: ``Accept-Language`` of the request
    that opened the session, else ``navigator.language`` (:func:`i18n.negotiate.negotiate`;
    German if neither names a UI language). Read once per session."""
    if "_browser_lang" not in st.session_state:
        try:
            header = st.context.headers.get("Accept-Language")
            locale = st.context.locale
        except (AttributeError, KeyError, RuntimeError):  # no request (bare script run)
            header = locale = None
        st.session_state["_browser_lang"] = negotiate(header, LANGUAGES, locale=locale)
    return st.session_state["_browser_lang"]


def language() -> str:
    """The visitor's UI language: URL parameter ``lang``, else this session's choice, else
    the browser's language (:func:`browser_language`) — so a first visit opens in the
    language the phone is set to, and a shared link keeps the sender's.

    The language is written back to the URL (so a shared link and a reload keep it; it is
    left out only where it is German *and* the browser asks for German) and to the session
    (so it survives page switches). Nothing is stored on the server.

    Every page calls this first, so it also makes sure the run went through the shell
    (:func:`ui.shell.require_shell`).
    """
    require_shell()
    browser = browser_language()
    lang = st.query_params.get("lang")
    if lang not in LANGUAGES:
        lang = st.session_state.get("lang")
    if lang not in LANGUAGES:
        lang = browser
    st.session_state["lang"] = lang
    if lang == DEFAULT_LANGUAGE == browser:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = lang
    return lang


def choose_language(code: object) -> None:
    """The visitor picked ``code`` in the language switch (a widget callback: runs before
    the rerun, so the whole page renders in the new language). Anything else is ignored."""
    if code in LANGUAGES:
        st.session_state["lang"] = code
        st.query_params["lang"] = code
