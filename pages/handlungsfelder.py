"""Fields of action: motto and measures, offers per kind, and a map of one field's offers."""

import streamlit as st

from directory.filters import BY_NAME
from directory.stats import kind_field_matrix, offers_in_field
from directory.taxonomy import KIND_IDS, fields_of_action
from i18n import t, tn
from ui.blocks import demo_banner, unverified_note
from ui.map import field_map
from ui.state import language, offers

lang = language()
frame = offers()
fields = {f.id: f for f in fields_of_action()}

st.title(t("fields.title", lang))
st.caption(t("fields.source_note", lang))
demo_banner(frame, lang)

FELD = BY_NAME["feld"]  # the same parameter definition as the finder's field filter
requested, _ = FELD.read(st.query_params.to_dict())
field_id = st.selectbox(
    t("fields.select", lang),
    FELD.choices,
    index=FELD.choices.index(requested) if requested else 0,
    format_func=lambda fid: FELD.option(fid, lang),
    key="feld",
)
st.query_params["feld"] = field_id
field = fields[field_id]

left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader(t(f"field.{field_id}", lang))
    if field.subtitle:
        st.caption(field.subtitle)
    st.markdown(f"> „{field.motto}“")
    st.markdown(f"**{t('fields.measures', lang)}** ({t('fields.original_text', lang)})")
    st.markdown("\n".join(f"- {m}" for m in field.measures))

selected = offers_in_field(frame, field_id)
with right:
    on_map = selected[selected["lat"].notna()]
    st.subheader(t("fields.map_heading", lang, n=selected["service_id"].nunique()))
    if selected.empty:
        st.info(t("fields.no_offers", lang), icon=":material/info:")
    field_map(on_map, lang, key="fields_map")
    off_map = selected[selected["lat"].isna()]
    st.caption(tn("fields.map_caption", len(on_map), lang, missing=len(off_map)))
    if len(off_map):
        with st.expander(tn("fields.off_map", len(off_map), lang)):
            st.dataframe(
                off_map[["name", "city", "geocode_note"]].rename(
                    columns={"name": t("col.name", lang), "city": t("col.city", lang),
                             "geocode_note": t("col.reason", lang)}),
                hide_index=True, width="stretch",
            )  # fmt: skip

st.subheader(t("fields.matrix_heading", lang))
st.caption(t("fields.matrix_caption", lang))
matrix = kind_field_matrix(frame)
matrix.index = [t(f"field.{fid}", lang) for fid in matrix.index]
matrix.columns = [t(f"kind.{kid}", lang) for kid in KIND_IDS] + [t("fields.total", lang)]
st.dataframe(matrix, width="stretch")
unverified_note(selected, lang)
