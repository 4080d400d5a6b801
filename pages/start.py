"""Start page: the whole state's network at a glance (map, filter by field), key figures,
and where each kind of visitor goes."""

import streamlit as st

from directory.filters import MAX_QUERY_LENGTH
from i18n import t
from i18n.localedata import format_count
from ui import netzwerke as netz
from ui.blocks import demo_banner
from ui.state import data_stamp, language, offers

lang = language()
frame = offers()
ctx = netz.context()

st.title(t("app.title", lang))
# A newcomer on a phone comes for counselling: the finder's search box on the first screen.
with st.form("start_search", border=False, enter_to_submit=True):
    typed = st.text_input(t("finder.search_label", lang), key="start_q",
                          max_chars=MAX_QUERY_LENGTH,
                          placeholder=t("finder.search_placeholder", lang))  # fmt: skip
    if st.form_submit_button(t("finder.search_button", lang), type="primary") and typed.strip():
        st.switch_page("pages/beratung.py", query_params={"q": typed.strip(), "lang": lang})
st.markdown(t("start.intro", lang))
demo_banner(frame, lang)

query = netz.controls(netz.current_query(ctx), ctx, lang, full=False)
view = type(query)(field=query.field)  # the start page: whole state, default layers
filtered = view.filtered(frame)
result = netz.network_map(view, filtered, ctx, lang, key="start_map", height=460)
if result.clicked:
    st.switch_page("pages/netzwerke.py", query_params={
        "kreis": result.clicked, **({"feld": view.field} if view.field else {}),
        **({"lang": lang} if lang != "de" else {})})  # fmt: skip
netz.legend(view, ctx, filtered, lang)
netz.map_caption(result, lang)

assigned = ctx.assignments["network_id"].notna()
n_offers, n_placed, n_districts = netz.offer_count(view.field, None, None, data_stamp())
n_all = len(ctx.assignments)  # the 45 districts of Lower Saxony
col1, col2, col5, col3, col4 = st.columns(5)
col1.metric(t("start.metric_offers", lang), format_count(n_offers, lang))  # Persian: ۱۳۹
col2.metric(t("start.metric_on_map", lang), format_count(n_placed, lang))
col5.metric(t("start.metric_districts", lang),
            t("start.covered_value", lang, n=n_districts, total=n_all))
col3.metric(t("start.metric_networks", lang), t("start.networks_value", lang,
            known=int((ctx.networks["status"] == "verified").sum()), n=len(ctx.networks)))
col4.metric(t("start.metric_covered", lang), t("start.covered_value", lang,
            n=int(assigned.sum()), total=len(ctx.assignments)))
st.caption(t("start.networks_note", lang))

st.subheader(t("start.audiences", lang))
st.markdown(t("start.audience_migrants", lang))
st.markdown(t("start.audience_coordinators", lang))
st.markdown(t("start.audience_planners", lang))
st.page_link("pages/beratung.py", label=t("nav.beratung", lang), icon=":material/search:")
st.page_link("pages/netzwerke.py", label=t("nav.netzwerke", lang), icon=":material/hub:",
             query_params={"feld": view.field} if view.field else None)
st.page_link(
    "pages/handlungsfelder.py", label=t("nav.handlungsfelder", lang), icon=":material/category:"
)
st.page_link("pages/info.py", label=t("nav.info", lang), icon=":material/info:")
