"""Speed and memory of the import (preview + commit) and of refusing a zip bomb.

Not a test: a script that prints figures. Run from the repository root::

    python -m bench.bench_import                     # 20,000 rows, SQLite and PostgreSQL
    python -m bench.bench_import --rows 5000         # fewer rows
    python -m bench.bench_import --backends sqlite   # one backend

What is measured, each step in a fresh child process (so the peak resident memory of one
step is not hidden by an earlier one):

(a) a CSV of N fictional offers (the demo generator's records exported as the German CSV a
    coordinator downloads: words, ``;``-joined lists), imported into an EMPTY store: wall time
    of ``load_preview`` (read, validate, match) and of ``commit`` (one transaction, every record
    audited), and the peak resident set size of the process (``resource.getrusage``);
(b) the same file imported AGAIN into that store (every row matched, "unchanged");
(c) an XLSX zip bomb (1 MB that unpacks to ~300 MB of sheet XML): time until it is refused.

PostgreSQL: ``TEST_DATABASE_URL`` or ``postgresql+psycopg2://postgres@127.0.0.1:5432/test``;
the bench works in its own schema and drops it afterwards.

Targets: 20,000 rows previewed and committed <= 15 s on each backend, peak memory <= 400 MB,
zip bomb refused <= 5 s.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_URLS = ("postgresql+psycopg2://postgres@127.0.0.1:5432/test",
           "postgresql+psycopg2://root@127.0.0.1:5432/test")  # fmt: skip


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB.

    Linux: ``VmHWM`` of ``/proc/self/status`` (the high-water mark of this process's own
    memory; ``getrusage``'s ``ru_maxrss`` would also count the parent's memory before the
    ``exec`` of the child). Elsewhere ``resource.getrusage``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_csv(rows: int, path: Path) -> None:
    """The German CSV export of ``rows`` fictional demo offers (no real data involved)."""
    from directory.demo import insert_demo
    from directory.io import export_bytes
    from directory.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/demo.sqlite")
        store.create_schema()
        insert_demo(store, rows, seed=7)
        path.write_bytes(export_bytes(store, "csv", include_demo=True))
        store.engine.dispose()


def make_zip_bomb(path: Path, unpacked_mb: int = 300) -> None:
    """A minimal XLSX whose sheet XML unpacks to ``unpacked_mb`` MB (highly repetitive)."""
    row = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>"
    body = row * (unpacked_mb * 1024 * 1024 // len(row))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
             f'formats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    path.write_bytes(buf.getvalue())


def postgres_url() -> str | None:
    from sqlalchemy import create_engine, text

    for url in ([os.environ["TEST_DATABASE_URL"]] if os.environ.get("TEST_DATABASE_URL")
                else PG_URLS):  # fmt: skip
        try:
            eng = create_engine(url, connect_args={"connect_timeout": 3})
            with eng.connect() as conn:
                conn.execute(text("select 1"))
            eng.dispose()
            return url
        except Exception:  # any driver or connection failure: try the next
            continue
    return None


# -- child steps (one process each) ------------------------------------------------------------
def step_import(url: str, csv_path: str) -> dict:
    from directory.bootstrap import open_store
    from directory.io import commit, load_preview
    from directory.validate import default_geo

    store = open_store(url, default_content=False)
    default_geo()  # reference data loaded once per process, as in the app
    c0, t0 = time.process_time(), time.perf_counter()
    preview = load_preview(Path(csv_path), store=store, max_bytes=200 * 1024 * 1024)
    t1 = time.perf_counter()
    if not preview.ok:
        return {"error": preview.report_lines(warnings=False)[:3]}
    result = commit(store, preview, actor="bench")
    t2 = time.perf_counter()
    return {"preview_s": t1 - t0, "commit_s": t2 - t1, "counts": result.counts,
            "cpu_s": time.process_time() - c0, "peak_mb": peak_rss_mb()}  # fmt: skip


def step_bomb(path: str) -> dict:
    from directory.io import load_preview

    t0 = time.perf_counter()
    preview = load_preview(Path(path), max_bytes=200 * 1024 * 1024)
    codes = [p.code for p in preview.file_problems]
    return {"refused_s": time.perf_counter() - t0, "codes": codes, "peak_mb": peak_rss_mb()}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_import", "--child", *args],
                         cwd=ROOT, capture_output=True, text=True, check=False)  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pg_schema(url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    from sqlalchemy.engine import make_url

    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), (admin, schema)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        step = {"import": step_import, "bomb": step_bomb}[args.child[0]]
        print(json.dumps(step(*args.child[1:])))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "angebote.csv"
        t0 = time.perf_counter()
        make_csv(args.rows, csv_path)
        size = csv_path.stat().st_size / 1024 / 1024
        print(f"file: {args.rows:,} rows, {size:.1f} MB CSV (made in "
              f"{time.perf_counter() - t0:.1f} s)\n")  # fmt: skip
        print(f"machine load before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        print("| backend | run | preview | commit | preview + commit | (CPU of the app process) "
              "| peak memory | result |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for backend in args.backends:
            cleanup = None
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/bench.sqlite"
            else:
                base = postgres_url()
                if base is None:
                    print("| postgres | – | unreachable | | | | | |")
                    continue
                url, cleanup = _pg_schema(base)
            try:
                for run in ("into empty store", "same file again"):
                    r = _child("import", url, str(csv_path))
                    if "error" in r:
                        print(f"| {backend} | {run} | refused: {r['error']} |")
                        continue
                    total = r["preview_s"] + r["commit_s"]
                    counts = ", ".join(f"{v} {k}" for k, v in r["counts"].items() if v)
                    print(f"| {backend} | {run} | {r['preview_s']:.1f} s | {r['commit_s']:.1f} s "
                          f"| {total:.1f} s | {r['cpu_s']:.1f} s | {r['peak_mb']:.0f} MB "
                          f"| {counts} |")
            finally:
                if cleanup is not None:
                    from sqlalchemy import text

                    admin, schema = cleanup
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
        bomb = Path(tmp) / "bomb.xlsx"
        make_zip_bomb(bomb)
        r = _child("bomb", str(bomb))
        print(f"\nzip bomb: {bomb.stat().st_size / 1024:.0f} KB XLSX unpacking to ~300 MB: "
              f"refused ({', '.join(r['codes'])}) in {r['refused_s']:.2f} s, "
              f"peak memory {r['peak_mb']:.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
