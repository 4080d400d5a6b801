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
