"""The import part of the maintenance page: upload → preview → commit.

* the upload box speaks the UI language (Streamlit's own texts are replaced by a CSS rule and
  a caption; the size limit is the import's, ``ATLAS_IMPORT_MAX_MB``);
* the preview counts new / changed / unchanged / refused rows; every row's kind is shown and
  can be changed; a kind, or any other value, can be set once for all rows;
* column headers from the file are plain text (escaped in widget labels, cells otherwise);
* "commit all" is all or nothing; "commit the valid rows" is an explicit second choice, and
  the refused rows can be downloaded in the file's own format with the reason;
* a disabled button always has its reason beside it; after a commit the upload is cleared,
  so no message of the old file stays on screen.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from directory.auth import User
from directory.editing import Editor
from directory.io.columns import FLAT_COLUMNS
from directory.taxonomy import KIND_IDS
from directory.validate import Problem
from i18n import t
from ui.forms import FLASH, field_label, mapping_labels, plain, problem_text
from ui.state import offers

TYPES = ["csv", "txt", "xlsx", "json", "geojson", "zip"]
STATE = "daten_import"  # {"file": id, "mapping": …, "defaults": …, "overrides": …}
PREVIEW = "daten_preview"
DONE = "daten_import_done"  # refused rows of the last partial commit (for the download)
#: target columns a value for all rows can be given for (not ids, coordinates, derived data)
DEFAULTABLE = tuple(c for c in FLAT_COLUMNS if c not in (
    "id", "organization_id", "location_id", "name", "latitude", "longitude", "precision",
    "district_ags", "geocode_note", "demo"))  # fmt: skip


def _css_string(text: str) -> str:
    """A CSS string literal (quotes and backslashes escaped; no markup can close the style)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "").replace("\n", " ")
    return f'"{text}"'


def uploader_css(lang: str) -> None:
    """Replace Streamlit's English upload texts ("200MB per file • CSV", "Upload") by the UI
    language's (Streamlit has no i18n for them). Its aria-labels stay as Streamlit sets them;
    the caption below the box says the same in the UI language."""
    zone = "[data-testid='stFileUploaderDropzone']"
    hint = f"{zone} [data-testid='stFileUploaderDropzoneInstructions']"
    button = f"{zone} [data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer']"
    css = (
        f"{hint} span{{display:none}}"
        f"{hint} > div::after{{content:{_css_string(t('daten.upload.drop', lang))};"
        "font-size:.875rem}"
        f"{button} p{{display:none}}"
        f"{button}::after{{content:{_css_string(t('daten.upload.button', lang))}}}"
    )
    st.html(f"<style>{css}</style>")


def _state(file_id: str) -> dict[str, Any]:
    held = st.session_state.get(STATE)
    if not held or held.get("file") != file_id:
        held = {"file": file_id, "mapping": None, "defaults": {}, "overrides": {}}
        st.session_state[STATE] = held
    return held


def _reason(lang: str):
    return lambda row: " · ".join(problem_text(p, lang) for p in row.errors)


def mark_foreign(preview: Any, ed: Editor, user: User, lang: str) -> None:
    """A coordinator's rows outside their network's districts are refused rows."""
    if user.role != "coordinator":
        return
    allowed: dict[Any, bool] = {}
    for row in preview.rows:
        ags = row.data.get("district_ags")
        if ags not in allowed:
            allowed[ags] = ed.may_place(user, ags)
        if row.action != "error" and not allowed[ags]:
            row.problems.append(Problem("district_ags", "import_foreign", "error",
                                        t("daten.import_foreign", "de"), {}))  # fmt: skip
            row.action = "error"


def import_section(ed: Editor, user: User, lang: str) -> None:
    """Upload → preview with per-row problems → commit (all, or the valid rows)."""
    from directory.io import load_preview, max_import_bytes, max_import_mb

    done = st.session_state.pop(DONE, None)
    if done:
        data, suffix, mime = done
        st.download_button(t("daten.import_refused_download", lang), data,
                           file_name=f"abgelehnte-zeilen.{suffix}", mime=mime,
                           key="daten_refused_done", icon=":material/download:")  # fmt: skip
    if user.role not in ("admin", "coordinator"):
        st.caption(t("daten.import_readonly", lang))
        return
    uploader_css(lang)
    generation = st.session_state.get("daten_upload_gen", 0)
    upload = st.file_uploader(t("daten.import_file", lang), key=f"daten_upload_{generation}",
                              type=TYPES)  # fmt: skip
    limit = max_import_mb()
    st.caption(t("daten.import_limit", lang, mb=f"{limit:g}", types=", ".join(
        x.upper() for x in ("csv", "xlsx", "geojson", "json", "zip"))))  # fmt: skip
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > max_import_bytes():
        st.error(t("daten.import_too_big", lang, mb=f"{limit:g}"), icon=":material/block:")
        return
    state = _state(upload.file_id)
    key = (upload.file_id, json.dumps([state["mapping"], state["defaults"], state["overrides"]],
                                      sort_keys=True, default=str))  # fmt: skip
    held = st.session_state.get(PREVIEW)
    if not held or held[0] != key:
        with st.spinner(t("daten.import_reading", lang)):
            preview = load_preview(data, store=ed.store, name=upload.name,
                                   mapping=dict(state["mapping"]) if state["mapping"] else None,
                                   defaults=state["defaults"],
                                   overrides={int(k): v for k, v in state["overrides"].items()})
        mark_foreign(preview, ed, user, lang)
        held = (key, preview)
        st.session_state[PREVIEW] = held
    preview = held[1]
    counts = preview.counts
    st.markdown(plain(t("daten.import_counts", lang, **{k: counts.get(k, 0) for k in
                                                      ("rows", "new", "update", "unchanged",
                                                       "error")})))  # fmt: skip
    for p in preview.file_problems:
        (st.error if p.is_error else st.warning)(plain(problem_text(p, lang)))
    if preview.headers:
        mapping_editor(preview, upload.file_id, state, lang)
    if preview.rows:
        rows_table(preview, state, lang)
    commit_buttons(ed, user, preview, lang)


