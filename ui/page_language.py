"""Tell the browser the page's language: ``<html lang="…">`` follows the UI language.

Streamlit writes ``<html lang="en">`` whatever the content, so screen readers would read
German or Arabic text with English rules (WCAG 3.1.1). A tiny first-party component
(``st.components.v2``, no third-party code) sets the attribute after every run.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function(component) {
  const { data } = component;
  if (data && typeof data.lang === "string" && /^[a-z]{2,3}$/.test(data.lang)) {
    document.documentElement.lang = data.lang;
  }
}
"""

_component = st.components.v2.component("atlas_page_language", js=_JS)


def set_page_language(lang: str) -> None:
    """Set ``<html lang>`` to ``lang`` (an ISO 639-1 code of the UI languages)."""
    with st.sidebar:  # mounted where an empty element costs no space in the content
        _component(key="page_language", data={"lang": lang}, height=0)
