"""Words for people: the German labels that CSV/XLSX exports carry instead of internal codes,
and the way back on import.

One table per coded column, built from the German UI catalogue (kinds, target groups, status
…), the fields of action as printed, and CLDR language names (Babel). :func:`to_words`
turns a flat row's codes into words (``"jmd"`` → ``"Jugendmigrationsdienst (JMD)"``,
``["ar", "fa"]`` → ``"Arabisch; Persisch"``); :func:`from_words` maps words — German or
English labels, or the codes themselves — back to codes, silently, so that an export imports
unchanged. Anything it does not know is left as it is for validation to judge.

HSDS and GeoJSON exports keep the codes (they are for machines).

>>> to_words("kind", "jmd")
'Jugendmigrationsdienst (JMD)'
>>> from_words("kind", "Jugendmigrationsdienst (JMD)"), from_words("languages", "Arabisch; Farsi")
('jmd', ['ar', 'fa'])
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from directory.model import (
    DISTRICT_STATUSES,
    GEOCODE_PRECISIONS,
    SERVICE_STATUSES,
    SOURCE_KINDS,
    VERIFICATION_STATES,
)
from directory.taxonomy import FIELD_IDS, KIND_IDS, TARGET_GROUP_IDS, fields_of_action
from i18n import catalogue

#: coded columns that carry words in exports for people
WORD_COLUMNS = ("kind", "fields", "target_groups", "languages", "status", "verification",
                "accessibility", "precision", "district_status", "source_kind")  # fmt: skip
_LIST = frozenset({"fields", "target_groups", "languages"})
_SPLIT = re.compile(r"\s*[;|\n]\s*")
#: further names people write for languages (CLDR has "Persisch", not "Farsi")
_LANGUAGE_EXTRAS = {"farsi": "fa", "dari": "fa", "tigrinisch": "ti", "kurdisch (kurmandschi)": "ku",
                    "kurmandschi": "ku", "kurmanji": "ku", "sorani": "ku", "paschtunisch": "ps",
                    "serbokroatisch": "sh", "gebärdensprache": "sgn"}  # fmt: skip


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold().strip())


def _label_key(column: str, code: str) -> str:
    if column in ("kind", "precision"):
        return f"{column}.{code}"
    if column in ("district_status", "source_kind"):
        return f"daten.{column}.{code}"
    return f"field.{code}" if column == "fields" else f"daten.opt.{code}"


def _codes(column: str) -> tuple[str, ...]:
    return {"kind": KIND_IDS, "fields": FIELD_IDS, "target_groups": TARGET_GROUP_IDS,
            "status": SERVICE_STATUSES, "verification": VERIFICATION_STATES,
            "accessibility": ("yes", "no", "unknown"),
            "precision": GEOCODE_PRECISIONS, "district_status": DISTRICT_STATUSES,
            "source_kind": SOURCE_KINDS}[column]  # fmt: skip


@cache
def _word_of(column: str) -> dict[str, str]:
    """code → German word."""
    if column == "languages":
        from i18n.localedata import _locale

        return dict(_locale("de").languages)
    de = catalogue("de")
    out = {}
    for code in _codes(column):
        word = de.get(_label_key(column, code))
        out[code] = word if word is not None else code
    return out


@cache
def _code_of(column: str) -> dict[str, str]:
    """normalised word (German or English label, or the code) → code."""
    out: dict[str, str] = {}
    if column == "languages":
        from i18n.localedata import _locale

        for lang in ("en", "de"):
            for code, name in _locale(lang).languages.items():
                if len(code) == 2:
                    out[_key(name)] = code
        out.update(_LANGUAGE_EXTRAS)
        return out
    for lang in ("en", "de"):
        cat = catalogue(lang)
        for code in _codes(column):
            word = cat.get(_label_key(column, code))
            if word:
                out[_key(word)] = code
    if column == "fields":
        out.update({_key(f.title): f.id for f in fields_of_action()})
    out.update({_key(code): code for code in _codes(column)})
    return out


def to_words(column: str, value: Any) -> Any:
    """The German word(s) for a coded value; lists joined with ``"; "``; others unchanged."""
    if column not in WORD_COLUMNS or value is None:
        return value
    words = _word_of(column)
    if column in _LIST:
        return "; ".join(words.get(v, v) for v in value or [])
    return words.get(value, value)


def from_words(column: str, value: Any) -> Any:
    """Codes for words (see module doc); unknown words stay for validation to report.

    A list column returns a list only when every item is known, else the value unchanged.
    """
    if column not in WORD_COLUMNS or not isinstance(value, str) or not value.strip():
        return value
    found = _from_words(column, value)
    return list(found) if isinstance(found, tuple) else found


@lru_cache(maxsize=16384)
def _from_words(column: str, value: str) -> str | tuple[str, ...]:
    codes = _code_of(column)
    if column in _LIST:
        items = [v for v in _SPLIT.split(value.strip()) if v]
        if len(items) == 1:
            items = [v.strip() for v in value.split(",") if v.strip()]
        found = [codes.get(_key(v)) for v in items]
        return tuple(found) if all(found) else value  # type: ignore[arg-type]
    return codes.get(_key(value), value)
