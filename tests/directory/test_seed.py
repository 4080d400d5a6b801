"""Default content from data/offices.csv."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from sqlalchemy import select

from directory.bootstrap import load_default_content, open_store
from directory.hours import parse_hours_text
from directory.model import Location, Organization, Phone, Service
from directory.phones import is_german_mobile
from directory.query import offers_frame
from directory.seed import OFFICES_CSV, clean_date, load_offices, parse_languages
from directory.store import Store

ROWS = list(csv.DictReader(OFFICES_CSV.open(encoding="utf-8")))


#: SHA-256 of the names of the 79 rows of ``shared/research/offices.csv`` (one per line), so
#: the check runs on a fresh clone too, without ../shared.
RESEARCH_NAMES_SHA256 = "e9c3cba38412bfd2f13dd3e15bab0d062d651afffb06c6f79a4cfb9827cb5bb5"


def test_offices_csv_holds_the_researched_rows():
    # the 79 rows of shared/research/offices.csv (cleaned) come first, then later research
    names = "\n".join(r["name"] for r in ROWS[:79])
    assert hashlib.sha256(names.encode()).hexdigest() == RESEARCH_NAMES_SHA256
    assert len(ROWS) > 79


def test_seed_loads_every_row_unverified_with_source(store: Store, gazetteer):
    stats = load_offices(store, gazetteer=gazetteer)
    assert stats["added"] == len(ROWS) and stats["rows"] == len(ROWS)
    with store.session() as s:
        services = s.scalars(select(Service)).all()
        assert len(services) == len(ROWS)
        assert all(sv.verification == "unverified" for sv in services)
        assert all(sv.source_url for sv in services)
        assert all(not sv.is_demo for sv in services)
        dated = [sv for sv in services if sv.source_date]
        assert len(dated) == sum(1 for r in ROWS if r["source_date"].strip())
        for sv in services:
            if sv.assured_date is not None:
                assert sv.source_date == sv.assured_date.isoformat()
        n_orgs = s.scalar(select(Organization.id).where(Organization.name == "Asyl e.V."))
        assert n_orgs is not None
        assert len(s.scalars(select(Organization)).all()) == len({r["traeger"] for r in ROWS})
        # German mobile numbers of staff are refused (directory.seed.OFFICE_MOBILE)
        assert len(s.scalars(select(Phone)).all()) == sum(
            1 for r in ROWS if r["phone"].strip() and not is_german_mobile(r["phone"]))


def test_seed_never_invents_fields(store: Store, gazetteer):
    load_offices(store, gazetteer=gazetteer)
    with store.session() as s:
        locs = {(loc.name, loc.city, loc.street): loc for loc in s.scalars(select(Location))}
    for row in ROWS:
        loc = locs[(row["name"].strip(), row["ort"].strip() or None, row["street"].strip() or None)]
        assert loc.postal_code == (row["plz"].strip() or None)
        assert loc.address_1 == (row["street"].strip() or None)
        hours = row.get("oeffnungszeiten") or ""  # column of the cleaned research file
        assert loc.opening_hours == (dict(parse_hours_text(hours)) if hours else None)
        assert loc.accessibility == "unknown"
        if row.get("lat"):
            assert loc.geocode_precision == "address"
        elif not row["plz"].strip():
            assert loc.geocode_precision in ("place", None)
            if loc.geocode_precision is None:
                assert loc.latitude is None and loc.geocode_note
        else:
            assert loc.geocode_precision == "postcode"


def test_kreis_only_rows_are_not_placed(store: Store, gazetteer):
    load_offices(store, gazetteer=gazetteer)
    with store.session() as s:
        loc = s.scalars(select(Location).where(Location.city.like("Landkreis Heidekreis%"))).one()
    assert loc.latitude is None and loc.longitude is None and loc.geocode_precision is None
    assert loc.geocode_note.startswith("Nur Landkreis bekannt")
    assert loc.district_ags == "03358"


def test_seed_is_idempotent(store: Store, gazetteer):
    load_offices(store, gazetteer=gazetteer)
    before = store.counts()
    assert load_offices(store, gazetteer=gazetteer)["added"] == 0
    assert load_default_content(store, gazetteer=gazetteer) == 0
    assert store.counts() == before


def test_default_content_loads_empty_store(store: Store, gazetteer):
    assert load_default_content(store, gazetteer=gazetteer) == len(ROWS)
    df = offers_frame(store)
    assert len(df) == len(ROWS)
    assert set(df["verification"]) == {"unverified"}


def test_open_store_bootstraps_schema_networks_and_content(engine, gazetteer):
    store = open_store(engine, gazetteer=gazetteer)
    counts = store.counts()
    assert counts["service"] == len(ROWS)
    assert counts["regional_network"] >= 4 and counts["network_assignment"] == 45
    # Opening again adds nothing; without default content only schema and networks.
    assert open_store(engine, gazetteer=gazetteer).counts() == counts
    bare = open_store("sqlite://", default_content=False)
    assert bare.counts()["service"] == 0 and bare.counts()["network_assignment"] == 45


def test_store_module_knows_no_default_content():
    import ast

    import directory.store as store_module

    tree = ast.parse(Path(store_module.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
         for alias in node.names}  # fmt: skip
    assert not {"directory.seed", "directory.networks", "directory.bootstrap"} & imported


def test_parsers():
    assert parse_languages("") == []
    assert parse_languages("Amharisch, Tigrinya, Englisch (Berater lt. Quelle)") == [
        "am", "ti", "en"]  # fmt: skip
    assert clean_date("2021-11-19").isoformat() == "2021-11-19"
    assert clean_date("zuletzt geändert 2023-10-12") is None
    assert clean_date("2018") is None
