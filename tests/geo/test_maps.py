"""Tests for geo.maps: self-hosted assets, tiles, one clustered layer, escaping, payload."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo.maps import (
    OSM_URL,
    TileConfig,
    add_district_outlines,
    add_offer_points,
    base_map,
    foreign_asset_urls,
    map_payload_bytes,
    offer_at,
    tile_layer_config,
    use_local_assets,
)
from i18n import t

XSS = "<img src=x onerror=alert(1)>"
THIRD_PARTY = re.compile(
    r"cdn|unpkg|jsdelivr|cdnjs|bootstrapcdn|code\.jquery\.com|googleapis|d3js", re.I
)
NO_TILES = TileConfig(url=None, attribution="")


@pytest.fixture(autouse=True)
def local_assets():
    use_local_assets()


@pytest.fixture
def districts() -> gpd.GeoDataFrame:
    """Two square 'districts' in EPSG:25832 (reprojected by the function)."""
    gdf = gpd.GeoDataFrame(
        {"ags": ["03241", "03403"], "name": ["Region Hannover", XSS]},
        geometry=[box(9.5, 52.2, 10.0, 52.6), box(8.1, 53.0, 8.3, 53.2)],
        crs="EPSG:4326",
    )
    return gdf.to_crs("EPSG:25832")


def offers(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "lat": rng.uniform(51.3, 53.9, n),
        "lon": rng.uniform(6.6, 11.6, n),
        "name": [f"Migrationsberatung für Erwachsene {i}" for i in range(n)],
        "organization": rng.choice([f"Träger {k}" for k in range(300)], n),
        "city": rng.choice([f"Ort {k}" for k in range(900)], n),
        "kind": rng.choice(["Migrationsberatung", "Jugendmigrationsdienst", "Pilot"], n),
    })  # fmt: skip


def full_map(districts: gpd.GeoDataFrame, frame: pd.DataFrame, tiles: TileConfig) -> str:
    m = base_map(tiles=tiles)
    add_district_outlines(m, districts, highlight_ags=["03241"])
    add_offer_points(m, frame, color_by="kind")
    return m.get_root().render()


def urls(html_text: str) -> set[str]:
    return set(re.findall(r"""(?:https?:)?//[^\s"'<>`)\\]+""", html_text))


def test_rendered_map_has_no_third_party_asset(districts):
    html_text = full_map(districts, offers(50), tile_layer_config({}))
    foreign = {u for u in urls(html_text) if THIRD_PARTY.search(u)}
    assert not foreign
    assert not THIRD_PARTY.search(html_text)
    assert "/app/static/vendor/leaflet/leaflet.js" in html_text
    assert "/app/static/vendor/leaflet/leaflet.css" in html_text
    assert "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html_text
    # only the OSM tiles and the OSM copyright link remain as absolute URLs
    hosts = {re.sub(r"^(?:https?:)?//", "", u).split("/")[0] for u in urls(html_text)}
    assert hosts <= {"tile.openstreetmap.org", "www.openstreetmap.org"}
    assert OSM_URL in html_text
    assert "openstreetmap.org/copyright" in html_text


def test_local_assets_exist_on_disk():
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "static"
    for cls in (folium.Map, folium.plugins.MarkerCluster):
        for _, url in [*cls.default_js, *cls.default_css]:
            assert url.startswith("/app/static/vendor/")
            assert (static / url.removeprefix("/app/static/")).is_file(), url


def test_custom_base_url_and_foreign_assets_listing():
    use_local_assets("/atlas/app/static/vendor/")
    try:
        html_text = base_map(tiles=NO_TILES).get_root().render()
        assert "/atlas/app/static/vendor/leaflet/leaflet.js" in html_text
    finally:
        use_local_assets()
    listed = foreign_asset_urls()
    assert "folium.folium.Map" not in listed
    assert "folium.plugins.marker_cluster.MarkerCluster" not in listed
    assert "folium.plugins.fast_marker_cluster.FastMarkerCluster" not in listed
    assert "folium.plugins.draw.Draw" in listed  # not vendored: pages must not use it


def test_no_tiles_sets_max_zoom_and_has_no_tile_url(districts):
    html_text = full_map(districts, offers(20), tile_layer_config({"ATLAS_TILES": "none"}))
    assert "tile.openstreetmap.org" not in html_text
    assert "L.tileLayer" not in html_text
    assert re.search(r'"maxZoom":\s*18', html_text)
    assert not urls(html_text)


