"""How records and cells are encoded: pandas frames to the values a database binds and back, and to
Arrow IPC blobs (zstd) and back, with the dtypes the pandera schemas coerce to."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from data_pipeline.reference.schemas import DATE, FLOAT, INT, TEXT
from data_pipeline.store.errors import StoreError
from data_pipeline.store.model import SubmissionInput
from data_pipeline.store.tables import CELL_COLUMNS, CELL_FIELDS, FIELDS, Field

ROWS_PER_STATEMENT = 100
"""Rows per multi-row ``INSERT … VALUES`` on SQLite: halves the per-row cost of one-row statements."""


def empty_frame(kind: str) -> pd.DataFrame:
    """An empty table of ``kind`` with the canonical columns, ``submission_id`` and the store's dtypes."""
    return frame_from_chunks(kind, [[column_chunk(kind_, ())] for kind_ in read_kinds(kind)])


_STR_DTYPE = pd.StringDtype(na_value=np.nan)
"""pandas' default ``str`` dtype, the one pandera's ``str`` columns coerce to (missing = NaN)."""


def read_kinds(kind: str) -> list[str]:
    return [f.kind for f in FIELDS[kind]] + [INT]  # the last column is submission_id


def column_chunk(field_kind: str, values: Sequence) -> np.ndarray | pa.Array:
    """One fetched batch of a column, as the DBAPI returns it, converted to an array."""
    if field_kind == DATE:  # ISO text on SQLite, ``datetime.date`` on PostgreSQL
        return np.asarray(values).astype("datetime64[D]").astype("datetime64[ns]")
    if field_kind == FLOAT:
        return np.asarray(values).astype(np.float64)  # None becomes NaN
    if field_kind == INT:
        return np.asarray(values).astype(np.int64)
    return pa.array(values, type=pa.string())  # far faster than building pandas strings from objects


def frame_from_chunks(kind: str, chunks: Sequence[Sequence[np.ndarray | pa.Array]]) -> pd.DataFrame:
    """The typed frame of ``kind`` (plus ``submission_id``) from each column's fetched batches."""
    names = [f.name for f in FIELDS[kind]] + ["submission_id"]
    data: dict[str, object] = {}
    for name, field_kind, parts in zip(names, read_kinds(kind), chunks):
        if field_kind == TEXT:
            data[name] = pd.Series(pa.chunked_array(parts, type=pa.string()), dtype=_STR_DTYPE)
        else:
            data[name] = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return pd.DataFrame(data, copy=False)


def coerce_frame(submission: SubmissionInput) -> pd.DataFrame:
    """The submission's canonical columns, checked and typed for writing; ``StoreError`` otherwise."""
    fields = FIELDS[submission.kind]
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
            if field.kind == DATE and not pd.api.types.is_datetime64_any_dtype(column):
                column = pd.to_datetime(column, format="ISO8601")
            elif field.kind in (FLOAT, INT):
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


def _python_values(field: Field, series: pd.Series) -> list:
    """A column as the Python values the DBAPI binds (ISO text for dates; NaN/NaT become ``None``).

    Text and dates hold few distinct values, so each distinct value is converted once and the
    rows pick theirs by code: converting row by row costs more than the insert itself.
    """
    if field.kind == FLOAT:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
        return [None if v != v else v for v in values] if field.nullable else values  # v != v: NaN
    if field.kind == INT:
        return series.to_numpy(dtype=np.int64).tolist()
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if field.kind == DATE:
        days = np.asarray(uniques, dtype="datetime64[ns]").astype("datetime64[D]")
        converted = [None if d != d else str(d) for d in days]  # NaT != NaT
    else:
        converted = [None if v is None or v != v else (v if isinstance(v, str) else str(v)) for v in uniques]
    lookup = np.empty(len(converted) + 1, dtype=object)
    lookup[:len(converted)] = converted  # the last slot (code -1, missing) stays None
    return lookup[codes].tolist()


def column_values(fields: Sequence[Field], chunk: pd.DataFrame) -> list[list]:
    return [_python_values(field, chunk[field.name]) for field in fields]


def sqlite_batches(columns: list[list], rows: int) -> tuple[list[list], list]:
    """Parameters for multi-row statements of ``ROWS_PER_STATEMENT`` rows, and those of the rest."""
    width = len(columns)
    flat: list = [None] * (rows * width)
    for index, values in enumerate(columns):
        flat[index::width] = values  # row-major: row 0's values, then row 1's, …
    step = ROWS_PER_STATEMENT * width
    full = rows - rows % ROWS_PER_STATEMENT
    return [flat[i:i + step] for i in range(0, full * width, step)], flat[full * width:]


def arrow_table(fields: Sequence[Field], frame: pd.DataFrame) -> pa.Table:
    """``frame``'s ``fields`` as an Arrow table: dates as days, text dictionary-encoded (a column of
    millions of rows holds few distinct values) with missing text as a null dictionary entry, missing
    numbers as nulls."""
    arrays = []
    for field in fields:
        column = frame[field.name]
        if field.kind == DATE:
            days = column.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
            arrays.append(pa.array(days, type=pa.date32()))
        elif field.kind == FLOAT:
            arrays.append(pa.array(column.to_numpy(dtype=np.float64, na_value=np.nan), from_pandas=True))
        elif field.kind == INT:
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


def ipc_blob(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC file, zstd-compressed (written and read several times faster than Parquet)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def blob_table(data: bytes) -> pa.Table:
    """The table of an ``ipc_blob``."""
    return pa.ipc.open_file(pa.BufferReader(data)).read_all()


def blob_chunks(fields: Sequence[Field], data: bytes) -> list[np.ndarray | pa.Array]:
    """Each field's column of an ``ipc_blob``, as the arrays ``frame_from_chunks`` takes."""
    return table_chunks(fields, blob_table(data))


def table_chunks(fields: Sequence[Field], table: pa.Table) -> list[np.ndarray | pa.Array]:
    """Each field's column of an ``arrow_table``, as the arrays ``frame_from_chunks`` takes."""
    chunks: list[np.ndarray | pa.Array] = []
    for field in fields:
        column = table.column(field.name)
        if field.kind == TEXT:
            chunks.append(column.combine_chunks().cast(pa.string()))
        elif field.kind == DATE:
            chunks.append(column.to_numpy().astype("datetime64[ns]"))
        elif field.kind == FLOAT:
            chunks.append(column.to_numpy().astype(np.float64))  # null becomes NaN
        else:
            chunks.append(column.to_numpy().astype(np.int64))
    return chunks


def cells_frame(cells: pa.Table) -> pd.DataFrame:
    """``CELL_COLUMNS`` from a cells table: ``month`` as ``date``, ``notes`` empty and ``source_row`` 0."""
    data: dict[str, object] = {}
    for field, chunk in zip(CELL_FIELDS, table_chunks(CELL_FIELDS, cells)):
        data["date" if field.name == "month" else field.name] = (
            pd.Series(chunk, dtype=_STR_DTYPE) if field.kind == TEXT else chunk)
    data["notes"] = pd.Series(pa.nulls(cells.num_rows, type=pa.string()), dtype=_STR_DTYPE)
    data["source_row"] = np.zeros(cells.num_rows, dtype=np.int64)
    return pd.DataFrame(data, copy=False)[CELL_COLUMNS]
