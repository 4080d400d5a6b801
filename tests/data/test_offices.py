"""Checks on the researched default content ``data/offices.csv`` (see ``data/SOURCES.md``).

Reads the CSV directly, so a loader bug cannot hide a data bug.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from directory.hours import parse_hours_text
from directory.ids import stable_id
from directory.seed import LANGUAGE_NAMES

OFFICES = Path(__file__).resolve().parents[2] / "data" / "offices.csv"

#: columns of the research file, in order (the loader reads them by name)
COLUMNS = [
    "id", "name", "traeger", "kind", "street", "plz", "ort", "phone", "website", "languages",
    "target_group", "source_url", "source_date", "excerpt",
    "beschreibung", "email", "oeffnungszeiten", "quelle_art", "hinweis", "lat", "lon",
]  # fmt: skip
QUELLE_ART = {"organisation", "behoerde", "presse", "verzeichnis", "sonstige"}

#: the 79 rows researched first keep the service id the loader derived from their
#: original (pre-cleaning) values: ``stable_id("service", name, traeger, ort, street)``
ORIGINAL_ROWS = 79
ORIGINAL_IDS = {
    # first row, unchanged fields
    "91d4c4ff-e6d3-5193-85b9-9feeb8d58884": (
        "Asyl e.V. – Migrationsberatung", "Asyl e.V.", "Hildesheim", "Katharinenstraße 13"),
    # street carried an editorial note, moved to `hinweis`
    "a98e7c9d-f8aa-5425-8406-cc3f380fe8c3": (
        "IBIS – Interkulturelle Arbeitsstelle für Forschung, Dokumentation, Bildung und "
        "Beratung e.V.", "IBIS e.V.", "Oldenburg", "Klävemannstraße (Hausnummer in Quelle nicht "
        "genannt)"),
    # organisation "in Quelle nicht genannt" is now empty
    "a396cf7d-7307-59d8-ba5a-27b471b9cd9c": (
        "IMPULS – Migrationscenter Hameln", "in Quelle nicht genannt", "Hameln", ""),
    # place carried a note ("Landkreis … (Ort in Quelle nicht genannt)")
    "b8f02ea9-2739-51b9-95c8-f4336d0c086c": (
        "Koordinierungsstelle für Migration und Teilhabe Landkreis Heidekreis",
        "Landkreis Heidekreis", "Landkreis Heidekreis (Ort in Quelle nicht genannt)", ""),
}  # fmt: skip

#: editorial phrases that belong in no field (the verbatim ``excerpt`` is exempt)
EDITORIAL = ("in quelle", "keine hausnummer", "undatiert", "nicht ausdrücklich genannt",
             "lt. ", "(porträt", "stand der quelle")  # fmt: skip
#: German mobile numbers (015x/016x/017x), also written as +49 15x …
MOBILE = re.compile(r"(?:^|[^\d])(?:0|\+49\s*\(?0?\)?\s*)1[567]\d")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
EMAIL = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$")


@cache
def rows() -> list[dict[str, str]]:
    with OFFICES.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_csv_parses_as_utf8_with_all_columns():
    raw = OFFICES.read_bytes()
    raw.decode("utf-8")  # strict
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert len(rows()) > ORIGINAL_ROWS
    for row in rows():
        assert None not in row and all(isinstance(v, str) for v in row.values())
        assert all(v == v.strip() for v in row.values())
        assert not any(m in v for v in row.values() for m in ("Ã", "Â", "\ufffd"))


def test_ids_are_unique_uuids():
    ids = [row["id"] for row in rows()]
    assert len(set(ids)) == len(ids)
    for value in ids:
        assert str(uuid.UUID(value)) == value


def test_original_rows_keep_their_service_ids():
    first = rows()[:ORIGINAL_ROWS]
    by_id = {row["id"]: row for row in first}
    for sid, key in ORIGINAL_IDS.items():
        assert stable_id("service", *key) == sid
        assert sid in by_id, key[0]
        assert by_id[sid]["name"] == key[0]
    # all original ids are v5 (derived), every later row is a fresh v4
    assert all(uuid.UUID(row["id"]).version == 5 for row in first)
    assert all(uuid.UUID(row["id"]).version == 4 for row in rows()[ORIGINAL_ROWS:])


def test_every_row_is_sourced_and_classified():
    for row in rows():
        assert row["name"], row
        assert re.match(r"^https?://[^\s/@]+\.[^\s/@]+(/\S*)?$", row["source_url"]), row["name"]
        assert "mailto:" not in row["source_url"]
        assert row["quelle_art"] in QUELLE_ART, row["name"]
        assert not row["source_date"] or DATE.match(row["source_date"]), row["name"]
        assert row["ort"] or row["plz"], row["name"]
    counts = Counter(row["quelle_art"] for row in rows())
    assert counts["presse"] < len(rows()) / 2  # the press is a minority of the sources


def test_no_editorial_phrases_in_fields():
    for row in rows():
        for col, value in row.items():
            if col == "excerpt":
                continue
            low = value.casefold()
            assert not any(p in low for p in EDITORIAL), (row["name"], col, value)


def test_no_mobile_numbers_of_persons():
    for row in rows():
        for col in ("phone", "excerpt", "hinweis", "beschreibung"):
            assert not MOBILE.search(row[col]), (row["name"], col, row[col])
    # the two rows from a news article carried staff mobiles; only the office e-mail is kept
    cux = [r for r in rows() if r["name"].startswith("Migrationsberatung „Neustart“")]
    assert len(cux) == 2 and all(not r["phone"] and r["email"].endswith("@paritaetischer.de")
                                 for r in cux)  # fmt: skip


def test_emails_are_functional_addresses():
    for row in rows():
        if row["email"]:
            assert EMAIL.match(row["email"]), row["email"]
            local = row["email"].split("@")[0]
            # no "firstname.lastname" or initial-plus-surname mailboxes
            assert not re.match(r"^[a-z]\.[a-z]+$", local), row["email"]


def test_opening_hours_parse():
    with_hours = [row for row in rows() if row["oeffnungszeiten"]]
    assert len(with_hours) >= 5
    for row in with_hours:
        parsed = parse_hours_text(row["oeffnungszeiten"])
        assert parsed is not None and parsed["slots"], row["oeffnungszeiten"]


def test_languages_are_known_names():
    with_languages = [row for row in rows() if row["languages"]]
    assert len(with_languages) >= 8
    for row in with_languages:
        names = [n.strip() for n in row["languages"].split(";")]
        for name in names:
            assert name.casefold() in LANGUAGE_NAMES, (row["name"], name)


def test_coordinates_only_in_pairs():
    for row in rows():
        assert bool(row["lat"]) == bool(row["lon"]), row["name"]
        if row["lat"]:
            assert 51.2 < float(row["lat"]) < 54.0 and 6.5 < float(row["lon"]) < 11.7


@pytest.mark.parametrize(
    "kind",
    ["Koordinierungsstelle Migration und Teilhabe", "Migrantenselbstorganisation",
     "Jugendmigrationsdienst", "Welcome Center", "Integrationslotsen",
     "Psychosoziales Zentrum für Geflüchtete", "Integrationsprojekt"],
)  # fmt: skip
def test_each_kind_of_network_member_is_present(kind):
    assert sum(1 for row in rows() if kind.casefold() in row["kind"].casefold()) >= 3
