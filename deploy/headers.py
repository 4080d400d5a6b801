"""The security headers of the reverse proxy, and the Caddyfile that sets them: one source.

``python -m deploy.headers`` prints the Caddyfile (``deploy/Caddyfile`` is its output for
the default tiles; ``--check`` fails if the committed file differs). The tile server that
the Content-Security-Policy allows as images comes from the same settings as the app's
(``ATLAS_TILES``, ``ATLAS_TILES_URL``; see :func:`geo.maps.tile_layer_config`), so with
other tiles regenerate the file with the same environment::

    ATLAS_TILES=custom ATLAS_TILES_URL='https://tiles.example.org/{z}/{x}/{y}.png' \\
        ATLAS_TILES_ATTRIBUTION='…' python -m deploy.headers > deploy/Caddyfile

What Streamlit 1.67 needs under this policy was measured by loading the pages in Chromium
behind Caddy with these headers and removing one source at a time
(``tests/browser/test_proxy.py`` fails on any CSP violation):

* ``script-src 'unsafe-inline'`` — Streamlit's ``index.html`` has an inline script, and
  folium's map is inline script in the map component's document;
* ``script-src blob:`` — Streamlit's own components (``st.components.v2``: "near me", the
  page-language hook) are loaded as ES modules from blob URLs;
* ``style-src 'unsafe-inline'`` — Streamlit's emotion styles and Leaflet's inline styles;
* ``img-src data:`` (favicon, Leaflet) and ``font-src data:`` (Streamlit's icon font);
* ``frame-src 'self'`` — the map component runs in a same-origin iframe.

``'unsafe-eval'`` is *not* needed (not even for Altair/Vega charts, which Streamlit renders
with its interpreter) and is not allowed. Nor is ``'wasm-unsafe-eval'``: the only
WebAssembly use is long.js (in Streamlit's protobuf bundle) probing for a wasm speed-up of
64-bit arithmetic inside ``try``; blocked, it uses its JavaScript code — the one CSP report
the browser test expects (:data:`KNOWN_BLOCKED`).
No third-party origin is allowed anywhere but the tile server, and only as an image.

Framing: the app's pages may not be framed by anyone (``frame-ancestors 'none'``,
``X-Frame-Options: DENY``); the component documents under ``/component/`` are framed by the
app itself, so they get ``'self'`` / ``SAMEORIGIN`` instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
CADDYFILE = HERE / "Caddyfile"
#: paths whose documents the app frames itself (Streamlit custom components)
FRAMED_PATHS = ("/component/*",)
HSTS_MAX_AGE = 365 * 24 * 3600
#: (directive, blocked URI, source file pattern) of the expected CSP reports: blocked on
#: purpose, with a working fallback in the page (see the module doc)
KNOWN_BLOCKED = (("script-src", "wasm-eval", r"/static/js/protobuf\.[\w-]+\.js$"),)


def tile_origins(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """CSP sources of the configured tile server (``{s}`` subdomains as a wildcard).

    >>> tile_origins({})
    ('https://tile.openstreetmap.org',)
    >>> tile_origins({"ATLAS_TILES": "none"})
    ()
    >>> tile_origins({"ATLAS_TILES": "custom", "ATLAS_TILES_ATTRIBUTION": "x",
    ...               "ATLAS_TILES_URL": "https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png"})
    ('https://*.tiles.example.org:8443',)
    """
    from geo.maps import tile_layer_config

    url = tile_layer_config(os.environ if env is None else env).url
    if not url:
        return ()
    parts = urlsplit(url.replace("{s}", "SUBDOMAIN"))
    host = (parts.hostname or "").replace("subdomain", "*")
    if parts.scheme != "https" or not host or "{" in host or any(c in host for c in " ;,'\""):
        raise ValueError(f"tile URL {url!r}: need an https URL with a plain host")
    port = f":{parts.port}" if parts.port else ""
    return (f"https://{host}{port}",)


def content_security_policy(tiles: tuple[str, ...], *, framed: bool = False) -> str:
    """The CSP of the app's responses (``framed``: of the component documents).

    >>> "frame-ancestors 'none'" in content_security_policy(())
    True
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'", "blob:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *tiles],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'" if framed else "'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",  # "near me" asks for the position after a click
        "camera=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
        "display-capture=()",
        "browsing-topics=()",
    ]
)


def security_headers(tiles: tuple[str, ...], *, framed: bool = False) -> dict[str, str]:
    """Every header the proxy sets on the app's responses.

    ``Referrer-Policy: strict-origin``: other sites (and the tile server, whose usage policy
    asks for a referrer) learn at most the atlas's origin — never a path or a query, which
    holds the visitor's search.
    """
    return {
        "Content-Security-Policy": content_security_policy(tiles, framed=framed),
        "X-Frame-Options": "SAMEORIGIN" if framed else "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Strict-Transport-Security": f"max-age={HSTS_MAX_AGE}",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def _caddy_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _header_block(matcher: str, headers: Mapping[str, str]) -> list[str]:
    lines = [f"\theader {matcher} {{", "\t\tdefer", "\t\t-Server"]
    lines += [f"\t\t{name} {_caddy_quote(value)}" for name, value in headers.items()]
    return [*lines, "\t}"]


def caddyfile(tiles: tuple[str, ...]) -> str:
    """The Caddyfile: TLS (automatic), security headers, websockets, sticky replicas.

    Placeholders filled from the environment when Caddy starts: ``ATLAS_SITE_ADDRESS``
    (the public host name, e.g. ``atlas.example.org``; Caddy gets a certificate for it),
    ``ATLAS_UPSTREAMS`` (the app replicas, space-separated ``host:port``).
    """
    paths = " ".join(FRAMED_PATHS)
    lines = [
        "# Integrationsatlas Niedersachsen: reverse proxy (Caddy >= 2.6).",
        "# GENERATED by `python -m deploy.headers` from deploy/headers.py: edit that file,",
        "# then regenerate (tests/deploy/test_headers.py fails while they differ).",
        f"# Tiles allowed as images: {' '.join(tiles) or '(none)'}",
        "{",
        "\tadmin off",
        "}",
        "",
        "{$ATLAS_SITE_ADDRESS:localhost} {",
        f"\t@component path {paths}",
        f"\t@page not path {paths}",
        *_header_block("@component", security_headers(tiles, framed=True)),
        *_header_block("@page", security_headers(tiles)),
        "",
        "\t# Several app replicas on one PostgreSQL: a Streamlit session (websocket, uploads,",
        "\t# media) lives in one process, so a browser sticks to its replica by a cookie.",
        "\t# Caddy sets X-Forwarded-For itself (a client's own value is not trusted).",
        "\treverse_proxy {$ATLAS_UPSTREAMS:app1:8501 app2:8501} {",
        "\t\tlb_policy cookie atlas_replica",
        "\t\tlb_try_duration 10s",
        "\t\thealth_uri /_stcore/health",
        "\t\thealth_interval 15s",
        "\t\tflush_interval -1",
        "\t}",
        "}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.headers", description="print the Caddyfile of deploy/"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="fail if deploy/Caddyfile differs from the generated text",
    )
    args = parser.parse_args(argv)
    text = caddyfile(tile_origins())
    if args.check:
        if CADDYFILE.read_text(encoding="utf-8") != text:
            print(
                "deploy/Caddyfile is out of date: python -m deploy.headers > deploy/Caddyfile",
                file=sys.stderr,
            )
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
