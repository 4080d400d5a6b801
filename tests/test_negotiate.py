"""Accept-Language negotiation (i18n/negotiate.py): examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import LANGUAGES
from i18n.negotiate import DEFAULT, match_language, negotiate, parse_accept_language
from tests.strategies import examples

UI = tuple(LANGUAGES)


@pytest.mark.parametrize(("header", "expected"), [
    ("ar", "ar"),
    ("ar-SY,ar;q=0.9,en-US;q=0.8,en;q=0.7", "ar"),
    ("fa-IR,fa;q=0.9", "fa"),
    ("FA_ir", "fa"),
    ("prs-AF,prs;q=0.9", "fa"),  # Dari reads the Persian UI
    ("uk-UA,uk;q=0.9,ru;q=0.8", "uk"),
    ("ru;q=0.4,uk;q=0.8", "uk"),  # the weight decides, not the order
    ("en;q=0.8,tr", "tr"),
    ("zh-CN,zh;q=0.9,en;q=0.5", "en"),  # unknown first choice: the next supported one
    ("zh-CN,ja", "de"),  # nothing supported: German
    ("ar;q=0,en", "en"),  # q=0: not acceptable
    ("*", "de"),
    ("", "de"),
    ("de-AT", "de"),
    ("ar;q=1.5,en", "en"),  # an invalid weight drops the range
    ("ckb,en;q=0.5", "en"),  # Sorani is not mapped to Latin-script Kurmanji
])  # fmt: skip
def test_negotiate_examples(header, expected):
    assert negotiate(header, UI) == expected


def test_locale_is_the_fallback_when_the_header_says_nothing_usable():
    assert negotiate(None, UI, locale="fa-IR") == "fa"
    assert negotiate("ja", UI, locale="ar-EG") == "ar"
    assert negotiate("uk", UI, locale="ar-EG") == "uk"  # the header comes first


def test_aliases_apply_only_to_registered_languages():
    assert match_language("kmr", ["de", "ku"]) == "ku"
    assert match_language("kmr", ["de"]) is None
    assert match_language("pbu-af", ["de", "ps"]) == "ps"


def test_equal_weights_keep_the_header_order():
    assert parse_accept_language("tr;q=0.5, ru;q=0.5, uk;q=0.9") == ["uk", "tr", "ru"]


_TAG = st.from_regex(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,2}", fullmatch=True)
_Q = st.one_of(st.none(), st.floats(0, 1).map(lambda q: f"{q:.3f}"), st.text(max_size=5))
_ITEM = st.tuples(st.one_of(_TAG, st.sampled_from(UI), st.just("*"), st.text(max_size=12)), _Q)
HEADERS = st.one_of(
    st.text(max_size=300),
    st.lists(_ITEM, max_size=12).map(
        lambda items: ",".join(t if q is None else f"{t};q={q}" for t, q in items)),
    st.none(), st.integers(), st.binary(max_size=20),
)  # fmt: skip


@settings(max_examples=examples(300))
@given(header=HEADERS, locale=st.one_of(st.none(), st.text(max_size=20), _TAG))
def test_negotiate_never_raises_and_returns_a_ui_language(header, locale):
    assert negotiate(header, UI, locale=locale) in UI


@settings(max_examples=examples(300))
@given(header=HEADERS)
def test_parsed_ranges_are_well_formed_and_a_listed_ui_language_wins(header):
    ranges = parse_accept_language(header)
    assert all(r == r.lower() and r.strip() == r and "," not in r for r in ranges)
    chosen = negotiate(header, UI)
    matches = [m for m in (match_language(r, UI) for r in ranges) if m]
    assert chosen == (matches[0] if matches else DEFAULT)


@settings(max_examples=examples(200))
@given(first=st.sampled_from(UI), region=st.from_regex(r"[A-Z]{2}", fullmatch=True),
       rest=st.lists(st.sampled_from(UI), max_size=4))
def test_the_most_wanted_ui_language_wins_with_any_region(first, region, rest):
    header = ",".join([f"{first}-{region}"] + [f"{r};q=0.5" for r in rest])
    assert negotiate(header, UI) == first
