"""Memberships and cooperations: audited writes, permissions by network, history — on
SQLite and PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

import pytest

from directory.auth import User
from directory.editing import EditConflict, PermissionDenied, ValidationFailed
from directory.editing.links import LinkEditor
from directory.links import cooperations_frame, memberships_frame
from directory.model import Location, Organization, Service, ServiceAtLocation
from directory.networks import ensure_networks

ADMIN = User("ada", "admin")
SUED = User("sue", "coordinator", ("suedniedersachsen",))
HEIDE = User("hei", "coordinator", ("heide",))
VIEWER = User("vic", "viewer")


@pytest.fixture
def links(store):
    ensure_networks(store)
    orgs = [Organization(id=f"o{i}", name=f"Träger {i}") for i in (1, 2, 3)]
    located = [
        # o1 and o2 have offers in Göttingen (Südniedersachsen); o3 in Lüneburg (Heide)
        Location(id="l1", organization_id="o1", district_ags="03159"),
        Location(id="l3", organization_id="o3", district_ags="03355"),
        Service(id="s2", organization_id="o2", name="Beratung", kind="mbe"),
        Location(id="l2", district_ags="03159"),
        ServiceAtLocation(id="sal2", service_id="s2", location_id="l2"),
    ]
    store.add(*orgs, *located, actor="test")
    return LinkEditor(store)


def test_membership_lifecycle_is_audited(links, store):
    m = links.add_membership("o1", "suedniedersachsen", actor=SUED, note="  seit 2020 ")
    assert (m["status"], m["role"], m["note"]) == ("verified", "member", "seit 2020")
    frame = memberships_frame(store)
    assert list(frame["organization"]) == ["Träger 1"]
    edited = links.edit_membership(m["id"], {"role": "lead"}, actor=SUED, expected_version=1)
    assert edited["role"] == "lead" and edited["version"] == 2
    with pytest.raises(EditConflict):  # someone saved in between
        links.edit_membership(m["id"], {"note": "x"}, actor=SUED, expected_version=1)
    links.remove_membership(m["id"], actor=SUED, expected_version=2)
    assert memberships_frame(store).empty
    history = links.history("membership", m["id"])
    assert [c.action for c in history] == ["insert", "update", "delete"]
    assert [(f.field, f.before, f.after) for f in history[1].fields] == [("role", "member",
                                                                          "lead")]
    assert history[0].actor == "sue"


def test_coordinator_of_another_network_is_refused(links, store):
    with pytest.raises(PermissionDenied):
        links.add_membership("o1", "suedniedersachsen", actor=HEIDE)
    with pytest.raises(PermissionDenied):
        links.add_membership("o1", "suedniedersachsen", actor=VIEWER)
    m = links.add_membership("o1", "suedniedersachsen", actor=ADMIN)
    with pytest.raises(PermissionDenied):
        links.edit_membership(m["id"], {"note": "x"}, actor=HEIDE, expected_version=1)
    with pytest.raises(PermissionDenied):
        links.remove_membership(m["id"], actor=HEIDE, expected_version=1)
    # o1 and o2 are both in Göttingen: the Heide coordinator may not link them
    with pytest.raises(PermissionDenied):
        links.add_cooperation("o1", "o2", actor=HEIDE)
    assert cooperations_frame(store).empty
    assert len(memberships_frame(store)) == 1


def test_cooperation_needs_one_partner_in_own_network(links, store):
    c = links.add_cooperation("o2", "o3", actor=HEIDE, kind="projekt", description="Sprachcafé")
    assert c["kind"] == "projekt"
    frame = cooperations_frame(store)
    assert list(zip(frame["organization"], frame["partner"], strict=True)) == [
        ("Träger 2", "Träger 3")]
    with pytest.raises(ValidationFailed) as dup:  # either direction counts as the same link
        links.add_cooperation("o3", "o2", actor=ADMIN)
    assert dup.value.problems[0].code == "link_duplicate"
    links.edit_cooperation(c["id"], {"description": "Sprachcafé und Lotsen"}, actor=SUED,
                           expected_version=1)  # o2 is in Südniedersachsen too
    with pytest.raises(PermissionDenied):
        links.remove_cooperation(c["id"], actor=User("x", "coordinator", ("braunschweig",)),
                                 expected_version=2)
    links.remove_cooperation(c["id"], actor=HEIDE, expected_version=2)
    assert [h.action for h in links.history("cooperation", c["id"])] == [
        "insert", "update", "delete"]


@pytest.mark.parametrize("args, code", [
    (("o1", "o1", "kooperation", None), "link_self"),
    (("o1", "nope", "kooperation", None), "unknown_organization"),
    (("o1", "o2", "Freundschaft", None), "link_bad_kind"),
    (("o1", "o2", "kooperation", "javascript:alert(1)"), "link_bad_url"),
])
def test_bad_cooperations_change_nothing(links, store, args, code):
    org, partner, kind, url = args
    with pytest.raises(ValidationFailed) as exc:
        links.add_cooperation(org, partner, actor=ADMIN, kind=kind, source_url=url)
    assert code in {p.code for p in exc.value.problems}
    assert cooperations_frame(store).empty


def test_bad_membership_values_change_nothing(links, store):
    with pytest.raises(ValidationFailed) as exc:
        links.add_membership("o1", "suedniedersachsen", actor=ADMIN, status="maybe",
                             source_url="ftp://x")
    assert {p.code for p in exc.value.problems} == {"link_bad_status", "link_bad_url"}
    links.add_membership("o1", "suedniedersachsen", actor=ADMIN)
    with pytest.raises(ValidationFailed) as dup:
        links.add_membership("o1", "suedniedersachsen", actor=ADMIN)
    assert dup.value.problems[0].code == "link_duplicate"
    assert len(memberships_frame(store)) == 1
