"""The results framework: each outcome's published figures, exact and cited, and its outputs against
their targets with the target's source (issue 18). Data sets are made here by code."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import pytest

from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters
from data_pipeline.analysis.results import OUTCOME_FIGURES, results_framework
from data_pipeline.reference.origin import GENERATED, PUBLISHED, UPLOADED
from data_pipeline.reference.published import PUBLISHED_FIGURES
from data_pipeline.reference.registry import (CRP_OBJECTIVE_1, CRP_OBJECTIVE_2, CRP_PREPAREDNESS, CRP_COMMUNITY,
                                              CRP_MHPSS, OUTCOME_1, OUTCOME_2, OUTCOME_3, indicators_for)
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS, FUNDING_COLUMNS, TARGET_COLUMNS
from data_pipeline.store import SubmissionInfo, VersionInfo, VersionNote

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)


def submission(id: int, name: str, kind: str, demo: bool) -> SubmissionInfo:
    return SubmissionInfo(id, name, "0" * 64, kind, demo, "test", WHEN, 1)


def make_dataset(demo: bool = False) -> Dataset:
    """Jobs in two Khatlon districts and one GBAO district in 2018–2019, grants in one; targets from two
    files (jobs per district and programme-wide, grants programme-wide only); CRP funding received."""
    activities = pd.DataFrame([
        ("2018-03-10", "KT01", "jobs_created", 10), ("2019-05-02", "KT01", "jobs_created", 5),
        ("2018-07-01", "KT05", "jobs_created", 20), ("2019-01-15", "GB02", "jobs_created", 7),
        ("2018-02-01", "KT01", "grants_awarded", 4),
    ], columns=["date", "district_code", "indicator", "value"])
    activities = activities.assign(date=pd.to_datetime(activities["date"]), value=activities["value"].astype(float),
                                   sex=None, age_group=None, disability=None, notes=None,
                                   source_row=range(2, 2 + len(activities)))[ACTIVITY_COLUMNS]
    targets = pd.DataFrame([
        ("jobs_created", None, "whole", 60.0, 2, 11), ("jobs_created", "KT01", "whole", 20.0, 3, 11),
        ("jobs_created", "KT05", "whole", 25.0, 4, 11), ("jobs_created", "GB02", "whole", 10.0, 5, 11),
        ("jobs_created", None, "2018", 30.0, 6, 11), ("jobs_created", None, "2019", 30.0, 7, 11),
        ("grants_awarded", None, "whole", 8.0, 2, 12),
    ], columns=TARGET_COLUMNS + ["submission_id"])
    funding = pd.DataFrame([
        ("CRP2020", CRP_OBJECTIVE_1, CRP_MHPSS, "UK", 150_000.0, 40_000.0, "USD", 2, 13),
        ("CRP2020", CRP_OBJECTIVE_1, CRP_COMMUNITY, "UK", 700_000.0, 300_000.0, "USD", 3, 13),
        ("CRP2020", CRP_OBJECTIVE_2, CRP_PREPAREDNESS, "UK", 125_000.0, 25_000.0, "USD", 4, 13),
    ], columns=FUNDING_COLUMNS + ["submission_id"])
    submissions = (submission(10, "records.csv", "activities", demo), submission(11, "targets-jobs.xlsx", "targets", demo),
                   submission(12, "targets-grants.csv", "targets", demo), submission(13, "funding.csv", "funding", demo))
    version = VersionInfo(7, WHEN, "test", demo, VersionNote(), None, True, submissions)
    return Dataset(version, None, activities, targets, funding)


def by_id(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.set_index(column)


def test_each_tajirrb_outcome_has_its_published_figures_exact_qualified_and_cited():
    figures = by_id(results_framework(make_dataset()).figures, "figure_id")
    expected = {"tajirrb_border_service_improved": (OUTCOME_1, 90, "%"),
                "tajirrb_border_guards_trained_women": (OUTCOME_1, 94, "persons"),
                "tajirrb_grantees_successful": (OUTCOME_2, 75, "%"),
                "tajirrb_more_hope": (OUTCOME_3, 80, "%"),
                "tajirrb_relationships_improved_brochure": (OUTCOME_3, 69, "%")}
    for figure_id, (outcome, value, unit) in expected.items():
        row = figures.loc[figure_id]
        assert (row["outcome"], row["value"], row["unit"]) == (outcome, value, unit)
        assert row["origin"] == PUBLISHED and row["is_percentage"] == (unit == "%")
        assert row["citation"].startswith("TAJIRRB results brochure, section “") and row["section"] in row["citation"]
        assert pd.isna(row["recorded"]), "an outcome percentage is never recomputed from records"
    assert figures.loc["tajirrb_border_guards_trained_women", "of_value"] == 115
    assert figures.loc["tajirrb_border_service_improved", "section"] == "Stronger Border - Outcome 1"


def test_every_outcome_figure_the_brochure_prints_is_in_the_framework():
    """A figure printed under an outcome heading that is not an indicator's total belongs to that outcome."""
    sections = {OUTCOME_1: "Outcome 1", OUTCOME_2: "Outcome 2", OUTCOME_3: "Outcome 3"}
    for outcome, words in sections.items():
        printed = {f.id for f in PUBLISHED_FIGURES if f.section.endswith(words) and not f.indicator}
        assert printed == set(OUTCOME_FIGURES[outcome]), outcome


