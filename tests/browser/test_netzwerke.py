"""The network map in a real browser: choropleth with hatching, click selects a district,
the cooperation graph (zoom, click opens the card), the A4 print view printed to PDF,
screenshots (desktop and 390 px, German and Arabic), axe-core, and no third-party request."""

from __future__ import annotations

import re

import pytest

from tests.browser.axe import axe_violations, blocking, describe
from tests.browser.conftest import ARTIFACTS, full_page_screenshot, wait_for_app

pytestmark = pytest.mark.browser
MAP = 'iframe[title="streamlit_folium.st_folium"]'


def _open(page, query: str) -> None:
    page.goto(page.base_url + "/netzwerke" + query)
    wait_for_app(page)
    frame = page.frame_locator(MAP).first
    frame.locator(".leaflet-overlay-pane path").first.wait_for()


def test_network_page_map_click_axe_and_screenshots(page):
    _open(page, "?rv=suedniedersachsen&ebenen=keine")
    frame = page.frame_locator(MAP).first
    assert frame.locator(".leaflet-overlay-pane path").count() >= 45
    # inferred coverage is hatched: an SVG pattern filled into the network's districts
    assert frame.locator("pattern[id^=atlas-hatch]").count() >= 1
    assert frame.locator('path[fill^="url(#atlas-hatch"]').count() >= 2
    main = page.locator('[data-testid="stMain"]')
    assert "Regionalverbund Südniedersachsen" in main.inner_text()
    assert "Fläche schraffiert" in main.inner_text()
    found = blocking(axe_violations(page))
    assert not found, describe(found)
    full_page_screenshot(page, "netzwerke_desktop")

    # a click on a district selects it (Göttingen, 03159: the 10th feature in AGS order)
    frame.locator(".leaflet-overlay-pane path").nth(9).click(force=True)
    page.wait_for_url(re.compile(r"kreis=03159"))
    wait_for_app(page)
    page.locator(".atlas-panel h3", has_text="Göttingen").wait_for()
    assert "rv=suedniedersachsen" in page.url  # Göttingen lies in the network: kept
    page.atlas.assert_clean()
    assert page.atlas.hosts() <= page.atlas.allowed_hosts


def test_graph_zoom_and_card_then_print_view(page, tmp_path):
    _open(page, "?rv=suedniedersachsen")
    page.get_by_role("tab", name="Zusammenarbeit").click()
    svg = page.locator("svg.atlas-graph")
    svg.wait_for()
    main = page.locator('[data-testid="stMain"]')
    assert "noch keine Kooperation eingetragen" in main.inner_text()
    before = svg.get_attribute("viewBox")
    page.get_by_role("button", name="Vergrößern").click()
    assert svg.get_attribute("viewBox") != before
    node = page.locator('svg.atlas-graph g.node[data-node^="org:"]', has_text="Asyl e.V.").first
    assert "Asyl e.V." in (node.locator("title").text_content() or "")
    node.click()
    page.locator(".atlas-panel h4", has_text="Asyl e.V.").wait_for()
    wait_for_app(page)
    found = blocking(axe_violations(page))
    assert not found, describe(found)

    page.get_by_role("tab", name="Export und Druck").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Druckansicht (A4)").click()
    html = info.value.path().read_text(encoding="utf-8")
    assert "<h1>Netzwerkübersicht: Regionalverbund Südniedersachsen</h1>" in html
    printed = page.context.new_page()
    requests: list[str] = []
    printed.on("request", lambda r: requests.append(r.url))
    printed.set_content(html)
    pdf = printed.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and 1 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "netzwerke_print.pdf").write_bytes(pdf)
    printed.emulate_media(media="print")
    printed.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    printed.screenshot(path=str(ARTIFACTS / "netzwerke_print.png"), full_page=True)
    assert [u for u in requests if not u.startswith(("data:", "about:"))] == []
    printed.close()
    page.atlas.assert_clean()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_phone_and_arabic(phone_page, lang):
    _open(phone_page, f"?rv=suedniedersachsen&lang={lang}")
    main = phone_page.locator('[data-testid="stMain"]')
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing wider than the phone
    if lang == "ar":
        assert phone_page.evaluate("() => document.documentElement.lang") == "ar"
        assert "خريطة الشبكات" in main.inner_text()
    found = blocking(axe_violations(phone_page))
    assert not found, describe(found)
    full_page_screenshot(phone_page, f"netzwerke_390_{lang}")
    phone_page.atlas.assert_clean()


def test_start_page_map_filter(page):
    page.goto(page.base_url + "/?feld=schule")
    wait_for_app(page)
    frame = page.frame_locator(MAP).first
    frame.locator(".leaflet-overlay-pane path").first.wait_for()
    assert "Regionalverbünde (Name belegt)" in page.locator('[data-testid="stMain"]').inner_text()
    found = blocking(axe_violations(page))
    assert not found, describe(found)
    full_page_screenshot(page, "start_map")
    page.atlas.assert_clean()
