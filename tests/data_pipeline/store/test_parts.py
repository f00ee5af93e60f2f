"""RecordParts: a file's records made ready batch by batch store what the whole file's frame stores — the same
records and the same monthly cells, bit for bit — whatever the batch size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import write_activity_csv
from data_pipeline.ingest import read_table
from data_pipeline.ingest.stream import stream_table
from data_pipeline.store import Store, SubmissionInput
from data_pipeline.store.cells import table_cells
from data_pipeline.store.encoding import arrow_table, cells_frame, coerce_frame
from data_pipeline.store.parts import RecordParts
from data_pipeline.store.tables import FIELDS

TODAY = dt.date(2024, 6, 30)


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


def test_the_parts_cells_fold_as_they_pile_up_and_equal_the_whole_files(generated, monkeypatch):
    from data_pipeline.store import parts as parts_module

    monkeypatch.setattr(parts_module, "FOLD_CELLS", 500)  # fold after every few batches
    _result, parts = batched(generated, 150)
    with parts:
        assert len(parts._cells) < 20
        pd.testing.assert_frame_equal(cells_frame(parts.cells()), whole_cells(generated), check_exact=True)


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
