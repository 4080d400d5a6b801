"""Locale data from babel (CLDR): language and weekday names, numbers, digits, dates and
quotation marks per UI language.

CLDR already holds these for every UI language, reviewed by native speakers, so they are
not duplicated in the catalogues. Every number, count, distance and date the UI writes goes
through this module, so a page uses one set of digits.

**Digits** (:data:`NUMBERING`, the one table): Persian and Pashto use Extended Arabic-Indic
digits ``۰۱۲۳۴۵۶۷۸۹`` consistently (CLDR's default numbering system ``arabext`` for ``fa``
and ``ps``; Persian text with Western digits reads as foreign). Arabic uses Western digits
(CLDR's default for ``ar``; the visitor's surroundings in Germany — letters, street signs,
phone numbers, bus lines — are written with them, and they never mix on one card). Every
other UI language uses Western digits. German *data* (street numbers, postcodes, phone
numbers) stays as written, inside ``lang="de"`` elements.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

#: CLDR numbering system per UI language; a language not listed writes Western (latn) digits.
NUMBERING: dict[str, str] = {"fa": "arabext", "ps": "arabext"}

#: Quotation marks (CLDR ``delimiters``: quotationStart, quotationEnd), which babel does not
#: carry. ``ar``: CLDR's ”…“ (the start mark stands on the right in RTL text); ``ps`` and ``ti``:
#: «…», as their catalogues write them (to be confirmed by a native speaker).
QUOTES: dict[str, tuple[str, str]] = {
    "de": ("\u201e", "\u201c"), "en": ("\u201c", "\u201d"), "ar": ("\u201d", "\u201c"),
    "fa": ("\u00ab", "\u00bb"), "tr": ("\u201c", "\u201d"), "ru": ("\u00ab", "\u00bb"),
    "uk": ("\u00ab", "\u00bb"), "pl": ("\u201e", "\u201d"), "ro": ("\u201e", "\u201d"),
    "bg": ("\u201e", "\u201c"), "ku": ("\u201c", "\u201d"), "ti": ("\u00ab", "\u00bb"),
    "ps": ("\u00ab", "\u00bb"),
}  # fmt: skip
#: Unicode bidi isolation: FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE.
FSI, PDI = "\u2068", "\u2069"
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")

#: CLDR plural categories in their usual order.
PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")


@cache
def _locale(lang: str) -> Locale:
    """The babel locale of ``lang``; German for a code CLDR does not know (never raises)."""
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("de")


def numbering_system(lang: str) -> str:
    """The CLDR numbering system of ``lang`` (:data:`NUMBERING`).

    >>> numbering_system("fa"), numbering_system("ar"), numbering_system("de")
    ('arabext', 'latn', 'latn')
    """
    return NUMBERING.get(lang, "latn")


#: The digits of the numbering systems in use (CLDR numberingSystems; babel formats the
#: separators of a numbering system but leaves the digits Western).
DIGITS: dict[str, str] = {
    "latn": "0123456789",
    "arab": "".join(chr(0x0660 + d) for d in range(10)),
    "arabext": "".join(chr(0x06F0 + d) for d in range(10)),
}


@cache
def _digit_table(lang: str) -> dict[int, str]:
    return str.maketrans(DIGITS["latn"], DIGITS[numbering_system(lang)])


def localize_digits(text: str, lang: str) -> str:
    """``text`` (written by the UI, never data) with the language's digits.

    >>> localize_digits("Mo 10:00–12:00", "fa")
    'Mo ۱۰:۰۰–۱۲:۰۰'
    >>> localize_digits("10:00", "ar")
    '10:00'
    """
    return text.translate(_digit_table(lang))


def format_number(value: float, lang: str, fmt: str | None = None) -> str:
    """A number in the UI language's format and digits (``fmt``: a CLDR pattern).

    >>> format_number(1234.5, "de"), format_number(1234.5, "fa"), format_number(25, "ps")
    ('1.234,5', '۱٬۲۳۴٫۵', '۲۵')
    """
    text = format_decimal(value, format=fmt, locale=_locale(lang),
                          numbering_system=numbering_system(lang))  # fmt: skip
    return localize_digits(text, lang)


def format_share(share: float, lang: str, digits: int = 1) -> str:
    """A share (``0.634``) as a percentage in the UI language: the CLDR pattern (where the sign
    stands, with or without a space), the language's digits, separators and percent sign.

    >>> format_share(0.634, "de") == "63,4\u00a0%", format_share(0.634, "tr")
    (True, '%63,4')
    >>> format_share(0.634, "fa"), format_share(0.5, "en", digits=0)
    ('۶۳٫۴٪', '50%')
    """
    locale = _locale(lang)
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    system = numbering_system(lang)
    text = format_percent(share, format=pattern, locale=locale, numbering_system=system)
    sign = locale.number_symbols.get(system, {}).get("percentSign")
    if system != "latn" and sign:  # babel keeps the Western sign of the pattern
        text = text.replace("%", sign.strip("\u200e\u200f\u061c"))
    return localize_digits(text, lang)


def format_date(value: object, lang: str) -> str | None:
    """A date in the UI language: a ``date``, or ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` text
    (the precision a source gives is kept). ``None`` if ``value`` is no such date — free text
    from the data is shown as German data, not here.

    >>> format_date("2023-10-12", "de"), format_date("2019-12", "en"), format_date("2024", "fa")
    ('12. Oktober 2023', 'December 2019', '۲۰۲۴')
    >>> format_date("undatiert (Porträt)", "de") is None
    True
    """
    loc = _locale(lang)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return localize_digits(_babel_date(value, "long", locale=loc), lang)
    match = _PARTIAL_DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            text = _babel_date(date(year, month, day), "long", locale=loc)
        elif month is not None:
            text = format_skeleton("yMMMM", date(year, month, 1), locale=loc)
        else:
            text = str(year)
    except ValueError:  # 2023-13 or 2023-02-30
        return None
    return localize_digits(text, lang)


def quote(text: str, lang: str) -> str:
    """``text`` in the UI language's quotation marks, bidi-isolated (:func:`isolate`), so a
    Latin name inside Arabic text keeps its marks on the right sides.

    >>> quote("Hannover", "de") == "\u201e" + isolate("Hannover") + "\u201c"
    True
    """
    start, end = QUOTES.get(lang, QUOTES["en"])
    return f"{start}{isolate(text)}{end}"


def isolate(text: str) -> str:
    """``text`` between FSI and PDI: its direction is its own and does not reorder the
    surrounding text (for plain-text places; HTML uses ``<bdi>``)."""
    return f"{FSI}{text}{PDI}"


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
    return format_number(value, lang, "#,##0.0")


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
    >>> format_count(1234, "fa")
    '۱٬۲۳۴'
    """
    return format_number(n, lang, "#,##0")
