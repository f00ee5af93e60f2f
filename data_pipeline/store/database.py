"""The connection to the store's database: the engine, its SQLite settings, the schema's creation,
transactions, errors as ``StoreError`` messages, and batched writes and streamed reads of rows."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Self

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from data_pipeline import settings
from data_pipeline.store import checkpoints, schema
from data_pipeline.store.encoding import ROWS_PER_STATEMENT, column_chunk, column_values, sqlite_batches
from data_pipeline.store.errors import StoreError, StoreUnavailable, first_line, store_location, without_password
from data_pipeline.store.tables import Field

CHUNK_ROWS = 50_000
"""Rows per executemany/COPY batch on write and per fetch on read: bounds memory, keeps batches fast."""


class Database:
    """An open store's database at a SQLAlchemy URL; creates the tables when they are missing and brings a
    store made by earlier code to this code's layout (``data_pipeline.store.schema``)."""


    def __init__(self, url: str, timeout: int | None = None, *, migrate: bool | None = None) -> None:
        """Open the store at ``url``; a database server gets ``timeout`` seconds to accept the
        connection (default: the ``store_timeout`` setting). ``migrate``: upgrade a store whose layout is
        behind this code's (default: the ``migrate_on_start`` setting); otherwise such a store is refused
        with the command that upgrades it."""
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError:
            raise StoreError(
                f"The store URL {without_password(str(url))!r} is not a database URL; use e.g. "
                "sqlite:///data/dashboard.db or postgresql+psycopg://user@host:5432/dbname "
                "(DASHBOARD_STORE_URL or --store).") from None
        self.url = parsed
        try:
            self.timeout = settings.store_timeout() if timeout is None else timeout
        except ValueError as error:
            raise StoreError(str(error)) from None
        self._is_sqlite = parsed.get_backend_name() == "sqlite"
        if self._is_sqlite:
            self._make_sqlite_parent_dir(parsed)
        # Without a timeout, psycopg waits 130 s for a server that accepts and never answers.
        connect_args = ({"connect_timeout": self.timeout}
                        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query else {})
        try:
            self._engine: Engine = sa.create_engine(parsed, connect_args=connect_args)
        except (sa.exc.NoSuchModuleError, ModuleNotFoundError) as error:
            raise StoreError(
                f"Cannot open the store at {without_password(parsed)}: {without_password(str(error), parsed)}. "
                "Use a sqlite:/// URL or postgresql+psycopg:// (the psycopg driver is installed).") from None
        if self._is_sqlite:
            self._configure_sqlite(self._engine)
        self._uses_copy = self._engine.dialect.name == "postgresql" and self._engine.driver == "psycopg"
        try:
            self._migrate = settings.migrate_on_start() if migrate is None else migrate
        except ValueError as error:
            raise StoreError(str(error)) from None
        self.schema_found: schema.SchemaState | None = None
        """The layout the store had when opened (``migrate`` reports it)."""
        with self._errors("open the store"):
            self._create_schema()

    # -- setup -----------------------------------------------------------------------------------

    @staticmethod
    def _make_sqlite_parent_dir(url: sa.URL) -> None:
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"Cannot create the folder for the store file {database!r}: {error}. "
                             "Choose a writable location with DASHBOARD_STORE_URL or --store.") from None

    @staticmethod
    def _configure_sqlite(engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see "begin").
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # WAL: the dashboard keeps reading while a long publish writes; a killed writer's
            # uncommitted frames are discarded on the next open. FULL: a commit survives power loss.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.execute("PRAGMA journal_size_limit=67108864")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            # Writers take the write lock up front, so two publishers cannot both build on one version.
            mode = "IMMEDIATE" if connection.get_execution_options().get("store_write") else "DEFERRED"
            connection.exec_driver_sql(f"BEGIN {mode}")

    def _create_schema(self) -> None:
        # Opening a current store only reads, so the dashboard can open one while a publish holds the lock.
        with self._read() as conn:
            self.schema_found = schema.read_state(conn)
        if self.schema_found.action == schema.CURRENT:
            return
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7305120419)"))  # one creator at a time
            self.schema_found = found = schema.read_state(conn)  # another process may have done it meanwhile
            action = found.action
            if action == schema.CURRENT:
                return
            if action == schema.AHEAD:
                raise StoreError(
                    f"The store at {without_password(self.url)} has {found.describe()}, newer than this code reads "
                    f"(revision {schema.HEAD_REVISION}, schema version {schema.LEGACY_SCHEMA_VERSION}); update the "
                    "code to the version that wrote the store.")
            # A new store, and a store of the previous code only stamped, change no layout anyone reads.
            harmless = action == schema.CREATE or (action == schema.STAMP
                                                   and schema.HEAD_REVISION == schema.FIRST_REVISION)
            if not (harmless or self._migrate):
                raise StoreError(
                    f"The store at {without_password(self.url)} has {found.describe()}; this code reads revision "
                    f"{schema.HEAD_REVISION}. Back the store up, then upgrade it with `{schema.MIGRATE_COMMAND}` "
                    f"(--store or DASHBOARD_STORE_URL naming it), or set "
                    f"{settings.setting('migrate_on_start').env}=yes to upgrade it when the dashboard starts.")
            schema.upgrade(conn)

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn database errors into ``StoreError`` messages that name the store and the fix."""
        try:
            yield
        except sa.exc.OperationalError as error:
            waited = "" if self._is_sqlite else (f" The server is given {self.timeout} s to answer "
                                                   "(DASHBOARD_STORE_TIMEOUT or --store-timeout).")
            raise StoreUnavailable(
                f"Cannot {action}: the store at {store_location(self.url)} is unreachable or unusable "
                f"({first_line(error, self.url)}).{waited} Start the database server or check the file, or point "
                f"DASHBOARD_STORE_URL (or --store) at a reachable store (now {without_password(self.url)}).") from None
        except (sa.exc.DBAPIError, self._engine.dialect.loaded_dbapi.Error) as error:  # the latter from COPY
            raise StoreError(
                f"Cannot {action}: the store at {without_password(self.url)} answered: {first_line(error, self.url)}. "
                "Check that the data is canonical (ingest validates it) and that DASHBOARD_STORE_URL (or --store) "
                "points at the dashboard's store.") from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any exception."""
        with self._engine.connect() as conn:
            conn.execution_options(store_write=True)
            with conn.begin():
                yield conn
                checkpoints.reached("before commit")
            checkpoints.reached("after commit")

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read transaction (one snapshot on SQLite)."""
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({without_password(self.url)!r})"


    def _fetch_chunks(self, conn: Connection, query: sa.Select, kinds: Sequence[str]) -> list[list]:
        """Each column's fetched batches (``column_chunk`` arrays) of ``query``'s result."""
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        dbapi_connection = conn.connection.dbapi_connection
        # A server-side cursor on PostgreSQL streams the rows instead of buffering the whole result.
        cursor = (dbapi_connection.cursor(name=f"store_{uuid.uuid4().hex}") if self._uses_copy
                  else dbapi_connection.cursor())
        chunks: list[list] = [[] for _kind in kinds]
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(CHUNK_ROWS * 2):
                batch = np.array(rows, dtype=object)  # rows × columns, transposed in C
                for index, (field_kind, parts) in enumerate(zip(kinds, chunks)):
                    parts.append(column_chunk(field_kind, batch[:, index]))
        finally:
            cursor.close()
        return chunks

    def _insert_frame(self, conn: Connection, table: sa.Table, fields: Sequence[Field], frame: pd.DataFrame,
                      owner: str, owner_id: int, *, progress: bool = False) -> None:
        """Insert ``frame``'s ``fields`` into ``table`` with ``owner`` = ``owner_id``, in batches."""
        names = [owner, *(f.name for f in fields)]
        if self._uses_copy:
            cursor = conn.connection.dbapi_connection.cursor()
            quoted = ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names)
            copy_sql = f"COPY {conn.dialect.identifier_preparer.quote(table.name)} ({quoted}) FROM STDIN"
        elif self._is_sqlite:
            # The owner id is an int from the store itself, so it goes into the SQL as a literal.
            row = "(" + ", ".join([str(int(owner_id))] + ["?"] * len(fields)) + ")"
            head = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
            many_sql = head + ", ".join([row] * ROWS_PER_STATEMENT)
        else:
            insert = table.insert()
        for start in range(0, len(frame), CHUNK_ROWS):
            chunk = frame.iloc[start:start + CHUNK_ROWS]
            columns = column_values(fields, chunk)
            if self._uses_copy:
                with cursor.copy(copy_sql) as copy:
                    for values in zip([owner_id] * len(chunk), *columns):
                        copy.write_row(values)
            elif self._is_sqlite:
                batches, rest = sqlite_batches(columns, len(chunk))
                cursor = conn.connection.dbapi_connection.cursor()  # inside the transaction begun above
                try:
                    if batches:
                        cursor.executemany(many_sql, batches)
                    if rest:
                        cursor.execute(head + ", ".join([row] * (len(rest) // len(fields))), rest)
                finally:
                    cursor.close()
            else:
                conn.execute(insert, [dict(zip(names, values))
                                      for values in zip([owner_id] * len(chunk), *columns)])
            if progress:
                checkpoints.reached("rows written")