@pytest.mark.parametrize(
    ("env", "url", "max_zoom"),
    [
        ({}, OSM_URL, 19),
        ({"ATLAS_TILES": "osm"}, OSM_URL, 19),
        ({"ATLAS_TILES": " None "}, None, 18),
        ({"ATLAS_TILES": "none", "ATLAS_TILES_MAX_ZOOM": "16"}, None, 16),
        (
            {"ATLAS_TILES": "custom", "ATLAS_TILES_URL": "https://t.example/{z}/{x}/{y}.png",
             "ATLAS_TILES_ATTRIBUTION": "© Example"},
            "https://t.example/{z}/{x}/{y}.png",
            18,
        ),
    ],
)  # fmt: skip
def test_tile_layer_config(env, url, max_zoom):
    cfg = tile_layer_config(env)
    assert cfg.url == url
    assert cfg.max_zoom == max_zoom
    if url == OSM_URL:
        assert "© " in cfg.attribution.replace("&copy;", "© ")
        assert "https://www.openstreetmap.org/copyright" in cfg.attribution


@pytest.mark.parametrize(
    "env",
    [
        {"ATLAS_TILES": "custom"},
        {"ATLAS_TILES": "custom", "ATLAS_TILES_URL": "https://t.example/{z}/{x}/{y}.png"},
        {"ATLAS_TILES": "custom", "ATLAS_TILES_URL": "https://t.example/tile.png",
         "ATLAS_TILES_ATTRIBUTION": "x"},
    ],
)  # fmt: skip
def test_tile_layer_config_rejects_incomplete_custom(env):
    with pytest.raises(ValueError):
        tile_layer_config(env)


def test_custom_tiles_in_map():
    cfg = tile_layer_config({
        "ATLAS_TILES": "custom",
        "ATLAS_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
        "ATLAS_TILES_ATTRIBUTION": "© Example",
    })  # fmt: skip
    html_text = base_map(tiles=cfg).get_root().render()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html_text
    assert "L.control.scale()" in html_text


def test_ten_thousand_points_one_cluster_layer_small_payload(districts):
    m = base_map(tiles=NO_TILES)
    add_district_outlines(m, districts)
    layer = add_offer_points(m, offers(10_000), color_by="kind")
    html_text = m.get_root().render()
    assert layer.n_points == 10_000
    assert html_text.count("L.markerClusterGroup(") == 1
    assert html_text.count("L.geoJson(") == 1
    assert "L.marker(" not in html_text
    assert html_text.count("L.circleMarker(") == 1  # one call in the loop
    assert not any(isinstance(c, folium.Marker) for c in m._children.values())
    size = map_payload_bytes(m)
    # folium appends a few bytes per extra render (GeoJson re-adds its addTo call)
    assert 0 <= size - len(html_text.encode("utf-8")) < 1_000
    assert size < 1.5e6


def test_xss_name_is_escaped(districts):
    frame = offers(5)
    frame.loc[0, "name"] = XSS
    frame.loc[1, "organization"] = "</script><script>alert(2)</script>"
    html_text = full_map(districts, frame, NO_TILES)
    assert "<img src=x onerror" not in html_text
    assert "<script>alert(2)" not in html_text
    assert html_text.count("</script>") == html_text.count("<script")
    # the escaped text travels as JSON: decode it back and find the entity-escaped name
    assert "&lt;img src=x onerror=alert(1)&gt;" in json.loads(f'"{_between(html_text)}"')


def _between(html_text: str) -> str:
    """The JSON-escaped form of the escaped XSS string as it appears in the page."""
    match = re.search(r"\\u0026lt;img src=x onerror=alert\(1\)\\u0026gt;", html_text)
    assert match, "escaped name missing"
    return match.group(0)


def test_payload_values_are_escaped_and_rows_without_coordinates_skipped():
    frame = pd.DataFrame({
        "lat": [52.37, None, "x", 95.0, 52.1],
        "lon": [9.73, 9.0, 9.0, 9.0, 8.0],
        "name": [XSS, "b", "c", "d", "A & B"],
        "organization": ["O", "O", "O", "O", None],
        "city": ["Hannover", "", "", "", "Diepholz"],
        "kind": ["k1", "k2", "k2", "k2", "k1"],
        "service_id": ["s1", "s2", "s3", "s4", "s5"],
    })  # fmt: skip
    layer = add_offer_points(base_map(tiles=NO_TILES), frame, color_by="kind")
    assert (layer.n_points, layer.n_skipped) == (2, 3)
    p = layer.payload
    assert p["lat"] == [52.37, 52.1]
    name = p["values"][p["popup"][0]]
    assert name == ["&lt;img src=x onerror=alert(1)&gt;", "A &amp; B"]
    assert p["values"][p["tooltip"]] == name
    assert layer.legend == {"k1": layer.legend["k1"]}
    assert p["color"] == [0, 0]


