"""RecordParts: a file's records made ready batch by batch store what the whole file's frame stores — the same
records and the same monthly cells, bit for bit — whatever the batch size; CellSums, which sums the cells batch
by batch, gives what one groupby of all the batches gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import write_activity_csv
from data_pipeline.ingest import read_table
from data_pipeline.ingest.stream import stream_table
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS
from data_pipeline.store import Store, SubmissionInput
from data_pipeline.store.cells import table_cells
from data_pipeline.store.encoding import arrow_table, cells_frame, coerce_frame
from data_pipeline.store.parts import CellSums, RecordParts, key_widths
from data_pipeline.store.tables import CELL_FIELDS, CELL_KEYS, FIELDS

TODAY = dt.date(2024, 6, 30)
CELL_COLUMNS = [f.name for f in CELL_FIELDS]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A seeded generated file (names in three languages, two date formats, breakdowns spelled many ways)."""
    return write_activity_csv(tmp_path_factory.mktemp("parts") / "generated.csv", 2_000, seed=11)


def whole_cells(path: Path) -> pd.DataFrame:
    """The cells as publishing the whole file's frame makes them (the path before batching)."""
    result = read_table(path, today=TODAY)
    frame = coerce_frame(SubmissionInput(path.name, result.sha256, "activities", result.frame, is_demo=False))
    return cells_frame(table_cells(arrow_table(FIELDS["activities"], frame)))


def batched(path: Path, batch_rows: int) -> tuple[object, RecordParts]:
    parts = RecordParts(path.name)
    result = stream_table(path, parts, batch_rows=batch_rows, today=TODAY)
    assert result.ok and result.streamed, result.problems[:3]
    return result, parts


def test_published_in_batches_the_store_holds_the_same_records_and_cells(generated, tmp_path):
    whole = read_table(generated, today=TODAY)
    result, parts = batched(generated, 700)
    with parts, Store(f"sqlite:///{tmp_path / 'whole.db'}") as a, Store(f"sqlite:///{tmp_path / 'parts.db'}") as b:
        a.publish([SubmissionInput(whole.file_name, whole.sha256, "activities", whole.frame, is_demo=False)],
                  created_by="test")
        published = b.publish([SubmissionInput(result.file_name, result.sha256, "activities", result.frame,
                                               is_demo=False, parts=parts)], created_by="test")
        assert published.added[0].row_count == len(whole.frame) == 2_000
        pd.testing.assert_frame_equal(b.activities(), a.activities(), check_exact=True)
        pd.testing.assert_frame_equal(b.activity_cells(), a.activity_cells(), check_exact=True)
        assert [len(f) for f in parts.frames()] == [700] * 2 + [600]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch_rows=st.integers(min_value=40, max_value=2_100))
def test_batching_does_not_change_the_cells_for_any_batch_size(generated, batch_rows):
    _result, parts = batched(generated, batch_rows)
    with parts:
        assert parts.row_count == 2_000
        pd.testing.assert_frame_equal(cells_frame(parts.cells()), whole_cells(generated), check_exact=True)


def test_reset_forgets_every_batch(generated):
    _result, parts = batched(generated, 1_000)
    with parts:
        parts.reset()
        assert parts.row_count == 0 and not list(parts.parts()) and parts.cells().num_rows == 0


