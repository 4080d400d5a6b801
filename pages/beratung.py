"""Find counselling: postcode or place (any script) → nearest offers, list and map."""

import pandas as pd
import streamlit as st

from directory.finder import search
from i18n import t_easy, tn_easy
from i18n.localedata import isolate, language_name
from ui.blocks import demo_banner, escape_markdown, unverified_note
from ui.finder import (
    DESCRIBE_CSS,
    FINDER_CSS,
    choose_place,
    current_query,
    describe_html,
    easy_active,
    easy_switch,
    finder_map,
    finder_tabs,
    result_cards,
    search_controls,
    unknown_language_cards,
)
from ui.geolocate import near_me_button
from ui.state import language, offers

lang = language()
frame = offers()

st.html(FINDER_CSS)
query = current_query()
# German Leichte Sprache (ls=1); every finder text below follows it. Before a search the
# switch sits at the top; after one, below the results (the first card stays on screen).
switch_on_top = not query.q
easy = easy_switch(lang) if switch_on_top else easy_active(lang)
st.title(t_easy("finder.title", lang, easy))
if not query.q:  # after a search the results take the first screen (phones)
    st.markdown(t_easy("finder.intro", lang, easy))
demo_banner(frame, lang)

query = search_controls(query, lang, easy)
near_me_button(lang, choose_place, easy)
if query.dropped:
    st.warning(t_easy("finder.dropped", lang, easy), icon=":material/link_off:")
outcome = search(frame, query)
located = outcome.located

if located.status == "empty":
    st.caption(t_easy("finder.empty_hint", lang, easy))
    st.caption(t_easy("finder.near_me_privacy", lang, easy))
elif located.status == "ambiguous":
    st.markdown(t_easy("finder.ambiguous", lang, easy))
    for i, match in enumerate(located.matches):
        st.button(escape_markdown(match.label), key=f"choice_{i}", on_click=choose_place,
                  args=(match.label,))  # fmt: skip
elif located.status == "not_found":
    key = "finder.postcode_not_in_area" if located.reason == "postcode_not_in_area" else (
        "finder.not_found")  # fmt: skip
    # the visitor's text is quoted: escaped, so it can never become a link or an image
    st.error(t_easy(key, lang, easy, q=escape_markdown(isolate(query.q))),
             icon=":material/search_off:")  # fmt: skip
    if located.suggestions:
        st.markdown(t_easy("finder.suggestions", lang, easy))
        for i, name in enumerate(located.suggestions):
            st.button(escape_markdown(name), key=f"suggest_{i}", on_click=choose_place,
                      args=(name,))  # fmt: skip
else:
    point = located.matches[0]
    results = outcome.results
    unknown = outcome.unknown_language
    spoken = language_name(query.language, lang) if query.language else ""
    st.header(tn_easy("finder.results_heading", len(results), lang, easy))
    # the place in the visitor's own script (and the place found, if it reads differently)
    st.html(DESCRIBE_CSS + describe_html(query, point.label, lang))
    if results.empty:
        if outcome.at_max_radius:
            message = t_easy("results.none_max_radius", lang, easy, km=query.radius_km)
            if query.has_filters:
                message += " " + t_easy("results.remove_filters", lang, easy)
        elif query.language:
            message = t_easy("results.none_language", lang, easy, language=spoken)
        else:
            message = t_easy("finder.none_in_radius", lang, easy)
        st.info(message, icon=":material/info:")
    shown = results if unknown is None else pd.concat([results, unknown])
    tab_list, tab_map = finder_tabs(lang, easy)
    with tab_list:
        result_cards(results, query, lang)
        if unknown is not None and len(unknown):
            unknown_language_cards(unknown, query, lang, spoken,
                                   beyond=outcome.unknown_beyond_radius)  # fmt: skip
    with tab_map:
        finder_map(shown, point, query, lang)
    if outcome.outside_radius:
        st.caption(tn_easy("finder.outside_radius", outcome.outside_radius, lang, easy))
    if outcome.without_position:
        st.caption(tn_easy("finder.without_position", outcome.without_position, lang, easy))
    if query.open_now:
        st.caption(t_easy("finder.open_unknown", lang, easy))
    unverified_note(shown, lang, easy)
    st.caption(t_easy("finder.share", lang, easy))
if not switch_on_top:
    easy_switch(lang)
