"""Find counselling: postcode or place (any script) → nearest offers, list and map."""

import pandas as pd
import streamlit as st

from directory.finder import search
from i18n import t, tn
from i18n.localedata import language_name
from ui.blocks import demo_banner, escape_markdown, unverified_note
from ui.finder import (
    FINDER_CSS,
    choose_place,
    current_query,
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
st.title(t("finder.title", lang))
query = current_query()
if not query.q:  # after a search the results take the first screen (phones)
    st.markdown(t("finder.intro", lang))
demo_banner(frame, lang)

query = search_controls(query, lang)
near_me_button(lang, choose_place)
if query.dropped:
    st.warning(t("finder.dropped", lang), icon=":material/link_off:")
outcome = search(frame, query)
located = outcome.located

if located.status == "empty":
    st.caption(t("finder.empty_hint", lang))
    st.caption(t("finder.near_me_privacy", lang))
elif located.status == "ambiguous":
    st.markdown(t("finder.ambiguous", lang))
    for i, match in enumerate(located.matches):
        st.button(escape_markdown(match.label), key=f"choice_{i}", on_click=choose_place,
                  args=(match.label,))  # fmt: skip
elif located.status == "not_found":
    key = "finder.postcode_not_in_area" if located.reason == "postcode_not_in_area" else (
        "finder.not_found")  # fmt: skip
    # the visitor's text is quoted: escaped, so it can never become a link or an image
    st.error(t(key, lang, q=escape_markdown(query.q)), icon=":material/search_off:")
    if located.suggestions:
        st.markdown(t("finder.suggestions", lang))
        for i, name in enumerate(located.suggestions):
            st.button(escape_markdown(name), key=f"suggest_{i}", on_click=choose_place,
                      args=(name,))  # fmt: skip
else:
    point = located.matches[0]
    results = outcome.results
    unknown = outcome.unknown_language
    spoken = language_name(query.language, lang) if query.language else ""
    st.header(tn("finder.results_heading", len(results), lang))
    st.caption(escape_markdown(query.with_(q=point.label).describe(lang)))
    if results.empty:
        if outcome.at_max_radius:
            message = t("results.none_max_radius", lang, km=query.radius_km)
            if query.has_filters:
                message += " " + t("results.remove_filters", lang)
        elif query.language:
            message = t("results.none_language", lang, language=spoken)
        else:
            message = t("finder.none_in_radius", lang)
        st.info(message, icon=":material/info:")
    shown = results if unknown is None else pd.concat([results, unknown])
    tab_list, tab_map = finder_tabs(lang)
    with tab_list:
        result_cards(results, query, lang)
        if unknown is not None and len(unknown):
            unknown_language_cards(unknown, query, lang, spoken,
                                   beyond=outcome.unknown_beyond_radius)  # fmt: skip
    with tab_map:
        finder_map(shown, point, query, lang)
    if outcome.outside_radius:
        st.caption(tn("finder.outside_radius", outcome.outside_radius, lang))
    if outcome.without_position:
        st.caption(tn("finder.without_position", outcome.without_position, lang))
    if query.open_now:
        st.caption(t("finder.open_unknown", lang))
    unverified_note(shown, lang)
    st.caption(t("finder.share", lang))
