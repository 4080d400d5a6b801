"""Light, accessible tables: escaped HTML with real table semantics, paged.

``st.dataframe`` loads the data grid's JavaScript (about 1.4 MB) on the first table of a
page; lists a visitor only reads (members, entries to check, overviews) use this instead.
Tables that must sort and highlight (the coverage matrix) stay ``st.dataframe``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from i18n import t
from i18n.localedata import localize_digits

TABLE_CSS = ("<style>.atlas-table{overflow-x:auto}.atlas-table table{border-collapse:collapse;"
             "width:100%;font-size:.88rem}.atlas-table th,.atlas-table td{border-bottom:1px "
             "solid #d0d4dc;padding:.3rem .5rem;text-align:start;vertical-align:top}"
             ".atlas-table th{background:#f0f2f6;position:sticky;top:0}"
             ".atlas-table td.num{text-align:end}</style>")  # fmt: skip


def html_table(frame: pd.DataFrame, lang: str, *, key: str, page_size: int = 25,
               caption: str | None = None, render=None,
               german: Iterable[str] = ()) -> None:  # fmt: skip
    """A plain, escaped HTML table, one page at a time (real table semantics for screen
    readers, and none of the data-grid's JavaScript): long lists stay light.

    ``render`` (frame → frame with display labels) is applied to the shown page only, so a
    list of 20,000 organizations is labelled 25 rows at a time. ``german``: the (shown)
    columns holding German data (names, places, notes from the store), marked
    ``lang="de"``; numbers are written in the language's digits (Persian: ``۰-۹``)."""
    n = len(frame)
    pages = max(1, -(-n // page_size))
    page = 1
    if pages > 1:
        page = int(st.number_input(t("net.page", lang, pages=pages), min_value=1,
                                   max_value=pages, value=1, step=1, key=key))  # fmt: skip
    part = frame.iloc[(page - 1) * page_size: page * page_size]
    if render is not None:
        part = render(part)
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in part.columns)
    german = set(german)
    marks = [' lang="de" dir="auto"' if c in german else "" for c in part.columns]
    body = []
    for row in part.itertuples(index=False):
        cells = []
        for v, mark in zip(row, marks, strict=True):
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
            if numeric:
                cells.append(f"<td class=num>{esc(localize_digits(text, lang))}</td>")
            else:
                cells.append(f"<td{mark}>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    label = f' aria-label="{esc(caption)}"' if caption else ""
    st.html(f'{TABLE_CSS}<div class="atlas-table" role="region" tabindex="0"{label}>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")
    if n > page_size:
        st.caption(t("net.rows_shown", lang, first=(page - 1) * page_size + 1,
                     last=min(page * page_size, n), n=n))  # fmt: skip
