"""Read side: the offers table the UI works with (one row per service × location).

Two queries in total (offers with their organization and location; first phone per
offer), never one per row — 100,000 offers load in about a second.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import Engine, String, Text, cast, select

from directory.model import Location, Organization, Phone, Service, ServiceAtLocation
from directory.store import Store

OFFER_COLUMNS: tuple[str, ...] = (
    "service_id", "name", "organization", "organization_id", "kind", "fields", "target_groups",
    "languages",
    "street", "postal_code", "city", "lat", "lon", "precision", "geocode_note", "district_ags",
    "district_uncertain", "accessibility", "accessibility_note", "opening_hours", "phone",
    "website", "email", "source_url", "source_date", "assured_date", "verification", "is_demo",
)  # fmt: skip


def _text(column: Any) -> Any:
    """JSON column as its text: decoded once per distinct value (values repeat a lot).

    Equal values share one decoded object, so treat ``opening_hours`` dicts as read-only.
    """
    return cast(column, Text)


def _decode(values: list[Any], *, as_tuple: bool) -> list[Any]:
    cache: dict[Any, Any] = {}
    out = []
    for raw in values:
        if raw not in cache:
            value = json.loads(raw) if raw is not None else None
            if as_tuple:
                value = tuple(value) if value else ()
            cache[raw] = value
        out.append(cache[raw])
    return out


def offers_frame(
    source: Engine | Store,
    *,
    field: str | None = None,
    include_demo: bool = True,
) -> pd.DataFrame:
    """Offers (not retired) as a DataFrame with :data:`OFFER_COLUMNS`.

    One row per offer and office; offers of a retired organization and retired (closed)
    offices are left out.

    ``field`` keeps offers serving that field of action; ``include_demo=False`` drops
    fictional demo offers. ``fields``/``target_groups``/``languages`` are tuples,
    ``lat``/``lon`` floats (NaN when not placed), ``assured_date`` ``datetime.date`` or None.
    ``website`` is the offer's own URL, else its organization's website.
    ``district_uncertain`` is True where the office lies near a district border and nobody
    has settled its district yet (:mod:`geo.gazetteer`).
    """
    engine = source.engine if isinstance(source, Store) else source
    stmt = (
        select(
            Service.id.label("service_id"),
            Service.name,
            Organization.name.label("organization"),
            Service.kind,
            _text(Service.fields).label("fields"),
            _text(Service.target_groups).label("target_groups"),
            _text(Service.languages).label("languages"),
            Location.address_1.label("street"),
            Location.postal_code,
            Location.city,
            Location.latitude.label("lat"),
            Location.longitude.label("lon"),
            Location.geocode_precision.label("precision"),
            Location.geocode_note,
            Location.district_ags,
            Location.district_status.label("_district_status"),
            Location.accessibility,
            Location.accessibility_note,
            _text(Location.opening_hours).label("opening_hours"),
            Location.id.label("_location_id"),
            Organization.id.label("_organization_id"),
            Service.url.label("_url"),
            Organization.website.label("_org_website"),
            Service.email,
            Service.source_url,
            Service.source_date,
            Service.assured_date,
            Service.verification,
            Service.is_demo,
        )
        .join(Organization, Organization.id == Service.organization_id)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(
            Service.retired_at.is_(None),
            Organization.retired_at.is_(None),
            Location.retired_at.is_(None),
        )
        .order_by(Service.name, Service.id, Location.id)
    )
    if field is not None:
        # JSON arrays are stored as text on both backends; ids are [a-z_] only.
        stmt = stmt.where(cast(Service.fields, String).like(f'%"{field}"%'))
    if not include_demo:
        stmt = stmt.where(Service.is_demo.is_(False))

    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
        phones = conn.execute(
            select(
                Phone.service_id, Phone.location_id, Phone.organization_id, Phone.number
            ).order_by(Phone.created_at, Phone.id)
        ).all()

    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OFFER_COLUMNS})
    # column-wise construction; object dtype keeps None as None (pandas 3 would infer "str")
    names = list(rows[0]._fields)
    columns = dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True))
    for col in ("fields", "target_groups", "languages"):
        columns[col] = _decode(columns[col], as_tuple=True)
    columns["opening_hours"] = _decode(columns["opening_hours"], as_tuple=False)
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    if field is not None:  # exact check after the coarse SQL filter
        df = df[[field in f for f in df["fields"]]].reset_index(drop=True)

    first: dict[tuple[str, str], str] = {}
    for sid, lid, oid, number in phones:
        for key in (("s", sid), ("l", lid), ("o", oid)):
            if key[1] is not None and key not in first:
                first[key] = number
    if first:
        df["phone"] = pd.Series(
            [
                first.get(("s", s)) or first.get(("l", loc)) or first.get(("o", o))
                for s, loc, o in zip(
                    df["service_id"], df["_location_id"], df["_organization_id"], strict=True
                )
            ],
            index=df.index,
            dtype=object,
        )
    else:
        df["phone"] = pd.Series([None] * len(df), index=df.index, dtype=object)
    df["website"] = df["_url"].where(df["_url"].notna(), df["_org_website"])
    df["organization_id"] = df["_organization_id"]
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    df["is_demo"] = df["is_demo"].astype(bool)
    df["district_uncertain"] = (df["_district_status"] == "uncertain").astype(bool)
    return df[list(OFFER_COLUMNS)]
