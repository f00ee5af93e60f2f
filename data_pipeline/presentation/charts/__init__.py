"""The one chart module every page calls: plain functions from tables to charts, and each chart in
words and as a table (``describe``). No Streamlit here, so tests call them directly.

Every chart is SVG drawn on the server (``drawing``): bars beside their labels for districts,
periods and groups (``bars``), bars under their labels for the long funding and survey labels
(``labelled``). No chart library reaches the reader's browser, a chart costs a few kilobytes of the
page's own message, and it fits a phone. Colours come from Okabe & Ito's palette; numbers are shown
with thousands separators (``i18n.format_number``), never in scientific or "k" notation, since
readers compare them with printed reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from data_pipeline.presentation.charts import summaries as _summaries
from data_pipeline.presentation.charts.summaries import ChartText
from data_pipeline.presentation.charts.labelled import counts_bars, funding_bars, survey_ci_chart
from data_pipeline.presentation.charts.palette import (BLUE, DARK, GREEN, GREY, ORANGE, PALETTE, PURPLE, SKY,
                                                       VERMILION)
from data_pipeline.presentation.charts.bars import breakdown_bars, district_bars, timeline
from data_pipeline.presentation.charts.drawing import Svg, nice_ticks
from data_pipeline.presentation.charts.lines import cumulative_lines

_DESCRIBERS: dict[Callable[..., Any], Callable[..., ChartText]] = {
    district_bars: _summaries.describe_district_bars,
    timeline: _summaries.describe_timeline,
    breakdown_bars: _summaries.describe_breakdown_bars,
    funding_bars: _summaries.describe_funding_bars,
    survey_ci_chart: _summaries.describe_survey_ci_chart,
    counts_bars: _summaries.describe_counts_bars,
    cumulative_lines: _summaries.describe_cumulative_lines,
}


def describe(build: Callable[..., Any], *args: Any, **kwargs: Any) -> ChartText:
    """The chart ``build(*args, **kwargs)`` in words and as a table (``ChartText``)."""
    return _DESCRIBERS[build](*args, **kwargs)


__all__ = ["BLUE", "DARK", "GREEN", "GREY", "ORANGE", "PALETTE", "PURPLE", "SKY", "VERMILION", "ChartText", "Svg",
           "breakdown_bars", "counts_bars", "cumulative_lines", "describe", "district_bars", "funding_bars", "nice_ticks",
           "survey_ci_chart", "timeline"]
