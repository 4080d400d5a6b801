"""Command line: ``python -m directory {seed,demo,info,import,export,links,backup,restore,
create-admin}``.

Examples::

    python -m directory seed                      # load data/offices.csv (idempotent)
    python -m directory demo --n 10000 --seed 1   # add 10,000 fictional offers
    python -m directory demo --n 500 --replace    # replace all demo offers
    python -m directory info                      # counts per table
    python -m directory import liste.csv --dry-run # preview: counts and per-row problems
    python -m directory import liste.xlsx --mapping spalten.yaml --actor alice
    python -m directory export --format hsds atlas.json
    python -m directory links export mitglieder.xlsx --what memberships
    python -m directory links import kooperationen.csv --dry-run
    python -m directory backup sicherung.json.gz
    python -m directory restore sicherung.json.gz --yes
    python -m directory create-admin --username admin --password-stdin < pw.txt

``--database-url`` (or ``DATABASE_URL``) selects the store; default ``var/atlas.sqlite``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import IntegrityError, SQLAlchemyError


def _store(args: argparse.Namespace, *, bootstrap: bool = True):
    """The store of ``--database-url``; ``bootstrap`` also mirrors the regional networks
    (commands that write records). Read-only commands and ``restore`` only ensure the schema,
    so a backup is an exact copy of what is stored."""
    from directory.bootstrap import open_store
    from directory.store import Store

    if bootstrap:
        return open_store(args.database_url, default_content=False)
    store = Store(args.database_url)
    store.create_schema()
    return store


def cmd_seed(args: argparse.Namespace) -> int:
    from directory.links import load_reference_memberships
    from directory.seed import load_offices

    store = _store(args)
    stats = load_offices(store)
    stats["memberships_added"] = load_reference_memberships(store)
    print(json.dumps(stats, ensure_ascii=False, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from directory.demo import insert_demo

    if args.n < 0:
        print("error: --n must be >= 0", file=sys.stderr)
        return 2
    store = _store(args)
    t0 = time.perf_counter()
    try:
        insert_demo(store, args.n, seed=args.seed, replace=args.replace)
    except IntegrityError:
        print(
            f"error: demo records for seed {args.seed} already exist; "
            "use --replace or another --seed",
            file=sys.stderr,
        )
        return 1
    print(f"inserted {args.n} demo offers (seed {args.seed}) in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    store = _store(args, bootstrap=False)
    info = {"url": store.engine.url.render_as_string(hide_password=True),
            "schema_version": store.schema_version(), "counts": store.counts()}  # fmt: skip
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0


def _load_mapping(path: str) -> dict[str, str | None]:
    """``--mapping`` file: JSON or YAML object {source header: canonical column}."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"mapping file {path}: not readable ({exc})") from exc
    try:
        data = json.loads(text) if path.lower().endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise ValueError(f"mapping file {path}: malformed ({first})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
    ):
        raise ValueError(f"mapping file {path}: malformed (expected an object "
                         "{source column: target column})")  # fmt: skip
    return data


