"""The shell in a real browser, as a newcomer's phone (390 × 844): the language of the
browser on the first visit, the language switch by keyboard and by tap, no German outside
``lang="de"`` data, digits per language, Streamlit's own labels, axe-core in every language.
"""

from __future__ import annotations

import re
from contextlib import suppress
from functools import cache
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from directory.taxonomy import FIELD_IDS
from i18n import LANGUAGES, catalogue, t
from i18n.localedata import NUMBERING
from tests.browser.axe import axe_violations, blocking, describe
from tests.browser.conftest import (
    PHONE,
    _new_page,
    map_frame,
    screenshot,
    wait_for_app,
    wait_for_map_idle,
)
from ui.fonts import FAMILY, FONT_LANGUAGES, NAMES_FAMILY, NAMES_FONT

ACCEPT = {"ar": "ar-SY,ar;q=0.9,en;q=0.5", "fa": "fa-IR,fa;q=0.9,en-US;q=0.6",
          "uk": "uk-UA,uk;q=0.9,ru;q=0.8,en;q=0.5", "de": "de-DE,de;q=0.9,en;q=0.8"}  # fmt: skip
FINDER = "/beratung?q=Hannover"
SLOW = 180_000  # ms: the shared 2-core machine runs other work too (no timing is asserted)

# Text nodes and labels of a document (the page's, or the map's iframe's), each with the
# language of its nearest element that says one.
TEXTS_JS = """() => {
  const out = [];
  const langOf = (el) => { const l = el && el.closest("[lang]"); return l ? l.lang : ""; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    // Material icons are ligatures ("info", "search"): drawn as a symbol, not read as text
    if (!el || el.closest("style,script,noscript,template,[data-testid=stIconMaterial]," +
                          "[data-testid=stAlertDynamicIcon]")) continue;
    const text = node.data.trim();
    if (text) out.push([langOf(el), text]);
  }
  for (const el of document.querySelectorAll("[aria-label],[title],[placeholder]")) {
    for (const a of ["aria-label", "title", "placeholder"]) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push([langOf(el), v.trim()]);
    }
  }
  return out;
}"""
CURRENT_IN_VIEW_JS = """() => {
  const a = document.querySelector("nav.atlas-langbar a[aria-current]");
  const r = a && a.getBoundingClientRect();
  return !!r && r.left >= 0 && r.right <= window.innerWidth;
}"""
#: Labels Streamlit and Leaflet bring along in English (the shell and the map replace them).
ENGLISH_LABELS = frozenset({"Expand sidebar", "Collapse sidebar", "Zoom in", "Zoom out"})
WORD = re.compile(r"[^\W\d_]{4,}")
HOST = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}")  # a source's host name (a link's text) is no word


