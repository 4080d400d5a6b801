"""Editing service: create/edit/retire/restore, validation, conflicts, history, permissions.

Runs on SQLite and PostgreSQL (``store`` fixture). Districts: Hildesheim (31135, 03254) and
Göttingen (03159) belong to network ``suedniedersachsen``, Celle (03351) to ``heide``
(``data/regional_networks.yaml``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from directory.auth import User
from directory.editing import (
    EditConflict,
    Editor,
    NotSupported,
    PermissionDenied,
    ValidationFailed,
)
from directory.model import AuditLog, Location, NetworkAssignment, Phone, Service
from directory.networks import ensure_networks
from directory.store import Store

TODAY = dt.date(2026, 11, 25)
ADMIN = User("ada", "admin")
KIM = User("kim", "coordinator", ("suedniedersachsen",))
HEIDE = User("hanna", "coordinator", ("heide",))
VIEWER = User("vic", "viewer")


@pytest.fixture
def ed(store: Store, gazetteer) -> Editor:
    ensure_networks(store)
    return Editor(store, gazetteer=gazetteer, today=lambda: TODAY)


def _offer(ed: Editor, city: str = "Hildesheim", plz: str | None = "31135", actor=ADMIN):
    org = ed.create("organization", {"name": "Asyl e.V.", "website": "https://asyl.example"},
                    actor=actor)  # fmt: skip
    loc = ed.create("location", {"organization_id": org["id"], "name": "Büro",
                                 "address_1": "Steingrube 19a", "postal_code": plz,
                                 "city": city}, actor=actor)  # fmt: skip
    svc = ed.create(
        "service",
        {"organization_id": org["id"], "name": "Migrationsberatung", "kind": "mbe",
         "fields": ["beruf"], "languages": ["de", "ar"], "phone": "05121 123456",
         "email": "info@asyl.example"},
        actor=actor, location_id=loc["id"],
    )  # fmt: skip
    return org, loc, svc


def _audit_count(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditLog))


def test_create_places_location_from_postcode_and_links_offer(ed, store):
    org, loc, svc = _offer(ed)
    assert loc["geocode_precision"] == "postcode"
    assert loc["latitude"] is not None and loc["district_ags"] == "03254"
    assert svc["version"] == 1 and svc["phone"] == "+495121123456"  # E.164 (directory.phones)
    assert svc["status"] == "active" and svc["verification"] == "unverified"
    with store.session() as s:
        assert s.get(Service, svc["id"]).organization_id == org["id"]
        assert s.scalar(select(func.count()).select_from(Phone)) == 1
    frame = ed.records("service")
    assert list(frame["name"]) == ["Migrationsberatung"]
    assert frame.loc[0, "network_id"] == "suedniedersachsen"


def test_create_from_place_only_records_place_precision(ed):
    loc = ed.create("location", {"name": "Celle", "city": "Celle"}, actor=ADMIN)
    assert loc["geocode_precision"] == "place" and loc["district_ags"] == "03351"
    typed = ed.create("location", {"city": "Celle", "latitude": 52.62, "longitude": 10.08},
                      actor=ADMIN)  # fmt: skip
    assert typed["geocode_precision"] == "address" and typed["district_ags"] == "03351"


def test_edit_saves_new_version_and_history_shows_before_after(ed):
    _, _, svc = _offer(ed)
    new = ed.edit("service", svc["id"], {"name": "MBE Hildesheim", "languages": ["de", "fa"]},
                  actor=ADMIN, expected_version=1)  # fmt: skip
    assert new["version"] == 2 and new["name"] == "MBE Hildesheim"
    assert new["updated_by"] == "ada"
    changes = ed.history("service", svc["id"])
    assert [c.action for c in changes] == ["insert", "update"]
    fields = {f.field: (f.before, f.after) for f in changes[-1].fields}
    assert fields == {"name": ("Migrationsberatung", "MBE Hildesheim"),
                      "languages": (["de", "ar"], ["de", "fa"])}  # fmt: skip
    assert changes[-1].actor == "ada"


def test_unchanged_values_write_nothing(ed, store):
    _, _, svc = _offer(ed)
    before = _audit_count(store)
    same = ed.edit("service", svc["id"], {"name": " Migrationsberatung "}, actor=ADMIN,
                   expected_version=1)  # fmt: skip
    assert same["version"] == 1 and _audit_count(store) == before


@pytest.mark.parametrize(
    ("table", "changes", "field"),
    [
        ("service", {"email": "kein-mail"}, "email"),
        ("service", {"url": "javascript:alert(1)"}, "url"),
        ("service", {"phone": "abc"}, "phone"),
        ("service", {"languages": ["xx", "deu"]}, "languages"),
        ("service", {"languages": ["deutsch"]}, "languages"),  # names are not stored
        ("service", {"target_groups": ["Frauen"]}, "target_groups"),
        ("service", {"fields": ["gibt_es_nicht"]}, "fields"),
        ("service", {"kind": "unbekannt"}, "kind"),
        ("service", {"name": ""}, "name"),
        ("service", {"assured_date": "31.02.2024"}, "assured_date"),
        ("location", {"postal_code": "1234"}, "postal_code"),
        ("location", {"postal_code": "99999"}, "postal_code"),
        ("location", {"latitude": 48.14, "longitude": 11.58}, "latitude"),  # Munich
        ("location", {"latitude": 52.3, "longitude": None}, "longitude"),
        ("location", {"opening_hours": {"slots": [{"weekday": 0, "opens": "12:00",
                                                   "closes": "09:00"}]}}, "opening_hours"),
        ("organization", {"website": "http://exa mple.org"}, "website"),
    ],
)  # fmt: skip
def test_validation_refuses_and_changes_nothing(ed, store, table, changes, field):
    org, loc, svc = _offer(ed)
    record = {"service": svc, "location": loc, "organization": org}[table]
    before = (ed.load(table, record["id"]), _audit_count(store))
    with pytest.raises(ValidationFailed) as err:
        ed.edit(table, record["id"], changes, actor=ADMIN, expected_version=1)
    assert field in {p.field for p in err.value.problems}
    assert all(p.message_de for p in err.value.problems)
    assert (ed.load(table, record["id"]), _audit_count(store)) == before


def test_create_refused_writes_nothing(ed, store):
    before = _audit_count(store)
    with pytest.raises(ValidationFailed):
        ed.create("location", {"city": "München", "latitude": 48.14, "longitude": 11.58},
                  actor=ADMIN)  # fmt: skip
    with pytest.raises(ValidationFailed):
        ed.create("service", {"name": "x", "kind": "mbe", "organization_id": "nope"},
                  actor=ADMIN)  # no location  # fmt: skip
    assert _audit_count(store) == before


def test_conflict_carries_both_versions_and_overwrites_nothing(ed, store):
    _, _, svc = _offer(ed)
    first = ed.load("service", svc["id"])
    second = ed.load("service", svc["id"])
    ed.edit("service", svc["id"], {"name": "Erste Fassung"}, actor=ADMIN,
            expected_version=first["version"])  # fmt: skip
    stored = ed.load("service", svc["id"])
    n_audit = _audit_count(store)
    with pytest.raises(EditConflict) as err:
        ed.edit("service", svc["id"], {"name": "Zweite Fassung", "email": "b@asyl.example"},
                actor=KIM, expected_version=second["version"])  # fmt: skip
    c = err.value
    assert (c.stored_version, c.attempted_version) == (2, 1)
    assert c.stored["name"] == "Erste Fassung" and c.attempted["name"] == "Zweite Fassung"
    assert ("email", "info@asyl.example", "b@asyl.example") in c.differences()
    assert ed.load("service", svc["id"]) == stored and _audit_count(store) == n_audit


def test_retire_and_restore_offer(ed):
    _, _, svc = _offer(ed)
    retired = ed.retire("service", svc["id"], actor=ADMIN, expected_version=1)
    assert retired["retired_at"] is not None and retired["version"] == 2
    assert ed.records("service").empty
    assert list(ed.records("service", retired=True)["id"]) == [svc["id"]]
    with pytest.raises(EditConflict):
        ed.restore("service", svc["id"], actor=ADMIN, expected_version=1)
    back = ed.restore("service", svc["id"], actor=ADMIN, expected_version=2)
    assert back["retired_at"] is None and back["version"] == 3
    assert [c.action for c in ed.history("service", svc["id"])] == ["insert", "retire",
                                                                     "unretire"]  # fmt: skip


@pytest.mark.parametrize("table", ["organization", "location"])
def test_retire_and_restore_organization_or_location(ed, store, table):
    """Soft delete like offers: permission checked, version bumped, audited, locked."""
    org, loc, svc = _offer(ed)
    rec = {"organization": org, "location": loc}[table]
    before = (ed.load(table, rec["id"]), _audit_count(store))
    for outsider in (HEIDE, VIEWER):  # Celle's coordinator; a viewer
        with pytest.raises(PermissionDenied):
            ed.retire(table, rec["id"], actor=outsider, expected_version=1)
    assert (ed.load(table, rec["id"]), _audit_count(store)) == before
    retired = ed.retire(table, rec["id"], actor=KIM, expected_version=1)
    assert retired["retired_at"] is not None and retired["version"] == 2
    assert retired["updated_by"] == "kim" and _audit_count(store) == before[1] + 1
    assert rec["id"] not in set(ed.records(table)["id"])
    assert list(ed.records(table, retired=True)["id"]) == [rec["id"]]
    # the offer stays current itself, but is no longer public
    assert svc["id"] in set(ed.records("service")["id"])
    with pytest.raises(EditConflict) as err:  # a second editor still holds version 1
        ed.restore(table, rec["id"], actor=ADMIN, expected_version=1)
    assert (err.value.stored_version, err.value.attempted_version) == (2, 1)
    assert ed.load(table, rec["id"]) == retired and _audit_count(store) == before[1] + 1
    back = ed.restore(table, rec["id"], actor=ADMIN, expected_version=2)
    assert back["retired_at"] is None and back["version"] == 3
    assert rec["id"] in set(ed.records(table)["id"])
    changes = ed.history(table, rec["id"])
    assert [(c.action, c.actor) for c in changes] == [("insert", "ada"), ("retire", "kim"),
                                                      ("unretire", "ada")]  # fmt: skip
    assert [f.field for f in changes[1].fields] == ["retired_at"]
    assert changes[1].fields[0].before is None and changes[1].fields[0].after is not None
    # restoring what is not retired changes nothing
    assert ed.restore(table, rec["id"], actor=ADMIN, expected_version=3)["version"] == 3


def test_only_records_with_soft_delete_can_be_retired(ed, monkeypatch):
    from directory.editing import TABLES

    monkeypatch.setitem(TABLES, "phone", Phone)  # a table without retired_at
    with pytest.raises(NotSupported):
        ed.retire("phone", "x", actor=ADMIN, expected_version=1)


def test_restore_version_creates_new_version_equal_to_old_state(ed):
    _, _, svc = _offer(ed)
    ed.edit("service", svc["id"], {"name": "B", "phone": "0511 999999"}, actor=ADMIN,
            expected_version=1)  # fmt: skip
    ed.edit("service", svc["id"], {"name": "C", "languages": ["uk"]}, actor=ADMIN,
            expected_version=2)  # fmt: skip
    history = ed.history("service", svc["id"])
    insert_id = history[0].audit_id
    restored = ed.restore_version("service", svc["id"], insert_id, actor=ADMIN,
                                  expected_version=3)  # fmt: skip
    assert restored["version"] == 4
    for key in ("name", "languages", "phone", "email", "kind", "fields"):
        assert restored[key] == svc[key], key
    last = ed.history("service", svc["id"])[-1]
    assert last.action == f"restore:{insert_id}"
    assert {f.field for f in last.fields} == {"name", "languages", "phone"}
    # the state after the first edit, too
    mid = ed.restore_version("service", svc["id"], history[1].audit_id, actor=ADMIN,
                             expected_version=4)  # fmt: skip
    assert (mid["name"], mid["phone"], mid["languages"]) == ("B", "+49511999999", ["de", "ar"])
    with pytest.raises(EditConflict):
        ed.restore_version("service", svc["id"], insert_id, actor=ADMIN, expected_version=4)


def test_restore_version_of_location_brings_back_placement(ed):
    _, loc, _ = _offer(ed)
    moved = ed.edit("location", loc["id"], {"postal_code": None, "city": "Celle"},
                    actor=ADMIN, expected_version=1)  # fmt: skip
    assert moved["district_ags"] == "03351" and moved["geocode_precision"] == "place"
    first = ed.history("location", loc["id"])[0].audit_id
    back = ed.restore_version("location", loc["id"], first, actor=ADMIN, expected_version=2)
    assert back["postal_code"] == "31135" and back["district_ags"] == "03254"
    assert (back["latitude"], back["geocode_precision"]) == (loc["latitude"], "postcode")


def test_confirm_still_correct(ed):
    _, _, svc = _offer(ed)
    assert ed.records("service", stale=True)["id"].tolist() == [svc["id"]]
    done = ed.confirm_still_correct(svc["id"], actor=KIM, expected_version=1)
    assert done["assured_date"] == TODAY.isoformat() and done["verification"] == "verified"
    assert ed.history("service", svc["id"])[-1].action == "confirm"
    assert ed.records("service", stale=True).empty


def test_phone_change_bumps_version_and_removal_deletes_phone(ed, store):
    _, _, svc = _offer(ed)
    v2 = ed.edit("service", svc["id"], {"phone": "0511 55555"}, actor=ADMIN, expected_version=1)
    assert v2["version"] == 2 and v2["phone"] == "+4951155555"
    v3 = ed.edit("service", svc["id"], {"phone": ""}, actor=ADMIN, expected_version=2)
    assert v3["phone"] is None
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Phone)) == 0


def test_permissions_per_role(ed, store):
    _, _, own = _offer(ed)  # Hildesheim: suedniedersachsen
    _, celle_loc, other = _offer(ed, city="Celle", plz=None)  # heide
    # coordinator: own network yes, other network no
    assert ed.can_edit(KIM, "service", own["id"])
    assert not ed.can_edit(KIM, "service", other["id"])
    ed.edit("service", own["id"], {"name": "Eigen"}, actor=KIM, expected_version=1)
    before = ed.load("service", other["id"])
    for call in (
        lambda: ed.edit("service", other["id"], {"name": "Fremd"}, actor=KIM, expected_version=1),
        lambda: ed.retire("service", other["id"], actor=KIM, expected_version=1),
        lambda: ed.confirm_still_correct(other["id"], actor=KIM, expected_version=1),
        lambda: ed.edit("location", celle_loc["id"], {"name": "x"}, actor=KIM,
                        expected_version=1),
        lambda: ed.create("location", {"city": "Celle"}, actor=KIM),
        lambda: ed.create("service", {"name": "x", "kind": "mbe",
                                      "organization_id": own["organization_id"]},
                          actor=KIM, location_id=celle_loc["id"]),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            call()
    assert ed.load("service", other["id"]) == before
    assert ed.can_edit(HEIDE, "service", other["id"])
    # a coordinator cannot move an own location into another network's district
    own_loc = ed.records("location", text="31135")["id"][0]
    with pytest.raises(PermissionDenied):
        ed.edit("location", own_loc, {"postal_code": None, "city": "Celle"}, actor=KIM,
                expected_version=1)  # fmt: skip
    # viewer: nothing
    assert not ed.can_edit(VIEWER, "service", own["id"])
    with pytest.raises(PermissionDenied):
        ed.edit("service", own["id"], {"name": "v"}, actor=VIEWER, expected_version=2)
    with pytest.raises(PermissionDenied):
        ed.create("organization", {"name": "v"}, actor=VIEWER)
    # admin: everything
    assert ed.can_edit(ADMIN, "service", other["id"])
    ed.retire("service", other["id"], actor=ADMIN, expected_version=1)


def test_coordinator_creates_in_own_district_and_edits_own_new_organization(ed):
    org = ed.create("organization", {"name": "Neuer Verein"}, actor=KIM)
    assert ed.can_edit(KIM, "organization", org["id"])
    assert not ed.can_edit(HEIDE, "organization", org["id"])
    loc = ed.create("location", {"organization_id": org["id"], "postal_code": "31135"},
                    actor=KIM)  # fmt: skip
    assert loc["district_ags"] == "03254"
    ed.create("service", {"name": "Treff", "kind": "projekt", "organization_id": org["id"]},
              actor=KIM, location_id=loc["id"])  # fmt: skip


def test_network_assignment_permissions_and_audit(ed, store):
    table = ed.assignments().set_index("district_ags")
    assert table.loc["03159", "network_id"] == "suedniedersachsen"
    version = table.loc["03159", "version"]
    # coordinator of the district's network may hand it over
    row = ed.set_network("03159", "braunschweig", actor=KIM, expected_version=version)
    assert row["network_id"] == "braunschweig" and row["status"] == "verified"
    with pytest.raises(PermissionDenied):  # no longer theirs
        ed.set_network("03159", "suedniedersachsen", actor=KIM, expected_version=version + 1)
    with pytest.raises(PermissionDenied):  # another network's district
        ed.set_network("03351", "suedniedersachsen", actor=KIM, expected_version=1)
    with pytest.raises(PermissionDenied):
        ed.set_network("03351", None, actor=VIEWER, expected_version=1)
    # claim a district without network for an own network, but not for a foreign one
    assert table.loc["03241", "network_id"] is None and table.loc["03241", "version"] == 1
    with pytest.raises(PermissionDenied):
        ed.set_network("03241", "heide", actor=KIM, expected_version=1)
    ed.set_network("03241", "suedniedersachsen", actor=KIM, expected_version=1)
    with pytest.raises(EditConflict):
        ed.set_network("03241", None, actor=ADMIN, expected_version=5)
    with pytest.raises(ValidationFailed):
        ed.set_network("03241", "gibt_es_nicht", actor=ADMIN, expected_version=1)
    with store.session() as s:
        assert s.scalars(select(NetworkAssignment.network_id)
                         .where(NetworkAssignment.district_ags == "03241")).one() \
            == "suedniedersachsen"  # fmt: skip
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "network_assignment",
                                                 AuditLog.action == "update")).all()  # fmt: skip
    assert [(a.actor, a.before["network_id"], a.after["network_id"]) for a in audit] == [
        ("kim", "suedniedersachsen", "braunschweig"),
        ("kim", None, "suedniedersachsen")]  # fmt: skip


def test_ensure_networks_is_idempotent(ed, store):
    assert ensure_networks(store) == 0
    assert ed.networks()["heide"] == "Regionalverbund Heide"


def test_records_filters(ed):
    _offer(ed)
    _offer(ed, city="Celle", plz=None)
    assert len(ed.records("service")) == 2
    assert len(ed.records("service", network="heide")) == 1
    assert len(ed.records("service", district="03254")) == 1
    assert len(ed.records("service", text="celle")) == 1
    assert len(ed.records("service", kind="jmd")) == 0
    assert len(ed.records("organization")) == 2
    assert set(ed.records("location")["district_ags"]) == {"03254", "03351"}


def test_location_edit_rederives_placement(ed, store):
    _, loc, _ = _offer(ed)
    moved = ed.edit("location", loc["id"], {"postal_code": None, "city": "Celle"},
                    actor=ADMIN, expected_version=1)  # fmt: skip
    assert moved["geocode_precision"] == "place" and moved["district_ags"] == "03351"
    with store.session() as s:
        assert s.get(Location, loc["id"]).version == 2


def test_form_noise_is_not_a_change(ed, store):
    """Unstripped stored text and float round-trips from the form change nothing."""
    _, loc, _ = _offer(ed)
    before = _audit_count(store)
    same = ed.edit("location", loc["id"], {"latitude": loc["latitude"] + 1e-9,
                                           "longitude": loc["longitude"], "name": "Büro "},
                   actor=ADMIN, expected_version=1)  # fmt: skip
    assert same["version"] == 1 and same["geocode_precision"] == "postcode"
    assert _audit_count(store) == before


def test_retired_organization_or_location_hides_its_offers(ed, store):
    from directory.io.writers import flat_rows as export_rows
    from directory.query import offers_frame

    org, loc, svc = _offer(ed)
    assert svc["id"] in set(offers_frame(store)["service_id"])
    ed.retire("location", loc["id"], actor=ADMIN, expected_version=loc["version"])
    assert svc["id"] not in set(offers_frame(store)["service_id"])
    exported = [r for r in export_rows(store) if r["id"] == svc["id"]]
    assert len(exported) == 1 and exported[0]["location_id"] is None  # offer kept, office gone
    loc = ed.restore("location", loc["id"], actor=ADMIN, expected_version=loc["version"] + 1)
    assert svc["id"] in set(offers_frame(store)["service_id"])
    org = ed.retire("organization", org["id"], actor=ADMIN, expected_version=org["version"])
    assert svc["id"] not in set(offers_frame(store)["service_id"])
    assert not [r for r in export_rows(store) if r["id"] == svc["id"]]
    assert [r["id"] for r in export_rows(store, include_retired=True)].count(svc["id"]) == 1
    assert [c.action for c in ed.history("organization", org["id"])][-1] == "retire"
