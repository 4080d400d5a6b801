"""Locale data from babel (CLDR): language and weekday names, number formatting.

CLDR already holds these for every UI language, reviewed by native speakers, so they are
not duplicated in the catalogues.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.numbers import format_decimal


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def language_name(code: str, lang: str) -> str:
    """Name of the language ``code`` (ISO 639-1) in the UI language ``lang``.

    >>> language_name("ar", "de")
    'Arabisch'
    """
    return _locale(lang).languages.get(code, code)


def weekday_names(lang: str) -> list[str]:
    """Abbreviated weekday names, Monday first."""
    days = _locale(lang).days["format"]["abbreviated"]
    return [days[i] for i in range(7)]


def format_km(value: float, lang: str) -> str:
    """A distance in km with one decimal in the UI language's number format.

    >>> format_km(2.345, "de")
    '2,3'
    """
    return format_decimal(value, format="#,##0.0", locale=_locale(lang))
