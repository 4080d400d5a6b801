"""Field validation of directory offers (pure functions, no database access).

Every check returns :class:`Problem` objects instead of raising: a problem names the field,
a stable ``code`` (the UI translates ``validate.<code>`` with ``params``), a severity
(``"error"`` blocks saving/importing, ``"warning"`` is shown but the value is kept) and a
German default text (:attr:`Problem.message_de`).

The central entry point is :func:`check_offer`: it takes one *flat offer row* (one row per
service × location, keys as in :data:`directory.io.columns.FLAT_COLUMNS`, values as read from a
file: strings, numbers, lists or ``None``) and returns the cleaned values (lists parsed,
coordinates derived, opening hours as JSON) plus the problems. :func:`validate_offer` returns
the problems only.

Rules worth knowing:

* names with HTML/script are *kept verbatim* with a warning (escaping happens when rendering),
  control characters are an error;
* a URL with a scheme must be ``http``/``https`` (``javascript:`` and friends are errors);
  a bare ``www.example.de`` is kept with a warning (the researched sources write them so);
* coordinates must lie in Lower Saxony plus :data:`BUFFER_KM` (union of the district shapes);
  without coordinates they are derived from the postcode (precision ``postcode``) or the
  place (``place``), with a warning saying so;
* free-text kinds, German language names, field-of-action titles and target-group phrases are
  mapped onto the controlled vocabularies with a warning; unknown values are errors.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from directory.hours import parse_hours_text, validate_hours
from directory.model import (
    ACCESSIBILITY_VALUES,
    GEOCODE_PRECISIONS,
    SERVICE_STATUSES,
    SOURCE_KINDS,
    VERIFICATION_STATES,
)
from directory.taxonomy import (
    FIELD_IDS,
    KIND_IDS,
    TARGET_GROUP_IDS,
    classify_kind,
    classify_target_groups,
    fields_of_action,
)
from i18n import catalogue

#: tolerance around the Land border for coordinates (km)
BUFFER_KM = 5.0
#: coarse bounding box of Lower Saxony (lon/lat), used only when no district shapes exist
LOWER_SAXONY_BBOX = (6.55, 51.28, 11.65, 53.95)

#: ISO 639-1 (all 183 two-letter codes)
ISO_639_1: frozenset[str] = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bh",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)

#: maximum lengths (characters) per text field
MAX_LENGTH: dict[str, int] = {
    "id": 36, "organization_id": 36, "location_id": 36,
    "organization": 300, "name": 300, "description": 10_000, "street": 300, "city": 200,
    "phone": 100, "email": 200, "website": 500, "source_url": 1000, "source_date": 200,
    "accessibility_note": 2000, "geocode_note": 2000,
}  # fmt: skip
_MULTILINE = frozenset({"description", "accessibility_note", "geocode_note"})

#: German texts per problem code (``{placeholders}`` from ``Problem.params``); the single
#: source is the UI catalogue (``i18n/de/validate.yaml``), so UI and CLI say the same.
MESSAGES_DE: dict[str, str] = {
    key.removeprefix("validate."): text
    for key, text in catalogue("de").items()
    if key.startswith("validate.")
}

#: German labels of the flat columns (used in messages)
LABELS_DE: dict[str, str] = {
    "id": "ID", "organization_id": "Träger-ID", "location_id": "Standort-ID",
    "organization": "Träger", "name": "Name", "description": "Beschreibung", "kind": "Art",
    "fields": "Handlungsfelder", "target_groups": "Zielgruppen", "languages": "Sprachen",
    "street": "Straße", "postal_code": "PLZ", "city": "Ort", "latitude": "Breitengrad",
    "longitude": "Längengrad", "precision": "Genauigkeit", "geocode_note": "Hinweis Lage",
    "district_ags": "Kreisschlüssel", "phone": "Telefon", "email": "E-Mail",
    "website": "Webseite", "opening_hours": "Öffnungszeiten", "accessibility": "Barrierefrei",
    "accessibility_note": "Hinweis Barrierefreiheit", "status": "Status",
    "source_url": "Quelle", "source_date": "Stand", "assured_date": "Geprüft am",
    "verification": "Prüfstatus", "district_status": "Sicherheit des Kreises",
    "source_kind": "Art der Quelle", "editorial_note": "Hinweis der Redaktion",
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One finding about one field. ``code`` + ``params`` are for translation."""

    field: str
    code: str
    severity: str  # "error" | "warning"
    message_de: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "severity": self.severity,
                "message_de": self.message_de, "params": dict(self.params)}  # fmt: skip


