"""Shared by the data pipeline's tests: a demo Dataset built in memory (no store)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from data_pipeline.analysis.dataset import Dataset
from data_pipeline.analysis.demo import demo_activities, demo_funding, demo_targets
from data_pipeline.store import SubmissionInfo, VersionInfo

CREATED = datetime(2026, 3, 1, 12, 0)


def demo_dataset(activities: pd.DataFrame | None = None) -> Dataset:
    """The demo generator's records (or ``activities``), their targets and funding as version 3, demo."""
    activities = demo_activities() if activities is None else activities
    submission = SubmissionInfo(1, "demo-activities", "0" * 64, "activities", True, "tester", CREATED, 1)
    version = VersionInfo(3, CREATED, "tester", True, "", None, True, (submission,))
    return Dataset(version, None, activities, demo_targets(activities), demo_funding())


@pytest.fixture(scope="module")
def demo() -> Dataset:
    """``demo_dataset()``, once per module."""
    return demo_dataset()
