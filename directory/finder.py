"""The finder's query: URL parameters ⇄ filters ⇄ filtered offers ⇄ a human sentence.

The URL is the whole state of a search, so every view can be shared. The parameters
(``q`` postcode or place, ``r`` radius km, ``feld`` field of action, ``art`` kind of
offer, ``gruppe`` target group, ``sprache`` language spoken at the office, ``barrierefrei=1``,
``offen=1`` open now, ``wahl`` the selected offer) are entries of the one registry in
:mod:`directory.filters`; :class:`FinderQuery` is the registry's generic
:class:`~directory.filters.Query` over them. :meth:`FinderQuery.from_params` never fails:
unknown or malformed values are dropped (and named in ``dropped``), so a hand-edited link
still opens. The UI language ``lang`` is read by the shell from the same registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from directory.filters import DEFAULT_RADIUS, MAX_QUERY_LENGTH, RADIUS_CHOICES, ParamSet, Query
from geo.distance import haversine_km
from geo.geocode import GeocodeResult, geocode
from i18n import t

__all__ = ["DEFAULT_RADIUS", "MAX_QUERY_LENGTH", "RADIUS_CHOICES", "FinderQuery", "SearchOutcome",
           "locate", "search"]  # fmt: skip

#: The parameters of the finder page (all of the registry but the shell's ``lang``).
FINDER_PARAMS = ParamSet.of("q", "r", "feld", "art", "gruppe", "sprache", "barrierefrei",
                            "offen", "wahl", "ls")  # fmt: skip


class FinderQuery(Query):
    """One search of the finder. Immutable; use :meth:`with_` to change a part.

    Attributes (from the registry): ``q``, ``radius_km``, ``field``, ``kind``, ``group``,
    ``language``, ``accessible``, ``open_now``, ``selected``, ``easy`` (Leichte Sprache);
    ``dropped`` names the malformed parameters of the URL it was read from.

    Examples
    --------
    >>> FinderQuery.from_params({"q": "37073", "feld": "schule", "r": "10"}).to_params()
    {'q': '37073', 'r': '10', 'feld': 'schule'}
    >>> FinderQuery.from_params({"feld": "<script>"}).dropped
    ('feld',)
    >>> FinderQuery(q="Celle", radius_km=50, open_now=True).describe("de")
    'Umkreis 50 km um Celle · jetzt geöffnet'
    """

    params = FINDER_PARAMS

    def describe(self, lang: str) -> str:
        """A sentence saying what is shown, e.g. for screen readers and the results header."""
        base = t("finder.describe", lang, radius=self.radius_km, place=self.q)
        parts = self.describe_parts(lang)
        return base + (" · " + ", ".join(parts) if parts else "")


def locate(q: str) -> GeocodeResult:
    """Geocode the search text; a label picked from an earlier "did you mean" list
    (e.g. "Neustadt (Braunschweig)") resolves to exactly that place."""
    result = geocode(q)
    if result.status == "ambiguous":
        for match in result.matches:
            if match.label == q:
                return GeocodeResult(status="found", matches=(match,))
    return result


@dataclass(frozen=True)
class SearchOutcome:
    """What the finder shows for one query: the located point and the offers near it."""

    located: GeocodeResult
    results: pd.DataFrame  # matching offers within the radius, nearest first, distance_km
    outside_radius: int  # matching offers further away than the radius
    without_position: int  # matching offers with no map position


def search(offers: pd.DataFrame, query: FinderQuery, *, now: datetime | None = None,
           ) -> SearchOutcome:  # fmt: skip
    """Run a finder query against the offers: locate, filter, sort by distance."""
    located = locate(query.q) if query.q else GeocodeResult(status="empty")
    matching = query.apply(offers, now=now)
    if located.status != "found":
        return SearchOutcome(located, matching.iloc[0:0].assign(distance_km=[]), 0, 0)
    point = located.matches[0]
    # Distances for all matching rows at once (NaN without coordinates, which never
    # compares <= radius); only the rows inside the radius are sorted and copied.
    lats = pd.to_numeric(matching["lat"], errors="coerce").to_numpy(dtype=float)
    lons = pd.to_numeric(matching["lon"], errors="coerce").to_numpy(dtype=float)
    dist = haversine_km(point.lat, point.lon, lats, lons)
    inside = np.flatnonzero(dist <= query.radius_km)
    order = inside[np.argsort(dist[inside], kind="stable")]
    within = matching.iloc[order].assign(distance_km=dist[order])
    placed = int(np.count_nonzero(~np.isnan(dist)))
    return SearchOutcome(
        located=located,
        results=within,
        outside_radius=placed - len(inside),
        without_position=len(matching) - placed,
    )
