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


def _login(page, app_server) -> None:
    users = Path(app_server.database_url.removeprefix("sqlite:///")).parent / "users.toml"
    create_user("browser_admin", PASSWORD, "admin", path=users, replace=True)
    page.goto(page.base_url + "/daten")
    wait_for_app(page)
    page.get_by_label(t("auth.username", "de")).fill("browser_admin")
    page.get_by_label(t("auth.password", "de"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("auth.login", "de")).click()
    page.get_by_role("tab", name=t("daten.tab.io", "de")).wait_for(timeout=30_000)


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
    assert re.search(r"2 Zeilen.*1 mit Fehlern", preview), preview
    commit = page.get_by_role("button", name=t("daten.import_commit", "de"))
    assert commit.is_disabled()  # a flagged row blocks the all-or-nothing commit
    # "Kontakt" is not recognised: map it to the phone field by hand
    _map_kontakt_to_phone(page)
    screenshot(page, "daten_import_preview")
    # fix the flagged row in the spreadsheet and upload it again
    _upload(page, _csv(tmp_path / "liste_korrigiert.csv", ROW_OK,
                       ROW_BAD.replace("99999", "30161")))  # fmt: skip
    # the old preview stays on screen until the new file's run finishes: wait for the change
    expect(page.get_by_text("Vorschau:")).to_contain_text("0 mit Fehlern", timeout=30_000)
    _map_kontakt_to_phone(page)
    page.get_by_role("button", name=t("daten.import_commit", "de")).click()
    page.get_by_text(re.compile(r"Import gespeichert: 2 neu")).wait_for(timeout=30_000)
    page.atlas.assert_clean()
    # the new offers are public at once, with the mapped phone number
    page.goto(page.base_url + "/beratung?q=30159&r=5")
    wait_for_app(page)
    card = page.locator("article.atlas-card", has_text="Beratung im Test")
    assert card.count() == 1 and "0511 1234567" in card.inner_text()
