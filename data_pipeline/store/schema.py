"""The store's layout, by Alembic revision (``data_pipeline/store/migrations/``): what a database holds, and
bringing it to the revision this code reads.

A store is at one of:
- **current**: stamped with ``HEAD_REVISION``; opened as it is (the only case that writes nothing);
- **empty**: none of the store's tables; made at the newest revision when first opened (as before);
- **previous code's**: ``schema_version`` = 3 and no revision (made before Alembic): recognised and stamped
  with the first revision when opened (tables missing from it, such as ``sign_in_failures``, are added;
  nothing is rebuilt);
- **behind**: an older revision, or ``schema_version`` 1 or 2 (before the activity blobs): upgraded by
  ``python -m data_pipeline migrate``, or when opened if ``DASHBOARD_MIGRATE_ON_START`` allows; otherwise
  opening it says which command to run;
- **ahead**: a revision this code does not know, or ``schema_version`` above 3: written by newer code,
  refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_pipeline.store.tables import metadata

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
HEAD_REVISION = "0001"
"""The newest revision in ``migrations/versions`` (read when a store is opened, without loading Alembic;
``tests/data_pipeline/store/test_migrations.py`` fails when it is not Alembic's head)."""
LEGACY_SCHEMA_VERSION = 3
"""The last value of the hand-kept ``schema_version`` counter that came before Alembic."""
ALEMBIC_TABLE = "alembic_version"
MIGRATE_COMMAND = "python -m data_pipeline migrate"

CURRENT, CREATE, STAMP, UPGRADE, AHEAD = "current", "create", "stamp", "upgrade", "ahead"


@dataclass(frozen=True)
class SchemaState:
    """What a database holds: its Alembic revision, the legacy counter, whether any store table exists."""

    revision: str | None
    legacy_version: int | None
    has_store_tables: bool

    @property
    def action(self) -> str:
        """``CURRENT``, ``CREATE``, ``STAMP``, ``UPGRADE`` or ``AHEAD`` (see the module's docstring)."""
        if self.revision is not None:
            if self.revision == HEAD_REVISION:
                return CURRENT
            return UPGRADE if self.revision in known_revisions() else AHEAD
        if self.legacy_version is None:
            return UPGRADE if self.has_store_tables else CREATE
        if self.legacy_version > LEGACY_SCHEMA_VERSION:
            return AHEAD
        return STAMP if self.legacy_version == LEGACY_SCHEMA_VERSION else UPGRADE

    def describe(self) -> str:
        if self.revision is not None:
            return f"revision {self.revision}"
        if self.legacy_version is not None:
            return f"schema version {self.legacy_version}"
        return "an incomplete layout (store tables without a schema version)"


def read_state(conn: Connection) -> SchemaState:
    """The state of the database behind ``conn`` (two queries at most)."""
    tables = set(sa.inspect(conn).get_table_names())
    revision = legacy = None
    if ALEMBIC_TABLE in tables:
        revision = conn.execute(sa.text(f"SELECT version_num FROM {ALEMBIC_TABLE}")).scalar()
    if "schema_version" in tables:
        legacy = conn.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar()
    return SchemaState(revision, legacy, bool(tables & set(metadata.tables)))


def known_revisions() -> tuple[str, ...]:
    """Every revision id in ``migrations/versions`` (from the file names, which start with the id)."""
    return tuple(sorted(path.name.split("_", 1)[0] for path in (MIGRATIONS_DIR / "versions").glob("*.py")))


def upgrade(conn: Connection, target: str = "head") -> None:
    """Run the revisions from the store's state up to ``target`` inside ``conn``'s transaction (which the
    caller holds, with the store's write lock). A store made before Alembic runs the first revision, which
    creates only the tables it lacks."""
    from alembic import command  # loaded only when a store changes: ~0.2 s
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    command.upgrade(config, target)


def alembic_head() -> str:
    """Alembic's own view of the newest revision (for tests and ``migrate --check``)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()
