"""Default content: the researched offices in ``data/offices.csv`` → directory records.

Rules (nothing is invented):

* one :class:`Organization` per distinct ``traeger`` (by exact name);
* one :class:`Service` per row: kind/fields/target groups from :mod:`directory.taxonomy`,
  languages only if the source names them (German names → ISO 639-1; lists introduced with
  "Infomaterial:" describe leaflets, not the counselling language, and are not taken),
  ``source_url``/``source_date`` verbatim, ``verification="unverified"``, ``assured_date`` =
  the source date only when it is a clean ``YYYY-MM-DD``;
* one :class:`Location` per row with street/PLZ/Ort exactly as given (empty → ``None``).
  Street addresses cannot be geocoded offline, so coordinates are coarse:
  valid PLZ → postcode centroid (``"postcode"``); else the Ort resolved to a place
  (``"place"``); else no coordinates and a ``geocode_note`` with the reason. The district is
  derived from the coordinates, or — for "Landkreis X" rows — from the district name;
* phone as given, linked to the service.

Ids are UUID v5 of the CSV row (``name`` + ``traeger`` + ``ort`` + ``street``), so they stay
stable across rebuilds; loading skips ids that already exist (idempotent).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from directory.ids import stable_id
from directory.model import Location, Organization, Phone, Service, ServiceAtLocation
from directory.store import Store
from directory.taxonomy import classify_kind, classify_target_groups, fields_for_kind

OFFICES_CSV = Path(__file__).resolve().parent.parent / "data" / "offices.csv"
SEED_ACTOR = "seed:offices.csv"

#: German language names (as written in the sources) → ISO 639-1
LANGUAGE_NAMES: dict[str, str] = {
    "deutsch": "de", "englisch": "en", "arabisch": "ar", "persisch": "fa", "farsi": "fa",
    "dari": "fa", "türkisch": "tr", "russisch": "ru", "ukrainisch": "uk", "kurdisch": "ku",
    "paschtu": "ps", "tigrinya": "ti", "tigrinisch": "ti", "somali": "so", "französisch": "fr",
    "polnisch": "pl", "rumänisch": "ro", "bulgarisch": "bg", "albanisch": "sq",
    "serbisch": "sr", "kroatisch": "hr", "bosnisch": "bs", "spanisch": "es",
    "italienisch": "it", "griechisch": "el", "vietnamesisch": "vi", "chinesisch": "zh",
    "amharisch": "am", "portugiesisch": "pt", "urdu": "ur", "hindi": "hi",
}  # fmt: skip

_CLEAN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLZ = re.compile(r"^\d{5}$")
_PAREN = re.compile(r"\s*\([^)]*\)")
_NOT_NAMED = "in Quelle nicht genannt"
_MUNICIPAL_PREFIXES = ("landkreis ", "stadt ", "region ", "landeshauptstadt ", "gemeinde ",
                       "samtgemeinde ", "hansestadt ")  # fmt: skip


# -- gazetteer ---------------------------------------------------------------------------------
def _key(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name)).casefold().strip()
    return re.sub(r"\s+", " ", text)


@dataclass
class Gazetteer:
    """Postcode centroids, places and districts used to place seeded rows.

    ``Gazetteer.default()`` reads them from :mod:`geo.boundaries`; tests may pass small
    frames. ``district_of(lon, lat)`` returns a Kreis AGS or ``None``.
    """

    postcodes: pd.DataFrame  # plz, place, lat, lon, ags, district
    places: pd.DataFrame  # name, lat, lon, population, ags, district
    district_of: Callable[[float, float], str | None]
    districts: dict[str, str] = field(default_factory=dict)  # normalised name → ags
    #: optional GeoDataFrame (``ags``, geometry in EPSG:4326) for vectorised look-ups
    district_shapes: Any = None
    _plz: dict[str, tuple[float, float]] = field(init=False, repr=False)
    _place: dict[str, list[tuple[float, float, float]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pc = self.postcodes.groupby(self.postcodes["plz"].astype(str).str.zfill(5))
        self._plz = {k: (float(g["lat"].mean()), float(g["lon"].mean())) for k, g in pc}
        # place name → candidates (lat, lon, population); GeoNames first, postcode places next
        self._place = {}
        for row in self.places.itertuples(index=False):
            pop = float(row.population) if pd.notna(row.population) else 0.0
            self._place.setdefault(_key(row.name), []).append((row.lat, row.lon, pop))
        self._pc_place: dict[str, tuple[float, float]] = {
            _key(k): (float(g["lat"].mean()), float(g["lon"].mean()))
            for k, g in self.postcodes.groupby("place")
        }

    @classmethod
    def default(cls) -> Gazetteer:
        from geo import boundaries

        gdf = boundaries.load_districts()
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        districts = {
            _key(name): str(ags) for ags, name in zip(gdf["ags"], gdf["name"], strict=True)
        }
        return cls(
            postcodes=boundaries.load_postcodes(),
            places=boundaries.load_places(),
            district_of=boundaries.district_of,
            districts=districts,
            district_shapes=gdf,
        )

    def districts_of(self, lons: Any, lats: Any) -> list[str | None]:
        """Vectorised :attr:`district_of` (STRtree over the district shapes when known)."""
        if self.district_shapes is None:
            return [self.district_of(float(x), float(y)) for x, y in zip(lons, lats, strict=True)]
        import numpy as np
        import shapely

        points = shapely.points(np.asarray(lons, float), np.asarray(lats, float))
        geoms = np.asarray(self.district_shapes.geometry.values)
        tree = shapely.STRtree(geoms)
        pi, gi = tree.query(points, predicate="within")
        out = np.full(len(points), None, dtype=object)
        out[pi] = np.asarray(self.district_shapes["ags"].astype(str))[gi]
        return out.tolist()

    def postcode(self, plz: str) -> tuple[float, float] | None:
        return self._plz.get(plz)

    def place(self, name: str) -> tuple[float, float] | None:
        """Coordinates of a place by exact (case-insensitive) name, or ``None``.

        Several same-named places: the most populous wins if it is unique; otherwise (and
        when GeoNames has no such name) the postcode table's place of that name is used.
        """
        cands = self._place.get(_key(name))
        if cands:
            best = max(cands, key=lambda c: c[2])
            if sum(1 for c in cands if c[2] == best[2]) == 1:
                return float(best[0]), float(best[1])
        # no (unambiguous) GeoNames place: a postcode-table place of that name, if any
        return self._pc_place.get(_key(name))

    def district_by_name(self, name: str) -> str | None:
        """AGS of a district named ``name`` ("Heidekreis", "Landkreis Rotenburg (Wümme)")."""
        k = _key(name)
        for cand in (k, _key(re.sub(r"^(landkreis|region|stadt)\s+", "", k))):
            if cand in self.districts:
                return self.districts[cand]
            for dname, ags in self.districts.items():
                bare = re.sub(r"^(landkreis|region|stadt|kreisfreie stadt)\s+", "", dname)
                if cand in (bare, _key(_PAREN.sub("", bare))):
                    return ags
        return None


# -- placing one row ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    latitude: float | None
    longitude: float | None
    precision: str | None
    note: str | None
    district_ags: str | None


def _place_candidates(ort: str) -> list[str]:
    """Names to try for an Ort, most specific first (see module doc)."""
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


def place_row(plz: str | None, ort: str | None, gaz: Gazetteer) -> Placement:
    """Coordinates for a row: PLZ centroid, else place, else none (with the reason)."""
    if plz and _PLZ.match(plz):
        hit = gaz.postcode(plz)
        if hit:
            lat, lon = hit
            return Placement(lat, lon, "postcode", None, gaz.district_of(lon, lat))
    ort = (ort or "").strip()
    if not ort:
        return Placement(None, None, None, "Ort in Quelle nicht genannt", None)
    if ort.casefold().startswith("landkreis "):
        paren = re.findall(r"\(([^)]*)\)", ort)
        reason = paren[-1] if paren else None
        name = ort.split(f"({reason})")[0].strip() if reason else ort
        note = "Nur Landkreis bekannt" + (f" ({reason})" if reason else "")
        return Placement(None, None, None, note, gaz.district_by_name(name))
    if _NOT_NAMED.casefold() in ort.casefold():
        return Placement(None, None, None, "Beratungsort in Quelle nicht genannt", None)
    for name in _place_candidates(ort):
        hit = gaz.place(name)
        if hit:
            lat, lon = hit
            return Placement(lat, lon, "place", None, gaz.district_of(lon, lat))
    return Placement(None, None, None, "Ort nicht eindeutig gefunden", None)


# -- rows → records ----------------------------------------------------------------------------
def _opt(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_languages(text: str | None) -> list[str]:
    """ISO 639-1 codes for the language names in a source text (unknown names are dropped).

    >>> parse_languages("Deutsch, Englisch, Arabisch, Kurdisch, Russisch")
    ['de', 'en', 'ar', 'ku', 'ru']
    >>> parse_languages("Infomaterial: Deutsch, Ukrainisch")
    []
    """
    text = (text or "").strip()
    if not text or text.casefold().startswith("infomaterial"):
        return []
    codes: list[str] = []
    for word in re.findall(r"[A-Za-zÄÖÜäöüß]+", _PAREN.sub("", text)):
        code = LANGUAGE_NAMES.get(word.casefold())
        if code and code not in codes:
            codes.append(code)
    return codes


def clean_date(text: str | None) -> date | None:
    """``date`` for an exact ``YYYY-MM-DD``, else ``None`` ("2018", "Stand Mai 2024", …)."""
    text = (text or "").strip()
    if not _CLEAN_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _org_kind(name: str, service_kind: str) -> str | None:
    if name.casefold().startswith(_MUNICIPAL_PREFIXES):
        return "kommune"
    if service_kind == "selbstorganisation":
        return "selbstorganisation"
    return None


def read_offices(path: Path = OFFICES_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def records_from_offices(
    rows: list[dict[str, str]], gaz: Gazetteer
) -> tuple[list[Any], dict[str, int]]:
    """ORM records (insert order) for the CSV rows, plus placement counts."""
    orgs: dict[str, Organization] = {}
    records: list[Any] = []
    stats: dict[str, int] = {}
    for row in rows:
        traeger = row["traeger"].strip()
        kind = classify_kind(row["kind"])
        org = orgs.get(traeger)
        if org is None:
            org = Organization(
                id=stable_id("organization", traeger),
                name=traeger,
                website=None,
                kind=_org_kind(traeger, kind),
            )
            orgs[traeger] = org
            records.append(org)
        if org.website is None and _opt(row["website"]):
            org.website = _opt(row["website"])
        row_key = (row["name"], traeger, row["ort"], row["street"])
        service_id = stable_id("service", *row_key)
        placement = place_row(_opt(row["plz"]), _opt(row["ort"]), gaz)
        label = placement.precision or f"none: {placement.note}"
        stats[label] = stats.get(label, 0) + 1
        service = Service(
            id=service_id,
            organization_id=org.id,
            name=row["name"].strip(),
            description=_opt(row["excerpt"]),
            kind=kind,
            fields=list(fields_for_kind(kind)),
            target_groups=list(classify_target_groups(row["target_group"])),
            languages=parse_languages(row["languages"]),
            status="active",
            url=_opt(row["website"]),
            source_url=_opt(row["source_url"]),
            source_date=_opt(row["source_date"]),
            assured_date=clean_date(row["source_date"]),
            verification="unverified",
            is_demo=False,
        )
        location = Location(
            id=stable_id("location", *row_key),
            organization_id=org.id,
            name=row["name"].strip(),
            address_1=_opt(row["street"]),
            postal_code=_opt(row["plz"]),
            city=_opt(row["ort"]),
            latitude=placement.latitude,
            longitude=placement.longitude,
            geocode_precision=placement.precision,
            geocode_note=placement.note,
            district_ags=placement.district_ags,
            accessibility="unknown",
            opening_hours=None,
        )
        records += [
            service,
            location,
            ServiceAtLocation(
                id=stable_id("service_at_location", *row_key),
                service_id=service.id,
                location_id=location.id,
            ),
        ]
        if _opt(row["phone"]):
            records.append(
                Phone(
                    id=stable_id("phone", *row_key),
                    number=_opt(row["phone"]),
                    service_id=service.id,
                    type="voice",
                )
            )
    return records, stats


def load_offices(
    store: Store,
    *,
    path: Path = OFFICES_CSV,
    gazetteer: Gazetteer | None = None,
    actor: str = SEED_ACTOR,
) -> dict[str, int]:
    """Insert the offices not yet stored (by stable id); returns counts.

    Keys: ``added`` (services added), ``rows``, and placement counts ``postcode``, ``place``,
    ``none: <reason>`` over all rows of the file.
    """
    gaz = gazetteer or Gazetteer.default()
    records, stats = records_from_offices(read_offices(path), gaz)
    with store.session() as s:
        by_type: dict[type, set[str]] = {}
        for rec in records:
            by_type.setdefault(type(rec), set()).add(rec.id)
        existing: set[str] = set()
        for model, ids in by_type.items():
            existing |= set(s.scalars(select(model.id).where(model.id.in_(ids))))
        new = [r for r in records if r.id not in existing]
        if new:
            store.add(*new, actor=actor, session=s)
    added = sum(1 for r in new if isinstance(r, Service))
    return {"added": added, "rows": sum(1 for r in records if isinstance(r, Service)), **stats}

