"""The gap analysis as files: CSV and XLSX tables, and a self-contained printable HTML report.

Column headers and texts come from the UI catalogue (``translate(key, **values)``, the
page's bound :func:`i18n.t`), numbers in the UI language's format (Babel, CLDR). The HTML
report has everything inline (CSS, an SVG map from the district geometries, SVG bars): it
loads nothing from any host when opened or printed. Text from data (place and offer names)
is escaped; CSV/XLSX cells that a spreadsheet could run as a formula are neutralised.

No Streamlit import here.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Callable

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from directory.gaps import GapOutcome
from directory.io.columns import neutralise
from geo.boundaries import load_districts
from geo.gap_maps import NO_DATA_COLOR, classify, svg_map
from geo.population import ATTRIBUTION, STATISTICS_YEAR
from geo.sites import Suggestion
from i18n import direction

Translate = Callable[..., str]

#: District columns shown and exported, with the catalogue key of each header.
DISTRICT_HEADERS: dict[str, str] = {
    "ags": "luecken.col.ags", "name": "luecken.col.district",
    "inhabitants": "luecken.col.inhabitants", "inhabitants_beyond": "luecken.col.beyond",
    "share_beyond": "luecken.col.share_beyond", "mean_distance_km": "luecken.col.mean_distance",
    "offers": "luecken.col.offers", "offers_per_100k": "luecken.col.per_100k",
    "offers_per_10k_foreign": "luecken.col.per_10k_foreign", "access": "luecken.col.access",
    "demand": "luecken.col.demand", "demand_beyond": "luecken.col.demand_beyond",
}  # fmt: skip
PLACE_HEADERS: dict[str, str] = {
    "name": "luecken.col.place", "district": "luecken.col.district", "ags": "luecken.col.ags",
    "inhabitants": "luecken.col.inhabitants", "distance_km": "luecken.col.distance",
    "beyond": "luecken.col.is_beyond", "access": "luecken.col.access",
    "demand": "luecken.col.demand", "lat": "luecken.col.lat", "lon": "luecken.col.lon",
}  # fmt: skip
SITE_HEADERS: dict[str, str] = {
    "method": "luecken.col.method", "rank": "luecken.col.rank", "name": "luecken.col.place",
    "district": "luecken.col.district", "gain": "luecken.col.gain",
    "cumulative": "luecken.col.cumulative", "lat": "luecken.col.lat", "lon": "luecken.col.lon",
}  # fmt: skip
_ROUND = {"inhabitants": 0, "inhabitants_beyond": 0, "share_beyond": 1, "mean_distance_km": 1,
          "offers_per_100k": 2, "offers_per_10k_foreign": 2, "access": 2, "demand": 0,
          "demand_beyond": 0, "distance_km": 1, "gain": 0, "cumulative": 0}  # fmt: skip


def uses_custom_demand(outcome: GapOutcome) -> bool:
    return outcome.demand_source != "population"


def district_frame(outcome: GapOutcome) -> pd.DataFrame:
    """Per-district table (raw column names, share in %, rounded)."""
    d = outcome.result.districts.copy()
    d["share_beyond"] = d["share_beyond"] * 100
    if not uses_custom_demand(outcome):
        d = d.drop(columns=["demand", "demand_beyond"])
    return _rounded(d)


def place_frame(outcome: GapOutcome) -> pd.DataFrame:
    """Every place, worst first (most inhabitants beyond the radius, then farthest)."""
    p = outcome.result.places
    cols = ["name", "district", "ags", "inhabitants", "distance_km", "beyond", "access",
            *(["demand"] if uses_custom_demand(outcome) else []), "lat", "lon"]  # fmt: skip
    out = p.assign(_key=p["inhabitants_beyond"]).sort_values(
        ["_key", "distance_km", "name"], ascending=[False, False, True], kind="stable")[cols]
    out = out.assign(distance_km=out["distance_km"].where(np.isfinite(out["distance_km"])))
    return _rounded(out).reset_index(drop=True)


def white_spots(outcome: GapOutcome, n: int = 20) -> pd.DataFrame:
    """The ``n`` places with the most inhabitants (or demand) beyond the radius."""
    p = outcome.result.places
    key = "demand_beyond" if uses_custom_demand(outcome) else "inhabitants_beyond"
    worst = p[p[key] > 0].sort_values([key, "distance_km"], ascending=[False, False],
                                      kind="stable").head(n)  # fmt: skip
    cols = ["name", "district", "inhabitants", "distance_km",
            *(["demand"] if uses_custom_demand(outcome) else [])]  # fmt: skip
    out = worst[cols].assign(distance_km=worst["distance_km"].where(
        np.isfinite(worst["distance_km"])))  # fmt: skip
    return _rounded(out).reset_index(drop=True)


def site_frame(outcome: GapOutcome, suggestion: Suggestion | None,
               translate: Translate) -> pd.DataFrame:  # fmt: skip
    """Suggested sites of both methods, in pick order, with what each adds."""
    rows = []
    if suggestion is not None:
        p = outcome.result.places
        for method, sol in (("greedy", suggestion.greedy), ("exact", suggestion.exact)):
            if sol is None or sol.status == "failed":
                continue
            total = 0.0
            for rank, (site, gain) in enumerate(zip(sol.sites, sol.gains, strict=True), start=1):
                total += gain
                place = p.iloc[site]
                rows.append({"method": translate(f"luecken.method.{method}"), "rank": rank,
                             "name": place["name"], "district": place["district"],
                             "gain": gain, "cumulative": total,
                             "lat": place["lat"], "lon": place["lon"]})  # fmt: skip
    return _rounded(pd.DataFrame(rows, columns=list(SITE_HEADERS)))


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col, digits in _ROUND.items():
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(digits)
            if digits == 0:
                out[col] = out[col].astype("Int64")
    return out


def headed(frame: pd.DataFrame, headers: dict[str, str], translate: Translate,
           radius_km: float) -> pd.DataFrame:  # fmt: skip
    """``frame`` with translated column headers (yes/no for booleans)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            yes_no = {True: translate("luecken.yes"), False: translate("luecken.no")}
            out[col] = out[col].map(yes_no)
    return out.rename(columns={c: translate(headers[c], km=_km(radius_km)) for c in out.columns})


