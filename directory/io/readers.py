"""File readers: bytes → raw flat records (canonical keys, unvalidated values).

Every refusal of a whole file raises :class:`FileRefused` with a stable ``code``, ``params``
and a German default text; row-level findings of the reader (e.g. a GeoJSON polygon) travel
with the record as :class:`directory.validate.Problem` objects.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from directory.io.columns import (
    GERMAN_HEADERS,
    REQUIRED_COLUMNS,
    header_key,
    map_headers,
    unneutralise,
)
from directory.validate import Problem, problem

#: refuse more data rows than this (a spreadsheet of the whole state has < 10,000); readers
#: stop reading as soon as the file has more
MAX_ROWS = 200_000
#: refuse XLSX whose parts unpack to more than this in total (zip bombs) ...
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: ... or whose large parts (> :data:`RATIO_FROM_BYTES`) are compressed more than this
#: (a sheet saved by a spreadsheet program compresses about 5-20 times; a bomb 100-1000 times)
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
#: at most this many ZIP members (an XLSX has about 10-30)
MAX_MEMBERS = 2_000
#: columns read per table row (wider sheets are cut; no import file needs more)
MAX_COLUMNS = 200
#: JSON nested deeper than this is refused (HSDS needs about 8 levels)
MAX_JSON_DEPTH = 64
FORMATS = ("csv", "xlsx", "geojson", "hsds", "hsds-zip")

#: leading bytes of binary formats → their (language-neutral) name
_MAGIC = {
    b"\x89PNG": "PNG", b"%PDF": "PDF", b"GIF8": "GIF", b"\xff\xd8\xff": "JPEG",
    b"PK\x03\x04": "ZIP", b"\x1f\x8b": "gzip", b"\xd0\xcf\x11\xe0": "XLS/DOC",
    b"SQLite format": "SQLite",
}  # fmt: skip


class FileRefused(ValueError):
    """The whole file cannot be imported; nothing was read into the store.

    ``code`` + ``params`` are for translation (the UI's ``daten.problem.<code>``), the German
    ``message_de`` begins with the German catalogue text and may add details.

    ``parsed`` is what was read before the refusal (headers and their detected mapping), so
    that a refused table can still be mapped by hand.
    """

    def __init__(self, code: str, message_de: str, *, parsed: Parsed | None = None,
                 **params: Any) -> None:  # fmt: skip
        super().__init__(message_de)
        self.code = code
        self.message_de = message_de
        self.params = params
        self.parsed = parsed

    def as_problem(self) -> Problem:
        return Problem("file", self.code, "error", self.message_de, self.params)


@dataclass
class RawRecord:
    line: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    #: unmapped columns of the row: source header → cell (free text to infer the kind from)
    extra: dict[str, Any] = field(default_factory=dict)
    #: the record as it stands in the file (a table row's cells, a JSON object), to hand a
    #: refused row back in the same format
    source: Any = None


@dataclass
class Parsed:
    format: str
    records: list[RawRecord]
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # source header → canonical
    ignored: list[str] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # canonical columns the file has
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    #: file-level notes of the reader (skipped totals rows, section headings)
    notes: list[Problem] = field(default_factory=list)
    #: tables: (column index → key, column index → unmapped header, undo CSV formula guard);
    #: a table record keeps only its cells, its values are made by :func:`record_values`
    table: tuple[dict[int, str], dict[int, str], bool] | None = None


def record_values(rec: RawRecord, parsed: Parsed) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(values, extra)`` of a record: canonical key → cell, unmapped header → filled cell.

    Table rows are kept as cells only while the file is read (a dict per row would double
    the memory of a large file); the dicts are made here, one row at a time.
    """
    if parsed.table is None or rec.values:
        return rec.values, rec.extra
    mapping, unmapped, csv_guard = parsed.table
    row = rec.source
    width = len(row)
    values = {c: row[i] if i < width else None for i, c in mapping.items()}
    if csv_guard:
        values = {c: unneutralise(v) for c, v in values.items()}
    extra = {h: row[i] for i, h in unmapped.items() if i < len(row) and not _blank(row[i])}
    return values, extra


# -- detection ---------------------------------------------------------------------------------
def detect_format(data: bytes, name: str = "") -> str:
    low = name.lower()
    for ext, fmt in ((".csv", "csv"), (".txt", "csv"), (".tsv", "csv"), (".xlsx", "xlsx"),
                     (".geojson", "geojson")):  # fmt: skip
        if low.endswith(ext):
            return fmt
    head = data[:4096].lstrip(codecs.BOM_UTF8).lstrip()
    if data.startswith(b"PK\x03\x04"):
        from directory.io.hsds_tabular import is_package

        return "hsds-zip" if is_package(data) else "xlsx"
    if head[:1] in (b"{", b"[") or low.endswith(".json"):
        if re.search(rb'"type"\s*:\s*"Feature(Collection)?"', data[:200_000]):
            return "geojson"
        return "hsds"
    return "csv"


def _refuse_binary(data: bytes, expected: str) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise FileRefused("binary", f"Die Datei ist keine {expected}-Datei, sondern "
                              f"Binärdaten ({what}).", expected=expected, format=what)  # fmt: skip


# -- CSV ---------------------------------------------------------------------------------------
def detect_encoding(data: bytes) -> str:
    """UTF-8 (with/without BOM), UTF-16 with BOM, else Windows-1252 — the first that decodes
    ``data`` without a run of control characters (which means: not a text file)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data[:65536]:
            raise FileRefused("nul_bytes", "Die Datei enthält Binärdaten (NUL-Bytes) und ist "
                              "keine Textdatei (CSV).")  # fmt: skip
        candidates = ["utf-8", "cp1252"]
    for enc in candidates:
        try:
            # decoded once to check it, then dropped: the rows are decoded while read
            head = data.decode(enc)[:200_000]
        except UnicodeDecodeError:
            continue
        controls = len(re.findall(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]", head))
        if controls > max(3, len(head) // 200):
            break
        return enc
    raise FileRefused(
        "encoding",
        "Die Zeichenkodierung der Datei wurde nicht erkannt "
        "(erwartet UTF-8 oder Windows-1252) – ist es wirklich eine CSV-Datei?",
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and encoding (see :func:`detect_encoding`)."""
    enc = detect_encoding(data)
    return data.decode(enc), enc


def _sniff_delimiter(text: str) -> str:
    """``;`` or ``,``: decided by the header line (cells may hold commas), else csv.Sniffer."""
    lines = [ln for ln in text[:65536].splitlines() if ln.strip()]
    header = re.sub(r'"[^"]*"', "", lines[0]) if lines else ""
    semi, comma = header.count(";"), header.count(",")
    if semi != comma:
        return ";" if semi > comma else ","
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=";,").delimiter
    except csv.Error:
        return ";"


