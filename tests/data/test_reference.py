"""Checks on the committed reference data built by ``data/build_reference.py``.

Reads the files directly (not via ``geo.boundaries``) so a loader bug cannot hide a data bug.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

DATA = Path(__file__).resolve().parents[2] / "data"
METRIC_CRS = "EPSG:25832"
MOJIBAKE = ("Ã", "Â", "\ufffd")

# Documented in data/SOURCES.md
POSTCODE_PAIRS, PLACES_NI = 1107, 1153  # all kept: data/district_overrides.csv places 6 + 3
AREA_KM2 = 47_666.6  # BKG VG250 (generalised) incl. coastal waters; Destatis says 47,710


@cache
def districts() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "districts.geojson", engine="pyogrio")


@cache
def postcodes() -> pd.DataFrame:
    return pd.read_csv(DATA / "postcodes.csv", dtype=str, keep_default_na=False)


@cache
def places() -> pd.DataFrame:
    return pd.read_csv(DATA / "places.csv", dtype=str, keep_default_na=False)


def test_45_districts_with_unique_ags() -> None:
    d = districts()
    assert len(d) == 45
    assert d["ags"].is_unique
    assert d["ags"].str.fullmatch(r"03\d{3}").all()
    assert d["nuts3"].str.fullmatch(r"DE9[1-4][0-9A-H]").all()
    assert d["nuts3"].is_unique


def test_district_types() -> None:
    counts = districts()["type"].value_counts().to_dict()
    assert counts == {"Landkreis": 36, "Region": 1, "Kreisfreie Stadt": 8}
    assert districts().set_index("ags").loc["03241", "type"] == "Region"


def test_statistical_regions_match_ags() -> None:
    d = districts()
    assert set(d["region"]) == {"Braunschweig", "Hannover", "Lüneburg", "Weser-Ems"}
    expected = {"1": "Braunschweig", "2": "Hannover", "3": "Lüneburg", "4": "Weser-Ems"}
    assert (d["ags"].str[2].map(expected) == d["region"]).all()


def test_total_area() -> None:
    d = districts()
    assert d["area_km2"].sum() == pytest.approx(AREA_KM2, abs=50)
    assert d["area_km2"].sum() == pytest.approx(47_600, rel=0.01)
    # The display geometry is simplified but must still be close to the stored (full) area.
    display = d.to_crs(METRIC_CRS).area / 1e6
    assert np.allclose(display, d["area_km2"], rtol=0.02)


def test_population() -> None:
    d = districts()
    assert d["population"].notna().all()
    assert (d["population"] > 40_000).all()
    assert 7_900_000 < d["population"].sum() < 8_100_000
    assert d.set_index("ags").loc["03241", "population"] > 1_000_000


def test_geometries_valid_and_file_small() -> None:
    d = districts()
    assert d.crs.to_epsg() == 4326
    assert d.is_valid.all()
    assert shapely.coverage_is_valid(d.geometry.values)
    assert (DATA / "districts.geojson").stat().st_size < 1_500_000


def test_no_mojibake() -> None:
    names = [
        *districts()["name"],
        *postcodes()["place"],
        *postcodes()["district"],
        *places()["name"],
        *places()["district"],
        *places()["alternatenames"],
    ]
    bad = [n for n in names if any(m in n for m in MOJIBAKE)]
    assert not bad
    assert "Göttingen" in set(districts()["name"])


def test_postcodes_shape() -> None:
    pc = postcodes()
    assert list(pc.columns) == ["plz", "place", "lat", "lon", "ags", "district"]
    assert pc["plz"].str.fullmatch(r"\d{5}").all()
    assert len(pc) == POSTCODE_PAIRS
    assert not pc.duplicated(["plz", "place"]).any()
    assert pc.set_index("plz").loc["37073", "ags"] == "03159"


def test_places_shape() -> None:
    pl = places()
    assert list(pl.columns) == [
        "geonameid", "name", "lat", "lon", "population", "ags", "district", "alternatenames",
    ]  # fmt: skip
    assert len(pl) == PLACES_NI
    assert pl["geonameid"].is_unique


def test_goettingen_alternatenames_multiscript() -> None:
    row = places().set_index("name").loc["Göttingen"]
    assert row["ags"] == "03159"
    names = row["alternatenames"].split("|")
    assert "Гёттинген" in names  # Cyrillic
    assert "غوتينغن" in names  # Arabic
    assert "哥廷根" in names  # Chinese


def test_district_names_match_ags() -> None:
    names = districts().set_index("ags")["name"]
    for df in (postcodes(), places()):
        assert (df["district"] == df["ags"].map(names)).all()


@cache
def overrides() -> pd.DataFrame:
    return pd.read_csv(DATA / "district_overrides.csv", dtype=str, keep_default_na=False)


def _match(table: str, df: pd.DataFrame) -> pd.Series:
    return df["plz"] + " " + df["place"] if table == "postcodes" else df["name"]


@pytest.mark.parametrize("table", ["postcodes", "places"])
def test_overrides_are_applied_and_explained(table: str) -> None:
    df = postcodes() if table == "postcodes" else places()
    ov = overrides()[overrides()["table"] == table].set_index("match")
    assert len(ov) > 0 and (ov["reason"].str.len() > 20).all()
    rows = df.assign(match=_match(table, df)).set_index("match")
    assert (rows.loc[ov.index, "ags"] == ov["ags"]).all()


def test_islands_are_found():
    pc = postcodes().set_index("plz")
    assert pc.loc["26571", "ags"] == "03452"  # Juist, Landkreis Aurich
    assert pc.loc["26486", "ags"] == "03455"  # Wangerooge, Landkreis Friesland


@pytest.mark.parametrize("table", ["postcodes", "places"])
def test_points_lie_in_their_district(table: str) -> None:
    """Every point lies in (or within 2 km of) its district, except the documented overrides."""
    df = postcodes() if table == "postcodes" else places()
    listed = set(overrides().loc[overrides()["table"] == table, "match"])
    df = df[~_match(table, df).isin(listed)].reset_index(drop=True)
    d = districts()
    assert set(df["ags"]) <= set(d["ags"])
    pts = gpd.GeoSeries(
        gpd.points_from_xy(df["lon"].astype(float), df["lat"].astype(float)), crs=4326
    ).to_crs(METRIC_CRS)
    polys = d.to_crs(METRIC_CRS).set_index("ags").geometry
    # Distance to the assigned district (display geometry; built against the full one).
    dist = pts.distance(polys.loc[df["ags"]].reset_index(drop=True))
    assert (dist <= 2000).all(), df[dist > 2000]
    # No point is inside two districts.
    tree = shapely.STRtree(polys.values)
    idx, _ = tree.query(pts.values, predicate="within")
    assert np.bincount(idx, minlength=len(df)).max() <= 1
