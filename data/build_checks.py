"""Cross-check of the districts assigned to postcodes and places (run by the data build).

The district of a postcode–place pair comes from its postcode centroid, the district of a
GeoNames place from its point, both by point-in-polygon against the strongly generalised VG250
outlines (≈3 km segments). Near a border that can be wrong. Two independent witnesses are
compared:

* **names** — a pair ``(plz, place)`` and a GeoNames place of the same name (primary or
  alternate name) within :data:`SAME_PLACE_KM` are the same place and must lie in the same
  district (a place of the same name farther away is a namesake: 29582 Hanstedt in Uelzen is
  not Hanstedt in Harburg);
* **neighbours** — a postcode whose :data:`NEIGHBOURS` nearest postcodes all lie in one other
  district within :data:`TOLERANCE_M`, and none of whose places confirms its own district.

Every disagreement is a :class:`Finding`. Where the evidence proves which side is wrong, the
finding carries the corrected district and a reason (``proof``), ready to be written to
``data/district_overrides.csv`` (kind ``corrected``):

1. a postcode whose places lie in different districts spans a border: each pair follows its
   own place;
2. otherwise the point nearer the other district (within :data:`TOLERANCE_M`) is the wrong one:
   a postcode centroid just across the border, or a coarse GeoNames point (often rounded to whole
   minutes) near the border while the postcode of that place lies well inside its district.

Anything else is left without proof; the build fails until a person decides it (an override
row with a reason). The module needs only pandas, numpy and shapely/pyproj, so the tests
(``tests/data/test_district_check.py``) recompute the comparison from the shipped files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

#: same-named points closer than this are the same place (as ``geo.geocode.MERGE_KM``)
SAME_PLACE_KM = 15.0
#: how far the generalised outlines may be off (≈ the mean segment length of VG250 here)
TOLERANCE_M = 3000.0
#: nearest postcodes compared by the neighbour check
NEIGHBOURS = 3
METRIC_CRS = "EPSG:25832"


@dataclass(frozen=True)
class Finding:
    """One disagreement: ``table``/``match`` name the row as ``district_overrides.csv`` does."""

    table: str  # "postcodes" | "places"
    match: str  # "21423 Drage" | "Haverlah"
    ags: str  # the district the row has now
    expected: str | None  # the district the evidence points to
    rule: str  # "name" | "neighbours"
    detail: str  # what disagrees (English)
    proof: str | None = None  # why ``expected`` is right, when the evidence proves it

    def override_row(self) -> dict[str, str]:
        """The ``district_overrides.csv`` row that fixes a proven finding."""
        if self.proof is None or self.expected is None:
            raise ValueError(f"{self.match}: not proven")
        return {"table": self.table, "match": self.match, "kind": "corrected",
                "ags": self.expected, "reason": self.proof}  # fmt: skip


@dataclass(frozen=True)
class CheckResult:
    pairs_compared: int  # postcode–place pairs with a same-named place nearby
    findings: tuple[Finding, ...]

    @property
    def proven(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.proof)

    @property
    def unproven(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.proof)


def _haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2)  # fmt: skip
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(1.0, a)))


class _Geometry:
    """Districts in metres: distance of a point to a district, and names for messages."""

    def __init__(self, districts: pd.DataFrame) -> None:
        metric = districts.to_crs(METRIC_CRS)
        self.shape = dict(zip(metric["ags"].astype(str), metric.geometry.values, strict=True))
        self.name = dict(zip(districts["ags"].astype(str), districts["name"], strict=True))
        self._to_metric = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)

    def distance_m(self, lat: float, lon: float, ags: str) -> float:
        """0 inside the district, else the distance to its outline."""
        x, y = self._to_metric.transform(lon, lat)
        return float(shapely.distance(self.shape[ags], shapely.Point(x, y)))

    def label(self, ags: str) -> str:
        return f"{self.name.get(ags, '?')} ({ags})"


def _whole_minutes(lat: float, lon: float) -> bool:
    return all(abs(v * 60 - round(v * 60)) < 0.01 for v in (lat, lon))


def _names_index(places: pd.DataFrame) -> dict[str, list[int]]:
    """Exact name (primary or alternate) → row positions of ``places``."""
    index: dict[str, list[int]] = {}
    alternates = places.get("alternatenames", pd.Series([""] * len(places)))
    for i, (name, alts) in enumerate(zip(places["name"], alternates, strict=True)):
        names = {str(name), *(a for a in str(alts or "").split("|") if a)}
        for n in names:
            index.setdefault(n, []).append(i)
    return index


def check_districts(
    postcodes: pd.DataFrame, places: pd.DataFrame, districts: pd.DataFrame
) -> CheckResult:
    """Compare the districts of postcodes, same-named places and neighbouring postcodes.

    Parameters
    ----------
    postcodes
        ``plz``, ``place``, ``lat``, ``lon``, ``ags`` (as ``data/postcodes.csv``).
    places
        ``name``, ``lat``, ``lon``, ``ags`` and optionally ``alternatenames``
        (as ``data/places.csv``).
    districts
        GeoDataFrame with ``ags``, ``name`` and the outlines (any CRS) used for distances.
    """
    pc = postcodes.assign(plz=postcodes["plz"].astype(str).str.zfill(5),
                          ags=postcodes["ags"].astype(str)).reset_index(drop=True)  # fmt: skip
    pl = places.assign(ags=places["ags"].astype(str)).reset_index(drop=True)
    geom = _Geometry(districts)
    by_name = _names_index(pl)
    pl_lat, pl_lon = pl["lat"].to_numpy(float), pl["lon"].to_numpy(float)

    # same-named places near each pair → {row: [place rows]}
    witnesses: dict[int, list[int]] = {}
    for i, row in enumerate(pc.itertuples(index=False)):
        cands = by_name.get(str(row.place), [])
        if not cands:
            continue
        km = _haversine_km(float(row.lat), float(row.lon), pl_lat[cands], pl_lon[cands])
        near = [c for c, d in zip(cands, km, strict=True) if d <= SAME_PLACE_KM]
        if near:
            witnesses[i] = near
    findings: list[Finding] = []
    place_findings: dict[int, Finding] = {}
    for i, near in witnesses.items():
        row = pc.iloc[i]
        their = sorted({pl.at[c, "ags"] for c in near})
        if row["ags"] in their:
            continue
        finding = _explain_pair(pc, pl, witnesses, geom, i, near)
        if finding.table == "places":
            place_findings.setdefault(near[0], finding)
        else:
            findings.append(finding)
    findings.extend(place_findings.values())
    findings.extend(_neighbour_findings(pc, pl, witnesses, geom))
    findings.sort(key=lambda f: (f.table, f.match))
    return CheckResult(pairs_compared=len(witnesses), findings=tuple(findings))


def _explain_pair(pc: pd.DataFrame, pl: pd.DataFrame, witnesses: dict[int, list[int]],
                  geom: _Geometry, i: int, near: list[int]) -> Finding:  # fmt: skip
    """A pair that disagrees with its same-named place(s): which side is wrong, if provable."""
    row = pc.iloc[i]
    plz, name, ags = row["plz"], row["place"], row["ags"]
    their = sorted({pl.at[c, "ags"] for c in near})
    match = f"{plz} {name}"
    detail = (f"postcode {match} lies in {geom.label(ags)}, the place {name} "
              f"(GeoNames) in {', '.join(map(geom.label, their))}")  # fmt: skip
    if len(their) != 1:
        return Finding("postcodes", match, ags, None, "name", detail)
    other = their[0]
    # rule 1: the postcode's places lie in different districts → each pair follows its place
    siblings = [j for j in pc.index[pc["plz"] == plz] if j != i and j in witnesses]
    sibling_districts = {pl.at[c, "ags"] for j in siblings for c in witnesses[j]}
    if ags in sibling_districts and other not in sibling_districts:
        others = sorted({pc.at[j, "place"] for j in siblings
                         if any(pl.at[c, "ags"] == ags for c in witnesses[j])})  # fmt: skip
        proof = (f"Cross-check: postcode {plz} spans two districts: {', '.join(others)} "
                 f"lies in {geom.label(ags)}, {name} in {geom.label(other)} (GeoNames); "
                 f"the pair follows its place.")  # fmt: skip
        return Finding("postcodes", match, ags, other, "name", detail, proof)
    # rule 2: the point nearer the other district is the wrong one
    pc_out = geom.distance_m(row["lat"], row["lon"], other)
    place_rows = [c for c in near if pl.at[c, "ags"] == other]
    pl_out = min(geom.distance_m(pl.at[c, "lat"], pl.at[c, "lon"], ags) for c in place_rows)
    if pc_out <= TOLERANCE_M and pc_out < pl_out:
        names = sorted({name, *(pc.at[j, "place"] for j in siblings)})
        proof = (f"Cross-check: the postcode centroid lies {pc_out:.0f} m outside "
                 f"{geom.label(other)} in the generalised VG250 outline (in {geom.label(ags)}); "
                 f"its place{'s' if len(names) > 1 else ''} {' and '.join(names)} "
                 f"lie{'' if len(names) > 1 else 's'} in {geom.label(other)} "
                 f"(GeoNames, {pl_out:.0f} m from {geom.label(ags)}).")  # fmt: skip
        return Finding("postcodes", match, ags, other, "name", detail, proof)
    only_place = not siblings and (pc["plz"] == plz).sum() == 1
    if pl_out <= TOLERANCE_M and pl_out < pc_out and only_place and len(place_rows) == 1:
        c = place_rows[0]
        lat, lon = float(pl.at[c, "lat"]), float(pl.at[c, "lon"])
        coarse = ", rounded to whole minutes" if _whole_minutes(lat, lon) else ""
        proof = (f"Cross-check: the GeoNames point ({lat:.5f}, {lon:.5f}{coarse}) lies "
                 f"{pl_out:.0f} m outside {geom.label(ags)} (in {geom.label(other)}); postcode "
                 f"{plz}, whose only place is {name}, lies {pc_out:.0f} m inside "
                 f"{geom.label(ags)}.")  # fmt: skip
        return Finding("places", str(pl.at[c, "name"]), other, ags, "name", detail, proof)
    return Finding("postcodes", match, ags, other, "name", detail)


def _neighbour_findings(pc: pd.DataFrame, pl: pd.DataFrame, witnesses: dict[int, list[int]],
                        geom: _Geometry) -> list[Finding]:  # fmt: skip
    """Postcodes surrounded by one other district that no place of theirs contradicts."""
    first = pc.drop_duplicates("plz")
    lat, lon = first["lat"].to_numpy(float), first["lon"].to_numpy(float)
    own = pc.groupby("plz")["ags"].agg(set)
    out: list[Finding] = []
    for k, plz in enumerate(first["plz"]):
        km = _haversine_km(lat[k], lon[k], lat, lon)
        km[k] = np.inf
        nearest = first["plz"].to_numpy()[np.argsort(km)[:NEIGHBOURS]]
        around = set().union(*(own[p] for p in nearest))
        mine = own[plz]
        if len(around) != 1 or around & mine:
            continue
        other = next(iter(around))
        if geom.distance_m(lat[k], lon[k], other) > TOLERANCE_M:
            continue
        rows = pc.index[pc["plz"] == plz]
        confirmed = {pl.at[c, "ags"] for j in rows for c in witnesses.get(j, [])}
        if confirmed & mine:
            continue  # a place of the postcode confirms its district (e.g. 49134 Wallenhorst)
        for j in rows:
            match = f"{plz} {pc.at[j, 'place']}"
            detail = (f"postcode {match} lies in {geom.label(pc.at[j, 'ags'])}; its "
                      f"{NEIGHBOURS} nearest postcodes ({', '.join(nearest)}) lie in "
                      f"{geom.label(other)}; no place of its own confirms its district")
            out.append(Finding("postcodes", match, pc.at[j, "ags"], other, "neighbours", detail))
    return out


def format_findings(result: CheckResult) -> str:
    """Human-readable report of a check (one finding per paragraph)."""
    lines = [f"district cross-check: {result.pairs_compared} postcode–place pairs have a "
             f"same-named place nearby; {len(result.findings)} disagreement(s)"]  # fmt: skip
    for f in result.findings:
        lines.append(f"  [{f.rule}] {f.table} {f.match!r}: {f.detail}")
        if f.proof:
            lines.append(f"    proven → {f.expected}: {f.proof}")
        else:
            lines.append("    not provable: decide by hand and add a row to district_overrides.csv")
    return "\n".join(lines)
