"""Demo data: district sums equal the published totals; every row is demo; seeded."""

from __future__ import annotations

import pandas as pd
import pytest

from data_pipeline.analysis.demo import demo_activities, demo_funding, demo_submissions, demo_targets, load_demo
from data_pipeline.reference.published import published_figure, published_for_indicator
from data_pipeline.analysis.reconcile import STATUS_CONSISTENT, STATUS_MATCH, reconcile
from data_pipeline.reference.schemas import ActivitySchema, FundingSchema, TargetSchema
from data_pipeline.store import Store
from geo.gazetteer import PROGRAMME_CODES


@pytest.fixture(scope="module")
def activities() -> pd.DataFrame:
    return demo_activities()


def test_district_sums_honour_the_published_totals(activities):
    table = reconcile(activities).set_index("indicator")
    with_records = table[table.index.isin(activities["indicator"].unique())]
    qualified = with_records["qualifier"] != ""
    assert (with_records.loc[~qualified, "status"] == STATUS_MATCH).all(), with_records
    assert (with_records.loc[qualified, "status"] == STATUS_CONSISTENT).all(), with_records
    for indicator_id, total in activities.groupby("indicator")["value"].sum().items():
        figure = published_for_indicator(indicator_id)
        assert total == figure.value if not figure.qualifier else total > figure.value


def test_a_more_than_figure_gets_a_total_above_it(activities):
    # The brochure prints "more than 2400 vocational trainings": 2,400 itself would contradict it.
    assert activities.loc[activities["indicator"] == "vocational_trainees", "value"].sum() == 2448


def test_sessions_hold_at_most_fifteen_participants(activities):
    sessions = activities[activities["indicator"] == "rps_sessions"]
    participants = activities[activities["indicator"] == "rps_participants"]
    assert len(sessions) == 566 and participants["value"].sum() == 6005
    per_district = participants.groupby("district_code")["value"].sum()
    sessions_per_district = sessions.groupby("district_code")["value"].sum()
    assert (per_district <= 15 * sessions_per_district).all()
    assert set(sessions["district_code"]) == set(PROGRAMME_CODES)


def test_published_breakdowns_are_respected(activities):
    guards = activities[activities["indicator"] == "border_guards_trained"]
    assert guards.loc[guards["sex"] == "female", "value"].sum() == published_figure(
        "tajirrb_border_guards_trained_women").value
    checks = activities[activities["indicator"] == "reentry_ban_checks"]
    assert checks["date"].min() >= pd.Timestamp("2019-04-01") and checks["date"].max() <= pd.Timestamp("2020-03-31")


def test_every_row_is_marked_demo_and_schemas_hold(activities):
    assert (activities["notes"].str.startswith("DEMO")).all()
    ActivitySchema.validate(activities)
    TargetSchema.validate(demo_targets(activities))
    FundingSchema.validate(demo_funding())
    assert all(s.is_demo for s in demo_submissions())


def test_seeded_and_reproducible(activities):
    pd.testing.assert_frame_equal(activities, demo_activities())
    assert not demo_activities(seed=7).equals(activities)
    assert demo_activities(seed=7)["value"].sum() == activities["value"].sum()


def test_funding_received_never_exceeds_required():
    funding = demo_funding()
    assert (funding["received"] <= funding["required"]).all() and (funding["received"] > 0).all()


def test_load_demo_if_empty_keeps_the_active_version(store_url):
    first = load_demo(store_url)
    again = load_demo(store_url, if_empty=True)
    assert again.id == first.id and first.is_demo
    with Store(store_url) as store:
        assert len(store.versions()) == 1
        assert store.activities()["value"].sum() == demo_activities()["value"].sum()
