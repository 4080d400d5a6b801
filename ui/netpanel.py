"""The network page below the map: panel of the chosen network or district, coverage
matrix, freshness (with one-click confirmation for logged-in coordinators), exports and the
printable view. Analysis lives in :mod:`geo.coverage`, :mod:`directory.graph` and
:mod:`directory.freshness`; this module renders.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from directory.editing import EditError, Editor
from directory.finder import FinderQuery
from directory.freshness import stale_after_days, stale_offers
from directory.graph import network_organizations
from directory.io.frames import csv_bytes, xlsx_bytes
from directory.network_view import MATRIX_DIMENSIONS, NetworkQuery
from directory.report import report_html
from directory.store import NotFoundError
from geo import netmap
from geo.boundaries import load_districts
from geo.coverage import DIMENSIONS, coverage_matrix, per_100k, single_provider_cells
from geo.population import ATTRIBUTION, STATISTICS_YEAR
from i18n import t
from ui.auth import current_user
from ui.filters import param_widget
from ui.netzwerke import Context, district_frame, district_names, neighbours, safe_link
from ui.state import data_stamp, directory_store, offers
from ui.tables import html_table

STALE_PAGE = 15
ZERO_STYLE = "background-color:#fde2e1;color:#7a1712;font-weight:600"


@st.cache_resource(show_spinner=False)
def _editor() -> Editor:
    return Editor(directory_store())


def scope(query: NetworkQuery, ctx: Context) -> list[str]:
    """Districts of the view: the chosen district, the network's, or all 45."""
    if query.district:
        return [query.district]
    if query.network:
        return ctx.districts_of(query.network)
    return sorted(district_names())


def scope_title(query: NetworkQuery, ctx: Context, lang: str) -> str:
    if query.district:
        return district_names().get(query.district, query.district)
    if query.network:
        return ctx.names().get(query.network, query.network)
    return t("net.statewide", lang)


