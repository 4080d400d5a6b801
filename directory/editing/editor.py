"""The editing service: create, edit, retire/restore, confirm (see the package doc)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from directory.auth import User
from directory.editing.errors import (
    EditConflict,
    FieldProblem,
    NotSupported,
    PermissionDenied,
    ValidationFailed,
)
from directory.editing.fields import (
    TABLES,
    VIRTUAL,
    _column_types,
    _jsonish,
    _problem,
    _same,
    coerce,
    editable,
    from_json,
    validate,
)
from directory.editing.history import HistoryMixin
from directory.editing.listing import ListingMixin
from directory.editing.networks import NetworksMixin
from directory.editing.permissions import PermissionsMixin
from directory.model import (
    GEOCODE_PRECISIONS,
    AuditLog,
    Base,
    Location,
    Organization,
    Phone,
    ServiceAtLocation,
    new_id,
    utcnow,
)
from directory.store import NotFoundError, Store, audit_row, snapshot
from directory.validate import (
    MESSAGES_DE,
    GeoContext,
)


# -- the editor --------------------------------------------------------------------------------
class Editor(PermissionsMixin, HistoryMixin, NetworksMixin, ListingMixin):
    """The editing service over one store (see module doc).

    ``gazetteer`` places locations (default: :meth:`geo.gazetteer.Gazetteer.default`, loaded
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
                from geo.gazetteer import Gazetteer

                self._gazetteer = Gazetteer.default()
            except (ImportError, OSError, AttributeError, KeyError, ValueError):
                self._gazetteer = False
        return self._gazetteer or None

    def _place(self, state: dict[str, Any], changed: set[str], creating: bool) -> None:
        """Fill coordinates/precision/note/district in ``state`` by the one placement
        (:meth:`geo.gazetteer.Gazetteer.locate`) when coordinates or address changed."""
        gaz = self.gazetteer()
        lat, lon = state.get("latitude"), state.get("longitude")
        coords_typed = bool({"latitude", "longitude"} & changed)
        address_changed = creating or bool({"postal_code", "city"} & changed)
        if coords_typed and (lat is None) != (lon is None):
            return  # incomplete pair: validation reports it
        if (coords_typed or address_changed) and gaz is None:
            if coords_typed and lat is not None:
                state.update(geocode_precision="address", geocode_note=None)
            else:
                state.update(latitude=None, longitude=None, geocode_precision=None,
                             geocode_note="Ortsdaten nicht verfügbar")  # fmt: skip
            return
        if coords_typed or address_changed:
            placed = gaz.locate(
                postal_code=state.get("postal_code"),
                city=state.get("city"),
                latitude=lat if coords_typed else None,
                longitude=lon if coords_typed else None,
            )
            state.update(
                latitude=placed.latitude,
                longitude=placed.longitude,
                geocode_precision=placed.precision,
                geocode_note=placed.note,
                district_ags=placed.district_ags,
                district_status=placed.district_status,
            )
        if state.get("geocode_precision") not in (None, *GEOCODE_PRECISIONS):
            state["geocode_precision"] = None

    def _set_district(self, state: dict[str, Any], wanted: str | None) -> None:
        """A coordinator's district for a location whose placement is uncertain.

        Only an ``uncertain`` (or already ``manual``) district may be set; it becomes
        ``manual``. Clearing the field returns to the derived district. The change is audited
        like every write (``district_ags``/``district_status`` before → after).
        """
        if state.get("district_status") not in ("uncertain", "manual"):
            raise ValidationFailed([_problem("district_ags", "district_fixed",
                                             MESSAGES_DE["district_fixed"])])  # fmt: skip
        gaz = self.gazetteer()
        if wanted is None:
            if gaz is not None and state.get("geocode_precision") == "address":
                placed = gaz.place_point(state["latitude"], state["longitude"])
                state.update(district_ags=placed.district_ags,
                             district_status=placed.district_status)  # fmt: skip
            elif gaz is not None:
                self._place(state, {"postal_code"}, creating=False)
            return
        state.update(district_ags=wanted, district_status="manual")

    def warnings(self, table: str, values: Mapping[str, Any]) -> list[FieldProblem]:
        """Warnings (not errors) of a record state, e.g. an invalid phone number."""
        return [p for p in validate(table, values, self.geo()) if not p.is_error]

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
            if clean.get("district_ags"):
                self._set_district(state, clean["district_ags"])
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
                    if "district_ags" in changed:
                        self._set_district(state, clean["district_ags"])
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
