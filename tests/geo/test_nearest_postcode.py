"""Reverse look-up for "near me": a position -> the nearest postcode of Lower Saxony."""

import math

import pytest

from geo.distance import haversine_km
from geo.geocode import get_index, nearest_postcode
from ui.geolocate import postcode_for


def _oracle(lat, lon):
    idx = get_index()
    return min(idx.postcodes.values(),
               key=lambda e: float(haversine_km(lat, lon, [e.lat], [e.lon])[0]))  # fmt: skip


@pytest.mark.parametrize("lat, lon", [(51.5338, 9.9355), (52.3759, 9.7320), (53.1435, 8.2146),
                                      (52.2799, 8.0472), (53.5511, 7.2070)])  # fmt: skip
def test_matches_brute_force(lat, lon):
    assert nearest_postcode(lat, lon) == _oracle(lat, lon).plz


def test_postcode_centre_maps_to_itself():
    idx = get_index()
    for plz in idx.plz_sorted[::50]:
        entry = idx.postcodes[plz]
        found = nearest_postcode(entry.lat, entry.lon)
        # shared centroids may exist; the found postcode must have the same centre
        assert (idx.postcodes[found].lat, idx.postcodes[found].lon) == (entry.lat, entry.lon)


def test_goettingen_is_a_goettingen_postcode():
    assert nearest_postcode(51.5338, 9.9355).startswith("370")


@pytest.mark.parametrize("lat, lon", [(48.137, 11.575), (52.52, 13.405), (0.0, 0.0),
                                      (math.nan, 9.9), (91.0, 9.9), (52.0, math.inf)])  # fmt: skip
def test_outside_or_invalid_is_none(lat, lon):
    assert nearest_postcode(lat, lon) is None


def test_bremen_enclave_gets_a_nearby_postcode():
    """Bremen lies inside Lower Saxony; its visitors get the nearest Lower Saxony postcode."""
    plz = nearest_postcode(53.0793, 8.8017)
    entry = get_index().postcodes[plz]
    assert haversine_km(53.0793, 8.8017, [entry.lat], [entry.lon])[0] < 20


@pytest.mark.parametrize("value", [None, "52,9", {"lat": "x", "lon": 1}, {"lat": 52.0},
                                   {"lat": None, "lon": None}, [52.0, 9.0]])  # fmt: skip
def test_postcode_for_rejects_malformed_trigger_values(value):
    assert postcode_for(value) is None


def test_postcode_for_accepts_a_position():
    assert postcode_for({"lat": 51.5338, "lon": 9.9355}).startswith("370")
