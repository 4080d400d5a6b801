"""The fields-of-action page in a real browser: outlines and offer markers, no network."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from i18n import LANGUAGES
from tests.browser.conftest import running_app, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_fresh_server_first_visit_to_a_subpage_runs_the_shell(browser, tmp_path):
    """A fresh server's very first request straight to a sub-page must run the shell
    (app.py: language switch, self-hosted map assets), not the page file in ``pages/`` alone
    (Streamlit's old multipage mode; see ui/shell.py)."""
    with running_app(tmp_path) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            hosts: set[str] = set()
            page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
            page.goto(server.url + "/beratung?q=37073&lang=en")
            wait_for_app(page)
            page.get_by_role("heading", name="Find counselling").wait_for()
            switch = page.locator("nav.atlas-langbar a")  # the language switch of app.py
            switch.first.wait_for()
            # one bar with every language (a bar of the previous run may linger for a moment)
            expect(switch).to_have_count(len(LANGUAGES), timeout=60_000)
            nav = page.locator('[data-testid="stSidebarNav"] a')
            hrefs = [a.get_attribute("href") for a in nav.all()]
            assert len(hrefs) == len(set(hrefs)) >= 5  # app.py's navigation, not the old one
            assert not any(h.rstrip("/").endswith(("/app", "/start")) for h in hrefs)
            assert page.url.split("?")[0].endswith("/beratung")
            assert hosts == {server.url.split("/")[2]}
        finally:
            context.close()


def test_map_shows_outlines_and_markers(page):
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
    page.locator("nav.atlas-langbar a").first.wait_for()  # the shell's language switch
    assert page.locator("nav.atlas-langbar a").count() == len(LANGUAGES)
    screenshot(page, "handlungsfelder_map")
    page.atlas.assert_clean()
    assert page.atlas.hosts() <= page.atlas.allowed_hosts
