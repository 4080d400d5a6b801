"""Plain words (issue #12 point 3): every kind of offer and every field of action has a plain
name and a one-line explanation in every catalogue language; "free" only where it is known;
abbreviations explained; the German Leichte-Sprache texts follow the basic rules."""

import re
from pathlib import Path

import pytest

from directory.taxonomy import FIELD_IDS, KIND_IDS
from i18n import (
    CATALOGUE_DIR,
    DEFAULT_LANGUAGE,
    EASY_SUFFIX,
    catalogue,
    is_easy_variant,
    needs_review,
    t,
    t_easy,
    tn,
    tn_easy,
)
from ui.plain import (
    field_about,
    field_name,
    field_name_with_official,
    kind_about,
    kind_name,
    option_help,
    option_note,
)

#: Every language with a catalogue folder: the registered UI languages and the new ones
#: (their plain.yaml exists before the language is registered).
ALL_LANGS = sorted(p.parent.name for p in Path(CATALOGUE_DIR).glob("*/plain.yaml"))
_IDS = {"field": FIELD_IDS, "kind": KIND_IDS}
PLAIN_KEYS = [f"plain.{what}{part}.{i}" for part in ("", "_about")
              for what, ids in _IDS.items() for i in ids]  # fmt: skip


def test_all_thirteen_languages_have_plain_words():
    assert set(ALL_LANGS) >= {"de", "en", "ar", "fa", "tr", "ru", "uk",
                              "pl", "ro", "bg", "ku", "ti", "ps"}  # fmt: skip


@pytest.mark.parametrize("lang", ALL_LANGS)
def test_every_kind_and_field_has_a_plain_name_and_explanation(lang):
    entries = catalogue(lang)
    for key in PLAIN_KEYS:
        assert isinstance(entries.get(key), str) and entries[key].strip(), (lang, key)
    for prefix, ids in (("plain.field", FIELD_IDS), ("plain.kind", KIND_IDS)):
        names = [entries[f"{prefix}.{i}"] for i in ids]
        assert len(set(names)) == len(ids), f"two {prefix} ids share a plain name in {lang}"
    abouts = [entries[k] for k in PLAIN_KEYS if "_about." in k]
    assert len(set(abouts)) == len(abouts), lang
    # an explanation is one line and says more than the name
    for key in PLAIN_KEYS:
        assert "\n" not in entries[key].strip(), (lang, key)
        if "_about." in key:
            name = entries[key.replace("_about.", ".")]
            assert len(entries[key]) > len(name), (lang, key)


@pytest.mark.parametrize("lang", [c for c in ALL_LANGS if c not in ("de", "en")])
def test_new_translations_are_marked_for_review(lang):
    own = {k for k in catalogue(lang) if k.startswith("plain.")}
    assert own <= needs_review(lang), sorted(own - needs_review(lang))
    for key in PLAIN_KEYS:  # translated, not copied
        assert catalogue(lang)[key] not in (catalogue("de")[key], catalogue("en")[key]), key


@pytest.mark.parametrize("lang", ALL_LANGS)
def test_abbreviations_are_explained_where_they_appear(lang):
    """The long form stands with MBE and JMD; the explanation says what the letters mean."""
    for kind, abbr in (("mbe", "MBE"), ("jmd", "JMD")):
        assert abbr in kind_name(kind, lang), (lang, kind)
        assert kind_name(kind, lang).replace(f"({abbr})", "").strip(), "a long form too"
        assert kind_about(kind, lang).startswith(abbr), (lang, kind)


def test_free_only_where_it_is_known():
    """MBE, JMD and the welfare associations' counselling are free; nothing else says so."""
    free = {k for k in KIND_IDS if "kostenlos" in kind_about(k, "de")}
    assert free == {"mbe", "jmd", "migrationsberatung"}
    assert not any("kostenlos" in field_about(f, "de") for f in FIELD_IDS)
    free_en = {k for k in KIND_IDS if "free" in kind_about(k, "en")}
    assert free_en == free
    assert "Wohlfahrtsverbänden" in kind_about("migrationsberatung", "de")


def test_programme_jargon_is_not_a_plain_field_name():
    jargon = ("Soziale Stadt", "Interkulturelle Öffnung", "Dialog mit Akteuren",
              "Koordinierungsstelle", "Kooperative Migrationsarbeit")  # fmt: skip
    names = [field_name(f, "de") for f in FIELD_IDS] + [kind_name(k, "de") for k in KIND_IDS]
    assert not [n for n in names if any(j in n for j in jargon)]
    assert field_name("soziale_stadt", "de") == "Leben im Stadtteil"
    # the programme's name stays visible as the secondary one
    assert field_name_with_official("dialog", "de") == (
        "Zusammenarbeit vor Ort (Dialog mit Akteuren im Integrationsprozess)")  # fmt: skip
    assert field_name_with_official("schule", "en") == "School and learning"


