"""Hypothesis strategies shared by the property tests: hostile text, URL parameters and
offer frames shaped exactly like :func:`directory.query.offers_frame` returns them.

The examples are what the public internet sends: valid values, invalid ones, empty, huge,
other scripts, repeated parameters (lists), markdown and HTML meant to inject content.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
from hypothesis import settings
from hypothesis import strategies as st

from directory.filters import PARAMS, RADIUS_CHOICES
from directory.query import OFFER_COLUMNS
from directory.taxonomy import FIELD_IDS, KIND_IDS, LANGUAGE_CODES, TARGET_GROUP_IDS
from i18n import LANGUAGES


def examples(cheap: int) -> int:
    """Examples for a cheap (function-level) property: ``cheap``, or the profile's if more
    (the profiles are registered in ``tests/conftest.py``)."""
    return max(cheap, settings.default.max_examples)


EVIL = "https://evil.example"
#: Payloads that would add an element, a link or a request if text passed through markdown
#: or unescaped HTML (the host ``evil.example`` must never be requested or linked).
PAYLOADS = (
    f"![x]({EVIL}/a.png)",
    f"[Termin buchen]({EVIL}/phish)",
    f"Beratung\n\n![x]({EVIL}/blank-line.png)",
    f"<img src={EVIL}/i.png>",
    "<script>alert(1)</script>",
    '</p></article><img src=x onerror="alert(1)">',
    f"<a href='{EVIL}/a'>hier</a>",
    f"<{EVIL}/autolink>",
    f"{EVIL}/bare-url",
    "www.evil.example",
    "hilfe@evil.example",
    "javascript:alert(1)",
    "**fett** _kursiv_ `code` ~~weg~~",
    ":red[rot] :material/home: :smile:",
    "$x^2$ $$\\int$$",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "# Überschrift\n> Zitat\n1. eins\n- zwei",
    "&lt;b&gt; &amp; &#x3C;img&#x3E;",
    "\x00\x07\x1b",
    "\u202eRTL-Override\u202c",
    "Гёттинген",
    "غوتينغن",
    "گوتینگن\u200cها",
    "ﷺ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧭",
)

_chars = st.characters(exclude_categories=("Cs",))  # a URL cannot carry lone surrogates

#: Any text, biased towards injection payloads and their combinations.
hostile_text = st.one_of(
    st.text(_chars, max_size=40),
    st.sampled_from(PAYLOADS),
    st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=4).map("\n".join),
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), st.text(_chars, max_size=10)),
)

#: Search texts that locate something (so results, cards and map render) or nearly do.
PLACES = ("37073", "Göttingen", "Goettingen", "Гёттинген", "غوتينغن", "Hannover", "Celle",
          "Neustadt", "Neustadt am Rübenberge (Region Hannover)", "80331", "Hildeshiem",
          "Xyzzyville", "3", "", " ")  # fmt: skip

_valid_values = {
    "q": st.sampled_from(PLACES),
    "r": st.sampled_from([str(r) for r in RADIUS_CHOICES]),
    "feld": st.sampled_from(FIELD_IDS),
    "art": st.sampled_from(KIND_IDS),
    "gruppe": st.sampled_from(TARGET_GROUP_IDS),
    "sprache": st.sampled_from(LANGUAGE_CODES),
    "barrierefrei": st.sampled_from(["1", "0"]),
    "offen": st.sampled_from(["1", "0"]),
    "wahl": st.sampled_from(["s0", "s1", "nope"]),
    "lang": st.sampled_from(list(LANGUAGES)),
}
_invalid = st.one_of(
    hostile_text,
    st.sampled_from(["", "-1", "0", "7", "999999999999999999999", "1e3", "٣", "²", "25 ",
                     "ar ", "DE", "yes", "true", "None", "null", "[]"]),
    st.text(_chars, min_size=200, max_size=2000),  # huge
)  # fmt: skip


def url_value(name: str) -> st.SearchStrategy:
    """A value of URL parameter ``name``: valid, invalid, or repeated (a list)."""
    one = st.one_of(_valid_values.get(name, _invalid), _invalid)
    return st.one_of(one, st.lists(one, min_size=1, max_size=3))


@st.composite
def url_params(draw, names: tuple[str, ...] | None = None) -> dict[str, str | list[str]]:
    """A query-string dict over the registry's parameter names (plus unknown ones)."""
    names = names or tuple(p.name for p in PARAMS)
    chosen = draw(st.lists(st.sampled_from([*names, "utm_source", "q[]", ""]), unique=True,
                           max_size=len(names) + 2))  # fmt: skip
    return {n: draw(url_value(n)) for n in chosen}


