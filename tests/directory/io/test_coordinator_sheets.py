"""Coordinators' spreadsheets import as they are (issue 9, point 1): only a name is required,
the kind is inferred from free text, a facility column is the name, remarks in cells become
notes, blank, heading and totals rows are skipped; defaults and per-row choices; a partial
commit hands the refused rows back in the file's own format; the CLI without a mapping file.
"""

# ruff: noqa: F811  (pytest fixtures imported from tests.directory.io.support)
from __future__ import annotations

import csv
import io
import json

import pytest

from directory.io import commit, export_bytes, load_preview, refused_file
from directory.io.columns import map_headers
from directory.io.readers import MAX_ROWS, Parsed, _table_records, read_bytes
from directory.query import offers_frame
from directory.taxonomy import KIND_IDS
from i18n import t
from tests.directory.io.sheets import (
    ENGLISH_SHEET,
    ISSUE_EXPECTED,
    ISSUE_SHEET,
    SHEETS,
    xlsx_of,
)
from tests.directory.io.support import (  # noqa: F401 (fixtures)
    _default_geo,
    geo,
    run_cli,
    seeded,
    store_url,
)


def _by_name(preview):
    return {r.data["name"]: r for r in preview.rows}


@pytest.mark.parametrize("name", list(SHEETS))
def test_sheet_imports_without_mapping(name, store):
    data, expected = SHEETS[name]
    preview = load_preview(data, store=store, name=name)
    assert preview.ok, preview.report_lines()
    assert {n: r.data["kind"] for n, r in _by_name(preview).items()} == expected
    assert preview.counts["new"] == len(expected)
    skipped = [p.code for p in preview.file_problems]
    assert "totals_row" in skipped
    commit(store, preview, actor="kim")
    frame = offers_frame(store).set_index("name")
    assert dict(frame["kind"]) == expected


def test_the_issue_sheet_in_detail(store):
    preview = load_preview(ISSUE_SHEET, store=store, name="liste.csv")
    assert preview.encoding == "cp1252" and preview.delimiter == ";"
    assert preview.mapping["Einrichtung"] == "name"  # the facility is the entry's name
    assert "Angebot" in preview.ignored  # its text decides the kind instead
    codes = [p.code for p in preview.file_problems]
    assert codes.count("heading_row") == 1 and codes.count("totals_row") == 1
    rows = _by_name(preview)
    mbe = rows["Beratungsstelle Musterhaus (fiktiv)"]
    assert mbe.data["languages"] == ["de", "hr", "en"]  # the remark does not refuse the row
    assert mbe.data["organization"] == "Beratungsstelle Musterhaus (fiktiv)"
    warned = {p.code: p for p in mbe.warnings}
    assert {"remark_moved", "kind_inferred", "organization_from_name"} <= set(warned)
    assert warned["kind_inferred"].params["column"] == "Angebot"
    assert warned["remark_moved"].params["remark"] == "muttersprachlich"
    jmd = rows["Jugendtreff Beispielstadt (fiktiv)"]
    assert jmd.data["phone"] == "+495121654321"  # stored in E.164 (directory.phones)
    assert jmd.data["languages"] == ["de", "ar", "fa"]
    commit(store, preview, actor="kim")
    from sqlalchemy import select

    from directory.model import Service

    with store.session() as s:
        description = s.scalar(select(Service.description).where(
            Service.name == "Beratungsstelle Musterhaus (fiktiv)"))  # fmt: skip
    assert "Sprachen: Deutsch, Kroatisch (muttersprachlich), Englisch" in description
    assert "intern" not in str(description)  # "Bemerkung" stays out of the public text
    # importing the same sheet again changes nothing (notes are not appended twice)
    again = load_preview(ISSUE_SHEET, store=store, name="liste.csv")
    assert again.counts["unchanged"] == 4, [(r.line, r.changes) for r in again.rows]


def test_xlsx_with_a_title_row(store):
    preview = load_preview(xlsx_of(ISSUE_SHEET), store=store, name="liste.xlsx")
    assert preview.ok, preview.report_lines()
    assert {n: r.data["kind"] for n, r in _by_name(preview).items()} == ISSUE_EXPECTED
    titles = [p for p in preview.file_problems if p.code == "heading_row"]
    assert titles[0].params["line"] == 1 and "Stand" in titles[0].params["value"]


def test_kind_for_all_rows_and_per_row_and_other_defaults(store):
    preview = load_preview(ISSUE_SHEET, store=store, name="x.csv",
                           defaults={"kind": "projekt", "languages": "Deutsch; Polnisch"},
                           overrides={3: {"kind": "welcome_center"}})  # fmt: skip
    kinds = {r.line: r.data["kind"] for r in preview.rows}
    assert kinds[3] == "welcome_center" and set(kinds.values()) == {"projekt", "welcome_center"}
    # the file has a language column: its cells stay, the default is for files without one
    assert _by_name(preview)["Verein Brücke (fiktiv)"].data["languages"] == ["ru", "uk"]
    no_lang = ISSUE_SHEET.replace(b";Sprachen;", b";Sprache egal;")
    preview = load_preview(no_lang, name="x.csv", defaults={"languages": "Deutsch; Polnisch"})
    assert {tuple(r.data["languages"]) for r in preview.rows} == {("de", "pl")}


