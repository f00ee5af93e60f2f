"""Who was reached and since when, for the filters in view: breakdowns by sex, age group and
disability with the share that states none, and cumulative series per period against the target.

The filters decide the scope (the whole programme, a region, or the districts chosen): every function
takes a filtered ``Dataset`` (``dataset.apply_filters``). A series' target is the one the Overview and
the Map compare with (``dataset.programme_targets_for_view``: the targets of the years in view), so a
line ends against the same target as the "% of target" beside it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from data_pipeline.analysis.aggregate import NOT_STATED, WHOLE, period_labels, programme_totals
from data_pipeline.analysis.dataset import Dataset, apply_filters, programme_targets_for_view
from data_pipeline.reference.registry import INDICATORS
from data_pipeline.reference.schemas import DISAGGREGATIONS
from geo.gazetteer import PROGRAMME_DISTRICTS

BREAKDOWN_COLUMNS = ["indicator", "category", "value", "share_pct"]
NOT_STATED_COLUMNS = ["indicator", "records", "records_not_stated", "records_not_stated_pct", "value",
                      "value_not_stated", "value_not_stated_pct"]
SERIES_COLUMNS = ["series", "period", "value", "cumulative", "target"]
PROGRAMME = "programme"
"""The ``series`` of the programme-wide line (the filters in view, all regions together)."""
SERIES_PERIODS = ("year", "quarter", "month")
_INDICATOR_ORDER = {i.id: n for n, i in enumerate(INDICATORS)}


def _check_by(by: str) -> None:
    if by not in DISAGGREGATIONS:
        raise ValueError(f"Cannot break down by {by!r}; use one of {', '.join(DISAGGREGATIONS)}.")


def breakdown(ds: Dataset, by: str) -> pd.DataFrame:
    """Each indicator's value in view split by the categories of ``by`` (``sex``, ``age_group``,
    ``disability``), records that state none under ``"not stated"``; ``share_pct`` is the category's
    share of the indicator's value (empty when that is 0). Categories in the schema's order, "not
    stated" last; indicators in the registry's order. Columns: ``BREAKDOWN_COLUMNS``."""
    _check_by(by)
    totals = programme_totals(ds.activities, WHOLE, by)
    if totals.empty:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS).astype({"value": float, "share_pct": float})
    out = totals.rename(columns={by: "category"})[["indicator", "category", "value"]]
    whole = out.groupby("indicator")["value"].transform("sum")
    out["share_pct"] = (out["value"] / whole * 100).where(whole > 0)
    categories = {c: n for n, c in enumerate([*DISAGGREGATIONS[by], NOT_STATED])}
    out = out.assign(_i=out["indicator"].map(_INDICATOR_ORDER), _c=out["category"].map(categories).fillna(-1))
    return out.sort_values(["_i", "_c"])[BREAKDOWN_COLUMNS].reset_index(drop=True)


def not_stated(ds: Dataset, by: str) -> pd.DataFrame:
    """Per indicator in view: how many records (monthly cells count the records they sum) and how much of
    the value state no ``by``, and their shares in %. Columns: ``NOT_STATED_COLUMNS``."""
    _check_by(by)
    activities = ds.activities
    if activities.empty:
        return pd.DataFrame(columns=NOT_STATED_COLUMNS)
    records = activities["records"].to_numpy(dtype=float) if "records" in activities else np.ones(len(activities))
    missing = activities[by].isna().to_numpy()
    value = activities["value"].to_numpy(dtype=float)
    frame = pd.DataFrame({"indicator": activities["indicator"].astype(str).to_numpy(), "records": records,
                          "records_not_stated": np.where(missing, records, 0.0), "value": value,
                          "value_not_stated": np.where(missing, value, 0.0)})
    out = frame.groupby("indicator", as_index=False).sum()
    out["records_not_stated_pct"] = (out["records_not_stated"] / out["records"] * 100).where(out["records"] > 0)
    out["value_not_stated_pct"] = (out["value_not_stated"] / out["value"] * 100).where(out["value"] > 0)
    for column in ("records", "records_not_stated"):
        out[column] = out[column].round().astype("int64")
    out = out.assign(_i=out["indicator"].map(_INDICATOR_ORDER)).sort_values("_i")
    return out[NOT_STATED_COLUMNS].reset_index(drop=True)


def cumulative(values: pd.Series) -> pd.Series:
    """The running total of ``values`` in their order (missing values count as 0)."""
    return values.fillna(0).astype(float).cumsum()


def periods_between(first: pd.Timestamp, last: pd.Timestamp, period: str) -> list[str]:
    """Every period label (``2019``, ``2019-Q2``, ``2019-03``) from ``first``'s to ``last``'s, in order."""
    _check_period(period)
    frequency = {"year": "Y", "quarter": "Q", "month": "M"}[period]
    spans = pd.period_range(pd.Timestamp(first).to_period(frequency), pd.Timestamp(last).to_period(frequency))
    return list(period_labels(pd.Series(spans.start_time), period))


def _check_period(period: str) -> None:
    if period not in SERIES_PERIODS:
        raise ValueError(f"Unknown period {period!r}; use one of {', '.join(SERIES_PERIODS)}.")


def regions_in_view(ds: Dataset) -> list[str]:
    """The regions of the districts the filters keep, in gazetteer order."""
    codes = set(ds.filters.district_codes())
    return list(dict.fromkeys(d.region for d in PROGRAMME_DISTRICTS if d.code in codes))


def cumulative_series(ds: Dataset, indicator_id: str, period: str = "year", by_region: bool = False) -> pd.DataFrame:
    """The indicator's value per period (every period from the first record in view to the last, empty
    ones as 0) and its running total, for the filters in view (``series`` = ``PROGRAMME``) or, with
    ``by_region``, one series per region in view (``series`` = the region's code).

    ``target`` is the series' target for the years in view as the Overview and Map compute it
    (``programme_targets_for_view``), the same on every row; empty when none is recorded for the view.
    Columns: ``SERIES_COLUMNS``.
    """
    _check_period(period)
    rows = ds.activities[ds.activities["indicator"] == indicator_id]
    if rows.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS).astype({"value": float, "cumulative": float, "target": float})
    dates = pd.to_datetime(rows["date"])
    periods = periods_between(dates.min(), dates.max(), period)
    scopes = ([(region, apply_filters(ds, replace(ds.filters, regions=(region,)))) for region in regions_in_view(ds)]
              if by_region else [(PROGRAMME, ds)])
    frames = []
    for name, scoped in scopes:
        totals = programme_totals(scoped.activities[scoped.activities["indicator"] == indicator_id], period)
        values = totals.set_index("period")["value"].reindex(periods).fillna(0.0)
        targets = programme_targets_for_view(scoped)
        target = targets.loc[targets["indicator"] == indicator_id, "target"]
        frames.append(pd.DataFrame({"series": name, "period": periods, "value": values.to_numpy(dtype=float),
                                    "cumulative": cumulative(values).to_numpy(),
                                    "target": float(target.sum()) if len(target) else float("nan")}))
    return pd.concat(frames, ignore_index=True)[SERIES_COLUMNS]
