"""Field validators of directory.validate (pure; stand-in or real gazetteer)."""

from __future__ import annotations

import pytest

from directory.validate import (
    GeoContext,
    check_accessibility,
    check_email,
    check_fields,
    check_hours,
    check_languages,
    check_phone,
    check_target_groups,
    check_url,
    validate_offer,
)

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
