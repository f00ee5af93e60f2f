"""Publishes a large activity table and stops mid-transaction, so a test can SIGKILL it there.

Run as ``python tests/data_pipeline/store_kill_helper.py STORE_URL ROWS``. After two parts of
rows are written (inside the publish transaction) it prints ``READY`` and sleeps; the test kills it
then and checks that the store still shows the previous version, intact.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from data_pipeline import store as store_module
from data_pipeline.registry import INDICATOR_IDS
from data_pipeline.store import Store, SubmissionInput
from geo.gazetteer import PROGRAMME_CODES


def large_activity_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A canonical activity table of ``rows`` rows (made fast, without pandera, for size)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "date": (np.datetime64("2016-01-01") + rng.integers(0, 1800, rows).astype("timedelta64[D]"))
        .astype("datetime64[ns]"),
        "district_code": pd.array(rng.choice(PROGRAMME_CODES, rows), dtype="str"),
        "indicator": pd.array(rng.choice(INDICATOR_IDS, rows), dtype="str"),
        "value": rng.integers(0, 40, rows).astype(float),
        "sex": pd.array(rng.choice(["female", "male", None], rows), dtype="str"),
        "age_group": pd.array(rng.choice(["18-29", "30-44", None], rows), dtype="str"),
        "disability": pd.array(rng.choice(["yes", "no", None], rows), dtype="str"),
        "notes": pd.array([None] * rows, dtype="str"),
        "source_row": np.arange(2, rows + 2),
    })


def main(url: str, rows: int) -> None:
    store = Store(url)
    store_module._BLOB_PART_ROWS = store_module._CHUNK_ROWS  # several blobs, so the kill lands between two
    frame = large_activity_frame(rows)

    def stop_mid_publish(written: int) -> None:
        if written >= 2 * store_module._CHUNK_ROWS:
            print("READY", flush=True)
            time.sleep(120)  # the test kills the process long before this ends

    store._after_chunk = stop_mid_publish
    store.publish([SubmissionInput("large.csv", "f" * 64, "activities", frame, is_demo=False)],
                  created_by="kill-test")
    print("FINISHED", flush=True)  # only reached if nobody killed us: the test then fails


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
