"""Gaps in provision ("Versorgungslücken"): who lives far from a matching offer, per place and
district; 2SFCA accessibility; suggested sites for k new offices; what-if; report."""

import streamlit as st

from i18n import t
from ui.blocks import demo_banner, unverified_note
from ui.gaps import (
    analysis,
    controls,
    current_query,
    district_map,
    district_table,
    downloads,
    method,
    place_map,
    site_suggestion,
    sites_section,
    summary,
    unplaced_note,
    uploaded_demand,
    what_if,
    white_spot_list,
)
from ui.state import language, offers

lang = language()
frame = offers()

st.title(t("luecken.title", lang))
st.markdown(t("luecken.intro", lang))

query = controls(current_query(), frame, lang)
if query.dropped:
    st.warning(t("finder.dropped", lang), icon=":material/link_off:")
demand = uploaded_demand(query, lang)
outcome = analysis(query, demand)
suggestion = site_suggestion(query, demand, lang)

demo_banner(outcome.offices, lang)
st.caption(query.describe(lang))
summary(outcome, lang)
unplaced_note(outcome, lang)

tabs = st.tabs([t("luecken.tab_districts", lang), t("luecken.tab_places", lang),
                t("luecken.tab_sites", lang), t("luecken.tab_whatif", lang),
                t("luecken.tab_method", lang)])  # fmt: skip
with tabs[0]:
    district_map(outcome, lang)
    district_table(outcome, lang)
with tabs[1]:
    place_map(outcome, suggestion, lang)
    white_spot_list(outcome, lang)
with tabs[2]:
    sites_section(outcome, suggestion, lang)
with tabs[3]:
    what_if(outcome, frame, lang)
with tabs[4]:
    method(lang, outcome.result.radius_km)

st.subheader(t("luecken.download_heading", lang))
downloads(outcome, suggestion, lang)
unverified_note(outcome.offices, lang)
st.caption(t("luecken.share", lang))
