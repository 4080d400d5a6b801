"""ORM models of the directory, aligned with Open Referral HSDS 3.0.

HSDS field names are kept where HSDS has the concept (``name``, ``description``, ``website``,
``email``, ``url``, ``status``, ``fees_description``, ``assured_date``, ``address_1``,
``postal_code``, ``city``, ``latitude``, ``longitude``, ``number``, ...). Extensions (allowed
by HSDS) carry what the atlas needs on top: offer ``kind``, ``fields`` of action, geocode
precision, derived district, verification state, demo flag, soft delete.

Simplifications against HSDS, on purpose:

* ``address`` is folded into ``location`` (one physical address per location);
* ``language`` / ``schedule`` / ``accessibility`` / ``attribute`` are JSON or plain columns on
  ``service`` / ``location`` instead of separate tables (the atlas never queries them alone);
  HSDS export can unfold them later.

Every main record has a stable UUID string ``id`` (seeded rows: :func:`directory.ids.stable_id`),
an optimistic-locking ``version`` (SQLAlchemy ``version_id_col``) and created/updated by+at.
Only portable column types are used, so the same models run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, synonym

#: Increment when the models change; :meth:`directory.store.Store.create_schema` records it.
SCHEMA_VERSION = 4  # 2: retired_at on organization and location; 3: link notes and sources;
# 4: district_status, service source_kind / source_excerpt / editorial_note

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")  # HSDS enum
VERIFICATION_STATES = ("unverified", "verified")
GEOCODE_PRECISIONS = ("address", "postcode", "place")
#: how sure a location's district is: derived and clear of any border, derived within 2 km of
#: another district (the generalised outlines may be wrong there), or set by a coordinator
#: because it was uncertain (see geo.gazetteer)
DISTRICT_STATUSES = ("certain", "uncertain", "manual")
#: what kind of page a seeded offer's source is (data/offices.csv ``quelle_art``)
SOURCE_KINDS = ("organisation", "behoerde", "presse", "verzeichnis", "sonstige")
ACCESSIBILITY_VALUES = ("yes", "no", "unknown")
NETWORK_STATUSES = ("verified", "inferred", "unknown")
#: membership: stated by a source or the network's coordinator | inferred (e.g. meeting
#: participation) | unknown
MEMBERSHIP_STATUSES = ("verified", "inferred", "unknown")
#: role of a member in its network
MEMBERSHIP_ROLES = ("member", "lead")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetime on every backend (SQLite drops the offset; we store UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict] = {
        dt.datetime: UTCDateTime(),
        dt.date: Date(),
        str: String(),
        float: Float(),
        bool: Boolean(),
        int: Integer(),
    }


class Record:
    """Columns every main record carries (id, optimistic lock, who/when)."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(120))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


class Organization(Record, Base):
    """HSDS ``organization``: operator / association / self-organisation / public body."""

    __tablename__ = "organization"

    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(200))
    #: "kommune" | "selbstorganisation" | None (unknown); extension.
    kind: Mapped[str | None] = mapped_column(String(40))
    is_demo: Mapped[bool] = mapped_column(default=False)
    #: soft delete: a retired organization's offers are not shown.
    retired_at: Mapped[dt.datetime | None]


class Service(Record, Base):
    """HSDS ``service``: one offer of an organization."""

    __tablename__ = "service"
    __table_args__ = (Index("ix_service_demo_retired", "is_demo", "retired_at"),)

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    #: offer kind id (directory.taxonomy.KIND_IDS); extension.
    kind: Mapped[str] = mapped_column(String(40))
    #: field-of-action ids (directory.taxonomy.FIELD_IDS); extension (HSDS: attribute).
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: target group ids (directory.taxonomy.TARGET_GROUP_IDS); extension.
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ISO 639-1 codes the offer is delivered in (HSDS: language.code).
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    fees_description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    #: date of the source, as written there (may be "2018", "Stand Mai 2024", ...).
    source_date: Mapped[str | None] = mapped_column(String(200))
    #: kind of source page (SOURCE_KINDS) and its verbatim excerpt: kept with the source
    #: record, never shown publicly nor used as the description
    source_kind: Mapped[str | None] = mapped_column(String(20))
    source_excerpt: Mapped[str | None] = mapped_column(Text)
    #: editorial note (German), e.g. what the source leaves open; never part of a name
    editorial_note: Mapped[str | None] = mapped_column(Text)
    #: HSDS: date the information was last checked.
    assured_date: Mapped[dt.date | None]
    verification: Mapped[str] = mapped_column(String(20), default="unverified")
    is_demo: Mapped[bool] = mapped_column(default=False)
    #: soft delete: retired records stay for history but are not shown.
    retired_at: Mapped[dt.datetime | None]


