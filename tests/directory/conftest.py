"""Fixtures for the directory tests: a store per backend and a gazetteer.

The gazetteer is the real one (:mod:`geo.boundaries`) when it is available; otherwise a
small stand-in with approximate centroids of the towns in ``data/offices.csv`` (test data
only — it never reaches the app).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from directory.seed import Gazetteer
from directory.store import Store

# name, lat, lon, district AGS (approximate town centres; test stand-in only)
_STUB_PLACES = [
    ("Hildesheim", 52.15, 9.95, "03254"), ("Verden (Aller)", 52.92, 9.23, "03361"),
    ("Leer", 53.23, 7.45, "03457"), ("Aurich", 53.47, 7.48, "03452"),
    ("Braunschweig", 52.27, 10.52, "03101"), ("Göttingen", 51.54, 9.93, "03159"),
    ("Oldenburg", 53.14, 8.21, "03403"), ("Hannover", 52.37, 9.73, "03241"),
    ("Celle", 52.62, 10.08, "03351"), ("Lüneburg", 53.25, 10.41, "03355"),
    ("Delmenhorst", 53.05, 8.63, "03401"), ("Peine", 52.32, 10.23, "03157"),
    ("Hameln", 52.10, 9.36, "03252"), ("Cuxhaven", 53.86, 8.69, "03352"),
    ("Emden", 53.37, 7.21, "03402"), ("Wolfsburg", 52.42, 10.79, "03103"),
]  # fmt: skip
_STUB_POSTCODES = [
    ("31135", "Hildesheim"), ("27283", "Verden (Aller)"), ("26789", "Leer"),
    ("26603", "Aurich"), ("38100", "Braunschweig"), ("38106", "Braunschweig"),
    ("31228", "Peine"), ("31785", "Hameln"),
]  # fmt: skip
_STUB_DISTRICTS = {"heidekreis": "03358", "landkreis holzminden": "03255",
                   "landkreis uelzen": "03360", "landkreis schaumburg": "03257",
                   "landkreis rotenburg (wümme)": "03357"}  # fmt: skip


def stub_gazetteer() -> Gazetteer:
    coords = {name: (lat, lon, ags) for name, lat, lon, ags in _STUB_PLACES}
    places = pd.DataFrame(
        [
            {"geonameid": i, "name": n, "lat": la, "lon": lo, "population": 1000, "ags": a,
             "district": None, "alternatenames": ""}
            for i, (n, la, lo, a) in enumerate(_STUB_PLACES)
        ]
    )  # fmt: skip
    postcodes = pd.DataFrame(
        [
            {"plz": p, "place": n, "lat": coords[n][0], "lon": coords[n][1], "ags": coords[n][2],
             "district": None}
            for p, n in _STUB_POSTCODES
        ]
    )  # fmt: skip

    def district_of(lon: float, lat: float) -> str | None:
        best = min(_STUB_PLACES, key=lambda p: math.hypot(p[1] - lat, p[2] - lon))
        return best[3] if math.hypot(best[1] - lat, best[2] - lon) < 0.3 else None

    return Gazetteer(postcodes, places, district_of, districts=dict(_STUB_DISTRICTS))


_GAZ: list[tuple[Gazetteer, bool]] = []


@pytest.fixture(scope="session")
def gazetteer_info() -> tuple[Gazetteer, bool]:
    """(gazetteer, is_real)."""
    if not _GAZ:
        try:
            _GAZ.append((Gazetteer.default(), True))
        except (ImportError, OSError, AttributeError, KeyError):
            _GAZ.append((stub_gazetteer(), False))
    return _GAZ[0]


@pytest.fixture(scope="session")
def gazetteer(gazetteer_info) -> Gazetteer:
    return gazetteer_info[0]


@pytest.fixture
def store(engine) -> Store:
    s = Store(engine)
    s.create_schema()
    return s
