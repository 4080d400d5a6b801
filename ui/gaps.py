"""Streamlit glue of the gap page ("Versorgungslücken"): URL ⇄ widgets, maps, tables, files.

The URL is the state (:class:`directory.gaps.GapQuery`); widgets follow the URL whenever it
changed (shared link, back button) and every change is written back. An uploaded demand
file lives only in this session (``st.session_state``), never in the URL or a log.
All computing is in :mod:`directory.gaps`, :mod:`geo.gaps` and :mod:`directory.gaps_report`;
results are cached per view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from dataclasses import replace

import altair as alt
import folium
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from directory import gaps_report as report
from directory.gaps import (
    METRICS,
    GapOutcome,
    GapQuery,
    matching_offers,
    run,
)
from geo import gap_maps, maps
from geo.boundaries import districts_of, load_districts
from geo.demand import DemandFileError, parse_demand_csv
from geo.gaps import nearest_place_name, suggest_sites
from geo.geocode import geocode
from geo.sites import Suggestion
from i18n import t
from i18n.localedata import format_number, format_share
from ui.blocks import escape_markdown
from ui.filters import param_widget, put_in_url, read_widgets, set_widgets
from ui.state import offers

_PREFIX = "g_"  # widget keys: g_<URL name> (g_feld, g_r, g_nachfrage, ...)
SITE_COLOR = "#0072B2"  # Okabe-Ito blue: suggested sites (greedy)
EXACT_COLOR = "#CC79A7"  # Okabe-Ito purple: exact optimum where it differs
SITE_TIME_LIMIT_S = 10.0


#: Data text (offer and place names) in widget labels, which Streamlit renders as markdown.
plain = escape_markdown


def _tr(lang: str):
    return lambda key, **values: t(key, lang, **values)


def _finite(value: float | None) -> bool:
    return value is not None and bool(np.isfinite(value))


def num(value: float, lang: str, digits: int = 0) -> str:
    """A number in the UI language's format and digits ("–" for NaN/inf)."""
    if not _finite(value):
        return "–"
    return format_number(float(value), lang, "#,##0" + ("." + "0" * digits if digits else ""))


def table(frame: pd.DataFrame, **options) -> None:
    """A data table with numbers in the visitor's locale format (text stays plain text)."""
    config = {c: st.column_config.NumberColumn(format="localized")
              for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}  # fmt: skip
    st.dataframe(frame, column_config=config, width="stretch", **options)


# --------------------------------------------------------------------------- URL ⇄ widgets


def current_query() -> GapQuery:
    """The view in the URL; widgets follow the URL whenever it changed."""
    query = GapQuery.from_params(st.query_params.to_dict())
    if st.session_state.get("_gap_url") != query.to_params():
        set_widgets(query, _PREFIX)
        st.session_state["_gap_url"] = query.to_params()
    return query


def write_url(query: GapQuery, *, widgets_match: bool = False) -> None:
    """Put ``query`` into the URL (keeping the UI language)."""
    put_in_url(query, "_gap_url", widgets_match=widgets_match)


def _change(query: GapQuery) -> None:
    """Button callback: a what-if change (widgets follow on the next run)."""
    write_url(query)


def controls(query: GapQuery, frame: pd.DataFrame, lang: str) -> GapQuery:
    """Filters, radius, k, demand and decay; returns the (possibly changed) view."""
    every = {"feld": t("luecken.all_fields", lang), "art": t("luecken.all_kinds", lang),
             "gruppe": t("luecken.all_groups", lang)}  # fmt: skip
    params = GapQuery.params

    def widget(name: str, **options) -> None:
        param_widget(params[name], lang, prefix=_PREFIX, any_label=every.get(name), **options)

    left, middle = st.columns(2)
    with left:
        for name in ("feld", "art", "gruppe"):  # the programme's terms (not plain names)
            widget(name, format_func=lambda v, p=params[name]: p.term(v, lang))
    with middle:
        widget("r", format="%d km", help=t("luecken.radius_help", lang))
        widget("k", help=t("luecken.k_help", lang))
    advanced = query.demand != "einwohner" or query.decay != "keine" or query.include_demo
    with st.expander(t("luecken.more_settings", lang), expanded=advanced):
        widget("nachfrage")
        widget("abfall", horizontal=True)
        has_demo = "is_demo" in frame and bool(frame["is_demo"].astype(bool).any())
        has_real = "is_demo" in frame and bool((~frame["is_demo"].astype(bool)).any())
        if has_demo and has_real:
            widget("demo")
    new = read_widgets(query, _PREFIX)
    if f"{_PREFIX}demo" not in st.session_state:  # the box is not shown: no demo offers
        new = new.with_(include_demo=False)
    if new != query:
        write_url(new, widgets_match=True)
    return new


