"""The versioned data store: uploaded submissions, versions as sets of submissions, one active version.

A *submission* is one uploaded file's canonical rows (activities, targets or funding) plus its
provenance (file name, SHA-256, who, when). A *version* is a set of submissions; publishing makes a
new version holding the previous active version's submissions plus the new ones and activates it in
the same transaction, so records are never copied and a failure (or a killed process) leaves the
previous version active and intact. History is append-only: a rollback or a withdrawal makes a new
version too. Demo data and real data never share a version.

Each version also keeps its activities summed per *monthly cell* (district, indicator, month, sex,
age group, disability → sum of value, number of records), computed once when the version is made:
``Store.activity_cells`` reads them, so a dashboard over millions of records reads one blob of
some hundred thousand cells.

Activity records, which can run to millions of rows, are kept as blobs per submission
(``activity_blobs``: one Arrow IPC file, zstd, per ``_BLOB_PART_ROWS`` rows), written in the publish transaction:
one SQL row per record cost most of an ingest (benchmarks/PROFILE.md). Targets and funding, a few
hundred rows, are SQL rows. Activities stored before schema 3 stay readable as SQL rows.

Works on SQLite (default, ``data_pipeline.settings.store_url()``) and PostgreSQL
(``postgresql+psycopg://…``) through SQLAlchemy Core. Tables read back with the dtypes the pandera
schemas coerce to: ``date`` datetime64[ns] (kept to the day), numbers float64/int64, text in pandas'
``str`` dtype where a missing value is NaN (stored as NULL).
"""

from __future__ import annotations

import contextlib
import math
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from data_pipeline import settings
from data_pipeline.reference.messages import mark as _
from data_pipeline.reference.schemas import (ACTIVITY_COLUMNS, FUNDING_COLUMNS, KIND_ACTIVITIES, KIND_FUNDING,
                                   KIND_TARGETS, KINDS, TARGET_COLUMNS)

SCHEMA_VERSION = 3
"""Version of the table layout below; bump it and add a migration when the layout changes.

1 → 2: monthly activity cells as SQL rows (``activity_submission_cells``, ``activity_version_cells``).
2 → 3: new activity submissions are Arrow IPC blobs (``activity_blobs``; older ones stay SQL rows and
are read as such) and cells are blobs too (``activity_*_cell_blobs``), computed on first read for
versions made before; the schema-2 cell tables are left as they are and no longer read.
A table added without changing the others (``sign_in_failures``) is created when a store is opened."""

_CHUNK_ROWS = 50_000
"""Rows per executemany/COPY batch on write and per fetch on read: bounds memory, keeps batches fast."""
_ROWS_PER_STATEMENT = 100
"""Rows per multi-row ``INSERT … VALUES`` on SQLite: halves the per-row cost of one-row statements."""
_BLOB_PART_ROWS = 1_000_000
"""Activity rows per blob: bounds the memory of one write (≈ 7 MB of zstd Arrow IPC per part)."""


# The notes the store writes on versions it makes itself; ``history.note_text`` shows them translated.
ROLLBACK_NOTE = _("rollback to v{version}")
WITHDRAW_NOTE = _("withdraw submission {submission} ({file})")


class StoreError(RuntimeError):
    """A store operation that cannot be done; the message says why and how to fix it."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or used (server down or silent, file unreadable, locked): nothing was done."""


# --- Public data classes -----------------------------------------------------------------------

@dataclass(frozen=True)
class SubmissionInput:
    """One file's canonical rows to publish (``frame`` has the columns of ``schemas.COLUMNS[kind]``)."""

    file_name: str
    sha256: str
    kind: str
    frame: pd.DataFrame
    is_demo: bool
    uploaded_by: str = "cli"


@dataclass(frozen=True)
class SubmissionInfo:
    """A stored submission: where its rows came from."""

    id: int
    file_name: str
    sha256: str
    kind: str
    is_demo: bool
    uploaded_by: str
    uploaded_at: datetime
    row_count: int


@dataclass(frozen=True)
class VersionInfo:
    """A version: the set of submissions the dashboard shows when it is active."""

    id: int
    created_at: datetime
    created_by: str
    is_demo: bool
    note: str
    parent_id: int | None
    """The version that was active when this one was made (``None`` for the first)."""
    active: bool
    submissions: tuple[SubmissionInfo, ...]

    @property
    def row_count(self) -> int:
        """Rows in all of the version's submissions."""
        return sum(s.row_count for s in self.submissions)

    @property
    def file_names(self) -> tuple[str, ...]:
        """File names of the version's submissions, oldest submission first."""
        return tuple(s.file_name for s in self.submissions)


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: the new active version (``None`` when every file was already in the
    active version, so no version was made), the submissions added, and the duplicates' file names."""

    version: VersionInfo | None
    added: tuple[SubmissionInfo, ...]
    duplicates: tuple[str, ...]


# --- Tables ------------------------------------------------------------------------------------

_TEXT, _FLOAT, _INT, _DATE = "text", "float", "int", "date"


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str
    sql_type: sa.types.TypeEngine
    nullable: bool = False


_FIELDS: dict[str, tuple[_Field, ...]] = {
    KIND_ACTIVITIES: (
        _Field("date", _DATE, sa.Date()),
        _Field("district_code", _TEXT, sa.String(8)),
        _Field("indicator", _TEXT, sa.String(64)),
        _Field("value", _FLOAT, sa.Float()),
        _Field("sex", _TEXT, sa.String(16), nullable=True),
        _Field("age_group", _TEXT, sa.String(16), nullable=True),
        _Field("disability", _TEXT, sa.String(8), nullable=True),
        _Field("notes", _TEXT, sa.Text(), nullable=True),
        _Field("source_row", _INT, sa.Integer()),
    ),
    KIND_TARGETS: (
        _Field("indicator", _TEXT, sa.String(64)),
        _Field("district_code", _TEXT, sa.String(8), nullable=True),
        _Field("period", _TEXT, sa.String(16)),
        _Field("target", _FLOAT, sa.Float()),
        _Field("source_row", _INT, sa.Integer()),
    ),
    KIND_FUNDING: (
        _Field("plan", _TEXT, sa.String(64)),
        _Field("objective", _TEXT, sa.Text()),
        _Field("component", _TEXT, sa.Text(), nullable=True),
        _Field("donor", _TEXT, sa.Text(), nullable=True),
        _Field("required", _FLOAT, sa.Float(), nullable=True),
        _Field("received", _FLOAT, sa.Float()),
        _Field("currency", _TEXT, sa.String(8)),
        _Field("source_row", _INT, sa.Integer()),
    ),
}
for _kind, _columns in ((KIND_ACTIVITIES, ACTIVITY_COLUMNS), (KIND_TARGETS, TARGET_COLUMNS),
                        (KIND_FUNDING, FUNDING_COLUMNS)):
    if [f.name for f in _FIELDS[_kind]] != list(_columns):  # schemas.py is the source of truth
        raise AssertionError(f"store columns for {_kind} differ from data_pipeline.reference.schemas: {_columns}")


