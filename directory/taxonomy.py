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

#: Programme names: the first pattern found anywhere in the text decides (specific names of
#: federal / state programmes and of self-organisations beat any generic word).
_PROGRAMME_RULES: tuple[tuple[str, str], ...] = (
    (r"jugendmigrationsdienst|\bjmd\b", "jmd"),
    (r"koordinierungsstelle", "koordinierungsstelle"),
    (r"welcome[\s&-]*(?:and\s+)?(?:business\s+|connect\s+)?cent(?:er|re)", "welcome_center"),
    (r"selbstorganisation", "selbstorganisation"),
    (r"integrationslots", "integrationslotsen"),
    (r"erwachsene zuwanderer|\bmbe\b", "mbe"),
)
#: Generic words: among these, the one named FIRST in the text decides ("Integrationsprojekt /
#: Bürgertreff für Begegnung und Beratung" is a project, "Migrationsberatung / Begegnungscafé"
#: counselling). A public authority named only as the place or operator ("… in der
#: Ausländerbehörde", "Migrationsberatung der Stadt X") does not make counselling municipal;
#: the text must call the office itself municipal ("Kommunale Integrationsstelle").
_GENERIC_RULES: tuple[tuple[str, str], ...] = (
    (r"\bkommunal|ausländerbehörde", "kommunal"),
    (r"beratung|sozialarbeit|migrationscent(?:er|re)|migrationszentrum|migrationsdienst"
     r"|flüchtlingshilfe|anlaufstelle|sprechstunde|psychosozial|law clinic", "migrationsberatung"),
    (r"projekt|begegnung|café|cafe|garten|treff|stadtteilhaus|infohaus|pilot", "projekt"),
)
#: Kind of a text no rule matches.
DEFAULT_KIND = "projekt"


@dataclass(frozen=True)
class KindMatch:
    """Why :func:`classify_kind` chose a kind: the rule (its pattern) and the matched words."""

    kind: str
    rule: str  # "programme" | "first_named" | "default"
    pattern: str | None = None
    matched: str | None = None

    def describe(self) -> str:
        """A short German explanation, e.g. for an import preview."""
        if self.rule == "default":
            return f"kein Stichwort erkannt → {self.kind}"
        how = "Programmname" if self.rule == "programme" else "zuerst genanntes Stichwort"
        return f"„{self.matched}“ ({how}) → {self.kind}"


def explain_kind(free_text: str) -> KindMatch:
    """The kind of a free-text description of an offer, with the rule that decided it.

    Examples
    --------
    >>> explain_kind("Integrationsprojekt / Bürgertreff für Begegnung und Beratung").describe()
    '„integrationsprojekt“ (zuerst genanntes Stichwort) → projekt'
    >>> explain_kind("Orientierungsberatung in der Ausländerbehörde").kind
    'migrationsberatung'
    """
    text = (free_text or "").strip().lower()
    for pattern, kind in _PROGRAMME_RULES:
        if m := re.search(pattern, text):
            return KindMatch(kind, "programme", pattern, _word(text, m))
    best: tuple[int, str, str, re.Match[str]] | None = None
    for pattern, kind in _GENERIC_RULES:
        m = re.search(pattern, text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind, pattern, m)
    if best is not None:
        return KindMatch(best[1], "first_named", best[2], _word(text, best[3]))
    return KindMatch(DEFAULT_KIND, "default")


def _word(text: str, m: re.Match[str]) -> str:
    """The whole word around a match ("beratung" in "Flüchtlingsberatung" → the compound)."""
    start, end = m.start(), m.end()
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end]


def classify_kind(free_text: str) -> str:
    """Map a free-text description of an offer onto a kind id (see :func:`explain_kind`).

    Examples
    --------
    >>> classify_kind("Jugendmigrationsdienst (JMD)")
    'jmd'
    >>> classify_kind("Migrationsberatung für erwachsene Zuwanderer (MBE)")
    'mbe'
    >>> classify_kind("Begegnungshaus / Integrationsprojekt")
    'projekt'
    >>> classify_kind("Integrationsprojekt mit Beratung")
    'projekt'
    """
    return explain_kind(free_text).kind


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
