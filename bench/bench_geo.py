"""Micro-benchmarks for geocoding and nearest-office look-ups (not a test).

Run with ``python -m bench.bench_geo`` from the repository root.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from bench.timing import timeit_ms
from geo.distance import NearestIndex, haversine_km, nearest
from geo.geocode import geocode, get_index

QUERIES = [
    "Göttingen", "Goettingen", "gottingen", "GÖTTINGEN", "Гёттинген", "غوتينغن",
    "37073", "370", "80331", "Hannover", "هانوفر", "Ганновер", "Osnabrueck",
    "Gottingn", "Hannvoer", "Neustadt", "Xyzzyville", "Hildesheim Innenstadt", "", "<script>",
]  # fmt: skip


def bench_geocode() -> None:
    get_index.cache_clear()
    t0 = time.perf_counter()
    index = get_index()
    build_ms = (time.perf_counter() - t0) * 1000
    print(
        f"geocode index build (load + index): {build_ms:8.1f} ms, {len(index.places)} places, "
        f"{len(index.keys)} keys, {len(index.postcodes)} postcodes"
    )
    print(f"{'query':<26}{'status':<11}{'median ms':>10}{'best ms':>9}  best match")
    for q in QUERIES:
        med, best = timeit_ms(lambda q=q: geocode(q, index=index))
        r = geocode(q, index=index)
        label = r.matches[0].label if r.matches else ", ".join(r.suggestions[:3])
        print(f"{q!r:<26}{r.status:<11}{med:>10.3f}{best:>9.3f}  {label}")


def bench_nearest() -> None:
    rng = np.random.default_rng(7)
    print(f"\n{'rows':>8} {'what':<40}{'median ms':>10}{'best ms':>9}")
    for n in (600, 10_000, 100_000):
        frame = pd.DataFrame(
            {
                "id": np.arange(n),
                "name": [f"office {i}" for i in range(n)],
                "lat": rng.uniform(51.3, 53.9, n),
                "lon": rng.uniform(6.6, 11.6, n),
            }
        )
        frame.loc[frame.sample(frac=0.02, random_state=1).index, "lat"] = np.nan
        lat, lon = 51.53443, 9.93228
        lats, lons = frame["lat"].to_numpy(), frame["lon"].to_numpy()
        index = NearestIndex.from_frame(frame)
        cases: list[tuple[str, Callable[[], object]]] = [
            ("haversine_km (all rows)", partial(haversine_km, lat, lon, lats, lons)),
            ("NearestIndex.from_frame", partial(NearestIndex.from_frame, frame)),
            ("index.query k=10", partial(index.query, lat, lon, k=10)),
            ("index.query radius=25 km", partial(index.query, lat, lon, radius_km=25)),
            ("index.query all rows sorted", partial(index.query, lat, lon)),
            ("nearest(frame, k=10) with index",
             partial(nearest, frame, lat, lon, k=10, index=index)),
            ("nearest(frame, k=10) no index", partial(nearest, frame, lat, lon, k=10)),
            ("nearest(frame) all rows sorted", partial(nearest, frame, lat, lon, index=index)),
        ]  # fmt: skip
        for name, fn in cases:
            med, best = timeit_ms(fn, repeat=30 if n == 100_000 else 100)
            print(f"{n:>8} {name:<40}{med:>10.3f}{best:>9.3f}")


if __name__ == "__main__":
    bench_geocode()
    bench_nearest()
