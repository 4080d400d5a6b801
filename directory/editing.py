"""Maintaining the directory: create, edit, retire/restore, confirm, history, restore a version.

A pure domain service (no Streamlit); the ``daten`` page and tests drive it. Everything goes
through :class:`Editor`:

* **one transaction per operation** — a refused operation (permission, stale version,
  validation) writes nothing at all;
* **optimistic locking** — every write takes the ``expected_version`` the editor loaded; when
  the stored record has moved on, :class:`EditConflict` carries *both* versions (the stored
  one and the attempted one) and nothing is overwritten;
* **validation** — field-level :class:`FieldProblem` s (from :mod:`directory.validate` when
  present); errors in the fields being changed refuse the write (:class:`ValidationFailed`),
  pre-existing problems in untouched fields never block an unrelated edit;
* **placement** — a location given only a postcode and/or place gets coordinates, precision
  (``postcode``/``place``) and district from the gazetteer (:func:`directory.seed.place_row`);
  typed coordinates count as precision ``address``;
* **permissions** — admin: everything; coordinator: records located in districts assigned
  (``NetworkAssignment``) to one of their networks, plus the assignment of those districts;
  viewer: nothing;
* **history** — every write leaves an ``AuditLog`` row (who, when, before → after);
  :meth:`Editor.restore_version` brings an earlier state back as a *new* audited change.

Offers carry a virtual field ``phone`` (the first :class:`~directory.model.Phone` of the
service); changing it bumps the service's version, so the lock covers it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Date, func, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from directory.auth import User
from directory.model import (
    GEOCODE_PRECISIONS,
    SERVICE_STATUSES,
    VERIFICATION_STATES,
    AuditLog,
    Base,
    Location,
    NetworkAssignment,
    Organization,
    Phone,
    RegionalNetwork,
    Service,
    ServiceAtLocation,
    UTCDateTime,
    new_id,
    utcnow,
)
from directory.store import ConflictError, NotFoundError, Store, audit_row, snapshot
from directory.taxonomy import FIELD_IDS, KIND_IDS, LANGUAGE_CODES, TARGET_GROUP_IDS
from directory.validate import (
    ISO_639_1,
    GeoContext,
    Problem,
    check_date,
    check_hours,
    check_number,
    check_offer,
    problem,
    split_list,
)

#: an offer not confirmed for this many days counts as stale
STALE_AFTER_DAYS = 365

TABLES: dict[str, type[Base]] = {
    "service": Service,
    "organization": Organization,
    "location": Location,
}
ORG_KINDS = ("kommune", "selbstorganisation")
ACCESSIBILITY = ("yes", "no", "unknown")
#: derived location columns: set by placement, never typed in
DERIVED = ("geocode_precision", "geocode_note", "district_ags")


# -- field specs (drive the forms and the coercion) --------------------------------------------
@dataclass(frozen=True)
class FieldSpec:
    """One editable field: ``type`` is text|longtext|choice|multi|date|float|hours|ref."""

    name: str
    type: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False


FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "organization": (
        FieldSpec("name", required=True),
        FieldSpec("kind", "choice", ("", *ORG_KINDS)),
        FieldSpec("website"),
        FieldSpec("email"),
        FieldSpec("description", "longtext"),
    ),
    "service": (
        FieldSpec("name", required=True),
        FieldSpec("organization_id", "ref", required=True),
        FieldSpec("kind", "choice", KIND_IDS, required=True),
        FieldSpec("fields", "multi", FIELD_IDS),
        FieldSpec("target_groups", "multi", TARGET_GROUP_IDS),
        FieldSpec("languages", "multi", LANGUAGE_CODES),
        FieldSpec("status", "choice", SERVICE_STATUSES),
        FieldSpec("phone"),
        FieldSpec("url"),
        FieldSpec("email"),
        FieldSpec("fees_description"),
        FieldSpec("source_url"),
        FieldSpec("source_date"),
        FieldSpec("assured_date", "date"),
        FieldSpec("verification", "choice", VERIFICATION_STATES),
        FieldSpec("description", "longtext"),
    ),
    "location": (
        FieldSpec("name"),
        FieldSpec("organization_id", "ref"),
        FieldSpec("address_1"),
        FieldSpec("postal_code"),
        FieldSpec("city"),
        FieldSpec("latitude", "float"),
        FieldSpec("longitude", "float"),
        FieldSpec("accessibility", "choice", ACCESSIBILITY),
        FieldSpec("accessibility_note"),
        FieldSpec("opening_hours", "hours"),
    ),
}
VIRTUAL = {"service": ("phone",)}


def editable(table: str) -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS[table])


# -- results and errors ------------------------------------------------------------------------
#: a field-level problem (``field``, ``code``, ``severity``, ``message_de``, ``params``)
FieldProblem = Problem


class EditError(RuntimeError):
    """Base of the refusals below; nothing was written."""


class PermissionDenied(EditError):
    """The user may not do this to this record."""


class NotSupported(EditError):
    """The operation does not exist for this kind of record."""


class ValidationFailed(EditError):
    """Field-level errors; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message_de}" for p in problems))


