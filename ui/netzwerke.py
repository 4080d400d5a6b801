"""Streamlit glue of the network map (``pages/netzwerke.py``, also the start page's map):
URL ⇄ widgets, the map with its legend, and the panel of a network or district.

The URL is the state (:class:`directory.network_view.NetworkQuery`); widgets follow the URL
when it changed and write every change back. Stored text (names, notes, sources) is escaped
before it reaches HTML; links are rendered only for http(s) addresses.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from directory import links
from directory.network_view import NetworkQuery
from directory.networks import district_assignments, network_table
from directory.taxonomy import KIND_IDS
from geo import maps, netmap
from geo.boundaries import load_districts
from geo.coverage import classes, density
from geo.population import ATTRIBUTION, STATISTICS_YEAR
from i18n import t
from i18n.localedata import format_number
from ui.filters import param_widget, put_in_url, set_widgets
from ui.state import data_stamp, directory_store

_PREFIX = "n_"  # widget keys: n_<URL name> (n_rv, n_feld, ...)
#: the parameters whose widgets follow the URL here (the matrix follows in ui/netpanel.py)
_FOLLOW = ("rv", "kreis", "feld", "art", "gruppe", "ebene")
_LAYER_KEY = "n_ebene_{}"
_URL = "_netz_url"
_CLICK = "_netz_click"


# -- context -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    networks: pd.DataFrame  # network_table
    assignments: pd.DataFrame  # district_ags, network_id, status, note
    memberships: pd.DataFrame
    cooperations: pd.DataFrame

    def names(self) -> dict[str, str]:
        return dict(zip(self.networks["network_id"], self.networks["name"], strict=True))

    def network_of(self) -> dict[str, str | None]:
        return dict(zip(self.assignments["district_ags"], self.assignments["network_id"],
                        strict=True))  # fmt: skip

    def districts_of(self, network_id: str) -> list[str]:
        a = self.assignments
        return sorted(a.loc[a["network_id"] == network_id, "district_ags"])

    def with_districts(self) -> list[str]:
        """Networks that cover at least one district, in reference order."""
        used = set(self.assignments["network_id"].dropna())
        return [n for n in self.networks["network_id"] if n in used]


@st.cache_data(ttl=3600, max_entries=2, show_spinner=False)
def _context_at(stamp: int) -> Context:
    store = directory_store()
    return Context(network_table(store), district_assignments(store),
                   links.memberships_frame(store), links.cooperations_frame(store))


def context() -> Context:
    """Networks, assignments, memberships and cooperations; rebuilt when the store changed
    (:func:`ui.state.data_stamp`)."""
    return _context_at(data_stamp())


def clear() -> None:
    _context_at.clear()


@lru_cache(maxsize=1)
def neighbours() -> dict[str, tuple[str, ...]]:
    return netmap.district_neighbours(load_districts())


@lru_cache(maxsize=1)
def district_frame() -> pd.DataFrame:
    """``ags, name, region, population`` (no geometry) of the 45 districts."""
    d = load_districts()
    return pd.DataFrame(d[["ags", "name", "region", "population"]])


@lru_cache(maxsize=1)
def _unique_names() -> dict[str, str]:
    d = load_districts()
    twice = set(d.loc[d["name"].duplicated(keep=False), "name"])
    return {a: f"{n} ({kind})" if n in twice else n
            for a, n, kind in zip(d["ags"], d["name"], d["type"], strict=True)}


def district_names() -> dict[str, str]:
    """AGS → display name, unique (Osnabrück the city and the Landkreis are told apart)."""
    return dict(_unique_names())


def safe_link(url: object, text: str | None = None) -> str:
    """An escaped link for an http(s) address, else the escaped text only."""
    value = "" if url is None else str(url).strip()
    label = html.escape(text or value)
    if value.lower().startswith(("http://", "https://")):
        return (f'<a href="{html.escape(value, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer">{label}</a>')  # fmt: skip
    return label


# -- URL ⇄ widgets -----------------------------------------------------------------------------
def current_query(ctx: Context) -> NetworkQuery:
    """The view in the URL; widgets follow the URL whenever it changed."""
    query = NetworkQuery.from_params(st.query_params.to_dict(), networks=set(ctx.names()),
                                     districts=set(district_names()))  # fmt: skip
    if st.session_state.get(_URL) != query.to_params():
        set_widgets(query, _PREFIX, only=_FOLLOW)
        for layer in netmap.LAYER_IDS:
            st.session_state[_LAYER_KEY.format(layer)] = layer in query.layers
        st.session_state[_URL] = query.to_params()
    if query.dropped:  # a hand-edited link: show the cleaned view in the address bar
        write_url(query)
    return query


def write_url(query: NetworkQuery, *, widgets_match: bool = False) -> None:
    put_in_url(query, _URL, widgets_match=widgets_match)


def _from_widgets(query: NetworkQuery, *, full: bool) -> NetworkQuery:
    s = st.session_state
    changes: dict = {"field": s.get("n_feld") or None}
    if full:
        changes |= {"network": s.get("n_rv") or None, "district": s.get("n_kreis") or None,
                    "kind": s.get("n_art") or None, "group": s.get("n_gruppe") or None,
                    "level": s.get("n_ebene") or "netz",
                    "layers": tuple(layer for layer in netmap.LAYER_IDS
                                    if s.get(_LAYER_KEY.format(layer), True))}  # fmt: skip
    new = query.with_(**changes)
    # a new network: keep the district only if it lies in that network
    if (full and new.network != query.network and new.district == query.district
            and new.district and new.network
            and new.district not in context().districts_of(new.network)):  # fmt: skip
        new = new.with_(district=None)
    return new


def controls(query: NetworkQuery, ctx: Context, lang: str, *, full: bool = True) -> NetworkQuery:
    """Selection and filters; ``full=False`` shows only the field of action (start page)."""
    names = ctx.names()
    dnames = district_names()
    params = NetworkQuery.params

    def widget(name: str, **options) -> None:
        param_widget(params[name], lang, prefix=_PREFIX, **options)

    if full:
        c1, c2 = st.columns(2)
        with c1:
            widget("rv", choices=ctx.with_districts() + [n for n in names
                                                         if n not in ctx.with_districts()],
                   format_func=names.get)  # fmt: skip
        with c2:
            widget("kreis", choices=sorted(dnames, key=dnames.get),
                   format_func=lambda a: dnames.get(a, a))  # fmt: skip
        for col, name in zip(st.columns(3), ("feld", "art", "gruppe"), strict=True):
            with col:  # the programme's terms, not the finder's plain names
                widget(name, format_func=lambda v, p=params[name]: p.term(v, lang))
        widget("ebene", horizontal=True)
        st.markdown(f"**{t('net.layers', lang)}**")
        cols = st.columns(2)
        for i, layer in enumerate(netmap.LAYER_IDS):
            cols[i % 2].checkbox(t(f"net.layer.{layer}", lang), key=_LAYER_KEY.format(layer))
    else:
        widget("feld", format_func=lambda v: params["feld"].term(v, lang))
    new = _from_widgets(query, full=full)
    if new != query:
        shown = st.session_state.get("n_kreis") or None
        write_url(new, widgets_match=not full or new.district == shown)
    return new


# -- map ---------------------------------------------------------------------------------------
def selected_districts(query: NetworkQuery, ctx: Context) -> list[str]:
    if query.district:
        return [query.district]
    if query.network:
        return ctx.districts_of(query.network)
    return []


def tooltips(query: NetworkQuery, ctx: Context, dens: pd.DataFrame, lang: str) -> dict:
    """AGS → the district's tooltip for the map level: UI words in ``lang``, numbers in its
    digits, district, region and network names as German data (:func:`geo.maps.german`)."""
    names, nets = ctx.names(), ctx.network_of()
    status = dict(zip(ctx.assignments["district_ags"], ctx.assignments["status"], strict=True))
    out = {}
    for r in district_frame().itertuples(index=False):
        name = maps.german(r.name)
        if query.level == "region":
            tip = f"{name} · {t('net.region', lang)}: {maps.german(r.region)}"
        elif query.level == "dichte":
            row = dens.loc[r.ags]
            tip = t("net.tip_density", lang, name=name,
                    n=format_number(int(row["count"]), lang, "#,##0"),
                    rate=format_number(float(row["per_100k"]), lang, "#,##0.0"))  # fmt: skip
        else:
            net = nets.get(r.ags)
            how = t(f"net.assignment.{status[r.ags]}", lang)
            tip = (f"{name} · {maps.german(names.get(net, net))} ({how})" if net
                   else f"{name} · {t('net.no_network', lang)}")  # fmt: skip
        out[r.ags] = tip
    return out


@dataclass
class MapResult:
    shown: int  # distinct offers in view
    placed_rows: int
    unplaced: pd.DataFrame
    aggregated: str | None  # None | "district" | "grid"
    clicked: str | None  # AGS of a newly clicked district


def network_map(query: NetworkQuery, offers: pd.DataFrame, ctx: Context, lang: str, *,
                key: str, height: int = 560) -> MapResult:  # fmt: skip
    """The atlas map for ``query`` over ``offers`` (already filtered by field/kind/group)."""
    gdf = load_districts()
    a = ctx.assignments.set_index("district_ags")
    frame = gdf.assign(network_id=gdf["ags"].map(a["network_id"]),
                       assignment_status=gdf["ags"].map(a["status"]))  # fmt: skip
    dens = _density(query.field, query.kind, query.group, data_stamp())
    _, cls = classes(dens["per_100k"])
    styles = netmap.district_styles(query.level, frame, network_ids=list(ctx.names()),
                                    density_class=cls.to_dict())  # fmt: skip
    chosen = selected_districts(query, ctx)
    m = maps.base_map(height=f"{height}px", lang=lang)
    netmap.add_map_css(m)
    sub = gdf[gdf["ags"].isin(chosen)] if chosen else gdf
    west, south, east, north = sub.total_bounds
    m.fit_bounds([[south, west], [north, east]])
    netmap.add_choropleth(m, gdf, styles, tooltips(query, ctx, dens, lang), selected=chosen)

    view = _view(query.with_(network=None, district=None, level="netz", matrix="feld"),
                 tuple(chosen), data_stamp())  # fmt: skip
    if view["cells"] is None:
        labels = {k: t(f"kind.{k}", lang) for k in KIND_IDS}
        netmap.add_symbol_layer(m, view["placed"], labels, lang)
    else:
        netmap.add_count_bubbles(m, view["cells"], t("net.bubble", lang), lang)
    st.caption(t("net.map_label", lang))
    out = st_folium(m, key=key, height=height, use_container_width=True,
                    returned_objects=["last_active_drawing"])  # fmt: skip
    clicked = None
    feature = (out or {}).get("last_active_drawing") or {}
    ags = str((feature.get("properties") or {}).get("ags") or "")
    if ags and ags != st.session_state.get(_CLICK + key):
        st.session_state[_CLICK + key] = ags
        clicked = ags if ags in district_names() else None
    return MapResult(view["shown"], view["placed_rows"], view["unplaced"], view["by"], clicked)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _density(field: str | None, kind: str | None, group: str | None,
             stamp: int) -> pd.DataFrame:  # fmt: skip
    """Offers per district and per 100,000 inhabitants for a filter (cached per store state)."""
    from ui.state import offers

    filtered = NetworkQuery(field=field, kind=kind, group=group).filtered(offers())
    return density(filtered, load_districts().set_index("ags")["population"])


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _view(query: NetworkQuery, chosen: tuple[str, ...], stamp: int) -> dict:
    """What the map shows for filters + layers + selected districts (cached per store state):
    the placed rows (at most :data:`geo.netmap.POINT_LIMIT`) or their counts per district
    (whole state) / grid cell (a selection), the number of offers, and the unplaced ones."""
    from ui.state import offers

    points = query.in_layers(query.filtered(offers()))
    if chosen:
        points = points[points["district_ags"].isin(chosen)]
    has_pos = points["lat"].notna() & points["lon"].notna()
    placed = points[has_pos]
    by = None if len(placed) <= netmap.POINT_LIMIT else ("grid" if chosen else "district")
    return {
        "shown": int(points["service_id"].nunique()), "placed_rows": int(has_pos.sum()),
        "unplaced": points[~has_pos], "by": by,
        "placed": placed[["lat", "lon", "name", "organization", "kind"]] if by is None
        else None,
        "cells": None if by is None else netmap.count_cells(placed, by=by,
                                                              districts=load_districts()),
    }  # fmt: skip


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def offer_count(field: str | None, kind: str | None, group: str | None, stamp: int) -> tuple:
    """(offers, offers on the map, districts with an offer) for a filter, cached per store
    state."""
    from ui.state import offers

    filtered = NetworkQuery(field=field, kind=kind, group=group).filtered(offers())
    return (int(filtered["service_id"].nunique()), int(filtered["lat"].notna().sum()),
            int(filtered["district_ags"].dropna().nunique()))  # fmt: skip


def select_district(query: NetworkQuery, ctx: Context, ags: str) -> None:
    """A click on the map: select that district (keeping the network if it contains it)."""
    network = query.network if query.network in (ctx.network_of().get(ags),) else None
    write_url(query.with_(district=ags, network=network))
    st.rerun()


def _swatch(colour: str, pattern: str) -> str:
    """A legend swatch as a styled ``<span>`` (st.html keeps CSS, not inline SVG)."""
    c = html.escape(colour)
    if pattern == "hatch":
        fill = f"background:repeating-linear-gradient(45deg,{c} 0 3px,#fff 3px 6px)"
    elif pattern == "none":
        fill = f"background:{c};opacity:.6"
    else:
        fill = f"background:{c}"
    return (f'<span aria-hidden="true" style="display:inline-block;width:22px;height:14px;'
            f'border:1px solid #4a5568;{fill}"></span>')  # fmt: skip


_SHAPES = {"circle": "border-radius:50%", "square": "border-radius:1px",
           "triangle": "clip-path:polygon(50% 0,100% 100%,0 100%)",
           "diamond": "clip-path:polygon(50% 0,100% 50%,50% 100%,0 50%)"}  # fmt: skip


def symbol_span(shape: str, colour: str) -> str:
    """The map symbol of a layer (shape + colour) as a styled ``<span>``."""
    return (f'<span aria-hidden="true" style="display:inline-block;width:14px;height:14px;'
            f'background:{html.escape(colour)};{_SHAPES[shape]}"></span>')  # fmt: skip


def legend(query: NetworkQuery, ctx: Context, offers: pd.DataFrame, lang: str) -> None:
    """The map's legend: district fills for the level, and the symbols of the layers (a
    network's name is German data, marked ``lang="de"``)."""
    items: list[tuple[str, str]] = []  # (symbol, label) as HTML: every text escaped
    esc = html.escape
    if query.level == "netz":
        colours = netmap.network_colours(list(ctx.names()))
        for nid in ctx.with_districts():
            row = ctx.networks.set_index("network_id").loc[nid]
            status = esc(t(f"net.name_status.{row.status}", lang))
            name = maps.tip_html(maps.german(row["name"]))
            items.append((_swatch(colours[nid], "solid"), f"{name} ({status})"))
        items += [(_swatch("#6b7280", "solid"), esc(t("net.legend.verified", lang))),
                  (_swatch("#6b7280", "hatch"), esc(t("net.legend.inferred", lang))),
                  (_swatch(netmap.NO_NETWORK, "none"), esc(t("net.no_network", lang)))]
    elif query.level == "region":
        items += [(_swatch(c, "solid"), esc(f"{t('net.region', lang)} {r}"))
                  for r, c in netmap.REGION_COLOURS.items()]
    else:
        dens = _density(query.field, query.kind, query.group, data_stamp())
        breaks, _ = classes(dens["per_100k"])
        lower = 0.0
        for i, b in enumerate(breaks):
            colour = netmap.DENSITY_COLOURS[min(i, len(netmap.DENSITY_COLOURS) - 1)]
            items.append((_swatch(colour, "solid"), esc(t("net.legend.range", lang,
                                                         low=format_number(lower, lang, "0.0"),
                                                         high=format_number(b, lang, "0.0")))))
            lower = b
        items.append((_swatch(netmap.ZERO_COLOUR, "hatch"), esc(t("net.legend.zero", lang))))
    for layer in query.layers:
        kinds, shape, colour = netmap.LAYERS[layer]
        if layer == "beratung":
            for k in kinds:
                items.append((symbol_span("circle", netmap.KIND_COLOURS[k]),
                              esc(t(f"kind.{k}", lang))))
        else:
            items.append((symbol_span(shape, colour), esc(t(f"net.layer.{layer}", lang))))
    body = "".join(f'<li style="display:inline-flex;align-items:center;gap:.35rem;'
                   f'margin:0 1rem .25rem 0">{sw}<span>{label}</span></li>'
                   for sw, label in items)  # fmt: skip
    heading = html.escape(t("net.legend", lang))
    st.html(f'<div class="atlas-legend" style="font-size:.9rem"><strong>{heading}</strong>'
            f'<ul style="list-style:none;padding:0;margin:.25rem 0;display:flex;'
            f'flex-wrap:wrap">{body}</ul></div>')  # fmt: skip
    if query.level == "dichte":
        st.caption(t("net.population_note", lang, year=STATISTICS_YEAR, source=ATTRIBUTION))


def map_caption(result: MapResult, lang: str) -> None:
    st.caption(t("net.map_caption", lang, n=result.shown, placed=result.placed_rows,
                 missing=len(result.unplaced)))  # fmt: skip
    if result.aggregated:
        st.info(t(f"net.aggregated.{result.aggregated}", lang, limit=netmap.POINT_LIMIT),
                icon=":material/bubble_chart:")
    if len(result.unplaced):
        with st.expander(t("net.unplaced", lang, n=len(result.unplaced))):
            from ui.tables import html_table

            labels = {"name": t("col.name", lang), "organization": t("net.col.organization", lang),
                      "city": t("col.city", lang), "geocode_note": t("col.reason", lang)}
            html_table(result.unplaced[list(labels)].rename(columns=labels), lang,
                       key="n_unplaced_page", german=labels.values())  # fmt: skip
