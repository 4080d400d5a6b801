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
    "district_status", "geocode_note", "phone", "email", "website", "opening_hours",
    "accessibility", "accessibility_note", "status", "source_url", "source_kind",
    "source_date", "assured_date", "verification", "description", "editorial_note",
    "organization_id", "location_id", "demo",
)  # fmt: skip
#: the only column a file must have: everything else is optional (the organization defaults
#: to the name, the kind is inferred from the row's text; see :mod:`directory.io.prepare`)
REQUIRED_COLUMNS: tuple[str, ...] = ("name",)
#: list-valued columns ("; "-separated in CSV/XLSX)
LIST_COLUMNS = frozenset({"fields", "target_groups", "languages"})

#: header written on export (German): the validation messages' labels, one table for both
GERMAN_HEADERS: dict[str, str] = {**LABELS_DE, "demo": "Demo-Eintrag"}

#: further accepted headers per canonical key (German and English; matched by header_key)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("service_id", "angebot_id", "angebots-id"),
    "organization": ("organisation", "traeger", "träger name", "trägername", "anbieter",
                     "trägerschaft", "träger der einrichtung", "provider", "operator",
                     "organisation name", "organization name"),
    "name": ("einrichtung", "name der einrichtung", "einrichtungsname", "beratungsstelle",
             "name der beratungsstelle", "stelle", "dienststelle", "facility", "facility name",
             "name of facility", "office", "institution", "bezeichnung"),
    "kind": ("angebotsart", "art des angebots", "typ", "type", "kind of offer", "offer type",
             "service type", "type of service"),
    "fields": ("handlungsfeld", "fields_of_action", "fields of action"),
    "target_groups": ("zielgruppe", "target_group", "target groups"),
    "languages": ("sprache", "beratungssprachen", "language", "sprachen der beratung",
                  "languages spoken", "fremdsprachen"),
    "street": ("strasse", "straße und hausnummer", "straße, hausnummer", "str.", "adresse",
               "anschrift", "address", "address_1", "street address"),
    "postal_code": ("postleitzahl", "plz", "postcode", "zip", "zip code", "post code"),
    "city": ("stadt", "gemeinde", "place", "ort", "wohnort", "town"),
    "latitude": ("lat", "breite"),
    "longitude": ("lon", "lng", "länge", "laenge"),
    "precision": ("geocode_precision",),
    "district_ags": ("ags", "kreis-ags", "district"),
    "district_status": ("kreis sicherheit", "district certainty"),
    "phone": ("telefonnummer", "tel", "tel.", "telephone", "phone number", "fon", "telefon-nr."),
    "email": ("e-mail-adresse", "mail", "e_mail", "email address", "e-mail address"),
    "website": ("internet", "homepage", "url", "webseite", "website", "internetseite",
                "web"),
    "opening_hours": ("sprechzeiten", "öffnungszeiten", "oeffnungszeiten", "hours",
                      "opening hours", "beratungszeiten"),
    "accessibility": ("barrierefreiheit", "rollstuhlgerecht", "accessible", "wheelchair"),
    "accessibility_note": ("barrierefreiheit hinweis",),
    "source_url": ("quelle url", "source"),
    "source_kind": ("quellenart", "quelle art", "quelle_art", "source type"),
    "source_date": ("quellenstand", "quelle stand", "datenstand"),
    "assured_date": ("geprüft", "zuletzt geprüft", "last verified", "verified_at"),
    "verification": ("verifikation", "geprüft status"),
    # (no "Bemerkung"/"notes": a sheet's remarks are often internal, the description is public)
    "description": ("kurzbeschreibung", "beschreibung", "angebotsbeschreibung"),
    "editorial_note": ("redaktionshinweis", "hinweis redaktion", "editorial note"),
    "organization_id": ("traeger-id", "träger id"),
    "location_id": ("standort id",),
    "demo": ("is_demo", "demo", "fiktiv", "demodaten"),
}
#: aliases that give way when another column of the file names the same field more exactly
#: (a sheet with "Einrichtung" and "Angebot": the facility is the entry's name, and the offer
#: text tells its kind, see :data:`KIND_TEXT_HEADERS`)
WEAK_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("angebot", "titel", "service", "angebotsname", "offer", "title"),
}
#: headers of free-text columns that describe the kind of offer (searched first when the file
#: has no kind column of its own)
KIND_TEXT_HEADERS: tuple[str, ...] = (
    "angebot", "angebote", "art", "angebotsart", "leistung", "leistungen", "schwerpunkt",
    "schwerpunkte", "arbeitsbereich", "bereich", "tätigkeit", "taetigkeit", "offer", "offers",
    "service", "services", "focus", "beschreibung", "kurzbeschreibung", "description",
)


def header_key(text: Any) -> str:
    """Normalised header: NFC, case-folded, BOM/quotes dropped, ``_``/``-``/spaces unified,
    a trailing ``*`` or ``:`` (marks of required columns) dropped.

    >>> header_key(" Name der Einrichtung*: ")
    'name der einrichtung'
    """
    s = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "").casefold().strip()
    s = re.sub(r"[\s_\-]+", " ", s.strip("\"' ")).rstrip("*: ")
    return s


#: header key → (canonical key, rank): 0 the key or German header itself, 1 an alias,
#: 2 a weak alias
_LOOKUP: dict[str, tuple[str, int]] = {}
for _col in FLAT_COLUMNS:
    for _rank, _names in enumerate(((_col, GERMAN_HEADERS[_col]), ALIASES.get(_col, ()),
                                    WEAK_ALIASES.get(_col, ()))):  # fmt: skip
        for _name in _names:
            _LOOKUP.setdefault(header_key(_name), (_col, _rank))


def canonical(header: Any) -> str | None:
    """Canonical key for a header, or ``None`` when unknown.

    >>> canonical("Name der Einrichtung"), canonical("Postleitzahl"), canonical("Telefax")
    ('name', 'postal_code', None)
    """
    found = _LOOKUP.get(header_key(header))
    return found[0] if found else None


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
    # automatic matches: of several columns naming one field, the most exact one wins
    rank: dict[int, int] = {}
    best: dict[str, int] = {}
    for i, h in enumerate(headers):
        if i in forced:
            continue
        found = _LOOKUP.get(header_key(h))
        if found is not None:
            rank[i] = found[1]
            best[found[0]] = min(best.get(found[0], 9), found[1])
    taken = {t for t in forced.values() if t}
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for i, h in enumerate(headers):
        target = forced[i] if i in forced else canonical(h)
        if target is not None and i not in forced and (
            rank[i] > best[target] or (target in taken and rank[i] > 0)
        ):
            target = None  # a more exact (or a chosen) column names this field
        if target is None:
            if header_key(h):
                ignored.append(str(h))
            continue
        if target in mapping.values():
            first = next(headers[j] for j, t in mapping.items() if t == target)
            label = GERMAN_HEADERS.get(target, target)
            errors.append(("duplicate_column",
                           f"Die Spalten „{first}“ und „{h}“ meinen beide „{label}“.",
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
    if isinstance(value, str) and value[:1] == "'" and _NEUTRALISED.match(value):
        return value[1:]
    return value
