"""Schema, round trips, optimistic locking and audit on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select

from directory.model import (
    SCHEMA_VERSION,
    AuditLog,
    Cooperation,
    Location,
    Membership,
    NetworkAssignment,
    Organization,
    Phone,
    RegionalNetwork,
    Service,
    ServiceAtLocation,
)
from directory.store import ConflictError, Store, snapshot

ARABIC = "مركز استشارات الهجرة في غوتينغن"


def test_create_schema_is_idempotent(store: Store):
    store.create_schema()
    store.create_schema()
    assert store.schema_version() == SCHEMA_VERSION
    tables = set(inspect(store.engine).get_table_names())
    assert {"organization", "service", "location", "service_at_location", "phone",
            "regional_network", "membership", "network_assignment", "cooperation",
            "audit_log", "schema_version"} <= tables  # fmt: skip
    assert store.counts()["schema_version"] == 1


def test_create_schema_adds_missing_columns(store: Store):
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE location DROP COLUMN accessibility_note")
    store.create_schema()
    cols = {c["name"] for c in inspect(store.engine).get_columns("location")}
    assert "accessibility_note" in cols


def _records():
    org = Organization(
        id="o1",
        name="Migrationszentrum Göttingen",
        description=ARABIC,
        website="https://example.org",
        email="info@example.org",
        kind=None,
    )
    partner = Organization(id="o2", name="Asyl e.V.")
    net = RegionalNetwork(
        id="suedniedersachsen", name="Regionalverbund Südniedersachsen", status="verified"
    )
    svc = Service(
        id="s1",
        organization_id="o1",
        name=f"Beratung {ARABIC}",
        kind="migrationsberatung",
        fields=["kooperative_migrationsarbeit", "beruf"],
        target_groups=["gefluechtete"],
        languages=["de", "ar", "fa"],
        fees_description="kostenlos",
        status="active",
        url="https://example.org/s",
        email="s@example.org",
        source_url="https://example.org/q",
        source_date="Stand Mai 2024",
        assured_date=dt.date(2024, 5, 31),
        verification="verified",
        is_demo=False,
    )
    loc = Location(
        id="l1",
        organization_id="o1",
        name="Forum",
        address_1="Neustadt 18",
        postal_code=None,
        city="Göttingen",
        latitude=51.5339,
        longitude=9.9355,
        geocode_precision="place",
        geocode_note=None,
        district_ags="03159",
        accessibility="yes",
        accessibility_note="Rampe am Seiteneingang",
        opening_hours={
            "slots": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}],
            "by_appointment": True,
            "note": "Ramadan: verkürzt",
        },
    )
    return [
        org, partner, net, svc, loc,
        ServiceAtLocation(id="sal1", service_id="s1", location_id="l1"),
        Phone(id="p1", number="0551 123", service_id="s1", description="Zentrale"),
        Membership(id="m1", organization_id="o1", network_id="suedniedersachsen",
                   status="verified"),
        NetworkAssignment(id="n1", district_ags="03159", network_id="suedniedersachsen",
                          status="inferred"),
        Cooperation(id="c1", organization_id="o1", partner_id="o2", kind="Kooperation"),
    ]  # fmt: skip


def test_round_trip_every_record_type(store: Store):
    records = _records()
    expected = [(type(r), snapshot(r)) for r in records]
    store.add(*records, actor="tester")
    for model, snap in expected:
        with store.session() as s:
            got = s.get(model, snap["id"])
            assert got is not None, model
            back = snapshot(got)
        for key, value in snap.items():
            if key in {"created_at", "updated_at", "created_by", "updated_by", "version"}:
                continue
            if value is None and key in {"is_demo", "accessibility", "status", "location_type"}:
                continue  # column defaults filled on insert
            assert back[key] == value, (model.__name__, key)
        assert back["version"] == 1
        assert back["created_by"] == "tester"
    with store.session() as s:
        svc = s.get(Service, "s1")
        loc = s.get(Location, "l1")
        assert svc.assured_date == dt.date(2024, 5, 31)
        assert isinstance(svc.created_at, dt.datetime) and svc.created_at.tzinfo is not None
        assert loc.opening_hours["slots"][0] == {"weekday": 0, "opens": "09:00", "closes": "12:00"}
        assert loc.city == "Göttingen" and loc.street == "Neustadt 18"
        assert s.get(Organization, "o1").description == ARABIC
        n_audit = len(s.scalars(select(AuditLog).where(AuditLog.action == "insert")).all())
    assert n_audit == len(records)


def test_update_writes_audit_with_before_after(store: Store):
    store.add(*_records()[:5], actor="tester")
    updated = store.update((Location, "l1"), {"accessibility": "no", "postal_code": "37073"},
                           actor="coordinator", expected_version=1)  # fmt: skip
    assert updated.version == 2
    assert updated.updated_by == "coordinator"
    with store.session() as s:
        row = s.scalars(
            select(AuditLog).where(AuditLog.action == "update", AuditLog.record_id == "l1")
        ).one()
        assert row.table_name == "location"
        assert row.actor == "coordinator"
        assert row.before == {"accessibility": "yes", "postal_code": None}
        assert row.after == {"accessibility": "no", "postal_code": "37073"}
        assert s.get(Location, "l1").postal_code == "37073"


def test_stale_version_raises_conflict_and_changes_nothing(store: Store):
    store.add(*_records()[:5], actor="tester")
    with store.session() as s:
        svc = s.get(Service, "s1")
    store.update(svc, {"name": "Neu"}, actor="a", expected_version=1)
    with pytest.raises(ConflictError):
        store.update(svc, {"name": "Anders"}, actor="b", expected_version=1)
    with store.session() as s:
        assert s.get(Service, "s1").name == "Neu"
        assert s.get(Service, "s1").version == 2
        assert len(s.scalars(select(AuditLog).where(AuditLog.action == "update")).all()) == 1


def test_update_rejects_system_columns(store: Store):
    store.add(*_records()[:5], actor="tester")
    with pytest.raises(ValueError):
        store.update((Service, "s1"), {"version": 7}, actor="a", expected_version=1)


def test_session_rolls_back_on_error(store: Store):
    with pytest.raises(RuntimeError), store.session() as s:
        s.add(Organization(id="x", name="weg"))
        s.flush()
        raise RuntimeError("boom")
    assert store.get(Organization, "x") is None


def test_retire_is_soft_delete(store: Store):
    store.add(*_records()[:5], actor="tester")
    store.retire((Service, "s1"), actor="c", expected_version=1)
    with store.session() as s:
        svc = s.get(Service, "s1")
        assert svc.retired_at is not None
        assert s.scalars(select(AuditLog.action).where(AuditLog.record_id == "s1")).all() == [
            "insert", "retire"]  # fmt: skip


def test_schema_upgrade_adds_missing_columns_and_keeps_data(engine):
    """A store written by schema version 1 (no retired_at on organization and location)
    is upgraded in place when opened: columns added, rows kept, version recorded."""
    from sqlalchemy import text

    from directory.model import SCHEMA_VERSION, SchemaVersion

    store = Store(engine)
    store.create_schema()
    with engine.begin() as conn:  # turn it into a version-1 database
        for table in ("organization", "location"):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN retired_at"))
        conn.execute(text("ALTER TABLE location DROP COLUMN district_status"))
        conn.execute(SchemaVersion.__table__.delete())
        conn.execute(SchemaVersion.__table__.insert().values(version=1, applied_at=dt.datetime(
            2026, 1, 1, tzinfo=dt.UTC)))  # fmt: skip
        now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        conn.execute(text("INSERT INTO organization (id, version, name, is_demo, created_at, "
                          "updated_at) VALUES ('o1', 1, 'Alt e.V.', false, :now, :now)"),
                     {"now": now})  # fmt: skip
    assert "retired_at" not in {c["name"] for c in inspect(engine).get_columns("organization")}
    upgraded = Store(engine)
    upgraded.create_schema()
    for table in ("organization", "location"):
        assert "retired_at" in {c["name"] for c in inspect(engine).get_columns(table)}
    assert "district_status" in {c["name"] for c in inspect(engine).get_columns("location")}
    assert upgraded.schema_version() == SCHEMA_VERSION == 4
    with upgraded.session() as s:
        org = s.get(Organization, "o1")
        assert org.name == "Alt e.V." and org.retired_at is None
    # the new column is usable at once: the public query filters on it, retiring sets it
    from directory.query import offers_frame

    assert offers_frame(upgraded).empty
    retired = upgraded.retire((Organization, "o1"), actor="t", expected_version=1)
    assert retired.retired_at is not None and retired.version == 2
    upgraded.create_schema()  # idempotent: opening again adds nothing, records no new version
    with upgraded.session() as s:
        assert sorted(s.scalars(select(SchemaVersion.version))) == [1, SCHEMA_VERSION]


#: text that COPY's text format escapes or that a careless writer would change
TRICKY = ["tab\there", "line\nbreak\r\n", "back\\slash \\N \\.", "", " ", ARABIC,
          "„Zitat“ 'a' \"b\"", "\\", "null", "x" * 190]  # fmt: skip


def _raw(store: Store, table, ids: list[str]) -> list[tuple]:
    """Every column of ``ids`` as read back, JSON also as its stored text (``null`` ≠ NULL)."""
    from sqlalchemy import JSON, Text, cast

    cols = [c for c in table.columns if c.key != "id"]
    json_cols = [cast(c, Text) for c in cols if isinstance(c.type, JSON)]
    with store.engine.connect() as conn:
        rows = conn.execute(select(table.c.id, *cols, *json_cols).where(table.c.id.in_(ids))
                            .order_by(table.c.id)).all()  # fmt: skip
    return [tuple(r[1:]) for r in rows]


def test_insert_rows_stores_what_an_insert_stores(store: Store):
    """The bulk writer of the import (COPY on PostgreSQL, executemany on SQLite) stores the
    same values as SQLAlchemy's INSERT: tricky text, JSON (None as JSON null), dates, flags."""
    from sqlalchemy import insert

    from directory.store import insert_rows

    now = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
    common = {"version": 1, "created_at": now, "created_by": "t", "updated_at": now,
              "updated_by": "t"}  # fmt: skip
    locations = [{"id": f"{i:03d}", "organization_id": None, "name": text, "address_1": text,
                  "location_type": "physical", "postal_code": "37073", "city": text,
                  "latitude": 52.1 + i / 7, "longitude": -0.0 if i == 0 else 9.5 + i,
                  "geocode_precision": "place", "geocode_note": None, "district_ags": "03159",
                  "district_status": None, "accessibility": "unknown", "accessibility_note": text,
                  "opening_hours": None if i % 2 else {"slots": [], "note": text, "n": [1.5]},
                  "is_demo": bool(i % 2), "retired_at": now if i % 3 == 0 else None}
                 for i, text in enumerate(TRICKY)]  # fmt: skip
    audits = [{"record_id": f"{i:03d}", "after": {"name": text, "at": now.isoformat()}}
              for i, text in enumerate(TRICKY)]  # fmt: skip
    audit_common = {"table_name": "location", "action": "insert", "actor": "t", "at": now,
                    "before": None}  # fmt: skip
    with store.engine.begin() as conn:
        insert_rows(conn, Location.__table__, locations, common=common)
        conn.execute(insert(Location.__table__),
                     [{**r, **common, "id": "b" + r["id"]} for r in locations])  # fmt: skip
        insert_rows(conn, AuditLog.__table__, audits, common=audit_common)
        conn.execute(
            insert(AuditLog.__table__),
            [{**r, **audit_common, "record_id": "b" + r["record_id"]} for r in audits],
        )
        with pytest.raises(ValueError, match="version"):  # a column with a default left out
            insert_rows(conn, Location.__table__, [{"id": "x"}])
    fast = _raw(store, Location.__table__, [r["id"] for r in locations])
    assert fast == _raw(store, Location.__table__, ["b" + r["id"] for r in locations])
    assert [r[1] for r in fast] == TRICKY  # names as given
    with store.engine.connect() as conn:
        logged = conn.execute(select(AuditLog.record_id, AuditLog.after, AuditLog.before,
                                     AuditLog.at).order_by(AuditLog.id)).all()  # fmt: skip
    n = len(audits)
    assert [r[1:] for r in logged[:n]] == [r[1:] for r in logged[n:]]
    assert [r[1]["name"] for r in logged[:n]] == TRICKY and logged[0][3] == now
