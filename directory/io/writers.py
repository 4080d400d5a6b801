"""Export: store → flat offer rows → CSV, XLSX, GeoJSON or HSDS 3.0 JSON.

* CSV: UTF-8 with BOM (Excel opens it correctly), ``;``-separated, German headers.
* XLSX: one sheet "Angebote", German headers, text as text-typed cells.
* CSV and XLSX are for people: coded values are German words (kind, fields of action, target
  groups, languages, status, district certainty, kind of source …; lists ``;``-joined,
  :mod:`directory.io.words`), phone numbers in the national format ("05121 132820",
  :func:`directory.phones.sheet_phone`; stored, HSDS and GeoJSON keep E.164), and they
  import back unchanged.
* CSV neutralises formula-like text (see :mod:`directory.io.columns`); XLSX needs no guard
  (a text-typed cell is never evaluated), so phone numbers show no apostrophe.
* GeoJSON: FeatureCollection of Points (``null`` geometry for offers without coordinates),
  properties = canonical flat keys, lists as arrays, opening hours as JSON.
* HSDS 3.0: a JSON array of ``service`` objects (fully nested: organization,
  service_at_locations → location → addresses/accessibility/schedules, phones, languages,
  field-of-action attributes). Atlas-only data (kind, fields, target groups, verification,
  sources, precision, district, exact opening hours) sits in ``x_integrationsatlas`` objects
  (HSDS allows extension properties). Validates against ``schema/compiled/service.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from directory.hours import format_hours, parse_hours_text
from directory.io.columns import FLAT_COLUMNS, GERMAN_HEADERS, LIST_COLUMNS, neutralise
from directory.io.readers import EXTENSION, FIELD_TAXONOMY
from directory.io.words import WORD_COLUMNS, to_words
from directory.model import Location, Organization, Phone, Service, ServiceAtLocation
from directory.phones import sheet_phone
from directory.store import Store
from directory.taxonomy import fields_of_action

WEEKDAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
EXPORT_FORMATS = ("csv", "xlsx", "geojson", "hsds", "hsds-zip")


def flat_rows(
    store: Store,
    *,
    service_ids: Iterable[str] | None = None,
    include_demo: bool = False,
    include_retired: bool = False,
) -> list[dict[str, Any]]:
    """Offers as flat rows (canonical keys, Python values), ordered by name and id.

    ``service_ids`` restricts the export to those offers (a filtered view); otherwise all
    offers, without demo (``include_demo``) and retired (``include_retired``) ones.
    """
    stmt = (
        select(Service, Organization, Location)
        .join(Organization, Organization.id == Service.organization_id)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id, isouter=True)
        .join(Location, Location.id == ServiceAtLocation.location_id, isouter=True)
        .order_by(Service.name, Service.id, Location.id)
    )
    ids = list(service_ids) if service_ids is not None else None
    if ids is None:
        if not include_demo:
            stmt = stmt.where(Service.is_demo.is_(False))
        if not include_retired:
            stmt = stmt.where(Service.retired_at.is_(None), Organization.retired_at.is_(None))
    rows: list[dict[str, Any]] = []
    with store.session() as s:
        phones: dict[str, str] = {}
        for sid, number in s.execute(select(Phone.service_id, Phone.number)
                                     .where(Phone.service_id.is_not(None))
                                     .order_by(Phone.created_at, Phone.id)):  # fmt: skip
            phones.setdefault(sid, number)
        chunks = [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
        for chunk in chunks:
            q = stmt if chunk is None else stmt.where(Service.id.in_(chunk))
            for svc, org, loc in s.execute(q):
                rows.append({
                    "id": svc.id, "organization": org.name, "name": svc.name,
                    "kind": svc.kind, "fields": list(svc.fields or []),
                    "target_groups": list(svc.target_groups or []),
                    "languages": list(svc.languages or []),
                    "street": loc.address_1 if loc else None,
                    "postal_code": loc.postal_code if loc else None,
                    "city": loc.city if loc else None,
                    "latitude": loc.latitude if loc else None,
                    "longitude": loc.longitude if loc else None,
                    "precision": loc.geocode_precision if loc else None,
                    "district_ags": loc.district_ags if loc else None,
                    "district_status": loc.district_status if loc else None,
                    "geocode_note": loc.geocode_note if loc else None,
                    "phone": phones.get(svc.id), "email": svc.email,
                    "website": svc.url or org.website,
                    "opening_hours": loc.opening_hours if loc else None,
                    "accessibility": loc.accessibility if loc else "unknown",
                    "accessibility_note": loc.accessibility_note if loc else None,
                    "status": svc.status, "source_url": svc.source_url,
                    "source_date": svc.source_date, "assured_date": svc.assured_date,
                    "verification": svc.verification, "description": svc.description,
                    "source_kind": svc.source_kind, "editorial_note": svc.editorial_note,
                    "organization_id": org.id, "location_id": loc.id if loc else None,
                    "demo": bool(svc.is_demo),
                    "_org": org, "_service": svc, "_location": loc,
                })  # fmt: skip
    if not include_retired:
        rows = _without_retired_locations(rows)
    if ids is not None:
        order = {sid: i for i, sid in enumerate(dict.fromkeys(ids))}
        rows.sort(key=lambda r: (r["name"], r["id"], r["location_id"] or ""))
        rows = [r for r in rows if r["id"] in order]
    return rows


def _without_retired_locations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop rows at retired offices; an offer left without any office keeps one row
    without location (it still exists, e.g. by phone)."""
    keep: list[dict[str, Any]] = []
    by_service: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_service.setdefault(row["id"], []).append(row)
    for group in by_service.values():
        open_rows = [r for r in group
                     if r["_location"] is None or r["_location"].retired_at is None]  # fmt: skip
        if open_rows:
            keep += open_rows
            continue
        row = dict(group[0])
        for key in ("street", "postal_code", "city", "latitude", "longitude", "precision",
                    "district_ags", "district_status", "geocode_note", "opening_hours",
                    "accessibility_note", "location_id", "_location"):
            row[key] = None
        row["accessibility"] = "unknown"
        keep.append(row)
    return keep


