"""Every chart in words and as a table: the summary names the largest and smallest values, marks
generated figures, and the table holds what the chart plots."""

from __future__ import annotations

import pandas as pd
import pytest

from data_pipeline.presentation import charts
from data_pipeline.presentation.i18n import LANGUAGES, translator
from data_pipeline.reference.origin import GENERATED

DISTRICTS = pd.DataFrame({"district_code": ["KT01", "KT02", "GB02"], "district": ["Dusti", "Qubodiyon", "Vanj"],
                          "value": [110.0, 300.0, 200.0], "target": [120.0, 250.0, None],
                          "achievement_pct": [110 / 1.2, 120.0, None]})
BREAKDOWN = pd.DataFrame({"indicator_label": ["Jobs created"] * 2 + ["Grants awarded"] * 2,
                          "sex": ["female", "male"] * 2, "value": [30.0, 50.0, 7.0, 2.0]})
TIMELINE = pd.DataFrame({"period": ["2018", "2019", "2020"], "value": [4.0, 9.0, 1.0]})
FUNDING = pd.DataFrame({"objective": ["Obj A", "Obj A"], "component": ["Health", None],
                        "required": [100_000.0, 950_000.0], "received": [79_000.0, 518_000.0],
                        "coverage_pct": [79.0, 54.5]})
SURVEY = pd.DataFrame({"label": ["Took action", "Felt hopeful"], "value_pct": [91.0, 80.0],
                       "ci_low": [88.5, 76.0], "ci_high": [93.0, 83.9]})
COUNTS = pd.DataFrame({"label": ["Told family", "Called hotline"], "value": [120, 15]})
SERIES = pd.DataFrame({"series": ["Khatlon"] * 2, "period": ["2019", "2020"], "value": [40.0, 60.0],
                       "cumulative": [40.0, 100.0], "target": [80.0, 80.0]})

CASES = [  # (builder, arguments, words the summary holds, columns of the table)
    (charts.district_bars, (DISTRICTS, "Jobs created", "jobs"),
     ["Jobs created by district", "Highest: Qubodiyon, 300", "lowest: Dusti, 110", "3 districts shown: 200"],
     ["district", "value", "target"]),
    (charts.timeline, (TIMELINE, "Jobs per year", "jobs"),
     ["Highest: 2019, 9 jobs", "lowest: 2020, 1 jobs", "3 periods, 2018 to 2020"], ["period", "value"]),
    (charts.breakdown_bars, (BREAKDOWN, "sex", "By sex"),
     ["Largest group: Jobs created: male, 50 of 80; Grants awarded: female, 7 of 9"],
     ["indicator_label", "sex", "value"]),
    (charts.funding_bars, (FUNDING,), ["Highest: Health, 79%", "lowest: Obj A, 55%"],
     ["line", "required", "received", "coverage_pct"]),
    (charts.survey_ci_chart, (SURVEY,), ["Highest: Took action, 91.0%, 95% CI 88.5–93.0%", "lowest: Felt hopeful"],
     ["label", "value_pct", "ci_low", "ci_high"]),
    (charts.counts_bars, (COUNTS, "After the session"),
     ["After the session. Highest: Told family, 120 respondents", "lowest: Called hotline, 15 respondents"],
     ["label", "value"]),
    (charts.cumulative_lines, (SERIES, "Jobs", "jobs"),
     ["Jobs, 2019 to 2020", "Khatlon: 100 jobs by 2020, 125% of its target of 80"],
     ["series", "period", "value", "cumulative", "target"]),
]


@pytest.mark.parametrize("build, args, words, columns", CASES, ids=[c[0].__name__ for c in CASES])
def test_each_chart_is_described_in_words_and_as_its_table(build, args, words, columns):
    text = charts.describe(build, *args)
    for part in words:
        assert part in text.summary
    assert list(text.table.columns) == columns and list(text.headings) == columns
    assert len(text.table) == len(args[0])


def test_breakdown_bars_as_shares_are_described_by_shares():
    text = charts.describe(charts.breakdown_bars, BREAKDOWN, "sex", "By sex", shares=True)
    assert "Largest group: Jobs created: male, 62.5% of 80; Grants awarded: female, 77.8% of 9" in text.summary
    assert list(text.table.columns) == ["indicator_label", "sex", "value", "share_pct"]
    assert text.table["share_pct"].tolist() == [37.5, 62.5, 77.8, 22.2]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_generated_figures_in_a_summary_carry_the_demo_mark(lang):
    mark = f"({translator(lang)('demo')})"
    text = charts.describe(charts.district_bars, DISTRICTS, "Jobs created", "jobs", lang=lang, origin=GENERATED)
    assert text.summary.count(mark) == 3, "highest, lowest and the median"
    assert mark in text.headings["value"] and mark in text.headings["target"]
    breakdown = charts.describe(charts.breakdown_bars, BREAKDOWN, "sex", "By sex", lang=lang, origin=GENERATED)
    assert breakdown.summary.count(mark) == 4


def test_an_empty_chart_says_so():
    empty = DISTRICTS.iloc[0:0]
    assert charts.describe(charts.district_bars, empty, "Jobs created", "jobs").summary == (
        "Jobs created by district: nothing to show.")
    assert charts.describe(charts.breakdown_bars, BREAKDOWN.iloc[0:0], "sex", "By sex").summary == (
        "By sex: nothing to show.")


def test_every_chart_builder_has_a_description():
    builders = [getattr(charts, name) for name in charts.__all__
                if callable(getattr(charts, name)) and name not in {"describe", "nice_ticks", "ChartText", "Svg"}]
    for build in builders:
        assert charts.describe.__module__ and build in {case[0] for case in CASES}