class EditConflict(EditError, ConflictError):
    """Someone saved the record since it was loaded. Carries both versions; nothing written."""

    def __init__(
        self,
        table: str,
        record_id: str,
        *,
        stored: dict[str, Any],
        attempted: dict[str, Any],
        stored_version: int,
        attempted_version: int,
    ) -> None:
        self.table, self.record_id = table, record_id
        self.stored, self.attempted = stored, attempted
        self.stored_version, self.attempted_version = stored_version, attempted_version
        super().__init__(
            f"{table} {record_id}: stored version {stored_version}, "
            f"edited version {attempted_version}"
        )

    def differences(self) -> list[tuple[str, Any, Any]]:
        """``(field, stored, attempted)`` for every editable field that differs."""
        keys = editable(self.table) if self.table in FIELDS else tuple(self.attempted)
        return [
            (k, self.stored.get(k), self.attempted.get(k))
            for k in keys
            if self.stored.get(k) != self.attempted.get(k)
        ]


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    """One audited change of a record."""

    audit_id: int
    at: dt.datetime
    actor: str | None
    action: str
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)


# -- coercion and validation -------------------------------------------------------------------
def _column_types(model: type[Base]) -> dict[str, Any]:
    return {c.key: c.columns[0].type for c in inspect(model).column_attrs}


