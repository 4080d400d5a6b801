"""Editing memberships (organization ↔ regional network) and cooperations (organization ↔
organization): audited, optimistic locking, permissions by network.

Permissions:

* **admin** — everything;
* **coordinator** — memberships in their own networks; cooperations in which at least one
  of the two organizations belongs to one of their networks (a recorded membership, or an
  offer located in a district assigned to the network);
* **viewer** and everyone else — nothing.

Every write is one transaction with an audit row (``insert`` / ``update`` / ``delete``;
a removed link keeps its history in the audit log, :meth:`LinkEditor.history`). A refused
operation writes nothing. The ``_…_in`` methods take an open session, so a file import can
apply many rows in ONE transaction (all or nothing, :mod:`directory.io.links`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from directory.auth import User
from directory.editing.errors import EditConflict, PermissionDenied, ValidationFailed
from directory.editing.fields import _problem
from directory.editing.history import HistoryMixin
from directory.links import COOPERATION_KINDS
from directory.model import (
    MEMBERSHIP_ROLES,
    MEMBERSHIP_STATUSES,
    AuditLog,
    Cooperation,
    Location,
    Membership,
    NetworkAssignment,
    Organization,
    RegionalNetwork,
    Service,
    ServiceAtLocation,
    new_id,
    utcnow,
)
from directory.store import NotFoundError, Store, audit_row, snapshot

NOTE_MAX = 2000
MEMBERSHIP_FIELDS = ("status", "role", "note", "source_url")
COOPERATION_FIELDS = ("kind", "description", "source_url")


def _clean_text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def check_membership(values: Mapping[str, Any]) -> list:
    """Field problems of membership values (status, role, note, source)."""
    problems = []
    if values.get("status") not in MEMBERSHIP_STATUSES:
        problems.append(_problem("status", "link_bad_status",
                                 f"Unbekannter Status „{values.get('status')}“ (belegt, abgeleitet "
                                 "oder unbekannt).",
                                 value=str(values.get("status"))))  # fmt: skip
    if values.get("role") not in MEMBERSHIP_ROLES:
        problems.append(_problem("role", "link_bad_role",
                                 f"Unbekannte Rolle „{values.get('role')}“ "
                                 "(Mitglied oder Federführung).",
                                 value=str(values.get("role"))))  # fmt: skip
    problems += _common(values, "note")
    return problems


def check_cooperation(values: Mapping[str, Any]) -> list:
    problems = []
    if values.get("kind") not in COOPERATION_KINDS:
        problems.append(_problem("kind", "link_bad_kind",
                                 f"Unbekannte Art der Kooperation „{values.get('kind')}“.",
                                 value=str(values.get("kind"))))  # fmt: skip
    return problems + _common(values, "description")


def _common(values: Mapping[str, Any], text_field: str) -> list:
    problems = []
    url = values.get("source_url")
    if url and not str(url).lower().startswith(("http://", "https://")):
        problems.append(_problem("source_url", "link_bad_url",
                                 "Die Quelle muss eine Webadresse mit http:// oder https:// sein.",
                                 value=str(url)))  # fmt: skip
    if url and len(str(url)) > 1000:
        problems.append(_problem("source_url", "link_too_long", "Der Text ist zu lang.",
                                 value=str(url)[:40]))  # fmt: skip
    if len(values.get(text_field) or "") > NOTE_MAX:
        problems.append(_problem(text_field, "link_too_long", "Der Text ist zu lang.",
                                 value=str(values.get(text_field))[:40]))  # fmt: skip
    return problems


class LinkEditor(HistoryMixin):
    """Audited writes of memberships and cooperations over one store (see module doc)."""

    def __init__(self, store: Store, *, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.store = store
        self.today = today

    # -- permissions -----------------------------------------------------------------------
    def may_edit_network(self, user: User | None, network_id: str | None) -> bool:
        return user is not None and user.can_edit_network(network_id)

    def networks_of_organization(self, s: Session, org_id: str) -> set[str]:
        """Networks an organization belongs to: memberships, and networks of the districts
        its offers and offices are located in."""
        member = set(s.scalars(select(Membership.network_id)
                               .where(Membership.organization_id == org_id)))  # fmt: skip
        via_offer = (
            select(Location.district_ags)
            .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
            .join(Service, Service.id == ServiceAtLocation.service_id)
            .where(Service.organization_id == org_id)
        )
        own = select(Location.district_ags).where(Location.organization_id == org_id)
        districts = set(s.scalars(via_offer)) | set(s.scalars(own))
        districts.discard(None)
        located = set()
        if districts:
            located = set(s.scalars(select(NetworkAssignment.network_id).where(
                NetworkAssignment.district_ags.in_(districts))))  # fmt: skip
        return {n for n in member | located if n}

    def may_edit_cooperation(self, user: User | None, org_id: str, partner_id: str) -> bool:
        if user is None or user.role not in ("admin", "coordinator"):
            return False
        if user.role == "admin":
            return True
        with self.store.session() as s:
            return self._coop_allowed(s, user, org_id, partner_id)

    def _coop_allowed(self, s: Session, user: User, org_id: str, partner_id: str) -> bool:
        if user.role == "admin":
            return True
        if user.role != "coordinator":
            return False
        nets = self.networks_of_organization(s, org_id) | self.networks_of_organization(
            s, partner_id)
        return bool(nets & set(user.networks))

    # -- memberships -----------------------------------------------------------------------
    def add_membership(self, organization_id: str, network_id: str, *, actor: User,
                       status: str = "verified", role: str = "member", note: str | None = None,
                       source_url: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Record that an organization belongs to a network."""
        with self.store.session() as s:
            return self._add_membership_in(s, organization_id, network_id, actor=actor,
                                           status=status, role=role, note=note,
                                           source_url=source_url)  # fmt: skip

    def _add_membership_in(self, s: Session, organization_id: str, network_id: str, *,
                           actor: User, status: str = "verified", role: str = "member",
                           note: str | None = None,
                           source_url: str | None = None) -> dict[str, Any]:  # fmt: skip
        if not self.may_edit_network(actor, network_id):
            raise PermissionDenied(f"{actor.username} may not edit members of {network_id}")
        values = {"status": status, "role": role or "member", "note": _clean_text(note),
                  "source_url": _clean_text(source_url)}  # fmt: skip
        problems = check_membership(values)
        org = s.get(Organization, organization_id) if organization_id else None
        if org is None or org.retired_at is not None:
            problems.append(_problem("organization_id", "unknown_organization",
                                     f"Träger „{organization_id}“ gibt es nicht.",
                                     value=str(organization_id)))  # fmt: skip
        if s.get(RegionalNetwork, network_id) is None:
            problems.append(_problem("network_id", "unknown_network",
                                     f"Unbekannter Regionalverbund „{network_id}“.",
                                     value=str(network_id)))  # fmt: skip
        elif not problems and s.scalar(select(Membership.id).where(
                Membership.organization_id == organization_id,
                Membership.network_id == network_id)) is not None:  # fmt: skip
            problems.append(_problem("organization_id", "link_duplicate",
                                     "Diese Verbindung ist schon eingetragen.",
                                     value=org.name if org else str(organization_id)))
        if problems:
            raise ValidationFailed(problems)
        row = Membership(id=new_id(), organization_id=organization_id, network_id=network_id,
                         **values)  # fmt: skip
        self.store.add(row, actor=actor.username, session=s)
        return snapshot(row)

    def edit_membership(self, membership_id: str, changes: Mapping[str, Any], *, actor: User,
                        expected_version: int) -> dict[str, Any]:  # fmt: skip
        """Change status, role, note or source of a membership."""
        with self.store.session() as s:
            return self._edit_in(s, Membership, membership_id, changes, MEMBERSHIP_FIELDS,
                                 actor=actor, expected_version=expected_version)  # fmt: skip

    def remove_membership(self, membership_id: str, *, actor: User,
                          expected_version: int) -> None:  # fmt: skip
        with self.store.session() as s:
            self._remove_in(s, Membership, membership_id, actor=actor,
                            expected_version=expected_version)  # fmt: skip

    # -- cooperations ----------------------------------------------------------------------
    def add_cooperation(self, organization_id: str, partner_id: str, *, actor: User,
                        kind: str = "kooperation", description: str | None = None,
                        source_url: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Record that two organizations work together (undirected; stored once)."""
        with self.store.session() as s:
            return self._add_cooperation_in(s, organization_id, partner_id, actor=actor,
                                            kind=kind, description=description,
                                            source_url=source_url)  # fmt: skip

    def _add_cooperation_in(self, s: Session, organization_id: str, partner_id: str, *,
                            actor: User, kind: str = "kooperation",
                            description: str | None = None,
                            source_url: str | None = None) -> dict[str, Any]:  # fmt: skip
        values = {"kind": kind, "description": _clean_text(description),
                  "source_url": _clean_text(source_url)}  # fmt: skip
        problems = check_cooperation(values)
        names = {}
        for field, oid in (("organization_id", organization_id), ("partner_id", partner_id)):
            org = s.get(Organization, oid) if oid else None
            if org is None or org.retired_at is not None:
                problems.append(_problem(field, "unknown_organization",
                                         f"Träger „{oid}“ gibt es nicht.", value=str(oid)))
            else:
                names[field] = org.name
        if organization_id and organization_id == partner_id:
            problems.append(_problem("partner_id", "link_self",
                                     "Eine Organisation kann nicht mit sich selbst kooperieren.",
                                     value=names.get("partner_id", "")))  # fmt: skip
        if problems:
            raise ValidationFailed(problems)
        if not self._coop_allowed(s, actor, organization_id, partner_id):
            raise PermissionDenied(f"{actor.username} may not link these organizations")
        if self._find_cooperation(s, organization_id, partner_id) is not None:
            raise ValidationFailed([_problem("partner_id", "link_duplicate",
                                             "Diese Verbindung ist schon eingetragen.",
                                             value=names["partner_id"])])  # fmt: skip
        row = Cooperation(id=new_id(), organization_id=organization_id, partner_id=partner_id,
                          **values)  # fmt: skip
        self.store.add(row, actor=actor.username, session=s)
        return snapshot(row)

    @staticmethod
    def _find_cooperation(s: Session, a: str, b: str) -> Cooperation | None:
        return s.scalars(select(Cooperation).where(or_(
            and_(Cooperation.organization_id == a, Cooperation.partner_id == b),
            and_(Cooperation.organization_id == b, Cooperation.partner_id == a)))).first()

    def edit_cooperation(self, cooperation_id: str, changes: Mapping[str, Any], *, actor: User,
                         expected_version: int) -> dict[str, Any]:  # fmt: skip
        with self.store.session() as s:
            return self._edit_in(s, Cooperation, cooperation_id, changes, COOPERATION_FIELDS,
                                 actor=actor, expected_version=expected_version)  # fmt: skip

    def remove_cooperation(self, cooperation_id: str, *, actor: User,
                           expected_version: int) -> None:  # fmt: skip
        with self.store.session() as s:
            self._remove_in(s, Cooperation, cooperation_id, actor=actor,
                            expected_version=expected_version)  # fmt: skip

    # -- shared ----------------------------------------------------------------------------
    def _require_link(self, s: Session, actor: User, record: Any) -> None:
        if isinstance(record, Membership):
            allowed = self.may_edit_network(actor, record.network_id)
        else:
            allowed = self._coop_allowed(s, actor, record.organization_id, record.partner_id)
        if not allowed:
            raise PermissionDenied(f"{actor.username} may not change {record.__tablename__} "
                                   f"{record.id}")  # fmt: skip

    def _locked(self, s: Session, model: type, record_id: str, actor: User,
                expected_version: int, attempted: Mapping[str, Any]) -> Any:  # fmt: skip
        record = s.get(model, record_id, with_for_update=True)
        if record is None:
            raise NotFoundError(f"{model.__tablename__} {record_id} not found")
        self._require_link(s, actor, record)
        if record.version != expected_version:
            stored = snapshot(record)
            raise EditConflict(model.__tablename__, record_id, stored=stored,
                               attempted=stored | dict(attempted),
                               stored_version=record.version,
                               attempted_version=expected_version)  # fmt: skip
        return record

    def _edit_in(self, s: Session, model: type, record_id: str, changes: Mapping[str, Any],
                 allowed: tuple[str, ...], *, actor: User,
                 expected_version: int) -> dict[str, Any]:  # fmt: skip
        unknown = set(changes) - set(allowed)
        if unknown:
            field = sorted(unknown)[0]
            raise ValidationFailed([_problem(field, "link_not_editable",
                                             f"Das Feld „{field}“ kann nicht geändert werden.",
                                             value=field)])  # fmt: skip
        clean = {k: (_clean_text(v) if k in ("note", "description", "source_url") else v)
                 for k, v in changes.items()}  # fmt: skip
        record = self._locked(s, model, record_id, actor, expected_version, clean)
        state = snapshot(record, allowed) | clean
        problems = (check_membership if model is Membership else check_cooperation)(state)
        problems = [p for p in problems if p.field in clean]
        if problems:
            raise ValidationFailed(problems)
        changed = [k for k in allowed if k in clean and getattr(record, k) != clean[k]]
        if not changed:
            return snapshot(record)
        before = snapshot(record, changed)
        for key in changed:
            setattr(record, key, clean[key])
        record.updated_by, record.updated_at = actor.username, utcnow()
        s.flush()
        s.add(AuditLog(**audit_row(model.__tablename__, record.id, "update", actor.username,
                                   before, snapshot(record, changed))))  # fmt: skip
        s.flush()
        return snapshot(record)

    def _remove_in(self, s: Session, model: type, record_id: str, *, actor: User,
                   expected_version: int) -> None:  # fmt: skip
        record = self._locked(s, model, record_id, actor, expected_version, {})
        s.add(AuditLog(**audit_row(model.__tablename__, record.id, "delete", actor.username,
                                   snapshot(record), None)))  # fmt: skip
        s.delete(record)
        s.flush()
