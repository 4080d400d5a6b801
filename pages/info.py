"""About the atlas: sources and attributions, imprint, privacy, accessibility statement."""

import streamlit as st

from i18n import t
from ui.operator import operator_settings
from ui.state import language

lang = language()
op = operator_settings()

st.title(t("info.title", lang))

st.header(t("info.sources", lang), anchor="quellen")
st.markdown(t("info.sources_text", lang))

st.header(t("info.imprint", lang), anchor="impressum")
st.markdown(t("info.imprint_text", lang, operator=op.name, address=op.address, email=op.email))

st.header(t("info.privacy", lang), anchor="datenschutz")
st.markdown(t("info.privacy_text", lang))

st.header(t("info.accessibility", lang), anchor="barrierefreiheit")
st.markdown(t("info.accessibility_text", lang, email=op.email))
