"""Import: a file → :class:`Preview` (validated, matched) → :func:`commit` (all-or-nothing).

Matching an offer row against the store (in this order):

1. the service ``id`` exists → update that service;
2. a service with the same normalised name and postcode (or, without postcode, city) exists →
   update it;
3. otherwise a new service.

The organization is matched by ``organization_id``, else by normalised name, else created (one
per distinct name in the file). The location by ``location_id``, else the service's linked
location (the one with the same postcode when there are several), else created. Only columns
present in the file are applied to existing records; an empty cell in a present column clears
the value.

:func:`commit` re-plans inside its transaction and refuses (:class:`ImportRefused`) when the file
has any error row or when the store changed since the preview (versions differ).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from directory.io.readers import FileRefused, Parsed, read_bytes
from directory.model import AuditLog, Location, Organization, Phone, Service, ServiceAtLocation
from directory.store import Store, audit_row, snapshot
from directory.validate import GeoContext, Problem, check_offer, default_geo

#: default size limit of an import file (bytes); ``ATLAS_IMPORT_MAX_MB`` overrides
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ACTIONS = ("new", "update", "unchanged", "error")


def max_import_bytes() -> int:
    try:
        return int(float(os.environ.get("ATLAS_IMPORT_MAX_MB", "")) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_BYTES


class ImportRefused(RuntimeError):
    """The commit was refused; nothing was changed. ``code`` + ``message_de`` explain why."""

    def __init__(self, code: str, message_de: str, **params: Any) -> None:
        super().__init__(message_de)
        self.code, self.message_de, self.params = code, message_de, params


@dataclass
class RowResult:
    line: int
    raw: dict[str, Any]
    data: dict[str, Any]
    problems: list[Problem]
    action: str = "new"
    service_id: str | None = None
    location_id: str | None = None
    organization_id: str | None = None
    #: (table, field) → (before, after) for updates
    changes: dict[tuple[str, str], tuple[Any, Any]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class Preview:
    source: str
    format: str | None
    rows: list[RowResult] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    #: (table, id, version) of every matched record, for the conflict check at commit
    signature: tuple = ()
    #: random token: ids of new records derive from it, so preview and commit agree
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def counts(self) -> dict[str, int]:
        out = {a: 0 for a in ACTIONS}
        for r in self.rows:
            out[r.action] += 1
        out["rows"] = len(self.rows)
        out["warnings"] = sum(len(r.warnings) for r in self.rows)
        out["file_errors"] = sum(p.is_error for p in self.file_problems)
        return out

    @property
    def ok(self) -> bool:
        """True when the file can be committed (no file error, no error row, some rows)."""
        return (
            bool(self.rows)
            and not any(p.is_error for p in self.file_problems)
            and all(r.action != "error" for r in self.rows)
        )

    def report_lines(self, *, warnings: bool = True) -> list[str]:
        """German text lines: file problems, then per-row problems."""
        lines = [f"Datei: {p.message_de}" for p in self.file_problems]
        for r in self.rows:
            for p in r.problems:
                if p.is_error or warnings:
                    tag = "Fehler" if p.is_error else "Hinweis"
                    lines.append(f"Zeile {r.line}: {tag}: {p.message_de}")
        return lines


# -- reading -----------------------------------------------------------------------------------
def load_preview(
    source: str | Path | bytes,
    *,
    store: Store | None = None,
    fmt: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    name: str = "",
    max_bytes: int | None = None,
    geo: GeoContext | None = None,
) -> Preview:
    """Read, validate and (with ``store``) match a file. Never writes to the store."""
    limit = max_import_bytes() if max_bytes is None else max_bytes
    if isinstance(source, bytes):
        label = name or "<upload>"
        size = len(source)
    else:
        path = Path(source)
        label = name or str(path)
        name = name or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            return _refused(label, fmt, FileRefused("unreadable", f"Datei nicht lesbar: {exc}",
                                                    detail=str(exc)))
    if size > limit:
        mb, max_mb = f"{size / 1048576:.1f}", f"{limit / 1048576:.0f}"
        return _refused(label, fmt, FileRefused(
            "too_large", f"Die Datei ist zu groß ({mb} MB, höchstens {max_mb} MB).",
            size=size, limit=limit, mb=mb, max_mb=max_mb))  # fmt: skip
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        parsed = read_bytes(data, name=name, fmt=fmt, mapping=mapping, sheet=sheet)
    except FileRefused as exc:
        return _refused(label, fmt, exc)
    return build_preview(parsed, label, store=store, geo=geo)


def _refused(label: str, fmt: str, exc: FileRefused) -> Preview:
    """A preview without rows; keeps the headers read so far (to correct the mapping)."""
    prev = Preview(label, None if fmt == "auto" else fmt, file_problems=[exc.as_problem()])
    if exc.parsed is not None:
        prev.format = exc.parsed.format
        prev.headers, prev.mapping = exc.parsed.headers, exc.parsed.mapping
        prev.ignored = exc.parsed.ignored
    return prev


def _name_key(name: str | None, plz: str | None, city: str | None) -> tuple[str, str] | None:
    if not name:
        return None
    norm = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name).casefold().strip())
    place = plz or re.sub(r"\s+", " ", (city or "").casefold().strip())
    return norm, place


def _org_key(name: str | None) -> str | None:
    """Matching key of an organization name; ``None`` for an unknown (empty) operator."""
    key = _name_key(name, "", "")
    return key[0] if key else None


def build_preview(parsed: Parsed, label: str, *, store: Store | None = None,
                  geo: GeoContext | None = None) -> Preview:  # fmt: skip
    geo = geo or default_geo()
    prev = Preview(label, parsed.format, encoding=parsed.encoding, delimiter=parsed.delimiter,
                   sheet=parsed.sheet, headers=parsed.headers, mapping=parsed.mapping,
                   ignored=parsed.ignored, present=set(parsed.present))  # fmt: skip
    if parsed.ignored:
        shown = parsed.ignored[:20]
        prev.file_problems.append(Problem(
            "file", "ignored_columns", "warning",
            "Spalten ohne Zuordnung werden ignoriert: " + ", ".join(shown), {"columns": shown}))
    seen_ids: dict[tuple[str, str | None], int] = {}
    seen_names: dict[tuple[str, str], tuple[int, str | None]] = {}
    for rec in parsed.records:
        data, probs = check_offer(rec.values, geo)
        probs = list(rec.problems) + probs
        sid = data.get("id")
        if sid:
            key = (sid, data.get("location_id"))
            if key in seen_ids:
                probs.append(Problem("id", "duplicate_id", "error",
                                     f"Die ID {sid} kommt in der Datei mehrfach vor "
                                     f"(zuerst in Zeile {seen_ids[key]}).",
                                     {"id": sid, "first_line": seen_ids[key]}))  # fmt: skip
            else:
                seen_ids[key] = rec.line
        nk = _name_key(data.get("name"), data.get("postal_code"), data.get("city"))
        if nk is not None:
            if nk in seen_names and (sid is None or seen_names[nk][1] != sid):
                probs.append(Problem("name", "duplicate_name", "error",
                                     f"„{data['name']}“ mit PLZ/Ort „{nk[1]}“ kommt in der "
                                     f"Datei mehrfach vor (zuerst in Zeile "
                                     f"{seen_names[nk][0]}).",
                                     {"name": data["name"], "place": nk[1],
                                      "first_line": seen_names[nk][0]}))  # fmt: skip
            elif nk not in seen_names:
                seen_names[nk] = (rec.line, sid)
        row = RowResult(rec.line, rec.values, data, probs)
        row.action = "error" if row.errors else "new"
        prev.rows.append(row)
    if store is not None and prev.ok:
        with store.session() as s:
            prev.signature = _plan(s, prev)
    return prev


# -- matching ----------------------------------------------------------------------------------
_SERVICE_MAP = {  # flat key → Service column
    "name": "name", "description": "description", "kind": "kind", "fields": "fields",
    "target_groups": "target_groups", "languages": "languages", "status": "status",
    "website": "url", "email": "email", "source_url": "source_url",
    "source_date": "source_date", "assured_date": "assured_date",
    "verification": "verification", "demo": "is_demo",
}  # fmt: skip
_LOCATION_MAP = {
    "street": "address_1", "postal_code": "postal_code", "city": "city",
    "accessibility": "accessibility", "accessibility_note": "accessibility_note",
    "opening_hours": "opening_hours",
}  # fmt: skip
_GEO_MAP = {"latitude": "latitude", "longitude": "longitude", "precision": "geocode_precision",
            "district_ags": "district_ags", "district_status": "district_status",
            "geocode_note": "geocode_note"}  # fmt: skip


@dataclass
class _Index:
    services: dict[str, Service]
    by_name: dict[tuple[str, str], str]
    orgs: dict[str, Organization]
    org_by_name: dict[str, str]
    locations: dict[str, Location]
    links: dict[str, list[str]]  # service → location ids
    phones: dict[str, Phone]  # service → first phone


def _index(s: Session) -> _Index:
    services = {x.id: x for x in s.scalars(select(Service))}
    orgs = {x.id: x for x in s.scalars(select(Organization))}
    locations = {x.id: x for x in s.scalars(select(Location))}
    links: dict[str, list[str]] = {}
    for sid, lid in s.execute(
        select(ServiceAtLocation.service_id, ServiceAtLocation.location_id).order_by(
            ServiceAtLocation.created_at, ServiceAtLocation.id
        )
    ):
        links.setdefault(sid, []).append(lid)
    phones: dict[str, Phone] = {}
    for ph in s.scalars(select(Phone).where(Phone.service_id.is_not(None))
                        .order_by(Phone.created_at, Phone.id)):  # fmt: skip
        phones.setdefault(ph.service_id, ph)
    by_name: dict[tuple[str, str], str] = {}
    for svc in sorted(services.values(), key=lambda x: (x.retired_at is not None, x.id)):
        if svc.retired_at is not None:
            continue
        for lid in links.get(svc.id, [None]):
            loc = locations.get(lid) if lid else None
            for key in {_name_key(svc.name, loc.postal_code if loc else None,
                                  loc.city if loc else None),
                        _name_key(svc.name, None, loc.city if loc else None)}:  # fmt: skip
                if key is not None:
                    by_name.setdefault(key, svc.id)
    org_by_name: dict[str, str] = {}
    for org in sorted(orgs.values(), key=lambda o: o.id):
        org_key = _name_key(org.name, "", "")
        if org_key is not None:  # an organisation whose name the source omits stays empty
            org_by_name.setdefault(org_key[0], org.id)
    return _Index(services, by_name, orgs, org_by_name, locations, links, phones)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def _plan(s: Session, prev: Preview) -> tuple:
    """Match every row; fill action/ids/changes. Returns the signature of matched records."""
    idx = _index(s)
    present = prev.present
    new_orgs: dict[str, str] = {}
    sig: list[tuple[str, str, int]] = []
    for row in prev.rows:
        d = row.data
        row.changes = {}
        # service
        svc = idx.services.get(d["id"]) if d.get("id") else None
        if svc is None and not d.get("id"):
            key = _name_key(d["name"], d.get("postal_code"), d.get("city"))
            sid = idx.by_name.get(key) or idx.by_name.get(_name_key(d["name"], None, d.get("city")))
            svc = idx.services.get(sid) if sid else None
        row.service_id = svc.id if svc else (d.get("id") or _new_id(prev, row))
        # organization
        org = idx.orgs.get(d["organization_id"]) if d.get("organization_id") else None
        if org is None:
            oid = idx.org_by_name.get(_org_key(d["organization"]))
            org = idx.orgs.get(oid) if oid else None
        if org is None and svc is not None and not d.get("organization_id"):
            cur = idx.orgs.get(svc.organization_id)
            if cur is not None and _name_key(cur.name, "", "") == _name_key(
                d["organization"], "", ""
            ):
                org = cur
        if org is not None:
            row.organization_id = org.id
            if "organization" in present and org.name != (d["organization"] or ""):
                row.changes[("organization", "name")] = (org.name, d["organization"] or "")
            sig.append(("organization", org.id, org.version))
        else:
            okey = _org_key(d["organization"]) or f"\x00{row.line}"  # unknown: one per row
            row.organization_id = new_orgs.setdefault(
                okey,
                d.get("organization_id")
                or str(uuid.uuid5(uuid.NAMESPACE_URL, f"org:{prev.token}:{okey}")),
            )
        # location
        loc = idx.locations.get(d["location_id"]) if d.get("location_id") else None
        if loc is None and svc is not None and not d.get("location_id"):
            linked = [idx.locations[x] for x in idx.links.get(svc.id, []) if x in idx.locations]
            loc = next((x for x in linked if x.postal_code == d.get("postal_code")),
                       linked[0] if linked else None)  # fmt: skip
        row.location_id = loc.id if loc else (d.get("location_id") or _new_id(prev, row, "loc"))
        if svc is None:
            row.action = "new"
            continue
        sig.append(("service", svc.id, svc.version))
        if svc.organization_id != row.organization_id:
            row.changes[("service", "organization_id")] = (svc.organization_id, row.organization_id)
        org_site = (
            idx.orgs[svc.organization_id].website if svc.organization_id in idx.orgs else None
        )
        for flat, col in _SERVICE_MAP.items():
            if flat not in present:
                continue
            new = d.get(flat)
            old = getattr(svc, col)
            if col == "url" and old is None and new == org_site:
                continue  # the export shows the organization's website for offers without one
            if not _same(old, new):
                row.changes[("service", col)] = (old, new)
        if loc is not None:
            sig.append(("location", loc.id, loc.version))
            for flat, col in _LOCATION_MAP.items():
                if flat in present and not _same(getattr(loc, col), d.get(flat)):
                    row.changes[("location", col)] = (getattr(loc, col), d.get(flat))
            coords_given = "latitude" in present or "longitude" in present
            moved = any(f in present and not _same(getattr(loc, c), d.get(f))
                        for f, c in (("postal_code", "postal_code"), ("city", "city")))  # fmt: skip
            if coords_given or moved:
                for flat, col in _GEO_MAP.items():
                    if not _same(getattr(loc, col), d.get(flat)):
                        row.changes[("location", col)] = (getattr(loc, col), d.get(flat))
        if "phone" in present:
            ph = idx.phones.get(svc.id)
            old = ph.number if ph else None
            if not _same(old, d.get("phone")):
                row.changes[("phone", "number")] = (old, d.get("phone"))
            if ph is not None:
                sig.append(("phone", ph.id, ph.version))
        row.action = "update" if row.changes or loc is None else "unchanged"
    return tuple(sorted(set(sig)))


def _new_id(prev: Preview, row: RowResult, kind: str = "svc") -> str:
    """A fresh id that stays the same between preview and commit (derived from the row)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"import:{kind}:{prev.token}:{row.line}"))


