"""Default content: the researched offices in ``data/offices.csv`` → directory records.

This module only loads; where a row lies is decided by the one placement of the app,
:meth:`geo.gazetteer.Gazetteer.locate`. Rules (nothing is invented):

* one :class:`Organization` per distinct ``traeger`` (by exact name). An empty ``traeger`` (or
  the old placeholder "in Quelle nicht genannt") is an unknown operator: the offer gets an
  organisation of its own with an *empty* name (the model needs one), never a made-up name;
* one :class:`Service` per row: kind/fields/target groups from :mod:`directory.taxonomy`,
  languages only if the source names them (German names → ISO 639-1; lists introduced with
  "Infomaterial:" describe leaflets, not the counselling language, and are not taken),
  ``source_url``/``source_date`` verbatim, ``verification="unverified"``, ``assured_date`` =
  the source date only when it is a clean ``YYYY-MM-DD``. The description is the research's
  own neutral sentence (``beschreibung``) or empty — the verbatim source ``excerpt`` stays with
  the source record (``source_excerpt``, with ``quelle_art`` as ``source_kind``) and is never
  shown as the description; ``hinweis`` (editorial note) goes to ``editorial_note``;
* one :class:`Location` per row with street/PLZ/Ort exactly as given (empty → ``None``),
  coordinates from ``lat``/``lon`` when the source states them (precision ``address``), else
  from the gazetteer (postcode centroid, else place), else none with the reason in
  ``geocode_note``; district and ``district_status`` from the same placement;
  opening hours from ``oeffnungszeiten`` (:func:`directory.hours.parse_hours_text`);
* the phone in E.164 (:mod:`directory.phones`; an invalid one as written). German mobile
  numbers (015x/016x/017x) are refused — they are personal numbers of staff in the sources —
  unless the row's ``hinweis`` says it is the office's own line ("Mobilnummer der Stelle",
  "Diensthandy").

Ids: the row's ``id`` column when present (the service id; location, link and phone ids are
derived from it), else UUID v5 of the CSV row (``name`` + ``traeger`` + ``ort`` + ``street``).
Loading skips rows whose service already exists (idempotent, and no second location for an
offer whose row was cleaned since).
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from directory.hours import parse_hours_text
from directory.ids import stable_id
from directory.model import (
    SOURCE_KINDS,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
)
from directory.phones import is_german_mobile, parse_phone
from directory.store import Store
from directory.taxonomy import classify_kind, classify_target_groups, fields_for_kind
from geo.gazetteer import Gazetteer

OFFICES_CSV = Path(__file__).resolve().parent.parent / "data" / "offices.csv"
SEED_ACTOR = "seed:offices.csv"

#: German language names (as written in the sources) → ISO 639-1
LANGUAGE_NAMES: dict[str, str] = {
    "deutsch": "de", "englisch": "en", "arabisch": "ar", "persisch": "fa", "farsi": "fa",
    "dari": "fa", "türkisch": "tr", "russisch": "ru", "ukrainisch": "uk", "kurdisch": "ku",
    "paschtu": "ps", "tigrinya": "ti", "tigrinisch": "ti", "somali": "so", "französisch": "fr",
    "polnisch": "pl", "rumänisch": "ro", "bulgarisch": "bg", "albanisch": "sq",
    "serbisch": "sr", "kroatisch": "hr", "bosnisch": "bs", "spanisch": "es",
    "italienisch": "it", "griechisch": "el", "vietnamesisch": "vi", "chinesisch": "zh",
    "amharisch": "am", "portugiesisch": "pt", "urdu": "ur", "hindi": "hi",
}  # fmt: skip

_CLEAN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PAREN = re.compile(r"\s*\([^)]*\)")
#: placeholder the first research round wrote for an unknown operator (not a name)
_NOT_NAMED = "in quelle nicht genannt"
#: a ``hinweis`` saying that a mobile number is the office's own line
OFFICE_MOBILE = re.compile(r"mobilnummer der stelle|diensthandy", re.IGNORECASE)
_MUNICIPAL_PREFIXES = ("landkreis ", "stadt ", "region ", "landeshauptstadt ", "gemeinde ",
                       "samtgemeinde ", "hansestadt ")  # fmt: skip


# -- rows → records ----------------------------------------------------------------------------
def _opt(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_languages(text: str | None) -> list[str]:
    """ISO 639-1 codes for the language names in a source text (unknown names are dropped).

    >>> parse_languages("Deutsch, Englisch, Arabisch, Kurdisch, Russisch")
    ['de', 'en', 'ar', 'ku', 'ru']
    >>> parse_languages("Infomaterial: Deutsch, Ukrainisch")
    []
    """
    text = (text or "").strip()
    if not text or text.casefold().startswith("infomaterial"):
        return []
    codes: list[str] = []
    for word in re.findall(r"[A-Za-zÄÖÜäöüß]+", _PAREN.sub("", text)):
        code = LANGUAGE_NAMES.get(word.casefold())
        if code and code not in codes:
            codes.append(code)
    return codes


def clean_date(text: str | None) -> date | None:
    """``date`` for an exact ``YYYY-MM-DD``, else ``None`` ("2018", "Stand Mai 2024", …)."""
    text = (text or "").strip()
    if not _CLEAN_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _org_kind(name: str, service_kind: str) -> str | None:
    if name.casefold().startswith(_MUNICIPAL_PREFIXES):
        return "kommune"
    if service_kind == "selbstorganisation":
        return "selbstorganisation"
    return None


def read_offices(path: Path = OFFICES_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if _opt(value) else None
    except ValueError:
        return None


def records_from_offices(
    rows: list[dict[str, str]], gaz: Gazetteer
) -> tuple[list[Any], dict[str, int]]:
    """ORM records (insert order) for the CSV rows, plus counts.

    Counts: placement (``postcode``, ``place``, ``address``, ``none: <reason>``),
    ``district_uncertain``, ``phone_invalid``, ``phone_refused_mobile``, ``hours_unparsed``.
    """
    orgs: dict[str, Organization] = {}
    records: list[Any] = []
    stats: dict[str, int] = {}

    def count(key: str) -> None:
        stats[key] = stats.get(key, 0) + 1

    for row in rows:
        traeger = (row.get("traeger") or "").strip()
        row_key = (row["name"], row["traeger"], row["ort"], row["street"])
        row_id = _opt(row.get("id"))
        service_id = row_id or stable_id("service", *row_key)
        ids = {table: stable_id(table, service_id) if row_id else stable_id(table, *row_key)
               for table in ("location", "service_at_location", "phone")}  # fmt: skip
        kind = classify_kind(row["kind"])
        known = bool(traeger) and traeger.casefold() != _NOT_NAMED
        org_key = traeger if known else f"\x00{service_id}"
        org = orgs.get(org_key)
        if org is None:
            org = Organization(
                id=stable_id("organization", traeger) if known
                else stable_id("organization", "", service_id),
                name=traeger if known else "",
                website=None,
                kind=_org_kind(traeger, kind) if known else None,
            )  # fmt: skip
            orgs[org_key] = org
            records.append(org)
        if org.website is None and _opt(row["website"]):
            org.website = _opt(row["website"])
        lat, lon = _number(row.get("lat")), _number(row.get("lon"))
        placement = gaz.locate(postal_code=_opt(row["plz"]), city=_opt(row["ort"]),
                               latitude=lat if lon is not None else None,
                               longitude=lon if lat is not None else None)  # fmt: skip
        count(placement.precision or f"none: {placement.note}")
        if placement.district_uncertain:
            count("district_uncertain")
        hours_text = _opt(row.get("oeffnungszeiten"))
        hours = parse_hours_text(hours_text) if hours_text else None
        if hours_text and hours is None:
            count("hours_unparsed")
        source_kind = _opt(row.get("quelle_art"))
        service = Service(
            id=service_id,
            organization_id=org.id,
            name=row["name"].strip(),
            description=_opt(row.get("beschreibung")),
            kind=kind,
            fields=list(fields_for_kind(kind)),
            target_groups=list(classify_target_groups(row["target_group"])),
            languages=parse_languages(row["languages"]),
            status="active",
            url=_opt(row["website"]),
            email=_opt(row.get("email")),
            source_url=_opt(row["source_url"]),
            source_date=_opt(row["source_date"]),
            source_kind=source_kind if source_kind in SOURCE_KINDS else None,
            source_excerpt=_opt(row.get("excerpt")),
            editorial_note=_opt(row.get("hinweis")),
            assured_date=clean_date(row["source_date"]),
            verification="unverified",
            is_demo=False,
        )
        location = Location(
            id=ids["location"],
            organization_id=org.id,
            name=row["name"].strip(),
            address_1=_opt(row["street"]),
            postal_code=_opt(row["plz"]),
            city=_opt(row["ort"]),
            latitude=placement.latitude,
            longitude=placement.longitude,
            geocode_precision=placement.precision,
            geocode_note=placement.note,
            district_ags=placement.district_ags,
            district_status=placement.district_status,
            accessibility="unknown",
            opening_hours=dict(hours) if hours else None,
        )
        records += [
            service,
            location,
            ServiceAtLocation(
                id=ids["service_at_location"], service_id=service.id, location_id=location.id
            ),
        ]
        phone = parse_phone(row["phone"])
        if phone is None:
            continue
        if is_german_mobile(phone.original) and not OFFICE_MOBILE.search(row.get("hinweis") or ""):
            count("phone_refused_mobile")  # a personal number of staff: not loaded
            continue
        if not phone.valid:
            count("phone_invalid")
        records.append(Phone(id=ids["phone"], number=phone.stored, service_id=service.id,
                             type="voice"))  # fmt: skip
    return records, stats


def load_offices(
    store: Store,
    *,
    path: Path = OFFICES_CSV,
    gazetteer: Gazetteer | None = None,
    actor: str = SEED_ACTOR,
) -> dict[str, int]:
    """Insert the rows whose offer is not yet stored (by stable id); returns counts.

    Keys: ``added`` (services added), ``rows``, and the counts of
    :func:`records_from_offices` over all rows of the file.
    """
    gaz = gazetteer or Gazetteer.default()
    records, stats = records_from_offices(read_offices(path), gaz)
    services = {r.id for r in records if isinstance(r, Service)}
    # every record but the shared organizations belongs to one row, i.e. one service
    owner = {r.location_id: r.service_id for r in records if isinstance(r, ServiceAtLocation)}
    owner |= {r.id: r.id for r in records if isinstance(r, Service)}
    owner |= {r.id: r.service_id for r in records if isinstance(r, ServiceAtLocation | Phone)}
    with store.session() as s:
        stored = set(s.scalars(select(Service.id).where(Service.id.in_(services))))
        new = [r for r in records if owner.get(r.id) not in stored]
        used = {r.organization_id for r in new if isinstance(r, Service)}
        orgs = {r.id for r in new if isinstance(r, Organization)}
        have = set(s.scalars(select(Organization.id).where(Organization.id.in_(orgs))))
        new = [r for r in new
               if not isinstance(r, Organization) or (r.id in used and r.id not in have)]
        if new:
            store.add(*new, actor=actor, session=s)
    added = sum(1 for r in new if isinstance(r, Service))
    return {"added": added, "rows": len(services), **stats}
