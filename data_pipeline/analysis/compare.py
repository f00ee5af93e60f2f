"""One district beside the others: its value, target, the programme median and its rank."""

from __future__ import annotations

import pandas as pd

COMPARISON_COLUMNS = ["indicator", "indicator_label", "unit", "value", "target", "achievement_pct",
                      "median", "rank", "districts_reporting", "source"]


def district_comparison(table: pd.DataFrame, code: str) -> pd.DataFrame:
    """Per indicator: district ``code``'s value and target beside the median of every
    district in ``table`` and its rank (1 = highest value).

    ``table``: ``dataset.indicator_table`` of the whole period (one row per district and
    indicator). Districts with no records count as no data, not as zero, so the median
    and rank are over the districts reporting. Columns: ``COMPARISON_COLUMNS``; ``rank`` is a
    number, of ``districts_reporting`` (``presentation.tables.comparison_table`` words it ``3 of 16``).
    """
    if table.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    grouped = table.groupby("indicator", sort=False)
    stats = pd.DataFrame({
        "median": grouped["value"].median(),
        "districts_reporting": grouped["district_code"].nunique(),
    })
    ranks = grouped["value"].rank(method="min", ascending=False)
    mine = table.assign(_rank=ranks)[table["district_code"] == code].set_index("indicator")
    out = mine.join(stats)
    out["rank"] = out["_rank"].astype(int)
    return out.reset_index()[COMPARISON_COLUMNS]
