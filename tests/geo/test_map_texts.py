"""The texts inside the maps (tooltips, popups, counts): UI words in the visitor's language,
numbers in its digits, German data (district, region, network, office and place names)
marked ``lang="de"``, everything escaped, and the browser marking German data exactly as the
server does."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pandas as pd
from hypothesis import given

from geo import gap_maps, maps, netmap
from geo.boundaries import load_districts
from i18n.localedata import FSI, PDI
from tests.strategies import hostile_text

NO_TILES = maps.TileConfig(url=None, attribution="")
SPAN = '<span lang="de" dir="auto">'
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ui_text = hostile_text.map(lambda s: s.replace(FSI, "").replace(PDI, ""))


def _esc(text: str) -> str:
    return html.escape(text).replace("`", "&#96;").replace("$", "&#36;")


@given(ui_text, hostile_text, ui_text)
def test_tip_html_escapes_everything_and_marks_only_the_german_data(before, data, after):
    out = maps.tip_html(before + maps.german(data) + after)
    bare = data.replace(FSI, "").replace(PDI, "")
    assert out == f"{_esc(before)}{SPAN}{_esc(bare)}</span>{_esc(after)}"
    rest = out.replace(SPAN, "").replace("</span>", "")
    assert not set("<>`$\u2068\u2069") & set(rest)  # nothing else is markup or a template


def test_missing_german_data_is_empty():
    assert maps.german(None) == maps.german(float("nan")) == maps.german(pd.NA) == ""
    assert maps.tip_html(f"x {FSI}unbalanced") == "x unbalanced"


def _node() -> str:
    node = shutil.which("node")
    assert node, "Node.js is needed for the tests (README test command)"
    return node


def _scripts_parse(m, tmp_path) -> str:
    page = m.get_root().render()
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    path = tmp_path / "map.js"
    path.write_text("\n;\n".join(scripts), encoding="utf-8")
    checked = subprocess.run([_node(), "--check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    return page


def _offers(n: int) -> pd.DataFrame:
    d = load_districts()
    pts = d.geometry.representative_point()
    return pd.DataFrame({
        "service_id": [f"s{i}" for i in range(n)], "name": [f"Beratung {i}" for i in range(n)],
        "organization": "Caritas <b>", "kind": ["mbe", "projekt"] * (n // 2),
        "lat": pts.y.to_numpy()[:n], "lon": pts.x.to_numpy()[:n],
        "district_ags": d["ags"].to_numpy()[:n],
    })  # fmt: skip


def test_network_map_in_farsi_marks_names_and_counts_in_persian_digits(tmp_path):
    """The start page's and /netzwerke's map: district tooltips with marked names, symbol
    popups with marked names and organisations, cluster and bubble counts in ۰-۹."""
    gdf = load_districts()
    m = maps.base_map(tiles=NO_TILES, lang="fa")
    tips = {a: f"{maps.german(n)} · بدون شبکه" for a, n in zip(gdf["ags"], gdf["name"],
                                                                strict=True)}  # fmt: skip
    layer = netmap.add_choropleth(m, gdf, {}, tips)
    shown = {f["id"]: f["properties"]["tip"] for f in layer.data["features"]}
    assert shown["03101"] == f"{SPAN}Braunschweig</span> · بدون شبکه"
    symbols = netmap.add_symbol_layer(m, _offers(10), {"mbe": "مشاوره", "projekt": "پروژه"}, "fa")
    assert symbols.payload["digits"] == PERSIAN
    assert symbols.payload["values"][1] == ["Caritas &lt;b&gt;"]
    cells = netmap.count_cells(_offers(10), by="district", districts=gdf)
    bubbles = netmap.add_count_bubbles(m, cells, "{n} خدمت", "fa")
    assert bubbles.payload["digits"] == PERSIAN and bubbles.payload["tooltip"] == "{n} خدمت"
    page = _scripts_parse(m, tmp_path)
    assert "function de(f, i)" in page and "de(1, r)" in page and "written(r[2])" in page
    # in Ukrainian (and German) counts keep Western digits
    assert netmap.add_count_bubbles(m, cells, "{n}", "uk").payload["digits"] is None
    assert netmap.add_symbol_layer(m, _offers(2), {}, "de").payload["digits"] is None


#: A stand-in for the parts of Leaflet and Leaflet.markercluster the atlas layers use: it
#: records every tooltip, popup (evaluated) and icon HTML they build.
FAKE_LEAFLET = """
var out = {tooltips: [], popups: [], icons: []};
function layer(o) {
  return {options: o || {}, _popup: null,
          bindTooltip: function (c) { out.tooltips.push(typeof c === "function" ? c(this) : c);
                                      return this; },
          bindPopup: function (f) { this._popup = f; return this; },
          on: function () { return this; }, addTo: function () { return this; }};
}
var L = {
  featureGroup: function () { return {addLayer: function () {}, addTo: function () {}}; },
  circleMarker: function (ll, o) { return layer(o); },
  marker: function (ll, o) { if (o.icon) { out.icons.push(o.icon.html); } return layer(o); },
  divIcon: function (o) { return o; },
  markerClusterGroup: function (o) {
    var c = {options: o || {}, _layers: [], on: function () {}, addTo: function () {},
             addLayers: function (ms) { c._layers = ms; },
             _defaultIconCreateFunction: function (cl) {
               return {options: {html: "<div><span>" + cl.getChildCount() + "</span></div>"}};
             }};
    return c;
  }
};
"""


def _run_layers(m, layers, tmp_path) -> dict:
    """Run the scripts of ``layers`` (on map ``m``) in Node with :data:`FAKE_LEAFLET`; the
    popups are opened and a cluster of 1,234 offers drawn by each clustered layer."""
    scripts = [layer._template.module.script(layer, {}) for layer in layers]
    after = [f"""
        (function (c) {{
          if (!c || !c._layers) {{ return; }}
          c._layers.forEach(function (mk) {{
            if (mk._popup) {{ out.popups.push(mk._popup(mk)); }}
          }});
          var f = c.options.iconCreateFunction || c._defaultIconCreateFunction;
          out.icons.push(f({{getChildCount: function () {{ return 1234; }}}}).options.html);
        }})({layer.get_name()});""" for layer in layers]  # fmt: skip
    harness = tmp_path / "layers.js"
    harness.write_text(FAKE_LEAFLET + f"var {m.get_name()} = {{}};\n" + "\n".join(scripts)
                       + "\n".join(after) + "\nconsole.log(JSON.stringify(out));\n",
                       encoding="utf-8")  # fmt: skip
    run = subprocess.run([_node(), str(harness)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_network_map_layers_write_names_as_german_and_counts_in_the_languages_digits(tmp_path):
    """What the browser builds from the symbol layer (tooltips, popups: names and
    organisations marked ``lang="de"``, the kind in the UI language, cluster counts) and
    from the count bubbles (numbers and tooltips), in Farsi and in Ukrainian."""
    frame = _offers(2).assign(name=["Beratung <b>", "JMD"], kind=["mbe", "mbe"])
    cells = pd.DataFrame({"lat": [52.0], "lon": [9.0], "count": [1234]})
    for lang, n in (("fa", "۱۲۳۴"), ("uk", "1234")):
        m = maps.base_map(tiles=NO_TILES, lang=lang)
        symbols = netmap.add_symbol_layer(m, frame, {"mbe": "مشاوره"}, lang)
        bubbles = netmap.add_count_bubbles(m, cells, "{n} خدمت <i>", lang)
        out = _run_layers(m, [symbols, bubbles], tmp_path)
        assert out["tooltips"][:2] == [f"{SPAN}Beratung &lt;b&gt;</span>", f"{SPAN}JMD</span>"]
        assert out["popups"][0] == (
            f"<strong>{SPAN}Beratung &lt;b&gt;</span></strong><br>"
            f"{SPAN}Caritas &lt;b&gt;</span><br>مشاوره"
        )
        assert out["tooltips"][2] == f"{n} خدمت &lt;i&gt;"
        assert f'<div class="atlas-count">{n}</div>' in out["icons"]
        assert f"<div><span>{n}</span></div>" in out["icons"]  # the symbol layer's cluster


def test_gap_maps_mark_german_names_and_escape(tmp_path):
    gdf = load_districts()
    m = maps.base_map(tiles=NO_TILES, lang="fa")
    tips = [f"{maps.german(n)}: ۱۲٫۵ %" for n in gdf["name"]]
    tips[0] = f"{maps.german('<img src=x>')}: ۱"
    layer = gap_maps.add_choropleth(m, gdf, ["#ffffb2"] * len(gdf), tips)
    labels = [f["properties"]["label"] for f in layer.data["features"]]
    assert labels[0] == f"{SPAN}&lt;img src=x&gt;</span>: ۱"
    assert labels[1] == f"{SPAN}{html.escape(gdf['name'].iloc[1])}</span>: ۱۲٫۵ %"
    _scripts_parse(m, tmp_path)


def test_place_dots_build_their_tooltips_in_the_browser_as_marked_html(tmp_path):
    """The place map's tooltips: one escaped template, per point escaped values, German
    fields marked ``lang="de"`` -- run in Node with a stand-in for Leaflet, a value that
    looks like a placeholder stays text."""
    names = ["Celle", "<img src=x>", "{km}", "Celle"]
    km = ["۳٫۵", "۱۲٫۰", "–", "<b>"]
    m = maps.base_map(tiles=NO_TILES, lang="fa")
    dots = gap_maps.add_place_dots(
        m,
        [52.0, 52.1, 52.2, 52.3],
        [9.0] * 4,
        ["#f03b20"] * 4,
        [4, 5, 6, 7],
        "{place} & {km} کیلومتر {other}",
        {"place": names, "km": km},
        german=("place",),
    )
    assert dots.payload["tip"] == "{place} &amp; {km} کیلومتر {other}"
    assert dots.payload["german"] == [True, False]
    script = dots._template.module.script(dots, {})
    harness = tmp_path / "dots.js"
    harness.write_text(
        "var tips = [];\n"
        "var L = {featureGroup: function () { return {addLayer: function () {},"
        " addTo: function () {}}; },"
        " circleMarker: function (ll, o) { return {options: o,"
        " bindTooltip: function (f) { tips.push(f(this)); }}; }};\n"
        f"var {m.get_name()} = {{}};\n{script}\nconsole.log(JSON.stringify(tips));\n",
        encoding="utf-8")  # fmt: skip
    run = subprocess.run([_node(), str(harness)], capture_output=True, text=True, check=True)
    expected = [f"{SPAN}{html.escape(n)}</span> &amp; {html.escape(k)} کیلومتر {{other}}"
                for n, k in zip(names, km, strict=True)]  # fmt: skip
    assert json.loads(run.stdout) == expected
