"""The district cross-check of the data build (``data/build_checks.py``).

Recomputed from the shipped files on every run, so a regression in ``postcodes.csv``,
``places.csv`` or ``district_overrides.csv`` fails CI without downloading anything.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from data.build_checks import TOLERANCE_M, check_districts, format_findings

DATA = Path(__file__).resolve().parents[2] / "data"


@cache
def shipped() -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    postcodes = pd.read_csv(DATA / "postcodes.csv", dtype={"plz": str, "ags": str},
                            keep_default_na=False)  # fmt: skip
    places = pd.read_csv(DATA / "places.csv", dtype={"ags": str}, keep_default_na=False)
    return postcodes, places, gpd.read_file(DATA / "districts.geojson", engine="pyogrio")


def test_shipped_data_has_no_disagreement() -> None:
    result = check_districts(*shipped())
    assert result.findings == (), format_findings(result)
    assert result.pairs_compared > 1000


@pytest.mark.parametrize(
    ("table", "match", "ags"),
    [
        ("postcodes", "21423 Winsen (Luhe)", "03353"),  # Harburg, not Lüneburg
        ("postcodes", "21423 Drage", "03353"),
        ("postcodes", "21444 Vierhöfen", "03353"),  # the postcode spans Harburg and Lüneburg
        ("postcodes", "21444 Kirchgellersen", "03355"),
        ("postcodes", "38110 Braunschweig", "03101"),  # not Gifhorn
        ("postcodes", "49401 Lembruch", "03251"),  # Diepholz; 49401 Damme is Vechta
        ("postcodes", "49401 Damme", "03460"),
        ("postcodes", "29582 Hanstedt", "03360"),  # Uelzen: a namesake of Hanstedt (Harburg)
        ("places", "Haverlah", "03158"),  # coarse GeoNames point; the village is Wolfenbüttel
    ],
)
def test_known_cases(table: str, match: str, ags: str) -> None:
    postcodes, places, _ = shipped()
    if table == "postcodes":
        got = postcodes.set_index(postcodes["plz"] + " " + postcodes["place"])["ags"]
    else:
        got = places.set_index("name")["ags"]
    assert got[match] == ags


def test_every_correction_is_explained() -> None:
    ov = pd.read_csv(DATA / "district_overrides.csv", dtype=str, keep_default_na=False)
    assert set(ov["kind"]) == {"unplaced", "corrected"}
    corrected = ov[ov["kind"] == "corrected"]
    assert len(corrected) == 6
    assert corrected["reason"].str.startswith("Cross-check: ").all()


# -- the check on a small fixture ---------------------------------------------------------------
# Two districts side by side in metres (EPSG:25832): A west of x = 500 km, B east of it.
BORDER_X = 500_000.0


@cache
def fixture_districts() -> gpd.GeoDataFrame:
    shapes = [box(450_000, 5_750_000, BORDER_X, 5_800_000), box(BORDER_X, 5_750_000, 550_000,
                                                                  5_800_000)]  # fmt: skip
    return gpd.GeoDataFrame({"ags": ["03001", "03002"], "name": ["Westkreis", "Ostkreis"]},
                            geometry=shapes, crs=25832).to_crs(4326)  # fmt: skip


def at(x_km: float, y_km: float = 5_775) -> tuple[float, float]:
    """(lat, lon) of a point ``x_km``/``y_km`` in EPSG:25832."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(25832, 4326, always_xy=True).transform(x_km * 1000,
                                                                            y_km * 1000)
    return lat, lon


def frames(pcs: list[tuple[str, str, float, str]], pls: list[tuple[str, float, str]]
           ) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    postcodes = pd.DataFrame(
        [(plz, place, *at(x), ags) for plz, place, x, ags in pcs],
        columns=["plz", "place", "lat", "lon", "ags"],
    )
    places = pd.DataFrame(
        [(name, *at(x), ags, "") for name, x, ags in pls],
        columns=["name", "lat", "lon", "ags", "alternatenames"],
    )
    return postcodes, places


