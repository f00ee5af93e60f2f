"""The chart module: readable numbers and figures that carry the table's values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data_pipeline.presentation import charts
from data_pipeline.presentation.i18n import format_number, format_percent, translator


@pytest.mark.parametrize("value, unit, expected", [
    (1_075_000, "USD", "1,075,000 USD"),
    (6005, "", "6,005"),
    (6005.0, "persons", "6,005 persons"),
    (4.7, "%", "4.7%"),
    (91, "%", "91%"),
    (2.25, "", "2.3"),       # one decimal below 100, rounded half up
    (54.5, "%", "54.5%"),
    (-1200.5, "USD", "-1,201 USD"),
    (123.4, "", "123"),      # whole numbers from 100 up
    (0, "", "0"),
    (None, "USD", "–"),
    (math.nan, "", "–"),
])
def test_format_number(value, unit, expected):
    assert format_number(value, unit=unit) == expected


def test_format_pct_takes_decimals():
    assert format_percent(54.5) == "55%"
    assert format_percent(54.64, decimals=1) == "54.6%"


def test_district_bars_mark_targets_median_and_highlight():
    table = pd.DataFrame({"district_code": ["KT01", "KT02", "GB02"], "district": ["Dusti", "Qubodiyon", "Vanj"],
                          "value": [10.0, 30.0, 20.0], "target": [12.0, 25.0, math.nan]})
    fig = charts.district_bars(table, "Jobs created", "jobs", highlight=("GB02",))
    bars, targets = fig.data
    assert list(bars.y) == ["Dusti", "Vanj", "Qubodiyon"]
    assert list(bars.marker.color) == [charts.BLUE, charts.ORANGE, charts.BLUE]
    assert targets.x[0] == 12.0 and math.isnan(targets.x[1]) and targets.x[2] == 25.0
    assert any("median 20" in (a.text or "") for a in fig.layout.annotations)


def test_funding_bars_label_coverage_and_objective_rows():
    summary = pd.DataFrame({"objective": ["Obj A", "Obj A"], "component": ["Health", None],
                            "required": [100_000.0, 950_000.0], "received": [79_000.0, 518_000.0],
                            "coverage_pct": [79.0, 54.5]})
    fig = charts.funding_bars(summary)
    required, received = fig.data
    assert list(required.y) == ["Obj A (objective)", "Health"]
    assert list(received.text) == ["55% covered", "79% covered"]


@pytest.mark.parametrize("lang", ["en", "ru", "tg"])
def test_long_category_labels_are_wrapped_not_squeezing_the_bars(lang):
    summary = pd.DataFrame({"objective": ["Strengthen preparedness and reduce disaster risk"],
                            "component": ["Mental health and psychosocial support in transition and recovery"],
                            "required": [150_000.0], "received": [89_000.0], "coverage_pct": [59.3]})
    label = charts.funding_bars(summary, lang=lang).data[0].y[0]
    lines = label.split("<br>")
    assert len(lines) >= 2 and max(map(len, lines)) <= charts.LABEL_WIDTH
    assert " ".join(lines) == translator(lang)(summary["component"][0])
    six = pd.concat([summary] * 6, ignore_index=True)
    wrapped = six.assign(component=[f"{summary['component'][0]} {i}" for i in range(6)])
    one_line = six.assign(component=[f"Health {i}" for i in range(6)])
    assert charts.funding_bars(wrapped, lang=lang).layout.height > charts.funding_bars(one_line, lang=lang).layout.height


def test_survey_ci_chart_draws_asymmetric_intervals():
    estimates = pd.DataFrame({"label": ["Took action"], "value_pct": [91.0], "ci_low": [88.5], "ci_high": [93.0]})
    scatter = charts.survey_ci_chart(estimates).data[0]
    assert scatter.error_x.array[0] == pytest.approx(2.0)
    assert scatter.error_x.arrayminus[0] == pytest.approx(2.5)
    assert charts.survey_ci_chart(estimates).layout.xaxis.range == (0, 100)


def test_breakdown_bars_one_trace_per_category_not_stated_in_grey():
    table = pd.DataFrame({"indicator_label": ["Jobs", "Jobs", "Jobs"], "sex": ["female", "male", "not stated"],
                          "value": [3.0, 5.0, 1.0]})
    fig = charts.breakdown_bars(table, "sex", "By sex")
    assert [t.name for t in fig.data] == ["female", "male", "not stated"]
    assert fig.data[2].marker.color == charts.GREY
    assert fig.layout.barmode == "stack"
    assert fig.layout.legend.traceorder == "normal", "the legend reads in the bars' order, left to right"


def test_timeline_groups_series():
    table = pd.DataFrame({"period": ["2019", "2020", "2019"], "value": [1.0, 2.0, 3.0], "district": ["A", "A", "B"]})
    fig = charts.timeline(table, "Jobs", "jobs", series="district")
    assert [t.name for t in fig.data] == ["A", "B"]
    assert list(fig.data[0].x) == ["2019", "2020"]