def _map_columns(headers: list[Any], explicit: Mapping[str, str | None] | None,
                 parsed: Parsed) -> dict[int, str]:  # fmt: skip
    """Column index → canonical key (:func:`map_headers`), recorded in ``parsed``; refuses
    the file on mapping errors (keeping what was detected, to correct it)."""
    mapping, ignored, errors = map_headers(headers, explicit)
    parsed.headers = [str(h) if h is not None else "" for h in headers]
    parsed.mapping = {parsed.headers[i]: c for i, c in mapping.items()}
    parsed.ignored = ignored
    parsed.present = set(mapping.values())
    if errors:
        code, text, params = errors[0]
        more = f" (+{len(errors) - 1} weitere)" if len(errors) > 1 else ""
        raise FileRefused(code, text + more, parsed=parsed, **params)
    return mapping


_TOTALS = re.compile(r"^(summe|gesamt|insgesamt|gesamtsumme|total|totals|sum|anzahl)\b",
                     re.IGNORECASE)  # fmt: skip
_NUMBER = re.compile(r"^[\d\s.,%€+-]*$")
#: a lone cell in the name column that reads like a heading over a group of rows
_HEADING = re.compile(r"^(landkreis|kreis|region|stadt|gemeinde|samtgemeinde|bezirk|district|"
                      r"city|county)\b|:$", re.IGNORECASE)  # fmt: skip


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _skip_reason(row: list[Any], name_index: int | None,
                 width: int = 0) -> tuple[str, str] | None:  # fmt: skip
    """Why a row is not an entry: a totals row ("Summe", "Gesamt" + numbers), or a section
    heading — one filled cell, not in the name column, or in it but reading like a heading
    ("Landkreis Hildesheim", "Region Hannover:") in a table of three or more columns — as
    merged cells leave it above a group of rows. ``(code, the row's first text)`` or
    ``None``."""
    filled = [(i, v) for i, v in enumerate(row) if not _blank(v)]
    if not filled:
        return None
    first = str(filled[0][1]).strip()
    if _TOTALS.match(first) and all(isinstance(v, int | float) or _NUMBER.match(str(v))
                                    for _, v in filled[1:]):  # fmt: skip
        return "totals_row", first
    if len(filled) == 1 and not isinstance(filled[0][1], int | float) and (
        filled[0][0] != name_index or (width >= 3 and _HEADING.search(first))
    ):
        return "heading_row", first
    return None


