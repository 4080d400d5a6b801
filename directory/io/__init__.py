"""Import and export of the directory (CSV, XLSX, GeoJSON, HSDS 3.0).

Import::

    preview = load_preview(path_or_bytes, store=store, mapping=None)   # never writes
    preview.counts        # {"new", "update", "unchanged", "error", "rows", "warnings", ...}
    preview.rows[i].problems / preview.file_problems   # Problem(code, severity, message_de)
    commit(store, preview, actor="alice")              # one transaction, all or nothing
    commit(store, preview, actor="alice", skip_errors=True)   # only the valid rows
    refused_file(preview, reason, "Grund")             # the refused rows, same format

Export::

    export_bytes(store, "csv" | "xlsx" | "geojson" | "hsds", service_ids=None)
"""

from directory.io.columns import FLAT_COLUMNS, GERMAN_HEADERS, neutralise, unneutralise
from directory.io.importer import (
    CommitResult,
    ImportRefused,
    Preview,
    RowResult,
    build_preview,
    commit,
    load_preview,
    max_import_bytes,
    max_import_mb,
)
from directory.io.readers import FileRefused, detect_format, read_bytes
from directory.io.refused import refused_file
from directory.io.writers import EXPORT_FORMATS, export_bytes, flat_rows, to_hsds_objects

__all__ = [
    "EXPORT_FORMATS",
    "FLAT_COLUMNS",
    "GERMAN_HEADERS",
    "CommitResult",
    "FileRefused",
    "ImportRefused",
    "Preview",
    "RowResult",
    "build_preview",
    "commit",
    "detect_format",
    "export_bytes",
    "flat_rows",
    "load_preview",
    "max_import_bytes",
    "max_import_mb",
    "neutralise",
    "read_bytes",
    "refused_file",
    "to_hsds_objects",
    "unneutralise",
]
