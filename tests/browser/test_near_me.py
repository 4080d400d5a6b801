""""Near me": the browser's position becomes the nearest postcode, never the URL's content."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

GOETTINGEN = {"latitude": 51.5338, "longitude": 9.9355}
MUNICH = {"latitude": 48.137, "longitude": 11.575}


def _click_near_me(page) -> None:
    page.goto(page.base_url + "/beratung")
    wait_for_app(page)
    page.get_by_role("button", name="In meiner Nähe").click()


def test_near_me_searches_from_nearest_postcode(page):
    page.context.grant_permissions(["geolocation"], origin=page.base_url)
    page.context.set_geolocation(GOETTINGEN)
    _click_near_me(page)
    page.wait_for_url(re.compile(r"[?&]q=37\d{3}"), timeout=30_000)
    wait_for_app(page)
    url = page.url
    assert "51.53" not in url and "9.93" not in url, "precise position leaked into the URL"
    assert page.get_by_text(re.compile(r"\d+[,.]\d km")).first.is_visible()
    page.atlas.assert_clean()


def test_near_me_outside_lower_saxony_says_so(page):
    page.context.grant_permissions(["geolocation"], origin=page.base_url)
    page.context.set_geolocation(MUNICH)
    _click_near_me(page)
    page.get_by_text("nicht in Niedersachsen").wait_for(timeout=30_000)
    assert "q=" not in page.url
    page.atlas.assert_clean()


def test_near_me_denied_says_so(page):
    page.context.clear_permissions()
    _click_near_me(page)
    page.get_by_text("nicht freigegeben").wait_for(timeout=30_000)
    assert "q=" not in page.url
    page.atlas.assert_clean()
