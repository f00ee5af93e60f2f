"""Activity records made ready for the store batch by batch, so that a file of any size is published with
the memory of one batch: each batch is encoded as the blob part the store keeps (``encoding.arrow_table``,
``encoding.ipc_blob``: Arrow IPC, zstd), which waits in a temporary file, and summed into monthly cells
(``cells.table_cells``), which are summed again as they pile up.

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
from data_pipeline.store.cells import no_cells, table_cells
from data_pipeline.store.encoding import _STR_DTYPE, arrow_table, blob_table, coerce_frame, ipc_blob, table_chunks
from data_pipeline.store.model import SubmissionInput
from data_pipeline.store.tables import FIELDS

FOLD_CELLS = 250_000
"""The batches' cells are summed into one table when they add up to more rows than this and than twice the
table last summed: memory stays bounded by the distinct cells, not by the batches."""


class RecordParts:
    """One activities file's records as blob parts (one per batch added) and its monthly cells."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.row_count = 0
        self._spill = tempfile.TemporaryFile(prefix="records-")
        self._parts: list[tuple[int, int, int]] = []  # (offset, bytes, rows) in the spill file
        self._cells: list[pa.Table] = []
        self._cell_rows = self._folded_rows = 0
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
        cells = table_cells(table)
        self._cells.append(cells)
        self._cell_rows += cells.num_rows
        if self._cell_rows - self._folded_rows > FOLD_CELLS and len(self._cells) > 1:
            self._cells = [_summed(self._cells)]
            self._cell_rows = self._folded_rows = self._cells[0].num_rows
        self.row_count += table.num_rows

    def reset(self) -> None:
        """Forget every batch (the file is read again from its start)."""
        self._wait()
        self._spill.seek(0)
        self._spill.truncate()
        self._parts.clear()
        self._cells, self._cell_rows, self._folded_rows, self.row_count = [], 0, 0, 0

    def parts(self) -> Iterator[tuple[int, bytes]]:
        """Each part's rows and blob, in order, one at a time."""
        self._wait()
        for offset, size, rows in self._parts:
            self._spill.seek(offset)
            yield rows, self._spill.read(size)

    def cells(self) -> pa.Table:
        """The file's monthly cells (``CELL_FIELDS``, as stored)."""
        if not self._cells:
            return no_cells()
        if len(self._cells) > 1:
            self._cells = [_summed(self._cells)]
        return self._cells[0]

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


def _summed(parts: list[pa.Table]) -> pa.Table:
    """``cells.summed_cells`` of cells tables made by ``table_cells`` (text dictionary-encoded, missing as a
    dictionary entry), with their dictionaries merged by numbers instead of decoding every cell's text."""
    columns = []
    for index, name in enumerate(parts[0].column_names):
        chunks = [part.column(index).combine_chunks() for part in parts]
        if not pa.types.is_dictionary(chunks[0].type):
            columns.append(pa.concat_arrays(chunks))
            continue
        dictionaries = [chunk.dictionary.to_pylist() for chunk in chunks]
        values = sorted({v for d in dictionaries for v in d}, key=lambda v: (v is None, v or ""))
        position = {v: i for i, v in enumerate(values)}
        indices = [np.array([position[v] for v in d], dtype=np.int32)[chunk.indices.to_numpy(zero_copy_only=False)]
                   for d, chunk in zip(dictionaries, chunks)]
        columns.append(pa.DictionaryArray.from_arrays(pa.array(np.concatenate(indices)),
                                                      pa.array(values, type=pa.string())))
    return table_cells(pa.table(columns, names=parts[0].column_names))