def uploaded_demand(query: GapQuery, lang: str) -> pd.Series | None:
    """The planner's per-district demand file (this session only), when chosen.

    A bad file gets a message in the UI language and changes nothing (an earlier good
    file stays in use).
    """
    if query.demand != "upload":
        return None
    st.caption(t("luecken.upload_help", lang))
    file = st.file_uploader(t("luecken.upload", lang), type=["csv", "txt"], key="g_upload")
    if file is not None:
        data = file.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if st.session_state.get("_gap_upload_digest") != digest:
            try:
                series = parse_demand_csv(data, load_districts()["ags"])
            except DemandFileError as exc:
                st.error(t(f"luecken.upload.{exc.code}", lang, **exc.values),
                         icon=":material/error:")  # fmt: skip
            else:
                st.session_state["_gap_upload_digest"] = digest
                st.session_state["_gap_demand"] = series
    demand = st.session_state.get("_gap_demand")
    if demand is None:
        st.info(t("luecken.upload_missing", lang), icon=":material/info:")
    else:
        st.caption(t("luecken.upload_used", lang, total=num(demand.sum(), lang)))
    return demand


# --------------------------------------------------------------------------- analysis


def _key(query: GapQuery) -> tuple:
    return tuple(sorted(query.with_(metric="anteil", k=1).to_params().items()))


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _outcome(key: tuple, demand: tuple | None) -> GapOutcome:
    query = GapQuery.from_params(dict(key))
    series = None if demand is None else pd.Series(dict(demand), dtype=float)
    return run(offers(), query, demand=series)


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _suggestion(key: tuple, demand: tuple | None, k: int) -> Suggestion:
    return suggest_sites(_outcome(key, demand).result, k, time_limit_s=SITE_TIME_LIMIT_S)


def _demand_key(demand: pd.Series | None) -> tuple | None:
    return None if demand is None else tuple(demand.items())


def analysis(query: GapQuery, demand: pd.Series | None) -> GapOutcome:
    # the cache key ignores what only changes the display (k, map metric): put them back
    return replace(_outcome(_key(query), _demand_key(demand)), query=query)


def site_suggestion(query: GapQuery, demand: pd.Series | None, lang: str) -> Suggestion:
    with st.spinner(t("luecken.sites_running", lang)):
        return _suggestion(_key(query), _demand_key(demand), query.k)


# --------------------------------------------------------------------------- summary


def summary(outcome: GapOutcome, lang: str) -> None:
    """Four key figures for the whole state."""
    r = outcome.result
    km = format_number(r.radius_km, lang)
    share, mean_km = r.totals["share_beyond"], r.totals["mean_distance_km"]
    figures = [
        (t("luecken.fig.beyond", lang, km=km), num(r.totals["inhabitants_beyond"], lang)),
        (t("luecken.fig.share", lang, km=km),
         format_share(share, lang) if _finite(share) else "–"),
        (t("luecken.fig.mean_distance", lang),
         t("card.distance", lang, km=num(mean_km, lang, 1)) if _finite(mean_km) else "–"),
        (t("luecken.fig.offices", lang), num(r.n_offices, lang)),
    ]  # fmt: skip
    cards = "".join(
        '<div role="group" style="flex:1 1 10rem;border:1px solid #d0d5dd;border-radius:.5rem;'
        f'padding:.5rem .8rem"><div style="font-size:.85rem;color:#4a5260">{html.escape(a)}</div>'
        f'<div style="font-size:1.6rem;font-weight:600"><bdi>{html.escape(b)}</bdi>'
        "</div></div>"
        for a, b in figures
    )
    st.html(f'<div style="display:flex;flex-wrap:wrap;gap:.6rem">{cards}</div>')
    if r.n_offices == 0:
        st.info(t("luecken.no_offices", lang, km=km), icon=":material/info:")


