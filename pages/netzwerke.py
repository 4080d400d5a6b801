"""Network map: regional networks, offers by layer, coverage, who works with whom, freshness."""

import streamlit as st

from i18n import t
from ui import netgraph, netpanel
from ui import netzwerke as netz
from ui.blocks import demo_banner, unverified_note
from ui.state import language, offers

lang = language()
frame = offers()
ctx = netz.context()

st.title(t("net.title", lang))
st.markdown(t("net.intro", lang))
demo_banner(frame, lang)

query = netz.current_query(ctx)
netpanel.sync_matrix_widget(query)
query = netz.controls(query, ctx, lang)
if query.dropped:
    st.warning(t("net.dropped", lang), icon=":material/link_off:")
filtered = query.filtered(frame)

left, right = st.columns([3, 2], gap="large")
with left:
    result = netz.network_map(query, filtered, ctx, lang, key="netz_map")
    if result.clicked:
        netz.select_district(query, ctx, result.clicked)
    netz.legend(query, ctx, filtered, lang)
    netz.map_caption(result, lang)
with right:
    if query.network or query.district:
        netpanel.panel(query, ctx, netpanel.organizations(query, ctx, frame), lang)
    else:
        st.info(t("net.choose_hint", lang), icon=":material/touch_app:")

orgs = netpanel.organizations(query, ctx, frame)
scope = netpanel.scope_title(query, ctx, lang)
st.header(scope)
tab_members, tab_cov, tab_graph, tab_fresh, tab_export = st.tabs([
    t("net.tab.members", lang, n=len(orgs)), t("net.tab.coverage", lang),
    t("net.tab.graph", lang), t("net.tab.freshness", lang), t("net.tab.export", lang),
])  # fmt: skip
with tab_members:
    st.caption(t("net.members_note", lang))
    st.dataframe(netpanel.members_display(orgs, lang), hide_index=True, width="stretch")
with tab_cov:
    netpanel.coverage_section(query, ctx, frame, lang)
with tab_graph:
    network = query.network or (ctx.network_of().get(query.district) if query.district else None)
    graph_orgs = orgs if query.network and not query.district else (
        netpanel.organizations(query.with_(district=None, network=network), ctx, frame)
        if network else orgs)  # fmt: skip
    netgraph.graph_section(network, ctx, graph_orgs, frame, lang)
with tab_fresh:
    netpanel.freshness_section(query, ctx, frame, lang)
with tab_export:
    netpanel.export_section(query, ctx, frame, lang)
unverified_note(filtered, lang)
