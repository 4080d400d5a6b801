"""Render folium maps built by :mod:`geo.maps` inside a page."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from directory import phones
from geo import maps, netmap
from geo.boundaries import load_districts
from i18n import t, t_easy
from ui.cards import kind_label


def popup_frame(frame: pd.DataFrame, lang: str, easy: bool = False) -> pd.DataFrame:
    """Add the translated popup lines (kind, address, position, source) to ``frame``
    (``easy``: in German Leichte Sprache, the finder's ``ls=1``)."""
    if frame.empty:
        return frame.assign(kind_label=[], address=[], position=[], status=[], call=[],
                            call_text=[])

    def address(row: pd.Series) -> str:
        parts = [row.get("street"), " ".join(p for p in (row.get("postal_code"),
                 row.get("city")) if p)]  # fmt: skip
        return ", ".join(p for p in parts if p)

    def status(row: pd.Series) -> str:
        if row.get("is_demo"):
            return t("map.demo", lang)
        date = row.get("source_date") or "–"
        text = f"{t_easy('map.source_date', lang, easy)}: {date}"
        if row.get("verification") == "unverified":
            text += f" · {t_easy('map.unverified', lang, easy)}"
        return text

    phone = frame["phone"] if "phone" in frame else pd.Series(None, index=frame.index)
    return frame.assign(
        call=phone.map(lambda v: (phones.tel_href(v) or "") if isinstance(v, str) else ""),
        call_text=phone.map(lambda v: phones.display_phone(v) if isinstance(v, str) else ""),
        kind_label=frame["kind"].map(lambda k: kind_label(k, lang)),
        address=frame.apply(address, axis=1),
        position=frame["precision"].map(
            lambda p: f"{t_easy('map.precision', lang, easy)}: "
            f"{t_easy(f'precision.{p}', lang, easy)}"
            if p in ("address", "postcode", "place") else ""
        ),
        status=frame.apply(status, axis=1),
    )


def legend(colours: dict[str, str]) -> None:
    """A small colour legend below a map (labels escaped)."""
    items = " &nbsp; ".join(
        f"<span style='color:{html.escape(c)}' aria-hidden='true'>●</span> {html.escape(label)}"
        for label, c in colours.items()
    )
    st.markdown(f"<div style='font-size:0.9rem'>{items}</div>", unsafe_allow_html=True)


def field_map(frame: pd.DataFrame, lang: str, *, key: str, height: int = 520,
              cells=None) -> None:  # fmt: skip
    """District outlines plus one clustered layer of the offers in ``frame``; above
    :data:`geo.netmap.POINT_LIMIT` points their counts per district instead (``cells``:
    an optional function returning those counts, e.g. cached)."""
    districts = load_districts()
    m = maps.base_map()
    west, south, east, north = districts.total_bounds
    m.fit_bounds([[south, west], [north, east]])
    maps.add_district_outlines(m, districts)
    if len(frame) > netmap.POINT_LIMIT:
        # too many points to see one by one: counts per district, computed on the server
        netmap.add_map_css(m)
        counts = cells() if cells is not None else netmap.count_cells(
            frame, by="district", districts=districts)  # fmt: skip
        netmap.add_count_bubbles(m, counts, t("net.bubble", lang))
        st.caption(t("map.label", lang))
        st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
        st.info(t("net.aggregated.fields", lang, limit=netmap.POINT_LIMIT),
                icon=":material/bubble_chart:")
        return
    layer = maps.add_offer_points(
        m,
        popup_frame(frame, lang),
        popup_fields=("name", "organization", "address", "kind_label", "position", "status"),
        color_by="kind_label",
    )
    st.caption(t("map.label", lang))
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
    if layer.legend:
        legend(layer.legend)
