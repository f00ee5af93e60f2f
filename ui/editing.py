"""What the editor pages (Upload data, Data versions) do with the store; the one place that opens it for them.

Each change (publish, roll back, withdraw) clears the cached active version, so every page of every
session reads the new version on its next run. The publish rules themselves live in
``data_pipeline.analysis.publish_plan`` (checked before) and ``Store.publish`` (applied).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

import ui
from data_pipeline.analysis.history import totals
from data_pipeline.analysis.publish_plan import PublishPlan, plan_publish
from data_pipeline.store import PublishResult, Store, SubmissionInput, VersionInfo

_PLANS_KEY = "_upload_plans"


def versions(url: str) -> list[VersionInfo]:
    """Every version of the store at ``url``, newest first."""
    with Store(url) as store:
        return store.versions()


def activities_of(url: str, version_id: int, submission_ids: Sequence[int]) -> pd.DataFrame:
    """The activity records of version ``version_id`` that belong to ``submission_ids``."""
    with Store(url) as store:
        records = store.activities(version_id)
    return records[records["submission_id"].isin(list(submission_ids))]


def publish_plan(url: str, version_id: int | None, submissions: Sequence[SubmissionInput],
                 replacing: Sequence[int]) -> PublishPlan:
    """``plan_publish`` of ``submissions`` over the active version ``version_id``, kept for the session per
    version, files and replacements (it reads the active version's records)."""
    key = (version_id, tuple(s.sha256 for s in submissions), tuple(replacing))
    plans = st.session_state.setdefault(_PLANS_KEY, {})
    if key not in plans:
        with Store(url) as store:
            plans[key] = plan_publish(store, submissions, replacing)
    return plans[key]


def publish(url: str, submissions: Sequence[SubmissionInput], *, created_by: str, note: str,
            replacing: Sequence[int]) -> tuple[PublishResult, pd.Series | None]:
    """``Store.publish``, and the programme totals of the new version (``None`` when none was made)."""
    with Store(url) as store:
        outcome = store.publish(submissions, created_by=created_by, note=note, replacing=replacing)
        after = totals(store.activity_cells(outcome.version.id)) if outcome.version else None
    if outcome.version is not None:
        st.session_state.pop(_PLANS_KEY, None)
        ui.active_version_id.clear()
    return outcome, after


def rollback(url: str, version_id: int, *, created_by: str) -> VersionInfo:
    """``Store.rollback``: a new active version with the data of version ``version_id``."""
    with Store(url) as store:
        version = store.rollback(version_id, created_by=created_by)
    ui.active_version_id.clear()
    return version


def withdraw(url: str, submission_id: int, *, created_by: str) -> VersionInfo:
    """``Store.withdraw``: a new active version without submission ``submission_id``."""
    with Store(url) as store:
        version = store.withdraw(submission_id, created_by=created_by)
    ui.active_version_id.clear()
    return version
