"""The UI language of a first visit, from the browser's ``Accept-Language`` header.

Pure functions (no Streamlit): :func:`parse_accept_language` reads the header as RFC 9110
§12.5.4 defines it (language ranges with optional ``q`` weights, ``q=0`` meaning "not
acceptable"); :func:`negotiate` picks the first supported UI language in that order.

Matching, per language range in order of preference:

1. the range itself if it is a UI language (``ar``);
2. its primary language subtag (``fa-IR`` → ``fa``, ``de-CH-1996`` → ``de``);
3. an alias for a language the UI serves under another code (:data:`ALIASES`):
   Dari (``prs``) and Iranian Persian (``pes``) → Persian ``fa`` (one written language,
   the same script; ``fa-AF`` already matches by step 2); Northern Kurdish/Kurmanji
   (``kmr``) → ``ku`` (the UI's Kurdish is Kurmanji in Latin script); Pashto varieties
   (``pbu``, ``pbt``, ``pst``) → ``ps``. Central Kurdish (``ckb``, Sorani, Arabic script)
   is deliberately *not* mapped to Latin-script Kurmanji: it is a different written
   language, so the next preference decides.

An alias only applies while its target is a UI language. Nothing usable → German.
The header is untrusted input: the functions never raise and read at most
:data:`MAX_HEADER` characters and :data:`MAX_RANGES` ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT = "de"
MAX_HEADER = 1000
MAX_RANGES = 32

#: Codes a browser may send for a language the UI serves under another code.
ALIASES: dict[str, str] = {
    "prs": "fa",  # Dari (Afghanistan)
    "pes": "fa",  # Iranian Persian
    "kmr": "ku",  # Northern Kurdish (Kurmanji)
    "pbu": "ps",  # Northern Pashto
    "pbt": "ps",  # Southern Pashto
    "pst": "ps",  # Central Pashto
}

_RANGE = re.compile(r"^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$")
_QVALUE = re.compile(r"^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")


def parse_accept_language(header: object) -> list[str]:
    """The language ranges of an ``Accept-Language`` header, most wanted first.

    Ranges are lower-cased (``_`` read as ``-``); equal weights keep the header's order;
    ranges with ``q=0`` and malformed entries are left out.

    >>> parse_accept_language("fa-IR,fa;q=0.9,en-US;q=0.8,en;q=0.7")
    ['fa-ir', 'fa', 'en-us', 'en']
    >>> parse_accept_language("en;q=0.5, ar, de;q=0")
    ['ar', 'en']
    >>> parse_accept_language(None), parse_accept_language("ä;;q=x")
    ([], [])
    """
    if not isinstance(header, str):
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, item in enumerate(header[:MAX_HEADER].split(",")[:MAX_RANGES]):
        tag, *params = (part.strip() for part in item.split(";"))
        tag = tag.lower().replace("_", "-")
        if not _RANGE.match(tag):
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                weight = float(value) if _QVALUE.match(value) else -1.0
        if weight > 0:
            weighted.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def match_language(tag: str, supported: Iterable[str]) -> str | None:
    """The UI language for one language range, or None.

    >>> match_language("fa-ir", ["de", "fa"]), match_language("prs", ["de", "fa"])
    ('fa', 'fa')
    >>> match_language("ckb", ["de", "ku"]) is None
    True
    """
    codes = set(supported)
    if tag in codes:
        return tag
    base = tag.split("-", 1)[0]
    if base in codes:
        return base
    alias = ALIASES.get(base)
    return alias if alias in codes else None


def negotiate(header: object, supported: Iterable[str], *, locale: object = None) -> str:
    """The UI language for a first visit: the first range of ``header`` that matches a
    code of ``supported``; else the browser's ``locale`` (``navigator.language``, which
    Streamlit reports separately); else German (``de`` is always the answer of last resort,
    also if it is not in ``supported``).

    >>> negotiate("ar-SY,ar;q=0.9,en;q=0.8", ["de", "en", "ar"])
    'ar'
    >>> negotiate("zh-CN,zh;q=0.9", ["de", "en"]), negotiate("zh, en;q=0.3", ["de", "en"])
    ('de', 'en')
    >>> negotiate("", ["de", "uk"], locale="uk-UA")
    'uk'
    """
    codes = list(supported)
    for tag in parse_accept_language(header):
        found = match_language(tag, codes)
        if found:
            return found
    if isinstance(locale, str):
        for tag in parse_accept_language(locale):
            found = match_language(tag, codes)
            if found:
                return found
    return DEFAULT