def unplaced_note(outcome: GapOutcome, lang: str) -> None:
    """Matching offers without a map position: counted and named, never dropped silently."""
    off = outcome.unplaced
    if not len(off):
        return
    st.caption(t("luecken.unplaced", lang, n=len(off)))
    with st.expander(t("luecken.unplaced_list", lang, n=len(off))):
        st.dataframe(
            off[["name", "city", "district_ags", "geocode_note"]].rename(columns={
                "name": t("col.name", lang), "city": t("col.city", lang),
                "district_ags": t("luecken.col.ags", lang), "geocode_note": t("col.reason", lang)}),
            hide_index=True, width="stretch",
        )  # fmt: skip


# --------------------------------------------------------------------------- districts


def _legend(items: list[tuple[str, str]], caption: str) -> None:
    boxes = "".join(
        f'<li style="display:inline-block;margin-inline-end:1rem">'
        f'<span aria-hidden="true" style="display:inline-block;width:1rem;height:1rem;'
        f'background:{html.escape(c)};border:1px solid #555;vertical-align:middle;'
        f'margin-inline-end:.3rem"></span><bdi dir="ltr">{html.escape(text)}</bdi></li>'
        for c, text in items
    )
    st.html(f'<div style="font-size:.9rem"><strong>{html.escape(caption)}</strong>'
            f'<ul style="padding:0;margin:.2rem 0;list-style:none">{boxes}</ul></div>')  # fmt: skip


def district_tips(districts: pd.DataFrame, value: dict, lang: str, digits: int,
                  unit: str) -> list[str]:  # fmt: skip
    """Each district's tooltip on the choropleth: its name (German data, marked with
    :func:`geo.maps.german`) and its figure in the UI language's format and digits."""
    return [f"{maps.german(name)}: {num(value[a], lang, digits)}{unit}"
            for a, name in zip(districts["ags"], districts["name"], strict=True)]  # fmt: skip


#: the place map's tooltip fields; the names are German data
PLACE_TIP_GERMAN = ("place", "district")


def place_tips(places: pd.DataFrame, lang: str) -> tuple[str, dict[str, list[str]]]:
    """The place map's tooltip in the UI language: the catalogue text with its placeholders
    left in, and per placeholder one value per place (numbers in the language's format and
    digits; place and district names, :data:`PLACE_TIP_GERMAN`, are German data)."""
    fields = ("place", "district", "km", "n")
    template = t("luecken.place_tip", lang, **{f: f"{{{f}}}" for f in fields})
    values = {
        "place": [str(v) for v in places["name"]],
        "district": [str(v) for v in places["district"]],
        "km": [num(k, lang, 1) for k in places["distance_km"]],
        "n": [num(i, lang) for i in places["inhabitants"]],
    }
    return template, values


def district_map(outcome: GapOutcome, lang: str) -> None:
    """Choropleth of the chosen district figure, with a legend."""
    param_widget(GapQuery.params["kennzahl"], lang, prefix=_PREFIX,
                 format_func=lambda v: t(f"luecken.metric.{v}", lang,
                                         km=f"{outcome.result.radius_km:g}"))  # fmt: skip
    column = METRICS[st.session_state["g_kennzahl"]]
    digits, unit, worse = report.METRIC_STYLE[column]
    values = report.metric_values(outcome, column)
    classes = gap_maps.classify(values, higher_is_worse=worse)
    districts = load_districts()
    r = outcome.result.districts.set_index("ags")
    colour = dict(zip(r.index, classes.color_of(), strict=True))
    value = dict(zip(r.index, values, strict=True))
    tips = district_tips(districts, value, lang, digits, unit)
    m = maps.base_map(zoom=7, lang=lang)
    gap_maps.add_choropleth(m, districts, [colour[a] for a in districts["ags"]], tips)
    label = t(f"luecken.metric.{st.session_state['g_kennzahl']}", lang,
              km=f"{outcome.result.radius_km:g}")  # fmt: skip
    st.caption(t("luecken.map_districts_label", lang, metric=label))
    st_folium(m, key="gap_district_map", height=480, use_container_width=True,
              returned_objects=[])  # fmt: skip
    _legend(report.legend_items(classes, lang, digits, unit, t("luecken.no_data", lang)), label)


