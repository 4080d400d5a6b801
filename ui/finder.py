"""Streamlit glue of the finder page: URL ⇄ widgets, result list, map.

The URL is the state. On each run the query is read from ``st.query_params``; widgets are
set from it when the URL changed (shared link, back button), and every widget change is
written back to the URL. Nothing of a search is stored on the server or logged.
"""

from __future__ import annotations

from html import escape

import folium
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from directory.filters import MAX_QUERY_LENGTH
from directory.finder import FinderQuery
from geo import maps
from geo.boundaries import load_districts
from i18n import DEFAULT_LANGUAGE, t_easy, tn_easy
from ui.blocks import escape_markdown
from ui.cards import CARD_CSS, card_html
from ui.filters import param_widget, put_in_url, read_widgets, set_widgets, widget_key
from ui.map import add_offers
from ui.plain import option_help, option_note

PAGE_SIZE = 20
TAB_KEY = "finder_tab"  # the list/map tabs' state: "show on map" switches to the map
HERE_KEY = "_finder_here"  # the offers of the cluster tapped last (several at one point)

# Touch targets of the finder at least 44 x 44 px (WCAG 2.5.5): tabs, buttons, inputs,
# selects, checkbox rows and the expander; the cards' links are sized in ui.cards.
FINDER_CSS = """
<style>
[role=tablist] [data-testid=stTab]{min-height:44px!important;min-width:44px!important;
  padding:0 .75rem!important;justify-content:center}
[data-testid=stCheckbox] label{min-height:44px;display:flex;align-items:center}
[data-testid=stSelectbox] [role=group]{min-height:44px}
[data-testid=stSelectbox] [role=group] button{min-height:44px;min-width:44px}
[data-testid=stTextInputRootElement]{min-height:44px}
[data-testid=stTextInputRootElement] input{min-height:44px}
[data-testid=stMain] button[kind]{min-height:44px;min-width:44px}
[data-testid=stExpander] summary{min-height:44px}
[data-testid=stMain] [data-testid=stWidgetLabel] button{min-width:44px;min-height:44px;
  display:inline-flex;align-items:center;justify-content:center}
@media (max-width: 640px){
  [data-testid=stMainBlockContainer]{padding-top:4.25rem}
  [data-testid=stMain] h1{font-size:1.75rem;padding:.25rem 0 .5rem 0}
  [data-testid=stMain] h2{font-size:1.35rem;padding:.5rem 0 .25rem 0}
}
</style>
"""
RING_PANE = "atlas_rings"  # Leaflet pane (CSS class leaflet-atlas_rings-pane)
PREFIX = "f_"  # widget keys: f_q, f_r, f_feld, ... (see ui.filters.widget_key)
#: Parameters with a widget of their own place (not in the filter panel).
OWN_PLACE = ("q", "ls")


def current_query() -> FinderQuery:
    """The query in the URL; widgets follow the URL whenever it changed."""
    query = FinderQuery.from_params(st.query_params.to_dict())
    if st.session_state.get("_finder_url") != query.to_params():
        set_widgets(query, PREFIX)
        previous = st.session_state.get("_finder_url") or {}
        if previous.get("q") != query.to_params().get("q"):
            st.session_state["_finder_limit"] = PAGE_SIZE
        st.session_state["_finder_url"] = query.to_params()
    return query


_PLACE = "\x00"  # stands for the place while the sentence is escaped


def describe_html(query: FinderQuery, label: str, lang: str) -> str:
    """The sentence under the results heading as escaped HTML: the place as the visitor
    typed it (``<bdi>``) and, if it reads differently, the place found — German data, so
    ``<bdi lang="de">``.

    >>> from directory.finder import FinderQuery
    >>> print(describe_html(FinderQuery.from_params({"q": "هانوفر"}), "Hannover", "ar"))
    <p class="atlas-describe">نطاق 25 كم حول <bdi>هانوفر</bdi> (<bdi lang="de">Hannover</bdi>)</p>
    """
    typed, label = " ".join(query.q.split()), " ".join(label.split())
    found = f'<bdi lang="de">{escape(label)}</bdi>'
    if typed and typed.casefold() not in label.casefold():
        found = f"<bdi>{escape(typed)}</bdi> ({found})"
    sentence = escape(query.with_(q=_PLACE).describe(lang).replace(_PLACE, "\x01", 1))
    sentence = sentence.replace(_PLACE, "").replace("\x01", found)
    return f'<p class="atlas-describe">{sentence}</p>'


DESCRIBE_CSS = ("<style>.atlas-describe{color:#4a5260;font-size:.875rem;margin:0}</style>")


def write_url(query: FinderQuery, *, widgets_match: bool = False) -> None:
    """Put ``query`` into the URL (keeping the UI language); see :func:`ui.filters.put_in_url`."""
    put_in_url(query, "_finder_url", widgets_match=widgets_match)