def test_color_by_legend_and_missing_optional_field():
    frame = offers(30)
    layer = add_offer_points(
        base_map(tiles=NO_TILES), frame, color_by="kind",
        popup_fields=("name", "organization", "website"),
    )  # fmt: skip
    assert set(layer.legend) == set(frame["kind"])
    assert len(set(layer.legend.values())) == len(layer.legend)
    website = layer.payload["values"][layer.payload["popup"][2]]
    assert website == [""]


def test_german_and_html_fields_and_the_ui_language():
    """German data is flagged (the popup marks it lang="de"), an HTML field (built by
    ui.cards, which escapes) is sent as it is, every other field escaped; the popup's
    language, direction and the digits of cluster counts travel with the layer."""
    frame = pd.DataFrame({"lat": [52.37], "lon": [9.73], "name": [XSS],
                          "status": ["<bdi lang='de'>x</bdi>"], "kind": [XSS]})  # fmt: skip
    layer = add_offer_points(base_map(tiles=NO_TILES), frame, tooltip_field="name",
                             popup_fields=("name", "kind", "status"), german_fields=("name",),
                             html_fields=("status",), lang="fa")  # fmt: skip
    p = layer.payload
    values = [p["values"][f][0] for f in p["popup"]]
    assert values == ["&lt;img src=x onerror=alert(1)&gt;"] * 2 + ["<bdi lang='de'>x</bdi>"]
    assert [p["german"][f] for f in p["popup"]] == [True, False, False]
    assert (p["lang"], p["dir"], p["digits"]) == ("fa", "rtl", "۰۱۲۳۴۵۶۷۸۹")
    assert add_offer_points(base_map(tiles=NO_TILES), frame, lang="uk").payload["digits"] is None
    # no language or a value that is no language code: nothing is set
    for lang in (None, '"><script>', "DE"):
        q = add_offer_points(base_map(tiles=NO_TILES), frame, lang=lang).payload
        assert (q["lang"], q["dir"], q["digits"]) == (None, None, None)


@pytest.mark.parametrize(("lang", "digits"), [("fa", "۰۱۲۳۴۵۶۷۸۹"), ("ar", None)])
def test_map_in_a_ui_language_says_it_and_its_scale_uses_its_digits(lang, digits):
    m = base_map(tiles=NO_TILES, lang=lang)
    page = m.get_root().render()
    assert page.count("L.control.scale(") == 1  # folium's own scale bar is replaced
    assert f"document.documentElement.lang = {json.dumps(lang)}" in page
    assert f"var digits = {json.dumps(digits)}" in page
    assert base_map(tiles=NO_TILES).get_root().render().count("L.control.scale(") == 1
    # Leaflet's zoom buttons are named in the language (title and aria-label)
    zoom = {key: t(f"shell.map.{key}", lang) for key in ("zoom_in", "zoom_out")}
    assert f"var zoom = {json.dumps(zoom)}" in page and "Zoom in" not in json.dumps(zoom)


def test_empty_frame():
    frame = offers(0)
    m = base_map(tiles=NO_TILES)
    layer = add_offer_points(m, frame)
    assert layer.n_points == 0
    assert "L.markerClusterGroup(" in m.get_root().render()


def test_district_outlines_tooltip_escaped_and_highlight(districts):
    m = base_map(tiles=NO_TILES)
    layer = add_district_outlines(m, districts, highlight_ags=["03241"])
    labels = [f["properties"]["label"] for f in layer.data["features"]]
    # district names are German data: escaped and marked lang="de" in the tooltip
    de = '<span lang="de" dir="auto">{}</span>'
    assert labels == [de.format("Region Hannover"),
                      de.format("&lt;img src=x onerror=alert(1)&gt;")]  # fmt: skip
    # reprojected to lon/lat
    x0 = layer.data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 9 < x0 < 11
    html_text = m.get_root().render()
    assert '"weight": 3' in html_text  # highlight style present
    assert "<img src=x onerror" not in html_text


@pytest.mark.parametrize(
    ("clicked", "expected"),
    [
        ({"lat": 52.37, "lng": 9.73}, ["s1"]),
        ({"lat": 52.370004, "lng": 9.729996}, ["s1"]),
        ({"lat": 52.38, "lng": 9.73}, []),
        (None, []),
        ({"lat": None, "lng": None}, []),
    ],
)
def test_offer_at(clicked, expected):
    frame = pd.DataFrame({
        "lat": [52.370001, 52.1, None], "lon": [9.73, 8.0, 9.0],
        "service_id": ["s1", "s2", "s3"],
    })  # fmt: skip
    assert offer_at(frame, clicked)["service_id"].tolist() == expected


@pytest.mark.parametrize("n", [600, 10_000])
def test_payload_grows_linearly(n):
    m = base_map(tiles=NO_TILES)
    add_offer_points(m, offers(n))
    assert map_payload_bytes(m) < 150 * n + 50_000