def problem(field_name: str, code: str, severity: str = "error", /, **params: Any) -> Problem:
    """A :class:`Problem` with its German text filled in from :data:`MESSAGES_DE`."""
    params.setdefault("label", LABELS_DE.get(field_name, field_name))
    template = MESSAGES_DE.get(code, code)
    try:
        text = template.format(**params)
    except (KeyError, IndexError):
        text = template
    return Problem(field_name, code, severity, text, params)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


# -- geography ---------------------------------------------------------------------------------
class GeoContext:
    """Postcodes, places and the Lower Saxony shape used by the checks.

    Wraps a :class:`geo.gazetteer.Gazetteer` (its one placement, :meth:`locate`). The area is
    the union of the district shapes buffered by :data:`BUFFER_KM` (computed once); without
    shapes (test stand-ins) a coarse bounding box of the Land is used.
    """

    def __init__(self, gazetteer: Any, buffer_km: float = BUFFER_KM) -> None:
        self.gazetteer = gazetteer
        self.buffer_km = buffer_km
        pcs = gazetteer.postcodes["plz"].astype(str).str.zfill(5)
        self.postcodes: frozenset[str] = frozenset(pcs)

    @cached_property
    def area(self) -> Any:
        import shapely
        from shapely.geometry import box

        shapes = getattr(self.gazetteer, "district_shapes", None)
        if shapes is None or len(shapes) == 0:
            geom = box(*LOWER_SAXONY_BBOX)
        else:
            metric = shapes.to_crs(25832)
            union = shapely.union_all(metric.geometry.values).buffer(self.buffer_km * 1000)
            import geopandas as gpd

            geom = gpd.GeoSeries([union], crs=25832).to_crs(4326).iloc[0]
        shapely.prepare(geom)
        return geom

    def inside(self, lat: float, lon: float) -> bool:
        import shapely

        # Islands missing from the shapes (Juist, Baltrum, Wangerooge) have a district too.
        return bool(shapely.contains_xy(self.area, lon, lat)) or self.district(lat, lon) is not None

    def district(self, lat: float, lon: float) -> str | None:
        return self.gazetteer.district_of(lon, lat)

    def locate(self, **where: Any) -> Any:
        """:meth:`geo.gazetteer.Gazetteer.locate` (postal_code, city, latitude, longitude)."""
        return self.gazetteer.locate(**where)

    def place(self, postal_code: str | None, city: str | None) -> Any:
        return self.gazetteer.locate(postal_code=postal_code, city=city)


_DEFAULT_GEO: list[GeoContext] = []


def default_geo() -> GeoContext:
    """The app's :class:`GeoContext` (real reference data; built once per process)."""
    if not _DEFAULT_GEO:
        from geo.gazetteer import Gazetteer

        _DEFAULT_GEO.append(GeoContext(Gazetteer.default()))
    return _DEFAULT_GEO[0]


def set_default_geo(geo: GeoContext | None) -> None:
    """Replace (or with ``None`` reset) the process-wide context (tests, CLI)."""
    _DEFAULT_GEO.clear()
    if geo is not None:
        _DEFAULT_GEO.append(geo)


# -- single-value helpers ----------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&#?\w+;|javascript:", re.IGNORECASE)
_PLZ = re.compile(r"^\d{5}$")
_AGS = re.compile(r"^\d{5}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()/\-–.]+$")
#: extension words and RFC 3966 ``;ext=`` (checked apart from the number's characters)
_EXTENSION = re.compile(r"(?:;ext=|\b(?:ext|durchwahl|durchw|dw|app|apparat|nebenstelle|nst)"
                        r"\b\.?:?)\s*(?=\d)", re.IGNORECASE)  # fmt: skip
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOST = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
_LIST_SPLIT = re.compile(r"\s*[;,|]\s*")
_YES = {"yes", "ja", "j", "y", "true", "1", "wahr", "x"}
_NO = {"no", "nein", "n", "false", "0", "falsch"}
_UNKNOWN = {"unknown", "unbekannt", "?", "k.a.", "k. a.", "-"}
_STATUS_DE = {"aktiv": "active", "inaktiv": "inactive", "eingestellt": "defunct",
              "vorübergehend geschlossen": "temporarily closed"}  # fmt: skip
