"""Offline geocoder for Lower Saxony: postcodes and place names in any script.

A user types a postcode ("37073"), a partial postcode ("370") or a place name
("Göttingen", "Goettingen", "Гёттинген", "غوتينغن", "Gottingn") and gets a
coordinate to sort counselling offices by distance.  Everything runs against
two small tables shipped with the app (see :mod:`geo.boundaries`):

* ``load_postcodes()`` - postcode/place pairs with centroids,
* ``load_places()`` - GeoNames places with population and alternate names.

The search index is built once per process (:func:`functools.cache`); a query
is a couple of dictionary look-ups plus, only when nothing matches exactly, a
rapidfuzz scan over ~15k normalised name keys.

Resolution rules
----------------
1. A 5-digit number anywhere in the input is treated as a postcode.  Known
   postcode -> ``found`` (centroid of its places); unknown -> ``not_found``
   with ``reason="postcode_not_in_area"``.
2. Only 1-4 digits -> ``ambiguous`` list of postcodes starting with them.
3. Otherwise the text is normalised (:mod:`geo.textnorm`) and looked up
   against every primary and alternate name.  Exact matches win; when several
   distinct places share the name the result is ``ambiguous`` unless one of
   them is the best-tier match *and* at least ten times as populous as every
   other candidate (then ``found`` with the rest as alternatives).
4. No exact match -> fuzzy match (``fuzz.ratio`` >= 85, Cyrillic input also
   via a German-style romanisation at >= 80), same tie rule.
5. Multi-word input ("Göttingen Weende") -> the longest run of words that is
   an exact name, leftmost first (score 90).
6. Still nothing -> ``not_found`` with up to five suggestions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from geo.distance import haversine_km
from geo.textnorm import (
    clean_input,
    exact_key,
    fold_keys,
    has_cyrillic,
    transliterate_cyrillic,
)

__all__ = [
    "GeocodeIndex",
    "GeocodeResult",
    "Match",
    "build_index",
    "geocode",
    "get_index",
]

Status = Literal["found", "ambiguous", "not_found", "empty"]
Kind = Literal["postcode", "place"]

#: Fuzzy score (rapidfuzz ``ratio``, 0-100) a typo must reach to count as a match.
FUZZY_CUTOFF = 85.0
#: Lower cutoff for matches found via Cyrillic romanisation.
TRANSLIT_CUTOFF = 80.0
#: Cutoff for "did you mean" suggestions on ``not_found``.
SUGGEST_CUTOFF = 50.0
#: A place wins over same-named places when it is this many times as populous.
DOMINANCE = 10.0
#: Score reported for a match on part of a multi-word query.
PARTIAL_SCORE = 90.0
MAX_AMBIGUOUS = 10
MAX_WORDS = 6
MAX_ALTERNATIVES = 5
MAX_SUGGESTIONS = 5
#: Distance below which a postcode-table place is the same as a GeoNames place.
MERGE_KM = 15.0

_PLZ5 = re.compile(r"(?<!\d)(\d{5})(?!\d)")
#: Arabic-Indic (٣٧٠٧٣) and Persian (۳۷۰۷۳) digits, as Arabic and Persian keyboards type a
#: postcode, read as the Western digits postcodes are stored with.
_ASCII_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},
                               **{chr(0x06F0 + d): str(d) for d in range(10)}})  # fmt: skip
_DIGITS_ONLY = re.compile(r"^\d{1,4}$")
_ANY_DIGITS = re.compile(r"^[\d\s-]+$")
_ABBREVIATION = re.compile(r"^[A-Z]{2,4}$")


@dataclass(frozen=True)
class Match:
    """One geocoding candidate.

    Attributes
    ----------
    label : str
        Display name: ``"Göttingen"``, ``"Bergen (Landkreis Celle)"`` or
        ``"37073 Göttingen"``.
    lat, lon : float
        WGS84 coordinate (postcode centroid or place point).
    precision : {"postcode", "place"}
        What the coordinate stands for.
    ags : str
        Official municipality key (may be empty when unknown).
    district : str
        District (Landkreis / kreisfreie Stadt / Region) name.
    score : float
        100 for exact matches, rapidfuzz ratio for fuzzy ones.
    kind : {"postcode", "place"}
        Which table the match came from.
    plz : str or None
        The postcode for postcode matches, or the single postcode of a place
        that has exactly one; otherwise None.
    """

    label: str
    lat: float
    lon: float
    precision: Literal["postcode", "place"]
    ags: str
    district: str
    score: float
    kind: Kind
    plz: str | None = None


@dataclass(frozen=True)
class GeocodeResult:
    """Outcome of :func:`geocode`.

    Attributes
    ----------
    status : {"found", "ambiguous", "not_found", "empty"}
        ``found``: ``matches[0]`` is the answer (further entries are
        alternatives worth offering).  ``ambiguous``: the user must pick one
        of ``matches``.  ``not_found``: see ``suggestions`` and ``reason``.
        ``empty``: nothing was typed.
    matches : tuple of Match
        Candidates, best first.
    suggestions : tuple of str
        Closest place names when nothing matched.
    reason : str or None
        Machine-readable detail for ``not_found``: ``"no_match"``,
        ``"no_letters"``, ``"postcode_not_in_area"``, ``"postcode_unknown_prefix"``
        or ``"postcode_invalid"``.
    """

    status: Status
    matches: tuple[Match, ...] = ()
    suggestions: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def best(self) -> Match | None:
        """The chosen match when ``status == "found"``, else None."""
        return self.matches[0] if self.status == "found" and self.matches else None


@dataclass(frozen=True)
class _Place:
    name: str
    lat: float
    lon: float
    population: int
    ags: str
    district: str
    postcodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Postcode:
    plz: str
    places: tuple[str, ...]
    lat: float
    lon: float
    ags: str
    district: str


@dataclass
class GeocodeIndex:
    """Prebuilt look-up structures; create with :func:`build_index`."""

    places: list[_Place]
    #: fold key -> {place id: tier}; tier 1 = primary name, 2 = alternate name.
    by_key: dict[str, dict[int, int]]
    #: exact (diacritic-preserving) key of primary names -> place ids (tier 0).
    by_exact: dict[str, set[int]]
    #: distinct fold keys, parallel list for rapidfuzz.
    keys: list[str]
    postcodes: dict[str, _Postcode]
    plz_sorted: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- #
# Index construction
# --------------------------------------------------------------------------- #
def _str(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _split_alternates(value: object) -> list[str]:
    items = [str(v) for v in value] if isinstance(value, (list, tuple)) else _str(value).split("|")
    return [s.strip() for s in items if s and s.strip()]


def _keep_alternate(name: str) -> bool:
    """Skip airport codes and abbreviations ("HAJ", "BWE") that cause noise."""
    return not _ABBREVIATION.match(name)


def _haversine_scalar(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * 6371.0088 * np.arcsin(np.sqrt(min(1.0, a))))


def _add_key(by_key: dict[str, dict[int, int]], key: str, pid: int, tier: int) -> None:
    slot = by_key.setdefault(key, {})
    if pid not in slot or tier < slot[pid]:
        slot[pid] = tier


def build_index(postcodes: pd.DataFrame, places: pd.DataFrame) -> GeocodeIndex:
    """Build the search index from the two reference tables.

    Parameters
    ----------
    postcodes : pandas.DataFrame
        Columns ``plz``, ``place``, ``lat``, ``lon``, ``ags``, ``district``.
    places : pandas.DataFrame
        Columns ``name``, ``lat``, ``lon``, ``population``, ``ags``,
        ``district``, ``alternatenames`` (``|``-joined); ``geonameid`` is
        optional.

    Returns
    -------
    GeocodeIndex
        Look-up structures used by :func:`geocode`.
    """
    place_list: list[_Place] = []
    by_key: dict[str, dict[int, int]] = {}
    by_exact: dict[str, set[int]] = {}

    def register(pid: int, name: str, alternates: Iterable[str]) -> None:
        by_exact.setdefault(exact_key(name), set()).add(pid)
        for key in fold_keys(name):
            _add_key(by_key, key, pid, 1)
        for alt in alternates:
            if alt == name or not _keep_alternate(alt):
                continue
            for key in fold_keys(alt):
                if len(key) >= 2 and not key.isdigit():
                    _add_key(by_key, key, pid, 2)

    for row in places.itertuples(index=False):
        lat, lon = float(row.lat), float(row.lon)
        if not (np.isfinite(lat) and np.isfinite(lon)):
            continue
        name = _str(row.name)
        if not name:
            continue
        pop = getattr(row, "population", 0)
        population = int(pop) if pop is not None and pd.notna(pop) else 0
        pid = len(place_list)
        place_list.append(
            _Place(
                name=name,
                lat=lat,
                lon=lon,
                population=population,
                ags=_str(getattr(row, "ags", "")),
                district=_str(getattr(row, "district", "")),
            )
        )
        register(pid, name, _split_alternates(getattr(row, "alternatenames", "")))

    # ---- postcodes ----------------------------------------------------------
    pc = postcodes.copy()
    pc["plz"] = pc["plz"].map(lambda v: _str(v).zfill(5))
    pc = pc[pd.to_numeric(pc["lat"], errors="coerce").notna()]
    postcode_map: dict[str, _Postcode] = {}
    for plz, grp in pc.groupby("plz", sort=True):
        names = tuple(dict.fromkeys(_str(p) for p in grp["place"] if _str(p)))
        first = grp.iloc[0]
        postcode_map[str(plz)] = _Postcode(
            plz=str(plz),
            places=names,
            lat=float(grp["lat"].astype(float).mean()),
            lon=float(grp["lon"].astype(float).mean()),
            ags=_str(first.get("ags", "")),
            district=_str(first.get("district", "")),
        )

    # ---- place names from the postcode table ---------------------------------
    # Attach postcodes to an existing GeoNames place with the same name nearby;
    # otherwise create a new place (population unknown = 0).
    extra_postcodes: dict[int, list[str]] = {}
    pc["place"] = pc["place"].map(_str)
    named = pc[pc["place"] != ""]
    for (pname, _ags), grp in named.groupby(["place", "ags"], sort=True, dropna=False):
        lat = float(grp["lat"].astype(float).mean())
        lon = float(grp["lon"].astype(float).mean())
        codes = sorted(set(grp["plz"]))
        candidates: set[int] = set()
        for key in fold_keys(str(pname)):
            candidates.update(by_key.get(key, {}))
        best_pid, best_km = -1, MERGE_KM
        for pid in candidates:
            km = _haversine_scalar(lat, lon, place_list[pid].lat, place_list[pid].lon)
            if km < best_km:
                best_pid, best_km = pid, km
        if best_pid < 0:
            first = grp.iloc[0]
            best_pid = len(place_list)
            place_list.append(
                _Place(
                    name=str(pname),
                    lat=lat,
                    lon=lon,
                    population=0,
                    ags=_str(first.get("ags", "")),
                    district=_str(first.get("district", "")),
                )
            )
            register(best_pid, str(pname), ())
        extra_postcodes.setdefault(best_pid, []).extend(codes)

    for pid, codes in extra_postcodes.items():
        p = place_list[pid]
        place_list[pid] = _Place(
            p.name, p.lat, p.lon, p.population, p.ags, p.district, tuple(sorted(set(codes)))
        )

    return GeocodeIndex(
        places=place_list,
        by_key=by_key,
        by_exact=by_exact,
        keys=list(by_key),
        postcodes=postcode_map,
        plz_sorted=sorted(postcode_map),
    )


@cache
def get_index() -> GeocodeIndex:
    """Build (once per process) the index from the shipped reference data."""
    from geo.boundaries import load_places, load_postcodes

    return build_index(load_postcodes(), load_places())


# --------------------------------------------------------------------------- #
# Matches
# --------------------------------------------------------------------------- #
def _postcode_match(entry: _Postcode, score: float = 100.0) -> Match:
    label = f"{entry.plz} {', '.join(entry.places)}".strip()
    return Match(
        label=label,
        lat=entry.lat,
        lon=entry.lon,
        precision="postcode",
        ags=entry.ags,
        district=entry.district,
        score=score,
        kind="postcode",
        plz=entry.plz,
    )


def _place_match(place: _Place, score: float, *, with_district: bool) -> Match:
    label = place.name
    if with_district and place.district:
        label = f"{place.name} ({place.district})"
    return Match(
        label=label,
        lat=place.lat,
        lon=place.lon,
        precision="place",
        ags=place.ags,
        district=place.district,
        score=float(round(score, 1)),
        kind="place",
        plz=place.postcodes[0] if len(place.postcodes) == 1 else None,
    )


def _decide(
    idx: GeocodeIndex, cands: dict[int, tuple[float, int]], *, precise: bool = False
) -> GeocodeResult:
    """Turn scored candidates ``{place id: (score, tier)}`` into a result.

    With ``precise`` (the user typed diacritics, e.g. "Hüde"), a single place
    whose primary name matches letter for letter wins over places matched
    only after folding ("Hude").
    """
    places = idx.places

    def rank(pid: int) -> tuple[float, int, int, str]:
        score, tier = cands[pid]
        return (-score, tier, -places[pid].population, places[pid].name)

    order = sorted(cands, key=rank)
    top_score = cands[order[0]][0]
    group = [pid for pid in order if cands[pid][0] >= top_score - 1.0]
    rest = [pid for pid in order if pid not in group]
    best = group[0]
    others = group[1:]
    exact_only = precise and cands[best][1] == 0 and all(cands[o][1] > 0 for o in others)
    dominant = (
        not others
        or exact_only
        or (
            cands[best][1] <= min(cands[o][1] for o in others)
            and places[best].population > 0
            and places[best].population >= DOMINANCE * max(places[o].population for o in others)
        )
    )
    if dominant:
        chosen = _place_match(places[best], cands[best][0], with_district=False)
        alts = [
            _place_match(places[pid], cands[pid][0], with_district=True)
            for pid in (others + rest)[:MAX_ALTERNATIVES]
        ]
        return GeocodeResult("found", (chosen, *alts))
    group.sort(key=lambda pid: (-places[pid].population, places[pid].name))
    matches = tuple(
        _place_match(places[pid], cands[pid][0], with_district=True)
        for pid in group[:MAX_AMBIGUOUS]
    )
    return GeocodeResult("ambiguous", matches)


def _geocode_postcode(idx: GeocodeIndex, plz: str) -> GeocodeResult:
    entry = idx.postcodes.get(plz)
    if entry is None:
        return GeocodeResult("not_found", reason="postcode_not_in_area")
    return GeocodeResult("found", (_postcode_match(entry),))


def _geocode_prefix(idx: GeocodeIndex, prefix: str) -> GeocodeResult:
    start = bisect.bisect_left(idx.plz_sorted, prefix)
    hits: list[str] = []
    for plz in idx.plz_sorted[start:]:
        if not plz.startswith(prefix) or len(hits) >= MAX_AMBIGUOUS:
            break
        hits.append(plz)
    if not hits:
        return GeocodeResult("not_found", reason="postcode_unknown_prefix")
    return GeocodeResult("ambiguous", tuple(_postcode_match(idx.postcodes[p]) for p in hits))


def _exact_candidates(idx: GeocodeIndex, text: str, keys: tuple[str, ...]) -> dict[int, int]:
    hits: dict[int, int] = {}
    for key in keys:
        for pid, tier in idx.by_key.get(key, {}).items():
            if pid not in hits or tier < hits[pid]:
                hits[pid] = tier
    for pid in idx.by_exact.get(exact_key(text), ()):
        if pid in hits:
            hits[pid] = 0
    return hits


def _fuzzy_candidates(
    idx: GeocodeIndex, queries: Iterable[tuple[str, float]]
) -> dict[int, tuple[float, int]]:
    cands: dict[int, tuple[float, int]] = {}
    for query, cutoff in queries:
        if len(query) < 3:
            continue
        for key, score, _ in process.extract(
            query, idx.keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=30
        ):
            for pid, tier in idx.by_key[key].items():
                old = cands.get(pid)
                if old is None or (score, -tier) > (old[0], -old[1]):
                    cands[pid] = (float(score), tier)
    return cands


def _suggestions(idx: GeocodeIndex, keys: tuple[str, ...]) -> tuple[str, ...]:
    best: dict[int, float] = {}
    for query in keys:
        if len(query) < 2:
            continue
        for key, score, _ in process.extract(
            query, idx.keys, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF, limit=40
        ):
            for pid in idx.by_key[key]:
                best[pid] = max(best.get(pid, 0.0), float(score))
    order = sorted(best, key=lambda pid: (-best[pid], -idx.places[pid].population))
    names = list(dict.fromkeys(idx.places[pid].name for pid in order))
    return tuple(names[:MAX_SUGGESTIONS])


def geocode(query: str, *, index: GeocodeIndex | None = None) -> GeocodeResult:
    """Resolve a postcode or place name typed by a user.

    Parameters
    ----------
    query : str
        Free text in any script; at most 100 characters are considered.
    index : GeocodeIndex, optional
        Index to search (for tests); defaults to :func:`get_index`.

    Returns
    -------
    GeocodeResult
        Never raises for any string input.

    Examples
    --------
    >>> geocode("Goettingen").best.label
    'Göttingen'
    >>> geocode("۳۷۰۷۳").best.plz == geocode("٣٧٠٧٣").best.plz == "37073"
    True
    """
    text = clean_input(query).translate(_ASCII_DIGITS)
    if not text:
        return GeocodeResult("empty")
    idx = index if index is not None else get_index()

    plz = _PLZ5.search(text)
    if plz:
        return _geocode_postcode(idx, plz.group(1))
    compact = re.sub(r"[\s-]", "", text)
    if _DIGITS_ONLY.match(compact):
        return _geocode_prefix(idx, compact)
    if _ANY_DIGITS.match(text):
        return GeocodeResult("not_found", reason="postcode_invalid")

    keys = fold_keys(text)
    if not keys:
        return GeocodeResult("not_found", reason="no_letters")

    hits = _exact_candidates(idx, text, keys)
    if hits:
        precise = exact_key(text) not in keys  # diacritics were typed
        return _decide(idx, {pid: (100.0, tier) for pid, tier in hits.items()}, precise=precise)

    queries: list[tuple[str, float]] = [(k, FUZZY_CUTOFF) for k in keys]
    if has_cyrillic(text):
        for variant in transliterate_cyrillic(text):
            vkeys = fold_keys(variant)
            hits = _exact_candidates(idx, variant, vkeys)
            if hits:
                return _decide(idx, {pid: (95.0, tier) for pid, tier in hits.items()})
            queries.extend((k, TRANSLIT_CUTOFF) for k in vkeys)
    cands = _fuzzy_candidates(idx, queries)
    if cands:
        return _decide(idx, cands)

    # "Göttingen Weende", "Hannover Linden", "Hildesheim Innenstadt": look up
    # the longest run of words that is a known name (leftmost first).
    words = keys[0].split()[:MAX_WORDS]
    for n in range(len(words) - 1, 0, -1):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i : i + n])
            if len(phrase) < 4:
                continue
            hits = _exact_candidates(idx, phrase, fold_keys(phrase))
            if hits:
                return _decide(idx, {pid: (PARTIAL_SCORE, tier) for pid, tier in hits.items()})

    return GeocodeResult(
        "not_found",
        suggestions=_suggestions(idx, tuple(q for q, _ in queries)),
        reason="no_match",
    )


# --------------------------------------------------------------------------- #
# Reverse: a position (e.g. the browser's "near me") -> the nearest postcode
# --------------------------------------------------------------------------- #
#: A position farther than this from every postcode centre counts as outside the area.
NEAREST_POSTCODE_MAX_KM = 20.0


def nearest_postcode(
    lat: float,
    lon: float,
    *,
    index: GeocodeIndex | None = None,
    max_km: float = NEAREST_POSTCODE_MAX_KM,
) -> str | None:
    """The postcode of Lower Saxony whose centre is nearest to ``(lat, lon)``.

    Used for "near me": the page searches from that postcode, so a precise position never
    reaches the URL, the server log or a shared link. ``None`` if the position is invalid or
    more than ``max_km`` from every postcode centre (outside Lower Saxony).
    """
    if not (np.isfinite(lat) and np.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    idx = index or get_index()
    entries = [idx.postcodes[plz] for plz in idx.plz_sorted]
    lats = np.fromiter((e.lat for e in entries), float, len(entries))
    lons = np.fromiter((e.lon for e in entries), float, len(entries))
    dist = haversine_km(lat, lon, lats, lons)
    best = int(np.argmin(dist))
    return entries[best].plz if dist[best] <= max_km else None
