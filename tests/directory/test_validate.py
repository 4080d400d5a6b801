"""Field validators of directory.validate (pure; stand-in or real gazetteer)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.validate import (
    CheckMemo,
    GeoContext,
    check_accessibility,
    check_email,
    check_fields,
    check_hours,
    check_languages,
    check_offer,
    check_phone,
    check_target_groups,
    check_url,
    validate_offer,
)
from tests.strategies import examples

BASE = {"name": "Beratung", "organization": "Träger", "kind": "projekt"}


@pytest.fixture(scope="module")
def geo(gazetteer):
    return GeoContext(gazetteer)


def codes(problems, severity=None):
    return {p.code for p in problems if severity is None or p.severity == severity}


@pytest.mark.parametrize(
    ("value", "code"),
    [("0511 123456", None), ("+49 511 123-45", None), ("0531 – 88 68 92 43", None),
     ("(0511) 12 34 56", None), ("12345", "bad_phone"), ("ruf an", "bad_phone"),
     ("+33 1 23 45 67 89", "foreign_phone"), ("0511\x00123456", "control_chars")],
)  # fmt: skip
def test_phone(value, code):
    assert codes(check_phone(value)[1]) == ({code} if code else set())


@pytest.mark.parametrize(
    ("value", "code"),
    [("https://example.org/a?b=1", None), ("http://xn--mnchen-3ya.de", None),
     ("www.example.org", "url_no_scheme"), ("javascript:alert(1)", "bad_url_scheme"),
     ("ftp://example.org", "bad_url_scheme"), ("https://exa mple.org", "bad_url"),
     ("data:text/html,<b>", "bad_url_scheme")],
)  # fmt: skip
def test_url(value, code):
    assert codes(check_url("website", value)[1]) == ({code} if code else set())


def test_email_languages_fields_groups():
    assert not check_email("a.b@example.org")[1]
    assert codes(check_email("a@b")[1]) == {"bad_email"}
    langs, probs = check_languages("de, Arabisch; xx")
    assert langs == ["de", "ar"] and codes(probs) == {"language_name", "bad_language"}
    ids, probs = check_fields(["beruf", "Schule", "raketen"])
    assert ids == ["beruf", "schule"] and codes(probs) == {"bad_field"}
    ids, probs = check_fields("Kindertagesstätten")  # the printed title → its id, warned
    assert ids == ["kita"] and codes(probs) == {"field_title"}
    assert [p.severity for p in probs] == ["warning"]
    assert check_fields("kita") == (["kita"], [])
    ids, probs = check_target_groups("jugendliche; Geflüchtete Frauen")
    assert ids == ["jugendliche", "frauen", "gefluechtete"]
    assert codes(probs) == {"target_group_text"}


def test_hours_and_accessibility():
    hours, probs = check_hours("Mo–Fr 09:00–12:00")
    assert not probs and len(hours["slots"]) == 5
    assert codes(
        check_hours('{"slots": [{"weekday": 0, "opens": "12:00", "closes": "09:00"}]}')[1]
    ) == {"bad_hours"}
    assert codes(check_hours("irgendwann")[1]) == {"unparsed_hours"}
    assert check_accessibility("Ja")[0] == "yes" and check_accessibility(None)[0] == "unknown"
    assert codes(check_accessibility("vielleicht")[1]) == {"bad_accessibility"}


def test_offer_geography(geo):
    assert codes(validate_offer({**BASE, "postal_code": "99999"}, geo)) >= {"unknown_postcode"}
    bavaria = validate_offer({**BASE, "latitude": 48.137, "longitude": 11.575}, geo)
    assert "outside_area" in codes(bavaria, "error")
    ok = validate_offer({**BASE, "latitude": "52,37", "longitude": "9,73"}, geo)
    assert not codes(ok, "error")
    derived = validate_offer({**BASE, "postal_code": "31135"}, geo)
    assert "derived_postcode" in codes(derived, "warning") and not codes(derived, "error")
    assert codes(validate_offer({**BASE, "latitude": 91, "longitude": 9}, geo)) >= {"lat_range"}
    assert "coords_incomplete" in codes(validate_offer({**BASE, "latitude": 52.3}, geo))


def test_offer_text_rules(geo):
    probs = validate_offer({**BASE, "name": "<b>Café</b>", "kind": "Jugendmigrationsdienst"}, geo)
    assert codes(probs, "warning") >= {"markup", "kind_classified"}
    assert not codes(probs, "error")
    assert "control_chars" in codes(validate_offer({**BASE, "name": "a\x1bb"}, geo), "error")
    assert "too_long" in codes(validate_offer({**BASE, "name": "x" * 301}, geo), "error")
    assert "required" in codes(validate_offer({"name": "x"}, geo), "error")
    assert "bad_status" in codes(validate_offer({**BASE, "status": "weg"}, geo))
    assert "bad_date" in codes(validate_offer({**BASE, "assured_date": "2024-13-01"}, geo))
    msg = next(p for p in validate_offer({**BASE, "email": "x"}, geo) if p.code == "bad_email")
    assert msg.message_de.startswith("E-Mail-Adresse „x“") and msg.params["value"] == "x"


# -- the memo of an import: the same results with and without it --------------------------------
_CELLS = {
    # 1.0 == True: equal keys unless the memo tells the types apart ("1" and "ja" to a check)
    "kind": st.sampled_from(["projekt", "Jugendmigrationsdienst", "", None, 1.0, True]),
    "fields": st.one_of(st.sampled_from(["kita; bildung", "Kindertagesstätten", "kita, x", None]),
                        st.lists(st.sampled_from(["kita", "bildung", "?"]), max_size=3),
                        st.just([["kita"]])),  # a list of lists: not a key
    "target_groups": st.sampled_from(["jugendliche; Geflüchtete Frauen", "niemand", None, 7]),
    "languages": st.one_of(st.sampled_from(["de; Arabisch", "xx", None, ""]),
                           st.lists(st.sampled_from(["de", "ar", "Türkisch"]), max_size=2)),
    "postal_code": st.sampled_from(["37073", "99999", "3707", 37073, 37073.0, None, "31135"]),
    "city": st.sampled_from(["Göttingen", "Hannover", "Nirgendwo", None, "Celle"]),
    "phone": st.sampled_from(["0551 12 34 56", "+49 511 1", "12", "+43 1 234567", None, 551123456]),
    "opening_hours": st.one_of(
        st.sampled_from(["Mo–Fr 09:00–12:00", "Mo 12:00–09:00", "irgendwann", None,
                         '{"slots": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}]}']),
        st.just({"slots": [{"weekday": 1, "opens": "10:00", "closes": "11:00"}],
                 "by_appointment": False, "note": None})),  # a dict: not a key
    "accessibility": st.sampled_from(["Ja", "nein", "vielleicht", None, True, 1]),
    "assured_date": st.sampled_from(["2024-03-01", "1.2.2024", "2024-13-01", None, 2024]),
    "source_kind": st.sampled_from(["presse", "Zeitung", None]),
    "precision": st.sampled_from(["place", "postcode", "address", None, "junk"]),
    "latitude": st.sampled_from([None, 51.5413, 52.3759, "52,37", 48.137, 91]),
    "longitude": st.sampled_from([None, 9.9158, 9.7320, "9,73", 11.575]),
    "district_ags": st.sampled_from([None, "03159", "03241", "x"]),
}  # fmt: skip


@st.composite
def _flat_rows(draw) -> dict:
    """A flat offer row whose cells come from small pools (so values repeat between rows),
    of the types readers hand over: text, numbers, flags, lists, JSON objects."""
    row = {"name": draw(st.sampled_from(["Beratung", "<b>Café</b>", "x" * 301])),
           "organization": "Träger", "kind": draw(_CELLS["kind"])}  # fmt: skip
    for key, cells in _CELLS.items():
        if draw(st.booleans()):
            row[key] = draw(cells)
    return row


def _scribble(value):
    """Change every list and dict inside ``value`` in place."""
    if isinstance(value, list):
        for item in value:
            _scribble(item)
        value.append("scribbled")
    elif isinstance(value, dict):
        for item in list(value.values()):
            _scribble(item)
        value["scribbled"] = True


@settings(max_examples=examples(30))
@given(rows=st.lists(_flat_rows(), min_size=1, max_size=12))
def test_check_memo_gives_the_results_of_the_checks(geo, rows):
    """An import checks each distinct value once (CheckMemo): every row's result is the
    one without the memo, and no list or dict is shared between rows."""
    memo = CheckMemo()
    expected = [check_offer(row, geo) for row in copy.deepcopy(rows)]
    got = [check_offer(row, geo, memo=memo) for row in copy.deepcopy(rows)]
    assert got == expected
    for clean, _problems in got:
        _scribble(list(clean.values()))
    assert [check_offer(row, geo, memo=memo) for row in copy.deepcopy(rows)] == expected
