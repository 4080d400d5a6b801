"""Tests for geo.boundaries: cached loaders and point-in-district lookup."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely import Point

from geo.boundaries import (
    DATA_DIR,
    district_of,
    districts_of,
    load_districts,
    load_places,
    load_postcodes,
)

HANNOVER_CENTRE = (9.7386, 52.3745)  # lon, lat (Kröpcke)
GOETTINGEN = (9.93228, 51.53443)
MUNICH = (11.5755, 48.1372)
BREMEN_CENTRE = (8.8072, 53.0758)  # city state enclosed by Lower Saxony
BREMERHAVEN = (8.5809, 53.5396)


def test_data_dir() -> None:
    assert (DATA_DIR / "districts.geojson").is_file()


def test_load_districts() -> None:
    d = load_districts()
    assert len(d) == 45
    assert d.crs.to_epsg() == 4326
    assert {"ags", "name", "type", "nuts3", "region", "area_km2", "population"} <= set(d.columns)
    assert d["ags"].map(type).eq(str).all()
    assert d["ags"].is_monotonic_increasing


def test_loaders_return_copies() -> None:
    d = load_districts()
    d.loc[0, "name"] = "changed"
    assert load_districts().loc[0, "name"] != "changed"


def test_load_postcodes_keeps_leading_zeros() -> None:
    pc = load_postcodes()
    assert pc["plz"].str.fullmatch(r"\d{5}").all()
    assert pd.api.types.is_float_dtype(pc["lat"])
    assert "Göttingen" in set(pc.loc[pc["plz"] == "37073", "place"])


def test_load_places() -> None:
    pl = load_places()
    assert pd.api.types.is_integer_dtype(pl["population"])
    assert not pl["alternatenames"].isna().any()
    row = pl.set_index("name").loc["Göttingen"]
    assert "Гёттинген" in row["alternatenames"].split("|")


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        (HANNOVER_CENTRE, "03241"),
        (GOETTINGEN, "03159"),
        (MUNICH, None),
        (BREMEN_CENTRE, None),
        (BREMERHAVEN, None),
    ],
)
def test_district_of(point: tuple[float, float], expected: str | None) -> None:
    assert district_of(*point) == expected


def test_district_of_coast_snaps_to_nearest() -> None:
    # ~0.9 km off the (generalised) Cuxhaven coast line: outside every polygon, snapped.
    lon, lat = 8.75, 53.86
    d = load_districts()
    assert not d.contains(Point(lon, lat)).any()
    assert district_of(lon, lat) == "03352"
    # Open North Sea, far from any district.
    assert district_of(7.5, 54.2) is None


def test_districts_of_vectorised_matches_stored_assignment() -> None:
    pl = load_places()
    result = districts_of(pl["lon"].to_numpy(), pl["lat"].to_numpy())
    assert isinstance(result, np.ndarray)
    # except the places the build's cross-check corrected (district_overrides.csv)
    corrected = pl["name"].isin(["Haverlah"]).to_numpy()
    assert (result == pl["ags"].to_numpy())[~corrected].all()
    assert (result != pl["ags"].to_numpy())[corrected].all()


def test_districts_of_mixed_and_empty() -> None:
    res = districts_of([HANNOVER_CENTRE[0], MUNICH[0]], [HANNOVER_CENTRE[1], MUNICH[1]])
    assert list(res) == ["03241", None]
    assert districts_of([], []).shape == (0,)
    with pytest.raises(ValueError):
        districts_of([1.0, 2.0], [1.0])


@pytest.mark.parametrize("lon, lat, ags", [(6.9927, 53.6766, "03452"),   # Juist (village)
                                           (7.3700, 53.7300, "03452"),   # Baltrum
                                           (7.9070, 53.7900, "03455")])  # Wangerooge
def test_islands_missing_from_the_shapes_get_their_district(lon, lat, ags) -> None:
    assert not load_districts().contains(Point(lon, lat)).any()
    assert district_of(lon, lat) == ags
