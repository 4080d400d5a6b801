"""Phone numbers: E.164 stored, national format shown, invalid ones flagged and not linked."""

from __future__ import annotations

import pytest

from directory.phones import (
    display_phone,
    format_phone,
    is_german_mobile,
    normalize_phone,
    parse_phone,
    tel_href,
)
from directory.validate import check_phone
from ui.cards import tel_href as card_tel_href

# (as written in data/offices.csv or by coordinators, stored, shown)
STYLES = [
    ("05121 - 13 28 20", "+495121132820", "05121 132820"),
    ("(0511) 123 45-6", "+49511123456", "0511 123456"),
    ("+49 4941 16-3264", "+494941163264", "04941 163264"),
    ("0049 511 123456", "+49511123456", "0511 123456"),
    ("0049 (0)511 123456", "+49511123456", "0511 123456"),
    ("04231 15-8903", "+494231158903", "04231 158903"),
    ("05151/202-3444", "+4951512023444", "05151 2023444"),
    ("04131 / 96985-24", "+4941319698524", "04131 9698524"),
    ("0531 – 88 68 92 43", "+4953188689243", "0531 88689243"),
    ("0591 91246-0", "+49591912460", "0591 912460"),
    ("0511 123456 App. 12", "+49511123456;ext=12", "0511 123456-12"),
    ("0511 123456 Durchwahl 12", "+49511123456;ext=12", "0511 123456-12"),
    ("+33 1 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
]


@pytest.mark.parametrize(("written", "stored", "shown"), STYLES)
def test_styles_normalise_to_e164_and_show_national(written, stored, shown) -> None:
    assert normalize_phone(written) == stored
    assert normalize_phone(stored) == stored  # idempotent
    assert display_phone(stored) == display_phone(written) == shown
    assert format_phone(stored, "ar") == shown  # the same digits in every UI language
    assert tel_href(written) == f"tel:{stored}" == card_tel_href(written)


@pytest.mark.parametrize("written", ["0511 12", "01520/14322990", "0049 5121 1", "0123 456789"])
def test_invalid_numbers_are_kept_and_never_linked(written) -> None:
    parsed = parse_phone(written)
    assert parsed is not None and not parsed.valid
    assert normalize_phone(written) == written
    assert display_phone(written) == written
    assert tel_href(written) is None and card_tel_href(written) is None


def test_empty() -> None:
    assert parse_phone("  ") is None and normalize_phone(None) is None
    assert display_phone(None) == "" and tel_href("") is None


@pytest.mark.parametrize(
    ("written", "mobile"),
    [("0157/82214426", True), ("01520/14322990", True), ("+49 170 1234567", True),
     ("0049 160 1234567", True), ("05121 13 28 20", False), ("0800 1234567", False)],
)  # fmt: skip
def test_german_mobile_numbers(written, mobile) -> None:
    assert is_german_mobile(written) is mobile


@pytest.mark.parametrize(
    ("written", "clean", "codes"),
    [
        ("05121 - 13 28 20", "+495121132820", set()),
        ("0511 123456 App. 12", "+49511123456;ext=12", set()),
        ("0123 456789", "0123 456789", {("invalid_phone", "warning")}),  # no such area code
        ("01520/14322990", "01520/14322990", {("invalid_phone", "warning")}),  # too long
        ("+33 1 23 45 67 89", "+33123456789", {("foreign_phone", "warning")}),
        ("12345", "12345", {("bad_phone", "error")}),
        ("ruf an", "ruf an", {("bad_phone", "error")}),
    ],
)
def test_validation_stores_e164_and_warns_on_invalid(written, clean, codes) -> None:
    value, problems = check_phone(written)
    assert value == clean
    assert {(p.code, p.severity) for p in problems} == codes


def test_card_shows_national_format_and_dials_e164() -> None:
    from tests.test_cards import row
    from ui.cards import card_html

    html = card_html(row(phone="+495121132820"), "de")
    assert 'href="tel:+495121132820"' in html and "05121 132820" in html
    assert "+495121132820</a>" not in html
    # an invalid number is not a link
    assert "tel:" not in card_html(row(phone="0123 456789"), "de")


def test_editor_stores_e164_and_flags_an_invalid_number(store, gazetteer) -> None:
    from directory.auth import User
    from directory.editing import Editor
    from directory.networks import ensure_networks

    ensure_networks(store)
    ed, admin = Editor(store, gazetteer=gazetteer), User("ada", "admin")
    org = ed.create("organization", {"name": "Beispielverein (Test)"}, actor=admin)
    loc = ed.create("location", {"organization_id": org["id"], "postal_code": "31135",
                                 "city": "Hildesheim"}, actor=admin)  # fmt: skip
    svc = ed.create("service", {"organization_id": org["id"], "name": "Beratung (Test)",
                                "kind": "mbe", "phone": "(05121) 13 28-20"},
                    actor=admin, location_id=loc["id"])  # fmt: skip
    assert svc["phone"] == "+495121132820"
    assert ed.warnings("service", svc) == []
    bad = ed.edit("service", svc["id"], {"phone": "0123 456789"}, actor=admin,
                  expected_version=svc["version"])  # fmt: skip
    assert bad["phone"] == "0123 456789"  # saved as typed ...
    assert [p.code for p in ed.warnings("service", bad)] == ["invalid_phone"]  # ... flagged