# -- commit ------------------------------------------------------------------------------------
@dataclass
class CommitResult:
    counts: dict[str, int]


def _set(s: Session, record: Any, changes: Mapping[str, Any], actor: str) -> None:
    before = snapshot(record, changes)
    for k, v in changes.items():
        setattr(record, k, v)
    record.updated_by = actor
    record.updated_at = dt.datetime.now(dt.UTC)
    s.flush()
    s.add(AuditLog(**audit_row(record.__tablename__, str(record.id), "import", actor, before,
                               snapshot(record, changes))))  # fmt: skip


def _derived_id(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"import:{kind}:" + ":".join(parts)))


def _sal(service_id: str, location_id: str) -> ServiceAtLocation:
    return ServiceAtLocation(id=_derived_id("sal", service_id, location_id),
                             service_id=service_id, location_id=location_id)  # fmt: skip


def commit(store: Store, preview: Preview, actor: str) -> CommitResult:
    """Apply every row of ``preview`` in ONE transaction, or nothing (see module doc)."""
    if not preview.ok:
        n = preview.counts["error"] + preview.counts["file_errors"]
        raise ImportRefused("has_errors", f"Import abgelehnt: {n} Fehler in der Datei – es "
                            "wurde nichts geändert.", errors=n)  # fmt: skip
    counts = {a: 0 for a in ACTIONS}
    with store.session() as s:
        signature = _plan(s, preview)
        if preview.signature and signature != preview.signature:
            raise ImportRefused(
                "conflict",
                "Der Bestand wurde seit der Vorschau geändert – "
                "bitte die Vorschau neu laden. Es wurde nichts geändert.",
            )
        idx = _index(s)
        new_records: list[Any] = []
        created_orgs: set[str] = set()
        created_locs: set[str] = set()
        for row in preview.rows:
            counts[row.action] += 1
            d = row.data
            if row.organization_id not in idx.orgs and row.organization_id not in created_orgs:
                created_orgs.add(row.organization_id)
                new_records.append(Organization(id=row.organization_id,
                                                name=d["organization"] or "",
                                                is_demo=bool(d.get("demo"))))  # fmt: skip
            new_services = {r.id for r in new_records if isinstance(r, Service)}
            if row.action == "new" and row.service_id not in new_services:
                values = {c: d.get(f) for f, c in _SERVICE_MAP.items()}
                new_records.append(
                    Service(id=row.service_id, organization_id=row.organization_id,
                            **values)
                )  # fmt: skip
                if d.get("phone"):
                    new_records.append(
                        Phone(id=_derived_id("phone", row.service_id), number=d["phone"],
                              service_id=row.service_id, type="voice")
                    )  # fmt: skip
            if row.location_id not in idx.locations and row.location_id not in created_locs:
                created_locs.add(row.location_id)
                values = {c: d.get(f) for f, c in {**_LOCATION_MAP, **_GEO_MAP}.items()}
                new_records.append(
                    Location(id=row.location_id, organization_id=row.organization_id,
                             name=d["name"], is_demo=bool(d.get("demo")), **values)
                )  # fmt: skip
                new_records.append(_sal(row.service_id, row.location_id))
            elif row.action == "new" and row.location_id in idx.locations:
                new_records.append(_sal(row.service_id, row.location_id))
        for r in new_records:
            if isinstance(r, Location | Service):
                for col in ("fields", "target_groups", "languages"):
                    if hasattr(r, col) and getattr(r, col) is None:
                        setattr(r, col, [])
                if isinstance(r, Location) and r.accessibility is None:
                    r.accessibility = "unknown"
        if new_records:
            store.add(*new_records, actor=actor, session=s)
        for row in preview.rows:
            if row.action != "update":
                continue
            by_table: dict[str, dict[str, Any]] = {}
            for (table, col), (_old, new) in row.changes.items():
                by_table.setdefault(table, {})[col] = new
            if "organization" in by_table:
                _set(s, idx.orgs[row.organization_id], by_table["organization"], actor)
            if "service" in by_table:
                _set(s, idx.services[row.service_id], by_table["service"], actor)
            if "location" in by_table and row.location_id in idx.locations:
                _set(s, idx.locations[row.location_id], by_table["location"], actor)
            if "phone" in by_table:
                number = by_table["phone"]["number"]
                ph = idx.phones.get(row.service_id)
                if ph is not None and number:
                    _set(s, ph, {"number": number}, actor)
                elif ph is not None:
                    s.add(
                        AuditLog(**audit_row("phone", ph.id, "delete", actor, snapshot(ph), None))
                    )
                    s.execute(delete(Phone).where(Phone.id == ph.id))
                elif number:
                    store.add(Phone(id=_derived_id("phone", row.service_id),
                                    number=number, service_id=row.service_id, type="voice"),
                              actor=actor, session=s)  # fmt: skip
    return CommitResult(counts)
