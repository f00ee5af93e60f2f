"""Who was reached and since when (``analysis.reach``): breakdowns with their not-stated share, and
running totals per period against the target the Overview compares with."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters, headline_figures, load_dataset
from data_pipeline.analysis.reach import (NOT_STATED_COLUMNS, PROGRAMME, breakdown, cumulative, cumulative_series,
                                          not_stated, periods_between, regions_in_view)
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON
from tests.data_pipeline.frames import random_activities

GBAO = {d.code for d in PROGRAMME_DISTRICTS if d.region == REGION_GBAO}


@pytest.fixture(scope="module")
def records(demo_store) -> Dataset:
    return load_dataset(demo_store)


def test_the_breakdown_by_sex_matches_the_records_and_the_published_94_of_115(records):
    ds = apply_filters(records, Filters())
    table = breakdown(ds, "sex").set_index(["indicator", "category"])
    guards = records.activities.query("indicator == 'border_guards_trained'")
    assert table.loc[("border_guards_trained", "female"), "value"] == guards.query("sex == 'female'")["value"].sum()
    assert table.loc[("border_guards_trained", "female"), "share_pct"] == pytest.approx(
        100 * guards.query("sex == 'female'")["value"].sum() / guards["value"].sum())
    shares = table["share_pct"].groupby(level="indicator").sum()
    assert shares.to_numpy() == pytest.approx(np.full(len(shares), 100.0))  # every indicator's split adds up


def test_the_breakdown_follows_a_region_filter_and_says_not_stated_last(records):
    ds = apply_filters(records, Filters(regions=(REGION_GBAO,)))
    table = breakdown(ds, "age_group")
    expected = records.activities[records.activities["district_code"].isin(GBAO)].groupby("indicator")["value"].sum()
    assert table.groupby("indicator")["value"].sum().to_dict() == expected.to_dict()
    for _, rows in table.groupby("indicator"):
        categories = list(rows["category"])
        assert "not stated" not in categories[:-1]


def test_not_stated_counts_records_and_value_without_a_breakdown(records):
    ds = apply_filters(records, Filters(regions=(REGION_KHATLON,)))
    table = not_stated(ds, "disability").set_index("indicator")
    assert list(table.reset_index().columns) == NOT_STATED_COLUMNS
    rows = ds.activities
    for indicator_id, group in rows.groupby("indicator"):
        missing = group[group["disability"].isna()]
        assert table.loc[indicator_id, "records"] == len(group)
        assert table.loc[indicator_id, "records_not_stated"] == len(missing)
        assert table.loc[indicator_id, "value_not_stated"] == missing["value"].sum()
        assert table.loc[indicator_id, "records_not_stated_pct"] == pytest.approx(100 * len(missing) / len(group))


def test_monthly_cells_count_the_records_they_sum(demo_store, records):
    cells = not_stated(apply_filters(load_dataset(demo_store, cells=True), Filters()), "sex")
    plain = not_stated(apply_filters(records, Filters()), "sex")
    pd.testing.assert_frame_equal(cells, plain)


def test_an_unknown_breakdown_or_period_is_refused(records):
    with pytest.raises(ValueError):
        breakdown(records, "colour")
    with pytest.raises(ValueError):
        cumulative_series(records, "jobs_created", "week")


def test_the_series_ends_at_the_total_against_the_overviews_target(records):
    ds = apply_filters(records, Filters(date_from=date(2018, 1, 1), date_to=date(2019, 12, 31)))
    series = cumulative_series(ds, "jobs_created", "quarter")
    head = headline_figures(ds).set_index("indicator").loc["jobs_created"]
    assert list(series["period"]) == [f"{y}-Q{q}" for y in (2018, 2019) for q in range(1, 5)]
    assert set(series["series"]) == {PROGRAMME}
    assert series["cumulative"].iloc[-1] == head["value"]
    assert (series["target"] == head["target"]).all()  # the same target as the Overview's "% of target"


def test_the_region_series_add_up_to_the_programme_and_take_their_districts_targets(records):
    ds = apply_filters(records, Filters())
    whole = cumulative_series(ds, "rps_participants", "year")
    regions = cumulative_series(ds, "rps_participants", "year", by_region=True)
    assert regions_in_view(ds) == [REGION_KHATLON, REGION_GBAO] == list(regions["series"].unique())
    summed = regions.groupby("period", sort=False)["cumulative"].sum()
    assert summed.to_numpy() == pytest.approx(whole["cumulative"].to_numpy())
    gbao_targets = records.targets.query("indicator == 'rps_participants' and period == 'whole'")
    gbao_target = gbao_targets[gbao_targets["district_code"].isin(GBAO)]["target"].sum()
    assert (regions.query("series == 'GBAO'")["target"] == gbao_target).all()


def test_a_filter_to_one_region_gives_one_series(records):
    ds = apply_filters(records, Filters(regions=(REGION_GBAO,)))
    assert set(cumulative_series(ds, "jobs_created", "month", by_region=True)["series"]) == {REGION_GBAO}


def test_an_indicator_without_records_in_view_gives_no_series(records):
    ds = apply_filters(records, Filters(programme="CRP2020"))
    assert cumulative_series(ds, "jobs_created").empty


def test_periods_between_covers_every_period_in_order():
    assert periods_between(pd.Timestamp("2019-11-20"), pd.Timestamp("2020-02-01"), "month") == [
        "2019-11", "2019-12", "2020-01", "2020-02"]
    assert periods_between(pd.Timestamp("2019-11-20"), pd.Timestamp("2020-02-01"), "quarter") == ["2019-Q4", "2020-Q1"]
    assert periods_between(pd.Timestamp("2017-03-01"), pd.Timestamp("2019-01-01"), "year") == ["2017", "2018", "2019"]


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), max_size=40))
def test_a_running_total_of_non_negative_values_never_falls_and_ends_at_their_sum(values):
    totals = cumulative(pd.Series(values, dtype=float))
    assert (totals.diff().dropna() >= 0).all()
    if values:
        assert totals.iloc[-1] == pytest.approx(sum(values))


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=10_000),
       st.sampled_from(["year", "quarter", "month"]))
def test_every_series_never_falls_and_its_last_point_is_the_total_in_view(rows, seed, period):
    activities = random_activities(rows, seed)
    ds = apply_filters(Dataset(None, None, activities[ACTIVITY_COLUMNS], pd.DataFrame(
        columns=["indicator", "district_code", "period", "target"]), pd.DataFrame()), Filters())
    for indicator_id in activities["indicator"].unique():
        for by_region in (False, True):
            series = cumulative_series(ds, indicator_id, period, by_region)
            for _, line in series.groupby("series"):
                assert (line["cumulative"].diff().dropna() >= 0).all()
            last = series.groupby("series")["cumulative"].last().sum()
            assert last == pytest.approx(activities.loc[activities["indicator"] == indicator_id, "value"].sum())
