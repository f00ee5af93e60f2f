"""The plotly charts: figures that carry the table's values, titles that fit a phone under the toolbar."""

from __future__ import annotations

import pandas as pd
import pytest

from data_pipeline.presentation import charts
from data_pipeline.presentation.charts import figures
from data_pipeline.presentation.i18n import translator


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
    assert len(lines) >= 2 and max(map(len, lines)) <= figures.LABEL_WIDTH
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


@pytest.mark.parametrize("lang", ["en", "ru", "tg"])
def test_a_long_title_wraps_below_the_toolbar(lang):
    estimates = pd.DataFrame({"label": ["Took action"], "value_pct": [91.0], "ci_low": [88.5], "ci_high": [93.0]})
    title = translator(lang)("Changes in knowledge and perspective (95% CI)") + " " + "x" * 30
    figure = charts.survey_ci_chart(estimates, title=title, lang=lang)
    lines = figure.layout.title.text.split("<br>")
    assert len(lines) >= 2 and max(map(len, lines)) <= figures.TITLE_WIDTH
    assert figure.layout.title.pad.t >= 30, "room above the title for plotly's toolbar"
    assert figure.layout.margin.t > figure.layout.title.pad.t + 20 * len(lines)
