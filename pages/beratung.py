"""Find counselling: postcode or place (any script) → nearest offers, list and map."""

import streamlit as st

from directory.finder import search
from i18n import t, tn
from i18n.localedata import isolate
from ui.blocks import demo_banner, escape_markdown, unverified_note
from ui.finder import (
    DESCRIBE_CSS,
    choose_place,
    current_query,
    describe_html,
    finder_map,
    result_cards,
    search_controls,
)
from ui.geolocate import near_me_button
from ui.state import language, offers

lang = language()
frame = offers()

st.title(t("finder.title", lang))
st.markdown(t("finder.intro", lang))
demo_banner(frame, lang)

query = search_controls(current_query(), lang)
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
    st.error(t(key, lang, q=escape_markdown(isolate(query.q))), icon=":material/search_off:")
    if located.suggestions:
        st.markdown(t("finder.suggestions", lang))
        for i, name in enumerate(located.suggestions):
            st.button(escape_markdown(name), key=f"suggest_{i}", on_click=choose_place,
                      args=(name,))  # fmt: skip
else:
    point = located.matches[0]
    results = outcome.results
    st.header(tn("finder.results_heading", len(results), lang))
    # the place in the visitor's own script (and the place found, if it reads differently)
    st.html(DESCRIBE_CSS + describe_html(query, point.label, lang))
    if results.empty:
        st.info(t("finder.none_in_radius", lang), icon=":material/info:")
    if outcome.outside_radius:
        st.caption(tn("finder.outside_radius", outcome.outside_radius, lang))
    if outcome.without_position:
        st.caption(tn("finder.without_position", outcome.without_position, lang))
    if query.open_now:
        st.caption(t("finder.open_unknown", lang))
    tab_list, tab_map = st.tabs([t("finder.tab_list", lang), t("finder.tab_map", lang)])
    with tab_list:
        result_cards(results, query, lang)
    with tab_map:
        finder_map(results, point, query, lang)
    unverified_note(results, lang)
    st.caption(t("finder.share", lang))
