"""The URL-parameter registry: properties over any URL and any store contents.

``from_params`` never raises and only yields allowed values; ``to_params`` round-trips;
``apply`` keeps every column and a subset of the rows, whatever the frame (empty, one row,
no coordinates, no or broken hours, markdown in every field); ``search`` never raises.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.filters import BY_NAME, PARAMS, ParamSet, Query
from directory.finder import FinderQuery, search
from directory.hours import BERLIN
from directory.query import OFFER_COLUMNS
from tests.strategies import examples, offer_frames, url_params

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


def _valid(query: Query) -> None:
    for p in query.params:
        value = query.value(p)
        if p.choices is not None:
            assert value == p.default or value in p.choices, (p.name, value)
    assert set(query.dropped) <= {p.name for p in query.params}


@settings(max_examples=examples(300))
@given(url_params())
def test_any_url_reads_to_valid_values_and_round_trips(params):
    query = FinderQuery.from_params(params)
    _valid(query)
    assert len(query.q) <= 100 and "\n" not in query.q
    again = FinderQuery.from_params(query.to_params())
    assert again == query and again.dropped == ()
    assert all(isinstance(v, str) and v for v in query.to_params().values())


@settings(max_examples=examples(200))
@given(offer_frames(max_rows=8), url_params(), st.sampled_from([None, MONDAY_10]))
def test_apply_keeps_every_column_and_only_drops_rows(frame, params, now):
    query = FinderQuery.from_params(params)
    result = query.apply(frame, now=now)
    assert list(result.columns) == list(OFFER_COLUMNS)
    assert set(result.index) <= set(frame.index)
    assert query.apply(result, now=now).equals(result)  # idempotent
    # every filter narrows: with all filters off the frame is returned as is
    assert query.with_(**{p.attr: p.default for p in query.params.filters}).apply(frame) is frame


@settings(max_examples=examples(60))
@given(offer_frames(max_rows=6), url_params())
def test_search_never_raises_and_results_keep_their_columns(frame, params):
    outcome = search(frame, FinderQuery.from_params(params), now=MONDAY_10)
    assert list(outcome.results.columns) == [*OFFER_COLUMNS, "distance_km"]
    assert outcome.outside_radius >= 0 and outcome.without_position >= 0
    assert outcome.results["distance_km"].is_monotonic_increasing


def test_open_now_on_an_empty_frame_keeps_the_columns():
    """The crash of issue #8: ``offen=1`` after a filter that matched nothing."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OFFER_COLUMNS})
    query = FinderQuery.from_params({"q": "37073", "offen": "1", "barrierefrei": "1"})
    assert list(query.apply(empty).columns) == list(OFFER_COLUMNS)
    outcome = search(empty, query)
    assert outcome.located.status == "found" and outcome.results.empty
    assert "lat" in outcome.results.columns


def test_a_page_picks_its_subset():
    class GapQuery(Query):
        params = ParamSet.of("gruppe", "feld", "art")  # registry order, whatever the call order

    assert [p.name for p in GapQuery.params] == ["feld", "art", "gruppe"]
    query = GapQuery.from_params({"feld": "schule", "gruppe": "frauen", "q": "x", "r": "5"})
    assert query.to_params() == {"feld": "schule", "gruppe": "frauen"}
    assert query.field == "schule" and not hasattr(query, "q")
    frame = pd.DataFrame({"fields": [("schule",), ("beruf",)], "kind": ["mbe", "mbe"],
                          "target_groups": [("frauen",), ("frauen",)]})  # fmt: skip
    assert len(query.apply(frame)) == 1
    with pytest.raises(KeyError):
        ParamSet.of("nope")
    with pytest.raises(TypeError):
        GapQuery(q="x")


def test_every_parameter_is_one_complete_entry():
    """Adding a filter is one entry: each has a label, and a filter has a widget, options
    with labels and a sentence part, in every UI language."""
    from i18n import LANGUAGES

    for p in PARAMS:
        assert p.name and p.attr
        if p.widget:
            for lang in LANGUAGES:
                assert p.label(lang).strip()
        if p.is_filter:
            assert p.widget and p.describe
            for lang in LANGUAGES:
                if p.choices:
                    assert all(p.option(c, lang).strip() for c in p.choices)
                    assert p.describe(p.choices[0], lang).strip()
                else:
                    assert p.describe(True, lang).strip()
    assert BY_NAME["lang"].read({"lang": "ar"}) == ("ar", True)
    assert BY_NAME["lang"].read({"lang": "xx"}) == ("de", False)
    assert BY_NAME["feld"].read({"feld": ["schule", "kita"]}) == ("schule", True)


def test_flags_accept_1_and_0_only():
    assert FinderQuery.from_params({"offen": "0"}).dropped == ()
    assert FinderQuery.from_params({"offen": "yes"}).dropped == ("offen",)
    assert FinderQuery.from_params({"barrierefrei": "1"}).accessible is True
