"""No crash class on the public pages, proven by property tests (AppTest, whole app).

Hypothesis generates URL parameters (valid, invalid, empty, huge, other scripts, repeated)
and store contents (empty, one match, several; no coordinates, no or broken hours,
markdown and HTML in every text field). Every page must render without an exception and
without falling back to the friendly error block (which would hide a crash), and no
element may carry markup or a link that came from the data or the URL.

Examples per property: 30 by default (reproducible, for CI); ``HYPOTHESIS_PROFILE=thorough``
runs 500 (see ``tests/conftest.py``).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pandas as pd
import streamlit
from hypothesis import example, given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from directory.query import OFFER_COLUMNS
from directory.taxonomy import FIELD_IDS
from i18n import LANGUAGES, catalogue
from tests.strategies import offer_frames, url_params, url_value

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("pages/start.py", "pages/beratung.py", "pages/handlungsfelder.py", "pages/info.py",
         "pages/daten.py")  # the maintenance page shows its login form  # fmt: skip
ERROR_TEXTS = {catalogue(lang)["error.page"] for lang in LANGUAGES}
UNESCAPED_TAG = re.compile(r"(?<!\\)<\s*/?\s*(?:img|script|iframe|a|svg|object)\b", re.I)


@contextmanager
def store_with(frame: pd.DataFrame):
    """The app sees ``frame`` as the current offers (instead of the store's). Figures cached
    from it are forgotten afterwards, so no later test sees them."""
    streamlit.cache_data.clear()
    try:
        with mock.patch("ui.state.offers", lambda: frame.copy()):
            yield
    finally:
        streamlit.cache_data.clear()


def run(page: str, params: dict) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page).run()
    return app


def assert_rendered(app: AppTest) -> None:
    """No exception, no error block, no foreign link or markup anywhere on the page."""
    assert not app.exception, [e.value for e in app.exception]
    errors = [e.value for e in app.error]
    assert not (ERROR_TEXTS & set(errors)), "the page failed and showed the error block"
    for element in (*app.markdown, *app.caption, *app.error, *app.warning, *app.info,
                    *app.header, *app.title, *app.subheader):  # fmt: skip
        value = str(element.value)
        # the evil host can only appear escaped (\. in markdown): never as a live URL
        assert "evil.example" not in value, value
        assert not UNESCAPED_TAG.search(value), value  # "\<img" is text, "<img" markup
    for html in app.html:
        assert "<img" not in html.value.lower() and "<script" not in html.value.lower()
        for href in re.findall(r"<a [^>]*href=\"([^\"]*)\"", html.value):
            assert href.split(":")[0] in ("http", "https", "tel", "mailto"), href


def _frame(**row) -> pd.DataFrame:
    """A one-row frame (or an empty one) shaped like ``offers_frame``."""
    frame = pd.DataFrame({c: pd.Series([row.get(c)] if row else [], dtype=object)
                          for c in OFFER_COLUMNS})  # fmt: skip
    return frame.astype({"lat": float, "lon": float, "is_demo": bool})


ONE_CLOSED = _frame(service_id="s0", name="Beratung", kind="mbe", fields=(), target_groups=(),
                    languages=("de",), lat=51.54, lon=9.93, accessibility="no",
                    opening_hours=None, is_demo=False, verification="unverified")  # fmt: skip
ISSUE_URLS = ({"q": "37073", "offen": "1", "barrierefrei": "1"},
              {"q": "Hannover", "offen": "1", "art": "jmd", "sprache": "fa"})  # fmt: skip


@example(frame=_frame(), params=ISSUE_URLS[0], select_first=False)
@example(frame=ONE_CLOSED, params=ISSUE_URLS[0], select_first=False)
@example(frame=ONE_CLOSED, params=ISSUE_URLS[1], select_first=True)
@given(frame=offer_frames(max_rows=5), params=url_params(), select_first=st.booleans())
def test_finder_renders_for_any_url_and_store(frame, params, select_first):
    if len(frame) and select_first:
        params = {**params, "wahl": str(frame["service_id"].iloc[0])}  # selected card, ring
    with store_with(frame):
        app = run("pages/beratung.py", params)
    assert_rendered(app)
    assert app.title[0].value == catalogue(app.session_state["lang"])["finder.title"]


@given(frame=offer_frames(max_rows=5),
       params=url_params(names=("feld", "lang")))  # fmt: skip
def test_fields_of_action_render_for_any_url_and_store(frame, params):
    with store_with(frame):
        app = run("pages/handlungsfelder.py", params)
    assert_rendered(app)
    requested = params.get("feld")
    requested = requested[-1] if isinstance(requested, list) else requested
    assert app.selectbox(key="feld").value == (requested if requested in FIELD_IDS else "")


@given(page=st.sampled_from(PAGES), lang=url_value("lang"), frame=offer_frames(max_rows=3))
def test_every_page_renders_in_any_lang(page, lang, frame):
    with store_with(frame):
        app = run(page, {"lang": lang})
    assert_rendered(app)
    expected = lang if isinstance(lang, str) else lang[-1]  # Streamlit keeps the last value
    assert app.session_state["lang"] == (expected if expected in LANGUAGES else "de")
