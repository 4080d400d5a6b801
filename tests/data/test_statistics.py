"""The district statistics of the integration monitoring (data/district_statistics.csv)."""

from __future__ import annotations

import math

import pandas as pd

from geo.boundaries import load_districts
from geo.population import (
    ATTRIBUTION,
    STATISTICS_YEAR,
    district_statistics,
    foreign_series,
    per_100k,
)


def test_one_row_per_district_matching_the_shapes() -> None:
    stats = district_statistics()
    assert len(stats) == 45
    assert set(stats.index) == set(load_districts()["ags"])


def test_figures_as_published() -> None:
    stats = district_statistics()
    # State totals as published for 31.12.2024: population 8,010,686; foreign 1,093,110
    # (district counts are rounded to multiples of 5 by the publisher, so they sum to 1,093,105).
    assert int(stats["population"].sum()) == 8_010_686
    assert abs(int(stats["foreign"].sum()) - 1_093_110) <= 5 * 45
    assert (stats["foreign"] % 5 == 0).all()
    hannover = stats.loc["03241"]
    assert (int(hannover["population"]), int(hannover["foreign"])) == (1_140_177, 227_495)
    # The published share is foreign / population in percent, computed by the publisher from
    # unrounded register counts: the rounded counts reproduce it to within 0.2 points.
    share = stats["foreign"] / stats["population"] * 100
    assert ((share - stats["foreign_share_pct"]).abs() < 0.2).all()


def test_districts_carry_current_population() -> None:
    d = load_districts().set_index("ags")
    assert int(d.loc["03101", "population"]) == 253_062
    assert int(d.loc["03101", "foreign"]) == 36_380
    assert pd.api.types.is_integer_dtype(d["foreign"])


def test_series_ends_in_the_statistics_year() -> None:
    series = foreign_series()
    assert series["ags"].nunique() == 45
    assert series["year"].max() == STATISTICS_YEAR
    last = series[series["year"] == STATISTICS_YEAR].set_index("ags")["foreign"].sort_index()
    assert (last == district_statistics()["foreign"].sort_index()).all()


def test_per_100k_and_attribution() -> None:
    assert per_100k(5, 200_000) == 2.5
    assert math.isnan(per_100k(1, 0))
    assert "LSN" in ATTRIBUTION and "Quellenangabe" in ATTRIBUTION
