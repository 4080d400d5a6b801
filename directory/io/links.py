"""Import and export of memberships and cooperations as their own CSV/XLSX tables.

Two table formats, told apart by their headers (German; the English ids work too):

* **Mitgliedschaften** — ``Organisation``, ``Organisations-ID``, ``Regionalverbund``,
  ``Regionalverbund-ID``, ``Status`` (belegt | abgeleitet | unbekannt), ``Rolle`` (Mitglied |
  Federführung), ``Notiz``, ``Quelle``;
* **Kooperationen** — ``Organisation``, ``Organisations-ID``, ``Partner``, ``Partner-ID``,
  ``Art`` (Kooperation | gemeinsames Projekt | Verweisberatung | Trägerschaft),
  ``Beschreibung``, ``Quelle``.

An organization is found by its ID, else by its exact name (a name two organizations share
is refused); a network by ID or name. Import: :func:`preview` validates every row (and the
permission of the importing user) without writing — new, changed, unchanged or error per
row; :func:`commit` applies a preview without errors in ONE transaction through
:class:`directory.editing.links.LinkEditor` (audited) — all or nothing. Rows are never
deleted by an import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select

from directory.auth import User
from directory.editing.errors import EditError, PermissionDenied, ValidationFailed
from directory.editing.links import LinkEditor, check_cooperation, check_membership
from directory.io.columns import unneutralise
from directory.io.frames import csv_bytes, xlsx_bytes
from directory.links import COOPERATION_KINDS, cooperations_frame, memberships_frame
from directory.model import Cooperation, Membership, Organization, RegionalNetwork
from directory.store import Store
from directory.validate import Problem

STATUS_DE = {"verified": "belegt", "inferred": "abgeleitet", "unknown": "unbekannt"}
ROLE_DE = {"member": "Mitglied", "lead": "Federführung"}
KIND_DE = {"kooperation": "Kooperation", "projekt": "gemeinsames Projekt",
           "verweisung": "Verweisberatung", "traegerschaft": "Trägerschaft"}  # fmt: skip
assert set(KIND_DE) == set(COOPERATION_KINDS)

HEADERS = {
    "memberships": {"organization": "Organisation", "organization_id": "Organisations-ID",
                    "network": "Regionalverbund", "network_id": "Regionalverbund-ID",
                    "status": "Status", "role": "Rolle", "note": "Notiz",
                    "source_url": "Quelle"},
    "cooperations": {"organization": "Organisation", "organization_id": "Organisations-ID",
                     "partner": "Partner", "partner_id": "Partner-ID", "kind": "Art",
                     "description": "Beschreibung", "source_url": "Quelle"},
}  # fmt: skip
WHAT = tuple(HEADERS)
MAX_ROWS = 20_000


class LinksRefused(ValueError):
    """The file cannot be read as a memberships or cooperations table (message in German)."""

    def __init__(self, code: str, message_de: str) -> None:
        super().__init__(message_de)
        self.code, self.message_de = code, message_de


# -- export ------------------------------------------------------------------------------------
def export_frame(store: Store, what: str) -> pd.DataFrame:
    """The table of ``what`` with German headers and labels (demo links included, marked)."""
    names = _network_names(store)
    h = HEADERS[what]
    if what == "memberships":
        df = memberships_frame(store)
        return pd.DataFrame({
            h["organization"]: df["organization"], h["organization_id"]: df["organization_id"],
            h["network"]: df["network_id"].map(lambda n: names.get(n, n)),
            h["network_id"]: df["network_id"], h["status"]: df["status"].map(STATUS_DE),
            h["role"]: df["role"].map(lambda r: ROLE_DE.get(r or "member")),
            h["note"]: df["note"], h["source_url"]: df["source_url"],
        }).astype(object)  # fmt: skip
    df = cooperations_frame(store)
    return pd.DataFrame({
        h["organization"]: df["organization"], h["organization_id"]: df["organization_id"],
        h["partner"]: df["partner"], h["partner_id"]: df["partner_id"],
        h["kind"]: df["kind"].map(lambda k: KIND_DE.get(k, k)),
        h["description"]: df["description"], h["source_url"]: df["source_url"],
    }).astype(object)  # fmt: skip


def _network_names(store: Store) -> dict[str, str]:
    with store.session() as s:
        return {i: n or i for i, n in s.execute(select(RegionalNetwork.id, RegionalNetwork.name))}


def export_bytes(store: Store, what: str, fmt: str) -> bytes:
    """``what`` (memberships | cooperations) as ``fmt`` (csv | xlsx)."""
    if what not in HEADERS or fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export {what}/{fmt}")
    frame = export_frame(store, what)
    sheet = "Mitgliedschaften" if what == "memberships" else "Kooperationen"
    return csv_bytes(frame) if fmt == "csv" else xlsx_bytes({sheet: frame})


# -- reading -----------------------------------------------------------------------------------
def read_table(data: bytes, name: str = "") -> tuple[str, list[dict[str, Any]]]:
    """``(what, rows)``: rows as dicts keyed by field id (``organization``, …), with the
    file's line number under ``_line``."""
    from directory.io.readers import FileRefused, decode_text

    if not data:
        raise LinksRefused("empty", "Die Datei ist leer.")
    try:
        if data.startswith(b"PK") or name.lower().endswith(".xlsx"):
            header, body = _xlsx_rows(data)
        else:
            text, _ = decode_text(data)
            sample = text.splitlines()[0] if text.strip() else ""
            delim = ";" if sample.count(";") >= sample.count(",") else ","
            rows = list(csv.reader(io.StringIO(text), delimiter=delim))
            while rows and not any(c.strip() for c in rows[0]):
                rows.pop(0)
            if not rows:
                raise LinksRefused("empty", "Die Datei ist leer.")
            header, body = rows[0], rows[1:]
    except FileRefused as exc:
        raise LinksRefused(exc.code, exc.message_de) from exc
    header = [str(h or "").strip().lstrip("\ufeff") for h in header]
    what, columns = _detect(header)
    if len(body) > MAX_ROWS:
        raise LinksRefused("too_many_rows", f"Die Datei hat mehr als {MAX_ROWS} Zeilen.")
    out = []
    for i, row in enumerate(body, start=2):
        values = {}
        for col, key in columns.items():
            raw = row[col] if col < len(row) else None
            text = "" if raw is None else str(unneutralise(str(raw))).strip()
            values[key] = text or None
        if any(values.values()):
            out.append({**values, "_line": i})
    return what, out


