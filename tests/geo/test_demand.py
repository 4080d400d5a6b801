"""Demand: district figures distributed to places, and the planner's CSV upload."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.boundaries import load_districts, load_places
from geo.demand import DemandFileError, distribute, district_demand, parse_demand_csv
from geo.population import district_statistics

AGS = load_districts()["ags"].tolist()


@pytest.mark.parametrize("source", ["population", "foreign"])
def test_distribution_keeps_every_district_total(source):
    places = load_places()
    figures = district_demand(source)
    shares = distribute(places, figures)
    assert len(shares) == len(places) and (shares >= 0).all()
    per_district = pd.Series(shares).groupby(places["ags"].to_numpy()).sum()
    pd.testing.assert_series_equal(per_district.sort_index(), figures.sort_index(),
                                   check_names=False, rtol=1e-9)  # fmt: skip
    assert shares.sum() == pytest.approx(district_statistics()[source].sum())


def test_distribution_is_proportional_and_handles_empty_populations():
    places = pd.DataFrame({"ags": ["a", "a", "a", "b", "b", "c"],
                           "population": [100, 300, 0, 0, 0, 5]})  # fmt: skip
    out = distribute(places, pd.Series({"a": 800.0, "b": 10.0}))
    # a: 1:3 split, the place without population gets nothing; b: equal split; c: no figure
    np.testing.assert_allclose(out, [200, 600, 0, 5, 5, 0])


def _csv(rows: list[tuple[str, str]], header: str = "AGS;Wert", sep: str = ";") -> bytes:
    return ("\n".join([header, *(f"{a}{sep}{v}" for a, v in rows)]) + "\n").encode("utf-8")


def test_good_file_german():
    rows = [(a, "1.234") for a in AGS]
    rows[0] = (AGS[0], "2.000,5")
    out = parse_demand_csv(_csv(rows), AGS)
    assert out.index.tolist() == AGS
    assert out.iloc[0] == 2000.5 and out.iloc[1] == 1234


def test_good_file_english_with_bom_short_keys_and_extra_column():
    lines = ["district_key,name,value"] + [f"{int(a)},Kreis {i},\"{i * 1000 + 0.5:,}\""
                                             for i, a in enumerate(AGS)]  # fmt: skip
    data = "\ufeff".encode() + "\n".join(lines).encode("utf-8")
    out = parse_demand_csv(data, AGS)
    assert out.iloc[2] == 2000.5 and out.iloc[0] == 0.5


def test_good_file_windows_1252_eight_digit_keys_value_column_detected():
    text = "Kreisschlüssel;Anzahl Personen\n" + "\n".join(f"{a}000;{i}" for i, a in
                                                             enumerate(AGS, 1))  # fmt: skip
    out = parse_demand_csv(text.encode("cp1252"), AGS)
    assert out.sum() == sum(range(1, 46))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"x" * 300_000, "too_large"),
        (b"\xff\xfe\x00\x81\x8d\x90" * 10, "encoding"),
        (b"AGS;Wert\n", "empty"),
        (b"Name;Wert\nA;1\nB;2\n", "no_ags_column"),
        (b"AGS;Name;Ort\n03101;a;b\n", "no_value_column"),
        (b"AGS;Wert\n3x101;1\n", "bad_ags"),
        (_csv([("09162", "1")]), "unknown_ags"),
        (_csv([("03101", "1"), ("03101", "2")]), "duplicate_ags"),
        (_csv([("03101", "viele")]), "bad_value"),
        (_csv([("03101", "-5")]), "negative_value"),
        (_csv([("03101", "5")]), "missing_districts"),
        (_csv([(a, "0") for a in AGS]), "all_zero"),
        (("AGS;Wert\n" + "03101;1\n" * 600).encode(), "too_many_rows"),
    ],
)
def test_bad_files_say_what_is_wrong(data, code):
    with pytest.raises(DemandFileError) as info:
        parse_demand_csv(data, AGS)
    assert info.value.code == code


def test_every_upload_problem_has_a_text_in_every_language():
    from i18n import LANGUAGES, t

    codes = ["too_large", "encoding", "empty", "too_many_rows", "no_ags_column",
             "no_value_column", "bad_ags", "unknown_ags", "duplicate_ags", "bad_value",
             "negative_value", "missing_districts", "all_zero"]  # fmt: skip
    for lang in LANGUAGES:
        for code in codes:
            assert t(f"luecken.upload.{code}", lang, row=2, value="x", items="a", n=1, limit=3)