class _UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps them as naive UTC text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # INTEGER PRIMARY KEY = SQLite's rowid

metadata = sa.MetaData()

schema_version_table = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
)

submissions_table = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("uploaded_at", _UTCDateTime, nullable=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.CheckConstraint("kind IN ('activities', 'targets', 'funding')", name="ck_submissions_kind"),
    sa.Index("ix_submissions_sha256_kind", "sha256", "kind"),
)


def _record_table(kind: str) -> sa.Table:
    return sa.Table(
        kind, metadata,
        sa.Column("id", _ROW_ID, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        *(sa.Column(f.name, f.sql_type, nullable=f.nullable) for f in _FIELDS[kind]),
        # Reads select a version's rows by submission; the index also keeps each file's rows in order.
        sa.Index(f"ix_{kind}_submission_id", "submission_id"),
    )


record_tables: dict[str, sa.Table] = {kind: _record_table(kind) for kind in KINDS}

activity_blobs_table = sa.Table(
    "activity_blobs", metadata,
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
    sa.Column("part", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),  # Arrow IPC file (zstd) of the part's canonical columns
)

versions_table = sa.Table(
    "versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
)

version_submissions_table = sa.Table(
    "version_submissions", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
    sa.Index("ix_version_submissions_submission_id", "submission_id"),
)

active_version_table = sa.Table(
    "active_version", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
    sa.CheckConstraint("id = 1", name="ck_active_version_single_row"),
)

CELL_KEYS = ("district_code", "indicator", "month", "sex", "age_group", "disability")
"""What a monthly cell is keyed by (``month``: the first day of the month)."""
CELL_COLUMNS = ACTIVITY_COLUMNS + ["records", "first_date", "last_date"]
"""Columns of ``Store.activity_cells``: the activity columns (one row per cell), ``records`` (how many
records the cell sums) and the earliest and latest record's date."""


def _cell_blobs_table(name: str, owner: str, owner_table: str) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column(owner, sa.Integer, sa.ForeignKey(f"{owner_table}.id"), primary_key=True, autoincrement=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),  # Arrow IPC file (zstd) of the cells
    )


# Cells of each activities submission, summed from its frame when it is stored; a version's cells
# are summed from its submissions' cells when the version is made (one blob read per dashboard load).
submission_cells_table = _cell_blobs_table("activity_submission_cell_blobs", "submission_id", "submissions")
version_cells_table = _cell_blobs_table("activity_version_cell_blobs", "version_id", "versions")


# Failed editor sign-ins, counted per key (a hashed account name or client address) where no client
# message can reach them: shared by every server process and replica, kept across restarts.
sign_in_failures_table = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # SHA-256 hex: no typed name or address is kept
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_attempt", sa.Float, nullable=False),  # seconds since the epoch
)
_SIGN_IN_MEMORY_SECONDS = 24 * 3600
"""A key's count is forgotten this long after its last attempt (bounds the table's size)."""


# --- Helpers -----------------------------------------------------------------------------------

_URL_PASSWORD = re.compile(r"(://[^\s/@:]*:)[^\s@]*@")
_KEYWORD_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&,;)]+)")


def without_password(text: str | sa.URL, url: str | sa.URL | None = None) -> str:
    """``text`` (a store URL, or a message that may quote one or the driver's connection string) with
    every password shown as ``***``: in ``user:…@`` of any URL, in ``password=…`` of a libpq connection
    string or query, and ``url``'s own password wherever it appears. Use it on every store URL or
    database message that is shown, printed or logged."""
    if isinstance(text, sa.URL):
        url, text = text if url is None else url, text.render_as_string(hide_password=True)
    password = None
    if url is not None:
        with contextlib.suppress(sa.exc.ArgumentError, ValueError):
            parsed = url if isinstance(url, sa.URL) else sa.make_url(url)
            password = parsed.password or parsed.query.get("password")
    if isinstance(password, str) and len(password) >= 3:  # shorter ones would mask ordinary words
        for form in dict.fromkeys((password, quote(password, safe=""), quote_plus(password))):
            text = text.replace(form, "***")
    return _KEYWORD_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


