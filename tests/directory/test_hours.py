"""Tests for directory.hours: validation, open-now, formatting, parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from directory.hours import format_hours, is_open, parse_hours_text, validate_hours

UTC = UTC
DAYS_DE = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]


def slot(weekday: int, opens: str, closes: str) -> dict:
    return {"weekday": weekday, "opens": opens, "closes": closes}


def hours(*slots: dict, by_appointment: bool = False, note: str | None = None) -> dict:
    return {"slots": list(slots), "by_appointment": by_appointment, "note": note}


MON_MORNING = hours(slot(0, "09:00", "12:00"), slot(0, "14:00", "16:00"), slot(2, "09:00", "12:00"))


# --------------------------------------------------------------------------- #
# validate_hours
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (None, []),
        (MON_MORNING, []),
        (hours(by_appointment=True), []),
        (hours(slot(0, "09:00", "24:00")), []),
        ("Mo 9-12", ["not_a_mapping"]),
        ({"slots": "Mo"}, ["bad_slots"]),
        ({"slots": ["x"]}, ["bad_slot"]),
        (hours(slot(7, "09:00", "12:00")), ["bad_weekday"]),
        (hours(slot(-1, "09:00", "12:00")), ["bad_weekday"]),
        (hours({"weekday": True, "opens": "09:00", "closes": "12:00"}), ["bad_weekday"]),
        (hours(slot(0, "9:00", "12:00")), ["bad_time"]),
        (hours(slot(0, "09:00", "25:00")), ["bad_time"]),
        (hours(slot(0, "09:60", "12:00")), ["bad_time"]),
        (hours(slot(0, "24:00", "24:00")), ["bad_time"]),
        (hours(slot(0, "12:00", "09:00")), ["closes_before_opens"]),
        (hours(slot(0, "09:00", "09:00")), ["closes_before_opens"]),
        (hours(slot(0, "09:00", "12:00"), slot(0, "11:00", "13:00")), ["overlap"]),
        (hours(slot(0, "09:00", "12:00"), slot(1, "11:00", "13:00")), []),
        (hours(slot(0, "09:00", "12:00"), slot(0, "12:00", "13:00")), []),
        ({"slots": [], "by_appointment": "yes"}, ["bad_by_appointment"]),
        ({"slots": [], "note": 5}, ["bad_note"]),
        (
            hours(slot(9, "x", "12:00"), slot(0, "12:00", "10:00")),
            ["bad_weekday", "bad_time", "closes_before_opens"],
        ),
    ],
)
def test_validate_hours(obj: object, expected: list[str]) -> None:
    assert validate_hours(obj) == expected


# --------------------------------------------------------------------------- #
# is_open
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2025, 6, 2, 9, 0), True),  # Monday, naive = Berlin wall clock
        (datetime(2025, 6, 2, 11, 59), True),
        (datetime(2025, 6, 2, 12, 0), False),  # closing time is exclusive
        (datetime(2025, 6, 2, 13, 0), False),
        (datetime(2025, 6, 2, 15, 30), True),
        (datetime(2025, 6, 3, 10, 0), False),  # Tuesday
        (datetime(2025, 6, 4, 10, 0), True),  # Wednesday
        (datetime(2025, 6, 8, 10, 0), False),  # Sunday
        # Aware datetimes are converted to Europe/Berlin (CEST = UTC+2).
        (datetime(2025, 6, 2, 7, 0, tzinfo=UTC), True),
        (datetime(2025, 6, 2, 6, 59, tzinfo=UTC), False),
        # DST boundary: 30 March 2025 clocks go forward.  07:30 UTC is 08:30
        # CET on Monday 24 March but 09:30 CEST on Monday 31 March.
        (datetime(2025, 3, 24, 7, 30, tzinfo=UTC), False),
        (datetime(2025, 3, 31, 7, 30, tzinfo=UTC), True),
        # ... and back on 26 October 2025: 08:30 UTC is 09:30 CET on 27 Oct.
        (datetime(2025, 10, 20, 7, 30, tzinfo=UTC), True),  # 09:30 CEST
        (datetime(2025, 10, 27, 7, 30, tzinfo=UTC), False),  # 08:30 CET
        (datetime(2025, 10, 27, 8, 30, tzinfo=UTC), True),
    ],
)
def test_is_open(at: datetime, expected: bool) -> None:
    assert is_open(MON_MORNING, at) is expected


def test_is_open_on_dst_night_itself() -> None:
    # Sunday 30 March 2025: 01:30 UTC = 03:30 CEST (02:00-03:00 does not exist).
    night = hours(slot(6, "03:00", "04:00"))
    assert is_open(night, datetime(2025, 3, 30, 1, 30, tzinfo=UTC)) is True
    assert is_open(night, datetime(2025, 3, 30, 0, 30, tzinfo=UTC)) is False  # 01:30 CET


@pytest.mark.parametrize(
    "unknown",
    [
        None,
        hours(by_appointment=True),  # appointment only: cannot say
        hours(),  # no slots at all
        hours(slot(0, "12:00", "09:00")),  # invalid
    ],
)
def test_is_open_unknown(unknown: dict | None) -> None:
    assert is_open(unknown, datetime(2025, 6, 2, 10, 0)) is None


def test_is_open_until_midnight() -> None:
    late = hours(slot(4, "18:00", "24:00"))
    assert is_open(late, datetime(2025, 6, 6, 23, 59)) is True
    assert is_open(late, datetime(2025, 6, 7, 0, 0)) is False


# --------------------------------------------------------------------------- #
# format_hours
# --------------------------------------------------------------------------- #
def test_format_hours_per_day() -> None:
    assert format_hours(MON_MORNING, DAYS_DE) == [
        "Mo 09:00–12:00, 14:00–16:00",
        "Mi 09:00–12:00",
    ]


def test_format_hours_sorts_slots() -> None:
    h = hours(slot(1, "14:00", "16:00"), slot(0, "09:00", "10:00"), slot(1, "08:00", "09:00"))
    assert format_hours(h, DAYS_DE) == ["Mo 09:00–10:00", "Di 08:00–09:00, 14:00–16:00"]


def test_format_hours_grouped() -> None:
    week = hours(*(slot(d, "09:00", "12:00") for d in range(5)), slot(5, "10:00", "12:00"))
    assert format_hours(week, DAYS_DE, group_days=True) == [
        "Mo–Fr 09:00–12:00",
        "Sa 10:00–12:00",
    ]
    two = hours(slot(0, "09:00", "12:00"), slot(1, "09:00", "12:00"), slot(3, "09:00", "12:00"))
    assert format_hours(two, DAYS_DE, group_days=True) == [
        "Mo, Di 09:00–12:00",
        "Do 09:00–12:00",
    ]


@pytest.mark.parametrize("bad", [None, hours(slot(0, "12:00", "09:00"))])
def test_format_hours_unknown_or_invalid(bad: dict | None) -> None:
    assert format_hours(bad, DAYS_DE) == []


def test_format_hours_english_names() -> None:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert format_hours(MON_MORNING, names)[1] == "Wed 09:00–12:00"


# --------------------------------------------------------------------------- #
# parse_hours_text
# --------------------------------------------------------------------------- #
WEEK = range(5)


def _slots(days: range | list[int], *spans: tuple[str, str]) -> list[dict]:
    return [slot(d, o, c) for d in days for o, c in spans]


@pytest.mark.parametrize(
    ("text", "slots", "by_appointment"),
    [
        ("Mo–Fr 9–12 Uhr", _slots(WEEK, ("09:00", "12:00")), False),
        ("Mo-Fr 9-12 Uhr", _slots(WEEK, ("09:00", "12:00")), False),
        ("Mo bis Fr 9 bis 12 Uhr", _slots(WEEK, ("09:00", "12:00")), False),
        ("Montag bis Freitag 8.30 - 12.00 Uhr", _slots(WEEK, ("08:30", "12:00")), False),
        ("Di 14:00-16:00", _slots([1], ("14:00", "16:00")), False),
        ("donnerstags 10-12 Uhr", _slots([3], ("10:00", "12:00")), False),
        ("Mo: 9 Uhr – 12 Uhr", _slots([0], ("09:00", "12:00")), False),
        (
            "Mo, Mi und Fr von 9 bis 12:30 Uhr",
            _slots([0, 2, 4], ("09:00", "12:30")),
            False,
        ),
        (
            "Mo–Do 9–12 und 14–16 Uhr",
            _slots(range(4), ("09:00", "12:00"), ("14:00", "16:00")),
            False,
        ),
        (
            "Mo–Fr 9–12 Uhr, Do 14–18 Uhr",
            sorted(
                _slots(WEEK, ("09:00", "12:00")) + _slots([3], ("14:00", "18:00")),
                key=lambda s: (s["weekday"], s["opens"]),
            ),
            False,
        ),
        (
            "Mo 9–12; Di 10-11",
            _slots([0], ("09:00", "12:00")) + _slots([1], ("10:00", "11:00")),
            False,
        ),
        ("Sa–So 10–14 Uhr", _slots([5, 6], ("10:00", "14:00")), False),
        ("täglich 8–20 Uhr", _slots(range(7), ("08:00", "20:00")), False),
        ("Termine nach Vereinbarung", [], True),
        ("nur nach vorheriger Terminvereinbarung", [], True),
        ("Mo–Do 9–12 Uhr sowie nach Vereinbarung", _slots(range(4), ("09:00", "12:00")), True),
        ("Fr 18-24 Uhr", _slots([4], ("18:00", "24:00")), False),
    ],
)
def test_parse_hours_text(text: str, slots: list[dict], by_appointment: bool) -> None:
    parsed = parse_hours_text(text)
    assert parsed == {"slots": slots, "by_appointment": by_appointment, "note": None}
    assert validate_hours(parsed) == []


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "9-12 Uhr",  # no day
        "Mo",  # no time
        "Mo 9",  # no closing time
        "Mo 9-",  # dangling range
        "Mo 12-9 Uhr",  # closes before opens
        "Fr–Mo 9–12",  # wrapping day range
        "Mo-Fr 9-12, Mo 10-11",  # overlap
        "Mo 25-26 Uhr",  # impossible time
        "Mo 9:75-12",  # impossible minutes
        "in den Ferien geschlossen",  # unknown words
        "Mo–Fr 9–12 Uhr, außer feiertags",
        "werktags 9-12",  # Mo-Fr or Mo-Sa? don't guess
        "<script>alert(1)</script>",
        "Mo 9-12 " * 200,  # absurdly long
    ],
)
def test_parse_hours_text_unsure_returns_none(text: str | None) -> None:
    assert parse_hours_text(text) is None
