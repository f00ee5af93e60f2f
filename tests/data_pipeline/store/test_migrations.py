"""The store's layout as Alembic revisions: the revisions make exactly ``tables.metadata``; a store written by the
code before Alembic (``schema_version`` = 3) is stamped, not rebuilt, and reads the same figures back, on SQLite
and on PostgreSQL (a store made by that very code, taken from git, read by both codes: the same versions and
exports); a store behind the code is upgraded only when asked; a store ahead of it is refused.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from data_pipeline import settings
from data_pipeline.analysis.aggregate import programme_totals
from data_pipeline.analysis.dataset import load_dataset
from data_pipeline.store import HEAD_REVISION, LEGACY_SCHEMA_VERSION, Store, StoreError, schema
from data_pipeline.store.tables import metadata
from tests.data_pipeline.store.test_store import (REPO_ROOT, activity_frame, funding_frame,  # noqa: F401 (fixtures)
                                                  postgres_database, submission, target_frame, url)


def test_head_revision_is_alembics_head():
    assert schema.alembic_head() == HEAD_REVISION
    assert HEAD_REVISION in schema.known_revisions()
    assert schema.known_revisions()[0] == schema.FIRST_REVISION


def test_the_revisions_make_exactly_the_declared_tables(url):
    Store(url).dispose()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()
    assert differences == [], "tables.py and the revisions differ: add a revision (see migrations/env.py)"


def figures(url: str) -> dict:
    """Everything a reader sees of the store: versions, records of each kind, cells and programme totals."""
    with Store(url) as store:
        read = {"versions": [(v.id, v.created_by, v.is_demo, v.parent_id, len(v.submissions)) for v in store.versions()],
                "active": store.active_version().id,
                "activities": store.activities(), "targets": store.targets(), "funding": store.funding(),
                "cells": store.activity_cells()}
    dataset = load_dataset(url, cells=True)
    read["totals"] = programme_totals(dataset.activities, "year", None)
    return read


def as_previous_code_left_it(url: str, *, without_sign_in_table: bool = False) -> None:
    """Turn a store into one written by the code before Alembic: the same tables (the test above holds the
    revisions to them) with ``schema_version`` = 3 and no ``alembic_version``; that code made
    ``sign_in_failures`` only when it opened a store, so older stores of schema 3 may lack it."""
    with _own(url) as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        if without_sign_in_table:
            conn.exec_driver_sql("DROP TABLE sign_in_failures")
        assert conn.exec_driver_sql("SELECT version FROM schema_version").scalar() == LEGACY_SCHEMA_VERSION


class _own:
    """A connection of the test's own to ``url`` (committed at the end)."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)

    def __enter__(self) -> sa.Connection:
        self._context = self.engine.begin()
        return self._context.__enter__()

    def __exit__(self, *exc) -> None:
        self._context.__exit__(*exc)
        self.engine.dispose()


def table_rows(url: str) -> dict[str, int]:
    with _own(url) as conn:
        return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in metadata.tables.items()}


def test_a_store_written_before_alembic_is_stamped_and_reads_the_same_figures(url):
    with Store(url) as store:
        store.publish([submission("a.csv", activity_frame(300, seed=21)), submission("t.csv", target_frame(), "targets"),
                       submission("f.csv", funding_frame(), "funding")], created_by="field office")
        store.publish([submission("b.csv", activity_frame(120, seed=22))], created_by="field office")
    before = figures(url)
    as_previous_code_left_it(url, without_sign_in_table=True)
    with Store(url) as store:  # the default: DASHBOARD_MIGRATE_ON_START=no
        assert store.schema_found.action == schema.STAMP
    with _own(url) as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
        assert conn.exec_driver_sql("SELECT version FROM schema_version").scalar() == LEGACY_SCHEMA_VERSION
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM sign_in_failures").scalar() == 0  # added, as before
    after = figures(url)
    assert after["versions"] == before["versions"] and after["active"] == before["active"]
    for name in ("activities", "targets", "funding", "cells", "totals"):
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)


