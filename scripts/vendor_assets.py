"""Rebuild ``static/vendor/`` from the npm packages pinned in ``package.json``.

Run from anywhere::

    python scripts/vendor_assets.py            # npm ci (or npm install) + copy
    python scripts/vendor_assets.py --no-install   # copy from an existing node_modules/

Only the files the map pages need are copied (Leaflet, Leaflet.markercluster, jQuery,
Leaflet.awesome-markers) and the Ethiopic subset of Noto Sans Ethiopic (the Tigrinya UI's
script, ``ui/fonts.py``), each next to its licence file, plus ``static/vendor/VERSIONS.json``.
Files are copied byte for byte, except one made here: the names of the languages written in
such a script, as the language bar of every page shows them ("ትግርኛ"), cut from the regular
weight with fontTools' subsetter (``ui.fonts.NAMES_FONT``, about 2 kB). The result is
committed, so the app starts without npm;
``geo.maps.use_local_assets`` points folium at these files (served by Streamlit at
``/app/static/vendor/``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

# package -> list of (source path inside the package, target path inside static/vendor/<pkg>)
FILES: dict[str, list[tuple[str, str]]] = {
    "leaflet": [
        ("dist/leaflet.js", "leaflet.js"),
        ("dist/leaflet.css", "leaflet.css"),
        ("dist/images/layers.png", "images/layers.png"),
        ("dist/images/layers-2x.png", "images/layers-2x.png"),
        ("dist/images/marker-icon.png", "images/marker-icon.png"),
        ("dist/images/marker-icon-2x.png", "images/marker-icon-2x.png"),
        ("dist/images/marker-shadow.png", "images/marker-shadow.png"),
        ("LICENSE", "LICENSE"),
    ],
    "leaflet.markercluster": [
        ("dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
        ("dist/MarkerCluster.css", "MarkerCluster.css"),
        ("dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
        ("MIT-LICENCE.txt", "LICENSE"),
    ],
    "jquery": [
        ("dist/jquery.min.js", "jquery.min.js"),
        ("LICENSE.txt", "LICENSE"),
    ],
    # Only needed by folium.Icon / FastMarkerCluster's default callback; geo.maps uses
    # neither, but vendoring it (~20 kB) keeps any folium.Icon from throwing in the browser.
    "leaflet.awesome-markers": [
        ("dist/leaflet.awesome-markers.js", "leaflet.awesome-markers.js"),
        ("dist/leaflet.awesome-markers.css", "leaflet.awesome-markers.css"),
        ("dist/images/markers-soft.png", "images/markers-soft.png"),
        ("dist/images/markers-soft@2x.png", "images/markers-soft@2x.png"),
        ("dist/images/markers-shadow.png", "images/markers-shadow.png"),
        ("dist/images/markers-shadow@2x.png", "images/markers-shadow@2x.png"),
        ("LICENSE", "LICENSE"),
    ],
    # Ge'ez script for the Tigrinya UI (SIL OFL 1.1): the ethiopic subset only, regular and
    # bold woff2; loaded by ui/fonts.py only when the UI language is Tigrinya.
    "@fontsource/noto-sans-ethiopic": [
        ("files/noto-sans-ethiopic-ethiopic-400-normal.woff2", "ethiopic-400.woff2"),
        ("files/noto-sans-ethiopic-ethiopic-700-normal.woff2", "ethiopic-700.woff2"),
        ("LICENSE", "LICENSE"),
    ],
}
#: Folder in static/vendor/ of a package whose npm name is no good path (a scope).
TARGET_DIR: dict[str, str] = {"@fontsource/noto-sans-ethiopic": "noto-sans-ethiopic"}


def npm_install() -> None:
    """Install the pinned packages (``npm ci`` when a lock file exists)."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found; install Node.js or run with --no-install")
    cmd = [npm, "ci"] if (ROOT / "package-lock.json").exists() else [npm, "install"]
    subprocess.run([*cmd, "--no-audit", "--no-fund"], cwd=ROOT, check=True)


def copy_assets() -> dict[str, str]:
    """Replace ``static/vendor/`` with the listed files; return ``{package: version}``."""
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    versions: dict[str, str] = {}
    for package, files in FILES.items():
        pkg_dir = NODE_MODULES / package
        meta = json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))
        versions[package] = meta["version"]
        for src, dst in files:
            target = VENDOR / TARGET_DIR.get(package, package) / dst
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pkg_dir / src, target)
    names_font()
    (VENDOR / "VERSIONS.json").write_text(
        json.dumps(versions, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return versions


def names_font() -> Path:
    """The language bar's names in a vendored script (``ui.fonts.NAMES_TEXT``) as a WOFF
    subset of the regular weight (read from the package's zlib WOFF: no brotli needed)."""
    from fontTools import subset

    sys.path.insert(0, str(ROOT))
    from ui.fonts import NAMES_FONT, NAMES_SOURCE, NAMES_TEXT

    options = subset.Options()
    options.flavor = "woff"
    font = subset.load_font(NODE_MODULES / NAMES_SOURCE, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=NAMES_TEXT)
    subsetter.subset(font)
    target = VENDOR / NAMES_FONT
    subset.save_font(font, target, options)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-install", action="store_true", help="skip npm ci/install")
    args = parser.parse_args(argv)
    if not args.no_install:
        npm_install()
    versions = copy_assets()
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    for package, version in versions.items():
        print(f"{package}@{version}")
    print(f"static/vendor: {total:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
