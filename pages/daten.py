"""Maintain the directory (login required): list, edit, history, networks, import/export."""

import streamlit as st

from directory.editing import TABLES
from directory.taxonomy import KIND_IDS
from i18n import t
from ui import forms
from ui.auth import account_box, require_login
from ui.blocks import staff_language_note
from ui.links_ui import links_tab
from ui.state import language

NEW = "__new__"
MAX_LISTED = 500

lang = language()
staff_language_note(lang)
st.title(t("daten.title", lang))
user = require_login(lang)
if user is None:
    st.stop()
account_box(user, lang)
ed = forms.editor()
forms.flash(lang)
may_write = user.role in ("admin", "coordinator")
all_ = t("daten.all", lang)

tab_list, tab_net, tab_links, tab_io = st.tabs(
    [t("daten.tab.records", lang), t("daten.tab.networks", lang), t("links.tab", lang),
     t("daten.tab.io", lang)]
)
with tab_list:
    table = st.radio(t("daten.table", lang), list(TABLES), horizontal=True, key="daten_table",
                     format_func=lambda k: t(f"daten.table.{k}", lang))  # fmt: skip
    nets = ed.networks()
    districts = sorted(set(forms.district_names()) | set(ed.assignments()["district_ags"]))
    c1, c2, c3 = st.columns(3)
    network = c1.selectbox(t("daten.filter.network", lang), [None, *nets], key="daten_net",
                           format_func=lambda n: nets.get(n, all_))  # fmt: skip
    district = c2.selectbox(t("daten.filter.district", lang), [None, *districts],
                            format_func=lambda a: forms.district_label(a) if a else all_,
                            key="daten_district")  # fmt: skip
    kind = c3.selectbox(t("daten.filter.kind", lang), [None, *KIND_IDS], key="daten_kind",
                        format_func=lambda k: t(f"kind.{k}", lang) if k else all_,
                        disabled=table != "service")  # fmt: skip
    c4, c5, c6 = st.columns([2, 1, 1])
    text = c4.text_input(t("daten.filter.text", lang), key="daten_text")
    stale = c5.checkbox(t("daten.filter.stale", lang), key="daten_stale",
                        disabled=table != "service")  # fmt: skip
    retired = c6.checkbox(t("daten.filter.retired", lang), key="daten_retired")
    frame = ed.records(table, network=network, district=district, text=text, retired=retired,
                       kind=kind if table == "service" else None,
                       stale=stale and table == "service")  # fmt: skip
    st.caption(t("daten.count", lang, n=len(frame), shown=min(len(frame), MAX_LISTED)))
    shown = frame.head(MAX_LISTED)
    st.dataframe(
        shown.assign(district_ags=shown["district_ags"].map(forms.district_label),
                     network_id=shown["network_id"].map(lambda n: nets.get(n, n) or "–"))[
            ["name", "city", "district_ags", "network_id", "assured_date", "stale", "version"]
        ].rename(columns=lambda c: t(f"daten.list.{c}", lang)),
        hide_index=True, width="stretch", height=260,
    )  # fmt: skip

    labels = {NEW: t("daten.new", lang)} | dict(zip(
        shown["id"], shown["name"].fillna("–") + " · " + shown["city"].fillna(""), strict=True))
    options = ([NEW] if may_write and not retired else []) + list(shown["id"])
    choice = st.selectbox(t("daten.pick", lang), options, index=None, key="daten_pick",
                          format_func=lambda i: labels.get(i, i))
    choice = choice if choice in options else None  # stale pick after a filter change
    if choice:
        key = (table, choice)
        record = {} if choice == NEW else ed.load(table, choice)
        version = forms.loaded_version(key, record.get("version", 0))
        can = choice == NEW or ed.can_edit(user, table, choice)
        if not can:
            st.info(t("daten.read_only", lang), icon=":material/lock:")
        held = st.session_state.get(forms.CONFLICT)
        if held and held[0] == key:
            forms.conflict_view(held[1], lang)
            if st.button(t("daten.load_stored", lang), key="daten_reload"):
                st.session_state.pop(forms.CONFLICT)
                st.session_state[forms.LOADED] = (key, held[1].stored_version)
                st.rerun()
        refs = {}
        if table != "organization":
            orgs = ed.records("organization")
            refs = dict(zip(orgs["id"], orgs["name"], strict=True))
        location = None
        if choice == NEW and table == "service":
            locs = ed.records("location", network=network, district=district).head(MAX_LISTED)
            location = st.selectbox(
                t("daten.field.location_id", lang), list(locs["id"]), index=None,
                key="daten_new_location", format_func=dict(zip(locs["id"], (
                    locs["name"].fillna("–") + " · " + locs["city"].fillna("")), strict=True)).get,
            )  # fmt: skip
        if table == "location" and record:
            forms.placement_caption(record, lang)
        values = forms.record_form(table, record, lang, key=key, version=version, refs=refs,
                                   disabled=not can)  # fmt: skip
        if values is not None and choice == NEW:
            forms.run_write(lang, key, lambda: ed.create(table, values, actor=user,
                                                         location_id=location),
                            t("daten.created", lang))  # fmt: skip
        elif values is not None:
            forms.run_write(lang, key, lambda: ed.edit(table, choice, values, actor=user,
                                                       expected_version=version),
                            t("daten.saved", lang))  # fmt: skip
    if choice and choice != NEW:
        b1, b2 = st.columns(2)
        if table == "service" and b1.button(t("daten.confirm", lang), key="daten_confirm",
                                            disabled=not can, help=t("daten.confirm_help", lang)):
            forms.run_write(lang, key, lambda: ed.confirm_still_correct(
                choice, actor=user, expected_version=version), t("daten.confirmed", lang))
        if "retired_at" in record:
            undo = record["retired_at"] is not None
            if b2.button(t("daten.restore" if undo else "daten.retire", lang), disabled=not can,
                         key="daten_retire"):  # fmt: skip
                call = ed.restore if undo else ed.retire
                forms.run_write(lang, key, lambda: call(table, choice, actor=user,
                                                        expected_version=version),
                                t("daten.saved", lang))  # fmt: skip
        st.subheader(t("daten.history", lang))
        changes = ed.history(table, choice)
        st.dataframe(forms.history_frame(changes, lang), hide_index=True, width="stretch")
        when = {c.audit_id: f"#{c.audit_id} · {forms.local_time(c.at)} · {c.actor}"
                for c in changes}
        pick = st.selectbox(t("daten.version_pick", lang), list(when)[:-1][::-1], index=None,
                            format_func=when.get, key="daten_version")  # fmt: skip
        if st.button(t("daten.restore_version", lang), disabled=not can or pick is None,
                     key="daten_restore_version"):  # fmt: skip
            forms.run_write(lang, key, lambda: ed.restore_version(
                table, choice, pick, actor=user, expected_version=version),
                t("daten.restored", lang, n=pick))  # fmt: skip

with tab_net:
    forms.network_editor(ed, user, lang)

with tab_links:
    links_tab(user, lang)

with tab_io:
    try:
        import directory.io  # noqa: F401  (import/export is optional until installed)
    except ImportError:
        st.caption(t("daten.io_missing", lang))
    else:
        st.subheader(t("daten.import", lang))
        forms.import_section(ed, user, lang)
        st.subheader(t("daten.export", lang))
        forms.export_section(ed, list(frame["id"]) if table == "service" else None, lang)
