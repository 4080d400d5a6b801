"""Text normalisation for place-name search in any script.

The functions here turn user input and gazetteer names into comparison keys
so that "Göttingen", "GÖTTINGEN", "Goettingen" and "gottingen" meet, and so
that Cyrillic, Arabic and Persian spellings are compared without vowel marks,
zero-width joiners or letter-variant noise.

All functions are pure and never raise on odd input.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "MAX_QUERY_LEN",
    "clean_input",
    "exact_key",
    "fold_keys",
    "has_cyrillic",
    "transliterate_cyrillic",
]

#: Hard cap for user input; longer strings are cut before any processing.
MAX_QUERY_LEN = 100

# German transliteration: umlaut <-> digraph.  Applied *after* casefolding.
_EXPAND = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})

# Arabic-script letter variants that users (and GeoNames) mix freely:
# Arabic vs Persian yeh and kaf, alef maksura, teh marbuta, heh goal/doachashmee.
_ARABIC_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
        "\u0629": "\u0647",  # TEH MARBUTA -> HEH
        "\u06c1": "\u0647",  # HEH GOAL -> HEH
        "\u06be": "\u0647",  # HEH DOACHASHMEE -> HEH
        "\u0640": None,  # TATWEEL (kashida)
    }
)

# Anything that is not a letter or digit in any script separates words.
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_input(text: object) -> str:
    """Make arbitrary user input safe to process.

    Parameters
    ----------
    text : object
        Raw input; non-strings (``None``, numbers) are converted or dropped.

    Returns
    -------
    str
        NFKC-normalised text without control characters, trimmed and cut to
        :data:`MAX_QUERY_LEN` characters.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_LEN * 4])
    text = _CONTROL.sub(" ", text)
    return text.strip()[:MAX_QUERY_LEN].strip()


def _strip_marks(text: str) -> str:
    """Drop combining marks and format characters (ZWNJ, ZWJ, RLM ...)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = [ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me", "Cf")]
    return unicodedata.normalize("NFC", "".join(kept))


def _words(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip()


def exact_key(text: str) -> str:
    """Casefolded key that still keeps diacritics.

    Parameters
    ----------
    text : str
        A name or query.

    Returns
    -------
    str
        NFKC + casefold, punctuation collapsed to single spaces.  Used to
        prefer "Hude" over "Hüde" when the user typed "Hude".
    """
    return _words(unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC_FOLD))


def fold_keys(text: str) -> tuple[str, ...]:
    """Diacritic-free comparison keys, German transliteration both ways.

    Two keys are produced: one with umlauts stripped ("gottingen") and one
    with umlauts expanded to digraphs ("goettingen").  Indexing both forms of
    every name and looking up both forms of the query makes "Göttingen",
    "Goettingen" and "gottingen" equivalent without collapsing every "ue" in
    the language to "u".  Non-Latin letters are kept; only their combining
    marks (Arabic harakat, Cyrillic breve/diaeresis) are removed.

    Parameters
    ----------
    text : str
        A name or query.

    Returns
    -------
    tuple of str
        One or two distinct non-empty keys (empty tuple for empty input).
    """
    base = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC_FOLD)
    stripped = _words(_strip_marks(base))
    expanded = _words(_strip_marks(base.translate(_EXPAND)))
    keys: list[str] = []
    for key in (stripped, expanded):
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


# A German-oriented romanisation of Russian/Ukrainian/Belarusian/Bulgarian
# Cyrillic.  It is only a fallback for fuzzy matching when a Cyrillic
# spelling is missing from GeoNames (e.g. "Целле" -> "zelle" ~ "celle").
_CYR = {
    "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "ö",
    "є": "je", "ж": "sch", "з": "s", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ў": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ü", "я": "ja",
    "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz",
}  # fmt: skip


def has_cyrillic(text: str) -> bool:
    """Return True when *text* contains at least one Cyrillic letter."""
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def transliterate_cyrillic(text: str) -> tuple[str, ...]:
    """Romanise Cyrillic letters the way German exonyms are usually spelled.

    Russian and Ukrainian render German "H" as "Г" ("Ганновер" = Hannover)
    but also use it for "G" ("Гёттинген"), so two variants are returned.

    Parameters
    ----------
    text : str
        Casefolded or raw text; non-Cyrillic characters pass unchanged.

    Returns
    -------
    tuple of str
        Romanised, casefolded variants (``г`` as "g" and as "h").
    """
    # Work on the composed form so that "ё"/"й" are seen as single letters.
    composed = unicodedata.normalize("NFC", text.casefold())
    as_g = "".join(_CYR.get(ch, ch) for ch in composed)
    as_h = "".join("h" if ch == "г" else _CYR.get(ch, ch) for ch in composed)
    return (as_g,) if as_g == as_h else (as_g, as_h)
