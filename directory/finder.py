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
from i18n import t_easy

__all__ = ["DEFAULT_RADIUS", "KIND_RELEVANCE", "MAX_QUERY_LENGTH", "MAX_RADIUS", "RADIUS_CHOICES",
           "FinderQuery", "SearchOutcome", "locate", "nearest_first", "relevance",
           "search"]  # fmt: skip

#: The largest radius the finder offers: at it, "enlarge the radius" is no advice.
MAX_RADIUS = max(RADIUS_CHOICES)
#: Offers whose distances round to the same shown value (0.1 km) are a tie.
TIE_KM = 0.1
#: How many offers with unknown languages are shown when a language is asked for.
UNKNOWN_LANGUAGE_LIMIT = 10

#: Relevance of the kinds of offer for the finder's question ("where can I get advice?"),
#: most relevant first: individual counselling, then the municipal and skilled-immigration
#: offices that advise too, then coordination and volunteer guides, then migrant
#: self-organisations and projects (encounter cafés, gardens). Decides ties in distance.
KIND_RELEVANCE: tuple[str, ...] = (
    "migrationsberatung", "mbe", "jmd", "kommunal", "welcome_center",
    "koordinierungsstelle", "integrationslotsen", "selbstorganisation", "projekt",
)  # fmt: skip

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
        """A sentence saying what is shown, e.g. for screen readers and the results header
        (in German Leichte Sprache with ``ls=1``)."""
        base = t_easy("finder.describe", lang, self.easy, radius=self.radius_km, place=self.q)
        parts = self.describe_parts(lang, self.easy)
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


def relevance(kind: object, query: FinderQuery | None = None) -> int:
    """Rank of an offer kind for a finder search, 0 = most relevant (see
    :data:`KIND_RELEVANCE`); the kind asked for (``art``) comes first, then a youth
    migration service for a search for young people. Unknown kinds come last.

    >>> relevance("mbe") < relevance("selbstorganisation") < relevance("projekt")
    True
    >>> relevance("projekt", FinderQuery(kind="projekt"))
    0
    >>> young = FinderQuery(group="jugendliche")
    >>> relevance("jmd", young) < relevance("migrationsberatung", young)
    True
    """
    if query is not None and query.kind and kind == query.kind:
        return 0
    order = KIND_RELEVANCE
    if query is not None and query.group == "jugendliche":
        order = ("jmd", *(k for k in KIND_RELEVANCE if k != "jmd"))
    return order.index(kind) + 1 if kind in order else len(order) + 1


def nearest_first(frame: pd.DataFrame, dist: np.ndarray,
                  query: FinderQuery | None = None) -> np.ndarray:  # fmt: skip
    """Positions of ``frame`` ordered by distance; offers at the same shown distance
    (:data:`TIE_KM`, e.g. all offices placed at a town's centre) by :func:`relevance`,
    then by name."""
    if not len(frame):
        return np.arange(0)
    steps = np.round(np.asarray(dist, dtype=float) / TIE_KM)
    ranks = np.fromiter((relevance(k, query) for k in frame["kind"]), dtype=int,
                        count=len(frame))  # fmt: skip
    names = frame["name"].astype("string").fillna("").str.casefold().to_numpy(dtype=object)
    return np.lexsort((names, ranks, steps))


@dataclass(frozen=True)
class SearchOutcome:
    """What the finder shows for one query: the located point and the offers near it."""

    located: GeocodeResult
    results: pd.DataFrame  # matching offers within the radius, nearest first, distance_km
    outside_radius: int  # matching offers further away than the radius
    without_position: int  # matching offers with no map position
    #: with a language filter: the nearest offers matching everything else whose languages
    #: are unknown ("may speak your language — ask by phone"); within the radius when there
    #: are any, else the nearest anywhere (``unknown_beyond_radius``)
    unknown_language: pd.DataFrame | None = None
    unknown_beyond_radius: bool = False
    at_max_radius: bool = False


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
    order = inside[nearest_first(matching.iloc[inside], dist[inside], query)]
    within = matching.iloc[order].assign(distance_km=dist[order])
    placed = int(np.count_nonzero(~np.isnan(dist)))
    unknown, beyond = (None, False)
    if query.language:
        unknown, beyond = _unknown_language(offers, query, point, now=now)
    return SearchOutcome(
        located=located,
        results=within,
        outside_radius=placed - len(inside),
        without_position=len(matching) - placed,
        unknown_language=unknown,
        unknown_beyond_radius=beyond,
        at_max_radius=query.radius_km >= MAX_RADIUS,
    )


def _unknown_language(offers: pd.DataFrame, query: FinderQuery, point, *,
                      now: datetime | None) -> tuple[pd.DataFrame, bool]:  # fmt: skip
    """The nearest offers matching ``query`` but its language, whose languages are unknown;
    the visitor is asked to call and ask, so offers with a phone number come first (each
    group nearest first)."""
    others = query.with_(language=None).apply(offers, now=now)
    none_known = np.fromiter((v is None or len(v) == 0 for v in others["languages"]),
                             dtype=bool, count=len(others))  # fmt: skip
    unknown = others.iloc[np.flatnonzero(none_known)]
    lats = pd.to_numeric(unknown["lat"], errors="coerce").to_numpy(dtype=float)
    lons = pd.to_numeric(unknown["lon"], errors="coerce").to_numpy(dtype=float)
    dist = haversine_km(point.lat, point.lon, lats, lons)
    placed = np.flatnonzero(~np.isnan(dist))
    inside = placed[dist[placed] <= query.radius_km]
    pool = inside if len(inside) else placed
    ranked = pool[nearest_first(unknown.iloc[pool], dist[pool], query)]
    phone = unknown["phone"].to_numpy(dtype=object)[ranked] if "phone" in unknown else []
    callable_ = np.fromiter((isinstance(p, str) and bool(p.strip()) for p in phone),
                            dtype=bool, count=len(phone))  # fmt: skip
    if len(callable_):
        ranked = np.concatenate([ranked[callable_], ranked[~callable_]])
    order = ranked[:UNKNOWN_LANGUAGE_LIMIT]
    return (unknown.iloc[order].assign(distance_km=dist[order]),
            bool(len(placed) and not len(inside)))