def cmd_import(args: argparse.Namespace) -> int:
    from directory.io import ImportRefused, commit, load_preview

    mapping = _load_mapping(args.mapping) if args.mapping else None
    if not Path(args.file).is_file():
        raise ValueError(f"file not found: {args.file}")
    store = _store(args)
    fmt = {"auto": "auto", "json": "hsds"}.get(args.format, args.format)
    preview = load_preview(args.file, store=store, fmt=fmt, mapping=mapping, sheet=args.sheet,
                           max_bytes=int(args.max_mb * 1024 * 1024))  # fmt: skip
    info = {"file": preview.source, "format": preview.format, "encoding": preview.encoding,
            "delimiter": preview.delimiter, "sheet": preview.sheet,
            "mapping": preview.mapping, "ignored_columns": preview.ignored,
            "counts": preview.counts}  # fmt: skip
    print(json.dumps({k: v for k, v in info.items() if v not in (None, {}, [])},
                     ensure_ascii=False, indent=2))  # fmt: skip
    for line in preview.report_lines(warnings=not args.quiet):
        print(line)
    if not preview.ok:
        first = (preview.file_problems or [p for r in preview.rows for p in r.errors])[0]
        n = preview.counts["error"]
        rows = f"; {n} row(s) with errors" if n else ""
        print(f"error: import refused, nothing changed: {first.message_de}{rows}",
              file=sys.stderr)  # fmt: skip
        return 1
    if args.dry_run:
        print("dry run: nothing changed")
        return 0
    try:
        result = commit(store, preview, actor=args.actor)
    except ImportRefused as exc:
        print(f"error: {exc.message_de}", file=sys.stderr)
        return 1
    print(f"imported: {json.dumps(result.counts)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from directory.io import export_bytes

    store = _store(args, bootstrap=False)
    data = export_bytes(store, args.format, include_demo=args.include_demo,
                        include_retired=args.include_retired)  # fmt: skip
    out = Path(args.out)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"exported {args.format} to {out} ({len(data)} bytes)")
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    """Memberships and cooperations: ``links export`` / ``links import`` (all or nothing)."""
    from directory.auth import User
    from directory.editing.errors import EditError
    from directory.io import links

    if args.action == "export":
        store = _store(args, bootstrap=False)
        fmt = args.format or ("xlsx" if args.file.lower().endswith(".xlsx") else "csv")
        data = links.export_bytes(store, args.what, fmt)
        out = Path(args.file)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(out)
        print(f"exported {args.what} as {fmt} to {out} ({len(data)} bytes)")
        return 0
    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"file not found: {args.file}")
    store = _store(args)
    actor = User(args.actor, "admin")  # the command line is the operator's own tool
    try:
        result = links.preview(store, path.read_bytes(), name=path.name, actor=actor)
    except links.LinksRefused as exc:
        print(f"error: import refused, nothing changed: {exc.message_de}", file=sys.stderr)
        return 1
    print(json.dumps({"table": result.what, "counts": result.counts}, ensure_ascii=False))
    for row in result.rows:
        for p in row.problems:
            print(f"line {row.line}: {p.message_de}")
    if not result.ok:
        print("error: import refused, nothing changed", file=sys.stderr)
        return 1
    if args.dry_run:
        print("dry run: nothing changed")
        return 0
    try:
        counts = links.commit(store, result, actor=actor)
    except EditError as exc:
        print(f"error: import refused, nothing changed: {exc}", file=sys.stderr)
        return 1
    print(f"imported: {json.dumps(counts)}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from directory.backup import backup

    counts = backup(_store(args, bootstrap=False), args.file)
    print(f"backup written to {args.file}: {json.dumps(counts)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from directory.backup import read_backup, restore

    doc = read_backup(args.file)  # validate before touching anything
    if not args.yes:
        if not sys.stdin.isatty():
            raise ValueError("restore replaces the whole store; confirm with --yes")
        answer = input(f"Replace the whole store with {args.file} "
                       f"({sum(doc['counts'].values())} rows)? [y/N] ")  # fmt: skip
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            print("aborted, nothing changed")
            return 1
    counts = restore(_store(args, bootstrap=False), args.file)
    print(f"restored from {args.file}: {json.dumps(counts)}")
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    import getpass

    from directory.auth import create_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise ValueError("no terminal: use --password-stdin")
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise ValueError("passwords do not match")
    user = create_user(args.username, password, "admin")
    print(f"admin {user.username!r} created")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m directory", description=__doc__.split("\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: $DATABASE_URL, else var/atlas.sqlite)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed", parents=[common], help="load the default content (idempotent)")
    demo = sub.add_parser("demo", parents=[common], help="insert fictional demo offers")
    demo.add_argument("--n", type=int, required=True, help="number of offers")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument("--replace", action="store_true", help="delete earlier demo records first")
    sub.add_parser("info", parents=[common], help="counts per table")

    imp = sub.add_parser("import", parents=[common], help="import offers (preview + commit)")
    imp.add_argument("file")
    imp.add_argument(
        "--format", default="auto",
        choices=["auto", "csv", "xlsx", "geojson", "hsds", "json", "hsds-zip"],
    )
    imp.add_argument("--dry-run", action="store_true", help="preview only, change nothing")
    imp.add_argument("--mapping", help="JSON/YAML file {source column: target column}")
    imp.add_argument("--sheet", help="XLSX sheet name (default: first)")
    imp.add_argument("--actor", default="cli-import", help="name recorded in the history")
    imp.add_argument("--max-mb", type=float, default=20.0, help="size limit (default 20 MB)")
    imp.add_argument("--quiet", action="store_true", help="list errors only, no warnings")

    exp = sub.add_parser("export", parents=[common], help="export offers")
    exp.add_argument("--format", required=True,
                     choices=["csv", "xlsx", "geojson", "hsds", "hsds-zip"])
    exp.add_argument("out")
    exp.add_argument("--include-demo", action="store_true")
    exp.add_argument("--include-retired", action="store_true")

    lnk = sub.add_parser("links", parents=[common],
                         help="export or import memberships / cooperations (CSV, XLSX)")
    lnk.add_argument("action", choices=["export", "import"])
    lnk.add_argument("file")
    lnk.add_argument("--what", choices=["memberships", "cooperations"], default="memberships",
                     help="export: which table (import detects it from the headers)")
    lnk.add_argument("--format", choices=["csv", "xlsx"], help="export format (default: "
                     "from the file name)")
    lnk.add_argument("--dry-run", action="store_true", help="import: preview only")
    lnk.add_argument("--actor", default="cli-import", help="name recorded in the history")

    bak = sub.add_parser("backup", parents=[common], help="dump the whole store (JSON[.gz])")
    bak.add_argument("file")
    res = sub.add_parser("restore", parents=[common], help="replace the store by a backup")
    res.add_argument("file")
    res.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    adm = sub.add_parser("create-admin", help="create an admin account")
    adm.add_argument("--username", required=True)
    adm.add_argument("--password-stdin", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"seed": cmd_seed, "demo": cmd_demo, "info": cmd_info, "import": cmd_import,
               "export": cmd_export, "links": cmd_links, "backup": cmd_backup,
               "restore": cmd_restore,
               "create-admin": cmd_create_admin}[args.command]  # fmt: skip
    try:
        return handler(args)
    except SQLAlchemyError as exc:
        print(f"error: database: {exc.__class__.__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    except (OSError, ImportError, ValueError, RuntimeError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
