"""The one chart module every page calls: plain functions from tables to charts, and each chart in
words and as a table (``describe``). No Streamlit here, so tests call them directly.

The District profile's and the Map page's simple bar charts are SVG drawn on the server (``svg``):
no chart library reaches the reader's browser for them. The funding and survey charts are plotly
figures (``figures``). Colours come from Okabe & Ito's palette; numbers are shown with thousands
separators (``i18n.format_number``), never in scientific or "k" notation, since readers compare
them with printed reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from data_pipeline.presentation.charts import summaries as _summaries
from data_pipeline.presentation.charts.summaries import ChartText
from data_pipeline.presentation.charts.figures import counts_bars, funding_bars, survey_ci_chart
from data_pipeline.presentation.charts.palette import (BLUE, DARK, GREEN, GREY, ORANGE, PALETTE, PURPLE, SKY,
                                                       VERMILION)
from data_pipeline.presentation.charts.svg import Svg, breakdown_bars, district_bars, nice_ticks, timeline

_DESCRIBERS: dict[Callable[..., Any], Callable[..., ChartText]] = {
    district_bars: _summaries.describe_district_bars,
    timeline: _summaries.describe_timeline,
    breakdown_bars: _summaries.describe_breakdown_bars,
    funding_bars: _summaries.describe_funding_bars,
    survey_ci_chart: _summaries.describe_survey_ci_chart,
    counts_bars: _summaries.describe_counts_bars,
}


def describe(build: Callable[..., Any], *args: Any, **kwargs: Any) -> ChartText:
    """The chart ``build(*args, **kwargs)`` in words and as a table (``ChartText``)."""
    return _DESCRIBERS[build](*args, **kwargs)


__all__ = ["BLUE", "DARK", "GREEN", "GREY", "ORANGE", "PALETTE", "PURPLE", "SKY", "VERMILION", "ChartText", "Svg",
           "breakdown_bars", "counts_bars", "describe", "district_bars", "funding_bars", "nice_ticks",
           "survey_ci_chart", "timeline"]
