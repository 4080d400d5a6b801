"""Fictional demo records."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from directory.demo import generate, insert_demo
from directory.model import Location, Organization, Service
from directory.query import offers_frame
from directory.store import Store


def test_generator_is_deterministic_and_fictional(gazetteer):
    a = generate(50, seed=7, gazetteer=gazetteer)
    b = generate(50, seed=7, gazetteer=gazetteer)
    c = generate(50, seed=8, gazetteer=gazetteer)

    def strip(rows):
        return [{k: v for k, v in r.items() if k not in ("created_at", "updated_at")} for r in rows]

    assert strip(a.services) == strip(b.services)
    assert strip(a.locations) == strip(b.locations)
    assert [s["id"] for s in a.services] != [s["id"] for s in c.services]
    for rows in (a.organizations, a.services, a.locations):
        assert all(r["is_demo"] for r in rows)
        assert all("fiktiv" in r["name"] for r in rows)
    assert all(s["email"].endswith("@example.org") for s in a.services)
    assert all(s["url"].startswith("https://example.org/") for s in a.services)
    assert all(47.2 < loc["latitude"] < 54.2 for loc in a.locations)


def test_insert_demo_and_replace(store: Store, gazetteer):
    insert_demo(store, 300, seed=1, gazetteer=gazetteer)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Service).where(Service.is_demo)) == 300
        assert s.scalar(select(func.count()).select_from(Organization)) == 60
        assert s.scalar(select(func.count()).select_from(Location)) == 300
    with pytest.raises(IntegrityError):
        insert_demo(store, 10, seed=1, gazetteer=gazetteer)
    insert_demo(store, 20, seed=1, replace=True, gazetteer=gazetteer)
    df = offers_frame(store)
    assert len(df) == 20 and df["is_demo"].all()
    assert offers_frame(store, include_demo=False).empty
    assert df["phone"].map(lambda v: v is None).all()


def test_demo_opening_hours_are_valid(gazetteer):
    hours = pytest.importorskip("directory.hours")
    data = generate(500, seed=3, gazetteer=gazetteer)
    assert all(hours.validate_hours(loc["opening_hours"]) == [] for loc in data.locations)
    assert any(loc["opening_hours"] is None for loc in data.locations)  # "unknown" occurs