_VERIFICATION_DE = {"ungeprüft": "unverified", "geprüft": "verified"}


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold().strip())


def as_text(value: Any) -> str | None:
    """A cell value as stripped text; ``None`` for empty."""
    if type(value) is str:  # the common case, first (called for every cell of an import)
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def check_text(
    name: str, value: Any, *, required: bool = False
) -> tuple[str | None, list[Problem]]:
    """Strip, check length, control characters, markup and formulas."""
    text = as_text(value)
    out: list[Problem] = []
    if text is None:
        if required:
            out.append(problem(name, "required"))
        return None, out
    limit = MAX_LENGTH.get(name)
    if limit and len(text) > limit:
        out.append(problem(name, "too_long", length=len(text), max=limit))
    control = _CONTROL if name in _MULTILINE else _CONTROL_SINGLE_LINE
    if control.search(text):
        out.append(problem(name, "control_chars"))
    if _MARKUP.search(text):
        out.append(problem(name, "markup", "warning"))
    if text.startswith("=") and name not in ("phone",):
        out.append(problem(name, "formula", "warning"))
    return text, out


def check_id(name: str, value: Any) -> tuple[str | None, list[Problem]]:
    text = as_text(value)
    if text is None:
        return None, []
    try:
        return str(uuid.UUID(text)), []
    except (ValueError, AttributeError):
        return text, [problem(name, "bad_id", value=text[:60])]


def check_postcode(value: Any, geo: GeoContext | None) -> tuple[str | None, list[Problem]]:
    text = as_text(value)
    if text is None:
        return None, []
    if not _PLZ.match(text):
        return text, [problem("postal_code", "bad_postcode", value=text[:20])]
    if geo is not None and text not in geo.postcodes:
        return text, [problem("postal_code", "unknown_postcode", value=text)]
    return text, []


def check_phone(value: Any) -> tuple[str | None, list[Problem]]:
    """A phone number → its stored form (E.164, :mod:`directory.phones`).

    Not a phone number at all (letters, fewer than 6 or more than 20 digits) is an error; a
    well-formed number that is not valid (wrong length, unknown area code) is kept as typed
    with a warning and never becomes a ``tel:`` link; a foreign number is kept with a warning.
    """
    from directory.phones import parse_phone

    text, out = check_text("phone", value)
    if text is None or out:
        return text, out
    digits = sum(c.isdigit() for c in text)
    bare = _EXTENSION.sub(" ", text)
    if not _PHONE_CHARS.match(bare) or not 6 <= digits <= 20:
        return text, [problem("phone", "bad_phone", value=text[:60])]
    parsed = parse_phone(text)
    if parsed is None or not parsed.valid:
        return text, [problem("phone", "invalid_phone", "warning", value=text[:60])]
    if parsed.foreign:
        out.append(problem("phone", "foreign_phone", "warning", value=text))
    return parsed.stored, out


def check_email(value: Any) -> tuple[str | None, list[Problem]]:
    text, out = check_text("email", value)
    if text is None or out:
        return text, out
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not _EMAIL.match(text):
        out.append(problem("email", "bad_email", value=text[:100]))
    return text, out


def check_url(name: str, value: Any) -> tuple[str | None, list[Problem]]:
    """http(s) URL; a bare domain is kept with a warning."""
    text, out = check_text(name, value)
    if text is None or has_errors(out):
        return text, out
    out = [p for p in out if p.code != "markup"]  # judged here instead
    m = _SCHEME.match(text)
    if (
        m
        and not text.lower().startswith(("http://", "https://"))
        and not re.match(r"^[\w.-]+:\d+", text)
    ):
        return text, [problem(name, "bad_url_scheme", value=text[:100])]
    if m and text.lower().startswith(("http://", "https://")):
        rest = text.split("://", 1)[1]
        host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":")[0]
        if (
            not host
            or not _HOST.match(host.encode("idna").decode() if host.isascii() is False else host)
            or re.search(r"[\s<>\"]", text)
        ):
            return text, [problem(name, "bad_url", value=text[:100])]
        return text, out
    if re.search(r"[<>\"]", text):
        return text, [problem(name, "bad_url", value=text[:100])]
    out.append(problem(name, "url_no_scheme", "warning", value=text[:100]))
    return text, out


