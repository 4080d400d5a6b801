"""Result cards: escaping, phone links read digit by digit, external links."""

import pandas as pd
import pytest

from ui.cards import card_html, digits_label, safe_url, tel_href

XSS = '<img src=x onerror="alert(1)">'


def row(**kw):
    base = {"service_id": "s1", "name": "Beratung", "organization": "Träger e.V.",
            "kind": "mbe", "street": "Hauptstraße 1", "postal_code": "37073",
            "city": "Göttingen", "lat": 51.54, "lon": 9.93, "precision": "postcode",
            "languages": ("de", "ar"), "opening_hours": None, "accessibility": "unknown",
            "accessibility_note": None, "phone": "0551 12 34 56", "email": "info@example.org",
            "website": "https://example.org", "source_url": "https://example.org/quelle",
            "source_date": "2024", "assured_date": None, "verification": "unverified",
            "is_demo": False, "distance_km": 2.345}  # fmt: skip
    base.update(kw)
    return pd.Series(base)


def test_every_stored_string_is_escaped():
    html = card_html(row(name=XSS, organization=XSS + " e.V.", street=XSS, city=XSS,
                         accessibility_note=XSS, source_date=XSS), "de")  # fmt: skip
    assert "<img" not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") == 6


@pytest.mark.parametrize(
    ("url", "safe"),
    [("https://a.de/x", "https://a.de/x"), ("www.a.de", "https://www.a.de"),
     ("javascript:alert(1)", None), ("data:text/html,x", None), ("", None), ("http://", None)],
)  # fmt: skip
def test_only_http_links(url, safe):
    assert safe_url(url) == safe
    assert "javascript:" not in card_html(row(website=url, source_url=url), "de")


def test_phone_link_is_international_and_read_digit_by_digit():
    html = card_html(row(), "de")
    assert 'href="tel:+49551123456"' in html
    assert 'aria-label="Anrufen: 0 5 5 1 1 2 3 4 5 6"' in html
    assert tel_href("12") is None
    assert digits_label("+49 (0) 551") == "+ 4 9 0 5 5 1"


def test_postcode_has_digit_label_and_distance_is_localised():
    html = card_html(row(), "de")
    assert '<span aria-label="3 7 0 7 3">37073</span>' in html
    assert "ca. 2,3 km" in html  # approximate: placed at the postcode centre
    assert "2.3 km" in card_html(row(precision="address"), "en")


def test_external_links_open_only_on_click_in_new_tab():
    html = card_html(row(precision="address"), "de")
    assert 'href="https://www.openstreetmap.org/directions?route=%3B51.54000%2C9.93000"' in html
    assert html.count('rel="noopener noreferrer"') == 3  # website, route, source


def test_unverified_and_demo_labels():
    assert "noch nicht überprüft" in card_html(row(), "de")
    assert "geprüft am" not in card_html(row(assured_date="2021-11-19"), "de")
    verified = card_html(row(verification="verified", assured_date="2026-01-05"), "de")
    assert "geprüft am 5. Januar 2026" in verified  # a date is a date (CLDR)
    assert "fiktiver Demo-Eintrag" in card_html(row(is_demo=True), "de")


def test_languages_and_hours_in_ui_language():
    hours = {"slots": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}],
             "by_appointment": True, "note": None}  # fmt: skip
    html = card_html(row(opening_hours=hours), "en")
    assert "German, Arabic" in html
    assert "Mon 09:00–12:00" in html and "by appointment" in html
    assert "Opening hours unknown" in card_html(row(), "en")


def test_import_mapping_labels_are_unique():
    """A selectbox tells options apart by label: duplicate labels would swap fields."""
    from directory.io import FLAT_COLUMNS
    from ui.forms import mapping_labels

    for lang in ("de", "en", "ar"):
        labels = mapping_labels(FLAT_COLUMNS, lang)
        assert len(set(labels.values())) == len(FLAT_COLUMNS)
    assert mapping_labels(FLAT_COLUMNS, "de")["organization"] != mapping_labels(
        FLAT_COLUMNS, "de")["organization_id"]  # fmt: skip


