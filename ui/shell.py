"""Make sure every run goes through the shell (``app.py``), even a server's very first one.

Streamlit still knows the old multipage mode: when a folder named ``pages/`` lies next to
the entry script, a fresh server (and every ``AppTest`` run) treats the app as an old-style
one until a run calls ``st.navigation`` — so the very first request straight to
``/beratung`` would run ``pages/beratung.py`` alone, without ``app.py`` (no language switch,
no self-hosted map assets: Leaflet would come from a CDN). :func:`require_shell` switches that
mode off; called from a page file that runs alone, it runs the shell in its place (which runs
the same page, its URL path being the same) and stops the lone run. No rerun is needed, so a
click that started the run is not lost. ``tests/browser/test_handlungsfelder.py`` guards this.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP_SCRIPT = Path(__file__).resolve().parent.parent / "app.py"


def require_shell(*, entry: bool = False) -> None:
    """Leave Streamlit's old multipage mode; ``entry=True`` when called from ``app.py``."""
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    if entry:
        return  # app.py is running: its st.navigation takes over from here
    runpy.run_path(str(APP_SCRIPT), run_name="__main__")
    st.stop()