def _km(radius_km: float) -> str:
    return f"{radius_km:g}"


def tables(outcome: GapOutcome, suggestion: Suggestion | None,
           translate: Translate) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The three report tables with translated headers: districts, places, sites."""
    r = outcome.result.radius_km
    return {
        "districts": headed(district_frame(outcome), DISTRICT_HEADERS, translate, r),
        "places": headed(place_frame(outcome), PLACE_HEADERS, translate, r),
        "sites": headed(site_frame(outcome, suggestion, translate), SITE_HEADERS, translate, r),
    }


def to_csv(frame: pd.DataFrame) -> bytes:
    """``;``-separated UTF-8 with BOM (opens in German spreadsheet programs), formulas
    neutralised."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else neutralise(v) if isinstance(v, str) else v
                         for v in row])  # fmt: skip
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame], parameters: list[tuple[str, str]]) -> bytes:
    """One workbook: a parameters sheet and one sheet per table (formulas neutralised)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Parameter")
    for key, value in parameters:
        ws.append([neutralise(key), neutralise(value)])
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        ws.append([neutralise(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([None if pd.isna(v) else neutralise(v) if isinstance(v, str) else
                       (v.item() if hasattr(v, "item") else v) for v in row])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- parameters


def parameters(outcome: GapOutcome, translate: Translate,
               place_name: Callable[[float, float], str] | None = None,
               ) -> list[tuple[str, str]]:  # fmt: skip
    """The analysis parameters as (label, value) pairs, for every report format."""
    q = outcome.query
    r = outcome.result

    def opt(prefix: str, value: str | None, every: str) -> str:
        return translate(f"{prefix}.{value}") if value else translate(every)

    added = "; ".join(
        (place_name(lat, lon) if place_name else f"{lat:.4f}, {lon:.4f}")
        for lat, lon in q.added) or "–"  # fmt: skip
    return [
        (translate("luecken.param.field"), opt("field", q.field, "luecken.all_fields")),
        (translate("luecken.param.kind"), opt("kind", q.kind, "luecken.all_kinds")),
        (translate("luecken.param.group"), opt("group", q.group, "luecken.all_groups")),
        (translate("luecken.param.radius"), translate("luecken.radius_value", km=_km(r.radius_km))),
        (translate("luecken.param.k"), str(q.k)),
        (translate("luecken.param.demand"), translate(f"luecken.demand.{outcome.demand_source}")),
        (translate("luecken.param.decay"), translate(f"luecken.decay.{r.decay}")),
        (translate("luecken.param.offices"), str(r.n_offices)),
        (translate("luecken.param.unplaced"), str(len(outcome.unplaced))),
        (translate("luecken.param.added"), added),
        (translate("luecken.param.removed"), "; ".join(outcome.removed_names) or "–"),
        (translate("luecken.param.demo"),
         translate("luecken.yes") if outcome.demo_used else translate("luecken.no")),
        (translate("luecken.param.statistics"), f"31.12.{STATISTICS_YEAR}"),
    ]  # fmt: skip


# --------------------------------------------------------------------------- HTML


def _fmt(value: object, lang: str, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or (
            value is pd.NA):  # fmt: skip
        return "–"
    if isinstance(value, str):
        return value
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(float(value), format=pattern, locale=lang)


def _table_html(frame: pd.DataFrame, lang: str, caption: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, str):
                cells.append(f"<td>{html.escape(v)}</td>")
            else:
                digits = 0 if isinstance(v, int | np.integer) else 1
                if isinstance(v, float) and abs(v) < 10 and v != 0:
                    digits = 2
                cells.append(f'<td class="num">{html.escape(_fmt(v, lang, digits))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")  # fmt: skip


def _bars_svg(labels: list[str], values: list[float], lang: str, label: str,
              unit: str = " %") -> str:  # fmt: skip
    """Horizontal bars as inline SVG (no script)."""
    width, bar_h, gap, left = 640, 16, 6, 210
    top = max(values) if values and max(values) > 0 else 1.0
    rows = []
    for i, (name, v) in enumerate(zip(labels, values, strict=True)):
        y = i * (bar_h + gap)
        w = (width - left - 70) * (v / top)
        rows.append(
            f'<text x="{left - 8}" y="{y + 12}" text-anchor="end" font-size="12">'
            f"{html.escape(name)}</text>"
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#bd0026"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + 12}" font-size="12">'
            f"{html.escape(_fmt(v, lang, 1))}{html.escape(unit)}</text>"
        )
    height = max(1, len(labels)) * (bar_h + gap)
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'style="direction:ltr" role="img" aria-label="{html.escape(label)}">'
            f'{"".join(rows)}</svg>')  # fmt: skip


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",
sans-serif;color:#1a1a1a;margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}
caption{text-align:start;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:start;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:end;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;width:1rem;height:1rem;border:1px solid #555;
vertical-align:middle;margin-inline-end:.3rem}.legend li{list-style:none;display:inline-block;
margin-inline-end:1rem}.legend{padding:0}.note{font-size:.85rem;color:#4a5260}
.figures{display:flex;flex-wrap:wrap;gap:1rem}.figures div{border:1px solid #ccc;
padding:.5rem .8rem;border-radius:.3rem}.figures b{display:block;font-size:1.3rem}
svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}
"""


