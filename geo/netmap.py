"""The network map: districts coloured by regional network (or statistical region, or offers
per 100,000 inhabitants), offer layers with their own symbols, and server-side aggregation.

Builds on :mod:`geo.maps` (base map, self-hosted assets). No Streamlit here.

* :func:`district_styles` — fill colour and fill *pattern* per district for a level:
  a district whose network assignment is confirmed is filled solid, an inferred one is
  hatched (an SVG pattern of the network's colour), a district without a known network is
  grey; the region and density levels fill solid (density: zero hatched grey).
* :func:`add_choropleth` — ONE GeoJSON layer with those styles and an escaped tooltip
  (German data in it marked ``lang="de"``, :func:`geo.maps.german`); a
  click returns the feature (``st_folium(..., returned_objects=["last_active_drawing"])``)
  whose ``properties.ags`` selects the district.
* :func:`add_symbol_layer` — the offers of the active layers as ONE clustered layer of
  small SVG symbols (shape + colour per layer: circle, triangle, square, diamond), built in
  the browser from compact JSON; or, when there are more than :data:`POINT_LIMIT` points,
  :func:`add_count_bubbles` — counts per district (state zoom) or per grid cell (a selected
  network or district), so nothing is dropped and the payload stays small.

Every string that reaches the page is escaped with ``html.escape`` and travels as JSON.
Names (German data) are marked ``lang="de"``; counts use the UI language's digits.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from geo import maps

#: most single points a map carries; above, points are aggregated to counts
POINT_LIMIT = 2000
#: grid cell (degrees) for aggregation inside a network or district
GRID_DEG = 0.05

#: network colours in the order of the reference file: Okabe–Ito first, then ColorBrewer
#: "Dark2" tones (distinct in lightness); the legend and tooltips name every network.
NETWORK_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9",
                   "#F0E442", "#7570B3", "#A6761D", "#1B9E77")  # fmt: skip
REGION_COLOURS = {"Braunschweig": "#0072B2", "Hannover": "#E69F00", "Lüneburg": "#009E73",
                  "Weser-Ems": "#CC79A7"}  # fmt: skip
NO_NETWORK = "#bdbdbd"
#: ColorBrewer "Blues" (sequential, colour-blind safe), for offers per 100,000
DENSITY_COLOURS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
ZERO_COLOUR = "#9e9e9e"

#: layer id → (kinds, symbol shape, colour); counselling is coloured by kind instead
LAYERS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "beratung": (("migrationsberatung", "mbe", "jmd", "koordinierungsstelle", "kommunal",
                  "welcome_center"), "circle", "#0072B2"),
    "mso": (("selbstorganisation",), "triangle", "#D55E00"),
    "projekte": (("projekt",), "square", "#009E73"),
    "lotsen": (("integrationslotsen",), "diamond", "#CC79A7"),
}  # fmt: skip
LAYER_IDS: tuple[str, ...] = tuple(LAYERS)
#: counselling kinds: colours (Okabe–Ito) — the circle shape is shared
KIND_COLOURS = {"migrationsberatung": "#0072B2", "mbe": "#56B4E9", "jmd": "#E69F00",
                "koordinierungsstelle": "#000000", "kommunal": "#F0E442",
                "welcome_center": "#999999"}  # fmt: skip


def layer_of_kind(kind: str) -> str | None:
    for layer, (kinds, _, _) in LAYERS.items():
        if kind in kinds:
            return layer
    return None


def symbol_colour(kind: str) -> str:
    layer = layer_of_kind(kind)
    if layer == "beratung":
        return KIND_COLOURS[kind]
    return LAYERS[layer][2] if layer else "#000000"


def symbol_svg(shape: str, colour: str, size: int = 14) -> str:
    """A small inline SVG symbol (legend and markers share it)."""
    s, h = size, size / 2
    body = {
        "circle": f'<circle cx="{h}" cy="{h}" r="{h - 1.5}"/>',
        "triangle": f'<polygon points="{h},1.5 {s - 1.5},{s - 1.5} 1.5,{s - 1.5}"/>',
        "square": f'<rect x="2" y="2" width="{s - 4}" height="{s - 4}"/>',
        "diamond": f'<polygon points="{h},1 {s - 1},{h} {h},{s - 1} 1,{h}"/>',
    }[shape]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{s}" height="{s}" '
            f'viewBox="0 0 {s} {s}" aria-hidden="true"><g fill="{html.escape(colour)}" '
            f'stroke="#ffffff" stroke-width="1.2">{body}</g></svg>')  # fmt: skip


# -- district styles ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DistrictStyle:
    colour: str
    pattern: str  # "solid" | "hatch" | "none"
    label: str  # legend category (network id, region, density class index, "none")


def network_colours(network_ids: Sequence[str]) -> dict[str, str]:
    return {nid: NETWORK_COLOURS[i % len(NETWORK_COLOURS)] for i, nid in enumerate(network_ids)}


def district_styles(level: str, districts: pd.DataFrame, *, network_ids: Sequence[str] = (),
                    density_class: Mapping[str, int] | None = None) -> dict[str, DistrictStyle]:
    """AGS → :class:`DistrictStyle` for ``level`` ``"netz"`` | ``"region"`` | ``"dichte"``.

    ``districts`` needs ``ags`` and, per level, ``network_id`` + ``assignment_status``
    (netz), ``region`` (region) — for ``dichte`` pass ``density_class`` (AGS → class,
    0 = no offer).
    """
    out: dict[str, DistrictStyle] = {}
    if level == "region":
        for ags, region in zip(districts["ags"], districts["region"], strict=True):
            out[ags] = DistrictStyle(REGION_COLOURS.get(region, NO_NETWORK), "solid", region)
        return out
    if level == "dichte":
        density_class = density_class or {}
        for ags in districts["ags"]:
            k = int(density_class.get(ags, 0))
            if k == 0:
                out[ags] = DistrictStyle(ZERO_COLOUR, "hatch", "0")
            else:
                colour = DENSITY_COLOURS[min(k - 1, len(DENSITY_COLOURS) - 1)]
                out[ags] = DistrictStyle(colour, "solid", str(k))
        return out
    colours = network_colours(network_ids)
    for ags, net, status in zip(districts["ags"], districts["network_id"],
                                districts["assignment_status"], strict=True):  # fmt: skip
        if not net or pd.isna(net):
            out[ags] = DistrictStyle(NO_NETWORK, "none", "none")
        else:
            pattern = "solid" if status == "verified" else "hatch"
            out[ags] = DistrictStyle(colours.get(net, NO_NETWORK), pattern, net)
    return out


class HatchPatterns(MacroElement):
    """SVG ``<pattern>`` definitions in the map's overlay SVG, one per colour, so a path
    filled with ``url(#atlas-hatch-N)`` is hatched (Leaflet writes ``fillColor`` into the
    ``fill`` attribute as is). First-party script; no plugin."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(){
            var svg = {{ this._parent.get_name() }}.getPanes().overlayPane.querySelector("svg");
            if (!svg) { return; }
            var ns = "http://www.w3.org/2000/svg";
            var defs = document.createElementNS(ns, "defs");
            var colours = {{ this.colours|tojson }};
            colours.forEach(function(c, i) {
                var p = document.createElementNS(ns, "pattern");
                p.setAttribute("id", "atlas-hatch-" + i);
                p.setAttribute("patternUnits", "userSpaceOnUse");
                p.setAttribute("width", "7"); p.setAttribute("height", "7");
                p.setAttribute("patternTransform", "rotate(45)");
                var bg = document.createElementNS(ns, "rect");
                bg.setAttribute("width", "7"); bg.setAttribute("height", "7");
                bg.setAttribute("fill", "#ffffff");
                var line = document.createElementNS(ns, "rect");
                line.setAttribute("width", "3.2"); line.setAttribute("height", "7");
                line.setAttribute("fill", c);
                p.appendChild(bg); p.appendChild(line); defs.appendChild(p);
            });
            svg.insertBefore(defs, svg.firstChild);
        })();
        {% endmacro %}""")

    def __init__(self, colours: Sequence[str]):
        super().__init__()
        self._name = "HatchPatterns"
        self.colours = list(colours)


def add_choropleth(m: folium.Map, districts: Any, styles: Mapping[str, DistrictStyle],
                   tooltips: Mapping[str, str], *, selected: Sequence[str] = (),
                   decimals: int = 4) -> folium.GeoJson:  # fmt: skip
    """ONE GeoJSON layer of the districts, filled by ``styles``; ``tooltips`` (AGS → plain
    text, German data in it marked with :func:`geo.maps.german`) are escaped here
    (:func:`geo.maps.tip_html`). ``selected`` districts get a thick dark outline."""
    hatch_colours = sorted({s.colour for s in styles.values() if s.pattern == "hatch"})
    hatch_index = {c: i for i, c in enumerate(hatch_colours)}
    data = maps._rounded_geojson(districts, decimals)
    chosen = set(selected)
    for feature, ags in zip(data["features"], districts["ags"].astype(str), strict=True):
        style = styles.get(ags, DistrictStyle(NO_NETWORK, "none", "none"))
        fill = (f"url(#atlas-hatch-{hatch_index[style.colour]})" if style.pattern == "hatch"
                else style.colour)  # fmt: skip
        feature["id"] = ags
        feature["properties"] = {
            "ags": ags, "tip": maps.tip_html(tooltips.get(ags, ags)), "fill": fill,
            "opacity": 0.35 if style.pattern == "none" else 0.7, "sel": ags in chosen,
        }  # fmt: skip

    def style_fn(feature: dict[str, Any]) -> dict[str, Any]:
        p = feature["properties"]
        return {"fillColor": p["fill"], "fillOpacity": p["opacity"],
                "color": "#111111" if p["sel"] else "#4a5568",
                "weight": 3.5 if p["sel"] else 1, "dashArray": None}  # fmt: skip

    layer = folium.GeoJson(
        data, name="districts", style_function=style_fn,
        highlight_function=lambda _f: {"weight": 3, "color": "#111111"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    )  # fmt: skip
    layer.add_to(m)
    if hatch_colours:
        HatchPatterns(hatch_colours).add_to(m)
    return layer


# -- offers: symbols or counts -----------------------------------------------------------------
class SymbolCluster(folium.plugins.MarkerCluster):
    """One clustered layer of small SVG symbols, built in the browser from columns.

    Payload: ``lat``, ``lon``, ``sym`` (index into ``symbols``: pre-rendered SVG strings of
    shape + colour), ``name``/``org``/``kind`` (dictionary-encoded escaped text) — the
    popup shows name, organization (German data, marked ``lang="de"``) and kind; the
    tooltip the name; ``digits``: the cluster counts' digits (``null``: Western).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var d = {{ this.payload|tojson }};
            var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
            var icons = d.symbols.map(function(svg) {
                return L.divIcon({html: svg, className: "atlas-symbol", iconSize: [14, 14],
                                  iconAnchor: [7, 7]});
            });
            function text(f, i) { var c = d.codes[f]; return d.values[f][c === null ? i : c[i]]; }
            {{ this.german_js }}
            function de(f, i) { return german(text(f, i)); }
            var n = d.lat.length, markers = new Array(n);
            for (var i = 0; i < n; i++) {
                var mk = L.marker([d.lat[i], d.lon[i]], {icon: icons[d.sym[i]], row: i,
                                                         keyboard: false});
                mk.bindTooltip(de(0, i));
                mk.bindPopup(function(layer) {
                    var r = layer.options.row;
                    return "<strong>" + de(0, r) + "</strong><br>" + de(1, r) + "<br>" +
                           text(2, r);
                });
                markers[i] = mk;
            }
            {{ this.cluster_digits }}
            cluster.addLayers(markers);
            cluster.addTo({{ this._parent.get_name() }});
            return cluster;
        })();
        {% endmacro %}""")

    def __init__(self, payload: dict[str, Any], **options: Any):
        super().__init__(name="offers", **options)
        self._name = "SymbolCluster"
        self.payload = payload
        self.cluster_digits = maps.CLUSTER_DIGITS_JS
        self.german_js = maps.GERMAN_JS


def add_symbol_layer(m: folium.Map, frame: pd.DataFrame, kind_labels: Mapping[str, str],
                     lang: str | None = None) -> SymbolCluster:  # fmt: skip
    """All placed rows of ``frame`` (``lat, lon, name, organization, kind``) as symbols
    (``kind_labels`` in the UI language ``lang``, whose digits the cluster counts use)."""
    rows = frame[frame["lat"].notna() & frame["lon"].notna()]
    kinds = rows["kind"].astype(str)
    sym_keys = sorted(set(kinds))
    symbols = []
    for k in sym_keys:
        layer = layer_of_kind(k)
        shape = LAYERS[layer][1] if layer else "circle"
        symbols.append(symbol_svg(shape, symbol_colour(k)))
    index = {k: i for i, k in enumerate(sym_keys)}
    values, codes = [], []
    for col in ("name", "organization"):
        v, c = maps._encode(rows[col])
        values.append(v)
        codes.append(c)
    v, c = maps._encode(kinds.map(lambda k: kind_labels.get(k, k)))
    values.append(v)
    codes.append(c)
    payload = {
        "lat": np.round(rows["lat"].to_numpy(float), maps.COORD_DECIMALS).tolist(),
        "lon": np.round(rows["lon"].to_numpy(float), maps.COORD_DECIMALS).tolist(),
        "sym": [index[k] for k in kinds], "symbols": symbols, "values": values, "codes": codes,
        "digits": maps._language(lang)["digits"],
    }  # fmt: skip
    layer = SymbolCluster(payload, chunked_loading=True, show_coverage_on_hover=False,
                          max_cluster_radius=40)  # fmt: skip
    layer.n_points = len(rows)
    layer.add_to(m)
    return layer


def count_cells(frame: pd.DataFrame, *, by: str, districts: Any = None,
                grid: float = GRID_DEG) -> pd.DataFrame:  # fmt: skip
    """Aggregate placed rows to counts of distinct offers.

    ``by="district"``: one row per district at its representative point (``districts`` a
    GeoDataFrame with ``ags``, ``name``); ``by="grid"``: one row per ``grid``-degree cell at
    the mean position of its offers. Columns ``lat, lon, count, key``.
    """
    placed = frame[frame["lat"].notna() & frame["lon"].notna()]
    if by == "district":
        counts = (placed.dropna(subset=["district_ags"]).drop_duplicates(
            ["district_ags", "service_id"]).groupby("district_ags").size())  # fmt: skip
        pts = districts.set_index("ags").geometry.representative_point()
        out = pd.DataFrame({"count": counts})
        out["lat"] = [pts[a].y for a in out.index]
        out["lon"] = [pts[a].x for a in out.index]
        out["key"] = out.index
        return out.reset_index(drop=True)
    cell = (np.floor(placed["lat"] / grid).astype(int).astype(str) + ":"
            + np.floor(placed["lon"] / grid).astype(int).astype(str))  # fmt: skip
    g = placed.assign(_cell=cell).drop_duplicates(["_cell", "service_id"]).groupby("_cell")
    out = pd.DataFrame({"count": g.size(), "lat": g["lat"].mean(), "lon": g["lon"].mean()})
    out["key"] = out.index
    return out.reset_index(drop=True)


class CountBubbles(MacroElement):
    """Counts as proportional circles with the number written in them, built in the browser
    from one compact JSON payload (``[lat, lon, count]`` rows) — hundreds of cells cost a few
    kilobytes instead of one folium object each. Numbers are written in ``digits`` (ten
    digits, or ``null``: Western)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var d = {{ this.payload|tojson }};
            var group = L.featureGroup();
            var top = Math.max(1, Math.max.apply(null, d.rows.map(function(r){return r[2];})));
            function written(n) {
                var s = String(n);
                return d.digits ? s.replace(/[0-9]/g, function(x){return d.digits[Number(x)];})
                                : s;
            }
            d.rows.forEach(function(r) {
                var radius = 8 + 22 * Math.sqrt(r[2] / top);
                L.circleMarker([r[0], r[1]], {radius: radius, weight: 1.5, color: "#ffffff",
                    fillColor: "#1f3b57", fillOpacity: 0.85})
                  .bindTooltip(d.tooltip.replace("{n}", written(r[2]))).addTo(group);
                L.marker([r[0], r[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: "", iconSize: [40, 16], iconAnchor: [20, 8],
                        html: '<div class="atlas-count">' + written(r[2]) + "</div>"})})
                  .addTo(group);
            });
            group.addTo({{ this._parent.get_name() }});
            return group;
        })();
        {% endmacro %}""")

    def __init__(self, payload: dict[str, Any]):
        super().__init__()
        self._name = "CountBubbles"
        self.payload = payload


def add_count_bubbles(m: folium.Map, cells: pd.DataFrame, tooltip: str,
                      lang: str | None = None) -> CountBubbles:  # fmt: skip
    """Proportional circles with the count written in them (``tooltip`` has ``{n}``; it is
    escaped here, the counts are integers written in the digits of the UI language
    ``lang``)."""
    rows = [[round(float(r.lat), 4), round(float(r.lon), 4), int(r.count)]
            for r in cells.itertuples(index=False)]  # fmt: skip
    layer = CountBubbles({"rows": rows, "tooltip": maps.tip_html(tooltip),
                          "digits": maps._language(lang)["digits"]})  # fmt: skip
    layer.total = int(sum(r[2] for r in rows))
    layer.add_to(m)
    return layer


def district_neighbours(districts: Any) -> dict[str, tuple[str, ...]]:
    """AGS → AGS of the districts sharing a border (``touches`` or overlapping edges of the
    simplified shapes, computed in metres with a 50 m tolerance)."""
    import shapely

    metric = districts.to_crs("EPSG:25832")
    geoms = np.asarray(metric.geometry.values)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(shapely.buffer(geoms, 50), predicate="intersects")
    ags = metric["ags"].astype(str).to_numpy()
    out: dict[str, set[str]] = {a: set() for a in ags}
    for i, j in zip(left, right, strict=True):
        if i != j:
            out[ags[i]].add(ags[j])
    return {a: tuple(sorted(v)) for a, v in out.items()}


MAP_CSS = ("<style>.atlas-symbol{background:none;border:none}"
           ".atlas-count{color:#fff;font:600 11px/16px sans-serif;text-align:center;"
           "pointer-events:none;text-shadow:0 0 2px #000}</style>")  # fmt: skip


def add_map_css(m: folium.Map) -> None:
    """The few first-party styles of the symbol and count markers (inside the map frame)."""
    m.get_root().header.add_child(folium.Element(MAP_CSS))


def districts_svg(districts: Any, styles: Mapping[str, DistrictStyle], *,
                  selected: Sequence[str] = (), width: int = 560,
                  title: str = "") -> str:  # fmt: skip
    """A static SVG map of the districts (for print): fills and hatches as on the web map,
    selected districts outlined thick. Equirectangular projection scaled by cos(latitude)."""
    import shapely

    gdf = districts.to_crs(4326) if districts.crs and districts.crs.to_epsg() != 4326 else districts
    west, south, east, north = gdf.total_bounds
    kx = math.cos(math.radians((south + north) / 2))
    scale = (width - 20) / ((east - west) * kx)
    height = int((north - south) * scale) + 20

    def path(geom: Any) -> str:
        parts = []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                xs = 10 + (xy[:, 0] - west) * kx * scale
                ys = 10 + (north - xy[:, 1]) * scale
                points = "L".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
                parts.append(f"M{points}Z")
        return "".join(parts)

    hatch = sorted({s.colour for s in styles.values() if s.pattern == "hatch"})
    defs = "".join(
        f'<pattern id="ph{i}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="2.6" height="6" fill="{html.escape(c)}"/></pattern>'
        for i, c in enumerate(hatch))  # fmt: skip
    chosen = set(selected)
    shapes, outlines = [], []
    simplified = shapely.simplify(np.asarray(gdf.geometry.values), 0.003)
    for ags, name, geom in zip(gdf["ags"].astype(str), gdf["name"], simplified, strict=True):
        st_ = styles.get(ags, DistrictStyle(NO_NETWORK, "none", "none"))
        fill = f"url(#ph{hatch.index(st_.colour)})" if st_.pattern == "hatch" else st_.colour
        opacity = "0.45" if st_.pattern == "none" else "0.8"
        shapes.append(f'<path d="{path(geom)}" fill="{html.escape(fill)}" fill-opacity="{opacity}" '
                      f'fill-rule="evenodd" stroke="#4a5568" stroke-width="0.6">'
                      f"<title>{html.escape(str(name))}</title></path>")  # fmt: skip
        if ags in chosen:
            outlines.append(f'<path d="{path(geom)}" fill="none" stroke="#111" '
                            f'stroke-width="2.2"/>')  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-label="{html.escape(title)}"><defs>{defs}</defs>'
            + "".join(shapes) + "".join(outlines) + "</svg>")
