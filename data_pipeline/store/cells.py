"""Monthly cells: activity records (or cells) summed per district, indicator, month and breakdown.

Each activities submission's cells are summed when it is stored, a version's from its submissions'
cells when it is made, so a dashboard reads one blob of cells instead of millions of records.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data_pipeline.reference.grouping import DENSE_SLOTS, group_rows, ranked_codes
from data_pipeline.reference.schemas import DATE, FLOAT, INT, KIND_ACTIVITIES, TEXT
from data_pipeline.store.tables import CELL_FIELDS, CELL_KEYS, FIELDS

CELL_SOURCE_FIELDS = tuple(f for f in FIELDS[KIND_ACTIVITIES] if f.name in ("date", "value", *CELL_KEYS))
DENSE_CELL_SLOTS = DENSE_SLOTS
"""Up to this many possible cell keys (or one per record, if more) the cells are summed in a slot per
possible key; beyond, by hashing the keys (``grouping.group_rows``)."""


def day_numbers(table: pa.Table, name: str) -> np.ndarray:
    """The date column ``name`` as day numbers (since 1970-01-01)."""
    return table.column(name).to_numpy().astype("datetime64[D]").view(np.int64)


def month_numbers(days: np.ndarray) -> np.ndarray:
    """Each day number's month (months since 1970-01)."""
    start_day = int(days.min())
    # Each day's month through a table of the days spanned: a look-up instead of calendar arithmetic per row.
    day_months = np.arange(start_day, int(days.max()) + 1).view("datetime64[D]").astype("datetime64[M]")
    return day_months.view(np.int64)[days - start_day]


def date_array(days: np.ndarray) -> pa.Array:
    """Day numbers (since 1970-01-01) as an Arrow date column."""
    return pa.array(days.astype(np.int32), type=pa.int32()).view(pa.date32())


def month_array(months: np.ndarray) -> pa.Array:
    """Month numbers (since 1970-01) as an Arrow date column of each month's first day."""
    return date_array(months.view("datetime64[M]").astype("datetime64[D]").view(np.int64))


def group_sums(rows: np.ndarray, count: int, values: np.ndarray, first_days: np.ndarray, last_days: np.ndarray,
               records: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per group of ``rows`` (numbers below ``count``): the summed values, the records (one per row, or the
    summed ``records``), the earliest of ``first_days`` and the latest of ``last_days``."""
    value = np.bincount(rows, weights=values.astype(np.float64), minlength=count)
    weights = None if records is None else records.astype(np.float64)
    record_count = np.bincount(rows, weights=weights, minlength=count).astype(np.int64)
    first_day = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(first_day, rows, first_days)
    last_day = np.full(count, np.iinfo(np.int64).min)
    np.maximum.at(last_day, rows, last_days)
    return value, record_count, first_day, last_day


def no_cells() -> pa.Table:
    """A cells table (``CELL_FIELDS``, as stored) without rows."""
    return pa.table([pa.array([], type=pa.string()).dictionary_encode() if f.kind == TEXT else
                     pa.array([], type={DATE: pa.date32(), FLOAT: pa.float64(), INT: pa.int64()}[f.kind])
                     for f in CELL_FIELDS], names=[f.name for f in CELL_FIELDS])


def _key_codes(table: pa.Table, days: np.ndarray) -> tuple[list[np.ndarray], list[int], int, dict[str, list]]:
    """Each of ``CELL_KEYS``' codes per row, numbered in sorted order (``grouping.ranked_codes``), and their
    counts of distinct values; the first month (the month codes count from it) and each text key's values
    in sorted order."""
    months = month_numbers(days)
    first_month = int(months.min())
    codes, sizes, sorted_values = [], [], {}
    for name in CELL_KEYS:
        if name == "month":
            codes.append(months - first_month)
            sizes.append(int(months.max()) - first_month + 1)
            continue
        column = table.column(name).combine_chunks()
        # Missing (a null dictionary entry: the indices hold no nulls) sorts last, as a cell of its own.
        order = pc.array_sort_indices(column.dictionary, null_placement="at_end").to_numpy()
        codes.append(ranked_codes(column.indices.to_numpy(), order))
        sizes.append(len(order))
        sorted_values[name] = [column.dictionary[i].as_py() for i in order]
    return codes, sizes, first_month, sorted_values


def table_cells(table: pa.Table) -> pa.Table:
    """The monthly cells (``CELL_FIELDS``, as stored) of an ``arrow_table`` of activities (text
    columns dictionary-encoded), or of cells (summed again, e.g. the cells of several submissions)."""
    of_cells = "records" in table.column_names
    if table.num_rows == 0:
        return no_cells()
    days = day_numbers(table, "month" if of_cells else "date")
    codes, sizes, first_month, sorted_values = _key_codes(table, days)
    groups = group_rows(codes, sizes, DENSE_CELL_SLOTS)
    sums = group_sums(groups.rows, groups.count, table.column("value").to_numpy(),
                      day_numbers(table, "first_date") if of_cells else days,
                      day_numbers(table, "last_date") if of_cells else days,
                      table.column("records").to_numpy() if of_cells else None)
    values, records, first_day, last_day = (sum_[groups.order] for sum_ in sums)
    out: dict[str, pa.Array] = {}
    for name, code in zip(CELL_KEYS, groups.keys):
        if name == "month":
            out[name] = month_array(code + first_month)
        else:  # missing is the dictionary's last entry, as in ``arrow_table``
            out[name] = pa.DictionaryArray.from_arrays(pa.array(code.astype(np.int32)),
                                                       pa.array(sorted_values[name], type=pa.string()))
    out.update(value=pa.array(values), records=pa.array(records), first_date=date_array(first_day),
               last_date=date_array(last_day))
    return pa.table([out[f.name] for f in CELL_FIELDS], names=[f.name for f in CELL_FIELDS])


def summed_cells(parts: Sequence[pa.Table]) -> pa.Table:
    """The cells of several cells tables (``CELL_FIELDS``, e.g. a version's submissions'), summed again.

    Each part's text columns have a dictionary of their own, with missing as an entry, which Arrow
    cannot unify: they are decoded and encoded again over all the parts.
    """
    table = pa.concat_tables(parts)
    columns = [pc.dictionary_encode(column.cast(pa.string()), "encode") if pa.types.is_dictionary(column.type)
               else column for column in table.columns]
    return table_cells(pa.table(columns, names=table.column_names))

