"""One district beside the others."""

from __future__ import annotations

import math

import pandas as pd

from data_pipeline.analysis.compare import COMPARISON_COLUMNS, district_comparison
from data_pipeline.presentation.tables import comparison_table


def _table(rows):
    frame = pd.DataFrame(rows, columns=["district_code", "indicator", "value", "target"])
    return frame.assign(indicator_label=frame["indicator"].str.title(), unit="persons",
                        achievement_pct=frame["value"] / frame["target"] * 100, source="demo")


def test_median_and_rank_over_the_districts_reporting():
    table = _table([("KT01", "jobs", 10.0, 20.0), ("KT02", "jobs", 30.0, 30.0), ("GB02", "jobs", 20.0, math.nan),
                    ("KT01", "grants", 5.0, 5.0)])
    out = district_comparison(table, "KT01").set_index("indicator")
    assert list(out.reset_index().columns) == COMPARISON_COLUMNS
    assert out.loc["jobs", "median"] == 20.0 and out.loc["jobs", "rank"] == 3 and out.loc["jobs", "districts_reporting"] == 3
    assert out.loc["jobs", "achievement_pct"] == 50.0
    # Districts without a record are no data, not zero: KT01 is the only one reporting grants.
    assert out.loc["grants", "rank"] == 1 and out.loc["grants", "districts_reporting"] == 1


def test_ties_share_the_higher_rank():
    table = _table([("KT01", "jobs", 10.0, 1.0), ("KT02", "jobs", 10.0, 1.0), ("KT03", "jobs", 5.0, 1.0)])
    assert comparison_table(district_comparison(table, "KT02"), "en")["rank"].tolist() == ["1 of 3"]


def test_the_rank_reads_in_the_interface_language():
    table = _table([("KT01", "jobs", 10.0, 1.0), ("KT02", "jobs", 10.0, 1.0), ("KT03", "jobs", 5.0, 1.0)])
    comparison = district_comparison(table, "KT03")
    assert [comparison_table(comparison, lang)["rank"].iloc[0] for lang in ("en", "ru", "tg")] \
        == ["3 of 3", "3 из 3", "3 аз 3"]


def test_a_district_without_records_gets_no_rows():
    table = _table([("KT01", "jobs", 10.0, 1.0)])
    assert district_comparison(table, "GB05").empty
    assert list(district_comparison(table.iloc[0:0], "GB05").columns) == COMPARISON_COLUMNS
