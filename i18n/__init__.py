"""UI string catalogues: one catalogue per language, ``i18n/<lang>/*.yaml``.

A language's catalogue is split by area (``core.yaml``, ``beratung.yaml`` …) only so that
files stay small; the files are merged and a key may be defined in one file only. Every UI
string has a key; German (``de``) is the reference catalogue and every other language must
define exactly the same keys (``tests/test_i18n.py``). A file may list keys under
``_needs_review`` whose translation still needs a native speaker's check.

A text that contains a count is a **plural key**: its value is a mapping from the CLDR plural
categories the language has (``zero``, ``one``, ``two``, ``few``, ``many``, ``other``, see
:func:`i18n.localedata.plural_categories`) to texts, and is looked up with :func:`tn`:

.. code-block:: yaml

    finder.results_heading:
      one: "{n} Angebot gefunden"
      other: "{n} Angebote gefunden"

**Leichte Sprache.** A German key may have an easy-to-read variant ``<key>.ls`` (rules of
the Netzwerk Leichte Sprache), used by the finder in its Leichte-Sprache mode through
:func:`t_easy` / :func:`tn_easy`. Variants exist in German only and belong to no scope.

Two scopes: the **public** catalogues (shell, start, fields of action, info, finder) exist in
every UI language. The **staff** catalogues (``daten.yaml``: login and the maintenance page
for coordinators, whose working data is German; ``validate.yaml``: validation messages) are
required in German and English only; in another UI language a staff string missing there is
shown in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from i18n.localedata import format_count, localize_digits, plural_category

CATALOGUE_DIR = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "de"


@dataclass(frozen=True)
class Language:
    """A UI language: ISO 639-1 code, its own name (endonym) and writing direction."""

    code: str
    name: str
    direction: str = "ltr"


#: The UI languages, in the order of the language switch: German and English, then the
#: languages of the largest groups of newcomers, neighbours by script or region (Pashto after
#: Farsi, Kurmanji after Turkish).
LANGUAGES: dict[str, Language] = {
    "de": Language("de", "Deutsch"),
    "en": Language("en", "English"),
    "ar": Language("ar", "العربية", "rtl"),
    "fa": Language("fa", "فارسی", "rtl"),
    "ps": Language("ps", "پښتو", "rtl"),
    "tr": Language("tr", "Türkçe"),
    "ku": Language("ku", "Kurmancî"),
    "ru": Language("ru", "Русский"),
    "uk": Language("uk", "Українська"),
    "pl": Language("pl", "Polski"),
    "ro": Language("ro", "Română"),
    "bg": Language("bg", "Български"),
    "ti": Language("ti", "ትግርኛ"),
}

#: Catalogue files (stems) of the staff scope; see the module docstring.
STAFF_FILES: frozenset[str] = frozenset({"daten", "validate", "accounts", "links", "gazetteer"})
#: Languages that must define the staff scope too; the others fall back to English there.
STAFF_LANGUAGES: tuple[str, ...] = ("de", "en")
STAFF_FALLBACK = "en"


@cache
def _files(lang: str, scope: str | None = None) -> tuple[dict, ...]:
    paths = sorted((CATALOGUE_DIR / lang).glob("*.yaml"))
    if scope is not None:
        paths = [p for p in paths if (p.stem in STAFF_FILES) == (scope == "staff")]
    return tuple(yaml.safe_load(p.read_text(encoding="utf-8")) or {} for p in paths)


@cache
def scope_keys(scope: str) -> frozenset[str]:
    """Keys of the German reference catalogue in ``scope`` (``"public"`` or ``"staff"``)."""
    return frozenset(k for raw in _files(DEFAULT_LANGUAGE, scope) for k in raw
                     if not k.startswith("_") and not is_easy_variant(k))  # fmt: skip


#: Suffix of a German Leichte-Sprache variant of a key (``finder.intro.ls``).
EASY_SUFFIX = ".ls"


def is_easy_variant(key: str) -> bool:
    """Whether ``key`` is the Leichte-Sprache variant of another key."""
    return key.endswith(EASY_SUFFIX)


#: A catalogue value: a text, or a plural key's texts by CLDR plural category.
Entry = str | dict[str, str]


@cache
def catalogue(lang: str) -> dict[str, Entry]:
    """All entries of one language (without the ``_needs_review`` lists).

    Raises ``ValueError`` if two files of the language define the same key.
    """
    merged: dict[str, Entry] = {}
    for raw in _files(lang):
        for key, value in raw.items():
            if key.startswith("_"):
                continue
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined twice in {lang!r}")
            merged[key] = value
    return merged


@cache
def needs_review(lang: str) -> frozenset[str]:
    """Keys of ``lang`` marked for review by a native speaker."""
    return frozenset(k for raw in _files(lang) for k in (raw.get("_needs_review") or ()))


def resolve_language(code: str | None) -> str:
    """Return ``code`` if it is a UI language, else the default (German)."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _entry(key: str, lang: str) -> Entry:
    """The entry of ``key`` in ``lang`` with the fallbacks of :func:`t`."""
    lang = resolve_language(lang)
    entry = catalogue(lang).get(key)
    if entry is None and lang not in STAFF_LANGUAGES and key in scope_keys("staff"):
        entry = catalogue(STAFF_FALLBACK).get(key)
    if entry is None:
        entry = catalogue(DEFAULT_LANGUAGE)[key]
    return entry


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``values``.

    A staff key missing in ``lang`` falls back to English, any other missing key to German;
    a key missing everywhere raises ``KeyError`` (tests catch that, users never see a raw
    key). A plural key needs :func:`tn` (``TypeError`` here).

    Examples
    --------
    >>> t("app.title", "en")
    'Integration Atlas Lower Saxony'
    """
    text = _entry(key, lang)
    if not isinstance(text, str):
        raise TypeError(f"{key!r} is a plural key: use tn()")
    return text.format(**_numbers(values, lang)) if values else text


def _numbers(values: dict[str, object], lang: str) -> dict[str, object]:
    """Numbers among placeholder values written with the UI language's digits (Persian
    ``۲۵``); texts (the visitor's search, data) stay as they are."""
    lang = resolve_language(lang)
    return {k: localize_digits(str(v), lang)
            if isinstance(v, int | float) and not isinstance(v, bool) else v
            for k, v in values.items()}  # fmt: skip


def tn(key: str, n: int, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """Translate the plural key ``key`` for the count ``n`` (``{n}`` in the text).

    The form is chosen by the CLDR plural rules of ``lang``; ``{n}`` is formatted with the
    language's digit grouping.

    Examples
    --------
    >>> tn("finder.results_heading", 1, "de"), tn("finder.results_heading", 2, "de")
    ('1 Angebot gefunden', '2 Angebote gefunden')
    >>> tn("finder.results_heading", 1234, "en")
    '1,234 offers found'
    """
    forms = _entry(key, lang)
    if not isinstance(forms, dict):
        raise TypeError(f"{key!r} is not a plural key: use t()")
    lang = resolve_language(lang)
    text = forms.get(plural_category(n, lang)) or forms["other"]
    return text.format(n=format_count(n, lang), **_numbers(values, lang))


def direction(lang: str) -> str:
    """Writing direction of ``lang``: ``"ltr"`` or ``"rtl"``."""
    return LANGUAGES[resolve_language(lang)].direction


def _easy_key(key: str, lang: str, easy: bool) -> str:
    """``key`` or its Leichte-Sprache variant (German only, where the catalogue has one)."""
    if easy and resolve_language(lang) == DEFAULT_LANGUAGE:
        variant = key + EASY_SUFFIX
        if variant in catalogue(DEFAULT_LANGUAGE):
            return variant
    return key


def t_easy(key: str, lang: str, easy: bool, /, **values: object) -> str:
    """:func:`t`, but in German with ``easy`` the key's Leichte-Sprache variant if it has one.

    Examples
    --------
    >>> t_easy("finder.title", "de", True) != t("finder.title", "de")
    True
    >>> t_easy("finder.title", "en", True) == t("finder.title", "en")
    True
    """
    return t(_easy_key(key, lang, easy), lang, **values)


def tn_easy(key: str, n: int, lang: str, easy: bool, /, **values: object) -> str:
    """:func:`tn` with the Leichte-Sprache variant of :func:`t_easy`."""
    return tn(_easy_key(key, lang, easy), n, lang, **values)
