"""Tests for geo.distance: haversine and nearest-k against a brute-force oracle."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.distance import EARTH_RADIUS_KM, NearestIndex, haversine_km, nearest

HANNOVER = (52.37052, 9.73322)  # GeoNames 2910831
GOETTINGEN = (51.53443, 9.93228)  # GeoNames 2918632


def _oracle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Textbook haversine with the math module, one pair at a time."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _oracle(
    lats: np.ndarray, lons: np.ndarray, lat: float, lon: float, k: int | None, r: float | None
) -> list[tuple[int, float]]:
    rows = [
        (i, _oracle_km(lat, lon, la, lo))
        for i, (la, lo) in enumerate(zip(lats, lons, strict=True))
        if math.isfinite(la) and math.isfinite(lo)
    ]
    if r is not None:
        rows = [row for row in rows if row[1] <= r]
    rows.sort(key=lambda row: (row[1], row[0]))
    return rows if k is None else rows[:k]


def test_haversine_hannover_goettingen() -> None:
    d = haversine_km(*HANNOVER, np.array([GOETTINGEN[0]]), np.array([GOETTINGEN[1]]))
    # Straight line Hannover city centre - Göttingen city centre is about 94 km
    # (the road distance is ~120 km).
    assert d.shape == (1,)
    assert 92.0 < d[0] < 96.0
    assert d[0] == pytest.approx(_oracle_km(*HANNOVER, *GOETTINGEN), rel=1e-12)


def test_haversine_known_values() -> None:
    lats = np.array([52.0, 53.0, 52.0, -52.0, np.nan])
    lons = np.array([9.0, 9.0, 10.0, -171.0, 9.0])
    d = haversine_km(52.0, 9.0, lats, lons)
    assert d[0] == 0.0
    # One degree of latitude ~ 111.2 km everywhere.
    assert d[1] == pytest.approx(math.pi * EARTH_RADIUS_KM / 180, rel=1e-9)
    # One degree of longitude at 52° N ~ 68.5 km.
    assert d[2] == pytest.approx(68.46, abs=0.05)
    # Antipode: half the circumference.
    assert d[3] == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-9)
    assert math.isnan(d[4])


def test_haversine_accepts_series() -> None:
    s = pd.Series([GOETTINGEN[0]]), pd.Series([GOETTINGEN[1]])
    assert haversine_km(*HANNOVER, *s)[0] == pytest.approx(_oracle_km(*HANNOVER, *GOETTINGEN))


@pytest.fixture(scope="module")
def points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240601)
    n = 3000
    lats = rng.uniform(51.2, 53.9, n)  # roughly Lower Saxony
    lons = rng.uniform(6.6, 11.6, n)
    lats[rng.choice(n, 40, replace=False)] = np.nan  # offices without coordinates
    lons[rng.choice(n, 20, replace=False)] = np.nan
    # A few exact duplicates: equal distances must be ordered by position.
    lats[100:105], lons[100:105] = 52.0, 9.5
    return lats, lons


@pytest.mark.parametrize("k", [None, 1, 5, 50, 2999, 10_000])
@pytest.mark.parametrize("radius", [None, 0.0, 5.0, 25.0, 80.0, 10_000.0])
def test_nearest_index_matches_oracle(
    points: tuple[np.ndarray, np.ndarray], k: int | None, radius: float | None
) -> None:
    lats, lons = points
    index = NearestIndex(lats, lons)
    for lat, lon in [(52.0, 9.5), HANNOVER, GOETTINGEN, (53.5, 7.2), (48.1, 11.6)]:
        pos, dist = index.query(lat, lon, k=k, radius_km=radius)
        expected = _oracle(lats, lons, lat, lon, k, radius)
        assert pos.tolist() == [i for i, _ in expected]
        np.testing.assert_allclose(dist, [d for _, d in expected], rtol=1e-9, atol=1e-9)
        assert np.all(np.diff(dist) >= 0)


def test_duplicates_ordered_by_position(points: tuple[np.ndarray, np.ndarray]) -> None:
    lats, lons = points
    pos, dist = NearestIndex(lats, lons).query(52.0, 9.5, k=3)
    assert pos.tolist() == [100, 101, 102]
    assert dist.tolist() == [0.0, 0.0, 0.0]


def test_nearest_frame(points: tuple[np.ndarray, np.ndarray]) -> None:
    lats, lons = points
    frame = pd.DataFrame(
        {"name": [f"office {i}" for i in range(lats.size)], "lat": lats, "lon": lons},
        index=pd.RangeIndex(1000, 1000 + lats.size),
    )
    out = nearest(frame, *GOETTINGEN, k=10)
    expected = _oracle(lats, lons, *GOETTINGEN, 10, None)
    assert out["name"].tolist() == [f"office {i}" for i, _ in expected]
    assert list(out.index) == [1000 + i for i, _ in expected]  # original labels kept
    np.testing.assert_allclose(out["distance_km"], [d for _, d in expected])
    assert list(out.columns) == ["name", "lat", "lon", "distance_km"]
    assert "distance_km" not in frame.columns  # input untouched

    everything = nearest(frame, *GOETTINGEN)
    assert len(everything) == int((np.isfinite(lats) & np.isfinite(lons)).sum())
    assert everything["lat"].notna().all() and everything["lon"].notna().all()

    within = nearest(frame, *GOETTINGEN, radius_km=30)
    assert (within["distance_km"] <= 30).all()
    assert len(within) == len(_oracle(lats, lons, *GOETTINGEN, None, 30))

    cached = NearestIndex.from_frame(frame)
    pd.testing.assert_frame_equal(nearest(frame, *GOETTINGEN, k=10, index=cached), out)


def test_nearest_handles_missing_and_odd_values() -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "lat": [52.0, None, "52.1", "n/a", 52.2],
            "lon": [9.0, 9.0, "9.1", 9.0, None],
        }
    )
    out = nearest(frame, 52.0, 9.0)
    assert out["id"].tolist() == [1, 3]
    assert out["distance_km"].iloc[0] == 0.0


def test_nearest_empty_and_degenerate() -> None:
    empty = pd.DataFrame({"lat": pd.Series([], dtype=float), "lon": pd.Series([], dtype=float)})
    assert nearest(empty, 52.0, 9.0, k=5).empty
    frame = pd.DataFrame({"lat": [52.0, 53.0], "lon": [9.0, 9.0]})
    assert nearest(frame, 52.0, 9.0, k=0).empty
    assert nearest(frame, 52.0, 9.0, radius_km=-1).empty
    assert nearest(frame, float("nan"), 9.0).empty
    assert "distance_km" in nearest(frame, 52.0, 9.0, k=0).columns
    with pytest.raises(ValueError):
        NearestIndex(np.zeros(3), np.zeros(4))


def test_nearest_custom_columns() -> None:
    frame = pd.DataFrame({"y": [53.0, 52.0], "x": [9.0, 9.0]})
    out = nearest(frame, 52.0, 9.0, k=1, lat_col="y", lon_col="x")
    assert out["y"].tolist() == [52.0]
