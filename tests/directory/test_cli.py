"""python -m directory …"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_cli_errors_are_clear():
    bad = _run("demo", "--n", "3", "--database-url", "nosuchdialect://x")
    assert bad.returncode != 0 and "error:" in bad.stderr
    assert _run("nosuchcommand").returncode != 0


def test_cli_info(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    res = _run("info", "--database-url", url)
    assert res.returncode == 0, res.stderr
    assert '"service": 0' in res.stdout
