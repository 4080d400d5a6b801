"""The finder held in one hand (390 x 844, touch) in German, Arabic, Farsi and Ukrainian: the
first result on the first screen, thumb-sized targets measured on the real elements, routes
and calls, "show on map" opening the office's popup (one page load per language for all of
these), a cluster of offices in one place in Lüneburg spiderfying with a list of its
offices. (Tigrinya's Ethiopic font: tests/browser/test_shell.py, with the axe check.)
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from directory.routes import ROUTE_HOST
from i18n import t
from tests.browser.conftest import (
    map_frame,
    screenshot,
    wait_for_app,
    wait_for_layout,
    wait_for_map_idle,
)

pytestmark = pytest.mark.browser

VIEWPORT_H = 844
MIN_TARGET = 44
LANGS = ("de", "ar", "fa", "uk")
#: Spiderfying in the four languages the issue names (about 5 s each; the suite runs on
#: every core, see README).
SPIDER_LANGS = LANGS


def _open(page, path: str, *, cards: bool = True) -> None:
    page.goto(page.base_url + path)
    wait_for_app(page, timeout_ms=90_000)  # the first page of a session seeds the store
    if cards:
        _cards(page).first.wait_for(timeout=30_000)


def _cards(page):
    return page.locator("[role=tabpanel] article.atlas-card")


def _boxes(locator) -> list[dict]:
    """Bounding boxes of the visible elements of ``locator`` (with a label to report)."""
    out = []
    for el in locator.all():
        if el.is_visible():
            box = el.bounding_box()
            out.append({**box, "what": (el.inner_text() or el.get_attribute("href") or "")[:40]})
    return out


def _assert_thumb_sized(boxes: list[dict], what: str) -> None:
    assert boxes, f"no {what} found"
    small = [b for b in boxes if b["width"] < MIN_TARGET or b["height"] < MIN_TARGET]
    assert not small, f"{what} smaller than {MIN_TARGET} px: {small}"


@pytest.mark.parametrize("lang", LANGS)
def test_first_screen_thumb_targets_calls_and_show_on_map(phone_page, lang):
    """One page load per language checks several points: the first result on the first
    screen, every touch target measured, route and call links on the cards, then "show on
    map" switching to the map with the office's popup open."""
    page = phone_page
    _open(page, f"/beratung?q=Lüneburg&lang={lang}")
    # the first result card's name and its distance line are on screen without scrolling
    first = _cards(page).first
    head = first.locator("h3").bounding_box()
    line = first.locator("p strong").first.bounding_box()
    assert head["y"] >= 0 and line["y"] + line["height"] <= VIEWPORT_H, (head, line)
    screenshot(page, f"finder_first_screen_{lang}_390")
    main = page.locator("[data-testid=stMain]")
    _assert_thumb_sized(_boxes(main.get_by_role("tab")), "list/map tabs")
    _assert_thumb_sized(_boxes(main.locator("[data-testid=stTextInput] input")), "search box")
    _assert_thumb_sized(_boxes(page.locator("[data-testid=stMain] button")), "buttons")
    _assert_thumb_sized(_boxes(_cards(page).locator(".atlas-actions a")), "card actions")
    _assert_thumb_sized(_boxes(_cards(page).locator(".atlas-muted a")), "source links")
    # calls and routes in the UI language: tel: with the E.164 number, routes to the planner
    calls = _cards(page).locator(".atlas-actions a[href^='tel:']")
    assert calls.count(), "no call button"
    assert re.fullmatch(r"tel:\+49\d{6,13}", calls.first.get_attribute("href"))
    routes = _cards(page).locator(".atlas-actions a", has_text=t("card.route", lang))
    assert routes.count(), "no route link"
    assert urlsplit(routes.first.get_attribute("href")).hostname == ROUTE_HOST
    assert routes.first.get_attribute("aria-label") == t("card.route_label", lang)
    _assert_thumb_sized(_boxes(main.locator("[data-testid=stExpander] summary")), "expander")
    main.locator("[data-testid=stExpander] summary").first.tap()
    main.locator("[data-testid=stCheckbox]").first.wait_for(timeout=30_000)
    _assert_thumb_sized(_boxes(main.locator("[data-testid=stCheckbox] label")), "checkboxes")
    # a drop-down is a combobox group (the text field and its "open" button)
    _assert_thumb_sized(_boxes(main.locator("[data-testid=stSelectbox] [role=group]")), "selects")
    _assert_thumb_sized(_boxes(main.locator("button")), "buttons in the filters")
    # "show on map": the map tab opens with the office's popup
    name = first.locator("h3").inner_text()
    page.get_by_role("button", name=t("finder.show_on_map", lang)).first.tap()
    page.wait_for_url(re.compile(r"wahl="), timeout=30_000)
    wait_for_app(page)
    map_tab = page.get_by_role("tab", name=t("finder.tab_map", lang))
    assert map_tab.get_attribute("aria-selected") == "true"
    popup = page.frame_locator("iframe[title]").first.locator(".leaflet-popup-content")
    popup.first.wait_for(timeout=30_000)
    assert name in popup.first.inner_text()
    wait_for_map_idle(map_frame(page))
    screenshot(page, f"finder_show_on_map_{lang}_390")
    page.atlas.assert_clean()


