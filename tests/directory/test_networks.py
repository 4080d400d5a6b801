"""Regional networks: only what the sources support, mirrored once into the store."""

from sqlalchemy import func, select

from directory.model import NetworkAssignment, RegionalNetwork
from directory.networks import load_networks, reference_assignment, reference_networks
from geo.boundaries import load_districts

ALL_AGS = sorted(load_districts()["ags"])


def test_ten_networks_four_verified():
    nets = reference_networks()
    assert len(nets) == 10
    verified = {n.id for n in nets if n.name_status == "verified"}
    assert verified == {"suedniedersachsen", "oldenburger_land", "braunschweig", "heide"}
    for n in nets:
        if n.name_status == "verified":
            assert n.coverage_status == "inferred" and n.sources and n.districts
        else:
            assert n.coverage_status == "unknown" and not n.districts


def test_every_district_assigned_once_or_unknown():
    assignment = reference_assignment(ALL_AGS)
    assert set(assignment) == set(ALL_AGS)
    known = {ags for ags, (net, _, _) in assignment.items() if net}
    assert known == {"03254", "03159", "03453", "03403", "03101",
                     "03353", "03351", "03360", "03354", "03355", "03358"}  # fmt: skip
    for net, status, basis in assignment.values():
        assert (status == "inferred" and basis) if net else (status == "unknown" and not basis)


def test_load_networks_is_idempotent(store):
    assert load_networks(store, ALL_AGS) == 10 + 45
    assert load_networks(store, ALL_AGS) == 0
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(RegionalNetwork)) == 10
        rows = s.scalars(select(NetworkAssignment)).all()
        assert len(rows) == 45
        hildesheim = next(r for r in rows if r.district_ags == "03254")
        assert hildesheim.network_id == "suedniedersachsen"
        assert hildesheim.status == "inferred"
