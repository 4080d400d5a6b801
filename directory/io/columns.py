"""The flat offer-row format shared by CSV, XLSX and GeoJSON (one row per service × location).

Canonical keys are English (:data:`FLAT_COLUMNS`); headers are matched case-, whitespace- and
punctuation-insensitively against the canonical key, its German header (:data:`GERMAN_HEADERS`,
used when exporting) and further aliases (:data:`ALIASES`).

Formula neutralisation (CSV/XLSX): a text cell that starts with ``=``, ``+``, ``-``, ``@``,
tab or carriage return — possibly after leading apostrophes — is written with one extra
leading ``'``; the importer removes exactly one apostrophe from cells of that shape. So a
spreadsheet program never evaluates an exported cell, and export → import is lossless
(a value that itself starts with ``'=`` survives too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from directory.validate import LABELS_DE

FLAT_COLUMNS: tuple[str, ...] = (
    "id", "organization", "name", "kind", "fields", "target_groups", "languages",
    "street", "postal_code", "city", "latitude", "longitude", "precision", "district_ags",
    "geocode_note", "phone", "email", "website", "opening_hours", "accessibility",
    "accessibility_note", "status", "source_url", "source_date", "assured_date",
    "verification", "description", "organization_id", "location_id", "demo",
)  # fmt: skip
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "organization", "kind")
#: list-valued columns ("; "-separated in CSV/XLSX)
LIST_COLUMNS = frozenset({"fields", "target_groups", "languages"})

#: header written on export (German): the validation messages' labels, one table for both
GERMAN_HEADERS: dict[str, str] = {**LABELS_DE, "demo": "Demo-Eintrag"}

#: further accepted headers per canonical key
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("service_id", "angebot_id", "angebots-id"),
    "organization": ("organisation", "traeger", "träger name", "trägername", "anbieter"),
    "name": ("angebot", "bezeichnung", "titel", "service"),
    "kind": ("angebotsart", "typ", "type"),
    "fields": ("handlungsfeld", "fields_of_action"),
    "target_groups": ("zielgruppe", "target_group"),
    "languages": ("sprache", "beratungssprachen", "language"),
    "street": ("strasse", "straße und hausnummer", "adresse", "address", "address_1"),
    "postal_code": ("postleitzahl", "plz", "postcode", "zip"),
    "city": ("stadt", "gemeinde", "place", "ort"),
    "latitude": ("lat", "breite"),
    "longitude": ("lon", "lng", "länge", "laenge"),
    "precision": ("geocode_precision",),
    "district_ags": ("ags", "kreis-ags", "district"),
    "phone": ("telefonnummer", "tel", "tel.", "telephone"),
    "email": ("e-mail-adresse", "mail", "e_mail"),
    "website": ("internet", "homepage", "url", "webseite", "website"),
    "opening_hours": ("sprechzeiten", "öffnungszeiten", "oeffnungszeiten", "hours"),
    "accessibility": ("barrierefreiheit", "rollstuhlgerecht"),
    "accessibility_note": ("barrierefreiheit hinweis",),
    "source_url": ("quelle url", "source"),
    "source_date": ("quellenstand", "quelle stand", "datenstand"),
    "assured_date": ("geprüft", "zuletzt geprüft", "last verified", "verified_at"),
    "verification": ("verifikation", "geprüft status"),
    "description": ("kurzbeschreibung", "beschreibung"),
    "organization_id": ("traeger-id", "träger id"),
    "location_id": ("standort id",),
    "demo": ("is_demo", "demo", "fiktiv", "demodaten"),
}


def header_key(text: Any) -> str:
    """Normalised header: NFC, case-folded, BOM/quotes dropped, ``_``/``-``/spaces unified."""
    s = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "").casefold().strip()
    s = re.sub(r"[\s_\-]+", " ", s.strip("\"' "))
    return s


_LOOKUP: dict[str, str] = {}
for _col in FLAT_COLUMNS:
    for _name in (_col, GERMAN_HEADERS[_col], *ALIASES.get(_col, ())):
        _LOOKUP.setdefault(header_key(_name), _col)


def canonical(header: Any) -> str | None:
    """Canonical key for a header, or ``None`` when unknown."""
    return _LOOKUP.get(header_key(header))


def map_headers(
    headers: Sequence[Any], explicit: Mapping[str, str | None] | None = None
) -> tuple[dict[int, str], list[str], list[tuple[str, str, dict[str, Any]]]]:
    """Column index → canonical key.

    ``explicit`` maps source headers (matched like headers) to canonical keys (or ``None`` /
    ``""`` to ignore a column); it wins over the automatic match. Returns
    ``(mapping, ignored_headers, errors)`` with errors as ``(code, german_text, params)``.
    """
    errors: list[tuple[str, str, dict[str, Any]]] = []
    by_key = {header_key(h): i for i, h in enumerate(headers)}
    forced: dict[int, str | None] = {}
    for src, target in (explicit or {}).items():
        idx = by_key.get(header_key(src))
        if idx is None:
            errors.append(("mapping_source_missing",
                           f"Zuordnung: Spalte „{src}“ gibt es in der Datei nicht.",
                           {"column": str(src)}))  # fmt: skip
            continue
        if target in (None, ""):
            forced[idx] = None
            continue
        tgt = canonical(target) if str(target) not in FLAT_COLUMNS else str(target)
        if tgt is None:
            errors.append(("mapping_target_unknown",
                           f"Zuordnung: Zielspalte „{target}“ ist unbekannt "
                           f"(erlaubt: {', '.join(FLAT_COLUMNS)}).",
                           {"column": str(target)}))  # fmt: skip
            continue
        forced[idx] = tgt
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for i, h in enumerate(headers):
        target = forced[i] if i in forced else canonical(h)
        if target is None:
            if header_key(h):
                ignored.append(str(h))
            continue
        if target in mapping.values():
            first = next(headers[j] for j, t in mapping.items() if t == target)
            errors.append(("duplicate_column",
                           f"Die Spalten „{first}“ und „{h}“ meinen beide „{target}“.",
                           {"column": target, "first": str(first), "second": str(h)}))  # fmt: skip
            continue
        mapping[i] = target
    return mapping, ignored, errors


# -- formula neutralisation --------------------------------------------------------------------
_DANGEROUS = re.compile(r"^'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to text that a spreadsheet could run as a formula (see module doc)."""
    if isinstance(value, str) and _DANGEROUS.match(value):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise` (remove exactly one leading apostrophe)."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value
