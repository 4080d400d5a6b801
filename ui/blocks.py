"""Small render helpers used by several pages."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from i18n import STAFF_LANGUAGES, direction, t


def demo_banner(frame: pd.DataFrame, lang: str) -> None:
    """Show a warning whenever any shown record is fictional demo data."""
    if "is_demo" in frame and bool(frame["is_demo"].any()):
        st.warning(t("banner.demo", lang), icon=":material/warning:")


def unverified_note(frame: pd.DataFrame, lang: str) -> None:
    """Say plainly that the shown entries come from public pages and are not yet verified."""
    if "verification" in frame and bool((frame["verification"] == "unverified").any()):
        st.info(t("banner.unverified", lang), icon=":material/info:")


def staff_language_note(lang: str) -> None:
    """On a staff page in a UI language without staff strings: say that the page is in
    English and lay its content out left to right (the sidebar keeps the UI language)."""
    if lang in STAFF_LANGUAGES:
        return
    note = escape(t("shell.staff_english", lang))
    rtl = direction(lang) == "rtl"
    st.markdown(
        f'<div class="atlas-note" lang="{lang}" dir="{direction(lang)}" role="note" '
        'style="padding:.75rem 1rem;border-radius:.5rem;background:#e8f0fb;color:#0b3d75;'
        f'direction:{direction(lang)};text-align:{"right" if rtl else "left"}">'
        f"{note}</div>",
        unsafe_allow_html=True,
    )
    st.markdown(
        "<style>[data-testid='stMain'] .block-container,[data-testid='stMain'] .block-container "
        ":is(h1,h2,h3,p,li,label,[data-testid='stMarkdownContainer']):not(.atlas-note *)"
        "{direction:ltr;text-align:left}</style>",
        unsafe_allow_html=True,
    )
