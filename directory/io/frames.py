"""Tables (pandas frames with German column labels) as CSV or XLSX downloads.

CSV: UTF-8 with BOM, ``;``-separated (Excel opens it correctly). Both formats neutralise
text a spreadsheet could run as a formula (:func:`directory.io.columns.neutralise`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import pandas as pd

from directory.io.columns import neutralise


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, list | tuple | set):
        return neutralise(", ".join(map(str, value)))
    if isinstance(value, bool | int | float):
        return value
    return neutralise(str(value))


def _rows(frame: pd.DataFrame, index: bool) -> list[list[object]]:
    frame = frame.reset_index() if index else frame
    header = [neutralise(str(c)) for c in frame.columns]
    return [header, *([_cell(v) for v in row] for row in frame.itertuples(index=False))]


def csv_bytes(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    """``frame`` as CSV (see module doc)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in _rows(frame, index):
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, index: bool = False) -> bytes:
    """Frames as sheets of one XLSX workbook (sheet names cut to Excel's 31 characters)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(str(name)[:31])
        for row in _rows(frame, index):
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
