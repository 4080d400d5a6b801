"""Spatial access: distance to the nearest offer, and the two-step floating catchment (2SFCA).

Both work on plain coordinate arrays (WGS84 degrees) and are vectorised: points go onto the
unit sphere and into a :class:`scipy.spatial.cKDTree`. The straight-line (chord) distance in
3-D is a monotonic function of the great-circle distance, so the nearest point by chord is
the nearest by great circle, and a radius on the sphere is a chord radius
(:func:`chord_of_km` / :func:`km_of_chord`). The returned kilometres equal
:func:`geo.distance.haversine_km` (tests compare both).

**2SFCA** (Luo & Wang 2003; with distance decay as in Luo & Qi 2009, "E2SFCA"): with
demand :math:`D_i` at place *i*, supply :math:`S_j` at office *j*, distance :math:`d_{ij}`,
catchment :math:`d_0` and weight :math:`w(d)` (1 without decay),

1. every office divides its supply by the weighted demand in its catchment:
   :math:`R_j = S_j / \\sum_{i: d_{ij} \\le d_0} w(d_{ij}) D_i`;
2. every place adds up the ratios of the offices in its catchment:
   :math:`A_i = \\sum_{j: d_{ij} \\le d_0} w(d_{ij}) R_j`.

:math:`A_i` is "offices per person" within reach; the atlas shows it per 100,000. This is
the formulation of PySAL ``access`` (``Access.two_stage_fca`` with ``max_cost`` and
``weight_fn=access.weights.gaussian(sigma)``); ``tests/geo/test_access.py`` shows both agree
on a fixture. We keep our own implementation: ``access`` needs the origin–destination
pairs as a frame anyway (we find them with the KD-tree) and applies a distance-decay
function row by row -- 0.6 s for 1,153 places × 6,800 offices at 25 km with the Gaussian
weight, against a few milliseconds here (``python -m bench.bench_gaps``).

No Streamlit import here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from geo.distance import EARTH_RADIUS_KM

__all__ = [
    "DECAYS",
    "Pairs",
    "chord_of_km",
    "decay_weights",
    "km_of_chord",
    "nearest",
    "pairs_within",
    "two_step_fca",
    "unit_vectors",
]

#: Distance decay of the 2SFCA: ``none`` (every office in reach counts fully) or
#: ``gauss`` (weight ``exp(-d² / (2σ²))`` with σ = half the catchment radius).
DECAYS: tuple[str, ...] = ("none", "gauss")


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, shape ``(n, 3)``; rows with NaN stay NaN."""
    la = np.radians(np.asarray(lat, dtype=np.float64))
    lo = np.radians(np.asarray(lon, dtype=np.float64))
    c = np.cos(la)
    return np.column_stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


def chord_of_km(km: float | np.ndarray) -> float | np.ndarray:
    """Chord length on the unit sphere for a great-circle distance in km."""
    return 2.0 * np.sin(np.minimum(np.asarray(km, dtype=float), np.pi * EARTH_RADIUS_KM)
                        / (2.0 * EARTH_RADIUS_KM))  # fmt: skip


def km_of_chord(chord: float | np.ndarray) -> float | np.ndarray:
    """Great-circle distance in km for a chord length on the unit sphere."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord, dtype=float) / 2, 0, 1))


def _valid(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))


def nearest(
    from_lat: np.ndarray, from_lon: np.ndarray, to_lat: np.ndarray, to_lon: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distance from every origin to its nearest destination.

    Parameters
    ----------
    from_lat, from_lon : array_like
        Origins (e.g. places), degrees.
    to_lat, to_lon : array_like
        Destinations (e.g. offices), degrees; rows with NaN are ignored.

    Returns
    -------
    distance_km : numpy.ndarray
        Per origin; ``inf`` when there is no destination (or the origin has NaN).
    index : numpy.ndarray of int64
        Position of the nearest destination in the input, ``-1`` when none. Ties go to
        the lower position.

    Examples
    --------
    >>> d, i = nearest([52.0, 53.0], [9.0, 9.0], [52.0, np.nan, 52.5], [9.0, 0.0, 9.0])
    >>> d.round(1).tolist(), i.tolist()
    ([0.0, 55.6], [0, 2])
    """
    f_lat, f_lon = np.asarray(from_lat, float), np.asarray(from_lon, float)
    t_lat, t_lon = np.asarray(to_lat, float), np.asarray(to_lon, float)
    dist = np.full(f_lat.shape, np.inf)
    index = np.full(f_lat.shape, -1, dtype=np.int64)
    src, dst = _valid(f_lat, f_lon), _valid(t_lat, t_lon)
    if src.size == 0 or dst.size == 0:
        return dist, index
    tree = cKDTree(unit_vectors(t_lat[dst], t_lon[dst]))
    chord, pos = tree.query(unit_vectors(f_lat[src], f_lon[src]), k=1)
    dist[src] = km_of_chord(chord)
    index[src] = dst[pos]
    return dist, index