def store_location(url: str | sa.URL) -> str:
    """Where the store is, for messages: ``host:port`` of a database server, or a SQLite file's path."""
    try:
        parsed = url if isinstance(url, sa.URL) else sa.make_url(url)
    except sa.exc.ArgumentError:
        return without_password(str(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    port = parsed.port or {"postgresql": 5432}.get(parsed.get_backend_name())
    host = parsed.host or parsed.query.get("host") or "localhost"
    return without_password(f"{host}:{port}" if port else str(host), parsed)


def _first_line(error: BaseException, url: str | sa.URL) -> str:
    """The first line of a database error's message, any password in it hidden."""
    original = getattr(error, "orig", None) or error
    return without_password((str(original).strip().splitlines() or [type(original).__name__])[0], url)


def empty_frame(kind: str) -> pd.DataFrame:
    """An empty table of ``kind`` with the canonical columns, ``submission_id`` and the store's dtypes."""
    return _frame_from_chunks(kind, [[_column_chunk(kind_, ())] for kind_ in _read_kinds(kind)])


_STR_DTYPE = pd.StringDtype(na_value=np.nan)
"""pandas' default ``str`` dtype, the one pandera's ``str`` columns coerce to (missing = NaN)."""


def _read_kinds(kind: str) -> list[str]:
    return [f.kind for f in _FIELDS[kind]] + [_INT]  # the last column is submission_id


def _column_chunk(field_kind: str, values: Sequence) -> np.ndarray | pa.Array:
    """One fetched batch of a column, as the DBAPI returns it, converted to an array."""
    if field_kind == _DATE:  # ISO text on SQLite, ``datetime.date`` on PostgreSQL
        return np.asarray(values).astype("datetime64[D]").astype("datetime64[ns]")
    if field_kind == _FLOAT:
        return np.asarray(values).astype(np.float64)  # None becomes NaN
    if field_kind == _INT:
        return np.asarray(values).astype(np.int64)
    return pa.array(values, type=pa.string())  # far faster than building pandas strings from objects


def _frame_from_chunks(kind: str, chunks: Sequence[Sequence[np.ndarray | pa.Array]]) -> pd.DataFrame:
    """The typed frame of ``kind`` (plus ``submission_id``) from each column's fetched batches."""
    names = [f.name for f in _FIELDS[kind]] + ["submission_id"]
    data: dict[str, object] = {}
    for name, field_kind, parts in zip(names, _read_kinds(kind), chunks):
        if field_kind == _TEXT:
            data[name] = pd.Series(pa.chunked_array(parts, type=pa.string()), dtype=_STR_DTYPE)
        else:
            data[name] = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return pd.DataFrame(data, copy=False)


def _coerce_frame(submission: SubmissionInput) -> pd.DataFrame:
    """The submission's canonical columns, checked and typed for writing; ``StoreError`` otherwise."""
    fields = _FIELDS[submission.kind]
    frame = submission.frame
    label = f"{submission.file_name!r} ({submission.kind})"
    missing = [f.name for f in fields if f.name not in frame.columns]
    if missing:
        raise StoreError(f"{label} lacks the column(s) {', '.join(missing)}; a {submission.kind} table needs "
                         f"{', '.join(f.name for f in fields)}. Run it through ingest/validation first.")
    out = {}
    for field in fields:
        column = frame[field.name]
        try:
            if field.kind == _DATE and not pd.api.types.is_datetime64_any_dtype(column):
                column = pd.to_datetime(column, format="ISO8601")
            elif field.kind in (_FLOAT, _INT):
                column = pd.to_numeric(column)
        except (ValueError, TypeError) as error:
            raise StoreError(f"{label}: column {field.name!r} has a value that is not a "
                             f"{field.kind} ({error}); fix the file and publish again.") from None
        if not field.nullable and column.isna().any():
            first = int(np.flatnonzero(column.isna().to_numpy())[0])
            raise StoreError(f"{label}: column {field.name!r} is empty in row {first + 1} of the table but is "
                             f"required; fix the file and publish again.")
        out[field.name] = column
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), copy=False)


def _python_values(field: _Field, series: pd.Series) -> list:
    """A column as the Python values the DBAPI binds (ISO text for dates; NaN/NaT become ``None``).

    Text and dates hold few distinct values, so each distinct value is converted once and the
    rows pick theirs by code: converting row by row costs more than the insert itself.
    """
    if field.kind == _FLOAT:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
        return [None if v != v else v for v in values] if field.nullable else values  # v != v: NaN
    if field.kind == _INT:
        return series.to_numpy(dtype=np.int64).tolist()
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if field.kind == _DATE:
        days = np.asarray(uniques, dtype="datetime64[ns]").astype("datetime64[D]")
        converted = [None if d != d else str(d) for d in days]  # NaT != NaT
    else:
        converted = [None if v is None or v != v else (v if isinstance(v, str) else str(v)) for v in uniques]
    lookup = np.empty(len(converted) + 1, dtype=object)
    lookup[:len(converted)] = converted  # the last slot (code -1, missing) stays None
    return lookup[codes].tolist()


def _column_values(fields: Sequence[_Field], chunk: pd.DataFrame) -> list[list]:
    return [_python_values(field, chunk[field.name]) for field in fields]


def _sqlite_batches(columns: list[list], rows: int) -> tuple[list[list], list]:
    """Parameters for multi-row statements of ``_ROWS_PER_STATEMENT`` rows, and those of the rest."""
    width = len(columns)
    flat: list = [None] * (rows * width)
    for index, values in enumerate(columns):
        flat[index::width] = values  # row-major: row 0's values, then row 1's, …
    step = _ROWS_PER_STATEMENT * width
    full = rows - rows % _ROWS_PER_STATEMENT
    return [flat[i:i + step] for i in range(0, full * width, step)], flat[full * width:]


def _arrow_table(fields: Sequence[_Field], frame: pd.DataFrame) -> pa.Table:
    """``frame``'s ``fields`` as an Arrow table: dates as days, text dictionary-encoded (a column of
    millions of rows holds few distinct values) with missing text as a null dictionary entry, missing
    numbers as nulls."""
    arrays = []
    for field in fields:
        column = frame[field.name]
        if field.kind == _DATE:
            days = column.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
            arrays.append(pa.array(days, type=pa.date32()))
        elif field.kind == _FLOAT:
            arrays.append(pa.array(column.to_numpy(dtype=np.float64, na_value=np.nan), from_pandas=True))
        elif field.kind == _INT:
            arrays.append(pa.array(column.to_numpy(dtype=np.int64)))
        elif isinstance(column.dtype, pd.StringDtype):
            # A missing value is a dictionary entry of its own, so the indices hold no nulls.
            arrays.append(pa.array(column, type=pa.string(), from_pandas=True).dictionary_encode("encode"))
        else:  # ingest's categorical records (codes kept as they are), or object columns (e.g. a caller's own frame)
            if isinstance(column.dtype, pd.CategoricalDtype):
                codes, uniques = column.cat.codes.to_numpy(), column.cat.categories
            else:  # each distinct value made text once
                codes, uniques = pd.factorize(column, use_na_sentinel=True)
            text = [v if isinstance(v, str) else str(v) for v in uniques]
            if (codes < 0).any():  # missing as a dictionary entry of its own, as above
                codes = np.where(codes < 0, len(text), codes)
                text.append(None)
            # As narrow as the dictionary allows (pandas' codes are: int8 for up to 127 categories):
            # a quarter of the bytes of int32 to compress and store.
            codes = codes.astype(np.min_scalar_type(-len(text) - 1), copy=False)
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(text, type=pa.string())))
    return pa.table(arrays, names=[f.name for f in fields])


