"""The app behind the deploy recipe's reverse proxy (Debian ``caddy`` with the committed
``deploy/Caddyfile``) in Chromium: every page works under the Content-Security-Policy with no
violation, the map renders, "near me" may use the position, and the login throttle tells
visitors apart by the address the proxy forwards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.headers import KNOWN_BLOCKED, security_headers, tile_origins
from directory.auth import create_user
from i18n import t
from tests.browser.conftest import _new_page, wait_for_app
from tests.deploy.caddy import running_caddy

pytestmark = pytest.mark.browser

PASSWORD = "Proxy-Passwort-1234"
PAGES = [
    ("/", True),
    ("/beratung?q=37073", True),
    ("/handlungsfelder?feld=kooperative_migrationsarbeit", True),
    ("/netzwerke?rv=suedniedersachsen", True),
    ("/luecken", True),
    ("/info", False),
    ("/daten", False),
]
#: every frame reports CSP violations into this list (besides the console)
CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    [e.violatedDirective, e.blockedURI, e.sourceFile || '']));
"""


@pytest.fixture(scope="module")
def proxy(app_server, tmp_path_factory) -> str:
    upstream = app_server.url.removeprefix("http://")
    with running_caddy(
        [upstream], tmp_path_factory.mktemp("proxy"), ready_path="/_stcore/health"
    ) as url:
        yield url


def _page(browser, app_server, base: str, **options):
    pg = _new_page(browser, app_server, **options)
    host = base.removeprefix("http://").split(":")[0]
    pg.atlas.allowed_hosts = pg.atlas.allowed_hosts | {host}
    pg.base_url = base
    pg.context.add_init_script(CSP_PROBE)
    return pg


def _violations(pg) -> list[list[str]]:
    """CSP reports of every frame, except the ones blocked on purpose with a fallback."""
    found = []
    for frame in pg.frames:
        try:
            found += frame.evaluate("() => window.__csp || []")
        except Exception:  # a frame detached while reading
            continue
    return [
        v
        for v in found
        if not any(v[0] == d and v[1] == u and re.search(f, v[2]) for d, u, f in KNOWN_BLOCKED)
    ]


def test_every_page_works_under_the_csp(browser, app_server, proxy):
    pg = _page(browser, app_server, proxy)
    try:
        for path, has_map in PAGES:
            response = pg.goto(proxy + path)
            assert response.status == 200
            # The committed Caddyfile is generated for the default tiles (not this process's
            # environment, which other test modules may change).
            assert (
                response.headers["content-security-policy"]
                == security_headers(tile_origins({}))["Content-Security-Policy"]
            )
            assert response.headers["x-frame-options"] == "DENY"
            wait_for_app(pg)
            if has_map:  # the map component (a same-origin iframe) renders its markers
                frame = pg.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
                # folium's inline script ran: the 45 district outlines are drawn
                outlines = frame.locator(".leaflet-overlay-pane path")
                outlines.nth(44).wait_for(state="attached", timeout=30_000)
            assert _violations(pg) == [], path
        pg.atlas.assert_clean()
    finally:
        pg.context.close()


def test_near_me_may_ask_for_the_position_behind_the_proxy(browser, app_server, proxy):
    pg = _page(browser, app_server, proxy)
    try:
        pg.context.grant_permissions(["geolocation"], origin=proxy)
        pg.context.set_geolocation({"latitude": 51.5338, "longitude": 9.9355})
        pg.goto(proxy + "/beratung")
        wait_for_app(pg)
        pg.get_by_role("button", name="In meiner Nähe").click()
        pg.wait_for_url(re.compile(r"[?&]q=37\d{3}"), timeout=30_000)
        assert _violations(pg) == []
        pg.atlas.assert_clean()
    finally:
        pg.context.close()


def _try_login(pg, name: str, password: str) -> None:
    """Submit the login form and wait for its answer (the form is cleared on submit)."""
    field = pg.get_by_label(t("auth.username", "de"))
    field.fill(name)
    pg.get_by_label(t("auth.password", "de"), exact=True).fill(password)
    pg.get_by_role("button", name=t("auth.login", "de")).click()
    expect(field).to_have_value("", timeout=30_000)
    wait_for_app(pg)


def test_a_stranger_cannot_lock_out_the_user_behind_the_proxy(browser, app_server, proxy):
    """The stranger (127.0.0.2) and the user (127.0.0.3) reach the app only through the
    proxy, which connects from 127.0.0.1: only if the app throttles by the forwarded address
    does the user get in while the stranger is delayed."""
    users = Path(app_server.database_url.removeprefix("sqlite:///")).parent / "users.toml"
    create_user("proxy_kim", PASSWORD, "coordinator", path=users, replace=True)
    port = proxy.rsplit(":", 1)[1]
    stranger = _page(browser, app_server, f"http://127.0.0.2:{port}")
    user = _page(browser, app_server, f"http://127.0.0.3:{port}")
    try:
        stranger.goto(stranger.base_url + "/daten")
        wait_for_app(stranger)
        throttled = stranger.get_by_text("Zu viele Fehlversuche")
        for _ in range(12):  # until the progressive delay answers (after 3 free attempts)
            _try_login(stranger, "proxy_kim", "falsch-geraten-123")
            try:  # the answer of this attempt may render just after the run is reported done
                expect(throttled).to_have_count(1, timeout=3_000)
                break
            except AssertionError:
                continue  # not delayed (yet): the delay doubles with each admitted failure
        assert throttled.count() == 1
        user.goto(user.base_url + "/daten")
        wait_for_app(user)
        field = user.get_by_label(t("auth.username", "de"))
        field.fill("proxy_kim")
        user.get_by_label(t("auth.password", "de"), exact=True).fill(PASSWORD)
        user.get_by_role("button", name=t("auth.login", "de")).click()
        records = user.get_by_role("tab", name=t("daten.tab.records", "de"))
        expect(records).to_be_visible(timeout=90_000)  # the first /daten run of a busy server
        assert user.get_by_text("Zu viele Fehlversuche").count() == 0
        for pg in (stranger, user):
            pg.atlas.assert_clean()
            assert _violations(pg) == []
    finally:
        stranger.context.close()
        user.context.close()
