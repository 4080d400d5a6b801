"""Every UI string exists in every language; every key the code uses exists; plural keys
have exactly the CLDR plural categories of their language."""

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
    is_easy_variant,
    needs_review,
    scope_keys,
    t,
    tn,
)
from i18n.localedata import numbering_system, plural_categories

ROOT = Path(__file__).resolve().parent.parent


def test_the_languages_in_order():
    assert list(LANGUAGES) == ["de", "en", "ar", "fa", "ps", "tr", "ku", "ru", "uk", "pl", "ro",
                              "bg", "ti"]
    assert [c for c in LANGUAGES if direction(c) == "rtl"] == ["ar", "fa", "ps"]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_same_keys_as_german(lang):
    """Every public key in every language; staff keys at least in German and English."""
    reference = set(scope_keys("public")) | set(scope_keys("staff"))  # no .ls variants
    keys = {k for k in catalogue(lang) if not is_easy_variant(k)}
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
    allowed = {"card.distance", "finder.radius_option", "luecken.radius_value", "card.email",
               "col.name"}  # fmt: skip
    # the same word in that language: Turkish "Liste" (German), Polish "Region", "Status"
    same_word = {("tr", "finder.tab_list"), ("pl", "net.region"), ("pl", "net.status")}
    for key in scope_keys("public"):
        text, en, de = (catalogue(c)[key] for c in (lang, "en", "de"))
        if isinstance(text, dict):  # plural key: compare its "other" form
            text, en, de = text["other"], en["other"], de["other"]
        if key in allowed or (lang, key) in same_word or not any(ch.isalpha() for ch in text):
            continue
        assert text != en and text != de, (lang, key)


def test_staff_strings_fall_back_to_english():
    assert t("auth.login", "ar") == catalogue("en")["auth.login"]
    assert t("nav.beratung", "ar") == catalogue("ar")["nav.beratung"]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_placeholders_match_german(lang):
    def names(s):
        return set(re.findall(r"{(\w+)}", s))

    german = catalogue(DEFAULT_LANGUAGE)
    for key, text in catalogue(lang).items():
        reference = german[key]
        assert isinstance(text, dict) == isinstance(reference, dict), f"{key}: plural or not"
        if isinstance(text, dict):
            # every form may leave out the count ("one offer"), but uses no other placeholder
            allowed = names(reference["other"])
            for category, form in text.items():
                assert names(form) <= allowed, (key, category)
                assert form.strip(), (key, category)
            assert names(text["other"]) == allowed, key
        else:
            assert names(text) == names(reference), key
            assert text.strip(), key


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_plural_keys_have_exactly_the_cldr_categories(lang):
    plural = {k: v for k, v in catalogue(lang).items() if isinstance(v, dict)}
    assert len(plural) >= 6, "the finder's counts are plural keys"
    assert set(plural) == {k for k, v in catalogue(DEFAULT_LANGUAGE).items()
                           if isinstance(v, dict) and (lang in STAFF_LANGUAGES
                                                       or k in scope_keys("public"))
                           and (lang == DEFAULT_LANGUAGE or not is_easy_variant(k))}  # fmt: skip
    for key, forms in plural.items():
        assert tuple(forms) == plural_categories(lang), (key, tuple(forms))


