"""Locale data from babel (CLDR): language and weekday names, number formatting.

CLDR already holds these for every UI language, reviewed by native speakers, so they are
not duplicated in the catalogues.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.numbers import format_decimal

#: CLDR plural categories in their usual order.
PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")


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


def plural_category(n: int, lang: str) -> str:
    """The CLDR plural category of the count ``n`` in ``lang``.

    >>> [plural_category(n, "ru") for n in (1, 2, 5, 21)]
    ['one', 'few', 'many', 'one']
    >>> [plural_category(n, "ar") for n in (0, 1, 2, 3, 11, 100)]
    ['zero', 'one', 'two', 'few', 'many', 'other']
    """
    return _locale(lang).plural_form(n)


def plural_categories(lang: str) -> tuple[str, ...]:
    """The plural categories ``lang`` distinguishes (always including ``other``).

    >>> plural_categories("de"), plural_categories("uk")
    (('one', 'other'), ('one', 'few', 'many', 'other'))
    """
    tags = set(_locale(lang).plural_form.tags) | {"other"}
    return tuple(c for c in PLURAL_ORDER if c in tags)


def format_count(n: int, lang: str) -> str:
    """A whole number with the language's digit grouping.

    >>> format_count(1234, "de"), format_count(1234, "en"), format_count(7, "ar")
    ('1.234', '1,234', '7')
    """
    return format_decimal(n, format="#,##0", locale=_locale(lang))
