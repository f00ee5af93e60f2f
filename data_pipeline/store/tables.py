"""The store's SQL tables (SQLAlchemy Core) and the kinds of their columns.

Records of a kind keep the canonical columns of ``data_pipeline.reference.schemas``; activities are kept
as Arrow blobs (``activity_blobs``) and summed per monthly cell (``CELL_FIELDS``, blobs too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

import sqlalchemy as sa

from data_pipeline.reference.schemas import (ACTIVITY_COLUMNS, DATE, FLOAT, INT, KIND_ACTIVITIES, KINDS,
                                             TABLES, TEXT, Column)

# The layout's history is kept as Alembic revisions (``data_pipeline/store/migrations/``, run by
# ``data_pipeline.store.schema``): a change to the tables below goes with a new revision that makes it, and
# ``tests/data_pipeline/store/test_migrations.py`` fails when the revisions and these tables differ.
# ``schema_version`` is the hand-kept counter that came before (1 → 2: SQL cells; 2 → 3: activity and cell
# blobs); it stays at 3, so code from before Alembic refuses a store only when a revision raises it.


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    """``TEXT``, ``FLOAT``, ``INT`` or ``DATE`` (``reference.schemas``' column types)."""
    sql_type: sa.types.TypeEngine
    nullable: bool = False


def _sql_type(column: Column) -> sa.types.TypeEngine:
    """The SQL type of a declared column: text up to its ``max_length`` (any length when none)."""
    if column.dtype == TEXT:
        return sa.String(column.max_length) if column.max_length else sa.Text()
    return {FLOAT: sa.Float(), INT: sa.Integer(), DATE: sa.Date()}[column.dtype]


FIELDS: dict[str, tuple[Field, ...]] = {
    kind: tuple(Field(column.name, column.dtype, _sql_type(column), column.nullable) for column in table.columns)
    for kind, table in TABLES.items()
}
"""Each kind's columns as stored, from the one declaration of the table (``reference.schemas.TABLES``)."""


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps them as naive UTC text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # INTEGER PRIMARY KEY = SQLite's rowid

metadata = sa.MetaData()

schema_version_table = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
)

submissions_table = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("uploaded_at", UTCDateTime, nullable=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.CheckConstraint("kind IN ('activities', 'targets', 'funding')", name="ck_submissions_kind"),
    sa.Index("ix_submissions_sha256_kind", "sha256", "kind"),
)


def _record_table(kind: str) -> sa.Table:
    return sa.Table(
        kind, metadata,
        sa.Column("id", _ROW_ID, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        *(sa.Column(f.name, f.sql_type, nullable=f.nullable) for f in FIELDS[kind]),
        # Reads select a version's rows by submission; the index also keeps each file's rows in order.
        sa.Index(f"ix_{kind}_submission_id", "submission_id"),
    )


record_tables: dict[str, sa.Table] = {kind: _record_table(kind) for kind in KINDS}

activity_blobs_table = sa.Table(
    "activity_blobs", metadata,
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
    sa.Column("part", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),  # Arrow IPC file (zstd) of the part's canonical columns
)

versions_table = sa.Table(
    "versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
)

version_submissions_table = sa.Table(
    "version_submissions", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
    sa.Index("ix_version_submissions_submission_id", "submission_id"),
)

active_version_table = sa.Table(
    "active_version", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=True),
    sa.CheckConstraint("id = 1", name="ck_active_version_single_row"),
)

CELL_KEYS = ("district_code", "indicator", "month", "sex", "age_group", "disability")
"""What a monthly cell is keyed by (``month``: the first day of the month)."""
CELL_COLUMNS = ACTIVITY_COLUMNS + ["records", "first_date", "last_date"]
"""Columns of ``Store.activity_cells``: the activity columns (one row per cell), ``records`` (how many
records the cell sums) and the earliest and latest record's date."""


def _cell_blobs_table(name: str, owner: str, owner_table: str) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column(owner, sa.Integer, sa.ForeignKey(f"{owner_table}.id"), primary_key=True, autoincrement=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),  # Arrow IPC file (zstd) of the cells
    )


# Cells of each activities submission, summed from its frame when it is stored; a version's cells
# are summed from its submissions' cells when the version is made (one blob read per dashboard load).
submission_cells_table = _cell_blobs_table("activity_submission_cell_blobs", "submission_id", "submissions")
version_cells_table = _cell_blobs_table("activity_version_cell_blobs", "version_id", "versions")


# Failed editor sign-ins, counted per key (a hashed account name or client address) where no client
# message can reach them: shared by every server process and replica, kept across restarts.
sign_in_failures_table = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # SHA-256 hex: no typed name or address is kept
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_attempt", sa.Float, nullable=False),  # seconds since the epoch
)
SIGN_IN_MEMORY_SECONDS = 24 * 3600
"""A key's count is forgotten this long after its last attempt (bounds the table's size)."""


_ACTIVITY_FIELDS = {field.name: field for field in FIELDS[KIND_ACTIVITIES]}
# The cell columns shared with activities take their definitions, so their kinds cannot drift apart.
CELL_FIELDS = (
    _ACTIVITY_FIELDS["district_code"],
    _ACTIVITY_FIELDS["indicator"],
    Field("month", DATE, sa.Date()),
    _ACTIVITY_FIELDS["sex"],
    _ACTIVITY_FIELDS["age_group"],
    _ACTIVITY_FIELDS["disability"],
    _ACTIVITY_FIELDS["value"],
    Field("records", INT, sa.BigInteger()),
    Field("first_date", DATE, sa.Date()),
    Field("last_date", DATE, sa.Date()),
)