#: a header row is looked for among this many first non-empty rows
_HEADER_SEARCH = 10


def find_header(rows: Iterable[list[Any]], parsed: Parsed
                ) -> tuple[list[Any] | None, Iterable[list[Any]], int]:  # fmt: skip
    """``(header, remaining rows, header line)``: the first row with two or more filled
    cells; single-cell rows above it (a sheet's title, "Stand: März 2025") are skipped with a
    note. A file whose first rows all have one cell keeps its first row as the header (then
    the mapping says "only one column — wrong delimiter?")."""
    it = iter(rows)
    skipped: list[tuple[int, list[Any]]] = []
    line = 0
    for row in it:
        line += 1
        filled = sum(not _blank(v) for v in row)
        if filled >= 2:
            for n, title in skipped:
                text = str(next(v for v in title if not _blank(v))).strip()
                parsed.notes.append(Problem("file", "heading_row", "warning",
                                            f"Zeile {n} übersprungen: Zwischenüberschrift "
                                            f"„{text[:80]}“ (nur eine Zelle gefüllt).",
                                            {"line": n, "value": text[:80]}))  # fmt: skip
            return row, it, line
        if filled == 1:
            skipped.append((line, row))
            if len(skipped) >= _HEADER_SEARCH:
                break
    if not skipped:
        return None, it, line
    first_line, first = skipped[0]
    rest = [r for _, r in skipped[1:]]
    return first, itertools.chain(rest, it), first_line