def easy_switch(lang: str) -> bool:
    """The Leichte-Sprache switch of the finder (German only, kept in the URL as ``ls=1``);
    True when the finder speaks Leichte Sprache in this run.

    Drawn before the page's texts, so they follow a change in the same run;
    :func:`search_controls` writes it to the URL with the other widgets.
    """
    if lang != DEFAULT_LANGUAGE:
        return False
    return bool(param_widget(FinderQuery.params["ls"], lang, prefix=PREFIX))


def easy_active(lang: str) -> bool:
    """Whether the finder speaks Leichte Sprache in this run, without drawing the switch
    (after a search the switch sits below the results, so the first result card stays on a
    phone's first screen; its state is seeded from the URL by :func:`current_query`)."""
    key = widget_key(FinderQuery.params["ls"], PREFIX)
    return lang == DEFAULT_LANGUAGE and bool(st.session_state.get(key))


def _help(param_name: str, lang: str, easy: bool) -> str | None:
    """Every option with its explanation, for a filter's help (catalogue text, escaped)."""
    lines = [f"- **{escape_markdown(name)}**: {escape_markdown(about)}"
             for name, about in option_help(param_name, lang, easy)]  # fmt: skip
    return "\n".join(lines) or None


def search_controls(query: FinderQuery, lang: str, easy: bool = False) -> FinderQuery:
    """The search box, radius and filters; returns the (possibly changed) query.

    The field and kind filters show plain names; the chosen option's explanation is a
    caption under it, all explanations are the filter's help (ui/plain.py).
    """
    params = FinderQuery.params
    with st.form("finder_form", border=False, enter_to_submit=True):
        param_widget(params["q"], lang, prefix=PREFIX, easy=easy, max_chars=MAX_QUERY_LENGTH,
                     placeholder=t_easy("finder.search_placeholder", lang, easy))  # fmt: skip
        st.form_submit_button(t_easy("finder.search_button", lang, easy), type="primary")
    # open with the filters of a shared link, but not over the results of a search (phones)
    with st.expander(t_easy("finder.filters", lang, easy),
                     expanded=query.has_filters and not query.q):
        for param in params:
            if param.widget and param.name not in OWN_PLACE:
                help_text = _help(param.name, lang, easy)
                value = param_widget(param, lang, prefix=PREFIX, easy=easy,
                                     **({"help": help_text} if help_text else {}))  # fmt: skip
                note = option_note(param.name, value or None, lang, easy)
                if note:
                    st.caption(escape_markdown(note))
    new = read_widgets(query, PREFIX)
    if new.q != query.q:
        new = new.with_(selected=None)
    if new != query:
        write_url(new, widgets_match=True)
    return new


def select(service_id: str | None) -> None:
    """Card button / marker click: mark an offer as selected (in the URL)."""
    query = FinderQuery.from_params(st.query_params.to_dict()).with_(selected=service_id)
    write_url(query)


def show_on_map(service_id: str, lang: str, easy: bool = False) -> None:
    """"Show on map": select the offer and switch to the map tab (its popup opens there)."""
    select(service_id)
    st.session_state[TAB_KEY] = t_easy("finder.tab_map", lang, easy)


def finder_tabs(lang: str, easy: bool = False):
    """The list and map tabs; their state is kept so "show on map" can switch tabs."""
    labels = [t_easy("finder.tab_list", lang, easy), t_easy("finder.tab_map", lang, easy)]
    if st.session_state.get(TAB_KEY) not in (None, *labels):  # the UI language changed (or ls)
        del st.session_state[TAB_KEY]
    return st.tabs(labels, key=TAB_KEY, on_change="rerun")


def choose_place(label: str) -> None:
    """"Did you mean" button: search for exactly this place."""
    query = FinderQuery.from_params(st.query_params.to_dict())
    write_url(query.with_(q=label, selected=None))


def _show_more() -> None:
    st.session_state["_finder_limit"] = st.session_state.get("_finder_limit", PAGE_SIZE) + PAGE_SIZE


def _cards_with_map_button(rows: pd.DataFrame, query: FinderQuery, lang: str, *,
                           key: str) -> None:  # fmt: skip
    """One card per row (the selected offer highlighted), each with its "show on map"."""
    easy = query.easy
    for i, (_, row) in enumerate(rows.iterrows()):
        st.html(card_html(row, lang, selected=row["service_id"] == query.selected, easy=easy))
        st.button(t_easy("finder.show_on_map", lang, easy), key=f"{key}_{i}_{row['service_id']}",
                  on_click=show_on_map, args=(row["service_id"], lang, easy))  # fmt: skip


def result_cards(results: pd.DataFrame, query: FinderQuery, lang: str) -> None:
    """The result list: selected offer first, then nearest first, paged."""
    st.html(CARD_CSS)
    limit = st.session_state.get("_finder_limit", PAGE_SIZE)
    easy = query.easy
    _cards_with_map_button(results.head(limit), query, lang, key="show")
    if len(results) > limit:
        more = min(PAGE_SIZE, len(results) - limit)
        st.button(tn_easy("finder.more", more, lang, easy), key="finder_more",
                  on_click=_show_more)


