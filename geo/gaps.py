"""The gap analysis: who lives how far from the nearest matching office, per place and district.

:func:`analyse` combines :mod:`geo.demand` (district figures → places), :mod:`geo.access`
(nearest office, 2SFCA) and the district statistics (:mod:`geo.population`) into two tables:

* **places** -- every GeoNames place of ``data/places.csv`` (none is dropped), with its
  inhabitants (the district's 31.12.2024 population split by GeoNames population), its
  demand, the distance to the nearest office, whether that is beyond the radius, and its
  2SFCA score;
* **districts** -- per district: inhabitants, inhabitants beyond the radius and their share,
  the population-weighted mean distance, offers in the district (also those without map
  position, if their district is known), offers per 100,000 inhabitants and per 10,000
  foreign residents, and the 2SFCA score (demand-weighted mean of its places).

:func:`suggest_sites` asks :mod:`geo.sites` where k new offices would reach the most
uncovered demand. The offices come in as a plain frame (``lat``, ``lon``, ``district_ags``,
``service_id``); filtering the directory is the caller's business (:mod:`directory.gaps`).

No Streamlit import here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from geo import access, sites
from geo.boundaries import load_districts, load_places
from geo.demand import distribute, district_demand

__all__ = ["ACCESS_SCALE", "GapResult", "analyse", "nearest_place_name", "place_table",
           "suggest_sites"]  # fmt: skip

#: 2SFCA scores are shown as offices per this many people.
ACCESS_SCALE = 100_000

DISTRICT_COLUMNS = (
    "ags", "name", "inhabitants", "inhabitants_beyond", "share_beyond", "mean_distance_km",
    "offers", "offers_per_100k", "offers_per_10k_foreign", "access", "demand", "demand_beyond",
)  # fmt: skip


@lru_cache(maxsize=1)
def _base_places() -> pd.DataFrame:
    places = load_places()[["geonameid", "name", "lat", "lon", "population", "ags", "district"]]
    places = places.rename(columns={"population": "geonames_population"})
    places["inhabitants"] = distribute(
        places.rename(columns={"geonames_population": "population"}),
        district_demand("population"),
    )
    return places.reset_index(drop=True)


def place_table() -> pd.DataFrame:
    """All places with ``geonameid, name, lat, lon, geonames_population, ags, district,
    inhabitants`` (a copy)."""
    return _base_places().copy()


def nearest_place_name(lat: float, lon: float) -> str:
    """Name of the populated place nearest to a point (labels hypothetical offices).

    >>> nearest_place_name(51.5413, 9.9158)
    'Göttingen'
    """
    places = _base_places()
    _, idx = access.nearest([lat], [lon], places["lat"].to_numpy(float),
                            places["lon"].to_numpy(float))  # fmt: skip
    return str(places["name"].iloc[idx[0]]) if idx[0] >= 0 else ""


@dataclass(frozen=True)
class GapResult:
    """Outcome of :func:`analyse` (frames are fresh copies the caller may change)."""

    places: pd.DataFrame
    districts: pd.DataFrame
    radius_km: float
    decay: str
    n_offices: int  # offices with a map position that entered the distances
    totals: dict[str, float]


def _district_frame() -> pd.DataFrame:
    d = load_districts()[["ags", "name", "population", "foreign"]]
    return d.set_index("ags")


def analyse(
    offices: pd.DataFrame,
    *,
    radius_km: float,
    demand: pd.Series | None = None,
    decay: str = "none",
) -> GapResult:
    """Distances, coverage and 2SFCA for ``offices``.

    Parameters
    ----------
    offices : pandas.DataFrame
        One row per office (offer × location): ``lat``, ``lon`` (NaN when not placed),
        ``district_ags`` (may be None), ``service_id``; an optional ``capacity`` column is
        the supply of the 2SFCA (else 1 per office).
    radius_km : float
        The radius R: "beyond R km" and the 2SFCA catchment.
    demand : pandas.Series, optional
        Demand per district (AGS index) for the 2SFCA; default the population.
    decay : {"none", "gauss"}
        Distance decay of the 2SFCA (:func:`geo.access.decay_weights`).

    Returns
    -------
    GapResult
        ``places`` has, besides :func:`place_table`'s columns, ``demand``, ``distance_km``
        (``inf`` without any office), ``nearest`` (row position in ``offices``, -1 none),
        ``beyond`` (bool), ``inhabitants_beyond``, ``demand_beyond`` and ``access``
        (offices per :data:`ACCESS_SCALE` people). ``districts`` has
        :data:`DISTRICT_COLUMNS`, sorted by AGS.
    """
    if decay not in access.DECAYS:
        raise ValueError(f"unknown decay {decay!r}")
    places = place_table()
    if demand is None:
        places["demand"] = places["inhabitants"].to_numpy()
    else:
        places["demand"] = distribute(
            places.rename(columns={"geonames_population": "population"}), demand)

    lat = pd.to_numeric(offices["lat"], errors="coerce").to_numpy(float) if len(offices) else (
        np.empty(0))  # fmt: skip
    lon = pd.to_numeric(offices["lon"], errors="coerce").to_numpy(float) if len(offices) else (
        np.empty(0))  # fmt: skip
    p_lat, p_lon = places["lat"].to_numpy(float), places["lon"].to_numpy(float)
    dist, idx = access.nearest(p_lat, p_lon, lat, lon)
    places["distance_km"] = dist
    places["nearest"] = idx
    beyond = ~(dist <= radius_km)
    places["beyond"] = beyond
    places["inhabitants_beyond"] = np.where(beyond, places["inhabitants"], 0.0)
    places["demand_beyond"] = np.where(beyond, places["demand"], 0.0)

    supply = (pd.to_numeric(offices["capacity"], errors="coerce").fillna(1.0).to_numpy(float)
              if "capacity" in offices else np.ones(len(offices)))  # fmt: skip
    pairs = access.pairs_within(p_lat, p_lon, lat, lon, radius_km)
    weights = access.decay_weights(pairs.km, radius_km, decay)
    score, _ = access.two_step_fca(places["demand"].to_numpy(float), supply, pairs, weights)
    places["access"] = score * ACCESS_SCALE

    districts = _summarise(places, offices)
    located = int(np.count_nonzero(np.isfinite(lat) & np.isfinite(lon)))
    total_inh = float(places["inhabitants"].sum())
    finite = np.isfinite(dist)
    totals = {
        "inhabitants": total_inh,
        "inhabitants_beyond": float(places["inhabitants_beyond"].sum()),
        "share_beyond": float(places["inhabitants_beyond"].sum() / total_inh) if total_inh else 0,
        "mean_distance_km": float(np.average(dist[finite], weights=places["inhabitants"][finite]))
        if finite.any() and places["inhabitants"][finite].sum() > 0 else float("nan"),
        "demand": float(places["demand"].sum()),
        "demand_beyond": float(places["demand_beyond"].sum()),
        "offers": float(districts["offers"].sum()),
    }  # fmt: skip
    return GapResult(places=places, districts=districts, radius_km=float(radius_km),
                     decay=decay, n_offices=located, totals=totals)  # fmt: skip


def _summarise(places: pd.DataFrame, offices: pd.DataFrame) -> pd.DataFrame:
    base = _district_frame()
    g = places.assign(
        _wdist=np.where(np.isfinite(places["distance_km"]),
                        places["distance_km"] * places["inhabitants"], np.nan),
        _wacc=places["access"] * places["demand"],
    ).groupby("ags")
    out = pd.DataFrame(index=base.index)
    out["name"] = base["name"]
    out["inhabitants"] = g["inhabitants"].sum()
    out["inhabitants_beyond"] = g["inhabitants_beyond"].sum()
    out["share_beyond"] = out["inhabitants_beyond"] / out["inhabitants"]
    # min_count: a district without any office in reach has no mean distance (NaN)
    out["mean_distance_km"] = g["_wdist"].sum(min_count=1) / out["inhabitants"]
    if len(offices) and "district_ags" in offices:
        known = offices[offices["district_ags"].notna()]
        counts = known.groupby("district_ags")["service_id"].nunique()
    else:
        counts = pd.Series(dtype=float)
    out["offers"] = counts.reindex(out.index).fillna(0).astype(int)
    out["offers_per_100k"] = out["offers"] * 100_000 / base["population"]
    out["offers_per_10k_foreign"] = out["offers"] * 10_000 / base["foreign"]
    demand = g["demand"].sum()
    out["access"] = (g["_wacc"].sum() / demand.where(demand > 0)).fillna(0.0)
    out["demand"] = demand
    out["demand_beyond"] = g["demand_beyond"].sum()
    out = out.fillna({"inhabitants": 0.0, "inhabitants_beyond": 0.0, "demand": 0.0,
                      "demand_beyond": 0.0})  # fmt: skip
    return out.reset_index().rename(columns={"index": "ags"})[list(DISTRICT_COLUMNS)]


def suggest_sites(
    result: GapResult,
    k: int,
    *,
    time_limit_s: float = sites.DEFAULT_TIME_LIMIT_S,
    run_exact: bool = True,
) -> sites.Suggestion:
    """Where k new offices (at populated places) would reach the most uncovered demand
    within the radius of ``result``; ``sites`` of the answers are row positions into
    ``result.places``."""
    p = result.places
    return sites.suggest(
        p["lat"].to_numpy(float), p["lon"].to_numpy(float), p["demand_beyond"].to_numpy(float),
        p["lat"].to_numpy(float), p["lon"].to_numpy(float), result.radius_km, k,
        time_limit_s=time_limit_s, run_exact=run_exact,
    )  # fmt: skip