def hours_text(hours: dict | None) -> str | None:
    """Opening hours as text ("Mo 09:00–12:00; Di …") when that round-trips, else JSON."""
    if not hours:
        return None
    parts = format_hours(hours, WEEKDAYS_DE)
    if hours.get("by_appointment"):
        parts.append("nach Vereinbarung")
    text = "; ".join(parts)
    if text and parse_hours_text(text) == {"slots": hours.get("slots") or [],
                                           "by_appointment": bool(hours.get("by_appointment")),
                                           "note": hours.get("note")}:  # fmt: skip
        return text
    return json.dumps(hours, ensure_ascii=False, sort_keys=True)


def _cell(key: str, value: Any, guard: bool = True) -> Any:
    """One CSV/XLSX cell for people: words for codes; ``guard`` neutralises formulas (CSV)."""
    if value is None:
        return None
    if key == "demo":  # "ja" for fictional records; empty (= real) otherwise
        return "ja" if value else None
    if key == "phone":  # people read the national format; the store keeps E.164
        value = sheet_phone(value) or None
        if value is None:
            return None
    if key in WORD_COLUMNS:
        value = to_words(key, value)
    elif key in LIST_COLUMNS:
        value = "; ".join(value)
    if key == "opening_hours":
        return hours_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return value
    return neutralise(str(value)) if guard else str(value)