def test_routes_ask_for_the_address_and_place_only_offices_say_so(phone_page):
    page = phone_page
    _open(page, "/beratung?q=Göttingen")
    cards = _cards(page)
    route_name = t("card.route", "de")
    # a street without exact coordinates: the route planner gets the address text
    street = cards.filter(has_text="Neustadt 18").first
    href = street.locator(".atlas-actions a", has_text=route_name).get_attribute("href")
    parts = urlsplit(href)
    assert (parts.scheme, parts.hostname) == ("https", ROUTE_HOST)
    assert parse_qs(parts.query) == {"to": ["Neustadt 18, Göttingen"]}
    # the same card can be called: tel: with the E.164 number
    tel = street.locator(".atlas-actions a[href^='tel:']").get_attribute("href")
    assert re.fullmatch(r"tel:\+49\d{6,13}", tel)
    # only the place is known: no route, and the card says so
    only_place = cards.filter(has_text="Refugee Law Clinic").first
    assert only_place.locator(".atlas-actions a", has_text=route_name).count() == 0
    assert t("results.place_only", "de") in only_place.inner_text()
    # no route link anywhere points at the place centre (coordinates of Göttingen)
    for link in cards.locator(f".atlas-actions a[href*='{ROUTE_HOST}']").all():
        assert "route=" not in link.get_attribute("href") or "to=" not in link.get_attribute(
            "href")  # fmt: skip
    page.atlas.assert_clean()


@pytest.mark.parametrize("lang", SPIDER_LANGS)
def test_a_cluster_of_offices_in_one_place_spiderfies_and_lists_them(phone_page, lang):
    page = phone_page
    _open(page, f"/beratung?q=Lüneburg&lang={lang}")
    page.get_by_role("tab", name=t("finder.tab_map", lang)).tap()
    wait_for_app(page)  # a tab change re-runs the page (the tabs keep their state)
    frame = page.frame_locator("iframe[title]").first
    container = frame.locator(".leaflet-container")
    frame.locator(".marker-cluster").first.wait_for(timeout=30_000)
    page.locator("iframe[title]").first.scroll_into_view_if_needed()
    wait_for_layout(page)
    wait_for_map_idle(map_frame(page))
    legs = frame.locator('path[stroke="#222"]')  # markercluster's spider legs

    def centre(box):
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    for _ in range(6):  # tap the cluster at the searched place until it spiderfies
        if legs.count():
            break
        cx, cy = centre(container.bounding_box())
        clusters = [c for c in frame.locator(".marker-cluster").all() if c.is_visible()]
        assert clusters, "no cluster on the map"
        nearest = min(clusters, key=lambda c: (centre(c.bounding_box())[0] - cx) ** 2
                      + (centre(c.bounding_box())[1] - cy) ** 2)  # fmt: skip
        nearest.tap()
        wait_for_map_idle(map_frame(page))
    legs.first.wait_for(state="attached", timeout=30_000)
    # the page lists the offices of the tapped point, one thumb-sized button each
    listed = page.locator(".st-key-finder_here button")
    listed.first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert listed.count() >= 3, "several offices in one place in Lüneburg"
    assert legs.count() == listed.count(), "the map was not re-drawn: the legs stay out"
    heading = page.locator(".st-key-finder_here").get_by_role("heading").inner_text()
    assert heading == t("results.cluster_list", lang)
    _assert_thumb_sized(_boxes(listed), "listed offices")
    # the tap did not pick one of them as the selected office
    assert "wahl=" not in page.url
    page.locator(".st-key-finder_here").scroll_into_view_if_needed()
    screenshot(page, f"finder_spiderfy_{lang}_390")
    # a listed office is chosen with a tap: its card (with the call button) below the map
    name = listed.first.inner_text()
    listed.first.tap()
    page.wait_for_url(re.compile(r"wahl="), timeout=60_000)
    wait_for_app(page, 90_000)  # the map re-renders with the chosen office (slow when busy)
    assert _cards(page).and_(page.locator(".atlas-selected")).locator("h3").inner_text() == name
    page.atlas.assert_clean()

