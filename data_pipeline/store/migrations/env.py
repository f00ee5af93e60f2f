"""Alembic's environment for the store's migrations (``data_pipeline.store.schema`` runs them).

The store passes its own connection, already inside a write transaction that holds the lock, as
``config.attributes["connection"]``: every revision then runs in that one transaction (transactional DDL on
PostgreSQL and SQLite), so a failed upgrade leaves the store as it was.

A developer writing a revision runs Alembic's own command against a scratch store, e.g.
``alembic -c data_pipeline/store/migrations/alembic.ini -x store=sqlite:////tmp/scratch.db revision
--autogenerate -m "what changes"`` (without ``-x store=``: ``DASHBOARD_STORE_URL`` or the default store).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from data_pipeline import settings
from data_pipeline.store.tables import metadata


def run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                      render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("The store's revisions inspect the database they upgrade: run them against it "
                     "(python -m data_pipeline migrate), not as SQL text (--sql).")

given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    url = context.get_x_argument(as_dictionary=True).get("store") or settings.store_url()
    engine = sa.create_engine(url)
    try:
        with engine.begin() as own:
            run(own)
    finally:
        engine.dispose()