def _ipc_blob(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC file, zstd-compressed (written and read several times faster than Parquet)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _blob_table(data: bytes) -> pa.Table:
    """The table of an ``_ipc_blob``."""
    return pa.ipc.open_file(pa.BufferReader(data)).read_all()


def _blob_chunks(fields: Sequence[_Field], data: bytes) -> list[np.ndarray | pa.Array]:
    """Each field's column of an ``_ipc_blob``, as the arrays ``_frame_from_chunks`` takes."""
    return _table_chunks(fields, _blob_table(data))


def _table_chunks(fields: Sequence[_Field], table: pa.Table) -> list[np.ndarray | pa.Array]:
    """Each field's column of an ``_arrow_table``, as the arrays ``_frame_from_chunks`` takes."""
    chunks: list[np.ndarray | pa.Array] = []
    for field in fields:
        column = table.column(field.name)
        if field.kind == _TEXT:
            chunks.append(column.combine_chunks().cast(pa.string()))
        elif field.kind == _DATE:
            chunks.append(column.to_numpy().astype("datetime64[ns]"))
        elif field.kind == _FLOAT:
            chunks.append(column.to_numpy().astype(np.float64))  # null becomes NaN
        else:
            chunks.append(column.to_numpy().astype(np.int64))
    return chunks


_ACTIVITY_FIELDS = {field.name: field for field in _FIELDS[KIND_ACTIVITIES]}
# The cell columns shared with activities take their definitions, so their kinds cannot drift apart.
_CELL_FIELDS = (
    _ACTIVITY_FIELDS["district_code"],
    _ACTIVITY_FIELDS["indicator"],
    _Field("month", _DATE, sa.Date()),
    _ACTIVITY_FIELDS["sex"],
    _ACTIVITY_FIELDS["age_group"],
    _ACTIVITY_FIELDS["disability"],
    _ACTIVITY_FIELDS["value"],
    _Field("records", _INT, sa.BigInteger()),
    _Field("first_date", _DATE, sa.Date()),
    _Field("last_date", _DATE, sa.Date()),
)


_CELL_SOURCE_FIELDS = tuple(f for f in _FIELDS[KIND_ACTIVITIES] if f.name in ("date", "value", *CELL_KEYS))
_DENSE_CELL_SLOTS = 1 << 22
"""Up to this many possible cell keys (or one per record, if more) the cells are summed in a slot
per possible key; beyond, by hashing the keys (a file spanning decades, say)."""


def _day_numbers(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy().astype("datetime64[D]").view(np.int64)


def _dates(days: np.ndarray) -> pa.Array:
    """Day numbers (since 1970-01-01) as an Arrow date column."""
    return pa.array(days.astype(np.int32), type=pa.int32()).view(pa.date32())


def _no_cells() -> pa.Table:
    """A cells table (``_CELL_FIELDS``, as stored) without rows."""
    return pa.table([pa.array([], type=pa.string()).dictionary_encode() if f.kind == _TEXT else
                     pa.array([], type={_DATE: pa.date32(), _FLOAT: pa.float64(), _INT: pa.int64()}[f.kind])
                     for f in _CELL_FIELDS], names=[f.name for f in _CELL_FIELDS])


def _table_cells(table: pa.Table) -> pa.Table:
    """The monthly cells (``_CELL_FIELDS``, as stored) of an ``_arrow_table`` of activities (text
    columns dictionary-encoded), or of cells (summed again, e.g. the cells of several submissions)."""
    of_cells = "records" in table.column_names
    keys = list(CELL_KEYS)
    if table.num_rows == 0:
        return _no_cells()
    days = _day_numbers(table, "month" if of_cells else "date")
    start_day = int(days.min())
    # Each day's month through a table of the days spanned: a look-up instead of calendar arithmetic per row.
    day_months = np.arange(start_day, int(days.max()) + 1).view("datetime64[D]").astype("datetime64[M]")
    months = day_months.view(np.int64)[days - start_day]
    first_month = int(months.min())
    coded: dict[str, np.ndarray] = {"month": months - first_month}
    radix: dict[str, int] = {"month": int(months.max()) - first_month + 1}
    sorted_values: dict[str, list] = {}
    for name in (key for key in keys if key != "month"):
        column = table.column(name).combine_chunks()
        # The dictionary's codes renumbered in sorted order, so that cells sort by their keys;
        # missing (a null entry: the indices hold no nulls) sorts last, as a cell of its own.
        order = pc.array_sort_indices(column.dictionary, null_placement="at_end").to_numpy()
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        coded[name] = rank[column.indices.to_numpy()]
        radix[name] = len(order)
        sorted_values[name] = [column.dictionary[i].as_py() for i in order]
    # One int64 key per row from the codes: groups with numpy instead of pandas' multi-key groupby.
    combined = np.zeros(table.num_rows, dtype=np.int64)
    for name in keys:  # in place: no temporary arrays of every row
        combined *= radix[name]
        combined += coded[name]
    slots = math.prod(radix.values())
    if slots <= max(table.num_rows, _DENSE_CELL_SLOTS):
        # A slot per possible key (48 months × 17 districts × 31 indicators × … ≈ 1.6M for four years):
        # sums by bincount straight on the keys, and the cells come out in key order.
        groups, group_count = combined, slots
        pick = cell_keys = np.flatnonzero(np.bincount(combined, minlength=slots))
    else:
        # Hashing, then sorting only the distinct keys, beats np.unique's sort of every row; the
        # sums are taken in hashing order and put in key order after.
        groups, cell_keys = pd.factorize(combined)
        group_count, pick = len(cell_keys), np.argsort(cell_keys)
        cell_keys = cell_keys[pick]
    values = np.bincount(groups, weights=table.column("value").to_numpy().astype(np.float64),
                         minlength=group_count)[pick]
    counts = table.column("records").to_numpy().astype(np.float64) if of_cells else None
    records = np.bincount(groups, weights=counts, minlength=group_count).astype(np.int64)[pick]
    first_day = np.full(group_count, np.iinfo(np.int64).max)
    np.minimum.at(first_day, groups, _day_numbers(table, "first_date") if of_cells else days)
    last_day = np.full(group_count, np.iinfo(np.int64).min)
    np.maximum.at(last_day, groups, _day_numbers(table, "last_date") if of_cells else days)
    first_day, last_day = first_day[pick], last_day[pick]
    out: dict[str, pa.Array] = {}
    remainder = cell_keys
    for name in reversed(keys):
        remainder, code = np.divmod(remainder, radix[name])
        if name == "month":
            out[name] = _dates((code + first_month).view("datetime64[M]").astype("datetime64[D]").view(np.int64))
        else:  # missing is the dictionary's last entry, as in ``_arrow_table``
            out[name] = pa.DictionaryArray.from_arrays(pa.array(code.astype(np.int32)),
                                                       pa.array(sorted_values[name], type=pa.string()))
    out.update(value=pa.array(values), records=pa.array(records), first_date=_dates(first_day),
               last_date=_dates(last_day))
    return pa.table([out[f.name] for f in _CELL_FIELDS], names=[f.name for f in _CELL_FIELDS])


def _summed_cells(parts: Sequence[pa.Table]) -> pa.Table:
    """The cells of several cells tables (``_CELL_FIELDS``, e.g. a version's submissions'), summed again.

    Each part's text columns have a dictionary of their own, with missing as an entry, which Arrow
    cannot unify: they are decoded and encoded again over all the parts.
    """
    table = pa.concat_tables(parts)
    columns = [pc.dictionary_encode(column.cast(pa.string()), "encode") if pa.types.is_dictionary(column.type)
               else column for column in table.columns]
    return _table_cells(pa.table(columns, names=table.column_names))


# --- The store ---------------------------------------------------------------------------------

class Store:
    """The versioned store at a SQLAlchemy URL; creates its tables when they are missing."""

    def __init__(self, url: str, timeout: int | None = None) -> None:
        """Open the store at ``url``; a database server gets ``timeout`` seconds to accept the
        connection (default: the ``store_timeout`` setting)."""
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
        # Test seam: called with the number of rows written so far after each batch of a publish.
        self._after_chunk: Callable[[int], None] | None = None
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
        # Opening an existing store only reads, so the dashboard can open one while a publish holds the lock.
        with self._read() as conn:
            if self._schema_is_current(conn):
                return
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7305120419)"))  # one creator at a time
            metadata.create_all(conn, checkfirst=True)
            found = conn.execute(sa.select(sa.func.max(schema_version_table.c.version))).scalar()
            if found is None:
                conn.execute(schema_version_table.insert().values(version=SCHEMA_VERSION))
            elif found in (1, 2):
                # create_all above added the blob tables; older activities stay SQL rows and are read
                # as such, and their versions' cells are computed from them when first read.
                conn.execute(schema_version_table.update().values(version=SCHEMA_VERSION))
            elif found != SCHEMA_VERSION:
                raise StoreError(
                    f"The store at {without_password(self.url)} has schema version {found}, this code expects "
                    f"{SCHEMA_VERSION}; update the code (or the store) so that both agree.")
            if conn.execute(sa.select(active_version_table.c.id)).first() is None:
                conn.execute(active_version_table.insert().values(id=1, version_id=None))

    def _schema_is_current(self, conn: Connection) -> bool:
        inspector = sa.inspect(conn)
        if not all(inspector.has_table(table.name) for table in metadata.sorted_tables):
            return False
        found = conn.execute(sa.select(sa.func.max(schema_version_table.c.version))).scalar()
        return found == SCHEMA_VERSION and conn.execute(sa.select(active_version_table.c.id)).first() is not None

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
                f"({_first_line(error, self.url)}).{waited} Start the database server or check the file, or point "
                f"DASHBOARD_STORE_URL (or --store) at a reachable store (now {without_password(self.url)}).") from None
        except (sa.exc.DBAPIError, self._engine.dialect.loaded_dbapi.Error) as error:  # the latter from COPY
            raise StoreError(
                f"Cannot {action}: the store at {without_password(self.url)} answered: {_first_line(error, self.url)}. "
                "Check that the data is canonical (ingest validates it) and that DASHBOARD_STORE_URL (or --store) "
                "points at the dashboard's store.") from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any exception."""
        with self._engine.connect() as conn:
            conn.execution_options(store_write=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read transaction (one snapshot on SQLite)."""
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Store({without_password(self.url)!r})"

    # -- reading versions ------------------------------------------------------------------------

    @staticmethod
    def _active_id(conn: Connection, *, lock: bool = False) -> int | None:
        query = sa.select(active_version_table.c.version_id).where(active_version_table.c.id == 1)
        if lock:  # PostgreSQL: serialises writers; SQLite's BEGIN IMMEDIATE already did
            query = query.with_for_update()
        return conn.execute(query).scalar()

    @staticmethod
    def _submission_infos(conn: Connection, version_ids: Sequence[int] | None) -> dict[int, list[SubmissionInfo]]:
        s, vs = submissions_table, version_submissions_table
        query = (sa.select(vs.c.version_id, s).join(s, s.c.id == vs.c.submission_id)
                 .order_by(vs.c.version_id, s.c.id))
        if version_ids is not None:
            query = query.where(vs.c.version_id.in_(version_ids))
        by_version: dict[int, list[SubmissionInfo]] = {}
        for row in conn.execute(query).mappings():
            by_version.setdefault(row["version_id"], []).append(_submission_info(row))
        return by_version

    def _version_infos(self, conn: Connection, version_ids: Sequence[int] | None) -> list[VersionInfo]:
        v = versions_table
        query = sa.select(v).order_by(v.c.id.desc())
        if version_ids is not None:
            query = query.where(v.c.id.in_(version_ids))
        active_id = self._active_id(conn)
        submissions = self._submission_infos(conn, version_ids)
        return [
            VersionInfo(id=row["id"], created_at=row["created_at"], created_by=row["created_by"],
                        is_demo=bool(row["is_demo"]), note=row["note"], parent_id=row["parent_id"],
                        active=row["id"] == active_id, submissions=tuple(submissions.get(row["id"], ())))
            for row in conn.execute(query).mappings()
        ]

    def _version_in(self, conn: Connection, version_id: int) -> VersionInfo:
        found = self._version_infos(conn, [version_id])
        if not found:
            recent = conn.execute(sa.select(versions_table.c.id).order_by(versions_table.c.id.desc())
                                  .limit(10)).scalars().all()
            known = (f"recent versions: {', '.join(f'v{i}' for i in recent)}" if recent
                     else "the store has no versions yet (publish a file first)")
            raise StoreError(f"No version {version_id!r} in the store at {without_password(self.url)}; {known}.")
        return found[0]

    def _version_or_active(self, conn: Connection, version_id: int | None) -> VersionInfo | None:
        """Version ``version_id``, or the active one (``None`` if there is none) when ``version_id`` is None."""
        if version_id is not None:
            return self._version_in(conn, version_id)
        active_id = self._active_id(conn)
        return None if active_id is None else self._version_in(conn, active_id)

    def active_version(self) -> VersionInfo | None:
        """The version the dashboard shows, or ``None`` before the first publish."""
        with self._errors("read the active version"), self._read() as conn:
            return self._version_or_active(conn, None)

    def versions(self) -> list[VersionInfo]:
        """Every version, newest first."""
        with self._errors("list the versions"), self._read() as conn:
            return self._version_infos(conn, None)

    def version(self, version_id: int) -> VersionInfo:
        """Version ``version_id``; ``StoreError`` listing recent ids when there is none."""
        with self._errors(f"read version {version_id}"), self._read() as conn:
            return self._version_in(conn, version_id)

    # -- writing versions ------------------------------------------------------------------------

    def _new_version(self, conn: Connection, submission_ids: Sequence[int], *, created_by: str, is_demo: bool,
                     note: str, parent_id: int | None) -> VersionInfo:
        """Insert a version holding ``submission_ids`` and make it the active one (same transaction)."""
        version_id = conn.execute(versions_table.insert().values(
            created_at=datetime.now(UTC), created_by=created_by, is_demo=is_demo, note=note,
            parent_id=parent_id)).inserted_primary_key[0]
        if submission_ids:
            conn.execute(version_submissions_table.insert(),
                         [{"version_id": version_id, "submission_id": i} for i in sorted(set(submission_ids))])
        conn.execute(active_version_table.update().where(active_version_table.c.id == 1)
                     .values(version_id=version_id))
        version = self._version_in(conn, version_id)
        self._fill_version_cells(conn, version)
        return version

    # -- monthly cells ---------------------------------------------------------------------------

    def _make_submission_cells(self, conn: Connection, submission_ids: Sequence[int]) -> None:
        """Make (and keep) the cells of those of ``submission_ids`` that have none: submissions stored
        before the cell blobs existed (schema 1 and 2), summed from their records."""
        cells = submission_cells_table
        found = set(conn.execute(sa.select(cells.c.submission_id)
                                 .where(cells.c.submission_id.in_(submission_ids))).scalars())
        for submission_id in submission_ids:
            if submission_id not in found:
                records = self._read_records(conn, KIND_ACTIVITIES, [submission_id])
                self._insert_cells(conn, cells, submission_id, _table_cells(_arrow_table(_CELL_SOURCE_FIELDS, records)))

    @staticmethod
    def _insert_cells(conn: Connection, table: sa.Table, owner_id: int, cells: pa.Table) -> None:
        owner = table.primary_key.columns.values()[0].name
        conn.execute(table.insert().values({owner: owner_id, "row_count": cells.num_rows, "data": _ipc_blob(cells)}))

    def _fill_version_cells(self, conn: Connection, version: VersionInfo) -> None:
        """The version's cells: its activities submissions' cells, summed (same transaction)."""
        ids = _activity_submission_ids(version)
        if not ids:
            return
        self._make_submission_cells(conn, ids)
        cells = submission_cells_table
        if len(ids) == 1:  # one submission's cells are already the version's: copied inside the database
            copy = (sa.select(sa.literal(version.id), cells.c.row_count, cells.c.data)
                    .where(cells.c.submission_id == ids[0]))
            conn.execute(version_cells_table.insert().from_select(["version_id", "row_count", "data"], copy))
            return
        blobs = conn.execute(sa.select(cells.c.data).where(cells.c.submission_id.in_(ids))
                             .order_by(cells.c.submission_id)).scalars()
        self._insert_cells(conn, version_cells_table, version.id, _summed_cells([_blob_table(data) for data in blobs]))

    @staticmethod
    def _version_cells_blob(conn: Connection, version_id: int) -> bytes | None:
        """The version's cells blob, ``None`` when it has none (yet)."""
        cells = version_cells_table
        return conn.execute(sa.select(cells.c.data).where(cells.c.version_id == version_id)).scalar()

    def activity_cells(self, version_id: int | None = None) -> pd.DataFrame:
        """A version's activities summed per monthly cell (the active version when ``None``).

        Columns ``CELL_COLUMNS``: the activity columns with ``date`` the first day of the month,
        ``value`` the cell's sum, ``notes`` empty and ``source_row`` 0, plus ``records``, the number
        of records summed, and ``first_date``/``last_date``, the earliest and latest record's date.
        Every sum by district, indicator, month, quarter, year or the whole period, and by sex, age
        group or disability, equals the same sum over the raw records. Versions made before the
        cell blobs existed get theirs computed (and kept) on first read.
        """
        with self._errors("read the activity cells"):
            with self._read() as conn:
                version = self._version_or_active(conn, version_id)
                data = None if version is None else self._version_cells_blob(conn, version.id)
            if data is None and version is not None and _activity_submission_ids(version):
                with self._write() as conn:
                    data = self._version_cells_blob(conn, version.id)  # another process may have made them
                    if data is None:
                        self._fill_version_cells(conn, version)
                        data = self._version_cells_blob(conn, version.id)
        return _cells_frame(_no_cells() if data is None else _blob_table(data))

    def _fetch_chunks(self, conn: Connection, query: sa.Select, kinds: Sequence[str]) -> list[list]:
        """Each column's fetched batches (``_column_chunk`` arrays) of ``query``'s result."""
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        dbapi_connection = conn.connection.dbapi_connection
        # A server-side cursor on PostgreSQL streams the rows instead of buffering the whole result.
        cursor = (dbapi_connection.cursor(name=f"store_{uuid.uuid4().hex}") if self._uses_copy
                  else dbapi_connection.cursor())
        chunks: list[list] = [[] for _kind in kinds]
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(_CHUNK_ROWS * 2):
                batch = np.array(rows, dtype=object)  # rows × columns, transposed in C
                for index, (field_kind, parts) in enumerate(zip(kinds, chunks)):
                    parts.append(_column_chunk(field_kind, batch[:, index]))
        finally:
            cursor.close()
        return chunks

    def publish(self, submissions: Sequence[SubmissionInput], *, created_by: str, note: str = "",
                replacing: Sequence[int] = ()) -> PublishResult:
        """Store the files and activate a new version: the active version's submissions plus these.

        A file already in the active version (same SHA-256 and kind) is not stored again and is
        listed in ``duplicates``; when every file is a duplicate no version is made. Demo data
        published over real data (or real over demo) starts a version from empty. All files of
        one call must share ``is_demo``. ``replacing``: ids of active submissions the files replace,
        left out of the new version in the same transaction (a withdraw and a publish in one step).
        """
        submissions = list(submissions)
        if not submissions:
            raise StoreError("Nothing to publish: give at least one file.")
        for item in submissions:
            if item.kind not in KINDS:
                raise StoreError(f"{item.file_name!r} has kind {item.kind!r}; kinds are {', '.join(KINDS)}.")
            if not item.sha256:
                raise StoreError(f"{item.file_name!r} has no SHA-256; compute it from the file's bytes.")
        demo_flags = {bool(item.is_demo) for item in submissions}
        if len(demo_flags) > 1:
            demo = ", ".join(i.file_name for i in submissions if i.is_demo)
            real = ", ".join(i.file_name for i in submissions if not i.is_demo)
            raise StoreError(f"Demo files ({demo}) and real files ({real}) cannot be published together: "
                             "demo and real data never share a version. Publish them separately.")
        is_demo = demo_flags.pop()
        frames = [_coerce_frame(item) for item in submissions]

        with self._errors("publish"), self._write() as conn:
            active_id = self._active_id(conn, lock=True)
            base: list[SubmissionInfo] = []
            if active_id is not None:
                active = self._version_in(conn, active_id)
                if active.is_demo == is_demo:  # demo over real (or real over demo) starts from empty
                    base = list(active.submissions)
            unknown = set(replacing) - {s.id for s in base}
            if unknown:
                raise StoreError(f"Submission(s) {', '.join(map(str, sorted(unknown)))} to replace are not in the "
                                 f"active version v{active_id} (it may have changed meanwhile); reload and try again.")
            base = [s for s in base if s.id not in set(replacing)]
            seen = {(s.sha256, s.kind) for s in base}
            added: list[SubmissionInfo] = []
            duplicates: list[str] = []
            for item, frame in zip(submissions, frames):
                if (item.sha256, item.kind) in seen:
                    duplicates.append(item.file_name)
                    continue
                seen.add((item.sha256, item.kind))
                added.append(self._insert_submission(conn, item, frame))
            if not added and not replacing:
                return PublishResult(version=None, added=(), duplicates=tuple(duplicates))
            version = self._new_version(conn, [s.id for s in base + added], created_by=created_by,
                                        is_demo=is_demo, note=note, parent_id=active_id)
            return PublishResult(version=version, added=tuple(added), duplicates=tuple(duplicates))

    def _insert_submission(self, conn: Connection, item: SubmissionInput, frame: pd.DataFrame) -> SubmissionInfo:
        uploaded_at = datetime.now(UTC)
        values = dict(file_name=item.file_name, sha256=item.sha256, kind=item.kind, is_demo=bool(item.is_demo),
                      uploaded_by=item.uploaded_by, uploaded_at=uploaded_at, row_count=len(frame))
        submission_id = conn.execute(submissions_table.insert().values(**values)).inserted_primary_key[0]
        self._insert_rows(conn, item.kind, frame, submission_id)
        return SubmissionInfo(id=submission_id, **values)

    def _insert_rows(self, conn: Connection, kind: str, frame: pd.DataFrame, submission_id: int) -> None:
        if kind != KIND_ACTIVITIES:
            self._insert_frame(conn, record_tables[kind], _FIELDS[kind], frame, "submission_id", submission_id,
                               progress=True)
            return
        table = _arrow_table(_FIELDS[kind], frame)
        chunks = [table.slice(start, _BLOB_PART_ROWS) for start in range(0, len(frame), _BLOB_PART_ROWS)]
        # The parts are compressed in a second thread while this one sums the cells (both let go of the GIL).
        with ThreadPoolExecutor(max_workers=1) as pool:
            blobs = pool.map(_ipc_blob, chunks)
            cells = _table_cells(table)
            written = 0
            for part, (chunk, data) in enumerate(zip(chunks, blobs)):
                conn.execute(activity_blobs_table.insert().values(
                    submission_id=submission_id, part=part, row_count=chunk.num_rows, data=data))
                written += chunk.num_rows
                if self._after_chunk is not None:
                    self._after_chunk(written)
        self._insert_cells(conn, submission_cells_table, submission_id, cells)

    def _insert_frame(self, conn: Connection, table: sa.Table, fields: Sequence[_Field], frame: pd.DataFrame,
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
            many_sql = head + ", ".join([row] * _ROWS_PER_STATEMENT)
        else:
            insert = table.insert()
        for start in range(0, len(frame), _CHUNK_ROWS):
            chunk = frame.iloc[start:start + _CHUNK_ROWS]
            columns = _column_values(fields, chunk)
            if self._uses_copy:
                with cursor.copy(copy_sql) as copy:
                    for values in zip([owner_id] * len(chunk), *columns):
                        copy.write_row(values)
            elif self._is_sqlite:
                batches, rest = _sqlite_batches(columns, len(chunk))
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
            if progress and self._after_chunk is not None:
                self._after_chunk(start + len(chunk))

    def rollback(self, version_id: int, *, created_by: str) -> VersionInfo:
        """Make a new active version with the submissions of version ``version_id`` (history stays)."""
        with self._errors(f"roll back to version {version_id}"), self._write() as conn:
            active_id = self._active_id(conn, lock=True)
            target = self._version_in(conn, version_id)
            if version_id == active_id:
                raise StoreError(f"Version v{version_id} is already the active version; nothing to roll back.")
            return self._new_version(conn, [s.id for s in target.submissions], created_by=created_by,
                                     is_demo=target.is_demo, note=ROLLBACK_NOTE.format(version=version_id),
                                     parent_id=active_id)

    def withdraw(self, submission_id: int, *, created_by: str) -> VersionInfo:
        """Make a new active version without submission ``submission_id`` (its rows stay in history)."""
        with self._errors(f"withdraw submission {submission_id}"), self._write() as conn:
            active_id = self._active_id(conn, lock=True)
            if active_id is None:
                raise StoreError("Nothing to withdraw: the store has no active version yet.")
            active = self._version_in(conn, active_id)
            kept = [s for s in active.submissions if s.id != submission_id]
            if len(kept) == len(active.submissions):
                listed = "; ".join(f"{s.id} ({s.file_name})" for s in active.submissions) or "none"
                raise StoreError(f"Submission {submission_id!r} is not in the active version v{active_id}; "
                                 f"its submissions are: {listed}.")
            withdrawn = next(s for s in active.submissions if s.id == submission_id)
            return self._new_version(conn, [s.id for s in kept], created_by=created_by, is_demo=active.is_demo,
                                     note=WITHDRAW_NOTE.format(submission=submission_id, file=withdrawn.file_name),
                                     parent_id=active_id)

    # -- sign-in lockout --------------------------------------------------------------------------

    def claim_sign_in_attempt(self, keys: Sequence[str], now: float, *, max_failures: int,
                              lockout_seconds: float) -> float:
        """Count one sign-in attempt against every key, unless one of them is locked; returns 0 when
        the attempt may go ahead (and was counted), else the seconds to wait (nothing counted).

        A key is locked once it holds ``max_failures`` attempts, until ``lockout_seconds`` after its
        last one; each attempt after that locks it again, until ``clear_sign_in_failures``. The check
        and the count are one write transaction, so parallel attempts cannot all see a free key.
        """
        t = sign_in_failures_table
        with self._errors("check the sign-in lockout"), self._write() as conn:
            if conn.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises writers
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7305120420)"))
            conn.execute(t.delete().where(t.c.last_attempt < now - _SIGN_IN_MEMORY_SECONDS))
            held = {row.key: row for row in conn.execute(sa.select(t).where(t.c.key.in_(list(keys))))}
            wait = max((row.last_attempt + lockout_seconds - now for row in held.values()
                        if row.failures >= max_failures), default=0.0)
            if wait > 0:
                return wait
            for key in dict.fromkeys(keys):
                if key in held:
                    conn.execute(t.update().where(t.c.key == key)
                                 .values(failures=t.c.failures + 1, last_attempt=now))
                else:
                    conn.execute(t.insert().values(key=key, failures=1, last_attempt=now))
        return 0.0

    def clear_sign_in_failures(self, keys: Sequence[str]) -> None:
        """Forget the attempts counted against ``keys`` (after a successful sign-in)."""
        t = sign_in_failures_table
        with self._errors("reset the sign-in lockout"), self._write() as conn:
            conn.execute(t.delete().where(t.c.key.in_(list(keys))))

    # -- reading rows ----------------------------------------------------------------------------

    def _records(self, kind: str, version_id: int | None) -> pd.DataFrame:
        with self._errors(f"read {kind}"), self._read() as conn:
            if version_id is None:
                version_id = self._active_id(conn)
                if version_id is None:
                    return empty_frame(kind)
            elif conn.execute(sa.select(versions_table.c.id).where(versions_table.c.id == version_id)).first() \
                    is None:
                self._version_in(conn, version_id)  # raises, listing the recent versions
            vs = version_submissions_table
            ids = conn.execute(sa.select(vs.c.submission_id).where(vs.c.version_id == int(version_id))
                               .order_by(vs.c.submission_id)).scalars().all()
            return self._read_records(conn, kind, ids)

    def _read_records(self, conn: Connection, kind: str, submission_ids: Sequence[int]) -> pd.DataFrame:
        """The records of ``submission_ids`` (``kind``'s columns and ``submission_id``), by submission."""
        if not submission_ids:
            return empty_frame(kind)
        table = record_tables[kind]
        query = (sa.select(*(table.c[f.name] for f in _FIELDS[kind]), table.c.submission_id)
                 .where(table.c.submission_id.in_(submission_ids))
                 .order_by(table.c.submission_id, table.c.id))
        chunks = self._fetch_chunks(conn, query, _read_kinds(kind))
        has_rows, has_blobs = bool(chunks[0]), False
        if kind == KIND_ACTIVITIES:
            blobs = activity_blobs_table
            parts = conn.execute(sa.select(blobs.c.submission_id, blobs.c.row_count, blobs.c.data)
                                 .where(blobs.c.submission_id.in_(submission_ids))
                                 .order_by(blobs.c.submission_id, blobs.c.part))
            for submission_id, rows, data in parts:
                has_blobs = True
                for column, chunk in zip(chunks, _blob_chunks(_FIELDS[kind], data)):
                    column.append(chunk)
                chunks[-1].append(np.full(rows, submission_id, dtype=np.int64))
        if not chunks[0]:
            return empty_frame(kind)
        frame = _frame_from_chunks(kind, chunks)
        if has_rows and has_blobs:  # a version with rows stored before schema 3 and blobs after
            frame = frame.sort_values("submission_id", kind="stable", ignore_index=True)
        return frame

    def activities(self, version_id: int | None = None) -> pd.DataFrame:
        """Activity rows of a version (the active one when ``None``): ``ACTIVITY_COLUMNS + submission_id``."""
        return self._records(KIND_ACTIVITIES, version_id)

    def targets(self, version_id: int | None = None) -> pd.DataFrame:
        """Target rows of a version (the active one when ``None``): ``TARGET_COLUMNS + submission_id``."""
        return self._records(KIND_TARGETS, version_id)

    def funding(self, version_id: int | None = None) -> pd.DataFrame:
        """Funding rows of a version (the active one when ``None``): ``FUNDING_COLUMNS + submission_id``."""
        return self._records(KIND_FUNDING, version_id)


