"""Import: a file → :class:`Preview` (validated, matched) → :func:`commit` (all-or-nothing).

Matching an offer row against the store (in this order):

1. the service ``id`` exists → update that service;
2. a service with the same normalised name and postcode (or, without postcode, city) exists →
   update it;
3. otherwise a new service.

The organization is matched by ``organization_id``, else by normalised name, else created (one
per distinct name in the file). The location by ``location_id``, else the service's linked
location (the one with the same postcode when there are several), else created. Only columns
present in the file (or given a default for every row in the preview) are applied to existing
records; an empty cell in a present column clears the value. A file without an organization
column keeps a matched offer's organization.

Before validation every row goes through :func:`directory.io.prepare.prepare` (remarks in
cells become notes, words become codes, the kind is inferred, defaults and per-row choices of
the preview are filled in). Rows are matched against the store even when other rows have
errors, so the preview's counts (new / changed / unchanged / refused) are always right.

:func:`commit` re-plans inside its transaction and refuses (:class:`ImportRefused`) when the
store changed since the preview (versions differ) and — by default, all or nothing — when the
file has any refused row; with ``skip_errors=True`` it commits the valid rows only
(:func:`refused_file` hands the others back in the file's own format, with the reason).
New records are written in bulk (:func:`directory.store.insert_rows`: ``COPY`` on PostgreSQL)
with one audit row each, so the commit takes time linear in the number of rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
import uuid
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Text, cast, delete, select
from sqlalchemy.orm import Session

from directory.io.columns import unneutralise
from directory.io.prepare import prepare, with_notes
from directory.io.readers import FileRefused, Parsed, read_bytes, record_values
from directory.model import (
    AuditLog,
    Base,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    utcnow,
)
from directory.store import Store, audit_row, insert_rows, snapshot
from directory.validate import CheckMemo, GeoContext, Problem, check_offer, default_geo

#: default size limit of an import file in MB; ``ATLAS_IMPORT_MAX_MB`` overrides it for the
#: page and the CLI. Streamlit's upload limit ``server.maxUploadSize`` in
#: ``.streamlit/config.toml`` has the same default (a test checks that they agree).
DEFAULT_MAX_MB = 20
DEFAULT_MAX_BYTES = DEFAULT_MAX_MB * 1024 * 1024
ACTIONS = ("new", "update", "unchanged", "error")
#: rows per bulk INSERT statement
_CHUNK = 2000


def max_import_mb() -> float:
    """The size limit of an import file in MB: ``ATLAS_IMPORT_MAX_MB``, else 20."""
    try:
        value = float(os.environ.get("ATLAS_IMPORT_MAX_MB", ""))
    except ValueError:
        return float(DEFAULT_MAX_MB)
    return value if value > 0 else float(DEFAULT_MAX_MB)


def max_import_bytes() -> int:
    """:func:`max_import_mb` in bytes."""
    return int(max_import_mb() * 1024 * 1024)


class ImportRefused(RuntimeError):
    """The commit was refused; nothing was changed. ``code`` + ``message_de`` explain why."""

    def __init__(self, code: str, message_de: str, **params: Any) -> None:
        super().__init__(message_de)
        self.code, self.message_de, self.params = code, message_de, params


@dataclass
class RowResult:
    line: int
    data: dict[str, Any]
    problems: list[Problem]
    action: str = "new"
    service_id: str | None = None
    location_id: str | None = None
    organization_id: str | None = None
    #: (table, field) → (before, after) for updates
    changes: dict[tuple[str, str], tuple[Any, Any]] = field(default_factory=dict)
    #: remarks moved out of cells (appended to the offer's description)
    notes: list[str] = field(default_factory=list)
    #: the row as it stands in the file (kept for refused rows only: their download)
    source: Any = None
    #: set by the plan: the organization / location is created by this import
    new_organization: bool = False
    new_location: bool = False

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
    #: the store's state when the preview was planned (:func:`_stamp`); unchanged at commit,
    #: the plan is still valid and is not recomputed
    stamp: tuple = ()
    #: random token: ids of new records derive from it, so preview and commit agree
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: values chosen in the preview: for every row of a column the file lacks, and per line
    defaults: dict[str, Any] = field(default_factory=dict)
    overrides: dict[int, dict[str, Any]] = field(default_factory=dict)

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
        """True when the whole file can be committed (no file error, no error row, rows)."""
        return self.committable and all(r.action != "error" for r in self.rows)

    @property
    def committable(self) -> bool:
        """True when at least the valid rows can be committed (no file error, a valid row)."""
        return not any(p.is_error for p in self.file_problems) and any(
            r.action != "error" for r in self.rows
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
    defaults: Mapping[str, Any] | None = None,
    overrides: Mapping[int, Mapping[str, Any]] | None = None,
) -> Preview:
    """Read, validate and (with ``store``) match a file. Never writes to the store.

    ``defaults`` (column → value) fill a column the file lacks in every row; ``overrides``
    (line → {column → value}) replace single cells, e.g. the kind chosen in the preview.
    """
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
    return build_preview(parsed, label, store=store, geo=geo, defaults=defaults,
                         overrides=overrides)  # fmt: skip


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
                  geo: GeoContext | None = None, defaults: Mapping[str, Any] | None = None,
                  overrides: Mapping[int, Mapping[str, Any]] | None = None) -> Preview:  # fmt: skip
    geo = geo or default_geo()
    defaults = {k: v for k, v in (defaults or {}).items()
                if k not in parsed.present and v not in (None, "", [])}  # fmt: skip
    overrides = {int(k): dict(v) for k, v in (overrides or {}).items()}
    prev = Preview(label, parsed.format, encoding=parsed.encoding, delimiter=parsed.delimiter,
                   sheet=parsed.sheet, headers=parsed.headers, mapping=parsed.mapping,
                   ignored=parsed.ignored, present=set(parsed.present) | set(defaults),
                   defaults=defaults, overrides=overrides)  # fmt: skip
    if parsed.ignored:
        shown = parsed.ignored[:20]
        prev.file_problems.append(Problem(
            "file", "ignored_columns", "warning",
            "Spalten ohne Zuordnung werden ignoriert: " + ", ".join(shown), {"columns": shown}))
    prev.file_problems += parsed.notes
    seen_ids: dict[tuple[str, str | None], int] = {}
    seen_names: dict[tuple[str, str], tuple[int, str | None]] = {}
    records, parsed.records = parsed.records, []
    row_geo = _prefetched(geo, records, parsed)
    memo = CheckMemo()  # checks of values that repeat between rows run once
    for i, rec in enumerate(records):
        records[i] = None  # type: ignore[call-overload]  # freed as we go (memory)
        values, extra = record_values(rec, parsed)
        prep = prepare(values, extra, defaults=defaults, overrides=overrides.get(rec.line),
                       organization_column="organization" in prev.present)  # fmt: skip
        data, probs = check_offer(prep.values, row_geo, memo=memo)
        probs = list(rec.problems) + prep.problems + probs
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
        data = {k: v for k, v in data.items() if v is not None}  # memory: absent = None
        row = RowResult(rec.line, data, probs, notes=prep.notes)
        row.action = "error" if row.errors else "new"
        if row.errors:
            row.source = rec.source
        prev.rows.append(row)
    if store is not None and prev.committable:
        with store.session() as s:
            prev.stamp = _stamp(s)
            prev.signature = _plan(s, prev)
    return prev


class _PrefetchedDistricts:
    """A :class:`~directory.validate.GeoContext` whose ``district`` and coordinate placement
    (``locate(latitude=…, longitude=…)``) answer from the placements of all the file's
    coordinates, looked up at once (one vectorised district and border query instead of two
    per row); everything else is the wrapped context's."""

    def __init__(self, geo: GeoContext,
                 known: dict[tuple[float, float], tuple[Any, bool]]) -> None:  # fmt: skip
        self._geo, self._known = geo, known

    def district(self, lat: float, lon: float) -> str | None:
        key = (lat, lon)
        return self._known[key][0] if key in self._known else self._geo.district(lat, lon)

    def inside(self, lat: float, lon: float) -> bool:
        # a point with a district is inside (GeoContext.inside); else ask the area
        return self.district(lat, lon) is not None or self._geo.inside(lat, lon)

    def locate(self, **where: Any) -> Any:
        lat, lon = where.get("latitude"), where.get("longitude")
        if lat is not None and lon is not None and (lat, lon) in self._known:
            from geo.gazetteer import Placement

            ags, uncertain = self._known[(lat, lon)]
            return Placement(lat, lon, "address", None, ags, uncertain)  # as place_point
        return self._geo.locate(**where)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._geo, name)


