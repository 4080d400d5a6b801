"""Plain words on the pages (AppTest): the finder's filters show plain names and explain the
chosen option, every card explains its kind, the Leichte-Sprache switch (``ls=1``) turns the
finder's texts into Leichte Sprache, and /handlungsfelder keeps the programme's names."""

import re
from html import escape

from streamlit.testing.v1 import AppTest

from directory.taxonomy import FIELD_IDS, KIND_IDS
from i18n import EASY_SUFFIX, catalogue, is_easy_variant, t
from ui.blocks import escape_markdown
from ui.plain import field_about, field_name, kind_about, kind_name

GERMAN = catalogue("de")


def _open(app, page="pages/beratung.py", **params):
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page).run()
    assert not app.exception
    return app


def _cards(app):
    return [h.value for h in app.html if h.value.startswith('<article class="atlas-card')]


def test_field_filter_shows_plain_names(app):
    _open(app)
    box = app.selectbox(key="f_feld")
    assert list(box.options)[1:] == [field_name(f, "de") for f in FIELD_IDS]
    assert "Leben im Stadtteil" in box.options
    assert not {"Soziale Stadt", "Interkulturelle Öffnung",
                "Dialog mit Akteuren im Integrationsprozess"} & set(box.options)  # fmt: skip
    kinds = app.selectbox(key="f_art")
    assert not any("Koordinierungsstelle" in o for o in kinds.options)
    assert "Jugendmigrationsdienst (JMD)" in kinds.options
    # every explanation is in the filter's help (a phone user sees the caption below)
    assert escape_markdown(kind_about("welcome_center", "de")) in kinds.help


def test_chosen_option_is_explained_under_the_filter(app):
    _open(app, feld="soziale_stadt", art="jmd")
    captions = [c.value for c in app.caption]
    assert escape_markdown(field_about("soziale_stadt", "de")) in captions
    assert escape_markdown(kind_about("jmd", "de")) in captions


def test_every_card_explains_its_kind_in_plain_words(app):
    _open(app, q="Göttingen", lang="ar")
    cards = _cards(app)
    assert cards
    explained = {k: escape(kind_about(k, "ar")) for k in KIND_IDS}
    for card in cards:
        kinds = [k for k, about in explained.items() if f'class="atlas-kind-about">{about}' in card]
        assert len(kinds) == 1, card
        assert escape(kind_name(kinds[0], "ar")) in card


def test_easy_mode_shows_leichte_sprache(app):
    _open(app, q="Göttingen", ls="1")
    assert app.checkbox(key="f_ls").value is True
    assert app.title[0].value == GERMAN["finder.title.ls"]
    assert app.header[0].value.startswith("Wir haben ")
    assert app.selectbox(key="f_feld").label == GERMAN["finder.field.ls"]
    cards = _cards(app)
    assert cards
    easy = [escape(GERMAN[f"plain.kind_about.{k}.ls"]) for k in KIND_IDS]
    assert all(any(text in card for text in easy) for card in cards)
    assert not any("MBE" in card.split('class="atlas-kind-about">')[1][:200] for card in cards)
    assert any(escape(GERMAN["map.unverified.ls"]) in card for card in cards)


def test_easy_switch_lives_in_the_url(app):
    _open(app, q="Göttingen")
    assert app.title[0].value == t("finder.title", "de")
    app.checkbox(key="f_ls").check().run()
    assert not app.exception
    assert app.query_params["ls"] in ("1", ["1"])
    assert app.title[0].value == GERMAN["finder.title.ls"]
    app.checkbox(key="f_ls").uncheck().run()
    assert "ls" not in app.query_params
    assert app.title[0].value == t("finder.title", "de")


def test_easy_switch_is_german_only(app):
    _open(app, q="Göttingen", ls="1", lang="en")
    assert app.title[0].value == t("finder.title", "en")
    assert not [c for c in app.checkbox if c.key == "f_ls"]
    cards = _cards(app)
    assert cards and all(any(escape(kind_about(k, "en")) in c for k in KIND_IDS) for c in cards)