def split_list(value: Any) -> list[str] | None:
    """``"a; b"`` / ``["a", "b"]`` → ``["a", "b"]``; ``None`` when not a list or text."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [as_text(v) for v in value]
    elif isinstance(value, str):
        items = [v.strip() for v in _LIST_SPLIT.split(value)]
    else:
        return None
    return [v for v in items if v]


def _dedup(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def check_languages(value: Any) -> tuple[list[str], list[Problem]]:
    from directory.seed import LANGUAGE_NAMES

    items = split_list(value)
    if items is None:
        return [], [problem("languages", "bad_list")]
    codes: list[str] = []
    out: list[Problem] = []
    for item in items:
        low = item.casefold()
        if low in ISO_639_1:
            codes.append(low)
        elif low in LANGUAGE_NAMES:
            codes.append(LANGUAGE_NAMES[low])
            out.append(problem("languages", "language_name", "warning", value=item,
                               code=LANGUAGE_NAMES[low]))  # fmt: skip
        else:
            out.append(problem("languages", "bad_language", value=item[:40]))
    return _dedup(codes), out


def check_fields(value: Any) -> tuple[list[str], list[Problem]]:
    items = split_list(value)
    if items is None:
        return [], [problem("fields", "bad_list")]
    titles = {_key(f.title): f.id for f in fields_of_action()}
    ids: list[str] = []
    out: list[Problem] = []
    for item in items:
        if item in FIELD_IDS:
            ids.append(item)
        elif item.casefold() in FIELD_IDS:
            ids.append(item.casefold())
        elif _key(item) in titles:
            ids.append(titles[_key(item)])
            out.append(problem("fields", "field_title", "warning", value=item,
                               code=titles[_key(item)]))  # fmt: skip
        else:
            out.append(problem("fields", "bad_field", value=item[:80]))
    return _dedup(ids), out


def check_target_groups(value: Any) -> tuple[list[str], list[Problem]]:
    items = split_list(value)
    if items is None:
        return [], [problem("target_groups", "bad_list")]
    ids: list[str] = []
    out: list[Problem] = []
    for item in items:
        if item.casefold() in TARGET_GROUP_IDS:
            ids.append(item.casefold())
            continue
        found = classify_target_groups(item)
        if found:
            ids += found
            out.append(problem("target_groups", "target_group_text", "warning", value=item,
                               codes=", ".join(found)))  # fmt: skip
        else:
            out.append(problem("target_groups", "bad_target_group", value=item[:80]))
    return _dedup(ids), out


def check_kind(value: Any) -> tuple[str | None, list[Problem]]:
    text, out = check_text("kind", value, required=True)
    if text is None:
        return None, out
    if text.casefold() in KIND_IDS:
        return text.casefold(), out
    code = classify_kind(text)
    out.append(problem("kind", "kind_classified", "warning", value=text[:80], code=code))
    return code, out


def check_hours(value: Any) -> tuple[dict | None, list[Problem]]:
    """Opening hours as JSON object/text, or human text ("Mo 09:00–12:00; Di …")."""
    import json

    if value is None or (isinstance(value, str) and not value.strip()):
        return None, []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except ValueError:
                return None, [problem("opening_hours", "unparsed_hours", value=text[:80])]
        else:
            parsed = parse_hours_text(text)
            if parsed is None:
                # maybe only the times are invalid ("Mo 12:00–09:00"): say so precisely
                return None, [problem("opening_hours", "unparsed_hours", value=text[:80])]
            return dict(parsed), []
    codes = validate_hours(value)
    if codes:
        return None, [problem("opening_hours", "bad_hours", codes=", ".join(codes))]
    return dict(value), []


def check_accessibility(value: Any) -> tuple[str, list[Problem]]:
    text = as_text(value)
    if text is None:
        return "unknown", []
    low = text.casefold()
    if low in ACCESSIBILITY_VALUES:
        return low, []
    if low in _YES:
        return "yes", []
    if low in _NO:
        return "no", []
    if low in _UNKNOWN:
        return "unknown", []
    return "unknown", [problem("accessibility", "bad_accessibility", value=text[:40])]


def check_flag(name: str, value: Any) -> tuple[bool, list[Problem]]:
    """A yes/no cell (``ja``/``nein``, ``true``/``false``, ``1``/``0``; empty = no)."""
    if isinstance(value, bool):
        return value, []
    text = as_text(value)
    if text is None:
        return False, []
    low = text.casefold()
    if low in _YES:
        return True, []
    if low in _NO:
        return False, []
    return False, [problem(name, "bad_flag", value=text[:40])]


def check_enum(name: str, value: Any, allowed: tuple[str, ...], default: str,
               aliases: Mapping[str, str], code: str) -> tuple[str, list[Problem]]:  # fmt: skip
    text = as_text(value)
    if text is None:
        return default, []
    low = text.casefold()
    if low in allowed:
        return low, []
    if low in aliases:
        return aliases[low], []
    return default, [problem(name, code, value=text[:40], allowed=", ".join(allowed))]


def check_date(name: str, value: Any) -> tuple[dt.date | None, list[Problem]]:
    if isinstance(value, dt.datetime):
        return value.date(), []
    if isinstance(value, dt.date):
        return value, []
    text = as_text(value)
    if text is None:
        return None, []
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?| 00:00:00)?$", text)
    if m:
        try:
            return dt.date.fromisoformat(m.group(1)), []
        except ValueError:
            pass
    m = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)  # German 31.12.2024
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), []
        except ValueError:
            pass
    return None, [problem(name, "bad_date", value=text[:40])]


def check_number(name: str, value: Any) -> tuple[float | None, list[Problem]]:
    if value is None or isinstance(value, bool):
        return None, [] if value is None else [problem(name, "bad_number", value=str(value))]
    if isinstance(value, int | float):
        f = float(value)
    else:
        text = as_text(value)
        if text is None:
            return None, []
        try:
            f = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text \
                else float(text)  # fmt: skip
        except ValueError:
            return None, [problem(name, "bad_number", value=text[:40])]
    if f != f or f in (float("inf"), float("-inf")):
        return None, [problem(name, "bad_number", value=str(value)[:40])]
    return f, []


# -- the offer row -----------------------------------------------------------------------------
_UNKNOWN_ANSWER = object()


class CheckMemo:
    """The answers of value checks, remembered per distinct value (for one file).

    Coordinator sheets repeat values: 20,000 rows hold a few hundred distinct opening hours,
    kinds, lists of fields, postcodes and places. The checks :func:`check_offer` hands to a
    memo are pure functions of their arguments (the value, and the file's one
    :class:`GeoContext`), so each runs once per distinct argument; a remembered answer is
    handed out as a copy (no list or dict of a cleaned value is shared between rows; the
    problems, frozen, are). A value that cannot be a key (a list of lists, a dict) is checked
    every time. The key holds each argument's type,
    so ``1``, ``1.0`` and ``True`` are different values, as they are to the checks.

    >>> memo = CheckMemo()
    >>> memo(check_fields, "bildung; bildung") == check_fields("bildung; bildung")
    True
    >>> memo(check_fields, "bildung; bildung")[0] is memo(check_fields, "bildung; bildung")[0]
    False
    """

    def __init__(self) -> None:
        self._answers: dict[tuple, Any] = {}

    def __call__(self, check: Any, *args: Any) -> Any:
        types = tuple(map(type, args))
        key = (check, types,
               tuple(tuple(a) if type(a) is list else a for a in args) if list in types
               else args)  # fmt: skip
        try:
            answer = self._answers.get(key, _UNKNOWN_ANSWER)
        except TypeError:  # unhashable (a dict, a list of lists)
            return check(*args)
        if answer is _UNKNOWN_ANSWER:
            answer = self._answers[key] = check(*args)
        return _copied(answer)


#: values that are never changed in place (a memo hands them out as they are)
_IMMUTABLE = frozenset({str, int, float, bool, type(None), dt.date, Problem})


def _copied(value: Any) -> Any:
    """``value`` with every list and dict in it copied (tuples of results included)."""
    cls = type(value)
    if cls is tuple:  # an answer: (value, problems)
        return tuple([v if type(v) in _IMMUTABLE else _copied(v) for v in value])
    if cls is list:
        return [v if type(v) in _IMMUTABLE else _copied(v) for v in value]
    if cls is dict:
        return {k: v if type(v) in _IMMUTABLE else _copied(v) for k, v in value.items()}
    return value  # immutable, e.g. text or a frozen Placement


def _direct(check: Any, *args: Any) -> Any:
    """Run a check (no memo)."""
    return check(*args)


def check_offer(
    flat: Mapping[str, Any],
    geo: GeoContext | None = None,
    *,
    use_default_geo: bool = True,
    memo: CheckMemo | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Clean one flat offer row and list its problems.

    ``geo`` defaults to :func:`default_geo` (pass ``use_default_geo=False`` to skip the
    geographic checks entirely, e.g. without reference data). ``memo`` (one per file and
    ``geo``) remembers the checks of values that repeat between rows; the result is the same
    with and without it.
    """
    if geo is None and use_default_geo:
        geo = default_geo()
    run = memo if memo is not None else _direct
    probs: list[Problem] = []
    clean: dict[str, Any] = {}

    def take(key: str, result: tuple[Any, list[Problem]]) -> None:
        clean[key] = result[0]
        probs.extend(result[1])

    for key in ("id", "organization_id", "location_id"):
        take(key, check_id(key, flat.get(key)))
    take("name", check_text("name", flat.get("name"), required=True))
    # an unknown operator stays empty (never a made-up name such as "unbekannt")
    take("organization", check_text("organization", flat.get("organization")))
    take("kind", run(check_kind, flat.get("kind")))
    for key in ("description", "street", "city", "accessibility_note", "source_date",
                "geocode_note"):  # fmt: skip
        take(key, check_text(key, flat.get(key)))
    take("fields", run(check_fields, flat.get("fields")))
    take("target_groups", run(check_target_groups, flat.get("target_groups")))
    take("languages", run(check_languages, flat.get("languages")))
    take("postal_code", run(check_postcode, flat.get("postal_code"), geo))
    take("phone", run(check_phone, flat.get("phone")))
    take("email", check_email(flat.get("email")))
    take("website", check_url("website", flat.get("website")))
    take("source_url", check_url("source_url", flat.get("source_url")))
    take("opening_hours", run(check_hours, flat.get("opening_hours")))
    take("accessibility", run(check_accessibility, flat.get("accessibility")))
    take("status", check_enum("status", flat.get("status"), SERVICE_STATUSES, "active",
                              _STATUS_DE, "bad_status"))  # fmt: skip
    take("verification", check_enum("verification", flat.get("verification"),
                                    VERIFICATION_STATES, "unverified", _VERIFICATION_DE,
                                    "bad_verification"))  # fmt: skip
    take("assured_date", run(check_date, "assured_date", flat.get("assured_date")))
    take("demo", check_flag("demo", flat.get("demo")))
    take("editorial_note", check_text("editorial_note", flat.get("editorial_note")))
    take("source_kind", run(check_source_kind, flat.get("source_kind")))

    precision = as_text(flat.get("precision"))
    if precision is not None and precision.casefold() not in GEOCODE_PRECISIONS:
        probs.append(problem("precision", "bad_precision", value=precision[:20],
                             allowed=", ".join(GEOCODE_PRECISIONS)))  # fmt: skip
        precision = None
    clean["precision"] = precision.casefold() if precision else None
    district = as_text(flat.get("district_ags"))
    if district is not None and not _AGS.match(district):
        probs.append(problem("district_ags", "bad_district", value=district[:20]))
        district = None
    clean["district_ags"] = district

    lat, p_lat = check_number("latitude", flat.get("latitude"))
    lon, p_lon = check_number("longitude", flat.get("longitude"))
    probs += p_lat + p_lon
    if lat is not None and not -90 <= lat <= 90:
        probs.append(problem("latitude", "lat_range", value=lat))
        lat = None
    if lon is not None and not -180 <= lon <= 180:
        probs.append(problem("longitude", "lon_range", value=lon))
        lon = None
    if (
        (lat is None) != (lon is None)
        and not (p_lat or p_lon)
        and not any(p.code in ("lat_range", "lon_range") for p in probs)
    ):
        probs.append(problem("latitude" if lat is None else "longitude", "coords_incomplete"))
    _place(clean, lat, lon, geo, probs, run)
    if (as_text(flat.get("district_status")) == "manual" and clean["district_ags"]
            and clean["district_ags"] == district):  # fmt: skip
        clean["district_status"] = "manual"  # a person's decision, kept as the file says
    return clean, probs