def _words(entries) -> set[str]:
    words: set[str] = set()
    for value in entries:
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            words |= {w.casefold() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", str(text)))}
    return words


@cache
def german_words(lang: str) -> frozenset[str]:
    """Words only German uses: in the German catalogue, in neither the English one nor
    ``lang``'s (which may quote a German name on purpose, e.g. the programme's title)."""
    return frozenset(_words(catalogue("de").values()) - _words(catalogue("en").values())
                     - _words(catalogue(lang).values()))  # fmt: skip


def _phone(browser, app_server, lang: str):
    return _new_page(browser, app_server, **PHONE, locale=f"{lang}-{lang.upper()}",
                     extra_http_headers={"Accept-Language": ACCEPT[lang]})  # fmt: skip


def _html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def _wait_shell(page, lang: str) -> None:
    """Wait until the shell bar (a lazily loaded component) has set the page's language."""
    page.wait_for_function(
        "lang => document.documentElement.lang === lang && "
        "!!document.querySelector('nav.atlas-langbar a[aria-current]')",
        arg=lang, timeout=SLOW)  # fmt: skip


def _wait_run(page) -> None:
    """The script run has finished (Streamlit's own state of the app)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=SLOW)  # fmt: skip


def _switch(page):
    return page.locator("nav.atlas-langbar")


def test_german_word_list_can_catch_a_leak():
    words = german_words("fa")
    for leaked in ("hausnummer", "geprüft", "öffnungszeiten", "umkreis"):
        assert leaked in words
    assert not {"kooperative", "integration"} & words  # quoted on purpose in Farsi texts


@pytest.mark.parametrize("lang", ["ar", "fa", "uk", "de"])
def test_phone_in_that_language_gets_the_finder_in_it_and_german_only_as_marked_data(
    browser, app_server, lang
):
    page = _phone(browser, app_server, lang)
    try:
        page.goto(page.base_url + FINDER)  # no ?lang=: the browser's Accept-Language decides
        wait_for_app(page, SLOW)
        page.locator("article.atlas-card").first.wait_for(timeout=SLOW)
        _wait_shell(page, lang)
        expected_dir = "rtl" if lang in ("ar", "fa") else "ltr"
        assert page.evaluate("document.documentElement.dir") == expected_dir
        assert page.get_by_role("heading", name=t("finder.title", lang)).is_visible()
        assert ("lang=" + lang in page.url) == (lang != "de")  # kept in the URL
        # the switch names every language in its own script, marked with its lang
        links = _switch(page).locator("a")
        assert links.count() == len(LANGUAGES)
        assert _switch(page).get_attribute("aria-label") == t("shell.language_switch", lang)
        current = _switch(page).locator("a[aria-current]")
        assert current.get_attribute("lang") == lang
        assert current.inner_text() == LANGUAGES[lang].name

        _assert_current_language_in_view(page)
        _assert_in_language(page.evaluate(TEXTS_JS), lang, FINDER)
        if lang != "de":
            # Streamlit's own English labels are replaced too
            expand = page.locator('[data-testid="stExpandSidebarButton"]')
            assert expand.get_attribute("aria-label") == t("shell.st.expand_sidebar", lang)
        screenshot(page, f"shell_beratung_{lang}_390")
        _assert_map_popup_in_language(page, lang)
        # the start page, the fields of action and one field (the browser's language again)
        for path in ("/", "/handlungsfelder", f"/handlungsfelder?feld={FIELD_IDS[0]}"):
            page.goto(page.base_url + path)
            wait_for_app(page, SLOW)
            _wait_shell(page, lang)
            _assert_current_language_in_view(page)
            _assert_in_language(page.evaluate(TEXTS_JS), lang, path)
            if path != "/handlungsfelder":  # the start page's and the field's map
                _assert_map_in_language(page, lang, path)
            if path == "/":
                screenshot(page, f"shell_start_{lang}_390")
        page.atlas.assert_clean()
    finally:
        page.context.close()


def _assert_in_language(texts: list[list[str]], lang: str, where: str) -> None:
    """The texts (from :data:`TEXTS_JS`) outside ``lang="de"`` elements are in ``lang``: no
    word only German uses, none of Streamlit's English labels, and the language's digits
    (Persian: ۰-۹ only; the others: Western digits, as numbers are shown)."""
    ui = [text for code, text in texts if code != "de" or lang == "de"]
    if lang != "de":
        words = german_words(lang)
        leaked = sorted({f"{w!r} in {text!r}" for text in ui
                         for w in WORD.findall(HOST.sub(" ", text))
                         if w.casefold() in words})  # fmt: skip
        assert not leaked, f"{where}: {leaked}"
    if lang != "en":  # Streamlit's and Leaflet's own English labels are replaced
        assert not ENGLISH_LABELS & set(ui), f"{where}: {ENGLISH_LABELS & set(ui)}"
    digits = [text for text in ui if re.search(r"[0-9]", text)]
    if lang in NUMBERING:
        assert not digits, f"{where}: {digits}"  # Persian: ۰-۹ throughout the UI's own text
        assert any(re.search(r"[۰-۹]", text) for text in ui), f"{where}: no number shown"
    else:
        assert digits, f"{where}: no number shown"


def _assert_current_language_in_view(page) -> None:
    """The current language of the bar is scrolled into view (a phone's bar scrolls sideways:
    Українська is far to the end of the row)."""
    with suppress(PlaywrightTimeout):  # the bar scrolls once laid out; the box tells below
        page.wait_for_function(CURRENT_IN_VIEW_JS, timeout=10_000)
    box = _switch(page).locator("a[aria-current]").bounding_box()
    width = page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def _assert_map_popup_in_language(page, lang: str) -> None:
    """Show on map of the first card with a source date: the map tab opens with the office's
    popup (in the map's iframe), whose German data (name, address) is marked ``lang="de"``
    and whose source line reads as the card's (a date in the language's format and digits).
    Remarks in German ("Hinweis (Deutsch)") are checked in tests/test_localized_cards.py:
    the shipped data has none."""
    cards = page.locator("[role=tabpanel] article.atlas-card")
    label = t("map.source_date", lang)
    i = cards.evaluate_all("(els, s) => els.findIndex(e => e.innerText.includes(s))", label)
    assert i >= 0, "no card with a source date on the first page of results"
    card = cards.nth(i)
    name, status = card.locator("h3").inner_text(), card.locator(".atlas-status").inner_text()
    address = card.locator('p > span[lang="de"]').first.inner_text()
    page.get_by_role("button", name=t("finder.show_on_map", lang)).nth(i).tap()
    page.wait_for_url(re.compile(r"wahl="), timeout=SLOW)
    wait_for_app(page, SLOW)
    popup = page.frame_locator("iframe[title]").first.locator(".leaflet-popup-content").first
    popup.wait_for(timeout=SLOW)
    page.locator("iframe[title]").first.scroll_into_view_if_needed()
    frame = map_frame(page)
    wait_for_map_idle(frame, SLOW)
    german = popup.locator('[lang="de"]').all_inner_texts()
    assert name in german and address in german, (name, address, german)
    assert status in popup.inner_text(), (status, popup.inner_text())
    _assert_in_language(frame.evaluate(TEXTS_JS), lang, "map popup")
    screenshot(page, f"shell_map_popup_{lang}_390")


def _assert_map_in_language(page, lang: str, where: str) -> None:
    """The map's own document (its iframe) speaks the language: its ``lang``, Leaflet's zoom
    buttons named in it, the scale bar and the counts (clusters, bubbles) in its digits, no
    German outside ``lang="de"``. Its tooltips (names marked ``lang="de"``) are in the DOM
    only while hovered: their HTML is checked in tests/geo/test_map_texts.py."""
    page.locator("iframe[title]").first.scroll_into_view_if_needed()
    frame = map_frame(page)
    frame.wait_for_function(
        "lang => document.documentElement.lang === lang && "
        "!!document.querySelector('.leaflet-control-scale-line')",
        arg=lang, timeout=SLOW)  # fmt: skip
    wait_for_map_idle(frame, SLOW)
    zoom_in = frame.locator("a.leaflet-control-zoom-in")
    assert zoom_in.get_attribute("aria-label") == t("shell.map.zoom_in", lang)
    _assert_in_language(frame.evaluate(TEXTS_JS), lang, f"{where} map")


def test_language_switch_by_keyboard(browser, app_server):
    page = _new_page(browser, app_server, extra_http_headers={"Accept-Language": ACCEPT["de"]})
    try:
        page.goto(page.base_url + "/")
        wait_for_app(page, SLOW)
        _wait_shell(page, "de")
        nav = page.get_by_role("navigation", name=t("shell.language_switch", "de"))
        assert nav.is_visible()
        for _ in range(40):  # Tab through the page until the Ukrainian option has focus
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('hreflang')") == "uk":
                break
        else:
            pytest.fail("the language switch cannot be reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_function("document.documentElement.lang === 'uk'", timeout=SLOW)
        # the run has finished (not "network idle": the start page's map reloads in the new
        # language, which on a busy machine can keep the network busy for long)
        _wait_run(page)
        expect(page.get_by_role("heading", name=t("app.title", "uk"))).to_be_visible(timeout=SLOW)
        assert "lang=uk" in page.url
        # the choice beats the browser's German from now on, also after a reload
        page.reload()
        wait_for_app(page, SLOW)
        _wait_shell(page, "uk")
        page.atlas.assert_clean()
    finally:
        page.context.close()


def test_language_switch_by_tap_keeps_the_search_and_the_menu_closed(browser, app_server):
    page = _phone(browser, app_server, "de")
    try:
        page.goto(page.base_url + FINDER)
        wait_for_app(page, SLOW)
        page.locator("article.atlas-card").first.wait_for(timeout=SLOW)
        _wait_shell(page, "de")
        option = _switch(page).locator('a[lang="fa"]')
        box = option.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44  # a thumb's target
        assert option.get_attribute("dir") == "rtl"
        option.tap()
        page.wait_for_function("document.documentElement.lang === 'fa'", timeout=SLOW)
        # the run has finished (not "network idle": the map's frame reloads in the new
        # language, which on a busy machine can keep the network busy for long)
        _wait_run(page)
        page.locator("article.atlas-card").first.wait_for(timeout=SLOW)
        assert page.get_by_role("heading", name=t("finder.title", "fa")).is_visible()
        assert "q=Hannover" in page.url and "lang=fa" in page.url
        # the sidebar (navigation) stays closed over the page on a phone
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("aria-expanded") != "true"
        # the bar's first screen: the switch is at the top, in view without scrolling
        assert _switch(page).bounding_box()["y"] < 200
        # Streamlit's typing hint and character count under the search box, in Persian
        box = page.locator('[data-testid="stTextInput"] input').first
        box.fill("Hannover Mitte")
        hint = page.locator('[data-testid="InputInstructions"]').first
        page.wait_for_function(
            "text => { const e = document.querySelector('[data-testid=InputInstructions]');"
            " return !!e && e.innerText.includes(text); }",
            arg=t("shell.st.enter_submit", "fa"), timeout=SLOW)  # fmt: skip
        assert not re.search(r"[0-9]", hint.inner_text()), hint.inner_text()
        screenshot(page, "shell_switch_fa_390")
        page.atlas.assert_clean()
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_axe_finder_in_every_language(browser, app_server, lang):
    """No serious or critical WCAG 2.1 AA finding on the finder with results (search box,
    filters, cards, tabs: the richest public page) in any UI language (parametrised over
    i18n.LANGUAGES: new languages are covered by adding them). The start page is checked in
    de, fa, ro and ku by tests/browser/test_smoke.py. The same page load checks the script
    font: Tigrinya's vendored Ethiopic font is used in ti and downloaded in no other
    language."""
    page = _new_page(browser, app_server, **PHONE)
    try:
        for path in (FINDER,):
            sep = "&" if "?" in path else "?"
            page.goto(f"{page.base_url}{path}{sep}lang={lang}")
            wait_for_app(page, SLOW)
            _wait_shell(page, lang)
            found = blocking(axe_violations(page))
            assert not found, f"{path} in {lang}:\n{describe(found)}"
            _assert_script_font(page, lang)
        page.atlas.assert_clean()  # also: no request leaves localhost
    finally:
        page.context.close()


def _assert_script_font(page, lang: str) -> None:
    """Tigrinya's Ge'ez text is drawn with the vendored Noto Sans Ethiopic (ui/fonts.py),
    fetched from the app itself (regular and bold); no other language downloads it: there
    the bar's "ትግርኛ" is drawn with the names font of its four letters (1.7 kB)."""
    page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=SLOW)
    fonts = [u for u in page.atlas.requests if "noto-sans-ethiopic" in u]
    assert {urlsplit(u).hostname for u in fonts} <= {"127.0.0.1", "localhost"}, fonts
    full = [u for u in fonts if not u.endswith("/" + NAMES_FONT)]
    name = _switch(page).locator('a[lang="ti"]')
    if lang not in FONT_LANGUAGES:
        assert not full, full
        assert [u for u in fonts if u.endswith("/" + NAMES_FONT)], fonts
        assert NAMES_FAMILY in name.evaluate("el => getComputedStyle(el).fontFamily")
        assert page.evaluate("f => document.fonts.check(`16px '${f}'`, 'ትግርኛ')", NAMES_FAMILY)
        return
    faces = page.evaluate(
        "f => [...document.fonts].filter(x => x.family === f).map(x => [x.weight, x.status])",
        FAMILY,
    )
    assert ["400", "loaded"] in faces and ["700", "loaded"] in faces, faces
    heading = page.locator("[data-testid=stMain] h1").first
    assert heading.inner_text() == t("finder.title", lang)
    for el in (heading, name):
        assert FAMILY in el.evaluate("el => getComputedStyle(el).fontFamily")
    assert page.evaluate("f => document.fonts.check(`16px '${f}'`, 'ትግርኛ')", FAMILY)
    assert full


