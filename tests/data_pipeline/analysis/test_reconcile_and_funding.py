"""Reconciliation of district sums against published totals; funding coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_pipeline.analysis.funding import funding_summary
from data_pipeline.analysis.reconcile import STATUS_CONSISTENT, STATUS_DIFFERS, STATUS_MATCH, STATUS_NO_RECORDS, reconcile
from data_pipeline.reference.registry import CRP_COMMUNITY, CRP_OBJECTIVE_1, PROGRAMME_CRP2020


def records(**totals: float) -> pd.DataFrame:
    rows = [{"date": pd.Timestamp("2019-05-01"), "district_code": code, "indicator": ind, "value": value / 2}
            for ind, value in totals.items() for code in ("KT01", "GB04")]
    return pd.DataFrame(rows)


def test_statuses_follow_values_and_qualifiers():
    table = reconcile(records(grants_awarded=176, jobs_created=298, vocational_trainees=2500)).set_index("indicator")
    assert table.loc["grants_awarded", "status"] == STATUS_MATCH
    assert table.loc["jobs_created", "status"] == STATUS_DIFFERS
    assert table.loc["jobs_created", "difference"] == -2
    assert table.loc["vocational_trainees", "status"] == STATUS_CONSISTENT  # "more than 2400"
    assert table.loc["rps_sessions", "status"] == STATUS_NO_RECORDS
    assert table.loc["grants_awarded", "document"] == "001_339d8f87402ce516.txt"


def test_a_total_equal_to_a_more_than_figure_does_not_honour_it():
    # "more than 2400": 2,400 is not more than 2,400, so it does not "match" the published figure.
    table = reconcile(records(vocational_trainees=2400)).set_index("indicator")
    assert table.loc["vocational_trainees", "status"] == STATUS_DIFFERS


def test_funding_coverage_gap_and_cost_per_beneficiary():
    funding = pd.DataFrame([{"plan": PROGRAMME_CRP2020, "objective": CRP_OBJECTIVE_1, "component": CRP_COMMUNITY,
                             "donor": None, "required": 700_000.0, "received": 350_000.0, "currency": "USD"}])
    summary = funding_summary(funding, records(crp_beneficiaries_displacement=5000))
    component = summary[summary["component"] == CRP_COMMUNITY].iloc[0]
    assert (component["required"], component["received"]) == (700_000, 350_000)
    assert component["coverage_pct"] == 50 and component["gap"] == 350_000
    objective = summary[(summary["level"] == "objective") & (summary["objective"] == CRP_OBJECTIVE_1)].iloc[0]
    assert objective["required"] == 950_000 and objective["target_beneficiaries"] == 10_350
    assert objective["cost_per_beneficiary_planned"] == pytest.approx(950_000 / 10_350)
    assert objective["cost_per_beneficiary"] == pytest.approx(350_000 / 5000)
    plan = summary[summary["level"] == "plan"].iloc[0]
    assert plan["required"] == 1_075_000 and plan["received"] == 350_000


def test_funding_without_records_shows_required_only():
    summary = funding_summary(pd.DataFrame(columns=["plan", "objective", "component", "received"]),
                              pd.DataFrame(columns=["indicator", "value"]))
    assert summary["required"].notna().all()
    assert summary["received"].isna().all() and np.isnan(summary["coverage_pct"]).all()