# --------------------------------------------------------------------------- offers

#: Points that the finder's searches reach (Göttingen, Hannover, Celle) and one far away.
_NEAR = ((51.534, 9.933), (52.374, 9.738), (52.62, 10.08), (53.14, 8.21))

_hours = st.one_of(
    st.none(),
    st.just({"slots": [{"weekday": d, "opens": "09:00", "closes": "12:00"} for d in range(5)],
             "by_appointment": False, "note": None}),
    st.builds(lambda note: {"slots": [], "by_appointment": True, "note": note}, hostile_text),
    st.just({"slots": [{"weekday": 9, "opens": "25:00", "closes": "x"}]}),  # invalid
    st.just({"unexpected": True}),
)  # fmt: skip


@st.composite
def coordinates(draw) -> tuple[float, float]:
    kind = draw(st.sampled_from(["near", "near", "none", "random", "odd"]))
    if kind == "none":
        return math.nan, math.nan
    if kind == "odd":
        return draw(st.sampled_from([(math.inf, 0.0), (91.0, 181.0), (0.0, 0.0), (math.nan, 9.9)]))
    if kind == "random":
        return (draw(st.floats(51.3, 53.9)), draw(st.floats(6.6, 11.6)))
    lat, lon = draw(st.sampled_from(_NEAR))
    return lat + draw(st.floats(-0.05, 0.05)), lon + draw(st.floats(-0.05, 0.05))


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


@st.composite
def offer_row(draw, i: int) -> dict:
    lat, lon = draw(coordinates())
    return {
        "service_id": draw(st.sampled_from([f"s{i}", f"<b>s{i}</b>", f"s{i} [x](y)"])),
        "name": draw(hostile_text),
        "organization": draw(_maybe(hostile_text)),
        "organization_id": draw(_maybe(st.sampled_from(["o1", "o2", "<i>o3</i>"]))),
        "kind": draw(st.sampled_from([*KIND_IDS, "unknown_kind"])),
        "fields": draw(st.one_of(st.lists(st.sampled_from(FIELD_IDS), max_size=3).map(tuple),
                                 st.just(()))),
        "target_groups": tuple(draw(st.lists(st.sampled_from(TARGET_GROUP_IDS), max_size=2))),
        "languages": tuple(draw(st.lists(st.sampled_from([*LANGUAGE_CODES, "xx"]), max_size=3))),
        "street": draw(_maybe(hostile_text)),
        "postal_code": draw(_maybe(st.sampled_from(["37073", "3707", "<b>1</b>", "30159"]))),
        "city": draw(_maybe(hostile_text)),
        "lat": lat,
        "lon": lon,
        "precision": draw(st.sampled_from(["address", "postcode", "place", None, "junk"])),
        "geocode_note": draw(_maybe(hostile_text)),
        "district_ags": draw(st.sampled_from(["03159", "03241", None, "99999"])),
        "accessibility": draw(st.sampled_from(["yes", "no", "unknown", None, "junk"])),
        "accessibility_note": draw(_maybe(hostile_text)),
        "opening_hours": draw(_hours),
        "phone": draw(_maybe(st.one_of(st.sampled_from(["0551 12 34 56", "+49 511 1",
                                                        "12"]), hostile_text))),
        "website": draw(_maybe(st.one_of(st.sampled_from(["https://example.org", "www.a.de",
                                                          "javascript:alert(1)"]), hostile_text))),
        "email": draw(_maybe(st.one_of(st.just("info@example.org"), hostile_text))),
        "source_url": draw(_maybe(st.one_of(st.just("https://example.org/q"), hostile_text))),
        "source_date": draw(_maybe(hostile_text)),
        "assured_date": draw(_maybe(st.just(date(2026, 1, 5)))),
        "verification": draw(st.sampled_from(["verified", "unverified", "junk"])),
        "is_demo": draw(st.booleans()),
    }


@st.composite
def offer_frames(draw, max_rows: int = 5) -> pd.DataFrame:
    """A frame like ``offers_frame``: object columns, float lat/lon, bool is_demo.

    0 rows (empty store), 1 row (one match) or a few; each row may lack coordinates,
    hours or text, or carry markdown/HTML in any text field.
    """
    n = draw(st.integers(0, max_rows))
    rows = [draw(offer_row(i)) for i in range(n)]
    # A column the generator does not know yet is empty (None), as for an unknown value.
    frame = pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object)
                          for c in OFFER_COLUMNS})  # fmt: skip
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    frame["is_demo"] = frame["is_demo"].astype(bool)
    return frame
