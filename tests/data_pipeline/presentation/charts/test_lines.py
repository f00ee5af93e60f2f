"""The running-total chart (``charts.cumulative_lines``): a line per series through every period, its
target dashed in the same colour, tooltips with the demo mark, a phone's width, and its summary."""

from __future__ import annotations

import math
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from data_pipeline.presentation import charts
from data_pipeline.presentation.charts.drawing import WIDTH
from data_pipeline.presentation.i18n import LANGUAGES, demo_mark, translator
from data_pipeline.reference.origin import GENERATED, UPLOADED

SVG = "{http://www.w3.org/2000/svg}"
SERIES = pd.DataFrame({"series": ["Khatlon"] * 3 + ["GBAO"] * 3, "period": ["2018", "2019", "2020"] * 2,
                       "value": [100.0, 50.0, 1200.0, 5.0, 0.0, 20.0],
                       "cumulative": [100.0, 150.0, 1350.0, 5.0, 5.0, 25.0],
                       "target": [1500.0] * 3 + [math.nan] * 3})


def parsed(table=SERIES, **kwargs) -> ET.Element:
    drawing = charts.cumulative_lines(table, "Jobs created: running total per year", "jobs", **kwargs)
    assert isinstance(drawing, charts.Svg)
    return ET.fromstring(drawing)


def tooltips(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}title")]


def test_a_line_per_series_through_every_period_and_the_target_dashed_in_its_colour():
    chart = parsed()
    lines = list(chart.iter(f"{SVG}polyline"))
    assert len(lines) == 2 and all(len(line.get("points").split()) == 3 for line in lines)
    dashed = [line for line in chart.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    target_lines = [line for line in dashed if line.get("stroke") == lines[0].get("stroke")]
    assert target_lines, "Khatlon's target is drawn dashed in Khatlon's colour"
    assert not [line for line in dashed if line.get("stroke") == lines[1].get("stroke")], "GBAO has no target"
    # Higher on the page is more: the line climbs (SVG y grows downwards), and the target sits above 1,350.
    ys = [float(point.split(",")[1]) for point in lines[0].get("points").split()]
    assert ys[0] > ys[1] > ys[2]
    assert float(target_lines[0].get("y1")) < ys[2]
    words = [t.text for t in chart.iter(f"{SVG}text")]
    assert "1,350" in words and "2018" in words and "2020" in words


def test_tooltips_say_the_running_total_and_the_period_value_with_the_demo_mark():
    tips = tooltips(parsed(origin=GENERATED))
    assert "Khatlon, 2020: 1,350 in all, 1,200 in the period jobs (demo)" in tips
    assert "Khatlon, target: 1,500 jobs (demo)" in tips
    assert all(tip.endswith("(demo)") for tip in tips)
    assert not any("demo" in tip for tip in tooltips(parsed(origin=UPLOADED)))
    assert "(demo)" in parsed(origin=GENERATED).get("aria-label")


def test_it_fits_a_phone_and_thins_the_period_labels_of_a_long_series():
    months = pd.period_range("2017-01", "2020-12", freq="M").strftime("%Y-%m")
    long = pd.DataFrame({"series": "All districts in view", "period": months, "value": 1.0,
                         "cumulative": range(1, len(months) + 1), "target": 60.0})
    chart = parsed(long)
    assert chart.get("viewBox").split()[2] == str(WIDTH)
    xs = [float(c.get("cx")) for c in chart.iter(f"{SVG}circle")]
    assert 0 <= min(xs) and max(xs) <= WIDTH
    shown = [t.text for t in chart.iter(f"{SVG}text") if t.text in set(months)]
    assert 2 <= len(shown) < len(months) / 2  # a label every few months, not 48 on top of each other


def test_names_from_data_stay_text():
    hostile = SERIES.assign(series="<script>alert(1)</script>")
    chart = charts.cumulative_lines(hostile, "<b>x</b>", lang="en")
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    ET.fromstring(chart)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_summary_says_each_series_against_its_target(lang):
    _ = translator(lang)
    text = charts.describe(charts.cumulative_lines, SERIES, "Jobs", "jobs", lang=lang, origin=GENERATED)
    assert text.summary.startswith("Jobs, ") and "2018" in text.summary and demo_mark(lang) in text.summary
    assert "GBAO: 25" in text.summary
    assert _("{series}: {total} by {period}, no target recorded").split("{period}")[1] in text.summary
    if lang == "en":
        assert "Khatlon: 1,350 jobs (demo) by 2020, 90% (demo) of its target of 1,500 (demo)" in text.summary
        assert "GBAO: 25 jobs (demo) by 2020, no target recorded" in text.summary
    assert list(text.table.columns) == ["series", "period", "value", "cumulative", "target"]
    assert all(demo_mark(lang) in heading for key, heading in text.headings.items() if key not in ("series", "period"))


def test_an_empty_series_says_so():
    empty = SERIES.iloc[0:0]
    assert charts.describe(charts.cumulative_lines, empty, "Jobs").summary == "Jobs: nothing to show."
    ET.fromstring(charts.cumulative_lines(empty, "Jobs"))
