"""Servers the tests start as child processes (Streamlit, Caddy): a free port, waiting until
the server answers, and stopping it however the test ended."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    """``url`` answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serving(proc: subprocess.Popen, probe_url: str, *, what: str, log: Callable[[], str],
            timeout_s: float, interval_s: float = 0.25) -> Iterator[None]:  # fmt: skip
    """Wait until ``probe_url`` answers (fail with the end of ``log()`` if ``proc`` exits or
    ``timeout_s`` passes), run the body, then stop ``proc`` (terminate, kill if it hangs)."""
    try:
        deadline = time.monotonic() + timeout_s
        while not answers(probe_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not come up:\n{log()[-4000:]}")
            time.sleep(interval_s)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
