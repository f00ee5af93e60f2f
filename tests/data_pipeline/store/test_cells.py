"""Monthly activity cells: every aggregation gives the same figures on cells as on raw records.

The store keeps each version's activities summed per (district, indicator, month, sex, age
group, disability); ``load_dataset(..., cells=True)`` serves them to the dashboard. These tests
hold the cells to the raw records on the demo data and on a random data set, through publish,
rollback, withdraw, several submissions per version, and stores made before the cells (schema 1)
and before the activity blobs (schema 2).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from data_pipeline import store as store_module
from data_pipeline.store import cells as store_cells, tables as store_tables
from data_pipeline.store.encoding import column_values
from data_pipeline.analysis.aggregate import PERIODS, aggregate, programme_totals
from data_pipeline.analysis.dataset import Filters, apply_filters, headline_figures, indicator_table, load_dataset
from data_pipeline.analysis.demo import load_demo
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.analysis.quality import quality_findings
from data_pipeline.analysis.reconcile import reconcile
from data_pipeline.reference.schemas import DISAGGREGATIONS
from data_pipeline.store import CELL_COLUMNS, Store, SubmissionInput
from geo.gazetteer import PROGRAMME_CODES, REGION_GBAO
from tests.data_pipeline.frames import random_activities

BREAKDOWNS = (None, *DISAGGREGATIONS)


def publish(store: Store, frame: pd.DataFrame, name: str) -> int:
    result = store.publish([SubmissionInput(name, f"sha-{name}", "activities", frame, is_demo=False)],
                           created_by="test")
    return result.version.id


def stored_cells(url: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The cells a new store at ``url`` keeps of ``frame`` published alone."""
    with Store(url) as store:
        return store.activity_cells(publish(store, frame, "a.csv"))


def assert_same_aggregates(raw: pd.DataFrame, cells: pd.DataFrame) -> None:
    for period in PERIODS:
        for by in BREAKDOWNS:
            pd.testing.assert_frame_equal(aggregate(cells, period, by), aggregate(raw, period, by),
                                          obj=f"aggregate({period}, {by})")
            pd.testing.assert_frame_equal(programme_totals(cells, period, by), programme_totals(raw, period, by),
                                          obj=f"programme_totals({period}, {by})")


def assert_same_dataset_tables(url: str, version_id: int | None = None) -> None:
    raw = load_dataset(url, version_id)
    cells = load_dataset(url, version_id, cells=True)
    assert cells.monthly_cells and not raw.monthly_cells
    assert cells.as_of == raw.as_of
    assert int(cells.activities["records"].sum()) == len(raw.activities)
    filters = (Filters(), Filters(regions=(REGION_GBAO,)), Filters(districts=(PROGRAMME_CODES[0],)),
               Filters(programme="TAJIRRB", date_from=date(2018, 1, 1), date_to=date(2019, 12, 31)))
    for chosen in filters:
        raw_view, cells_view = apply_filters(raw, chosen), apply_filters(cells, chosen)
        assert_same_aggregates(raw_view.activities, cells_view.activities)
        for period, by in zip(PERIODS, BREAKDOWNS):  # every period and every breakdown, once each
            pd.testing.assert_frame_equal(indicator_table(cells_view, period, by),
                                          indicator_table(raw_view, period, by))
        pd.testing.assert_frame_equal(headline_figures(cells_view), headline_figures(raw_view))
        pd.testing.assert_frame_equal(funding_summary(cells_view.funding, cells_view.activities),
                                      funding_summary(raw_view.funding, raw_view.activities))
        pd.testing.assert_frame_equal(reconcile(cells_view.activities), reconcile(raw_view.activities))
        pd.testing.assert_frame_equal(quality_findings(cells_view.activities, chosen.district_codes()),
                                      quality_findings(raw_view.activities, chosen.district_codes()))


def test_cells_give_the_raw_records_figures_on_the_demo_data(store_url):
    load_demo(store_url)
    assert_same_dataset_tables(store_url)


def test_cells_give_the_raw_records_figures_on_a_random_data_set(store_url):
    with Store(store_url) as store:
        publish(store, random_activities(3_000, seed=1), "a.csv")
    assert_same_dataset_tables(store_url)


