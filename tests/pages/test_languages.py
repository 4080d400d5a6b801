"""Every public page renders in the UI languages that no other page test covers."""

import pytest

from i18n import LANGUAGES, t, tn
from i18n.localedata import format_count

#: Languages with page tests elsewhere (shell, finder, gaps); the others are smoke-tested here.
COVERED = ("de", "en", "ar", "fa", "tr", "ru", "uk")
OTHERS = [c for c in LANGUAGES if c not in COVERED]

PAGES = [
    ("pages/start.py", "app.title", {}),
    ("pages/beratung.py", "finder.title", {"q": "Hannover"}),
    ("pages/handlungsfelder.py", "fields.title", {}),
    ("pages/netzwerke.py", "net.title", {}),
    ("pages/luecken.py", "luecken.title", {}),
    ("pages/info.py", "info.title", {}),
]


def test_there_are_languages_to_smoke_test():
    assert {"pl", "ro", "bg", "ps", "ku", "ti"} <= set(OTHERS)


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize(("page", "title", "params"), PAGES, ids=[p[0][6:-3] for p in PAGES])
def test_page_renders_in_language(app, lang, page, title, params):
    app.query_params["lang"] = lang
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == t(title, lang)
    shown = " ".join(e.value for e in (*app.markdown, *app.error) if isinstance(e.value, str))
    assert t("error.page", lang) not in shown


@pytest.mark.parametrize("lang", OTHERS)
def test_finder_counts_in_language(app, lang):
    """The results heading uses the language's plural form and digit grouping."""
    app.query_params["lang"] = lang
    app.query_params["q"] = "Hannover"
    app.switch_page("pages/beratung.py").run()
    assert not app.exception
    heading = app.header[0].value
    counts = {format_count(n, lang): n for n in range(1, 500)}
    n = next(counts[w] for w in heading.split() if w in counts)
    assert heading == tn("finder.results_heading", n, lang)
