"""The gazetteer: where an office lies and in which district — the one placement of the app.

Seed, import validation, editor and demo generator all place a location with
:meth:`Gazetteer.locate` (or its vectorised form :meth:`Gazetteer.place_points`), and every
district comes from the one point lookup :func:`geo.boundaries.districts_of` (coast snapping,
island overrides) or from the reference tables built with it (``data/postcodes.csv``,
``data/places.csv``, whose districts the data build cross-checks).

Rules (nothing is invented):

* typed coordinates → precision ``address``, district of the point;
* else a known 5-digit postcode → its centroid (``postcode``). The district is that of the
  postcode–place pair named by the city ("49401 Lembruch" is Diepholz, "49401 Damme" Vechta),
  else the postcode's single district; a postcode spanning districts without a matching city
  gets the district of its centroid, marked uncertain;
* else the place name (``place``): the GeoNames place of that exact name (most populous when
  several), else a place of the postcode table; candidates in several districts make the
  district uncertain unless one is ten times as populous as the others;
* "Landkreis X …" → no coordinates, the district by name; otherwise no coordinates and a
  German note with the reason.

**District uncertain.** The outlines in ``data/`` are strongly generalised (≈3 km segments): a
point closer than :data:`geo.boundaries.UNCERTAIN_M` to another district may lie in either.
Such a placement is ``district_uncertain`` unless a second, independent source settles it: a
row of ``data/district_overrides.csv`` (checked by the build), or a same-named point of the
other table (postcode ↔ GeoNames place within 15 km) in the same district and itself clear of
the border. A coordinator may then set the district by hand (:mod:`directory.editing`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

#: same-named postcode place and GeoNames place closer than this are one place
SAME_PLACE_KM = 15.0
#: a place this many times as populous as its namesakes decides their district
DOMINANCE = 10.0

_PLZ = re.compile(r"^\d{5}$")
_PAREN = re.compile(r"\s*\([^)]*\)")
_NOT_NAMED = "in Quelle nicht genannt"
_DISTRICT_PREFIX = re.compile(r"^(landkreis|region|stadt|kreisfreie stadt)\s+")

# German notes stored with an unplaced location (data, not UI text)
NOTE_NO_PLACE = "Ort in Quelle nicht genannt"
NOTE_DISTRICT_ONLY = "Nur Landkreis bekannt"
NOTE_PLACE_NOT_NAMED = "Beratungsort in Quelle nicht genannt"
NOTE_NOT_FOUND = "Ort nicht eindeutig gefunden"


# -- place names -------------------------------------------------------------------------------
def name_key(name: str) -> str:
    """Case- and space-insensitive key of a place name (NFC, casefolded)."""
    text = unicodedata.normalize("NFC", str(name)).casefold().strip()
    return re.sub(r"\s+", " ", text)


def place_candidates(ort: str) -> list[str]:
    """Names to try for an ``Ort`` as written in a source, most specific first.

    >>> place_candidates("Göttingen (Grone-Süd)")
    ['Göttingen (Grone-Süd)', 'Göttingen']
    >>> place_candidates("Lohne (Oldenburg) – Sitz des Trägers; Beratungsort unbekannt")[-2:]
    ['Lohne (Oldenburg)', 'Lohne']
    >>> place_candidates("Bispingen-Hörpel")
    ['Bispingen-Hörpel', 'Bispingen']
    """
    out: list[str] = []

    def push(name: str) -> None:
        name = name.strip(" ,;–-")
        if name and name not in out:
            out.append(name)

    first = re.split(r";| – ", ort)[0]
    for text in (ort, first):
        push(text)
        push(_PAREN.sub("", text))
    for name in list(out):
        if "-" in name and " " not in name:  # "Bispingen-Hörpel" → "Bispingen" (exact only)
            push(name.split("-")[0])
    return out


# -- results -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    """Where a location lies: coordinates, their precision, a note, the district.

    ``district_uncertain``: the point lies within :data:`geo.boundaries.UNCERTAIN_M` of another
    district and no second source settles it (see module doc).
    """

    latitude: float | None
    longitude: float | None
    precision: str | None  # "address" | "postcode" | "place" | None (not on the map)
    note: str | None
    district_ags: str | None
    district_uncertain: bool = False

    @property
    def district_status(self) -> str | None:
        """``"certain"`` | ``"uncertain"`` (the location column), ``None`` without district."""
        if self.district_ags is None:
            return None
        return "uncertain" if self.district_uncertain else "certain"


@dataclass(frozen=True)
class _Point:
    lat: float
    lon: float
    ags: str | None
    settled: bool  # a second source confirms the district (see module doc)
    ambiguous: bool = False  # several candidates in different districts


def _haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    from geo.distance import haversine_km

    return np.asarray(haversine_km(lat, lon, lats, lons), dtype=float)


# -- the gazetteer -----------------------------------------------------------------------------
@dataclass
class Gazetteer:
    """Postcodes, places and districts, and the placement built on them.

    ``Gazetteer.default()`` uses the shipped reference data and :mod:`geo.boundaries`; tests
    may pass small frames with their own ``lookup`` (vectorised ``(lons, lats) → AGS``) and
    ``near_border`` (``(lons, lats, ags) → bool``; default: never near a border).
    """

    postcodes: pd.DataFrame  # plz, place, lat, lon, ags
    places: pd.DataFrame  # name, lat, lon, population, ags
    districts: dict[str, str] = field(default_factory=dict)  # name key → AGS
    district_shapes: Any = None  # GeoDataFrame (ags, geometry, EPSG:4326) or None
    lookup: Callable[[Any, Any], Any] | None = None
    near_border: Callable[[Any, Any, Any], Any] | None = None
    #: ("postcodes", "21423 Drage") / ("places", "Haverlah"): districts settled by a person
    settled: frozenset[tuple[str, str]] = frozenset()

    def __post_init__(self) -> None:
        pc = self.postcodes.assign(plz=self.postcodes["plz"].astype(str).str.zfill(5))
        pc = pc.assign(ags=pc["ags"].where(pc["ags"].notna(), None)).reset_index(drop=True)
        pl = self.places.reset_index(drop=True)
        pop = pl["population"] if "population" in pl else pd.Series(0, index=pl.index)
        pl = pl.assign(population=pd.to_numeric(pop, errors="coerce").fillna(0))
        pc_clear = ~self.near(pc["lon"], pc["lat"], pc["ags"])
        pl_clear = ~self.near(pl["lon"], pl["lat"], pl["ags"])
        # a point is settled by an override row, or by a same-named point of the other table
        # in the same district that is itself clear of the border
        pl_by_name: dict[str, list[int]] = {}
        for i, name in enumerate(pl["name"]):
            pl_by_name.setdefault(name_key(name), []).append(i)
        pl_lat, pl_lon = pl["lat"].to_numpy(float), pl["lon"].to_numpy(float)
        pc_settled = np.zeros(len(pc), bool)
        pl_settled = np.array([("places", str(n)) in self.settled for n in pl["name"]], bool)
        for i, row in enumerate(pc.itertuples(index=False)):
            if ("postcodes", f"{row.plz} {row.place}") in self.settled:
                pc_settled[i] = True
                continue
            cands = pl_by_name.get(name_key(row.place), [])
            if not cands:
                continue
            km = _haversine_km(float(row.lat), float(row.lon), pl_lat[cands], pl_lon[cands])
            for c, d in zip(cands, km, strict=True):
                if d <= SAME_PLACE_KM and pl.at[c, "ags"] == row.ags:
                    pc_settled[i] |= bool(pl_clear[c])
                    pl_settled[c] |= bool(pc_clear[i])
        pc_ok = pc_settled | pc_clear
        pl_ok = pl_settled | pl_clear

        self._pc: dict[str, tuple[float, float, list[tuple[str, str | None, bool]]]] = {}
        for plz, grp in pc.groupby("plz", sort=False):
            pairs = [(name_key(p), a, bool(ok)) for p, a, ok in
                     zip(grp["place"], grp["ags"], pc_ok[grp.index], strict=True)]  # fmt: skip
            self._pc[str(plz)] = (float(grp["lat"].mean()), float(grp["lon"].mean()), pairs)
        self._place: dict[str, list[tuple[float, float, float, str | None, bool]]] = {}
        for i, row in enumerate(pl.itertuples(index=False)):
            self._place.setdefault(name_key(row.name), []).append(
                (float(row.lat), float(row.lon), float(row.population), row.ags, bool(pl_ok[i]))
            )
        self._pc_place: dict[str, list[_Point]] = {}
        for (name, ags), grp in pc.groupby([pc["place"].map(name_key), "ags"], sort=True):
            point = _Point(float(grp["lat"].mean()), float(grp["lon"].mean()), ags,
                           bool(pc_ok[grp.index].all()))  # fmt: skip
            self._pc_place.setdefault(name, []).append(point)

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer of the shipped reference data (built once per process)."""
        return _default_gazetteer()

    # -- district look-ups -----------------------------------------------------------------
    def districts_of(self, lons: Any, lats: Any) -> np.ndarray:
        """AGS per point (:func:`geo.boundaries.districts_of` unless ``lookup`` was given)."""
        if self.lookup is None:
            from geo.boundaries import districts_of

            return districts_of(lons, lats)
        return np.asarray(self.lookup(lons, lats), dtype=object)

    def district_of(self, lon: float, lat: float) -> str | None:
        return self.districts_of([lon], [lat])[0]

    def near(self, lons: Any, lats: Any, ags: Any) -> np.ndarray:
        """Whether each point lies near a district other than ``ags`` (uncertain there)."""
        lons = np.asarray(lons, dtype=float)
        if self.near_border is None:
            return np.zeros(lons.shape, dtype=bool)
        return np.asarray(self.near_border(lons, np.asarray(lats, float),
                                           np.asarray(ags, dtype=object)), dtype=bool)  # fmt: skip

    def district_by_name(self, name: str) -> str | None:
        """AGS of a district named ``name`` ("Heidekreis", "Landkreis Rotenburg (Wümme)")."""
        k = name_key(name)
        for cand in (k, name_key(_DISTRICT_PREFIX.sub("", k))):
            if cand in self.districts:
                return self.districts[cand]
            for dname, ags in self.districts.items():
                bare = _DISTRICT_PREFIX.sub("", dname)
                if cand in (bare, name_key(_PAREN.sub("", bare))):
                    return ags
        return None

    # -- points by postcode / name ---------------------------------------------------------
    def postcode(self, plz: str, city: str | None = None) -> _Point | None:
        """Centroid and district of a postcode (the pair named by ``city`` when it spans)."""
        entry = self._pc.get(plz)
        if entry is None:
            return None
        lat, lon, pairs = entry
        if city:
            for name in place_candidates(city):
                for place, ags, ok in pairs:
                    if place == name_key(name):
                        return _Point(lat, lon, ags, ok)
        districts = {ags for _, ags, _ in pairs}
        if len(districts) == 1:
            return _Point(lat, lon, pairs[0][1], any(ok for _, _, ok in pairs))
        return _Point(lat, lon, self.district_of(lon, lat), False, ambiguous=True)

    def place(self, name: str) -> _Point | None:
        """A place by exact (case-insensitive) name: GeoNames first, then postcode places."""
        cands = self._place.get(name_key(name))
        if cands:
            ranked = sorted(cands, key=lambda c: -c[2])
            best = ranked[0]
            if len(ranked) == 1 or best[2] > ranked[1][2]:
                rivals = [c[2] for c in ranked[1:] if c[3] != best[3]]
                ambiguous = bool(rivals) and best[2] < DOMINANCE * max(rivals)
                return _Point(best[0], best[1], best[3], best[4], ambiguous)
        points = self._pc_place.get(name_key(name))
        if points:
            if len(points) == 1:
                return points[0]
            p = points[0]
            return _Point(p.lat, p.lon, p.ags, False, ambiguous=True)
        return None

    # -- the placement -----------------------------------------------------------------------
    def locate(
        self,
        *,
        postal_code: str | None = None,
        city: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> Placement:
        """Place one location (see module doc): coordinates, else postcode, else place."""
        if latitude is not None and longitude is not None:
            return self.place_point(latitude, longitude)
        return self.place_row(postal_code, city)

    def place_point(self, latitude: float, longitude: float) -> Placement:
        """Typed coordinates (precision ``address``) with their district."""
        ags, uncertain = self.place_points([latitude], [longitude])
        return Placement(latitude, longitude, "address", None, ags[0], bool(uncertain[0]))

    def place_points(self, lats: Iterable[float], lons: Iterable[float]
                     ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Vectorised districts and uncertainty flags of points (demo generator, bulk work)."""
        lats = np.asarray(list(lats) if not isinstance(lats, np.ndarray) else lats, float)
        lons = np.asarray(list(lons) if not isinstance(lons, np.ndarray) else lons, float)
        ags = self.districts_of(lons, lats)
        return ags, self.near(lons, lats, ags)

    def place_row(self, plz: str | None, ort: str | None) -> Placement:
        """A location given as postcode and/or place name, as written in a source."""
        plz = (plz or "").strip()
        if _PLZ.match(plz):
            hit = self.postcode(plz, ort)
            if hit:
                return self._placed(hit, "postcode")
        ort = (ort or "").strip()
        if not ort:
            return Placement(None, None, None, NOTE_NO_PLACE, None)
        if ort.casefold().startswith("landkreis "):
            ags, reason = self.district_by_name(ort), None
            if ags is None:  # "Landkreis Heidekreis (Ort in Quelle nicht genannt)"
                paren = re.findall(r"\(([^)]*)\)", ort)
                reason = paren[-1] if paren else None
                name = ort.split(f"({reason})")[0].strip() if reason else ort
                ags = self.district_by_name(name)
            note = NOTE_DISTRICT_ONLY + (f" ({reason})" if reason else "")
            return Placement(None, None, None, note, ags)
        if _NOT_NAMED.casefold() in ort.casefold():
            return Placement(None, None, None, NOTE_PLACE_NOT_NAMED, None)
        for name in place_candidates(ort):
            hit = self.place(name)
            if hit:
                return self._placed(hit, "place")
        return Placement(None, None, None, NOTE_NOT_FOUND, None)

    def _placed(self, hit: _Point, precision: str) -> Placement:
        uncertain = hit.ambiguous or (
            not hit.settled and bool(self.near([hit.lon], [hit.lat], [hit.ags])[0])
        )
        return Placement(hit.lat, hit.lon, precision, None, hit.ags,
                         uncertain and hit.ags is not None)  # fmt: skip


@cache
def _default_gazetteer() -> Gazetteer:
    from geo import boundaries

    gdf = boundaries.load_districts()
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    districts = {name_key(n): str(a) for a, n in zip(gdf["ags"], gdf["name"], strict=True)}
    overrides = pd.read_csv(boundaries.OVERRIDES_FILE, dtype=str, keep_default_na=False)
    settled = frozenset(zip(overrides["table"], overrides["match"], strict=True))
    return Gazetteer(
        postcodes=boundaries.load_postcodes(),
        places=boundaries.load_places(),
        districts=districts,
        district_shapes=gdf,
        lookup=boundaries.districts_of,
        near_border=boundaries.near_other_district,
        settled=settled,
    )
