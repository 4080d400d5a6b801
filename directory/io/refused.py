"""The refused rows of an import, handed back in the file's own format with the reason.

After a partial commit (``commit(..., skip_errors=True)``) a coordinator fixes only the
refused rows: :func:`refused_file` writes them as they stood in the uploaded file — the same
headers, delimiter and encoding for CSV, a sheet for XLSX, the same features for GeoJSON, the
same objects for HSDS JSON — plus one column (property, key) with the reason in the UI
language. An HSDS data package (ZIP) comes back as HSDS JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from directory.io.importer import Preview, RowResult

MIME = {"csv": "text/csv", "geojson": "application/geo+json", "hsds": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip


def refused_rows(preview: Preview) -> list[RowResult]:
    return [r for r in preview.rows if r.action == "error"]


def refused_file(preview: Preview, reason: Callable[[RowResult], str],
                 reason_header: str) -> tuple[bytes, str, str]:  # fmt: skip
    """``(content, file suffix, MIME type)`` of the refused rows (see module doc)."""
    rows = refused_rows(preview)
    fmt = preview.format or "csv"
    if fmt == "geojson":
        features = []
        for r in rows:
            feat = dict(r.source) if isinstance(r.source, dict) else {"type": "Feature"}
            feat["properties"] = {**(feat.get("properties") or {}), reason_header: reason(r)}
            features.append(feat)
        doc = {"type": "FeatureCollection", "features": features}
        return json.dumps(doc, ensure_ascii=False, indent=1).encode(), "geojson", MIME["geojson"]
    if fmt in ("hsds", "hsds-zip"):
        items: dict[int, dict] = {}
        for r in rows:
            item = items.setdefault(id(r.source), dict(r.source) if isinstance(r.source, dict)
                                    else {})  # fmt: skip
            item[reason_header] = "; ".join(filter(None, [item.get(reason_header), reason(r)]))
        data = json.dumps(list(items.values()), ensure_ascii=False, indent=1).encode()
        return data, "json", MIME["hsds"]
    table = [[*preview.headers, reason_header]]
    width = len(preview.headers)
    for r in rows:
        cells = list(r.source) if isinstance(r.source, list | tuple) else []
        cells = (cells + [None] * width)[: max(width, len(cells))]
        table.append([*cells, reason(r)])
    if fmt == "xlsx":
        return _xlsx(table), "xlsx", MIME["xlsx"]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=preview.delimiter or ";", lineterminator="\r\n")
    for line in table:
        writer.writerow(["" if v is None else v for v in line])
    encoding = (preview.encoding or "utf-8").replace(" (BOM)", "-sig")
    return buf.getvalue().encode(encoding, errors="replace"), "csv", MIME["csv"]


def _xlsx(table: list[list[Any]]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Abgelehnt")
    for line in table:
        cells = []
        for value in line:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text as text: never a formula
            cells.append(cell)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
