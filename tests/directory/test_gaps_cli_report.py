"""The gap page's query (URL ⇄ view), what-if changes, the CLI ``gaps`` and the report."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import numpy as np
import openpyxl
import pandas as pd
import pytest

from directory.__main__ import main
from directory.demo import insert_demo
from directory.gaps import GapQuery, district_records, matching_offers, run
from directory.query import offers_frame
from directory.seed import load_offices
from directory.store import Store
from i18n import t

CELLE = (52.6226, 10.0805)
RECORD_KEYS = {"ags", "name", "inhabitants", "inhabitants_beyond_r", "share_beyond_r",
               "mean_distance_km", "offers", "offers_per_100k", "offers_per_10k_foreign",
               "access_2sfca", "demand", "demand_beyond_r", "radius_km"}  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """A SQLite store with the default content and 40 demo offers."""
    url = f"sqlite:///{tmp_path_factory.mktemp('gaps') / 'atlas.sqlite'}"
    store = Store(url)
    store.create_schema()
    load_offices(store)
    insert_demo(store, 40, seed=3)
    store.engine.dispose()
    return url


@pytest.fixture(scope="module")
def frame(db) -> pd.DataFrame:
    return offers_frame(Store(db))


# --------------------------------------------------------------------------- query


def test_params_round_trip():
    q = GapQuery(field="jugendarbeit", kind="jmd", group="jugendliche", radius_km=30, k=5,
                 demand="auslaender", decay="gauss", metric="zugang", added=(CELLE,),
                 removed=("abc-1",), include_demo=True)  # fmt: skip
    params = q.to_params()
    assert params["neu"] == "52.6226,10.0805" and params["r"] == "30"
    assert GapQuery.from_params(params) == q
    assert GapQuery().to_params() == {}


@pytest.mark.parametrize(
    ("params", "dropped"),
    [
        ({"feld": "<script>"}, ("feld",)),
        ({"r": "7"}, ("r",)),
        ({"r": "500"}, ("r",)),
        ({"k": "0"}, ("k",)),
        ({"k": "x"}, ("k",)),
        ({"nachfrage": "alle"}, ("nachfrage",)),
        ({"abfall": "linear"}, ("abfall",)),
        ({"neu": "abc"}, ("neu",)),
        ({"neu": "48.1,11.5"}, ("neu",)),  # Munich: not in Lower Saxony
        ({"ohne": "<img>~ok-id"}, ("ohne",)),
    ],
)
def test_invalid_values_are_dropped_never_raised(params, dropped):
    q = GapQuery.from_params(params)
    assert q.dropped == dropped
    assert q.to_params().keys() <= {"ohne"}  # only the valid id of the last case survives
    if "ohne" in params:
        assert q.removed == ("ok-id",)


def test_add_and_remove():
    q = GapQuery().add(*CELLE).add(*CELLE)
    assert q.added == (CELLE,)
    assert q.remove("neu-0").added == ()
    assert q.remove("x").remove("x").removed == ("x",)


def test_describe():
    text = GapQuery(field="jugendarbeit").describe("de")
    assert text == "Jugendarbeit · alle Arten · 25 km"


# --------------------------------------------------------------------------- run


def test_demo_offers_only_when_asked_for(frame):
    assert frame["is_demo"].any() and (~frame["is_demo"]).any()
    assert not matching_offers(frame, GapQuery())["is_demo"].any()
    assert matching_offers(frame, GapQuery(include_demo=True))["is_demo"].any()
    only_demo = frame[frame["is_demo"]]
    assert matching_offers(only_demo, GapQuery())["is_demo"].all()  # demo data is all there is


def test_unplaced_offers_are_named_not_dropped(frame):
    out = run(frame, GapQuery())
    real = frame[~frame["is_demo"]]
    assert len(out.unplaced) == int(real["lat"].isna().sum()) > 0
    assert out.result.n_offices == int(real["lat"].notna().sum())


def test_what_if_changes_every_figure(frame):
    base = run(frame, GapQuery(field="jugendarbeit"))
    added = run(frame, GapQuery(field="jugendarbeit").add(*CELLE))
    assert added.result.n_offices == base.result.n_offices + 1
    assert added.result.totals["inhabitants_beyond"] < base.result.totals["inhabitants_beyond"]
    celle = added.result.districts.set_index("ags").loc["03351"]
    assert celle["offers"] == base.result.districts.set_index("ags").loc["03351", "offers"] + 1
    one = base.offices["service_id"].iloc[0]
    removed = run(frame, GapQuery(field="jugendarbeit", removed=(one,)))
    assert removed.removed_found == (one,)
    assert removed.removed_names == (base.offices.loc[base.offices["service_id"] == one,
                                                      "name"].iloc[0],)  # fmt: skip
    assert removed.result.n_offices == base.result.n_offices - (base.offices["service_id"]
                                                                == one).sum()  # fmt: skip
    assert removed.result.totals["inhabitants_beyond"] >= base.result.totals["inhabitants_beyond"]


def test_empty_selection(frame):
    out = run(frame, GapQuery(kind="welcome_center", group="frauen"))
    assert out.result.n_offices == 0 and out.result.totals["share_beyond"] == 1.0


def test_district_records():
    from geo.gaps import analyse

    records = district_records(analyse(pd.DataFrame({"service_id": ["a"], "lat": [52.37],
                                                     "lon": [9.73], "district_ags": ["03241"]}),
                                       radius_km=25))  # fmt: skip
    assert len(records) == 45 and set(records[0]) == RECORD_KEYS
    hannover = next(r for r in records if r["ags"] == "03241")
    assert hannover["offers"] == 1 and hannover["inhabitants"] == 1140177
    assert 0 <= hannover["share_beyond_r"] < 0.1
    json.dumps(records)  # plain JSON types only


# --------------------------------------------------------------------------- CLI


def _cli(capsys, *args) -> tuple[int, str, str]:
    code = main(["gaps", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_json(db, capsys):
    code, out, err = _cli(capsys, "--database-url", db, "--feld", "jugendarbeit",
                          "--radius-km", "25", "--format", "json")  # fmt: skip
    assert code == 0, err
    records = json.loads(out)
    assert len(records) == 45 and set(records[0]) == RECORD_KEYS
    assert sum(r["offers"] for r in records) >= 1
    assert all(r["radius_km"] == 25 for r in records)


def test_cli_csv_all_offers_and_demo(db, capsys, tmp_path):
    code, out, err = _cli(capsys, "--database-url", db, "--radius-km", "10", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 45 and set(rows[0]) == RECORD_KEYS
    assert "without a map position" in err  # named on stderr, never silently dropped
    code, out_demo, _ = _cli(capsys, "--database-url", db, "--radius-km", "10", "--format",
                             "csv", "--include-demo")  # fmt: skip
    offers = sum(int(r["offers"]) for r in rows)
    assert sum(int(r["offers"]) for r in csv.DictReader(io.StringIO(out_demo))) > offers


def test_cli_demand_file(db, capsys, tmp_path):
    from geo.boundaries import load_districts

    good = tmp_path / "nachfrage.csv"
    good.write_text("AGS;Wert\n" + "\n".join(f"{a};{i}" for i, a in
                                             enumerate(load_districts()["ags"], 1)))  # fmt: skip
    code, out, err = _cli(capsys, "--database-url", db, "--radius-km", "25", "--demand",
                          str(good), "--format", "json")  # fmt: skip
    assert code == 0, err
    assert sum(r["demand"] for r in json.loads(out)) == pytest.approx(sum(range(1, 46)))
    bad = tmp_path / "bad.csv"
    bad.write_text("AGS;Wert\n03101;viele\n")
    code, out, err = _cli(capsys, "--database-url", db, "--radius-km", "25", "--demand",
                          str(bad), "--format", "json")  # fmt: skip
    assert code == 1 and out == "" and "is not a number" in err


def test_cli_rejects_bad_arguments(db, capsys):
    assert _cli(capsys, "--database-url", db, "--radius-km", "-3", "--format", "json")[0] == 1
    with pytest.raises(SystemExit):
        main(["gaps", "--radius-km", "25", "--format", "json", "--feld", "nope"])


# --------------------------------------------------------------------------- report


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.refs += [v for k, v in attrs if v and k in {"src", "href", "xlink:href",
                                                          "action", "data", "poster"}]


@pytest.fixture(scope="module")
def report_case(frame):
    from geo.sites import Suggestion

    outcome = run(frame, GapQuery(field="jugendarbeit", k=2).add(*CELLE))
    hostile = frame[frame["lat"].isna()].head(1).assign(name="<script>alert(1)</script>=cmd")
    outcome = type(outcome)(**{**outcome.__dict__, "unplaced": pd.concat(
        [outcome.unplaced, hostile])})  # fmt: skip
    from geo.gaps import suggest_sites

    suggestion: Suggestion = suggest_sites(outcome.result, 2, time_limit_s=5)
    return outcome, suggestion


def test_html_report_is_self_contained_and_escaped(report_case):
    from directory.gaps_report import html_report

    outcome, suggestion = report_case
    text = html_report(outcome, suggestion, lambda key, **v: t(key, "ar", **v), "ar")
    parser = _Refs()
    parser.feed(text)
    assert "script" not in parser.tags and "link" not in parser.tags
    assert not [r for r in parser.refs if r.lower().startswith(("http:", "https:", "//"))]
    assert "http://" not in text and "https://" not in text and "url(" not in text
    assert "<svg" in text and text.count("<path") >= 45 and 'dir="rtl"' in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert t("luecken.report_title", "ar") in text


def test_tables_csv_and_xlsx(report_case):
    from directory import gaps_report as report

    outcome, suggestion = report_case
    tr = lambda key, **v: t(key, "de", **v)  # noqa: E731
    sheets = report.tables(outcome, suggestion, tr)
    assert len(sheets["districts"]) == 45 and len(sheets["places"]) == 1153
    methods = set(sheets["sites"][t("luecken.col.method", "de")])
    assert methods == {t("luecken.method.greedy", "de"), t("luecken.method.exact", "de")}
    text = report.to_csv(sheets["districts"]).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("AGS;Landkreis;Einwohner")
    hostile = pd.DataFrame({"Name": ["=HYPERLINK(1)"], "n": [np.int64(3)]})
    assert "'=HYPERLINK(1)" in report.to_csv(hostile).decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(report.to_xlsx(
        {**sheets, "x": hostile}, report.parameters(outcome, tr))))  # fmt: skip
    assert book.sheetnames == ["Parameter", "districts", "places", "sites", "x"]
    assert book["districts"].max_row == 46
    assert book["x"]["A2"].value == "'=HYPERLINK(1)"