def _prefetched(geo: GeoContext, records: list, parsed: Parsed) -> Any:
    """``geo`` with the placements of every coordinate pair in ``records`` looked up at once
    through the gazetteer's vectorised :meth:`~geo.gazetteer.Gazetteer.place_points` (the
    same answers as one by one); ``geo`` itself for a small file or a context without a
    gazetteer."""
    place_points = getattr(getattr(geo, "gazetteer", None), "place_points", None)
    if place_points is None:
        return geo
    from directory.validate import check_number

    points: set[tuple[float, float]] = set()
    cells = None  # a table: only the two coordinate cells of each row are read
    if parsed.table is not None:
        mapping, _unmapped, guard = parsed.table
        where = {c: i for i, c in mapping.items() if c in ("latitude", "longitude")}
        if len(where) < 2:
            return geo
        cells = (where["latitude"], where["longitude"], guard)
    for rec in records:
        if cells is not None and not rec.values:
            row, (i_lat, i_lon, guard) = rec.source, cells
            raw_lat = row[i_lat] if i_lat < len(row) else None
            raw_lon = row[i_lon] if i_lon < len(row) else None
            if guard:
                raw_lat, raw_lon = unneutralise(raw_lat), unneutralise(raw_lon)
        else:
            values, _extra = record_values(rec, parsed)
            raw_lat, raw_lon = values.get("latitude"), values.get("longitude")
        lat = check_number("latitude", raw_lat)[0]
        lon = check_number("longitude", raw_lon)[0]
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            points.add((lat, lon))
    if len(points) < 50:
        return geo
    pairs = sorted(points)
    ags, uncertain = place_points([p[0] for p in pairs], [p[1] for p in pairs])
    return _PrefetchedDistricts(geo, {
        pair: (None if a is None else str(a), bool(u))
        for pair, a, u in zip(pairs, ags, uncertain, strict=True)})  # fmt: skip