def _kind_label(code: Any, lang: str) -> str:
    return t(f"kind.{code}", lang) if code in KIND_IDS else ""


def rows_table(preview: Any, state: dict[str, Any], lang: str) -> None:
    """Every row: line, action, name, kind (editable), refused reasons, notes (wrapped)."""
    refused = preview.counts["error"]
    only = st.toggle(t("daten.import_only_refused", lang, n=refused), value=False,
                     key="daten_only_refused", disabled=not refused)  # fmt: skip
    rows = [r for r in preview.rows if r.action == "error"] if only and refused else preview.rows
    kinds = {_kind_label(k, lang): k for k in KIND_IDS}
    c_kind, c_line = t("daten.field.kind", lang), t("daten.col.line", lang)
    c_problems = t("daten.col.problems", lang)
    frame = pd.DataFrame([{
        c_line: r.line,
        t("daten.col.action", lang): t(f"daten.import_action.{r.action}", lang),
        t("daten.field.name", lang): r.data.get("name") or "",
        c_kind: _kind_label(r.data.get("kind"), lang),
        c_problems: " · ".join([*(problem_text(p, lang) for p in r.errors),
                                *(problem_text(p, lang) for p in r.warnings)]),
    } for r in rows[:2000]], dtype=object)  # fmt: skip
    st.caption(t("daten.import_kind_help", lang))
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", height=min(460, 40 + 76 * len(frame)),
        row_height=76, disabled=[c for c in frame.columns if c != c_kind],
        key=f"daten_rows_{state['file']}_{len(state['overrides'])}_{only}",
        column_config={
            c_line: st.column_config.NumberColumn(width="small"),
            t("daten.col.action", lang): st.column_config.TextColumn(width="small"),
            t("daten.field.name", lang): st.column_config.TextColumn(width="medium"),
            c_kind: st.column_config.SelectboxColumn(c_kind, options=list(kinds), width="medium",
                                                     required=True),
        },
    )  # fmt: skip
    if len(preview.rows) > 2000:
        st.caption(t("daten.import_rows_cut", lang, n=len(preview.rows)))
    changed = {}
    for (_, before), (_, after) in zip(frame.iterrows(), edited.iterrows(), strict=True):
        if after[c_kind] != before[c_kind] and after[c_kind] in kinds:
            changed[str(int(before[c_line]))] = {"kind": kinds[after[c_kind]]}
    if changed:
        state["overrides"] = {**state["overrides"], **changed}
        st.rerun()


def mapping_choices(headers: list[str], detected: dict[str, str]) -> dict[str, str]:
    """The column → field choice to prefill: the detected target, or "" (ignored)."""
    return {h: detected.get(h, "") for h in headers}


