"""About the atlas: sources and attributions, imprint, privacy notice, accessibility statement.

Operator settings come from the environment (``ui/operator.py``): they are put into the
texts escaped (:func:`ui.blocks.escape_markdown`), so a setting can never add a link, an
image or markup to the page.
"""

from urllib.parse import urlsplit

import streamlit as st

from geo.maps import tile_layer_config
from geo.population import ATTRIBUTION as LSN_ATTRIBUTION
from i18n import t, tn
from ui.blocks import escape_markdown as md
from ui.operator import PLACEHOLDER, STATEMENT_DATE, format_day, operator_settings
from ui.state import language

lang = language()
op = operator_settings()

st.title(t("info.title", lang))

st.header(t("info.sources", lang), anchor="quellen")
st.markdown(t("info.sources_text", lang, lsn=md(LSN_ATTRIBUTION)))

st.header(t("info.imprint", lang), anchor="impressum")
st.markdown(t("info.imprint_text", lang, operator=md(op.name), address=md(op.address),
              email=md(op.email)))  # fmt: skip

try:
    tile_host = urlsplit(tile_layer_config().url or "").hostname
except ValueError:  # a misconfigured custom tile server shows no map tiles at all
    tile_host = None
tiles = t("info.tiles_on", lang, host=md(tile_host)) if tile_host else t("info.tiles_off", lang)
retention = (tn("info.retention", op.log_retention_days, lang)
             if op.log_retention_days is not None else md(PLACEHOLDER))  # fmt: skip

st.header(t("info.privacy", lang), anchor="datenschutz")
st.markdown(t(
    "info.privacy_text", lang,
    controller=md(op.controller_name), controller_address=md(op.controller_address),
    controller_email=md(op.controller_email), dpo=md(op.dpo_name), dpo_email=md(op.dpo_email),
    retention=retention, tiles=tiles, date=md(format_day(STATEMENT_DATE, lang)),
))  # fmt: skip

st.header(t("info.accessibility", lang), anchor="barrierefreiheit")
st.markdown(t(
    "info.accessibility_text", lang, email=md(op.email),
    statement_date=md(format_day(STATEMENT_DATE, lang)),
    review_date=md(format_day(op.accessibility_reviewed, lang)),
))  # fmt: skip
