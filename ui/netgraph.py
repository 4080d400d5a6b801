"""The cooperation graph of a network: server-side layout (networkx, :mod:`directory.graph`)
drawn as escaped inline SVG inside a tiny first-party component (``st.components.v2``, no
third-party script): zoom with the buttons or the mouse wheel, drag to pan, hover shows the
``<title>``, click (or Enter on a focused node) selects an organization and opens its card.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from directory.graph import (
    MAX_GRAPH_ORGS,
    bridging,
    build_graph,
    layout,
    measures,
    to_svg,
)
from geo.coverage import single_provider_cells
from i18n import t
from ui.cards import CARD_CSS, card_html
from ui.netzwerke import Context, district_names
from ui.tables import html_table

KEY = "n_graph"
SELECTED = "_netz_org"

_HTML = ('<div class="bar"><button type="button" data-z="in">+</button>'
         '<button type="button" data-z="out">−</button>'
         '<button type="button" data-z="reset"></button></div><div class="stage"></div>')
_CSS = """
.bar { display: flex; gap: .4rem; margin-bottom: .3rem; }
.bar button { font: inherit; min-width: 2.75rem; min-height: 2.75rem; cursor: pointer;
  border: 1px solid rgba(49,51,63,.3); border-radius: .5rem; background: #fff; color: #31333f; }
.bar button:focus-visible, .stage .node:focus-visible { outline: 3px solid #0b57a4; }
.stage { border: 1px solid #d0d4dc; border-radius: .5rem; overflow: hidden; touch-action: none;
  background: #fff; }
.stage svg { display: block; width: 100%; height: auto; max-height: 620px; cursor: grab; }
.stage .node { cursor: pointer; }
.stage .node:hover circle, .stage .node:hover rect, .stage .node:hover polygon {
  stroke: #000; stroke-width: 2; }
"""
# The SVG arrives as data, built and escaped on the server; it is parsed as XML (DOMParser),
# never assigned through innerHTML.
_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  const stage = parentElement.querySelector(".stage");
  const doc = new DOMParser().parseFromString(data.svg, "image/svg+xml");
  const svg = document.importNode(doc.documentElement, true);
  stage.replaceChildren(svg);
  const reset = parentElement.querySelector('[data-z="reset"]');
  reset.textContent = data.reset;
  parentElement.querySelector('[data-z="in"]').setAttribute("aria-label", data.zoom_in);
  parentElement.querySelector('[data-z="out"]').setAttribute("aria-label", data.zoom_out);
  const full = svg.viewBox.baseVal;
  let box = {x: full.x, y: full.y, w: full.width, h: full.height};
  const apply = () => svg.setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);
  const zoom = (f, cx, cy) => {
    const w = Math.min(full.width * 1.5, Math.max(full.width / 12, box.w * f));
    const k = w / box.w;
    cx = cx ?? box.x + box.w / 2; cy = cy ?? box.y + box.h / 2;
    box = {x: cx - (cx - box.x) * k, y: cy - (cy - box.y) * k, w: w, h: box.h * k};
    apply();
  };
  parentElement.querySelectorAll(".bar button").forEach((b) => {
    b.onclick = () => {
      if (b.dataset.z === "in") zoom(0.7);
      else if (b.dataset.z === "out") zoom(1 / 0.7);
      else { box = {x: full.x, y: full.y, w: full.width, h: full.height}; apply(); }
    };
  });
  const toSvg = (ev) => {
    const r = svg.getBoundingClientRect();
    return [box.x + (ev.clientX - r.left) / r.width * box.w,
            box.y + (ev.clientY - r.top) / r.height * box.h];
  };
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [cx, cy] = toSvg(ev);
    zoom(ev.deltaY < 0 ? 0.85 : 1 / 0.85, cx, cy);
  }, {passive: false});
  let drag = null, moved = false;
  svg.addEventListener("pointerdown", (ev) => {
    drag = {x: ev.clientX, y: ev.clientY, box: {...box}}; moved = false; });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const dx = (ev.clientX - drag.x) / r.width * box.w;
    const dy = (ev.clientY - drag.y) / r.height * box.h;
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 4) moved = true;
    box = {...box, x: drag.box.x - dx, y: drag.box.y - dy}; apply();
  });
  const end = () => { drag = null; };
  svg.addEventListener("pointerup", end); svg.addEventListener("pointerleave", end);
  svg.querySelectorAll(".node").forEach((n) => {
    const pick = () => {
      if (n.dataset.node.startsWith("org:")) setTriggerValue("node", n.dataset.node);
    };
    n.addEventListener("click", () => { if (!moved) pick(); });
    n.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(); } });
  });
}
"""

_component = st.components.v2.component("atlas_network_graph", html=_HTML, css=_CSS, js=_JS)


def _on_node() -> None:
    node = getattr(st.session_state.get(KEY), "node", None)
    if isinstance(node, str) and node.startswith("org:"):
        st.session_state[SELECTED] = node[4:]


def graph_svg(network_id: str, ctx: Context, orgs: pd.DataFrame, lang: str) -> tuple[str, int]:
    """The graph of the network as SVG (labels in ``lang``) and the number of organizations
    drawn."""
    name = ctx.names().get(network_id, network_id)
    g = build_graph(network_id, name, orgs, ctx.cooperations)
    labels = {}
    for node, d in g.nodes(data=True):
        if d["kind"] == "field":
            labels[node] = t(f"field.{d['field']}", lang)
        elif d["kind"] == "org":
            role = f" · {t('net.role.lead', lang)}" if d.get("role") == "lead" else ""
            status = d["membership"]
            membership = t(f"net.membership.{status}", lang)
            offers_n = t("net.col.offers", lang)
            labels[node] = f"{d['label']} · {membership}{role} · {offers_n}: {d['offers']}"
        else:
            labels[node] = d["label"]
    m = measures(network_id, orgs, ctx.cooperations)
    svg = to_svg(g, layout(g), labels, isolated=set(m.isolated),
                 title=t("net.graph_title", lang, name=name))  # fmt: skip
    return svg, sum(1 for _, d in g.nodes(data=True) if d["kind"] == "org")


def graph_section(network_id: str | None, ctx: Context, orgs: pd.DataFrame,
                  frame: pd.DataFrame, lang: str) -> str | None:  # fmt: skip
    """Graph, legend, measures and the card of a clicked organization; returns the SVG."""
    if network_id is None:
        st.info(t("net.graph_choose", lang), icon=":material/hub:")
        return None
    if orgs.empty:
        st.info(t("net.graph_empty", lang), icon=":material/hub:")
        return None
    own_ids = set(orgs["organization_id"])
    coops = ctx.cooperations[ctx.cooperations["organization_id"].isin(own_ids)
                             | ctx.cooperations["partner_id"].isin(own_ids)]  # fmt: skip
    if coops.empty:
        st.warning(t("net.no_cooperations", lang), icon=":material/info:")
        st.page_link("pages/daten.py", label=t("net.add_links", lang), icon=":material/edit_note:")
    svg, drawn = graph_svg(network_id, ctx, orgs, lang)
    _component(key=KEY, data={"svg": svg, "reset": t("net.graph_reset", lang),
                              "zoom_in": t("net.graph_zoom_in", lang),
                              "zoom_out": t("net.graph_zoom_out", lang)},
               on_node_change=_on_node)  # fmt: skip
    st.caption(t("net.graph_legend", lang))
    if len(orgs) > drawn or len(orgs) > MAX_GRAPH_ORGS:
        st.caption(t("net.graph_capped", lang, shown=min(len(orgs), MAX_GRAPH_ORGS),
                     n=len(orgs)))  # fmt: skip
    m = measures(network_id, orgs, ctx.cooperations)
    names = dict(zip(orgs["organization_id"], orgs["organization"], strict=True))
    bridge = bridging(network_id, orgs, frame, ctx.memberships, ctx.cooperations,
                      ctx.assignments)  # fmt: skip
    single = single_provider_cells(frame, "field", ctx.districts_of(network_id))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("net.m_isolated", lang), len(m.isolated))
    c2.metric(t("net.m_bridging", lang), len(bridge))
    c3.metric(t("net.m_single", lang), len(single), help=t("net.m_single_help", lang))
    c4.metric(t("net.m_groups", lang), m.groups, help=t("net.m_groups_help", lang))
    with st.expander(t("net.isolated_list", lang, n=len(m.isolated))):
        html_table(pd.DataFrame({t("net.col.organization", lang):
                                 [names.get(i, i) for i in m.isolated]}), lang,
                   key="n_isolated_page")  # fmt: skip
    with st.expander(t("net.bridging_list", lang, n=len(bridge))):
        cnames = ctx.names()
        html_table(pd.DataFrame({
            t("net.col.organization", lang): bridge["organization"],
            t("net.col.other_networks", lang): bridge["networks"].map(
                lambda ns: ", ".join(cnames.get(n, n) for n in ns)),
            t("net.col.why", lang): bridge["reason"].map(lambda r: t(f"net.bridge.{r}", lang)),
        }), lang, key="n_bridging_page")  # fmt: skip
    with st.expander(t("net.single_provider", lang, n=len(single))):
        dnames = district_names()
        html_table(pd.DataFrame({
            t("net.col.district", lang): single["district_ags"].map(lambda a: dnames.get(a, a)),
            t("finder.field", lang): single["category"].map(lambda f: t(f"field.{f}", lang)),
            t("net.col.organization", lang): single["organization_id"].map(
                lambda o: names.get(o, o)),
        }), lang, key="n_single_graph_page")  # fmt: skip
    if m.key_connectors:
        st.caption(t("net.key_connectors", lang,
                     names=", ".join(names.get(i, i) for i in m.key_connectors)))
    org_card(st.session_state.get(SELECTED), orgs, frame, ctx, lang)
    return svg


def org_card(org_id: str | None, orgs: pd.DataFrame, frame: pd.DataFrame, ctx: Context,
             lang: str) -> None:  # fmt: skip
    """The card of the clicked organization: membership, cooperations, its offers."""
    if not org_id:
        st.caption(t("net.graph_hint", lang))
        return
    rows = orgs[orgs["organization_id"] == org_id]
    name = rows["organization"].iloc[0] if len(rows) else None
    coops = ctx.cooperations
    mine = coops[(coops["organization_id"] == org_id) | (coops["partner_id"] == org_id)]
    if name is None and len(mine):
        first = mine.iloc[0]
        name = first["organization"] if first["organization_id"] == org_id else first["partner"]
    if name is None:
        return
    esc = html.escape
    partners = [(r.partner if r.organization_id == org_id else r.organization, r.kind)
                for r in mine.itertuples(index=False)]  # fmt: skip
    status = (t(f"net.membership.{rows['membership'].iloc[0]}", lang) if len(rows)
              else t("net.membership.external", lang))  # fmt: skip
    items = "".join(f"<li>{esc(p)} ({esc(t(f'coop.{k}', lang) if k else '–')})</li>"
                    for p, k in partners)  # fmt: skip
    st.html(f'<div class="atlas-panel" role="region" aria-label="{esc(name)}">'
            f"<h4>{esc(name)}</h4><p>{esc(status)}</p>"
            f"<p><strong>{esc(t('net.partners', lang, n=len(partners)))}</strong></p>"
            + (f"<ul>{items}</ul>" if items else f"<p>{esc(t('net.none', lang))}</p>")
            + "</div>")
    own = frame[frame["organization_id"] == org_id].drop_duplicates("service_id").head(5)
    if len(own):
        dnames = district_names()
        st.markdown(CARD_CSS, unsafe_allow_html=True)
        for _, row in own.iterrows():
            st.markdown(card_html(row, lang), unsafe_allow_html=True)
        st.caption(t("net.card_more", lang, n=frame.loc[frame["organization_id"] == org_id,
                                                       "service_id"].nunique(),
                     districts=", ".join(sorted({dnames.get(a, a) for a in own["district_ags"]
                                                 if a}))))  # fmt: skip
