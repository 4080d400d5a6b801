"""Clearly fictional demo records for load tests and UI previews.

Every demo record has ``is_demo=True`` and a name ending in "(fiktiv)"; there are no phone
numbers, e-mail addresses and websites are on ``example.org`` (RFC 2606), streets are
"Beispielweg N (fiktiv)". Offices sit at real postcode or place centroids of Lower Saxony,
jittered by up to ~2 km, with the district (and whether it is uncertain near a border) derived
from the jittered point by the one placement of :mod:`geo.gazetteer`.

Generation is deterministic for a given ``seed`` (ids are UUID v5 of seed + index), and
inserting uses Core bulk ``executemany`` in chunks (100,000 offers in well under a minute on
SQLite). One ``bulk_insert`` audit row is written per call instead of one per record.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select

from directory.ids import stable_id
from directory.model import (
    AuditLog,
    Cooperation,
    Location,
    Membership,
    NetworkAssignment,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
)
from directory.store import Store, audit_row
from directory.taxonomy import (
    FIELD_IDS,
    KIND_IDS,
    LANGUAGE_CODES,
    TARGET_GROUP_IDS,
    fields_for_kind,
)
from geo.gazetteer import Gazetteer

DEMO_ACTOR = "demo-generator"
#: fixed reference day, so generated dates do not depend on when the generator runs
REFERENCE_DAY = dt.date(2025, 6, 30)
JITTER_KM = 2.0
OFFERS_PER_ORGANIZATION = 5
CHUNK = 10_000

_SLOTS = (("09:00", "12:00"), ("13:00", "16:00"), ("10:00", "14:00"), ("14:00", "18:00"))


@dataclass
class DemoData:
    """Rows per table (plain dicts for Core bulk insert)."""

    organizations: list[dict[str, Any]]
    services: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    service_at_locations: list[dict[str, Any]]


def _anchor_points(gaz: Gazetteer) -> tuple[np.ndarray, np.ndarray, list[str | None], list[str]]:
    """Real centroids to place offices at: (lat, lon, postal_code, city), sorted, stable."""
    pc = gaz.postcodes.assign(plz=gaz.postcodes["plz"].astype(str).str.zfill(5))
    pc = pc.groupby(["plz", "place"], as_index=False)[["lat", "lon"]].mean()
    pl = gaz.places[["name", "lat", "lon"]].dropna()
    lat = np.concatenate([pc["lat"].to_numpy(float), pl["lat"].to_numpy(float)])
    lon = np.concatenate([pc["lon"].to_numpy(float), pl["lon"].to_numpy(float)])
    plz: list[str | None] = [*pc["plz"].tolist(), *([None] * len(pl))]
    city = [*pc["place"].astype(str).tolist(), *pl["name"].astype(str).tolist()]
    return lat, lon, plz, city


def _opening_hours(rng: np.random.Generator) -> dict[str, Any] | None:
    r = rng.random()
    if r < 0.2:
        return None  # unknown
    if r < 0.35:
        return {"slots": [], "by_appointment": True, "note": "Termine nach Vereinbarung (fiktiv)"}
    days = sorted(rng.choice(5, size=int(rng.integers(1, 6)), replace=False).tolist())
    opens, closes = _SLOTS[int(rng.integers(len(_SLOTS)))]
    return {
        "slots": [{"weekday": d, "opens": opens, "closes": closes} for d in days],
        "by_appointment": bool(rng.random() < 0.3),
        "note": None,
    }


def generate(n: int, *, seed: int = 0, gazetteer: Gazetteer | None = None) -> DemoData:
    """Generate ``n`` fictional offers (each with its own office) and their operators."""
    if n < 0:
        raise ValueError("n must be >= 0")
    gaz = gazetteer or Gazetteer.default()
    rng = np.random.default_rng(seed)
    a_lat, a_lon, a_plz, a_city = _anchor_points(gaz)
    if len(a_lat) == 0:
        raise RuntimeError("no postcode or place centroids available to place demo offices")
    width = max(4, len(str(n)))
    now = dt.datetime.now(dt.UTC)

    # locations: anchor + jitter (uniform in a disc of JITTER_KM)
    pick = rng.integers(0, len(a_lat), size=n)
    r_km = JITTER_KM * np.sqrt(rng.random(n))
    theta = rng.random(n) * 2 * math.pi
    lat = a_lat[pick] + r_km * np.cos(theta) / 111.0
    lon = a_lon[pick] + r_km * np.sin(theta) / (111.0 * np.cos(np.radians(a_lat[pick])))
    lat, lon = np.round(lat, 6), np.round(lon, 6)
    districts, uncertain = gaz.place_points(lat, lon) if n else ([], [])

    n_org = max(1, math.ceil(n / OFFERS_PER_ORGANIZATION)) if n else 0
    common = {"version": 1, "created_at": now, "created_by": DEMO_ACTOR, "updated_at": now,
              "updated_by": DEMO_ACTOR}  # fmt: skip
    orgs = [
        {
            **common,
            "id": stable_id("demo-organization", seed, j),
            "name": f"Demo-Träger {j:0{width}d} (fiktiv)",
            "description": "Fiktiver Träger für Demonstrationszwecke.",
            "website": f"https://example.org/demo/traeger-{j:0{width}d}",
            "email": f"traeger-{j:0{width}d}@example.org",
            "kind": None,
            "is_demo": True,
        }
        for j in range(n_org)
    ]
    services, locations, sals = [], [], []
    kinds = rng.integers(0, len(KIND_IDS), size=n)
    for i in range(n):
        kind = KIND_IDS[int(kinds[i])]
        fields = list(fields_for_kind(kind))
        if rng.random() < 0.3:
            extra = FIELD_IDS[int(rng.integers(len(FIELD_IDS)))]
            if extra not in fields:
                fields.append(extra)
        groups = sorted(
            rng.choice(len(TARGET_GROUP_IDS), size=int(rng.integers(0, 3)), replace=False).tolist()
        )
        langs = ["de"] + [
            LANGUAGE_CODES[k]
            for k in sorted(
                rng.choice(np.arange(1, len(LANGUAGE_CODES)), size=int(rng.integers(0, 4)),
                           replace=False).tolist()
            )
        ]  # fmt: skip
        verified = bool(rng.random() < 0.4)
        assured = REFERENCE_DAY - dt.timedelta(days=int(rng.integers(0, 3 * 365)))
        org_j = i // OFFERS_PER_ORGANIZATION
        label = f"{i:0{width}d}"
        sid = stable_id("demo-service", seed, i)
        lid = stable_id("demo-location", seed, i)
        a = int(pick[i])
        services.append(
            {
                **common,
                "id": sid,
                "organization_id": orgs[org_j]["id"],
                "name": f"Demo-Beratungsstelle {label} (fiktiv)",
                "description": "Fiktives Angebot, nur zur Demonstration.",
                "kind": kind,
                "fields": fields,
                "target_groups": [TARGET_GROUP_IDS[g] for g in groups],
                "languages": langs,
                "fees_description": "kostenlos (fiktiv)",
                "status": "active",
                "url": f"https://example.org/demo/angebot-{label}",
                "email": f"angebot-{label}@example.org",
                "source_url": None,
                "source_date": None,
                "assured_date": assured if verified else None,
                "verification": "verified" if verified else "unverified",
                "is_demo": True,
                "retired_at": None,
            }
        )
        locations.append(
            {
                **common,
                "id": lid,
                "organization_id": orgs[org_j]["id"],
                "name": f"Demo-Beratungsstelle {label} (fiktiv)",
                "location_type": "physical",
                "address_1": f"Beispielweg {int(rng.integers(1, 200))} (fiktiv)",
                "postal_code": a_plz[a],
                "city": a_city[a],
                "latitude": float(lat[i]),
                "longitude": float(lon[i]),
                "geocode_precision": "postcode" if a_plz[a] else "place",
                "geocode_note": "Fiktive Lage (Demo, bis ca. 2 km verschoben)",
                "district_ags": districts[i],
                "district_status": None if districts[i] is None
                else ("uncertain" if uncertain[i] else "certain"),
                "accessibility": ("yes", "no", "unknown")[int(rng.integers(3))],
                "accessibility_note": None,
                "opening_hours": _opening_hours(rng),
                "is_demo": True,
            }
        )
        sals.append(
            {**common, "id": stable_id("demo-sal", seed, i), "service_id": sid, "location_id": lid}
        )
    return DemoData(orgs, services, locations, sals)


def delete_demo(store: Store, *, actor: str = DEMO_ACTOR) -> int:
    """Remove all demo records (hard delete; they are fictional). Returns services removed."""
    with store.session() as s:
        demo_services = select(Service.id).where(Service.is_demo)
        demo_locations = select(Location.id).where(Location.is_demo)
        n = len(s.scalars(demo_services).all())
        s.execute(delete(ServiceAtLocation).where(ServiceAtLocation.service_id.in_(demo_services)))
        s.execute(
            delete(ServiceAtLocation).where(ServiceAtLocation.location_id.in_(demo_locations))
        )
        s.execute(delete(Phone).where(Phone.service_id.in_(demo_services)))
        s.execute(delete(Phone).where(Phone.location_id.in_(demo_locations)))
        demo_orgs = select(Organization.id).where(Organization.is_demo)
        s.execute(delete(Membership).where(Membership.organization_id.in_(demo_orgs)))
        s.execute(delete(Cooperation).where(Cooperation.organization_id.in_(demo_orgs)
                                            | Cooperation.partner_id.in_(demo_orgs)))
        s.execute(delete(Service).where(Service.is_demo))
        s.execute(delete(Location).where(Location.is_demo))
        s.execute(delete(Organization).where(Organization.is_demo))
        if n:
            s.execute(
                insert(AuditLog),
                [audit_row("service", "*", "bulk_delete", actor, {"demo_services": n}, None)],
            )
    return n


def insert_demo(
    store: Store,
    n: int,
    *,
    seed: int = 0,
    replace: bool = False,
    gazetteer: Gazetteer | None = None,
    actor: str = DEMO_ACTOR,
) -> int:
    """Generate and insert ``n`` demo offers; ``replace`` deletes earlier demo records first.

    Raises :class:`sqlalchemy.exc.IntegrityError` when records of the same seed exist
    (without ``replace``).
    """
    data = generate(n, seed=seed, gazetteer=gazetteer)
    store.create_schema()
    if replace:
        delete_demo(store, actor=actor)
    with store.session() as s:
        conn = s.connection()
        for model, rows in (
            (Organization, data.organizations),
            (Service, data.services),
            (Location, data.locations),
            (ServiceAtLocation, data.service_at_locations),
        ):
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(model.__table__), rows[start : start + CHUNK])
        conn.execute(
            insert(AuditLog.__table__),
            [
                audit_row(
                    "service",
                    "*",
                    "bulk_insert",
                    actor,
                    None,
                    {"demo_services": n, "seed": seed, "organizations": len(data.organizations)},
                )
            ],
        )
    return n


def insert_demo_links(store: Store, *, seed: int = 0, actor: str = DEMO_ACTOR) -> tuple[int, int]:
    """Fictional memberships and cooperations among the stored DEMO organizations.

    About 70 % of the demo organizations located in a district with a network become
    ``inferred`` members of it; about half cooperate with one or two demo organizations of
    the same network, and a few with one of another network. Deterministic for ``seed``;
    links already stored (same ids) are skipped. Returns ``(memberships, cooperations)``.
    """
    rng = np.random.default_rng(seed + 7919)
    with store.session() as s:
        first = (
            select(Location.organization_id, Location.district_ags)
            .where(Location.is_demo, Location.organization_id.is_not(None))
            .order_by(Location.organization_id, Location.id)
        )
        net_of = dict(s.execute(select(NetworkAssignment.district_ags,
                                       NetworkAssignment.network_id)).all())  # fmt: skip
        org_net: dict[str, str] = {}
        for org_id, ags in s.execute(first):
            if org_id not in org_net and net_of.get(ags):
                org_net[org_id] = net_of[ags]
        have_m = set(s.scalars(select(Membership.id)))
        have_c = set(s.scalars(select(Cooperation.id)))
    orgs = sorted(org_net)
    by_net: dict[str, list[str]] = {}
    for org in orgs:
        by_net.setdefault(org_net[org], []).append(org)
    now = dt.datetime.now(dt.UTC)
    common = {"version": 1, "created_at": now, "created_by": actor, "updated_at": now,
              "updated_by": actor}  # fmt: skip
    members, coops = [], []
    for org in orgs:
        net = org_net[org]
        if rng.random() < 0.7:
            mid = stable_id("demo-membership", seed, org, net)
            if mid not in have_m:
                members.append({**common, "id": mid, "organization_id": org, "network_id": net,
                                "status": "inferred", "role": "member",
                                "note": "fiktiv (Demo)", "source_url": None})  # fmt: skip
        peers = by_net[net]
        n_links = int(rng.integers(0, 3)) if rng.random() < 0.5 else 0
        for _ in range(n_links):
            pool = peers if rng.random() > 0.05 else orgs
            partner = pool[int(rng.integers(len(pool)))]
            if partner == org:
                continue
            a, b = sorted((org, partner))
            cid = stable_id("demo-cooperation", seed, a, b)
            if cid in have_c:
                continue
            have_c.add(cid)
            coops.append({**common, "id": cid, "organization_id": a, "partner_id": b,
                          "kind": "kooperation", "description": "fiktiv (Demo)",
                          "source_url": None})  # fmt: skip
    with store.session() as s:
        conn = s.connection()
        for model, rows in ((Membership, members), (Cooperation, coops)):
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(model.__table__), rows[start : start + CHUNK])
        if members or coops:
            conn.execute(insert(AuditLog.__table__), [audit_row(
                "membership", "*", "bulk_insert", actor, None,
                {"demo_memberships": len(members), "demo_cooperations": len(coops)})])
    return len(members), len(coops)
