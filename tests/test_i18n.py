"""Every UI string exists in every language; every key the code uses exists."""

import re
from pathlib import Path

import pytest

from directory.taxonomy import FIELD_IDS, KIND_IDS
from i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    STAFF_LANGUAGES,
    catalogue,
    direction,
    needs_review,
    scope_keys,
    t,
)

ROOT = Path(__file__).resolve().parent.parent


def test_the_seven_languages_in_order():
    assert list(LANGUAGES) == ["de", "en", "ar", "fa", "tr", "ru", "uk"]
    assert [c for c in LANGUAGES if direction(c) == "rtl"] == ["ar", "fa"]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_same_keys_as_german(lang):
    """Every public key in every language; staff keys at least in German and English."""
    reference = set(catalogue(DEFAULT_LANGUAGE))
    keys = set(catalogue(lang))
    required = reference if lang in STAFF_LANGUAGES else set(scope_keys("public"))
    assert required - keys == set(), "missing"
    assert keys - reference == set(), "unknown"
    assert needs_review(lang) <= keys
    assert scope_keys("public") and scope_keys("staff")
    assert not scope_keys("public") & scope_keys("staff")


@pytest.mark.parametrize("lang", [c for c in LANGUAGES if c not in ("de", "en")])
def test_translations_are_marked_for_review_and_translated(lang):
    """New translations list keys for a native speaker; a text equal to English or German
    is allowed only for names, numbers and codes."""
    assert len(needs_review(lang)) >= 5
    allowed = {"card.distance", "finder.radius_option", "card.email", "col.name"}
    same_word = {("tr", "finder.tab_list")}  # Turkish "Liste" is also the German word
    for key in scope_keys("public"):
        text = catalogue(lang)[key]
        if key in allowed or (lang, key) in same_word or not any(ch.isalpha() for ch in text):
            continue
        assert text != catalogue("en")[key] and text != catalogue("de")[key], (lang, key)


def test_staff_strings_fall_back_to_english():
    assert t("auth.login", "ar") == catalogue("en")["auth.login"]
    assert t("nav.beratung", "ar") == catalogue("ar")["nav.beratung"]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_placeholders_match_german(lang):
    def names(s):
        return set(re.findall(r"{(\w+)}", s))

    german = catalogue(DEFAULT_LANGUAGE)
    for key, text in catalogue(lang).items():
        assert names(text) == names(german[key]), key
        assert text.strip(), key


def test_taxonomy_labels_exist():
    for fid in FIELD_IDS:
        t(f"field.{fid}", "en")
    for kid in KIND_IDS:
        t(f"kind.{kid}", "en")


def test_every_literal_key_in_code_exists():
    """Keys written literally as t("a.b", …) in app code must exist in the catalogue."""
    german = catalogue(DEFAULT_LANGUAGE)
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]
    used = set()
    for path in sources:
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z_.]+)\"", path.read_text()))
    assert used, "the scan found no keys; the pattern is broken"
    assert used - set(german) == set()


def test_unknown_language_falls_back_to_german():
    assert t("nav.info", "xx") == catalogue("de")["nav.info"]
    assert t("fields.map_heading", "en", n=3) == "Offers in this field of action: 3"


def test_validation_messages_have_one_german_source_and_english_text():
    from directory.validate import MESSAGES_DE, problem

    assert MESSAGES_DE["unknown_postcode"] == catalogue("de")["validate.unknown_postcode"]
    assert problem("postal_code", "unknown_postcode", value="99999").message_de == (
        "Die Postleitzahl „99999“ gibt es in Niedersachsen nicht.")  # fmt: skip
    for code in MESSAGES_DE:
        assert f"validate.{code}" in catalogue("en")
    assert t("validate.unknown_postcode", "ar", value="99999") == (
        "The postcode “99999” does not exist in Lower Saxony.")  # fmt: skip
