"""Demand for the gap analysis: per-district figures, distributed to the populated places.

The integration monitoring publishes population and foreign population per district
(:mod:`geo.population`, 31.12.2024). The gap analysis needs demand at the 1,153 GeoNames
places (``data/places.csv``), so a district's figure is split among its places in proportion
to their GeoNames population (:func:`distribute`). The district totals are kept exactly;
a place with GeoNames population 0 gets no demand (it is still measured).

A planner may bring other per-district figures (e.g. people in a programme) as a small CSV
with an AGS column and a value column (:func:`parse_demand_csv`). Bad files raise
:class:`DemandFileError` with a machine-readable ``code`` and values for the message, which
the UI translates (``luecken.upload.<code>``); nothing else changes.

No Streamlit import here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.population import district_statistics

__all__ = [
    "DEMAND_SOURCES",
    "MAX_UPLOAD_BYTES",
    "DemandFileError",
    "distribute",
    "district_demand",
    "parse_demand_csv",
]

#: Built-in demand sources: district column of :func:`geo.population.district_statistics`.
DEMAND_SOURCES: dict[str, str] = {"population": "population", "foreign": "foreign"}
MAX_UPLOAD_BYTES = 200_000
MAX_ROWS = 500

_AGS_HEADERS = ("ags", "kreisschlüssel", "kreisschluessel", "schlüssel", "schluessel", "key",
                "regionalschlüssel", "gemeindeschlüssel", "district_key")  # fmt: skip
_VALUE_HEADERS = ("wert", "value", "nachfrage", "demand", "anzahl", "count", "personen")


class DemandFileError(ValueError):
    """An uploaded demand file that cannot be used.

    Attributes
    ----------
    code : str
        ``too_large``, ``encoding``, ``empty``, ``no_ags_column``, ``no_value_column``,
        ``bad_ags``, ``unknown_ags``, ``duplicate_ags``, ``bad_value``, ``negative_value``,
        ``missing_districts``, ``all_zero`` or ``too_many_rows``.
    values : dict
        Values for the message (``row``, ``value``, ``items``, ``limit``).
    """

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(f"{code}: {values}" if values else code)
        self.code = code
        self.values = values


def district_demand(source: str = "population") -> pd.Series:
    """The built-in demand per district.

    Parameters
    ----------
    source : {"population", "foreign"}
        Inhabitants or foreign residents, 31.12.2024 (integration monitoring, © LSN).

    Returns
    -------
    pandas.Series
        Float values indexed by the 45 AGS codes.

    Examples
    --------
    >>> int(district_demand("population").sum())
    8010686
    """
    if source not in DEMAND_SOURCES:
        raise ValueError(f"unknown demand source {source!r}")
    return district_statistics()[DEMAND_SOURCES[source]].astype(float)


def distribute(places: pd.DataFrame, by_district: pd.Series) -> np.ndarray:
    """Split per-district figures among the places in proportion to place population.

    Parameters
    ----------
    places : pandas.DataFrame
        Columns ``ags`` (district) and ``population`` (GeoNames, >= 0).
    by_district : pandas.Series
        Figure per district, indexed by AGS. Districts without places lose their figure
        (none in Lower Saxony: every district has places); districts missing from
        ``by_district`` give their places 0.

    Returns
    -------
    numpy.ndarray
        One float per place. Within a district the shares are ``population / sum``; a
        district whose places all have population 0 splits its figure equally.

    Examples
    --------
    >>> places = pd.DataFrame({"ags": ["a", "a", "b"], "population": [300, 100, 0]})
    >>> distribute(places, pd.Series({"a": 1000.0, "b": 50.0})).tolist()
    [750.0, 250.0, 50.0]
    """
    ags = places["ags"].astype(str).to_numpy()
    pop = places["population"].to_numpy(dtype=float)
    pop = np.where(np.isfinite(pop) & (pop > 0), pop, 0.0)
    frame = pd.DataFrame({"ags": ags, "pop": pop, "one": 1.0})
    sums = frame.groupby("ags")[["pop", "one"]].transform("sum")
    share = np.where(sums["pop"].to_numpy() > 0, pop / np.where(sums["pop"] > 0, sums["pop"], 1),
                     1.0 / sums["one"].to_numpy())  # fmt: skip
    totals = pd.Series(by_district, dtype=float).reindex(ags).fillna(0.0).to_numpy()
    return totals * share


# --------------------------------------------------------------------------- upload


@dataclass(frozen=True)
class _Header:
    ags: int
    value: int


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DemandFileError("encoding")


def _number(text: str, *, german: bool) -> float | None:
    """A count or amount: German (``1.234,5``) in ``;`` files, English (``1,234.5``) else;
    ``1 234`` and plain ``1234.5`` in both."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return None
    if german:
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", s):
            s = s.replace(".", "")
        s = s.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        return None
    value = float(s)
    return value if np.isfinite(value) else None