def _table_records(headers: list[Any], rows: Iterable[list[Any]], first_line: int,
                   explicit: Mapping[str, str | None] | None, parsed: Parsed) -> None:  # fmt: skip
    """Shared by CSV and XLSX: header mapping, required columns, rows → records.

    ``rows`` is consumed lazily: reading stops (and the file is refused) as soon as it has
    more than :data:`MAX_ROWS` data rows.
    """
    if not any(header_key(h) for h in headers):
        raise FileRefused("empty", "Die Datei ist leer (keine Kopfzeile).")
    mapping = _map_columns(headers, explicit, parsed)
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping.values()]
    if missing:
        labels = ", ".join(GERMAN_HEADERS.get(c, c) for c in missing)
        text = "Pflichtspalten fehlen: " + labels + "."
        if len(headers) == 1:
            raise FileRefused("single_column", text + " Es wurde nur eine Spalte erkannt – ist "
                              "das Trennzeichen „;“ oder „,“?", parsed=parsed,
                              columns=missing)  # fmt: skip
        raise FileRefused("missing_columns", text, parsed=parsed, columns=missing)
    width = len(headers)
    name_index = next(i for i, c in mapping.items() if c == "name")
    unmapped = {i: str(h) for i, h in enumerate(headers)
                if i not in mapping and header_key(h)}  # fmt: skip
    parsed.table = (mapping, unmapped, parsed.format == "csv")
    shared: dict[str, str] = {}  # memory: a short text that repeats is one object
    for n, row in enumerate(rows):
        if not any(not _blank(v) for v in row):
            continue
        row = [shared.setdefault(v, v) if type(v) is str and len(v) <= 64 else v for v in row]
        line = first_line + n
        skip = _skip_reason(row, name_index, width)
        if skip is not None:
            code, text = skip
            message = {"totals_row": f"Zeile {line} übersprungen: Summenzeile „{text[:40]}“.",
                       "heading_row": f"Zeile {line} übersprungen: Zwischenüberschrift "
                                      f"„{text[:80]}“ (nur eine Zelle gefüllt)."}[code]
            parsed.notes.append(Problem("file", code, "warning", message,
                                        {"line": line, "value": text[:80]}))
            continue
        rec = RawRecord(line, {}, source=row)
        if len(row) > width and any(not _blank(v) for v in row[width:]):
            rec.problems.append(Problem(
                "file", "extra_cells", "error", f"Zeile hat {len(row)} Zellen, die Kopfzeile nur "
                f"{width} (Trennzeichen im Text ohne Anführungszeichen?).",
                {"cells": len(row), "headers": width}))  # fmt: skip
        parsed.records.append(rec)
        if len(parsed.records) > MAX_ROWS:
            raise FileRefused("too_many_rows", f"Mehr als {MAX_ROWS} Zeilen – bitte aufteilen.",
                              max=MAX_ROWS)
    if not parsed.records:
        raise FileRefused("no_rows", "Die Datei enthält keine Daten (nur die Kopfzeile).")


def read_csv(data: bytes, mapping: Mapping[str, str | None] | None = None) -> Parsed:
    _refuse_binary(data, "CSV")
    if not data.strip():
        raise FileRefused("empty", "Die Datei ist leer.")
    encoding = detect_encoding(data)
    head = data[:262_144].decode(encoding, errors="ignore")
    if not head.strip():
        raise FileRefused("empty", "Die Datei ist leer.")
    delimiter = _sniff_delimiter(head)
    # decoded while read (no second copy of the whole file as text)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=False)  # fmt: skip
    parsed = Parsed("csv", [], encoding=encoding.replace("-sig", " (BOM)"), delimiter=delimiter)
    try:
        header, rows, line = find_header(reader, parsed)
        if header is None:
            raise FileRefused("empty", "Die Datei ist leer.")
        _table_records(header, rows, line + 1, mapping, parsed)
    except csv.Error as exc:
        raise FileRefused("malformed_csv", f"Die CSV-Datei ist fehlerhaft: {exc}.",
                          detail=str(exc)) from exc
    return parsed


# -- XLSX --------------------------------------------------------------------------------------
def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _trimmed(row: list[Any]) -> list[Any]:
    """A sheet row without its trailing empty cells (read-only sheets pad every row)."""
    while row and row[-1] is None:
        row.pop()
    return row


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open ``data`` as ZIP after checking its directory against zip bombs: the declared
    unpacked sizes (which bound what Python's ``zipfile`` will ever inflate), their total,
    the compression ratio of large parts and the number of parts — before anything is
    inflated."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise FileRefused("xlsx_damaged", "Die Excel-Datei ist beschädigt oder unvollständig "
                          "(abgeschnitten?).") from exc  # fmt: skip
    refuse_zip_bomb(infos)
    return zf


