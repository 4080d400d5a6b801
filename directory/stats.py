"""Counts over the offers frame (pure pandas, no Streamlit)."""

from __future__ import annotations

import pandas as pd

from directory.taxonomy import FIELD_IDS, KIND_IDS


def kind_field_matrix(offers: pd.DataFrame) -> pd.DataFrame:
    """Count distinct offers of each kind serving each field of action.

    Parameters
    ----------
    offers
        One row per offer × location with columns ``service_id``, ``kind`` and
        ``fields`` (an iterable of field ids).

    Returns
    -------
    pandas.DataFrame
        Index: all 10 field ids in taxonomy order; columns: all kind ids plus ``total``;
        values: number of distinct offers (an offer at two locations counts once).

    Examples
    --------
    >>> df = pd.DataFrame({"service_id": ["a", "b"], "kind": ["jmd", "mbe"],
    ...                    "fields": [("jugendarbeit",), ("beruf", "jugendarbeit")]})
    >>> int(kind_field_matrix(df).loc["jugendarbeit", "total"])
    2
    """
    services = offers.drop_duplicates("service_id")[["service_id", "kind", "fields"]]
    exploded = services.explode("fields").dropna(subset=["fields"])
    matrix = pd.crosstab(exploded["fields"], exploded["kind"])
    matrix = matrix.reindex(index=list(FIELD_IDS), columns=list(KIND_IDS), fill_value=0)
    matrix["total"] = (
        exploded.groupby("fields")["service_id"].nunique().reindex(list(FIELD_IDS), fill_value=0)
    )
    return matrix.astype(int)


def offers_in_field(offers: pd.DataFrame, field_id: str) -> pd.DataFrame:
    """Rows of ``offers`` whose ``fields`` contain ``field_id``."""
    if offers.empty:
        return offers
    mask = offers["fields"].map(lambda fields: field_id in (fields or ()))
    return offers[mask]


def field_overview(offers: pd.DataFrame) -> pd.DataFrame:
    """Per field of action (all 10, taxonomy order): distinct ``offers``, ``organizations``
    and ``districts`` with at least one offer.

    >>> df = pd.DataFrame({"service_id": ["a", "b"], "organization_id": ["o", "o"],
    ...                    "district_ags": ["03159", None],
    ...                    "fields": [("schule",), ("schule", "beruf")]})
    >>> field_overview(df).loc["schule"].tolist()
    [2, 1, 1]
    """
    cols = ["service_id", "organization_id", "district_ags", "fields"]
    exploded = offers[cols].explode("fields").dropna(subset=["fields"])
    grouped = exploded.groupby("fields")
    out = pd.DataFrame({
        "offers": grouped["service_id"].nunique(),
        "organizations": grouped["organization_id"].nunique(),
        "districts": grouped["district_ags"].nunique(),
    })  # fmt: skip
    return out.reindex(list(FIELD_IDS), fill_value=0).astype(int)