def district_table(outcome: GapOutcome, lang: str) -> None:
    """The per-district table and a bar chart of the share beyond R."""
    r = outcome.result
    km = f"{r.radius_km:g}"
    frame = report.headed(report.district_frame(outcome), report.DISTRICT_HEADERS, _tr(lang),
                          r.radius_km)  # fmt: skip
    table(frame, hide_index=True)
    worst = r.districts.assign(share=r.districts["share_beyond"] * 100).sort_values(
        "share", ascending=False).head(15)  # fmt: skip
    title = t("luecken.chart_share", lang, km=km)
    chart = alt.Chart(worst).mark_bar(color="#bd0026").encode(
        x=alt.X("share:Q", title="%"), y=alt.Y("name:N", sort="-x", title=None),
        tooltip=[alt.Tooltip("name:N", title=t("luecken.col.district", lang)),
                 alt.Tooltip("share:Q", title="%", format=".1f")],
    ).properties(title=title, height=alt.Step(18))  # fmt: skip
    # charts lay out left to right in every language (the RTL shell would shift the labels)
    st.html("<style>[data-testid='stVegaLiteChart']{direction:ltr}</style>")
    st.altair_chart(chart, width="stretch")


# --------------------------------------------------------------------------- places


def _distance_classes(km: np.ndarray, radius: float) -> tuple[list[str], list[tuple[str, str]]]:
    edges = [radius / 2, radius, radius * 1.5, radius * 2]
    idx = np.searchsorted(edges, np.where(np.isfinite(km), km, np.inf), side="left")
    colours = [gap_maps.SEQUENTIAL[i] for i in idx]
    return colours, list(zip(gap_maps.SEQUENTIAL, [*edges, np.inf], strict=True))


def place_map(outcome: GapOutcome, suggestion: Suggestion | None, lang: str) -> None:
    """Places (size: inhabitants beyond R, colour: distance class), offices, suggested sites;
    a click offers to add an office there or to leave the clicked office out."""
    r = outcome.result
    p = r.places
    radius = r.radius_km
    colours, classes = _distance_classes(p["distance_km"].to_numpy(float), radius)
    beyond = p["inhabitants_beyond"].to_numpy(float)
    top = beyond.max() if beyond.max() > 0 else 1.0
    radii = np.where(beyond > 0, 4 + 14 * np.sqrt(beyond / top), 3)
    tips = place_tips(p, lang)
    # centre and zoom, not fit_bounds: the map may start in a hidden tab (zero size)
    m = maps.base_map(zoom=7, lang=lang)
    districts = load_districts()
    maps.add_district_outlines(m, districts)
    gap_maps.add_place_dots(m, p["lat"], p["lon"], colours, radii, *tips,
                            german=PLACE_TIP_GERMAN)  # fmt: skip
    offices = outcome.offices
    if len(offices):
        # an office's name, organisation and place are German data; an office added on the
        # map is named by the UI ("hypothetical", in the UI language)
        hypothetical = offices["hypothetical"].astype(bool)
        shown = offices.assign(
            status_label=np.where(hypothetical, t("luecken.hypothetical", lang),
                                  t("luecken.existing", lang)),
            name=[maps.tip_html(t("luecken.hypothetical", lang) if h else maps.german(n))
                  for h, n in zip(hypothetical, offices["name"], strict=True)],
        )  # fmt: skip
        layer = maps.add_offer_points(m, shown, popup_fields=("name", "organization", "city"),
                                      color_by="status_label",
                                      palette=("#000000", "#009E73"),
                                      cluster_options={"maxClusterRadius": 30},
                                      german_fields=("organization", "city"),
                                      html_fields=("name",), lang=lang)  # fmt: skip
        office_legend = layer.legend
    else:
        office_legend = {}
    if suggestion is not None:
        greedy = list(suggestion.greedy.sites)
        exact = [s for s in (suggestion.exact.sites if suggestion.exact else ()) if s not in greedy]
        for sites, colour, key in ((greedy, SITE_COLOR, "luecken.site_tip"),
                                   (exact, EXACT_COLOR, "luecken.site_tip_exact")):  # fmt: skip
            for rank, site in enumerate(sites, start=1):
                row = p.iloc[site]
                folium.CircleMarker(
                    [row["lat"], row["lon"]], radius=14, color=colour, weight=4, fill=False,
                    tooltip=maps.tip_html(t(key, lang, n=rank, place=maps.german(row["name"]))),
                ).add_to(m)  # fmt: skip
    st.caption(t("luecken.map_places_label", lang, km=f"{radius:g}"))
    out = st_folium(m, key="gap_place_map", height=560, use_container_width=True,
                    returned_objects=["last_clicked", "last_object_clicked"])  # fmt: skip
    items, lower = [], 0.0
    for colour, edge in classes:
        if np.isfinite(edge):
            items.append((colour, f"{num(lower, lang)} – {num(edge, lang)} km"))
            lower = edge
        else:
            items.append((colour, t("luecken.km_more", lang, km=num(lower, lang))))
    _legend(items, t("luecken.legend_distance", lang))
    if office_legend:
        _legend([(c, label) for label, c in office_legend.items()],
                t("luecken.legend_offices", lang))  # fmt: skip
    _click_actions(outcome, out or {}, lang)


