"""Fonts for scripts a phone may lack: Ge'ez (Ethiopic) for the Tigrinya UI.

Noto Sans Ethiopic (SIL OFL 1.1, the Ethiopic subset of ``@fontsource/noto-sans-ethiopic``,
regular and bold) is vendored in ``static/vendor/noto-sans-ethiopic/`` and served by the app
itself (``/app/static/...``), never by a third-party host. Its ``@font-face`` rules are written
only when the UI language is Tigrinya and carry a ``unicode-range`` of the Ethiopic blocks, so
no other language ever downloads it, and in Tigrinya only Ge'ez letters use it (Latin text and
digits keep Streamlit's font).

>>> script_font_css("de")
''
>>> "unicode-range:U+1200-139F" in script_font_css("ti")
True
"""

from __future__ import annotations

from geo.maps import DEFAULT_ASSET_BASE

FAMILY = "Atlas Ethiopic"
#: Ethiopic, Ethiopic Supplement, Extended, Extended-A and Extended-B.
ETHIOPIC_RANGE = "U+1200-139F,U+2D80-2DDF,U+AB00-AB2F,U+1E7E0-1E7FF"
FONT_URL = DEFAULT_ASSET_BASE + "/noto-sans-ethiopic/ethiopic-{weight}.woff2"
#: UI languages written in a script that needs a vendored font.
FONT_LANGUAGES = ("ti",)


def script_font_css(lang: str) -> str:
    """A ``<style>`` with the vendored font of ``lang``'s script ("" if it needs none).

    Streamlit writes its font family (``"Source Sans"``) on many elements; the rule puts
    the Ethiopic family right after it everywhere but on Streamlit's icons (a font of their
    own), so a Ge'ez letter, missing from Source Sans, is drawn by Noto Sans Ethiopic.
    """
    if lang not in FONT_LANGUAGES:
        return ""
    faces = "".join(
        f"@font-face{{font-family:'{FAMILY}';font-style:normal;font-weight:{weight};"
        f"font-display:swap;src:url({FONT_URL.format(weight=weight)}) format('woff2');"
        f"unicode-range:{ETHIOPIC_RANGE}}}"
        for weight in (400, 700)
    )
    rule = (
        "body,[data-testid=stApp] :not([data-testid=stIconMaterial]):not(code):not(pre)"
        f"{{font-family:'Source Sans','{FAMILY}',sans-serif!important}}"
    )
    return f"<style>{faces}{rule}</style>"
