"""Site suggestions: greedy and exact MCLP on fixtures with a known optimum, and against a
brute-force oracle over every k-subset."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from geo import sites


def _inst(cover: list[list[int]], weight: list[float]) -> sites.Instance:
    c = np.array(cover, dtype=bool)
    return sites.Instance(cover=c, weight=np.array(weight, float),
                          candidates=np.arange(c.shape[1]))  # fmt: skip


def _brute(inst: sites.Instance, k: int) -> float:
    n = inst.cover.shape[1]
    return max((float(inst.weight[inst.cover[:, list(s)].any(axis=1)].sum())
                for s in combinations(range(n), min(k, n))), default=0.0)  # fmt: skip


# Demand points 1..4 with weights 4, 5, 5, 4; A covers {1, 2}, B {3, 4}, C {2, 3}.
# Greedy takes C (10) first, then A or B (+4): 14. The optimum is A + B = 18.
TRAP = _inst([[1, 0, 0], [1, 0, 1], [0, 1, 1], [0, 1, 0]], [4, 5, 5, 4])


def test_greedy_falls_into_the_trap_and_exact_finds_the_optimum():
    g = sites.greedy(TRAP, 2)
    assert g.sites == (2, 0) and g.gains == (10.0, 4.0) and g.covered == 14
    ex = sites.exact(TRAP, 2)
    assert ex.status == "optimal" and sorted(ex.sites) == [0, 1] and ex.covered == 18
    assert sum(ex.gains) == 18


@pytest.mark.parametrize("dense", [False, True])
def test_sparse_model_equals_spopt_dense_model(dense):
    import pulp

    rng = np.random.default_rng(5)
    inst = _inst((rng.random((25, 9)) < 0.25).astype(int).tolist(), rng.integers(1, 50, 25))
    model = sites.mclp_model(inst, 3, dense=dense)
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    assert pulp.value(model.problem.objective) == pytest.approx(_brute(inst, 3))


@pytest.mark.parametrize("seed", range(8))
def test_exact_equals_brute_force_and_greedy_is_within_its_guarantee(seed):
    rng = np.random.default_rng(seed)
    inst = _inst((rng.random((14, 8)) < 0.3).astype(int).tolist(), rng.integers(1, 100, 14))
    k = int(rng.integers(1, 4))
    best = _brute(inst, k)
    ex = sites.exact(inst, k)
    g = sites.greedy(inst, k)
    assert ex.status == "optimal" and ex.covered == pytest.approx(best)
    assert g.covered <= best + 1e-9
    assert g.covered >= (1 - (1 - 1 / k) ** k) * best - 1e-9
    assert sites.upper_bound(inst, k, g.covered) >= best - 1e-9


def test_reduction_keeps_the_optimum():
    """instance() drops unreachable points and useless, duplicate and dominated
    candidates, and merges equal points; the optimum stays the same."""
    rng = np.random.default_rng(11)
    lat = rng.uniform(52.0, 52.6, 30)
    lon = rng.uniform(9.0, 10.0, 30)
    weight = np.where(rng.random(30) < 0.7, rng.integers(1, 1000, 30), 0).astype(float)
    radius = 12.0
    reduced = sites.instance(lat, lon, weight, lat, lon, radius)
    from geo.access import pairs_within

    full_cover = np.zeros((30, 30), dtype=bool)
    pairs = pairs_within(lat, lon, lat, lon, radius)
    full_cover[pairs.origin, pairs.dest] = True
    full = sites.Instance(full_cover, weight, np.arange(30))
    assert reduced.cover.shape[1] < 30
    for k in (1, 2, 3):
        assert sites.exact(reduced, k).covered == pytest.approx(sites.exact(full, k).covered)


def test_suggest_on_a_line_of_places():
    """Three towns 0, 10 and 40 km east of a point, nobody served; radius 12 km, k = 1:
    the town at 10 km reaches both western towns (1,000 + 2,000) and beats the eastern
    (2,500). With k = 2 everybody is reached."""
    lat = np.full(3, 52.0)
    km_per_degree = 111.32 * np.cos(np.radians(52.0))
    lon = 9.0 + np.array([0.0, 10.0, 40.0]) / km_per_degree
    demand = np.array([1000.0, 2000.0, 2500.0])
    one = sites.suggest(lat, lon, demand, lat, lon, 12, 1)
    assert one.greedy.sites in ((0,), (1,)) and one.greedy.covered == 3000
    assert one.exact.covered == 3000 and one.gap == 0
    two = sites.suggest(lat, lon, demand, lat, lon, 12, 2)
    assert two.greedy.covered == two.exact.covered == 5500 == two.reachable_total


def test_nothing_to_cover():
    none = sites.suggest([52.0], [9.0], [0.0], [52.0], [9.0], 10, 3)
    assert none.greedy.sites == () and none.exact.sites == () and none.gap == 0


def test_gap_is_reported_against_the_proven_optimum():
    """The trap above as coordinates: demand at 0, 10, 20, 30 km (4, 5, 5, 4 people),
    candidate sites at 5, 25 and 15 km, radius 5.1 km."""
    km_per_degree = 111.32 * np.cos(np.radians(52.0))
    d_lon = 9.0 + np.array([0.0, 10.0, 20.0, 30.0]) / km_per_degree
    c_lon = 9.0 + np.array([5.0, 25.0, 15.0]) / km_per_degree
    s = sites.suggest(np.full(4, 52.0), d_lon, np.array([4.0, 5, 5, 4]),
                      np.full(3, 52.0), c_lon, 5.1, 2)  # fmt: skip
    assert s.greedy.covered == 14 and s.greedy.sites[0] == 2
    assert s.exact.covered == 18 and s.bound == 18
    assert s.gap == pytest.approx(4 / 18)
