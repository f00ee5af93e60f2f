"""Named points inside a store write, for tests that stop a process there (a test-only seam).

Each write calls :func:`reached` at the points in ``POINTS``; it does nothing. A test replaces it
in a child process (``checkpoints.reached = stop_here``) that then kills itself at a chosen point,
and checks what a crash there leaves behind: nothing of the write (any point before the commit) or
all of it (after). The product never replaces it. Imports nothing.
"""

from __future__ import annotations

POINTS = ("rows written", "before commit", "after commit")
"""In order: a part of a file's rows is written (inside the transaction); everything is written and the
transaction is about to commit; the transaction has committed."""


def reached(point: str) -> None:
    """Called by a write at ``point`` (one of ``POINTS``); does nothing unless a test replaced it."""