def _stamp(s: Session) -> tuple:
    """Changes whenever the store changes: every write is audited (the last audit id), and
    the row counts guard against a restored backup with as many audit entries."""
    from sqlalchemy import func

    return (s.scalar(select(func.max(AuditLog.id))),
            *(s.scalar(select(func.count()).select_from(m))
              for m in (Organization, Service, Location, ServiceAtLocation, Phone)))  # fmt: skip


# -- matching ----------------------------------------------------------------------------------
_SERVICE_MAP = {  # flat key → Service column
    "name": "name", "description": "description", "kind": "kind", "fields": "fields",
    "target_groups": "target_groups", "languages": "languages", "status": "status",
    "website": "url", "email": "email", "source_url": "source_url",
    "source_date": "source_date", "assured_date": "assured_date",
    "verification": "verification", "demo": "is_demo", "source_kind": "source_kind",
    "editorial_note": "editorial_note",
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
    """The stored records an import is matched against, as plain rows (Core ``SELECT``s:
    several times cheaper than ORM objects; the few records an import changes are loaded as
    ORM objects by :func:`_load` at commit)."""

    services: dict[str, Any]
    by_name: dict[tuple[str, str], str]
    orgs: dict[str, Any]
    org_by_name: dict[str, str]
    locations: dict[str, Any]
    links: dict[str, list[str]]  # service → location ids
    phones: dict[str, Any]  # service → first phone


@cache
def _record_type(name: str, columns: tuple[str, ...]) -> type:
    return namedtuple(f"_{name}", columns)


def _rows(s: Session, model: type[Base], columns: tuple[str, ...], *where: Any,
          order: tuple = ()) -> list[Any]:  # fmt: skip
    """Rows of ``model`` with only ``columns`` (memory: no stamps, no unused text), as light
    named tuples whose repeated values are one object each: codes and short text, and JSON
    values (lists, opening hours), which are read as text and decoded once per distinct text
    (the same values SQLAlchemy's JSON type gives; 20,000 offers share a few hundred)."""
    table = model.__table__
    json_cols = {c for c in columns if isinstance(table.c[c].type, JSON)}
    stmt = select(*(cast(table.c[c], Text).label(c) if c in json_cols else table.c[c]
                    for c in columns)).where(*where)  # fmt: skip
    record = _record_type(model.__name__, columns)
    decoded: dict[str, Any] = {}
    shared: dict[Any, Any] = {}
    is_json = tuple(c in json_cols for c in columns)
    out = []
    for raw in s.execute(stmt.order_by(*order) if order else stmt):
        values = []
        for value, js in zip(raw, is_json, strict=True):
            if js and value is not None:
                if value not in decoded:
                    decoded[value] = json.loads(value)
                value = decoded[value]
            elif isinstance(value, str) and len(value) <= 64:
                value = shared.setdefault(value, value)
            values.append(value)
        out.append(record._make(values))
    return out


_KEYS = ("id", "version")
_SERVICE_COLUMNS = (*_KEYS, "organization_id", "retired_at", *_SERVICE_MAP.values())
_ORG_COLUMNS = (*_KEYS, "name", "website")
_LOCATION_COLUMNS = (*_KEYS, *_LOCATION_MAP.values(), *_GEO_MAP.values())


def _index(s: Session) -> _Index:
    services = {x.id: x for x in _rows(s, Service, _SERVICE_COLUMNS)}
    orgs = {x.id: x for x in _rows(s, Organization, _ORG_COLUMNS)}
    locations = {x.id: x for x in _rows(s, Location, _LOCATION_COLUMNS)}
    links: dict[str, list[str]] = {}
    for sid, lid in s.execute(
        select(ServiceAtLocation.service_id, ServiceAtLocation.location_id).order_by(
            ServiceAtLocation.created_at, ServiceAtLocation.id
        )
    ):
        links.setdefault(sid, []).append(lid)
    phones: dict[str, Any] = {}
    for ph in _rows(s, Phone, (*_KEYS, "service_id", "number"), Phone.service_id.is_not(None),
                    order=(Phone.created_at, Phone.id)):  # fmt: skip
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


def _first_phones(s: Session, service_ids: set[str]) -> dict[str, Phone]:
    """The first phone (ORM object) of each of ``service_ids``, as the index orders them."""
    out: dict[str, Phone] = {}
    ids = sorted(service_ids)
    for start in range(0, len(ids), 500):
        stmt = (select(Phone).where(Phone.service_id.in_(ids[start : start + 500]))
                .order_by(Phone.created_at, Phone.id))  # fmt: skip
        for ph in s.scalars(stmt):
            out.setdefault(ph.service_id, ph)
    return out


def _load(s: Session, model: type[Base], ids: set[str]) -> dict[str, Any]:
    """ORM objects of ``model`` by id (in chunks), for the records an import updates."""
    out: dict[str, Any] = {}
    ids_ = sorted(ids)
    for start in range(0, len(ids_), 500):
        for obj in s.scalars(select(model).where(model.id.in_(ids_[start : start + 500]))):
            out[obj.id] = obj
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def _plan(s: Session, prev: Preview, idx: _Index | None = None) -> tuple:
    """Match every valid row; fill action/ids/changes. Returns the signature of matched
    records (error rows are left as they are)."""
    idx = idx or _index(s)
    new_orgs: dict[str, str] = {}
    sig: list[tuple[str, str, int]] = []
    for row in prev.rows:
        if row.errors:
            row.action = "error"
            continue
        d = row.data
        present = prev.present | ({"description"} if row.notes else set())
        row.changes = {}
        # service
        svc = idx.services.get(d["id"]) if d.get("id") else None
        if svc is None and not d.get("id"):
            key = _name_key(d["name"], d.get("postal_code"), d.get("city"))
            sid = idx.by_name.get(key) or idx.by_name.get(_name_key(d["name"], None, d.get("city")))
            svc = idx.services.get(sid) if sid else None
        row.service_id = svc.id if svc else (d.get("id") or _new_id(prev, row))
        if row.notes:
            base = d.get("description") if "description" in prev.present or svc is None \
                else svc.description  # fmt: skip
            d["description"] = with_notes(base, row.notes)
        if svc is not None and "kind" not in present:
            d["kind"] = svc.kind  # the file says nothing about the kind: shown as stored
        # organization
        org = idx.orgs.get(d["organization_id"]) if d.get("organization_id") else None
        if org is None and svc is not None and "organization" not in present \
                and not d.get("organization_id"):  # fmt: skip
            org = idx.orgs.get(svc.organization_id)  # the file has no organization column
        if org is None:
            oid = idx.org_by_name.get(_org_key(d.get("organization")))
            org = idx.orgs.get(oid) if oid else None
        if org is None and svc is not None and not d.get("organization_id"):
            cur = idx.orgs.get(svc.organization_id)
            if cur is not None and _name_key(cur.name, "", "") == _name_key(
                d.get("organization"), "", ""
            ):
                org = cur
        row.new_organization = org is None
        if org is not None:
            row.organization_id = org.id
            if "organization" in present and org.name != (d.get("organization") or ""):
                row.changes[("organization", "name")] = (org.name, d.get("organization") or "")
            sig.append(("organization", org.id, org.version))
        else:
            okey = _org_key(d.get("organization")) or f"\x00{row.line}"  # unknown: one per row
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
        row.new_location = loc is None
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


def _set(s: Session, record: Any, changes: Mapping[str, Any], actor: str,
         now: dt.datetime) -> None:  # fmt: skip
    """Apply ``changes`` to a loaded record and audit it (flushed with the transaction;
    the version counter guards every UPDATE)."""
    before = snapshot(record, changes)
    for k, v in changes.items():
        setattr(record, k, v)
    record.updated_by = actor
    record.updated_at = now
    s.add(AuditLog(**audit_row(record.__tablename__, str(record.id), "import", actor, before,
                               snapshot(record, changes))))  # fmt: skip


def _derived_id(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"import:{kind}:" + ":".join(parts)))