def from_json(model: type[Base], key: str, value: Any) -> Any:
    """A snapshot (JSON) value back to the column's Python type (dates, datetimes)."""
    kind = _column_types(model).get(key)
    if isinstance(value, str) and isinstance(kind, UTCDateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(value, str) and isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    return value


def _jsonish(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _same(stored: Any, new: Any) -> bool:
    """Equal for editing purposes: stored text equals its stripped form, floats to 1e-7."""
    if isinstance(stored, str) and isinstance(new, str):
        return stored.strip() == new
    if isinstance(stored, float) and isinstance(new, float):
        return abs(stored - new) < 1e-7
    return stored == new


def coerce(table: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise form values: strip text, ``""`` → None, parse dates/numbers/lists/hours."""
    specs = {f.name: f for f in FIELDS[table]}
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in values.items():
        spec = specs.get(key)
        if spec is None:
            raise ValueError(f"{table}.{key} is not editable")
        if isinstance(value, str):
            value = value.strip() or None
        found: list[Problem] = []
        if spec.type == "multi":
            value = list(split_list(value) or [])
        elif spec.type == "date":
            value, found = check_date(key, value)
        elif spec.type == "float":
            value, found = check_number(key, value)
        elif spec.type == "hours":
            value, found = check_hours(value)
        problems += [p for p in found if p.is_error]
        out[key] = value
    return out, problems


def _problem(field_name: str, code: str, message_de: str, **params: Any) -> Problem:
    return Problem(field_name, code, "error", message_de, params)


def _own_problems(table: str, values: Mapping[str, Any]) -> list[Problem]:
    """Required fields and closed choices of this table (the flat-row check knows neither)."""
    out: list[Problem] = []
    for name, allowed, code in (
        ("languages", ISO_639_1, "bad_language"),
        ("fields", FIELD_IDS, "bad_field"),
        ("target_groups", TARGET_GROUP_IDS, "bad_target_group"),
    ):
        if table != "service":
            break
        for item in values.get(name) or ():  # stored values are exact ids / ISO codes
            if item not in allowed:
                out.append(problem(name, code, value=str(item)[:80]))
                break
    for spec in FIELDS[table]:
        value = values.get(spec.name)
        if spec.required and value in (None, "", []):
            out.append(problem(spec.name, "required"))
        elif spec.type == "choice" and value not in (None, "") and value not in spec.choices:
            allowed = ", ".join(c for c in spec.choices if c)
            out.append(
                _problem(
                    spec.name,
                    "bad_choice",
                    f"Unzulässiger Wert „{value}“ (erlaubt: {allowed}).",
                    value=str(value)[:40],
                    allowed=allowed,
                )
            )
    return out


#: flat-row column → column of this table (``None``: not this table's)
_FLAT_FIELDS: dict[str, dict[str, str]] = {
    "organization": {
        "name": "name",
        "organization": "name",
        "website": "website",
        "email": "email",
        "description": "description",
    },
    "service": {
        "name": "name",
        "kind": "kind",
        "fields": "fields",
        "target_groups": "target_groups",
        "languages": "languages",
        "phone": "phone",
        "email": "email",
        "website": "url",
        "status": "status",
        "source_url": "source_url",
        "source_date": "source_date",
        "assured_date": "assured_date",
        "verification": "verification",
        "description": "description",
        "organization_id": "organization_id",
    },
    "location": {
        "name": "name",
        "street": "address_1",
        "postal_code": "postal_code",
        "city": "city",
        "latitude": "latitude",
        "longitude": "longitude",
        "precision": "geocode_precision",
        "district_ags": "district_ags",
        "geocode_note": "geocode_note",
        "opening_hours": "opening_hours",
        "accessibility": "accessibility",
        "accessibility_note": "accessibility_note",
        "organization_id": "organization_id",
    },
}
#: neutral stand-ins for required flat columns that belong to another table
_STAND_INS = {"name": "-", "organization": "-", "kind": "projekt"}


def flat_row(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The flat offer row (:mod:`directory.io.columns`) for one record's values."""
    flat: dict[str, Any] = dict(_STAND_INS)
    for flat_key, column in _FLAT_FIELDS[table].items():
        value = values.get(column)
        if flat_key == "kind" and value not in KIND_IDS:
            continue  # closed list, checked by _own_problems (no free-text classification)
        if value is not None or flat_key not in _STAND_INS:
            flat[flat_key] = _jsonish(value)
    return flat


def validate(table: str, values: Mapping[str, Any], geo: GeoContext | None = None) -> list[Problem]:
    """All problems of one record state, with ``field`` = this table's column name."""
    problems = _own_problems(table, values)
    seen = {(p.field, p.code) for p in problems}
    mapping = _FLAT_FIELDS[table]
    _, found = check_offer(flat_row(table, values), geo, use_default_geo=False)
    for p in found:
        column = mapping.get(p.field)
        if column is None or (column, p.code) in seen:
            continue
        if p.code == "required" and values.get(column) in (None, ""):
            continue  # stand-in of another table, or optional here (required ones: above)
        problems.append(replace(p, field=column) if column != p.field else p)
    return problems


# -- the editor --------------------------------------------------------------------------------
class Editor:
    """The editing service over one store (see module doc).

    ``gazetteer`` places locations (default: :meth:`directory.seed.Gazetteer.default`, loaded
    lazily; without one, locations given only postcode/place stay off the map with a note).
    ``today`` is injectable for tests.
    """

    def __init__(
        self,
        store: Store,
        *,
        gazetteer: Any = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.store = store
        self._gazetteer = gazetteer
        self.today = today

    # -- gazetteer / placement -------------------------------------------------------------
    def gazetteer(self) -> Any:
        if self._gazetteer is None:
            try:
                from directory.seed import Gazetteer

                self._gazetteer = Gazetteer.default()
            except (ImportError, OSError, AttributeError, KeyError, ValueError):
                self._gazetteer = False
        return self._gazetteer or None

    def _place(self, state: dict[str, Any], changed: set[str], creating: bool) -> None:
        """Fill coordinates/precision/note/district in ``state`` (see module doc)."""
        gaz = self.gazetteer()
        lat, lon = state.get("latitude"), state.get("longitude")
        coords_typed = bool({"latitude", "longitude"} & changed)
        address_changed = creating or bool({"postal_code", "city"} & changed)
        if coords_typed and (lat is None) != (lon is None):
            return  # incomplete pair: validation reports it
        if coords_typed and lat is not None and lon is not None:
            district = gaz.district_of(lon, lat) if gaz else state.get("district_ags")
            state.update(geocode_precision="address", geocode_note=None, district_ags=district)
        elif coords_typed or address_changed:
            if gaz is None:
                state.update(
                    latitude=None,
                    longitude=None,
                    geocode_precision=None,
                    geocode_note="Ortsdaten nicht verfügbar",
                )
                return
            from directory.seed import place_row

            placed = place_row(state.get("postal_code"), state.get("city"), gaz)
            state.update(
                latitude=placed.latitude,
                longitude=placed.longitude,
                geocode_precision=placed.precision,
                geocode_note=placed.note,
                district_ags=placed.district_ags,
            )
        if state.get("geocode_precision") not in (None, *GEOCODE_PRECISIONS):
            state["geocode_precision"] = None

    # -- permissions -----------------------------------------------------------------------
    def _networks_of(self, s: Session, districts: Iterable[str | None]) -> set[str]:
        ags = {d for d in districts if d}
        if not ags:
            return set()
        rows = s.execute(
            select(NetworkAssignment.network_id).where(NetworkAssignment.district_ags.in_(ags))
        ).scalars()
        return {n for n in rows if n}

    def _districts(self, s: Session, table: str, record_id: str) -> set[str | None]:
        if table == "location":
            return {s.scalar(select(Location.district_ags).where(Location.id == record_id))}
        if table == "service":
            stmt = (
                select(Location.district_ags)
                .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
                .where(ServiceAtLocation.service_id == record_id)
            )
            return set(s.scalars(stmt))
        own = set(
            s.scalars(select(Location.district_ags).where(Location.organization_id == record_id))
        )
        via = (
            select(Location.district_ags)
            .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
            .join(Service, Service.id == ServiceAtLocation.service_id)
            .where(Service.organization_id == record_id)
        )
        return own | set(s.scalars(via))

    def _may(self, s: Session, user: User, table: str, record: Any) -> bool:
        if user.role == "admin":
            return True
        if user.role != "coordinator":
            return False
        districts = self._districts(s, table, record.id)
        if table == "organization" and not {d for d in districts if d}:
            return record.created_by == user.username  # not located yet: its creator
        return bool(self._networks_of(s, districts) & set(user.networks))

    def _require(self, s: Session, user: User, table: str, record: Any) -> None:
        if not self._may(s, user, table, record):
            raise PermissionDenied(f"{user.username} may not change {table} {record.id}")

    def _require_district(self, s: Session, user: User, district: str | None) -> None:
        if user.role == "admin":
            return
        if user.role != "coordinator" or not (
            self._networks_of(s, [district]) & set(user.networks)
        ):
            raise PermissionDenied(f"{user.username} may not place records in {district}")

    def may_place(self, user: User | None, district_ags: str | None) -> bool:
        """Whether ``user`` may have records located in ``district_ags`` (imports, UI)."""
        if user is None:
            return False
        with self.store.session() as s:
            try:
                self._require_district(s, user, district_ags)
            except PermissionDenied:
                return False
        return True

    def can_edit(self, user: User | None, table: str, record_id: str) -> bool:
        """Whether ``user`` may change this record (for the UI; writes check again)."""
        if user is None:
            return False
        with self.store.session() as s:
            record = s.get(TABLES[table], record_id)
            return record is not None and self._may(s, user, table, record)

    # -- reads -----------------------------------------------------------------------------
    def _state(self, s: Session, table: str, record: Any) -> dict[str, Any]:
        state = snapshot(record)
        if table == "service":
            phone = self._phone(s, record.id)
            state["phone"] = phone.number if phone else None
        return state

    def _phone(self, s: Session, service_id: str) -> Phone | None:
        stmt = (
            select(Phone)
            .where(Phone.service_id == service_id)
            .order_by(Phone.created_at, Phone.id)
            .limit(1)
        )
        return s.scalars(stmt).first()

    def load(self, table: str, record_id: str) -> dict[str, Any]:
        """The stored state of a record (JSON-able, incl. ``version`` and virtual fields)."""
        with self.store.session() as s:
            record = s.get(TABLES[table], record_id)
            if record is None:
                raise NotFoundError(f"{table} {record_id} not found")
            return self._state(s, table, record)

    # -- writes ----------------------------------------------------------------------------
    def geo(self) -> GeoContext | None:
        """Validation context (postcodes, Land area) from the gazetteer, built once."""
        if getattr(self, "_geo", None) is None and self.gazetteer() is not None:
            self._geo = GeoContext(self.gazetteer())
        return getattr(self, "_geo", None)

    def _check(
        self, table: str, state: Mapping[str, Any], touched: set[str] | None, s: Session
    ) -> None:
        problems = [p for p in validate(table, state, self.geo()) if p.is_error]
        org_id = state.get("organization_id")
        known = not org_id or s.get(Organization, org_id) is not None
        if not known and not any(p.field == "organization_id" for p in problems):
            problems.append(
                _problem(
                    "organization_id",
                    "unknown_organization",
                    f"Träger „{org_id}“ gibt es nicht.",
                    value=org_id,
                )
            )
        if touched is not None:  # edits: only problems in the fields being changed
            problems = [p for p in problems if p.field in touched]
        if problems:
            raise ValidationFailed(problems)

    def create(
        self, table: str, values: Mapping[str, Any], *, actor: User, location_id: str | None = None
    ) -> dict[str, Any]:
        """Create a record; a service must be linked to a location (``location_id``)."""
        if actor.role not in ("admin", "coordinator"):
            raise PermissionDenied(f"{actor.username} may not create records")
        model = TABLES[table]
        clean, problems = coerce(table, values)
        if problems:
            raise ValidationFailed(problems)
        state: dict[str, Any] = {f: None for f in editable(table)} | clean
        if table == "service":
            state["status"] = state["status"] or "active"
            state["verification"] = state.get("verification") or "unverified"
            for key in ("fields", "target_groups", "languages"):
                state[key] = state.get(key) or []
        if table == "location":
            state["accessibility"] = state.get("accessibility") or "unknown"
            self._place(state, set(clean), creating=True)
        with self.store.session() as s:
            if table == "location":
                self._require_district(s, actor, state.get("district_ags"))
            if table == "service":
                location = s.get(Location, location_id) if location_id else None
                if location is None:
                    raise ValidationFailed(
                        [
                            _problem(
                                "location_id",
                                "location_required",
                                "Ein Angebot braucht einen Standort.",
                            )
                        ]
                    )
                self._require(s, actor, "location", location)
            self._check(table, state, None, s)
            phone = state.pop("phone", None)
            record = model(
                id=new_id(), **{k: v for k, v in state.items() if k not in VIRTUAL.get(table, ())}
            )
            extra: list[Base] = []
            if table == "service":
                extra.append(
                    ServiceAtLocation(id=new_id(), service_id=record.id, location_id=location_id)
                )
                if phone:
                    extra.append(
                        Phone(id=new_id(), number=phone, service_id=record.id, type="voice")
                    )
            self.store.add(record, *extra, actor=actor.username, session=s)
            return self._state(s, table, record)

    def edit(
        self,
        table: str,
        record_id: str,
        changes: Mapping[str, Any],
        *,
        actor: User,
        expected_version: int,
        action: str = "update",
    ) -> dict[str, Any]:
        """Change fields of a record (see module doc); returns the new stored state."""
        clean, problems = coerce(table, changes)
        return self._write(
            table,
            record_id,
            clean,
            problems,
            actor=actor,
            expected_version=expected_version,
            action=action,
        )

    def _write(
        self,
        table: str,
        record_id: str,
        clean: dict[str, Any],
        problems: list[FieldProblem],
        *,
        actor: User,
        expected_version: int,
        action: str,
        place: bool = True,
    ) -> dict[str, Any]:
        model = TABLES[table]
        try:
            with self.store.session() as s:
                record = s.get(model, record_id, with_for_update=True)
                if record is None:
                    raise NotFoundError(f"{table} {record_id} not found")
                self._require(s, actor, table, record)
                stored = self._state(s, table, record)
                if record.version != expected_version:
                    attempted = stored | {k: _jsonish(v) for k, v in clean.items()}
                    attempted["version"] = expected_version
                    raise EditConflict(
                        table,
                        record_id,
                        stored=stored,
                        attempted=attempted,
                        stored_version=record.version,
                        attempted_version=expected_version,
                    )
                if problems:
                    raise ValidationFailed(problems)
                current = {k: from_json(model, k, v) for k, v in stored.items()}
                changed = {k for k, v in clean.items() if not _same(current.get(k), v)}
                state = current | {k: clean[k] for k in changed}
                if table == "location" and place:
                    self._place(state, changed, creating=False)
                    if state.get("district_ags") != current.get("district_ags"):
                        self._require_district(s, actor, state.get("district_ags"))
                self._check(table, state, changed, s)
                changed = {k for k in state if k in current and state[k] != current[k]}
                if not changed:
                    return stored
                self._apply(s, table, record, current, state, changed, actor, action)
                return self._state(s, table, record)
        except StaleDataError as exc:  # a concurrent writer won between read and flush
            raise EditConflict(
                table,
                record_id,
                stored={},
                attempted=clean,
                stored_version=-1,
                attempted_version=expected_version,
            ) from exc

    def _apply(
        self,
        s: Session,
        table: str,
        record: Any,
        current: dict,
        state: dict,
        changed: set[str],
        actor: User,
        action: str,
    ) -> None:
        if "phone" in changed:
            phone = self._phone(s, record.id)
            if phone is not None and state["phone"]:
                before = snapshot(phone, ["number"])
                phone.number, phone.updated_by = state["phone"], actor.username
                s.add(
                    AuditLog(
                        **audit_row(
                            "phone",
                            phone.id,
                            "update",
                            actor.username,
                            before,
                            {"number": phone.number},
                        )
                    )
                )
            elif phone is not None:
                s.add(
                    AuditLog(
                        **audit_row(
                            "phone", phone.id, "delete", actor.username, snapshot(phone), None
                        )
                    )
                )
                s.delete(phone)
            else:
                self.store.add(
                    Phone(id=new_id(), number=state["phone"], service_id=record.id, type="voice"),
                    actor=actor.username,
                    session=s,
                )
        # set the record's columns only now: the phone queries above autoflush
        for key in sorted(changed - set(VIRTUAL.get(table, ()))):
            setattr(record, key, state[key])
        record.updated_by = actor.username
        record.updated_at = utcnow()  # bumps the version even for a phone-only change
        s.flush()
        keys = sorted(changed)
        s.add(
            AuditLog(
                **audit_row(
                    table,
                    str(record.id),
                    action,
                    actor.username,
                    {k: current[k] for k in keys},
                    {k: state[k] for k in keys},
                )
            )
        )
        s.flush()

    def confirm_still_correct(
        self, service_id: str, *, actor: User, expected_version: int
    ) -> dict[str, Any]:
        """ "Still correct": ``assured_date`` = today, ``verification`` = verified."""
        return self.edit(
            "service",
            service_id,
            {"assured_date": self.today(), "verification": "verified"},
            actor=actor,
            expected_version=expected_version,
            action="confirm",
        )

    def _retired_column(self, table: str) -> None:
        if "retired_at" not in _column_types(TABLES[table]):
            raise NotSupported(f"{table} records cannot be retired (no retired_at column)")

    def retire(
        self, table: str, record_id: str, *, actor: User, expected_version: int
    ) -> dict[str, Any]:
        """Soft delete: the record stays (with history) but is no longer shown."""
        self._retired_column(table)
        return self._set_retired(table, record_id, utcnow(), actor, expected_version, "retire")

    def restore(
        self, table: str, record_id: str, *, actor: User, expected_version: int
    ) -> dict[str, Any]:
        """Undo a soft delete."""
        self._retired_column(table)
        return self._set_retired(table, record_id, None, actor, expected_version, "unretire")

    def _set_retired(
        self,
        table: str,
        record_id: str,
        value: Any,
        actor: User,
        expected_version: int,
        action: str,
    ) -> dict[str, Any]:
        with self.store.session() as s:
            record = s.get(TABLES[table], record_id, with_for_update=True)
            if record is None:
                raise NotFoundError(f"{table} {record_id} not found")
            self._require(s, actor, table, record)
            stored = self._state(s, table, record)
            if record.version != expected_version:
                raise EditConflict(
                    table,
                    record_id,
                    stored=stored,
                    attempted=stored | {"retired_at": _jsonish(value)},
                    stored_version=record.version,
                    attempted_version=expected_version,
                )
            if (record.retired_at is None) == (value is None):
                return stored
            current = {"retired_at": record.retired_at}
            self._apply(
                s, table, record, current, {"retired_at": value}, {"retired_at"}, actor, action
            )
            return self._state(s, table, record)

    # -- history ---------------------------------------------------------------------------
    def history(self, table: str, record_id: str) -> list[Change]:
        """Every audited change of a record, oldest first (before → after per field)."""
        with self.store.session() as s:
            rows = s.scalars(
                select(AuditLog)
                .where(AuditLog.table_name == table, AuditLog.record_id == record_id)
                .order_by(AuditLog.id)
            ).all()
        skip = {"id", "version", "created_at", "created_by", "updated_at", "updated_by"}
        out = []
        for row in rows:
            before, after = row.before or {}, row.after or {}
            keys = [k for k in dict.fromkeys([*before, *after]) if k not in skip]
            fields = tuple(
                FieldChange(k, before.get(k), after.get(k))
                for k in keys
                if before.get(k) != after.get(k)
            )
            out.append(Change(row.id, row.at, row.actor, row.action, fields))
        return out

    def state_at(self, table: str, record_id: str, audit_id: int) -> dict[str, Any]:
        """The record's state right after audit entry ``audit_id`` (JSON values).

        Reconstructed backwards from the stored state by undoing every later change.
        """
        with self.store.session() as s:
            record = s.get(TABLES[table], record_id)
            if record is None:
                raise NotFoundError(f"{table} {record_id} not found")
            state = self._state(s, table, record)
            target = s.get(AuditLog, audit_id)
            if target is None or (target.table_name, target.record_id) != (table, record_id):
                raise NotFoundError(f"no change {audit_id} of {table} {record_id}")
            later = s.scalars(
                select(AuditLog)
                .where(
                    AuditLog.table_name == table,
                    AuditLog.record_id == record_id,
                    AuditLog.id > audit_id,
                )
                .order_by(AuditLog.id.desc())
            ).all()
            for row in later:
                state.update(row.before or {})
        return state

    def restore_version(
        self, table: str, record_id: str, audit_id: int, *, actor: User, expected_version: int
    ) -> dict[str, Any]:
        """Bring back the state after change ``audit_id`` as a new audited change."""
        model = TABLES[table]
        old = self.state_at(table, record_id, audit_id)
        keys = [*editable(table), *(DERIVED if table == "location" else ())]
        clean = {k: from_json(model, k, old.get(k)) for k in keys if k in old}
        return self._write(
            table,
            record_id,
            clean,
            [],
            actor=actor,
            expected_version=expected_version,
            action=f"restore:{audit_id}",
            place=False,
        )

    # -- regional networks -----------------------------------------------------------------
    def networks(self) -> dict[str, str]:
        """Network id → name."""
        with self.store.session() as s:
            return {
                n.id: n.name or n.id
                for n in s.scalars(select(RegionalNetwork).order_by(RegionalNetwork.id))
            }

    def assignments(self) -> pd.DataFrame:
        """District → network rows (``district_ags, network_id, status, note, version``)."""
        with self.store.session() as s:
            rows = s.execute(
                select(
                    NetworkAssignment.district_ags,
                    NetworkAssignment.network_id,
                    NetworkAssignment.status,
                    NetworkAssignment.note,
                    NetworkAssignment.version,
                ).order_by(NetworkAssignment.district_ags)
            ).all()
        cols = ["district_ags", "network_id", "status", "note", "version"]
        return pd.DataFrame([tuple(r) for r in rows], columns=cols, dtype=object)

    def may_assign(self, user: User | None, district_ags: str) -> bool:
        if user is None or user.role not in ("admin", "coordinator"):
            return False
        if user.role == "admin":
            return True
        with self.store.session() as s:
            current = s.scalar(
                select(NetworkAssignment.network_id).where(
                    NetworkAssignment.district_ags == district_ags
                )
            )
        return current is None or current in user.networks

    def set_network(
        self,
        district_ags: str,
        network_id: str | None,
        *,
        actor: User,
        expected_version: int | None,
    ) -> dict[str, Any]:
        """Assign a district to a network (or none).

        Coordinators may reassign districts of their own networks, and claim a district
        without network for one of their own networks. ``expected_version`` is ``None``
        when the district has no assignment row yet.
        """
        if not self.may_assign(actor, district_ags) or (
            actor.role == "coordinator"
            and network_id is not None
            and network_id not in actor.networks
            and not self._owns(actor, district_ags)
        ):
            raise PermissionDenied(f"{actor.username} may not assign district {district_ags}")
        with self.store.session() as s:
            row = s.scalars(
                select(NetworkAssignment)
                .where(NetworkAssignment.district_ags == district_ags)
                .with_for_update()
            ).first()
            if network_id is not None and s.get(RegionalNetwork, network_id) is None:
                raise ValidationFailed(
                    [
                        _problem(
                            "network_id",
                            "unknown_network",
                            f"Unbekannter Regionalverbund „{network_id}“.",
                        )
                    ]
                )
            if row is None:
                if expected_version not in (None, 0):
                    raise EditConflict(
                        "network_assignment",
                        district_ags,
                        stored={},
                        attempted={"network_id": network_id},
                        stored_version=0,
                        attempted_version=expected_version,
                    )
                row = NetworkAssignment(
                    id=new_id(),
                    district_ags=district_ags,
                    network_id=network_id,
                    status="verified",
                    note=f"gesetzt von {actor.username}",
                )
                self.store.add(row, actor=actor.username, session=s)
                return snapshot(row)
            if row.version != expected_version:
                raise EditConflict(
                    "network_assignment",
                    district_ags,
                    stored=snapshot(row),
                    attempted=snapshot(row) | {"network_id": network_id},
                    stored_version=row.version,
                    attempted_version=expected_version or 0,
                )
            if row.network_id == network_id:
                return snapshot(row)
            before = snapshot(row, ["network_id", "status", "note"])
            row.network_id, row.status = network_id, "verified"
            row.note = f"gesetzt von {actor.username}"
            row.updated_by, row.updated_at = actor.username, utcnow()
            s.flush()
            s.add(
                AuditLog(
                    **audit_row(
                        "network_assignment",
                        row.id,
                        "update",
                        actor.username,
                        before,
                        snapshot(row, list(before)),
                    )
                )
            )
            return snapshot(row)

    def _owns(self, user: User, district_ags: str) -> bool:
        with self.store.session() as s:
            current = s.scalar(
                select(NetworkAssignment.network_id).where(
                    NetworkAssignment.district_ags == district_ags
                )
            )
        return current in user.networks

    # -- listing ---------------------------------------------------------------------------
    def stamp(self) -> int:
        """Changes whenever anything is written through the audited paths (for caches)."""
        with self.store.session() as s:
            return int(s.scalar(select(func.max(AuditLog.id))) or 0)

    def _links(self, conn: Any, table: str) -> pd.DataFrame:
        """``id, city, postal_code, district_ags`` of every location of each record."""
        place = (Location.city, Location.postal_code, Location.district_ags)
        if table == "location":
            stmts = [select(Location.id, *place)]
        elif table == "service":
            stmts = [
                select(ServiceAtLocation.service_id, *place)
                .join(Location, Location.id == ServiceAtLocation.location_id)
                .order_by(ServiceAtLocation.created_at, ServiceAtLocation.id)
            ]
        else:
            stmts = [
                select(Location.organization_id, *place).where(
                    Location.organization_id.is_not(None)
                ),
                select(Service.organization_id, *place)
                .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
                .join(Location, Location.id == ServiceAtLocation.location_id),
            ]
        rows = [tuple(r) for stmt in stmts for r in conn.execute(stmt)]
        return pd.DataFrame(
            rows, columns=["id", "city", "postal_code", "district_ags"], dtype=object
        )

    def records(
        self,
        table: str,
        *,
        network: str | None = None,
        district: str | None = None,
        kind: str | None = None,
        text: str | None = None,
        stale: bool = False,
        retired: bool = False,
    ) -> pd.DataFrame:
        """Records of one table for the maintenance list, filtered, ordered by name.

        Columns: ``id, name, kind, city, postal_code, district_ags, network_id,
        assured_date, stale, retired, version`` (place/district/network of the record's first
        location; ``network``/``district`` match any of its locations; ``stale`` and
        ``assured_date`` only for offers). ``retired=True`` lists only retired records,
        else only current ones.
        """
        model = TABLES[table]
        types = _column_types(model)
        cols = [model.id, model.name, model.version]
        cols += [getattr(model, c) for c in ("kind", "assured_date", "retired_at") if c in types]
        with self.store.engine.connect() as conn:
            base = pd.DataFrame(
                [tuple(r) for r in conn.execute(select(*cols).order_by(model.name, model.id))],
                columns=[c.key for c in cols],
                dtype=object,
            )
            links = self._links(conn, table)
            net_of = dict(
                conn.execute(
                    select(NetworkAssignment.district_ags, NetworkAssignment.network_id)
                ).all()
            )
        for c in ("kind", "assured_date", "retired_at"):
            if c not in base:
                base[c] = pd.Series([None] * len(base), dtype=object)
        links["network_id"] = links["district_ags"].map(lambda d: net_of.get(d))
        df = base.merge(links.drop_duplicates("id"), on="id", how="left")
        today = self.today()
        df["retired"] = df["retired_at"].map(lambda v: v is not None and not pd.isna(v))
        df["stale"] = df["assured_date"].map(
            lambda d: (
                table == "service"
                and (d is None or pd.isna(d) or (today - d).days > STALE_AFTER_DAYS)
            )
        )
        keep = df["retired"] == bool(retired)
        for column, wanted in (("network_id", network), ("district_ags", district)):
            if wanted:
                keep &= df["id"].isin(set(links.loc[links[column] == wanted, "id"]))
        if kind:
            keep &= df["kind"] == kind
        if stale:
            keep &= df["stale"]
        if text and text.strip():
            needle = text.casefold().strip()
            hits = set(links.loc[links["postal_code"] == needle, "id"]) | set(
                links.loc[
                    links["city"].fillna("").str.casefold().str.contains(needle, regex=False), "id"
                ]
            )
            keep &= df["name"].fillna("").str.casefold().str.contains(needle, regex=False) | df[
                "id"
            ].isin(hits)
        out = df[keep.astype(bool)].reset_index(drop=True)
        columns = [
            "id",
            "name",
            "kind",
            "city",
            "postal_code",
            "district_ags",
            "network_id",
            "assured_date",
            "stale",
            "retired",
            "version",
        ]
        return out[columns].astype(object).where(out[columns].notna(), None)


