"""Plain words in a real browser (390 px phone): the Leichte-Sprache finder, the explanation
under a chosen filter option and on every card, axe-core clean, the switch kept in the URL."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from i18n import catalogue, t
from tests.browser.axe import axe_violations, blocking, describe
from tests.browser.conftest import screenshot, wait_for_app
from ui.plain import field_about

pytestmark = pytest.mark.browser
GERMAN = catalogue("de")


def test_leichte_sprache_on_a_phone(phone_page):
    page = phone_page
    page.goto(page.base_url + "/beratung?q=37073&feld=beruf&ls=1")
    wait_for_app(page, 90_000)  # a cold server on a busy machine needs longer
    cards = page.locator("[role=tabpanel] article.atlas-card")
    cards.first.wait_for(timeout=30_000)
    assert page.locator("h1").first.inner_text() == GERMAN["finder.title.ls"]
    # the chosen field's explanation in Leichte Sprache stands under the filter
    note = page.get_by_text(field_about("beruf", "de", easy=True), exact=True)
    assert note.is_visible()
    # every card explains its kind in one line
    n = cards.count()
    assert n and cards.locator(".atlas-kind-about").count() == n
    assert not [x for x in cards.locator(".atlas-kind-about").all_inner_texts() if "MBE" in x]
    found = blocking(axe_violations(page))
    assert not found, describe(found)
    screenshot(page, "beratung_ls_390")
    # the switch is a labelled checkbox; switching it off leaves ls out of the URL
    switch = page.get_by_label(t("plain.easy_toggle", "de"))
    assert switch.is_checked()
    switch.uncheck(force=True)  # Streamlit draws its own box over the input
    page.wait_for_url(lambda url: "ls=1" not in unquote(url), timeout=30_000)
    wait_for_app(page)
    page.get_by_role("heading", name=t("finder.title", "de")).wait_for(timeout=30_000)
    page.atlas.assert_clean()
