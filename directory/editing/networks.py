"""District → regional network assignment: listing and audited reassignment."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select

from directory.auth import User
from directory.editing.errors import EditConflict, PermissionDenied, ValidationFailed
from directory.editing.fields import _problem
from directory.model import (
    AuditLog,
    NetworkAssignment,
    RegionalNetwork,
    new_id,
    utcnow,
)
from directory.store import audit_row, snapshot


class NetworksMixin:
    """Part of :class:`directory.editing.Editor` (``networks``)."""

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
                            value=network_id,
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
