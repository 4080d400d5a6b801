"""Cached resources and per-visitor UI state (language)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from directory import query, store
from directory.bootstrap import open_store
from directory.filters import BY_NAME
from i18n import DEFAULT_LANGUAGE
from ui.shell import require_shell


@st.cache_resource(show_spinner=False)
def directory_store() -> store.Store:
    """The directory store, schema created or upgraded, default content loaded once."""
    return open_store()


@st.cache_data(ttl=60, show_spinner=False)
def offers() -> pd.DataFrame:
    """All current offers (one row per offer × location); refreshed at most every minute."""
    return query.offers_frame(directory_store())


def language() -> str:
    """The visitor's UI language: URL parameter ``lang``, else this session's, else German.

    The choice is written back to the URL (so a shared link keeps it) and to the session
    (so it survives page switches). Nothing is stored on the server.

    Every page calls this first, so it also makes sure the run went through the shell
    (:func:`ui.shell.require_shell`).
    """
    require_shell()
    param = BY_NAME["lang"]  # the registry's definition of the URL parameter
    lang, _ = param.read({"lang": st.query_params.get("lang") or st.session_state.get("lang")})
    st.session_state["lang"] = lang
    if lang == DEFAULT_LANGUAGE:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = lang
    return lang
