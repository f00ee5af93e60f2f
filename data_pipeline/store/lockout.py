"""Failed editor sign-ins counted in the store, so every server process and replica shares the lockout."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from data_pipeline.store.database import Database
from data_pipeline.store.tables import SIGN_IN_MEMORY_SECONDS, sign_in_failures_table


class SignInLockout(Database):
    """The sign-in lockout's counts (``data_pipeline.store.editors`` holds the rules that use them)."""

    def claim_sign_in_attempt(self, keys: Sequence[str], now: float, *, max_failures: int,
                              lockout_seconds: float) -> float:
        """Count one sign-in attempt against every key, unless one of them is locked; returns 0 when
        the attempt may go ahead (and was counted), else the seconds to wait (nothing counted).

        A key is locked once it holds ``max_failures`` attempts, until ``lockout_seconds`` after its
        last one; each attempt after that locks it again, until ``clear_sign_in_failures``. The check
        and the count are one write transaction, so parallel attempts cannot all see a free key.
        """
        t = sign_in_failures_table
        with self._errors("check the sign-in lockout"), self._write() as conn:
            if conn.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises writers
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7305120420)"))
            conn.execute(t.delete().where(t.c.last_attempt < now - SIGN_IN_MEMORY_SECONDS))
            held = {row.key: row for row in conn.execute(sa.select(t).where(t.c.key.in_(list(keys))))}
            wait = max((row.last_attempt + lockout_seconds - now for row in held.values()
                        if row.failures >= max_failures), default=0.0)
            if wait > 0:
                return wait
            for key in dict.fromkeys(keys):
                if key in held:
                    conn.execute(t.update().where(t.c.key == key)
                                 .values(failures=t.c.failures + 1, last_attempt=now))
                else:
                    conn.execute(t.insert().values(key=key, failures=1, last_attempt=now))
        return 0.0

    def clear_sign_in_failures(self, keys: Sequence[str]) -> None:
        """Forget the attempts counted against ``keys`` (after a successful sign-in)."""
        t = sign_in_failures_table
        with self._errors("reset the sign-in lockout"), self._write() as conn:
            conn.execute(t.delete().where(t.c.key.in_(list(keys))))