def test_fields_page_keeps_the_programme_names_beside_the_plain_ones(app):
    _open(app, page="pages/handlungsfelder.py")
    html = "\n".join(h.value for h in app.html)
    assert escape(t("plain.col_about", "de")) in html
    assert "Soziale Stadt" in html and "Leben im Stadtteil" in html
    assert escape(field_about("dialog", "de")) in html


def test_field_page_names_the_field_officially_and_plainly(app):
    _open(app, page="pages/handlungsfelder.py", feld="soziale_stadt")
    assert app.subheader[0].value == "Soziale Stadt"
    text = "\n".join(m.value for m in app.markdown)
    assert escape_markdown(f"Leben im Stadtteil: {field_about('soziale_stadt', 'de')}") in text


def _strings(value) -> list[str]:
    """The texts in a message's fields (and in the JSON data of a custom component)."""
    import json

    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if not isinstance(value, str):
        return []
    if value[:1] in "{[":
        try:
            return [value, *_strings(json.loads(value))]
        except ValueError:
            pass
    return [value]


def _shown_text(app) -> str:
    """Everything the finder sent to the browser: every element's texts (labels, options,
    HTML, the "near me" component's data)."""
    from google.protobuf.json_format import MessageToDict

    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.extend(_strings(MessageToDict(proto)))
        children = getattr(node, "children", None)
        for child in children.values() if isinstance(children, dict) else ():
            walk(child)

    walk(app._tree)
    return "\n".join(out)


def _is_shown(text: str, shown: str) -> bool:
    """``text`` (its longest part between placeholders) is in ``shown``, as text,
    HTML or Markdown."""
    part = max(re.split(r"\{\w+\}", text), key=len).strip()
    forms = (part, escape(part), escape(part, quote=False), escape_markdown(part))
    return any(form in shown for form in forms)


def test_easy_mode_reaches_every_finder_text_with_a_variant(app, monkeypatch):
    """With ls=1 every text of the finder that has a Leichte-Sprache variant in the catalogue
    is shown in it: the keys the finder looks up are recorded on a walk through its states
    (start with a "near me" notice, the offers that may speak the language, results with
    filters, the map with its popups, a place not found); none may be looked up in its
    normal German form, and every variant looked up is on the page."""
    import i18n

    looked_up: list[tuple[str, str]] = []
    entry = i18n._entry

    def recording(key, lang):
        looked_up.append((key, lang))
        return entry(key, lang)

    monkeypatch.setattr(i18n, "_entry", recording)
    states = [
        ({}, {"_near_me_notice": "denied"}),
        ({"q": "Hannover", "r": "200", "sprache": "fa"}, {}),
        ({"q": "Hannover", "feld": "schule", "art": "mbe", "gruppe": "jugendliche",
          "offen": "1"}, {}),
        ({"q": "Lüneburg"}, {"finder_tab": GERMAN["finder.tab_map.ls"]}),
        ({"q": "Xyzzyqq"}, {}),
    ]  # fmt: skip
    missed, not_shown, variants = [], [], set()
    for params, session in states:
        run = AppTest.from_file(app._script_path, default_timeout=60)
        for key, value in session.items():
            run.session_state[key] = value
        looked_up.clear()
        _open(run, ls="1", **params)
        keys = {k for k, lang in looked_up if lang == "de"}
        missed += [k for k in keys if not is_easy_variant(k) and k + EASY_SUFFIX in GERMAN]
        shown = _shown_text(run)
        for key in (k for k in keys if is_easy_variant(k)):
            variants.add(key)
            texts = GERMAN[key].values() if isinstance(GERMAN[key], dict) else [GERMAN[key]]
            if not any(_is_shown(text, shown) for text in texts):
                not_shown.append(key)
    assert sorted(set(missed)) == [], "looked up in normal German although a variant exists"
    assert sorted(set(not_shown)) == [], "variant looked up but not on the page"
    # the walk reached the parts of the finder this test is about
    for base in ("finder.near_me", "finder.near_me_denied", "finder.tab_map", "card.route",
                 "card.call", "finder.describe", "results.unknown_heading", "map.precision",
                 "finder.not_found"):  # fmt: skip
        assert base + EASY_SUFFIX in variants, base
