"""The versioned store: publish, duplicates, demo/real separation, rollback, withdrawal, atomicity.

Every semantic test runs on SQLite and on PostgreSQL (a throwaway database on 127.0.0.1:5432,
one schema per test); the PostgreSQL runs are skipped, saying why, when the server is unreachable.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from data_pipeline.store import checkpoints, database as store_database, versions as store_versions
from data_pipeline.reference.registry import CRP_COMMUNITY, CRP_OBJECTIVE_1, INDICATOR_IDS, PROGRAMME_CRP2020
from data_pipeline.reference.schemas import (ACTIVITY_COLUMNS, AGE_GROUPS, FUNDING_COLUMNS, TARGET_COLUMNS, ActivitySchema,
                                   FundingSchema, TargetSchema)
from data_pipeline.store import PublishResult, Store, StoreError, SubmissionInput, VersionNote, empty_frame
from tests.data_pipeline.frames import random_activities
from tests.conftest import fresh_postgres_database
from geo.gazetteer import PROGRAMME_CODES

REPO_ROOT = Path(__file__).resolve().parents[3]


# --- Seeded fixtures made by code ------------------------------------------------------------------

def activity_frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "date": pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 1800, rows), unit="D"),
        "district_code": rng.choice(PROGRAMME_CODES, rows),
        "indicator": rng.choice(INDICATOR_IDS, rows),
        "value": rng.integers(0, 40, rows) + rng.choice([0.0, 0.5], rows),
        "sex": rng.choice(["female", "male", None], rows),
        "age_group": rng.choice([*AGE_GROUPS, None], rows),
        "disability": rng.choice(["yes", "no", None], rows),
        "notes": rng.choice(["Кӯлоб: checked by field office", "", None], rows),
        "source_row": np.arange(2, rows + 2),
    })
    return ActivitySchema.validate(frame)


def target_frame() -> pd.DataFrame:
    return TargetSchema.validate(pd.DataFrame({
        "indicator": ["grants_awarded", "jobs_created", "jobs_created"],
        "district_code": [None, "KT01", "GB03"],
        "period": ["whole", "2019", "2019-Q2"],
        "target": [176.0, 20.0, 7.5],
        "source_row": [2, 3, 4],
    }))


def funding_frame() -> pd.DataFrame:
    return FundingSchema.validate(pd.DataFrame({
        "plan": [PROGRAMME_CRP2020, PROGRAMME_CRP2020],
        "objective": [CRP_OBJECTIVE_1, CRP_OBJECTIVE_1],
        "component": [CRP_COMMUNITY, None],
        "donor": ["UK", None],
        "required": [250_000.0, None],
        "received": [100_000.0, 5_000.0],
        "currency": ["USD", "USD"],
        "source_row": [2, 3],
    }))


def submission(file_name: str, frame: pd.DataFrame, kind: str = "activities", *, is_demo: bool = False,
               uploaded_by: str = "tester") -> SubmissionInput:
    """A submission whose SHA-256 is that of its content, as an uploaded file's would be."""
    sha256 = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    return SubmissionInput(file_name, sha256, kind, frame, is_demo, uploaded_by)


def rows_of(frame: pd.DataFrame) -> pd.DataFrame:
    """A read-back table without ``submission_id``, to compare with what was published."""
    return frame.drop(columns="submission_id").reset_index(drop=True)


