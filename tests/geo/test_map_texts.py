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
from tests.strategies import PAYLOADS, hostile_text

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


def test_the_browser_marks_german_data_as_the_server_does(tmp_path):
    """PlaceDots sends escaped text with FSI/PDI marks; its script (``GERMAN_JS``) must
    produce the HTML :func:`geo.maps.tip_html` produces on the server."""
    texts = [f"{a} · {maps.german(b)}: {maps.german(c)}" for a in PAYLOADS[:4]
             for b in PAYLOADS for c in ("Celle", "", "Göttingen (Landkreis)")]  # fmt: skip
    texts += [f"x {FSI}nur auf", f"{PDI}zu {FSI}", "ohne"]
    script = tmp_path / "german.js"
    script.write_text(maps.GERMAN_JS + "\nconst xs = " + json.dumps([html.escape(x) for x in texts])
                      + ";\nconsole.log(JSON.stringify(xs.map(germanMarked)));\n",
                      encoding="utf-8")  # fmt: skip
    run = subprocess.run([_node(), str(script)], capture_output=True, text=True, check=True)
    in_browser = json.loads(run.stdout)
    on_server = [maps.tip_html(x).replace("&#96;", "`").replace("&#36;", "$") for x in texts]
    assert in_browser == on_server


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


def test_gap_maps_mark_german_names_and_escape(tmp_path):
    gdf = load_districts()
    m = maps.base_map(tiles=NO_TILES, lang="fa")
    tips = [f"{maps.german(n)}: ۱۲٫۵ %" for n in gdf["name"]]
    tips[0] = f"{maps.german('<img src=x>')}: ۱"
    layer = gap_maps.add_choropleth(m, gdf, ["#ffffb2"] * len(gdf), tips)
    labels = [f["properties"]["label"] for f in layer.data["features"]]
    assert labels[0] == f"{SPAN}&lt;img src=x&gt;</span>: ۱"
    assert labels[1] == f"{SPAN}{html.escape(gdf['name'].iloc[1])}</span>: ۱۲٫۵ %"
    dots = gap_maps.add_place_dots(m, [52.0, 52.5], [9.0, 9.5], ["#f03b20"] * 2, [4, 5],
                                   [f"{maps.german('Celle <x>')} ۳ کیلومتر", "ok"])  # fmt: skip
    # the marks travel as FSI/PDI (12 bytes of JSON) and become spans in the browser
    assert dots.payload["tip"][0] == f"{FSI}Celle &lt;x&gt;{PDI} ۳ کیلومتر"
    page = _scripts_parse(m, tmp_path)
    assert "germanMarked(d.tip[i])" in page