# --------------------------------------------------------------------------- properties

import re  # noqa: E402
from html import escape  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402

from directory.routes import ROUTE_BASE  # noqa: E402
from tests.strategies import examples, hostile_text, offer_row  # noqa: E402
from ui.blocks import WORD_JOINER, escape_markdown  # noqa: E402

ALLOWED = {
    "article": {"class"}, "h3": {"lang", "dir"}, "p": {"class", "lang", "dir"},
    "span": {"class", "lang", "dir", "aria-label"}, "strong": set(), "br": set(),
    "bdi": {"lang", "dir"},
    "a": {"href", "target", "rel", "aria-label", "dir"},
}  # fmt: skip


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _expected_hrefs(r) -> set[str]:
    hrefs = {safe_url(r.get("website")), safe_url(r.get("source_url"))}
    if r.get("phone"):
        hrefs.add(tel_href(r["phone"]))
    if r.get("email"):
        hrefs.add(f"mailto:{r['email']}")
    return {h for h in hrefs if h}


@settings(max_examples=examples(300))
@given(offer_row(0))
def test_any_stored_text_gives_only_allowed_markup_and_links(data):
    r = row(**data)
    for lang in ("de", "ar"):
        html = card_html(r, lang, selected=bool(data["is_demo"]))
        parser = _Collect()
        parser.feed(html)
        parser.close()
        allowed_hrefs = _expected_hrefs(r)
        for tag, attrs in parser.tags:
            assert tag in ALLOWED, tag
            assert set(attrs) <= ALLOWED[tag], (tag, attrs)
            if tag == "a":
                href = attrs["href"]
                route = href.startswith(ROUTE_BASE + "?")
                assert href in allowed_hrefs or route, href
                assert urlsplit(href).scheme in ("http", "https", "tel", "mailto")
        # the name is shown as text, exactly (markup in it stays text)
        if data["name"].strip():
            assert " ".join(data["name"].split()) in " ".join("".join(parser.text).split())


@settings(max_examples=examples(100))
@given(offer_row(0))
def test_map_popup_html_of_any_stored_text_is_escaped(data):
    """The popup's HTML lines (address, source status, German remarks: built by the card's
    helpers and sent to the map unescaped) hold only marking tags, never a link or a tag
    from the data; the stored text is shown as text."""
    from ui.map import HTML_FIELDS, popup_frame

    frame = pd.DataFrame([row(**data)])
    for lang in ("de", "fa"):
        first = popup_frame(frame, lang).iloc[0]
        for field in HTML_FIELDS:
            parser = _Collect()
            parser.feed(first[field])
            parser.close()
            for tag, attrs in parser.tags:
                assert tag in ("span", "bdi"), (field, tag)
                assert set(attrs) <= {"lang", "dir", "aria-label"}, (field, attrs)
        note = data["accessibility_note"]
        if note and note.strip():
            assert escape(note.strip()) in first["note_de"]


_md = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@settings(max_examples=examples(500))
@given(hostile_text)
def test_escaped_markdown_renders_as_the_same_plain_text(text):
    tokens = _md.parse(escape_markdown(text))
    assert [t.type for t in tokens] in ([], ["paragraph_open", "inline", "paragraph_close"])
    for token in tokens:
        for child in token.children or ():
            assert child.type in ("text", "softbreak"), child.type
    rendered = "".join(c.content for t in tokens for c in (t.children or ()))
    # the same text (whitespace aside: line breaks become spaces, a paragraph is trimmed)
    def words(s: str) -> list[str]:
        return s.replace(WORD_JOINER, "").replace("\x00", "\ufffd").split()

    assert words(rendered) == words(text)
    # and no GFM "autolink literal" (a bare URL or e-mail address Streamlit would link)
    assert not re.search(r"https?://|www\.|[-.\w+]@[-\w]", rendered, re.IGNORECASE), rendered