def legend_items(classes, lang: str, digits: int, unit: str,
                 no_data: str) -> list[tuple[str, str]]:  # fmt: skip
    """(colour, "from – to unit") per class, plus no data when some value is missing."""
    items = []
    for lo, hi, color in zip(classes.lower, classes.upper, classes.colors, strict=True):
        text = (_fmt(lo, lang, digits) if lo == hi else
                f"{_fmt(lo, lang, digits)} – {_fmt(hi, lang, digits)}")  # fmt: skip
        items.append((color, f"{text}{unit}"))
    if (classes.index < 0).any():
        items.append((NO_DATA_COLOR, no_data))
    return items


#: District column → (digits, unit, higher is worse) for maps and legends.
METRIC_STYLE: dict[str, tuple[int, str, bool]] = {
    "share_beyond": (1, " %", True), "mean_distance_km": (1, " km", True),
    "offers_per_100k": (2, "", False), "access": (2, "", False),
}  # fmt: skip


def metric_values(outcome: GapOutcome, column: str) -> np.ndarray:
    values = outcome.result.districts[column].to_numpy(float)
    return values * 100 if column == "share_beyond" else values


def html_report(
    outcome: GapOutcome,
    suggestion: Suggestion | None,
    translate: Translate,
    lang: str,
    *,
    generated: dt.datetime | None = None,
    place_name: Callable[[float, float], str] | None = None,
) -> str:
    """The printable report as one HTML document (see the module docstring)."""
    r = outcome.result
    km = _km(r.radius_km)
    when = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    column = outcome.query.metric_column
    digits, unit, worse = METRIC_STYLE[column]
    values = metric_values(outcome, column)
    classes = classify(values, higher_is_worse=worse)
    districts = load_districts()
    order = districts["ags"].tolist()
    by_ags = dict(zip(r.districts["ags"], classes.color_of(), strict=True))
    vals = dict(zip(r.districts["ags"], values, strict=True))
    metric_label = translate(f"luecken.metric.{outcome.query.metric}", km=km)
    titles = [f"{n}: {_fmt(vals[a], lang, digits)}{unit}"
              for a, n in zip(order, districts["name"], strict=True)]  # fmt: skip
    site_points = None
    if suggestion is not None and suggestion.greedy.sites:
        p = r.places.iloc[list(suggestion.greedy.sites)]
        site_points = pd.DataFrame({"lat": p["lat"], "lon": p["lon"], "label": p["name"],
                                    "color": "#0072B2"})  # fmt: skip
    svg = svg_map(districts, [by_ags[a] for a in order], titles, label=metric_label,
                  points=site_points)  # fmt: skip
    legend = "".join(f'<li><span style="background:{html.escape(c)}"></span>'
                     f'<bdi dir="ltr">{html.escape(t)}</bdi></li>'
                     for c, t in legend_items(classes, lang, digits, unit,
                                              translate("luecken.no_data")))  # fmt: skip

    worst = r.districts.assign(_v=r.districts["share_beyond"] * 100).sort_values(
        "_v", ascending=False, kind="stable").head(15)  # fmt: skip
    bars = _bars_svg(worst["name"].tolist(), worst["_v"].tolist(), lang,
                     translate("luecken.chart_share", km=km))  # fmt: skip

    t = tables(outcome, suggestion, translate)
    spots = headed(white_spots(outcome, 25), PLACE_HEADERS, translate, r.radius_km)
    params = "".join(f"<tr><th scope=\"row\">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                     for k, v in parameters(outcome, translate, place_name))  # fmt: skip
    totals = r.totals
    figures = [
        (translate("luecken.fig.beyond", km=km), _fmt(totals["inhabitants_beyond"], lang)),
        (translate("luecken.fig.share", km=km), _fmt(totals["share_beyond"] * 100, lang, 1) + " %"),
        (translate("luecken.fig.mean_distance"), _fmt(totals["mean_distance_km"], lang, 1) + " km"),
        (translate("luecken.fig.offices"), _fmt(r.n_offices, lang)),
    ]  # fmt: skip
    fig_html = "".join(f'<div>{html.escape(a)}<b><bdi dir="ltr">{html.escape(b)}</bdi></b></div>'
                       for a, b in figures)  # fmt: skip
    unplaced = ""
    if len(outcome.unplaced):
        names = ", ".join(sorted(set(outcome.unplaced["name"].astype(str))))
        text = translate("luecken.unplaced", n=len(outcome.unplaced))
        unplaced = f'<p class="note">{html.escape(text)} {html.escape(names)}</p>'
    sites_part = html.escape(translate("luecken.sites_none"))
    if suggestion is not None and len(t["sites"]):
        caption = translate("luecken.sites_heading", k=outcome.query.k, km=km)
        sites_part = (f"<p>{html.escape(site_summary(suggestion, translate, lang))}</p>"
                      + _table_html(t["sites"], lang, caption))
    demo = (f'<p class="note"><strong>{html.escape(translate("banner.demo"))}</strong></p>'
            if outcome.demo_used else "")  # fmt: skip
    title = translate("luecken.report_title")
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}" dir="{direction(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{html.escape(title)}</title><style>{_CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">{html.escape(outcome.query.describe(lang))} · {html.escape(when)}</p>
{demo}
<h2>{html.escape(translate("luecken.param_heading"))}</h2>
<table><tbody>{params}</tbody></table>
{unplaced}
<h2>{html.escape(translate("luecken.figures_heading"))}</h2>
<div class="figures">{fig_html}</div>
<h2>{html.escape(metric_label)}</h2>
{svg}
<ul class="legend">{legend}</ul>
<p class="note">{html.escape(translate("luecken.report_map_note"))}</p>
<h2>{html.escape(translate("luecken.chart_share", km=km))}</h2>
{bars}
<h2>{html.escape(translate("luecken.districts_heading"))}</h2>
{_table_html(t["districts"], lang, translate("luecken.districts_heading"))}
<h2>{html.escape(translate("luecken.white_spots_heading", km=km))}</h2>
{_table_html(spots, lang, translate("luecken.white_spots_heading", km=km))}
<h2>{html.escape(translate("luecken.sites_heading", k=outcome.query.k, km=km))}</h2>
{sites_part}
<h2>{html.escape(translate("luecken.method_heading"))}</h2>
<p>{html.escape(translate("luecken.method_distance", km=km))}</p>
<p>{html.escape(translate("luecken.method_2sfca", km=km))}</p>
<p>{html.escape(translate("luecken.method_mclp", km=km))}</p>
<p class="note">{html.escape(translate("luecken.sources"))} {html.escape(ATTRIBUTION)}</p>
</body></html>
"""


def site_summary(suggestion: Suggestion, translate: Translate, lang: str) -> str:
    """One sentence: greedy total, exact total and status, and the gap."""
    g = suggestion.greedy.covered
    ex = suggestion.exact
    if ex is None or ex.status == "failed":
        return translate("luecken.sites_bound", greedy=_fmt(g, lang),
                         bound=_fmt(suggestion.bound, lang),
                         gap=_fmt(suggestion.gap * 100, lang, 1))  # fmt: skip
    key = "luecken.sites_exact" if ex.status == "optimal" else "luecken.sites_feasible"
    return translate(key, greedy=_fmt(g, lang), exact=_fmt(ex.covered, lang),
                     gap=_fmt(suggestion.gap * 100, lang, 1),
                     seconds=_fmt(ex.seconds, lang, 1))  # fmt: skip
