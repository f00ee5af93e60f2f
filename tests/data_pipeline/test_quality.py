"""Data-quality findings."""

from __future__ import annotations

import pandas as pd

from data_pipeline.quality import quality_findings
from data_pipeline.reconcile import STATUS_DIFFERS, STATUS_MATCH


def _activities(rows):
    frame = pd.DataFrame(rows, columns=["date", "district_code", "indicator", "value", "sex"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.assign(age_group=None, disability="no")


def test_findings_name_missing_districts_dates_breakdowns_and_reconciliation():
    activities = _activities([("2015-06-01", "KT01", "jobs_created", 3.0, "female"),
                              ("2019-06-01", "KT01", "jobs_created", 2.0, None)])
    reconciliation = pd.DataFrame({"label": ["Jobs created", "Grants awarded"],
                                   "status": [STATUS_DIFFERS, STATUS_MATCH]})
    findings = quality_findings(activities, ("KT01", "GB02"), reconciliation)
    text = dict(zip(findings["check"], findings["finding"]))
    assert text["records"] == "2 activity records from 2015-06-01 to 2019-06-01."
    assert text["coverage"] == "No records for 1 district(s) in view: Vanj."
    assert text["dates"] == "1 records are dated outside their programme's years."
    assert text["reconciliation"] == "1 district sum(s) differ from the published total: Jobs created."
    breakdowns = findings.loc[findings["check"] == "breakdown", "finding"].tolist()
    assert breakdowns == ["50% of records state sex; the others count as “not stated”.",
                          "0% of records state age group; the others count as “not stated”.",
                          "100% of records state disability."]


def test_no_records():
    empty = _activities([])
    assert quality_findings(empty, ("KT01",))["finding"].tolist() == ["No activity records in view."]
