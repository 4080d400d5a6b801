"""CSV/XLSX exports for people: national phone numbers, district certainty, kind of source and
editorial note as German words, and an import of the export that changes nothing (both
backends). HSDS and GeoJSON keep the codes and E.164."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from directory.io import commit, export_bytes, load_preview
from directory.model import Location, Service
from directory.phones import sheet_phone
from directory.seed import OFFICES_CSV, load_offices
from directory.store import Store
from tests.directory.io.support import _default_geo, geo  # noqa: F401 (fixtures)


@pytest.fixture
def offices(store, gazetteer):
    load_offices(store, path=OFFICES_CSV, gazetteer=gazetteer)
    with store.session() as s:  # one extension and one hand-set district, as editors make them
        svc = s.scalars(select(Service).order_by(Service.id)).first()
        svc.editorial_note = "Telefon laut Aushang; Sprechzeiten bitte erfragen"
        loc = s.scalars(select(Location).where(Location.district_ags.is_not(None))
                        .order_by(Location.id)).first()  # fmt: skip
        loc.district_status = "manual"
    return store


def _table(data: bytes, fmt: str) -> list[dict[str, str]]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    width = len(rows[0])  # a row's empty cells at its end are not stored
    return [dict(zip(rows[0], r + [""] * (width - len(r)), strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_exports_carry_words_and_national_numbers_and_reimport_unchanged(fmt, offices):
    data = export_bytes(offices, fmt)
    rows = _table(data, fmt)
    phones = [r["Telefon"] for r in rows if r["Telefon"]]
    assert phones and not any(p.startswith(("+49", "'")) for p in phones), phones[:5]
    assert all(p.startswith("0") for p in phones if not p.startswith("+"))
    statuses = {r["Sicherheit des Kreises"] for r in rows}
    assert "von Hand gesetzt" in statuses and statuses <= {"", "sicher", "unsicher",
                                                           "von Hand gesetzt"}  # fmt: skip
    kinds = {r["Art der Quelle"] for r in rows} - {""}
    assert kinds and kinds <= {"Seite der Organisation", "Behörde", "Presse", "Verzeichnis",
                               "sonstige Quelle"}  # fmt: skip
    assert any(r["Hinweis der Redaktion"] for r in rows)
    codes = {"certain", "uncertain", "manual", "organisation", "behoerde", "presse"}
    assert not codes & {v for r in rows for v in r.values()}

    preview = load_preview(data, store=offices, name=f"export.{fmt}")
    assert preview.ok, preview.report_lines(warnings=False)[:5]
    assert preview.counts["unchanged"] == len(rows), preview.counts
    assert preview.counts["update"] == preview.counts["new"] == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_export_into_an_empty_store_keeps_the_fields(fmt, offices, tmp_path):
    data = export_bytes(offices, fmt)
    target = Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    target.create_schema()
    commit(target, load_preview(data, store=target, name=f"x.{fmt}"), actor="test")

    def fields(store):
        with store.session() as s:
            return sorted((svc.name, svc.source_kind, svc.editorial_note)
                          for svc in s.scalars(select(Service)))  # fmt: skip

    assert fields(target) == fields(offices)
    assert export_bytes(target, fmt) == export_bytes(offices, fmt) or fmt == "xlsx"


def test_machine_exports_keep_codes_and_e164(offices):
    features = json.loads(export_bytes(offices, "geojson"))["features"]
    props = [f["properties"] for f in features]
    assert any(p["phone"] and p["phone"].startswith("+49") for p in props)
    assert {p["district_status"] for p in props} - {None} <= {"certain", "uncertain", "manual"}
    hsds = json.loads(export_bytes(offices, "hsds"))
    numbers = [ph["number"] for svc in hsds for ph in svc["phones"]]
    assert numbers and all(n.startswith("+") for n in numbers if sheet_phone(n) != n)


def test_an_extension_survives_the_sheet():
    from directory.validate import check_phone

    for stored in ("+49511123456;ext=12", "+495121132820", "+33123456789"):
        assert check_phone(sheet_phone(stored))[0] == stored
