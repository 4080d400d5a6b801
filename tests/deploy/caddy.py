"""Run the committed ``deploy/Caddyfile`` with Debian's ``caddy`` as a real reverse proxy.

Without ``caddy`` on the PATH the tests are skipped locally and FAIL in CI (``CI`` set;
``.ci/run`` installs the package), like the browser tests without Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import free_port, serving

ROOT = Path(__file__).resolve().parents[2]
CADDYFILE = ROOT / "deploy" / "Caddyfile"
STARTUP_TIMEOUT_S = 30


def caddy_binary() -> str:
    path = shutil.which("caddy")
    if path is None:
        message = "caddy not found (apt-get install caddy)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextmanager
def running_caddy(upstreams: Sequence[str], tmp: Path, ready_path: str = "/") -> Iterator[str]:
    """Caddy with ``deploy/Caddyfile`` on a free port (all local addresses, plain HTTP) in
    front of ``upstreams`` (``host:port``); yields ``http://127.0.0.1:<port>``."""
    binary = caddy_binary()
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "ATLAS_SITE_ADDRESS": f"http://:{port}",
        "ATLAS_UPSTREAMS": " ".join(upstreams),
        "HOME": str(tmp),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
    }
    log_path = tmp / "caddy.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [binary, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    with serving(proc, url + ready_path, what="caddy", log=log_path.read_text,
                 timeout_s=STARTUP_TIMEOUT_S, interval_s=0.1):  # fmt: skip
        yield url
