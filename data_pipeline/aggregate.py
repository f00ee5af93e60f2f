"""Aggregation of activity records per district × indicator × period (× disaggregation).

Every indicator in the registry is a count that adds up over districts and dates, so a
programme total is the sum of its district sums and a year is the sum of its months; the
property tests in ``tests/data_pipeline/test_aggregate.py`` hold the code to that.
"""

from __future__ import annotations

import pandas as pd

from data_pipeline.schemas import DISAGGREGATIONS

PERIODS = ("whole", "year", "quarter", "month")
WHOLE = "whole"


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.")


def _check_by(by: str | None) -> None:
    if by is not None and by not in DISAGGREGATIONS:
        raise ValueError(f"Cannot break down by {by!r}; use one of {', '.join(DISAGGREGATIONS)}.")


def period_labels(dates: pd.Series, period: str) -> pd.Series:
    """Label each date with its period: ``whole``, ``2019``, ``2019-Q2`` or ``2019-03``."""
    _check_period(period)
    dates = pd.to_datetime(dates)
    if period == WHOLE:
        return pd.Series(WHOLE, index=dates.index, dtype=object)
    if period == "year":
        return dates.dt.year.astype(str)
    if period == "quarter":
        return dates.dt.year.astype(str) + "-Q" + dates.dt.quarter.astype(str)
    return dates.dt.strftime("%Y-%m")


def aggregate(activities: pd.DataFrame, period: str = WHOLE, by: str | None = None) -> pd.DataFrame:
    """Sum of ``value`` per ``district_code, indicator, period`` (and ``by`` when given).

    Records without a value for ``by`` are counted under ``"not stated"`` so the breakdown
    still adds up to the total.
    """
    _check_by(by)
    keys = ["district_code", "indicator", "period"] + ([by] if by else [])
    if activities.empty:
        return pd.DataFrame(columns=keys + ["value"]).astype({"value": float})
    frame = activities[["district_code", "indicator", "value"]].copy()
    frame["period"] = period_labels(activities["date"], period).to_numpy()
    if by:
        frame[by] = activities[by].astype(object).where(activities[by].notna(), "not stated").to_numpy()
    out = frame.groupby(keys, observed=True, sort=True)["value"].sum().reset_index()
    return out


def programme_totals(activities: pd.DataFrame, period: str = WHOLE, by: str | None = None) -> pd.DataFrame:
    """Sum of ``value`` per ``indicator, period`` (and ``by``) over all districts."""
    per_district = aggregate(activities, period, by)
    keys = ["indicator", "period"] + ([by] if by else [])
    if per_district.empty:
        return pd.DataFrame(columns=keys + ["value"]).astype({"value": float})
    return per_district.groupby(keys, sort=True)["value"].sum().reset_index()


def attach_targets(table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Add ``target`` and ``achievement_pct`` to a per-district (or programme) table.

    A district row takes its own district target for that period; a row without
    ``district_code`` (programme totals) takes the programme-wide target. Targets of
    another period granularity do not apply (a yearly target says nothing of a month).
    """
    out = table.copy()
    per_district = "district_code" in out.columns
    if targets.empty:
        out["target"] = float("nan")
    else:
        wanted = targets[targets["district_code"].notna()] if per_district else targets[targets["district_code"].isna()]
        keys = ["indicator", "period"] + (["district_code"] if per_district else [])
        summed = wanted.groupby(keys, dropna=False)["target"].sum().reset_index()
        out = out.merge(summed, on=keys, how="left")
    out["achievement_pct"] = (out["value"] / out["target"] * 100).where(out["target"] > 0)
    return out
