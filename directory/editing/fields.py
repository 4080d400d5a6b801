"""What can be edited: field specifications, coercion and validation of edited values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Date, inspect

from directory.model import (
    SERVICE_STATUSES,
    VERIFICATION_STATES,
    Base,
    Location,
    Organization,
    Service,
    UTCDateTime,
)
from directory.phones import normalize_phone
from directory.taxonomy import FIELD_IDS, KIND_IDS, LANGUAGE_CODES, TARGET_GROUP_IDS
from directory.validate import (
    ISO_639_1,
    GeoContext,
    Problem,
    check_date,
    check_hours,
    check_number,
    check_offer,
    problem,
    split_list,
)

#: an offer not confirmed for this many days counts as stale
STALE_AFTER_DAYS = 365

TABLES: dict[str, type[Base]] = {
    "service": Service,
    "organization": Organization,
    "location": Location,
}
ORG_KINDS = ("kommune", "selbstorganisation")
ACCESSIBILITY = ("yes", "no", "unknown")
#: derived location columns: set by placement (the district typed in only when uncertain)
DERIVED = ("geocode_precision", "geocode_note", "district_ags", "district_status")


def _district_codes() -> tuple[str, ...]:
    """The 45 district keys of Lower Saxony (a coordinator's choice when uncertain)."""
    from geo.population import district_statistics

    return tuple(sorted(district_statistics().index.astype(str)))


# -- field specs (drive the forms and the coercion) --------------------------------------------
@dataclass(frozen=True)
class FieldSpec:
    """One editable field: ``type`` is text|longtext|choice|multi|date|float|hours|ref."""

    name: str
    type: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False


FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "organization": (
        FieldSpec("name", required=True),
        FieldSpec("kind", "choice", ("", *ORG_KINDS)),
        FieldSpec("website"),
        FieldSpec("email"),
        FieldSpec("description", "longtext"),
    ),
    "service": (
        FieldSpec("name", required=True),
        FieldSpec("organization_id", "ref", required=True),
        FieldSpec("kind", "choice", KIND_IDS, required=True),
        FieldSpec("fields", "multi", FIELD_IDS),
        FieldSpec("target_groups", "multi", TARGET_GROUP_IDS),
        FieldSpec("languages", "multi", LANGUAGE_CODES),
        FieldSpec("status", "choice", SERVICE_STATUSES),
        FieldSpec("phone"),
        FieldSpec("url"),
        FieldSpec("email"),
        FieldSpec("fees_description"),
        FieldSpec("source_url"),
        FieldSpec("source_date"),
        FieldSpec("assured_date", "date"),
        FieldSpec("verification", "choice", VERIFICATION_STATES),
        FieldSpec("description", "longtext"),
        FieldSpec("editorial_note", "longtext"),
    ),
    "location": (
        FieldSpec("name"),
        FieldSpec("organization_id", "ref"),
        FieldSpec("address_1"),
        FieldSpec("postal_code"),
        FieldSpec("city"),
        FieldSpec("latitude", "float"),
        FieldSpec("longitude", "float"),
        FieldSpec("accessibility", "choice", ACCESSIBILITY),
        FieldSpec("accessibility_note"),
        FieldSpec("opening_hours", "hours"),
        # settable only while the placement is uncertain (Editor._set_district)
        FieldSpec("district_ags", "choice", _district_codes()),
    ),
}
VIRTUAL = {"service": ("phone",)}


def editable(table: str) -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS[table])


# -- coercion and validation -------------------------------------------------------------------
def _column_types(model: type[Base]) -> dict[str, Any]:
    return {c.key: c.columns[0].type for c in inspect(model).column_attrs}


