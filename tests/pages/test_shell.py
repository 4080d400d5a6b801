"""The app shell: navigation, language switch, start and info pages."""

import re

import pytest

from geo.population import ATTRIBUTION
from i18n import catalogue
from ui.blocks import escape_markdown


def test_start_page_renders_in_german(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Integrationsatlas Niedersachsen"
    offers = next(m for m in app.metric if m.label == "Angebote")
    assert int(offers.value) >= 139
    # the default content covers every one of the 45 districts (issue #9)
    districts = next(m for m in app.metric if m.label == "Landkreise und Städte mit Angeboten")
    assert districts.value == "45 von 45"


def test_language_choice_of_the_session_is_kept_in_the_url(app):
    """The switch's callback (ui.state.choose_language, driven in tests/browser/test_shell.py)
    sets the session's language; the next run renders it and writes it to the URL."""
    app.run()
    assert "lang" not in app.query_params  # German browser (no header here), German page
    app.session_state["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Integration Atlas Lower Saxony"
    assert app.query_params["lang"] == ["en"] or app.query_params["lang"] == "en"


def test_shell_bar_lists_every_ui_language_by_its_own_name():
    from i18n import LANGUAGES
    from ui.page_language import STREAMLIT_LABELS, shell_data

    data = shell_data("fa")
    assert [o["code"] for o in data["options"]] == list(LANGUAGES)
    assert {o["name"] for o in data["options"]} >= {"Deutsch", "العربية", "فارسی", "Українська"}
    assert data["label"] == "انتخاب زبان" and data["dir"] == "rtl"
    assert set(data["labels"]) == set(STREAMLIT_LABELS)
    assert data["labels"]["Expand sidebar"] == "باز کردن منو"
    assert "{size}" in data["perFile"]


def test_language_from_url(app):
    app.query_params["lang"] = "en"
    app.run()
    assert app.title[0].value == "Integration Atlas Lower Saxony"


def test_unknown_language_falls_back_to_german(app):
    app.query_params["lang"] = "xx"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Integrationsatlas Niedersachsen"


def test_info_page_has_all_sections(app):
    app.switch_page("pages/info.py").run()
    assert not app.exception
    headers = [h.value for h in app.header]
    de = catalogue("de")
    for key in ("info.sources", "info.imprint", "info.privacy", "info.accessibility"):
        assert de[key] in headers
    text = " ".join(m.value for m in app.markdown)
    assert "GeoBasis-DE / BKG" in text
    assert "dl-de/by-2-0" in text
    assert "GeoNames" in text
    assert "vom Betreiber einzutragen" in text  # operator placeholder until configured


def _info_text(app) -> str:
    app.switch_page("pages/info.py").run()
    assert not app.exception
    return "\n".join(m.value for m in app.markdown)


def test_privacy_notice_and_accessibility_statement_are_complete(app):
    text = _info_text(app)
    for needed in (
        "Art. 6 Abs. 1 UAbs. 1 Buchst. e DSGVO", "§ 3 NDSG", "Buchst. f DSGVO",  # legal bases
        "Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 20", "Art. 21", "Art. 77",
        "Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover",
        "Server-Protokolle", "„In meiner Nähe“", "nächstgelegenen Postleitzahl",
        "technisch notwendige Cookies", "Tracking",
        "teilweise vereinbar", "§ 9a", "BITV 2.0", "§ 9d NBGG", "Schlichtungsstelle",
        "behindertenbeauftragte-niedersachsen.de", "30\\. November 2026",
        "Kartenkacheln** sind ausgeschaltet",  # the test app runs with ATLAS_TILES=none
        "Landesamt für Statistik Niedersachsen",
    ):  # fmt: skip
        assert needed in text, needed
    assert text.count("vom Betreiber einzutragen") >= 7  # operator, controller, DPO, retention


def test_operator_settings_are_shown_as_text_never_markup(app, monkeypatch):
    monkeypatch.setenv("ATLAS_OPERATOR_NAME", "![x](https://evil.example/a.png)")
    monkeypatch.setenv("ATLAS_OPERATOR_EMAIL", "<img src=x onerror=alert(1)>")
    monkeypatch.setenv("ATLAS_DPO_NAME", "Datenschutz\n\n[Link](https://evil.example)")
    monkeypatch.setenv("ATLAS_LOG_RETENTION_DAYS", "7")
    monkeypatch.setenv("ATLAS_ACCESSIBILITY_REVIEWED", "2027-01-15")
    text = _info_text(app)
    assert "](http" not in text and "evil.example" not in text  # escaped: evil\.example
    assert not re.search(r"(?<!\\)<img", text) and "\\<img" in text
    assert "nach 7 Tagen gelöscht" in text and "15\\. Januar 2027" in text
    assert escape_markdown("![x](https://evil.example/a.png)") in text


@pytest.mark.parametrize("lang", ["en", "ar", "ru"])
def test_info_page_in_other_languages_keeps_the_lsn_attribution(app, lang):
    app.query_params["lang"] = lang
    text = _info_text(app)
    assert "Landesamt für Statistik Niedersachsen" in text.replace("\\", "")
    assert ATTRIBUTION.split(";")[0].replace("(", "").replace(")", "") in (
        text.replace("\\", "").replace("(", "").replace(")", ""))
    assert "Prinzenstraße 5, 30159 Hannover" in text


def test_start_page_search_box_opens_the_finder_with_the_place(app):
    app.query_params["lang"] = "fa"
    app.run()
    box = app.text_input(key="start_q")
    assert box.label == catalogue("fa")["finder.search_label"]  # the finder's label, in Persian
    box.set_value("هانوفر")
    app.button[0].click().run()
    assert not app.exception
    assert app.query_params["q"] in (["هانوفر"], "هانوفر")
    assert app.title[0].value == catalogue("fa")["finder.title"]
