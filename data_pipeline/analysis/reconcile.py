"""Reconciliation: district sums of the active data set against the published programme totals."""

from __future__ import annotations

import pandas as pd

from data_pipeline.analysis.aggregate import programme_totals
from data_pipeline.reference.published import PUBLISHED_FIGURES, PublishedFigure
from data_pipeline.reference.registry import indicator

STATUS_MATCH = "matches"
STATUS_CONSISTENT = "consistent with qualifier"
STATUS_DIFFERS = "differs"
STATUS_NO_RECORDS = "no records"

AT_LEAST = frozenset({"more than", "over", "upwards of"})
"""Qualifiers that make a published figure a lower bound."""
_AT_MOST = {"up to"}


def status_against(district_sum: float, figure: PublishedFigure, has_records: bool = True) -> str:
    """How ``district_sum`` stands against the published ``figure``, honouring its qualifier: 2,450
    is ``consistent with qualifier`` "more than 2,400"; 2,400 itself ``differs`` from it."""
    published, qualifier = figure.value, figure.qualifier
    if not has_records:
        return STATUS_NO_RECORDS
    if qualifier in AT_LEAST or qualifier in _AT_MOST:
        if (qualifier in AT_LEAST and district_sum > published) or (qualifier in _AT_MOST and district_sum <= published):
            return STATUS_CONSISTENT
        return STATUS_DIFFERS
    if district_sum == published:
        return STATUS_MATCH
    return STATUS_DIFFERS


def reconcile(activities: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with a published total: the sum of its district records, the
    published value (and qualifier such as "more than"), the difference and a status.

    Columns: ``indicator, label, district_sum, published_value, qualifier, difference,
    status, document, section``.
    """
    sums = programme_totals(activities).set_index("indicator")["value"]
    rows = []
    for figure in PUBLISHED_FIGURES:
        if not figure.indicator:
            continue
        has_records = figure.indicator in sums.index
        district_sum = float(sums.get(figure.indicator, 0.0))
        rows.append({
            "indicator": figure.indicator,
            "label": indicator(figure.indicator).label,
            "district_sum": district_sum,
            "published_value": figure.value,
            "qualifier": figure.qualifier,
            "difference": district_sum - figure.value,
            "status": status_against(district_sum, figure, has_records),
            "document": figure.document,
            "section": figure.section,
        })
    return pd.DataFrame(rows, columns=["indicator", "label", "district_sum", "published_value", "qualifier",
                                       "difference", "status", "document", "section"])
