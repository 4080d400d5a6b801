"""Speed of the finder page ("Beratung finden") for 600, 10,000 and 100,000 demo records.

Not a test: a script that prints a table. Run from the repository root::

    python -m bench.bench_finder                       # 600, 10,000 and 100,000 records
    python -m bench.bench_finder --sizes 600 10000     # fewer sizes
    python -m bench.bench_finder --reruns 9            # more AppTest reruns per size

For every size a throwaway SQLite store is created in a temporary directory with
``directory.demo.insert_demo`` (fictional records, ``is_demo``); ``open_store`` then
adds the default real content too, exactly as the app does on an empty store (demo records
do not count as content), so every store holds N demo offers PLUS the real offers. Measured:

(a) nearest-k query time around the Hannover postcode centroid (``30159``), k=20 within
    25 km, median of many runs: ``NearestIndex.query`` with a prebuilt index, and
    ``directory.finder.search`` end to end (geocoding, attribute filters, distance sort;
    the page calls it without a prebuilt index) -- unfiltered and with ``art=mbe``;
(b) server time of one rerun of the page after a filter change, with Streamlit's
    ``AppTest`` (``app.py`` -> ``pages/beratung.py``, ``?q=30159``, env ``DATABASE_URL`` to
    the store and ``ATLAS_TILES=none``): one warm-up run, then the "kind of offer" select box
    alternates between ``mbe`` and "any"; median wall time of ``.run()``;
(c) bytes of the map sent to the browser for that view (the map ``ui.finder.finder_map``
    builds: base map, district outlines, ONE clustered layer of the results, searched point),
    as ``geo.maps.map_payload_bytes``; and for comparison the whole statewide set in one
    clustered layer.

Targets at 10,000 records: query <= 2 ms, rerun <= 400 ms, map payload <= 1.5 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["ATLAS_TILES"] = "none"

import folium  # noqa: E402
import pandas as pd  # noqa: E402

from bench.timing import timeit_ms  # noqa: E402
from directory import query as dquery  # noqa: E402
from directory.bootstrap import load_default_content, open_store  # noqa: E402
from directory.demo import insert_demo  # noqa: E402
from directory.finder import FinderQuery, search  # noqa: E402
from geo import maps  # noqa: E402
from geo.boundaries import load_districts  # noqa: E402
from geo.distance import NearestIndex  # noqa: E402
from geo.geocode import geocode, get_index  # noqa: E402

POSTCODE = "30159"  # Hannover-Mitte
K = 20
RADIUS_KM = 25
FILTER = "mbe"  # Migrationsberatung für erwachsene Zuwanderer
LANG = "de"
TARGET_QUERY_MS = 2.0
TARGET_RERUN_MS = 400.0
TARGET_PAYLOAD_BYTES = 1_500_000
TARGET_SIZE = 10_000


@dataclass
class Row:
    n_demo: int
    n_total: int
    n_real: int
    insert_s: float
    index_ms: float
    search_ms: float
    search_filtered_ms: float
    n_results: int
    rerun_ms: float | None
    rerun_runs: list[float]
    payload_view: int
    payload_view_filtered: int
    payload_statewide: int


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    return timeit_ms(fn, repeat)[0]


def finder_view_map(results: pd.DataFrame, lat: float, lon: float, radius_km: int) -> folium.Map:
    """The map of ``ui.finder.finder_map`` for ``results`` (same geo.maps calls)."""
    from ui.finder import zoom_for
    from ui.map import add_offers

    m = maps.base_map(center=(lat, lon), zoom=zoom_for(radius_km))
    maps.add_district_outlines(m, load_districts())
    add_offers(m, results, LANG, plain_kinds=True, spiderfy_points=True, call_field="call")
    folium.CircleMarker([lat, lon], radius=9, color="#b00020", weight=3, fill=True,
                        fill_opacity=0.9, tooltip="Gesuchter Ort").add_to(m)  # fmt: skip
    return m


def statewide_map(frame: pd.DataFrame) -> folium.Map:
    """All offers in one clustered layer (like ``ui.map.field_map`` for the whole state)."""
    from ui.map import add_offers

    m = maps.base_map()
    maps.add_district_outlines(m, load_districts())
    add_offers(m, frame, LANG, color_by="kind_label")
    return m


def rerun_times(url: str, reruns: int) -> list[float]:
    """Wall times (ms) of AppTest reruns after a filter change on the finder page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    st.cache_data.clear()  # the app's caches are process-wide: forget the previous store
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["q"] = POSTCODE
    at.switch_page("pages/beratung.py").run()
    if at.exception:
        raise RuntimeError(f"app failed: {at.exception[0].message}")
    at.run()  # warm: caches filled, widgets settled
    times = []
    for i in range(reruns):
        value = FILTER if i % 2 == 0 else ""
        box = at.selectbox(key="f_art").set_value(value)
        t0 = time.perf_counter()
        box.run()
        times.append((time.perf_counter() - t0) * 1000)
        if at.exception:
            raise RuntimeError(f"app failed: {at.exception[0].message}")
    return times


