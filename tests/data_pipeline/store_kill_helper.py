"""Publishes a large activity table and stops mid-transaction, so a test can SIGKILL it there.

Run as ``python tests/data_pipeline/store_kill_helper.py STORE_URL ROWS``. After two parts of
rows are written (inside the publish transaction) it prints ``READY`` and sleeps; the test kills it
then and checks that the store still shows the previous version, intact.
"""

from __future__ import annotations

import sys
import time

from data_pipeline.store import database as store_database, versions as store_versions
from data_pipeline.store import Store, SubmissionInput
from tests.data_pipeline.frames import random_activities


def main(url: str, rows: int) -> None:
    store = Store(url)
    store_versions.BLOB_PART_ROWS = store_database.CHUNK_ROWS  # several blobs, so the kill lands between two
    frame = random_activities(rows, seed=7)

    def stop_mid_publish(written: int) -> None:
        if written >= 2 * store_database.CHUNK_ROWS:
            print("READY", flush=True)
            time.sleep(120)  # the test kills the process long before this ends

    store._after_chunk = stop_mid_publish
    store.publish([SubmissionInput("large.csv", "f" * 64, "activities", frame, is_demo=False)],
                  created_by="kill-test")
    print("FINISHED", flush=True)  # only reached if nobody killed us: the test then fails


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
