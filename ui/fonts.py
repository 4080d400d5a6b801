"""Fonts for scripts a phone may lack: Ge'ez (Ethiopic) for the Tigrinya UI.

Noto Sans Ethiopic (SIL OFL 1.1, the Ethiopic subset of ``@fontsource/noto-sans-ethiopic``,
regular and bold) is vendored in ``static/vendor/noto-sans-ethiopic/`` and served by the app
itself (``/app/static/...``), never by a third-party host. Its ``@font-face`` rules are written
only when the UI language is Tigrinya and carry a ``unicode-range`` of the Ethiopic blocks, so
no other language ever downloads it, and in Tigrinya only Ge'ez letters use it (Latin text and
digits keep Streamlit's font).

The language bar of every page names Tigrinya in its own script ("ትግርኛ"): for that name a
font of its letters only (``NAMES_FONT``, about 2 kB, made by ``scripts/vendor_assets.py``)
is declared on every page, so a phone without a Ge'ez font can still find its language.

>>> script_font_css("de")
''
>>> "unicode-range:U+1200-139F" in script_font_css("ti")
True
"""

from __future__ import annotations

from geo.maps import DEFAULT_ASSET_BASE
from i18n import LANGUAGES

FAMILY = "Atlas Ethiopic"
#: Ethiopic, Ethiopic Supplement, Extended, Extended-A and Extended-B.
ETHIOPIC_RANGE = "U+1200-139F,U+2D80-2DDF,U+AB00-AB2F,U+1E7E0-1E7FF"
FONT_URL = DEFAULT_ASSET_BASE + "/noto-sans-ethiopic/ethiopic-{weight}.woff2"
#: UI languages written in a script that needs a vendored font.
FONT_LANGUAGES = ("ti",)
#: Their names in the language bar, cut from the regular weight (static/ path, npm source).
NAMES_TEXT = "".join(sorted(set("".join(LANGUAGES[code].name for code in FONT_LANGUAGES))))
NAMES_FONT = "noto-sans-ethiopic/language-names.woff"  # in static/vendor/
NAMES_SOURCE = "@fontsource/noto-sans-ethiopic/files/noto-sans-ethiopic-ethiopic-400-normal.woff"
NAMES_FAMILY = "Atlas Language Names"


def language_names_css() -> str:
    """CSS for the language bar: its names in a vendored script use ``NAMES_FONT``.

    >>> "language-names.woff" in language_names_css()
    True
    """
    links = ",".join(f".atlas-langs a[lang={code}]" for code in FONT_LANGUAGES)
    return (
        f"@font-face{{font-family:'{NAMES_FAMILY}';font-style:normal;font-weight:400;"
        f"font-display:swap;src:url({DEFAULT_ASSET_BASE}/{NAMES_FONT}) format('woff');"
        f"unicode-range:{ETHIOPIC_RANGE}}}"
        f"{links}{{font-family:'Source Sans','{NAMES_FAMILY}',sans-serif}}"
    )


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
