"""Bring stored locations up to the current placement (schema 3: ``district_status``).

Locations stored before district certainty existed have ``district_status`` NULL, and their
district may come from the generalised outlines the data build now corrects (21423 Winsen
(Luhe) was placed in Lüneburg). :func:`settle_districts` re-derives the district and its
certainty of every such real (non-demo) location with the one placement
(:meth:`geo.gazetteer.Gazetteer.locate`) and writes one audited update per changed record.
Coordinates, address and notes are left as stored. Runs once per location: afterwards
``district_status`` is set (a location without any district stays NULL and is skipped
cheaply next time by the precision/district filter).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from directory.model import AuditLog, Location, utcnow
from directory.store import Store, audit_row

PLACEMENT_ACTOR = "system:placement"


def settle_districts(store: Store, gazetteer: Any = None, *,
                     actor: str = PLACEMENT_ACTOR) -> int:  # fmt: skip
    """Set district and ``district_status`` of real locations that have none; returns the
    number of locations changed."""
    stmt = select(Location).where(
        Location.district_status.is_(None),
        ~Location.is_demo,
        or_(Location.latitude.is_not(None), Location.district_ags.is_not(None)),
    )
    with store.session() as s:
        todo = s.scalars(stmt.with_for_update()).all()
        if not todo:
            return 0
        if gazetteer is None:
            from geo.gazetteer import Gazetteer

            gazetteer = Gazetteer.default()
        changed = 0
        for loc in todo:
            placed = _placement(loc, gazetteer)
            if placed is None or placed.district_ags is None:
                continue
            before = {"district_ags": loc.district_ags, "district_status": loc.district_status}
            after = {"district_ags": placed.district_ags,
                     "district_status": placed.district_status}  # fmt: skip
            loc.district_ags, loc.district_status = after["district_ags"], after["district_status"]
            loc.updated_by, loc.updated_at = actor, utcnow()
            s.flush()
            s.add(AuditLog(**audit_row("location", loc.id, "update", actor, before, after)))
            changed += 1
        return changed


def _placement(loc: Location, gazetteer: Any) -> Any:
    """The placement the location's stored precision stands for (``None``: cannot tell)."""
    if loc.geocode_precision == "address" and loc.latitude is not None:
        return gazetteer.place_point(loc.latitude, loc.longitude)
    placed = gazetteer.locate(postal_code=loc.postal_code, city=loc.city)
    if loc.latitude is None:
        return placed if placed.latitude is None else None  # district-only rows
    same = (placed.latitude is not None and abs(placed.latitude - loc.latitude) < 1e-6
            and abs(placed.longitude - loc.longitude) < 1e-6)  # fmt: skip
    # coordinates moved since (hand-edited): judge the stored point itself
    return placed if same else gazetteer.place_point(loc.latitude, loc.longitude)
