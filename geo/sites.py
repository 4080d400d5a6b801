"""Site suggestions: where would k new offices reach the most people not yet reached?

The maximal covering location problem (MCLP, Church & ReVelle 1974): choose k candidate
sites so that the demand within ``radius_km`` of at least one chosen site is as large as
possible. Here the demand points are the places whose nearest existing office is farther
than the radius (their demand is "uncovered"), the candidates are the populated places.

Two solvers on the same instance:

* :func:`greedy` -- pick the site that adds the most uncovered demand, k times. Fast
  (a few matrix-vector products) and never worse than ``1 - 1/e`` ≈ 63 % of the optimum;
* :func:`exact` -- the integer programme as PySAL ``spopt``'s ``MCLP`` model (coverage
  constraints built sparsely, :func:`mclp_model`) solved by CBC (bundled with PuLP) under a
  time limit. If CBC stops at the limit, its best solution
  is reported as "not proven optimal"; if it has none, the greedy answer stands.

:func:`suggest` runs both and reports the gap between them -- against the proven optimum
when there is one, else against an upper bound (:func:`upper_bound`).

The instance is reduced first without changing the optimum: demand points with no demand
are dropped, demand points covered by exactly the same candidates are merged (weights
added) and candidates that cover nothing or exactly the same points as another are dropped.

No Streamlit import here.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from geo.access import pairs_within

__all__ = ["Instance", "SiteSolution", "Suggestion", "exact", "greedy", "instance", "mclp_model",
           "suggest", "upper_bound"]  # fmt: skip

DEFAULT_TIME_LIMIT_S = 10.0


@dataclass(frozen=True)
class Instance:
    """A reduced MCLP instance.

    Attributes
    ----------
    cover : numpy.ndarray of bool, shape (clients, candidates)
        ``cover[i, j]``: candidate j reaches demand point i.
    weight : numpy.ndarray
        Demand of each (merged) demand point.
    candidates : numpy.ndarray of int64
        Position of each column in the caller's candidate list.
    """

    cover: np.ndarray
    weight: np.ndarray
    candidates: np.ndarray

    @property
    def total(self) -> float:
        return float(self.weight.sum())


def _unique_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First index of each distinct row of a boolean matrix, and each row's group
    (rows packed to bytes and compared as one value: much faster than ``np.unique(axis=0)``)."""
    packed = np.ascontiguousarray(np.packbits(matrix, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def instance(
    demand_lat: np.ndarray,
    demand_lon: np.ndarray,
    weight: np.ndarray,
    cand_lat: np.ndarray,
    cand_lon: np.ndarray,
    radius_km: float,
) -> Instance:
    """Build and reduce an MCLP instance from coordinates (see the module docstring)."""
    weight = np.asarray(weight, dtype=float)
    keep = np.flatnonzero(np.isfinite(weight) & (weight > 0))
    d_lat = np.asarray(demand_lat, float)[keep]
    d_lon = np.asarray(demand_lon, float)[keep]
    pairs = pairs_within(d_lat, d_lon, cand_lat, cand_lon, radius_km)
    n_cand = len(np.asarray(cand_lat))
    cover = np.zeros((keep.size, n_cand), dtype=bool)
    cover[pairs.origin, pairs.dest] = True
    w = weight[keep]
    # merge demand points with identical coverage (a point nobody reaches is dropped)
    reachable = cover.any(axis=1)
    cover, w = cover[reachable], w[reachable]
    if cover.shape[0]:
        first, inverse = _unique_rows(cover)
        w = np.bincount(inverse, weights=w, minlength=first.size)
        cover = cover[first]
    # drop useless and duplicate candidates (first of equal columns kept)
    useful = np.flatnonzero(cover.any(axis=0))
    cols = cover[:, useful]
    if cols.shape[1]:
        first, _ = _unique_rows(cols.T)
        first.sort()
        useful, cols = useful[first], cols[:, first]
        # drop candidates whose points are a strict subset of another candidate's: an
        # optimum using one can swap it for the other without losing anything
        c = cols.astype(np.float32)  # BLAS; counts stay exact
        inter = c.T @ c
        size = np.diag(inter)
        dominated = ((inter == size[:, None]) & (size[None, :] > size[:, None])).any(axis=1)
        useful, cols = useful[~dominated], cols[:, ~dominated]
    return Instance(cover=np.ascontiguousarray(cols), weight=w, candidates=useful.astype(np.int64))


@dataclass(frozen=True)
class SiteSolution:
    """Chosen sites (positions into the caller's candidates), in pick order, with the
    demand each adds (``gains``, in that order) and the total covered."""

    sites: tuple[int, ...]
    gains: tuple[float, ...]
    covered: float
    status: str  # "greedy", "optimal", "feasible" (time limit), "failed"
    seconds: float = 0.0


def _in_gain_order(inst: Instance, columns: list[int]) -> tuple[list[int], list[float]]:
    """Order chosen columns greedily by what each adds; returns columns and gains."""
    covered = np.zeros(inst.weight.size, dtype=bool)
    left, order, gains = list(columns), [], []
    while left:
        adds = [float(inst.weight[inst.cover[:, c] & ~covered].sum()) for c in left]
        best = int(np.argmax(adds))
        c = left.pop(best)
        order.append(c)
        gains.append(adds[best])
        covered |= inst.cover[:, c]
    return order, gains


def greedy(inst: Instance, k: int) -> SiteSolution:
    """Greedy maximal covering: k times the candidate adding the most uncovered demand
    (ties: the lower candidate position). Stops early when nothing is left to gain."""
    t0 = time.perf_counter()
    cover = inst.cover.astype(np.float64)
    left = inst.weight.astype(np.float64).copy()
    sites, gains = [], []
    for _ in range(max(k, 0)):
        if not cover.shape[1]:
            break
        adds = left @ cover
        best = int(np.argmax(adds))
        if adds[best] <= 0:
            break
        sites.append(best)
        gains.append(float(adds[best]))
        left[inst.cover[:, best]] = 0.0
    return SiteSolution(
        sites=tuple(int(inst.candidates[c]) for c in sites), gains=tuple(gains),
        covered=float(sum(gains)), status="greedy", seconds=time.perf_counter() - t0,
    )  # fmt: skip


_PULP_V4_NOTICES = r".*(PuLP 4\.0|deprecated; in PuLP 4).*"


def mclp_model(inst: Instance, k: int, *, dense: bool = False):
    """The MCLP of ``inst`` as a ``spopt.locate.MCLP`` (PuLP model inside, not solved).

    ``dense=True`` uses ``MCLP.from_cost_matrix``, which builds every coverage constraint
    from the full dense matrix in a Python double loop (about 5 s for 900 × 650, while CBC
    then needs 0.2 s). The default builds the same model with spopt's own variable and
    facility-constraint builders and one sparse coverage constraint per demand point
    (``tests/geo/test_sites.py`` checks that both give the same optimum).
    """
    import pulp
    from spopt.locate import MCLP
    from spopt.locate.base import FacilityModelBuilder

    # PuLP 3.3 (pinned) announces its 4.0 API on every variable spopt creates; the calls
    # are correct for the pinned version, so those notices are silenced here only.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PULP_V4_NOTICES, category=DeprecationWarning)
        return _mclp_model(inst, k, dense=dense, pulp=pulp, MCLP=MCLP,
                           builder=FacilityModelBuilder)  # fmt: skip


def _mclp_model(inst: Instance, k: int, *, dense: bool, pulp, MCLP, builder):
    n_cli, n_fac = inst.cover.shape
    if dense:
        cost = np.where(inst.cover, 0.0, 1.0)
        return MCLP.from_cost_matrix(cost, inst.weight, service_radius=0.5, p_facilities=k)
    model = MCLP("mclp", pulp.LpProblem("mclp", pulp.LpMaximize))
    builder.add_facility_integer_variable(model, range(n_fac), "x[{i}]")
    builder.add_client_integer_variable(model, range(n_cli), "y[{i}]")
    model.aij = inst.cover.astype(float)
    x, y = model.fac_vars, model.cli_vars
    model.problem += (pulp.LpAffineExpression(
        [(y[i], float(w)) for i, w in enumerate(inst.weight)]), "objective function")  # fmt: skip
    for i in range(n_cli):
        reach = pulp.LpAffineExpression([(x[j], 1) for j in np.flatnonzero(inst.cover[i])])
        model.problem += reach >= y[i]
    builder.add_facility_constraint(model, k)
    return model


def exact(inst: Instance, k: int, time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> SiteSolution:
    """Solve the MCLP (:func:`mclp_model`, spopt) with CBC under ``time_limit_s``.

    ``status`` is ``optimal`` (proven), ``feasible`` (stopped at the time limit with a
    solution) or ``failed`` (no solution; ``sites`` empty).
    """
    import pulp

    t0 = time.perf_counter()
    n_cli, n_fac = inst.cover.shape
    if k <= 0 or n_cli == 0 or n_fac == 0:
        return SiteSolution((), (), 0.0, "optimal", time.perf_counter() - t0)
    k_eff = min(k, n_fac)  # spopt needs sum(x) == p: more sites than candidates is moot
    model = mclp_model(inst, k_eff)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_PULP_V4_NOTICES,
                                    category=DeprecationWarning)  # fmt: skip
            solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=max(1, int(np.ceil(time_limit_s))))
            model.solve(solver, results=False)
    except RuntimeError:  # spopt: "Model is not solved" (no solution within the limit)
        return SiteSolution((), (), 0.0, "failed", time.perf_counter() - t0)
    chosen = [j for j, x in enumerate(model.fac_vars) if (x.value() or 0) > 0.5]
    status = "optimal" if model.problem.sol_status == pulp.LpSolutionOptimal else "feasible"
    order, gains = _in_gain_order(inst, chosen)
    gains_kept = [(c, g) for c, g in zip(order, gains, strict=True) if g > 0]
    return SiteSolution(
        sites=tuple(int(inst.candidates[c]) for c, _ in gains_kept),
        gains=tuple(g for _, g in gains_kept),
        covered=float(inst.weight[inst.cover[:, chosen].any(axis=1)].sum()) if chosen else 0.0,
        status=status, seconds=time.perf_counter() - t0,
    )  # fmt: skip


def upper_bound(inst: Instance, k: int, greedy_value: float) -> float:
    """An upper bound of the optimum: the smallest of the total uncovered demand, the sum
    of the k largest single-site coverages, and greedy / (1 - (1 - 1/k)^k)."""
    if k <= 0 or inst.cover.shape[1] == 0:
        return 0.0
    singles = np.sort(inst.weight @ inst.cover)[::-1][:k]
    ratio = 1.0 - (1.0 - 1.0 / k) ** k
    return float(min(inst.total, singles.sum(), greedy_value / ratio))


@dataclass(frozen=True)
class Suggestion:
    """Greedy and exact answers for one instance, and the gap between them."""

    greedy: SiteSolution
    exact: SiteSolution | None
    uncovered_total: float  # all uncovered demand (also what nobody can reach)
    reachable_total: float  # uncovered demand that some candidate reaches
    bound: float  # the optimum when proven, else an upper bound
    gap: float  # (bound - greedy) / bound, 0 when bound is 0


def suggest(
    demand_lat: np.ndarray,
    demand_lon: np.ndarray,
    uncovered_demand: np.ndarray,
    cand_lat: np.ndarray,
    cand_lon: np.ndarray,
    radius_km: float,
    k: int,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    run_exact: bool = True,
) -> Suggestion:
    """Greedy and (optionally) exact k-site suggestions for ``uncovered_demand``.

    Parameters
    ----------
    demand_lat, demand_lon, uncovered_demand : array_like
        Demand points and the demand not yet covered there (0 where covered).
    cand_lat, cand_lon : array_like
        Candidate sites; the solutions' ``sites`` are positions into these.
    radius_km : float
        A site covers the demand points within this distance.
    k : int
        Number of new sites.
    time_limit_s : float
        CBC's time limit.
    run_exact : bool
        Also solve exactly (else ``exact`` is None and the gap is against the bound).

    Returns
    -------
    Suggestion
    """
    total = float(np.nansum(np.asarray(uncovered_demand, dtype=float)))
    inst = instance(demand_lat, demand_lon, uncovered_demand, cand_lat, cand_lon, radius_km)
    g = greedy(inst, k)
    ex = exact(inst, k, time_limit_s) if run_exact else None
    if ex is not None and ex.status == "optimal":
        bound = ex.covered
    else:
        bound = upper_bound(inst, k, g.covered)
        if ex is not None and ex.status == "feasible":
            bound = max(bound, ex.covered)
    gap = 0.0 if bound <= 0 else (bound - g.covered) / bound
    gap = 0.0 if gap < 1e-9 else gap  # float noise of equal sums
    return Suggestion(greedy=g, exact=ex, uncovered_total=total, reachable_total=inst.total,
                      bound=bound, gap=gap)  # fmt: skip