def _xlsx_rows(data: bytes) -> tuple[list[Any], list[list[Any]]]:
    import zipfile

    import openpyxl

    from directory.io.readers import MAX_UNPACKED_BYTES

    damaged = LinksRefused("xlsx_damaged", "Die Excel-Datei ist beschädigt oder keine "
                           "Excel-Datei (.xlsx).")  # fmt: skip
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        if "xl/workbook.xml" not in zf.namelist():
            raise damaged
        if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED_BYTES:
            raise LinksRefused("unpacked_too_large", "Die Excel-Datei ist entpackt zu groß.")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
    except LinksRefused:
        raise
    except Exception as exc:  # zipfile/openpyxl raise many types on damaged files
        raise damaged from exc
    while rows and not any(v not in (None, "") for v in rows[0]):
        rows.pop(0)
    if not rows:
        raise LinksRefused("empty", "Die Datei ist leer (leere Excel-Tabelle).")
    return rows[0], rows[1:]


def _detect(header: list[str]) -> tuple[str, dict[int, str]]:
    low = [h.casefold() for h in header]
    for what, names in HEADERS.items():
        index = {}
        for key, label in names.items():
            for i, h in enumerate(low):
                if h in (label.casefold(), key):
                    index[i] = key
        keys = set(index.values())
        core = ({"network", "network_id"} if what == "memberships"
                else {"partner", "partner_id"})  # fmt: skip
        if keys & {"organization", "organization_id"} and keys & core:
            return what, index
    raise LinksRefused("unknown_table", "Die Tabelle ist weder eine Liste von Mitgliedschaften "
                       "(Spalten Organisation, Regionalverbund) noch von Kooperationen "
                       "(Spalten Organisation, Partner).")  # fmt: skip


# -- preview and commit ------------------------------------------------------------------------
@dataclass
class LinkRow:
    line: int
    action: str  # new | update | unchanged | error
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    record_id: str | None = None
    version: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class LinkPreview:
    what: str
    rows: list[LinkRow]

    @property
    def counts(self) -> dict[str, int]:
        out = {"rows": len(self.rows), "new": 0, "update": 0, "unchanged": 0, "error": 0}
        for r in self.rows:
            out[r.action] += 1
        return out

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(r.action == "error" for r in self.rows)


def _p(field_name: str, code: str, message: str, **params: Any) -> Problem:
    return Problem(field_name, code, "error", message, params)


def _reverse(labels: dict[str, str]) -> dict[str, str]:
    return {**{v.casefold(): k for k, v in labels.items()}, **{k: k for k in labels}}


