"""Hostile input in Chromium: stored and typed text stays text, nothing foreign loads.

A fresh app server (own database: the default content plus one imported record whose text
fields carry markdown, HTML and a blank line that once broke out of the card) is opened with
the URLs of issue #8. Checked in the real DOM: no element, link or request to another host,
no dialog, the hostile text shown literally. The broad property tests run at the function
and AppTest level (``tests/test_cards.py``, ``tests/pages/test_properties.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from i18n import t
from tests.browser.conftest import (
    ROOT,
    _new_page,
    map_frame,
    running_app,
    screenshot,
    wait_for_app,
    wait_for_map_idle,
)

pytestmark = pytest.mark.browser

EVIL = "https://evil.example"
NAME = f"Beratung ![x]({EVIL}/name.png) **fett**"
ORG = f"<img src={EVIL}/org.png onerror=alert(1)> e.V."
STREET = f"[Termin buchen]({EVIL}/street) 1"
NOTE = f"Rampe\n\n![x]({EVIL}/note.png)\n<script>alert(2)</script>"
HEADER = ("Name;Träger;Art;Handlungsfelder;Zielgruppen;Sprachen;Straße;PLZ;Ort;Breitengrad;"
          "Längengrad;Telefon;E-Mail;Webseite;Öffnungszeiten;Barrierefrei;"
          "Hinweis Barrierefreiheit;Status;Quelle;Stand;Geprüft am")  # fmt: skip


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, chromium_path):
    """An app server whose store holds the default content and one hostile record."""
    tmp = tmp_path_factory.mktemp("hostile")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'atlas.sqlite'}",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    row = [_quoted(NAME), _quoted(ORG), "mbe", "beruf", "erwachsene", "de", _quoted(STREET),
           "37073", "Göttingen", "", "", "0551 12345", "", "https://example.org", "", "ja",
           _quoted(NOTE), "active", "https://example.org", "2026-01-01", ""]  # fmt: skip
    csv = tmp / "hostile.csv"
    csv.write_text(HEADER + "\n" + ";".join(row) + "\n", encoding="utf-8")
    for args in (["seed"], ["import", str(csv)]):
        done = subprocess.run([sys.executable, "-m", "directory", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    with running_app(tmp) as server:
        yield server


@pytest.fixture
def hostile_page(browser, hostile_app):
    page = _new_page(browser, hostile_app)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    page.context.close()


def _nothing_foreign(page) -> None:
    """No element pointing at the evil host in the page or its frames; no request; no dialog."""
    for frame in page.frames:
        # every link and source by its host: the evil host may appear as *text* inside an
        # own or route-planner URL (the stored street is the route's destination, encoded)
        urls = frame.eval_on_selector_all(
            "[src], [href]", "els => els.map(e => e.getAttribute('src') || e.getAttribute('href'))"
        )
        bad = [u for u in urls if (urlsplit(u.strip()).hostname or "").endswith("evil.example")]
        assert not bad, (frame.url, bad)
    assert page.dialogs == []
    assert not [u for u in page.atlas.requests if urlsplit(u).hostname == "evil.example"]
    page.atlas.assert_clean()


def test_stored_markdown_and_html_stay_text_in_card_and_map(hostile_page):
    page = hostile_page
    page.goto(page.base_url + "/beratung?q=37073&r=5")
    wait_for_app(page, 90_000)  # the fresh server's first run loads the gazetteer
    card = page.locator("[role=tabpanel] article.atlas-card", has_text="Termin buchen")
    card.wait_for()
    assert card.locator("h3").inner_text() == NAME  # literally, markdown and all
    text = card.inner_text()
    for value in (ORG, STREET):
        assert value in text
    assert "![x](https://evil.example/note.png)" in text and "<script>alert(2)</script>" in text
    assert card.locator("img, script, iframe, strong:has-text('fett')").count() == 0
    screenshot(page, "injection_card")
    # the map: popup and tooltip text of the same record stay text too ("show on map" opens
    # its popup, whose address, source and German lines are the card's HTML)
    cards = page.locator("[role=tabpanel] article.atlas-card")
    i = cards.evaluate_all("els => els.findIndex(e => e.innerText.includes('Termin buchen'))")
    page.get_by_role("button", name=t("finder.show_on_map", "de")).nth(i).click()
    page.wait_for_url(re.compile(r"wahl="), timeout=30_000)
    wait_for_app(page)
    frame = page.frame_locator("iframe[title]").first
    popup = frame.locator(".leaflet-popup-content").first
    popup.wait_for(timeout=30_000)
    assert popup.locator("strong").first.inner_text() == NAME
    text = popup.inner_text()
    for value in (ORG, STREET, "<script>alert(2)</script>"):
        assert value in text, (value, text)
    # no element from the data: the only <strong> is the popup's own name line
    assert popup.locator("img, script, iframe, em, strong strong").count() == 0
    assert t("shell.note_de", "de") in text  # the note is in the marked German line
    markers = frame.locator('.marker-cluster, path.leaflet-interactive[stroke="#ffffff"]')
    markers.first.wait_for(state="attached", timeout=30_000)
    wait_for_map_idle(map_frame(page))
    _nothing_foreign(page)


@pytest.mark.parametrize("query", [
    "q=37073&offen=1&barrierefrei=1",
    "q=Hannover&offen=1&art=jmd&sprache=fa",
    "q=[Termin buchen](https://evil.example/phish)",
    "q=![p](https://evil.example/r.png)",
    "q=<img src=https://evil.example/i.png onerror=alert(1)>&lang=ar",
])  # fmt: skip
def test_issue_urls_show_results_or_a_friendly_message(hostile_page, query):
    page = hostile_page
    page.goto(page.base_url + "/beratung?" + query)
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    main = page.locator('[data-testid="stMain"]')
    assert "Traceback" not in main.inner_text()
    if "evil" in query:
        typed = query.split("q=", 1)[1].split("&lang")[0]
        alert = page.locator('[data-testid="stAlertContentError"]')
        # quoted literally, as text (an invisible word joiner keeps URLs from being linked)
        assert typed in alert.inner_text().replace("\u2060", "")
        assert alert.locator("a, img").count() == 0
    else:
        assert page.get_by_role("heading", name="gefunden").count() == 1
    screenshot(page, "issue8_" + "".join(ch for ch in query if ch.isalnum())[:40])
    _nothing_foreign(page)


def test_escaped_place_buttons_read_naturally(hostile_page):
    page = hostile_page
    page.goto(page.base_url + "/beratung?q=Neustadt")
    wait_for_app(page)
    button = page.get_by_role("button", name="Neustadt am Rübenberge (Region Hannover)")
    assert button.inner_text().strip() == "Neustadt am Rübenberge (Region Hannover)"  # no \(
    _nothing_foreign(page)