@cache
def _row_template(model: type[Base]) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """Per table: every column with its scalar default (else ``None``), in table order, and
    the columns with a callable default (called per row: ``list`` gives each row its own)."""
    template: dict[str, Any] = {}
    calls: list[tuple[str, Any]] = []
    for col in model.__table__.columns:
        default = col.default
        template[col.key] = default.arg if default is not None and default.is_scalar else None
        if default is not None and default.is_callable:
            calls.append((col.key, default.arg))
    return template, tuple(calls)


@cache
def _date_columns(model: type[Base]) -> tuple[str, ...]:
    """The columns of ``model`` that hold dates or datetimes."""
    return tuple(c.key for c in model.__table__.columns
                 if getattr(c.type, "impl_instance", c.type).python_type
                 in (dt.date, dt.datetime))  # fmt: skip


def _full_row(model: type[Base], values: Mapping[str, Any], common: Mapping[str, Any]) -> dict:
    """Every column of a new ``model`` row: ``values``, the record stamps, column defaults."""
    template, calls = _row_template(model)
    row = dict(template)
    for key, fn in calls:
        if key not in values and key not in common:
            row[key] = fn(None)
    for source in (common, values):
        for key, value in source.items():
            if key in row:
                row[key] = value
    return row


class _Inserts:
    """New rows per table, written with bulk INSERTs in foreign-key order, one ``insert``
    audit row each (the same audit entry :meth:`directory.store.Store.add` writes)."""

    ORDER = (Organization, Service, Location, ServiceAtLocation, Phone)

    def __init__(self, actor: str, now: dt.datetime) -> None:
        self.actor = actor
        self.common = {"version": 1, "created_at": now, "created_by": actor,
                       "updated_at": now, "updated_by": actor}  # fmt: skip
        self.rows: dict[type[Base], list[dict]] = {m: [] for m in self.ORDER}
        self.now = now

    def add(self, model: type[Base], **values: Any) -> None:
        self.rows[model].append(_full_row(model, values, self.common))

    def _snapshot(self, model: type[Base], row: dict[str, Any]) -> dict[str, Any]:
        """The audit ``after`` of a new row: its columns, dates as ISO text (lists and dicts
        of new rows hold only text and numbers, cf. ``store._jsonable``)."""
        now, now_text = self.now, self._now_text
        snap = dict(row)
        for key in _date_columns(model):
            value = snap[key]
            if value is not None:
                snap[key] = now_text if value is now else value.isoformat()
        return snap

    def write(self, s: Session) -> None:
        """Insert what is buffered (in foreign-key order) and empty the buffers."""
        conn = s.connection()
        self._now_text = self.now.isoformat()
        for model in self.ORDER:
            rows, self.rows[model] = self.rows[model], []
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                insert_rows(conn, model.__table__, chunk, common=self.common)
                audit = {"table_name": model.__tablename__, "action": "insert",
                         "actor": self.actor, "at": self.now, "before": None}  # fmt: skip
                insert_rows(conn, AuditLog.__table__,
                            [{"record_id": str(r["id"]), "after": self._snapshot(model, r)}
                             for r in chunk], common=audit)  # fmt: skip


