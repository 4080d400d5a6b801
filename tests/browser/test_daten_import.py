"""A coordinator's import in a real browser: login, German spreadsheet, mapping, fix, commit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from directory.auth import create_user
from i18n import t
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "Korrekt-Pferd-Batterie-42"
HEADER = "Träger;Angebot;Angebotsart;Straße;PLZ;Ort;Kontakt;Bemerkung\r\n"
ROW_OK = ("Beispielverein Hannover e.V. (fiktiv);Beratung im Test;Migrationsberatung;"
          "Teststraße 1;30159;Hannover;0511 1234567;intern\r\n")  # fmt: skip
ROW_BAD = ("Beispielverein Hannover e.V. (fiktiv);Zweites Testangebot;Migrationsberatung;"
           "Teststraße 2;99999;Hannover;0511 7654321;\r\n")  # fmt: skip


def _csv(path: Path, *rows: str) -> Path:
    path.write_bytes((HEADER + "".join(rows)).encode("cp1252"))
    return path


def _login(page, app_server, lang: str = "de") -> None:
    users = Path(app_server.database_url.removeprefix("sqlite:///")).parent / "users.toml"
    create_user("browser_admin", PASSWORD, "admin", path=users, replace=True)
    page.goto(page.base_url + "/daten" + ("" if lang == "de" else f"?lang={lang}"))
    wait_for_app(page)
    page.get_by_label(t("auth.username", lang)).fill("browser_admin")
    page.get_by_label(t("auth.password", lang), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("auth.login", lang)).click()
    # the first /daten run of a busy server takes a while
    page.get_by_role("tab", name=t("daten.tab.io", lang)).wait_for(timeout=90_000)


def _upload(page, path: Path) -> None:
    page.get_by_role("tab", name=t("daten.tab.io", "de")).click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("Vorschau:").wait_for(timeout=30_000)
    wait_for_app(page)


def _map_kontakt_to_phone(page) -> None:
    phone = t("daten.field.phone", "de")
    wait_for_app(page)
    box = page.get_by_role("combobox", name="Kontakt")
    if not box.is_visible():  # the expander opens by itself when columns are ignored
        page.get_by_text(t("daten.import_mapping", "de")).click()
    # A rerun still finishing can re-render the form and close the open list: retry.
    for _ in range(3):
        box.click()
        box.fill(phone)  # the long option list is filtered by typing
        try:
            page.get_by_role("option", name=phone, exact=True).click(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_for_app(page)
    expect(box).to_have_value(phone)
    page.get_by_role("button", name=t("daten.import_mapping_apply", "de")).click()
    wait_for_app(page)


def test_import_german_spreadsheet_with_mapping_and_fix(page, app_server, tmp_path):
    _login(page, app_server)
    _upload(page, _csv(tmp_path / "liste.csv", ROW_OK, ROW_BAD))
    preview = page.get_by_text("Vorschau:").inner_text()
    assert re.search(r"2 Zeilen.*1 abgelehnt", preview), preview
    commit = page.get_by_role("button", name=t("daten.import_commit", "de"))
    assert commit.is_disabled()  # a flagged row blocks the all-or-nothing commit
    expect(page.get_by_text(t("daten.import_why_rows", "de", n=1))).to_be_visible()
    # "Kontakt" is not recognised: map it to the phone field by hand
    _map_kontakt_to_phone(page)
    screenshot(page, "daten_import_preview")
    # fix the flagged row in the spreadsheet and upload it again
    _upload(page, _csv(tmp_path / "liste_korrigiert.csv", ROW_OK,
                       ROW_BAD.replace("99999", "30161")))  # fmt: skip
    # the old preview stays on screen until the new file's run finishes: wait for the change
    expect(page.get_by_text("Vorschau:")).to_contain_text("0 abgelehnt", timeout=30_000)
    _map_kontakt_to_phone(page)
    page.get_by_role("button", name=t("daten.import_commit", "de")).click()
    page.get_by_text(re.compile(r"Import gespeichert: 2 neu")).wait_for(timeout=30_000)
    page.atlas.assert_clean()
    # the new offers are public at once, with the mapped phone number
    page.goto(page.base_url + "/beratung?q=30159&r=5")
    wait_for_app(page)
    card = page.locator("article.atlas-card", has_text="Beratung im Test")
    assert card.count() == 1 and "0511 1234567" in card.inner_text()


def test_upload_box_speaks_the_ui_language(page, app_server):
    """Streamlit's own "Upload" / "200MB per file" are replaced (CSS) by the UI language."""
    for lang in ("de", "en"):
        _login(page, app_server, lang)
        page.get_by_role("tab", name=t("daten.tab.io", lang)).click()
        zone = page.locator("[data-testid=stFileUploaderDropzone]")
        expect(zone).to_be_visible()
        seen = zone.evaluate("""z => [...z.querySelectorAll('*')].filter(e => {
            const s = getComputedStyle(e); return s.display !== 'none';
        }).map(e => getComputedStyle(e, '::after').content + ' ' + (e.childElementCount ? ''
            : e.textContent)).join(' ')""")
        assert t("daten.upload.button", lang) in seen and t("daten.upload.drop", lang) in seen
        visible = zone.inner_text()
        assert "per file" not in visible and "Upload" not in visible, visible
        limit = t("daten.import_limit", lang, mb="20", types="CSV, XLSX, GEOJSON, JSON, ZIP")
        expect(page.get_by_text(limit)).to_be_visible()


def test_a_click_on_a_row_opens_the_record(page, app_server):
    _login(page, app_server)
    wait_for_app(page)  # the login's run draws the tabs first, the list of records after
    grid = page.locator("[data-testid=stDataFrame]").filter(visible=True).first
    grid.wait_for(timeout=60_000)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 80, box["y"] + 35 + 17)  # the first row's name cell
    page.get_by_role("heading", name=t("daten.history", "de")).wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.locator("[data-testid=stForm]").count() >= 1
    page.atlas.assert_clean()


HOSTILE_HEADER = ("**x**;[a](https://evil.example);![p](https://evil.example/p.png);Name\r\n"
                  "1;2;3;Sprachcafé (fiktiv)\r\n")


def test_hostile_headers_stay_plain_text(page, app_server, tmp_path):
    _login(page, app_server)
    path = tmp_path / "feindlich.csv"
    path.write_text(HOSTILE_HEADER, encoding="utf-8")
    _upload(page, path)
    page.get_by_text(t("daten.import_mapping", "de")).first.wait_for()
    # shown literally (a zero-width space after "https:" stops automatic linking)
    link = re.compile(r"^\[a\]\(https:[\u200b\u2060]?//evil\.example\)$")
    expect(page.get_by_text(link).first).to_be_visible()
    bad = page.locator("a[href*='evil.example'], img[src*='evil.example']")
    assert bad.count() == 0, [bad.nth(i).evaluate("e => e.parentElement.parentElement.outerHTML")
                              for i in range(bad.count())]
    expect(page.get_by_text("**x**", exact=True)).to_be_visible()  # no bold: the asterisks show
    image = re.compile(r"^!\[p\]\(https:[\u200b\u2060]?//evil\.example/p\.png\)$")
    expect(page.get_by_text(image).first).to_be_visible()
    assert page.atlas.foreign_requests() == []
    screenshot(page, "daten_hostile_headers")
