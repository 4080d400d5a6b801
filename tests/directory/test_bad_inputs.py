"""Bad input never changes the store and always gets a clear message (issue 4, item 7).

Each case builds a file, then checks on both backends that (a) the preview/CLI names the
problem (a specific German substring), (b) the commit is refused and the CLI exits non-zero,
and (c) a canonical dump of every table (ids, versions, values, audit rows) is unchanged.
"""

# ruff: noqa: F811  (pytest fixtures imported from tests.directory.io.support)
from __future__ import annotations

import io
import json
import zipfile

import pytest

from directory.io import ImportRefused, commit, load_preview
from tests.directory.io.support import (  # noqa: F401 (fixtures)
    GOOD_CSV,
    _default_geo,
    geo,
    run_cli,
    seeded,
    snapshot_store,
    store_url,
)

HEADER = (
    "Name;Träger;Art;Handlungsfelder;Sprachen;PLZ;Ort;Breitengrad;Längengrad;Telefon;E-Mail;"
    "Webseite"
)


def row(**kw: str) -> str:
    base = {"Name": "Testangebot", "Träger": "Testträger e.V.", "Art": "projekt",
            "Handlungsfelder": "dialog", "Sprachen": "de", "PLZ": "31135", "Ort": "Hildesheim",
            "Breitengrad": "", "Längengrad": "", "Telefon": "05121 123456",
            "E-Mail": "a@example.org", "Webseite": "https://example.org"}  # fmt: skip
    base.update(kw)
    return ";".join(base[h] for h in HEADER.split(";"))


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in (HEADER.split(";"), row().split(";")):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """An XLSX-shaped ZIP whose sheet unpacks to ``unpacked_mb`` MB (ratio ~1000)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<row/>" * (unpacked_mb * 1024 * 1024 // 6))
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a spreadsheet")
    return buf.getvalue()


def geojson(geometry: dict) -> bytes:
    feat = {"type": "Feature", "geometry": geometry,
            "properties": {"name": "X", "organization": "Y", "kind": "projekt"}}  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": [feat]}).encode()


def hsds(obj) -> bytes:
    return json.dumps(obj).encode()


BAD_HOURS = json.dumps({"slots": [{"weekday": 0, "opens": "12:00", "closes": "09:00"}]})

# id, file name, content (bytes or callable), expected substring, mapping (dict or raw text)
CASES = [
    ("binary_garbage", "x.csv", b"\x00\x01\x02garbage\x00\xff" * 50, "Binärdaten", None),
    (
        "undecodable",
        "x.csv",
        b"Name;Tr\x81ger;Art\n\x8d\x8f\x90\x9d;x;y\n" * 3,
        "Zeichenkodierung",
        None,
    ),
    ("png_as_csv", "x.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG", None),
    (
        "wrong_delimiter_tab",
        "x.csv",
        "Name\tTräger\tArt\nA\tB\tprojekt\n".encode(),
        "Trennzeichen",
        None,
    ),
    (
        "missing_required_columns",
        "x.csv",
        b"Ort;PLZ\nHildesheim;31135\n",
        "Pflichtspalten fehlen: Name",
        None,
    ),
    ("empty_file", "x.csv", b"", "leer", None),
    ("header_only", "x.csv", (HEADER + "\n").encode(), "nur die Kopfzeile", None),
    ("too_large_50mb", "big.csv", "BIG", "zu groß", None),
    (
        "unknown_postcode",
        "x.csv",
        csv_bytes(row(PLZ="99999")),
        "gibt es in Niedersachsen nicht",
        None,
    ),
    (
        "coords_in_bavaria",
        "x.csv",
        csv_bytes(row(PLZ="", Breitengrad="48.137", Längengrad="11.575")),
        "nicht in Niedersachsen",
        None,
    ),
    (
        "latitude_out_of_range",
        "x.csv",
        csv_bytes(row(Breitengrad="123", Längengrad="9.7")),
        "außerhalb von −90 bis 90",
        None,
    ),
    (
        "duplicate_ids",
        "x.csv",
        csv_bytes(row(Name="A"), row(Name="B"), header=HEADER + ";ID").replace(
            b"https://example.org\n", b"https://example.org;6f1c8a52-4d0e-5b7a-9a43-1e2b7c5d9f31\n"
        ),
        "kommt in der Datei mehrfach vor",
        None,
    ),
    (
        "duplicate_name_postcode",
        "x.csv",
        csv_bytes(row(), row(Telefon="05121 999999")),
        "kommt in der Datei mehrfach vor",
        None,
    ),
    (
        "javascript_url",
        "x.csv",
        csv_bytes(row(Webseite="javascript:alert(1)")),
        "nur http- oder https-Adressen",
        None,
    ),
    (
        "control_chars_in_name",
        "x.csv",
        csv_bytes(row(Name="Test\x07angebot")),
        "Steuerzeichen",
        None,
    ),
    (
        "unknown_field_of_action",
        "x.csv",
        csv_bytes(row(Handlungsfelder="raketenbau")),
        "Unbekanntes Handlungsfeld",
        None,
    ),
    (
        "unknown_language",
        "x.csv",
        csv_bytes(row(Sprachen="de, xx")),
        "Unbekannter Sprachcode „xx“",
        None,
    ),
    (
        "invalid_email",
        "x.csv",
        csv_bytes(row(**{"E-Mail": "kein-at.example.org"})),
        "E-Mail-Adresse",
        None,
    ),
    ("invalid_phone", "x.csv", csv_bytes(row(Telefon="ruf mich an")), "Telefonnummer", None),
    ("missing_required_value", "x.csv", csv_bytes(row(Name="")), "Pflichtfeld „Name“", None),
    ("xlsx_zip_bomb", "x.xlsx", lambda: zip_bomb(20), "entpackt zu groß", None),
    ("json_nested_deeply", "x.json", b"[" * 100_000 + b"]" * 100_000, "verschachtelt", None),
    ("json_nested_deeper_than_hsds", "x.json", b"[" * 100 + b"]" * 100, "verschachtelt", None),
    ("geojson_nested", "x.geojson", b'{"type": "FeatureCollection", "features": '
     + b"[" * 50_000 + b"]" * 50_000 + b"}", "verschachtelt", None),
    (
        "hours_close_before_open",
        "x.csv",
        csv_bytes(
            row() + ';"' + BAD_HOURS.replace('"', '""') + '"', header=HEADER + ";Öffnungszeiten"
        ),
        "closes_before_opens",
        None,
    ),
    ("hsds_not_json", "x.json", b'[{"id": "1", "name": ', "kein gültiges JSON", None),
    (
        "hsds_wrong_types",
        "x.json",
        hsds([{"id": "x", "name": 5, "status": "active"}]),
        "falschen Typ",
        None,
    ),
    ("hsds_wrong_structure", "x.json", hsds("just a string"), "Liste von Diensten", None),
    (
        "xlsx_truncated",
        "x.xlsx",
        lambda: xlsx_bytes()[:1500],
        "beschädigt oder unvollständig",
        None,
    ),
    ("xlsx_is_other_zip", "x.xlsx", zip_bytes, "keine Excel-Datei", None),
    (
        "geojson_polygon",
        "x.geojson",
        geojson({"type": "Polygon", "coordinates": [[[9, 52], [9.1, 52], [9, 52.1], [9, 52]]]}),
        "Punkt",
        None,
    ),
    (
        "mapping_unknown_target",
        "x.csv",
        csv_bytes(row()),
        "Zielspalte „foo“ ist unbekannt",
        {"Name": "foo"},
    ),
    (
        "mapping_unknown_source",
        "x.csv",
        csv_bytes(row()),
        "gibt es in der Datei nicht",
        {"Gibtsnicht": "name"},
    ),
]


def _write(tmp_path, name, content):
    path = tmp_path / name
    if content == "BIG":
        line = (row() + "\n").encode()
        with path.open("wb") as fh:
            fh.write((HEADER + "\n").encode())
            chunk = line * 10_000
            while path.stat().st_size < 50 * 1024 * 1024:
                fh.write(chunk)
                fh.flush()
    else:
        path.write_bytes(content() if callable(content) else content)
    return path


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_changes_nothing(case, seeded, tmp_path):
    _, name, content, expected, mapping = case
    path = _write(tmp_path, name, content)
    before = snapshot_store(seeded)

    preview = load_preview(path, store=seeded, mapping=mapping)
    assert not preview.ok
    report = "\n".join(preview.report_lines())
    assert expected in report, report
    with pytest.raises(ImportRefused, match="nichts geändert"):
        commit(seeded, preview, actor="test")

    args = ["import", str(path), "--database-url", store_url(seeded)]
    if mapping is not None:
        mpath = tmp_path / "mapping.json"
        mpath.write_text(json.dumps(mapping), encoding="utf-8")
        args += ["--mapping", str(mpath)]
    code, out, err = run_cli(*args)
    assert code != 0
    assert err.startswith("error:") and expected in out + err, (out, err)
    assert snapshot_store(seeded) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [("{not: json, [", "malformed"), ("- a\n- b\n", "malformed"), ("Name: 5\n", "malformed")],
    ids=["broken_yaml", "yaml_list", "non_string_target"],
)
def test_bad_mapping_file(text, expected, seeded, tmp_path):
    data = tmp_path / "x.csv"
    data.write_bytes(csv_bytes(row()))
    mapping = tmp_path / "m.yaml"
    mapping.write_text(text, encoding="utf-8")
    before = snapshot_store(seeded)
    code, _, err = run_cli("import", str(data), "--mapping", str(mapping),
                           "--database-url", store_url(seeded))  # fmt: skip
    assert code != 0 and err.startswith("error:") and expected in err
    assert snapshot_store(seeded) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (lambda good: good[: len(good) // 2], "beschädigt oder unvollständig"),
        (lambda good: b"\x1f\x8b" + good[2:], "beschädigt oder unvollständig"),
        (lambda good: json.dumps({"hello": "world"}).encode(), "keine Sicherung"),
        (lambda good: good.replace(b"Caritasverband Hildesheim", b"Evil e.V."), "Prüfsumme"),
        (lambda good: GOOD_CSV.read_bytes(), "beschädigt oder unvollständig"),
    ],
    ids=["truncated", "corrupted_gzip", "not_a_backup", "tampered", "csv_not_backup"],
)
def test_bad_backup_restore_changes_nothing(content, expected, seeded, tmp_path):
    from directory.backup import backup

    good = tmp_path / "good.json"
    backup(seeded, good)
    # a different store state, so an accidental restore would show
    extra = tmp_path / "extra.csv"
    extra.write_bytes(csv_bytes(row()))
    commit(seeded, load_preview(extra, store=seeded), actor="test")
    bad = tmp_path / "bad.json"
    raw = good.read_bytes()
    bad.write_bytes(content(raw))
    before = snapshot_store(seeded)
    code, _, err = run_cli("restore", str(bad), "--yes", "--database-url", store_url(seeded))
    assert code != 0 and err.startswith("error:") and expected in err, err
    assert snapshot_store(seeded) == before
