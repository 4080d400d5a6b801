"""The history of a record for people: newest change first, words instead of ids and codes
(organization names, kind labels, "aktiv", "ja"/"nein", dates as 31.12.2024), and for each
changed field what changed (words added/removed in a text, items added/removed in a list).

Everything here is plain text for ``st.dataframe`` cells (never markdown).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from directory.hours import BERLIN
from i18n import catalogue, t
from i18n.localedata import language_name

EMPTY = "–"
_LIST_FIELDS = frozenset({"fields", "target_groups", "languages"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _has(key: str, lang: str) -> bool:
    return key in catalogue(lang) or key in catalogue("de")


def field_label(name: str, lang: str) -> str:
    key = f"daten.field.{name}"
    return t(key, lang) if _has(key, lang) else name


def local_time(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")


def _item_label(name: str, code: Any, lang: str) -> str:
    if name == "languages":
        return language_name(str(code), lang)
    prefix = {"kind": "kind", "fields": "field", "geocode_precision": "precision",
              "precision": "precision"}.get(name, "daten.opt")  # fmt: skip
    key = f"{prefix}.{code}"
    return t(key, lang) if _has(key, lang) else str(code)


def value_label(name: str, value: Any, lang: str, refs: Mapping[str, Mapping[str, str]]) -> str:
    """One stored value as people read it.

    ``refs`` maps a reference field to id → name (``organization_id``, ``network_id``,
    ``district_ags``).
    """
    if value is None or value == "" or value == []:
        return EMPTY
    if name in refs:
        return refs[name].get(value, str(value))
    if isinstance(value, bool):
        return t("daten.opt.yes" if value else "daten.opt.no", lang)
    if isinstance(value, list | tuple):
        return "; ".join(_item_label(name, v, lang) for v in value)
    if name == "opening_hours" and isinstance(value, dict):
        from directory.io.writers import hours_text

        return hours_text(value) or EMPTY
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            return local_time(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _DATE.match(value):
        return f"{value[8:10]}.{value[5:7]}.{value[:4]}"
    if name in ("kind", "status", "verification", "accessibility", "geocode_precision",
                "precision", "location_type"):  # fmt: skip
        return _item_label(name, value, lang)
    return str(value)


def change_text(name: str, before: Any, after: Any, lang: str,
                refs: Mapping[str, Mapping[str, str]]) -> str:  # fmt: skip
    """What changed, compactly: ``+ Arabisch; − Farsi`` for lists, the changed words of a
    longer text (``… [−alt] [+neu] …``), else ``vorher → nachher``."""
    if isinstance(before, list | tuple) or isinstance(after, list | tuple):
        old, new = list(before or []), list(after or [])
        added = [_item_label(name, v, lang) for v in new if v not in old]
        removed = [_item_label(name, v, lang) for v in old if v not in new]
        parts = [f"+ {v}" for v in added] + [f"− {v}" for v in removed]
        return "; ".join(parts) or EMPTY
    a, b = value_label(name, before, lang, refs), value_label(name, after, lang, refs)
    if isinstance(before, str) and isinstance(after, str) and max(len(before), len(after)) > 60:
        return word_diff(before, after)
    return f"{a} → {b}"


def word_diff(before: str, after: str, context: int = 3) -> str:
    """The changed words with a little context: ``… Beratung [−dienstags] [+mittwochs] …``.

    >>> word_diff("Beratung dienstags von 9 bis 12 Uhr", "Beratung mittwochs von 9 bis 12 Uhr")
    'Beratung [−dienstags] [+mittwochs] von 9 bis …'
    """
    old, new = before.split(), after.split()
    out: list[str] = []
    ops = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    for i, (tag, a0, a1, b0, b1) in enumerate(ops):
        if tag == "equal":
            words = old[a0:a1]
            first, last = i == 0, i == len(ops) - 1
            if len(words) > context * (1 if first or last else 2):
                if first:
                    words = ["…", *words[-context:]]
                elif last:
                    words = [*words[:context], "…"]
                else:
                    words = [*words[:context], "…", *words[-context:]]
            out += words
            continue
        if a1 > a0:
            out.append("[−" + " ".join(old[a0:a1]) + "]")
        if b1 > b0:
            out.append("[+" + " ".join(new[b0:b1]) + "]")
    return " ".join(out)


def history_frame(changes: list, lang: str, refs: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """One row per changed field, newest change first, in words (see module doc)."""
    rows = []
    for c in sorted(changes, key=lambda c: c.audit_id, reverse=True):
        label = f"daten.action.{c.action.split(':')[0]}"
        action = t(label, lang) if _has(label, lang) else c.action
        if c.action.startswith("restore:"):
            action += f" #{c.action.split(':')[1]}"
        for f in c.fields or [None]:
            rows.append({
                "#": c.audit_id, t("daten.col.when", lang): local_time(c.at),
                t("daten.col.who", lang): c.actor or EMPTY, t("daten.col.action", lang): action,
                t("daten.col.field", lang): field_label(f.field, lang) if f else EMPTY,
                t("daten.col.before", lang): value_label(f.field, f.before, lang, refs)
                if f else "",
                t("daten.col.after", lang): value_label(f.field, f.after, lang, refs)
                if f else "",
                t("daten.col.change", lang): change_text(f.field, f.before, f.after, lang, refs)
                if f and not c.action.endswith("insert") else "",
            })  # fmt: skip
    return pd.DataFrame(rows, dtype=object)
