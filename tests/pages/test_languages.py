"""Every public page renders in the UI languages added for issue #12 (a smoke test per language;
the first seven languages are covered by the page tests): the page title comes from that
language's catalogue, and the page runs without an exception."""

import pytest

from i18n import LANGUAGES, t

#: public pages and the catalogue key of their title
PAGES = {
    "pages/start.py": "app.title",
    "pages/beratung.py": "finder.title",
    "pages/handlungsfelder.py": "fields.title",
    "pages/netzwerke.py": "net.title",
    "pages/luecken.py": "luecken.title",
    "pages/info.py": "info.title",
}


#: languages added for issue #12 (each page run costs seconds, so not all twelve)
ADDED = ("ps", "ku", "ti")


@pytest.mark.parametrize("lang", ADDED)
def test_every_public_page_renders_in_the_language(app, lang):
    assert lang in LANGUAGES
    app.query_params["lang"] = lang
    app.query_params["q"] = "Hannover"  # the finder shows its result cards
    for page, title_key in PAGES.items():
        app.switch_page(page).run()
        assert not app.exception, (lang, page)
        assert app.title[0].value == t(title_key, lang), (lang, page)
        assert t(title_key, lang) != t(title_key, "de")
