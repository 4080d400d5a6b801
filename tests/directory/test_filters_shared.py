"""One definition per URL parameter: the finder, the gap page and the network map read,
write and filter ``feld``, ``art`` and ``gruppe`` with the same registry entry.

Properties over arbitrary strings (and lists of them, as a repeated parameter gives):
the three queries accept the same values, refuse the same values (naming the parameter in
``dropped``) and write the same URL; the page-own parameters never raise either.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.filters import BY_NAME, ParamSet, first
from directory.finder import FinderQuery
from directory.gaps import GapQuery
from directory.network_view import NetworkQuery
from directory.taxonomy import FIELD_IDS, KIND_IDS, TARGET_GROUP_IDS
from tests.strategies import examples, hostile_text

SHARED = ("feld", "art", "gruppe")
NETS, DISTRICTS = {"heide"}, {"03159"}
_CHOICES = {"feld": FIELD_IDS, "art": KIND_IDS, "gruppe": TARGET_GROUP_IDS}


def _read(name: str, raw: object) -> list[tuple[object, bool, dict[str, str]]]:
    """(value, refused, URL written) of parameter ``name`` as each page reads ``raw``."""
    params = {name: raw}
    queries = (FinderQuery.from_params(params), GapQuery.from_params(params),
               NetworkQuery.from_params(params, networks=NETS, districts=DISTRICTS))  # fmt: skip
    out = []
    for q in queries:
        p = q.params[name]
        out.append((q.value(p), name in q.dropped, {k: v for k, v in q.to_params().items()
                                                     if k == name}))  # fmt: skip
    return out


def _values(name: str):
    text = st.one_of(st.text(max_size=30), hostile_text, st.sampled_from(_CHOICES[name]),
                     st.sampled_from(_CHOICES[name]).map(lambda v: f" {v}"),
                     st.sampled_from(_CHOICES[name]).map(str.upper))  # fmt: skip
    return st.one_of(text, st.lists(text, max_size=3))


@pytest.mark.parametrize("name", SHARED)
def test_the_pages_share_one_entry(name):
    entries = {FinderQuery.params[name], GapQuery.params[name], NetworkQuery.params[name]}
    assert entries == {BY_NAME[name]}


@pytest.mark.parametrize("name", SHARED)
def test_the_three_queries_accept_and_refuse_the_same_values(name):
    @settings(max_examples=examples(150), deadline=None)
    @given(_values(name))
    def check(raw):
        finder, gap, network = _read(name, raw)
        assert finder == gap == network
        value, refused, written = finder
        assert written == ({name: value} if value else {})
        assert value is None or value in _CHOICES[name]
        assert refused == (value is None and first(raw) not in (None, ""))

    check()


@pytest.mark.parametrize("name", SHARED)
def test_every_allowed_value_round_trips_on_every_page(name):
    for value in _CHOICES[name]:
        finder, gap, network = _read(name, value)
        assert finder == gap == network == (value, False, {name: value})


@settings(max_examples=examples(150), deadline=None)
@given(st.dictionaries(st.sampled_from(["feld", "art", "gruppe", "r", "k", "nachfrage",
                                        "abfall", "kennzahl", "neu", "ohne", "demo", "rv",
                                        "kreis", "ebene", "ebenen", "matrix"]),
                       st.one_of(hostile_text, st.lists(hostile_text, max_size=2),
                                 st.sampled_from(["1", "30", "²", "٣٠", "52.62,10.08",
                                                  "keine", "mso,x", "a~b~<c>"]))))  # fmt: skip
def test_page_queries_never_raise_and_round_trip(params):
    gap = GapQuery.from_params(params)
    assert GapQuery.from_params(gap.to_params()) == gap
    assert GapQuery.from_params(gap.to_params()).dropped == ()
    net = NetworkQuery.from_params(params, networks=NETS, districts=DISTRICTS)
    again = NetworkQuery.from_params(net.to_params(), networks=NETS, districts=DISTRICTS)
    assert again == net and again.dropped == ()


def test_superscript_digits_are_refused_not_raised():
    """``"²".isdigit()`` is true but ``int("²")`` raises: the gap page's radius crashed."""
    assert GapQuery.from_params({"r": "²", "k": "³"}).dropped == ("r", "k")
    assert GapQuery.from_params({"r": "٣٠"}).radius_km == 25  # the app writes ASCII digits


def test_filters_of_the_pages_are_the_finders():
    frame = pd.DataFrame({"fields": [("schule",), ("beruf",), ()], "kind": ["mbe", "jmd", "mbe"],
                          "target_groups": [("frauen",), ("frauen",), ("frauen",)]})  # fmt: skip
    values = {"feld": "schule", "art": "mbe", "gruppe": "frauen"}
    finder = FinderQuery.from_params(values).apply(frame)
    gap = GapQuery.from_params(values).apply(frame)
    network = NetworkQuery.from_params(values, networks=NETS, districts=DISTRICTS).filtered(frame)
    assert finder.index.tolist() == gap.index.tolist() == network.index.tolist() == [0]


def test_a_page_cannot_define_a_parameter_twice():
    with pytest.raises(ValueError):
        ParamSet.page("feld", BY_NAME["feld"])


def test_page_queries_survive_the_cache():
    """Streamlit's ``cache_data`` pickles results that hold a query."""
    import pickle

    gap = GapQuery.from_params({"feld": "schule", "neu": "52.6226,10.0805", "k": "x"})
    again = pickle.loads(pickle.dumps(gap))
    assert again == gap and again.dropped == ("k",) and again.added == ((52.6226, 10.0805),)
    net = NetworkQuery(network="heide", layers=())
    assert pickle.loads(pickle.dumps(net)) == net


def test_page_queries_are_cache_keys():
    """Streamlit's ``cache_data`` hashes a query argument (by its ``__reduce__``)."""
    from streamlit.runtime.caching.cache_type import CacheType
    from streamlit.runtime.caching.hashing import update_hash

    def key(query):
        import hashlib

        h = hashlib.new("md5")
        update_hash(query, h, cache_type=CacheType.DATA)
        return h.hexdigest()

    assert key(NetworkQuery(field="schule")) == key(NetworkQuery(field="schule"))
    assert key(NetworkQuery(field="schule")) != key(NetworkQuery(field="beruf"))
    assert key(GapQuery(k=4)) != key(GapQuery(k=5))
