"""The "members and cooperations" tab of the maintenance page (``pages/daten.py``):
memberships of a network and cooperations between organizations — list, add, change,
remove, history, import and export. All writes go through
:class:`directory.editing.links.LinkEditor` (audited, permissions by network).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from directory.auth import User
from directory.editing import EditConflict, PermissionDenied, ValidationFailed
from directory.editing.links import LinkEditor
from directory.io import links as links_io
from directory.links import COOPERATION_KINDS, organizations_frame
from directory.model import MEMBERSHIP_ROLES, MEMBERSHIP_STATUSES
from directory.store import NotFoundError
from i18n import catalogue, t
from ui.state import directory_store, offers

FLASH = "_links_flash"


@st.cache_resource(show_spinner=False)
def link_editor() -> LinkEditor:
    return LinkEditor(directory_store())


def _problem(p: Any, lang: str) -> str:
    key = f"daten.problem.{p.code}"
    if key in catalogue("de"):
        return t(key, lang, value=p.params.get("value", ""))
    return p.message_de


def _write(action: Callable[[], Any], done: str, lang: str) -> None:
    """Run one write; success → message and fresh page data; refusals shown, nothing saved."""
    try:
        action()
    except ValidationFailed as exc:
        for p in exc.problems:
            st.error(_problem(p, lang), icon=":material/warning:")
        return
    except EditConflict:
        st.error(t("links.conflict", lang), icon=":material/warning:")
        return
    except PermissionDenied:
        st.error(t("daten.denied", lang), icon=":material/block:")
        return
    except NotFoundError:
        st.error(t("daten.not_found", lang), icon=":material/block:")
        return
    from ui import netzwerke

    netzwerke.clear()
    offers.clear()
    st.session_state[FLASH] = done
    st.rerun()


def _history(ed: LinkEditor, table: str, record_id: str, lang: str) -> None:
    rows = [{t("daten.col.when", lang): c.at.strftime("%d.%m.%Y %H:%M"),
             t("daten.col.who", lang): c.actor or "–", t("daten.col.action", lang): c.action,
             t("links.changes", lang): "; ".join(f"{f.field}: {f.before} → {f.after}"
                                                 for f in c.fields)}
            for c in ed.history(table, record_id)]  # fmt: skip
    st.caption(t("daten.history", lang))
    st.dataframe(pd.DataFrame(rows, dtype=object), hide_index=True, width="stretch")


def links_tab(user: User, lang: str) -> None:
    """The whole tab: memberships, cooperations, import/export."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    ed = link_editor()
    store = directory_store()
    from ui.netzwerke import context

    ctx = context()
    names = ctx.names()
    orgs = organizations_frame(store)
    org_names = dict(zip(orgs["organization_id"], orgs["name"], strict=True))
    st.caption(t("links.intro", lang))

    st.subheader(t("links.memberships", lang))
    mine = [n for n in names if user.can_edit_network(n)]
    net = st.selectbox(t("net.select_network", lang), list(names), key="links_net",
                       format_func=names.get,
                       index=list(names).index(mine[0]) if mine else 0)  # fmt: skip
    may = ed.may_edit_network(user, net)
    members = ctx.memberships[ctx.memberships["network_id"] == net]
    st.dataframe(pd.DataFrame({
        t("net.col.organization", lang): members["organization"],
        t("links.status", lang): members["status"].map(lambda s: t(f"links.status.{s}", lang)),
        t("net.col.role", lang): members["role"].map(
            lambda r: t(f"links.role.{r or 'member'}", lang)),
        t("links.note", lang): members["note"], t("links.source", lang): members["source_url"],
    }, dtype=object), hide_index=True, width="stretch")  # fmt: skip
    if not may:
        st.caption(t("links.readonly", lang))
    else:
        with st.form("links_add_member", clear_on_submit=True):
            org = st.selectbox(t("net.col.organization", lang), list(org_names), index=None,
                               format_func=org_names.get, key="links_m_org")  # fmt: skip
            c1, c2 = st.columns(2)
            status = c1.selectbox(t("links.status", lang), MEMBERSHIP_STATUSES,
                                  format_func=lambda s: t(f"links.status.{s}", lang))
            role = c2.selectbox(t("net.col.role", lang), MEMBERSHIP_ROLES,
                                format_func=lambda r: t(f"links.role.{r}", lang))
            note = st.text_input(t("links.note", lang), max_chars=500)
            source = st.text_input(t("links.source", lang), max_chars=1000)
            if st.form_submit_button(t("links.add_member", lang), type="primary"):
                if org is None:
                    st.error(t("links.pick_org", lang))
                else:
                    _write(lambda: ed.add_membership(org, net, actor=user, status=status,
                                                     role=role, note=note, source_url=source),
                           t("links.saved", lang), lang)  # fmt: skip
    if len(members):
        pick = st.selectbox(t("links.pick_member", lang), list(members["membership_id"]),
                            index=None, key="links_m_pick",
                            format_func=dict(zip(members["membership_id"],
                                                 members["organization"], strict=True)).get)
        if pick:
            row = members.set_index("membership_id").loc[pick]
            if may:
                with st.form(f"links_edit_member_{pick}_{row['version']}"):
                    c1, c2 = st.columns(2)
                    status = c1.selectbox(t("links.status", lang), MEMBERSHIP_STATUSES,
                                          index=MEMBERSHIP_STATUSES.index(row["status"])
                                          if row["status"] in MEMBERSHIP_STATUSES else 0,
                                          format_func=lambda s: t(f"links.status.{s}", lang))
                    role = c2.selectbox(t("net.col.role", lang), MEMBERSHIP_ROLES,
                                        index=MEMBERSHIP_ROLES.index(row["role"] or "member"),
                                        format_func=lambda r: t(f"links.role.{r}", lang))
                    note = st.text_input(t("links.note", lang), row["note"] or "", max_chars=500)
                    source = st.text_input(t("links.source", lang), row["source_url"] or "",
                                           max_chars=1000)
                    save = st.form_submit_button(t("daten.save", lang), type="primary")
                    remove = st.form_submit_button(t("links.remove", lang))
                changes = {"status": status, "role": role, "note": note, "source_url": source}
                if save:
                    _write(lambda: ed.edit_membership(pick, changes, actor=user,
                                                      expected_version=int(row["version"])),
                           t("links.saved", lang), lang)  # fmt: skip
                if remove:
                    _write(lambda: ed.remove_membership(pick, actor=user,
                                                        expected_version=int(row["version"])),
                           t("links.removed", lang), lang)  # fmt: skip
            _history(ed, "membership", pick, lang)

    st.subheader(t("links.cooperations", lang))
    coops = ctx.cooperations
    if user.role != "admin":
        own = set(ctx.memberships.loc[ctx.memberships["network_id"].isin(user.networks),
                                      "organization_id"])  # fmt: skip
        frame = offers()
        local = set(frame.loc[frame["district_ags"].isin(
            [a for n in user.networks for a in ctx.districts_of(n)]), "organization_id"])
        own |= local
        coops = coops[coops["organization_id"].isin(own) | coops["partner_id"].isin(own)]
    st.dataframe(pd.DataFrame({
        t("net.col.organization", lang): coops["organization"],
        t("links.partner", lang): coops["partner"],
        t("links.kind", lang): coops["kind"].map(lambda k: t(f"coop.{k}", lang) if k else "–"),
        t("links.description", lang): coops["description"],
        t("links.source", lang): coops["source_url"],
    }, dtype=object), hide_index=True, width="stretch")  # fmt: skip
    if user.role in ("admin", "coordinator"):
        with st.form("links_add_coop", clear_on_submit=True):
            c1, c2 = st.columns(2)
            a = c1.selectbox(t("net.col.organization", lang), list(org_names), index=None,
                             format_func=org_names.get, key="links_c_a")
            b = c2.selectbox(t("links.partner", lang), list(org_names), index=None,
                             format_func=org_names.get, key="links_c_b")
            kind = st.selectbox(t("links.kind", lang), COOPERATION_KINDS,
                                format_func=lambda k: t(f"coop.{k}", lang))
            text = st.text_input(t("links.description", lang), max_chars=500)
            source = st.text_input(t("links.source", lang), max_chars=1000)
            if st.form_submit_button(t("links.add_coop", lang), type="primary"):
                if a is None or b is None:
                    st.error(t("links.pick_org", lang))
                else:
                    _write(lambda: ed.add_cooperation(a, b, actor=user, kind=kind,
                                                      description=text, source_url=source),
                           t("links.saved", lang), lang)  # fmt: skip
    if len(coops):
        labels = dict(zip(coops["cooperation_id"], coops["organization"] + " – "
                          + coops["partner"], strict=True))  # fmt: skip
        pick = st.selectbox(t("links.pick_coop", lang), list(labels), index=None,
                            format_func=labels.get, key="links_c_pick")
        if pick:
            row = coops.set_index("cooperation_id").loc[pick]
            if st.button(t("links.remove", lang), key="links_c_remove"):
                _write(lambda: ed.remove_cooperation(pick, actor=user,
                                                     expected_version=int(row["version"])),
                       t("links.removed", lang), lang)  # fmt: skip
            _history(ed, "cooperation", pick, lang)

    st.subheader(t("links.io", lang))
    c1, c2 = st.columns(2)
    for col, what in ((c1, "memberships"), (c2, "cooperations")):
        for fmt in ("csv", "xlsx"):
            col.download_button(
                t(f"links.export.{what}", lang, fmt=fmt.upper()),
                lambda what=what, fmt=fmt: links_io.export_bytes(store, what, fmt),
                file_name=f"{'Mitgliedschaften' if what == 'memberships' else 'Kooperationen'}"
                f".{fmt}", key=f"links_dl_{what}_{fmt}")  # fmt: skip
    if user.role not in ("admin", "coordinator"):
        return
    # the uploader appears on request only: one file input per page stays unambiguous
    if not st.toggle(t("links.import_toggle", lang), key="links_import_on"):
        return
    upload = st.file_uploader(t("links.import_file", lang), type=["csv", "txt", "xlsx"],
                              key="links_upload")  # fmt: skip
    if upload is None:
        return
    try:
        result = links_io.preview(store, upload.getvalue(), name=upload.name, actor=user)
    except links_io.LinksRefused as exc:
        key = f"links.refused.{exc.code}"
        st.error(t(key, lang) if key in catalogue("de") else exc.message_de,
                 icon=":material/block:")
        return
    counts = result.counts
    st.info(t("links.preview", lang, what=t(f"links.table.{result.what}", lang), **counts))
    problems = [{t("links.line", lang): r.line, t("links.problem", lang): _problem(p, lang)}
                for r in result.rows for p in r.problems]  # fmt: skip
    if problems:
        st.dataframe(pd.DataFrame(problems, dtype=object), hide_index=True, width="stretch")
        st.error(t("links.refused", lang), icon=":material/block:")
        return
    if st.button(t("links.commit", lang), type="primary", key="links_commit"):
        _write(lambda: links_io.commit(store, result, actor=user),
               t("links.imported", lang, **counts), lang)  # fmt: skip