def refuse_zip_bomb(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a ZIP directory that declares too much unpacked data, too many parts or a
    suspicious compression ratio (see :data:`MAX_UNPACKED_BYTES`, :data:`MAX_RATIO`)."""
    unpacked = sum(i.file_size for i in infos)
    ratio = max((i.file_size / max(i.compress_size, 1) for i in infos
                 if i.file_size > RATIO_FROM_BYTES), default=0)  # fmt: skip
    if len(infos) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or ratio > MAX_RATIO:
        mb = f"{unpacked / 1048576:.0f}"
        raise FileRefused("unpacked_too_large", f"Die Datei ist entpackt zu groß ({mb} MB) oder "
                          "ungewöhnlich stark gepackt – sie wird aus Sicherheitsgründen nicht "
                          "geöffnet.", mb=mb)  # fmt: skip


def read_xlsx(data: bytes, mapping: Mapping[str, str | None] | None = None,
              sheet: str | None = None) -> Parsed:  # fmt: skip
    if not data:
        raise FileRefused("empty", "Die Datei ist leer.")
    if not data.startswith(b"PK"):
        _refuse_binary(data, "Excel (.xlsx)")
        raise FileRefused("not_xlsx", "Die Datei ist keine Excel-Datei (.xlsx).")
    zf = check_zip(data)
    if "xl/workbook.xml" not in set(zf.namelist()):
        raise FileRefused("not_xlsx", "Die Datei ist keine Excel-Datei (.xlsx), sondern ein "
                          "anderes ZIP-Archiv.")  # fmt: skip
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            if sheet is not None and sheet not in wb.sheetnames:
                sheets = ", ".join(wb.sheetnames)
                raise FileRefused("sheet_missing", f"Tabellenblatt „{sheet}“ gibt es nicht "
                                  f"(vorhanden: {sheets}).", sheet=sheet,
                                  sheets=sheets)  # fmt: skip
            ws = wb[sheet] if sheet is not None else wb.worksheets[0]
            parsed = Parsed("xlsx", [], sheet=ws.title)
            width = min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS)
            rows = (_trimmed([_xlsx_value(v) for v in r])
                    for r in ws.iter_rows(values_only=True, max_col=width))  # fmt: skip
            header, rows, line = find_header(rows, parsed)
            if header is None:
                raise FileRefused("empty", "Die Datei ist leer (leere Excel-Tabelle).")
            while header and _blank(header[-1]):
                header.pop()
            _table_records(header, rows, line + 1, mapping, parsed)
        finally:
            wb.close()
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise FileRefused("xlsx_damaged", "Die Excel-Datei ist beschädigt oder unvollständig "
                          f"({exc.__class__.__name__}).") from exc  # fmt: skip
    return parsed


# -- JSON helpers ------------------------------------------------------------------------------
def _load_json(data: bytes, what: str) -> Any:
    _refuse_binary(data, what)
    if not data.strip():
        raise FileRefused("empty", "Die Datei ist leer.")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except RecursionError as exc:
        raise _too_deep(what) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        detail = str(exc)[:120]
        raise FileRefused("not_json", f"Die Datei ist kein gültiges JSON ({what}): {detail}",
                          what=what, detail=detail) from exc  # fmt: skip
    if json_depth(doc) > MAX_JSON_DEPTH:
        raise _too_deep(what)
    return doc


def _too_deep(what: str) -> FileRefused:
    return FileRefused("json_too_deep", f"Die Datei ({what}) ist zu tief verschachtelt "
                       f"(mehr als {MAX_JSON_DEPTH} Ebenen).", what=what,
                       max=MAX_JSON_DEPTH)  # fmt: skip


def json_depth(doc: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion (``1`` for a scalar).

    >>> json_depth({"a": [1, {"b": []}]})
    4
    """
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return deepest


# -- GeoJSON -----------------------------------------------------------------------------------
def read_geojson(data: bytes, mapping: Mapping[str, str | None] | None = None) -> Parsed:
    doc = _load_json(data, "GeoJSON")
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise FileRefused("geojson_structure", "GeoJSON muss eine FeatureCollection mit "
                          "„features“ sein.")  # fmt: skip
    if not doc["features"]:
        raise FileRefused("no_rows", "Die Datei enthält keine Daten (leere FeatureCollection).")
    parsed = Parsed("geojson", [])
    features = doc["features"]
    if len(features) > MAX_ROWS:
        raise FileRefused("too_many_rows", f"Mehr als {MAX_ROWS} Zeilen – bitte aufteilen.",
                          max=MAX_ROWS)
    # the properties act as the columns: one per distinct (normalised) key, first seen first
    keys: dict[str, str] = {}
    for feat in features:
        if isinstance(feat, dict) and isinstance(feat.get("properties"), dict):
            for key in feat["properties"]:
                keys.setdefault(header_key(key), str(key))
    columns = list(keys.values())
    target_of = {header_key(columns[i]): c
                 for i, c in _map_columns(columns, mapping, parsed).items()}  # fmt: skip
    for n, feat in enumerate(features, start=1):
        rec = RawRecord(n, {})
        if not isinstance(feat, dict) or not isinstance(feat.get("properties") or {}, dict):
            rec.problems.append(Problem("file", "geojson_feature", "error",
                                        "Eintrag ist kein gültiges GeoJSON-Feature.", {}))
            parsed.records.append(rec)
            continue
        rec.source = feat
        for key, value in (feat.get("properties") or {}).items():
            target = target_of.get(header_key(key))
            if target:
                rec.values[target] = value
            elif not _blank(value) and not isinstance(value, dict | list):
                rec.extra[str(key)] = value
        geom = feat.get("geometry")
        if geom is not None:
            coords = geom.get("coordinates") if isinstance(geom, dict) else None
            if not isinstance(geom, dict) or geom.get("type") != "Point":
                kind = geom.get("type") if isinstance(geom, dict) else type(geom).__name__
                rec.problems.append(Problem("geometry", "geometry_not_point", "error",
                                            f"Die Geometrie muss ein Punkt sein, nicht „{kind}“.",
                                            {"type": str(kind)}))  # fmt: skip
            elif (not isinstance(coords, list) or len(coords) < 2
                  or not all(isinstance(c, int | float) for c in coords[:2])):  # fmt: skip
                rec.problems.append(Problem("geometry", "bad_coordinates", "error",
                                            "Punkt-Koordinaten fehlen oder sind keine Zahlen.",
                                            {}))  # fmt: skip
            else:
                rec.values["longitude"], rec.values["latitude"] = coords[0], coords[1]
        parsed.present |= {"latitude", "longitude"}
        parsed.records.append(rec)
    missing = [c for c in REQUIRED_COLUMNS if c not in parsed.present]
    if missing:
        labels = ", ".join(GERMAN_HEADERS.get(c, c) for c in missing)
        raise FileRefused("missing_columns", "Pflichtspalten fehlen: " + labels
                          + " (in keinem Eintrag).", parsed=parsed, columns=missing)  # fmt: skip
    return parsed


# -- HSDS 3.0 JSON -----------------------------------------------------------------------------
#: taxonomy name used for fields of action in exported HSDS attributes
FIELD_TAXONOMY = "integrationsatlas:handlungsfelder"
EXTENSION = "x_integrationsatlas"
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _hours_from_schedules(schedules: Any) -> dict | None:
    slots = []
    for sch in schedules or []:
        if not isinstance(sch, dict) or sch.get("freq") not in (None, "WEEKLY"):
            continue
        opens, closes = _str(sch.get("opens_at")), _str(sch.get("closes_at"))
        if not opens or not closes:
            continue
        for day in str(sch.get("byday") or "").split(","):
            day = day.strip().upper()[-2:]
            if day in _WEEKDAYS:
                slots.append({"weekday": _WEEKDAYS.index(day), "opens": opens[:5],
                              "closes": closes[:5]})  # fmt: skip
    if not slots:
        return None
    slots.sort(key=lambda s: (s["weekday"], s["opens"]))
    return {"slots": slots, "by_appointment": False, "note": None}


def _check_types(obj: dict, spec: dict[str, type | tuple], where: str) -> list[Problem]:
    out = []
    for key, types in spec.items():
        value = obj.get(key)
        if value is not None and not isinstance(value, types):
            out.append(Problem("hsds", "hsds_type", "error",
                               f"HSDS: „{where}.{key}“ hat den falschen Typ "
                               f"({type(value).__name__}).",
                               {"path": f"{where}.{key}"}))  # fmt: skip
    return out


_SERVICE_TYPES = {"id": str, "name": str, "description": str, "url": str, "email": str,
                  "status": str, "assured_date": str, "languages": list, "phones": list,
                  "service_at_locations": list, "attributes": list, "organization": dict,
                  "schedules": list, EXTENSION: dict}  # fmt: skip
_LOCATION_TYPES = {"id": str, "latitude": (int, float), "longitude": (int, float),
                   "addresses": list, "accessibility": list, "schedules": list,
                   "phones": list, EXTENSION: dict}  # fmt: skip


def _service_rows(svc: dict, n: int, org: dict | None) -> list[RawRecord]:
    probs = _check_types(svc, _SERVICE_TYPES, f"[{n}]")
    if not isinstance(svc.get("name"), str):
        probs.append(problem("name", "required"))
    if probs:
        return [RawRecord(n, {"name": svc.get("name") if isinstance(svc.get("name"), str)
                              else None}, probs)]  # fmt: skip
    ext = svc.get(EXTENSION) or {}
    org = svc.get("organization") if isinstance(svc.get("organization"), dict) else org or {}
    fields = ext.get("fields")
    if fields is None:
        fields = [a.get("taxonomy_term", {}).get("code") for a in svc.get("attributes") or []
                  if isinstance(a, dict) and isinstance(a.get("taxonomy_term"), dict)
                  and a["taxonomy_term"].get("taxonomy") == FIELD_TAXONOMY]  # fmt: skip
    phones = [p.get("number") for p in svc.get("phones") or [] if isinstance(p, dict)]
    base = {
        "id": svc.get("id"), "name": svc.get("name"), "description": svc.get("description"),
        "organization": org.get("name"), "organization_id": org.get("id"),
        "kind": ext.get("kind") or svc.get("name"), "fields": fields,
        "target_groups": ext.get("target_groups"),
        "languages": [lang.get("code") or lang.get("name") for lang in svc.get("languages") or []
                      if isinstance(lang, dict)],
        "email": svc.get("email"), "website": ext.get("website", svc.get("url")),
        "status": svc.get("status"), "assured_date": svc.get("assured_date"),
        "source_url": ext.get("source_url"), "source_date": ext.get("source_date"),
        "verification": ext.get("verification"), "phone": phones[0] if phones else None,
        "demo": ext.get("is_demo"),
    }  # fmt: skip
    sals = [s for s in svc.get("service_at_locations") or [] if isinstance(s, dict)]
    if not sals:
        return [RawRecord(n, base)]
    out = []
    for sal in sals:
        loc = sal.get("location") if isinstance(sal.get("location"), dict) else {}
        lprobs = _check_types(loc, _LOCATION_TYPES, f"[{n}].location")
        lext = loc.get(EXTENSION) or {}
        addrs = [a for a in loc.get("addresses") or [] if isinstance(a, dict)]
        addr = next((a for a in addrs if a.get("address_type") == "physical"),
                    addrs[0] if addrs else {})  # fmt: skip
        acc = [a for a in loc.get("accessibility") or [] if isinstance(a, dict)]
        hours = lext.get("opening_hours", "__missing__")
        if hours == "__missing__":
            hours = _hours_from_schedules((sal.get("schedules") or []) +
                                          (loc.get("schedules") or []))  # fmt: skip
        values = dict(base)
        values.update({
            "location_id": loc.get("id") or sal.get("location_id"),
            "street": addr.get("address_1"), "postal_code": addr.get("postal_code"),
            "city": addr.get("city"), "latitude": loc.get("latitude"),
            "longitude": loc.get("longitude"), "precision": lext.get("precision"),
            "district_ags": lext.get("district_ags"), "geocode_note": lext.get("geocode_note"),
            "accessibility": lext.get("accessibility"),
            "accessibility_note": acc[0].get("description") if acc else None,
            "opening_hours": hours,
        })  # fmt: skip
        if values["phone"] is None:
            lphones = [p.get("number") for p in (sal.get("phones") or []) +
                       (loc.get("phones") or []) if isinstance(p, dict)]  # fmt: skip
            values["phone"] = lphones[0] if lphones else None
        out.append(RawRecord(n, values, lprobs))
    return out


def read_hsds(data: bytes, mapping: Mapping[str, str | None] | None = None) -> Parsed:
    doc = _load_json(data, "HSDS")
    if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
        doc = doc["contents"]
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list) or not all(isinstance(x, dict) for x in doc):
        raise FileRefused("hsds_structure", "HSDS: erwartet eine Liste von Diensten (service) "
                          "oder Organisationen (organization) als JSON-Objekte.")  # fmt: skip
    if not doc:
        raise FileRefused("no_rows", "Die Datei enthält keine Daten (leere HSDS-Liste).")
    parsed = Parsed("hsds", [])
    for n, item in enumerate(doc, start=1):
        start = len(parsed.records)
        if isinstance(item.get("services"), list):  # organization with nested services
            org = {"id": item.get("id"), "name": item.get("name")}
            for svc in item["services"]:
                if isinstance(svc, dict):
                    parsed.records += _service_rows(svc, n, org)
        elif "services" in item:
            parsed.records.append(RawRecord(n, {}, [Problem(
                "hsds", "hsds_type", "error",
                f"HSDS: „[{n}].services“ hat den falschen Typ (muss eine Liste sein).",
                {"path": f"[{n}].services"})]))  # fmt: skip
        else:
            parsed.records += _service_rows(item, n, None)
        for rec in parsed.records[start:]:
            rec.source = item
        if len(parsed.records) > MAX_ROWS:
            raise FileRefused("too_many_rows", f"Mehr als {MAX_ROWS} Zeilen – bitte aufteilen.",
                              max=MAX_ROWS)
    if not parsed.records:
        raise FileRefused("no_rows", "Die Datei enthält keine Daten (keine HSDS-Dienste).")
    parsed.present = {
        "id", "name", "description", "organization", "organization_id", "kind", "fields",
        "target_groups", "languages", "email", "website", "status", "assured_date",
        "source_url", "source_date", "verification", "phone", "location_id", "street",
        "postal_code", "city", "latitude", "longitude", "precision", "district_ags",
        "geocode_note", "accessibility", "accessibility_note", "opening_hours",
    }  # fmt: skip
    return parsed


