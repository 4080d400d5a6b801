"""Smoke test: every page loads in Chromium without errors or third-party requests."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_violations, blocking, describe
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PAGES = ["/", "/beratung", "/beratung?q=37073", "/handlungsfelder", "/daten", "/info"]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean(page, path):
    page.goto(page.base_url + path)
    wait_for_app(page)
    name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "start"
    screenshot(page, name)
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    page.atlas.assert_clean()
    assert page.atlas.hosts() <= page.atlas.allowed_hosts


# (the finder in every UI language: tests/browser/test_shell.py)
@pytest.mark.parametrize("path", ["/", "/handlungsfelder", "/daten", "/info", "/?lang=fa",
                                  "/handlungsfelder?lang=ar", "/info?lang=bg", "/?lang=ro",
                                  "/?lang=ku"])  # fmt: skip
def test_page_has_no_serious_accessibility_violation(page, path):
    page.goto(page.base_url + path)
    wait_for_app(page)
    found = blocking(axe_violations(page))
    assert not found, describe(found)


@pytest.mark.parametrize(("lang", "direction"), [("de", "ltr"), ("ar", "rtl"), ("fa", "rtl"),
                                               ("uk", "ltr"), ("bg", "ltr"), ("ps", "rtl"),
                                               ("ku", "ltr"), ("ti", "ltr")])  # fmt: skip
def test_html_lang_and_dir_follow_the_ui_language(page, lang, direction):
    """Screen readers pick pronunciation rules from <html lang> (WCAG 3.1.1); <html dir>
    turns browser-drawn parts (scrollbars, form controls) for Arabic, Farsi and Pashto."""
    page.goto(page.base_url + f"/info?lang={lang}")
    wait_for_app(page)
    page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=15_000)
    page.wait_for_function(f"document.documentElement.dir === '{direction}'", timeout=15_000)
    page.atlas.assert_clean()
