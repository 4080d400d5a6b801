"""Tests for geo.geocode (and geo.textnorm).

Two layers:

* unit tests on a tiny in-code gazetteer (normalisation, ranking, homonyms,
  postcode handling, robustness), independent of the shipped data;
* a table-driven test against the real reference data through
  ``geo.boundaries.load_postcodes`` / ``load_places``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geo.geocode import GeocodeResult, Match, build_index, geocode, get_index
from geo.textnorm import MAX_QUERY_LEN, clean_input, exact_key, fold_keys

# --------------------------------------------------------------------------- #
# textnorm
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Göttingen", ("gottingen", "goettingen")),
        ("GÖTTINGEN", ("gottingen", "goettingen")),
        ("Goettingen", ("goettingen",)),
        ("gottingen", ("gottingen",)),
        ("Straße", ("strasse",)),
        ("Hann. Münden", ("hann munden", "hann muenden")),
        ("  Bad   Pyrmont  ", ("bad pyrmont",)),
        ("Neustadt a. Rbge.", ("neustadt a rbge",)),
        ("Гёттинген", ("геттинген",)),  # Cyrillic kept, diaeresis dropped
        ("Ґетінґен", ("ґетінґен",)),
        ("غوتينغن", ("غوتینغن",)),  # Arabic yeh folded to Persian yeh
        ("نوی\u200cاشتات", ("نویاشتات",)),  # ZWNJ removed
        ("أولدنبورغ", ("اولدنبورغ",)),  # hamza on alef removed
        ("", ()),
        ("😀 !!", ()),
    ],
)
def test_fold_keys(text: str, expected: tuple[str, ...]) -> None:
    assert fold_keys(text) == expected


def test_exact_key_keeps_umlauts() -> None:
    assert exact_key("Hüde") == "hüde" != exact_key("Hude")


def test_clean_input() -> None:
    assert clean_input(None) == ""
    assert clean_input(37073) == "37073"
    assert clean_input("  a\x00b\n ") == "a b"
    assert len(clean_input("x" * 10_000)) == MAX_QUERY_LEN


# --------------------------------------------------------------------------- #
# Unit tests on a small in-code gazetteer
# --------------------------------------------------------------------------- #
PLACES = pd.DataFrame(
    [
        # name, lat, lon, population, ags, district, alternatenames
        (1, "Göttingen", 51.53443, 9.93228, 122149, "03159016", "Landkreis Göttingen",
         "Goettingen|Gottingen|Гёттинген|غوتينغن|ZEU"),
        (2, "Hannover", 52.37052, 9.73322, 515140, "03241001", "Region Hannover",
         "Hanover|Ганновер|هانوفر|HAJ"),
        (3, "Hannoversch Münden", 51.41667, 9.65, 24000, "03159017", "Landkreis Göttingen",
         "Hann. Münden"),
        (4, "Neustadt am Rübenberge", 52.50462, 9.45871, 44668, "03241013", "Region Hannover",
         "Neustadt|Neustadt a. Rbge."),
        (5, "Neustadt", 52.26799, 10.52001, 2386, "03101000", "Braunschweig", ""),
        (6, "Hude", 53.11, 8.46, 15567, "03458007", "Landkreis Oldenburg", ""),
        (7, "Hüde", 52.50, 8.36, 1070, "03251018", "Landkreis Diepholz", ""),
        (8, "Winsen", 53.36, 10.21, 32662, "03353040", "Landkreis Harburg", "Winsen (Luhe)"),
        (9, "Winsen", 52.68, 9.91, 12838, "03351024", "Landkreis Celle", "Winsen (Aller)"),
        (10, "Celle", 52.62, 10.08, 71010, "03351006", "Landkreis Celle", "Целле"),
        (11, "Burgdorf", 52.45, 10.01, 31051, "03241003", "Region Hannover", ""),
        (12, "Burgdorf", 52.15, 10.40, 0, "03158007", "Landkreis Wolfenbüttel", ""),
    ],
    columns=["geonameid", "name", "lat", "lon", "population", "ags", "district",
             "alternatenames"],
)  # fmt: skip

POSTCODES = pd.DataFrame(
    [
        ("37073", "Göttingen", 51.53, 9.94, "03159016", "Landkreis Göttingen"),
        ("37075", "Göttingen", 51.55, 9.96, "03159016", "Landkreis Göttingen"),
        ("37077", "Göttingen", 51.56, 9.98, "03159016", "Landkreis Göttingen"),
        ("30159", "Hannover", 52.37, 9.74, "03241001", "Region Hannover"),
        ("29308", "Winsen", 52.68, 9.91, "03351024", "Landkreis Celle"),
        # one postcode, two places: centroid is the mean, label names both
        ("21698", "Harsefeld", 53.45, 9.50, "03359022", "Landkreis Stade"),
        ("21698", "Bargstedt", 53.47, 9.46, "03359003", "Landkreis Stade"),
        # a place that only the postcode table knows
        ("31008", "Elze", 52.12, 9.74, "03254014", "Landkreis Hildesheim"),
        # same name as a GeoNames place but far away -> a separate place
        ("99999", "Celle", 48.0, 11.0, "", ""),
    ],
    columns=["plz", "place", "lat", "lon", "ags", "district"],
)


@pytest.fixture(scope="module")
def small() -> object:
    return build_index(POSTCODES, PLACES)


def _labels(result: GeocodeResult) -> list[str]:
    return [m.label for m in result.matches]


@pytest.mark.parametrize(
    "query",
    ["Göttingen", "GÖTTINGEN", "göttingen", "Goettingen", "gottingen", "Gottingen ",
     "Гёттинген", "غوتينغن", "Gottingn", "Göttingen Weende"],
)  # fmt: skip
def test_small_goettingen(small: object, query: str) -> None:
    r = geocode(query, index=small)
    assert r.status == "found"
    assert r.best is not None and r.best.label == "Göttingen"
    assert r.best.kind == "place" and r.best.precision == "place"
    assert r.best.district == "Landkreis Göttingen"
    assert r.best.plz is None  # three postcodes -> none singled out


def test_small_exact_beats_fuzzy_and_population_ranks(small: object) -> None:
    r = geocode("Hannover", index=small)
    assert r.status == "found" and r.best.label == "Hannover"
    assert r.best.score == 100.0
    # a typo still finds the city, not Hannoversch Münden
    r = geocode("Hannvoer", index=small)
    assert r.status == "found" and r.best.label == "Hannover"
    assert 85 <= r.best.score < 100
    assert geocode("Hann. Münden", index=small).best.label == "Hannoversch Münden"


def test_small_abbreviation_alternates_ignored(small: object) -> None:
    assert geocode("HAJ", index=small).status == "not_found"


def test_small_homonyms_ambiguous(small: object) -> None:
    r = geocode("Neustadt", index=small)
    assert r.status == "ambiguous"
    assert _labels(r) == ["Neustadt am Rübenberge (Region Hannover)", "Neustadt (Braunschweig)"]
    r = geocode("Winsen", index=small)
    assert r.status == "ambiguous"
    assert _labels(r) == ["Winsen (Landkreis Harburg)", "Winsen (Landkreis Celle)"]
    # the alternate names disambiguate
    assert geocode("Winsen (Luhe)", index=small).best.district == "Landkreis Harburg"


def test_small_dominant_homonym_found(small: object) -> None:
    # Hude (15,567) vs Hüde (1,070): exact spelling and >10x population win,
    # the other one is offered as an alternative.
    r = geocode("Hude", index=small)
    assert r.status == "found"
    assert _labels(r) == ["Hude", "Hüde (Landkreis Diepholz)"]
    # "Hüde" typed with the umlaut only matches Hüde exactly... and Hude by fold
    assert geocode("Hüde", index=small).best.label == "Hüde"
    r = geocode("Burgdorf", index=small)  # population unknown (0) for the second
    assert r.status == "found" and r.best.district == "Region Hannover"


def test_small_postcodes(small: object) -> None:
    r = geocode("37073", index=small)
    assert r.status == "found"
    m = r.best
    assert m == Match(
        label="37073 Göttingen",
        lat=51.53,
        lon=9.94,
        precision="postcode",
        ags="03159016",
        district="Landkreis Göttingen",
        score=100.0,
        kind="postcode",
        plz="37073",
    )
    r = geocode("21698", index=small)
    assert r.best.label == "21698 Harsefeld, Bargstedt"
    assert r.best.lat == pytest.approx(53.46) and r.best.lon == pytest.approx(9.48)
    assert geocode("D-37075", index=small).best.plz == "37075"
    assert geocode("37077 Göttingen", index=small).best.plz == "37077"
    assert geocode(" 3 7 0 ", index=small).status == "ambiguous"


def test_small_postcode_outside_area(small: object) -> None:
    r = geocode("80331", index=small)
    assert r.status == "not_found" and r.reason == "postcode_not_in_area"
    assert r.matches == ()


def test_small_partial_postcode(small: object) -> None:
    r = geocode("370", index=small)
    assert r.status == "ambiguous"
    assert [m.plz for m in r.matches] == ["37073", "37075", "37077"]
    assert all(m.kind == "postcode" for m in r.matches)
    assert geocode("8", index=small).reason == "postcode_unknown_prefix"
    assert geocode("123456", index=small).reason == "postcode_invalid"


def test_small_postcode_table_places(small: object) -> None:
    # Only in the postcode table -> still a place, with its single postcode.
    r = geocode("Elze", index=small)
    assert r.status == "found" and r.best.plz == "31008"
    assert r.best.district == "Landkreis Hildesheim"
    # Same name 400 km away is a separate place: GeoNames Celle (71k) dominates.
    r = geocode("Celle", index=small)
    assert r.status == "found" and r.best.lat == pytest.approx(52.62)
    # Winsen's postcode is attached to the GeoNames Winsen nearby (no new place).
    winsen = geocode("Winsen", index=small)
    assert len(winsen.matches) == 2
    assert [m.plz for m in winsen.matches] == [None, "29308"]


def test_small_cyrillic_transliteration_fallback(small: object) -> None:
    # "Цэлле" is in no alternate-name list; romanised it is "zelle" ~ "celle".
    r = geocode("Цэле", index=small)
    assert r.status in {"found", "not_found"}
    r = geocode("Целле", index=small)
    assert r.status == "found" and r.best.label == "Celle"


def test_small_not_found_suggestions(small: object) -> None:
    r = geocode("Hannoverstadt", index=small)
    assert r.status == "not_found" and r.reason == "no_match"
    assert r.suggestions[0] == "Hannover"
    assert len(r.suggestions) <= 5


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\n\t", "empty"),
        ("😀", "not_found"),
        ("<script>alert(1)</script>", "not_found"),
        ("'; DROP TABLE offices; --", "not_found"),
        ("%00%0a", "not_found"),
        ("x" * 5000, "not_found"),
        ("Göttingen" * 50, "not_found"),
        ("\u200b\u200c", "not_found"),
        ("ab", "not_found"),
        ("-", "not_found"),
        ("00000", "not_found"),
    ],
)
def test_small_odd_input_never_raises(small: object, query: str, status: str) -> None:
    assert geocode(query, index=small).status == status


def test_small_non_string_input(small: object) -> None:
    assert geocode(None, index=small).status == "empty"  # type: ignore[arg-type]
    assert geocode(37073, index=small).best.plz == "37073"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# Real reference data
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def real() -> object:
    return get_index()


def test_real_index_covers_the_reference_data() -> None:
    from geo.boundaries import load_places, load_postcodes

    postcodes, places = load_postcodes(), load_places()
    index = build_index(postcodes, places)
    assert len(index.places) >= len(places)
    assert 0 < len(index.postcodes) <= postcodes["plz"].nunique()


FOUND = [
    # query, expected label of the best match
    ("Göttingen", "Göttingen"),
    ("Goettingen", "Göttingen"),
    ("gottingen", "Göttingen"),
    ("GÖTTINGEN", "Göttingen"),
    ("Гёттинген", "Göttingen"),  # Russian (GeoNames)
    ("Ґетінґен", "Göttingen"),  # Ukrainian (GeoNames)
    ("غوتينغن", "Göttingen"),  # Arabic (GeoNames)
    ("گوتینگن", "Göttingen"),  # Persian (GeoNames)
    ("Gottingn", "Göttingen"),  # typo
    ("Hannover", "Hannover"),
    ("hanover", "Hannover"),
    ("هانوفر", "Hannover"),  # Arabic
    ("Ганновер", "Hannover"),  # Russian and Ukrainian
    ("Hannvoer", "Hannover"),  # typo
    ("Osnabrück", "Osnabrück"),
    ("Osnabrueck", "Osnabrück"),
    ("osnabruck", "Osnabrück"),
    ("Оснабрюк", "Osnabrück"),
    ("أسنابروك", "Osnabrück"),
    ("Braunschwieg", "Braunschweig"),
    ("Brunswick", "Braunschweig"),
    ("Целле", "Celle"),
    ("Lueneburg", "Lüneburg"),
    ("Oldenburg (Oldenburg)", "Oldenburg"),
    ("Hildesheim Innenstadt", "Hildesheim"),
    ("Friedland", "Friedland"),
]


@pytest.mark.parametrize(("query", "label"), FOUND)
def test_real_places_found(real: object, query: str, label: str) -> None:
    r = geocode(query, index=real)
    assert r.status == "found", (query, r)
    assert r.best.label == label
    assert r.best.kind == "place"
    assert 51.2 < r.best.lat < 54.0 and 6.5 < r.best.lon < 11.7
    assert r.best.district


def test_real_goettingen_same_point(real: object) -> None:
    points = {
        (geocode(q, index=real).best.lat, geocode(q, index=real).best.lon)
        for q, label in FOUND
        if label == "Göttingen"
    }
    assert len(points) == 1


def test_real_postcode(real: object) -> None:
    r = geocode("37073", index=real)
    assert r.status == "found"
    assert r.best.kind == "postcode" and r.best.plz == "37073"
    assert r.best.label.startswith("37073 ") and "Göttingen" in r.best.label
    assert 51.4 < r.best.lat < 51.7 and 9.8 < r.best.lon < 10.1


def test_real_postcode_outside(real: object) -> None:
    for plz in ("80331", "10115", "01067"):
        r = geocode(plz, index=real)
        assert r.status == "not_found" and r.reason == "postcode_not_in_area"


def test_real_partial_postcode(real: object) -> None:
    r = geocode("370", index=real)
    assert r.status == "ambiguous"
    assert 1 < len(r.matches) <= 10
    assert all(m.plz and m.plz.startswith("370") for m in r.matches)


def test_real_homonyms(real: object) -> None:
    r = geocode("Neustadt", index=real)
    assert r.status == "ambiguous"
    assert any(lab.startswith("Neustadt am Rübenberge (") for lab in _labels(r))
    assert all("(" in lab for lab in _labels(r))
    assert r.matches[0].label.startswith("Neustadt am Rübenberge")  # biggest first
    assert geocode("Winsen", index=real).status == "ambiguous"


def test_real_unknown(real: object) -> None:
    r = geocode("Xyzzyville", index=real)
    assert r.status == "not_found" and r.reason == "no_match"
    assert 1 <= len(r.suggestions) <= 5
    r = geocode("Hanoverstadt", index=real)
    assert "Hannover" in r.suggestions


@pytest.mark.parametrize("query", ["", "   ", "<script>", "😀", "x" * 500])
def test_real_odd_input(real: object, query: str) -> None:
    r = geocode(query, index=real)
    assert r.status in {"empty", "not_found"}


def test_real_every_place_finds_itself(real: object) -> None:
    from geo.boundaries import load_places

    places = load_places()
    misses = []
    for row in places.itertuples(index=False):
        r = geocode(row.name, index=real)
        if r.status == "not_found" or not any(
            abs(m.lat - row.lat) < 1e-6 and abs(m.lon - row.lon) < 1e-6 for m in r.matches
        ):
            misses.append(row.name)
    assert misses == []