def table_rows(rows: Sequence[dict[str, Any]], *, guard: bool = True) -> list[list[Any]]:
    """Header (German) + cells for people (words; formulas neutralised with ``guard``)."""
    out: list[list[Any]] = [[GERMAN_HEADERS[c] for c in FLAT_COLUMNS]]
    for r in rows:
        out.append([_cell(c, r.get(c), guard) for c in FLAT_COLUMNS])
    return out


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for r in table_rows(rows):
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in r])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[dict[str, Any]]) -> bytes:
    """XLSX for people: text goes into text-typed cells (``data_type "s"``), which a
    spreadsheet program never evaluates — so no formula guard (no visible apostrophe)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Angebote")
    for r in table_rows(rows, guard=False):
        cells = []
        for value in r:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_geojson(rows: Sequence[dict[str, Any]]) -> bytes:
    features = []
    for r in rows:
        props = {c: r.get(c) for c in FLAT_COLUMNS if c not in ("latitude", "longitude")}
        if isinstance(props.get("assured_date"), dt.date):
            props["assured_date"] = props["assured_date"].isoformat()
        geom = None
        if r.get("latitude") is not None and r.get("longitude") is not None:
            geom = {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


# -- HSDS --------------------------------------------------------------------------------------
def _uuid(*parts: str) -> str:
    from directory.ids import stable_id

    return stable_id("hsds", *parts)


def _is_http(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def _schedules(hours: dict | None, loc_id: str, sal_id: str) -> list[dict[str, Any]]:
    if not hours:
        return []
    out = []
    for i, slot in enumerate(hours.get("slots") or []):
        out.append({
            "id": _uuid("schedule", sal_id, str(i)), "location_id": loc_id,
            "service_at_location_id": sal_id, "freq": "WEEKLY", "wkst": "MO",
            "byday": ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[slot["weekday"]],
            "opens_at": slot["opens"], "closes_at": slot["closes"],
        })  # fmt: skip
    return out


def to_hsds_objects(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """HSDS ``service`` objects (one per service; its locations nested)."""
    titles = {f.id: f.title for f in fields_of_action()}
    services: dict[str, dict[str, Any]] = {}
    for r in rows:
        svc, org, loc = r["_service"], r["_org"], r["_location"]
        obj = services.get(svc.id)
        if obj is None:
            obj = {"id": svc.id, "organization_id": org.id, "name": svc.name,
                   "status": svc.status}  # fmt: skip
            if svc.description:
                obj["description"] = svc.description
            if _is_http(r["website"]):
                obj["url"] = r["website"]
            if svc.email:
                obj["email"] = svc.email
            if svc.assured_date:
                obj["assured_date"] = svc.assured_date.isoformat()
            obj["last_modified"] = (
                svc.updated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
            )
            org_obj: dict[str, Any] = {"id": org.id, "name": org.name,
                                       "description": org.description or ""}  # fmt: skip
            if _is_http(org.website):
                org_obj["website"] = org.website
            if org.email:
                org_obj["email"] = org.email
            obj["organization"] = org_obj
            obj["languages"] = [{"id": _uuid("language", svc.id, c), "service_id": svc.id,
                                 "code": c} for c in svc.languages or []]  # fmt: skip
            obj["phones"] = ([{"id": _uuid("phone", svc.id), "service_id": svc.id,
                               "number": r["phone"], "type": "voice"}]
                             if r["phone"] else [])  # fmt: skip
            obj["attributes"] = [{
                "id": _uuid("attribute", svc.id, f), "link_id": svc.id,
                "link_type": "service", "link_entity": "service", "value": f,
                "taxonomy_term_id": _uuid("taxonomy_term", f),
                "taxonomy_term": {"id": _uuid("taxonomy_term", f), "code": f,
                                  "name": titles.get(f, f), "description": titles.get(f, f),
                                  "taxonomy": FIELD_TAXONOMY},
            } for f in svc.fields or []]  # fmt: skip
            obj["service_at_locations"] = []
            obj[EXTENSION] = {
                "kind": svc.kind, "fields": list(svc.fields or []),
                "target_groups": list(svc.target_groups or []),
                "verification": svc.verification, "source_url": svc.source_url,
                "source_date": svc.source_date, "website": r["website"], "is_demo": svc.is_demo,
            }  # fmt: skip
            services[svc.id] = obj
        if loc is None:
            continue
        sal_id = _uuid("service_at_location", svc.id, loc.id)
        loc_obj: dict[str, Any] = {"id": loc.id, "location_type": loc.location_type or "physical"}
        if loc.name:
            loc_obj["name"] = loc.name
        if loc.organization_id:
            loc_obj["organization_id"] = loc.organization_id
        if loc.latitude is not None and loc.longitude is not None:
            loc_obj["latitude"], loc_obj["longitude"] = loc.latitude, loc.longitude
        loc_obj["addresses"] = [{
            "id": _uuid("address", loc.id), "location_id": loc.id,
            "address_1": loc.address_1 or "", "city": loc.city or "",
            "state_province": "Niedersachsen", "postal_code": loc.postal_code or "",
            "country": "DE", "address_type": "physical",
        }]  # fmt: skip
        if loc.accessibility_note or loc.accessibility != "unknown":
            loc_obj["accessibility"] = [{
                "id": _uuid("accessibility", loc.id), "location_id": loc.id,
                "description": loc.accessibility_note or "",
                "details": {"yes": "barrierefrei", "no": "nicht barrierefrei"}.get(
                    loc.accessibility, "unbekannt"),
            }]  # fmt: skip
        loc_obj[EXTENSION] = {
            "precision": loc.geocode_precision, "geocode_note": loc.geocode_note,
            "district_ags": loc.district_ags, "accessibility": loc.accessibility,
            "opening_hours": loc.opening_hours,
        }  # fmt: skip
        obj["service_at_locations"].append({
            "id": sal_id, "service_id": svc.id, "location_id": loc.id,
            "schedules": _schedules(loc.opening_hours, loc.id, sal_id), "location": loc_obj,
        })  # fmt: skip
    return list(services.values())


def to_hsds(rows: Sequence[dict[str, Any]]) -> bytes:
    return json.dumps(to_hsds_objects(rows), ensure_ascii=False, indent=1).encode("utf-8")


def to_hsds_package(rows: Sequence[dict[str, Any]]) -> bytes:
    """HSDS 3.0 as a tabular data package (ZIP of CSVs, :mod:`directory.io.hsds_tabular`)."""
    from directory.io.hsds_tabular import to_package

    return to_package(to_hsds_objects(rows))


def export_bytes(
    store: Store,
    fmt: str,
    *,
    service_ids: Iterable[str] | None = None,
    include_demo: bool = False,
    include_retired: bool = False,
) -> bytes:
    """The export file content in ``fmt`` (csv, xlsx, geojson, hsds)."""
    writer = {"csv": to_csv, "xlsx": to_xlsx, "geojson": to_geojson, "hsds": to_hsds,
              "hsds-zip": to_hsds_package}.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r} (use {', '.join(EXPORT_FORMATS)})")
    rows = flat_rows(store, service_ids=service_ids, include_demo=include_demo,
                     include_retired=include_retired)  # fmt: skip
    return writer(rows)