def from_json(model: type[Base], key: str, value: Any) -> Any:
    """A snapshot (JSON) value back to the column's Python type (dates, datetimes)."""
    kind = _column_types(model).get(key)
    if isinstance(value, str) and isinstance(kind, UTCDateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(value, str) and isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    return value


def _jsonish(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _same(stored: Any, new: Any) -> bool:
    """Equal for editing purposes: stored text equals its stripped form, floats to 1e-7."""
    if isinstance(stored, str) and isinstance(new, str):
        return stored.strip() == new
    if isinstance(stored, float) and isinstance(new, float):
        return abs(stored - new) < 1e-7
    return stored == new


def coerce(table: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise form values: strip text, ``""`` → None, parse dates/numbers/lists/hours."""
    specs = {f.name: f for f in FIELDS[table]}
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in values.items():
        spec = specs.get(key)
        if spec is None:
            raise ValueError(f"{table}.{key} is not editable")
        if isinstance(value, str):
            value = value.strip() or None
        found: list[Problem] = []
        if spec.type == "multi":
            value = list(split_list(value) or [])
        elif spec.type == "date":
            value, found = check_date(key, value)
        elif spec.type == "float":
            value, found = check_number(key, value)
        elif spec.type == "hours":
            value, found = check_hours(value)
        elif key == "phone" and value is not None:
            value = normalize_phone(value)  # E.164 when valid (directory.phones)
        problems += [p for p in found if p.is_error]
        out[key] = value
    return out, problems


def _problem(field_name: str, code: str, message_de: str, **params: Any) -> Problem:
    return Problem(field_name, code, "error", message_de, params)


def _own_problems(table: str, values: Mapping[str, Any]) -> list[Problem]:
    """Required fields and closed choices of this table (the flat-row check knows neither)."""
    out: list[Problem] = []
    for name, allowed, code in (
        ("languages", ISO_639_1, "bad_language"),
        ("fields", FIELD_IDS, "bad_field"),
        ("target_groups", TARGET_GROUP_IDS, "bad_target_group"),
    ):
        if table != "service":
            break
        for item in values.get(name) or ():  # stored values are exact ids / ISO codes
            if item not in allowed:
                out.append(problem(name, code, value=str(item)[:80]))
                break
    for spec in FIELDS[table]:
        value = values.get(spec.name)
        if spec.required and value in (None, "", []):
            out.append(problem(spec.name, "required"))
        elif spec.type == "choice" and value not in (None, "") and value not in spec.choices:
            allowed = ", ".join(c for c in spec.choices if c)
            out.append(
                _problem(
                    spec.name,
                    "bad_choice",
                    f"Unzulässiger Wert „{value}“ (erlaubt: {allowed}).",
                    value=str(value)[:40],
                    allowed=allowed,
                )
            )
    return out


#: flat-row column → column of this table (``None``: not this table's)
_FLAT_FIELDS: dict[str, dict[str, str]] = {
    "organization": {
        "name": "name",
        "organization": "name",
        "website": "website",
        "email": "email",
        "description": "description",
    },
    "service": {
        "name": "name",
        "kind": "kind",
        "fields": "fields",
        "target_groups": "target_groups",
        "languages": "languages",
        "phone": "phone",
        "email": "email",
        "website": "url",
        "status": "status",
        "source_url": "source_url",
        "source_date": "source_date",
        "assured_date": "assured_date",
        "verification": "verification",
        "description": "description",
        "organization_id": "organization_id",
    },
    "location": {
        "name": "name",
        "street": "address_1",
        "postal_code": "postal_code",
        "city": "city",
        "latitude": "latitude",
        "longitude": "longitude",
        "precision": "geocode_precision",
        "district_ags": "district_ags",
        "geocode_note": "geocode_note",
        "opening_hours": "opening_hours",
        "accessibility": "accessibility",
        "accessibility_note": "accessibility_note",
        "organization_id": "organization_id",
    },
}
#: neutral stand-ins for required flat columns that belong to another table
_STAND_INS = {"name": "-", "organization": "-", "kind": "projekt"}


def flat_row(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The flat offer row (:mod:`directory.io.columns`) for one record's values."""
    flat: dict[str, Any] = dict(_STAND_INS)
    for flat_key, column in _FLAT_FIELDS[table].items():
        value = values.get(column)
        if flat_key == "kind" and value not in KIND_IDS:
            continue  # closed list, checked by _own_problems (no free-text classification)
        if value is not None or flat_key not in _STAND_INS:
            flat[flat_key] = _jsonish(value)
    return flat


def validate(table: str, values: Mapping[str, Any], geo: GeoContext | None = None) -> list[Problem]:
    """All problems of one record state, with ``field`` = this table's column name."""
    problems = _own_problems(table, values)
    seen = {(p.field, p.code) for p in problems}
    mapping = _FLAT_FIELDS[table]
    _, found = check_offer(flat_row(table, values), geo, use_default_geo=False)
    for p in found:
        column = mapping.get(p.field)
        if column is None or (column, p.code) in seen:
            continue
        if p.code == "required" and values.get(column) in (None, ""):
            continue  # stand-in of another table, or optional here (required ones: above)
        problems.append(replace(p, field=column) if column != p.field else p)
    return problems