@dataclass(frozen=True)
class Pairs:
    """Origin–destination pairs within a radius (sparse), with their distances."""

    origin: np.ndarray  # int64 positions into the origins
    dest: np.ndarray  # int64 positions into the destinations
    km: np.ndarray  # float64 great-circle distances


def pairs_within(
    from_lat: np.ndarray,
    from_lon: np.ndarray,
    to_lat: np.ndarray,
    to_lon: np.ndarray,
    radius_km: float,
) -> Pairs:
    """All origin–destination pairs at most ``radius_km`` apart (inclusive).

    Returns
    -------
    Pairs
        Sorted by origin, then destination; rows with NaN never pair.
    """
    f_lat, f_lon = np.asarray(from_lat, float), np.asarray(from_lon, float)
    t_lat, t_lon = np.asarray(to_lat, float), np.asarray(to_lon, float)
    src, dst = _valid(f_lat, f_lon), _valid(t_lat, t_lon)
    empty = np.empty(0, dtype=np.int64)
    if src.size == 0 or dst.size == 0 or radius_km < 0:
        return Pairs(empty, empty, np.empty(0))
    a = cKDTree(unit_vectors(f_lat[src], f_lon[src]))
    b = cKDTree(unit_vectors(t_lat[dst], t_lon[dst]))
    # a small slack so pairs exactly on the circle survive rounding; exact check below
    found = a.sparse_distance_matrix(b, float(chord_of_km(radius_km)) * (1 + 1e-9) + 1e-15,
                                     output_type="ndarray")  # fmt: skip
    km = km_of_chord(found["v"])
    keep = km <= radius_km
    origin, dest, km = src[found["i"][keep]], dst[found["j"][keep]], km[keep]
    order = np.lexsort((dest, origin))
    return Pairs(origin[order].astype(np.int64), dest[order].astype(np.int64), km[order])


def decay_weights(km: np.ndarray, radius_km: float, decay: str = "none") -> np.ndarray:
    """Weight of a pair at distance ``km`` (within the catchment ``radius_km``).

    ``none``: 1. ``gauss``: ``exp(-km² / (2σ²))`` with ``σ = radius_km / 2`` -- 1 at the
    place, 0.61 at half the radius, 0.14 at the radius (PySAL ``access.weights.gaussian``).

    >>> decay_weights(np.array([0.0, 10.0, 20.0]), 20, "gauss").round(2).tolist()
    [1.0, 0.61, 0.14]
    """
    km = np.asarray(km, dtype=float)
    if decay == "none":
        return np.ones_like(km)
    if decay == "gauss":
        sigma = radius_km / 2.0
        return np.exp(-(km * km) / (2.0 * sigma * sigma))
    raise ValueError(f"unknown decay {decay!r}")


def two_step_fca(
    demand: np.ndarray, supply: np.ndarray, pairs: Pairs, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two-step floating catchment area accessibility (see the module docstring).

    Parameters
    ----------
    demand : array_like
        :math:`D_i` per origin (place), >= 0.
    supply : array_like
        :math:`S_j` per destination (office), >= 0.
    pairs : Pairs
        Origin–destination pairs within the catchment (:func:`pairs_within`).
    weights : array_like, optional
        :math:`w(d_{ij})` per pair (:func:`decay_weights`); 1 when omitted.

    Returns
    -------
    access : numpy.ndarray
        :math:`A_i` per origin (0 where no office is within reach).
    ratio : numpy.ndarray
        :math:`R_j` per destination (0 where no demand is within reach).

    Notes
    -----
    Supply is conserved: :math:`\\sum_i D_i A_i = \\sum_j S_j` over the offices that have
    some demand in reach.
    """
    demand = np.asarray(demand, dtype=float)
    supply = np.asarray(supply, dtype=float)
    w = np.ones(pairs.km.shape) if weights is None else np.asarray(weights, dtype=float)
    reached = np.bincount(pairs.dest, weights=w * demand[pairs.origin], minlength=supply.size)
    ratio = np.divide(supply, reached, out=np.zeros_like(supply), where=reached > 0)
    access = np.bincount(pairs.origin, weights=w * ratio[pairs.dest], minlength=demand.size)
    return access, ratio