def commit(store: Store, preview: Preview, actor: str, *,
           skip_errors: bool = False) -> CommitResult:  # fmt: skip
    """Apply the rows of ``preview`` in ONE transaction, or nothing (see module doc).

    All or nothing by default; ``skip_errors=True`` commits the valid rows and leaves the
    refused ones out (counted as ``error`` in the result).
    """
    if not (preview.committable if skip_errors else preview.ok):
        n = preview.counts["error"] + preview.counts["file_errors"]
        raise ImportRefused("has_errors", f"Import abgelehnt: {n} Fehler in der Datei – es "
                            "wurde nichts geändert.", errors=n)  # fmt: skip
    counts = {a: 0 for a in ACTIONS}
    now = utcnow()
    with store.session() as s:
        if not preview.stamp or _stamp(s) != preview.stamp:
            signature = _plan(s, preview)  # the store changed: match again
            if preview.signature and signature != preview.signature:
                raise ImportRefused(
                    "conflict",
                    "Der Bestand wurde seit der Vorschau geändert – "
                    "bitte die Vorschau neu laden. Es wurde nichts geändert.",
                )
        new = _Inserts(actor, now)
        created_orgs: set[str] = set()
        created_services: set[str] = set()
        created_locs: set[str] = set()
        linked: set[tuple[str, str]] = set()
        for n, row in enumerate(preview.rows, start=1):
            counts[row.action] += 1
            if n % _CHUNK == 0:
                new.write(s)  # bounded memory: rows go out in chunks, parents first
            if row.action == "error":
                continue
            d = row.data
            demo = bool(d.get("demo"))
            if row.new_organization and row.organization_id not in created_orgs:
                created_orgs.add(row.organization_id)
                new.add(Organization, id=row.organization_id, name=d.get("organization") or "",
                        is_demo=demo)  # fmt: skip
            if row.action == "new" and row.service_id not in created_services:
                created_services.add(row.service_id)
                values = {c: d.get(f) for f, c in _SERVICE_MAP.items()}
                for col in ("fields", "target_groups", "languages"):
                    values[col] = values[col] or []
                values["status"] = values["status"] or "active"
                values["verification"] = values["verification"] or "unverified"
                values["is_demo"] = demo
                new.add(Service, id=row.service_id, organization_id=row.organization_id,
                        **values)  # fmt: skip
                if d.get("phone"):
                    new.add(Phone, id=_derived_id("phone", row.service_id), number=d["phone"],
                            service_id=row.service_id, type="voice")  # fmt: skip
            link = (row.service_id, row.location_id)
            if row.new_location and row.location_id not in created_locs:
                created_locs.add(row.location_id)
                values = {c: d.get(f) for f, c in {**_LOCATION_MAP, **_GEO_MAP}.items()}
                values["accessibility"] = values["accessibility"] or "unknown"
                new.add(Location, id=row.location_id, organization_id=row.organization_id,
                        name=d["name"], is_demo=demo, **values)  # fmt: skip
            elif row.action != "new" or row.new_location:
                continue
            if link not in linked:
                linked.add(link)
                new.add(ServiceAtLocation, id=_derived_id("sal", *link), service_id=link[0],
                        location_id=link[1])  # fmt: skip
        new.write(s)
        updates = [r for r in preview.rows if r.action == "update"]
        tables = {t for r in updates for t, _ in r.changes}
        orgs = _load(s, Organization, {r.organization_id for r in updates}
                     if "organization" in tables else set())  # fmt: skip
        services = _load(s, Service, {r.service_id for r in updates} if "service" in tables
                         else set())  # fmt: skip
        locations = _load(s, Location, {r.location_id for r in updates if not r.new_location}
                          if "location" in tables else set())  # fmt: skip
        phones = _first_phones(s, {r.service_id for r in updates if ("phone", "number")
                                   in r.changes})  # fmt: skip
        for row in updates:
            by_table: dict[str, dict[str, Any]] = {}
            for (table, col), (_old, value) in row.changes.items():
                by_table.setdefault(table, {})[col] = value
            if "organization" in by_table:
                _set(s, orgs[row.organization_id], by_table["organization"], actor, now)
            if "service" in by_table:
                _set(s, services[row.service_id], by_table["service"], actor, now)
            if "location" in by_table and row.location_id in locations:
                _set(s, locations[row.location_id], by_table["location"], actor, now)
            if "phone" in by_table:
                number = by_table["phone"]["number"]
                ph = phones.get(row.service_id)
                if ph is not None and number:
                    _set(s, ph, {"number": number}, actor, now)
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
