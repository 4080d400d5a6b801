"""Command line: ``python -m directory {seed,demo,info}``.

Examples::

    python -m directory seed                      # load data/offices.csv (idempotent)
    python -m directory demo --n 10000 --seed 1   # add 10,000 fictional offers
    python -m directory demo --n 500 --replace    # replace all demo offers
    python -m directory info                      # counts per table

``--database-url`` (or ``DATABASE_URL``) selects the store; default ``var/atlas.sqlite``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError, SQLAlchemyError


def _store(args: argparse.Namespace):
    from directory.store import Store

    store = Store(args.database_url)
    store.create_schema()
    return store


def cmd_seed(args: argparse.Namespace) -> int:
    from directory.seed import load_offices

    store = _store(args)
    stats = load_offices(store)
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
    store = _store(args)
    info = {"url": store.engine.url.render_as_string(hide_password=True),
            "schema_version": store.schema_version(), "counts": store.counts()}  # fmt: skip
    print(json.dumps(info, ensure_ascii=False, indent=2))
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"seed": cmd_seed, "demo": cmd_demo, "info": cmd_info}[args.command]
    try:
        return handler(args)
    except SQLAlchemyError as exc:
        print(f"error: database: {exc.__class__.__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    except (OSError, ImportError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
