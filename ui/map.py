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
from ui.cards import address_html, german_line, kind_label, source_status
from ui.plain import kind_name

#: The popup's lines, the first one bold: German data (name, organisation, address) is
#: marked ``lang="de"``; address, source status and the German remarks are the card's HTML.
POPUP_FIELDS = ("name", "organization", "address", "kind_label", "position", "status", "note_de")
GERMAN_FIELDS = ("name", "organization", "address")
HTML_FIELDS = ("address", "status", "note_de")


def popup_frame(frame: pd.DataFrame, lang: str, easy: bool = False, *,
                plain_kinds: bool = False) -> pd.DataFrame:  # fmt: skip
    """Add the popup lines of :data:`POPUP_FIELDS` to ``frame``, built by the same helpers
    as the result cards (:mod:`ui.cards`): the address, the source's date in the UI language
    and the verification, the German remarks in one marked "Hinweis (Deutsch)" line
    (``easy``: in German Leichte Sprache, the finder's ``ls=1``; ``plain_kinds``: kinds in
    plain words, as the finder names them)."""
    if frame.empty:
        return frame.assign(kind_label=[], address=[], position=[], status=[], note_de=[],
                            call=[], call_text=[])  # fmt: skip
    lines = [(address_html(row), source_status(row, lang, easy), german_line(row, lang))
             for _, row in frame.iterrows()]  # fmt: skip
    address, status, note_de = (list(col) for col in zip(*lines, strict=True))
    name_kind = (lambda k: kind_name(k, lang, easy)) if plain_kinds else (
        lambda k: kind_label(k, lang))  # fmt: skip
    phone = frame["phone"] if "phone" in frame else pd.Series(None, index=frame.index)
    return frame.assign(
        call=phone.map(lambda v: (phones.tel_href(v) or "") if isinstance(v, str) else ""),
        call_text=phone.map(lambda v: phones.display_phone(v) if isinstance(v, str) else ""),
        kind_label=frame["kind"].map(name_kind),
        address=address,
        position=frame["precision"].map(
            lambda p: f"{t_easy('map.precision', lang, easy)}: "
            f"{t_easy(f'precision.{p}', lang, easy)}"
            if p in ("address", "postcode", "place") else ""
        ),
        status=status,
        note_de=note_de,
    )


def add_offers(m, frame: pd.DataFrame, lang: str, easy: bool = False, *,
               plain_kinds: bool = False, **options) -> maps.OfferCluster:  # fmt: skip
    """The offers of ``frame`` as one clustered layer on ``m`` with their popups in ``lang``
    (:func:`popup_frame`; ``options`` go to :func:`geo.maps.add_offer_points`)."""
    return maps.add_offer_points(
        m, popup_frame(frame, lang, easy, plain_kinds=plain_kinds),
        popup_fields=POPUP_FIELDS, german_fields=GERMAN_FIELDS, html_fields=HTML_FIELDS,
        lang=lang, **options,
    )  # fmt: skip


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
    m = maps.base_map(lang=lang)
    west, south, east, north = districts.total_bounds
    m.fit_bounds([[south, west], [north, east]])
    maps.add_district_outlines(m, districts)
    if len(frame) > netmap.POINT_LIMIT:
        # too many points to see one by one: counts per district, computed on the server
        netmap.add_map_css(m)
        counts = cells() if cells is not None else netmap.count_cells(
            frame, by="district", districts=districts)  # fmt: skip
        netmap.add_count_bubbles(m, counts, t("net.bubble", lang), lang)
        st.caption(t("map.label", lang))
        st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
        st.info(t("net.aggregated.fields", lang, limit=netmap.POINT_LIMIT),
                icon=":material/bubble_chart:")
        return
    layer = add_offers(m, frame, lang, color_by="kind_label")
    st.caption(t("map.label", lang))
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
    if layer.legend:
        legend(layer.legend)
