"""Data-quality findings."""

from __future__ import annotations

import pandas as pd

from data_pipeline.analysis.quality import quality_findings as structured_findings
from data_pipeline.analysis.reconcile import STATUS_DIFFERS, STATUS_MATCH
from data_pipeline.presentation.tables import quality_table


def quality_findings(activities, district_codes, reconciliation=None, lang="en"):
    """The findings as the page shows them: structured by ``analysis.quality``, worded in ``lang``."""
    return quality_table(structured_findings(activities, district_codes, reconciliation), lang)


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


def test_dates_outside_programme_years_are_counted_per_indicator_and_weighted_by_cell_records():
    # Monthly cells: ``records`` records each. jobs_created and grants_awarded belong to
    # different programmes, so the same year is inside one programme's years and outside the other's.
    from data_pipeline.reference.registry import PROGRAMME_PERIODS, indicator

    def span(i):
        return PROGRAMME_PERIODS[indicator(i).programme]

    ids = ["jobs_created", "grants_awarded"]
    rows = []
    for i in ids:
        first, last = span(i)
        rows += [(f"{first - 1}-03-01", i, 4), (f"{first}-03-01", i, 5), (f"{last + 1}-01-01", i, 6)]
    cells = pd.DataFrame(rows, columns=["date", "indicator", "records"])
    cells = cells.assign(date=pd.to_datetime(cells["date"]), district_code="KT01", value=1.0, sex="male",
                         age_group=None, disability=None, first_date=pd.to_datetime(cells["date"]),
                         last_date=pd.to_datetime(cells["date"]))
    text = dict(zip(*quality_findings(cells, ("KT01",)).T.values))
    assert text["dates"] == f"{2 * (4 + 6)} records are dated outside their programme's years."
    as_text = cells.assign(date=cells["date"].dt.strftime("%Y-%m-%d"))
    assert dict(zip(*quality_findings(as_text, ("KT01",)).T.values))["dates"] == text["dates"]


def test_findings_in_russian_name_districts_and_indicators_in_russian():
    activities = _activities([("2015-06-01", "KT01", "jobs_created", 3.0, "female")] * 1200)
    reconciliation = pd.DataFrame({"label": ["Jobs created"], "status": [STATUS_DIFFERS]})
    text = dict(zip(*quality_findings(activities, ("KT01", "GB02"), reconciliation, lang="ru").T.values))
    assert text["records"] == "Записей о деятельности: 1\u00a0200, с 2015-06-01 по 2015-06-01."
    assert text["coverage"] == "Нет записей по районам при выбранных фильтрах (1): Ванч."
    assert text["reconciliation"] == ("Сумм по районам, отличающихся от опубликованного итога: 1 — "
                                      "Созданные рабочие места.")


def test_findings_are_structured_facts_without_words():
    activities = _activities([("2015-06-01", "KT01", "jobs_created", 3.0, "female")] * 1200)
    findings = structured_findings(activities, ("KT01", "GB02")).set_index("check")
    assert findings.loc["records", "params"] == {"count": 1200, "first": "2015-06-01", "last": "2015-06-01"}
    assert findings.loc["coverage", "params"] == {"count": 1, "districts": ("GB02",)}
    assert findings.loc["coverage", "message"] == "No records for {count} district(s) in view: {names}."
