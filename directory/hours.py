"""Opening hours: model, validation, "open now", formatting and a small parser.

Hours are stored as plain JSON (``None`` means *unknown*)::

    {
        "slots": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}, ...],
        "by_appointment": false,
        "note": null
    }

``weekday`` follows :meth:`datetime.date.weekday` (Monday = 0).  Times are
local wall-clock times in Europe/Berlin; a slot never crosses midnight
(``"24:00"`` is accepted as a closing time).  All functions are pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

__all__ = [
    "BERLIN",
    "Hours",
    "Slot",
    "format_hours",
    "is_open",
    "parse_hours_text",
    "validate_hours",
]

BERLIN = ZoneInfo("Europe/Berlin")

_TIME = re.compile(r"^(\d{2}):(\d{2})$")


class Slot(TypedDict):
    """One opening interval on one weekday."""

    weekday: int
    opens: str
    closes: str


class Hours(TypedDict):
    """Opening hours of an office."""

    slots: list[Slot]
    by_appointment: bool
    note: str | None


# --------------------------------------------------------------------------- #
# Validation
# --------------------------------------------------------------------------- #
def _minutes(value: object, *, closing: bool = False) -> int | None:
    """``"HH:MM"`` -> minutes since midnight, or None when malformed."""
    if not isinstance(value, str):
        return None
    m = _TIME.match(value)
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if closing and h == 24 and mi == 0:
        return 24 * 60
    if h > 23 or mi > 59:
        return None
    return h * 60 + mi


def validate_hours(obj: object) -> list[str]:
    """Check an hours object.

    Parameters
    ----------
    obj : object
        Candidate hours (``None`` = unknown, which is valid).

    Returns
    -------
    list of str
        Distinct error codes in order of first occurrence, empty when valid:
        ``not_a_mapping``, ``bad_slots``, ``bad_slot``, ``bad_weekday``,
        ``bad_time``, ``closes_before_opens``, ``overlap``,
        ``bad_by_appointment``, ``bad_note``.
    """
    if obj is None:
        return []
    errors: list[str] = []

    def err(code: str) -> None:
        if code not in errors:
            errors.append(code)

    if not isinstance(obj, Mapping):
        return ["not_a_mapping"]
    slots = obj.get("slots", [])
    if not isinstance(slots, list):
        err("bad_slots")
        slots = []
    intervals: dict[int, list[tuple[int, int]]] = {}
    for slot in slots:
        if not isinstance(slot, Mapping):
            err("bad_slot")
            continue
        wd = slot.get("weekday")
        wd_ok = isinstance(wd, int) and not isinstance(wd, bool) and 0 <= wd <= 6
        if not wd_ok:
            err("bad_weekday")
        start = _minutes(slot.get("opens"))
        end = _minutes(slot.get("closes"), closing=True)
        if start is None or end is None:
            err("bad_time")
            continue
        if end <= start:
            err("closes_before_opens")
            continue
        if wd_ok:
            intervals.setdefault(int(wd), []).append((start, end))  # type: ignore[arg-type]
    for spans in intervals.values():
        spans.sort()
        if any(b_start < a_end for (_, a_end), (b_start, _) in pairwise(spans)):
            err("overlap")
    if not isinstance(obj.get("by_appointment", False), bool):
        err("bad_by_appointment")
    note = obj.get("note")
    if note is not None and not isinstance(note, str):
        err("bad_note")
    return errors


# --------------------------------------------------------------------------- #
# Open now?
# --------------------------------------------------------------------------- #
def is_open(hours: Mapping[str, Any] | None, at: datetime) -> bool | None:
    """Whether the office is open at a given moment.

    Parameters
    ----------
    hours : mapping or None
        Hours object; ``None`` means unknown.
    at : datetime.datetime
        Moment to check.  Aware datetimes are converted to Europe/Berlin;
        naive ones are taken as Berlin wall-clock time.

    Returns
    -------
    bool or None
        ``None`` when the hours are unknown, invalid, or consist only of
        "by appointment" without any slot; otherwise True/False.
    """
    if hours is None or validate_hours(hours):
        return None
    slots = hours.get("slots") or []
    if not slots:
        return None
    local = at.astimezone(BERLIN) if at.tzinfo is not None else at
    minute = local.hour * 60 + local.minute
    wd = local.weekday()
    for slot in slots:
        if slot["weekday"] != wd:
            continue
        start = _minutes(slot["opens"])
        end = _minutes(slot["closes"], closing=True)
        if start is not None and end is not None and start <= minute < end:
            return True
    return False


# --------------------------------------------------------------------------- #
# Formatting
# --------------------------------------------------------------------------- #
def _day_spans(hours: Mapping[str, Any]) -> dict[int, list[str]]:
    by_day: dict[int, list[tuple[str, str]]] = {}
    for slot in hours.get("slots") or []:
        by_day.setdefault(int(slot["weekday"]), []).append((slot["opens"], slot["closes"]))
    return {d: [f"{o}–{c}" for o, c in sorted(v)] for d, v in sorted(by_day.items())}


def format_hours(
    hours: Mapping[str, Any] | None,
    weekday_names: Sequence[str],
    *,
    group_days: bool = False,
) -> list[str]:
    """Human-readable lines, one per weekday with opening times.

    Parameters
    ----------
    hours : mapping or None
        Hours object (``None`` or invalid -> empty list).
    weekday_names : sequence of str
        Seven short names, Monday first, in the UI language
        (e.g. ``["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]``).
    group_days : bool, default False
        Merge consecutive days with identical times ("Mo–Fr 09:00–12:00").

    Returns
    -------
    list of str
        E.g. ``["Mo 09:00–12:00, 14:00–16:00", "Mi 09:00–12:00"]``.
        ``by_appointment`` and ``note`` are left to the caller (they need
        translated wording).
    """
    if hours is None or validate_hours(hours) or len(weekday_names) != 7:
        return []
    spans = _day_spans(hours)
    if not group_days:
        return [f"{weekday_names[d]} {', '.join(s)}" for d, s in spans.items()]
    lines: list[str] = []
    days = sorted(spans)
    i = 0
    while i < len(days):
        j = i
        while (
            j + 1 < len(days)
            and days[j + 1] == days[j] + 1
            and spans[days[j + 1]] == spans[days[i]]
        ):
            j += 1
        first, last = days[i], days[j]
        if last - first >= 2:
            label = f"{weekday_names[first]}–{weekday_names[last]}"
        elif last == first + 1:
            label = f"{weekday_names[first]}, {weekday_names[last]}"
        else:
            label = weekday_names[first]
        lines.append(f"{label} {', '.join(spans[first])}")
        i = j + 1
    return lines


# --------------------------------------------------------------------------- #
# Parsing simple German phrases
# --------------------------------------------------------------------------- #
_DAY_WORDS: dict[str, int] = {}
for _i, (_short, _long) in enumerate(
    [
        ("mo", "montag"),
        ("di", "dienstag"),
        ("mi", "mittwoch"),
        ("do", "donnerstag"),
        ("fr", "freitag"),
        ("sa", "samstag"),
        ("so", "sonntag"),
    ]
):
    for _w in (_short, _long, _long + "s"):
        _DAY_WORDS[_w] = _i
_DAY_WORDS["sonnabend"] = _DAY_WORDS["sonnabends"] = 5

_APPOINTMENT = re.compile(
    r"(?:(?:und|sowie|oder)\s+)?(?:termine?\s+)?(?:nur\s+)?nach\s+(?:vorheriger\s+)?"
    r"(?:termin)?(?:vereinbarung|absprache)"
)
_TOKEN = re.compile(
    r"(?P<time>\d{1,2}(?:[:.]\d{2})?)"
    r"|(?P<word>[a-zäöüß]+)\.?"
    r"|(?P<range>[-–—]|bis\b)"
    r"|(?P<list>[,+&/])"
    r"|(?P<seg>[;\n|])"
    r"|(?P<colon>:)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)"
)
_FILLER = frozenset(
    {"uhr", "h", "von", "jeweils", "geöffnet", "offen", "öffnungszeiten", "sprechzeiten",
     "sprechzeit", "sprechstunde", "sprechstunden", "am", "an", "den"}
)  # fmt: skip
_LIST_WORDS = frozenset({"und", "u", "sowie"})


def _tokens(text: str) -> list[tuple[str, Any]] | None:
    out: list[tuple[str, Any]] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        val = m.group(kind or "other")
        if kind == "space" or kind == "colon":
            continue
        if kind == "time":
            h, _, mi = val.replace(".", ":").partition(":")
            hour, minute = int(h), int(mi or 0)
            if hour > 24 or minute > 59 or (hour == 24 and minute):
                return None
            out.append(("time", hour * 60 + minute))
        elif kind == "word":
            if val == "bis":
                out.append(("range", None))
            elif val in _DAY_WORDS:
                out.append(("day", _DAY_WORDS[val]))
            elif val == "täglich":
                out.extend([("day", 0), ("range", None), ("day", 6)])
            elif val in _LIST_WORDS:
                out.append(("list", None))
            elif val in _FILLER:
                continue
            else:
                return None  # unknown word: don't guess
        elif kind in ("range", "list", "seg"):
            out.append((kind, None))
        else:
            return None
    return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hours_text(text: str | None) -> Hours | None:
    """Best-effort parse of simple German opening-hours phrases.

    Understands day names (``Mo``, ``Montag``, ``montags``), day ranges
    (``Mo–Fr``, ``Mo bis Fr``), day lists (``Mo, Mi und Fr``), time ranges
    (``9–12 Uhr``, ``09:00-12:30``, ``von 9 bis 12 Uhr``, several per day),
    several segments (``Mo–Fr 9–12 Uhr, Do 14–18 Uhr``) and "nach
    Vereinbarung".

    Parameters
    ----------
    text : str or None
        Free text as found on a web page or typed by an editor.

    Returns
    -------
    Hours or None
        Parsed hours, or None whenever anything is not understood (unknown
        words, dangling days or times, invalid or overlapping ranges).  The
        parser never guesses.
    """
    if not text or not isinstance(text, str) or len(text) > 500:
        return None
    low = text.casefold().replace("\u00a0", " ")
    by_appointment = bool(_APPOINTMENT.search(low))
    low = _APPOINTMENT.sub(" ", low)
    toks = _tokens(low)
    if toks is None:
        return None

    slots: list[Slot] = []
    days: list[int] = []
    ranges: list[tuple[int, int]] = []
    pending_day: int | None = None  # start of a day range ("Mo –")
    pending_time: int | None = None  # opening time awaiting its end
    expect_range_end = False

    def flush() -> bool:
        if not days and not ranges:
            return True
        if not days or not ranges or pending_time is not None or expect_range_end:
            return False
        for d in days:
            for start, end in ranges:
                slots.append({"weekday": d, "opens": _hhmm(start), "closes": _hhmm(end)})
        return True

    prev = ""
    for kind, val in toks:
        if kind == "day":
            if ranges:  # a new segment starts
                if not flush():
                    return None
                days, ranges = [], []
            if expect_range_end and pending_day is not None and prev == "range":
                if val < pending_day:
                    return None
                days.extend(d for d in range(pending_day, val + 1) if d not in days)
                pending_day, expect_range_end = None, False
            elif expect_range_end:
                return None
            else:
                if val not in days:
                    days.append(val)
                pending_day = val
        elif kind == "time":
            if not days:
                return None
            if pending_time is not None and expect_range_end and prev == "range":
                if val <= pending_time:
                    return None
                ranges.append((pending_time, val))
                pending_time, expect_range_end = None, False
            elif pending_time is not None or expect_range_end:
                return None
            else:
                pending_time = val
            pending_day = None
        elif kind == "range":
            if prev not in ("day", "time") or expect_range_end:
                return None
            expect_range_end = True
        elif kind == "list":
            if expect_range_end or pending_time is not None:
                return None
            pending_day = None
        elif kind == "seg":
            if not flush():
                return None
            days, ranges, pending_day = [], [], None
        prev = kind
    if not flush():
        return None
    if not slots and not by_appointment:
        return None
    slots.sort(key=lambda s: (s["weekday"], s["opens"]))
    hours: Hours = {"slots": slots, "by_appointment": by_appointment, "note": None}
    if validate_hours(hours):
        return None
    return hours
