"""Phone numbers: parsed with ``phonenumbers`` (Google's libphonenumber), stored as E.164.

Sources and coordinators write numbers in many styles ("05121 - 13 28 20", "(0511) 123 45-6",
"+49 4941 16-3264", "0049 511 …", "05151/202-3444", "0511 123456 App. 12"). The store keeps
one form:

* a **valid** number → E.164 (``+495121132820``); an extension (written "ext.", "App.",
  "Durchwahl", "DW", "Nebenstelle") is kept RFC 3966-style: ``+49511123456;ext=12``. A German
  hyphenated direct-dial suffix ("16-3264") is part of the number, as dialled;
* an **invalid** number (wrong length, unknown area code) → kept as typed, flagged by
  validation (``validate.invalid_phone``) and never turned into a ``tel:`` link.

People see the national format (DIN 5008 style, extension after a hyphen):
:func:`display_phone`; links use :func:`tel_href` (``tel:`` + E.164).

>>> normalize_phone("05121 - 13 28 20")
'+495121132820'
>>> display_phone("+495121132820")
'05121 132820'
>>> tel_href("(0511) 123 45-6")
'tel:+49511123456'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

REGION = "DE"
#: German mobile networks: national significant numbers 15x, 16x, 17x
MOBILE_PREFIXES = ("15", "16", "17")
_EXTENSION_WORDS = re.compile(
    r"\s*(?:,|;)?\s*\b(?:durchwahl|durchw\.?|dw\.?|app\.?|apparat|nebenstelle|nst\.?)\s*:?\s*"
    r"(?=\d)", re.IGNORECASE,
)  # fmt: skip
_RFC_EXT = re.compile(r"^(\+\d{4,15});ext=(\d{1,10})$")


@dataclass(frozen=True)
class PhoneNumber:
    """A parsed number. ``e164`` is ``None`` when the number is not valid."""

    original: str
    e164: str | None
    extension: str | None = None
    mobile: bool = False
    foreign: bool = False

    @property
    def valid(self) -> bool:
        return self.e164 is not None

    @property
    def stored(self) -> str:
        """What the store keeps: E.164 (with ``;ext=``) when valid, else the text as typed."""
        if self.e164 is None:
            return self.original
        return f"{self.e164};ext={self.extension}" if self.extension else self.e164


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    text = _EXTENSION_WORDS.sub(" ext. ", text.replace("–", "-").replace("—", "-"))
    try:
        return phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None


def _is_mobile_de(num: phonenumbers.PhoneNumber) -> bool:
    return num.country_code == 49 and str(num.national_number).startswith(MOBILE_PREFIXES)


def parse_phone(value: str | None) -> PhoneNumber | None:
    """Parse a number as written (German numbers without country code); ``None`` if empty.

    >>> parse_phone("+49 4941 16-3264").e164
    '+494941163264'
    >>> parse_phone("0511 123456 App. 12").stored
    '+49511123456;ext=12'
    >>> parse_phone("0511 1").valid
    False
    """
    text = (value or "").strip()
    if not text:
        return None
    m = _RFC_EXT.match(text)
    if m:  # already stored form with an extension
        text = f"{m.group(1)} ext. {m.group(2)}"
    num = _parse(text)
    if num is None:
        return PhoneNumber(value.strip(), None)
    mobile = _is_mobile_de(num) or phonenumbers.number_type(num) == PhoneNumberType.MOBILE
    if not phonenumbers.is_valid_number(num):
        return PhoneNumber(value.strip(), None, mobile=_is_mobile_de(num))
    e164 = phonenumbers.format_number(num, PhoneNumberFormat.E164)
    return PhoneNumber(value.strip(), e164, num.extension or None, mobile, num.country_code != 49)


def normalize_phone(value: str | None) -> str | None:
    """The stored form of a number (see module doc); ``None`` for empty input."""
    parsed = parse_phone(value)
    return parsed.stored if parsed else None


def is_german_mobile(value: str | None) -> bool:
    """Whether a number is a German mobile number (015x, 016x, 017x), valid or not.

    >>> is_german_mobile("0157/82214426"), is_german_mobile("+49 170 1234567")
    (True, True)
    >>> is_german_mobile("05121 13 28 20")
    False
    """
    parsed = parse_phone(value)
    return bool(parsed and parsed.mobile)


def display_phone(number: str | None, lang: str = "de") -> str:
    """A stored number as people read it: the national format for German numbers
    ("05121 132820", extension after a hyphen: "0511 123456-12"), the international format
    for others ("+33 1 23 45 67 89"); an invalid or unparsable number as stored.

    ``lang`` is accepted for the UI's sake; the format is the same in every UI language
    (it is what a caller in Germany dials).
    """
    parsed = parse_phone(number)
    if parsed is None:
        return ""
    if not parsed.valid:
        return parsed.original
    num = phonenumbers.parse(parsed.e164, REGION)
    style = PhoneNumberFormat.INTERNATIONAL if parsed.foreign else PhoneNumberFormat.NATIONAL
    text = phonenumbers.format_number(num, style)
    return f"{text}-{parsed.extension}" if parsed.extension else text


#: the name the card code asks for
format_phone = display_phone


def sheet_phone(number: str | None) -> str:
    """A stored number for a spreadsheet people edit and import again: the national
    format of :func:`display_phone`, but an extension spelled out ("0511 123456 Durchwahl
    12": a hyphen would read as part of the number on import); a number whose written
    form would not read back to the stored one stays as stored.

    >>> sheet_phone("+495121132820"), sheet_phone("+49511123456;ext=12")
    ('05121 132820', '0511 123456 Durchwahl 12')
    >>> sheet_phone("+33123456789"), sheet_phone("12345"), sheet_phone(None)
    ('+33 1 23 45 67 89', '12345', '')
    """
    parsed = parse_phone(number)
    if parsed is None:
        return ""
    if not parsed.valid:
        return parsed.original
    text = display_phone(parsed.e164)
    if parsed.extension:
        text = f"{text} Durchwahl {parsed.extension}"
    again = parse_phone(text)
    return text if again is not None and again.stored == parsed.stored else parsed.stored


def tel_href(number: str | None) -> str | None:
    """``tel:`` URI (E.164, RFC 3966 extension) of a valid number; ``None`` if invalid/empty.

    >>> tel_href("0511 123456 Durchwahl 12")
    'tel:+49511123456;ext=12'
    >>> tel_href("12345") is None
    True
    """
    parsed = parse_phone(number)
    if parsed is None or not parsed.valid:
        return None
    return f"tel:{parsed.stored}"
