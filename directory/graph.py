"""Who works with whom in a regional network: a ``networkx`` graph and the measures a
coordinator understands (no Streamlit here).

Nodes: the network (``net:<id>``), organizations (``org:<id>``) and the 10 fields of action
(``field:<id>``). Edges: ``member`` (organization → network, a recorded membership),
``coop`` (organization ↔ organization, a recorded cooperation) and ``serves``
(organization → field of action it has an offer in, within the network's districts).

The organizations of a network are its **recorded members** plus the organizations with an
offer in one of its districts (``membership="area"``: located there, membership not
recorded). Measures (:func:`measures`):

* members without any cooperation (isolated in the cooperation graph);
* members that bridge networks (member of, or located in, two networks, or cooperating with
  an organization of another network);
* key connectors: organizations whose removal splits the cooperation graph
  (``networkx.articulation_points``), and the number of separate groups
  (``networkx.number_connected_components``);
* fields of action served by a single organization in a district
  (:func:`geo.coverage.single_provider_cells`).

:func:`layout` places the nodes (network in the centre, fields on an outer ring,
organizations by a seeded spring layout, so the picture is the same on every run) and
:func:`to_svg` draws it as escaped inline SVG (``<title>`` for hover, ``data-node`` for
clicks); the page makes it zoomable with a first-party component.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from directory.taxonomy import FIELD_IDS

#: most organizations drawn in one graph (the tables list all of them)
MAX_GRAPH_ORGS = 80


def _org_networks(offers: pd.DataFrame, memberships: pd.DataFrame,
                  assignments: pd.DataFrame) -> dict[str, set[str]]:  # fmt: skip
    """Organization id → networks it is a member of or has an offer located in."""
    net_of = dict(zip(assignments["district_ags"], assignments["network_id"], strict=True))
    out: dict[str, set[str]] = {}
    placed = offers.loc[offers["district_ags"].notna(), ["organization_id", "district_ags"]]
    for org, ags in placed.drop_duplicates().itertuples(index=False):
        net = net_of.get(ags)
        if net:
            out.setdefault(org, set()).add(net)
    for org, net in memberships[["organization_id", "network_id"]].itertuples(index=False):
        out.setdefault(org, set()).add(net)
    return out


def network_organizations(network_id: str | None, offers: pd.DataFrame,
                          memberships: pd.DataFrame, assignments: pd.DataFrame, *,
                          districts: set[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """The organizations of a network (see module doc); with ``districts``, the
    organizations with an offer there (plus the recorded members of ``network_id``, if any).

    Returns
    -------
    pandas.DataFrame
        ``organization_id, organization, membership`` (recorded status: ``verified`` |
        ``inferred`` | ``unknown``, or ``area``), ``role``, ``offers`` (distinct offers in the
        network's districts), ``kinds`` and ``fields`` (sorted tuples of ids) and
        ``districts`` (AGS tuple); recorded members first, then by offers, then name.
    """
    if districts is None:
        districts = set(assignments.loc[assignments["network_id"] == network_id,
                                        "district_ags"])  # fmt: skip
    local = offers.loc[offers["district_ags"].isin(districts),
                       ["organization_id", "organization", "service_id", "kind", "fields",
                        "district_ags"]]  # fmt: skip
    rows: dict[str, dict] = {}
    if len(local):
        # vectorised: one pass per attribute over de-duplicated pairs, not one per group
        by_org = local.groupby("organization_id", sort=False)
        names = by_org["organization"].first()
        counts = by_org["service_id"].nunique()

        def sets(column: str) -> pd.Series:
            pairs = local[["organization_id", column]].drop_duplicates()
            return pairs.groupby("organization_id", sort=False)[column].agg(
                lambda v: tuple(sorted(v)))  # fmt: skip

        kinds, dists = sets("kind"), sets("district_ags")
        tuples = local[["organization_id", "fields"]].drop_duplicates()
        order = {f: i for i, f in enumerate(FIELD_IDS)}
        exploded = tuples.explode("fields").dropna().drop_duplicates()
        fields = exploded.groupby("organization_id", sort=False)["fields"].agg(
            lambda v: tuple(sorted(v, key=order.__getitem__)))  # fmt: skip
        for org_id in names.index:
            rows[org_id] = {
                "organization_id": org_id, "organization": names[org_id],
                "membership": "area", "role": None, "offers": int(counts[org_id]),
                "kinds": kinds[org_id], "fields": fields.get(org_id, ()),
                "districts": dists[org_id],
            }  # fmt: skip
    # without a network (statewide, or a district without one): any recorded membership
    own = (memberships[memberships["network_id"] == network_id] if network_id is not None
           else memberships.sort_values("role", key=lambda r: r != "lead")
           .drop_duplicates("organization_id"))  # fmt: skip
    for m in own.itertuples(index=False):
        row = rows.setdefault(m.organization_id, {
            "organization_id": m.organization_id, "organization": m.organization, "offers": 0,
            "kinds": (), "fields": (), "districts": ()})  # fmt: skip
        row["membership"], row["role"] = m.status, m.role
    cols = ["organization_id", "organization", "membership", "role", "offers", "kinds",
            "fields", "districts"]  # fmt: skip
    frame = pd.DataFrame(list(rows.values()), columns=cols)
    if frame.empty:
        return frame.astype(object)
    frame["_recorded"] = frame["membership"] != "area"
    frame["_lead"] = frame["role"] == "lead"
    frame = frame.sort_values(["_lead", "_recorded", "offers", "organization"],
                              ascending=[False, False, False, True])  # fmt: skip
    return frame[cols].reset_index(drop=True)


def build_graph(network_id: str, network_name: str, orgs: pd.DataFrame,
                cooperations: pd.DataFrame, *, limit: int = MAX_GRAPH_ORGS) -> nx.Graph:
    """The graph of a network for the organizations in ``orgs`` (first ``limit`` rows;
    cooperation partners outside the network are added as ``external`` nodes)."""
    g = nx.Graph()
    net = f"net:{network_id}"
    g.add_node(net, kind="net", label=network_name)
    for fid in FIELD_IDS:
        g.add_node(f"field:{fid}", kind="field", field=fid)
    shown = orgs.head(limit)
    ids = set(shown["organization_id"])
    for r in shown.itertuples(index=False):
        node = f"org:{r.organization_id}"
        g.add_node(node, kind="org", label=r.organization, membership=r.membership,
                   role=r.role, offers=int(r.offers))  # fmt: skip
        if r.membership != "area":
            g.add_edge(node, net, kind="member")
        for fid in r.fields:
            g.add_edge(node, f"field:{fid}", kind="serves")
    for c in cooperations.itertuples(index=False):
        a, b = c.organization_id, c.partner_id
        if a not in ids and b not in ids:
            continue
        for oid, name in ((a, c.organization), (b, c.partner)):
            if f"org:{oid}" not in g:
                g.add_node(f"org:{oid}", kind="org", label=name, membership="external",
                           role=None, offers=0)  # fmt: skip
        g.add_edge(f"org:{a}", f"org:{b}", kind="coop", coop=c.kind)
    return g


def cooperation_graph(g: nx.Graph) -> nx.Graph:
    """Organizations of ``g`` with only the cooperation edges."""
    orgs = [n for n, d in g.nodes(data=True) if d["kind"] == "org"]
    coop = nx.Graph()
    coop.add_nodes_from(orgs)
    coop.add_edges_from((a, b) for a, b, d in g.edges(data=True) if d["kind"] == "coop")
    return coop


@dataclass(frozen=True)
class Measures:
    """What the graph says, by organization id (``org:`` prefix removed)."""

    isolated: tuple[str, ...]  # organizations of the network without any cooperation
    key_connectors: tuple[str, ...]  # removing one splits the cooperation graph
    groups: int  # separate groups of organizations that cooperate (isolated ones included)
    cooperations: int  # cooperation edges touching the network's organizations


def measures(network_id: str, orgs: pd.DataFrame, cooperations: pd.DataFrame) -> Measures:
    """Graph measures over ALL organizations of the network (not only the drawn ones)."""
    g = build_graph(network_id, network_id, orgs, cooperations, limit=len(orgs))
    coop = cooperation_graph(g)
    own = [f"org:{o}" for o in orgs["organization_id"]]
    isolated = tuple(n[4:] for n in own if coop.degree(n) == 0)
    sub = coop.subgraph(own)
    connectors = tuple(sorted(n[4:] for n in nx.articulation_points(sub)))
    return Measures(isolated=isolated, key_connectors=connectors,
                    groups=nx.number_connected_components(sub) if len(sub) else 0,
                    cooperations=coop.number_of_edges())  # fmt: skip


def bridging(network_id: str, orgs: pd.DataFrame, offers: pd.DataFrame,
             memberships: pd.DataFrame, cooperations: pd.DataFrame,
             assignments: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """Organizations of the network that bridge to another network.

    Returns ``organization_id, organization, networks`` (sorted tuple of the OTHER networks)
    and ``reason``: ``"both"`` (member of / located in another network too) or ``"coop"``
    (cooperates with an organization of another network).
    """
    nets = _org_networks(offers, memberships, assignments)
    rows = []
    partners: dict[str, set[str]] = {}
    for a, b in cooperations[["organization_id", "partner_id"]].itertuples(index=False):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    for r in orgs.itertuples(index=False):
        other = nets.get(r.organization_id, set()) - {network_id}
        if other:
            rows.append((r.organization_id, r.organization, tuple(sorted(other)), "both"))
            continue
        via = set().union(*(nets.get(p, set()) for p in partners.get(r.organization_id, ())))
        via -= {network_id} | nets.get(r.organization_id, set())
        if via:
            rows.append((r.organization_id, r.organization, tuple(sorted(via)), "coop"))
    return pd.DataFrame(rows, columns=["organization_id", "organization", "networks", "reason"])


# -- layout and drawing ------------------------------------------------------------------------
def layout(g: nx.Graph, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]²: network centre, fields on the outer ring (taxonomy order),
    organizations by a seeded spring layout between them."""
    fixed = {n: (0.0, 0.0) for n, d in g.nodes(data=True) if d["kind"] == "net"}
    for i, fid in enumerate(FIELD_IDS):
        angle = 2 * math.pi * i / len(FIELD_IDS) - math.pi / 2
        fixed[f"field:{fid}"] = (math.cos(angle), math.sin(angle))
    orgs = [n for n, d in g.nodes(data=True) if d["kind"] == "org"]
    if not orgs:
        return fixed
    start = {n: (0.55 * math.cos(2 * math.pi * i / len(orgs)),
                 0.55 * math.sin(2 * math.pi * i / len(orgs))) for i, n in enumerate(orgs)}
    k = 0.9 / math.sqrt(len(g))
    pos = nx.spring_layout(g, pos={**fixed, **start}, fixed=list(fixed), seed=seed, k=k,
                           iterations=60)  # fmt: skip
    out = {n: (float(x), float(y)) for n, (x, y) in pos.items()}
    for _ in range(30):  # push apart organizations drawn on top of each other
        moved = False
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                (ax, ay), (bx, by) = out[a], out[b]
                dx, dy = bx - ax, by - ay
                d = math.hypot(dx, dy)
                if d < 0.07:
                    if d < 1e-9:
                        dx, dy, d = math.cos(i), math.sin(i), 1.0
                    push = (0.07 - d) / 2 + 0.002
                    out[a] = (ax - dx / d * push, ay - dy / d * push)
                    out[b] = (bx + dx / d * push, by + dy / d * push)
                    moved = True
        if not moved:
            break
    for n in orgs:  # keep organizations inside the ring of fields
        x, y = out[n]
        r = math.hypot(x, y)
        if r > 0.82:
            out[n] = (x * 0.82 / r, y * 0.82 / r)
    return out


#: colour-blind-safe (Okabe–Ito) node and edge colours; shapes differ too
NODE_STYLE = {
    "net": ("#000000", "diamond"),
    "field": ("#E69F00", "square"),
    "member": ("#0072B2", "circle"),
    "area": ("#56B4E9", "circle"),
    "external": ("#999999", "circle"),
    "isolated": ("#D55E00", "circle"),
}
EDGE_STYLE = {"member": ("#0072B2", "none"), "coop": ("#009E73", "none"),
              "serves": ("#c9a75a", "3 3")}  # fmt: skip


def to_svg(g: nx.Graph, pos: dict[str, tuple[float, float]], labels: dict[str, str],
           *, isolated: set[str] = frozenset(), size: int = 640,
           title: str = "") -> str:  # fmt: skip
    """The graph as inline SVG (all text escaped).

    ``labels`` maps node ids to their hover/label texts (already in the UI language);
    organizations in ``isolated`` (ids without prefix) are drawn in the "isolated" style.
    Every node is a ``<g class="node" data-node="…">`` with a ``<title>``; organizations are
    also ``tabindex="0" role="button"``, so the page makes them clickable and
    keyboard-reachable.
    """
    pad = 60
    scale = (size - 2 * pad) / 2

    def xy(n: str) -> tuple[float, float]:
        x, y = pos[n]
        return pad + (x + 1) * scale, pad + (1 - y) * scale

    esc = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="atlas-graph" '
             f'viewBox="0 0 {size} {size}" role="group" aria-label="{esc(title)}">',
             f"<title>{esc(title)}</title>"]  # fmt: skip
    for a, b, d in g.edges(data=True):
        colour, dash = EDGE_STYLE[d["kind"]]
        (x1, y1), (x2, y2) = xy(a), xy(b)
        width = 2.2 if d["kind"] == "coop" else 1.2
        parts.append(f'<line class="edge {d["kind"]}" x1="{x1:.1f}" y1="{y1:.1f}" '
                     f'x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="{width}" '
                     f'stroke-dasharray="{dash}" opacity="0.75"/>')  # fmt: skip
    texts: list[str] = []
    for n, d in g.nodes(data=True):
        x, y = xy(n)
        kind = d["kind"]
        style = kind if kind != "org" else (
            "isolated" if n[4:] in isolated and d.get("membership") != "external"
            else "member" if d.get("membership") not in ("area", "external")
            else d.get("membership"))  # fmt: skip
        colour, shape = NODE_STYLE[style]
        label = labels.get(n, n)
        r = 14 if kind == "net" else 9 if kind == "field" else 5 + min(6, math.sqrt(
            max(d.get("offers", 0), 1)))  # fmt: skip
        if shape == "diamond":
            mark = (f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},'
                    f'{y + r:.1f} {x - r:.1f},{y:.1f}" fill="{colour}"/>')  # fmt: skip
        elif shape == "square":
            mark = (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" '
                    f'height="{2 * r:.1f}" fill="{colour}"/>')  # fmt: skip
        else:
            stroke = ' stroke="#000" stroke-width="1.5"' if d.get("role") == "lead" else ""
            mark = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"{stroke}/>'
        text = ""
        if kind != "org" or d.get("role") == "lead" or g.number_of_nodes() <= 40:
            shown = d.get("label") if kind == "org" else label
            short = shown if len(shown) <= 28 else shown[:27] + "…"
            anchor = "middle" if kind != "field" else ("start" if x >= size / 2 else "end")
            dy = -r - 4 if kind != "field" else 4
            dx = 0 if kind != "field" else (r + 4 if x >= size / 2 else -r - 4)
            text = (f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}" '
                    f'font-size="11">{esc(short)}</text>')  # fmt: skip
        # organizations are buttons (click opens the card); the name is the full label
        active = (f' tabindex="0" role="button" aria-label="{esc(label)}"' if kind == "org"
                  else "")  # fmt: skip
        parts.append(f'<g class="node {style}" data-node="{esc(n)}"{active}>'
                     f"<title>{esc(label)}</title>{mark}</g>")
        texts.append(text)
    # visible names in their own layer: a button's accessible name is its full label
    parts.append('<g class="labels" aria-hidden="true" pointer-events="none">'
                 + "".join(texts) + "</g></svg>")
    return "".join(parts)
