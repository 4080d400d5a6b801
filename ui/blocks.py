"""Small render helpers used by several pages, and the one rule for putting text on a page.

Stored or typed text (a record's fields, the search text, operator settings, file
headers) never passes through markdown as markup: either it goes into escaped HTML
rendered with ``st.html`` (cards, see ``ui/cards.py``), or it is put into a markdown-rendering
element (``st.error``, ``st.caption``, button labels …) through :func:`escape_markdown`,
which makes every markdown, HTML and Streamlit directive character literal.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd
import streamlit as st

from i18n import STAFF_LANGUAGES, direction, t, t_easy

# ASCII punctuation: CommonMark lets a backslash make each of these literal; this covers
# links and images ([]()!), emphasis, code, HTML (<>&), tables (|), headings, lists, and
# Streamlit's own directives (:red[…], :material/…:, $LaTeX$).
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Streamlit's markdown (remark-gfm) also turns bare URLs and e-mail addresses into links
# *after* escapes are resolved ("autolink literals"), so escaping alone does not stop them:
# an invisible WORD JOINER (U+2060) inside "://", "www." and before "@" breaks the pattern.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape_markdown(text: object) -> str:
    r"""``text`` as literal markdown: every punctuation character backslash-escaped, line
    breaks turned into spaces and URL/e-mail patterns broken by an invisible word joiner, so
    no link, image, HTML or block can start.

    >>> print(escape_markdown("[Termin](evil.example) ![p](x.png) <b>*1*</b>"))
    \[Termin\]\(evil\.example\) \!\[p\]\(x\.png\) \<b\>\*1\*\<\/b\>
    >>> print(escape_markdown("Göttingen\n\n# x"))
    Göttingen  \# x
    >>> escape_markdown("https://a.de www.b.de c@d.de").count(WORD_JOINER)
    3
    """
    text = _AUTOLINK.sub(WORD_JOINER, " ".join(str(text).splitlines()))
    return _MD_SPECIAL.sub(r"\\\1", text)


def german_html(body: str) -> None:
    """Original German text (a source's title, motto, list) in a block marked ``lang="de"``,
    left to right also in a right-to-left page; ``body`` is HTML the caller has built with
    every text escaped."""
    st.html(f'<div class="atlas-de" lang="de" dir="ltr">{body}</div>')


def demo_banner(frame: pd.DataFrame, lang: str) -> None:
    """Show a warning whenever any shown record is fictional demo data."""
    if "is_demo" in frame and bool(frame["is_demo"].any()):
        st.warning(t("banner.demo", lang), icon=":material/warning:")


def unverified_note(frame: pd.DataFrame, lang: str, easy: bool = False) -> None:
    """Say plainly that the shown entries come from public pages and are not yet verified
    (``easy``: in German Leichte Sprache)."""
    if "verification" in frame and bool((frame["verification"] == "unverified").any()):
        st.info(t_easy("banner.unverified", lang, easy), icon=":material/info:")


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
