"""Command line: ``python -m directory {seed,demo,info,import,export,gaps,links,backup,restore,
create-admin}``.

Examples::

    python -m directory seed                      # load data/offices.csv (idempotent)
    python -m directory demo --n 10000 --seed 1   # add 10,000 fictional offers
    python -m directory demo --n 500 --replace    # replace all demo offers
    python -m directory info                      # counts per table
    python -m directory import liste.csv --dry-run # preview: counts and per-row problems
    python -m directory import liste.xlsx --mapping spalten.yaml --actor alice
    python -m directory import liste.csv --default Art=JMD --valid-only --refused rest.csv
    python -m directory export --format hsds atlas.json
    python -m directory gaps --feld jugendarbeit --radius-km 25 --format csv > luecken.csv
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


def _write_export(out: Path, data: bytes) -> Path:
    """Write an export atomically (a ``.part`` file renamed over ``out``); returns ``out``.
    (Backups use :func:`directory.backup.write_private`, which also restricts permissions.)"""
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return out


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


def _refused_reason(row) -> str:
    return " · ".join(p.message_de for p in row.errors)


def cmd_import(args: argparse.Namespace) -> int:
    from directory.io import ImportRefused, commit, load_preview, max_import_mb, refused_file

    mapping = _load_mapping(args.mapping) if args.mapping else None
    defaults = {}
    for item in args.default or []:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise ValueError(f"--default {item!r}: expected COLUMN=VALUE")
        defaults[column.strip()] = value.strip()
    if not Path(args.file).is_file():
        raise ValueError(f"file not found: {args.file}")
    max_mb = args.max_mb if args.max_mb is not None else max_import_mb()
    if max_mb <= 0:
        raise ValueError("--max-mb must be > 0")
    store = _store(args)
    fmt = {"auto": "auto", "json": "hsds"}.get(args.format, args.format)
    preview = load_preview(args.file, store=store, fmt=fmt, mapping=mapping, sheet=args.sheet,
                           max_bytes=int(max_mb * 1024 * 1024),
                           defaults=_canonical_defaults(defaults))  # fmt: skip
    info = {"file": preview.source, "format": preview.format, "encoding": preview.encoding,
            "delimiter": preview.delimiter, "sheet": preview.sheet,
            "mapping": preview.mapping, "ignored_columns": preview.ignored,
            "counts": preview.counts}  # fmt: skip
    print(json.dumps({k: v for k, v in info.items() if v not in (None, {}, [])},
                     ensure_ascii=False, indent=2))  # fmt: skip
    for line in preview.report_lines(warnings=not args.quiet):
        print(line)
    if args.refused and preview.counts["error"]:
        data, _suffix, _mime = refused_file(preview, _refused_reason, "Grund")
        Path(args.refused).write_bytes(data)
        print(f"refused rows written to {args.refused}")
    usable = preview.committable if args.valid_only else preview.ok
    if not usable:
        errors = [p for p in preview.file_problems if p.is_error]
        first = (errors or [p for r in preview.rows for p in r.errors] or preview.file_problems)
        n = preview.counts["error"]
        rows = f"; {n} row(s) with errors" if n else ""
        hint = " (--valid-only commits the valid rows)" if n and preview.committable else ""
        what = first[0].message_de if first else "no rows"
        print(f"error: import refused, nothing changed: {what}{rows}{hint}", file=sys.stderr)
        return 1
    if args.dry_run:
        print("dry run: nothing changed")
        return 0
    try:
        result = commit(store, preview, actor=args.actor, skip_errors=args.valid_only)
    except ImportRefused as exc:
        print(f"error: {exc.message_de}", file=sys.stderr)
        return 1
    print(f"imported: {json.dumps(result.counts)}")
    return 0


def _canonical_defaults(defaults: dict[str, str]) -> dict[str, str]:
    """``--default`` columns by canonical key or German/English header ("Art=JMD")."""
    from directory.io.columns import FLAT_COLUMNS, canonical

    out = {}
    for column, value in defaults.items():
        key = column if column in FLAT_COLUMNS else canonical(column)
        if key is None:
            raise ValueError(f"--default {column!r}: unknown column "
                             f"(allowed: {', '.join(FLAT_COLUMNS)})")  # fmt: skip
        out[key] = value
    return out


def cmd_export(args: argparse.Namespace) -> int:
    from directory.io import export_bytes

    store = _store(args, bootstrap=False)
    data = export_bytes(store, args.format, include_demo=args.include_demo,
                        include_retired=args.include_retired)  # fmt: skip
    out = _write_export(Path(args.out), data)
    print(f"exported {args.format} to {out} ({len(data)} bytes)")
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    import csv
    import io

    from directory import query
    from directory.gaps import GapQuery, district_records, run
    from geo.boundaries import load_districts
    from geo.demand import DemandFileError, parse_demand_csv
    from i18n import t

    if not 0 < args.radius_km <= 500:
        raise ValueError("--radius-km must be > 0 and <= 500")
    demand = None
    if args.demand:
        path = Path(args.demand)
        if not path.is_file():
            raise ValueError(f"file not found: {args.demand}")
        try:
            demand = parse_demand_csv(path.read_bytes(), load_districts()["ags"])
        except DemandFileError as exc:
            raise ValueError(f"{args.demand}: " + t(f"luecken.upload.{exc.code}", "en",
                                                     **exc.values)) from exc  # fmt: skip
    gq = GapQuery(field=args.feld, kind=args.art, group=args.gruppe,
                  demand="upload" if demand is not None else "einwohner",
                  decay={"none": "keine", "gauss": "gauss"}[args.decay],
                  include_demo=args.include_demo)  # fmt: skip
    frame = query.offers_frame(_store(args), include_demo=args.include_demo)
    # GapQuery's radius is the page's slider (steps of 5 km); scripts may use any radius
    outcome = run(frame, gq.with_(radius_km=args.radius_km), demand=demand)
    records = district_records(outcome.result)
    if args.format == "json":
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)
        text = buf.getvalue()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if len(outcome.unplaced):
        names = "; ".join(sorted(set(outcome.unplaced["name"].astype(str))))
        print(f"note: {len(outcome.unplaced)} matching offer location(s) without a map "
              f"position are counted per district but not in the distances: {names}",
              file=sys.stderr)  # fmt: skip
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
        out = _write_export(Path(args.file), data)
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
    """Create the first (or another) admin account in the store; ``--replace`` sets a new
    password (and the admin role) for an existing account, e.g. a forgotten one."""
    import getpass

    from directory.accounts import Accounts, import_file_if_changed, users_file
    from directory.auth import create_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise ValueError("no terminal: use --password-stdin")
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise ValueError("passwords do not match")
    store = _store(args)
    accounts = Accounts(store)
    import_file_if_changed(accounts, users_file())
    existed = accounts.get(args.username) is not None
    user = create_user(args.username, password, "admin", store=store, replace=args.replace,
                       actor=f"cli:{args.actor}")  # fmt: skip
    print(f"admin {user.username!r} {'updated' if existed else 'created'}")
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
    imp.add_argument("--max-mb", type=float, default=None,
                     help="size limit in MB (default: $ATLAS_IMPORT_MAX_MB, else 20)")
    imp.add_argument("--default", action="append", metavar="COLUMN=VALUE",
                     help="value for a column the file lacks, in every row (e.g. Art=JMD); "
                          "repeatable")
    imp.add_argument("--valid-only", action="store_true",
                     help="commit the valid rows even when others are refused")
    imp.add_argument("--refused", metavar="OUT",
                     help="write the refused rows to OUT (same format, with a reason column)")
    imp.add_argument("--quiet", action="store_true", help="list errors only, no warnings")

    exp = sub.add_parser("export", parents=[common], help="export offers")
    exp.add_argument("--format", required=True,
                     choices=["csv", "xlsx", "geojson", "hsds", "hsds-zip"])
    exp.add_argument("out")
    exp.add_argument("--include-demo", action="store_true")
    exp.add_argument("--include-retired", action="store_true")

    from directory.taxonomy import FIELD_IDS, KIND_IDS, TARGET_GROUP_IDS

    gap = sub.add_parser("gaps", parents=[common],
                         help="gap analysis: one record per district (distances, 2SFCA)")
    gap.add_argument("--feld", choices=FIELD_IDS, help="field of action (default: all)")
    gap.add_argument("--art", choices=KIND_IDS, help="kind of offer (default: all)")
    gap.add_argument("--gruppe", choices=TARGET_GROUP_IDS, help="target group (default: all)")
    gap.add_argument("--radius-km", type=float, required=True, help="radius R in km")
    gap.add_argument("--demand", metavar="FILE",
                     help="CSV with AGS and a value per district (default: population)")
    gap.add_argument("--decay", choices=["none", "gauss"], default="none",
                     help="distance decay of the 2SFCA (default: none)")
    gap.add_argument("--include-demo", action="store_true")
    gap.add_argument("--format", required=True, choices=["json", "csv"])
    gap.add_argument("--out", help="write to this file instead of standard output")

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

    adm = sub.add_parser("create-admin", parents=[common],
                         help="create an admin account in the store")  # fmt: skip
    adm.add_argument("--username", required=True)
    adm.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin")  # fmt: skip
    adm.add_argument("--replace", action="store_true",
                     help="the account exists: set this password and the admin role")  # fmt: skip
    adm.add_argument("--actor", default="operator", help="name recorded in the history")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"seed": cmd_seed, "demo": cmd_demo, "info": cmd_info, "import": cmd_import,
               "export": cmd_export, "gaps": cmd_gaps, "links": cmd_links, "backup": cmd_backup,
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