# -- organizations of the view -----------------------------------------------------------------
def organizations(query: NetworkQuery, ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """The organizations of the view (:func:`directory.graph.network_organizations`),
    cached per selection until the store changes (``frame`` must be ``offers()``)."""
    return _organizations_at(query.network, query.district, data_stamp())


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _organizations_at(network: str | None, district: str | None, stamp: int) -> pd.DataFrame:
    from ui.netzwerke import context

    ctx, frame = context(), offers()
    query = NetworkQuery(network=network, district=district)
    if network and not district:
        return network_organizations(network, frame, ctx.memberships, ctx.assignments)
    net = ctx.network_of().get(district) if district else None
    return network_organizations(net, frame, ctx.memberships, ctx.assignments,
                                 districts=set(scope(query, ctx)))  # fmt: skip


def members_display(orgs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Organizations with labels instead of codes (also the export)."""
    names = district_names()
    return pd.DataFrame({
        t("net.col.organization", lang): orgs["organization"],
        t("net.col.membership", lang): orgs["membership"].map(
            lambda m: t(f"net.membership.{m}", lang)),
        t("net.col.role", lang): orgs["role"].map(
            lambda r: t("net.role.lead", lang) if r == "lead" else ""),
        t("net.col.offers", lang): orgs["offers"].astype(int),
        t("net.col.kinds", lang): orgs["kinds"].map(
            lambda ks: ", ".join(t(f"kind.{k}", lang) for k in ks)),
        t("net.col.fields", lang): orgs["fields"].map(
            lambda fs: ", ".join(t(f"field.{f}", lang) for f in fs)),
        t("net.col.districts", lang): orgs["districts"].map(
            lambda ds: ", ".join(names.get(d, d) for d in ds)),
    }).astype(object)  # fmt: skip


# -- panel -------------------------------------------------------------------------------------
def _sources_html(sources: tuple, lang: str) -> str:
    items = []
    for src in sources:
        date = f" ({html.escape(str(src.get('date')))})" if src.get("date") else ""
        excerpt = (f'<br><q lang="de" dir="ltr">{html.escape(str(src["excerpt"]))}</q>'
                   if src.get("excerpt")
                   else "")  # fmt: skip
        items.append(f"<li>{safe_link(src.get('url'))}{date}{excerpt}</li>")
    if not items:
        return f"<p>{html.escape(t('net.no_sources', lang))}</p>"
    return f"<ul>{''.join(items)}</ul>"


def panel(query: NetworkQuery, ctx: Context, orgs: pd.DataFrame, lang: str) -> None:
    """Name, status with sources, lead, districts, neighbours — of a network or district."""
    names, net_of, dnames = ctx.names(), ctx.network_of(), district_names()
    esc = html.escape
    parts: list[str] = []
    if query.network and not query.district:
        row = ctx.networks.set_index("network_id").loc[query.network]
        districts = ctx.districts_of(query.network)
        parts.append(f"<h3>{esc(row['name'])}</h3>")
        parts.append(f"<p><strong>{esc(t('net.status', lang))}:</strong> "
                     f"{esc(t(f'net.name_status.{row.status}', lang))} · "
                     f"{esc(t(f'net.coverage_status.{row.coverage_status}', lang))}</p>")
        leads = list(orgs.loc[orgs["role"] == "lead", "organization"])
        lead = row["lead"] or (", ".join(leads) if leads else None)
        parts.append(f"<p><strong>{esc(t('net.lead', lang))}:</strong> "
                     f"{esc(lead or t('net.unknown', lang))}</p>")
        if row["alt_names"]:
            parts.append(f"<p><strong>{esc(t('net.alt_names', lang))}:</strong> "
                         f"{esc(', '.join(row['alt_names']))}</p>")
        basis = dict(zip(ctx.assignments["district_ags"], ctx.assignments["note"], strict=True))
        items = "".join(f"<li>{esc(dnames.get(a, a))}"
                        + (f" – {esc(str(basis[a]))}" if basis.get(a) else "") + "</li>"
                        for a in districts)  # fmt: skip
        parts.append(f"<p><strong>{esc(t('net.districts', lang, n=len(districts)))}</strong></p>"
                     + (f"<ul>{items}</ul>" if items else
                        f"<p>{esc(t('net.no_districts', lang))}</p>"))  # fmt: skip
        near = sorted({net_of.get(n) for a in districts for n in neighbours().get(a, ())}
                      - {query.network, None}, key=lambda n: names.get(n, n))  # fmt: skip
        parts.append(f"<p><strong>{esc(t('net.neighbours', lang))}:</strong> "
                     + esc(", ".join(names.get(n, n) for n in near) or t("net.none", lang))
                     + "</p>")
        parts.append(f"<p><strong>{esc(t('net.sources', lang))}:</strong></p>"
                     + _sources_html(row["sources"], lang))
    elif query.district:
        a = query.district
        info = district_frame().set_index("ags").loc[a]
        net = net_of.get(a)
        status = dict(zip(ctx.assignments["district_ags"], ctx.assignments["status"],
                          strict=True)).get(a, "unknown")  # fmt: skip
        parts.append(f"<h3>{esc(str(info['name']))}</h3>")
        parts.append(f"<p>{esc(t('net.region', lang))}: {esc(str(info['region']))} · "
                     f"{esc(t('net.population', lang, n=f'{int(info.population):,}'.replace(',', '.'), year=STATISTICS_YEAR))}</p>")  # noqa: E501
        network = (f"{names.get(net, net)} ({t(f'net.assignment.{status}', lang)})" if net
                   else t("net.no_network", lang))  # fmt: skip
        parts.append(f"<p><strong>{esc(t('net.network', lang))}:</strong> {esc(network)}</p>")
        near = neighbours().get(a, ())
        parts.append(f"<p><strong>{esc(t('net.neighbour_districts', lang))}:</strong> "
                     + esc(", ".join(f"{dnames.get(n, n)} ({names.get(net_of.get(n), '–')})"
                                     for n in near) or t("net.none", lang)) + "</p>")
    else:
        return
    st.html(f'<div class="atlas-panel" style="overflow-wrap:anywhere">{"".join(parts)}</div>')


# -- coverage ----------------------------------------------------------------------------------
def _filtered_except(query: NetworkQuery, frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Offers filtered by every filter except the one the matrix is about."""
    keep = {"field": query.field, "kind": query.kind, "group": query.group}
    keep[dimension] = None
    return FinderQuery(**keep).apply(frame)


def coverage(query: NetworkQuery, ctx: Context, frame: pd.DataFrame, lang: str,
             ) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The district × category matrix (counts, per 100,000) of the view, with labels."""
    dimension = MATRIX_DIMENSIONS[query.matrix]
    districts = scope(query, ctx)
    counts = coverage_matrix(_filtered_except(query, frame, dimension), dimension, districts)
    population = load_districts().set_index("ags")["population"]
    rates = per_100k(counts, population)
    prefix = {"field": "field", "kind": "kind", "group": "group"}[dimension]
    labels = [t(f"{prefix}.{c}", lang) for c in DIMENSIONS[dimension][1]] + [t("net.total", lang)]
    dnames = district_names()
    for m in (counts, rates):
        m.columns = labels
        m.index = [dnames.get(a, a) for a in m.index]
        m.index.name = t("net.col.district", lang)
    return counts, rates


def _zero_style(value: object) -> str:
    return ZERO_STYLE if value == 0 else ""


def coverage_section(query: NetworkQuery, ctx: Context, frame: pd.DataFrame, lang: str,
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    param_widget(NetworkQuery.params["matrix"], lang, prefix="n_", horizontal=True,
                 on_change=_matrix_changed)  # fmt: skip
    counts, rates = coverage(query, ctx, frame, lang)
    per = st.toggle(t("net.per_100k", lang), key="n_per100k")
    shown = rates if per else counts
    body = shown.columns[:-1]
    styler = shown.style.map(_zero_style, subset=body)
    if per:
        styler = styler.format("{:.1f}", na_rep="–")
    st.dataframe(styler, width="stretch")
    empty = int((counts[body] == 0).to_numpy().sum())
    st.caption(t("net.matrix_caption", lang, empty=empty, cells=counts[body].size,
                 year=STATISTICS_YEAR, source=ATTRIBUTION))  # fmt: skip
    if MATRIX_DIMENSIONS[query.matrix] == "field":
        single = single_provider_cells(_filtered_except(query, frame, "field"), "field",
                                       scope(query, ctx))  # fmt: skip
        orgs = dict(zip(frame["organization_id"], frame["organization"], strict=True))
        with st.expander(t("net.single_provider", lang, n=len(single))):
            html_table(pd.DataFrame({
                t("net.col.district", lang): single["district_ags"].map(district_names()),
                t("finder.field", lang): single["category"].map(lambda f: t(f"field.{f}", lang)),
                t("net.col.organization", lang): single["organization_id"].map(orgs),
                t("net.col.offers", lang): single["offers"],
            }), lang, key="n_single_page")  # fmt: skip
    return counts, rates


def _matrix_changed() -> None:
    from ui.netzwerke import context, current_query, write_url

    query = current_query(context())
    write_url(query.with_(matrix=st.session_state["n_matrix"]), widgets_match=True)


def sync_matrix_widget(query: NetworkQuery) -> None:
    if st.session_state.get("n_matrix") != query.matrix:
        st.session_state["n_matrix"] = query.matrix


# -- freshness ---------------------------------------------------------------------------------
def _confirm(service_id: str, lang: str) -> None:
    user = current_user()
    ed = _editor()
    try:
        version = ed.load("service", service_id)["version"]
        ed.confirm_still_correct(service_id, actor=user, expected_version=version)
    except (EditError, NotFoundError, TypeError):
        st.session_state["_netz_flash"] = ("error", t("net.confirm_failed", lang))
    else:
        offers.clear()
        st.session_state["_netz_flash"] = ("ok", t("net.confirmed", lang))


def freshness_section(query: NetworkQuery, ctx: Context, frame: pd.DataFrame, lang: str,
                      ) -> pd.DataFrame:  # fmt: skip
    days = stale_after_days()
    local = frame[frame["district_ags"].isin(scope(query, ctx))]
    stale = stale_offers(local, dt.date.today(), days)
    flash = st.session_state.pop("_netz_flash", None)
    if flash:
        (st.success if flash[0] == "ok" else st.error)(flash[1])
    st.markdown(t("net.stale_intro", lang, days=days, n=len(stale),
                  total=local["service_id"].nunique()))  # fmt: skip
    view = stale_display(stale, lang)
    html_table(view, lang, key="n_stale_page", caption=t("net.stale_heading", lang, n=len(view)))
    user = current_user()
    if user is None:
        st.caption(t("net.stale_login", lang))
        return view
    ed = _editor()
    allowed = [r for r in stale.head(STALE_PAGE * 4).itertuples(index=False)
               if ed.can_edit(user, "service", r.service_id)][:STALE_PAGE]  # fmt: skip
    if not allowed:
        st.caption(t("net.stale_none_editable", lang))
        return view
    st.markdown(f"**{t('net.confirm_heading', lang)}**")
    for r in allowed:
        c1, c2 = st.columns([4, 1])
        c1.write(f"{r.name} · {r.organization}")
        c2.button(t("net.confirm", lang), key=f"n_confirm_{r.service_id}", on_click=_confirm,
                  args=(r.service_id, lang), help=t("net.confirm_help", lang))  # fmt: skip
    return view


def stale_display(stale: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = district_names()
    return pd.DataFrame({
        t("col.name", lang): stale["name"],
        t("net.col.organization", lang): stale["organization"],
        t("net.col.kinds", lang): stale["kind"].map(lambda k: t(f"kind.{k}", lang)),
        t("net.col.district", lang): stale["district_ags"].map(lambda a: names.get(a, a)),
        t("net.col.assured", lang): stale["assured_date"].map(
            lambda d: d.strftime("%d.%m.%Y") if d is not None and not pd.isna(d)
            else t("net.never", lang)),
        t("net.col.age", lang): stale["age_days"].map(
            lambda d: "" if d is None or pd.isna(d) else str(int(d))),
    }).astype(object)  # fmt: skip


# -- export and print --------------------------------------------------------------------------
def print_html(query: NetworkQuery, ctx: Context, frame: pd.DataFrame) -> str:
    """The printable A4 document of the view (German labels, like the other exports)."""
    lang = "de"
    gdf = load_districts()
    a = ctx.assignments.set_index("district_ags")
    styled = gdf.assign(network_id=gdf["ags"].map(a["network_id"]),
                        assignment_status=gdf["ags"].map(a["status"]))  # fmt: skip
    styles = netmap.district_styles("netz", styled, network_ids=list(ctx.names()))
    chosen = scope(query, ctx) if (query.network or query.district) else []
    sub = gdf[gdf["ags"].isin(chosen)] if chosen else gdf
    around = sub.to_crs("EPSG:25832").buffer(12_000).to_crs(4326).union_all() if chosen else None
    near = gdf[gdf.geometry.intersects(around)] if chosen else gdf
    title = scope_title(query, ctx, lang)
    svg = netmap.districts_svg(near, styles, selected=chosen, title=title)
    colours = netmap.network_colours(list(ctx.names()))
    from ui.netzwerke import _swatch

    legend = [(_swatch(colours[n], "solid"), ctx.names()[n]) for n in ctx.with_districts()
              if n in set(near["ags"].map(a["network_id"]))]
    legend += [(_swatch("#6b7280", "hatch"), t("net.legend.inferred", lang)),
               (_swatch(netmap.NO_NETWORK, "none"), t("net.no_network", lang))]
    orgs = members_display(organizations(query, ctx, frame), lang)
    counts, _ = coverage(query.with_(matrix="feld"), ctx, frame, lang)
    matrix_style: bool | str = True
    if len(counts) <= 10:  # few districts: fields as rows, so the long names stay readable
        counts = counts.T
        counts.index.name = t("finder.field", lang)
        matrix_style = "rows"
    stale = stale_display(stale_offers(frame[frame["district_ags"].isin(scope(query, ctx))],
                                       dt.date.today(), stale_after_days()), lang)  # fmt: skip
    filters = ", ".join(t(f"{prefix}.{value}", lang) for prefix, value in (
        ("field", query.field), ("kind", query.kind), ("group", query.group)) if value)
    meta = [t("net.print_meta", lang, date=dt.date.today().strftime("%d.%m.%Y"))]
    if filters:
        meta.append(t("net.print_filters", lang, filters=filters))
    sections = [
        (t("net.members_heading", lang, n=len(orgs)), t("net.members_note", lang), orgs, False),
        (t("net.matrix_heading", lang), t("net.print_matrix_note", lang),
         counts.reset_index(), matrix_style),
        (t("net.stale_heading", lang, n=len(stale)), "", stale.head(60), False),
    ]  # fmt: skip
    footer = [t("net.print_footer", lang), f"{t('net.population_source', lang)}: {ATTRIBUTION}"]
    return report_html(lang=lang, title=f"{t('net.print_title', lang)}: {title}", meta=meta,
                       map_svg=svg, legend=legend, sections=sections, footer=footer)


def export_section(query: NetworkQuery, ctx: Context, frame: pd.DataFrame, lang: str) -> None:
    """Downloads (German labels): members, matrix, stale entries, cooperations, print view.

    Files are built only when a button is pressed (deferred downloads)."""
    name = scope_title(query, ctx, "de").replace(" ", "_").replace("/", "-")

    def members(fmt: str):
        df = members_display(organizations(query, ctx, frame), "de")
        return csv_bytes(df) if fmt == "csv" else xlsx_bytes({"Mitglieder": df})

    def matrix(fmt: str):
        counts, rates = coverage(query, ctx, frame, "de")
        if fmt == "csv":
            return csv_bytes(counts, index=True)
        return xlsx_bytes({"Anzahl": counts, "je 100.000 Einwohner": rates}, index=True)

    def stale():
        local = frame[frame["district_ags"].isin(scope(query, ctx))]
        return csv_bytes(stale_display(stale_offers(local, dt.date.today(),
                                                    stale_after_days()), "de"))  # fmt: skip

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("net.dl_members_csv", lang), lambda: members("csv"),
                       file_name=f"Mitglieder_{name}.csv", mime="text/csv", key="n_dl_m_csv")
    c1.download_button(t("net.dl_members_xlsx", lang), lambda: members("xlsx"),
                       file_name=f"Mitglieder_{name}.xlsx", mime=xlsx, key="n_dl_m_xlsx")
    c2.download_button(t("net.dl_matrix_csv", lang), lambda: matrix("csv"),
                       file_name=f"Abdeckung_{name}.csv", mime="text/csv", key="n_dl_x_csv")
    c2.download_button(t("net.dl_matrix_xlsx", lang), lambda: matrix("xlsx"),
                       file_name=f"Abdeckung_{name}.xlsx", mime=xlsx, key="n_dl_x_xlsx")
    c3.download_button(t("net.dl_stale_csv", lang), stale, file_name=f"Pruefen_{name}.csv",
                       mime="text/csv", key="n_dl_s_csv")
    c3.download_button(t("net.dl_print", lang), lambda: print_html(query, ctx, frame),
                       file_name=f"Netzwerk_{name}.html", mime="text/html", key="n_dl_print",
                       icon=":material/print:")  # fmt: skip
    st.caption(t("net.print_hint", lang))
