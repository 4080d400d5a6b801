"""Every UI string exists in every language; every key the code uses exists."""

import re
from pathlib import Path

import pytest

from directory.taxonomy import FIELD_IDS, KIND_IDS
from i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, needs_review, t

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_same_keys_as_german(lang):
    reference = set(catalogue(DEFAULT_LANGUAGE))
    keys = set(catalogue(lang))
    assert reference - keys == set(), "missing"
    assert keys - reference == set(), "unknown"
    assert needs_review(lang) <= keys


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
    sources = [ROOT / "app.py", *ROOT.glob("views/*.py"), *ROOT.glob("ui/*.py")]
    used = set()
    for path in sources:
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z_.]+)\"", path.read_text()))
    assert used, "the scan found no keys; the pattern is broken"
    assert used - set(german) == set()


def test_unknown_language_falls_back_to_german():
    assert t("nav.info", "xx") == catalogue("de")["nav.info"]
    assert t("fields.map_heading", "en", n=3) == "Offers in this field of action: 3"
