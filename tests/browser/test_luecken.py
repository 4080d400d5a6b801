"""The gap page in a real browser: maps drawn, axe-core, no third-party request, phone width,
Arabic (RTL); screenshots in ``tests/browser/artifacts/``."""

from __future__ import annotations

import pytest

from i18n import t
from tests.browser.axe import axe_violations, blocking, describe
from tests.browser.conftest import full_page_screenshot, screenshot

pytestmark = pytest.mark.browser

MAP = 'iframe[title="streamlit_folium.st_folium"]'
_WIDTHS = """() => ['html', '[data-testid=stMain]', '[data-testid=stMainBlockContainer]']
  .map(s => { const e = document.querySelector(s); return [s, e.scrollWidth, e.clientWidth]; })"""


def _open(page, path: str) -> None:
    """Open the page and wait until the script has run and the district map is drawn.

    (Not ``networkidle`` alone: on a loaded CI machine the page's two map frames and five
    download files can keep the network busy past the timeout.)"""
    page.goto(page.base_url + path)
    page.wait_for_selector('[data-testid="stMain"]', timeout=180_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=180_000)  # fmt: skip
    page.frame_locator(MAP).first.locator(".leaflet-overlay-pane path").nth(44).wait_for(
        timeout=120_000)  # fmt: skip


def test_desktop_maps_axe_and_privacy(page):
    page.set_viewport_size({"width": 1280, "height": 1000})
    _open(page, "/luecken?feld=jugendarbeit&r=25&k=3")
    main = page.locator('[data-testid="stMain"]')
    assert t("luecken.title", "de") in main.inner_text()
    # district choropleth: 45 filled districts
    choropleth = page.frame_locator(MAP).first
    choropleth.locator(".leaflet-overlay-pane path").first.wait_for()
    assert choropleth.locator(".leaflet-overlay-pane path").count() >= 45
    fills = choropleth.locator(".leaflet-overlay-pane path").evaluate_all(
        "ps => new Set(ps.map(p => p.getAttribute('fill'))).size")
    assert fills >= 3  # several classes
    screenshot(page, "luecken")
    full_page_screenshot(page, "luecken_full")
    found = blocking(axe_violations(page))
    assert not found, describe(found)
    # place map: dots for the places, rings for the suggested sites
    page.get_by_role("tab", name=t("luecken.tab_places", "de"), exact=True).click()
    places = page.frame_locator(MAP).nth(1)
    places.locator("path.leaflet-interactive").nth(1000).wait_for(state="attached")
    assert places.locator("path.leaflet-interactive").count() >= 1153 + 45
    page.wait_for_timeout(500)  # Leaflet's fade-in, for the screenshot only
    screenshot(page, "luecken_places")
    # what-if by a map click: a click near the centre offers a hypothetical office there
    before = main.locator("bdi").first.inner_text()
    box = places.locator(".leaflet-container").bounding_box()
    places.locator(".leaflet-container").click(position={"x": box["width"] * 0.52,
                                                          "y": box["height"] * 0.45})
    add = page.get_by_role("button", name=t("luecken.add_here", "de", place="")[:30])
    add.wait_for(timeout=60_000)
    add.click()
    page.wait_for_url(lambda url: "neu=" in url, timeout=60_000)
    page.wait_for_function(
        "b => document.querySelector('[data-testid=stMain] bdi').innerText !== b", arg=before,
        timeout=60_000)  # fmt: skip
    page.get_by_role("tab", name=t("luecken.tab_sites", "de"), exact=True).click()
    assert "Genaues Optimum" in main.inner_text()
    page.atlas.assert_clean()
    assert page.atlas.hosts() <= page.atlas.allowed_hosts


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_phone_width(phone_page, lang):
    page = phone_page
    _open(page, f"/luecken?feld=jugendarbeit{'&lang=ar' if lang == 'ar' else ''}")
    assert t("luecken.title", lang) in page.inner_text('[data-testid="stMain"]')
    page.frame_locator(MAP).first.locator(".leaflet-overlay-pane path").first.wait_for()
    for selector, scroll, client in page.evaluate(_WIDTHS):
        assert scroll <= client + 1, f"{selector} scrolls sideways"
    screenshot(page, f"luecken_390_{lang}")
    full_page_screenshot(page, f"luecken_390_{lang}_full")
    found = blocking(axe_violations(page))
    assert not found, describe(found)
    page.atlas.assert_clean()
