"""Take a row as coordinators write it: before validation, one flat row read from a file is
brought into the shape :func:`directory.validate.check_offer` expects — without refusing
anything that can be understood.

In this order (:func:`prepare`):

1. a value chosen in the preview for this row (``overrides``, e.g. the kind) or for every row
   of a column the file lacks (``defaults``) is filled in;
2. placeholder cells ("-", "k. A.", "n/a") count as empty;
3. **remarks** in cells are moved out: ``"Kroatisch (muttersprachlich)"`` keeps the language
   and the remark becomes a note (:attr:`Prepared.notes`, merged into the offer's description
   by the importer; for accessibility into the accessibility note), with a warning. A remark
   is split off only when the rest of the cell is a valid value, so nothing is lost;
4. **words** are mapped back to codes (:mod:`directory.io.words`): the German labels of an
   export for people import unchanged;
5. when the file has no organization column, the name stands for it (a facility is often
   its own operator), with a warning; an EMPTY cell of an organization column is an unknown
   operator (an organization with an empty name, as in the default content);
6. without a kind, the kind is **inferred** from the row's text with the rules of
   :func:`directory.taxonomy.classify_kind` — first the columns that describe the offer
   (:data:`directory.io.columns.KIND_TEXT_HEADERS`, e.g. "Angebot"), then name, description,
   organization and the other columns — with a warning that names the column and the words;
   when no rule matches, "Integrationsprojekt" with a warning asking to check it.

Every warning is a :class:`directory.validate.Problem` (code + params for the UI language).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from directory.io.columns import GERMAN_HEADERS, KIND_TEXT_HEADERS, LIST_COLUMNS, header_key
from directory.io.words import WORD_COLUMNS, from_words
from directory.taxonomy import explain_kind
from directory.validate import Problem, check_email, check_phone, check_url

#: the kind used when no rule finds one (flagged for checking)
FALLBACK_KIND = "projekt"
_PLACEHOLDERS = frozenset({"-", "–", "—", "/", "?", "k.a.", "k. a.", "k.a", "n/a", "n.a.", "na",
                           "keine angabe", "entfällt", "unbekannt", "none", "null"})  # fmt: skip
#: a value followed by a remark in brackets: "Kroatisch (muttersprachlich)"
_REMARK = re.compile(r"^(?P<core>[^()\[\]]*?)\s*[(\[](?P<remark>[^()\[\]]+)[)\]]\s*(?P<tail>.*)$")
_ITEM_SPLIT = re.compile(r"\s*[;,|\n]\s*")
_PLZ_REST = re.compile(r"^(?P<core>\d{5})\s*[,–-]?\s*(?P<remark>.+)$")
_YES_NO = {"ja": "yes", "yes": "yes", "nein": "no", "no": "no", "teilweise": None,
           "eingeschränkt": None}  # fmt: skip
#: columns never touched by the remark rule (free text, or codes a machine wrote)
_FREE_TEXT = frozenset({"name", "organization", "description", "street", "city", "geocode_note",
                        "accessibility_note", "source_date", "id", "organization_id",
                        "location_id", "opening_hours"})  # fmt: skip


@dataclass
class Prepared:
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    #: remarks taken out of cells, as "Label: original cell" (for the offer's description)
    notes: list[str] = field(default_factory=list)


def _label(column: str) -> str:
    return GERMAN_HEADERS.get(column, column)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_PLACEHOLDER_MAX = max(map(len, _PLACEHOLDERS))


def _placeholder(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return len(text) <= _PLACEHOLDER_MAX and text.casefold() in _PLACEHOLDERS  # most: longer


def _remark_problem(column: str, value: str, remark: str, where: str = "description") -> Problem:
    label = _label(column)
    target = _label(where)
    return Problem(column, "remark_moved", "warning",
                   f"{label}: Bemerkung „{remark}“ aus „{value}“ in „{target}“ übernommen.",
                   {"value": value, "remark": remark, "target": where})  # fmt: skip


def _split_item(column: str, item: str) -> tuple[Any, str | None]:
    """``(code, remark)`` of one list item, or ``(None, None)`` when the item is unknown."""
    code = from_words(column, item)
    if isinstance(code, list) and len(code) == 1:
        return code[0], None
    m = _REMARK.match(item)
    if m and m.group("core") and not m.group("tail"):
        code = from_words(column, m.group("core"))
        if isinstance(code, list) and len(code) == 1:
            return code[0], m.group("remark").strip()
    return None, None


def _list_with_remarks(column: str, value: str) -> tuple[Any, list[str]]:
    """A list cell: known items (remarks split off) → codes; unchanged when any item is
    unknown (validation then names it)."""
    items = [v for v in _ITEM_SPLIT.split(value.strip()) if v]
    codes, remarks = [], []
    for item in items:
        code, remark = _split_item(column, item)
        if code is None:
            return value, []
        codes.append(code)
        if remark:
            remarks.append(remark)
    return codes, remarks


def _valid(column: str, text: str) -> bool:
    check = {"phone": check_phone, "email": check_email,
             "website": lambda v: check_url("website", v),
             "source_url": lambda v: check_url("source_url", v)}.get(column)  # fmt: skip
    if check is not None:
        return not any(p.is_error for p in check(text)[1])
    if column == "postal_code":
        return bool(re.fullmatch(r"\d{5}", text))
    return from_words(column, text) != text or column not in WORD_COLUMNS


def _scalar_with_remark(column: str, value: str) -> tuple[str, str | None]:
    """``(core, remark)`` when the cell is "valid value (remark)" and invalid as a whole."""
    if _valid(column, value.strip()):
        return value, None
    m = _REMARK.match(value.strip())
    if m and m.group("core") and not m.group("tail") and _valid(column, m.group("core")):
        return m.group("core"), m.group("remark").strip()
    if column == "postal_code":
        m = _PLZ_REST.match(value.strip())
        if m:
            return m.group("core"), m.group("remark").strip(" ()[]")
    return value, None


def _infer_kind(values: Mapping[str, Any], extra: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """``(kind, column, words)`` from the first text that a kind rule matches."""
    offer_cols = [h for h in extra if header_key(h) in KIND_TEXT_HEADERS]
    order: list[tuple[str, Any]] = [(h, extra[h]) for h in offer_cols]
    order += [(_label(c), values.get(c)) for c in ("name", "description", "organization")]
    order += [(h, v) for h, v in extra.items() if h not in offer_cols]
    for column, text in order:
        if isinstance(text, str) and text.strip():
            found = explain_kind(text)
            if found.rule != "default":  # a rule matched (else try the next column)
                return found.kind, column, found.matched or ""
    return None


def prepare(
    values: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    *,
    defaults: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    organization_column: bool = False,
) -> Prepared:
    """One raw flat row → :class:`Prepared` (see module doc). Never raises for bad values."""
    extra = extra or {}
    out = Prepared(dict(values))
    vals = out.values
    for column, value in (defaults or {}).items():
        if column not in values and not _blank(value):
            vals[column] = value
    vals.update({k: v for k, v in (overrides or {}).items() if not _blank(v)})
    for column, value in list(vals.items()):
        if not isinstance(value, str):
            continue
        if column != "name" and _placeholder(value):
            vals[column] = None
            continue
        if column in _FREE_TEXT or not value.strip():
            continue
        if column in LIST_COLUMNS:
            codes = from_words(column, value)
            remarks: list[str] = []
            if not isinstance(codes, list) and ("(" in value or "[" in value):
                codes, remarks = _list_with_remarks(column, value)
            vals[column] = codes
            for remark in remarks:
                out.problems.append(_remark_problem(column, value, remark))
            if remarks:
                out.notes.append(f"{_label(column)}: {value.strip()}")
            continue
        if column == "accessibility":
            m = _REMARK.match(value.strip())
            word = (m.group("core") if m and not m.group("tail") else value).strip().casefold()
            if word in _YES_NO and (m or _YES_NO[word] is None):
                remark = m.group("remark").strip() if m and not m.group("tail") else value.strip()
                vals[column] = _YES_NO[word] or "unknown"
                if _blank(vals.get("accessibility_note")):
                    vals["accessibility_note"] = remark
                    out.problems.append(_remark_problem(column, value, remark,
                                                        "accessibility_note"))  # fmt: skip
                continue
        if "(" in value or "[" in value or (column == "postal_code" and len(value.strip()) > 5):
            core, remark = _scalar_with_remark(column, value)
            if remark is not None:
                vals[column] = core
                if column == "postal_code" and _blank(vals.get("city")):
                    vals["city"] = remark
                    continue
                out.problems.append(_remark_problem(column, value, remark))
                out.notes.append(f"{_label(column)}: {value.strip()}")
        if column in WORD_COLUMNS:
            vals[column] = from_words(column, vals[column])
    if not organization_column and _blank(vals.get("organization")) \
            and not _blank(vals.get("name")):  # fmt: skip
        vals["organization"] = vals["name"]
        out.problems.append(Problem("organization", "organization_from_name", "warning",
                                    "Kein Träger angegeben: der Name der Einrichtung wird als "
                                    "Träger übernommen.", {}))  # fmt: skip
    if _blank(vals.get("kind")):
        found = _infer_kind(vals, extra)
        if found is None:
            vals["kind"] = FALLBACK_KIND
            out.problems.append(Problem("kind", "kind_default", "warning",
                                        "Art nicht erkannt: „Integrationsprojekt“ angenommen – "
                                        "bitte prüfen.", {"code": FALLBACK_KIND}))  # fmt: skip
        else:
            kind, column, words = found
            vals["kind"] = kind
            params = {"column": column, "words": words, "code": kind}
            out.problems.append(Problem("kind", "kind_inferred", "warning",
                                        f"Art aus „{column}“ erkannt („{words}“).", params))
    return out


def with_notes(description: str | None, notes: list[str]) -> str | None:
    """``description`` with every note not yet contained in it appended (idempotent).

    >>> with_notes("Beratung.", ["Sprachen: Kroatisch (muttersprachlich)"])
    'Beratung.\\nSprachen: Kroatisch (muttersprachlich)'
    >>> with_notes(_, ["Sprachen: Kroatisch (muttersprachlich)"]) == _
    True
    """
    text = description or ""
    for note in notes:
        if note not in text:
            text = f"{text}\n{note}" if text else note
    return text or None
