"""The briefing's key facts: the numbers behind the key messages, each with its origin."""

from __future__ import annotations

import pytest

from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters, headline_figures
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.analysis.demo import demo_activities
from data_pipeline.analysis.key_facts import (ON_TRACK_PCT, FundingFact, OutputFact, RankFact, SurveyFact,
                                              TrackFact, district_story_facts, key_facts, rank_fact)
from data_pipeline.analysis.survey import survey_estimates
from data_pipeline.reference.origin import COMPUTED, GENERATED, PUBLISHED
from data_pipeline.reference.published import published_figure
from geo.gazetteer import district
from tests.data_pipeline.conftest import demo_dataset



def test_the_output_fact_is_the_chosen_indicator_against_its_target_and_the_leading_region(demo):
    facts = key_facts(demo, "jobs_created")
    fact = facts[0]
    assert isinstance(fact, OutputFact) and fact.indicator == "jobs_created"
    jobs = demo.activities[demo.activities["indicator"] == "jobs_created"]
    headline = headline_figures(demo).set_index("indicator").loc["jobs_created"]
    assert fact.value.value == jobs["value"].sum() and fact.value.origin == GENERATED
    assert fact.target.value == headline["target"]
    assert fact.achievement_pct.value == pytest.approx(headline["achievement_pct"])
    by_region = jobs.groupby(jobs["district_code"].map(lambda c: district(c).region))["value"].sum()
    assert (fact.leader_kind, fact.leader) == ("region", by_region.idxmax())
    assert fact.leader_share_pct.value == pytest.approx(by_region.max() / by_region.sum() * 100)


def test_in_one_region_the_leader_is_a_district_and_in_one_district_there_is_none(demo):
    gbao = apply_filters(demo, Filters(regions=("GBAO",)))
    fact = key_facts(gbao, "grants_awarded")[0]
    grants = gbao.activities[gbao.activities["indicator"] == "grants_awarded"].groupby("district_code")["value"].sum()
    assert (fact.leader_kind, fact.leader) == ("district", grants.idxmax())
    one = key_facts(apply_filters(demo, Filters(districts=("GB04",))), "grants_awarded")[0]
    assert one.leader is None and one.leader_share_pct is None


def test_track_funding_and_survey_facts_carry_their_origins(demo):
    facts = key_facts(demo, "jobs_created")
    assert [type(f) for f in facts] == [OutputFact, TrackFact, FundingFact, SurveyFact]
    _, track, funding, survey = facts
    headline = headline_figures(demo)
    assert track.with_target == headline["achievement_pct"].notna().sum()
    assert track.on_track.value == (headline["achievement_pct"] >= ON_TRACK_PCT).sum()
    lowest = headline.loc[headline["achievement_pct"].idxmin()]
    assert track.lowest_indicator == lowest["indicator"] and track.lowest_pct.origin == GENERATED
    assert funding.required.value == published_figure("crp2020_funding_required").value
    assert funding.required.origin == PUBLISHED and funding.received.origin == GENERATED
    plan = funding_summary(demo.funding, demo.activities).query("level == 'plan'").iloc[0]
    assert (funding.received.value, funding.coverage_pct.value) == (plan["received"], plan["coverage_pct"])
    row = survey_estimates().set_index("id").loc[survey.figure_id]
    assert survey.value_pct.value == row["value_pct"] and survey.value_pct.origin == PUBLISHED
    assert (survey.ci_low.value, survey.ci_high.value) == (row["ci_low"], row["ci_high"])
    assert survey.ci_low.origin == survey.ci_high.origin == COMPUTED


def test_no_records_means_no_output_fact_and_a_programme_filter_drops_what_is_outside_it(demo):
    empty = Dataset(demo.version, None, demo.activities.iloc[0:0], demo.targets, demo.funding)
    assert not any(isinstance(f, OutputFact) for f in key_facts(empty, "jobs_created"))
    tajirrb = apply_filters(demo, Filters(programme="TAJIRRB"))
    kinds = {type(f) for f in key_facts(tajirrb, "jobs_created")}
    assert FundingFact not in kinds and SurveyFact in kinds
    assert key_facts(demo, None)[0].__class__ is TrackFact


def test_a_district_story_is_its_best_rank_that_indicator_against_its_target_and_its_outputs_on_track(demo):
    facts = district_story_facts(demo, "KT01")
    rank, output, track = facts
    assert isinstance(rank, RankFact) and isinstance(output, OutputFact) and isinstance(track, TrackFact)
    sums = demo.activities.groupby(["indicator", "district_code"])["value"].sum()
    ranks = sums.groupby(level=0).rank(method="min", ascending=False)
    best = min(ranks[ranks.index.get_level_values(1) == "KT01"])
    assert rank.rank.value == best == ranks[(rank.indicator, "KT01")] and rank.rank.origin == GENERATED
    assert rank.districts == len(sums.loc[rank.indicator])
    assert output.indicator == rank.indicator and output.value.value == sums[(rank.indicator, "KT01")]
    assert output.leader is None  # one district: nobody else to account for it


def test_a_district_without_records_has_no_rank():
    activities = demo_activities()
    activities = activities[activities["district_code"] != "GB03"]
    view = demo_dataset(activities)
    assert rank_fact(view, "GB03") is None
    assert not any(isinstance(f, (RankFact, OutputFact)) for f in district_story_facts(view, "GB03"))