def records(rows: list[tuple]) -> pa.Table:
    """Activity records ``(date, district, indicator, value, sex, age group, disability)`` as the store's
    Arrow table (text dictionary-encoded, missing as a dictionary entry)."""
    frame = pd.DataFrame(rows, columns=["date", "district_code", "indicator", "value", "sex", "age_group",
                                        "disability"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["value"] = frame["value"].astype(float)
    for name in ("district_code", "indicator", "sex", "age_group", "disability"):
        frame[name] = pd.array(frame[name], dtype="str")
    frame["notes"] = pd.array([None] * len(frame), dtype="str")
    frame["source_row"] = np.arange(2, len(frame) + 2)
    return arrow_table(FIELDS["activities"], frame[ACTIVITY_COLUMNS])


def summed(batches: list[pa.Table]) -> list[tuple]:
    cells = CellSums()
    for batch in batches:
        cells.add(batch)
    return [(*row[:2], str(row[2])[:7], *row[3:8], str(row[8]), str(row[9]))
            for row in (tuple(cell[name] for name in CELL_COLUMNS) for cell in cells.table().to_pylist())]


A = ("2020-01-05", "TJ0101", "people_reached", 2, "female", "18-29", "no")
CASES = {
    "one cell, two records": (
        [[A, ("2020-01-20", "TJ0101", "people_reached", 3, "female", "18-29", "no")]],
        [("TJ0101", "people_reached", "2020-01", "female", "18-29", "no", 5.0, 2, "2020-01-05", "2020-01-20")]),
    "one cell over two batches: its first and last dates from both": (
        [[("2020-01-09", *A[1:])], [A], [("2020-01-31", *A[1:])]],
        [("TJ0101", "people_reached", "2020-01", "female", "18-29", "no", 6.0, 3, "2020-01-05", "2020-01-31")]),
    "missing breakdowns: a cell of their own, sorted last": (
        [[A, ("2020-01-05", "TJ0101", "people_reached", 7, None, None, None)]],
        [("TJ0101", "people_reached", "2020-01", "female", "18-29", "no", 2.0, 1, "2020-01-05", "2020-01-05"),
         ("TJ0101", "people_reached", "2020-01", None, None, None, 7.0, 1, "2020-01-05", "2020-01-05")]),
    "a later batch with earlier months and new districts (the keys packed again)": (
        [[A], [("1969-12-31", "TJ0303", "people_reached", 1, "female", "18-29", "no"),
               ("2035-06-01", "TJ0202", "people_reached", 4, "female", "18-29", "no")]],
        [("TJ0101", "people_reached", "2020-01", "female", "18-29", "no", 2.0, 1, "2020-01-05", "2020-01-05"),
         ("TJ0202", "people_reached", "2035-06", "female", "18-29", "no", 4.0, 1, "2035-06-01", "2035-06-01"),
         ("TJ0303", "people_reached", "1969-12", "female", "18-29", "no", 1.0, 1, "1969-12-31", "1969-12-31")]),
    "an empty batch adds nothing": ([[], [A], []],
        [("TJ0101", "people_reached", "2020-01", "female", "18-29", "no", 2.0, 1, "2020-01-05", "2020-01-05")]),
    "no batch: no cells": ([], []),
}


@pytest.mark.parametrize("batches, expected", CASES.values(), ids=CASES.keys())
def test_cell_sums(batches, expected):
    assert summed([records(batch) for batch in batches]) == expected


_DAYS = st.integers(min_value=-400, max_value=40_000)  # 1968 to 2079
_RECORD = st.tuples(_DAYS, st.sampled_from(["TJ0101", "TJ0202", "TJ0303", "TJ0404"]),
                    st.sampled_from(["people_reached", "sessions", "kits"]), st.integers(0, 1_000),
                    *[st.sampled_from([None, "a", "b", "c"])] * 3)


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(st.lists(_RECORD, max_size=40), max_size=6))
def test_cell_sums_over_random_batches_equal_a_groupby_of_them_all(batches):
    as_dates = [[(str(np.datetime64(day, "D")), *rest) for day, *rest in batch] for batch in batches]
    cells = CellSums()
    for batch in as_dates:
        cells.add(records(batch))
    got = [tuple(cell[name] for name in CELL_COLUMNS) for cell in cells.table().to_pylist()]
    rows = [record for batch in as_dates for record in batch]
    frame = pd.DataFrame(rows, columns=["date", "district_code", "indicator", "value", "sex", "age_group",
                                        "disability"]).astype({"date": "datetime64[ns]", "value": float})
    frame["month"] = frame["date"].dt.to_period("M").dt.to_timestamp()
    expected = (frame.groupby(list(CELL_KEYS), dropna=False)
                .agg(value=("value", "sum"), records=("value", "size"), first_date=("date", "min"),
                     last_date=("date", "max")).reset_index())
    wanted = [tuple(None if pd.isna(v) else v.date() if isinstance(v, pd.Timestamp) else v for v in row)
              for row in expected[CELL_COLUMNS].itertuples(index=False, name=None)]
    assert len(got) == len(cells) == len(wanted)
    assert sorted(got, key=repr) == sorted(wanted, key=repr)


@pytest.mark.parametrize("sizes, widths", [
    ([17, 31, 48, 3, 7, 3], [5, 5, 6, 2, 3, 2]),
    ([1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]),
    ([2**20, 2**20, 2**13, 2**5, 2**5, 2**0], [20, 20, 13, 5, 5, 0]),
])
def test_key_widths(sizes, widths):
    assert key_widths(sizes) == widths


def test_a_key_space_beyond_int64_is_refused_with_what_was_found():
    with pytest.raises(ValueError, match=r"need 64 bits \(district_code 1,048,577, .*at most 63 fit"):
        key_widths([2**20 + 1, 2**20, 2**12, 2**5, 2**5, 2**1])
