"""The network map's state: URL parameters ⇄ :class:`NetworkQuery` ⇄ filtered offers.

Like :class:`directory.finder.FinderQuery`, reading never fails: an unknown network,
district, field, kind, group, level or layer is dropped (and named in ``dropped``), so a
hand-edited link still opens. Attribute filters reuse the finder's one implementation
(:meth:`FinderQuery.apply`).

URL parameters (all optional): ``rv`` (regional network id), ``kreis`` (district AGS),
``feld`` (field of action), ``art`` (kind), ``gruppe`` (target group), ``ebene`` (map level:
``netz`` | ``region`` | ``dichte``), ``ebenen`` (comma-separated layers: ``beratung``,
``mso``, ``projekte``, ``lotsen``; ``keine`` for none), ``matrix`` (coverage by ``feld`` |
``art`` | ``gruppe``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field

import pandas as pd

from directory.finder import FinderQuery
from directory.taxonomy import FIELD_IDS, KIND_IDS, TARGET_GROUP_IDS
from geo.netmap import LAYER_IDS, LAYERS

LEVELS: tuple[str, ...] = ("netz", "region", "dichte")
MATRIX_DIMENSIONS: dict[str, str] = {"feld": "field", "art": "kind", "gruppe": "group"}
NO_LAYERS = "keine"


def _first(value: object) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)


@dataclass(frozen=True)
class NetworkQuery:
    """One view of the network map. Immutable; :meth:`with_` changes a part."""

    network: str | None = None
    district: str | None = None
    field: str | None = None
    kind: str | None = None
    group: str | None = None
    level: str = "netz"
    layers: tuple[str, ...] = LAYER_IDS
    matrix: str = "feld"
    dropped: tuple[str, ...] = dc_field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, object], *, networks: Collection[str],
                    districts: Collection[str]) -> NetworkQuery:  # fmt: skip
        """Read the view from URL parameters; invalid values are dropped, never raised.

        >>> q = NetworkQuery.from_params({"rv": "heide", "ebene": "x", "ebenen": "mso,lotsen"},
        ...                              networks={"heide"}, districts=set())
        >>> q.network, q.level, q.layers, q.dropped
        ('heide', 'netz', ('mso', 'lotsen'), ('ebene',))
        """
        dropped: list[str] = []

        def pick(name: str, allowed: Collection[str], default: str | None = None) -> str | None:
            value = _first(params.get(name))
            if value is None or value == "":
                return default
            if value in allowed:
                return value
            dropped.append(name)
            return default

        layers = LAYER_IDS
        raw = _first(params.get("ebenen"))
        if raw is not None:
            parts = [p for p in raw.split(",") if p]
            if parts == [NO_LAYERS]:
                layers = ()
            else:
                good = tuple(p for p in LAYER_IDS if p in parts)
                if len(good) != len(set(parts)):
                    dropped.append("ebenen")
                layers = good if good or not parts else LAYER_IDS
        return cls(
            network=pick("rv", networks), district=pick("kreis", districts),
            field=pick("feld", FIELD_IDS), kind=pick("art", KIND_IDS),
            group=pick("gruppe", TARGET_GROUP_IDS), level=pick("ebene", LEVELS, "netz"),
            layers=layers, matrix=pick("matrix", MATRIX_DIMENSIONS, "feld"),
            dropped=tuple(dropped),
        )  # fmt: skip

    def to_params(self) -> dict[str, str]:
        """URL parameters of this view (defaults left out, stable order)."""
        params = {
            "rv": self.network or "", "kreis": self.district or "", "feld": self.field or "",
            "art": self.kind or "", "gruppe": self.group or "",
            "ebene": self.level if self.level != "netz" else "",
            "ebenen": "" if self.layers == LAYER_IDS else (",".join(self.layers) or NO_LAYERS),
            "matrix": self.matrix if self.matrix != "feld" else "",
        }  # fmt: skip
        return {k: v for k, v in params.items() if v}

    def with_(self, **changes: object) -> NetworkQuery:
        return replace(self, **changes)

    def filtered(self, offers: pd.DataFrame) -> pd.DataFrame:
        """Offers matching field, kind and target group (the finder's filter)."""
        return FinderQuery(field=self.field, kind=self.kind, group=self.group).apply(offers)

    def in_layers(self, offers: pd.DataFrame) -> pd.DataFrame:
        """Offers whose kind belongs to an active layer."""
        kinds = {k for layer in self.layers for k in LAYERS[layer][0]}
        return offers[offers["kind"].isin(kinds)]
