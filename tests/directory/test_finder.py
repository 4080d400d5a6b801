"""The finder's query object: URL round trip, filters, search against a tiny frame."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from directory.finder import DEFAULT_RADIUS, FinderQuery, locate, search
from directory.hours import BERLIN


def offer(sid, lat, lon, **kw):
    row = {"service_id": sid, "name": sid, "kind": "mbe", "fields": ("beruf",),
           "target_groups": ("erwachsene",), "languages": ("de",), "accessibility": "unknown",
           "opening_hours": None, "lat": lat, "lon": lon}  # fmt: skip
    row.update(kw)
    return row


_GOE = locate("Göttingen").matches[0]
GOE = (_GOE.lat, _GOE.lon)  # where the geocoder puts Göttingen
MONDAY_10 = {"slots": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}],
             "by_appointment": False, "note": None}  # fmt: skip

FRAME = pd.DataFrame(
    [
        offer("near", GOE[0] + 0.01, GOE[1], languages=("de", "ar"), opening_hours=MONDAY_10),
        offer("jmd", GOE[0] + 0.05, GOE[1], kind="jmd", fields=("jugendarbeit",),
              target_groups=("jugendliche",), accessibility="yes"),
        offer("far", 53.14, 8.21),  # Oldenburg, ~230 km
        offer("nowhere", float("nan"), float("nan")),
    ]
)  # fmt: skip


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "37073"},
        {"q": "Гёттинген", "r": "10", "feld": "jugendarbeit", "art": "jmd",
         "gruppe": "jugendliche", "sprache": "ar", "barrierefrei": "1", "offen": "1",
         "wahl": "abc"},
    ],
)  # fmt: skip
def test_url_round_trip(params):
    query = FinderQuery.from_params(params)
    assert query.to_params() == params
    assert FinderQuery.from_params(query.to_params()) == query
    assert query.dropped == ()


@pytest.mark.parametrize(
    ("params", "dropped"),
    [({"feld": "<script>"}, ("feld",)), ({"r": "7"}, ("r",)), ({"r": "-1"}, ("r",)),
     ({"sprache": "xx", "art": "nope"}, ("art", "sprache")), ({"gruppe": ["x", "y"]}, ("gruppe",))],
)  # fmt: skip
def test_invalid_params_are_dropped_not_raised(params, dropped):
    query = FinderQuery.from_params(params)
    assert tuple(sorted(query.dropped)) == tuple(sorted(dropped))
    assert query.radius_km == DEFAULT_RADIUS
    assert query.field is None and query.kind is None


def test_list_values_take_the_first_and_query_is_trimmed():
    query = FinderQuery.from_params({"q": ["  Göttingen   Weende ", "x"], "offen": ["1"]})
    assert query.q == "Göttingen Weende"
    assert query.open_now
    assert len(FinderQuery.from_params({"q": "x" * 500}).q) == 100


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"near", "jmd", "far", "nowhere"}),
        ({"feld": "jugendarbeit"}, {"jmd"}),
        ({"art": "mbe"}, {"near", "far", "nowhere"}),
        ({"gruppe": "jugendliche"}, {"jmd"}),
        ({"sprache": "ar"}, {"near"}),
        ({"barrierefrei": "1"}, {"jmd"}),
    ],
)
def test_attribute_filters(params, expected):
    assert set(FinderQuery.from_params(params).apply(FRAME)["service_id"]) == expected


def test_open_now_keeps_unknown_hours_and_drops_closed():
    query = FinderQuery.from_params({"offen": "1"})
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
    tuesday = datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)
    assert set(query.apply(FRAME, now=monday)["service_id"]) == {"near", "jmd", "far", "nowhere"}
    assert set(query.apply(FRAME, now=tuesday)["service_id"]) == {"jmd", "far", "nowhere"}


def test_search_sorts_by_distance_within_radius():
    outcome = search(FRAME, FinderQuery.from_params({"q": "Göttingen", "r": "10"}))
    assert outcome.located.status == "found"
    assert list(outcome.results["service_id"]) == ["near", "jmd"]
    assert outcome.results["distance_km"].is_monotonic_increasing
    assert 1.0 < outcome.results["distance_km"].iloc[0] < 1.3  # 0.01° latitude ≈ 1.1 km
    assert outcome.outside_radius == 1
    assert outcome.without_position == 1


def test_search_without_location_lists_nothing():
    for q in ("", "Xyzzyville"):
        outcome = search(FRAME, FinderQuery.from_params({"q": q}))
        assert outcome.results.empty
        assert outcome.located.status in ("empty", "not_found")


def test_locate_resolves_a_did_you_mean_label():
    ambiguous = locate("Neustadt")
    assert ambiguous.status == "ambiguous"
    label = ambiguous.matches[1].label
    chosen = locate(label)
    assert chosen.status == "found"
    assert chosen.matches[0].label == label


def test_describe_names_every_filter():
    query = FinderQuery.from_params({"q": "Celle", "r": "50", "feld": "schule", "sprache": "ar",
                                     "offen": "1"})  # fmt: skip
    assert query.describe("de") == (
        "Umkreis 50 km um Celle · Schule und Lernen, Beratung auf Arabisch, jetzt geöffnet")
    assert query.describe("en") == (
        "50 km around Celle · School and learning, counselling in Arabic, open now")
    everything = FinderQuery.from_params({"q": "x", "feld": "schule", "art": "jmd",
                                          "gruppe": "frauen", "sprache": "ar",
                                          "barrierefrei": "1", "offen": "1"})  # fmt: skip
    assert len(everything.describe_parts("de")) == len(FinderQuery.params.filters) == 6


# --------------------------------------------------------------------------- honest results
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from directory.finder import KIND_RELEVANCE, MAX_RADIUS, nearest_first, relevance  # noqa: E402
from directory.taxonomy import KIND_IDS  # noqa: E402


def test_every_kind_has_a_relevance_and_counselling_beats_encounter():
    assert sorted(KIND_RELEVANCE) == sorted(KIND_IDS)
    for counselling in ("migrationsberatung", "mbe", "jmd"):
        for encounter in ("selbstorganisation", "projekt"):
            assert relevance(counselling) < relevance(encounter)
    assert relevance("unbekannt") > max(relevance(k) for k in KIND_IDS)


TIED = pd.DataFrame(
    [
        offer("garden", *GOE, kind="projekt", name="Interkultureller Garten"),
        offer("mso", *GOE, kind="selbstorganisation", name="Verein"),
        offer("counsel", *GOE, kind="migrationsberatung", name="Migrationszentrum",
              languages=()),
        offer("jmd", *GOE, kind="jmd", name="Jugendmigrationsdienst", languages=()),
        offer("next", GOE[0] + 0.02, GOE[1], kind="projekt", name="Aaa nächstes Projekt"),
    ]
)  # fmt: skip


def test_ties_at_the_same_distance_are_ordered_by_relevance():
    outcome = search(TIED, FinderQuery.from_params({"q": "Göttingen"}))
    assert list(outcome.results["service_id"]) == ["counsel", "jmd", "mso", "garden", "next"]
    young = search(TIED, FinderQuery.from_params({"q": "Göttingen", "gruppe": "erwachsene"}))
    assert young.results["service_id"].iloc[0] == "counsel"
    asked = search(TIED, FinderQuery.from_params({"q": "Göttingen", "art": "projekt"}))
    assert list(asked.results["service_id"]) == ["garden", "next"]


@given(st.lists(st.tuples(st.floats(0, 300, allow_nan=False), st.sampled_from(KIND_IDS),
                          st.text(max_size=5)), max_size=30))  # fmt: skip
def test_order_is_by_shown_distance_then_relevance(rows):
    frame = pd.DataFrame({"kind": [k for _, k, _ in rows], "name": [n for *_, n in rows]})
    dist = np.array([d for d, *_ in rows], dtype=float)
    order = nearest_first(frame, dist)
    assert sorted(order.tolist()) == list(range(len(rows)))
    keys = [(round(dist[i] / 0.1), relevance(frame["kind"].iloc[i])) for i in order]
    assert keys == sorted(keys)


def test_language_filter_adds_the_nearest_offers_with_unknown_languages():
    outcome = search(TIED, FinderQuery.from_params({"q": "Göttingen", "sprache": "fa"}))
    assert outcome.results.empty
    assert list(outcome.unknown_language["service_id"]) == ["counsel", "jmd"]
    assert not outcome.unknown_beyond_radius
    # without a language filter there is no such list
    assert search(TIED, FinderQuery.from_params({"q": "Göttingen"})).unknown_language is None


def test_unknown_language_offers_beyond_the_radius_are_the_nearest_anywhere():
    far = pd.DataFrame([offer("far", 53.14, 8.21, languages=())])
    outcome = search(far, FinderQuery.from_params({"q": "Göttingen", "r": "5",
                                                   "sprache": "fa"}))  # fmt: skip
    assert list(outcome.unknown_language["service_id"]) == ["far"]
    assert outcome.unknown_beyond_radius


def test_the_largest_radius_is_known():
    assert search(TIED, FinderQuery.from_params({"q": "Göttingen", "r": str(MAX_RADIUS)})
                  ).at_max_radius  # fmt: skip
    assert not search(TIED, FinderQuery.from_params({"q": "Göttingen"})).at_max_radius


def test_unknown_language_list_is_empty_when_nothing_else_matches():
    # found by the page property test: no offer left without the language filter
    outcome = search(TIED, FinderQuery.from_params({"q": "Göttingen", "art": "kommunal",
                                                   "sprache": "fa"}))  # fmt: skip
    assert outcome.results.empty and outcome.unknown_language.empty


def test_offers_that_can_be_called_come_first_among_unknown_languages():
    # the visitor is asked to call and ask: a phone number beats a shorter distance
    frame = pd.DataFrame([
        offer("near", GOE[0] + 0.01, GOE[1], languages=(), phone=None),
        offer("blank", GOE[0] + 0.02, GOE[1], languages=(), phone="  "),
        offer("callable", GOE[0] + 0.05, GOE[1], languages=(), phone="+49551123456"),
    ])  # fmt: skip
    outcome = search(frame, FinderQuery.from_params({"q": "Göttingen", "sprache": "fa"}))
    assert list(outcome.unknown_language["service_id"]) == ["callable", "near", "blank"]
    # without any number: nearest first, as before
    no_phone = frame.drop(columns="phone")
    outcome = search(no_phone, FinderQuery.from_params({"q": "Göttingen", "sprache": "fa"}))
    assert list(outcome.unknown_language["service_id"]) == ["near", "blank", "callable"]
