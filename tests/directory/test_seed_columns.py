"""Loading the cleaned research columns of ``data/offices.csv`` (fixture CSV built here).

The research clean-up adds ``id``, ``beschreibung``, ``email``, ``oeffnungszeiten``,
``quelle_art``, ``hinweis``, ``lat`` and ``lon``; the loader must read them when present and
work without them (the shipped file is tested in ``test_seed.py``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from directory.ids import stable_id
from directory.model import Location, Organization, Phone, Service, ServiceAtLocation
from directory.query import offers_frame
from directory.seed import load_offices
from directory.store import Store

COLUMNS = ["id", "name", "traeger", "kind", "street", "plz", "ort", "phone", "website",
           "languages", "target_group", "source_url", "source_date", "excerpt", "beschreibung",
           "email", "oeffnungszeiten", "quelle_art", "hinweis", "lat", "lon"]  # fmt: skip
IDS = ["6d7c1f2a-3b4c-4d5e-8f90-0a1b2c3d4e5f", "7e8d2a3b-4c5d-4e6f-9a01-1b2c3d4e5f60",
       "8f9e3b4c-5d6e-4f70-8b12-2c3d4e5f6071", "9a0f4c5d-6e7f-4081-9c23-3d4e5f607182",
       "0b1a5d6e-7f80-4192-8d34-4e5f60718293"]  # fmt: skip


def _row(i: int, **values: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(id=IDS[i], name=f"Beratung {i} (Testzeile)", traeger="Beispielverein e.V.",
               kind="Migrationsberatung", ort="Hildesheim", plz="31135",
               source_url=f"https://example.org/quelle/{i}", source_date="2025-01-15",
               quelle_art="organisation")  # fmt: skip
    row.update(values)
    return row


ROWS = [
    _row(0, excerpt="Wörtlicher Auszug aus der Quelle mit Tel 05121 - 13 28 20.",
         beschreibung="Beratung für Zugewanderte zu Aufenthalt und Alltag.",
         email="beratung@example.org", oeffnungszeiten="Mo, Di 10:00-12:00; Do 15:00-17:00",
         quelle_art="presse", hinweis="Die Quelle nennt die Straße ohne Hausnummer.",
         phone="05121 - 13 28 20", street="Katharinenstraße"),
    _row(1, traeger="", phone="0157/82214426", plz="", ort="Göttingen", lat="51.53443",
         lon="9.93228", kind="Integrationsprojekt / Begegnungscafé mit Beratung"),
    _row(2, traeger="", phone="0170 1234567", hinweis="Mobilnummer der Stelle laut Quelle.",
         quelle_art="verzeichnis"),
    _row(3, traeger="in Quelle nicht genannt", phone="0123 456789", quelle_art="unbekannt"),
    _row(4, plz="", ort="Brake (Unterweser)", quelle_art="behoerde"),
]  # fmt: skip


@pytest.fixture
def loaded(store: Store, gazetteer, tmp_path: Path) -> tuple[Store, dict[str, int]]:
    path = tmp_path / "offices.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(ROWS)
    return store, load_offices(store, path=path, gazetteer=gazetteer)


def test_ids_come_from_the_id_column(loaded) -> None:
    store, stats = loaded
    assert stats["added"] == stats["rows"] == 5
    with store.session() as s:
        assert set(s.scalars(select(Service.id))) == set(IDS)
        locations = set(s.scalars(select(Location.id)))
        links = set(s.scalars(select(ServiceAtLocation.id)))
    assert locations == {stable_id("location", i) for i in IDS}
    assert links == {stable_id("service_at_location", i) for i in IDS}


def test_description_is_own_text_and_excerpt_stays_with_the_source(loaded) -> None:
    store, _ = loaded
    with store.session() as s:
        first = s.get(Service, IDS[0])
        assert first.description == "Beratung für Zugewanderte zu Aufenthalt und Alltag."
        assert first.source_excerpt.startswith("Wörtlicher Auszug")
        assert first.source_kind == "presse" and first.email == "beratung@example.org"
        assert first.editorial_note == "Die Quelle nennt die Straße ohne Hausnummer."
        # no own description: empty, never the excerpt
        assert s.get(Service, IDS[4]).description is None
        assert s.get(Service, IDS[3]).source_kind is None  # not one of the five source kinds
        loc = s.get(Location, stable_id("location", IDS[0]))
        assert loc.address_1 == "Katharinenstraße"  # the note is not in the street
        assert loc.opening_hours["slots"][0] == {"weekday": 0, "opens": "10:00", "closes": "12:00"}
        assert len(loc.opening_hours["slots"]) == 3
    frame = offers_frame(store).set_index("service_id")  # what the public pages see
    assert "Wörtlicher" not in " ".join(str(v) for v in frame.loc[IDS[0]].to_numpy())


def test_unknown_operator_is_an_empty_organization_per_offer(loaded) -> None:
    store, _ = loaded
    with store.session() as s:
        names = [o.name for o in s.scalars(select(Organization))]
        owners = {sid: s.get(Service, sid).organization_id for sid in IDS}
    assert sorted(names) == ["", "", "", "Beispielverein e.V."]
    assert "in Quelle nicht genannt" not in names
    assert len({owners[IDS[1]], owners[IDS[2]], owners[IDS[3]]}) == 3
    assert owners[IDS[0]] == owners[IDS[4]]


def test_phones_in_e164_and_staff_mobiles_refused(loaded) -> None:
    store, stats = loaded
    with store.session() as s:
        numbers = {p.service_id: p.number for p in s.scalars(select(Phone))}
    assert numbers == {IDS[0]: "+495121132820",
                       IDS[2]: "+491701234567",  # the office's own line (hinweis says so)
                       IDS[3]: "0123 456789"}  # invalid: kept as written  # fmt: skip
    assert stats["phone_refused_mobile"] == 1 and stats["phone_invalid"] == 1


def test_coordinates_and_uncertain_districts(loaded) -> None:
    store, stats = loaded
    with store.session() as s:
        stated = s.get(Location, stable_id("location", IDS[1]))
        brake = s.get(Location, stable_id("location", IDS[4]))
        hildesheim = s.get(Location, stable_id("location", IDS[0]))
    assert (stated.geocode_precision, stated.latitude, stated.district_ags) == (
        "address", 51.53443, "03159")  # fmt: skip
    assert (hildesheim.geocode_precision, hildesheim.district_status) == ("postcode", "certain")
    assert (brake.district_ags, brake.district_status) == ("03461", "uncertain")
    assert stats["district_uncertain"] == 1 and stats["address"] == 1
    frame = offers_frame(store).set_index("service_id")
    assert frame["district_uncertain"].to_dict() == {i: i == IDS[4] for i in IDS}


def test_kinds_and_reloading(loaded, gazetteer, tmp_path) -> None:
    store, _ = loaded
    with store.session() as s:
        assert s.get(Service, IDS[1]).kind == "projekt"  # "Integrationsprojekt / … Beratung"
    before = store.counts()
    # the same rows again, one of them cleaned since (new name): nothing is added
    rows_again = [dict(r) for r in ROWS]
    rows_again[0]["name"] = "Beratung 0 (umbenannt)"
    path = tmp_path / "again.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS)
        writer.writeheader()
        writer.writerows(rows_again)
    assert load_offices(store, path=path, gazetteer=gazetteer)["added"] == 0
    assert store.counts() == before
