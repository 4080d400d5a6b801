"""The map building blocks in a real browser: self-hosted assets, clusters, escaping.

The rendered map HTML is loaded into a page whose origin is the app server, so the
``/app/static/vendor/...`` URLs are served by Streamlit's static file serving exactly as
they are in the app's map iframes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.maps import TileConfig, add_offer_points, base_map, use_local_assets
from tests.browser.conftest import screenshot, wait_for_map_idle

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def map_html(n: int = 600) -> str:
    use_local_assets()
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "lat": rng.uniform(51.5, 53.6, n), "lon": rng.uniform(7.0, 11.3, n),
        "name": [f"Beratung {i}" for i in range(n)],
        "organization": rng.choice(["Caritas", "Diakonie", "AWO"], n),
        "city": rng.choice(["Hannover", "Oldenburg"], n),
        "kind": rng.choice(["Migrationsberatung", "Jugendmigrationsdienst"], n),
    })  # fmt: skip
    frame.loc[0, ["lat", "lon", "name"]] = [52.37, 9.73, XSS]
    m = base_map(tiles=TileConfig(url=None, attribution=""))
    add_offer_points(m, frame, color_by="kind")
    return m.get_root().render()


def test_clustered_map_with_local_assets_and_escaped_popup(page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size({"width": 900, "height": 700})
    page.goto(page.base_url + "/app/static/vendor/VERSIONS.json")  # same origin as the app
    page.set_content(map_html(), wait_until="networkidle")
    page.wait_for_selector(".marker-cluster")
    assert page.locator(".marker-cluster").count() > 1
    loaded = [u for u in page.atlas.requests if "/app/static/vendor/" in u]
    assert any(u.endswith("/leaflet/leaflet.js") for u in loaded)
    assert any(u.endswith("/leaflet.markercluster/leaflet.markercluster.js") for u in loaded)
    screenshot(page, "map_clusters")

    map_var = page.evaluate("Object.keys(window).find(k => k.startsWith('map_'))")
    page.evaluate("name => window[name].setView([52.37, 9.73], 18, {animate: false})", map_var)
    wait_for_map_idle(page)
    x, y = page.evaluate(
        "name => { const p = window[name].latLngToContainerPoint([52.37, 9.73]);"
        " return [p.x, p.y]; }",
        map_var,
    )
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().splitlines()[0] == XSS
    assert popup.locator("img").count() == 0
    page.wait_for_load_state("networkidle")  # an injected image would have been requested
    assert dialogs == []
    screenshot(page, "map_popup")
    page.atlas.assert_clean()
