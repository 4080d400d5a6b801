"""Nearest distances, pairs within a radius and the 2SFCA against brute-force oracles,
and the 2SFCA against PySAL ``access`` on a fixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import access
from geo.distance import haversine_km

SEEDS = range(12)


def _points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random points in and around Lower Saxony (degrees)."""
    return rng.uniform(51.3, 53.9, n), rng.uniform(6.7, 11.6, n)


def _brute(f_lat, f_lon, t_lat, t_lon) -> np.ndarray:
    """Distance matrix origins × destinations by the haversine formula."""
    return np.array([haversine_km(a, b, t_lat, t_lon) for a, b in zip(f_lat, f_lon,
                                                                       strict=True)])


@pytest.mark.parametrize("seed", SEEDS)
def test_nearest_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    f_lat, f_lon = _points(rng, int(rng.integers(1, 15)))
    t_lat, t_lon = _points(rng, int(rng.integers(1, 15)))
    dist, idx = access.nearest(f_lat, f_lon, t_lat, t_lon)
    matrix = _brute(f_lat, f_lon, t_lat, t_lon)
    np.testing.assert_allclose(dist, matrix.min(axis=1), atol=1e-6)
    np.testing.assert_allclose(matrix[np.arange(len(idx)), idx], matrix.min(axis=1), atol=1e-6)


