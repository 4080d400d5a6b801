"""The finder's query: URL parameters ⇄ filters ⇄ filtered offers ⇄ a human sentence.

Modelled on datasette's ``Filters``: the URL is the whole state of a search, so every view
can be shared. :meth:`FinderQuery.from_params` never fails: unknown or malformed values are
dropped (and reported in ``dropped``), so a hand-edited link still opens.

URL parameters (all optional): ``q`` (postcode or place), ``r`` (radius km), ``feld`` (field
of action), ``art`` (kind of offer), ``gruppe`` (target group), ``sprache`` (language spoken
at the office, ISO 639-1), ``barrierefrei=1``, ``offen=1`` (open now), ``wahl`` (the selected
offer's row key). The UI language is ``lang`` and handled by the shell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from datetime import datetime

import numpy as np
import pandas as pd

from directory.hours import BERLIN, is_open
from directory.taxonomy import FIELD_IDS, KIND_IDS, LANGUAGE_CODES, TARGET_GROUP_IDS
from geo.distance import haversine_km
from geo.geocode import GeocodeResult, geocode

RADIUS_CHOICES: tuple[int, ...] = (5, 10, 25, 50, 100, 200)
DEFAULT_RADIUS = 25
MAX_QUERY_LENGTH = 100


def _first(value: object) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)


@dataclass(frozen=True)
class FinderQuery:
    """One search of the finder. Immutable; use :meth:`with_` to change a part."""

    q: str = ""
    radius_km: int = DEFAULT_RADIUS
    field: str | None = None
    kind: str | None = None
    group: str | None = None
    language: str | None = None
    accessible: bool = False
    open_now: bool = False
    selected: str | None = None
    dropped: tuple[str, ...] = dc_field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> FinderQuery:
        """Read a query from URL parameters; invalid values are dropped, never raised.

        Examples
        --------
        >>> FinderQuery.from_params({"q": "37073", "feld": "schule", "r": "10"}).to_params()
        {'q': '37073', 'r': '10', 'feld': 'schule'}
        >>> FinderQuery.from_params({"feld": "<script>"}).dropped
        ('feld',)
        """
        dropped: list[str] = []

        def pick(name: str, allowed: tuple[str, ...]) -> str | None:
            value = _first(params.get(name))
            if value is None or value == "":
                return None
            if value in allowed:
                return value
            dropped.append(name)
            return None

        radius = DEFAULT_RADIUS
        raw_radius = _first(params.get("r"))
        if raw_radius:
            if raw_radius.isdigit() and int(raw_radius) in RADIUS_CHOICES:
                radius = int(raw_radius)
            else:
                dropped.append("r")
        q = " ".join((_first(params.get("q")) or "").split())[:MAX_QUERY_LENGTH]
        selected = (_first(params.get("wahl")) or "")[:80] or None
        return cls(
            q=q,
            radius_km=radius,
            field=pick("feld", FIELD_IDS),
            kind=pick("art", KIND_IDS),
            group=pick("gruppe", TARGET_GROUP_IDS),
            language=pick("sprache", LANGUAGE_CODES),
            accessible=_first(params.get("barrierefrei")) == "1",
            open_now=_first(params.get("offen")) == "1",
            selected=selected,
            dropped=tuple(dropped),
        )

    def to_params(self) -> dict[str, str]:
        """The URL parameters of this query (defaults left out, stable order)."""
        params = {
            "q": self.q,
            "r": str(self.radius_km) if self.radius_km != DEFAULT_RADIUS else "",
            "feld": self.field or "",
            "art": self.kind or "",
            "gruppe": self.group or "",
            "sprache": self.language or "",
            "barrierefrei": "1" if self.accessible else "",
            "offen": "1" if self.open_now else "",
            "wahl": self.selected or "",
        }
        return {k: v for k, v in params.items() if v}

    def with_(self, **changes: object) -> FinderQuery:
        return replace(self, **changes)

    @property
    def has_filters(self) -> bool:
        return any((self.field, self.kind, self.group, self.language, self.accessible,
                    self.open_now))  # fmt: skip

    def apply(self, offers: pd.DataFrame, *, now: datetime | None = None) -> pd.DataFrame:
        """Offers matching every attribute filter (distance is applied separately).

        "Open now" keeps offices whose hours are unknown (column ``open_now`` is then
        None) — they may be open, and the card says the hours are unknown.
        """
        if not (self.field or self.kind or self.group or self.language or self.accessible
                or self.open_now):
            return offers
        mask = pd.Series(True, index=offers.index)
        if self.field:
            mask &= offers["fields"].map(lambda v: self.field in (v or ()))
        if self.kind:
            mask &= offers["kind"] == self.kind
        if self.group:
            mask &= offers["target_groups"].map(lambda v: self.group in (v or ()))
        if self.language:
            mask &= offers["languages"].map(lambda v: self.language in (v or ()))
        if self.accessible:
            mask &= offers["accessibility"] == "yes"
        result = offers[mask]
        if self.open_now:
            at = now or datetime.now(BERLIN)
            state = result["opening_hours"].map(lambda h: is_open(h, at))
            result = result[state.map(lambda s: s is not False)]
        return result

    def describe(
        self, translate: Callable[..., str], language_name: Callable[[str], str]
    ) -> str:
        """A sentence saying what is shown, e.g. for screen readers and the results header.

        ``translate(key, **values)`` is the page's bound translation function,
        ``language_name(code)`` names a language in the UI language.
        """
        parts = []
        if self.field:
            parts.append(translate(f"field.{self.field}"))
        if self.kind:
            parts.append(translate(f"kind.{self.kind}"))
        if self.group:
            parts.append(translate(f"group.{self.group}"))
        if self.language:
            parts.append(
                translate("finder.describe_language", language=language_name(self.language))
            )
        if self.accessible:
            parts.append(translate("finder.accessible"))
        if self.open_now:
            parts.append(translate("finder.open_now"))
        base = translate("finder.describe", radius=self.radius_km, place=self.q)
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
    lats = matching["lat"].to_numpy(dtype=float)
    lons = matching["lon"].to_numpy(dtype=float)
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
