"""A coordinator sets the district of a location whose placement is uncertain (audited);
a certain placement's district cannot be overridden — in the editor and on import."""

from __future__ import annotations

import pytest

from directory.auth import User
from directory.editing import Editor, PermissionDenied, ValidationFailed
from directory.networks import ensure_networks
from directory.validate import GeoContext, check_offer

ADMIN = User("ada", "admin")
KIM = User("kim", "coordinator", ("suedniedersachsen",))  # Hildesheim, Göttingen, …


@pytest.fixture
def ed(store, gazetteer) -> Editor:
    ensure_networks(store)
    return Editor(store, gazetteer=gazetteer)


def _location(ed: Editor, **where) -> dict:
    org = ed.create("organization", {"name": "Beispielverein (Test)"}, actor=ADMIN)
    return ed.create("location", {"organization_id": org["id"], "name": "Büro", **where},
                     actor=ADMIN)  # fmt: skip


def test_certain_placement_refuses_a_manual_district(ed) -> None:
    loc = _location(ed, postal_code="31135", city="Hildesheim")
    assert (loc["district_ags"], loc["district_status"]) == ("03254", "certain")
    with pytest.raises(ValidationFailed) as exc:
        ed.edit("location", loc["id"], {"district_ags": "03159"}, actor=ADMIN,
                expected_version=loc["version"])  # fmt: skip
    assert [p.code for p in exc.value.problems] == ["district_fixed"]
    assert ed.load("location", loc["id"])["district_ags"] == "03254"
    with pytest.raises(ValidationFailed):  # nor when creating
        _location(ed, postal_code="31135", city="Hildesheim", district_ags="03159")


def test_uncertain_placement_takes_a_manual_district_audited(ed) -> None:
    loc = _location(ed, city="Brake (Unterweser)")  # on the Weser, the border to Osterholz
    assert (loc["district_ags"], loc["district_status"]) == ("03461", "uncertain")
    done = ed.edit("location", loc["id"], {"district_ags": "03356"}, actor=ADMIN,
                   expected_version=loc["version"])  # fmt: skip
    assert (done["district_ags"], done["district_status"]) == ("03356", "manual")
    last = ed.history("location", loc["id"])[-1]
    assert last.actor == "ada"
    assert {(f.field, f.before, f.after) for f in last.fields} == {
        ("district_ags", "03461", "03356"), ("district_status", "uncertain", "manual")}
    # still settable (a person may correct it), a district key must be one of the 45
    again = ed.edit("location", loc["id"], {"district_ags": "03461"}, actor=ADMIN,
                    expected_version=done["version"])  # fmt: skip
    assert (again["district_ags"], again["district_status"]) == ("03461", "manual")
    with pytest.raises(ValidationFailed):
        ed.edit("location", loc["id"], {"district_ags": "09162"}, actor=ADMIN,
                expected_version=again["version"])  # fmt: skip
    # clearing the choice returns to the derived district; a new address re-derives it
    cleared = ed.edit("location", loc["id"], {"district_ags": ""}, actor=ADMIN,
                      expected_version=again["version"])  # fmt: skip
    assert (cleared["district_ags"], cleared["district_status"]) == ("03461", "uncertain")
    moved = ed.edit("location", loc["id"], {"postal_code": "31135", "city": "Hildesheim"},
                    actor=ADMIN, expected_version=cleared["version"])  # fmt: skip
    assert (moved["district_ags"], moved["district_status"]) == ("03254", "certain")


def test_coordinator_may_set_only_a_district_of_their_network(ed) -> None:
    # typed coordinates 1 km from the Göttingen/Northeim border (uncertain)
    loc = _location(ed, latitude=51.6, longitude=9.93)
    assert loc["district_status"] == "uncertain"
    with pytest.raises(PermissionDenied):
        ed.edit("location", loc["id"], {"district_ags": "03461"}, actor=KIM,
                expected_version=loc["version"])  # fmt: skip


def test_import_keeps_a_given_district_only_where_uncertain(gazetteer) -> None:
    geo = GeoContext(gazetteer)
    base = {"name": "Beratung (Test)", "organization": "Verein", "kind": "mbe"}
    clean, probs = check_offer({**base, "city": "Brake (Unterweser)", "district_ags": "03356"},
                               geo)  # fmt: skip
    assert (clean["district_ags"], clean["district_status"]) == ("03356", "manual")
    assert not [p for p in probs if p.field == "district_ags"]
    clean, probs = check_offer({**base, "postal_code": "31135", "city": "Hildesheim",
                                "district_ags": "03159"}, geo)  # fmt: skip
    assert (clean["district_ags"], clean["district_status"]) == ("03254", "certain")
    assert [(p.code, p.severity) for p in probs if p.field == "district_ags"] == [
        ("district_derived", "warning")]
    # an exported postcode centroid re-imports with its placement's certainty
    clean, _ = check_offer({**base, "postal_code": "21423", "city": "Winsen (Luhe)",
                            "latitude": 53.33041, "longitude": 10.30356,
                            "precision": "postcode"}, geo)  # fmt: skip
    assert (clean["district_ags"], clean["district_status"]) == ("03353", "certain")


def test_locations_stored_before_schema_3_get_their_district_settled(store, gazetteer) -> None:
    from sqlalchemy import select, update

    from directory.model import AuditLog, Location
    from directory.placing import PLACEMENT_ACTOR, settle_districts
    from directory.seed import load_offices

    load_offices(store, gazetteer=gazetteer)
    with store.session() as s:  # as an older version stored them
        s.execute(update(Location).values(district_status=None))
        s.execute(update(Location).where(Location.city == "Winsen (Luhe)")
                  .values(district_ags="03355"))  # fmt: skip
    assert settle_districts(store, gazetteer) >= 1
    with store.session() as s:
        winsen = s.scalars(select(Location).where(Location.city == "Winsen (Luhe)")).all()
        statuses = set(s.execute(select(Location.district_status, Location.district_ags
                                        .is_(None))).all())  # fmt: skip
        audit = s.scalars(select(AuditLog).where(AuditLog.record_id == winsen[0].id,
                                                 AuditLog.actor == PLACEMENT_ACTOR)).one()
    assert winsen and {(w.district_ags, w.district_status) for w in winsen} == {
        ("03353", "certain")}
    assert audit.before == {"district_ags": "03355", "district_status": None}
    # every location with a district has its certainty; one without any keeps none
    assert {("certain", False), ("uncertain", False)} <= statuses
    assert statuses <= {("certain", False), ("uncertain", False), (None, True)}
    assert settle_districts(store, gazetteer) == 0  # once
