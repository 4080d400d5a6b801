"""The one placement of the app (geo.gazetteer): postcodes, places, districts, uncertainty."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import boundaries
from geo.gazetteer import Gazetteer, Placement, place_candidates


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def test_default_is_built_once_and_uses_the_one_district_lookup(gaz) -> None:
    assert Gazetteer.default() is gaz
    assert gaz.lookup is boundaries.districts_of
    # coast snapping and the islands the shapes lack come from geo.boundaries
    lons, lats = [9.73, 6.9927, 7.907, 7.5], [52.37, 53.6766, 53.79, 54.2]
    assert list(gaz.districts_of(lons, lats)) == ["03241", "03452", "03455", None]
    assert list(gaz.districts_of(lons, lats)) == list(boundaries.districts_of(lons, lats))


@pytest.mark.parametrize(
    ("plz", "city", "precision", "ags"),
    [
        ("31135", "Hildesheim", "postcode", "03254"),
        ("37073", None, "postcode", "03159"),
        ("21423", "Winsen (Luhe)", "postcode", "03353"),  # corrected by the build: Harburg
        ("38110", "Braunschweig", "postcode", "03101"),  # not Gifhorn
        ("49401", "Lembruch", "postcode", "03251"),  # 49401 spans Vechta and Diepholz
        ("49401", "Damme", "postcode", "03460"),
        (None, "Göttingen (Grone-Süd)", "place", "03159"),
        (None, "Hannover (Linden-Nord)", "place", "03241"),
        (None, "Winsen (Luhe)", "place", "03353"),  # a postcode-table place name
        ("99999", "Göttingen", "place", "03159"),  # unknown postcode: the place
        (None, "Juist", "place", "03452"),  # island missing from the shapes
        ("26571", None, "postcode", "03452"),
    ],
)
def test_postcodes_and_places(gaz, plz, city, precision, ags) -> None:
    got = gaz.locate(postal_code=plz, city=city)
    assert (got.precision, got.district_ags) == (precision, ags)
    assert got.latitude is not None and got.note is None
    assert got.district_status == "certain"


def test_not_placed_rows_say_why(gaz) -> None:
    lohne = gaz.locate(city="Lohne (Oldenburg) – Sitz des Trägers; Beratungsort in Quelle "
                            "nicht genannt")  # fmt: skip
    assert lohne.latitude is None and "nicht genannt" in lohne.note
    assert gaz.locate(city="Atlantis (fiktiv)") == Placement(
        None, None, None, "Ort nicht eindeutig gefunden", None)  # fmt: skip
    assert gaz.locate().note == "Ort in Quelle nicht genannt"
    # a district only: no coordinates, the district by its name (a parenthesis may be part
    # of the name or the reason)
    only = gaz.locate(city="Landkreis Heidekreis (Ort in Quelle nicht genannt)")
    assert (only.latitude, only.district_ags) == (None, "03358")
    assert only.note == "Nur Landkreis bekannt (Ort in Quelle nicht genannt)"
    assert gaz.locate(city="Landkreis Rotenburg (Wümme)").district_ags == "03357"


@pytest.mark.parametrize(
    ("where", "ags"),
    [
        ({"city": "Lohne"}, "03460"),  # Lohne (Vechta) 28,089 vs. Lohne (Bentheim) 7,000
        ({"city": "Hagen"}, "03459"),  # Hagen a.T.W. vs. a place of that name in Braunschweig
        ({"postal_code": "49401"}, "03460"),  # spans two districts, no place given
        ({"postal_code": "21444"}, "03355"),  # Kirchgellersen (Lüneburg) / Vierhöfen (Harburg)
    ],
)
def test_ambiguous_names_and_postcodes_are_uncertain(gaz, where, ags) -> None:
    got = gaz.locate(**where)
    assert got.district_ags == ags and got.district_uncertain
    assert got.district_status == "uncertain"


def test_dominant_namesake_is_certain(gaz) -> None:
    # Bergen (Celle, 13,609 inhabitants) has no namesake ten times smaller in another district
    got = gaz.locate(city="Bergen")
    assert (got.district_ags, got.district_uncertain) == ("03351", False)


def test_border_points(gaz) -> None:
    # Brake (Unterweser) lies on the Weser, the border to Osterholz: uncertain
    brake = gaz.locate(city="Brake (Unterweser)")
    assert (brake.district_ags, brake.district_uncertain) == ("03461", True)
    # the centroid of 21423 lies 176 m inside Lüneburg's generalised outline: as typed
    # coordinates the point is uncertain, as the postcode it is settled by the build's override
    typed = gaz.locate(latitude=53.33041, longitude=10.30356)
    assert (typed.precision, typed.district_ags, typed.district_uncertain) == (
        "address", "03355", True)  # fmt: skip
    assert not gaz.locate(postal_code="21423").district_uncertain
    # Hannover's centre is far from every border
    centre = gaz.locate(latitude=52.3745, longitude=9.7386)
    assert (centre.district_ags, centre.district_status) == ("03241", "certain")
    # outside Lower Saxony: no district, nothing uncertain
    munich = gaz.locate(latitude=48.137, longitude=11.575)
    assert munich.district_ags is None and munich.district_status is None


def test_place_points_vectorised_matches_single(gaz) -> None:
    lats = np.array([53.33041, 52.3745, 53.6766, 48.137])
    lons = np.array([10.30356, 9.7386, 6.9927, 11.575])
    ags, uncertain = gaz.place_points(lats, lons)
    singles = [gaz.place_point(a, b) for a, b in zip(lats, lons, strict=True)]
    assert list(ags) == [p.district_ags for p in singles] == ["03355", "03241", "03452", None]
    assert list(uncertain) == [p.district_uncertain for p in singles]
    assert list(uncertain) == [True, False, False, False]


def test_near_other_district() -> None:
    near = boundaries.near_other_district(
        [10.30356, 9.7386, 10.30356], [53.33041, 52.3745, 53.33041], ["03355", "03241", None])
    assert list(near) == [True, False, False]
    with pytest.raises(ValueError):
        boundaries.near_other_district([1.0], [1.0, 2.0], ["x"])


def test_small_fixture_with_own_lookup() -> None:
    postcodes = pd.DataFrame({"plz": ["11111", "11111", "22222"], "place": ["Ahof", "Bdorf",
                              "Cstadt"], "lat": [52.0, 52.0, 53.0], "lon": [9.0, 9.0, 10.0],
                              "ags": ["03001", "03002", "03001"]})  # fmt: skip
    places = pd.DataFrame({"name": ["Cstadt", "Ahof", "Ahof"], "lat": [52.93, 52.5, 52.9],
                           "lon": [10.01, 9.5, 9.9], "population": [5000, 100, 90],
                           "ags": ["03001", "03001", "03002"]})  # fmt: skip
    gaz = Gazetteer(postcodes, places, districts={"westkreis": "03001"},
                    lookup=lambda lons, lats: ["03009"] * len(list(lons)),
                    near_border=lambda lons, lats, ags: np.asarray(lats) > 52.95)  # fmt: skip
    assert gaz.locate(postal_code="11111", city="Bdorf").district_ags == "03002"
    spans = gaz.locate(postal_code="11111")
    assert (spans.district_ags, spans.district_uncertain) == ("03009", True)
    # near the border, but the same-named place within 15 km in the same district settles it
    assert gaz.locate(postal_code="22222").district_status == "certain"
    # two "Ahof" in two districts, the larger not ten times as populous
    assert gaz.locate(city="Ahof").district_uncertain
    assert gaz.locate(city="Landkreis Westkreis").district_ags == "03001"
    assert gaz.district_of(9.0, 52.0) == "03009"


def test_place_candidates() -> None:
    assert place_candidates("Bispingen-Hörpel") == ["Bispingen-Hörpel", "Bispingen"]
    assert place_candidates("Verden (Aller)") == ["Verden (Aller)", "Verden"]
