"""The grid a reader makes of a file: the header, an optional HXL row, and factorised data columns.

Each column is kept as codes into its distinct values (a column of a million rows holds a few
hundred distinct districts, dates or counts), so the checks run per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from data_pipeline.ingest.validate import is_blank

Progress = Callable[[str, float], None]
"""``progress(stage, fraction)``: called as a read advances."""


@dataclass
class Column:
    """One input column factorised: each data row's code into ``uniques``."""

    label: str
    codes: np.ndarray
    uniques: list

    def sliced(self, start: int) -> Column:
        """The same column without its first ``start`` rows (the header, the HXL row)."""
        return Column(self.label, self.codes[start:], self.uniques)


@dataclass
class Grid:
    header: list[str]
    hxl: list[str] | None
    columns: list[Column]
    """Data cells by column position, factorised (text for CSV; Python values for XLSX)."""
    rows: np.ndarray
    """The spreadsheet row number of each data row."""
    decimal_comma: bool
    sheet: str | None = None
    filled_rows: int | None = None
    """Data rows that are not entirely blank, once counted."""

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def data_row_count(self) -> int:
        return self.row_count if self.filled_rows is None else self.filled_rows


def split_header(header: list[str], columns: list[Column], row_numbers: np.ndarray, *,
                  decimal_comma: bool, sheet: str | None) -> Grid:
    """Separate an HXL hashtag row (directly under the header) from the data rows."""
    header_row = int(row_numbers[0])
    data_rows = row_numbers[1:]
    hxl = None
    if len(data_rows) and data_rows[0] == header_row + 1:
        first = [c.uniques[c.codes[0]] if len(c.codes) else None for c in columns]
        cells = [str(v).strip() for v in first if not is_blank(v)]
        if cells and all(c.startswith("#") for c in cells):
            hxl = ["" if is_blank(v) else str(v).strip() for v in first]
            columns = [c.sliced(1) for c in columns]
            data_rows = data_rows[1:]
    return Grid(header, hxl, columns, data_rows, decimal_comma, sheet)


def factorise(series: pd.Series, label: str = "",
               normalise: Callable[[object], object] | None = None) -> Column:
    """``series`` as codes into its distinct values (``normalise``: applied to each distinct value)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if normalise is not None:  # distinct values may become equal (e.g. '' and None): factorise again
        again, uniques = pd.factorize(pd.Series([normalise(v) for v in uniques], dtype=object),
                                      use_na_sentinel=True)
        codes = np.where(codes < 0, -1, again[codes] if len(again) else codes)
    values = list(uniques)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append(None)
    return Column(label, codes.astype(np.int32), values)


def dictionary_column(column: pa.ChunkedArray) -> Column:
    """A dictionary-typed pyarrow column (dictionaries unified) as codes and unique values."""
    if not column.num_chunks:
        return Column("", np.zeros(0, dtype=np.int32), [])
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in column.chunks]).astype(np.int32,
                                                                                                    copy=False)
    return Column("", codes, column.chunks[0].dictionary.to_pylist())

