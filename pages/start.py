"""Start page: what the atlas is for and where each kind of visitor goes."""

import streamlit as st

from i18n import t
from ui.blocks import demo_banner
from ui.state import language, offers

lang = language()
frame = offers()

st.title(t("app.title", lang))
st.markdown(t("start.intro", lang))
demo_banner(frame, lang)

col1, col2, col3 = st.columns(3)
col1.metric(t("start.metric_offers", lang), frame["service_id"].nunique())
col2.metric(t("start.metric_on_map", lang), int(frame["lat"].notna().sum()))
col3.metric(t("start.metric_districts", lang), frame["district_ags"].nunique())

st.subheader(t("start.audiences", lang))
st.markdown(t("start.audience_migrants", lang))
st.markdown(t("start.audience_coordinators", lang))
st.markdown(t("start.audience_planners", lang))
st.page_link("pages/beratung.py", label=t("nav.beratung", lang), icon=":material/search:")
st.page_link(
    "pages/handlungsfelder.py", label=t("nav.handlungsfelder", lang), icon=":material/category:"
)
st.page_link("pages/info.py", label=t("nav.info", lang), icon=":material/info:")
