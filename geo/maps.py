"""Folium building blocks for the atlas maps.

* :func:`use_local_assets` points folium's ``default_js`` / ``default_css`` at the files
  vendored in ``static/vendor/`` (served by Streamlit at ``/app/static/vendor``), so a
  rendered map asks no host but the app and the tile server for anything.
* :func:`tile_layer_config` reads the tile server from the environment (``ATLAS_TILES``).
* :func:`base_map`, :func:`add_district_outlines` and :func:`add_offer_points` build a map
  with one GeoJSON layer for the districts and ONE client-side clustered layer for all
  offers (never one ``folium.Marker`` per record).
* :func:`offer_at` maps a click returned by ``st_folium`` back to the offer rows.

Every string that ends up in the page is HTML-escaped on the Python side (``html.escape``)
and travels as JSON (Jinja's ``tojson`` additionally escapes ``<``, ``>``, ``&`` and ``'``),
so a name like ``<img src=x onerror=alert(1)>`` is shown as text.

This module never imports Streamlit.

Rendering path (decided with a browser trace, see ``tests/browser``): ``st_folium`` works.
Its component bundle contains no Leaflet; it loads exactly the URLs in the elements'
``default_js`` / ``default_css`` into its iframe (same origin as the app), so after
:func:`use_local_assets` the browser requests only the app and the tiles. Avoid
``branca.colormap`` objects on maps shown with ``st_folium``: it hard-codes two d3 CDN URLs
for them.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import folium
import folium.plugins
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from i18n import direction, t
from i18n.localedata import FSI, PDI, isolate, localize_digits

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "DEFAULT_ASSET_BASE",
    "NO_TILES_MAX_ZOOM",
    "OSM_ATTRIBUTION",
    "OSM_URL",
    "MapLanguage",
    "OfferCluster",
    "TileConfig",
    "add_district_outlines",
    "add_offer_points",
    "base_map",
    "foreign_asset_urls",
    "german",
    "map_payload_bytes",
    "offer_at",
    "tile_layer_config",
    "tip_html",
    "use_local_assets",
]

DEFAULT_ASSET_BASE = "/app/static/vendor"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
NO_TILES_MAX_ZOOM = 18
NIEDERSACHSEN_CENTER = (52.8, 9.3)

#: Okabe-Ito colours (distinguishable with colour-vision deficiencies), cycled for
#: ``color_by`` categories.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
DEFAULT_POINT_COLOR = "#0b5cad"
COORD_DECIMALS = 5  # ~1 m; keeps the payload small


# --------------------------------------------------------------------------- assets


def _local_assets(base: str) -> dict[type, tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    """``{class: (default_js, default_css)}`` pointing at ``base``."""
    leaflet = f"{base}/leaflet"
    cluster = f"{base}/leaflet.markercluster"
    awesome = f"{base}/leaflet.awesome-markers"
    return {
        # Bootstrap, glyphicons and Font Awesome are dropped: folium's maps work without
        # them (they only style folium.Icon glyphs). jQuery stays: folium.Popup uses ``$``.
        folium.Map: (
            [
                ("leaflet", f"{leaflet}/leaflet.js"),
                ("jquery", f"{base}/jquery/jquery.min.js"),
                ("awesome_markers", f"{awesome}/leaflet.awesome-markers.js"),
            ],
            [
                ("leaflet_css", f"{leaflet}/leaflet.css"),
                ("awesome_markers_css", f"{awesome}/leaflet.awesome-markers.css"),
            ],
        ),
        folium.plugins.MarkerCluster: (
            [("markerclusterjs", f"{cluster}/leaflet.markercluster.js")],
            [
                ("markerclustercss", f"{cluster}/MarkerCluster.css"),
                ("markerclusterdefaultcss", f"{cluster}/MarkerCluster.Default.css"),
            ],
        ),
    }


def use_local_assets(base_url: str = DEFAULT_ASSET_BASE) -> None:
    """Point folium's JS/CSS at the self-hosted copies under ``base_url``.

    Call once at start-up (it is idempotent and cheap, so calling it on every Streamlit
    rerun is fine). Overrides the class attributes ``default_js`` / ``default_css`` of
    :class:`folium.Map` and :class:`folium.plugins.MarkerCluster` (inherited by
    ``FastMarkerCluster`` and :class:`OfferCluster`).

    Parameters
    ----------
    base_url : str, default "/app/static/vendor"
        URL prefix of the vendored assets (``static/vendor`` served by Streamlit with
        ``server.enableStaticServing = true``). An absolute path works both inside
        ``st_folium``'s component iframe and inside a ``srcdoc`` iframe.

    Examples
    --------
    >>> use_local_assets()
    >>> folium.Map.default_js[0]
    ('leaflet', '/app/static/vendor/leaflet/leaflet.js')
    """
    base = base_url.rstrip("/")
    for cls, (js, css) in _local_assets(base).items():
        cls.default_js = js
        cls.default_css = css


def _all_subclasses(cls: type) -> Iterable[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def foreign_asset_urls(base_url: str = DEFAULT_ASSET_BASE) -> dict[str, list[str]]:
    """Folium element classes that still reference assets outside ``base_url``.

    After :func:`use_local_assets` this lists the plugins the app must not use (or must
    vendor first), e.g. ``Draw``, ``Fullscreen``, ``HeatMap``.

    Parameters
    ----------
    base_url : str
        The prefix regarded as local.

    Returns
    -------
    dict of str to list of str
        ``"module.Class" -> [url, ...]`` for every class with a non-local asset URL.
    """
    found: dict[str, list[str]] = {}
    for cls in set(_all_subclasses(JSCSSMixin)):
        urls = [url for _, url in [*cls.default_js, *cls.default_css]]
        foreign = [url for url in urls if not url.startswith(base_url)]
        if foreign:
            found[f"{cls.__module__}.{cls.__qualname__}"] = foreign
    return dict(sorted(found.items()))


# --------------------------------------------------------------------------- tiles


@dataclass(frozen=True)
class TileConfig:
    """The tile server of the maps.

    Attributes
    ----------
    url : str or None
        Leaflet URL template, or ``None`` for a map without tiles.
    attribution : str
        Attribution HTML (required by the tile licence; shown in the map corner).
    max_zoom : int
        Maximum zoom of the map (marker clusters need one).
    """

    url: str | None
    attribution: str
    max_zoom: int = NO_TILES_MAX_ZOOM


def tile_layer_config(env: Mapping[str, str] | None = None) -> TileConfig:
    """Tile settings from the environment.

    ``ATLAS_TILES``:

    * ``osm`` (default) -- ``https://tile.openstreetmap.org/{z}/{x}/{y}.png`` with the
      attribution "© OpenStreetMap contributors" linking to the copyright page;
    * ``none`` -- no tiles (offline, tests); the map's ``maxZoom`` is set explicitly;
    * ``custom`` (or any other value) -- ``ATLAS_TILES_URL`` (a Leaflet template) and
      ``ATLAS_TILES_ATTRIBUTION`` (HTML); optional ``ATLAS_TILES_MAX_ZOOM``.

    Parameters
    ----------
    env : mapping, optional
        Defaults to :data:`os.environ`.

    Returns
    -------
    TileConfig

    Raises
    ------
    ValueError
        For a custom tile server without ``ATLAS_TILES_URL`` or attribution.

    Examples
    --------
    >>> tile_layer_config({"ATLAS_TILES": "none"}).url is None
    True
    >>> tile_layer_config({}).url
    'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
    """
    env = os.environ if env is None else env
    mode = env.get("ATLAS_TILES", "osm").strip().lower() or "osm"
    max_zoom = int(env.get("ATLAS_TILES_MAX_ZOOM", NO_TILES_MAX_ZOOM))
    if mode == "none":
        return TileConfig(url=None, attribution="", max_zoom=max_zoom)
    if mode == "osm" and not env.get("ATLAS_TILES_URL"):
        return TileConfig(url=OSM_URL, attribution=OSM_ATTRIBUTION, max_zoom=19)
    url = env.get("ATLAS_TILES_URL", "").strip()
    attribution = env.get("ATLAS_TILES_ATTRIBUTION", "").strip()
    if not url or "{z}" not in url:
        raise ValueError("ATLAS_TILES_URL must be a tile URL template with {z}/{x}/{y}")
    if not attribution:
        raise ValueError("ATLAS_TILES_ATTRIBUTION is required for a custom tile server")
    return TileConfig(url=url, attribution=attribution, max_zoom=max_zoom)


# --------------------------------------------------------------------------- base map


class MapLanguage(MacroElement):
    """The map document's language (its ``<html lang>``; tooltips wrap at a phone's width,
    and run right to left in a right-to-left language, as popups do), a scale bar that
    writes the language's digits (Persian: ``۰-۹``) and Leaflet's zoom buttons named in the
    language (title and screen-reader label; Leaflet's own are English). Added by
    :func:`base_map` with ``lang``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            document.documentElement.lang = {{ this.locale.lang|tojson }};
            var digits = {{ this.locale.digits|tojson }};
            var scale = L.control.scale({imperial: false});  // metric only
            if (digits) {
                scale._updateScale = function (el, text, ratio) {
                    L.Control.Scale.prototype._updateScale.call(this, el,
                        text.replace(/[0-9]/g, function (x) { return digits[Number(x)]; }),
                        ratio);
                };
            }
            // tooltips wrap inside a phone's map (translations run long; Leaflet's do not
            // wrap), and run right to left in a right-to-left language, as popups do
            var style = document.createElement("style");
            style.textContent = ".leaflet-tooltip{white-space:normal;width:max-content;"
                                + "max-width:min(16rem,45vw)}"
                                + ({{ this.locale.dir|tojson }} === "rtl"
                                   ? ".leaflet-tooltip,.leaflet-popup-content"
                                     + "{direction:rtl;text-align:start}" : "");
            document.head.appendChild(style);
            var map = {{ this._parent.get_name() }};
            scale.addTo(map);
            var zoom = {{ this.zoom|tojson }};
            if (map.zoomControl) {
                [[map.zoomControl._zoomInButton, zoom.zoom_in],
                 [map.zoomControl._zoomOutButton, zoom.zoom_out]].forEach(function (b) {
                    b[0].title = b[1];
                    b[0].setAttribute("aria-label", b[1]);
                });
            }
        })();
        {% endmacro %}"""
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "MapLanguage"
        self.locale = _language(lang)
        self.zoom = {key: t(f"shell.map.{key}", lang) for key in ("zoom_in", "zoom_out")}


def base_map(
    center: tuple[float, float] = NIEDERSACHSEN_CENTER,
    zoom: int = 7,
    tiles: TileConfig | None = None,
    lang: str | None = None,
    **map_options: Any,
) -> folium.Map:
    """An empty map of Lower Saxony with the configured tiles and a scale bar.

    Parameters
    ----------
    center : (lat, lon), default (52.8, 9.3)
    zoom : int, default 7
    tiles : TileConfig, optional
        Defaults to :func:`tile_layer_config` (environment).
    lang : str, optional
        The UI language: the map's document says it, the scale bar uses its digits
        (:class:`MapLanguage`).
    **map_options
        Passed to :class:`folium.Map` (e.g. ``height="600px"``, ``prefer_canvas=True``).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = base_map(tiles=TileConfig(url=None, attribution=""))
    >>> m.options["max_zoom"]
    18
    """
    cfg = tile_layer_config() if tiles is None else tiles
    in_language = _language(lang)["lang"] is not None  # else folium's own scale bar
    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        control_scale=not in_language,
        **map_options,
    )
    if in_language:
        MapLanguage(lang).add_to(m)
    # The map's own maxZoom: marker clusters need one even without a tile layer.
    m.options["max_zoom"] = cfg.max_zoom
    if cfg.url is not None:
        folium.TileLayer(
            tiles=cfg.url,
            attr=cfg.attribution,
            name="tiles",
            max_zoom=cfg.max_zoom,
            control=False,
        ).add_to(m)
    return m


def map_payload_bytes(m: folium.Map | folium.Figure) -> int:
    """Size in bytes (UTF-8) of the map's rendered standalone HTML.

    Parameters
    ----------
    m : folium.Map or branca Figure

    Returns
    -------
    int

    Notes
    -----
    Renders the map; folium's ``GeoJson`` adds its ``addTo`` line again on every render,
    so a second call may report a few bytes more.
    """
    root = m.get_root() if isinstance(m, folium.Map) else m
    return len(root.render().encode("utf-8"))


# --------------------------------------------------------------------------- districts


def _rounded_geojson(gdf: gpd.GeoDataFrame, decimals: int) -> dict[str, Any]:
    import shapely

    geoms = shapely.transform(np.asarray(gdf.geometry.values), lambda xy: np.round(xy, decimals))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapely.geometry.mapping(g)} for g in geoms
    ]}  # fmt: skip


def add_district_outlines(
    m: folium.Map,
    districts_gdf: gpd.GeoDataFrame,
    *,
    highlight_ags: Iterable[str] | None = None,
    tooltip_field: str = "name",
    ags_field: str = "ags",
    name: str = "districts",
    color: str = "#4a5568",
    highlight_color: str = "#0b5cad",
    decimals: int = COORD_DECIMALS,
) -> folium.GeoJson:
    """Add all district outlines as ONE GeoJSON layer with thin lines and a tooltip.

    Parameters
    ----------
    m : folium.Map
    districts_gdf : geopandas.GeoDataFrame
        Polygons (any CRS; reprojected to EPSG:4326) with ``ags_field`` and
        ``tooltip_field`` columns.
    highlight_ags : iterable of str, optional
        District keys drawn thicker and filled lightly.
    tooltip_field : str, default "name"
        Column shown (HTML-escaped) when hovering a district.
    ags_field : str, default "ags"
    name : str
        Layer name (layer control).
    color, highlight_color : str
        Outline colours.
    decimals : int, default 5
        Coordinates are rounded to this many decimals (payload size).

    Returns
    -------
    folium.GeoJson
        The layer (already added to ``m``).
    """
    gdf = districts_gdf
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    highlighted = {str(a) for a in (highlight_ags or ())}
    data = _rounded_geojson(gdf, decimals)
    for feature, ags, label in zip(
        data["features"], gdf[ags_field].astype(str), gdf[tooltip_field], strict=True
    ):
        feature["id"] = ags
        feature["properties"] = {
            "ags": ags,
            "label": _german_html(label),
            "hl": ags in highlighted,
        }

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        if feature["properties"]["hl"]:
            return {"color": highlight_color, "weight": 3, "fillColor": highlight_color,
                    "fillOpacity": 0.12}  # fmt: skip
        return {"color": color, "weight": 1, "fillOpacity": 0.0}

    layer = folium.GeoJson(
        data,
        name=name,
        style_function=style,
        highlight_function=lambda _f: {"weight": 3},
        # Values are pre-escaped: GeoJsonTooltip inserts them with innerHTML.
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
        smooth_factor=1.0,
    )
    layer.add_to(m)
    return layer


# --------------------------------------------------------------------------- offers


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def german(value: Any) -> str:
    """German data (a district, network or office name) inside a map's plain text, e.g. a
    catalogue text's placeholder: isolated between FSI and PDI, which :func:`tip_html` turns
    into ``<span lang="de" dir="auto">``; "" if missing.

    >>> german("Celle") == FSI + "Celle" + PDI
    True
    """
    if _missing(value):
        return ""
    return isolate(str(value).replace(FSI, "").replace(PDI, ""))


#: the German data in an escaped map text (:func:`german`)
_GERMAN = re.compile(f"{FSI}([^{FSI}{PDI}]*){PDI}")
_GERMAN_SPAN = r'<span lang="de" dir="auto">\1</span>'


def tip_html(text: Any) -> str:
    """A map text (tooltip) as HTML: everything escaped (also ``$`` and backticks, for folium
    templates that paste it into a JS template literal), the parts marked with :func:`german`
    inside ``<span lang="de" dir="auto">``.

    >>> tip_html(german("<b>Celle</b>") + " · 3 $")
    '<span lang="de" dir="auto">&lt;b&gt;Celle&lt;/b&gt;</span> · 3 &#36;'
    """
    escaped = html.escape(str(text)).replace("`", "&#96;").replace("$", "&#36;")
    return _GERMAN.sub(_GERMAN_SPAN, escaped).replace(FSI, "").replace(PDI, "")


def _german_html(value: Any) -> str:
    """A German name (data) as escaped HTML marked ``lang="de"``; "" if missing.

    >>> _german_html("<b>Celle</b>")
    '<span lang="de" dir="auto">&lt;b&gt;Celle&lt;/b&gt;</span>'
    """
    return tip_html(german(value))


#: script defining ``german(v)``: German data (names, addresses; escaped text) as the browser
#: shows it, marked as :func:`tip_html` marks it; shared by the layers built in the browser
GERMAN_JS = """
            function german(v) { return '<span lang="de" dir="auto">' + v + "</span>"; }"""


#: script giving the clusters of ``cluster`` their count in the digits ``d.digits`` (a string of
#: ten digits, or null: Western), shared by the clustered layers (OfferCluster, SymbolCluster)
CLUSTER_DIGITS_JS = """
            if (d.digits) {  // a cluster's count in the UI language's digits (Persian: ۰-۹)
                cluster.options.iconCreateFunction = function (c) {
                    var icon = cluster._defaultIconCreateFunction(c);
                    icon.options.html = icon.options.html.replace(/[0-9]/g, function (x) {
                        return d.digits[Number(x)];
                    });
                    return icon;
                };
            }"""


class OfferCluster(folium.plugins.MarkerCluster):
    """One clustered layer of ``L.circleMarker`` points built in the browser from columns.

    The data travel as compact, dictionary-encoded JSON columns (``lat``, ``lon`` and per
    text field a list of unique pre-escaped strings plus integer codes, or the plain
    column when it has no repeats); the JS builds the
    markers in one loop and adds them with ``addLayers`` (chunked loading). Popups are
    built lazily on open. Use :func:`add_offer_points` rather than this class.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var d = {{ this.payload|tojson }};
            var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
            function text(f, i) {
                var c = d.codes[f];
                return d.values[f][c === null ? i : c[i]];
            }
            {{ this.german_js }}
            function shown(f, i) {  // German data (names, addresses) is marked as such
                var v = text(f, i);
                return v && d.german[f] ? german(v) : v;
            }
            function popup(layer) {
                var i = layer.options.row, parts = [];
                for (var f = 0; f < d.popup.length; f++) {
                    var v = shown(d.popup[f], i);
                    if (v) { parts.push(f === 0 ? "<strong>" + v + "</strong>" : v); }
                }
                if (d.call !== null && d.call[i]) {  // tel: + E.164 (checked on the server)
                    parts.push('<a href="' + d.call[i] + '" dir="ltr" style="display:'
                               + 'inline-block;min-height:44px;line-height:44px">'
                               + '<span lang="de">\u260e ' + d.call_text[i] + "</span></a>");
                }
                // in the UI language and its direction (Leaflet aligns popups left: start)
                var body = parts.join("<br>");
                return d.lang ? '<div lang="' + d.lang + '" dir="' + d.dir
                                + '" style="text-align:start">' + body + "</div>" : body;
            }
            // A tapped marker spread out of its cluster (spiderfied) is reported to the page
            // at its office's position, not at the end of its leg (after its popup opened).
            function atHome(e) {
                if (this._preSpiderfyLatlng) { e.latlng = this._preSpiderfyLatlng; }
            }
            var n = d.lat.length, markers = new Array(n);
            for (var i = 0; i < n; i++) {
                var mk = L.circleMarker([d.lat[i], d.lon[i]], {
                    row: i, radius: 7, weight: 1.5, color: "#ffffff",
                    fillColor: d.palette[d.color[i] || 0], fillOpacity: 0.95
                });
                if (d.tooltip !== null) { mk.bindTooltip(shown(d.tooltip, i)); }
                mk.bindPopup(popup);
                mk.on("click", atHome);
                markers[i] = mk;
            }
            {{ this.cluster_digits }}
            cluster.addLayers(markers);
            // A tapped cluster zooms in while it can split; one that cannot (offices in one
            // building) spiderfies at once, at any zoom (markercluster itself would first zoom
            // to the last level). The page lists those offices (st_folium reports the tap).
            if (d.spiderfy_points) {
                cluster.options.zoomToBoundsOnClick = false;  // read when added to the map
                cluster.on("clusterclick", function (e) {
                    var map = cluster._map, c = e.layer, b = c.getBounds();
                    if (map.getZoom() >= map.getMaxZoom()) { return; }  // markercluster's own
                    if (b.getNorthEast().equals(b.getSouthWest())) { c.spiderfy(); }
                    else { c.zoomToBounds({padding: [24, 24]}); }
                });
            }
            cluster.addTo({{ this._parent.get_name() }});
            // The offer chosen with "show on map": zoom until it is free, open its popup
            // (markers are added in chunks: wait until it is in the layer).
            if (d.open !== null) {
                var chosen = markers[d.open], tries = 0;
                var openChosen = function () {
                    if (cluster.hasLayer(chosen)) {
                        cluster.zoomToShowLayer(chosen, function () { chosen.openPopup(); });
                    } else if (tries++ < 100) { setTimeout(openChosen, 50); }
                };
                openChosen();
            }
            return cluster;
        })();
        {% endmacro %}"""
    )

    def __init__(self, payload: dict[str, Any], name: str | None = None, **options: Any):
        super().__init__(name=name, **options)
        self._name = "OfferCluster"
        self.payload = payload
        self.cluster_digits = CLUSTER_DIGITS_JS
        self.german_js = GERMAN_JS


def _encode(series: pd.Series, *, markup: bool = False) -> tuple[list[str], list[int] | None]:
    """Dictionary-encode a text column into (unique escaped strings, codes); ``markup``: the
    values are HTML already (built by a caller that escapes every stored string) and are
    sent as they are.

    A column without repeats is sent as is (codes ``None``): names are mostly unique.
    """
    text = series.astype("string").fillna("").str.strip()
    codes, uniques = pd.factorize(text, sort=False)
    as_html = str if markup else (lambda v: html.escape(str(v)))
    if len(uniques) == len(text):
        return [as_html(v) for v in text], None
    return [as_html(v) for v in uniques], codes.tolist()


_LANG = re.compile(r"[a-z]{2,3}")


def _language(lang: str | None) -> dict[str, Any]:
    """The popups' language, writing direction and the digits of cluster counts (``None``:
    none set, Western digits)."""
    if lang is None or not _LANG.fullmatch(lang):
        return {"lang": None, "dir": None, "digits": None}
    digits = localize_digits("0123456789", lang)
    return {"lang": lang, "dir": direction(lang),
            "digits": None if digits == "0123456789" else digits}  # fmt: skip


_TEL = re.compile(r"^tel:\+[0-9]{4,15}(;ext=[0-9]{1,10})?$")


def _call_links(rows: pd.DataFrame, field: str | None) -> dict[str, Any]:
    """``call`` (the ``tel:`` links of column ``field``; "" where there is none or it is not a
    ``tel:`` URI of an E.164 number) and ``call_text`` (column ``field + "_text"``, the
    number as people read it, escaped) for the popups; both ``None`` without ``field``."""
    if field is None or field not in rows:
        return {"call": None, "call_text": None}
    shown = rows[f"{field}_text"] if f"{field}_text" in rows else rows[field]
    hrefs, texts = [], []
    for href, text in zip(rows[field], shown, strict=True):
        ok = isinstance(href, str) and _TEL.match(href) is not None
        hrefs.append(href if ok else "")
        texts.append(html.escape(str(text)) if ok else "")
    return {"call": hrefs, "call_text": texts}


def _position_among(ok: pd.Series, row: int | None) -> int | None:
    """Position of ``frame`` row ``row`` among the rows sent (those with coordinates)."""
    if row is None or not 0 <= row < len(ok) or not bool(ok.iloc[row]):
        return None
    return int(ok.iloc[:row].sum())


def add_offer_points(
    m: folium.Map,
    frame: pd.DataFrame,
    *,
    popup_fields: Sequence[str] = ("name", "organization", "city", "kind"),
    tooltip_field: str | None = "name",
    color_by: str | None = None,
    palette: Sequence[str] = PALETTE,
    name: str = "offers",
    cluster_options: Mapping[str, Any] | None = None,
    open_row: int | None = None,
    spiderfy_points: bool = False,
    call_field: str | None = None,
    german_fields: Sequence[str] = (),
    html_fields: Sequence[str] = (),
    lang: str | None = None,
) -> OfferCluster:
    """Add all offers as ONE client-side clustered layer of circle markers.

    Parameters
    ----------
    m : folium.Map
        Best from :func:`base_map` (sets the ``maxZoom`` clusters need).
    frame : pandas.DataFrame
        Columns ``lat``, ``lon`` and the fields named in ``popup_fields`` /
        ``tooltip_field`` / ``color_by`` (typically ``name, organization, city, kind``).
        Rows without valid coordinates are skipped.
    popup_fields : sequence of str
        Popup lines, the first one bold; empty values are left out. HTML-escaped.
    tooltip_field : str or None, default "name"
        Hover text (HTML-escaped). ``st_folium`` returns it as
        ``last_object_clicked_tooltip``.
    color_by : str, optional
        Categorical column; each category gets a colour from ``palette``
        (see ``layer.legend``).
    palette : sequence of str
        Colours, cycled. Without ``color_by`` all points use ``palette[0]`` if a
        palette is given explicitly, else the app's primary colour.
    name : str
        Layer name (layer control).
    cluster_options : mapping, optional
        Extra Leaflet.markercluster options (``maxClusterRadius``, ...).
    open_row : int, optional
        Position (in ``frame``) of an offer whose popup opens at once, the map zoomed
        until its marker is out of its cluster ("show on map").
    call_field : str, optional
        Column of ``tel:`` links (E.164, e.g. from :func:`directory.phones.tel_href`; any
        other value is left out) shown as a call link at the end of the popup, with the
        text of column ``<call_field>_text`` (the number as people read it).
    spiderfy_points : bool, default False
        A tap on a cluster of offers at one point (offices in one building) spreads them
        out at once (spiderfy) instead of zooming to the last level first.
    german_fields : sequence of str
        Popup and tooltip fields holding German data (names, addresses): shown inside
        ``<span lang="de" dir="auto">`` in a popup of another language.
    html_fields : sequence of str
        Popup fields whose values are HTML already, sent without escaping: only for HTML
        built by a function that escapes every stored string in it (``ui.cards``).
    lang : str, optional
        The UI language: popups are marked with it and its writing direction, cluster
        counts use its digits (Persian: ``۰-۹``).

    Returns
    -------
    OfferCluster
        The layer (already added to ``m``), with ``.legend`` (category -> colour),
        ``.n_points`` and ``.n_skipped``.

    Examples
    --------
    >>> frame = pd.DataFrame({"lat": [52.37, None], "lon": [9.73, 9.0], "name": ["A", "B"],
    ...                       "organization": ["O", "O"], "city": ["Hannover", "X"],
    ...                       "kind": ["Migrationsberatung", "Pilot"]})
    >>> layer = add_offer_points(base_map(tiles=TileConfig(None, "")), frame)
    >>> layer.n_points, layer.n_skipped
    (1, 1)
    """
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    rows = frame.loc[ok]

    fields: list[str] = list(dict.fromkeys(
        [*popup_fields, *([tooltip_field] if tooltip_field else [])]
    ))  # fmt: skip
    values: list[list[str]] = []
    codes: list[list[int] | None] = []
    for field in fields:
        v, c = (_encode(rows[field], markup=field in html_fields) if field in rows
                else ([""], [0] * len(rows)))  # fmt: skip
        values.append(v)
        codes.append(c)

    legend: dict[str, str] = {}
    if color_by is not None:
        cats = rows[color_by].astype("string").fillna("")
        color_codes, uniques = pd.factorize(cats, sort=True)
        colours = [palette[k % len(palette)] for k in range(len(uniques))]
        legend = {str(u): colours[k] for k, u in enumerate(uniques)}
        color_list = [max(int(c), 0) for c in color_codes]
        used_palette = colours or [DEFAULT_POINT_COLOR]
    else:
        color_list = [0] * len(rows)
        used_palette = [palette[0] if palette is not PALETTE else DEFAULT_POINT_COLOR]

    payload = {
        "lat": np.round(lat[ok].to_numpy(float), COORD_DECIMALS).tolist(),
        "lon": np.round(lon[ok].to_numpy(float), COORD_DECIMALS).tolist(),
        "values": values,
        "codes": codes,
        "popup": [fields.index(f) for f in popup_fields],
        "tooltip": fields.index(tooltip_field) if tooltip_field else None,
        "color": color_list,
        "palette": used_palette,
        "open": _position_among(ok, open_row),
        "spiderfy_points": bool(spiderfy_points),
        "german": [f in german_fields for f in fields],
        **_language(lang),
        **_call_links(rows, call_field),
    }
    options = {"chunked_loading": True, "show_coverage_on_hover": False}
    options.update(cluster_options or {})
    layer = OfferCluster(payload, name=name, **options)
    layer.legend = legend
    layer.n_points = int(ok.sum())
    layer.n_skipped = len(frame) - layer.n_points
    layer.add_to(m)
    return layer


def offer_at(
    frame: pd.DataFrame,
    clicked: Mapping[str, float] | None,
    *,
    tolerance: float = 10**-COORD_DECIMALS,
) -> pd.DataFrame:
    """Rows of ``frame`` at the point ``st_folium`` reports as ``last_object_clicked``.

    Leaflet reports a circle marker's own position on click, rounded as sent
    (5 decimals), so matching within ``tolerance`` degrees finds the clicked offer (or
    several offers at the same address).

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame given to :func:`add_offer_points`.
    clicked : mapping with ``lat`` and ``lng``, or None
    tolerance : float, default 1e-5

    Returns
    -------
    pandas.DataFrame
        Matching rows (empty if none or ``clicked`` is None).
    """
    if not clicked or clicked.get("lat") is None or clicked.get("lng") is None:
        return frame.iloc[0:0]
    lat = pd.to_numeric(frame["lat"], errors="coerce").round(COORD_DECIMALS)
    lon = pd.to_numeric(frame["lon"], errors="coerce").round(COORD_DECIMALS)
    hit = ((lat - float(clicked["lat"])).abs() <= tolerance + 1e-9) & (
        (lon - float(clicked["lng"])).abs() <= tolerance + 1e-9
    )
    return frame.loc[hit.fillna(False)]
