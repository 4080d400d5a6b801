"""Rebuild the district statistics in ``data/`` from the research copy in ``../shared/``.

Usage (from the repository root)::

    python data/build_statistics.py [--source ../shared/research]

Source: Integrationsmonitoring Niedersachsen (Nds. Sozialministerium with the Landesamt für
Statistik Niedersachsen, LSN), as published in the open data repository behind the monitoring
site and copied to ``../shared/research/`` with its provenance (``kreis_stats.md``). The
figures are kept exactly as published; only the 45 districts (Landkreise, Region Hannover,
kreisfreie Städte) are kept, columns are renamed to English and rows sorted by AGS.

Outputs (deterministic):

- ``district_statistics.csv``      population, foreign population and share per district,
                                   31.12.2024 (and 2023), migration background (Mikrozensus)
- ``district_foreign_series.csv``  foreign population and population per district, 2005–2024
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCE = DATA_DIR.parent.parent / "shared" / "research"

STATS_COLUMNS = {
    "ags": "ags",
    "gebietseinheit": "name",
    "bevoelkerung_31_12_2024": "population",
    "auslaender_31_12_2024": "foreign",
    "auslaenderanteil_pct_2024": "foreign_share_pct",
    "auslaender_31_12_2023": "foreign_2023",
    "auslaenderanteil_pct_2023": "foreign_share_pct_2023",
    "mh_weiteren_sinne_pct_2024": "migration_background_pct",
    "mh_gebietseinheit": "migration_background_unit",
}
SERIES_COLUMNS = {
    "ags": "ags",
    "jahr": "year",
    "bevoelkerung_31_12": "population",
    "auslaender_31_12": "foreign",
    "auslaenderanteil_pct": "foreign_share_pct",
}


def _is_district(ags: str) -> bool:
    """The 45 districts have a 5-digit AGS; regions (3 digits) and the LSN sub-units of the
    Region Hannover (8 digits) are left out."""
    return len(ags) == 5 and ags.startswith("03")


def _rewrite(src: Path, dst: Path, columns: dict[str, str], sort_key) -> int:
    with src.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if _is_district(r["ags"])]
    rows.sort(key=sort_key)
    with dst.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns.values())
        for row in rows:
            writer.writerow(row[c] for c in columns)
    return len(rows)


def build(source: Path = DEFAULT_SOURCE, out_dir: Path = DATA_DIR) -> None:
    n = _rewrite(source / "kreis_stats.csv", out_dir / "district_statistics.csv",
                 STATS_COLUMNS, lambda r: r["ags"])  # fmt: skip
    m = _rewrite(source / "kreis_auslaender_2005_2024.csv",
                 out_dir / "district_foreign_series.csv", SERIES_COLUMNS,
                 lambda r: (r["ags"], int(r["jahr"])))  # fmt: skip
    print(f"district_statistics.csv: {n} districts; district_foreign_series.csv: {m} rows")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    build(parser.parse_args().source)
