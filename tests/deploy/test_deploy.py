"""The deploy recipe: the header set (one source), the committed Caddyfile, the compose file
and the Dockerfile; and Caddy itself in front of two echo replicas (sticky sessions, the
client address it forwards, the headers it serves)."""

from __future__ import annotations

import http.client
import json
import re
import shlex
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from deploy import headers
from tests.deploy.caddy import ROOT, running_caddy

DEPLOY = ROOT / "deploy"


# -- the header set -------------------------------------------------------------------------
def _csp(value: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in value.split("; ")}


def test_csp_allows_no_third_party_script_and_tiles_only_as_images():
    tiles = headers.tile_origins({})
    assert tiles == ("https://tile.openstreetmap.org",)
    csp = _csp(headers.security_headers(tiles)["Content-Security-Policy"])
    for name, sources in csp.items():
        foreign = [s for s in sources if s.startswith(("http", "*")) or s in ("https:", "*")]
        assert foreign == ([tiles[0]] if name == "img-src" else []), name
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["frame-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]


def test_no_tiles_no_tile_origin_and_custom_tiles_follow_the_app_setting():
    assert "openstreetmap" not in headers.content_security_policy(
        headers.tile_origins({"ATLAS_TILES": "none"})
    )
    env = {
        "ATLAS_TILES": "custom",
        "ATLAS_TILES_URL": "https://t.example.org/{z}/{x}/{y}.png",
        "ATLAS_TILES_ATTRIBUTION": "© Example",
    }
    assert _csp(headers.content_security_policy(headers.tile_origins(env)))["img-src"][-1] == (
        "https://t.example.org"
    )
    with pytest.raises(ValueError, match="https"):
        headers.tile_origins(env | {"ATLAS_TILES_URL": "http://t.example.org/{z}/{x}/{y}.png"})


def test_the_other_security_headers():
    page = headers.security_headers(())
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] in ("no-referrer", "strict-origin")
    assert int(re.fullmatch(r"max-age=(\d+)", page["Strict-Transport-Security"])[1]) >= 31536000
    policy = dict(p.split("=", 1) for p in page["Permissions-Policy"].split(", "))
    assert policy["geolocation"] == "(self)"  # "near me"
    assert policy["camera"] == policy["microphone"] == "()"
    framed = headers.security_headers((), framed=True)
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert _csp(framed["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]
    assert {
        k: v for k, v in framed.items() if k not in ("X-Frame-Options", "Content-Security-Policy")
    } == {k: v for k, v in page.items() if k not in ("X-Frame-Options", "Content-Security-Policy")}


def test_committed_caddyfile_is_the_generated_one(monkeypatch):
    # The committed file is generated for the default tiles (other test modules may set them).
    for name in ("ATLAS_TILES", "ATLAS_TILES_URL", "ATLAS_TILES_ATTRIBUTION"):
        monkeypatch.delenv(name, raising=False)
    assert headers.main(["--check"]) == 0
    text = (DEPLOY / "Caddyfile").read_text()
    for name, value in headers.security_headers(headers.tile_origins({})).items():
        assert f'{name} "{value}"' in text
    assert "lb_policy cookie" in text and "{$ATLAS_UPSTREAMS" in text


# -- compose file and Dockerfile ------------------------------------------------------------
@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_app_replicas_postgres_and_the_proxy(compose):
    services = compose["services"]
    assert set(services) == {"db", "app1", "app2", "proxy"}
    db = services["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pgdata" in compose["volumes"]
    for name in ("app1", "app2"):
        app = services[name]
        assert app["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert app["environment"]["DATABASE_URL"].startswith("postgresql+psycopg2://")
        assert "@db:5432/" in app["environment"]["DATABASE_URL"]
        assert "ports" not in app  # reachable only through the proxy
    assert services["app2"]["depends_on"] == {"app1": {"condition": "service_healthy"}}
    assert services["app1"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert proxy["environment"]["ATLAS_UPSTREAMS"].split() == ["app1:8501", "app2:8501"]
    assert "db" not in services["proxy"].get("depends_on", {})
    assert compose["networks"]["data"]["internal"] is True
    assert services["db"]["networks"] == ["data"] and services["proxy"]["networks"] == ["edge"]


def test_apps_trust_forwarded_addresses_only_from_the_proxy_network(compose):
    edge = compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    for name in ("app1", "app2"):
        assert compose["services"][name]["environment"]["FORWARDED_ALLOW_IPS"] == edge


def test_env_example_names_every_required_variable(compose):
    required = set(re.findall(r"\$\{(\w+):\?", (DEPLOY / "compose.yaml").read_text()))
    example = dict(re.findall(r"^(\w+)=(.*)$", (DEPLOY / ".env.example").read_text(), re.M))
    assert required == {"POSTGRES_PASSWORD", "ATLAS_SITE_ADDRESS"}
    assert required <= set(example)


def _dockerfile() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_dockerfile_slim_non_root_pinned_requirements():
    lines = _dockerfile()
    assert lines[0] == "FROM python:3.11-slim"
    assert "RUN pip install -r requirements.txt" in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert [i for i, line in enumerate(lines) if line.startswith("USER ")][-1] < next(
        i for i, line in enumerate(lines) if line.startswith("CMD ")
    )
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {".git", ".venv", "var", ".streamlit/secrets.toml", "tests"} <= set(ignore)


def test_dockerfile_streamlit_flags_are_real_production_options():
    from streamlit import config

    cmd = json.loads(next(line for line in _dockerfile() if line.startswith("CMD "))[4:])
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    flags = dict(f.removeprefix("--").split("=", 1) for f in cmd[3:])
    known = config._config_options_template  # every option Streamlit knows
    assert set(flags) <= set(known), set(flags) - set(known)
    assert flags["browser.gatherUsageStats"] == "false"
    assert flags["client.showErrorDetails"] == "none"
    assert flags["server.headless"] == "true" and flags["server.fileWatcherType"] == "none"
    health = next(line for line in _dockerfile() if line.startswith("HEALTHCHECK"))
    assert "/_stcore/health" in health
    assert shlex.split(health)  # well-formed


# -- Caddy as a real proxy in front of two echo replicas ------------------------------------
class _Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(
            {
                "replica": self.server.name,
                "forwarded_for": self.headers.get_all("X-Forwarded-For") or [],
                "path": self.path,
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Server", "uvicorn")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def echo_proxy(tmp_path_factory):
    servers = []
    for name in ("one", "two"):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
        srv.name = name
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
    upstreams = [f"127.0.0.1:{s.server_address[1]}" for s in servers]
    try:
        with running_caddy(upstreams, tmp_path_factory.mktemp("caddy")) as url:
            yield url
    finally:
        for srv in servers:
            srv.shutdown()
            srv.server_close()


def _get(url: str, path: str, headers_: dict | None = None) -> tuple[dict, dict]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path, headers=headers_ or {})
        resp = conn.getresponse()
        return json.loads(resp.read()), {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


def test_proxy_serves_the_header_set(echo_proxy):
    tiles = headers.tile_origins({})
    for path, framed in (
        ("/beratung?q=37073", False),
        ("/component/streamlit_folium.st_folium/index.html", True),
    ):
        body, got = _get(echo_proxy, path)
        assert body["path"] == path
        for name, value in headers.security_headers(tiles, framed=framed).items():
            assert got[name.lower()] == value, (path, name)
        assert "server" not in got  # the upstream's "Server: uvicorn" is removed


def test_proxy_sticks_a_browser_to_its_replica(echo_proxy):
    first, got = _get(echo_proxy, "/")
    cookie = got["set-cookie"].split(";")[0]
    assert cookie.startswith("atlas_replica=")
    for _ in range(15):
        body, _ = _get(echo_proxy, "/", {"Cookie": cookie})
        assert body["replica"] == first["replica"]
    # new browsers are spread over both replicas (20 cookie-less requests all landing on
    # one of two replicas by chance: p = 2**-19)
    assert {_get(echo_proxy, "/")[0]["replica"] for _ in range(20)} == {"one", "two"}


def test_proxy_forwards_the_real_client_address_only(echo_proxy):
    body, _ = _get(echo_proxy, "/", {"X-Forwarded-For": "203.0.113.7"})
    assert body["forwarded_for"] == ["127.0.0.1"]  # a client's own value is not passed on


def test_caddyfile_is_accepted_by_caddy(tmp_path):
    import os
    import subprocess

    from tests.deploy.caddy import caddy_binary

    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    out = subprocess.run(
        [
            caddy_binary(),
            "validate",
            "--config",
            str(DEPLOY / "Caddyfile"),
            "--adapter",
            "caddyfile",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Valid configuration" in out.stdout + out.stderr


def test_readme_points_to_deploy():
    readme = (ROOT / "README.md").read_text()
    assert "deploy/" in readme and "create-admin" in readme
    assert Path(DEPLOY / "README.md").is_file()
