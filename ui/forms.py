"""Widgets of the maintenance page (``pages/daten.py``): record form, conflict view, network
assignments, export, problem texts in the UI language and :func:`plain` for file text in
markdown elements. The import lives in :mod:`ui.import_ui`, the list and the open record in
:mod:`ui.records_ui`, the history in :mod:`ui.history_ui`. All writes go through
:class:`directory.editing.Editor`; this module only renders and collects input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from directory.auth import User
from directory.editing import (
    FIELDS,
    EditConflict,
    Editor,
    FieldSpec,
    NotSupported,
    PermissionDenied,
    ValidationFailed,
)
from directory.store import NotFoundError
from i18n import catalogue, t
from ui.blocks import escape_markdown
from ui.state import directory_store, offers

FLASH, PROBLEMS, CONFLICT, LOADED = "daten_flash", "daten_problems", "daten_conflict", "daten_v"
#: Text from files or the store inside a markdown element: the one escaping function.
plain = escape_markdown


@st.cache_resource(show_spinner=False)
def editor() -> Editor:
    """The editing service over the app's store."""
    return Editor(directory_store())


@st.cache_data(show_spinner=False)
def district_names() -> dict[str, str]:
    """Kreis AGS → name (empty when the boundaries are not available)."""
    try:
        from geo.boundaries import load_districts

        gdf = load_districts()
        return {str(a): str(n) for a, n in zip(gdf["ags"], gdf["name"], strict=True)}
    except (ImportError, OSError, KeyError):
        return {}


def district_label(ags: str | None) -> str:
    return f"{district_names().get(ags, ags)} ({ags})" if ags else "–"


def _has(key: str, lang: str) -> bool:
    return key in catalogue(lang) or key in catalogue("de")


def option_label(spec: FieldSpec, value: Any, lang: str) -> str:
    if value in (None, ""):
        return "–"
    if spec.name == "district_ags":
        return district_label(value)
    prefix = {"kind": "kind", "fields": "field"}.get(spec.name, "daten.opt")
    key = f"{prefix}.{value}"
    return t(key, lang) if _has(key, lang) else str(value)


def problem_key(p: Any) -> str | None:
    """The catalogue key of a problem: ``validate.<code>`` (field checks) or
    ``daten.problem.<code>[.<reason>]`` (files, import, records); ``None`` if there is none."""
    reason = p.params.get("reason")
    for key in (f"daten.problem.{p.code}.{reason}" if reason else None,
                f"validate.{p.code}", f"daten.problem.{p.code}"):  # fmt: skip
        if key and _has(key, "de"):
            return key
    return None


def problem_params(p: Any, lang: str) -> dict[str, Any]:
    """The problem's params for its text: lists joined, the field's label added."""
    params = {k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
              for k, v in p.params.items()}  # fmt: skip
    if isinstance(p.params.get("columns"), list | tuple) and p.code in ("missing_columns",
                                                                      "single_column"):
        params["columns"] = ", ".join(field_label(c, lang) for c in p.params["columns"])
    if p.code in ("duplicate_column",) and "column" in p.params:
        params["column"] = field_label(p.params["column"], lang)
    if "code" in p.params and p.code.startswith("kind_"):
        params["code"] = t(f"kind.{p.params['code']}", lang) if _has(
            f"kind.{p.params['code']}", lang) else p.params["code"]  # fmt: skip
    if "target" in p.params:
        params["target"] = field_label(p.params["target"], lang)
    params["label"] = field_label(p.field, lang)
    return params


def problem_text(p: Any, lang: str) -> str:
    """A problem in the UI language; German (and any text not in the catalogue) is the
    domain's own German message, which may carry details the catalogue text leaves out."""
    key = problem_key(p)
    if lang != "de" and key is not None:
        try:
            return t(key, lang, **problem_params(p, lang))
        except (KeyError, IndexError, ValueError):
            pass
    return p.message_de


# -- flash messages and write wrapper ----------------------------------------------------------
def flash(lang: str) -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(plain(message), icon=":material/check_circle:")


def run_write(lang: str, key: tuple, action: Callable[[], dict], done: str) -> None:
    """Run one editing call; success → new loaded version, message, rerun; refusals shown."""
    try:
        result = action()
    except ValidationFailed as exc:
        st.session_state[PROBLEMS] = (key, exc.problems)
        st.rerun()
    except EditConflict as exc:
        st.session_state[CONFLICT] = (key, exc)
        st.rerun()
    except PermissionDenied:
        st.error(t("daten.denied", lang), icon=":material/block:")
    except NotFoundError:
        st.error(t("daten.not_found", lang), icon=":material/block:")
    except NotSupported:
        st.error(t("daten.not_supported", lang), icon=":material/block:")
    else:
        st.session_state[LOADED] = (key, result.get("version"))
        st.session_state.pop(PROBLEMS, None)
        st.session_state[FLASH] = done
        offers.clear()
        st.rerun()


