"""The network map's state: URL parameters ⇄ :class:`NetworkQuery` ⇄ filtered offers.

Like :class:`directory.finder.FinderQuery`, reading never fails: an unknown network,
district, field, kind, group, level or layer is dropped (and named in ``dropped``), so a
hand-edited link still opens. ``feld``, ``art`` and ``gruppe`` are the entries of the one
registry in :mod:`directory.filters` (parsed, written, applied and labelled as in the
finder); the map's own parameters are :class:`~directory.filters.Param` entries below.

URL parameters (all optional): ``rv`` (regional network id), ``kreis`` (district AGS),
``feld`` (field of action), ``art`` (kind), ``gruppe`` (target group), ``ebene`` (map level:
``netz`` | ``region`` | ``dichte``), ``ebenen`` (comma-separated layers: ``beratung``,
``mso``, ``projekte``, ``lotsen``; ``keine`` for none), ``matrix`` (coverage by ``feld`` |
``art`` | ``gruppe``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from directory.filters import Param, ParamSet, Partly, Query, choice
from geo.netmap import LAYER_IDS, LAYERS

LEVELS: tuple[str, ...] = ("netz", "region", "dichte")
MATRIX_DIMENSIONS: dict[str, str] = {"feld": "field", "art": "kind", "gruppe": "group"}
NO_LAYERS = "keine"


def _id(raw: str) -> str:
    """A network id or district AGS; which ones exist only the store knows (``allowed``)."""
    return raw


def _layers(raw: str) -> tuple[str, ...]:
    """Comma-separated layers in canonical order; ``keine`` for none, unknown ones dropped."""
    parts = [p for p in raw.split(",") if p]
    if parts == [NO_LAYERS]:
        return ()
    good = tuple(p for p in LAYER_IDS if p in parts)
    layers = good if good or not parts else LAYER_IDS
    if len(good) != len(set(parts)):
        raise Partly(raw, layers)
    return layers


#: The network map's own parameters (``feld``, ``art``, ``gruppe`` are the registry's).
NETWORK = Param("rv", "network", _id, widget="select", label_key="net.select_network")
DISTRICT = Param("kreis", "district", _id, widget="select", label_key="net.select_district")
LEVEL = choice("ebene", "level", LEVELS, default="netz", label_key="net.level",
               option_prefix="net.level", widget="radio")
LAYERS_PARAM = Param("ebenen", "layers", _layers, default=LAYER_IDS,
                     format=lambda layers: ",".join(layers) or NO_LAYERS,
                     label_key="net.layers")  # fmt: skip
MATRIX = choice("matrix", "matrix", tuple(MATRIX_DIMENSIONS), default="feld",
                label_key="net.matrix_by", option_prefix="net.matrix", widget="radio")


class NetworkQuery(Query):
    """One view of the network map. Immutable; :meth:`with_` changes a part.

    Attributes: ``network``, ``district``, ``field``, ``kind``, ``group``, ``level``,
    ``layers``, ``matrix``; ``dropped`` names the malformed parameters of the URL read.
    """

    params = ParamSet.page(NETWORK, DISTRICT, "feld", "art", "gruppe", LEVEL, LAYERS_PARAM,
                           MATRIX)  # fmt: skip

    @classmethod
    def from_params(cls, params: Mapping[str, object], *, networks: Collection[str],
                    districts: Collection[str]) -> NetworkQuery:  # fmt: skip
        """Read the view from URL parameters; invalid values are dropped, never raised.

        >>> q = NetworkQuery.from_params({"rv": "heide", "ebene": "x", "ebenen": "mso,lotsen"},
        ...                              networks={"heide"}, districts=set())
        >>> q.network, q.level, q.layers, q.dropped
        ('heide', 'netz', ('mso', 'lotsen'), ('ebene',))
        """
        return super().from_params(params, allowed={"rv": networks, "kreis": districts})

    def filtered(self, offers: pd.DataFrame) -> pd.DataFrame:
        """Offers matching field, kind and target group (the registry's filters)."""
        return self.apply(offers)

    def in_layers(self, offers: pd.DataFrame) -> pd.DataFrame:
        """Offers whose kind belongs to an active layer."""
        kinds = {k for layer in self.layers for k in LAYERS[layer][0]}
        return offers[offers["kind"].isin(kinds)]