def test_migrate_command_upgrades_a_previous_store_and_leaves_a_current_one(url):
    with Store(url) as store:
        store.publish([submission("a.csv", activity_frame(50, seed=23))], created_by="me")
    counts = table_rows(url)
    as_previous_code_left_it(url)
    env = {**os.environ, "DASHBOARD_STORE_URL": url}
    command = [sys.executable, "-m", "data_pipeline", "migrate"]
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"upgraded from schema version 3 to revision {HEAD_REVISION}" in done.stdout
    again = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    assert table_rows(url) == counts  # nothing rebuilt, nothing added


def test_a_store_behind_the_code_is_upgraded_only_when_asked(url, monkeypatch):
    Store(url).dispose()
    with _own(url) as conn:  # schema 2, as far as opening is concerned (test_cells makes real ones)
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.exec_driver_sql("UPDATE schema_version SET version = 2")
    with pytest.raises(StoreError, match=r"has schema version 2; this code reads revision .*Back the store up, "
                                         r"then upgrade it with `python -m data_pipeline migrate`.*"
                                         r"DASHBOARD_MIGRATE_ON_START=yes"):
        Store(url)
    monkeypatch.setenv("DASHBOARD_MIGRATE_ON_START", "yes")
    with Store(url) as store:
        assert store.schema_found.action == schema.UPGRADE
    monkeypatch.delenv("DASHBOARD_MIGRATE_ON_START")
    with Store(url) as store:
        assert store.schema_found.action == schema.CURRENT


def test_a_revision_this_code_does_not_know_is_refused(url):
    Store(url).dispose()
    with _own(url) as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    with pytest.raises(StoreError, match="has revision ffff, newer than this code reads"):
        Store(url, migrate=True)


@pytest.mark.parametrize("value, expected", [("yes", True), ("1", True), ("ON", True), ("no", False), ("", False)])
def test_migrate_on_start_reads_yes_or_no(monkeypatch, value, expected):
    monkeypatch.setenv("DASHBOARD_MIGRATE_ON_START", value)
    assert settings.migrate_on_start() is expected


def test_a_bad_migrate_on_start_value_says_what_is_allowed(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_MIGRATE_ON_START", "sometimes")
    with pytest.raises(StoreError, match="DASHBOARD_MIGRATE_ON_START='sometimes' is neither yes nor no"):
        Store(f"sqlite:///{tmp_path / 'store.db'}")


BEFORE_ALEMBIC = "0e8067f"
"""The last commit whose code kept the hand-kept ``schema_version`` (3) and knew nothing of Alembic."""


@pytest.fixture(scope="module")
def previous_code(tmp_path_factory):
    """The packages of the code before Alembic, from git, to write a store as that code did."""
    folder = tmp_path_factory.mktemp("before_alembic")
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", BEFORE_ALEMBIC, "data_pipeline", "geo"],
                             capture_output=True, timeout=60)
    if archive.returncode != 0:
        pytest.skip(f"commit {BEFORE_ALEMBIC} (the code before Alembic) is not in this clone's history: "
                    f"{archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True, timeout=60)
    return folder


def cli(code: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "data_pipeline", *args], cwd=code, capture_output=True, text=True,
                          timeout=180, env={**os.environ, "DASHBOARD_MIGRATE_ON_START": "no"})
    assert done.returncode == 0, f"{code}: {args}: {done.stderr}"
    return done.stdout


def test_a_store_written_by_the_code_before_alembic_reads_the_same_figures(url, previous_code):
    cli(previous_code, "demo", "--store", url)
    cli(previous_code, "demo", "--seed", "7", "--store", url)  # a second version, made by that code too
    reads = ("versions",), ("export", "--period", "year", "-o", "-"), ("export", "--by", "sex", "-o", "-")
    before = [cli(previous_code, *read, "--store", url) for read in reads]
    after = [cli(REPO_ROOT, *read, "--store", url) for read in reads]  # the first opening stamps it
    assert after[0] == before[0]
    for new, old in zip(after[1:], before[1:]):  # today's exports add columns (P-codes): the old ones agree
        new_table, old_table = pd.read_csv(io.StringIO(new)), pd.read_csv(io.StringIO(old))
        assert len(new_table) == len(old_table) > 0
        pd.testing.assert_frame_equal(new_table[list(old_table.columns)], old_table)
    with _own(url) as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
    assert [cli(previous_code, *read, "--store", url) for read in reads] == before  # and that code still reads it
