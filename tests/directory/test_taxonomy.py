import pytest

from directory.taxonomy import (
    FIELD_IDS,
    KIND_FIELDS,
    KIND_IDS,
    classify_kind,
    classify_target_groups,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Jugendmigrationsdienst (JMD)", "jmd"),
        ("Migrationserstberatung, Spätaussiedlerberatung, Jugendmigrationsdienst", "jmd"),
        ("Migrationsberatung für erwachsene Zuwanderer (MBE)", "mbe"),
        ("Koordinierungsstelle Migration und Teilhabe", "koordinierungsstelle"),
        ("Welcome Center (landesgefördert; Fachkräfteeinwanderung)", "welcome_center"),
        ("Migrantenselbstorganisation / Interkultureller Garten (Begegnung)", "selbstorganisation"),
        ("Kommunale Integrationsstelle", "kommunal"),
        ("Landesgeförderte Migrationsberatung", "migrationsberatung"),
        ("Flüchtlingssozialarbeit", "migrationsberatung"),
        ("Begegnungshaus / Integrationsprojekt", "projekt"),
        ("Ehrenamtliche Integrationslotsen / Orientierungshilfe", "integrationslotsen"),
        ("", "projekt"),
    ],
)
def test_classify_kind(text, kind):
    assert classify_kind(text) == kind


def test_every_kind_serves_known_fields():
    assert set(KIND_FIELDS) == set(KIND_IDS)
    for fields in KIND_FIELDS.values():
        assert fields and set(fields) <= set(FIELD_IDS)


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("Zugewanderte junge Menschen von 12 bis 27 Jahren", ("jugendliche",)),
        ("Erwachsene Zuwanderer", ("erwachsene",)),
        ("Geflüchtete (u.a. ukrainische Familien)", ("familien", "gefluechtete")),
        ("", ()),
    ],
)
def test_classify_target_groups(text, groups):
    assert classify_target_groups(text) == groups
