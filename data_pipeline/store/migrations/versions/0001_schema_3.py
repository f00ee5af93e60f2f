"""The store's layout as the hand-kept counter left it (``schema_version`` = 3): the first revision.

Frozen here as it was on 2026-12-03, apart from ``data_pipeline.store.tables`` (which later revisions
change): the tests check that this revision followed by the later ones gives exactly ``tables.metadata``.

Each table is created only when it is missing, so the revision also adopts stores made before Alembic:
- schema 3 (the previous code): every table is there (``sign_in_failures`` is added when missing, as that
  code did on opening); nothing is rebuilt, the store is only stamped with this revision;
- schemas 1 and 2: the blob tables are added, activities kept as SQL rows stay and are read as such, and
  each version's monthly cells are computed when first read; schema 2's SQL cell tables are left alone.
``schema_version`` is set to 3: code from before Alembic still opens the store, and refuses it once a
later revision sets a higher number (a revision that such code cannot read must set 4 or more).

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LEGACY_SCHEMA_VERSION = 3

frozen = sa.MetaData()

sa.Table('schema_version', frozen,
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('version')
)
sa.Table('sign_in_failures', frozen,
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_attempt', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
)
sa.Table('submissions', frozen,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by', sa.Text(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('activities', 'targets', 'funding')", name='ck_submissions_kind'),
    sa.PrimaryKeyConstraint('id')
)
sa.Index('ix_submissions_sha256_kind', frozen.tables['submissions'].c.sha256, frozen.tables['submissions'].c.kind)
sa.Table('versions', frozen,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['versions.id'], ),
    sa.PrimaryKeyConstraint('id')
)
sa.Table('active_version', frozen,
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('id = 1', name='ck_active_version_single_row'),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ),
    sa.PrimaryKeyConstraint('id')
)
sa.Table('activities', frozen,
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=8), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('sex', sa.String(length=16), nullable=True),
    sa.Column('age_group', sa.String(length=16), nullable=True),
    sa.Column('disability', sa.String(length=8), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.PrimaryKeyConstraint('id')
)
sa.Index('ix_activities_submission_id', frozen.tables['activities'].c.submission_id)
sa.Table('activity_blobs', frozen,
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.PrimaryKeyConstraint('submission_id', 'part')
)
sa.Table('activity_submission_cell_blobs', frozen,
    sa.Column('submission_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.PrimaryKeyConstraint('submission_id')
)
sa.Table('activity_version_cell_blobs', frozen,
    sa.Column('version_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ),
    sa.PrimaryKeyConstraint('version_id')
)
sa.Table('funding', frozen,
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.String(length=64), nullable=False),
    sa.Column('objective', sa.Text(), nullable=False),
    sa.Column('component', sa.Text(), nullable=True),
    sa.Column('donor', sa.Text(), nullable=True),
    sa.Column('required', sa.Float(), nullable=True),
    sa.Column('received', sa.Float(), nullable=False),
    sa.Column('currency', sa.String(length=8), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.PrimaryKeyConstraint('id')
)
sa.Index('ix_funding_submission_id', frozen.tables['funding'].c.submission_id)
sa.Table('targets', frozen,
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('district_code', sa.String(length=8), nullable=True),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.PrimaryKeyConstraint('id')
)
sa.Index('ix_targets_submission_id', frozen.tables['targets'].c.submission_id)
sa.Table('version_submissions', frozen,
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ),
    sa.PrimaryKeyConstraint('version_id', 'submission_id')
)
sa.Index('ix_version_submissions_submission_id', frozen.tables['version_submissions'].c.submission_id)


def upgrade() -> None:
    bind = op.get_bind()
    frozen.create_all(bind, checkfirst=True)
    schema_version = frozen.tables["schema_version"]
    found = bind.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
    if found is None:
        bind.execute(schema_version.insert().values(version=LEGACY_SCHEMA_VERSION))
    elif found < LEGACY_SCHEMA_VERSION:
        bind.execute(schema_version.update().values(version=LEGACY_SCHEMA_VERSION))
    active_version = frozen.tables["active_version"]
    if bind.execute(sa.select(active_version.c.id)).first() is None:
        bind.execute(active_version.insert().values(id=1, version_id=None))


def downgrade() -> None:
    raise NotImplementedError("The first revision has nothing to go back to: restore a backup (pg_dump) instead.")