def preview(store: Store, data: bytes, *, name: str = "", actor: User) -> LinkPreview:
    """Read and check a file (see module doc); never writes."""
    what, rows = read_table(data, name)
    links = LinkEditor(store)
    with store.session() as s:
        orgs = s.execute(select(Organization.id, Organization.name)
                         .where(Organization.retired_at.is_(None))).all()  # fmt: skip
        nets = s.execute(select(RegionalNetwork.id, RegionalNetwork.name)).all()
        by_name: dict[str, list[str]] = {}
        for oid, oname in orgs:
            by_name.setdefault((oname or "").strip().casefold(), []).append(oid)
        org_ids = {oid for oid, _ in orgs}
        net_ids = {nid for nid, _ in nets}
        net_by_name = {(n or "").strip().casefold(): i for i, n in nets}
        members = {(m.organization_id, m.network_id): m for m in s.scalars(select(Membership))}
        coops = {frozenset((c.organization_id, c.partner_id)): c
                 for c in s.scalars(select(Cooperation))}  # fmt: skip

        def org(values: dict, id_key: str, name_key: str, problems: list) -> str | None:
            oid, oname = values.get(id_key), values.get(name_key)
            if oid:
                if oid in org_ids:
                    return oid
                problems.append(_p(id_key, "unknown_organization",
                                   f"Träger „{oid}“ gibt es nicht.", value=oid))
                return None
            found = by_name.get((oname or "").casefold(), [])
            if len(found) == 1:
                return found[0]
            code, text = (("ambiguous_organization", f"Den Namen „{oname}“ tragen mehrere "
                           "Organisationen – bitte die ID angeben.") if found else
                          ("unknown_organization", f"Träger „{oname}“ gibt es nicht."))
            problems.append(_p(name_key, code, text, value=oname or ""))
            return None

        seen: set = set()
        out = []
        for values in rows:
            line = values.pop("_line")
            problems: list[Problem] = []
            row = LinkRow(line, "error", values, problems)
            out.append(row)
            a = org(values, "organization_id", "organization", problems)
            if what == "memberships":
                given = values.get("network") or ""
                net = values.get("network_id") or net_by_name.get(given.casefold()) or (
                    given if given in net_ids else None)  # an id in the name column
                if net not in net_ids:
                    given = values.get("network_id") or values.get("network") or ""
                    problems.append(_p("network_id", "unknown_network",
                                       f"Unbekannter Regionalverbund „{given}“.", value=given))
                clean = {"status": _reverse(STATUS_DE).get((values.get("status") or "belegt")
                                                           .casefold(), values.get("status")),
                         "role": _reverse(ROLE_DE).get((values.get("role") or "Mitglied")
                                                       .casefold(), values.get("role")),
                         "note": values.get("note"), "source_url": values.get("source_url")}
                problems += check_membership(clean)
                key = (a, net)
                if problems or a is None:
                    continue
                if not links.may_edit_network(actor, net):
                    problems.append(_p("network_id", "link_denied",
                                       "Keine Berechtigung für diese Verbindung.", value=""))
                    continue
                stored = members.get(key)
                row.values = {"organization_id": a, "network_id": net, **clean}
            else:
                b = org(values, "partner_id", "partner", problems)
                clean = {"kind": _reverse(KIND_DE).get((values.get("kind") or "Kooperation")
                                                       .casefold(), values.get("kind")),
                         "description": values.get("description"),
                         "source_url": values.get("source_url")}
                problems += check_cooperation(clean)
                if a is not None and a == b:
                    problems.append(_p("partner_id", "link_self", "Eine Organisation kann "
                                       "nicht mit sich selbst kooperieren.", value=""))
                if problems or a is None or b is None:
                    continue
                if not links._coop_allowed(s, actor, a, b):
                    problems.append(_p("partner_id", "link_denied",
                                       "Keine Berechtigung für diese Verbindung.", value=""))
                    continue
                key = frozenset((a, b))
                stored = coops.get(key)
                row.values = {"organization_id": a, "partner_id": b, **clean}
            if key in seen:
                problems.append(_p("organization_id", "duplicate_row", "Diese Verbindung "
                                   "steht mehrfach in der Datei.", value=""))
                continue
            seen.add(key)
            if stored is None:
                row.action = "new"
                continue
            row.record_id, row.version = stored.id, stored.version
            row.changes = {k: v for k, v in clean.items() if getattr(stored, k) != v}
            row.action = "update" if row.changes else "unchanged"
    return LinkPreview(what, out)


def commit(store: Store, result: LinkPreview, *, actor: User) -> dict[str, int]:
    """Apply a preview without errors in one transaction (audited); returns the counts.

    Raises :class:`ValueError` for a preview with errors, and any refusal of the editor
    (permission, validation, concurrent change) rolls everything back.
    """
    if not result.ok:
        raise ValueError("the preview has errors; nothing was imported")
    links = LinkEditor(store)
    model = Membership if result.what == "memberships" else Cooperation
    fields = ("status", "role", "note", "source_url") if model is Membership else (
        "kind", "description", "source_url")  # fmt: skip
    with store.session() as s:
        for row in result.rows:
            v = row.values
            if row.action == "new" and model is Membership:
                links._add_membership_in(s, v["organization_id"], v["network_id"], actor=actor,
                                         **{k: v[k] for k in fields})  # fmt: skip
            elif row.action == "new":
                links._add_cooperation_in(s, v["organization_id"], v["partner_id"], actor=actor,
                                          **{k: v[k] for k in fields})  # fmt: skip
            elif row.action == "update":
                links._edit_in(s, model, row.record_id, row.changes, fields, actor=actor,
                               expected_version=row.version)  # fmt: skip
    return result.counts


__all__ = ["WHAT", "EditError", "LinkPreview", "LinksRefused", "PermissionDenied",
           "ValidationFailed", "commit", "export_bytes", "export_frame", "preview",
           "read_table"]  # fmt: skip
