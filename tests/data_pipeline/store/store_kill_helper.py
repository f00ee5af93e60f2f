"""Publishes an activity table and kills itself (SIGKILL) at a chosen point of the write.

Run as ``python tests/data_pipeline/store/store_kill_helper.py STORE_URL ROWS POINT``, POINT one of
``data_pipeline.store.checkpoints.POINTS``. The process stops there as a crash or a power cut would:
no exception handler, no ``finally``, no rollback runs. The test then opens the store and checks the
one outcome that point allows.
"""

from __future__ import annotations

import os
import signal
import sys

from data_pipeline.store import Store, SubmissionInput, checkpoints
from tests.data_pipeline.frames import random_activities


def main(url: str, rows: int, point: str) -> None:
    if point not in checkpoints.POINTS:
        raise SystemExit(f"POINT must be one of {checkpoints.POINTS}, not {point!r}")
    store = Store(url)
    frame = random_activities(rows, seed=7)

    def stop_here(reached: str) -> None:
        if reached == point:
            os.kill(os.getpid(), signal.SIGKILL)

    checkpoints.reached = stop_here  # after Store(): opening the store writes too
    store.publish([SubmissionInput("large.csv", "f" * 64, "activities", frame, is_demo=False)],
                  created_by="kill-test")
    print("FINISHED", flush=True)  # only reached if the point never came: the test then fails


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
