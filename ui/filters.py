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


def set_widgets(query: Query, prefix: str) -> None:
    """Show ``query`` in the widgets (before they are drawn in this run)."""
    for p in query.params:
        if p.widget:
            st.session_state[widget_key(p, prefix)] = _to_widget(p, query.value(p))


def read_widgets(query: Q, prefix: str) -> Q:
    """``query`` with the values its drawn widgets show now."""
    changes = {}
    for p in query.params:
        key = widget_key(p, prefix)
        if p.widget and key in st.session_state:
            changes[p.attr] = _from_widget(p, st.session_state[key])
    return query.with_(**changes)


def param_widget(
    param: Param, lang: str, *, prefix: str, easy: bool = False, **options: Any
) -> Any:
    """Draw the widget of ``param`` (labels in ``lang``, in Leichte Sprache with ``easy``);
    ``options`` go to Streamlit. Returns the widget's value."""
    key = widget_key(param, prefix)
    label = param.label(lang, easy)
    if param.widget == "checkbox":
        return st.checkbox(label, key=key, **options)
    if param.widget == "text":
        return st.text_input(label, key=key, **options)
    if param.widget == "select":
        choices = tuple(param.choices or ())
        values = (_ANY, *choices) if param.default is None else choices
        return st.selectbox(
            label, values, key=key,
            format_func=lambda v: param.option(None if v == _ANY else v, lang, easy), **options,
        )  # fmt: skip
    raise ValueError(f"parameter {param.name!r} has no widget")
