"""Loaders for the committed reference data (districts, postcodes, places) and point lookup.

The files in ``data/`` are built by ``python data/build_reference.py`` (see ``data/SOURCES.md``).
All loaders are cached per process; the public functions return copies, so callers may
modify the result freely. No Streamlit import here: wrap in ``st.cache_data`` in the UI if needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.population import district_statistics

DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"
DISTRICTS_FILE = DATA_DIR / "districts.geojson"
POSTCODES_FILE = DATA_DIR / "postcodes.csv"
PLACES_FILE = DATA_DIR / "places.csv"
OVERRIDES_FILE = DATA_DIR / "district_overrides.csv"
#: A point this close to an island place missing from the shapes (Juist, Baltrum,
#: Wangerooge; ``district_overrides.csv``) belongs to that island's district.
ISLAND_RADIUS_M = 8000.0

METRIC_CRS = "EPSG:25832"  # ETRS89 / UTM 32N
SNAP_DISTANCE_M = 2000.0
"""A point outside every (display-simplified) district polygon still gets the nearest district
if it is at most this far away (coast lines, borders)."""
UNCERTAIN_M = 2000.0
"""A point closer than this to another district may lie in either: the VG250 outlines in
``data/`` are strongly generalised (≈3 km segments), so the district is uncertain there."""


@lru_cache(maxsize=1)
def _districts() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DISTRICTS_FILE, engine="pyogrio")
    gdf["ags"] = gdf["ags"].astype(str)
    # Population: the integration monitoring's current figures replace the older Destatis
    # count in the GeoJSON (data/SOURCES.md), together with the foreign population.
    stats = district_statistics()
    gdf = gdf.drop(columns=["population"]).merge(
        stats[["population", "foreign"]], left_on="ags", right_index=True, how="left",
        validate="one_to_one",
    )  # fmt: skip
    gdf["population"] = gdf["population"].astype("int64")
    gdf["foreign"] = gdf["foreign"].astype("int64")
    return gdf.sort_values("ags", ignore_index=True)


def load_districts() -> gpd.GeoDataFrame:
    """The 45 districts of Lower Saxony.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per district sorted by ``ags``, columns ``ags`` (5-digit string),
        ``name``, ``type`` (``Landkreis`` | ``Region`` | ``Kreisfreie Stadt``), ``nuts3``,
        ``region`` (statistical region), ``area_km2``, ``population`` and ``foreign``
        (foreign population; both 31.12.2024, :mod:`geo.population`) and ``geometry``
        (simplified for display).
    """
    return _districts().copy()


@lru_cache(maxsize=1)
def _postcodes() -> pd.DataFrame:
    return pd.read_csv(
        POSTCODES_FILE, dtype={"plz": str, "place": str, "ags": str, "district": str},
        encoding="utf-8", keep_default_na=False,
    )  # fmt: skip


def load_postcodes() -> pd.DataFrame:
    """Postcode-place pairs of Lower Saxony.

    Returns
    -------
    pandas.DataFrame
        Columns ``plz`` (5-character string, leading zeros kept), ``place``, ``lat``, ``lon``
        (postcode centroid, WGS84), ``ags`` and ``district``. One postcode can have several
        places and vice versa.
    """
    return _postcodes().copy()


@lru_cache(maxsize=1)
def _places() -> pd.DataFrame:
    return pd.read_csv(
        PLACES_FILE,
        dtype={"geonameid": "int64", "name": str, "population": "int64", "ags": str,
               "district": str, "alternatenames": str},
        encoding="utf-8", keep_default_na=False,
    )  # fmt: skip


def load_places() -> pd.DataFrame:
    """GeoNames populated places of Lower Saxony.

    Returns
    -------
    pandas.DataFrame
        Columns ``geonameid``, ``name``, ``lat``, ``lon``, ``population``, ``ags``,
        ``district`` and ``alternatenames`` (all GeoNames alternate names in any script,
        joined with ``|``; empty string if none).
    """
    return _places().copy()


@lru_cache(maxsize=1)
def _lookup() -> tuple[shapely.STRtree, np.ndarray, Transformer]:
    """STRtree over the districts in metres, their AGS codes, and a WGS84 -> metric transformer."""
    gdf = _districts().to_crs(METRIC_CRS)
    tree = shapely.STRtree(gdf.geometry.values)
    transformer = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    return tree, gdf["ags"].to_numpy(dtype=object), transformer


@lru_cache(maxsize=1)
def _islands() -> tuple[shapely.STRtree | None, np.ndarray]:
    """Places the shapes cannot hold (the overridden GeoNames places: islands), metric."""
    ov = pd.read_csv(OVERRIDES_FILE, dtype=str, keep_default_na=False)
    names = set(ov.loc[(ov["table"] == "places") & (ov["kind"] == "unplaced"), "match"])
    pl = _places()
    pl = pl[pl["name"].isin(names)]
    if pl.empty:
        return None, np.array([], dtype=object)
    _, _, transformer = _lookup()
    xs, ys = transformer.transform(pl["lon"].to_numpy(float), pl["lat"].to_numpy(float))
    return shapely.STRtree(shapely.points(xs, ys)), pl["ags"].to_numpy(dtype=object)


def districts_of(
    lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray
) -> np.ndarray:
    """AGS of the district for each point (vectorised :func:`district_of`).

    Parameters
    ----------
    lons, lats
        WGS84 longitudes and latitudes of equal length.

    Returns
    -------
    numpy.ndarray
        Object array of 5-digit AGS strings, ``None`` where a point lies outside Lower Saxony
        (farther than :data:`SNAP_DISTANCE_M` from every district and farther than
        :data:`ISLAND_RADIUS_M` from the islands the shapes lack).
    """
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    if lons.shape != lats.shape:
        raise ValueError("lons and lats must have the same shape")
    result = np.full(lons.shape, None, dtype=object)
    if lons.size == 0:
        return result
    tree, codes, transformer = _lookup()
    xs, ys = transformer.transform(lons.ravel(), lats.ravel())
    points = shapely.points(xs, ys)
    flat = result.ravel()
    point_idx, tree_idx = tree.query(points, predicate="intersects")
    # A point on a shared edge hits two districts: keep the smallest AGS (deterministic).
    for p, t in sorted(zip(point_idx, tree_idx, strict=True), key=lambda pt: (pt[0], codes[pt[1]])):
        if flat[p] is None:
            flat[p] = codes[t]
    missing = np.flatnonzero(pd.isna(flat))
    if missing.size:
        near_p, near_t = tree.query_nearest(
            points[missing], max_distance=SNAP_DISTANCE_M, all_matches=False
        )
        flat[missing[near_p]] = codes[near_t]
    missing = np.flatnonzero(pd.isna(flat))
    island_tree, island_codes = _islands()
    if missing.size and island_tree is not None:
        near_p, near_t = island_tree.query_nearest(
            points[missing], max_distance=ISLAND_RADIUS_M, all_matches=False
        )
        flat[missing[near_p]] = island_codes[near_t]
    return flat.reshape(lons.shape)


def district_of(lon: float, lat: float) -> str | None:
    """AGS of the Lower Saxony district containing a point.

    Uses the display-simplified geometry; a point up to :data:`SNAP_DISTANCE_M` outside
    (e.g. on the coast) gets the nearest district.

    Parameters
    ----------
    lon, lat
        WGS84 coordinates.

    Returns
    -------
    str or None
        5-digit AGS such as ``"03159"``, or ``None`` outside Lower Saxony.
    """
    return districts_of([lon], [lat])[0]


def near_other_district(
    lons: Sequence[float] | np.ndarray,
    lats: Sequence[float] | np.ndarray,
    ags: Sequence[str | None] | np.ndarray,
    distance_m: float = UNCERTAIN_M,
) -> np.ndarray:
    """Whether a district other than ``ags`` lies within ``distance_m`` of each point.

    Such a point's district is uncertain: the generalised outlines may put it on the wrong
    side of the border. Points without a district (``ags`` ``None``) are never flagged.

    Returns
    -------
    numpy.ndarray
        Boolean array, one value per point.
    """
    lons = np.asarray(lons, dtype=float).ravel()
    lats = np.asarray(lats, dtype=float).ravel()
    ags = np.asarray(ags, dtype=object).ravel()
    if not lons.shape == lats.shape == ags.shape:
        raise ValueError("lons, lats and ags must have the same shape")
    out = np.zeros(lons.shape, dtype=bool)
    if lons.size == 0:
        return out
    tree, codes, transformer = _lookup()
    xs, ys = transformer.transform(lons, lats)
    point_idx, tree_idx = tree.query(
        shapely.points(xs, ys), predicate="dwithin", distance=distance_m
    )
    other = codes[tree_idx] != ags[point_idx]
    out[point_idx[other]] = True
    out[pd.isna(ags)] = False
    return out
