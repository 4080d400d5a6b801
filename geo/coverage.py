"""Coverage: how many offers each district has, by field of action, kind or target group,
as counts and per 100,000 inhabitants (pure pandas; no Streamlit).

Counting rule everywhere: **distinct offers** (``service_id``) with at least one office in
the district. An offer with offices in two districts counts once in each; offers without a
district (not placed on the map) are in no row and are reported by :func:`unplaced`.

Examples
--------
>>> import pandas as pd
>>> offers = pd.DataFrame({
...     "service_id": ["a", "a", "b"], "organization_id": ["o1", "o1", "o2"],
...     "district_ags": ["03159", "03159", "03254"], "kind": ["jmd", "jmd", "mbe"],
...     "fields": [("schule",), ("schule",), ("beruf", "schule")],
...     "target_groups": [(), (), ("frauen",)]})
>>> m = coverage_matrix(offers, "field", ["03159", "03254"])
>>> int(m.loc["03159", "schule"]), int(m.loc["03254", "schule"]), int(m.loc["03159", "beruf"])
(1, 1, 0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from directory.taxonomy import FIELD_IDS, KIND_IDS, TARGET_GROUP_IDS

#: dimension → (offers column, category ids in display order)
DIMENSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "field": ("fields", FIELD_IDS),
    "kind": ("kind", KIND_IDS),
    "group": ("target_groups", TARGET_GROUP_IDS),
}


def _long(offers: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """``district_ags, service_id, organization_id, category`` — one row per distinct
    (district, offer, category)."""
    column, _ = DIMENSIONS[dimension]
    cols = ["district_ags", "service_id", column]
    if "organization_id" in offers:
        cols.append("organization_id")
    frame = offers.loc[offers["district_ags"].notna(), cols]
    if column != "kind":
        frame = frame.explode(column)
    frame = frame.rename(columns={column: "category"}).dropna(subset=["category"])
    return frame.drop_duplicates(["district_ags", "service_id", "category"])


def coverage_matrix(offers: pd.DataFrame, dimension: str = "field",
                    districts: Sequence[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """District × category counts of distinct offers.

    Parameters
    ----------
    offers
        Offers frame (``service_id``, ``district_ags`` and the dimension's column:
        ``fields`` | ``kind`` | ``target_groups``).
    dimension
        ``"field"``, ``"kind"`` or ``"group"`` (:data:`DIMENSIONS`).
    districts
        Row order and set (AGS); default: the districts present in ``offers``, sorted.
        Districts without any offer get a row of zeros.

    Returns
    -------
    pandas.DataFrame
        Index ``district_ags``, one int column per category id (all categories of the
        dimension, taxonomy order), plus ``total`` (distinct offers in the district,
        whatever their categories).
    """
    _, categories = DIMENSIONS[dimension]
    long = _long(offers, dimension)
    rows = list(districts) if districts is not None else sorted(long["district_ags"].unique())
    matrix = pd.crosstab(long["district_ags"], long["category"]) if len(long) else pd.DataFrame()
    matrix = matrix.reindex(index=rows, columns=list(categories), fill_value=0)
    matrix["total"] = district_totals(offers, rows)
    matrix.index.name = "district_ags"
    matrix.columns.name = None
    return matrix.fillna(0).astype(int)


def district_totals(offers: pd.DataFrame, districts: Sequence[str]) -> pd.Series:
    """Distinct offers per district (``districts`` order, zeros included)."""
    placed = offers.loc[offers["district_ags"].notna(), ["district_ags", "service_id"]]
    counts = placed.drop_duplicates().groupby("district_ags")["service_id"].size()
    return counts.reindex(list(districts), fill_value=0).astype(int)


def per_100k(matrix: pd.DataFrame, population: pd.Series, decimals: int = 1) -> pd.DataFrame:
    """Counts of ``matrix`` per 100,000 inhabitants of each row's district.

    >>> m = pd.DataFrame({"x": [3, 0]}, index=["a", "b"])
    >>> per_100k(m, pd.Series({"a": 150_000, "b": 50_000}))["x"].tolist()
    [2.0, 0.0]
    """
    pop = population.reindex(matrix.index).astype(float).replace(0, np.nan)
    return (matrix.astype(float).mul(100_000).div(pop, axis=0)).round(decimals)


def empty_cells(matrix: pd.DataFrame) -> list[tuple[str, str]]:
    """``(district, category)`` of every zero cell (the ``total`` column left out)."""
    body = matrix.drop(columns=["total"], errors="ignore")
    rows, cols = np.nonzero(body.to_numpy() == 0)
    return [(str(body.index[r]), str(body.columns[c])) for r, c in zip(rows, cols, strict=True)]


def single_provider_cells(offers: pd.DataFrame, dimension: str = "field",
                          districts: Sequence[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Categories served in a district by exactly ONE organization (a single point of
    failure a coordinator should know about).

    Returns
    -------
    pandas.DataFrame
        ``district_ags, category, organization_id, offers`` (offers of that organization
        there), ordered by district and category order.
    """
    _, categories = DIMENSIONS[dimension]
    long = _long(offers, dimension)
    if districts is not None:
        long = long[long["district_ags"].isin(set(districts))]
    cols = ["district_ags", "category", "organization_id", "offers"]
    if long.empty:
        return pd.DataFrame(columns=cols)
    per_org = (long.groupby(["district_ags", "category", "organization_id"])["service_id"]
               .nunique().rename("offers").reset_index())  # fmt: skip
    n_orgs = per_org.groupby(["district_ags", "category"])["organization_id"].transform("size")
    out = per_org[n_orgs == 1].copy()
    order = {c: i for i, c in enumerate(categories)}
    out["_o"] = out["category"].map(order)
    return out.sort_values(["district_ags", "_o"])[cols].reset_index(drop=True)


def unplaced(offers: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``offers`` without a district (not counted in any matrix row)."""
    return offers[offers["district_ags"].isna()]


def density(offers: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """Per district: ``count`` (distinct offers), ``population`` and ``per_100k``.

    ``population`` is indexed by AGS and defines the districts (all of them, zeros kept).
    """
    counts = district_totals(offers, list(population.index))
    out = pd.DataFrame({"count": counts, "population": population.astype(int)})
    out["per_100k"] = (out["count"] * 100_000 / out["population"].replace(0, np.nan)).round(1)
    out.index.name = "district_ags"
    return out


def classes(values: pd.Series, k: int = 5) -> tuple[list[float], pd.Series]:
    """Quantile classes of the positive values: upper class bounds (unique, ascending) and
    the class of every value — ``0`` for zero or missing ("no offer" is always its own
    class), ``1…`` for the positive classes.

    >>> classes(pd.Series([0.0, 1.0, 3.0]), k=2)[1].tolist()
    [0, 1, 2]
    """
    v = values.astype(float).fillna(0)
    positive = v[v > 0]
    if positive.empty:
        return [], pd.Series(0, index=values.index)
    qs = np.unique(np.round(np.quantile(positive, np.linspace(0, 1, k + 1)[1:]), 1))
    breaks = [float(q) for q in qs]
    idx = np.searchsorted(np.asarray(breaks), v.to_numpy(), side="left") + 1
    idx = np.minimum(idx, len(breaks))
    return breaks, pd.Series(np.where(v.to_numpy() > 0, idx, 0), index=values.index)
