"""Who may change what: admins everything, coordinators their networks' districts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.auth import User
from directory.editing.errors import PermissionDenied
from directory.editing.fields import TABLES
from directory.model import (
    Location,
    NetworkAssignment,
    Service,
    ServiceAtLocation,
)


class PermissionsMixin:
    """Part of :class:`directory.editing.Editor` (``permissions``)."""

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