def loaded_version(key: tuple, current: int) -> int:
    """The version this editor loaded (kept across reruns until saved or reloaded)."""
    held = st.session_state.get(LOADED)
    if not held or held[0] != key:
        st.session_state[LOADED] = (key, current)
        st.session_state.pop(PROBLEMS, None)
        st.session_state.pop(CONFLICT, None)
        return current
    return held[1]


def problems_for(key: tuple) -> list[Any]:
    held = st.session_state.get(PROBLEMS)
    return list(held[1]) if held and held[0] == key else []


# -- record form -------------------------------------------------------------------------------
def _widget(spec: FieldSpec, value: Any, lang: str, wkey: str, refs: dict[str, str],
            disabled: bool) -> Any:  # fmt: skip
    label = t(f"daten.field.{spec.name}", lang) + (" *" if spec.required else "")
    kw: dict[str, Any] = {"key": wkey, "disabled": disabled}
    if spec.type == "longtext":
        return st.text_area(label, value or "", **kw)
    if spec.type == "choice":
        opts = list(spec.choices) if spec.required or "" in spec.choices else ["", *spec.choices]
        if value not in opts:
            opts.append(value)
        return st.selectbox(label, opts, index=opts.index(value if value in opts else ""),
                            format_func=lambda v: option_label(spec, v, lang),
                            placeholder=t("daten.choose", lang), **kw)  # fmt: skip
    if spec.type == "multi":
        opts = list(dict.fromkeys([*spec.choices, *(value or [])]))
        return st.multiselect(label, opts, default=list(value or []),
                              format_func=lambda v: option_label(spec, v, lang),
                              placeholder=t("daten.choose_many", lang), **kw)  # fmt: skip
    if spec.type == "ref":
        opts = list(refs) if value in refs or not value else [value, *refs]
        opts = [""] * (not spec.required or not opts) + opts
        return st.selectbox(label, opts, index=opts.index(value or opts[0]),
                            format_func=lambda v: refs.get(v, v or "–"),
                            placeholder=t("daten.choose", lang), **kw)  # fmt: skip
    if spec.type == "date":
        date = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return st.date_input(label, date, format="DD.MM.YYYY",
                             help=t("daten.date_help", lang), **kw)  # fmt: skip
    if spec.type == "float":
        return st.number_input(label, value=value, format="%.5f", step=0.001, **kw)
    if spec.type == "hours":
        import json

        text = json.dumps(value, ensure_ascii=False) if value else ""
        return st.text_area(label, text, help=t("daten.hours_help", lang), **kw)
    return st.text_input(label, value or "", **kw)


def record_form(table: str, record: dict[str, Any], lang: str, *, key: tuple, version: int,
                refs: dict[str, str], disabled: bool) -> dict[str, Any] | None:  # fmt: skip
    """The editor form; returns all field values when submitted, else ``None``.

    Widget keys include the loaded version: after a save (or "load stored version") the
    form starts from the stored values again; until then the typed values are kept.
    """
    problems = problems_for(key)
    general = [p for p in problems if p.field not in {f.name for f in FIELDS[table]}]
    prefix = "daten_f_" + "_".join(map(str, (*key, version)))
    with st.form(prefix):
        values = {}
        short = [f for f in FIELDS[table] if f.type not in ("longtext", "hours")]
        columns = st.columns(2)
        warnings = editor().warnings(table, record) if record else []
        for spec in FIELDS[table]:
            if spec.name == "district_ags" and record.get("district_status") not in (
                    "uncertain", "manual"):  # settable only where the placement is uncertain
                continue
            where = columns[short.index(spec) % 2] if spec in short else st.container()
            with where:
                values[spec.name] = _widget(spec, record.get(spec.name), lang,
                                            f"{prefix}_{spec.name}", refs, disabled)
                for p in problems:
                    if p.field == spec.name:
                        st.error(plain(problem_text(p, lang)), icon=":material/warning:")
                for p in warnings:
                    if p.field == spec.name and p.code == "invalid_phone":
                        st.warning(plain(problem_text(p, lang)), icon=":material/warning:")
        for p in general:
            st.error(plain(problem_text(p, lang)), icon=":material/warning:")
        saved = st.form_submit_button(t("daten.save", lang), type="primary", disabled=disabled)
    return values if saved else None


def placement_caption(record: dict[str, Any], lang: str) -> None:
    precision = record.get("geocode_precision")
    where = t(f"precision.{precision}", lang) if precision else t("daten.not_placed", lang)
    st.caption(plain(t("daten.placement", lang, precision=where,
                       district=district_label(record.get("district_ags")),
                       note=record.get("geocode_note") or "–")))  # fmt: skip
    status = record.get("district_status")
    if status in ("uncertain", "manual"):
        st.caption(t(f"daten.district_{status}", lang))