def test_streamlit_drop_down_and_upload_texts_in_the_ui_language(browser, app_server):
    page = _phone(browser, app_server, "ar")
    try:
        page.goto(page.base_url + "/luecken?nachfrage=upload")
        # the gap analysis of a cold server is slow on a busy machine: wait for the
        # uploader itself (drawn before the analysis), then for the shell's translation
        uploader = page.locator('[data-testid="stFileUploader"]').first
        uploader.wait_for(timeout=2 * SLOW)
        _wait_shell(page, "ar")
        # Streamlit may draw the uploader again after the shell translated it: wait until an
        # uploader reads fully in Arabic (label and size limit, no English left), not just once
        label = t("shell.st.upload", "ar")
        per_file = t("shell.st.per_file", "ar").split("{size}")[0].strip()
        page.wait_for_function(
            "([label, perFile]) => [...document.querySelectorAll('[data-testid=stFileUploader]')]"
            ".some(e => { const s = e.innerText; return s.includes(label) && "
            "s.includes(perFile) && !s.includes('per file') && !s.includes('Upload'); })",
            arg=[label, per_file], timeout=SLOW)  # fmt: skip
        text = page.locator('[data-testid="stFileUploader"]', has_text=label).first.inner_text()
        assert label in text and "per file" not in text
        # an open drop-down with a search that matches nothing
        # (a visible one: on a phone the sidebar's and collapsed sections' drop-downs are hidden)
        select = page.locator('[data-testid="stSelectbox"] input').filter(visible=True).first
        select.click(timeout=SLOW)
        option = page.locator('[role="option"]').first
        option.wait_for(timeout=SLOW)  # Arabic options run right to left (Streamlit sets dir="ltr")
        assert option.evaluate("e => getComputedStyle(e).direction") == "rtl"
        select.fill("zzzzqqq")
        empty = page.get_by_text(t("shell.st.no_results", "ar"), exact=True)
        empty.wait_for(timeout=SLOW)
        assert not page.get_by_text("No results", exact=True).count()
        page.keyboard.press("Escape")
        page.atlas.assert_clean()
    finally:
        page.context.close()
