"""Integrationsatlas Niedersachsen — entry point: navigation, language, shell.

Run with ``streamlit run app.py``. Pages live in ``pages/`` (one thin file per page); each
has a stable URL path (see README), so links to them can be shared and bookmarked. Every
page runs through :func:`ui.errors.run_page`: an error shows a friendly block in the UI
language and is logged without the visitor's input; no traceback reaches a visitor.
"""

from __future__ import annotations

import streamlit as st

from geo.maps import use_local_assets
from i18n import direction, t
from ui.errors import run_page
from ui.fonts import script_font_css
from ui.page_language import shell_bar
from ui.shell import require_shell
from ui.state import language

st.set_page_config(
    page_title="Integrationsatlas Niedersachsen",
    page_icon="🧭",
    layout="wide",
    initial_sidebar_state="auto",
)
require_shell(entry=True)
use_local_assets()

lang = language()  # URL, else this session's choice, else the browser's Accept-Language
shell_bar(lang)  # language switch at the top of every page, <html lang/dir>, Streamlit labels

# Streamlit fades captions and quotes (2.9:1 on white, below WCAG AA); use 7.9:1 instead.
# (st.markdown, not a style-only st.html: that goes to Streamlit's transient event
# container, and axe found the faded captions again on the start page.)
st.markdown(
    "<style>[data-testid='stCaptionContainer'],[data-testid='stMain'] blockquote"
    "{color:#4a5260 !important;opacity:1 !important}</style>",
    unsafe_allow_html=True,
)
if script_font_css(lang):  # Ge'ez letters for Tigrinya from the app's own server (ui/fonts.py)
    st.markdown(script_font_css(lang), unsafe_allow_html=True)
if direction(lang) == "rtl":
    # <html dir="rtl"> (ui/page_language.py) is for assistive technology and the browser;
    # Streamlit's frame (sidebar collapse, header) is not built for it and stays ltr, while
    # the content and the sidebar's content run right to left. Streamlit sets
    # text-align:left on headings and captions: override them explicitly — except where an
    # element says its own direction (German data: dir="auto" runs left to right, so its
    # punctuation stays in place, and is aligned with the page).
    st.markdown(
        "<style>[data-testid='stApp']{direction:ltr}"
        "[data-testid='stMain'] .block-container,[data-testid='stSidebar']"
        "{direction:rtl;text-align:right}"
        "[data-testid='stMain'] .block-container :is(h1,h2,h3,h4,h5,h6,p,li,label,"
        "[data-testid='stCaptionContainer'],[data-testid='stMarkdownContainer']):not([dir])"
        "{direction:rtl;text-align:start}"
        "[data-testid='stMain'] .block-container [lang='de'][dir]{text-align:right}"
        # drop-down lists open in a layer outside the page: right to left there too
        ":is([data-baseweb='popover'],[data-testid='stSelectboxVirtualDropdown']) [role='option']"
        "{direction:rtl;text-align:right}</style>",
        unsafe_allow_html=True,
    )
PAGES = [
    st.Page("pages/start.py", title=t("nav.start", lang), icon=":material/home:",
            url_path="start", default=True),
    st.Page("pages/beratung.py", title=t("nav.beratung", lang), icon=":material/search:",
            url_path="beratung"),
    st.Page("pages/netzwerke.py", title=t("nav.netzwerke", lang), icon=":material/hub:",
            url_path="netzwerke"),
    st.Page("pages/handlungsfelder.py", title=t("nav.handlungsfelder", lang),
            icon=":material/category:", url_path="handlungsfelder"),
    st.Page("pages/luecken.py", title=t("nav.luecken", lang), icon=":material/travel_explore:",
            url_path="luecken"),
    st.Page("pages/daten.py", title=t("nav.daten", lang), icon=":material/edit_note:",
            url_path="daten"),
    st.Page("pages/info.py", title=t("nav.info", lang), icon=":material/info:", url_path="info"),
]  # fmt: skip

page = st.navigation(PAGES)
run_page(page, lang)  # a failing page shows a friendly block in the UI language, no traceback
