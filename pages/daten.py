"""Maintain the directory (login required): list, edit, history, networks, import/export."""

import streamlit as st

from i18n import t
from ui import forms, import_ui, records_ui
from ui.accounts import accounts_admin
from ui.auth import account_box, require_login
from ui.blocks import staff_language_note
from ui.links_ui import links_tab
from ui.state import language

lang = language()
staff_language_note(lang)
st.title(t("daten.title", lang))
user = require_login(lang)
if user is None:
    st.stop()
account_box(user, lang)
ed = forms.editor()
forms.flash(lang)


def records_tab() -> None:
    listed = records_ui.record_list(ed, user, lang)
    records_ui.record_panel(ed, user, lang, *listed)
    st.session_state["daten_listed"] = (listed[0], list(listed[1]["id"]))


def io_tab() -> None:
    st.subheader(t("daten.import", lang))
    import_ui.import_section(ed, user, lang)
    st.subheader(t("daten.export", lang))
    table, ids = st.session_state.get("daten_listed", ("service", None))
    forms.export_section(ed, ids if table == "service" else None, lang)


# One entry per tab: (label, render). Further tabs (accounts, memberships) add one line here.
TABS = [
    (t("daten.tab.records", lang), records_tab),
    (t("daten.tab.networks", lang), lambda: forms.network_editor(ed, user, lang)),
    (t("links.tab", lang), lambda: links_tab(user, lang)),
    (t("daten.tab.io", lang), io_tab),
    *([(t("accounts.tab", lang), lambda: accounts_admin(user, lang))]
      if user.role == "admin" else []),
]
for tab, (_, render) in zip(st.tabs([label for label, _ in TABS]), TABS, strict=True):
    with tab:
        render()
