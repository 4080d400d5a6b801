"""Freshness: which entries nobody has confirmed for a year (configurable).

An offer is **stale** when its last verification (HSDS ``assured_date``) is older than
:func:`stale_after_days` days, or when it was never verified. A coordinator confirms an
entry with :meth:`directory.editing.Editor.confirm_still_correct` (audited), which sets
``assured_date`` to today. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

import pandas as pd

from directory.editing.fields import STALE_AFTER_DAYS


def stale_after_days(env: Mapping[str, str] | None = None) -> int:
    """``ATLAS_STALE_DAYS`` (a positive whole number of days), else 365.

    >>> stale_after_days({"ATLAS_STALE_DAYS": "180"}), stale_after_days({"ATLAS_STALE_DAYS": "x"})
    (180, 365)
    """
    raw = (os.environ if env is None else env).get("ATLAS_STALE_DAYS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else STALE_AFTER_DAYS


def is_stale(assured: dt.date | None, today: dt.date, days: int) -> bool:
    """Never verified, or verified more than ``days`` days before ``today``."""
    if assured is None or (isinstance(assured, float) and pd.isna(assured)):
        return True
    return (today - assured).days > days


def stale_offers(offers: pd.DataFrame, today: dt.date, days: int) -> pd.DataFrame:
    """Distinct stale offers of ``offers``, never-verified first, then the oldest.

    Returns ``service_id, name, organization, kind, district_ags, assured_date, age_days``
    (``None`` when never verified).
    """
    cols = ["service_id", "name", "organization", "kind", "district_ags", "assured_date"]
    services = offers.drop_duplicates("service_id")[cols]
    mask = services["assured_date"].map(lambda d: is_stale(d, today, days))
    out = services[mask.astype(bool)].copy()
    out["age_days"] = out["assured_date"].map(
        lambda d: None if d is None or (isinstance(d, float) and pd.isna(d)) else (today - d).days)
    out["_never"] = out["age_days"].isna()
    out["_age"] = out["age_days"].fillna(0).astype(int)
    out = out.sort_values(["_never", "_age", "name"], ascending=[False, False, True])
    return out.drop(columns=["_never", "_age"]).reset_index(drop=True).astype(object)
