"""The gap analysis per place and district (geo.gaps)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.boundaries import load_places
from geo.distance import haversine_km
from geo.gaps import analyse, nearest_place_name, suggest_sites
from geo.population import district_statistics

HANNOVER = (52.3745, 9.7386)
GOETTINGEN = (51.5413, 9.9158)


def _offices(points, ags=None, ids=None) -> pd.DataFrame:
    n = len(points)
    return pd.DataFrame({
        "service_id": ids or [f"s{i}" for i in range(n)],
        "lat": [p[0] for p in points], "lon": [p[1] for p in points],
        "district_ags": ags or [None] * n,
    })  # fmt: skip


def test_without_offices_everybody_is_beyond_and_no_place_is_dropped():
    r = analyse(_offices([]), radius_km=25)
    assert len(r.places) == len(load_places())
    assert r.places["beyond"].all() and np.isinf(r.places["distance_km"]).all()
    assert r.totals["share_beyond"] == 1.0 and np.isnan(r.totals["mean_distance_km"])
    assert r.districts["offers"].sum() == 0 and r.districts["mean_distance_km"].isna().all()
    assert r.n_offices == 0 and (r.places["access"] == 0).all()


def test_distances_and_district_figures_match_a_brute_force_oracle():
    offices = _offices([HANNOVER, GOETTINGEN, (np.nan, np.nan)],
                       ags=["03241", "03159", "03159"])  # fmt: skip
    r = analyse(offices, radius_km=25)
    p = r.places
    oracle = np.minimum(haversine_km(*HANNOVER, p["lat"], p["lon"]),
                        haversine_km(*GOETTINGEN, p["lat"], p["lon"]))  # fmt: skip
    np.testing.assert_allclose(p["distance_km"], oracle, atol=1e-6)
    assert r.n_offices == 2
    stats = district_statistics()
    d = r.districts.set_index("ags")
    # inhabitants per district are exactly the 31.12.2024 statistics
    pd.testing.assert_series_equal(d["inhabitants"], stats["population"].astype(float),
                                   check_names=False)  # fmt: skip
    beyond = p[oracle > 25].groupby("ags")["inhabitants"].sum()
    np.testing.assert_allclose(d["inhabitants_beyond"], beyond.reindex(d.index).fillna(0))
    weighted = (p["distance_km"] * p["inhabitants"]).groupby(p["ags"]).sum() / d["inhabitants"]
    np.testing.assert_allclose(d["mean_distance_km"], weighted.reindex(d.index))
    # the unplaced office counts in its district, not in the distances
    assert d.loc["03159", "offers"] == 2 and d.loc["03241", "offers"] == 1
    assert d.loc["03159", "offers_per_100k"] == pytest.approx(2e5 / stats.loc["03159",
                                                                             "population"])
    assert d.loc["03159", "offers_per_10k_foreign"] == pytest.approx(
        2e4 / stats.loc["03159", "foreign"])  # fmt: skip
    assert d.loc["03241", "share_beyond"] < 0.05 < d.loc["03352", "share_beyond"]


def test_2sfca_conserves_supply_and_district_score_is_a_weighted_mean():
    offices = _offices([HANNOVER, GOETTINGEN])
    r = analyse(offices, radius_km=30, decay="gauss")
    p = r.places
    assert (p["access"] * p["demand"]).sum() / 1e5 == pytest.approx(2.0)
    d = r.districts.set_index("ags")
    hann = p[p["ags"] == "03241"]
    expected = (hann["access"] * hann["demand"]).sum() / hann["demand"].sum()
    assert d.loc["03241", "access"] == pytest.approx(expected)


def test_custom_demand_changes_2sfca_and_demand_columns_only():
    offices = _offices([HANNOVER])
    base = analyse(offices, radius_km=25)
    demand = district_statistics()["foreign"].astype(float)
    other = analyse(offices, radius_km=25, demand=demand)
    assert other.totals["demand"] == pytest.approx(demand.sum())
    np.testing.assert_allclose(other.places["distance_km"], base.places["distance_km"])
    assert other.totals["inhabitants_beyond"] == base.totals["inhabitants_beyond"]
    assert not np.allclose(other.places["access"], base.places["access"])


def test_site_suggestions_point_at_places():
    r = analyse(_offices([HANNOVER]), radius_km=25)
    s = suggest_sites(r, 2)
    assert len(s.greedy.sites) == 2 and s.exact.status == "optimal"
    assert s.greedy.covered <= s.exact.covered + 1e-6
    covered = r.places.iloc[list(s.greedy.sites)]
    assert covered["beyond"].all()  # a good new site is where nobody is served yet


def test_nearest_place_name():
    assert nearest_place_name(*GOETTINGEN) == "Göttingen"
