"""Controlled vocabularies of the directory.

* fields of action (Handlungsfelder) — loaded from ``data/fields_of_action.yaml``;
* offer kinds — a closed list, with :func:`classify_kind` mapping the free-text ``kind``
  of researched sources onto it;
* target groups and languages (ISO 639-1).

The mapping from a kind to fields of action (:data:`KIND_FIELDS`) is an editorial
derivation, documented in the README: the sources name what an office *is*, not which
field of action of the state programme it serves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class FieldOfAction:
    """One field of action of "Integration in Niedersachsen", as printed."""

    id: str
    title: str
    motto: str
    measures: tuple[str, ...]
    subtitle: str | None = None


@lru_cache(maxsize=1)
def fields_of_action() -> tuple[FieldOfAction, ...]:
    """Return the 10 fields of action in the order of the poster series."""
    raw = yaml.safe_load((DATA_DIR / "fields_of_action.yaml").read_text(encoding="utf-8"))
    return tuple(
        FieldOfAction(
            id=r["id"],
            title=r["title"],
            motto=r["motto"],
            measures=tuple(r["measures"]),
            subtitle=r.get("subtitle"),
        )
        for r in raw
    )


FIELD_IDS: tuple[str, ...] = tuple(f.id for f in fields_of_action())

#: Offer kinds (ids are stable; German labels live in the i18n catalogue).
KIND_IDS: tuple[str, ...] = (
    "migrationsberatung",  # Land-funded migration / refugee counselling
    "mbe",  # Migrationsberatung für erwachsene Zuwanderer (federal)
    "jmd",  # Jugendmigrationsdienst (federal)
    "koordinierungsstelle",  # Koordinierungsstelle Migration und Teilhabe
    "kommunal",  # municipal integration office
    "welcome_center",  # Welcome Center (skilled immigration)
    "selbstorganisation",  # migrant self-organisation (MSO)
    "projekt",  # integration / encounter / pilot project
    "integrationslotsen",  # volunteer integration guides
)

#: Fields of action an offer of a kind serves (editorial derivation, see module doc).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "migrationsberatung": ("kooperative_migrationsarbeit", "beruf"),
    "mbe": ("kooperative_migrationsarbeit", "beruf"),
    "jmd": ("jugendarbeit", "kooperative_migrationsarbeit", "schule"),
    "koordinierungsstelle": ("kooperative_migrationsarbeit", "interkulturelle_oeffnung", "dialog"),
    "kommunal": ("interkulturelle_oeffnung", "kooperative_migrationsarbeit"),
    "welcome_center": ("beruf", "interkulturelle_oeffnung"),
    "selbstorganisation": ("selbstorganisation", "dialog"),
    "projekt": ("soziale_stadt", "selbstorganisation"),
    "integrationslotsen": ("kooperative_migrationsarbeit", "selbstorganisation"),
}

#: Ordered rules: the first pattern found in the free text decides the kind.
_KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"jugendmigrationsdienst|\bjmd\b", "jmd"),
    (r"koordinierungsstelle", "koordinierungsstelle"),
    (r"welcome center", "welcome_center"),
    (r"migrantenselbstorganisation|selbstorganisation", "selbstorganisation"),
    (r"integrationslotsen", "integrationslotsen"),
    (r"erwachsene zuwanderer|\bmbe\b", "mbe"),
    (r"^kommunal|ausländerbehörde", "kommunal"),
    (r"beratung|sozialarbeit|migrationscenter|flüchtlingshilfe|anlaufstelle", "migrationsberatung"),
    (r"projekt|begegnung", "projekt"),
)


def classify_kind(free_text: str) -> str:
    """Map a free-text description of an offer onto a kind id.

    Examples
    --------
    >>> classify_kind("Jugendmigrationsdienst (JMD)")
    'jmd'
    >>> classify_kind("Migrationsberatung für erwachsene Zuwanderer (MBE)")
    'mbe'
    >>> classify_kind("Begegnungshaus / Integrationsprojekt")
    'projekt'
    """
    text = (free_text or "").strip().lower()
    for pattern, kind in _KIND_RULES:
        if re.search(pattern, text):
            return kind
    return "projekt"


def explain_kind(free_text: str) -> tuple[str, str] | None:
    """The kind a rule of :func:`classify_kind` finds in ``free_text`` and the words that
    decided it; ``None`` when no rule matches (where :func:`classify_kind` falls back to
    ``"projekt"``). Lets an import say *why* it chose a kind.

    >>> explain_kind("Beratung für Zugewanderte (MBE) der Caritas")
    ('mbe', 'mbe')
    >>> explain_kind("Sprachkurs") is None
    True
    """
    text = (free_text or "").strip().lower()
    for pattern, kind in _KIND_RULES:
        found = re.search(pattern, text)
        if found:
            return kind, found.group(0)
    return None


def fields_for_kind(kind_id: str) -> tuple[str, ...]:
    """Fields of action an offer of ``kind_id`` serves (see :data:`KIND_FIELDS`)."""
    return KIND_FIELDS[kind_id]


#: Target groups (ids stable; labels in the i18n catalogue).
TARGET_GROUP_IDS: tuple[str, ...] = (
    "jugendliche",  # young people 12–27
    "erwachsene",  # adults (27+)
    "frauen",
    "familien",
    "gefluechtete",  # refugees and asylum seekers
    "eu_zugewanderte",
    "fachkraefte",  # skilled workers / employers
    "fachakteure",  # professionals of integration work (no individual counselling)
)

_TARGET_RULES: tuple[tuple[str, str], ...] = (
    (r"jugend|junge|12\s*[-–]\s*27|schüler", "jugendliche"),
    (r"erwachsen|ab 27", "erwachsene"),
    (r"frauen|mädchen", "frauen"),
    (r"famili|eltern|kinder", "familien"),
    (r"flücht|geflücht|asyl", "gefluechtete"),
    (r"\beu[- ]", "eu_zugewanderte"),
    (r"fachkräfte|arbeitgeber|unternehmen|arbeitsmigrant", "fachkraefte"),
    (r"akteure|fachkräfte der|keine einzelfallberatung", "fachakteure"),
)


def classify_target_groups(free_text: str) -> tuple[str, ...]:
    """Target group ids named in a free-text description (may be empty).

    Examples
    --------
    >>> classify_target_groups("Asylsuchende, Flüchtlinge, Migrant/innen")
    ('gefluechtete',)
    >>> classify_target_groups("junge Menschen 12–27 Jahre")
    ('jugendliche',)
    """
    text = (free_text or "").lower()
    return tuple(tid for pattern, tid in _TARGET_RULES if re.search(pattern, text))


#: Languages offered in the finder's filter (ISO 639-1), German first.
LANGUAGE_CODES: tuple[str, ...] = (
    "de", "en", "ar", "fa", "tr", "ru", "uk", "ku", "ps", "ti", "so", "fr", "pl", "ro", "bg",
    "sq", "sr", "es", "it", "el", "vi", "zh",
)  # fmt: skip
