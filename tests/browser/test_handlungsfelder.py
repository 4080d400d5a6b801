"""The fields-of-action page in a real browser: outlines and offer markers, no network."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_map_shows_outlines_and_markers(page):
    """Also a regression test: a first visit straight to a sub-page must run the shell
    (app.py: language switch, self-hosted map assets), not the page file alone."""
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(page.base_url + "/handlungsfelder?feld=kooperative_migrationsarbeit")
    wait_for_app(page)
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    frame.locator(".leaflet-overlay-pane path").first.wait_for()
    # 45 district outlines (one path each, multipolygons included) plus circle markers
    frame.locator(".marker-cluster, .leaflet-marker-pane *").first.wait_for()
    assert frame.locator(".leaflet-overlay-pane path").count() >= 45
    assert frame.locator(".marker-cluster").count() > 0
    assert "Kooperative Migrationsarbeit" in page.inner_text('[data-testid="stMain"]')
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').count() == 1
    screenshot(page, "handlungsfelder_map")
    page.atlas.assert_clean()
    assert page.atlas.hosts() <= page.atlas.allowed_hosts