def test_only_the_name_is_required():
    preview = load_preview("Name\r\nSprachcafé Musterstadt (fiktiv)\r\n".encode(), name="x.csv")
    assert preview.ok, preview.report_lines()
    row = preview.rows[0]
    assert row.data["kind"] == "projekt" and row.data["organization"] == row.data["name"]
    assert {"kind_inferred", "organization_from_name"} <= {p.code for p in row.warnings}
    preview = load_preview(b"Name\r\nMusterstadt hilft (fiktiv)\r\n", name="x.csv")
    assert preview.ok, preview.report_lines()
    assert "kind_default" in {p.code for p in preview.rows[0].warnings}
    preview = load_preview(b"Ort;PLZ\r\nHildesheim;31134\r\n", name="x.csv")
    assert [p.code for p in preview.file_problems] == ["missing_columns"]
    assert preview.file_problems[0].message_de == "Pflichtspalten fehlen: Name."


def test_partial_commit_and_refused_rows_in_the_same_format(store):
    bad = ISSUE_SHEET.replace(b";31137;", b";99999;")  # no such postcode: refused
    preview = load_preview(bad, store=store, name="liste.csv")
    assert preview.counts["error"] == 1 and not preview.ok and preview.committable
    with pytest.raises(Exception, match="nichts geändert"):
        commit(store, preview, actor="kim")  # the default stays all or nothing
    assert offers_frame(store).empty
    result = commit(store, preview, actor="kim", skip_errors=True)
    assert result.counts["new"] == 3 and result.counts["error"] == 1
    assert len(offers_frame(store)) == 3
    data, suffix, mime = refused_file(preview, lambda r: "PLZ unbekannt", "Grund")
    assert (suffix, mime) == ("csv", "text/csv")
    rows = list(csv.reader(io.StringIO(data.decode("cp1252")), delimiter=";"))
    assert rows[0] == [*preview.headers, "Grund"]
    assert rows[1][1] == "Internationaler Treffpunkt (fiktiv)" and rows[1][-1] == "PLZ unbekannt"
    assert "99999" in rows[1]
    # the same for XLSX (the file's own cells, a reason column)
    preview = load_preview(xlsx_of(bad), store=store, name="liste.xlsx")
    data, suffix, _ = refused_file(preview, lambda r: "PLZ unbekannt", "Grund")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert suffix == "xlsx" and values[0][-1] == "Grund" and values[1][-1] == "PLZ unbekannt"


def test_refused_geojson_rows_come_back_as_features():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"Name": "A (fiktiv)",
                                                            "PLZ": "99999"}},
        {"type": "Feature", "geometry": None, "properties": {"Name": "B (fiktiv)"}}]}  # fmt: skip
    preview = load_preview(json.dumps(doc).encode(), name="x.geojson")
    data, suffix, _ = refused_file(preview, lambda r: "PLZ unbekannt", "Grund")
    back = json.loads(data)
    assert suffix == "geojson" and len(back["features"]) == 1
    assert back["features"][0]["properties"] == {"Name": "A (fiktiv)", "PLZ": "99999",
                                                 "Grund": "PLZ unbekannt"}  # fmt: skip


