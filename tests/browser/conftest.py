"""Browser harness: one Streamlit server per session, Debian Chromium driven by Playwright.

* ``app_server`` -- starts ``streamlit run app.py`` on a free port (``ATLAS_TILES=none``,
  ``DATABASE_URL`` -> a temporary SQLite file), waits for ``/_stcore/health``, stops it at
  the end. Its log is printed if it does not come up.
* ``page`` -- a fresh Playwright page in headless ``/usr/bin/chromium`` that records
  console errors, page errors, HTTP errors and the host of every request (iframes
  included). ``page.atlas`` is the :class:`BrowserLog`; call ``page.atlas.assert_clean()``.
* ``phone_page`` -- the same as a phone (390x844, ``is_mobile``, ``has_touch``).

Every test in this folder is marked ``browser``. Without ``/usr/bin/chromium`` they are
skipped, unless ``CI`` is set: then they fail.

Run: ``python -m pytest tests/browser -m browser -q`` (screenshots land in
``tests/browser/artifacts/``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.processes import free_port, serving

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
STARTUP_TIMEOUT_S = 90
# Streamlit's frontend opened at a page path (``/info``) first probes
# ``/info/_stcore/health`` and ``/info/_stcore/host-config`` to find its base URL; those
# 404s are expected and ignored (only there: a 404 at the root is still an error).
EXPECTED_404 = re.compile(r"^https?://[^/]+/[^?#]+/_stcore/(?:health|host-config)(?:\?.*)?$")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _tile_hosts(env: dict[str, str]) -> frozenset[str]:
    """Hosts of the tile server configured in ``env`` (none for ``ATLAS_TILES=none``)."""
    sys.path.insert(0, str(ROOT))
    from geo.maps import tile_layer_config

    url = tile_layer_config(env).url
    return frozenset({urlsplit(url).hostname}) if url else frozenset()


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    tile_hosts: frozenset[str]
    database_url: str = ""

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _frame_of(request):
    """The frame that made ``request`` (``None`` for a service worker's request)."""
    try:
        return request.frame
    except Exception:  # Playwright raises for requests without a frame
        return None


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, chromium_path) -> Iterator[AppServer]:
    """``streamlit run app.py`` on a free port, with tiles off and a throwaway database."""
    with running_app(tmp_path_factory.mktemp("app")) as server:
        yield server


@contextmanager
def running_app(tmp: Path) -> Iterator[AppServer]:
    """Start a fresh app server in ``tmp`` (own database and accounts file); stop it after."""
    port = free_port()
    env = {
        **os.environ,
        "ATLAS_TILES": os.environ.get("BROWSER_ATLAS_TILES", "none"),
        "DATABASE_URL": f"sqlite:///{tmp / 'atlas.sqlite'}",
        "ATLAS_USERS_FILE": str(tmp / "users.toml"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log_path = tmp / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", proc, log_path, _tile_hosts(env),
                       env["DATABASE_URL"])  # fmt: skip
    with serving(proc, f"{server.url}/_stcore/health", what="Streamlit", log=server.log,
                 timeout_s=STARTUP_TIMEOUT_S):  # fmt: skip
        yield server


@dataclass
class BrowserLog:
    """What the browser did: console/page errors, failed responses, request hosts."""

    allowed_hosts: frozenset[str]
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    #: Requests the browser aborted (``net::ERR_ABORTED``), with their frame: a rerun that
    #: draws a component (the map) anew replaces its iframe, and what the old frame was still
    #: loading is aborted. Nothing failed for the visitor then; an abort in a frame that is
    #: still attached (or in the page itself) counts as an HTTP error.
    aborted: list[tuple[str, Any]] = field(default_factory=list)

    def superseded(self) -> tuple[list[str], list[str]]:
        """The aborted requests of replaced (detached) frames, and the others."""
        gone, live = [], []
        for url, frame in self.aborted:
            detached = frame is not None and frame.parent_frame is not None and frame.is_detached()
            (gone if detached else live).append(f"failed {url} (net::ERR_ABORTED)")
        return gone, live

    def hosts(self) -> set[str]:
        return {
            urlsplit(u).hostname or ""
            for u in self.requests
            if urlsplit(u).scheme in {"http", "https", "ws", "wss"}
        }

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(u).hostname not in self.allowed_hosts
        ]

    def assert_clean(self, *, ignore_console: tuple[str, ...] = ()) -> None:
        """Fail on any third-party request, page error, console error or HTTP error."""
        console = [e for e in self.console_errors if not any(s in e for s in ignore_console)]
        problems = {
            "third-party requests": self.foreign_requests(),
            "page errors": self.page_errors,
            "console errors": console,
            "HTTP errors": self.http_errors + self.superseded()[1],
        }
        found = {k: v for k, v in problems.items() if v}
        assert not found, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in found.items())


