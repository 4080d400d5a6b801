"""Who works with whom — read side: memberships (organization ↔ regional network) and
cooperations (organization ↔ organization), plus the sourced memberships shipped as
reference data (``data/network_memberships.csv``).

Writes go through :class:`directory.editing.links.LinkEditor` (audited, permissions);
this module only reads, and loads the reference memberships once together with the default
content (:func:`directory.bootstrap.load_default_content`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import aliased

from directory.ids import stable_id
from directory.model import (
    Cooperation,
    Membership,
    Organization,
    RegionalNetwork,
)
from directory.store import Store

MEMBERSHIPS_CSV = Path(__file__).resolve().parent.parent / "data" / "network_memberships.csv"
SEED_ACTOR = "seed:network_memberships.csv"

#: kinds of cooperation (ids stable; labels in the i18n catalogue ``coop.<id>``)
COOPERATION_KINDS: tuple[str, ...] = ("kooperation", "projekt", "verweisung", "traegerschaft")

MEMBERSHIP_COLUMNS = ("membership_id", "organization_id", "organization", "network_id", "status",
                      "role", "note", "source_url", "is_demo", "version")  # fmt: skip
COOPERATION_COLUMNS = ("cooperation_id", "organization_id", "organization", "partner_id",
                       "partner", "kind", "description", "source_url", "is_demo",
                       "version")  # fmt: skip


def _engine(source: Engine | Store) -> Engine:
    return source.engine if isinstance(source, Store) else source


def _query_frame(source: Engine | Store, stmt, columns: tuple[str, ...], *,
                 demo_flag: bool = True) -> pd.DataFrame:  # fmt: skip
    """The rows of ``stmt`` as an object frame; ``is_demo`` as bool with ``demo_flag``."""
    with _engine(source).connect() as conn:
        rows = conn.execute(stmt).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=list(columns), dtype=object)
    if demo_flag:
        df["is_demo"] = df["is_demo"].astype(bool)
    return df


def memberships_frame(source: Engine | Store) -> pd.DataFrame:
    """All memberships of current (not retired) organizations, :data:`MEMBERSHIP_COLUMNS`."""
    stmt = (
        select(Membership.id, Membership.organization_id, Organization.name,
               Membership.network_id, Membership.status, Membership.role, Membership.note,
               Membership.source_url, Organization.is_demo, Membership.version)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Organization.retired_at.is_(None))
        .order_by(Membership.network_id, Organization.name, Membership.id)
    )  # fmt: skip
    return _query_frame(source, stmt, MEMBERSHIP_COLUMNS)


def cooperations_frame(source: Engine | Store) -> pd.DataFrame:
    """All cooperations between current organizations, :data:`COOPERATION_COLUMNS`."""
    partner = aliased(Organization)
    stmt = (
        select(Cooperation.id, Cooperation.organization_id, Organization.name,
               Cooperation.partner_id, partner.name, Cooperation.kind, Cooperation.description,
               Cooperation.source_url, or_(Organization.is_demo, partner.is_demo),
               Cooperation.version)
        .join(Organization, Organization.id == Cooperation.organization_id)
        .join(partner, partner.id == Cooperation.partner_id)
        .where(Organization.retired_at.is_(None), partner.retired_at.is_(None))
        .order_by(Organization.name, partner.name, Cooperation.id)
    )  # fmt: skip
    return _query_frame(source, stmt, COOPERATION_COLUMNS)


def organizations_frame(source: Engine | Store) -> pd.DataFrame:
    """Current organizations: ``organization_id, name, kind, is_demo`` ordered by name."""
    stmt = (
        select(Organization.id, Organization.name, Organization.kind, Organization.is_demo)
        .where(Organization.retired_at.is_(None))
        .order_by(Organization.name, Organization.id)
    )
    return _query_frame(source, stmt, ("organization_id", "name", "kind", "is_demo"),
                        demo_flag=False)


# -- reference memberships ---------------------------------------------------------------------
def reference_memberships(path: Path = MEMBERSHIPS_CSV) -> list[dict[str, str]]:
    """Rows of ``data/network_memberships.csv`` (comment lines skipped)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def load_reference_memberships(store: Store, *, actor: str = SEED_ACTOR,
                               path: Path = MEMBERSHIPS_CSV) -> int:  # fmt: skip
    """Insert the sourced memberships whose organization and network are stored and which
    are not stored yet (stable ids); returns rows added. Called once with the default
    content, so a membership a coordinator removed later is not brought back."""
    rows = reference_memberships(path)
    with store.session() as s:
        nets = set(s.scalars(select(RegionalNetwork.id)))
        orgs = set(s.scalars(select(Organization.id)))
        have = set(s.scalars(select(Membership.id)))
        new = []
        for r in rows:
            org_id = stable_id("organization", r["organization"].strip())
            mid = stable_id("membership", org_id, r["network_id"])
            if org_id in orgs and r["network_id"] in nets and mid not in have:
                new.append(Membership(
                    id=mid, organization_id=org_id, network_id=r["network_id"],
                    status=r["status"], role=r["role"] or "member", note=r["note"] or None,
                    source_url=r["source_url"] or None,
                ))  # fmt: skip
        if new:
            store.add(*new, actor=actor, session=s)
    return len(new)