def test_cli_imports_a_coordinator_sheet_without_mapping(store, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(ISSUE_SHEET.replace(b";31137;", b";99999;"))
    code, out, err = run_cli("import", str(path), "--database-url", store_url(store))
    assert code == 1 and "--valid-only" in err and offers_frame(store).empty
    refused = tmp_path / "abgelehnt.csv"
    code, out, err = run_cli("import", str(path), "--database-url", store_url(store),
                             "--valid-only", "--refused", str(refused))  # fmt: skip
    assert code == 0, err
    assert '"new": 3' in out and '"error": 1' in out
    assert set(offers_frame(store)["kind"]) == {"mbe", "jmd", "selbstorganisation"}
    assert "Internationaler Treffpunkt" in refused.read_bytes().decode("cp1252")
    # a default for all rows on the command line
    path.write_bytes(ENGLISH_SHEET)
    code, out, err = run_cli("import", str(path), "--database-url", store_url(store),
                             "--default", "Zielgruppen=Geflüchtete", "--dry-run")  # fmt: skip
    assert code == 0, err


# -- facility columns, header priority, words --------------------------------------------------
@pytest.mark.parametrize("headers, expected", [
    (["Einrichtung", "Angebot"], {0: "name"}),
    (["Name der Einrichtung", "Angebot", "Träger"], {0: "name", 2: "organization"}),
    (["Facility", "Offer", "Provider"], {0: "name", 2: "organization"}),
    (["Angebot", "Träger"], {0: "name", 1: "organization"}),  # no facility: the offer names it
    (["Beratungsstelle*", "PLZ:"], {0: "name", 1: "postal_code"}),
])  # fmt: skip
def test_facility_column_is_the_name(headers, expected):
    mapping, _ignored, errors = map_headers(headers)
    assert mapping == expected and errors == []


def test_export_for_people_has_words_and_imports_unchanged(seeded):
    text = export_bytes(seeded, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    kind = rows[0].index("Art")
    words = {t(f"kind.{k}", "de") for k in KIND_IDS}
    assert {r[kind] for r in rows[1:]} <= words and not {r[kind] for r in rows[1:]} & set(KIND_IDS)
    assert any(w in text for w in ("Integrationsprojekt", "Migrationsberatung für Erwachsene"))
    assert "ungeprüft" in text and "aktiv" in text
    for fmt, suffix in (("csv", "csv"), ("xlsx", "xlsx")):
        preview = load_preview(export_bytes(seeded, fmt), store=seeded, name=f"x.{suffix}")
        assert preview.counts["unchanged"] == preview.counts["rows"] == 4, fmt
        assert not [p for r in preview.rows for p in r.warnings if p.code.endswith("_name")]
    geo_doc = json.loads(export_bytes(seeded, "geojson"))
    assert all(f["properties"]["kind"] in ("projekt", "mbe", "jmd", "migrationsberatung",
                                           "koordinierungsstelle", "kommunal", "welcome_center",
                                           "selbstorganisation", "integrationslotsen")
               for f in geo_doc["features"])  # machines keep the codes  # fmt: skip


# -- reading stops at the row limit ------------------------------------------------------------
def test_table_reader_stops_at_the_row_limit_while_reading():
    consumed = 0

    def endless():
        nonlocal consumed
        while True:
            consumed += 1
            yield ["Angebot (fiktiv)", "31134"]

    parsed = Parsed("csv", [])
    with pytest.raises(Exception, match="Zeilen"):
        _table_records(["Name", "PLZ"], endless(), 2, None, parsed)
    assert consumed == MAX_ROWS + 1


def test_xlsx_reader_stops_at_the_row_limit(monkeypatch):
    import directory.io.readers as readers

    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    rows = "Name;PLZ\r\n" + "".join(f"Angebot {i} (fiktiv);31134\r\n" for i in range(10))
    refused = readers.FileRefused
    with pytest.raises(refused) as err:
        read_bytes(xlsx_of(rows.encode(), title=None), name="x.xlsx")
    assert err.value.code == "too_many_rows"


# -- one size limit --------------------------------------------------------------------------
def test_upload_limit_of_streamlit_agrees_with_the_import_limit():
    import tomllib
    from pathlib import Path

    from directory.io.importer import DEFAULT_MAX_MB

    config = tomllib.loads((Path(__file__).resolve().parents[3] / ".streamlit" / "config.toml")
                           .read_text(encoding="utf-8"))  # fmt: skip
    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_MB


def test_size_limit_from_the_environment_for_cli_and_page(monkeypatch, tmp_path, store):
    from directory.io import max_import_bytes, max_import_mb

    monkeypatch.setenv("ATLAS_IMPORT_MAX_MB", "0.0001")
    assert max_import_mb() == 0.0001 and max_import_bytes() == 104
    path = tmp_path / "liste.csv"
    path.write_bytes(ISSUE_SHEET)
    code, _out, err = run_cli("import", str(path), "--database-url", store_url(store))
    assert code == 1 and "zu groß" in err
    monkeypatch.setenv("ATLAS_IMPORT_MAX_MB", "kaputt")
    assert max_import_mb() == 20


def test_prefetched_districts_agree_with_the_single_lookup(geo):
    """The import looks up all coordinates of a file at once; same answers as one by one."""
    import random

    from directory.io.importer import _prefetched
    from directory.io.readers import read_bytes

    rnd = random.Random(7)
    rows = "Name;Breitengrad;Längengrad\r\n" + "".join(
        f"Ort {i} (fiktiv);{rnd.uniform(51.2, 54.0):.5f};{rnd.uniform(6.5, 11.7):.5f}\r\n"
        for i in range(120))  # fmt: skip
    rows += "Juist (fiktiv);53.6784;6.9953\r\nNordenham (fiktiv);53.4995;8.4843\r\n"
    parsed = read_bytes(rows.encode(), name="x.csv")
    fast = _prefetched(geo, parsed.records, parsed)
    assert fast is not geo
    for rec in parsed.records:
        lat, lon = float(rec.source[1]), float(rec.source[2])
        assert fast.district(lat, lon) == geo.district(lat, lon), (lat, lon)
        assert fast.inside(lat, lon) == geo.inside(lat, lon), (lat, lon)
        # the placement of typed coordinates too: district and "district uncertain"
        assert fast.locate(latitude=lat, longitude=lon) == geo.locate(latitude=lat,
                                                                      longitude=lon), (lat, lon)
    assert fast.locate(postal_code="37073", city=None) == geo.locate(postal_code="37073", city=None)
