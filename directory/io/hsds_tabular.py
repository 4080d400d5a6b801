"""HSDS 3.0 as a *tabular data package*: a ZIP with ``datapackage.json`` and one CSV per table.

Export flattens the nested HSDS ``service`` objects of :func:`to_hsds_objects` into the
standard tables (``services.csv``, ``organizations.csv``, ``locations.csv``,
``addresses.csv``, ``phones.csv``, ``service_at_location.csv``, ``languages.csv``,
``attributes.csv``, ``taxonomy_terms.csv``, ``schedules.csv``, ``accessibility.csv``) and
keeps the atlas' own fields (kind, fields of action, geocode precision …) in two extra
tables, ``x_integrationsatlas_services.csv`` and ``x_integrationsatlas_locations.csv``
(``id`` + a JSON column), which other HSDS tools simply ignore.

Import reassembles the nested objects from the tables (by their ``*_id`` links) and hands
them to the HSDS JSON reader, so both HSDS forms share one validation path. A package from
another source without the extension tables is read too; its offers then need a kind that
the validation recognises (else each row says so in the preview).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

EXTENSION = "x_integrationsatlas"
#: table name -> (file name, key columns written first)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("organizations.csv", ("id", "name", "description", "email", "website")),
    "service": ("services.csv", ("id", "organization_id", "name", "description", "url",
                                 "email", "status", "assured_date", "last_modified")),
    "location": ("locations.csv", ("id", "location_type", "organization_id", "name",
                                   "latitude", "longitude")),
    "address": ("addresses.csv", ("id", "location_id", "address_1", "city", "state_province",
                                  "postal_code", "country", "address_type")),
    "phone": ("phones.csv", ("id", "service_id", "location_id", "number", "type")),
    "service_at_location": ("service_at_location.csv", ("id", "service_id", "location_id")),
    "language": ("languages.csv", ("id", "service_id", "name", "code")),
    "attribute": ("attributes.csv", ("id", "link_id", "taxonomy_term_id", "link_type",
                                     "link_entity", "value")),
    "taxonomy_term": ("taxonomy_terms.csv", ("id", "code", "name", "description", "taxonomy")),
    "schedule": ("schedules.csv", ("id", "service_id", "location_id", "service_at_location_id",
                                   "freq", "byday", "opens_at", "closes_at", "description")),
    "accessibility": ("accessibility.csv", ("id", "location_id", "description", "details")),
    f"{EXTENSION}_service": (f"{EXTENSION}_services.csv", ("id", "data")),
    f"{EXTENSION}_location": (f"{EXTENSION}_locations.csv", ("id", "data")),
}  # fmt: skip
MAX_MEMBER_BYTES = 50 * 1024 * 1024


class PackageError(ValueError):
    """The ZIP is not a readable HSDS tabular data package (German message; ``reason`` and
    ``params`` for translation)."""

    def __init__(self, reason: str, message_de: str, **params: Any) -> None:
        super().__init__(message_de)
        self.reason, self.params = reason, params


# -- export ------------------------------------------------------------------------------------
def _scalar(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def flatten(services: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Nested HSDS service objects -> rows per table (each record once)."""
    out: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TABLES}

    def put(table: str, obj: dict[str, Any], **links: Any) -> None:
        row = {k: _scalar(v) for k, v in obj.items() if not isinstance(v, list | dict)}
        row.update({k: v for k, v in links.items() if v is not None})
        out[table].setdefault(str(row["id"]), row)

    for svc in services:
        put("service", svc)
        if isinstance(svc.get("organization"), dict):
            put("organization", svc["organization"])
        for lang in svc.get("languages") or []:
            put("language", lang, service_id=svc["id"])
        for ph in svc.get("phones") or []:
            put("phone", ph, service_id=svc["id"])
        for attr in svc.get("attributes") or []:
            term = attr.get("taxonomy_term")
            if isinstance(term, dict):
                put("taxonomy_term", term)
            put("attribute", attr)
        if EXTENSION in svc:
            put(f"{EXTENSION}_service", {"id": svc["id"], "data": json.dumps(
                svc[EXTENSION], ensure_ascii=False, default=str)})  # fmt: skip
        for sal in svc.get("service_at_locations") or []:
            put("service_at_location", sal)
            for sch in sal.get("schedules") or []:
                put("schedule", sch)
            loc = sal.get("location")
            if not isinstance(loc, dict):
                continue
            put("location", loc)
            for addr in loc.get("addresses") or []:
                put("address", addr, location_id=loc["id"])
            for acc in loc.get("accessibility") or []:
                put("accessibility", acc, location_id=loc["id"])
            for ph in loc.get("phones") or []:
                put("phone", ph, location_id=loc["id"])
            if EXTENSION in loc:
                put(f"{EXTENSION}_location", {"id": loc["id"], "data": json.dumps(
                    loc[EXTENSION], ensure_ascii=False, default=str)})  # fmt: skip
    return {t: list(rows.values()) for t, rows in out.items()}


def _csv_bytes(rows: list[dict[str, Any]], first: Iterable[str]) -> tuple[bytes, list[str]]:
    columns = list(first)
    for row in rows:
        columns += [k for k in row if k not in columns]
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue().encode("utf-8"), columns