def _ags(text: str) -> str | None:
    """A district key: 5 digits (``03101``), 4 digits without the leading zero, or the
    8-digit municipality-style key of a district (``03101000``)."""
    s = text.strip().replace(" ", "")
    if re.fullmatch(r"\d{4}", s):
        s = "0" + s
    if re.fullmatch(r"\d{8}", s) and s.endswith("000"):
        s = s[:5]
    return s if re.fullmatch(r"\d{5}", s) else None


def _find_header(header: list[str], rows: list[list[str]], german: bool) -> _Header:
    names = [h.strip().lower() for h in header]
    ags_col = next((i for i, h in enumerate(names) if h in _AGS_HEADERS), None)
    if ags_col is None:
        raise DemandFileError("no_ags_column")
    value_col = next((i for i, h in enumerate(names) if h in _VALUE_HEADERS and i != ags_col),
                     None)  # fmt: skip
    if value_col is None:
        # exactly one other column whose cells are numbers
        def numeric_column(i: int) -> bool:
            cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
            return bool(cells) and all(_number(c, german=german) is not None for c in cells)

        numeric = [i for i in range(len(names)) if i != ags_col and numeric_column(i)]
        if len(numeric) != 1:
            raise DemandFileError("no_value_column")
        value_col = numeric[0]
    return _Header(ags_col, value_col)


def parse_demand_csv(data: bytes, known_ags: Iterable[str]) -> pd.Series:
    """Read per-district demand from a planner's CSV file.

    The file has a header row with an AGS column (``AGS``, ``Kreisschlüssel`` …) and a
    value column (``Wert``, ``value``, ``Anzahl`` … or the only other numeric column),
    ``;`` or ``,`` separated, UTF-8 or Windows-1252, one row per district, every district
    of ``known_ags`` exactly once, values >= 0 (German or English number format).

    Parameters
    ----------
    data : bytes
        The file's content.
    known_ags : iterable of str
        The district keys the file must cover.

    Returns
    -------
    pandas.Series
        Float values indexed by AGS, in the order of ``known_ags``.

    Raises
    ------
    DemandFileError
        With a ``code`` saying what is wrong (see the class).

    Examples
    --------
    >>> parse_demand_csv(b"AGS;Wert\\n03101;1.200\\n03102;7\\n", ["03101", "03102"]).tolist()
    [1200.0, 7.0]
    """
    known = [str(a) for a in known_ags]
    if len(data) > MAX_UPLOAD_BYTES:
        raise DemandFileError("too_large", limit=MAX_UPLOAD_BYTES // 1000)
    text = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise DemandFileError("empty")
    if len(lines) > MAX_ROWS:
        raise DemandFileError("too_many_rows", limit=MAX_ROWS)
    delimiter = ";" if lines[0].count(";") >= max(lines[0].count(","), 1) else (
        "\t" if "\t" in lines[0] else ",")  # fmt: skip
    table = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header, rows = table[0], table[1:]
    german = delimiter == ";"
    cols = _find_header(header, rows, german)
    values: dict[str, float] = {}
    known_set = set(known)
    unknown: list[str] = []
    for number, row in enumerate(rows, start=2):
        raw_ags = row[cols.ags] if cols.ags < len(row) else ""
        raw_value = row[cols.value] if cols.value < len(row) else ""
        ags = _ags(raw_ags)
        if ags is None:
            raise DemandFileError("bad_ags", row=number, value=raw_ags.strip()[:20])
        if ags not in known_set:
            unknown.append(ags)
            continue
        if ags in values:
            raise DemandFileError("duplicate_ags", row=number, value=ags)
        value = _number(raw_value, german=german)
        if value is None:
            raise DemandFileError("bad_value", row=number, value=raw_value.strip()[:20])
        if value < 0:
            raise DemandFileError("negative_value", row=number, value=raw_value.strip()[:20])
        values[ags] = value
    if unknown:
        raise DemandFileError("unknown_ags", items=", ".join(unknown[:5]))
    missing = [a for a in known if a not in values]
    if missing:
        raise DemandFileError("missing_districts", n=len(missing), items=", ".join(missing[:5]))
    series = pd.Series(values, dtype=float).reindex(known)
    if not (series > 0).any():
        raise DemandFileError("all_zero")
    return series
