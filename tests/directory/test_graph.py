"""Graph measures of a network on a small fixture, against hand-computed values."""

from __future__ import annotations

import pandas as pd

from directory.graph import (
    bridging,
    build_graph,
    layout,
    measures,
    network_organizations,
    to_svg,
)
from tests.geo.test_coverage import GOE, HI, LG, offers_fixture

NAMES = {"A": "Alpha e.V.", "B": "Beta <gGmbH>", "C": "Gamma", "D": "Delta", "E": "Epsilon",
         "F": "Phi"}


def fixture():
    offers = pd.concat([offers_fixture(), pd.DataFrame([
        ("s6", "F", HI, "projekt", ("soziale_stadt",), ())],
        columns=["service_id", "organization_id", "district_ags", "kind", "fields",
                 "target_groups"])], ignore_index=True)
    offers["organization"] = offers["organization_id"].map(NAMES)
    memberships = pd.DataFrame([
        ("A", NAMES["A"], "suedniedersachsen", "verified", "lead"),
        ("A", NAMES["A"], "braunschweig", "verified", "member"),
        ("E", NAMES["E"], "suedniedersachsen", "verified", "member"),  # no offers at all
        ("D", NAMES["D"], "heide", "inferred", "member"),
    ], columns=["organization_id", "organization", "network_id", "status", "role"])
    coops = pd.DataFrame([("A", NAMES["A"], "B", NAMES["B"], "kooperation"),
                          ("B", NAMES["B"], "D", NAMES["D"], "projekt"),
                          ("B", NAMES["B"], "F", NAMES["F"], "kooperation")],
                         columns=["organization_id", "organization", "partner_id", "partner",
                                  "kind"])
    assignments = pd.DataFrame({"district_ags": [GOE, HI, LG],
                                "network_id": ["suedniedersachsen", "suedniedersachsen",
                                               "heide"]})
    return offers, memberships, coops, assignments


def test_organizations_of_a_network():
    offers, memberships, _, assignments = fixture()
    orgs = network_organizations("suedniedersachsen", offers, memberships, assignments)
    assert orgs["organization_id"].tolist() == ["A", "E", "B", "F"]  # lead, recorded, by offers
    assert orgs["membership"].tolist() == ["verified", "verified", "area", "area"]
    assert orgs["offers"].tolist() == [1, 0, 2, 1]
    b = orgs.set_index("organization_id").loc["B"]
    assert b["kinds"] == ("mbe",) and b["fields"] == ("schule", "beruf")
    assert b["districts"] == (GOE, HI)


def test_measures_isolated_connectors_groups():
    offers, memberships, coops, assignments = fixture()
    orgs = network_organizations("suedniedersachsen", offers, memberships, assignments)
    m = measures("suedniedersachsen", orgs, coops)
    assert m.isolated == ("E",)  # recorded member without any cooperation
    assert m.key_connectors == ("B",)  # A–B–F: without B, A and F are cut apart
    assert m.groups == 2  # {A, B, F} and {E}
    assert m.cooperations == 3  # B–D crosses into Heide and still counts


def test_bridging_members():
    offers, memberships, coops, assignments = fixture()
    orgs = network_organizations("suedniedersachsen", offers, memberships, assignments)
    b = bridging("suedniedersachsen", orgs, offers, memberships, coops, assignments)
    assert [tuple(r) for r in b.itertuples(index=False)] == [
        ("A", NAMES["A"], ("braunschweig",), "both"),  # member of two networks
        ("B", NAMES["B"], ("braunschweig", "heide"), "coop"),  # via Alpha and Delta
    ]


def test_graph_nodes_edges_and_svg_escaping():
    offers, memberships, coops, assignments = fixture()
    orgs = network_organizations("suedniedersachsen", offers, memberships, assignments)
    g = build_graph("suedniedersachsen", "RV Süd", orgs, coops)
    kinds = pd.Series(dict(g.nodes(data="kind"))).value_counts().to_dict()
    assert kinds == {"field": 10, "org": 5, "net": 1}  # A, E, B, F + external D
    edges = pd.Series([d["kind"] for *_, d in g.edges(data=True)]).value_counts().to_dict()
    assert edges == {"member": 2, "coop": 3, "serves": 5}  # A: 2 fields, B: 2, F: 1
    pos = layout(g)
    assert pos["net:suedniedersachsen"] == (0.0, 0.0)
    assert all(abs(x) <= 1 and abs(y) <= 1 for x, y in pos.values())
    assert layout(g) == pos  # seeded: the same picture every time
    labels = {n: d.get("label", n) for n, d in g.nodes(data=True)}
    svg = to_svg(g, pos, labels, isolated={"E"}, title="Graph <RV>")
    assert "Beta &lt;gGmbH&gt;" in svg and "<gGmbH>" not in svg and "&lt;RV&gt;" in svg
    assert svg.count('class="node') == 16 and svg.count("<line") == 10
    assert 'data-node="org:E"' in svg and 'class="node isolated"' in svg
