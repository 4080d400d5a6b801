"""Find counselling: postcode or place (any script) → nearest offers, list and map."""

import streamlit as st

from directory.finder import search
from i18n import t, t_easy, tn_easy
from i18n.localedata import isolate
from ui.blocks import demo_banner, escape_markdown, unverified_note
from ui.finder import (
    DESCRIBE_CSS,
    choose_place,
    current_query,
    describe_html,
    easy_switch,
    finder_map,
    result_cards,
    search_controls,
)
from ui.geolocate import near_me_button
from ui.state import language, offers

lang = language()
frame = offers()

query = current_query()
easy = easy_switch(lang)  # German Leichte Sprache (ls=1); every finder text below follows it
st.title(t_easy("finder.title", lang, easy))
st.markdown(t_easy("finder.intro", lang, easy))
demo_banner(frame, lang)

query = search_controls(query, lang, easy)
near_me_button(lang, choose_place)
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
    st.header(tn_easy("finder.results_heading", len(results), lang, easy))
    # the place in the visitor's own script (and the place found, if it reads differently)
    st.html(DESCRIBE_CSS + describe_html(query, point.label, lang))
    if results.empty:
        st.info(t_easy("finder.none_in_radius", lang, easy), icon=":material/info:")
    if outcome.outside_radius:
        st.caption(tn_easy("finder.outside_radius", outcome.outside_radius, lang, easy))
    if outcome.without_position:
        st.caption(tn_easy("finder.without_position", outcome.without_position, lang, easy))
    if query.open_now:
        st.caption(t_easy("finder.open_unknown", lang, easy))
    tab_list, tab_map = st.tabs([t("finder.tab_list", lang), t("finder.tab_map", lang)])
    with tab_list:
        result_cards(results, query, lang)
    with tab_map:
        finder_map(results, point, query, lang)
    unverified_note(results, lang, easy)
    st.caption(t_easy("finder.share", lang, easy))
