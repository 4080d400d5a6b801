"""The directory store: engine, schema, transactions and the audited write API.

Backend: ``DATABASE_URL`` (e.g. PostgreSQL) or, without it, an embedded SQLite file at
``var/atlas.sqlite`` under the repository root — no setup needed to run the app.

Schema upgrades are *additive and automatic*: :meth:`Store.create_schema` runs
``metadata.create_all`` (new tables), then adds columns that the models have but the
database lacks (``ALTER TABLE … ADD COLUMN``, always nullable, without default), and records
:data:`directory.model.SCHEMA_VERSION` in ``schema_version``. Renames, type changes and drops
are not automatic; they need a hand-written step here when they ever happen.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import groupby, repeat
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from directory.model import (
    SCHEMA_VERSION,
    AuditLog,
    Base,
    Organization,
    SchemaVersion,
    Service,
    utcnow,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "atlas.sqlite"

#: columns maintained by the store; never taken from ``changes``
_SYSTEM_COLUMNS = frozenset(
    {"id", "version", "created_at", "created_by", "updated_at", "updated_by"}
)


class ConflictError(RuntimeError):
    """The record was changed by someone else since it was read (stale ``version``)."""


class NotFoundError(LookupError):
    """No record with that id."""


def default_url() -> str:
    """``DATABASE_URL`` if set, else the embedded SQLite file (its directory is created)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def get_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Engine for ``url`` (else ``DATABASE_URL``, else ``var/atlas.sqlite``)."""
    url = url or default_url()
    if url.startswith("postgres://"):  # Heroku-style URLs
        url = "postgresql+psycopg2://" + url[len("postgres://") :]
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # larger page cache + memory-mapped reads: the offers join over 100k rows
            # does one index look-up per table and row (UUID text keys)
            cur.execute("PRAGMA cache_size=-65536")
            cur.execute("PRAGMA mmap_size=268435456")
            cur.close()

    return engine


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(record: Base, columns: Iterable[str] | None = None) -> dict[str, Any]:
    """Column values of ``record`` as a JSON-able dict (all columns or ``columns``)."""
    mapper = inspect(type(record))
    keys = list(columns) if columns is not None else [a.key for a in mapper.column_attrs]
    return {k: _jsonable(getattr(record, k)) for k in keys}


def audit_row(
    table: str,
    record_id: str,
    action: str,
    actor: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A row for ``audit_log`` (for bulk inserts)."""
    return {
        "table_name": table,
        "record_id": record_id,
        "action": action,
        "actor": actor,
        "at": utcnow(),
        "before": _jsonable(dict(before)) if before is not None else None,
        "after": _jsonable(dict(after)) if after is not None else None,
    }


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]],
                common: Mapping[str, Any] | None = None) -> None:  # fmt: skip
    """``INSERT`` many rows of ``table`` in the transaction of ``conn``, fast.

    Every row has the same keys (column keys); ``common`` holds values that are the same in
    every row (they override a row's own value of that key and are converted once). Columns
    given nowhere get the database's default (e.g. an autoincrement id); a column with a
    Python-side default must be given (``ValueError``). The values pass the column types' own
    bind processors, so what is stored is what ``conn.execute(insert(table), rows)`` stores
    (JSON as text, the UTC datetimes of :class:`directory.model.UTCDateTime` …) — without
    SQLAlchemy's per-row parameter handling, which dominated a large import:

    * PostgreSQL with psycopg2: ``COPY … FROM STDIN`` (text format);
    * SQLite: the DBAPI ``executemany`` of one ``INSERT``;
    * any other backend: ``conn.execute(insert(table), rows)``.

    >>> from directory.model import AuditLog
    >>> store = Store("sqlite://")
    >>> store.create_schema()
    >>> now = utcnow()
    >>> with store.engine.begin() as conn:
    ...     insert_rows(conn, AuditLog.__table__, [{"record_id": "a", "after": {"n": 1}},
    ...                                            {"record_id": "b", "after": None}],
    ...                 common={"table_name": "t", "action": "insert", "actor": "x",
    ...                         "at": now, "before": None})
    >>> with store.session() as s:
    ...     [(r.record_id, r.after, r.at == now) for r in s.scalars(select(AuditLog))]
    [('a', {'n': 1}, True), ('b', None, True)]
    """
    if not rows:
        return
    common = dict(common or {})
    keys = [k for k in rows[0] if k not in common]
    names = [*keys, *common]
    absent = [c.key for c in table.columns if c.key not in names and c.default is not None]
    if absent:
        raise ValueError(f"insert_rows into {table.name}: no value for {absent}")
    dialect = conn.dialect
    fast = dialect.name == "sqlite" or (dialect.name == "postgresql"
                                         and dialect.driver == "psycopg2")  # fmt: skip
    if not fast:
        conn.execute(insert(table), [{**r, **common} for r in rows])
        return
    columns = [table.c[k] for k in names]
    procs = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    n = len(rows)
    data: list[list[Any]] = []  # column by column
    for key, proc in zip(keys, procs, strict=False):
        values = [r[key] for r in rows]
        data.append(values if proc is None else [proc(v) for v in values])
    constants = [
        value if proc is None else proc(value)
        for value, proc in zip(common.values(), procs[len(keys) :], strict=True)
    ]
    preparer = dialect.identifier_preparer
    target = f"{preparer.format_table(table)} ({', '.join(map(preparer.format_column, columns))})"
    if dialect.name == "sqlite":
        params = zip(*data, *(repeat(value, n) for value in constants), strict=True)
        conn.exec_driver_sql(f"INSERT INTO {target} VALUES ({', '.join('?' * len(columns))})",
                             list(params))  # fmt: skip
        return
    cells = [*([_copy_text(v) for v in values] for values in data),
             *(repeat(_copy_text(value), n) for value in constants)]  # fmt: skip
    buffer = io.StringIO("".join("\t".join(line) + "\n" for line in zip(*cells, strict=True)))
    cursor = conn.connection.cursor()
    try:
        cursor.copy_expert(f"COPY {target} FROM STDIN", buffer)
    finally:
        cursor.close()


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's ``COPY`` text format (after the column's bind processor):
    ``\\N`` for NULL, backslash, newline, carriage return and tab escaped."""
    if isinstance(value, str):
        return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t"))  # fmt: skip
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # also datetime: ISO 8601 with the offset
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"no COPY text for {type(value).__name__}")


class Store:
    """Schema, sessions and audited writes over one engine.

    >>> store = Store("sqlite://")
    >>> store.create_schema()
    >>> store.counts()["service"]
    0
    """

    def __init__(self, engine: Engine | str | None = None) -> None:
        self.engine = engine if isinstance(engine, Engine) else get_engine(engine)
        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    # -- schema -----------------------------------------------------------------------------
    def create_schema(self) -> None:
        """Create missing tables and columns; idempotent (see module doc)."""
        Base.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            insp = inspect(conn)
            preparer = self.engine.dialect.identifier_preparer
            for table in Base.metadata.sorted_tables:
                present = {c["name"] for c in insp.get_columns(table.name)}
                for column in table.columns:
                    if column.name in present:
                        continue
                    ddl = column.type.compile(dialect=self.engine.dialect)
                    conn.execute(
                        text(
                            f"ALTER TABLE {preparer.format_table(table)} "
                            f"ADD COLUMN {preparer.format_column(column)} {ddl}"
                        )
                    )
            have = conn.execute(
                select(SchemaVersion.version).where(SchemaVersion.version == SCHEMA_VERSION)
            ).first()
            if have is None:
                conn.execute(
                    SchemaVersion.__table__.insert().values(
                        version=SCHEMA_VERSION, applied_at=utcnow()
                    )
                )

    def schema_version(self) -> int | None:
        with self.session() as s:
            return s.scalar(select(func.max(SchemaVersion.version)))

    # -- sessions ---------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: commit on success, rollback on error."""
        session = self._sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- reads ------------------------------------------------------------------------------
    def get(self, model: type[Base], record_id: str) -> Any:
        with self.session() as s:
            return s.get(model, record_id)

    def counts(self) -> dict[str, int]:
        """Rows per table (``service_demo`` = demo services, ``service_active`` = not retired)."""
        out: dict[str, int] = {}
        with self.session() as s:
            for table in Base.metadata.sorted_tables:
                out[table.name] = s.scalar(select(func.count()).select_from(table)) or 0
            out["service_demo"] = (
                s.scalar(select(func.count()).select_from(Service).where(Service.is_demo)) or 0
            )
            out["service_active"] = (
                s.scalar(
                    select(func.count()).select_from(Service).where(Service.retired_at.is_(None))
                )
                or 0
            )
        return out

    def is_empty(self) -> bool:
        """True when no real (non-demo) organization is stored."""
        with self.session() as s:
            stmt = select(func.count()).select_from(Organization).where(~Organization.is_demo)
            return s.scalar(stmt) == 0

    # -- writes (audited) -------------------------------------------------------------------
    def add(self, *records: Base, actor: str, session: Session | None = None) -> None:
        """Insert records and write one ``insert`` audit row each."""
        if session is None:
            with self.session() as s:
                self.add(*records, actor=actor, session=s)
            return
        now = utcnow()
        for record in records:
            if hasattr(record, "created_by"):
                record.created_by = record.created_by or actor
                record.updated_by = record.updated_by or actor
                record.created_at = record.created_at or now
                record.updated_at = record.updated_at or now
        # No ORM relationships are mapped, so flush in foreign-key (table) order ourselves.
        order = {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}
        for _, group in groupby(
            sorted(records, key=lambda r: order[r.__tablename__]),
            key=lambda r: order[r.__tablename__],
        ):
            session.add_all(list(group))
            session.flush()
        for record in records:
            session.add(
                AuditLog(
                    **audit_row(
                        record.__tablename__,
                        str(record.id),
                        "insert",
                        actor,
                        None,
                        snapshot(record),
                    )
                )
            )
        session.flush()

    def update(
        self,
        record: Base | tuple[type[Base], str],
        changes: Mapping[str, Any],
        *,
        actor: str,
        expected_version: int,
        action: str = "update",
    ) -> Any:
        """Apply ``changes`` to a record if it still has ``expected_version``.

        ``record`` is an ORM instance (possibly detached) or ``(Model, id)``. Raises
        :class:`ConflictError` (and changes nothing) when the stored version differs,
        :class:`NotFoundError` when the id is unknown, ``ValueError`` on unknown or system
        columns. Writes one audit row with the changed columns before/after and returns the
        updated (detached) record.
        """
        model, record_id = record if isinstance(record, tuple) else (type(record), record.id)
        mapper = inspect(model)
        columns = {a.key for a in mapper.column_attrs}
        bad = set(changes) - (columns - _SYSTEM_COLUMNS)
        if bad:
            raise ValueError(f"cannot change {sorted(bad)} of {model.__tablename__}")
        try:
            with self.session() as s:
                current = s.get(model, record_id, with_for_update=True)
                if current is None:
                    raise NotFoundError(f"{model.__tablename__} {record_id} not found")
                if current.version != expected_version:
                    raise ConflictError(
                        f"{model.__tablename__} {record_id} was changed by someone else "
                        f"(version {current.version}, expected {expected_version})"
                    )
                changed = [k for k, v in changes.items() if getattr(current, k) != v]
                if not changed:
                    return current
                before = snapshot(current, changed)
                for key in changed:
                    setattr(current, key, changes[key])
                current.updated_by = actor
                current.updated_at = utcnow()
                s.flush()  # version_id_col: UPDATE … WHERE version = expected
                s.add(
                    AuditLog(
                        **audit_row(
                            model.__tablename__,
                            str(record_id),
                            action,
                            actor,
                            before,
                            snapshot(current, changed),
                        )
                    )
                )
                return current
        except StaleDataError as exc:
            raise ConflictError(str(exc)) from exc

    def retire(
        self, record: Base | tuple[type[Base], str], *, actor: str, expected_version: int
    ) -> Any:
        """Soft-delete a record that has ``retired_at`` (service, organization, location);
        audited as ``retire``."""
        return self.update(
            record,
            {"retired_at": utcnow()},
            actor=actor,
            expected_version=expected_version,
            action="retire",
        )
