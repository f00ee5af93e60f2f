"""Data-quality findings on a data set, for the Data & sources page and the export.

Plain checks over the canonical tables that a reader of the figures should know about:
totals that differ from the published ones, districts without records, records outside
the programme's years, and how much of the data breaks down by sex, age and disability.
Each finding is a structured fact (its check, an English message template kept for the catalog,
and the template's values); ``data_pipeline.presentation.tables.quality_table`` words it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_pipeline.analysis.reconcile import STATUS_DIFFERS
from data_pipeline.reference.messages import mark as _
from data_pipeline.reference.registry import PROGRAMME_PERIODS, indicator
from data_pipeline.reference.schemas import DISAGGREGATIONS

FINDING_COLUMNS = ["check", "message", "params"]
_CATEGORIES = {"sex": _("sex"), "age_group": _("age group"), "disability": _("disability")}


def quality_findings(activities: pd.DataFrame, district_codes: tuple[str, ...],
                     reconciliation: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per finding: ``check``, ``message`` (an English template, a catalog msgid) and
    ``params``, the template's values: ``count`` (a number), ``share`` (a percentage), ``first``
    and ``last`` (ISO dates), ``category`` (a msgid), ``districts`` (codes) and ``labels`` (msgids).

    ``district_codes`` are the districts in view (a district among them without a record is
    reported); ``reconciliation`` is ``reconcile.reconcile``'s table (untranslated), if already computed.
    """
    rows: list[tuple[str, str, dict]] = []
    if activities.empty:
        return pd.DataFrame([("records", _("No activity records in view."), {})], columns=FINDING_COLUMNS)
    # Monthly cells (``Store.activity_cells``) stand for ``records`` records each, dated first to last.
    cells = "records" in activities
    weights = activities["records"] if cells else pd.Series(1, index=activities.index)
    first, last = (activities["first_date"], activities["last_date"]) if cells else (activities["date"],) * 2
    rows.append(("records", _("{count} activity records from {first} to {last}."),
                 {"count": int(weights.sum()), "first": f"{first.min():%Y-%m-%d}", "last": f"{last.max():%Y-%m-%d}"}))
    present = set(activities["district_code"].unique())  # ~16 distinct codes, not one per row
    missing = tuple(c for c in district_codes if c not in present)
    if missing:
        rows.append(("coverage", _("No records for {count} district(s) in view: {names}."),
                     {"count": len(missing), "districts": missing}))
    outside = _outside_programme_years(activities, weights)
    if outside:
        rows.append(("dates", _("{count} records are dated outside their programme's years."), {"count": outside}))
    for by in DISAGGREGATIONS:
        share = weights[activities[by].notna()].sum() / weights.sum() * 100
        sentence = (_("{share} of records state {category}.") if share == 100 else
                    _("{share} of records state {category}; the others count as “not stated”."))
        rows.append(("breakdown", sentence, {"share": float(share), "category": _CATEGORIES[by]}))
    if reconciliation is not None and not reconciliation.empty:
        differs = reconciliation[reconciliation["status"] == STATUS_DIFFERS]
        if differs.empty:
            rows.append(("reconciliation", _("Every district sum agrees with its published total."), {}))
        else:
            rows.append(("reconciliation", _("{count} district sum(s) differ from the published total: {names}."),
                         {"count": len(differs), "labels": tuple(differs["label"])}))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _outside_programme_years(activities: pd.DataFrame, weights: pd.Series) -> int:
    # Programme years per distinct indicator (a dozen), taken back onto the rows by code:
    # no Python per row, which at millions of records (or 400k monthly cells) took seconds.
    codes, indicator_ids = pd.factorize(activities["indicator"])
    spans = [PROGRAMME_PERIODS[indicator(i).programme] for i in indicator_ids]
    first = np.array([s[0] for s in spans], dtype=np.int64)[codes]
    last = np.array([s[1] for s in spans], dtype=np.int64)[codes]
    years = _years(activities["date"])
    return int(weights[(years < first) | (years > last)].sum())


def _years(dates: pd.Series) -> np.ndarray:
    """Calendar year of each date, as int64 (dates repeat: each distinct one is converted once)."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        codes, uniques = pd.factorize(dates)
        return pd.DatetimeIndex(pd.to_datetime(uniques)).year.to_numpy(np.int64)[codes]
    return dates.dt.year.to_numpy(np.int64)
