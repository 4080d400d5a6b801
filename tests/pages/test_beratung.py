"""The finder page (AppTest): search, ambiguity, unknown input, filters, URL state."""

import re

import pytest

from ui.blocks import escape_markdown


def _open(app, **params):
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page("pages/beratung.py").run()
    assert not app.exception
    return app


def _cards(app):
    """The result cards: escaped HTML through ``st.html`` (never markdown)."""
    assert not any("atlas-card" in m.value for m in app.markdown), "a card went through markdown"
    return [h.value for h in app.html if h.value.startswith('<article class="atlas-card')]


def test_empty_page_shows_search_box_and_hint(app):
    _open(app)
    assert app.title[0].value == "Beratung in Ihrer Nähe finden"
    assert app.text_input(key="f_q").value == ""
    assert any("Гёттинген" in c.value for c in app.caption)
    assert _cards(app) == []


@pytest.mark.parametrize("q", ["37073", "Göttingen", "Goettingen", "gottingen", "Гёттинген",
                               "غوتينغن", "Gottingn"])  # fmt: skip
def test_postcode_or_place_in_any_script_finds_goettingen_offers(app, q):
    _open(app, q=q)
    assert app.header[0].value.endswith("Angebote gefunden")
    cards = _cards(app)
    assert cards, "Göttingen has offers in the default content"
    assert "Göttingen" in cards[0]
    # a distance, or "in Göttingen" for an office located only by its place
    assert "km" in cards[0] or 'in <span lang="de" dir="auto">Göttingen' in cards[0]


def test_typing_a_search_updates_the_url(app):
    _open(app)
    app.text_input(key="f_q").set_value("Hildesheim")
    app.button[0].click().run()  # the form's submit button
    assert not app.exception
    assert app.query_params["q"] in ("Hildesheim", ["Hildesheim"])
    assert "Hildesheim" in _cards(app)[0]


def test_ambiguous_place_offers_a_choice(app):
    _open(app, q="Neustadt")
    labels = [b.label for b in app.button]
    # place names reach the button label (markdown) escaped
    assert escape_markdown("Neustadt am Rübenberge (Region Hannover)") in labels
    choice = next(b for b in app.button if b.label.startswith("Neustadt am Rübenberge"))
    choice.click().run()
    assert app.query_params["q"] in ("Neustadt am Rübenberge (Region Hannover)",
                                     ["Neustadt am Rübenberge (Region Hannover)"])  # fmt: skip
    assert app.header[0].value.endswith("Angebote gefunden")


def test_unknown_input_says_so_with_suggestions(app):
    _open(app, q="Hildeshiem Xq")
    _open(app, q="Xyzzyville")
    assert "nicht gefunden" in app.error[0].value


def test_postcode_outside_lower_saxony(app):
    _open(app, q="80331")
    assert "liegt nicht in Niedersachsen" in app.error[0].value


def test_filters_from_url_are_applied_and_shown(app):
    _open(app, q="Hannover", r="50", art="jmd")
    assert app.selectbox(key="f_art").value == "jmd"
    assert app.selectbox(key="f_r").value == 50
    for card in _cards(app):
        assert "Jugendmigrationsdienst" in card


def test_filter_change_writes_url(app):
    _open(app, q="Hannover")
    app.selectbox(key="f_sprache").set_value("ar").run()
    assert app.query_params["sprache"] in ("ar", ["ar"])
    app.checkbox(key="f_offen").check().run()
    assert app.query_params["offen"] in ("1", ["1"])
    assert any("Öffnungszeiten" in c.value for c in app.caption)


def test_bad_link_parameters_are_reported_not_fatal(app):
    _open(app, q="Celle", feld="<script>", r="999")
    assert "ungültig" in app.warning[-1].value
    assert app.selectbox(key="f_r").value == 25


def test_show_on_map_marks_the_offer_in_url(app):
    _open(app, q="37073")
    button = next(b for b in app.button if b.label == "Auf der Karte zeigen")
    button.click().run()
    assert "wahl" in app.query_params
    assert any("atlas-selected" in c for c in _cards(app))


def test_english_ui(app):
    _open(app, q="37073", lang="en")
    assert app.title[0].value == "Find counselling near you"
    assert app.header[0].value.endswith("offers found")


@pytest.mark.parametrize("params", [
    {"q": "37073", "offen": "1", "barrierefrei": "1"},
    {"q": "Hannover", "offen": "1", "art": "jmd", "sprache": "fa"},
])  # fmt: skip
def test_issue_8_filter_urls_show_results_not_a_crash(app, params):
    _open(app, **params)
    assert not app.error
    assert app.header[0].value.endswith(("gefunden",))
    assert app.checkbox(key="f_offen").value is True


@pytest.mark.parametrize("q", ["[Termin buchen](https://evil.example/phish)",
                               "![p](https://evil.example/r.png)",
                               "<img src=https://evil.example/x.png>"])  # fmt: skip
def test_quoted_search_text_cannot_become_a_link_or_image(app, q):
    _open(app, q=q)
    [message] = [e.value for e in app.error]
    assert escape_markdown(q) in message  # shown literally
    # every markdown/HTML character arrives backslash-escaped: none is left bare
    assert not re.search(r"(?<!\\)[\[\]()<>!]", message.replace("„", "").replace("“", ""))


# --------------------------------------------------------------------------- honest results


def test_language_filter_shows_offers_that_may_speak_it_under_their_own_heading(app):
    _open(app, q="Hannover", r="200", sprache="fa")
    heading = "Vielleicht wird hier Persisch gesprochen – fragen Sie am Telefon"
    assert heading in [s.value for s in app.subheader]
    cards = _cards(app)
    unknown = [c for c in cards if "Sprachen: unbekannt" in c]
    assert len(unknown) >= 5, "the nearest offers with unknown languages are listed"
    # the offers that list Farsi come first, the fallback after them
    listed = [c for c in cards if "Persisch" in c]
    assert cards.index(listed[0]) < cards.index(unknown[0]) if listed else True
    assert not any("Vergrößern" in i.value for i in app.info)


def test_no_match_at_the_largest_radius_does_not_advise_a_larger_one(app):
    # no accessible youth migration service for families in the data: nothing, even at 200 km
    _open(app, q="Hannover", r="200", art="jmd", gruppe="familien", barrierefrei="1")
    assert app.header[0].value.startswith("0 ")
    [info] = [i.value for i in app.info]
    assert "größten Umkreis (200 km)" in info and "Vergrößern" not in info
    assert "Filter" in info
    _open(app, q="Hannover", r="5", art="jmd", gruppe="familien", barrierefrei="1")
    assert "Vergrößern" in app.info[0].value


def test_place_only_offices_read_in_place_and_counselling_comes_first(app):
    _open(app, q="Göttingen")
    cards = _cards(app)
    first = cards[0]
    assert 'in <span lang="de" dir="auto">Göttingen</span>' in first
    assert "0,0 km" not in first and "Ortsmitte" not in first
    assert "Internationale Gärten" not in first  # a garden does not win the tie
    # the office with a street but no exact coordinates routes to its address text
    neustadt = next(c for c in cards if "Neustadt 18" in c)
    assert "directions?to=Neustadt+18%2C+G%C3%B6ttingen" in neustadt
    # an office known only by its place offers no route and says so
    only_place = next(c for c in cards if "Refugee Law Clinic" in c)
    assert "directions" not in only_place and "Nur der Ort ist bekannt" in only_place