# -- conflict and history ----------------------------------------------------------------------
def _show(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "–"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def conflict_view(conflict: EditConflict, lang: str) -> None:
    """Both versions side by side; nothing was saved."""
    st.error(t("daten.conflict", lang, stored=conflict.stored_version,
               mine=conflict.attempted_version), icon=":material/warning:")  # fmt: skip
    rows = [{t("daten.col.field", lang): t(f"daten.field.{f}", lang),
             t("daten.col.stored", lang, v=conflict.stored_version): _show(a),
             t("daten.col.mine", lang): _show(b)}
            for f, a, b in conflict.differences()]  # fmt: skip
    st.dataframe(pd.DataFrame(rows, dtype=object), hide_index=True, width="stretch")
    st.caption(plain(t("daten.conflict_hint", lang, by=conflict.stored.get("updated_by") or "?")))


# -- regional networks -------------------------------------------------------------------------
def network_editor(ed: Editor, user: User, lang: str) -> None:
    """District → network table and, for permitted districts, the assignment editor."""
    nets = ed.networks()
    table = ed.assignments()
    view = pd.DataFrame({
        t("daten.col.district", lang): [district_label(a) for a in table["district_ags"]],
        t("daten.col.network", lang): [nets.get(n, "–") for n in table["network_id"]],
        t("daten.col.status", lang): list(table["status"]),
        t("daten.col.note", lang): list(table["note"]),
    }, dtype=object)  # fmt: skip
    st.dataframe(view, hide_index=True, width="stretch")
    known = sorted(set(district_names()) | set(table["district_ags"]))
    allowed = [a for a in known if ed.may_assign(user, a)]
    if not allowed:
        st.caption(t("daten.networks_readonly", lang))
        return
    rows = table.set_index("district_ags")
    with st.form("daten_network_form"):
        ags = st.selectbox(t("daten.col.district", lang), allowed, format_func=district_label,
                           key="daten_net_district",
                           placeholder=t("daten.choose", lang))  # fmt: skip
        own = ags in rows.index and rows.loc[ags, "network_id"] in user.networks
        choices = list(nets) if user.role == "admin" or own else list(user.networks)
        net = st.selectbox(t("daten.col.network", lang), [None, *choices],
                           format_func=lambda n: nets.get(n, "–"), key="daten_net_network",
                           placeholder=t("daten.choose", lang))
        go = st.form_submit_button(t("daten.save", lang))
    if go:
        version = int(rows.loc[ags, "version"]) if ags in rows.index else None
        run_write(lang, ("network_assignment", ags), lambda: ed.set_network(
            ags, net, actor=user, expected_version=version), t("daten.saved", lang))  # fmt: skip


# -- export ----------------------------------------------------------------------------------
def field_label(key: str, lang: str) -> str:
    """Label of a flat import/export column in the UI language."""
    return t(f"daten.field.{key}", lang) if _has(f"daten.field.{key}", lang) else key


def mapping_labels(keys: tuple[str, ...], lang: str) -> dict[str, str]:
    """Unique labels for the mapping choices (a widget tells options apart by label):
    a label shared by two fields gets the field's key appended."""
    labels = {k: field_label(k, lang) for k in keys}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {k: f"{v} ({k})" if counts[v] > 1 else v for k, v in labels.items()}


def export_section(ed: Editor, service_ids: list[str] | None, lang: str) -> None:
    """Download buttons: the filtered offers (when listed) and the whole directory.
    CSV/XLSX are for people (words), GeoJSON/HSDS for machines (codes)."""
    from directory.io import EXPORT_FORMATS, export_bytes

    fmt = st.selectbox(t("daten.export_format", lang), list(EXPORT_FORMATS), key="daten_fmt",
                       format_func=lambda f: t(f"daten.export_format.{f}", lang),
                       placeholder=t("daten.choose", lang))  # fmt: skip
    ext = {"hsds": "hsds.json", "hsds-zip": "hsds.zip", "geojson": "geojson"}.get(fmt, fmt)
    left, right = st.columns(2)
    if service_ids is not None:
        left.download_button(t("daten.export_view", lang, n=len(service_ids)),
                             lambda: export_bytes(ed.store, fmt, service_ids=service_ids),
                             file_name=f"integrationsatlas-auswahl.{ext}", key="daten_dl_view")
    right.download_button(t("daten.export_all", lang), lambda: export_bytes(ed.store, fmt),
                          file_name=f"integrationsatlas.{ext}", key="daten_dl_all")