def read_bytes(data: bytes, *, name: str = "", fmt: str = "auto",
               mapping: Mapping[str, str | None] | None = None,
               sheet: str | None = None) -> Parsed:  # fmt: skip
    """Parse ``data`` in ``fmt`` (``auto`` = by file name, then content)."""
    if fmt == "auto":
        fmt = detect_format(data, name)
    if fmt == "csv":
        return read_csv(data, mapping)
    if fmt == "xlsx":
        return read_xlsx(data, mapping, sheet)
    if fmt == "geojson":
        return read_geojson(data, mapping)
    if fmt in ("hsds", "json"):
        return read_hsds(data, mapping)
    if fmt == "hsds-zip":
        from directory.io.hsds_tabular import PackageError, package_to_json

        if not data.startswith(b"PK\x03\x04"):
            _refuse_binary(data, "ZIP (HSDS)")
            raise FileRefused("not_zip", "Die Datei ist kein ZIP-Archiv (HSDS-Datenpaket).")
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            pass  # reported by package_to_json
        else:
            refuse_zip_bomb(infos)
        try:
            parsed = read_hsds(package_to_json(data), mapping)
        except PackageError as exc:
            raise FileRefused("hsds_package", f"HSDS-Datenpaket: {exc}", reason=exc.reason,
                              **exc.params) from exc
        parsed.format = "hsds-zip"
        return parsed
    allowed = ", ".join(FORMATS)
    raise FileRefused("unknown_format", f"Unbekanntes Format „{fmt}“ (erlaubt: {allowed}).",
                      format=fmt, allowed=allowed)