def test_fixture_catches_a_wrong_postcode_district() -> None:
    # "11111 Ahlen" sits 300 m west of the border (in A), the place Ahlen deep in B; the
    # deliberately wrong "22222 Bern" says A though its centroid and place lie deep in B.
    postcodes, places = frames(
        [("11111", "Ahlen", 499.7, "03001"), ("22222", "Bern", 520, "03001"),
         ("33333", "Celle", 470, "03001")],
        [("Ahlen", 507, "03002"), ("Bern", 521, "03002"), ("Celle", 471, "03001")],
    )  # fmt: skip
    result = check_districts(postcodes, places, fixture_districts())
    found = {f.match: f for f in result.findings}
    assert set(found) == {"11111 Ahlen", "22222 Bern"}
    assert result.pairs_compared == 3
    ahlen = found["11111 Ahlen"]
    assert (ahlen.table, ahlen.ags, ahlen.expected) == ("postcodes", "03001", "03002")
    assert ahlen.proof and "300 m outside Ostkreis" in ahlen.proof
    assert ahlen.override_row()["kind"] == "corrected"
    assert found["22222 Bern"].expected == "03002"


def test_fixture_namesake_far_away_is_no_disagreement() -> None:
    postcodes, places = frames([("11111", "Hanstedt", 470, "03001")],
                               [("Hanstedt", 530, "03002")])  # 60 km apart  # fmt: skip
    result = check_districts(postcodes, places, fixture_districts())
    assert result.findings == () and result.pairs_compared == 0


def test_fixture_border_spanning_postcode_follows_its_places() -> None:
    postcodes, places = frames(
        [("11111", "Dorf", 498, "03001"), ("11111", "Weiler", 498, "03001")],
        [("Dorf", 495, "03001"), ("Weiler", 503, "03002")],
    )  # fmt: skip
    (finding,) = check_districts(postcodes, places, fixture_districts()).findings
    assert (finding.match, finding.expected) == ("11111 Weiler", "03002")
    assert "spans two districts" in finding.proof


def test_fixture_coarse_place_point_is_the_wrong_side() -> None:
    # the GeoNames point of "Hof" lies 1 km inside A, its own postcode 8 km inside B
    postcodes, places = frames([("11111", "Hof", 508, "03002")], [("Hof", 499, "03001")])
    (finding,) = check_districts(postcodes, places, fixture_districts()).findings
    assert (finding.table, finding.match, finding.ags, finding.expected) == (
        "places", "Hof", "03001", "03002")  # fmt: skip


def test_fixture_unprovable_disagreement_and_neighbours() -> None:
    # both points deep inside their districts: the check cannot tell which is wrong
    postcodes, places = frames([("11111", "Zeil", 492, "03001")], [("Zeil", 505, "03002")])
    (finding,) = check_districts(postcodes, places, fixture_districts()).findings
    assert finding.proof is None and "not provable" in format_findings(
        check_districts(postcodes, places, fixture_districts()))  # fmt: skip
    # a postcode 1 km west of the border whose three nearest postcodes all lie in B and no
    # place confirms A
    postcodes, places = frames(
        [("11111", "Ort", 499, "03001"), ("22222", "Ost1", 502, "03002"),
         ("33333", "Ost2", 503, "03002"), ("44444", "Ost3", 504, "03002"),
         ("55555", "West", 460, "03001")],
        [],
    )  # fmt: skip
    (finding,) = check_districts(postcodes, places, fixture_districts()).findings
    assert (finding.rule, finding.match, finding.expected) == ("neighbours", "11111 Ort", "03002")
    assert TOLERANCE_M > 1000


def test_build_applies_corrected_overrides_and_rejects_stale_ones(tmp_path, monkeypatch):
    sys.path.insert(0, str(DATA))
    try:
        import build_points
    finally:
        sys.path.remove(str(DATA))
    table = tmp_path / "overrides.csv"
    table.write_text("table,match,kind,ags,reason\n"
                     "postcodes,11111 Ahlen,corrected,03002,test\n", encoding="utf-8")  # fmt: skip
    monkeypatch.setattr(build_points, "OVERRIDES_CSV", table)
    postcodes, _ = frames([("11111", "Ahlen", 499.7, ""), ("33333", "Celle", 470, "")], [])
    out = build_points._attach_districts(postcodes.drop(columns="ags"), fixture_districts(),
                                         "postcodes", postcodes["plz"] + " " + postcodes["place"])
    assert list(out["ags"]) == ["03002", "03001"]
    assert list(out["district"]) == ["Ostkreis", "Westkreis"]
    table.write_text("table,match,kind,ags,reason\n"
                     "postcodes,33333 Celle,corrected,03001,test\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(ValueError, match="corrected overrides match no such point"):
        build_points._attach_districts(postcodes.drop(columns="ags"), fixture_districts(),
                                       "postcodes", postcodes["plz"] + " " + postcodes["place"])
