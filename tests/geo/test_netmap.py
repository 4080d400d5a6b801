"""Network map layers: district styles by status, hatching, symbols, aggregation that never
drops an offer, escaping, and a small payload."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import maps, netmap
from geo.boundaries import load_districts

XSS = "<img src=x onerror=alert(1)>"


def _offers(n: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d = load_districts()
    pts = d.geometry.representative_point()
    pick = rng.integers(0, len(d), n)
    return pd.DataFrame({
        "service_id": [f"s{i}" for i in range(n)],
        "name": [XSS if i == 0 else f"Angebot {i}" for i in range(n)],
        "organization": "Träger", "kind": rng.choice(["mbe", "selbstorganisation", "projekt",
                                                      "integrationslotsen"], n),
        "lat": pts.y.to_numpy()[pick] + rng.normal(0, 0.01, n),
        "lon": pts.x.to_numpy()[pick] + rng.normal(0, 0.01, n),
        "district_ags": d["ags"].to_numpy()[pick],
    })  # fmt: skip


def test_district_styles_show_the_status():
    d = pd.DataFrame({"ags": ["a", "b", "c"], "network_id": ["n1", "n1", None],
                      "assignment_status": ["verified", "inferred", "unknown"]})
    styles = netmap.district_styles("netz", d, network_ids=["n1", "n2"])
    assert [styles[a].pattern for a in "abc"] == ["solid", "hatch", "none"]
    assert styles["a"].colour == styles["b"].colour == netmap.NETWORK_COLOURS[0]
    assert styles["c"].colour == netmap.NO_NETWORK
    dens = netmap.district_styles("dichte", d, density_class={"a": 0, "b": 5})
    assert dens["a"].pattern == "hatch" and dens["b"].colour == netmap.DENSITY_COLOURS[-1]


def test_choropleth_hatches_and_escapes():
    gdf = load_districts()
    styles = {a: netmap.DistrictStyle("#0072B2", "hatch", "n") for a in gdf["ags"][:3]}
    m = maps.base_map(tiles=maps.TileConfig(None, ""))
    netmap.add_choropleth(m, gdf, styles, {"03101": XSS}, selected=["03101"])
    page = m.get_root().render()
    assert "url(#atlas-hatch-0)" in page and "atlas-hatch-" in page
    assert XSS not in page and "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page


def test_aggregation_counts_every_offer_and_stays_small():
    frame = _offers(20_000)
    by_district = netmap.count_cells(frame, by="district", districts=load_districts())
    by_grid = netmap.count_cells(frame, by="grid")
    assert by_district["count"].sum() == by_grid["count"].sum() == 20_000
    m = maps.base_map(tiles=maps.TileConfig(None, ""))
    layer = netmap.add_count_bubbles(m, by_grid, "{n} Angebote")
    assert layer.total == 20_000
    assert maps.map_payload_bytes(m) < 60_000  # a few hundred cells: kilobytes


def test_symbol_layer_has_one_symbol_per_kind_and_escapes():
    frame = _offers(300)
    m = maps.base_map(tiles=maps.TileConfig(None, ""))
    layer = netmap.add_symbol_layer(m, frame, {"mbe": "MBE"})
    assert layer.n_points == 300
    assert len(layer.payload["symbols"]) == 4  # circle, triangle, square, diamond
    shapes = "".join(layer.payload["symbols"])
    assert "<circle" in shapes and "<rect" in shapes and shapes.count("<polygon") == 2
    page = m.get_root().render()
    assert XSS not in page and "Angebot 299" in page


def test_neighbours_touch():
    near = netmap.district_neighbours(load_districts())
    assert set(near["03159"]) == {"03153", "03155"}  # Göttingen: Goslar, Northeim
    assert all(a in near[b] for a, bs in near.items() for b in bs)  # symmetric
