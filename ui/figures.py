"""Counts over the whole offers frame, cached until the store changes (one per store state):
at 100,000 offers each takes a few hundred milliseconds, which no visitor should wait for
on every page view."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from directory import stats
from geo import netmap
from geo.boundaries import load_districts
from ui.state import data_stamp, offers


@st.cache_data(ttl=3600, max_entries=2, show_spinner=False)
def _overview(stamp: int) -> pd.DataFrame:
    return stats.field_overview(offers())


@st.cache_data(ttl=3600, max_entries=2, show_spinner=False)
def _kind_field(stamp: int) -> pd.DataFrame:
    return stats.kind_field_matrix(offers())


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _field_cells(field_id: str, stamp: int) -> pd.DataFrame:
    frame = stats.offers_in_field(offers(), field_id)
    placed = frame[frame["lat"].notna() & frame["lon"].notna()]
    return netmap.count_cells(placed, by="district", districts=load_districts())


def field_overview() -> pd.DataFrame:
    """:func:`directory.stats.field_overview` of all offers."""
    return _overview(data_stamp())


def kind_field_matrix() -> pd.DataFrame:
    """:func:`directory.stats.kind_field_matrix` of all offers."""
    return _kind_field(data_stamp())


def field_cells(field_id: str) -> pd.DataFrame:
    """Placed offers of a field of action counted per district."""
    return _field_cells(field_id, data_stamp())