def unknown_language_cards(unknown: pd.DataFrame, query: FinderQuery, lang: str, spoken: str,
                           *, beyond: bool) -> None:  # fmt: skip
    """The nearest offers whose languages are unknown, under their own heading."""
    easy = query.easy
    st.subheader(t_easy("results.unknown_heading", lang, easy, language=spoken))
    st.caption(t_easy("results.unknown_note", lang, easy, language=spoken))
    if beyond:
        st.caption(t_easy("results.unknown_beyond", lang, easy))
    st.html(CARD_CSS)
    _cards_with_map_button(unknown, query, lang, key="unknown")


def zoom_for(radius_km: int) -> int:
    """A start zoom that shows roughly the search radius."""
    return {5: 12, 10: 11, 25: 10, 50: 9, 100: 8}.get(radius_km, 7)


def _ring(m: folium.Map, at: tuple[float, float], **style) -> None:
    """A circle in the ring pane (folium's path options drop ``pane``: set it directly)."""
    ring = folium.CircleMarker(list(at), fill=False, **style)
    ring.options.update(pane=RING_PANE, interactive=False)
    ring.add_to(m)


def finder_map(results: pd.DataFrame, point, query: FinderQuery, lang: str) -> None:
    """Searched point, one clustered layer of results, the selected offer ringed.

    A click on a marker selects that offer (its card then shows below the map).
    """
    m = maps.base_map(center=(point.lat, point.lon), zoom=zoom_for(query.radius_km), lang=lang)
    maps.add_district_outlines(m, load_districts())
    chosen_at = np.flatnonzero((results["service_id"] == query.selected).to_numpy())
    add_offers(
        m, results, lang, query.easy, plain_kinds=True,  # the finder names kinds plainly
        open_row=int(chosen_at[0]) if len(chosen_at) else None,
        spiderfy_points=True, call_field="call",
    )  # fmt: skip
    folium.CircleMarker(
        [point.lat, point.lon], radius=9, color="#b00020", weight=3, fill=True,
        fill_opacity=0.9, tooltip=maps.tip_html(t_easy("finder.searched_point", lang, query.easy)),
    ).add_to(m)  # fmt: skip
    # Rings for the searched point and the selected offer in a pane above the clusters
    # (a cluster icon would hide them); not clickable, so clusters stay clickable.
    folium.map.CustomPane(RING_PANE, z_index=640, pointer_events=False).add_to(m)
    _ring(m, (point.lat, point.lon), radius=22, color="#b00020", weight=3)
    chosen = results[results["service_id"] == query.selected]
    for _, row in chosen.iterrows():
        _ring(m, (row["lat"], row["lon"]), radius=16, color="#0b5cad", weight=4)
        m.location = [row["lat"], row["lon"]]
    st.caption(t_easy("finder.map_label", lang, query.easy))
    out = st_folium(m, key="finder_map", height=460, use_container_width=True,
                    returned_objects=["last_object_clicked", "last_object_clicked_tooltip",
                                      "last_object_clicked_count"])  # fmt: skip
    out = out or {}
    clicked = out.get("last_object_clicked")
    tap = (clicked, out.get("last_object_clicked_count"))
    if clicked and tap != st.session_state.get("_finder_click"):
        st.session_state["_finder_click"] = tap
        hit = maps.offer_at(results, clicked)
        # several offers at one point: a cluster was tapped (it spiderfies on the map, its
        # offices are listed below; picking one would re-draw the map and fold it), or one
        # of its spread-out markers, told apart by its tooltip (the office's name)
        st.session_state[HERE_KEY] = tuple(hit["service_id"]) if len(hit) > 1 else ()
        if len(hit) > 1 and out.get("last_object_clicked_tooltip"):
            named = hit[hit["name"].astype("string").str.strip()
                        == str(out["last_object_clicked_tooltip"]).strip()]  # fmt: skip
            hit = named if len(named) == 1 else hit
        if len(hit) == 1 and hit.iloc[0]["service_id"] != query.selected:
            select(hit.iloc[0]["service_id"])
            st.rerun()
    here = results[results["service_id"].isin(st.session_state.get(HERE_KEY, ()))]
    if len(here) > 1:
        offices_here(here, lang, query.easy)
    if len(chosen):
        st.html(CARD_CSS + card_html(chosen.iloc[0], lang, selected=True, easy=query.easy))


def offices_here(here: pd.DataFrame, lang: str, easy: bool = False) -> None:
    """The offices of a tapped cluster at one point (e.g. one building), one button each:
    a tap selects the office (its card shows below the map)."""
    with st.container(key="finder_here"):
        st.subheader(t_easy("results.cluster_list", lang, easy))
        for i, (_, row) in enumerate(here.iterrows()):
            st.button(escape_markdown(str(row.get("name") or "")), key=f"here_{i}",
                      on_click=select, args=(row["service_id"],), width="stretch")  # fmt: skip
