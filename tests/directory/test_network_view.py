"""URL parameters of the network map ⇄ NetworkQuery; the printable report."""

from __future__ import annotations

import pandas as pd
import pytest

from directory.network_view import NetworkQuery
from directory.report import report_html

NETS, DISTRICTS = {"heide", "suedniedersachsen"}, {"03159", "03355"}


@pytest.mark.parametrize("params, expected, dropped", [
    ({}, {}, ()),
    ({"rv": "heide", "kreis": "03355", "feld": "schule", "art": "jmd", "gruppe": "frauen",
      "ebene": "dichte", "ebenen": "mso,lotsen", "matrix": "art"},
     {"rv": "heide", "kreis": "03355", "feld": "schule", "art": "jmd", "gruppe": "frauen",
      "ebene": "dichte", "ebenen": "mso,lotsen", "matrix": "art"}, ()),
    ({"ebenen": "lotsen,beratung"}, {"ebenen": "beratung,lotsen"}, ()),  # canonical order
    ({"ebenen": "keine"}, {"ebenen": "keine"}, ()),
    ({"ebenen": "beratung,mso,projekte,lotsen"}, {}, ()),  # all = the default
    ({"rv": "x", "kreis": "1", "feld": "<b>", "art": "?", "gruppe": "", "ebene": "3d",
      "ebenen": "foo", "matrix": "bar"}, {},
     ("rv", "kreis", "feld", "art", "ebene", "matrix", "ebenen")),
    ({"ebenen": "mso,foo"}, {"ebenen": "mso"}, ("ebenen",)),
    ({"rv": ["heide", "x"]}, {"rv": "heide"}, ()),  # repeated parameter: the first
])
def test_from_params_never_raises(params, expected, dropped):
    q = NetworkQuery.from_params(params, networks=NETS, districts=DISTRICTS)
    assert q.to_params() == expected
    assert sorted(q.dropped) == sorted(dropped)
    again = NetworkQuery.from_params(q.to_params(), networks=NETS, districts=DISTRICTS)
    assert again == q


def test_filters_and_layers():
    offers = pd.DataFrame({"kind": ["mbe", "selbstorganisation", "integrationslotsen"],
                           "fields": [("beruf",), ("dialog",), ("beruf",)],
                           "target_groups": [(), (), ()]})
    q = NetworkQuery(field="beruf", layers=("lotsen",))
    assert q.filtered(offers)["kind"].tolist() == ["mbe", "integrationslotsen"]
    assert q.in_layers(q.filtered(offers))["kind"].tolist() == ["integrationslotsen"]


def test_report_is_escaped_a4_and_marks_empty_cells():
    matrix = pd.DataFrame({"Kreis": ["Göttingen"], "Schule": [0], "Beruf": [2]})
    page = report_html(lang="de", title="RV <Süd>", meta=["Stand"], map_svg="<svg></svg>",
                       legend=[("<span></span>", "a<b")],
                       sections=[("Matrix", "", matrix, True)], footer=["© LSN"])  # fmt: skip
    assert "@page { size: A4 portrait" in page and "<script" not in page
    assert "RV &lt;Süd&gt;" in page and "a&lt;b" in page
    assert '<td class="zero">0</td>' in page and '<td class="num">2</td>' in page