def test_plural_forms_in_use():
    assert tn("finder.results_heading", 1, "de") == "1 Angebot gefunden"
    assert tn("finder.results_heading", 2, "de") == "2 Angebote gefunden"
    assert tn("finder.results_heading", 0, "de") == "0 Angebote gefunden"
    assert tn("finder.results_heading", 1, "en") == "1 offer found"
    assert tn("finder.results_heading", 12345, "de") == "12.345 Angebote gefunden"
    assert [tn("finder.results_heading", n, "ru") for n in (1, 3, 5, 21)] == [
        "Найдено 1 предложение", "Найдено 3 предложения", "Найдено 5 предложений",
        "Найдено 21 предложение"]  # fmt: skip
    assert [tn("finder.more", n, "uk") for n in (1, 2, 11)] == [
        "Показати ще 1 пропозицію", "Показати ще 2 пропозиції", "Показати ще 11 пропозицій"]
    assert [tn("finder.results_heading", n, "ar") for n in (0, 1, 2, 3, 11, 100)] == [
        "لم يُعثر على أي خدمة", "وُجدت خدمة واحدة", "وُجدت خدمتان", "وُجدت 3 خدمات",
        "وُجدت 11 خدمة", "وُجدت 100 خدمة"]  # fmt: skip
    assert [tn("finder.results_heading", n, "pl") for n in (1, 3, 5, 22, 25, 12345)] == [
        "Znaleziono 1 ofertę", "Znaleziono 3 oferty", "Znaleziono 5 ofert",
        "Znaleziono 22 oferty", "Znaleziono 25 ofert", "Znaleziono 12\u00a0345 ofert"]  # fmt: skip
    assert [tn("finder.results_heading", n, "ro") for n in (1, 2, 19, 20, 101, 12345)] == [
        "1 ofertă găsită", "2 oferte găsite", "19 oferte găsite", "20 de oferte găsite",
        "101 oferte găsite", "12.345 de oferte găsite"]  # fmt: skip
    assert [tn("finder.results_heading", n, "bg") for n in (1, 2, 12345)] == [
        "Намерена е 1 услуга", "Намерени са 2 услуги",
        "Намерени са 12\u00a0345 услуги"]  # fmt: skip
    # Kurmanji and Pashto: one for 1 only; Tigrinya: one for 0 and 1 (CLDR)
    assert [tn("finder.results_heading", n, "ku") for n in (1, 2)] == [
        "1 xizmet hat dîtin", "2 xizmet hatin dîtin"]  # fmt: skip
    # (Pashto writes Extended Arabic-Indic digits, CLDR's default: i18n.localedata.NUMBERING)
    assert [tn("finder.results_heading", n, "ps") for n in (1, 2)] == [
        "۱ خدمت وموندل شو", "۲ خدمتونه وموندل شول"]  # fmt: skip
    assert [tn("finder.results_heading", n, "ti") for n in (0, 1, 2)] == [
        "0 ኣገልግሎት ተረኺቡ", "1 ኣገልግሎት ተረኺቡ", "2 ኣገልግሎታት ተረኺቦም"]  # fmt: skip
    with pytest.raises(TypeError):
        t("finder.results_heading", "de", n=2)  # a plural key needs tn()
    with pytest.raises(TypeError):
        tn("app.title", 2, "de")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_taxonomy_labels_exist_and_are_distinct(lang):
    for prefix, ids in (("field", FIELD_IDS), ("kind", KIND_IDS)):
        labels = [t(f"{prefix}.{i}", lang) for i in ids]
        assert all(label.strip() for label in labels), prefix
        assert len(set(labels)) == len(ids), f"two {prefix} ids share a label in {lang}"


def test_every_literal_key_in_code_exists():
    """Keys written literally as t("a.b", …) in app code must exist in the catalogue."""
    german = catalogue(DEFAULT_LANGUAGE)
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"),
               *ROOT.glob("directory/*.py")]  # fmt: skip
    used: dict[str, set[str]] = {"t": set(), "tn": set()}
    for path in sources:
        text = path.read_text()  # t(), tn() and their Leichte-Sprache forms t_easy(), tn_easy()
        for fn, key in re.findall(r"\b(tn?)(?:_easy)?\(\s*\"([a-z_]+\.[a-z_.]+)\"", text):
            used[fn].add(key)
    assert used["t"] and used["tn"], "the scan found no keys; the pattern is broken"
    assert (used["t"] | used["tn"]) - set(german) == set()
    assert {k for k in used["t"] if isinstance(german[k], dict)} == set(), "plural key via t()"
    assert {k for k in used["tn"] if not isinstance(german[k], dict)} == set(), "tn() of a text"


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


#: Parts of a text whose Western digits are not the UI language's own: {placeholders}, URLs
#: and `code` (a value the visitor types into a file, e.g. a district key).
_NOT_PROSE = re.compile(r"\{[^{}]*\}|https?://\S+|`[^`]*`")
#: Digits that are part of a Latin-script name or code keep them (VG250, UTF-8, A4, 2SFCA,
#: § 9a); the words of a longer name are joined by no-break spaces ("EN 301 549", a German
#: postal address), so the name is one word here.
_LATIN_NAME = re.compile(r"[^ \t\n]*[A-Za-z][^ \t\n]*")


def _texts(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


@pytest.mark.parametrize("lang", sorted(c for c in LANGUAGES if numbering_system(c) != "latn"))
def test_catalogue_texts_write_the_languages_own_digits(lang):
    """Persian and Pashto write Extended Arabic-Indic digits (i18n.localedata.NUMBERING): no
    Western digit in a text outside placeholders, URLs, code and Latin-script names."""
    western = {}
    for key, entry in catalogue(lang).items():
        for text in _texts(entry):
            prose = _LATIN_NAME.sub("", _NOT_PROSE.sub("", text))
            if re.search(r"[0-9]", prose):
                western[key] = re.findall(r"\S*[0-9]\S*", prose)
    assert not western


def test_the_digit_rule_sees_western_digits():
    """The rule above flags a number in prose and lets names, placeholders and URLs be."""
    prose = "مادهٔ 13 GDPR"
    assert re.search(r"[0-9]", _LATIN_NAME.sub("", _NOT_PROSE.sub("", prose)))
    ok = "{n} VG250 UTF-8 EN\u00a0301\u00a0549 https://x.de/1 `03101` ۱۳"
    assert not re.search(r"[0-9]", _LATIN_NAME.sub("", _NOT_PROSE.sub("", ok)))