# --- Stores on both backends -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_database():
    """A uniquely named database, created for this test session and dropped after it."""
    with fresh_postgres_database("store_test", "run the postgres store tests") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    """A fresh, empty store URL: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    database = request.getfixturevalue("postgres_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield str(sa.make_url(database).update_query_dict({"options": f"-csearch_path={schema}"})
              .render_as_string(hide_password=False))
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture
def store(url):
    opened = Store(url)
    yield opened
    opened.dispose()


@contextmanager
def own_connection(store: Store) -> Iterator[sa.Connection]:
    """A connection of the test's own to ``store``'s database, to look at (or tamper with) its tables;
    committed when the block ends."""
    engine = sa.create_engine(store.url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def table_count(store: Store, table: str) -> int:
    with own_connection(store) as conn:
        return conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def stored_activity_rows(store: Store) -> int:
    """Activity records kept in the store (Arrow IPC blobs since schema 3), whatever the versions."""
    with own_connection(store) as conn:
        return conn.execute(sa.text("SELECT COALESCE(SUM(row_count), 0) FROM activity_blobs")).scalar_one()


# --- Empty store -----------------------------------------------------------------------------------

def test_an_empty_store_has_no_version_and_typed_empty_tables(store):
    assert store.active_version() is None
    assert store.versions() == []
    for read, columns, schema in ((store.activities, ACTIVITY_COLUMNS, ActivitySchema),
                                  (store.targets, TARGET_COLUMNS, TargetSchema),
                                  (store.funding, FUNDING_COLUMNS, FundingSchema)):
        frame = read()
        assert list(frame.columns) == [*columns, "submission_id"]
        assert frame.empty
        schema.validate(rows_of(frame))  # dtypes are the canonical ones even with no rows
        assert frame["submission_id"].dtype == np.int64


def test_read_back_keeps_the_canonical_dtypes_exactly(store):
    published = {"activities": activity_frame(50, seed=1), "targets": target_frame(), "funding": funding_frame()}
    store.publish([submission(f"{kind}.csv", frame, kind) for kind, frame in published.items()], created_by="me")
    for kind, read in (("activities", store.activities), ("targets", store.targets), ("funding", store.funding)):
        back = read()
        pd.testing.assert_frame_equal(rows_of(back), published[kind])
        pd.testing.assert_series_equal(back.dtypes.drop("submission_id"), empty_frame(kind).dtypes
                                       .drop("submission_id"))
    assert store.targets()["district_code"].isna().tolist() == [True, False, False]
    assert store.funding()["required"].isna().tolist() == [False, True]


@pytest.mark.parametrize("part_rows", [7, 1_000_000])
def test_activities_read_back_exactly_from_one_or_many_blob_parts(store, monkeypatch, part_rows):
    monkeypatch.setattr(store_versions, "BLOB_PART_ROWS", part_rows)
    frame = activity_frame(50, seed=3)
    frame["notes"] = pd.array(["=cmd|' /C calc'!A0", "\u0000nul", "Хоруғ — ‘quote’ \\ ; , \n", None, "x" * 10_000]
                              * 10, dtype="str")
    other = activity_frame(20, seed=4)
    store.publish([submission("a.csv", frame)], created_by="me")
    version = store.publish([submission("b.csv", other)], created_by="me").version
    back = store.activities(version.id)
    pd.testing.assert_frame_equal(rows_of(back), pd.concat([frame, other], ignore_index=True))
    assert back["submission_id"].tolist() == [1] * 50 + [2] * 20
    with own_connection(store) as conn:
        parts = conn.execute(sa.text("SELECT COUNT(*) FROM activity_blobs WHERE submission_id = 1")).scalar_one()
    assert parts == (8 if part_rows == 7 else 1)


def test_a_version_of_two_submissions_has_the_cells_of_one_submission_of_their_records(store):
    frames = [activity_frame(60, seed=5), activity_frame(40, seed=6)]
    for index, frame in enumerate(frames):
        two = store.publish([submission(f"{index}.csv", frame)], created_by="me").version
    # Demo data over real data starts a version from empty: one submission of the same records.
    one = store.publish([submission("both.csv", pd.concat(frames, ignore_index=True), is_demo=True)],
                        created_by="me").version
    assert (len(two.submissions), len(one.submissions)) == (2, 1)
    cells = store.activity_cells(two.id)
    pd.testing.assert_frame_equal(cells, store.activity_cells(one.id), check_exact=True)
    assert cells["records"].sum() == 100


def test_a_versions_cells_deleted_are_made_again_when_read(store):
    one = store.publish([submission("0.csv", activity_frame(60, seed=5))], created_by="me").version.id
    two = store.publish([submission("1.csv", activity_frame(40, seed=6))], created_by="me").version.id
    read = {version_id: store.activity_cells(version_id) for version_id in (one, two)}
    with own_connection(store) as conn:
        conn.execute(sa.text("DELETE FROM activity_version_cell_blobs"))
    for version_id, cells in read.items():  # one submission's cells copied, two submissions' summed
        pd.testing.assert_frame_equal(store.activity_cells(version_id), cells, check_exact=True)
    assert table_count(store, "activity_version_cell_blobs") == 2

# --- Publish ---------------------------------------------------------------------------------------

def test_first_publish_makes_version_one_with_provenance(store):
    before = datetime.now(UTC)
    activities, targets = activity_frame(30, seed=1), target_frame()
    result = store.publish([submission("khatlon.xlsx", activities), submission("targets.csv", targets, "targets")],
                           created_by="field-office", note="first upload")
    version = result.version
    assert isinstance(result, PublishResult) and result.duplicates == ()
    assert (version.id, version.active, version.is_demo, version.parent_id) == (1, True, False, None)
    assert (version.created_by, version.note) == ("field-office", VersionNote("text", text="first upload"))
    assert version.file_names == ("khatlon.xlsx", "targets.csv")
    assert version.row_count == 30 + 3
    assert result.added == version.submissions
    first = version.submissions[0]
    assert (first.kind, first.row_count, first.uploaded_by, first.is_demo) == ("activities", 30, "tester", False)
    assert first.sha256 == submission("khatlon.xlsx", activities).sha256
    for moment in (version.created_at, first.uploaded_at):
        assert moment.tzinfo is not None and before - timedelta(seconds=5) <= moment <= datetime.now(UTC)
    assert store.active_version() == version
    assert store.version(1) == version


def test_each_publish_adds_to_the_previous_version_without_copying_rows(store):
    a, b = activity_frame(40, seed=1), activity_frame(25, seed=2)
    first = store.publish([submission("a.csv", a)], created_by="me").version
    second = store.publish([submission("b.csv", b)], created_by="me").version
    assert (second.id, second.parent_id, second.file_names) == (2, first.id, ("a.csv", "b.csv"))
    assert stored_activity_rows(store) == 65  # a's rows are shared by both versions, not copied
    pd.testing.assert_frame_equal(rows_of(store.activities(first.id)), a)
    both = store.activities()
    pd.testing.assert_frame_equal(rows_of(both), pd.concat([a, b], ignore_index=True))
    assert both["submission_id"].tolist() == [1] * 40 + [2] * 25


def test_versions_are_listed_newest_first_with_one_active(store):
    for seed in range(3):
        store.publish([submission(f"f{seed}.csv", activity_frame(5, seed))], created_by="me")
    versions = store.versions()
    assert [v.id for v in versions] == [3, 2, 1]
    assert [v.active for v in versions] == [True, False, False]
    assert [len(v.submissions) for v in versions] == [3, 2, 1]


def test_the_same_file_again_is_recognised_and_not_counted_twice(store):
    a, b = activity_frame(10, seed=1), activity_frame(12, seed=2)
    store.publish([submission("a.csv", a)], created_by="me")

    again = store.publish([submission("a-renamed.csv", a)], created_by="me")
    assert again == PublishResult(version=None, added=(), duplicates=("a-renamed.csv",))
    assert len(store.versions()) == 1

    mixed = store.publish([submission("a.csv", a), submission("b.csv", b)], created_by="me")
    assert mixed.duplicates == ("a.csv",)
    assert [s.file_name for s in mixed.added] == ["b.csv"]
    assert mixed.version.file_names == ("a.csv", "b.csv")
    assert len(store.activities()) == 22


def test_the_same_file_twice_in_one_call_is_stored_once(store):
    a = activity_frame(10, seed=1)
    result = store.publish([submission("a.csv", a), submission("copy of a.csv", a)], created_by="me")
    assert ([s.file_name for s in result.added], result.duplicates) == (["a.csv"], ("copy of a.csv",))
    assert len(store.activities()) == 10


def test_same_name_but_different_content_is_not_a_duplicate(store):
    store.publish([submission("monthly.xlsx", activity_frame(10, seed=1))], created_by="me")
    result = store.publish([submission("monthly.xlsx", activity_frame(10, seed=2))], created_by="me")
    assert result.duplicates == ()
    assert result.version.file_names == ("monthly.xlsx", "monthly.xlsx")
    assert len(store.activities()) == 20


def test_same_content_as_another_kind_is_not_a_duplicate(store):
    targets = target_frame()
    store.publish([submission("t.csv", targets, "targets")], created_by="me")
    as_activities = SubmissionInput("t.csv", submission("t.csv", targets).sha256, "activities",
                                    activity_frame(3, seed=1), False)
    assert store.publish([as_activities], created_by="me").duplicates == ()


# --- Demo and real data ----------------------------------------------------------------------------

def test_real_data_over_demo_starts_from_empty_and_demo_stays_in_history(store):
    demo = store.publish([submission("demo.csv", activity_frame(20, seed=1), is_demo=True)], created_by="demo").version
    assert demo.is_demo
    real_frame = activity_frame(7, seed=2)
    real = store.publish([submission("real.csv", real_frame)], created_by="me").version
    assert (real.is_demo, real.file_names, real.parent_id) == (False, ("real.csv",), demo.id)
    pd.testing.assert_frame_equal(rows_of(store.activities()), real_frame)
    history = store.versions()
    assert [(v.id, v.is_demo, v.active) for v in history] == [(2, False, True), (1, True, False)]
    assert len(store.activities(demo.id)) == 20

    demo_again = store.publish([submission("demo2.csv", activity_frame(4, seed=3), is_demo=True)],
                               created_by="demo").version
    assert (demo_again.is_demo, demo_again.file_names) == (True, ("demo2.csv",))


def test_a_demo_file_already_in_a_demo_version_is_not_a_duplicate_for_real_data(store):
    frame = activity_frame(5, seed=1)
    store.publish([submission("x.csv", frame, is_demo=True)], created_by="demo")
    result = store.publish([submission("x.csv", frame)], created_by="me")
    assert result.duplicates == () and result.version.is_demo is False


def test_demo_and_real_files_in_one_call_are_refused_and_nothing_is_written(store):
    with pytest.raises(StoreError, match=r"Demo files \(demo.csv\) and real files \(real.csv\).*separately"):
        store.publish([submission("demo.csv", activity_frame(3, 1), is_demo=True),
                       submission("real.csv", activity_frame(3, 2))], created_by="me")
    assert store.versions() == [] and table_count(store, "submissions") == 0


# --- Rollback and withdrawal -----------------------------------------------------------------------

def test_rollback_makes_a_new_version_with_the_old_submissions(store):
    a, b = activity_frame(10, seed=1), activity_frame(10, seed=2)
    v1 = store.publish([submission("a.csv", a)], created_by="me").version
    store.publish([submission("b.csv", b)], created_by="me")
    v3 = store.rollback(v1.id, created_by="chief")
    assert (v3.id, v3.note, v3.parent_id, v3.created_by, v3.active) == (3, VersionNote("rollback", version=1), 2, "chief", True)
    assert v3.file_names == ("a.csv",)
    assert [v.id for v in store.versions()] == [3, 2, 1]  # history is append-only
    pd.testing.assert_frame_equal(rows_of(store.activities()), a)
    pd.testing.assert_frame_equal(rows_of(store.activities(2)), pd.concat([a, b], ignore_index=True))
    # The rolled-back-to set is the base of the next publish; b can come back.
    assert store.publish([submission("b.csv", b)], created_by="me").version.file_names == ("a.csv", "b.csv")


def test_rollback_to_a_demo_version_restores_demo(store):
    demo = store.publish([submission("demo.csv", activity_frame(5, 1), is_demo=True)], created_by="demo").version
    store.publish([submission("real.csv", activity_frame(5, 2))], created_by="me")
    back = store.rollback(demo.id, created_by="me")
    assert (back.is_demo, back.file_names) == (True, ("demo.csv",))


@pytest.mark.parametrize("action, message", [
    (lambda s: s.rollback(2, created_by="me"), r"v2 is already the active version"),
    (lambda s: s.rollback(99, created_by="me"), r"No version 99 .*recent versions: v2, v1"),
    (lambda s: s.version(99), r"No version 99 .*recent versions: v2, v1"),
    (lambda s: s.activities(99), r"No version 99 .*recent versions: v2, v1"),
    (lambda s: s.withdraw(99, created_by="me"), r"Submission 99 is not in the active version v2; "
                                                r"its submissions are: 1 \(a.csv\); 2 \(b.csv\)"),
])
def test_impossible_rollbacks_and_withdrawals_say_why(store, action, message):
    store.publish([submission("a.csv", activity_frame(3, 1))], created_by="me")
    store.publish([submission("b.csv", activity_frame(3, 2))], created_by="me")
    with pytest.raises(StoreError, match=message):
        action(store)
    assert [v.id for v in store.versions()] == [2, 1]


def test_on_an_empty_store_rollback_and_withdraw_say_there_is_nothing(store):
    with pytest.raises(StoreError, match="the store has no versions yet"):
        store.rollback(1, created_by="me")
    with pytest.raises(StoreError, match="no active version yet"):
        store.withdraw(1, created_by="me")


def test_withdraw_makes_a_new_version_without_the_submission(store):
    a, b = activity_frame(10, 1), activity_frame(8, 2)
    published = store.publish([submission("a.csv", a), submission("b.csv", b), submission("t.csv", target_frame(),
                                                                                          "targets")],
                              created_by="me").version
    b_id = published.submissions[1].id
    after = store.withdraw(b_id, created_by="field-office")
    assert (after.id, after.parent_id, after.file_names) == (2, 1, ("a.csv", "t.csv"))
    assert after.note == VersionNote("withdraw", submission=b_id, file="b.csv")
    pd.testing.assert_frame_equal(rows_of(store.activities()), a)
    assert len(store.targets()) == 3
    assert len(store.activities(published.id)) == 18  # the withdrawn rows stay in history
    # Once withdrawn, publishing the same file again is not a duplicate: it comes back.
    assert store.publish([submission("b.csv", b)], created_by="me").duplicates == ()


def test_withdrawing_the_last_submission_leaves_an_empty_active_version(store):
    v1 = store.publish([submission("a.csv", activity_frame(3, 1))], created_by="me").version
    empty = store.withdraw(v1.submissions[0].id, created_by="me")
    assert (empty.active, empty.submissions, empty.row_count) == (True, (), 0)
    assert store.activities().empty


# --- Bad input -------------------------------------------------------------------------------------

def _without_column(frame, column):
    return frame.drop(columns=column)


def _with_empty_value(frame, column):
    frame = frame.copy()
    frame.loc[1, column] = None
    return frame


@pytest.mark.parametrize("make_input, message", [
    (lambda f: [], r"Nothing to publish"),
    (lambda f: [SubmissionInput("a.csv", "0" * 64, "people", f, False)],
     r"'a.csv' has kind 'people'; kinds are activities, targets, funding"),
    (lambda f: [SubmissionInput("a.csv", "", "activities", f, False)], r"'a.csv' has no SHA-256"),
    (lambda f: [submission("a.csv", _without_column(f, "indicator"))],
     r"'a.csv' \(activities\) lacks the column\(s\) indicator; .* needs date, district_code"),
    (lambda f: [submission("a.csv", _with_empty_value(f, "value"))],
     r"column 'value' is empty in row 2 of the table but is required"),
    (lambda f: [submission("a.csv", f.assign(date="not a date"))], r"column 'date' has a value that is not a date"),
])
def test_bad_input_is_refused_with_a_readable_message_and_nothing_written(store, make_input, message):
    with pytest.raises(StoreError, match=message):
        store.publish(make_input(activity_frame(5, 1)), created_by="me")
    assert store.versions() == [] and table_count(store, "submissions") == 0


# --- Atomicity ------------------------------------------------------------------------------------

def test_a_failure_mid_publish_leaves_the_previous_version_active_and_intact(store, monkeypatch):
    first_frame = activity_frame(30, 1)
    first = store.publish([submission("a.csv", first_frame)], created_by="me").version
    monkeypatch.setattr(store_database, "CHUNK_ROWS", 10)
    monkeypatch.setattr(store_versions, "BLOB_PART_ROWS", 10)

    batches = []

    def fail_after_two_batches(point: str) -> None:
        batches.append(point)
        if batches.count("rows written") == 3:  # the targets' one batch, then two parts of activities
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(checkpoints, "reached", fail_after_two_batches)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.publish([submission("t.csv", target_frame(), "targets"), submission("b.csv", activity_frame(50, 2))],
                      created_by="me")
    monkeypatch.undo()
    assert store.active_version() == first
    assert [v.id for v in store.versions()] == [1]
    assert (table_count(store, "submissions"), stored_activity_rows(store), table_count(store, "targets")) \
        == (1, 30, 0)
    pd.testing.assert_frame_equal(rows_of(store.activities()), first_frame)
    after = store.publish([submission("b.csv", activity_frame(50, 2))], created_by="me").version
    assert after.file_names == ("a.csv", "b.csv") and after.row_count == 80


def test_concurrent_publishers_do_not_lose_each_others_files(url, monkeypatch):
    monkeypatch.setattr(store_database, "CHUNK_ROWS", 5)
    slow, fast = Store(url), Store(url)
    slow_started, release = threading.Event(), threading.Event()

    def hold_transaction_open(point: str) -> None:
        if point == "rows written" and threading.current_thread() is writer:
            slow_started.set()
            assert release.wait(30)

    monkeypatch.setattr(checkpoints, "reached", hold_transaction_open)
    outcome: dict[str, object] = {}
    writer = threading.Thread(target=lambda: outcome.setdefault(
        "slow", slow.publish([submission("slow.csv", activity_frame(12, 1))], created_by="slow")))
    writer.start()
    try:
        assert slow_started.wait(30)
        other = threading.Thread(target=lambda: outcome.setdefault(
            "fast", fast.publish([submission("fast.csv", activity_frame(3, 2))], created_by="fast")))
        other.start()
        other.join(0.5)
        assert other.is_alive(), "the second publisher must wait for the first one's transaction"
    finally:
        release.set()
    writer.join(30)
    other.join(30)
    try:
        active = fast.active_version()
        assert active.id == 2 and set(active.file_names) == {"slow.csv", "fast.csv"}
        assert len(fast.activities()) == 15
    finally:
        slow.dispose()
        fast.dispose()


def test_readers_see_the_previous_version_while_a_publish_is_under_way(url, monkeypatch):
    monkeypatch.setattr(store_database, "CHUNK_ROWS", 5)
    writer_store = Store(url)
    first_frame = activity_frame(8, 1)
    first = writer_store.publish([submission("a.csv", first_frame)], created_by="me").version
    mid_publish, release = threading.Event(), threading.Event()

    def hold_transaction_open(point: str) -> None:
        if point == "rows written" and threading.current_thread() is writer:
            mid_publish.set()
            assert release.wait(30)

    monkeypatch.setattr(checkpoints, "reached", hold_transaction_open)
    writer = threading.Thread(target=writer_store.publish,
                              args=([submission("b.csv", activity_frame(12, 2))],), kwargs={"created_by": "me"})
    writer.start()
    try:
        assert mid_publish.wait(30)
        with Store(url) as reader:  # opening and reading must not wait for the writer
            assert reader.active_version() == first
            pd.testing.assert_frame_equal(rows_of(reader.activities()), first_frame)
            assert [v.id for v in reader.versions()] == [first.id]
    finally:
        release.set()
        writer.join(30)
    assert writer_store.active_version().file_names == ("a.csv", "b.csv")
    writer_store.dispose()


KILL_ROWS = 3_000


@pytest.mark.parametrize(("point", "outcome"), [
    ("rows written", "unchanged"),  # inside the transaction, with rows of the new file written
    ("before commit", "unchanged"),  # everything written, the new version active, not committed
    ("after commit", "new version"),  # committed: the kill comes too late to undo anything
])
def test_a_kill_at_each_point_of_a_publish_leaves_one_outcome(url, point, outcome):
    assert point in checkpoints.POINTS
    with Store(url) as store:
        previous_frame = activity_frame(40, 1)
        previous = store.publish([submission("before.csv", previous_frame)], created_by="me").version

    helper = Path(__file__).with_name("store_kill_helper.py")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    finished = subprocess.run([sys.executable, str(helper), url, str(KILL_ROWS), point], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == -signal.SIGKILL, f"the helper did not stop at {point!r}: {finished}"

    with Store(url) as store:
        with own_connection(store) as conn:
            if store.url.get_backend_name() == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        if outcome == "unchanged":
            assert store.active_version() == previous
            assert [v.id for v in store.versions()] == [previous.id]
            pd.testing.assert_frame_equal(rows_of(store.activities()), previous_frame)
            assert (table_count(store, "submissions"), stored_activity_rows(store)) == (1, 40)
            expected_files, expected_rows = ("before.csv",), 40
        else:
            active = store.active_version()
            assert active.id == previous.id + 1 and active.file_names == ("before.csv", "large.csv")
            assert active.created_by == "kill-test" and active.row_count == 40 + KILL_ROWS
            new_frame = rows_of(store.activities()).iloc[40:].reset_index(drop=True)
            pd.testing.assert_frame_equal(new_frame, random_activities(KILL_ROWS, seed=7)[list(new_frame.columns)],
                                          check_dtype=False, check_categorical=False)
            assert (table_count(store, "submissions"), stored_activity_rows(store)) == (2, 40 + KILL_ROWS)
            assert store.activity_cells(active.id)["records"].sum() == 40 + KILL_ROWS
            expected_files, expected_rows = ("before.csv", "large.csv"), 40 + KILL_ROWS
        after = store.publish([submission("after.csv", activity_frame(5, 2))], created_by="me").version
        assert after.active and after.file_names == (*expected_files, "after.csv")
        assert len(store.activities()) == expected_rows + 5


# --- Opening stores -------------------------------------------------------------------------------

def test_a_reopened_store_keeps_its_versions(url):
    with Store(url) as store:
        published = store.publish([submission("a.csv", activity_frame(5, 1))], created_by="me").version
    with Store(url) as reopened:
        assert reopened.active_version() == published
        assert len(reopened.activities()) == 5


def test_a_sqlite_store_creates_its_folder(tmp_path):
    path = tmp_path / "deeper" / "still" / "dashboard.db"
    with Store(f"sqlite:///{path}") as store:
        assert store.active_version() is None
    assert path.is_file()


def test_a_store_with_a_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store(url).dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE schema_version SET version = 99")
        conn.exec_driver_sql("DROP TABLE alembic_version")  # as code from before Alembic would have left it
    engine.dispose()
    with pytest.raises(StoreError, match="has schema version 99, newer than this code reads"):
        Store(url)


@pytest.mark.parametrize("url, expected, hidden", [
    ("postgresql+psycopg://iom:s3cret@127.0.0.1:1/dashboard",
     r"store at 127.0.0.1:1 is unreachable.*DASHBOARD_STORE_URL.*postgresql\+psycopg://iom:\*\*\*@127.0.0.1:1/dashboard",
     "s3cret"),
    ("not a url", r"'not a url' is not a database URL; use e.g. sqlite:///", None),
    ("nosuchdb://x/y", r"Cannot open the store at nosuchdb://x/y", None),
])
def test_unusable_urls_give_readable_errors_without_the_password(url, expected, hidden):
    with pytest.raises(StoreError, match=expected) as caught:
        Store(url)
    if hidden:
        assert hidden not in str(caught.value)


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    path = tmp_path / "store.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(StoreError, match=r"Cannot open the store: the store at sqlite:///.* answered: file is not a database"):
        Store(f"sqlite:///{path}")
