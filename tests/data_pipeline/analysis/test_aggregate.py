"""Aggregation adds up: per period, per district, per breakdown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from data_pipeline.analysis.aggregate import PERIODS, aggregate, attach_targets, period_labels, programme_totals
from data_pipeline.reference.registry import INDICATOR_IDS
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS, SEXES
from geo.gazetteer import PROGRAMME_CODES


def make_activities(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "date": pd.to_datetime("2016-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n), unit="D"),
        "district_code": rng.choice(PROGRAMME_CODES, n),
        "indicator": rng.choice(INDICATOR_IDS, n),
        "value": rng.integers(0, 50, n).astype(float),
        "sex": rng.choice(np.array(list(SEXES) + [None], dtype=object), n),
        "age_group": None, "disability": None, "notes": None,
        "source_row": np.arange(2, n + 2),
    })
    return frame[ACTIVITY_COLUMNS]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 300), period=st.sampled_from(PERIODS),
       by=st.sampled_from([None, "sex"]))
def test_aggregation_adds_up_to_the_record_total(seed, n, period, by):
    activities = make_activities(seed, n)
    table = aggregate(activities, period, by)
    totals = programme_totals(activities, period, by)
    expected = activities.groupby("indicator")["value"].sum()
    assert table.groupby("indicator")["value"].sum().sort_index().to_dict() == pytest.approx(expected.to_dict())
    assert totals.groupby("indicator")["value"].sum().to_dict() == pytest.approx(expected.to_dict())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300))
def test_months_add_up_to_quarters_and_years(seed, n):
    activities = make_activities(seed, n)
    months = aggregate(activities, "month")
    years = aggregate(activities, "year").set_index(["district_code", "indicator", "period"])["value"]
    months["year"] = months["period"].str[:4]
    rolled = months.groupby(["district_code", "indicator", "year"])["value"].sum()
    rolled.index = rolled.index.set_names("period", level="year")
    assert rolled.sort_index().to_dict() == pytest.approx(years.sort_index().to_dict())


def test_period_labels():
    dates = pd.Series(pd.to_datetime(["2019-02-28", "2020-11-01"]))
    assert period_labels(dates, "year").tolist() == ["2019", "2020"]
    assert period_labels(dates, "quarter").tolist() == ["2019-Q1", "2020-Q4"]
    assert period_labels(dates, "month").tolist() == ["2019-02", "2020-11"]
    assert period_labels(dates, "whole").tolist() == ["whole", "whole"]


@pytest.mark.parametrize("period, by, fragment", [("week", None, "Unknown period 'week'"),
                                                 ("year", "colour", "Cannot break down by 'colour'")])
def test_bad_arguments_name_the_value_and_the_choices(period, by, fragment):
    with pytest.raises(ValueError, match=fragment):
        aggregate(make_activities(1, 5), period, by)


def test_missing_breakdown_is_counted_as_not_stated():
    activities = make_activities(3, 50)
    table = aggregate(activities, "whole", "sex")
    assert set(table["sex"]) <= {"female", "male", "not stated"}


def test_targets_attach_by_district_and_period_and_programme():
    table = pd.DataFrame({"district_code": ["KT01", "KT02"], "indicator": ["grants_awarded"] * 2,
                          "period": ["whole"] * 2, "value": [5.0, 0.0]})
    targets = pd.DataFrame({"indicator": ["grants_awarded"] * 3, "district_code": ["KT01", "KT02", None],
                            "period": ["whole", "2019", "whole"], "target": [10.0, 4.0, 99.0]})
    out = attach_targets(table, targets)
    assert out["target"].tolist()[0] == 10.0 and np.isnan(out["target"].tolist()[1])
    assert out["achievement_pct"].tolist()[0] == 50.0
    programme = attach_targets(pd.DataFrame({"indicator": ["grants_awarded"], "period": ["whole"], "value": [9.0]}),
                               targets)
    assert programme["target"].item() == 99.0


def _reference_aggregate(activities: pd.DataFrame, period: str, by: str | None) -> pd.DataFrame:
    """The plain pandas definition that ``aggregate`` (grouping on integer codes) must equal."""
    keys = ["district_code", "indicator", "period"] + ([by] if by else [])
    frame = activities[["district_code", "indicator", "value"]].copy()
    frame["period"] = period_labels(activities["date"], period).to_numpy()
    if by:
        frame[by] = activities[by].astype(object).where(activities[by].notna(), "not stated").to_numpy()
    return frame.groupby(keys, sort=True)["value"].sum().reset_index()


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("by", [None, "sex", "age_group"])
@pytest.mark.parametrize("seed", [1, 2])
def test_aggregate_equals_a_plain_groupby_in_groups_order_and_sums(seed, period, by):
    activities = make_activities(seed, 2_000)
    activities["value"] = activities["value"] + 0.1  # sums that floating-point order could change
    activities["age_group"] = np.where(np.arange(2_000) % 3 == 0, "18-29", None)
    expected = _reference_aggregate(activities, period, by)
    got = aggregate(activities, period, by)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_period_labels_of_text_dates_and_missing_dates():
    dates = pd.Series(["2019-02-03", None, "2019-02-03", "2020-11-30"])
    assert period_labels(dates, "month").tolist()[::2] == ["2019-02", "2019-02"]
    assert period_labels(dates, "quarter").isna().tolist() == [False, True, False, False]
    assert period_labels(dates, "year").tolist()[3] == "2020"
