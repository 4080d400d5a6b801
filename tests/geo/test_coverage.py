"""Coverage figures on a small fixture, against hand-computed values."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.coverage import (
    classes,
    coverage_matrix,
    density,
    empty_cells,
    per_100k,
    single_provider_cells,
    unplaced,
)

GOE, HI, LG = "03159", "03254", "03355"


def offers_fixture() -> pd.DataFrame:
    rows = [  # service, org, district, kind, fields, groups
        ("s1", "A", GOE, "jmd", ("schule", "jugendarbeit"), ("jugendliche",)),
        ("s1", "A", HI, "jmd", ("schule", "jugendarbeit"), ("jugendliche",)),  # 2nd office
        ("s2", "B", GOE, "mbe", ("beruf",), ()),
        ("s3", "B", HI, "mbe", ("beruf", "schule"), ("frauen",)),
        ("s4", "C", None, "projekt", ("soziale_stadt",), ()),  # not placed
        ("s5", "D", LG, "selbstorganisation", ("selbstorganisation", "dialog"), ()),
    ]
    return pd.DataFrame(rows, columns=["service_id", "organization_id", "district_ags", "kind",
                                       "fields", "target_groups"])


DISTRICTS = [GOE, HI, LG]
POP = pd.Series({GOE: 200_000, HI: 100_000, LG: 50_000})


def test_field_matrix_counts_distinct_offers_per_district():
    m = coverage_matrix(offers_fixture(), "field", DISTRICTS)
    assert list(m.index) == DISTRICTS and m.columns[-1] == "total" and len(m.columns) == 11
    nonzero = {(d, c): int(v) for (d, c), v in m.drop(columns="total").stack().items() if v}
    assert nonzero == {
        (GOE, "schule"): 1, (GOE, "jugendarbeit"): 1, (GOE, "beruf"): 1,
        (HI, "schule"): 2, (HI, "jugendarbeit"): 1, (HI, "beruf"): 1,
        (LG, "selbstorganisation"): 1, (LG, "dialog"): 1,
    }
    assert m["total"].tolist() == [2, 2, 1]  # s1 counts once in each of its districts
    assert len(empty_cells(m)) == 30 - 8
    assert (LG, "kita") in empty_cells(m) and (HI, "schule") not in empty_cells(m)


def test_kind_and_group_matrices():
    k = coverage_matrix(offers_fixture(), "kind", DISTRICTS)
    assert k.loc[GOE, ["jmd", "mbe"]].tolist() == [1, 1]
    assert int(k.loc[LG, "selbstorganisation"]) == 1
    assert int(k.drop(columns="total").sum().sum()) == 5
    g = coverage_matrix(offers_fixture(), "group", DISTRICTS)
    assert g.loc[HI, ["jugendliche", "frauen"]].tolist() == [1, 1]
    assert int(g.loc[LG].drop("total").sum()) == 0 and g["total"].tolist() == [2, 2, 1]


def test_rates_per_100k():
    m = coverage_matrix(offers_fixture(), "field", DISTRICTS)
    r = per_100k(m, POP)
    assert r.loc[GOE, "schule"] == 0.5 and r.loc[HI, "schule"] == 2.0
    assert r.loc[LG, "dialog"] == 2.0 and r.loc[LG, "kita"] == 0.0
    d = density(offers_fixture(), POP)
    assert d["count"].tolist() == [2, 2, 1] and d["per_100k"].tolist() == [1.0, 2.0, 2.0]


def test_unplaced_offers_are_reported_not_dropped():
    frame = offers_fixture()
    assert unplaced(frame)["service_id"].tolist() == ["s4"]
    # default rows: only districts that have offers
    assert list(coverage_matrix(frame, "field").index) == DISTRICTS


def test_single_provider_cells():
    cells = single_provider_cells(offers_fixture(), "field", [GOE, HI])
    assert [tuple(r) for r in cells.itertuples(index=False)] == [
        (GOE, "schule", "A", 1), (GOE, "jugendarbeit", "A", 1), (GOE, "beruf", "B", 1),
        (HI, "jugendarbeit", "A", 1), (HI, "beruf", "B", 1),
    ]  # Hildesheim's "schule" has two providers (A and B)


@pytest.mark.parametrize("values, breaks, cls", [
    ([0, 0, 0], [], [0, 0, 0]),
    ([0, 1, 2, 3, 4], [1.8, 2.5, 3.2, 4.0], [0, 1, 2, 3, 4]),  # quartiles of 1..4
    ([5, 5, 5], [5.0], [1, 1, 1]),
    ([0.05, 0, 9], [2.3, 4.5, 6.8, 9.0], [1, 0, 4]),  # a rate rounding to 0.0 is not "none"
])
def test_classes(values, breaks, cls):
    got_breaks, got = classes(pd.Series(values, dtype=float), k=4)
    assert got_breaks == breaks and got.tolist() == cls
