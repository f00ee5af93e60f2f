"""Survey estimates: published values kept, intervals finite-population corrected."""

from __future__ import annotations

import math

import pytest

from data_pipeline.analysis.survey import fpc, margin_of_error, survey_counts, survey_design, survey_estimates, wilson_interval


def test_design_is_the_published_one():
    design = survey_design()
    assert (design["sample"], design["population"], design["confidence"]) == (365, 4000, 95)
    # 1.96 * sqrt(.25/365) * sqrt(3635/3999) = 4.89 percentage points
    assert design["margin_of_error"] == pytest.approx(4.89, abs=0.01)


def test_fpc_narrows_the_interval():
    assert fpc(365, 4000) == pytest.approx(math.sqrt(3635 / 3999))
    assert margin_of_error(0.5, 365, 4000) < margin_of_error(0.5, 365, 10**9)
    with pytest.raises(ValueError, match="sample size 5000"):
        fpc(5000, 4000)


@pytest.mark.parametrize("p", [0.014, 0.047, 0.5, 0.91])
def test_wilson_interval_contains_the_estimate_and_stays_in_bounds(p):
    low, high = wilson_interval(p, 365, 4000)
    assert 0 <= low < p < high <= 1


def test_every_published_percentage_has_an_interval():
    estimates = survey_estimates().set_index("id")
    assert estimates.loc["survey_took_action", "value_pct"] == 91
    assert estimates.loc["survey_women", "value_pct"] == 4.7
    assert (estimates["ci_low"] <= estimates["value_pct"]).all()
    assert (estimates["value_pct"] <= estimates["ci_high"]).all()
    # a sub-group percentage uses the sub-group's size: 35 % of 365 respondents
    assert estimates.loc["survey_want_professional", "n"] == 128
    assert estimates["citation"].str.startswith("TAJIRRB reintegration sessions factsheet, section “").all()


def test_action_counts_keep_the_published_numbers():
    counts = survey_counts().set_index("id")
    assert counts.loc["survey_action_challenge_ban", "respondents"] == 207
    assert counts.loc["survey_action_other", "respondents"] == 85
