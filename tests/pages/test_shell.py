"""The app shell: navigation, language switch, start and info pages."""

from i18n import catalogue


def test_start_page_renders_in_german(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Integrationsatlas Niedersachsen"
    offers = next(m for m in app.metric if m.label == "Angebote")
    assert int(offers.value) >= 79


def test_language_switch_to_english_updates_url(app):
    app.run()
    app.selectbox(key="language_switch").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Integration Atlas Lower Saxony"
    assert app.query_params["lang"] == ["en"] or app.query_params["lang"] == "en"


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
