"""District statistics of the state's integration monitoring (population, foreign population).

``data/district_statistics.csv`` holds, per district (AGS), the population and the foreign
population on 31.12.2024 as published by the Integrationsmonitoring Niedersachsen (© LSN),
rebuilt by ``python data/build_statistics.py``. These are the figures the atlas uses for every
"per 100,000 inhabitants" and "per 10,000 foreign residents" rate; pages show
:data:`STATISTICS_YEAR` and :data:`ATTRIBUTION` next to them.

No Streamlit import here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"
STATISTICS_FILE = DATA_DIR / "district_statistics.csv"
SERIES_FILE = DATA_DIR / "district_foreign_series.csv"

#: Reference date of :func:`district_statistics` (31 December of this year).
STATISTICS_YEAR = 2024
#: Attribution the publisher asks for (German, as published; used in every language).
ATTRIBUTION = (
    "© Landesamt für Statistik Niedersachsen (LSN), Integrationsmonitoring Niedersachsen; "
    "Vervielfältigung und Verbreitung mit Quellenangabe gestattet"
)


@lru_cache(maxsize=1)
def _statistics() -> pd.DataFrame:
    frame = pd.read_csv(
        STATISTICS_FILE,
        dtype={"ags": str, "name": str, "migration_background_unit": str},
        encoding="utf-8", keep_default_na=False,
    )  # fmt: skip
    frame = frame.set_index("ags").sort_index()
    if not frame.index.is_unique:
        raise ValueError(f"{STATISTICS_FILE.name}: an AGS occurs twice")
    return frame


def district_statistics() -> pd.DataFrame:
    """Population and foreign population per district, 31.12.:data:`STATISTICS_YEAR`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``ags`` (5-digit string, the 45 districts), columns ``name`` (as
        published), ``population``, ``foreign`` (foreign nationals, Central Register of
        Foreigners, rounded to multiples of 5 by the publisher), ``foreign_share_pct``,
        ``foreign_2023``, ``foreign_share_pct_2023``, ``migration_background_pct``
        (Mikrozensus, migration background in the wider sense; for three pairs of small
        districts the value of the pair) and ``migration_background_unit``.

    Examples
    --------
    >>> stats = district_statistics()
    >>> len(stats), int(stats["population"].sum())
    (45, 8010686)
    >>> int(stats.loc["03159", "foreign"])
    41475
    """
    return _statistics().copy()


def foreign_series() -> pd.DataFrame:
    """Foreign population and population per district and year, 2005–2024 (long format:
    ``ags``, ``year``, ``population``, ``foreign``, ``foreign_share_pct``)."""
    return pd.read_csv(SERIES_FILE, dtype={"ags": str}, encoding="utf-8")


def per_100k(count: float, population: float) -> float:
    """``count`` per 100,000 inhabitants (NaN for an empty population).

    >>> round(per_100k(3, 150_000), 2)
    2.0
    """
    return float("nan") if not population else count * 100_000 / population