def test_outputs_are_the_indicators_of_each_outcome_with_value_target_and_its_source():
    framework = results_framework(make_dataset())
    outputs = by_id(framework.outputs, "indicator")
    assert list(framework.outputs["indicator"]) == [i.id for i in indicators_for()]  # registry order
    assert (outputs["outcome"] == [i.outcome for i in indicators_for()]).all()
    jobs = outputs.loc["jobs_created"]
    assert (jobs["value"], jobs["target"]) == (42, 60)  # the programme-wide target, all districts in view
    assert jobs["achievement_pct"] == pytest.approx(70.0)
    assert (jobs["target_origin"], jobs["target_files"], jobs["target_version"]) == (UPLOADED, "targets-jobs.xlsx", 7)
    grants = outputs.loc["grants_awarded"]
    assert (grants["value"], grants["target"], grants["target_files"]) == (4, 8, "targets-grants.csv")
    meetings = outputs.loc["community_meetings"]
    assert pd.isna(meetings["value"]) and pd.isna(meetings["target"]) and pd.isna(meetings["achievement_pct"])
    assert pd.isna(meetings["target_origin"]) and meetings["target_files"] == "" and pd.isna(meetings["target_version"])


def test_outputs_follow_the_filters_and_the_published_figures_do_not():
    full = results_framework(make_dataset())
    khatlon = results_framework(apply_filters(make_dataset(), Filters(regions=("Khatlon",))))
    jobs = by_id(khatlon.outputs, "indicator").loc["jobs_created"]
    assert (jobs["value"], jobs["target"]) == (35, 45)  # KT01 + KT05, their district targets summed
    # grants have only a programme-wide target: a region has none of its own
    grants = by_id(khatlon.outputs, "indicator").loc["grants_awarded"]
    assert grants["value"] == 4 and pd.isna(grants["target"]) and pd.isna(grants["target_origin"])
    pd.testing.assert_frame_equal(full.figures[full.figures["programme"] == "TAJIRRB"],
                                  khatlon.figures[khatlon.figures["programme"] == "TAJIRRB"])
    year = results_framework(apply_filters(make_dataset(), Filters(date_from=date(2019, 1, 1),
                                                                   date_to=date(2019, 12, 31))))
    jobs = by_id(year.outputs, "indicator").loc["jobs_created"]
    assert (jobs["value"], jobs["target"]) == (12, 30)  # the year's records against the year's target


def test_the_programme_filter_keeps_only_its_outcomes():
    tajirrb = results_framework(apply_filters(make_dataset(), Filters(programme="TAJIRRB")))
    assert list(tajirrb.outcomes["outcome"]) == [OUTCOME_1, OUTCOME_2, OUTCOME_3]
    assert set(tajirrb.figures["programme"]) == set(tajirrb.outputs["programme"]) == {"TAJIRRB"}
    crp = results_framework(apply_filters(make_dataset(), Filters(programme="CRP2020")))
    assert list(crp.outcomes["outcome"]) == [CRP_OBJECTIVE_1, CRP_OBJECTIVE_2]
    assert crp.outputs["value"].isna().all()


def test_crp_objectives_carry_published_funding_and_beneficiaries_with_what_the_data_records():
    figures = by_id(results_framework(make_dataset(demo=True)).figures, "figure_id")
    first = figures.loc["crp2020_obj1_funding_required"]
    assert (first["outcome"], first["value"], first["unit"]) == (CRP_OBJECTIVE_1, 950_000, "USD")
    assert first["recorded"] == 340_000 and first["recorded_origin"] == GENERATED  # 40,000 + 300,000 received
    assert first["citation"] == "Tajikistan Crisis Response Plan 2020, section “Objective: Driving solutions to displacement”"
    assert figures.loc["crp2020_obj1_target_beneficiaries", "value"] == 10_350
    second = figures.loc["crp2020_obj2_target_beneficiaries"]
    assert second["value"] == 150 and pd.isna(second["recorded"]) and pd.isna(second["recorded_origin"])
    assert figures.loc["crp2020_obj2_funding_required", "recorded"] == 25_000


def test_a_demo_version_marks_its_targets_generated():
    outputs = by_id(results_framework(make_dataset(demo=True)).outputs, "indicator")
    assert outputs.loc["jobs_created", "target_origin"] == GENERATED
    assert pd.isna(outputs.loc["rps_sessions", "target_origin"])  # no target row: nothing to mark