def _inside(lat: float, lon: float) -> bool:
    return districts_of([lon], [lat])[0] is not None


def _click_change(query: GapQuery, click: str) -> None:
    """Map-click button callback: apply the change and remember the click as handled."""
    st.session_state["_gap_click_done"] = click
    write_url(query)


def _click_actions(outcome: GapOutcome, out: dict, lang: str) -> None:
    """Buttons for the last map click: add an office there, or leave the clicked one out."""
    obj = out.get("last_object_clicked")
    point = obj or out.get("last_clicked")
    if not point or point.get("lat") is None:
        return
    click = f"{point['lat']:.5f},{point['lng']:.5f}"
    if st.session_state.get("_gap_click_done") == click:
        return
    query = outcome.query
    hit = maps.offer_at(outcome.offices, obj) if obj else outcome.offices.iloc[0:0]
    if len(hit):
        row = hit.iloc[0]
        name = t("luecken.hypothetical", lang) if row.get("hypothetical") else row["name"]
        st.button(t("luecken.remove_this", lang, name=plain(name)), key="g_click_remove",
                  on_click=_click_change,
                  args=(query.remove(str(row["service_id"])), click))  # fmt: skip
        return
    lat, lon = float(point["lat"]), float(point["lng"])
    if not _inside(lat, lon):
        st.caption(t("luecken.add_outside", lang))
        return
    added = query.add(lat, lon)
    if added != query:
        st.button(t("luecken.add_here", lang, place=plain(nearest_place_name(lat, lon))),
                  key="g_click_add", on_click=_click_change, args=(added, click))  # fmt: skip


def white_spot_list(outcome: GapOutcome, lang: str) -> None:
    """Ranked list: places with the most inhabitants (demand) beyond R."""
    km = f"{outcome.result.radius_km:g}"
    st.subheader(t("luecken.white_spots_heading", lang, km=km))
    spots = report.white_spots(outcome)
    if spots.empty:
        st.success(t("luecken.no_white_spots", lang, km=km), icon=":material/check_circle:")
        return
    spots.index = np.arange(1, len(spots) + 1)
    table(report.headed(spots, report.PLACE_HEADERS, _tr(lang), outcome.result.radius_km))


# --------------------------------------------------------------------------- sites


def sites_section(outcome: GapOutcome, suggestion: Suggestion | None, lang: str) -> None:
    """Greedy and exact suggestions side by side, with the gap between them."""
    q = outcome.query
    km = f"{outcome.result.radius_km:g}"
    st.subheader(t("luecken.sites_heading", lang, k=q.k, km=km))
    if suggestion is None or not suggestion.greedy.sites:
        st.info(t("luecken.sites_none", lang), icon=":material/info:")
        return
    st.markdown(html.escape(report.site_summary(suggestion, _tr(lang), lang)))
    frame = report.site_frame(outcome, suggestion, _tr(lang))
    table(report.headed(frame, report.SITE_HEADERS, _tr(lang), outcome.result.radius_km),
          hide_index=True)
    st.caption(t("luecken.sites_note", lang, km=km))
    best = suggestion.greedy.sites[0]
    row = outcome.result.places.iloc[best]
    st.button(t("luecken.try_site", lang, place=plain(row["name"])), key="g_try_site",
              on_click=_change, args=(q.add(row["lat"], row["lon"]),))  # fmt: skip


# --------------------------------------------------------------------------- what-if


