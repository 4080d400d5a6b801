"""Build ``data/districts.geojson``: the 45 districts of Lower Saxony (BKG VG250 + Destatis)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping

NI_PREFIX = "03"  # Land key of Lower Saxony
METRIC_CRS = "EPSG:25832"  # ETRS89 / UTM 32N: area and distance computations
WGS84 = "EPSG:4326"
COORD_DECIMALS = 5
SIMPLIFY_TOLERANCE = 0.001  # degrees, coverage-preserving (neighbours keep shared edges)

# Statistical regions (former Regierungsbezirke) = 3rd digit of the AGS.
STAT_REGIONS = {"1": "Braunschweig", "2": "Hannover", "3": "Lüneburg", "4": "Weser-Ems"}

PROPERTY_ORDER = ("ags", "name", "type", "nuts3", "region", "area_km2", "population")


def read_vg250(shp: Path) -> gpd.GeoDataFrame:
    """Read the VG250 district layer, Lower Saxony rows only, with names decoded as UTF-8.

    The shapefile ships without a ``.cpg``; its DBF strings are UTF-8 and would otherwise be
    read as Latin-1 ("GÃ¶ttingen").
    """
    with warnings.catch_warnings():
        # GDAL fixes the ring winding order itself; invalid rings are repaired below.
        warnings.filterwarnings(
            "ignore", message=".*invalid winding order", category=RuntimeWarning
        )
        gdf = gpd.read_file(shp, engine="pyogrio", encoding="utf-8")
    gdf = gdf[gdf["AGS"].str.startswith(NI_PREFIX)].copy()
    if gdf.crs is None:
        raise ValueError(f"{shp} has no CRS")
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf


def district_type(bez: str, name: str) -> str:
    """``Landkreis`` | ``Region`` | ``Kreisfreie Stadt``.

    VG250 labels Region Hannover with BEZ "Landkreis", so it is recognised by its name.
    """
    if name.startswith("Region "):
        return "Region"
    if bez in ("Landkreis", "Kreisfreie Stadt"):
        return bez
    raise ValueError(f"unexpected BEZ {bez!r} for {name!r}")


def dissolve_districts(vg250: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per AGS: land (GF=4) and water (GF=2) parts merged, attributes from the land row."""
    attrs = (
        vg250.sort_values(["AGS", "GF"], ascending=[True, False])
        .drop_duplicates("AGS")
        .set_index("AGS")[["GEN", "BEZ", "NUTS"]]
    )
    geoms = vg250.groupby("AGS")["geometry"].agg(lambda s: shapely.union_all(s.values))
    out = gpd.GeoDataFrame(attrs.join(geoms), geometry="geometry", crs=vg250.crs)
    out["geometry"] = shapely.make_valid(out.geometry.values)
    return out.reset_index().sort_values("AGS", ignore_index=True)


def read_population(csv: Path) -> pd.Series:
    """Population (31.12.2018) by 5-digit AGS from landkreise-deutschland ``districts.csv``."""
    df = pd.read_csv(csv, sep=";", dtype={"AGS": str}, encoding="utf-8")
    df["AGS"] = df["AGS"].str.zfill(5)
    return df.set_index("AGS")["population"].astype("int64")


def full_districts(shp: Path, population_csv: Path) -> gpd.GeoDataFrame:
    """Districts with all properties and FULL geometry in EPSG:4326 (used for point assignment)."""
    districts = dissolve_districts(read_vg250(shp)).to_crs(WGS84)
    population = read_population(population_csv)
    missing = sorted(set(districts["AGS"]) - set(population.index))
    if missing:
        raise ValueError(f"no population for AGS {missing}")
    area = districts.to_crs(METRIC_CRS).area / 1e6
    return gpd.GeoDataFrame(
        {
            "ags": districts["AGS"],
            "name": districts["GEN"],
            "type": list(map(district_type, districts["BEZ"], districts["GEN"])),
            "nuts3": districts["NUTS"],
            "region": [STAT_REGIONS[a[2]] for a in districts["AGS"]],
            "area_km2": area.round(1),
            "population": districts["AGS"].map(population).astype("int64"),
        },
        geometry=districts.geometry.values,
        crs=WGS84,
    )


def display_geometry(geoms: gpd.GeoSeries) -> shapely.lib.Geometry:
    """Coverage-simplified geometry snapped to a 1e-5 degree grid (valid, shared edges kept)."""
    simplified = shapely.coverage_simplify(geoms.values, SIMPLIFY_TOLERANCE)
    snapped = shapely.set_precision(simplified, 10**-COORD_DECIMALS)
    return shapely.make_valid(snapped)


def _round_coords(obj):
    if isinstance(obj, float):
        return round(obj, COORD_DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round_coords(x) for x in obj]
    return obj


def write_geojson(districts: gpd.GeoDataFrame, path: Path) -> None:
    """Write a deterministic GeoJSON FeatureCollection (sorted by AGS, rounded coordinates)."""
    features = []
    for row, geom in zip(
        districts.sort_values("ags").itertuples(index=False),
        display_geometry(districts.sort_values("ags").geometry),
        strict=True,
    ):
        props = {key: getattr(row, key) for key in PROPERTY_ORDER}
        props["area_km2"] = float(props["area_km2"])
        props["population"] = int(props["population"])
        geo = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])},
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    # One feature per line keeps diffs readable.
    text = text.replace('{"type":"Feature",', '\n{"type":"Feature",')
    path.write_text(text + "\n", encoding="utf-8")


def build_districts(shp: Path, population_csv: Path, out: Path) -> gpd.GeoDataFrame:
    """Write ``districts.geojson``; return the districts with FULL geometry for later steps."""
    districts = full_districts(shp, population_csv)
    write_geojson(districts, out)
    return districts
