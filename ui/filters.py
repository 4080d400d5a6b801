"""Widgets of the URL parameters, drawn from the registry in :mod:`directory.filters`.

A page keeps its widgets in ``st.session_state`` under ``<prefix><url name>`` (e.g.
``f_feld``); :func:`set_widgets` puts a query into them, :func:`read_widgets` reads a query
back, :func:`param_widget` draws one. Nothing here knows a particular filter.
"""

from __future__ import annotations

from typing import Any, TypeVar

import streamlit as st

from directory.filters import Param, Query

Q = TypeVar("Q", bound=Query)
_ANY = ""  # the "any" option of a select whose default is None


def widget_key(param: Param, prefix: str) -> str:
    return f"{prefix}{param.name}"


def _to_widget(param: Param, value: Any) -> Any:
    if param.widget in ("slider", "radio"):
        return value
    if param.widget == "checkbox":
        return bool(value)
    if param.widget == "text":
        return value or ""
    return _ANY if value is None else value


def _from_widget(param: Param, value: Any) -> Any:
    if param.widget == "checkbox":
        return bool(value)
    if param.widget == "text":
        return param.parse(str(value or ""))
    if value == _ANY or value is None:
        return param.default
    return value if param.choices is None or value in param.choices else param.default


def put_in_url(query: Query, url_key: str, *, widgets_match: bool = False) -> None:
    """Put ``query`` into the URL, keeping the UI language.

    ``widgets_match`` says the widgets already show ``query`` (a widget change): the page's
    ``url_key`` in the session then records it, so the widgets are not set again from the
    URL; otherwise (buttons, map clicks) they follow the URL on the next run.
    """
    params = query.to_params()
    lang = st.query_params.get("lang")
    st.query_params.from_dict({**params, **({"lang": lang} if lang else {})})
    if widgets_match:
        st.session_state[url_key] = params


def set_widgets(query: Query, prefix: str, *, only: tuple[str, ...] | None = None) -> None:
    """Show ``query`` in the widgets (before they are drawn in this run); ``only`` names
    the parameters to set (default: every one with a widget)."""
    for p in query.params:
        if p.widget and (only is None or p.name in only):
            st.session_state[widget_key(p, prefix)] = _to_widget(p, query.value(p))


def read_widgets(query: Q, prefix: str) -> Q:
    """``query`` with the values its drawn widgets show now."""
    changes = {}
    for p in query.params:
        key = widget_key(p, prefix)
        if p.widget and key in st.session_state:
            changes[p.attr] = _from_widget(p, st.session_state[key])
    return query.with_(**changes)


def param_widget(param: Param, lang: str, *, prefix: str, easy: bool = False,
                 any_label: str | None = None, choices: tuple[Any, ...] | None = None,
                 **options: Any) -> Any:  # fmt: skip
    """Draw the widget of ``param`` (labels in ``lang``, in Leichte Sprache with ``easy``);
    ``options`` go to Streamlit. Returns the widget's value.

    ``any_label`` names the "any" option of a select (default: the finder's "any");
    ``choices`` replaces the registry's options where only the store knows them (the network
    map's networks and districts), then ``format_func`` in ``options`` labels them.
    """
    key = widget_key(param, prefix)
    label = param.label(lang, easy)
    if param.widget == "checkbox":
        return st.checkbox(label, key=key, **options)
    if param.widget == "text":
        return st.text_input(label, key=key, **options)
    values = tuple(param.choices or ()) if choices is None else tuple(choices)
    if param.widget == "slider":
        step = values[1] - values[0] if len(values) > 1 else 1
        return st.slider(label, values[0], values[-1], step=step, key=key, **options)
    fmt = options.pop("format_func", None) or (lambda v: param.option(v, lang, easy))
    if param.widget == "radio":
        return st.radio(label, values, key=key, format_func=fmt, **options)
    if param.widget == "select":
        if param.default is None:
            values = (_ANY, *values)
        shown = any_label or param.option(None, lang, easy)
        return st.selectbox(
            label, values, key=key,
            format_func=lambda v: shown if v == _ANY or v is None else fmt(v), **options,
        )  # fmt: skip
    raise ValueError(f"parameter {param.name!r} has no widget")
