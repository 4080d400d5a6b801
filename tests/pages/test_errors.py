"""A failing page shows a friendly block in the UI language, never a traceback; the log
gets the exception type and code locations but nothing the visitor typed."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path
from unittest import mock

import streamlit as st

from i18n import t

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Geheimstraße 7 [x](https://evil.example)"


def _boom(*args, **kwargs):
    raise ValueError(f"cannot handle {SECRET}")


def test_failing_page_shows_friendly_block_and_logs_without_the_query(app, caplog):
    caplog.set_level(logging.ERROR, logger="atlas.pages")
    app.query_params["q"] = SECRET
    app.query_params["lang"] = "ar"
    with mock.patch("directory.finder.search", _boom):
        app.switch_page("pages/beratung.py").run()
    assert not app.exception  # no traceback element
    assert [e.value for e in app.error] == [t("error.page", "ar")]
    reference = re.search(r"[0-9a-f]{8}", app.caption[-1].value).group(0)
    assert app.caption[-1].value == t("error.reference", "ar", reference=reference)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert reference in logged and "builtins.ValueError" in logged and "beratung" in logged
    assert "Geheim" not in logged and "evil" not in logged  # privacy: no visitor input


def test_streamlit_control_flow_passes_through(app):
    def stop(*args, **kwargs):
        st.stop()

    app.query_params["q"] = "37073"
    with mock.patch("directory.finder.search", stop):
        app.switch_page("pages/beratung.py").run()
    assert not app.exception and not app.error  # st.stop is not an error
    assert app.title[0].value == t("finder.title", "de")
    assert not app.header  # the run stopped before the results


def test_no_error_details_for_visitors():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