def _submission_info(row) -> SubmissionInfo:
    return SubmissionInfo(id=row["id"], file_name=row["file_name"], sha256=row["sha256"], kind=row["kind"],
                          is_demo=bool(row["is_demo"]), uploaded_by=row["uploaded_by"],
                          uploaded_at=row["uploaded_at"], row_count=row["row_count"])


def _activity_submission_ids(version: VersionInfo) -> list[int]:
    """Ids of the version's activities submissions that have records, in order."""
    return sorted(s.id for s in version.submissions if s.kind == KIND_ACTIVITIES and s.row_count)


def _cells_frame(cells: pa.Table) -> pd.DataFrame:
    """``CELL_COLUMNS`` from a cells table: ``month`` as ``date``, ``notes`` empty and ``source_row`` 0."""
    data: dict[str, object] = {}
    for field, chunk in zip(_CELL_FIELDS, _table_chunks(_CELL_FIELDS, cells)):
        data["date" if field.name == "month" else field.name] = (
            pd.Series(chunk, dtype=_STR_DTYPE) if field.kind == _TEXT else chunk)
    data["notes"] = pd.Series(pa.nulls(cells.num_rows, type=pa.string()), dtype=_STR_DTYPE)
    data["source_row"] = np.zeros(cells.num_rows, dtype=np.int64)
    return pd.DataFrame(data, copy=False)[CELL_COLUMNS]