def mapping_editor(preview: Any, file_id: str, state: dict[str, Any], lang: str) -> None:
    """Detected column mapping, correctable per column, and values for all rows; "apply"
    recomputes the preview (the mechanism of the CLI's ``--mapping`` and ``--default``)."""
    options = ["", *FLAT_COLUMNS]
    labels = mapping_labels(FLAT_COLUMNS, lang)
    current = mapping_choices(preview.headers, preview.mapping)
    missing_kind = "kind" not in preview.present or "kind" in state["defaults"]
    with st.expander(t("daten.import_mapping", lang),
                     expanded=bool(preview.ignored) or not preview.ok):  # fmt: skip
        st.caption(t("daten.import_mapping_help", lang))
        with st.form("daten_mapping_form", border=False):
            picked: dict[str, str] = {}
            cols = st.columns(2)
            for i, header in enumerate(preview.headers):
                if not str(header).strip():
                    continue
                value = current[header]
                picked[header] = cols[i % 2].selectbox(
                    plain(header), options,
                    index=options.index(value) if value in options else 0,
                    key=f"daten_map_{file_id}_{i}",
                    format_func=lambda k: labels[k] if k else t("daten.import_ignored", lang),
                )  # fmt: skip
            st.markdown(f"**{plain(t('daten.import_defaults', lang))}**")
            st.caption(t("daten.import_defaults_help", lang))
            kind = None
            if missing_kind:
                kinds = list(KIND_IDS)
                chosen = state["defaults"].get("kind")
                kind = st.selectbox(
                    t("daten.import_kind_all", lang), kinds, key=f"daten_kind_all_{file_id}",
                    index=kinds.index(chosen) if chosen in kinds else None,
                    format_func=lambda k: t(f"kind.{k}", lang),
                    placeholder=t("daten.import_kind_infer", lang),
                )  # fmt: skip
            free = [c for c in DEFAULTABLE if c != "kind" and c not in preview.mapping.values()]
            d1, d2 = st.columns([1, 2])
            column = d1.selectbox(t("daten.import_default_column", lang), free, index=None,
                                  key=f"daten_default_col_{file_id}",
                                  format_func=lambda c: field_label(c, lang),
                                  placeholder=t("daten.choose", lang))  # fmt: skip
            value = d2.text_input(t("daten.import_default_value", lang),
                                  key=f"daten_default_val_{file_id}",
                                  help=t("daten.import_default_value_help", lang))  # fmt: skip
            shown = {k: v for k, v in state["defaults"].items() if k != "kind"}
            if shown:
                st.dataframe(pd.DataFrame({
                    t("daten.col.field", lang): [field_label(k, lang) for k in shown],
                    t("daten.import_default_value", lang): [
                        "; ".join(v) if isinstance(v, list) else str(v) for v in shown.values()],
                }, dtype=object), hide_index=True)  # fmt: skip
            b1, b2 = st.columns(2)
            apply = b1.form_submit_button(t("daten.import_mapping_apply", lang), type="primary")
            reset = b2.form_submit_button(t("daten.import_defaults_reset", lang),
                                          disabled=not state["defaults"])  # fmt: skip
    if apply:
        state["mapping"] = tuple(sorted((h, v or None) for h, v in picked.items()))
        defaults = dict(state["defaults"])
        if missing_kind:
            if kind:
                defaults["kind"] = kind
            else:
                defaults.pop("kind", None)
        if column and value.strip():
            defaults[column] = value.strip()
        state["defaults"] = defaults
        st.rerun()
    if reset:
        state["defaults"] = {}
        st.rerun()


def commit_buttons(ed: Editor, user: User, preview: Any, lang: str) -> None:
    """"Commit all" (all or nothing) and "commit the valid rows", each with the reason when
    it cannot be used; the refused rows as a download."""
    from directory.io import ImportRefused, commit, refused_file

    counts = preview.counts
    file_error = counts["file_errors"] > 0 or not preview.rows
    c1, c2 = st.columns(2)
    all_ok = preview.ok
    with c1:
        go_all = st.button(t("daten.import_commit", lang), type="primary", disabled=not all_ok,
                           key="daten_commit")  # fmt: skip
        if not all_ok:
            why = "daten.import_why_file" if file_error else "daten.import_why_rows"
            st.caption(t(why, lang, n=counts["error"]))
    partial = bool(counts["error"]) and preview.committable
    with c2:
        go_valid = st.button(t("daten.import_commit_valid", lang,
                               n=counts["rows"] - counts["error"]),
                             disabled=not partial, key="daten_commit_valid")  # fmt: skip
        if not partial:
            why = ("daten.import_why_file" if file_error else "daten.import_why_none_refused"
                   if not counts["error"] else "daten.import_why_no_valid")  # fmt: skip
            st.caption(t(why, lang, n=counts["error"]))
    refused = None
    if counts["error"] and preview.rows:
        refused = refused_file(preview, _reason(lang), t("daten.import_reason", lang))
        data, suffix, mime = refused
        st.download_button(t("daten.import_refused_download", lang), data,
                           file_name=f"abgelehnte-zeilen.{suffix}", mime=mime,
                           key="daten_refused", icon=":material/download:")  # fmt: skip
    if not (go_all or go_valid):
        return
    try:
        result = commit(ed.store, preview, actor=user.username, skip_errors=go_valid)
    except ImportRefused as exc:
        key = f"daten.refused.{exc.code}"
        st.error(plain(t(key, lang, **exc.params)), icon=":material/block:")
        st.session_state.pop(PREVIEW, None)  # re-read against the changed store next time
        return
    for held in (PREVIEW, STATE):
        st.session_state.pop(held, None)
    st.session_state["daten_upload_gen"] = st.session_state.get("daten_upload_gen", 0) + 1
    offers.clear()
    c = result.counts
    st.session_state[FLASH] = t("daten.import_done", lang, new=c.get("new", 0),
                                update=c.get("update", 0), refused=c.get("error", 0))  # fmt: skip
    if go_valid and refused is not None:
        st.session_state[DONE] = refused
    st.rerun()