def test_cells_have_the_activity_shape_and_fewer_rows(store_url):
    with Store(store_url) as store:
        publish(store, random_activities(2_000, seed=2).assign(sex="female", age_group="18-29", disability="no"),
                "a.csv")
        cells = store.activity_cells()
        raw = store.activities()
    assert list(cells.columns) == CELL_COLUMNS
    assert (cells["date"].dt.day == 1).all() and (cells["source_row"] == 0).all() and cells["notes"].isna().all()
    assert cells.dtypes["date"] == raw.dtypes["date"] and cells.dtypes["value"] == raw.dtypes["value"]
    assert len(cells) < len(raw)


def test_every_kind_of_version_gets_its_own_cells(store_url):
    first, second = random_activities(800, seed=3), random_activities(600, seed=4)
    with Store(store_url) as store:
        v1 = publish(store, first, "first.csv")
        v2 = publish(store, second, "second.csv")  # two submissions: cells summed in SQL
        withdrawn = store.withdraw(store.version(v2).submissions[0].id, created_by="test").id
        empty = store.withdraw(store.version(withdrawn).submissions[0].id, created_by="test").id
        rolled_back = store.rollback(v2, created_by="test").id
        expected = {v1: first, v2: pd.concat([first, second]), withdrawn: second, rolled_back: pd.concat([first, second])}
        for version_id, frame in expected.items():
            assert_same_aggregates(frame, store.activity_cells(version_id))
        assert store.activity_cells(empty).empty
        assert list(store.activity_cells(empty).columns) == CELL_COLUMNS


def keep_activities_as_rows(store_url: str, schema_version: int) -> None:
    """Rewrite the store as schema 1 or 2 kept it: activities as SQL rows, and no blobs of records
    or cells (schema 2's SQL cells are not read any more, so they are left out)."""
    with Store(store_url) as store:
        parts = {}
        for version in store.versions():
            for submission_id, rows in store.activities(version.id).groupby("submission_id"):
                parts[int(submission_id)] = rows.drop(columns="submission_id").reset_index(drop=True)
    fields = store_tables.FIELDS["activities"]
    names = ["submission_id", *(field.name for field in fields)]
    insert = sa.text(f"INSERT INTO activities ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})")
    engine = sa.create_engine(store_url)  # a connection of the test's own: it tampers with the tables
    try:
        with engine.begin() as conn:
            for submission_id, rows in sorted(parts.items()):
                columns = column_values(fields, rows)  # the store's own encoding of the values
                conn.execute(insert, [dict(zip(names, values)) for values in zip([submission_id] * len(rows), *columns)])
            for table in ("activity_blobs", "activity_version_cell_blobs", "activity_submission_cell_blobs"):
                conn.exec_driver_sql(f"DROP TABLE {table}")
            conn.exec_driver_sql(f"UPDATE schema_version SET version = {schema_version}")
            conn.exec_driver_sql("DROP TABLE alembic_version")  # made before Alembic
    finally:
        engine.dispose()


def test_a_store_made_before_the_cells_is_migrated_and_gets_cells_when_read(store_url):
    frame = random_activities(1_500, seed=5)
    with Store(store_url) as store:
        version_id = publish(store, frame, "old.csv")
    keep_activities_as_rows(store_url, 1)
    with pytest.raises(store_module.StoreError, match="has schema version 1.*python -m data_pipeline migrate"):
        Store(store_url)  # not upgraded unless asked (DASHBOARD_MIGRATE_ON_START or the migrate command)
    Store(store_url, migrate=True).dispose()
    with Store(store_url) as store:
        assert_same_aggregates(frame, store.activity_cells(version_id))
        assert_same_aggregates(frame, store.activity_cells(version_id))  # the second read finds them kept
        pd.testing.assert_frame_equal(store.activities(version_id).drop(columns="submission_id"), frame)
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM schema_version").scalar() == store_module.LEGACY_SCHEMA_VERSION
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == store_module.HEAD_REVISION
        assert conn.exec_driver_sql("SELECT count(*) FROM activity_version_cell_blobs").scalar() == 1
    engine.dispose()