class Location(Record, Base):
    """HSDS ``location`` with its physical ``address`` folded in."""

    __tablename__ = "location"

    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    address_1: Mapped[str | None] = mapped_column(String(300))
    street = synonym("address_1")
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    #: "address" | "postcode" | "place" | None (not on the map)
    geocode_precision: Mapped[str | None] = mapped_column(String(20))
    #: why a location is not (or only coarsely) placed on the map
    geocode_note: Mapped[str | None] = mapped_column(Text)
    #: Kreis AGS (5 digits), derived from the coordinates; typed in only when uncertain
    district_ags: Mapped[str | None] = mapped_column(String(8), index=True)
    #: DISTRICT_STATUSES or None (no district / not yet placed by this version)
    district_status: Mapped[str | None] = mapped_column(String(12))
    accessibility: Mapped[str] = mapped_column(String(10), default="unknown")
    accessibility_note: Mapped[str | None] = mapped_column(Text)
    #: {"slots": [{"weekday": 0-6, "opens": "HH:MM", "closes": "HH:MM"}],
    #:  "by_appointment": bool, "note": str | None}  or None (unknown)
    opening_hours: Mapped[dict | None] = mapped_column(JSON)
    is_demo: Mapped[bool] = mapped_column(default=False)
    #: soft delete: a retired (closed) office is not shown with its offers.
    retired_at: Mapped[dt.datetime | None]


class ServiceAtLocation(Record, Base):
    """HSDS ``service_at_location``: the offer × office link."""

    __tablename__ = "service_at_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)

    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id"), index=True)


class Phone(Record, Base):
    """HSDS ``phone``; linked to a service, a location or an organization."""

    __tablename__ = "phone"

    number: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[str | None] = mapped_column(ForeignKey("location.id"), index=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"), index=True)
    type: Mapped[str | None] = mapped_column(String(20))  # RFC 6350: voice, fax, ...
    description: Mapped[str | None] = mapped_column(Text)


class RegionalNetwork(Record, Base):
    """KMN Regionalverbund; mirrored from ``data/regional_networks.yaml`` (id = yaml slug)."""

    __tablename__ = "regional_network"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    #: "verified" | "inferred" | "unknown"
    status: Mapped[str] = mapped_column(String(20), default="unknown")


class Membership(Record, Base):
    """Organization ↔ regional network."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organization_id", "network_id"),)

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    network_id: Mapped[str] = mapped_column(ForeignKey("regional_network.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="unknown")
    #: "member" | "lead" (Federführung); schema 3
    role: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(1000))


class NetworkAssignment(Record, Base):
    """District (Kreis AGS) → regional network; coordinators may change it (audited)."""

    __tablename__ = "network_assignment"

    district_ags: Mapped[str] = mapped_column(String(8), unique=True)
    network_id: Mapped[str | None] = mapped_column(ForeignKey("regional_network.id"))
    status: Mapped[str] = mapped_column(String(20), default="inferred")
    note: Mapped[str | None] = mapped_column(Text)


class Cooperation(Record, Base):
    """Organization ↔ organization (e.g. "Kooperation", "Träger von")."""

    __tablename__ = "cooperation"

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    kind: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(1000))  # schema 3


class AuditLog(Base):
    """One row per insert/update/retire made through the store (HSDS ``metadata``, per record)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))  # insert | update | retire | bulk_insert ...
    actor: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


# --- accounts (package "accounts": directory/accounts.py) ---------------------------------
class Account(Record, Base):
    """A login of the maintenance page (see :mod:`directory.accounts`).

    Accounts live in the store, not in a per-replica file, so every app replica on one
    PostgreSQL sees the same accounts and their history. Every change is written to
    ``audit_log`` (``table_name = "account"``) without the password hash.
    """

    __tablename__ = "account"

    username: Mapped[str] = mapped_column(String(40), unique=True)
    #: "admin" | "coordinator" | "viewer"
    role: Mapped[str] = mapped_column(String(20))
    #: regional-network ids a coordinator edits
    networks: Mapped[list[str]] = mapped_column(JSON, default=list)
    display_name: Mapped[str | None] = mapped_column(String(200))
    #: verified OIDC e-mail address mapped to this account (compared case-insensitively)
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    #: argon2id hash; None: no password login (e.g. OIDC only)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    #: the password was set by an admin: the user must choose a new one at the next login
    must_change_password: Mapped[bool] = mapped_column(default=False)
    disabled_at: Mapped[dt.datetime | None]
    #: raised on password change/reset and disabling: sessions of an older epoch end
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)


# --- end accounts -----------------------------------------------------------------------


class SchemaVersion(Base):
    """Applied schema versions (see :meth:`directory.store.Store.create_schema`)."""

    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    applied_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


#: main record types, in insert (foreign key) order
RECORD_TYPES: tuple[type[Base], ...] = (
    Organization,
    RegionalNetwork,
    Service,
    Location,
    ServiceAtLocation,
    Phone,
    Membership,
    NetworkAssignment,
    Cooperation,
)
