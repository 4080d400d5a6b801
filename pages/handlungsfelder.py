"""Fields of action: an overview of all 10 with their counts; per field motto and measures,
offers per kind, and a map of the field's offers (counts per district when there are many)."""

from html import escape

import pandas as pd
import streamlit as st

from directory.filters import BY_NAME
from directory.stats import offers_in_field
from directory.taxonomy import FIELD_IDS, KIND_IDS, fields_of_action
from i18n import t, tn
from ui.blocks import demo_banner, escape_markdown, german_html, unverified_note
from ui.figures import field_cells, field_overview, kind_field_matrix
from ui.map import field_map
from ui.plain import field_about, field_name, field_name_with_official
from ui.state import language, offers
from ui.tables import html_table

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
    ("", *FELD.choices),
    index=FELD.choices.index(requested) + 1 if requested else 0,
    # plain name first, the programme's name second (planners need it)
    format_func=lambda fid: field_name_with_official(fid, lang) if fid else t(
        "fields.overview", lang),
    key="feld",
)
if field_id:
    st.query_params["feld"] = field_id
else:
    st.query_params.pop("feld", None)

if not field_id:
    st.subheader(t("fields.overview_heading", lang))
    st.caption(t("fields.overview_caption", lang))
    overview = field_overview()
    html_table(pd.DataFrame({
        t("fields.col.field", lang): [t(f"field.{f}", lang) for f in overview.index],
        t("plain.col_plain", lang): [field_name(f, lang) for f in overview.index],
        t("plain.col_about", lang): [field_about(f, lang) for f in overview.index],
        t("fields.col.offers", lang): overview["offers"].tolist(),
        t("fields.col.organizations", lang): overview["organizations"].tolist(),
        t("fields.col.districts", lang): [t("fields.districts_value", lang, n=n, total=45)
                                          for n in overview["districts"]],
    }), lang, key="fields_overview", caption=t("fields.overview_heading", lang))  # fmt: skip
    for fid in FIELD_IDS:
        st.page_link("pages/handlungsfelder.py", label=field_name_with_official(fid, lang),
                     icon=":material/arrow_forward:", query_params={"feld": fid})
else:
    field = fields[field_id]
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.subheader(t(f"field.{field_id}", lang))
        # the poster's subtitle, motto and measures: the original German text, marked so
        if field.subtitle:
            german_html(f'<p style="color:#4a5260;font-size:.875rem;margin:0">'
                        f"{escape(field.subtitle)}</p>")  # fmt: skip
        plain = f"{field_name(field_id, lang)}: {field_about(field_id, lang)}"
        st.markdown(f"**{t('plain.col_plain', lang)}:** {escape_markdown(plain)}")
        german_html(f'<blockquote style="border-inline-start:.25rem solid #c9ced6;margin:0;'
                    f'padding-inline-start:1rem">„{escape(field.motto)}“</blockquote>')  # fmt: skip
        st.markdown(f"**{t('fields.measures', lang)}** ({t('fields.original_text', lang)})")
        german_html("<ul>" + "".join(f"<li>{escape(m)}</li>" for m in field.measures) + "</ul>")

    selected = offers_in_field(frame, field_id)
    with right:
        on_map = selected[selected["lat"].notna()]
        st.subheader(t("fields.map_heading", lang, n=selected["service_id"].nunique()))
        if selected.empty:
            st.info(t("fields.no_offers", lang), icon=":material/info:")
        field_map(on_map, lang, key="fields_map", cells=lambda: field_cells(field_id))
        off_map = selected[selected["lat"].isna()]
        st.caption(tn("fields.map_caption", len(on_map), lang, missing=len(off_map)))
        if len(off_map):
            with st.expander(tn("fields.off_map", len(off_map), lang)):
                labels = {"name": t("col.name", lang), "city": t("col.city", lang),
                          "geocode_note": t("col.reason", lang)}  # German data, all three
                html_table(off_map[list(labels)].rename(columns=labels), lang,
                           key="fields_off_map", german=labels.values())  # fmt: skip
    unverified_note(selected, lang)

st.subheader(t("fields.matrix_heading", lang))
st.caption(t("fields.matrix_caption", lang))
matrix = kind_field_matrix()
matrix.index = [t(f"field.{fid}", lang) for fid in matrix.index]
matrix.columns = [t(f"kind.{kid}", lang) for kid in KIND_IDS] + [t("fields.total", lang)]
matrix.index.name = t("fields.col.field", lang)
html_table(matrix.reset_index(), lang, key="fields_matrix", page_size=20,
           caption=t("fields.matrix_heading", lang))
