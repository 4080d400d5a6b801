"""Speed of the network map, the start page and the fields of action, in a real browser.

Not a test: a script that prints a table. Run from the repository root::

    python -m bench.bench_netzwerke                    # 10,000 and 100,000 demo offers
    python -m bench.bench_netzwerke --sizes 10000 --runs 5

For every size a throwaway SQLite store gets N fictional demo offers
(``directory.demo.insert_demo``), the default real content, and fictional memberships and
cooperations among the demo organizations (``insert_demo_links``). A real
``streamlit run app.py`` serves it (``ATLAS_TILES=none``) and headless Debian Chromium
(Playwright) opens each page in a fresh browser context (cold browser cache, like a first
visit); every page is loaded once to warm the server's caches first. Measured per page,
median of ``--runs``:

* **idle** — wall time from navigation until the script run has finished and, where the page
  has a map, the map has drawn its districts;
* **bytes** — everything the browser received: the encoded size of every HTTP response
  (``Network.loadingFinished``, iframes included) plus every websocket frame
  (``Network.webSocketFrameReceived``), via the Chrome DevTools Protocol.

The **floor** is the same for ``/info``, a page of static text: what any Streamlit page
costs (its JavaScript bundle, the websocket, fonts). Targets are about what a page adds on
top of the floor: at 10,000 offers <= 1.5 s and <= 1.5 MB, at 100,000 <= 3 s and <= 3 MB.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGES = {
    "floor /info": "/info",
    "/netzwerke": "/netzwerke",
    "/netzwerke?rv=suedniedersachsen": "/netzwerke?rv=suedniedersachsen",
    "/netzwerke?kreis=03241 (Region Hannover)": "/netzwerke?kreis=03241",
    "/ (start)": "/",
    "/handlungsfelder (overview)": "/handlungsfelder",
    "/handlungsfelder?feld=kooperative_migrationsarbeit":
        "/handlungsfelder?feld=kooperative_migrationsarbeit",
}  # fmt: skip
TARGETS = {10_000: (1.5, 1.5e6), 100_000: (3.0, 3.0e6)}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@dataclass
class Measure:
    idle_s: float
    bytes: int


def build_store(path: Path, n: int) -> str:
    from directory.bootstrap import load_default_content, open_store
    from directory.demo import insert_demo, insert_demo_links

    url = f"sqlite:///{path}"
    store = open_store(url, default_content=False)
    insert_demo(store, n, seed=1)
    load_default_content(store)
    insert_demo_links(store, seed=1)
    store.engine.dispose()
    return url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "ATLAS_TILES": "none", "DATABASE_URL": url,
           "ATLAS_USERS_FILE": str(tmp / "users.toml"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    log = (tmp / f"streamlit_{port}.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def measure(browser, url: str, timeout_ms: int = 300_000) -> Measure:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    received = {"http": 0, "ws": 0}

    def finished(event: dict) -> None:
        received["http"] += int(event.get("encodedDataLength", 0))

    def frame(event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        received["ws"] += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(
            data.encode())  # fmt: skip

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.send("Network.enable")
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    # the page's own title first: the app is "notRunning" also before its first run starts
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout_ms)  # fmt: skip
    if page.locator('iframe[title="streamlit_folium.st_folium"]').count():
        page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first.locator(
            ".leaflet-overlay-pane path").first.wait_for(timeout=timeout_ms)
    idle = time.perf_counter() - t0
    try:  # count late bytes too
        page.wait_for_load_state("networkidle", timeout=60_000)
    except Exception:  # a busy machine: keep what arrived so far
        print(f"    (no network idle within 60 s: {url})", flush=True)
    page.wait_for_timeout(300)
    context.close()
    return Measure(idle, received["http"] + received["ws"])


def bench_size(browser, n: int, runs: int, tmp: Path) -> dict[str, Measure]:
    t0 = time.perf_counter()
    url = build_store(tmp / f"atlas_{n}.sqlite", n)
    print(f"... {n:,} demo offers: store built in {time.perf_counter() - t0:.0f} s", flush=True)
    proc, base = start_server(url, tmp)
    try:
        for path in PAGES.values():  # warm the server's caches
            measure(browser, base + path)
        samples: dict[str, list[Measure]] = {label: [] for label in PAGES}
        for _ in range(runs):  # round robin: a busy moment of the machine hits every page
            for label, path in PAGES.items():
                samples[label].append(measure(browser, base + path))
        return {label: Measure(statistics.median(s.idle_s for s in ms),
                               int(statistics.median(s.bytes for s in ms)))
                for label, ms in samples.items()}  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_netz_") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        for n in args.sizes:
            results[n] = bench_size(browser, n, args.runs, Path(tmp))
        browser.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs (load average {load}), Python {sys.version.split()[0]}, "
          f"median of {args.runs} cold-cache loads per page\n")  # fmt: skip
    for n, rows in results.items():
        floor = rows["floor /info"]
        limit_s, limit_b = TARGETS.get(n, (None, None))
        print(f"{n:,} demo offers (+ real); load average at the end "
              f"{os.getloadavg()[0]:.1f}:")
        print(f"  {'page':<52} {'idle s':>7} {'MB':>6} {'+idle s':>8} {'+MB':>6}  target")
        for label, m in rows.items():
            extra_s, extra_b = m.idle_s - floor.idle_s, m.bytes - floor.bytes
            verdict = ""
            if label != "floor /info" and limit_s is not None:
                ok = extra_s <= limit_s and extra_b <= limit_b
                verdict = "MET" if ok else "MISSED"
            print(f"  {label:<52} {m.idle_s:7.2f} {m.bytes / 1e6:6.2f} {extra_s:8.2f} "
                  f"{extra_b / 1e6:6.2f}  {verdict}")  # fmt: skip
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
