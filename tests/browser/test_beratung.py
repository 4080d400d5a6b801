"""The finder page in a real browser: phone width, Arabic (RTL), axe-core, privacy."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from i18n import t
from tests.browser.axe import axe_violations, blocking, describe
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DISTANCE = re.compile(r"\d+[,.٫]?\d*\s*(km|كم|км|کیلومتر)")


def _open(page, path: str, *, phone: bool = False) -> None:
    if phone:
        page.set_viewport_size(PHONE)
    page.goto(page.base_url + path)
    wait_for_app(page)


def _no_horizontal_scroll(page) -> None:
    widths = page.evaluate("""() => [document.documentElement, document.querySelector(
        '[data-testid=stMain]')].map(e => [e.scrollWidth, e.clientWidth])""")
    for scroll, client in widths:
        assert scroll <= client + 1, widths


def _cards(page):
    return page.locator("article.atlas-card")


def test_phone_width_results_list_and_map(page):
    _open(page, "/beratung?q=37073", phone=True)
    cards = _cards(page)
    assert cards.count() > 0
    assert DISTANCE.search(cards.first.inner_text())
    _no_horizontal_scroll(page)
    # touch targets of the card actions: at least 44 px high (WCAG 2.5.5 AAA size)
    links = cards.first.locator(".atlas-actions a")
    assert links.count() > 0
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "beratung_390")
    cards.first.scroll_into_view_if_needed()
    screenshot(page, "beratung_390_cards")
    # the map is reachable: its tab shows the map frame inside the viewport width
    page.get_by_role("tab", name=t("finder.tab_map", "de")).click()
    frame = page.locator("iframe[title]").first
    frame.wait_for(state="visible", timeout=30_000)
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > 200
    inner = page.frame_locator("iframe[title]").first
    inner.locator(".marker-cluster").first.wait_for(state="attached", timeout=30_000)
    assert inner.locator("path.leaflet-interactive").count() > 0  # district outlines
    _no_horizontal_scroll(page)
    page.wait_for_timeout(1000)  # let Leaflet finish its zoom animation for the screenshot
    screenshot(page, "beratung_390_map")
    page.atlas.assert_clean()


def test_arabic_is_right_to_left_and_finds_arabic_script(page):
    _open(page, "/beratung?q=" + quote("غوتينغن") + "&lang=ar", phone=True)
    main = page.locator("[data-testid=stMainBlockContainer]")
    assert main.evaluate("e => getComputedStyle(e).direction") == "rtl"
    heading = page.get_by_role("heading", name=t("finder.title", "ar"))
    assert heading.is_visible()
    assert heading.evaluate("e => getComputedStyle(e).textAlign") in ("start", "right")
    cards = _cards(page)
    assert cards.count() > 0
    assert "Göttingen" in page.locator("[data-testid=stCaptionContainer]").first.inner_text()
    _no_horizontal_scroll(page)
    screenshot(page, "beratung_ar_390")
    cards.first.scroll_into_view_if_needed()
    screenshot(page, "beratung_ar_390_cards")
    page.atlas.assert_clean()


@pytest.mark.parametrize("lang, phone", [("de", False), ("de", True), ("ar", True),
                                         ("en", False)])  # fmt: skip
def test_axe_no_serious_or_critical_violation(page, lang, phone):
    _open(page, f"/beratung?q=37073&lang={lang}", phone=phone)
    assert _cards(page).count() > 0
    found = blocking(axe_violations(page))
    assert not found, describe(found)


def test_search_is_not_stored_logged_or_sent_anywhere(page, app_server):
    secret = "Zzyzxtestort"
    _open(page, "/beratung?q=" + secret)
    assert page.get_by_text(secret).first.is_visible()  # "not found" message names it
    box = page.get_by_label(t("finder.search_label", "de"))
    box.fill("Hildesheim")
    box.press("Enter")
    page.wait_for_url(re.compile(r"q=Hildesheim"), timeout=30_000)
    wait_for_app(page)
    assert _cards(page).count() > 0
    # nothing left the app (tiles are off in the tests)
    assert page.atlas.foreign_requests() == []
    # nothing of the searches in the server log or in the database file
    assert secret not in app_server.log() and "Hildesheim" not in app_server.log()
    db = Path(re.sub(r"^sqlite:///", "", app_server.database_url))
    for path in db.parent.glob(db.name + "*"):
        assert secret.encode() not in path.read_bytes()
    # external links open only on click, in a new tab, without referrer
    external = page.locator("article.atlas-card a[target=_blank]")
    assert external.count() > 0
    for i in range(external.count()):
        assert "noopener" in external.nth(i).get_attribute("rel")
        assert "noreferrer" in external.nth(i).get_attribute("rel")
    assert not [u for u in page.atlas.requests if "openstreetmap.org" in u]
    page.atlas.assert_clean()


def test_card_and_map_stay_in_sync(page):
    _open(page, "/beratung?q=37073")
    page.get_by_role("button", name=t("finder.show_on_map", "de")).first.click()
    page.wait_for_url(re.compile(r"wahl="), timeout=30_000)
    wait_for_app(page)
    list_panel = page.get_by_role("tabpanel").first
    assert list_panel.locator("article.atlas-card.atlas-selected").count() == 1
    page.get_by_role("tab", name=t("finder.tab_map", "de")).click()
    frame = page.frame_locator("iframe[title]").first
    # the map holds the searched point and the clustered result layer
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    assert frame.locator(".leaflet-interactive, .marker-cluster").count() > 0
    page.atlas.assert_clean()
