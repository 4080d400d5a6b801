"""Formatting per UI language (i18n/localedata.py) and German data kept German on cards."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.finder import FinderQuery
from i18n import LANGUAGES, t, tn
from i18n.localedata import (
    DIGITS,
    FSI,
    NUMBERING,
    PDI,
    QUOTES,
    format_count,
    format_date,
    format_km,
    localize_digits,
    numbering_system,
    plural_categories,
    quote,
)
from tests.strategies import examples
from tests.test_cards import row
from ui.cards import card_html
from ui.finder import describe_html

WESTERN = re.compile(r"[0-9]")
ALL_CODES = tuple(dict.fromkeys((*LANGUAGES, "pl", "ro", "bg", "ku", "ti", "ps")))


class _TextByLanguage(HTMLParser):
    """Text nodes of an HTML fragment with the ``lang`` of their nearest element."""

    VOID = frozenset({"br", "img", "input", "meta", "hr", "wbr"})

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = [lang]
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(dict(attrs).get("lang") or self.stack[-1])

    def handle_endtag(self, tag):
        if tag not in self.VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.texts.append((self.stack[-1], data))


def ui_text(html: str, lang: str) -> str:
    """The text of ``html`` outside ``lang="de"`` elements (the UI's own words)."""
    parser = _TextByLanguage(lang)
    parser.feed(html)
    return " ".join(text for code, text in parser.texts if code != "de")


def test_one_numbering_table_persian_and_pashto_extended_arabic_indic():
    assert NUMBERING == {"fa": "arabext", "ps": "arabext"}
    assert numbering_system("ar") == "latn"  # decided: Western digits in Arabic (README)
    assert localize_digits("0123456789", "fa") == DIGITS["arabext"] == "۰۱۲۳۴۵۶۷۸۹"
    assert format_count(12345, "fa") == "۱۲٬۳۴۵"
    assert format_km(2.345, "fa") == "۲٫۳"
    assert format_km(2.345, "ar") == "2.3"


@pytest.mark.parametrize("lang", ALL_CODES)
def test_locale_data_exists_for_every_ui_language_and_never_raises(lang):
    assert "other" in plural_categories(lang)
    assert format_date("2023-10-12", lang)
    assert lang in QUOTES
    text = format_count(1234567, lang)
    assert not WESTERN.search(text) if lang in NUMBERING else WESTERN.search(text)


def test_dates_keep_the_precision_of_the_source():
    assert format_date("2023-10-12", "de") == "12. Oktober 2023"
    assert format_date("2019-12", "uk").startswith("грудень 2019")
    assert format_date("2024", "fa") == "۲۰۲۴"
    assert format_date(date(2026, 1, 5), "ar") == "5 يناير 2026"
    for text in ("undatiert (Porträt; möglicherweise älter)", "2023-13", "2023-02-30", ""):
        assert format_date(text, "de") is None


def test_numbers_in_catalogue_texts_use_the_language_digits():
    assert "۲۵" in t("finder.describe", "fa", radius=25, place="X")
    assert "25" in t("finder.describe", "ar", radius=25, place="X")
    assert "۳" in tn("finder.results_heading", 3, "fa")
    # the visitor's text is never changed: a typed postcode stays as typed
    assert "37073" in t("finder.describe", "fa", radius=25, place="37073")


def test_quotes_from_cldr_with_bidi_isolation():
    assert quote("Hannover", "de") == f"„{FSI}Hannover{PDI}“"
    assert quote("Hannover", "fa") == f"«{FSI}Hannover{PDI}»"
    assert quote("Hannover", "ar") == f"”{FSI}Hannover{PDI}“"


def test_place_is_echoed_in_the_script_the_visitor_typed():
    html = describe_html(FinderQuery.from_params({"q": "هانوفر", "r": "50"}), "Hannover", "fa")
    assert html == ('<p class="atlas-describe">شعاع ۵۰ کیلومتر در اطراف <bdi>هانوفر</bdi> '
                    '(<bdi lang="de">Hannover</bdi>)</p>')
    same = describe_html(FinderQuery.from_params({"q": " hannover"}), "Hannover", "ar")
    assert '<bdi lang="de">Hannover</bdi>' in same and "hannover" not in same
    evil = describe_html(FinderQuery.from_params({"q": "<b>x</b>"}), "Göttingen", "de")
    assert "<b>" not in evil and "&lt;b&gt;x&lt;/b&gt;" in evil


def _german_card(**kw):
    hours = {"slots": [{"weekday": 0, "opens": "10:00", "closes": "12:00"}],
             "by_appointment": False, "note": "Mittwochs mit Rechtsanwalt"}  # fmt: skip
    values = {"accessibility": "yes", "accessibility_note": "Rampe am Seiteneingang",
              "opening_hours": hours, "source_date": "undatiert (Porträt)", **kw}
    return row(**values)


@pytest.mark.parametrize("lang", ["ar", "fa", "uk", "en"])
def test_german_remarks_are_one_marked_line_with_a_label_in_the_ui_language(lang):
    html = card_html(_german_card(), lang)
    label = t("shell.note_de", lang)
    line = re.search(r'<p class="atlas-note-de">(.*?): <bdi lang="de" dir="ltr">(.*?)</bdi></p>',
                     html)  # fmt: skip
    assert line, html
    assert line.group(1) == label
    assert line.group(2) == (
        "Mittwochs mit Rechtsanwalt · Rampe am Seiteneingang · undatiert (Porträt)")
    outside = ui_text(html, lang)
    for word in ("Mittwochs", "Rampe", "undatiert", "Hauptstraße", "Göttingen", "Träger"):
        assert word not in outside


def test_a_card_in_farsi_has_no_western_digit_outside_german_data():
    html = card_html(_german_card(source_date="2023-10-12", verification="verified",
                                  assured_date=date(2024, 3, 1)), "fa")  # fmt: skip
    outside = ui_text(html, "fa")
    assert not WESTERN.search(outside), outside
    assert "۱۰:۰۰" in outside and "۲۰۲۳" in outside and "۲۰۲۴" in outside
    assert "37073" in html and "0551 123456" in html  # German data stays as written


def popup_html(frame, lang: str) -> str:
    """The first popup of ``frame`` as geo.maps' script writes it: the lines of
    ui.map.POPUP_FIELDS, German data in ``lang="de"``, HTML fields as they are, the rest
    escaped, all inside the UI language's block."""
    from html import escape

    from ui.map import GERMAN_FIELDS, HTML_FIELDS, POPUP_FIELDS, popup_frame

    first = popup_frame(frame, lang).iloc[0]
    lines = []
    for field in POPUP_FIELDS:
        value = str(first[field] or "").strip()
        value = value if field in HTML_FIELDS else escape(value)
        if value and field in GERMAN_FIELDS:
            value = f'<span lang="de" dir="auto">{value}</span>'
        if value:
            lines.append(value)
    return f'<div lang="{lang}">' + "<br>".join(lines) + "</div>"


@pytest.mark.parametrize("lang", ["ar", "fa", "uk"])
def test_map_popup_says_what_the_card_says_and_keeps_german_data_marked(lang):
    """The popup's source line and "Hinweis (Deutsch)" line are the card's (one
    implementation): a date in the language, remarks and a source date that is no date in
    the marked German line; name, organisation and address marked ``lang="de"``."""
    import pandas as pd

    from ui.cards import german_line, source_status

    card = _german_card(organization="Träger e.V.", source_date="undatiert (Porträt)")
    frame = pd.DataFrame([card])
    html = popup_html(frame, lang)
    assert german_line(card, lang) in html and t("shell.note_de", lang) in html
    assert '<bdi lang="de" dir="ltr">Mittwochs mit Rechtsanwalt' in html
    outside = ui_text(html, lang)
    for word in ("Mittwochs", "Rampe", "undatiert", "Hauptstraße", "Göttingen", "Träger"):
        assert word not in outside, outside
    dated = pd.DataFrame([_german_card(source_date="2023-10", verification="verified",
                                       assured_date=date(2024, 3, 1))])  # fmt: skip
    html = popup_html(dated, lang)
    assert source_status(dated.iloc[0], lang) in html
    assert format_date("2023-10", lang) in ui_text(html, lang)
    assert "2023-10" not in html  # the raw source date is gone
    if lang in NUMBERING:
        assert not WESTERN.search(ui_text(html, lang)), ui_text(html, lang)


def test_without_remarks_there_is_no_german_line():
    assert "atlas-note-de" not in card_html(row(), "ar")


@settings(max_examples=examples(100))
@given(value=st.one_of(st.text(max_size=30), st.from_regex(r"\d{4}(-\d{2}){0,2}", fullmatch=True),
                       st.dates().map(str), st.none(), st.integers()),
       lang=st.sampled_from(ALL_CODES))  # fmt: skip
def test_format_date_never_raises(value, lang):
    out = format_date(value, lang)
    assert out is None or (out and not (lang in NUMBERING and WESTERN.search(out)))
