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
orgs = netpanel.organizations(query, ctx, frame)
with right:
    if query.network or query.district:
        netpanel.panel(query, ctx, orgs, lang)
    else:
        st.info(t("net.choose_hint", lang), icon=":material/touch_app:")

st.header(netpanel.scope_title(query, ctx, lang))
# Lazy tabs: only the open tab is computed and sent (speed, see bench/bench_netzwerke.py).
tabs = st.tabs([t("net.tab.members", lang, n=len(orgs)), t("net.tab.coverage", lang),
                t("net.tab.graph", lang), t("net.tab.freshness", lang),
                t("net.tab.export", lang)], key="n_tab", on_change="rerun")  # fmt: skip
with tabs[0]:
    if tabs[0].open:
        st.caption(t("net.members_note", lang))
        netpanel.html_table(orgs, lang, key="n_members_page",
                            caption=t("net.tab.members", lang, n=len(orgs)),
                            render=lambda part: netpanel.members_display(part, lang))
with tabs[1]:
    if tabs[1].open:
        netpanel.coverage_section(query, ctx, frame, lang)
with tabs[2]:
    if tabs[2].open:
        network = query.network or ctx.network_of().get(query.district)
        graph_orgs = orgs if query.network and not query.district else (
            netpanel.organizations(query.with_(district=None, network=network), ctx, frame)
            if network else orgs)  # fmt: skip
        netgraph.graph_section(network, ctx, graph_orgs, frame, lang)
with tabs[3]:
    if tabs[3].open:
        netpanel.freshness_section(query, ctx, frame, lang)
with tabs[4]:
    if tabs[4].open:
        netpanel.export_section(query, ctx, frame, lang)
unverified_note(filtered, lang)
