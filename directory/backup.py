"""Backup and restore of the whole store (every table, incl. audit log and retired records).

Format: JSON (gzip-compressed when the file name ends in ``.gz``)::

    {"format": "integrationsatlas-backup", "format_version": 1, "schema_version": 1,
     "created_at": "...", "tables": {"<table>": {"columns": [...], "rows": [[...], ...]}},
     "counts": {"<table>": n}, "sha256": "<hash of the canonical tables JSON>"}

The file is written with mode 0600 (owner only; see :func:`write_private`): it holds the
audit log with user names and the accounts with their password hashes.

Values are JSON-native; datetimes/dates are ISO strings and are converted back by column
type, so a backup moves between SQLite and PostgreSQL. :func:`restore` validates the whole
file first (marker, version, tables, columns, counts, checksum) and then replaces the content
in ONE transaction (a table the file does not have and that no other table links to — e.g.
the accounts, restoring a backup older than them — keeps its content); a truncated,
corrupted or foreign file is refused and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Integer, delete, insert, select, text

from directory.model import SCHEMA_VERSION, Base, UTCDateTime
from directory.store import Store

FORMAT = "integrationsatlas-backup"
FORMAT_VERSION = 1


class BackupError(ValueError):
    """The backup file cannot be restored; the message (German) says why."""


def _tables() -> list[Any]:
    return list(Base.metadata.sorted_tables)


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_json(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime | DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return dt.date.fromisoformat(value)
    return value


def dump_tables(store: Store) -> dict[str, dict[str, Any]]:
    """All tables as ``{table: {"columns": [...], "rows": [[...]]}}`` (rows sorted by key)."""
    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for table in _tables():
            cols = [c.name for c in table.columns]
            pk = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(select(table).order_by(*pk)).all()
            out[table.name] = {"columns": cols,
                               "rows": [[_to_json(v) for v in row] for row in rows]}  # fmt: skip
    return out


def canonical_dump(store: Store) -> str:
    """Deterministic text of all table contents (for "unchanged" comparisons in tests)."""
    return json.dumps(dump_tables(store), sort_keys=True, ensure_ascii=False, default=str)


def _digest(tables: dict[str, Any]) -> str:
    blob = json.dumps(tables, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def backup(store: Store, path: str | Path) -> dict[str, int]:
    """Write the backup file; returns rows per table."""
    tables = dump_tables(store)
    doc = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": SCHEMA_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "tables": tables, "counts": {k: len(v["rows"]) for k, v in tables.items()},
        "sha256": _digest(tables),
    }  # fmt: skip
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    path = Path(path)
    write_private(path, gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)
    return doc["counts"]


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` readable by the owner only (0600), atomically: the temporary file is
    created 0600 (never world-readable, whatever the umask) and then renamed over ``path``.
    A backup holds the audit log with user names and the accounts' password hashes."""
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)  # a stale .part of an older run may have other permissions
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_backup(path: str | Path) -> dict[str, Any]:
    """Load and fully validate a backup file (raises :class:`BackupError`)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BackupError(f"Sicherung nicht lesbar: {exc}") from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise BackupError("Die Sicherung ist beschädigt oder unvollständig "
                              f"(gzip: {exc}).") from exc  # fmt: skip
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError("Die Sicherung ist beschädigt oder unvollständig (kein gültiges "
                          "JSON).") from exc  # fmt: skip
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError("Die Datei ist keine Sicherung des Integrationsatlas.")
    if doc.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Unbekannte Version der Sicherung: {doc.get('format_version')!r}.")
    if not isinstance(doc.get("schema_version"), int) or doc["schema_version"] > SCHEMA_VERSION:
        raise BackupError("Die Sicherung stammt von einer neueren Programmversion "
                          f"(Schema {doc.get('schema_version')!r}).")  # fmt: skip
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        raise BackupError("Die Sicherung enthält keine Tabellen.")
    if doc.get("sha256") != _digest(tables):
        raise BackupError("Die Prüfsumme der Sicherung stimmt nicht – die Datei wurde "
                          "verändert oder ist beschädigt.")  # fmt: skip
    known = {t.name: t for t in _tables()}
    for name, body in tables.items():
        if name not in known:
            raise BackupError(f"Unbekannte Tabelle „{name}“ in der Sicherung.")
        if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
            raise BackupError(f"Tabelle „{name}“ ist in der Sicherung fehlerhaft.")
        cols = body.get("columns")
        have = {c.name for c in known[name].columns}
        if not isinstance(cols, list) or set(cols) - have:
            raise BackupError(f"Tabelle „{name}“ hat unbekannte Spalten: "
                              f"{sorted(set(cols or []) - have)}.")  # fmt: skip
        if any(not isinstance(r, list) or len(r) != len(cols) for r in body["rows"]):
            raise BackupError(f"Tabelle „{name}“ enthält fehlerhafte Zeilen.")
        if doc.get("counts", {}).get(name) != len(body["rows"]):
            raise BackupError(f"Tabelle „{name}“ ist unvollständig.")
    return doc


def restore(store: Store, path: str | Path) -> dict[str, int]:
    """Replace the whole store content with the backup (one transaction); rows per table."""
    doc = read_backup(path)
    store.create_schema()
    tables = _tables()
    counts: dict[str, int] = {}
    # A table the backup lacks (written before the table existed) and that nothing links
    # to keeps its content, e.g. the accounts when an older backup is restored.
    kept = {t.name for t in tables if t.name not in doc["tables"] and not t.foreign_keys
            and not any(fk.column.table is t for o in tables for fk in o.foreign_keys)}  # fmt: skip
    with store.engine.begin() as conn:
        for table in reversed(tables):
            if table.name not in kept:
                conn.execute(delete(table))
        for table in tables:
            body = doc["tables"].get(table.name)
            if table.name in kept:
                continue
            if not body or not body["rows"]:
                counts[table.name] = 0
                continue
            cols = [table.c[name] for name in body["columns"]]
            rows = [{c.name: _from_json(c, v) for c, v in zip(cols, r, strict=True)}
                    for r in body["rows"]]  # fmt: skip
            for i in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[i : i + 5000])
            counts[table.name] = len(rows)
        if conn.dialect.name == "postgresql":
            for table in tables:
                for col in table.primary_key.columns:
                    if isinstance(col.type, Integer) and col.autoincrement is True:
                        conn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                            f"'{col.name}'), COALESCE((SELECT MAX({col.name}) FROM "
                            f"{table.name}), 0) + 1, false)"))  # fmt: skip
    return counts
