"""Column mapping: detected, shown even when the file is refused, corrected by hand (CLI
``--mapping`` and the import form use the same ``load_preview(mapping=...)``)."""

from __future__ import annotations

import json

import pytest

from directory.io import commit, load_preview
from directory.query import offers_frame

HEADERS = ["Angebotstitel", "Träger", "Art", "PLZ", "Telefon"]
VALUES = ["Sprachcafé Hildesheim", "Asyl e.V.", "projekt", "31135", "05121 123456"]
CSV = (";".join(HEADERS) + "\n" + ";".join(VALUES) + "\n").encode()
GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": None, "properties": dict(zip(HEADERS, VALUES, strict=True))},
]}).encode()  # fmt: skip
DETECTED = {"Träger": "organization", "Art": "kind", "PLZ": "postal_code", "Telefon": "phone"}
#: what the import form sends: every column, "ignore" as None
CHOSEN = {"Angebotstitel": "name", "Träger": "organization", "Art": "kind",
          "PLZ": "postal_code", "Telefon": None}  # fmt: skip


@pytest.mark.parametrize("name, data", [("x.csv", CSV), ("x.geojson", GEOJSON)])
def test_refused_file_keeps_the_detected_mapping_to_correct_it(name, data):
    preview = load_preview(data, name=name)
    assert [p.code for p in preview.file_problems] == ["missing_columns"]
    assert preview.headers == HEADERS
    assert preview.mapping == DETECTED and preview.ignored == ["Angebotstitel"]
    assert not preview.ok and not preview.rows


@pytest.mark.parametrize("name, data", [("x.csv", CSV), ("x.geojson", GEOJSON)])
def test_chosen_mapping_recomputes_the_preview(name, data, store):
    preview = load_preview(data, store=store, name=name, mapping=CHOSEN)
    assert preview.ok, preview.report_lines()
    assert preview.mapping == {k: v for k, v in CHOSEN.items() if v}
    assert preview.ignored == ["Telefon"] and "phone" not in preview.present
    assert preview.counts["new"] == 1
    commit(store, preview, actor="kim")
    row = offers_frame(store).iloc[0]
    assert (row["name"], row["organization"], row["phone"]) == (
        "Sprachcafé Hildesheim", "Asyl e.V.", None)  # fmt: skip


@pytest.mark.parametrize("name, data", [("x.csv", CSV), ("x.geojson", GEOJSON)])
@pytest.mark.parametrize("mapping, code", [
    ({"Gibtsnicht": "name"}, "mapping_source_missing"),
    ({"Angebotstitel": "gibtsnicht"}, "mapping_target_unknown"),
    ({"Angebotstitel": "organization"}, "duplicate_column"),
])  # fmt: skip
def test_bad_mapping_is_refused_alike_for_tables_and_geojson(name, data, mapping, code):
    preview = load_preview(data, name=name, mapping=mapping)
    assert [p.code for p in preview.file_problems] == [code]
    assert preview.headers == HEADERS  # still shown, to correct it