def check_source_kind(value: Any) -> tuple[str | None, list[Problem]]:
    """The kind of source page (``SOURCE_KINDS``); an unknown one is left empty with a
    warning (it describes the source, the entry itself is fine)."""
    text = as_text(value)
    if text is None:
        return None, []
    if text.casefold() in SOURCE_KINDS:
        return text.casefold(), []
    return None, [problem("source_kind", "bad_source_kind", "warning", value=text[:40],
                          allowed=", ".join(SOURCE_KINDS))]  # fmt: skip


def _place(clean: dict[str, Any], lat: float | None, lon: float | None,
           geo: GeoContext | None, probs: list[Problem], run: Any = _direct) -> None:  # fmt: skip
    """Coordinates, precision and district by the one placement (:mod:`geo.gazetteer`).

    Without coordinates they are derived from the postcode or place (with a warning). A
    district given in the row is kept only where the placement is uncertain (near a border:
    ``district_status`` "manual") or impossible; elsewhere the derived one wins, with a
    warning when they differ.
    """
    clean["district_status"] = "manual" if clean["district_ags"] else None
    if lat is not None and lon is not None:
        clean["latitude"], clean["longitude"] = lat, lon
        if geo is not None:
            if not geo.inside(lat, lon):
                probs.append(problem("latitude", "outside_area", lat=lat, lon=lon))
            else:
                _take_district(clean, _placement_of_point(clean, lat, lon, geo, run), probs)
        clean["precision"] = clean["precision"] or "address"
        return
    clean["latitude"] = clean["longitude"] = None
    if any(p.field in ("latitude", "longitude") for p in probs):
        return
    if geo is None:
        clean["precision"] = None
        return
    if any(p.field == "postal_code" and p.is_error for p in probs):
        return
    placed = run(_locate_place, geo, clean["postal_code"], clean["city"])
    if placed.latitude is None:
        clean["precision"] = None
        clean["geocode_note"] = clean["geocode_note"] or placed.note
        if placed.district_ags:
            _take_district(clean, placed, probs)
        probs.append(problem("latitude", "not_placed", "warning"))
        return
    clean["latitude"], clean["longitude"] = placed.latitude, placed.longitude
    clean["precision"] = placed.precision
    _take_district(clean, placed, probs)
    value = clean["postal_code"] if placed.precision == "postcode" else clean["city"]
    code = "derived_postcode" if placed.precision == "postcode" else "derived_place"
    probs.append(problem("latitude", code, "warning", value=value))


