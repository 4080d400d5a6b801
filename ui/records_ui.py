"""The record list and the open record of the maintenance page.

* the list opens on the coordinator's own regional networks (``user.networks``);
* a click on a row opens that record (``st.dataframe`` row selection); the drop-down below
  the list does the same for keyboard users and shows which record is open;
* the open record: form, "still correct", retire/restore, history (newest first, in words)
  and bringing back an earlier version.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from directory.auth import User
from directory.editing import TABLES, Editor
from directory.taxonomy import KIND_IDS
from i18n import t
from ui import forms
from ui.history_ui import history_frame, local_time

NEW = "__new__"
OWN = "__own__"
MAX_LISTED = 500
PICK = "daten_pick"


def clicked_row(selection: Any) -> int | None:
    """The list row a click chose: a selected row (its checkbox) or a selected cell."""
    selection = (selection or {}).get("selection") or {}
    rows = list(selection.get("rows") or [])
    cells = list(selection.get("cells") or [])
    if rows:
        return int(rows[0])
    if cells:
        return int(cells[0][0])
    return None


def _open_clicked(ids: list[str]) -> None:
    """A click in the list → the record to open (runs before the rerun)."""
    row = clicked_row(st.session_state.get("daten_list"))
    if row is not None and row < len(ids):
        st.session_state[PICK] = ids[row]


def record_list(ed: Editor, user: User, lang: str) -> tuple[str, pd.DataFrame, str | None,
                                                             str | None, bool]:  # fmt: skip
    """Filters and the list. Returns ``(table, frame, network, district, retired)``."""
    all_ = t("daten.all", lang)
    table = st.radio(t("daten.table", lang), list(TABLES), horizontal=True, key="daten_table",
                     format_func=lambda k: t(f"daten.table.{k}", lang))  # fmt: skip
    nets = ed.networks()
    own = [n for n in user.networks if n in nets]
    districts = sorted(set(forms.district_names()) | set(ed.assignments()["district_ags"]))
    c1, c2, c3 = st.columns(3)
    net_options = [None, *([OWN] if own else []), *nets]
    if "daten_net" not in st.session_state and own and user.role == "coordinator":
        st.session_state["daten_net"] = OWN  # open on the coordinator's own network(s)
    network = c1.selectbox(
        t("daten.filter.network", lang), net_options, key="daten_net",
        format_func=lambda n: t("daten.filter.own", lang, names=", ".join(nets[x] or x
                                                                          for x in own))
        if n == OWN else nets.get(n, all_),
        placeholder=t("daten.choose", lang),
    )  # fmt: skip
    district = c2.selectbox(t("daten.filter.district", lang), [None, *districts],
                            format_func=lambda a: forms.district_label(a) if a else all_,
                            key="daten_district", placeholder=t("daten.choose", lang))  # fmt: skip
    kind = c3.selectbox(t("daten.filter.kind", lang), [None, *KIND_IDS], key="daten_kind",
                        format_func=lambda k: t(f"kind.{k}", lang) if k else all_,
                        disabled=table != "service",
                        placeholder=t("daten.choose", lang))  # fmt: skip
    c4, c5, c6 = st.columns([2, 1, 1])
    text = c4.text_input(t("daten.filter.text", lang), key="daten_text")
    stale = c5.checkbox(t("daten.filter.stale", lang), key="daten_stale",
                        disabled=table != "service")  # fmt: skip
    retired = c6.checkbox(t("daten.filter.retired", lang), key="daten_retired")
    wanted = own if network == OWN else network
    frame = ed.records(table, network=wanted, district=district, text=text, retired=retired,
                       kind=kind if table == "service" else None,
                       stale=stale and table == "service")  # fmt: skip
    shown = frame.head(MAX_LISTED)
    st.caption(t("daten.count", lang, n=len(frame), shown=len(shown)) + " "
               + t("daten.click_to_open", lang))  # fmt: skip
    view = shown.assign(
        district_ags=shown["district_ags"].map(forms.district_label),
        network_id=shown["network_id"].map(lambda n: nets.get(n, n) or "–"),
        assured_date=shown["assured_date"].map(
            lambda d: d.strftime("%d.%m.%Y") if d is not None and not pd.isna(d) else "–"),
        stale=shown["stale"].map(lambda v: t("daten.opt.yes" if v else "daten.opt.no", lang)),
    )[["name", "city", "district_ags", "network_id", "assured_date", "stale", "version"]]
    st.dataframe(view.rename(columns=lambda c: t(f"daten.list.{c}", lang)), hide_index=True,
                 width="stretch", height=260, key="daten_list",
                 on_select=partial(_open_clicked, list(shown["id"])),
                 selection_mode=["single-row", "single-cell"])  # fmt: skip
    return table, shown, network, district, retired


def record_panel(ed: Editor, user: User, lang: str, table: str, shown: pd.DataFrame,
                 network: str | None, district: str | None, retired: bool) -> None:  # fmt: skip
    """The drop-down of the listed records (kept in step with a click in the list) and the
    open record."""
    may_write = user.role in ("admin", "coordinator")
    labels = {NEW: t("daten.new", lang)} | dict(zip(
        shown["id"], shown["name"].fillna("–") + " · " + shown["city"].fillna(""), strict=True))
    options = ([NEW] if may_write and not retired else []) + list(shown["id"])
    if st.session_state.get(PICK) not in (None, *options):
        st.session_state[PICK] = None  # a record no longer listed after a filter change
    choice = st.selectbox(t("daten.pick", lang), options, index=None, key=PICK,
                          format_func=lambda i: labels.get(i, i),
                          placeholder=t("daten.pick_placeholder", lang))  # fmt: skip
    if not choice:
        return
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
    refs = _org_names(ed) if table != "organization" else {}
    location = None
    if choice == NEW and table == "service":
        locs = ed.records("location", district=district,
                          network=network if network != OWN else list(user.networks))
        locs = locs.head(MAX_LISTED)
        location = st.selectbox(
            t("daten.field.location_id", lang), list(locs["id"]), index=None,
            key="daten_new_location", placeholder=t("daten.choose", lang),
            format_func=dict(zip(locs["id"], (
                locs["name"].fillna("–") + " · " + locs["city"].fillna("")), strict=True)).get,
        )  # fmt: skip
    if table == "location" and record:
        forms.placement_caption(record, lang)
    if choice == NEW and table == "service":
        record = {"verification": "unverified"}  # and no verification date (not verified)
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
    if choice != NEW:
        record_actions(ed, user, lang, table, choice, record, version, can, key)


def _org_names(ed: Editor) -> dict[str, str]:
    orgs = ed.records("organization")
    return dict(zip(orgs["id"], orgs["name"], strict=True))


def record_actions(ed: Editor, user: User, lang: str, table: str, choice: str,
                   record: dict[str, Any], version: int, can: bool,
                   key: tuple) -> None:  # fmt: skip
    """"Still correct", retire/restore, and the history with "restore this version"."""
    b1, b2 = st.columns(2)
    if table == "service":
        if b1.button(t("daten.confirm", lang), key="daten_confirm", disabled=not can,
                     help=t("daten.confirm_help", lang)):  # fmt: skip
            forms.run_write(lang, key, lambda: ed.confirm_still_correct(
                choice, actor=user, expected_version=version), t("daten.confirmed", lang))
        if not can:
            b1.caption(t("daten.why_read_only", lang))
    if "retired_at" in record:
        undo = record["retired_at"] is not None
        if b2.button(t("daten.restore" if undo else "daten.retire", lang), disabled=not can,
                     key="daten_retire"):  # fmt: skip
            call = ed.restore if undo else ed.retire
            forms.run_write(lang, key, lambda: call(table, choice, actor=user,
                                                    expected_version=version),
                            t("daten.saved", lang))  # fmt: skip
        if not can:
            b2.caption(t("daten.why_read_only", lang))
    st.subheader(t("daten.history", lang))
    changes = ed.history(table, choice)
    refs = {"organization_id": _org_names(ed), "network_id": ed.networks(),
            "district_ags": {a: forms.district_label(a) for a in forms.district_names()}}
    st.dataframe(history_frame(changes, lang, refs), hide_index=True, width="stretch",
                 row_height=40)  # fmt: skip
    when = {c.audit_id: f"#{c.audit_id} · {local_time(c.at)} · {c.actor or '–'}"
            for c in changes}  # fmt: skip
    earlier = list(when)[:-1][::-1]  # every version but the current one, newest first
    pick = st.selectbox(t("daten.version_pick", lang), earlier, index=None,
                        format_func=when.get, key="daten_version",
                        placeholder=t("daten.choose", lang))  # fmt: skip
    restore = st.button(t("daten.restore_version", lang), disabled=not can or pick is None,
                        key="daten_restore_version")  # fmt: skip
    if not can:
        st.caption(t("daten.why_read_only", lang))
    elif pick is None:
        st.caption(t("daten.why_pick_version", lang) if earlier else
                   t("daten.why_no_version", lang))  # fmt: skip
    if restore:
        forms.run_write(lang, key, lambda: ed.restore_version(
            table, choice, pick, actor=user, expected_version=version),
            t("daten.restored", lang, n=pick))  # fmt: skip
