"""Aggregation of activity records per district × indicator × period (× disaggregation).

Every indicator in the registry is a count that adds up over districts and dates, so a
programme total is the sum of its district sums and a year is the sum of its months; the
property tests in ``tests/data_pipeline/analysis/test_aggregate.py`` hold the code to that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_pipeline.reference.grouping import group_rows, ranked_codes
from data_pipeline.reference.schemas import DISAGGREGATIONS

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
    if period == WHOLE:
        return pd.Series(WHOLE, index=dates.index, dtype=object)
    # Dates repeat (monthly cells carry a few dozen months; records a few thousand days): label
    # each distinct date once and take the labels back by code, instead of formatting every row.
    codes, uniques = pd.factorize(dates, sort=True)
    labels = _labels(pd.DatetimeIndex(pd.to_datetime(uniques)), period)
    taken = labels[np.where(codes < 0, 0, codes)] if len(labels) else np.full(len(codes), None, dtype=object)
    if (codes < 0).any():  # a missing date has no period
        taken[codes < 0] = np.nan
    return pd.Series(taken, index=dates.index, dtype=str)


def _labels(dates: pd.DatetimeIndex, period: str) -> np.ndarray:
    if period == "year":
        return dates.year.astype(str).to_numpy(dtype=object)
    if period == "quarter":
        return (dates.year.astype(str) + "-Q" + dates.quarter.astype(str)).to_numpy(dtype=object)
    return dates.strftime("%Y-%m").to_numpy(dtype=object)


def aggregate(activities: pd.DataFrame, period: str = WHOLE, by: str | None = None) -> pd.DataFrame:
    """Sum of ``value`` per ``district_code, indicator, period`` (and ``by`` when given).

    Records without a value for ``by`` are counted under ``"not stated"`` so the breakdown
    still adds up to the total.
    """
    _check_by(by)
    keys = ["district_code", "indicator", "period"] + ([by] if by else [])
    if activities.empty:
        return pd.DataFrame(columns=keys + ["value"]).astype({"value": float})
    # The dashboard aggregates on every rerun: grouping on one int64 key made from the sorted codes
    # of each key column (``grouping.group_rows``, as the store's cells) is several times faster than
    # grouping on string columns, and gives the same groups, order and sums (pandas sums each group's
    # rows in the same order).
    periods = ((np.zeros(len(activities), dtype=np.int64), pd.Index([WHOLE], dtype=object)) if period == WHOLE
               else _sorted_codes(period_labels(activities["date"], period)))
    columns = [_sorted_codes(activities["district_code"]), _sorted_codes(activities["indicator"]), periods]
    if by:
        columns.append(_sorted_codes(activities[by], missing=NOT_STATED))
    codes = [column_codes for column_codes, _ in columns]
    labels = [column_labels for _, column_labels in columns]
    kept = np.logical_and.reduce([column_codes >= 0 for column_codes in codes])  # no district, indicator or date
    groups = group_rows([column_codes[kept] for column_codes in codes], [max(len(values), 1) for values in labels])
    sums = pd.Series(activities["value"].to_numpy()[kept]).groupby(groups.rows).sum().reindex(groups.order)
    out = pd.DataFrame({key: values.take(group_codes).to_numpy()  # plain arrays: dtypes inferred as before
                        for key, values, group_codes in zip(keys, labels, groups.keys)})
    out["value"] = sums.to_numpy()
    return out


NOT_STATED = "not stated"


def _sorted_codes(values: pd.Series, missing: str | None = None) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``values`` numbered in sorted order of the distinct values, and those values.

    Missing values get code -1, or the code of ``missing`` when given (as a value of its own).
    """
    codes, uniques = pd.factorize(values)
    labels = pd.Index(uniques)
    if missing is not None and (codes < 0).any():
        if missing not in labels:
            labels = labels.astype(object).append(pd.Index([missing], dtype=object))
        codes = np.where(codes < 0, labels.get_loc(missing), codes)
    order = labels.argsort()
    return ranked_codes(codes, order), labels.take(order)


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