def test_activities_stored_as_rows_before_the_blobs_read_back_beside_new_blobs(store_url):
    old, new = random_activities(700, seed=8), random_activities(300, seed=9)
    with Store(store_url) as store:
        first = publish(store, old, "old.csv")
    keep_activities_as_rows(store_url, 2)
    with Store(store_url, migrate=True) as store:
        pd.testing.assert_frame_equal(store.activities(first).drop(columns="submission_id"), old)
        second = publish(store, new, "new.csv")
        both = store.activities(second)
        assert both["submission_id"].is_monotonic_increasing  # the older submission's rows first
        expected = pd.concat([old, new], ignore_index=True)
        pd.testing.assert_frame_equal(both.drop(columns="submission_id"), expected)
        assert_same_aggregates(expected, store.activity_cells(second))
        only_new = store.withdraw(int(both["submission_id"].iloc[0]), created_by="test").id
        pd.testing.assert_frame_equal(store.activities(only_new).drop(columns="submission_id"), new)


def test_cells_are_the_same_for_text_held_as_python_objects(tmp_path):
    frame = random_activities(2_000, seed=10)
    as_objects = frame.astype({name: object for name in ("district_code", "indicator", "sex", "age_group",
                                                         "disability", "notes")})
    pd.testing.assert_frame_equal(stored_cells(f"sqlite:///{tmp_path / 'objects.db'}", as_objects),
                                  stored_cells(f"sqlite:///{tmp_path / 'text.db'}", frame), check_exact=True)


def test_categorical_records_store_the_same_records_and_cells_as_text(tmp_path):
    """Ingest hands the store categorical text columns; what is stored must not depend on that."""
    frame = random_activities(3_000, seed=12)
    categorical = frame.astype({name: "category" for name in ("district_code", "indicator", "sex", "age_group",
                                                              "disability", "notes")})
    read = []
    for name, records in (("text", frame), ("categorical", categorical)):
        with Store(f"sqlite:///{tmp_path / name}.db") as store:
            version = store.publish([SubmissionInput("a.csv", "h", "activities", records, is_demo=False)],
                                    created_by="test").version.id
            read.append((store.activities(version).drop(columns="submission_id"), store.activity_cells(version)))
    pd.testing.assert_frame_equal(read[0][0], frame)
    pd.testing.assert_frame_equal(read[1][0], read[0][0])
    pd.testing.assert_frame_equal(read[1][1], read[0][1], check_exact=True)


def test_cells_summed_by_hashing_equal_those_summed_in_a_slot_per_key(tmp_path, monkeypatch):
    frame = random_activities(5_000, seed=13)
    dense = stored_cells(f"sqlite:///{tmp_path / 'dense.db'}", frame)
    # With no slots to spare the keys (≈ 53 months × 17 × 32 × 3 × 4 × 3) outnumber the 5,000 records:
    # the hashing path, taken by files spanning decades.
    monkeypatch.setattr(store_cells, "DENSE_CELL_SLOTS", 0)
    pd.testing.assert_frame_equal(stored_cells(f"sqlite:///{tmp_path / 'hashed.db'}", frame), dense, check_exact=True)


def test_cells_keep_missing_breakdowns_as_their_own_cells(store_url):
    frame = random_activities(10, seed=6).iloc[:3].copy()
    frame["date"] = pd.to_datetime(["2019-03-05", "2019-03-28", "2019-04-01"])
    frame["district_code"], frame["indicator"] = "KT01", "grants_awarded"
    frame["sex"] = pd.array(["female", None, None], dtype="str")
    frame["age_group"] = frame["disability"] = pd.array([None] * 3, dtype="str")
    frame["value"] = [1.0, 2.0, 4.0]
    cells = stored_cells(store_url, frame)
    assert cells[["date", "value", "records"]].astype(str).values.tolist() == [
        ["2019-03-01", "1.0", "1"], ["2019-03-01", "2.0", "1"], ["2019-04-01", "4.0", "1"]]
    assert cells["sex"].isna().tolist() == [False, True, True]
    assert cells["last_date"].dt.strftime("%Y-%m-%d").tolist() == ["2019-03-05", "2019-03-28", "2019-04-01"]


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_frames_make_tiny_cells(store_url, rows):
    cells = stored_cells(store_url, random_activities(5, seed=7).iloc[:rows])
    assert len(cells) == rows and list(cells.columns) == CELL_COLUMNS