def _locate_place(geo: GeoContext, postal_code: str | None, city: str | None) -> Any:
    """The placement of a postcode and place name (no coordinates)."""
    return geo.locate(postal_code=postal_code, city=city)


def _placement_of_point(clean: dict[str, Any], lat: float, lon: float, geo: GeoContext,
                        run: Any = _direct) -> Any:  # fmt: skip
    """The placement of given coordinates: a postcode or place centroid (as exported with
    precision ``postcode``/``place``) keeps that placement's district and certainty."""
    if clean["precision"] in ("postcode", "place"):
        derived = run(_locate_place, geo, clean["postal_code"], clean["city"])
        if (derived.precision == clean["precision"] and derived.latitude is not None
                and abs(derived.latitude - lat) < 1e-5 and abs(derived.longitude - lon) < 1e-5):
            return derived
    return geo.locate(latitude=lat, longitude=lon)


def _take_district(clean: dict[str, Any], placed: Any, probs: list[Problem]) -> None:
    given, derived = clean["district_ags"], placed.district_ags
    if given and derived and given != derived:
        if placed.district_uncertain:
            clean["district_status"] = "manual"
            return  # near a border: the row's district is a person's decision
        probs.append(problem("district_ags", "district_derived", "warning", value=given,
                             derived=derived))  # fmt: skip
    if derived:
        clean["district_ags"], clean["district_status"] = derived, placed.district_status


def validate_offer(flat: Mapping[str, Any], geo: GeoContext | None = None) -> list[Problem]:
    """Problems of one flat offer row (see :func:`check_offer`)."""
    return check_offer(flat, geo)[1]
