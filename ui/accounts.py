"""The admin tab of the maintenance page: accounts without editing any file.

Admins create accounts, assign role and regional networks (the store's), reset passwords
(a generated one-time password, shown once; the user must choose a new one at the next
login), disable and enable accounts, and see every change as history (newest first).
All writes go through :class:`directory.accounts.Accounts` (audited there); this module
only renders and collects input. Typed and stored text is shown as plain text (tables,
code blocks) or markdown-escaped, never as markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from directory.accounts import ROLES, AccountInfo, Accounts, AuthError, User
from directory.hours import BERLIN
from directory.store import ConflictError, NotFoundError
from i18n import t
from ui.auth import accounts, auth_message

#: session keys: the one-time password to show once, and the last success message
OTP, DONE = "accounts_otp", "accounts_done"
ACTIONS = ("create", "import", "update", "password_change", "password_reset", "disable", "enable")


def _when(at: dt.datetime | None) -> str:
    return at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M") if at else "–"


def _status(info: AccountInfo, lang: str) -> str:
    if not info.active:
        return t("accounts.status.disabled", lang)
    if info.must_change_password:
        return t("accounts.status.must_change", lang)
    return t("accounts.status.active", lang)


def _net_names(ids: Sequence[str], nets: dict[str, str]) -> str:
    return "; ".join(nets.get(n, n) for n in ids) or "–"


def accounts_frame(infos: Sequence[AccountInfo], nets: dict[str, str], lang: str) -> pd.DataFrame:
    c = "accounts.col."
    return pd.DataFrame(
        [
            {
                t(c + "username", lang): i.username,
                t(c + "display_name", lang): i.display_name,
                t(c + "email", lang): i.email,
                t(c + "role", lang): t(f"auth.role.{i.role}", lang),
                t(c + "networks", lang): _net_names(i.networks, nets),
                t(c + "status", lang): _status(i, lang),
                t(c + "updated", lang): _when(i.updated_at),
                t(c + "by", lang): i.updated_by or "–",
            }
            for i in infos
        ],
        dtype=object,
    )


def _show(field: str, value: Any, nets: dict[str, str], lang: str) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if field == "role":
        return t(f"auth.role.{value}", lang)
    if field == "networks":
        return _net_names(value, nets)
    if isinstance(value, bool):
        return t("accounts.yes" if value else "accounts.no", lang)
    if field == "disabled_at":
        try:
            return _when(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field == "password":
        return t("accounts.password_set", lang)
    return str(value)


def history_frame(acc: Accounts, nets: dict[str, str], lang: str) -> pd.DataFrame:
    """Audited account changes, newest first, with labels instead of codes; passwords
    appear only as "set"."""
    c = "accounts.col."
    rows = []
    for ch in acc.history():
        action = t(f"accounts.action.{ch.action}", lang) if ch.action in ACTIONS else ch.action
        changes = ch.changes
        if ch.action in ("create", "import"):
            changes = {k: v for k, v in changes.items() if v[1] not in (None, "", [], False)}
        what = "; ".join(
            f"{t(f'accounts.field.{k}', lang)}: "
            + (f"{_show(k, b, nets, lang)} → " if ch.action not in ("create", "import") else "")
            + _show(k, a, nets, lang)
            for k, (b, a) in changes.items()
        )
        rows.append(
            {
                t(c + "when", lang): _when(ch.at),
                t(c + "by", lang): ch.actor or "–",
                t(c + "username", lang): ch.username,
                t(c + "action", lang): action,
                t(c + "changes", lang): what,
            }
        )
    return pd.DataFrame(rows, dtype=object)


def _run(lang: str, call: Callable[[], Any], done: str) -> None:
    """One account write: success → message (and a one-time password) and rerun."""
    try:
        result = call()
    except AuthError as exc:
        st.error(auth_message(exc, lang), icon=":material/block:")
    except ConflictError:
        st.error(t("accounts.error.conflict", lang), icon=":material/block:")
    except NotFoundError:
        st.error(t("accounts.error.not_found", lang), icon=":material/block:")
    else:
        info, password = result if isinstance(result, tuple) else (result, None)
        if password:
            st.session_state[OTP] = (info.username, password)
        st.session_state[DONE] = done
        st.rerun()


def _one_time_password(lang: str) -> None:
    """Show a generated password once (it is gone after the next rerun)."""
    done = st.session_state.pop(DONE, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    otp = st.session_state.pop(OTP, None)
    if otp:
        st.warning(t("accounts.otp_once", lang), icon=":material/key:")
        st.text(t("accounts.otp_for", lang, username=otp[0]))
        st.code(otp[1], language=None)


def accounts_admin(user: User, lang: str) -> None:
    """The whole tab: list, create, change the picked account, history."""
    if user.role != "admin":  # the tab is only added for admins; the domain checks nothing
        st.error(t("accounts.error.admin_only", lang))
        return
    acc = accounts()
    nets = acc.network_ids()
    _one_time_password(lang)
    infos = acc.list()
    st.dataframe(accounts_frame(infos, nets, lang), hide_index=True, width="stretch")

    st.subheader(t("accounts.create", lang))
    with st.form("accounts_create", clear_on_submit=True):
        c1, c2 = st.columns(2)
        username = c1.text_input(
            t("accounts.field.username", lang),
            key="acc_new_username",
            help=t("accounts.help.username", lang),
        )
        display = c2.text_input(t("accounts.field.display_name", lang), key="acc_new_display")
        c1, c2 = st.columns(2)  # rows, so that a phone stacks them in order
        email = c1.text_input(
            t("accounts.field.email", lang),
            key="acc_new_email",
            help=t("accounts.help.email", lang),
        )
        role = c2.selectbox(
            t("accounts.field.role", lang),
            ROLES,
            index=1,
            key="acc_new_role",
            format_func=lambda r: t(f"auth.role.{r}", lang),
        )
        networks = st.multiselect(
            t("accounts.field.networks", lang),
            list(nets),
            key="acc_new_networks",
            format_func=nets.get,
            placeholder=t("accounts.networks_placeholder", lang),
        )
        create = st.form_submit_button(
            t("accounts.create_button", lang), type="primary", key="acc_create_submit"
        )
    if create:
        _run(
            lang,
            lambda: acc.create(
                username,
                role=role,
                networks=networks,
                display_name=display,
                email=email,
                actor=user.username,
            ),
            t("accounts.created", lang),
        )

    st.subheader(t("accounts.edit", lang))
    by_name = {i.username: i for i in infos}
    pick = st.selectbox(
        t("accounts.pick", lang),
        list(by_name),
        index=None,
        key="acc_pick",
        placeholder=t("accounts.pick_placeholder", lang),
    )
    if pick in by_name:
        _edit(acc, by_name[pick], user, nets, infos, lang)

    st.subheader(t("accounts.history", lang))
    history = history_frame(acc, nets, lang)
    if history.empty:
        st.caption(t("accounts.history_empty", lang))
    else:
        wide = {t("accounts.col.changes", lang): st.column_config.TextColumn(width="large")}
        st.dataframe(history, hide_index=True, width="stretch", column_config=wide)


def _edit(
    acc: Accounts,
    info: AccountInfo,
    user: User,
    nets: dict[str, str],
    infos: Sequence[AccountInfo],
    lang: str,
) -> None:
    """Role, networks, name, e-mail of one account; reset password; disable/enable."""
    me = info.username == user.username
    last_admin = info.role == "admin" and not [
        i for i in infos if i.role == "admin" and i.active and i.username != info.username
    ]
    key = f"acc_{info.username}_{info.version}"
    with st.form(f"{key}_form"):
        c1, c2 = st.columns(2)
        display = c1.text_input(
            t("accounts.field.display_name", lang), info.display_name, key=f"{key}_display"
        )
        email = c2.text_input(
            t("accounts.field.email", lang),
            info.email,
            key=f"{key}_email",
            help=t("accounts.help.email", lang),
        )
        locked_role = me or last_admin
        c1, c2 = st.columns(2)
        role = c1.selectbox(
            t("accounts.field.role", lang),
            ROLES,
            ROLES.index(info.role),
            format_func=lambda r: t(f"auth.role.{r}", lang),
            key=f"{key}_role",
            disabled=locked_role,
            help=t("accounts.help.own_role" if me else "accounts.help.last_admin", lang)
            if locked_role
            else None,
        )
        networks = c2.multiselect(
            t("accounts.field.networks", lang),
            list(nets),
            [n for n in info.networks if n in nets],
            key=f"{key}_networks",
            format_func=nets.get,
            placeholder=t("accounts.networks_placeholder", lang),
        )
        save = st.form_submit_button(t("accounts.save", lang), type="primary", key=f"{key}_save")
    if save:
        changes = {"display_name": display, "email": email, "networks": networks}
        if not locked_role:
            changes["role"] = role
        _run(
            lang,
            lambda: acc.update(
                info.username, changes, actor=user.username, expected_version=info.version
            ),
            t("accounts.saved", lang),
        )
    b1, b2 = st.columns(2)
    if b1.button(
        t("accounts.reset_password", lang), key=f"{key}_reset", help=t("accounts.help.reset", lang)
    ):
        _run(
            lang,
            lambda: acc.reset_password(
                info.username, actor=user.username, expected_version=info.version
            ),
            t("accounts.reset_done", lang),
        )
    blocked = me or (last_admin and info.active)
    label = "accounts.disable" if info.active else "accounts.enable"
    reason = (
        ("accounts.help.own_account" if me else "accounts.help.last_admin") if blocked else None
    )
    if b2.button(
        t(label, lang),
        key=f"{key}_disable",
        disabled=bool(blocked),
        help=t(reason, lang) if reason else None,
    ):
        _run(
            lang,
            lambda: acc.set_disabled(
                info.username, info.active, actor=user.username, expected_version=info.version
            ),
            t("accounts.disabled_done" if info.active else "accounts.enabled_done", lang),
        )
    if blocked:
        st.caption(t(reason, lang))
