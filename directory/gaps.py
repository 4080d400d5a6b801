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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from directory.filters import BY_NAME, Param, ParamSet, Partly, Query, one_of, whole_number
from geo.boundaries import districts_of
from geo.demand import district_demand
from geo.gaps import GapResult, analyse
from i18n import t

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


def _point(text: str) -> tuple[float, float] | None:
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = round(float(lat_s), 4), round(float(lon_s), 4)
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return lat, lon


def _added(raw: str) -> tuple[tuple[float, float], ...]:
    """Hypothetical offices ``lat,lon~lat,lon``: at most :data:`MAX_ADDED`, inside Lower
    Saxony, no repeats; anything else dropped (the good points are kept)."""
    points = [_point(p) for p in raw.split("~")[:MAX_ADDED]]
    ok = [p for p in points if p is not None]
    inside = districts_of([p[1] for p in ok], [p[0] for p in ok]) if ok else []
    added = tuple(dict.fromkeys(p for p, a in zip(ok, inside, strict=True) if a))
    if len(added) != len(raw.split("~")):
        raise Partly(raw, added)
    return added


def _removed(raw: str) -> tuple[str, ...]:
    """Offers left out, service ids ``a~b``: at most :data:`MAX_REMOVED`, unique; malformed
    ids dropped (the good ones are kept)."""
    parts = [r for r in raw.split("~") if r][:MAX_REMOVED]
    removed = tuple(dict.fromkeys(r for r in parts if _ID.match(r)))
    if any(not _ID.match(r) for r in parts) or len(raw.split("~")) > MAX_REMOVED:
        raise Partly(raw, removed)
    return removed


def _demo(raw: str) -> bool:
    """``demo=1`` includes demo offers; any other value means no (never dropped)."""
    return raw == "1"


def _mapped(name: str, attr: str, values: dict[str, str], default: str, *, label_key: str,
            widget: str) -> Param:  # fmt: skip
    """A choice whose option labels are ``<label_key>.<values[choice]>``."""
    return Param(name, attr, one_of(tuple(values)), default=default, choices=tuple(values),
                 widget=widget, label_key=label_key,
                 option_label=lambda v, lang, _easy=False: t(f"{label_key}.{values[v]}",
                                                             lang))  # fmt: skip


#: The gap page's own parameters. ``r`` is not the finder's radius (a select of 5–200 km)
#: but the page's slider (5–100 km in steps of 5), hence its own entry.
RADIUS = Param("r", "radius_km", whole_number(RADIUS_MIN, RADIUS_MAX, RADIUS_STEP),
               default=DEFAULT_RADIUS,
               choices=tuple(range(RADIUS_MIN, RADIUS_MAX + 1, RADIUS_STEP)),
               widget="slider", label_key="luecken.radius")  # fmt: skip
SITES = Param("k", "k", whole_number(K_MIN, K_MAX), default=DEFAULT_K,
              choices=tuple(range(K_MIN, K_MAX + 1)), widget="slider", label_key="luecken.k")
DEMAND = _mapped("nachfrage", "demand", DEMANDS, "einwohner", label_key="luecken.demand",
                 widget="radio")
DECAY = _mapped("abfall", "decay", DECAYS, "keine", label_key="luecken.decay", widget="radio")
METRIC = Param("kennzahl", "metric", one_of(tuple(METRICS)), default="anteil",
               choices=tuple(METRICS), widget="select", label_key="luecken.metric")
ADDED = Param("neu", "added", _added, default=(),
              format=lambda pts: "~".join(f"{lat:.4f},{lon:.4f}" for lat, lon in pts))
REMOVED = Param("ohne", "removed", _removed, default=(), format="~".join)
DEMO = Param("demo", "include_demo", _demo, default=False, format=lambda v: "1",
             widget="checkbox", label_key="luecken.include_demo")  # fmt: skip


class GapQuery(Query):
    """One view of the gap page. Immutable; use :meth:`with_` to change a part.

    Attributes: ``field``, ``kind``, ``group`` (the registry's filters, as in the finder),
    ``radius_km``, ``k``, ``demand``, ``decay``, ``metric`` (URL values), ``added``
    (``(lat, lon)`` pairs), ``removed`` (service ids), ``include_demo``; ``dropped`` names
    the malformed parameters of the URL read. Hypothetical offices outside Lower Saxony
    are dropped too.

    Examples
    --------
    >>> q = GapQuery.from_params({"feld": "jugendarbeit", "r": "30", "k": "99"})
    >>> q.field, q.radius_km, q.k, q.dropped
    ('jugendarbeit', 30, 3, ('k',))
    """

    params = ParamSet.page("feld", "art", "gruppe", RADIUS, SITES, DEMAND, DECAY, METRIC,
                           ADDED, REMOVED, DEMO)  # fmt: skip

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
    def decay_id(self) -> str:
        return DECAYS[self.decay]

    @property
    def metric_column(self) -> str:
        return METRICS[self.metric]

    def describe(self, lang: str) -> str:
        """A sentence naming the filters, e.g. "Jugendarbeit · alle Arten · 25 km"."""
        field, kind, group = (BY_NAME[n] for n in ("feld", "art", "gruppe"))
        parts = [
            field.term(self.field, lang) if self.field else t("luecken.all_fields", lang),
            kind.term(self.kind, lang) if self.kind else t("luecken.all_kinds", lang),
        ]
        if self.group:
            parts.append(group.term(self.group, lang))
        parts.append(t("luecken.radius_value", lang, km=self.radius_km))
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
    selected = query.apply(frame)
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
