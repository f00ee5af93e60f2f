"""Activity records made ready for the store batch by batch, so that a file of any size is published with
the memory of one batch: each batch is encoded as the blob part the store keeps (``encoding.arrow_table``,
``encoding.ipc_blob``: Arrow IPC, zstd), which waits in a temporary file, and summed into monthly cells
(``CellSums``: one int64 key per cell and its sums, the batch's cells added to those held).

``RecordParts`` is what ``ingest.stream.stream_table`` hands its batches to (``add``, ``reset``) and what
``SubmissionInput.parts`` gives ``Store.publish`` instead of a frame. The cells are the ones the whole file's
frame gives (values are whole numbers below 2⁵³, so sums do not depend on the order they are added in;
``tests/data_pipeline/store/test_parts.py`` holds it for any batch size).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa

from data_pipeline.reference.schemas import KIND_ACTIVITIES, TEXT
from data_pipeline.store.cells import (date_array, day_numbers, group_sums, month_array, month_numbers, no_cells,
                                       table_cells)
from data_pipeline.store.encoding import _STR_DTYPE, arrow_table, blob_table, coerce_frame, ipc_blob, table_chunks
from data_pipeline.store.model import SubmissionInput
from data_pipeline.store.tables import CELL_FIELDS, CELL_KEYS, FIELDS


class RecordParts:
    """One activities file's records as blob parts (one per batch added) and its monthly cells."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.row_count = 0
        self._spill = tempfile.TemporaryFile(prefix="records-")
        self._parts: list[tuple[int, int, int]] = []  # (offset, bytes, rows) in the spill file
        self._cells = CellSums()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="record-parts")
        self._writing: Future | None = None

    def add(self, frame: pd.DataFrame) -> None:
        """One batch of canonical activity records (checked, typed as ``Store.publish`` checks a frame)."""
        frame = coerce_frame(SubmissionInput(self.file_name, "-", KIND_ACTIVITIES, frame, is_demo=False))
        table = arrow_table(FIELDS[KIND_ACTIVITIES], frame)
        self._wait()
        # Compressed and written in a second thread while this one sums the cells and reads on (both let go
        # of the GIL); one batch at a time, so at most two batches are held.
        self._writing = self._pool.submit(self._write, table)
        self._cells.add(table)
        self.row_count += table.num_rows

    def reset(self) -> None:
        """Forget every batch (the file is read again from its start)."""
        self._wait()
        self._spill.seek(0)
        self._spill.truncate()
        self._parts.clear()
        self._cells, self.row_count = CellSums(), 0

    def parts(self) -> Iterator[tuple[int, bytes]]:
        """Each part's rows and blob, in order, one at a time."""
        self._wait()
        for offset, size, rows in self._parts:
            self._spill.seek(offset)
            yield rows, self._spill.read(size)

    def cells(self) -> pa.Table:
        """The file's monthly cells (``CELL_FIELDS``, as stored)."""
        return self._cells.table()

    def frames(self) -> Iterator[pd.DataFrame]:
        """The records, a part at a time, as frames of the activity columns (text as ``str``)."""
        fields = FIELDS[KIND_ACTIVITIES]
        for _rows, data in self.parts():
            chunks = table_chunks(fields, blob_table(data))
            yield pd.DataFrame({f.name: pd.Series(c, dtype=_STR_DTYPE) if f.kind == TEXT else c
                                for f, c in zip(fields, chunks)}, copy=False)

    def close(self) -> None:
        self._wait()
        self._pool.shutdown()
        self._spill.close()

    def __enter__(self) -> RecordParts:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait(self) -> None:
        if self._writing is not None:
            writing, self._writing = self._writing, None
            writing.result()

    def _write(self, table: pa.Table) -> None:
        data = ipc_blob(table)
        offset = self._spill.seek(0, 2)
        self._spill.write(data)
        self._parts.append((offset, len(data), table.num_rows))



