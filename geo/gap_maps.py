"""Maps of the gap analysis: district choropleth, place dots, and a static SVG map.

* :func:`classify` -- class breaks (Fisher–Jenks via ``mapclassify``) and a colour per value
  from :data:`SEQUENTIAL` (ColorBrewer YlOrRd, readable with colour-vision deficiencies),
  always so that red means *worse* (``higher_is_worse=False`` flips the ramp);
* :func:`add_choropleth` -- ONE GeoJSON layer of the districts filled by class;
* :func:`add_place_dots` -- ONE layer of circle markers for the 1,153 places, built in the
  browser from compact arrays (size and colour per place), like :class:`geo.maps.OfferCluster`
  but without clustering;
* :func:`svg_map` -- the same choropleth as a self-contained inline SVG (no script, no
  request) for the printable report.

Every text is HTML-escaped here; German data in a tooltip (district, place names) is shown
inside ``<span lang="de" dir="auto">``. No Streamlit import.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd
from folium.template import Template

from geo.maps import COORD_DECIMALS, GERMAN_JS, _encode, _rounded_geojson, tip_html

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["NO_DATA_COLOR", "SEQUENTIAL", "Classes", "PlaceDots", "add_choropleth",
           "add_place_dots", "classify", "svg_map"]  # fmt: skip

#: ColorBrewer YlOrRd, 5 classes (light = better, dark red = worse).
SEQUENTIAL: tuple[str, ...] = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_DATA_COLOR = "#bdbdbd"


@dataclass(frozen=True)
class Classes:
    """Classes of a set of values.

    Attributes
    ----------
    upper : tuple of float
        Upper bound of each class (ascending).
    lower : tuple of float
        Lower bound (the smallest value of the class's range).
    colors : tuple of str
        Colour of each class.
    index : numpy.ndarray of int
        Class of each value, ``-1`` for NaN.
    """

    upper: tuple[float, ...]
    lower: tuple[float, ...]
    colors: tuple[str, ...]
    index: np.ndarray

    def color_of(self) -> list[str]:
        """Colour per value (:data:`NO_DATA_COLOR` for NaN)."""
        return [self.colors[i] if i >= 0 else NO_DATA_COLOR for i in self.index]


def classify(values: Sequence[float], *, k: int = 5, higher_is_worse: bool = True) -> Classes:
    """Fisher–Jenks classes of ``values`` (NaN/inf left out) with YlOrRd colours.

    Fewer distinct values than ``k`` give fewer classes; one value gives one class.

    Examples
    --------
    >>> c = classify([0.0, 0.0, 0.5, 1.0, float("nan")], k=3)
    >>> c.index.tolist(), c.upper
    ([0, 0, 1, 2, -1], (0.0, 0.5, 1.0))
    """
    import mapclassify

    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    index = np.full(y.shape, -1, dtype=int)
    unique = np.unique(y[ok])
    if unique.size == 0:
        return Classes((), (), (), index)
    n = int(min(k, unique.size))
    if n == 1:
        upper = (float(unique[0]),)
        index[ok] = 0
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Numba not installed": 45 values need none
            fj = mapclassify.FisherJenks(y[ok], k=n)
        upper = tuple(float(b) for b in fj.bins)
        index[ok] = np.asarray(fj.yb, dtype=int)
    lower = tuple(float(y[ok][index[ok] == i].min()) if (index[ok] == i).any() else upper[i]
                  for i in range(len(upper)))  # fmt: skip
    ramp = _ramp(len(upper))
    colors = ramp if higher_is_worse else ramp[::-1]
    return Classes(upper, lower, tuple(colors), index)


def _ramp(n: int) -> tuple[str, ...]:
    """``n`` colours spread over :data:`SEQUENTIAL` (first and last always included)."""
    if n >= len(SEQUENTIAL):
        return SEQUENTIAL
    if n == 1:
        return (SEQUENTIAL[2],)
    picks = np.round(np.linspace(0, len(SEQUENTIAL) - 1, n)).astype(int)
    return tuple(SEQUENTIAL[i] for i in picks)


def add_choropleth(
    m: folium.Map,
    districts_gdf: gpd.GeoDataFrame,
    colors: Sequence[str],
    tooltips: Sequence[str],
    *,
    name: str = "choropleth",
) -> folium.GeoJson:
    """Districts filled with ``colors`` (one per row), tooltip text per row (escaped, German
    data marked: :func:`geo.maps.tip_html`)."""
    gdf = districts_gdf
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    data = _rounded_geojson(gdf, COORD_DECIMALS)
    for feature, ags, color, tip in zip(data["features"], gdf["ags"].astype(str), colors,
                                        tooltips, strict=True):  # fmt: skip
        feature["id"] = ags
        feature["properties"] = {"ags": ags, "fill": str(color), "label": tip_html(tip)}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return {"color": "#4a5568", "weight": 1, "fillColor": feature["properties"]["fill"],
                "fillOpacity": 0.8}  # fmt: skip

    layer = folium.GeoJson(
        data, name=name, style_function=style,
        highlight_function=lambda _f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
    )  # fmt: skip
    layer.add_to(m)
    return layer


class PlaceDots(folium.MacroElement):
    """One layer of circle markers built in the browser from compact arrays.

    A tooltip is built when it opens, from ONE template (escaped HTML with ``{field}``
    placeholders) and per point the fields' values (escaped, dictionary-encoded like
    :class:`geo.maps.OfferCluster`'s); a German field's value is marked
    ``<span lang="de" dir="auto">``. So the sentence around a place's name and figures
    travels once, not 1,153 times."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var d = {{ this.payload|tojson }};
            var group = L.featureGroup();
            function each(v, i) { return Array.isArray(v) ? v[i] : v; }
            {{ this.german_js }}
            function tip(layer) {  // one pass: a value is never read as a placeholder
                var i = layer.options.row;
                return d.tip.replace(/\\{(\\w+)\\}/g, function (all, k) {
                    var f = d.fields.indexOf(k);
                    if (f < 0) { return all; }
                    var c = d.codes[f], v = d.values[f][c === null ? i : c[i]];
                    return d.german[f] ? german(v) : v;
                });
            }
            for (var i = 0; i < d.lat.length; i++) {
                var mk = L.circleMarker([d.lat[i], d.lon[i]], {
                    row: i, radius: d.r[i], weight: each(d.w, i), color: each(d.stroke, i),
                    fillColor: d.palette[d.c[i]], fillOpacity: 0.85
                });
                mk.bindTooltip(tip);
                group.addLayer(mk);
            }
            group.addTo({{ this._parent.get_name() }});
            return group;
        })();
        {% endmacro %}"""
    )

    def __init__(self, payload: dict[str, Any]):
        super().__init__()
        self._name = "PlaceDots"
        self.payload = payload
        self.german_js = GERMAN_JS


def add_place_dots(
    m: folium.Map,
    lat: Sequence[float],
    lon: Sequence[float],
    colors: Sequence[str],
    radii: Sequence[float],
    tooltip: str,
    values: Mapping[str, Sequence[Any]],
    *,
    german: Sequence[str] = (),
    stroke: Sequence[str] | None = None,
    weight: Sequence[float] | None = None,
) -> PlaceDots:
    """Add circle markers (colour and radius in px per point).

    Parameters
    ----------
    tooltip : str
        Plain text with ``{field}`` placeholders (e.g. a catalogue text filled with
        ``place="{place}"``), escaped here.
    values : mapping of str to sequence
        Per field one value per point, as text (numbers already written in the UI
        language), escaped here.
    german : sequence of str
        Fields holding German data (place and district names): marked ``lang="de"``.
    stroke, weight : sequence, optional
        Outline colour and width per point (default: one for all).
    """
    palette, codes = np.unique(np.asarray(colors, dtype=object).astype(str), return_inverse=True)
    fields = list(values)
    encoded = [_encode(pd.Series(list(values[f]), dtype=object)) for f in fields]
    payload = {
        "lat": np.round(np.asarray(lat, float), COORD_DECIMALS).tolist(),
        "lon": np.round(np.asarray(lon, float), COORD_DECIMALS).tolist(),
        "r": np.round(np.asarray(radii, float), 1).tolist(),
        "c": codes.ravel().tolist(),
        "palette": palette.tolist(),
        "tip": html.escape(tooltip),
        "fields": fields,
        "values": [v for v, _ in encoded],
        "codes": [c for _, c in encoded],
        "german": [f in german for f in fields],
        "stroke": list(stroke) if stroke is not None else "#333333",
        "w": list(weight) if weight is not None else 0.6,
    }
    layer = PlaceDots(payload)
    layer.add_to(m)
    return layer


# --------------------------------------------------------------------------- static SVG


def _svg_path(geom, x0: float, y1: float, sx: float, sy: float) -> str:
    polys = getattr(geom, "geoms", [geom])
    parts = []
    for poly in polys:
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            px = (xy[:, 0] - x0) * sx
            py = (y1 - xy[:, 1]) * sy
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
            parts.append(f"M{pts}Z")
    return "".join(parts)


def svg_map(
    districts_gdf: gpd.GeoDataFrame,
    colors: Sequence[str],
    titles: Sequence[str],
    *,
    width: int = 640,
    label: str = "",
    points: pd.DataFrame | None = None,
) -> str:
    """A static choropleth as inline SVG (``<svg>…</svg>``; no script, no external reference).

    Parameters
    ----------
    districts_gdf : geopandas.GeoDataFrame
        District polygons (EPSG:4326).
    colors, titles : sequence of str
        Fill and hover title (``<title>``, escaped) per district.
    width : int
        Width in px; the height follows the shape (equirectangular at 52.8° N).
    label : str
        Accessible name of the map (``aria-label``).
    points : pandas.DataFrame, optional
        ``lat``, ``lon``, ``label`` (escaped) and ``color``: numbered markers drawn on top
        (e.g. suggested sites).
    """
    gdf = districts_gdf
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    gdf = gdf.assign(geometry=gdf.geometry.simplify(0.005, preserve_topology=True))
    x0, y0, x1, y1 = gdf.total_bounds
    kx = float(np.cos(np.radians((y0 + y1) / 2)))
    sx = width / ((x1 - x0) * kx) * kx
    sy = width / ((x1 - x0) * kx)
    height = int(np.ceil((y1 - y0) * sy))
    shapes = [
        f'<path d="{_svg_path(g, x0, y1, sx, sy)}" fill="{html.escape(str(c))}" '
        f'stroke="#4a5568" stroke-width="0.6"><title>{html.escape(str(t))}</title></path>'
        for g, c, t in zip(gdf.geometry, colors, titles, strict=True)
    ]
    marks = []
    if points is not None:
        for i, row in enumerate(points.itertuples(index=False), start=1):
            x, y = (row.lon - x0) * sx, (y1 - row.lat) * sy
            marks.append(
                f'<g><circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#ffffff" '
                f'stroke="{html.escape(str(row.color))}" stroke-width="3"/>'
                f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" '
                f'font-weight="bold">{i}</text><title>{html.escape(str(row.label))}</title></g>'
            )
    return (
        f'<svg viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{html.escape(label)}">'
        + "".join(shapes) + "".join(marks) + "</svg>"
    )