def to_package(services: Sequence[dict[str, Any]]) -> bytes:
    """A ZIP with ``datapackage.json`` and the CSV tables (deterministic content)."""
    tables = flatten(services)
    resources = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for table, (path, first) in TABLES.items():
            data, columns = _csv_bytes(tables[table], first)
            zf.writestr(zipfile.ZipInfo(path, (2000, 1, 1, 0, 0, 0)), data,
                        compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
            resources.append({
                "name": table, "path": path, "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": {"fields": [{"name": c, "type": "string"} for c in columns]},
            })  # fmt: skip
        package = {
            "name": "integrationsatlas-niedersachsen",
            "title": "Integrationsatlas Niedersachsen (HSDS 3.0)",
            "profile": "tabular-data-package",
            "resources": resources,
        }
        zf.writestr(zipfile.ZipInfo("datapackage.json", (2000, 1, 1, 0, 0, 0)),
                    json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8"),
                    compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
    return buf.getvalue()


# -- import ------------------------------------------------------------------------------------
def is_package(data: bytes) -> bool:
    """True for a ZIP that holds ``datapackage.json`` or ``services.csv`` (at any depth)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    return any(n.rsplit("/", 1)[-1] in ("datapackage.json", "services.csv") for n in names)


def _read_tables(data: bytes) -> dict[str, list[dict[str, Any]]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = {i.filename.rsplit("/", 1)[-1]: i for i in zf.infolist() if not i.is_dir()}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise PackageError("damaged", "Das ZIP-Archiv ist beschädigt oder unvollständig.") from exc
    if sum(i.file_size for i in infos.values()) > MAX_MEMBER_BYTES:
        raise PackageError("too_large", "Das Datenpaket ist entpackt zu groß.")
    paths = {table: path for table, (path, _) in TABLES.items()}
    if "datapackage.json" in infos:
        try:
            package = json.loads(zf.read(infos["datapackage.json"]).decode("utf-8"))
            for res in package.get("resources") or []:
                if isinstance(res, dict) and res.get("name") in paths and res.get("path"):
                    paths[res["name"]] = str(res["path"]).rsplit("/", 1)[-1]
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
            raise PackageError("bad_descriptor",
                               "datapackage.json ist kein gültiges JSON.") from exc
    if paths["service"] not in infos:
        raise PackageError("no_service_table", "Im Datenpaket fehlt die Tabelle der Dienste "
                           f"({paths['service']}).", path=paths["service"])  # fmt: skip
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, path in paths.items():
        if path not in infos:
            tables[table] = []
            continue
        try:
            text = zf.read(infos[path]).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PackageError("not_utf8", f"{path} ist nicht UTF-8-kodiert.", path=path) from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise PackageError("member_damaged", f"{path} ist im ZIP-Archiv beschädigt.",
                               path=path) from exc
        reader = csv.DictReader(io.StringIO(text, newline=""))
        tables[table] = [{k: (v if v != "" else None) for k, v in row.items() if k}
                         for row in reader]  # fmt: skip
    return tables


def _number(value: Any) -> Any:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return value  # the validation reports it


def _json(value: Any) -> Any:
    try:
        return json.loads(value) if value else {}
    except json.JSONDecodeError:
        return {}


def nest(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Tables -> nested HSDS service objects (as the HSDS JSON reader expects them)."""

    def group(table: str, key: str) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for row in tables.get(table, []):
            if row.get(key):
                out.setdefault(row[key], []).append(row)
        return out

    orgs = {r["id"]: r for r in tables.get("organization", []) if r.get("id")}
    terms = {r["id"]: r for r in tables.get("taxonomy_term", []) if r.get("id")}
    locs = {r["id"]: dict(r) for r in tables.get("location", []) if r.get("id")}
    ext_svc = {r["id"]: _json(r.get("data")) for r in tables.get(f"{EXTENSION}_service", [])}
    ext_loc = {r["id"]: _json(r.get("data")) for r in tables.get(f"{EXTENSION}_location", [])}
    langs, sals = group("language", "service_id"), group("service_at_location", "service_id")
    attrs, svc_phones = group("attribute", "link_id"), group("phone", "service_id")
    loc_phones, addrs = group("phone", "location_id"), group("address", "location_id")
    access = group("accessibility", "location_id")
    sal_sched, loc_sched = group("schedule", "service_at_location_id"), group(
        "schedule", "location_id")  # fmt: skip
    for lid, loc in locs.items():
        loc["latitude"], loc["longitude"] = _number(loc.get("latitude")), _number(
            loc.get("longitude"))  # fmt: skip
        loc["addresses"] = addrs.get(lid, [])
        loc["accessibility"] = access.get(lid, [])
        loc["phones"] = loc_phones.get(lid, [])
        loc["schedules"] = [s for s in loc_sched.get(lid, [])
                            if not s.get("service_at_location_id")]  # fmt: skip
        if lid in ext_loc:
            loc[EXTENSION] = ext_loc[lid]
    services = []
    for row in tables.get("service", []):
        svc = dict(row)
        sid = svc.get("id")
        if svc.get("organization_id") in orgs:
            svc["organization"] = orgs[svc["organization_id"]]
        svc["languages"] = langs.get(sid, [])
        svc["phones"] = svc_phones.get(sid, [])
        svc["attributes"] = [dict(a, taxonomy_term=terms.get(a.get("taxonomy_term_id")) or {})
                             for a in attrs.get(sid, [])]  # fmt: skip
        svc["service_at_locations"] = [
            dict(sal, location=locs.get(sal.get("location_id"), {}),
                 schedules=sal_sched.get(sal.get("id"), []))
            for sal in sals.get(sid, [])
        ]  # fmt: skip
        if sid in ext_svc:
            svc[EXTENSION] = ext_svc[sid]
        services.append(svc)
    return services


def package_to_json(data: bytes) -> bytes:
    """The package as HSDS JSON (a list of nested services); raises :class:`PackageError`."""
    services = nest(_read_tables(data))
    if not services:
        raise PackageError("no_services", "Das Datenpaket enthält keine Dienste.")
    return json.dumps(services, ensure_ascii=False).encode("utf-8")
