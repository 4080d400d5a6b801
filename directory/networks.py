"""KMN regional networks (Regionalverbünde) and their district assignment.

The reference is ``data/regional_networks.yaml`` (4 of 10 names verified, coverage inferred
from documented members). :func:`load_networks` mirrors it into the store once: one
``RegionalNetwork`` per network and one ``NetworkAssignment`` per district of Lower Saxony —
``unknown`` with no network where no source supports one. Afterwards the store is the truth:
coordinators change assignments there (audited); the yaml is not read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import select

from directory.ids import stable_id
from directory.model import NetworkAssignment, RegionalNetwork
from directory.store import Store

NETWORKS_YAML = Path(__file__).resolve().parent.parent / "data" / "regional_networks.yaml"
SEED_ACTOR = "seed:regional_networks.yaml"


@dataclass(frozen=True)
class NetworkRef:
    """One regional network as the reference data describes it."""

    id: str
    name: str
    name_status: str  # verified | unknown
    coverage_status: str  # inferred | unknown
    districts: tuple[tuple[str, str], ...]  # (ags, basis)
    sources: tuple[dict, ...]
    lead: str | None = None  # Federführung as the sources name it
    alt_names: tuple[str, ...] = ()


@cache
def reference_networks(path: Path = NETWORKS_YAML) -> tuple[NetworkRef, ...]:
    """The networks of the reference file, in file order."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["networks"]
    return tuple(
        NetworkRef(
            id=n["id"],
            name=n["name"],
            name_status=n["name_status"],
            coverage_status=n["coverage_status"],
            districts=tuple((d["ags"], d["basis"]) for d in n.get("districts") or ()),
            sources=tuple(n.get("sources") or ()),
            lead=n.get("lead") or None,
            alt_names=tuple(n.get("alt_names") or ()),
        )
        for n in raw
    )


def reference_assignment(all_ags: list[str]) -> dict[str, tuple[str | None, str, str | None]]:
    """District AGS → (network id or None, status, basis) for every district in ``all_ags``."""
    result: dict[str, tuple[str | None, str, str | None]] = {
        ags: (None, "unknown", None) for ags in all_ags
    }
    for net in reference_networks():
        for ags, basis in net.districts:
            if ags not in result:
                raise ValueError(f"network {net.id}: unknown district {ags}")
            if result[ags][0] is not None:
                raise ValueError(f"district {ags} is assigned twice")
            result[ags] = (net.id, "inferred", basis)
    return result


def load_networks(store: Store, all_ags: list[str], *, actor: str = SEED_ACTOR) -> int:
    """Insert networks and district assignments not yet stored; returns rows added."""
    networks = [
        RegionalNetwork(
            id=n.id,
            name=n.name,
            status="verified" if n.name_status == "verified" else "unknown",
            created_by=actor,
            updated_by=actor,
        )
        for n in reference_networks()
    ]
    assignments = [
        NetworkAssignment(
            id=stable_id("network_assignment", ags),
            district_ags=ags,
            network_id=net_id,
            status=status,
            note=basis,
            created_by=actor,
            updated_by=actor,
        )
        for ags, (net_id, status, basis) in sorted(reference_assignment(all_ags).items())
    ]
    with store.session() as s:
        have_nets = set(s.scalars(select(RegionalNetwork.id)))
        have_ags = set(s.scalars(select(NetworkAssignment.district_ags)))
        new = [n for n in networks if n.id not in have_nets]
        new += [a for a in assignments if a.district_ags not in have_ags]
        if new:
            store.add(*new, actor=actor, session=s)
    return len(new)


def ensure_networks(store: Store) -> int:
    """:func:`load_networks` for every district of Lower Saxony; returns rows added."""
    from geo.boundaries import load_districts

    return load_networks(store, sorted(load_districts()["ags"]))


# -- read side for pages -----------------------------------------------------------------------
NETWORK_COLUMNS = ("network_id", "name", "status", "coverage_status", "lead", "sources",
                   "alt_names")  # fmt: skip


def network_table(store: Store) -> pd.DataFrame:
    """The stored networks with what the reference data knows about them.

    Columns :data:`NETWORK_COLUMNS`: ``status`` is the stored name status (``verified`` |
    ``unknown``), ``coverage_status`` (``inferred`` | ``unknown``), ``lead`` and
    ``sources`` (tuple of dicts with ``url``, optional ``date`` and ``excerpt``) come from
    ``data/regional_networks.yaml``. Ordered as in the reference file, then by id.
    """
    refs = {n.id: n for n in reference_networks()}
    order = {nid: i for i, nid in enumerate(refs)}
    with store.session() as s:
        rows = s.execute(select(RegionalNetwork.id, RegionalNetwork.name,
                                RegionalNetwork.status)).all()  # fmt: skip
    out = []
    for nid, name, status in sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[0])):
        ref = refs.get(nid)
        out.append((nid, name or nid, status or "unknown",
                    ref.coverage_status if ref else "unknown", ref.lead if ref else None,
                    ref.sources if ref else (), ref.alt_names if ref else ()))  # fmt: skip
    return pd.DataFrame(out, columns=list(NETWORK_COLUMNS), dtype=object)


def district_assignments(store: Store) -> pd.DataFrame:
    """District → network: ``district_ags, network_id (or None), status, note``."""
    with store.session() as s:
        rows = s.execute(select(NetworkAssignment.district_ags, NetworkAssignment.network_id,
                                NetworkAssignment.status, NetworkAssignment.note)
                         .order_by(NetworkAssignment.district_ags)).all()  # fmt: skip
    return pd.DataFrame([tuple(r) for r in rows],
                        columns=["district_ags", "network_id", "status", "note"], dtype=object)