def what_if(outcome: GapOutcome, frame: pd.DataFrame, lang: str) -> None:
    """Add a hypothetical office by place name, leave an existing one out, undo."""
    q = outcome.query
    st.caption(t("luecken.whatif_intro", lang))
    with st.form("g_add_form", border=False, enter_to_submit=True):
        st.text_input(t("luecken.add_place", lang), key="g_add_q", max_chars=100,
                      placeholder=t("finder.search_placeholder", lang))  # fmt: skip
        submitted = st.form_submit_button(t("luecken.add_button", lang))
    if submitted:
        located = geocode(st.session_state.get("g_add_q") or "")
        if located.status == "found":
            hit = located.matches[0]
            if not _inside(hit.lat, hit.lon):
                st.error(t("luecken.add_outside", lang), icon=":material/error:")
            else:
                write_url(q.add(hit.lat, hit.lon))
                st.rerun()
        elif located.status == "ambiguous":
            st.markdown(html.escape(t("finder.ambiguous", lang)))
            for i, match in enumerate(located.matches[:8]):
                st.button(plain(match.label), key=f"g_add_choice_{i}", on_click=_change,
                          args=(q.add(match.lat, match.lon),))  # fmt: skip
        else:
            st.error(t("luecken.add_not_found", lang), icon=":material/search_off:")
    for i, (lat, lon) in enumerate(q.added):
        st.button(t("luecken.undo_add", lang, place=plain(nearest_place_name(lat, lon))),
                  key=f"g_undo_add_{i}", on_click=_change,
                  args=(q.remove(f"neu-{i}"),))  # fmt: skip

    existing = matching_offers(frame, q)
    existing = existing[~existing["service_id"].isin(q.removed)].drop_duplicates("service_id")
    text = existing["name"].astype(str) + " – " + existing["city"].fillna("").astype(str)
    labels = dict(zip(existing["service_id"], text, strict=True))
    choice = st.selectbox(t("luecken.remove_label", lang), ("", *labels), key="g_remove_pick",
                          format_func=lambda s: labels.get(s, t("luecken.remove_none", lang)))
    st.button(t("luecken.remove_button", lang), key="g_remove_go", disabled=not choice,
              on_click=_change, args=(q.remove(choice),) if choice else (q,))  # fmt: skip
    if q.removed:
        names = frame.drop_duplicates("service_id").set_index("service_id")["name"]
        for sid in q.removed:
            label = names.get(sid, sid)
            st.button(t("luecken.undo_remove", lang, name=plain(label)), key=f"g_undo_rm_{sid}",
                      on_click=_change,
                      args=(q.with_(removed=tuple(r for r in q.removed if r != sid)),))
    if q.added or q.removed:
        st.button(t("luecken.reset", lang), key="g_reset", on_click=_change,
                  args=(q.with_(added=(), removed=()),))  # fmt: skip


# --------------------------------------------------------------------------- method, files


def method(lang: str, radius_km: float) -> None:
    """Formula and parameters in plain words (catalogue text, no data)."""
    km = f"{radius_km:g}"
    for key in ("luecken.method_distance", "luecken.method_demand", "luecken.method_2sfca",
                "luecken.method_decay", "luecken.method_mclp", "luecken.method_limits"):
        st.markdown(t(key, lang, km=km))
    st.caption(t("luecken.sources", lang) + " " + report.ATTRIBUTION)


def downloads(outcome: GapOutcome, suggestion: Suggestion | None, lang: str) -> None:
    """HTML report, XLSX workbook and CSV tables."""
    tr = _tr(lang)
    sheets = report.tables(outcome, suggestion, tr)
    params = report.parameters(outcome, tr, nearest_place_name)
    stamp = dt.date.today().isoformat()
    cols = st.columns(2)
    cols[0].download_button(
        t("luecken.download_html", lang),
        report.html_report(outcome, suggestion, tr, lang, place_name=nearest_place_name),
        file_name=f"versorgungsluecken_{stamp}.html", mime="text/html", key="g_dl_html",
    )  # fmt: skip
    cols[1].download_button(t("luecken.download_xlsx", lang), report.to_xlsx(
        {t(f"luecken.sheet.{k}", lang): v for k, v in sheets.items()}, params),
        file_name=f"versorgungsluecken_{stamp}.xlsx", key="g_dl_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
    for col, name in zip(st.columns(3), ("districts", "places", "sites"), strict=True):
        col.download_button(t(f"luecken.download_{name}", lang), report.to_csv(sheets[name]),
                            file_name=f"versorgungsluecken_{name}_{stamp}.csv",
                            mime="text/csv", key=f"g_dl_{name}")  # fmt: skip