def bench_size(n: int, tmp: Path, reruns: int, point) -> Row:
    url = f"sqlite:///{tmp / f'atlas_{n}.sqlite'}"
    store = open_store(url, default_content=False)
    t0 = time.perf_counter()
    insert_demo(store, n, seed=1)
    load_default_content(store)  # the app does this too: adds the default real content
    insert_s = time.perf_counter() - t0
    frame = dquery.offers_frame(store)
    n_real = int((~frame["is_demo"].astype(bool)).sum())

    index = NearestIndex.from_frame(frame)
    repeat = 50 if n >= 100_000 else 300
    index_ms = _median_ms(lambda: index.query(point.lat, point.lon, k=K, radius_km=RADIUS_KM),
                          repeat)  # fmt: skip
    q_all = FinderQuery(q=POSTCODE, radius_km=RADIUS_KM)
    q_filter = q_all.with_(kind=FILTER)
    s_repeat = 15 if n >= 100_000 else 60
    search_ms = _median_ms(lambda: search(frame, q_all), s_repeat)
    search_filtered_ms = _median_ms(lambda: search(frame, q_filter), s_repeat)
    results = search(frame, q_all).results
    results_f = search(frame, q_filter).results

    payload_view = maps.map_payload_bytes(finder_view_map(results, point.lat, point.lon,
                                                          RADIUS_KM))  # fmt: skip
    payload_view_f = maps.map_payload_bytes(finder_view_map(results_f, point.lat, point.lon,
                                                            RADIUS_KM))  # fmt: skip
    payload_state = maps.map_payload_bytes(statewide_map(frame))

    runs = rerun_times(url, reruns) if reruns else []
    store.engine.dispose()
    return Row(
        n_demo=n, n_total=len(frame), n_real=n_real, insert_s=insert_s, index_ms=index_ms,
        search_ms=search_ms, search_filtered_ms=search_filtered_ms, n_results=len(results),
        rerun_ms=statistics.median(runs) if runs else None, rerun_runs=runs,
        payload_view=payload_view, payload_view_filtered=payload_view_f,
        payload_statewide=payload_state,
    )  # fmt: skip


def _mb(b: int) -> str:
    return f"{b / 1e6:.2f} MB"


def print_table(rows: list[Row]) -> None:
    print()
    head = (f"{'demo':>8} {'rows':>7} {'in 25km':>7} {'index.query':>11} {'search':>8} "
            f"{'search mbe':>10} {'rerun':>8} {'map view':>9} {'map mbe':>9} "
            f"{'statewide':>10}")  # fmt: skip
    print(head)
    print(f"{'':>8} {'':>7} {'':>7} {'ms':>11} {'ms':>8} {'ms':>10} {'ms':>8} "
          f"{'':>9} {'':>9} {'':>10}")  # fmt: skip
    print("-" * len(head))
    for r in rows:
        rerun = f"{r.rerun_ms:8.0f}" if r.rerun_ms is not None else f"{'-':>8}"
        print(f"{r.n_demo:>8,} {r.n_total:>7,} {r.n_results:>7,} {r.index_ms:>11.3f} "
              f"{r.search_ms:>8.2f} {r.search_filtered_ms:>10.2f} {rerun} "
              f"{_mb(r.payload_view):>9} {_mb(r.payload_view_filtered):>9} "
              f"{_mb(r.payload_statewide):>10}")  # fmt: skip
    print()
    for r in rows:
        runs = ", ".join(f"{x:.0f}" for x in r.rerun_runs)
        print(f"{r.n_demo:>8,} demo + {r.n_real} real offers; store built in {r.insert_s:.1f} s; "
              f"reruns (ms): {runs or '-'}")  # fmt: skip
    target = next((r for r in rows if r.n_demo == TARGET_SIZE), None)
    if target is None:
        return
    print(f"\nTargets at {TARGET_SIZE:,} demo records:")

    def verdict(name: str, value: float | None, limit: float, unit: str) -> None:
        if value is None:
            print(f"  {name:<44} not measured")
            return
        ok = "MET" if value <= limit else f"MISSED by {value - limit:.2f} {unit}"
        print(f"  {name:<44} {value:10.3f} {unit} <= {limit:g} {unit}: {ok}")

    verdict("query (NearestIndex.query, k=20, 25 km)", target.index_ms, TARGET_QUERY_MS, "ms")
    verdict("query (search end to end, art=mbe)", target.search_filtered_ms, TARGET_QUERY_MS,
            "ms")  # fmt: skip
    verdict("rerun after filter change (AppTest)", target.rerun_ms, TARGET_RERUN_MS, "ms")
    verdict("map payload of the view (MB)", target.payload_view / 1e6, TARGET_PAYLOAD_BYTES / 1e6,
            "MB")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000, 100_000])
    parser.add_argument("--reruns", type=int, default=7,
                        help="AppTest reruns per size (0 skips the AppTest part)")  # fmt: skip
    args = parser.parse_args(argv)

    import logging

    import streamlit.logger

    streamlit.logger.set_log_level(logging.ERROR)  # no "missing ScriptRunContext" noise
    maps.use_local_assets()
    get_index()
    load_districts()
    located = geocode(POSTCODE)
    if located.status != "found":
        raise SystemExit(f"{POSTCODE} not found by the geocoder: {located.status}")
    point = located.matches[0]
    print(f"point: {POSTCODE} -> {point.label} ({point.lat:.5f}, {point.lon:.5f}); "
          f"k={K}, radius {RADIUS_KM} km; filter art={FILTER}; {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]}")  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_finder_") as tmp:
        for n in args.sizes:
            print(f"... {n:,} demo records", flush=True)
            rows.append(bench_size(n, Path(tmp), args.reruns, point))
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