def test_nearest_skips_missing_and_handles_no_destination():
    dist, idx = access.nearest([52.0, np.nan], [9.0, 9.0], [np.nan, 52.0], [9.0, 10.0])
    assert idx.tolist() == [1, -1]
    assert dist[0] == pytest.approx(haversine_km(52.0, 9.0, [52.0], [10.0])[0])
    assert np.isinf(dist[1])
    dist, idx = access.nearest([52.0], [9.0], [], [])
    assert np.isinf(dist).all() and idx.tolist() == [-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_pairs_within_match_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    f_lat, f_lon = _points(rng, int(rng.integers(1, 15)))
    t_lat, t_lon = _points(rng, int(rng.integers(1, 15)))
    radius = float(rng.uniform(1, 150))
    pairs = access.pairs_within(f_lat, f_lon, t_lat, t_lon, radius)
    matrix = _brute(f_lat, f_lon, t_lat, t_lon)
    # away from the boundary (rounding), the sets agree exactly
    found = set(zip(pairs.origin.tolist(), pairs.dest.tolist(), strict=True))
    inside = {(i, j) for i, j in zip(*np.nonzero(matrix <= radius - 1e-6), strict=True)}
    outside = {(i, j) for i, j in zip(*np.nonzero(matrix > radius + 1e-6), strict=True)}
    assert inside <= found and not (found & outside)
    np.testing.assert_allclose(pairs.km, matrix[pairs.origin, pairs.dest], atol=1e-6)


def test_chord_round_trip():
    km = np.array([0.0, 1.0, 25.0, 500.0])
    np.testing.assert_allclose(access.km_of_chord(access.chord_of_km(km)), km, atol=1e-9)


def _two_step_brute(demand, supply, d, radius, weight=lambda x: 1.0):
    """2SFCA straight from its definition, with loops."""
    n, m = d.shape
    ratio = np.zeros(m)
    for j in range(m):
        reached = sum(weight(d[i, j]) * demand[i] for i in range(n) if d[i, j] <= radius)
        ratio[j] = supply[j] / reached if reached > 0 else 0.0
    return np.array([sum(weight(d[i, j]) * ratio[j] for j in range(m) if d[i, j] <= radius)
                     for i in range(n)])  # fmt: skip


def test_two_step_fca_hand_computed():
    """Places A (100 people), B (300), C (50, far away); offices X near A and B, Y at C.

    X reaches A and B: R_X = 1/400; Y reaches C only: R_Y = 1/50.
    A and B get 1/400 each, C gets 1/50.
    """
    lat = np.array([52.0, 52.05, 53.5])
    lon = np.array([9.0, 9.0, 9.0])
    pairs = access.pairs_within(lat, lon, [52.02, 53.5], [9.0, 9.0], 10)
    score, ratio = access.two_step_fca([100, 300, 50], [1, 1], pairs)
    np.testing.assert_allclose(ratio, [1 / 400, 1 / 50])
    np.testing.assert_allclose(score, [1 / 400, 1 / 400, 1 / 50])


@pytest.mark.parametrize("decay", access.DECAYS)
def test_two_step_fca_matches_brute_force_and_conserves_supply(decay):
    rng = np.random.default_rng(7)
    p_lat, p_lon = rng.uniform(52, 53, 40), rng.uniform(8, 10, 40)
    o_lat, o_lon = rng.uniform(52, 53, 12), rng.uniform(8, 10, 12)
    demand, supply = rng.integers(0, 5000, 40).astype(float), rng.integers(1, 4, 12).astype(float)
    radius = 25.0
    pairs = access.pairs_within(p_lat, p_lon, o_lat, o_lon, radius)
    w = access.decay_weights(pairs.km, radius, decay)
    score, ratio = access.two_step_fca(demand, supply, pairs, w)
    sigma = radius / 2
    weight = (lambda x: 1.0) if decay == "none" else (lambda x: np.exp(-x * x / (2 * sigma**2)))
    expected = _two_step_brute(demand, supply, _brute(p_lat, p_lon, o_lat, o_lon), radius, weight)
    np.testing.assert_allclose(score, expected, rtol=1e-9, atol=1e-15)
    served = ratio > 0
    assert (demand * score).sum() == pytest.approx(supply[served].sum())


@pytest.mark.parametrize("decay", access.DECAYS)
def test_two_step_fca_agrees_with_pysal_access(decay):
    """Our vectorised 2SFCA equals PySAL access's ``Access.two_stage_fca`` (same catchment,
    same Gaussian weight)."""
    from access import Access, weights

    rng = np.random.default_rng(3)
    p_lat, p_lon = rng.uniform(52, 52.8, 30), rng.uniform(9, 10.2, 30)
    o_lat, o_lon = rng.uniform(52, 52.8, 8), rng.uniform(9, 10.2, 8)
    demand = rng.integers(100, 10_000, 30).astype(float)
    supply = rng.integers(1, 3, 8).astype(float)
    radius = 20.0
    pairs = access.pairs_within(p_lat, p_lon, o_lat, o_lon, radius)
    ours, _ = access.two_step_fca(demand, supply, pairs,
                                  access.decay_weights(pairs.km, radius, decay))  # fmt: skip

    d = _brute(p_lat, p_lon, o_lat, o_lon)
    cost = pd.DataFrame([(f"p{i}", f"o{j}", d[i, j]) for i in range(30) for j in range(8)],
                        columns=["origin", "dest", "cost"])  # fmt: skip
    demand_df = pd.DataFrame({"geoid": [f"p{i}" for i in range(30)], "pop": demand})
    supply_df = pd.DataFrame({"geoid": [f"o{j}" for j in range(8)], "offers": supply})
    model = Access(demand_df=demand_df.set_index("geoid"), demand_value="pop",
                   supply_df=supply_df.set_index("geoid"), supply_value="offers",
                   cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost")
    fn = None if decay == "none" else weights.gaussian(radius / 2)
    theirs = model.two_stage_fca(name="s", max_cost=radius, weight_fn=fn)["s_offers"]
    theirs = theirs.reindex([f"p{i}" for i in range(30)]).fillna(0.0).to_numpy()
    assert (ours > 0).sum() >= 10  # the fixture is not trivial
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def test_decay_weights():
    np.testing.assert_allclose(access.decay_weights(np.array([0.0, 12.5, 25.0]), 25, "gauss"),
                               [1.0, np.exp(-0.5), np.exp(-2.0)])  # fmt: skip
    assert access.decay_weights(np.array([3.0]), 25, "none").tolist() == [1.0]
    with pytest.raises(ValueError):
        access.decay_weights(np.array([1.0]), 25, "linear")
