"""Small render helpers used by several pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t


def demo_banner(frame: pd.DataFrame, lang: str) -> None:
    """Show a warning whenever any shown record is fictional demo data."""
    if "is_demo" in frame and bool(frame["is_demo"].any()):
        st.warning(t("banner.demo", lang), icon=":material/warning:")


def unverified_note(frame: pd.DataFrame, lang: str) -> None:
    """Say plainly that the shown entries come from public pages and are not yet verified."""
    if "verification" in frame and bool((frame["verification"] == "unverified").any()):
        st.info(t("banner.unverified", lang), icon=":material/info:")