class CellSums:
    """Monthly cells summed batch by batch under one int64 key per cell: the cell's district, indicator,
    month and breakdowns packed from their codes (text numbered in the order first seen, the month counted
    from the earliest one), kept as sorted distinct keys beside their sums, so that memory is bounded by the
    distinct cells, not by the rows added."""

    def __init__(self) -> None:
        self._codes: dict[str, dict[str | None, int]] = {name: {} for name in CELL_KEYS if name != "month"}
        self._first_month: int | None = None
        self._widths = [0] * len(CELL_KEYS)
        self._keys = np.empty(0, dtype=np.int64)
        self._value = np.empty(0, dtype=np.float64)
        self._records = np.empty(0, dtype=np.int64)
        self._first_day = np.empty(0, dtype=np.int64)
        self._last_day = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, table: pa.Table) -> None:
        """Sum one batch of activity records (an ``encoding.arrow_table``: text dictionary-encoded, missing as
        a dictionary entry) into the cells."""
        if table.num_rows == 0:
            return
        days = day_numbers(table, "date")
        months = month_numbers(days)
        first_month = int(months.min())
        if self._first_month is not None:
            first_month = min(first_month, self._first_month)
        codes = []
        for name in CELL_KEYS:
            if name == "month":
                codes.append(months - first_month)
                continue
            column = table.column(name).combine_chunks()
            known = self._codes[name]
            numbers = np.array([known.setdefault(v, len(known)) for v in column.dictionary.to_pylist()],
                               dtype=np.int64)
            codes.append(numbers[column.indices.to_numpy(zero_copy_only=False)])
        sizes = [len(self._codes[name]) if name != "month" else int(months.max()) - first_month + 1
                 for name in CELL_KEYS]
        if self._first_month is not None:
            sizes[_MONTH] = max(sizes[_MONTH], self._first_month - first_month + (1 << self._widths[_MONTH]))
        widths = [max(new, old) for new, old in zip(key_widths(sizes), self._widths)]
        if widths != self._widths or first_month != self._first_month:
            self._repack(widths, first_month)
        keys = _packed(codes, widths)
        del codes
        rows, distinct = pd.factorize(keys)  # hashing beats sorting every row; only the distinct keys are sorted
        order = np.argsort(distinct)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        rows = rank[rows]
        self._merge(distinct[order], *group_sums(rows, len(distinct), table.column("value").to_numpy(), days, days))

    def table(self) -> pa.Table:
        """The cells (``CELL_FIELDS``, as stored: sorted, dictionaries in sorted order)."""
        if not len(self._keys):
            return no_cells()
        columns: dict[str, pa.Array] = {}
        for name, code in zip(CELL_KEYS, _unpacked(self._keys, self._widths)):
            if name == "month":
                columns[name] = month_array(code + self._first_month)
            else:
                columns[name] = pa.DictionaryArray.from_arrays(pa.array(code.astype(np.int32)),
                                                               pa.array(list(self._codes[name]), type=pa.string()))
        columns.update(value=pa.array(self._value), records=pa.array(self._records),
                       first_date=date_array(self._first_day), last_date=date_array(self._last_day))
        # Summed again only to be sorted and numbered as ``table_cells`` does (each key is one cell already).
        return table_cells(pa.table([columns[f.name] for f in CELL_FIELDS], names=[f.name for f in CELL_FIELDS]))

    def _repack(self, widths: list[int], first_month: int) -> None:
        """The held keys packed again with wider codes or an earlier first month (their order is kept)."""
        if len(self._keys):
            codes = _unpacked(self._keys, self._widths)
            codes[_MONTH] += self._first_month - first_month
            self._keys = _packed(codes, widths)
        self._widths, self._first_month = widths, first_month

    def _merge(self, keys: np.ndarray, value: np.ndarray, records: np.ndarray, first_day: np.ndarray,
               last_day: np.ndarray) -> None:
        """Add one batch's distinct cells (sorted by key): those held are summed in place, new ones inserted
        in key order."""
        at = np.searchsorted(self._keys, keys)  # sorted needles: one pass through the held keys
        held = at < len(self._keys)
        held[held] = self._keys[at[held]] == keys[held]
        where = at[held]
        self._value[where] += value[held]
        self._records[where] += records[held]
        self._first_day[where] = np.minimum(self._first_day[where], first_day[held])  # no repeats in ``where``
        self._last_day[where] = np.maximum(self._last_day[where], last_day[held])
        new = ~held
        if new.any():
            at = at[new]
            self._keys = np.insert(self._keys, at, keys[new])
            self._value = np.insert(self._value, at, value[new])
            self._records = np.insert(self._records, at, records[new])
            self._first_day = np.insert(self._first_day, at, first_day[new])
            self._last_day = np.insert(self._last_day, at, last_day[new])


_MONTH = CELL_KEYS.index("month")
KEY_BITS = 63
"""Bits of a cell's packed key (an int64 that stays positive)."""


def key_widths(sizes: list[int]) -> list[int]:
    """The bits each of ``CELL_KEYS``' codes takes in a packed key, for ``sizes`` distinct codes each; a
    ``ValueError`` when they do not fit in ``KEY_BITS``."""
    widths = [max(int(size) - 1, 0).bit_length() for size in sizes]
    if sum(widths) > KEY_BITS:
        spans = ", ".join(f"{name} {size:,}" for name, size in zip(CELL_KEYS, sizes))
        raise ValueError(f"The monthly cells' keys need {sum(widths)} bits ({spans} distinct values); at most "
                         f"{KEY_BITS} fit in one key. Check the file's dates and names (so many distinct values "
                         "are a mistake), or split it into smaller files.")
    return widths


def _packed(codes: list[np.ndarray], widths: list[int]) -> np.ndarray:
    """One key per row: each code shifted in after the ones before it (the first code in the highest bits)."""
    keys = np.zeros(len(codes[0]), dtype=np.int64)
    for code, width in zip(codes, widths):  # in place: no temporary arrays of every row
        keys <<= width
        keys |= code
    return keys


def _unpacked(keys: np.ndarray, widths: list[int]) -> list[np.ndarray]:
    """``_packed``'s codes again."""
    codes, shift = [], 0
    for width in reversed(widths):
        codes.append((keys >> shift) & ((1 << width) - 1))
        shift += width
    return codes[::-1]
