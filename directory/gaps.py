"""The gap page's query: URL parameters ⇄ filters and what-if changes ⇄ the analysis.

Like :class:`directory.finder.FinderQuery`, :meth:`GapQuery.from_params` never fails:
unknown or malformed values are dropped (and listed in ``dropped``), so a hand-edited link
still opens. The attribute filters are the finder's (one implementation).

URL parameters (all optional): ``feld``, ``art``, ``gruppe`` (as in the finder), ``r``
(radius km, 5–100 in steps of 5), ``k`` (new offices to suggest, 1–10), ``nachfrage``
(``einwohner`` | ``auslaender`` | ``upload``), ``abfall`` (2SFCA distance decay: ``keine`` |
``gauss``), ``kennzahl`` (what the district map shows), ``neu`` (hypothetical offices,
``lat,lon`` pairs joined by ``~``), ``ohne`` (offers left out, service ids joined by
``~``), ``demo=1`` (include fictional demo offers).

:func:`run` filters the offers, applies the what-if changes and calls
:func:`geo.gaps.analyse`; :func:`district_records` gives the CLI's records.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field

import numpy as np
import pandas as pd

from directory.finder import FinderQuery
from directory.taxonomy import FIELD_IDS, KIND_IDS, TARGET_GROUP_IDS
from geo.boundaries import districts_of
from geo.demand import district_demand
from geo.gaps import GapResult, analyse

RADIUS_MIN, RADIUS_MAX, RADIUS_STEP = 5, 100, 5
DEFAULT_RADIUS = 25
K_MIN, K_MAX = 1, 10
DEFAULT_K = 3
#: URL value → demand source (``upload``: a per-district file the planner brought)
DEMANDS: dict[str, str] = {"einwohner": "population", "auslaender": "foreign",
                           "upload": "upload"}  # fmt: skip
#: URL value → decay id of :mod:`geo.access`
DECAYS: dict[str, str] = {"keine": "none", "gauss": "gauss"}
#: URL value → district column shown on the map
METRICS: dict[str, str] = {"anteil": "share_beyond", "distanz": "mean_distance_km",
                           "angebote": "offers_per_100k", "zugang": "access"}  # fmt: skip
MAX_ADDED = 10
MAX_REMOVED = 50
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HYPOTHETICAL_PREFIX = "neu-"


def _first(value: object) -> str | None:
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def _point(text: str) -> tuple[float, float] | None:
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = round(float(lat_s), 4), round(float(lon_s), 4)
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return lat, lon


@dataclass(frozen=True)
class GapQuery:
    """One view of the gap page. Immutable; use :meth:`with_` to change a part."""

    field: str | None = None
    kind: str | None = None
    group: str | None = None
    radius_km: int = DEFAULT_RADIUS
    k: int = DEFAULT_K
    demand: str = "einwohner"
    decay: str = "keine"
    metric: str = "anteil"
    added: tuple[tuple[float, float], ...] = ()
    removed: tuple[str, ...] = ()
    include_demo: bool = False
    dropped: tuple[str, ...] = dc_field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> GapQuery:
        """Read a view from URL parameters; invalid values are dropped, never raised.

        Hypothetical offices outside Lower Saxony are dropped too.

        Examples
        --------
        >>> q = GapQuery.from_params({"feld": "jugendarbeit", "r": "30", "k": "99"})
        >>> q.field, q.radius_km, q.k, q.dropped
        ('jugendarbeit', 30, 3, ('k',))
        """
        dropped: list[str] = []

        def pick(name: str, allowed, default=None):
            value = _first(params.get(name))
            if value is None or value == "":
                return default
            if value in allowed:
                return value
            dropped.append(name)
            return default

        def number(name: str, low: int, high: int, step: int, default: int) -> int:
            raw = _first(params.get(name))
            if not raw:
                return default
            if raw.isdigit() and low <= int(raw) <= high and int(raw) % step == 0:
                return int(raw)
            dropped.append(name)
            return default

        added: list[tuple[float, float]] = []
        raw_added = _first(params.get("neu")) or ""
        if raw_added:
            points = [_point(p) for p in raw_added.split("~")[:MAX_ADDED]]
            ok = [p for p in points if p is not None]
            inside = districts_of([p[1] for p in ok], [p[0] for p in ok]) if ok else []
            added = list(dict.fromkeys(p for p, a in zip(ok, inside, strict=True) if a))
            if len(added) != len(raw_added.split("~")):
                dropped.append("neu")
        raw_removed = _first(params.get("ohne")) or ""
        removed = [r for r in raw_removed.split("~") if r][:MAX_REMOVED]
        if any(not _ID.match(r) for r in removed) or len(raw_removed.split("~")) > MAX_REMOVED:
            dropped.append("ohne")
        removed = list(dict.fromkeys(r for r in removed if _ID.match(r)))
        return cls(
            field=pick("feld", FIELD_IDS),
            kind=pick("art", KIND_IDS),
            group=pick("gruppe", TARGET_GROUP_IDS),
            radius_km=number("r", RADIUS_MIN, RADIUS_MAX, RADIUS_STEP, DEFAULT_RADIUS),
            k=number("k", K_MIN, K_MAX, 1, DEFAULT_K),
            demand=pick("nachfrage", DEMANDS, "einwohner"),
            decay=pick("abfall", DECAYS, "keine"),
            metric=pick("kennzahl", METRICS, "anteil"),
            added=tuple(added),
            removed=tuple(removed),
            include_demo=_first(params.get("demo")) == "1",
            dropped=tuple(dict.fromkeys(dropped)),
        )

    def to_params(self) -> dict[str, str]:
        """The URL parameters of this view (defaults left out, stable order)."""
        params = {
            "feld": self.field or "",
            "art": self.kind or "",
            "gruppe": self.group or "",
            "r": str(self.radius_km) if self.radius_km != DEFAULT_RADIUS else "",
            "k": str(self.k) if self.k != DEFAULT_K else "",
            "nachfrage": self.demand if self.demand != "einwohner" else "",
            "abfall": self.decay if self.decay != "keine" else "",
            "kennzahl": self.metric if self.metric != "anteil" else "",
            "neu": "~".join(f"{lat:.4f},{lon:.4f}" for lat, lon in self.added),
            "ohne": "~".join(self.removed),
            "demo": "1" if self.include_demo else "",
        }
        return {k: v for k, v in params.items() if v}

    def with_(self, **changes: object) -> GapQuery:
        return replace(self, **changes)

    def add(self, lat: float, lon: float) -> GapQuery:
        """This view with one more hypothetical office (rounded; at most :data:`MAX_ADDED`)."""
        point = (round(float(lat), 4), round(float(lon), 4))
        if point in self.added or len(self.added) >= MAX_ADDED:
            return self
        return self.with_(added=(*self.added, point))

    def remove(self, service_id: str) -> GapQuery:
        """This view without the offer ``service_id`` (or without the hypothetical office
        ``neu-<n>``)."""
        if service_id.startswith(HYPOTHETICAL_PREFIX):
            n = service_id[len(HYPOTHETICAL_PREFIX):]
            if n.isdigit() and int(n) < len(self.added):
                return self.with_(added=tuple(p for i, p in enumerate(self.added)
                                              if i != int(n)))  # fmt: skip
            return self
        if service_id in self.removed or len(self.removed) >= MAX_REMOVED:
            return self
        return self.with_(removed=(*self.removed, service_id))

    @property
    def filters(self) -> FinderQuery:
        return FinderQuery(field=self.field, kind=self.kind, group=self.group)

    @property
    def decay_id(self) -> str:
        return DECAYS[self.decay]

    @property
    def metric_column(self) -> str:
        return METRICS[self.metric]

    def describe(self, translate: Callable[..., str]) -> str:
        """A sentence naming the filters, e.g. "Jugendarbeit · all kinds · 25 km"."""
        parts = [
            translate(f"field.{self.field}") if self.field else translate("luecken.all_fields"),
            translate(f"kind.{self.kind}") if self.kind else translate("luecken.all_kinds"),
        ]
        if self.group:
            parts.append(translate(f"group.{self.group}"))
        parts.append(translate("luecken.radius_value", km=self.radius_km))
        return " · ".join(parts)


@dataclass(frozen=True)
class GapOutcome:
    """What the page shows for one view."""

    query: GapQuery
    result: GapResult
    offices: pd.DataFrame  # the offices analysed (hypothetical ones included), row = nearest
    unplaced: pd.DataFrame  # matching offers without a map position (never silently dropped)
    removed_found: tuple[str, ...]  # ``removed`` ids that matched an offer
    removed_names: tuple[str, ...]  # their names (for the report)
    demo_used: bool  # demo offers are among the offices
    demand_source: str  # "population", "foreign" or "upload"


def uses_demo(frame: pd.DataFrame, query: GapQuery) -> bool:
    """Demo offers count if asked for, or if the directory holds nothing but demo data."""
    if frame.empty or "is_demo" not in frame:
        return query.include_demo
    return query.include_demo or not bool((~frame["is_demo"].astype(bool)).any())


def matching_offers(frame: pd.DataFrame, query: GapQuery) -> pd.DataFrame:
    """Offers passing the filters (and the demo rule), before the what-if changes."""
    selected = query.filters.apply(frame)
    if not uses_demo(frame, query) and "is_demo" in selected:
        selected = selected[~selected["is_demo"].astype(bool)]
    return selected


def hypothetical_offices(query: GapQuery) -> pd.DataFrame:
    """The what-if additions as office rows (``service_id`` ``neu-<n>``)."""
    lats = [p[0] for p in query.added]
    lons = [p[1] for p in query.added]
    ags = districts_of(lons, lats) if lats else np.array([], dtype=object)
    return pd.DataFrame({
        "service_id": [f"{HYPOTHETICAL_PREFIX}{i}" for i in range(len(lats))],
        "name": [""] * len(lats), "organization": [""] * len(lats),
        "kind": [None] * len(lats), "city": [""] * len(lats),
        "lat": pd.Series(lats, dtype=float), "lon": pd.Series(lons, dtype=float),
        "district_ags": pd.Series(list(ags), dtype=object),
        "is_demo": [False] * len(lats), "hypothetical": [True] * len(lats),
    })  # fmt: skip


def run(
    frame: pd.DataFrame,
    query: GapQuery,
    *,
    demand: pd.Series | None = None,
) -> GapOutcome:
    """Filter, apply the what-if changes, analyse.

    Parameters
    ----------
    frame : pandas.DataFrame
        The offers frame (:func:`directory.query.offers_frame`).
    query : GapQuery
    demand : pandas.Series, optional
        Uploaded per-district demand; used when ``query.demand == "upload"`` (without it
        the population is used and ``demand_source`` says so).
    """
    selected = matching_offers(frame, query)
    removed_mask = selected["service_id"].isin(query.removed)
    removed_found = tuple(dict.fromkeys(selected.loc[removed_mask, "service_id"]))
    removed_names = tuple(dict.fromkeys(selected.loc[removed_mask, "name"].astype(str)))
    selected = selected[~removed_mask]
    placed = selected["lat"].notna() & selected["lon"].notna()
    unplaced = selected[~placed]
    extra = hypothetical_offices(query)
    base = selected.assign(hypothetical=False)
    offices = pd.concat([base, extra], ignore_index=True) if len(extra) else (
        base.reset_index(drop=True))  # fmt: skip
    source = DEMANDS[query.demand]
    if source == "upload" and demand is None:
        source = "population"
    by_district = demand if source == "upload" else (
        None if source == "population" else district_demand(source))  # fmt: skip
    result = analyse(offices, radius_km=query.radius_km, demand=by_district,
                     decay=query.decay_id)  # fmt: skip
    demo_used = bool(offices["is_demo"].astype(bool).any()) if len(offices) else False
    return GapOutcome(query=query, result=result, offices=offices, unplaced=unplaced,
                      removed_found=removed_found, removed_names=removed_names,
                      demo_used=demo_used,
                      demand_source=source)  # fmt: skip


def _num(value: float, digits: int) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def district_records(result: GapResult) -> list[dict[str, object]]:
    """One record per district for scripts (CLI ``gaps``): AGS, name, inhabitants,
    inhabitants beyond R km and their share, population-weighted mean distance (km, None
    when no office exists), offers, offers per 100,000 inhabitants and per 10,000 foreign
    residents, the 2SFCA score (offices per 100,000 people within reach), the demand and
    the demand beyond R km, and R."""
    records = []
    for row in result.districts.itertuples(index=False):
        records.append({
            "ags": row.ags, "name": row.name,
            "inhabitants": round(row.inhabitants),
            "inhabitants_beyond_r": round(row.inhabitants_beyond),
            "share_beyond_r": _num(row.share_beyond, 4),
            "mean_distance_km": _num(row.mean_distance_km, 2),
            "offers": int(row.offers),
            "offers_per_100k": _num(row.offers_per_100k, 2),
            "offers_per_10k_foreign": _num(row.offers_per_10k_foreign, 2),
            "access_2sfca": _num(row.access, 3),
            "demand": _num(row.demand, 1),
            "demand_beyond_r": _num(row.demand_beyond, 1),
            "radius_km": result.radius_km,
        })  # fmt: skip
    return records