def test_finder_words_are_plain():
    assert "Stand der Quelle" not in t("map.source_date", "de")
    assert "noch nicht geprüft" not in t("map.unverified", "de")
    assert "anrufen" in t("map.unverified", "de")


def test_option_notes_and_help():
    assert option_note("feld", "soziale_stadt", "de") == field_about("soziale_stadt", "de")
    assert option_note("art", "jmd", "en") == kind_about("jmd", "en")
    assert option_note("art", None, "de") == option_note("gruppe", "frauen", "de") == ""
    assert [name for name, _ in option_help("art", "de")] == [kind_name(k, "de") for k in KIND_IDS]
    assert option_help("sprache", "de") == []


# ----------------------------------------------------------------------------- Leichte Sprache

GERMAN = catalogue(DEFAULT_LANGUAGE)
EASY = {k: v for k, v in GERMAN.items() if is_easy_variant(k)}
#: The finder's texts that must have a Leichte-Sprache version.
FINDER_TEXTS = (
    "finder.title", "finder.intro", "finder.search_label", "finder.filters", "finder.radius",
    "finder.field", "finder.kind", "finder.group", "finder.language", "finder.results_heading",
    "finder.none_in_radius", "finder.outside_radius", "finder.without_position",
    "finder.ambiguous", "finder.not_found", "finder.postcode_not_in_area",
    "finder.suggestions", "finder.empty_hint", "finder.near_me_privacy",
    "finder.open_unknown", "finder.dropped", "finder.share", "banner.unverified",
    "card.hours_unknown", "map.unverified", "map.source_date",
)  # fmt: skip
#: Abbreviations Leichte Sprache does without (capitals in a row, or a dotted short form).
ABBREVIATION = re.compile(r"\b[A-ZÄÖÜ]{2,}\b|\b(?:z|d|u|bzw|usw|ca|ggf|evtl|inkl)\.")
MAX_WORDS = 15


def _texts(value):
    return list(value.values()) if isinstance(value, dict) else [value]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[.!?:;]\s+|[.!?]$", text.strip()) if s.strip()]


def test_easy_variants_cover_the_finder_and_every_kind_and_field():
    wanted = [*FINDER_TEXTS, *(k for k in PLAIN_KEYS)]
    missing = [k for k in wanted if k + EASY_SUFFIX not in GERMAN]
    assert missing == []


def test_easy_variants_are_german_only_and_vary_an_existing_key():
    for key, value in EASY.items():
        base = key.removesuffix(EASY_SUFFIX)
        assert base in GERMAN and not is_easy_variant(base), key
        # a plain name may already be Leichte Sprache (the variant then repeats it)
        assert value != GERMAN[base] or base.startswith("plain."), f"{key} repeats {base}"
        assert isinstance(value, dict) == isinstance(GERMAN[base], dict), key
        if isinstance(value, dict):
            assert set(value) == set(GERMAN[base]), key
        for text, ref in zip(_texts(value), _texts(GERMAN[base]), strict=False):
            assert set(re.findall(r"{(\w+)}", text)) <= set(re.findall(r"{(\w+)}", ref)), key
    for lang in ALL_LANGS:
        if lang != DEFAULT_LANGUAGE:
            assert not [k for k in catalogue(lang) if is_easy_variant(k)], lang


@pytest.mark.parametrize("key", sorted(EASY))
def test_easy_texts_have_short_sentences_and_no_abbreviations(key):
    for text in _texts(EASY[key]):
        for sentence in _sentences(text):
            assert len(sentence.split()) <= MAX_WORDS, (key, sentence)
        assert not ABBREVIATION.search(text), (key, text)
        assert "des " not in text and "der Stadt " not in text, "no genitive"


def test_the_readability_check_can_fail():
    too_long = ("Sie können hier mit einer großen Zahl von Menschen aus vielen Ländern "
                "über alle Fragen sprechen.")  # fmt: skip
    assert max(len(s.split()) for s in _sentences(too_long)) > MAX_WORDS
    assert ABBREVIATION.search("Beratung (MBE) für Erwachsene")
    assert ABBREVIATION.search("z. B. ein Café")


def test_t_easy_only_in_german():
    assert t_easy("finder.title", "de", True) == GERMAN["finder.title.ls"]
    assert t_easy("finder.title", "de", False) == t("finder.title", "de")
    assert t_easy("finder.title", "ar", True) == t("finder.title", "ar")
    assert t_easy("nav.info", "de", True) == t("nav.info", "de")  # no variant: the plain key
    assert tn_easy("finder.results_heading", 2, "de", True) == "Wir haben 2 Angebote gefunden"
    assert tn_easy("finder.results_heading", 2, "en", True) == tn("finder.results_heading", 2, "en")
    assert kind_about("mbe", "de", easy=True) == GERMAN["plain.kind_about.mbe.ls"]
    assert "MBE" not in kind_name("mbe", "de", easy=True)
