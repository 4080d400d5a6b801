"""The last line of defence: a page that fails shows a friendly block, never a traceback.

``app.py`` runs every page through :func:`run_page`. An exception inside a page is logged
on the server (exception type and code locations only — never the exception's message or
the request, which may quote what the visitor typed) and answered with a short message in
the UI language, a reference number that also appears in the log, and a link to the start
page. Streamlit's control flow (``st.rerun``, ``st.stop``, ``st.switch_page``) raises
``BaseException`` subclasses and passes through untouched. ``client.showErrorDetails =
"none"`` in ``.streamlit/config.toml`` covers anything outside a page run.
"""

from __future__ import annotations

import logging
import secrets
import traceback

import streamlit as st

from i18n import t

try:  # Streamlit's run-control exceptions (BaseException subclasses)
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException
except ImportError:  # pragma: no cover - other Streamlit versions
    ScriptControlException = ()  # type: ignore[assignment,misc]

log = logging.getLogger("atlas.pages")


def exception_summary(exc: BaseException) -> str:
    """Type and code locations of ``exc`` (and its causes), without any message text.

    Messages can quote data (a ``KeyError`` its key, a ``ValueError`` the bad input), so
    they are left out: the log never holds what a visitor searched for.

    >>> try:
    ...     int("what the visitor typed")
    ... except ValueError as exc:
    ...     summary = exception_summary(exc)
    >>> summary.splitlines()[0], "visitor" in summary
    ('builtins.ValueError', False)
    """
    parts = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        frames = traceback.extract_tb(current.__traceback__)
        lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        parts.append("\n".join([f"{kind.__module__}.{kind.__qualname__}", *lines]))
        current = current.__cause__ or current.__context__
    return "\nwhile handling:\n".join(parts)


def friendly_error(lang: str, reference: str) -> None:
    """The block a visitor sees instead of a broken page."""
    st.error(t("error.page", lang), icon=":material/error:")
    st.caption(t("error.reference", lang, reference=reference))
    st.page_link("pages/start.py", label=t("nav.start", lang), icon=":material/home:")


def run_page(page, lang: str) -> None:
    """Run ``page`` (from ``st.navigation``); any failure becomes :func:`friendly_error`."""
    try:
        page.run()
    except ScriptControlException:
        raise
    except Exception as exc:
        reference = secrets.token_hex(4)
        log.error("page %s failed (reference %s):\n%s", getattr(page, "url_path", "?"),
                  reference, exception_summary(exc))  # fmt: skip
        friendly_error(lang, reference)
