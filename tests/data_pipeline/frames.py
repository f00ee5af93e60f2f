"""Canonical activity tables made by code, seeded, for the store and cells tests (and the kill helper)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_pipeline.reference.registry import INDICATOR_IDS
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS
from geo.gazetteer import PROGRAMME_CODES


def random_activities(rows: int, seed: int) -> pd.DataFrame:
    """Canonical activity records with missing breakdowns, several years and every indicator."""
    rng = np.random.default_rng(seed)

    def maybe(values):
        return pd.array(rng.choice([*values, None], rows), dtype="str")

    return pd.DataFrame({
        "date": (np.datetime64("2016-11-01") + rng.integers(0, 1600, rows).astype("timedelta64[D]"))
        .astype("datetime64[ns]"),
        "district_code": pd.array(rng.choice(PROGRAMME_CODES, rows), dtype="str"),
        "indicator": pd.array(rng.choice(INDICATOR_IDS, rows), dtype="str"),
        "value": rng.integers(0, 500, rows).astype(float),
        "sex": maybe(["female", "male"]),
        "age_group": maybe(["0-17", "18-29", "60+"]),
        "disability": maybe(["yes", "no"]),
        "notes": pd.array(rng.choice(["note", None], rows), dtype="str"),
        "source_row": np.arange(2, rows + 2),
    })[ACTIVITY_COLUMNS]