@pytest.fixture(scope="session")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), headless=True,
                               args=CHROMIUM_ARGS)  # fmt: skip
        yield b
        b.close()


def _record_console(log: BrowserLog, msg) -> None:
    if msg.type != "error":
        return
    url = (msg.location or {}).get("url", "")
    if msg.text.startswith("Failed to load resource") and EXPECTED_404.match(url):
        return
    log.console_errors.append(f"{msg.text} [{url}]" if url else msg.text)


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1}  # fmt: skip


def _new_page(browser, app_server, **context_options):
    """A fresh page in its own context, with a :class:`BrowserLog` at ``page.atlas``."""
    options = {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", **context_options}
    context = browser.new_context(**options)
    log = BrowserLog(allowed_hosts=LOCAL_HOSTS | app_server.tile_hosts)
    context.on("request", lambda req: log.requests.append(req.url))
    context.on(
        "response",
        lambda resp: (
            resp.status >= 400
            and not (resp.status == 404 and EXPECTED_404.match(resp.url))
            and log.http_errors.append(f"{resp.status} {resp.url}")
        ),
    )
    context.on(
        "requestfailed",
        lambda req: (
            log.aborted.append((req.url, _frame_of(req)))
            if req.failure == "net::ERR_ABORTED"
            else log.http_errors.append(f"failed {req.url} ({req.failure})")
        ),
    )
    pg = context.new_page()
    pg.on("console", lambda msg: _record_console(log, msg))
    pg.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    pg.atlas = log
    pg.base_url = app_server.url
    return pg


@pytest.fixture
def page(browser, app_server):
    """A fresh desktop page (1280x900, own context) with a :class:`BrowserLog` at ``page.atlas``."""
    pg = _new_page(browser, app_server)
    yield pg
    pg.context.close()


@pytest.fixture
def phone_page(browser, app_server):
    """Like ``page``, as a phone: 390x844 CSS px, mobile viewport, touch."""
    pg = _new_page(browser, app_server, **PHONE)
    yield pg
    pg.context.close()


def wait_for_app(page, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished the script run and the network is quiet."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms
    )
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    wait_for_layout(page)  # lazily loaded elements (st.html, components) render after their code


# A Leaflet map (``window.map`` in st_folium's iframe, ``map_<id>`` on a plain folium page)
# at rest: loaded, no zoom or pan animation running, no cluster animation (Leaflet fires
# ``moveend`` when this becomes true; polling the state also covers an animation that ended
# before the wait began).
MAP_IDLE_JS = """() => {
  const m = window.map || window[Object.keys(window).find(k => k.startsWith('map_'))];
  if (!m || !m._loaded) return false;
  if (m._animatingZoom || m._zooming || (m._panAnim && m._panAnim._inProgress)) return false;
  return !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim');
}"""
NEXT_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def wait_for_map_idle(frame, timeout_ms: int = 30_000) -> None:
    """Wait until the Leaflet map in ``frame`` (a Playwright Frame or Page) is at rest."""
    frame.wait_for_function(MAP_IDLE_JS, timeout=timeout_ms, polling="raf")


def map_frame(page, selector: str = "iframe[title]"):
    """The Playwright Frame of the first map iframe matching ``selector``."""
    return page.locator(selector).first.element_handle().content_frame()


def wait_for_layout(page) -> None:
    """Wait until the browser has laid out and painted twice (after a resize)."""
    page.evaluate(NEXT_FRAMES_JS)


def screenshot(page, name: str) -> Path:
    """The viewport (Streamlit scrolls inside ``stMain``, so this is what is on screen)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def full_page_screenshot(page, name: str, max_height: int = 8000) -> Path:
    """The whole page: the viewport is stretched to the height of Streamlit's scrolling
    main area for the shot, then restored."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    height = min(max(height, size["height"]), max_height)
    page.set_viewport_size({"width": size["width"], "height": height})
    wait_for_layout(page)  # relayout (the map iframe resizes)
    for frame in page.frames[1:]:
        if frame.evaluate("() => !!(window.map && window.map._loaded)"):
            wait_for_map_idle(frame)
    try:
        return screenshot(page, name)
    finally:
        page.set_viewport_size(size)
