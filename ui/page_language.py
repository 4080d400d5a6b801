"""Tell the browser the page's language: ``<html lang="…" dir="…">`` follow the UI language.

Streamlit writes ``<html lang="en">`` whatever the content, so screen readers would read
German or Arabic text with English rules (WCAG 3.1.1), and ``dir`` stays empty, so
browser-drawn parts (scrollbars, form controls, text selection) would stay left-to-right in
Arabic and Farsi. A tiny first-party component (``st.components.v2``, no third-party code)
sets both attributes after every run.
"""

from __future__ import annotations

import streamlit as st

from i18n import direction

_JS = """
export default function(component) {
  const { data } = component;
  if (data && typeof data.lang === "string" && /^[a-z]{2,3}$/.test(data.lang)) {
    document.documentElement.lang = data.lang;
  }
  if (data && (data.dir === "ltr" || data.dir === "rtl")) {
    document.documentElement.dir = data.dir;
  }
}
"""

_component = st.components.v2.component("atlas_page_language", js=_JS)


def set_page_language(lang: str) -> None:
    """Set ``<html lang>`` to ``lang`` (an ISO 639-1 code of the UI languages) and
    ``<html dir>`` to its writing direction."""
    with st.sidebar:  # mounted where an empty element costs no space in the content
        _component(key="page_language", data={"lang": lang, "dir": direction(lang)}, height=0)
