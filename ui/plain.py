"""Plain words for the public finder: plain names and one-line explanations of the kinds of
offer and the fields of action, in every UI language, with German Leichte-Sprache variants.

Pure functions over the catalogue (no Streamlit): the finder's filters, the result cards and
the fields-of-action page take these texts from here. The programme's own names stay the
``field.*`` / ``kind.*`` keys (shown to planners and coordinators); the plain names are
``plain.field.<id>`` / ``plain.kind.<id>`` (also the option labels of the finder's filters,
see ``directory/filters.py``), the explanations ``plain.field_about.<id>`` /
``plain.kind_about.<id>``. With ``easy`` a German text is its Leichte-Sprache variant
(``<key>.ls``) where the catalogue has one.

>>> field_name("soziale_stadt", "de")
'Leben im Stadtteil'
>>> field_name_with_official("soziale_stadt", "de")
'Leben im Stadtteil (Soziale Stadt)'
>>> field_name_with_official("schule", "de")  # the programme's name is part of the plain one
'Schule und Lernen'
>>> "kostenlos" in kind_about("mbe", "de")
True
>>> kind_name("not-a-kind", "de"), kind_about(None, "de")
('', '')
"""

from __future__ import annotations

from directory.taxonomy import FIELD_IDS, KIND_IDS
from i18n import t, t_easy


def field_name(field_id: str, lang: str, easy: bool = False) -> str:
    """The plain name of a field of action ("" for an unknown id)."""
    return t_easy(f"plain.field.{field_id}", lang, easy) if field_id in FIELD_IDS else ""


def field_about(field_id: object, lang: str, easy: bool = False) -> str:
    """One line in plain words: what happens in a field of action ("" for an unknown id)."""
    return t_easy(f"plain.field_about.{field_id}", lang, easy) if field_id in FIELD_IDS else ""


def field_name_with_official(field_id: str, lang: str) -> str:
    """The plain name with the programme's name as the secondary one (planners' pages)."""
    plain, official = field_name(field_id, lang), t(f"field.{field_id}", lang)
    return plain if official.casefold() in plain.casefold() else f"{plain} ({official})"


def kind_name(kind: object, lang: str, easy: bool = False) -> str:
    """The plain name of an offer kind, with the long form of an abbreviation ("" if unknown)."""
    return t_easy(f"plain.kind.{kind}", lang, easy) if kind in KIND_IDS else ""


def kind_about(kind: object, lang: str, easy: bool = False) -> str:
    """One line in plain words: what happens there, who may go, whether it is free."""
    return t_easy(f"plain.kind_about.{kind}", lang, easy) if kind in KIND_IDS else ""


#: Filters of the finder whose options have an explanation (URL name → function).
_EXPLAINED = {"feld": (field_name, field_about, FIELD_IDS),
              "art": (kind_name, kind_about, KIND_IDS)}  # fmt: skip


def option_note(param_name: str, value: object, lang: str, easy: bool = False) -> str:
    """The explanation of the chosen option of a finder filter ("" if it has none)."""
    if param_name not in _EXPLAINED or value is None:
        return ""
    return _EXPLAINED[param_name][1](value, lang, easy)


def option_help(param_name: str, lang: str, easy: bool = False) -> list[tuple[str, str]]:
    """Every option of a finder filter with its explanation (empty if it has none)."""
    if param_name not in _EXPLAINED:
        return []
    name, about, ids = _EXPLAINED[param_name]
    return [(name(i, lang, easy), about(i, lang, easy)) for i in ids]
