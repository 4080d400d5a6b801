"""A printable A4 view of a network (or district, or the whole state): static SVG map,
members, coverage matrix, stale entries — one self-contained HTML document (no script, no
external resource), downloaded from the page and printed by the browser.

Every text is escaped here; callers pass plain strings and frames with display labels.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

PRINT_CSS = """
@page { size: A4 portrait; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm;
  break-after: avoid; }
p.meta { color: #333; margin: 0 0 3mm; font-size: 9pt; }
.map { width: 100%; max-height: 120mm; margin: 0 0 2mm; }
.map svg { max-height: 120mm; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; break-inside: auto; }
th, td { border: 0.5pt solid #888; padding: 1mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #e8edf3; } thead { display: table-header-group; }
tr { break-inside: avoid; }
td.zero { background: #fde2e1; font-weight: bold; text-align: right; }
table.matrix { table-layout: fixed; font-size: 7pt; }
table.matrix th { overflow-wrap: anywhere; hyphens: auto; font-weight: 600; }
table.matrix th:first-child { width: 22mm; }
table.matrix.rows th:first-child { width: 62mm; }
table.matrix.rows { font-size: 8pt; }
td.num { text-align: right; }
ul.legend { list-style: none; padding: 0; margin: 0 0 2mm; font-size: 8.5pt; }
ul.legend li { display: inline-block; margin-right: 5mm; }
footer { margin-top: 5mm; font-size: 8pt; color: #444; }
@media screen { body { max-width: 190mm; margin: 8mm auto; } }
"""


def _table(frame: pd.DataFrame, *, index: bool = False, highlight_zero: bool = False) -> str:
    if frame.empty:
        return ""
    frame = frame.reset_index() if index else frame
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for i, v in enumerate(row):
            text = ", ".join(map(str, v)) if isinstance(v, list | tuple) else (
                "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            cls = " class=\"zero\"" if highlight_zero and numeric and v == 0 and i > 0 else (
                ' class="num"' if numeric else "")
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cls = ' class="matrix rows"' if highlight_zero == "rows" else (
        ' class="matrix"' if highlight_zero else "")
    return (f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table>")


def report_html(*, lang: str, title: str, meta: Sequence[str], map_svg: str,
                legend: Sequence[tuple[str, str]],
                sections: Sequence[tuple[str, str, pd.DataFrame, bool]],
                footer: Sequence[str]) -> str:  # fmt: skip
    """The printable document.

    ``map_svg`` is trusted SVG built by :func:`geo.netmap.districts_svg` (escaped there),
    ``legend`` pairs of (trusted swatch SVG, plain label);
    ``sections`` are ``(heading, note, frame, highlight_zero)`` (``"rows"``: a matrix with
    long row labels); all other strings are
    plain text and escaped here.
    """
    esc = html.escape
    parts = [f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
             f"<title>{esc(title)}</title><style>{PRINT_CSS}</style></head><body>",
             f"<h1>{esc(title)}</h1>",
             *(f'<p class="meta">{esc(m)}</p>' for m in meta),
             f'<div class="map">{map_svg}</div>',
             '<ul class="legend">' + "".join(f"<li>{sw} {esc(label)}</li>" for sw, label in legend)
             + "</ul>"]
    for heading, note, frame, zero in sections:
        parts.append(f"<h2>{esc(heading)}</h2>")
        if note:
            parts.append(f'<p class="meta">{esc(note)}</p>')
        parts.append(_table(frame, index=False, highlight_zero=zero))
    parts.append("<footer>" + "<br>".join(esc(f) for f in footer) + "</footer></body></html>")
    return "".join(parts)
