"""The SVG bar charts: what a reader sees in them (order, colours, targets, median, tooltips), and that
names from data stay text."""

from __future__ import annotations

import math
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_pipeline.presentation import charts
from data_pipeline.reference.origin import GENERATED, UPLOADED

SVG = "{http://www.w3.org/2000/svg}"


def parsed(drawing: charts.Svg) -> ET.Element:
    assert isinstance(drawing, charts.Svg)
    return ET.fromstring(drawing)


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def tooltips(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}title")]


def bars(element: ET.Element) -> list[ET.Element]:
    """The bars: the rectangles drawn inside a group with a tooltip (legend swatches have none)."""
    return [rect for group in element.iter(f"{SVG}g") for rect in group.iter(f"{SVG}rect")]


DISTRICTS = pd.DataFrame({"district_code": ["KT01", "KT02", "GB02"], "district": ["Dusti", "Qubodiyon", "Vanj"],
                          "value": [10.0, 30.0, 20.0], "target": [12.0, 25.0, math.nan],
                          "achievement_pct": [10 / 12 * 100, 120.0, math.nan]})


def test_district_bars_largest_first_with_targets_median_and_highlight():
    drawing = parsed(charts.district_bars(DISTRICTS, "Jobs created", "jobs", highlight=("GB02",)))
    assert drawing.get("role") == "img" and drawing.get("aria-label") == "Jobs created by district"
    labels = [t for t in texts(drawing) if t in set(DISTRICTS["district"])]
    assert labels == ["Qubodiyon", "Vanj", "Dusti"]
    assert [b.get("fill") for b in bars(drawing)] == [charts.BLUE, charts.ORANGE, charts.BLUE]
    target_ticks = [line for group in drawing.iter(f"{SVG}g") for line in group.iter(f"{SVG}line")]
    assert len(target_ticks) == 2, "a tick for each district with a target, none for Vanj"
    assert "median 20" in texts(drawing)
    assert tooltips(drawing) == ["Qubodiyon: 30 jobs; target: 25", "Vanj: 20 jobs", "Dusti: 10 jobs; target: 12"]
    widths = [float(b.get("width")) for b in bars(drawing)]
    assert widths[0] == pytest.approx(3 * widths[2], rel=1e-2), "bars are to scale"


def test_percent_of_target_leaves_out_districts_without_a_target_and_draws_the_100_line():
    drawing = parsed(charts.district_bars(DISTRICTS, "Jobs created", "jobs", mode="pct"))
    assert [t for t in texts(drawing) if t in set(DISTRICTS["district"])] == ["Qubodiyon", "Dusti"]
    assert drawing.get("aria-label") == "Jobs created: % of target by district"
    assert "120%" in texts(drawing) and "83.3%" in texts(drawing)


@pytest.mark.parametrize("origin, marked", [(GENERATED, True), (UPLOADED, False), (None, False)])
def test_generated_figures_carry_the_demo_mark_in_the_title_and_every_tooltip(origin, marked):
    for drawing in (charts.district_bars(DISTRICTS, "Jobs created", "jobs", origin=origin),
                    charts.timeline(pd.DataFrame({"period": ["2019"], "value": [5.0]}), "Jobs", "jobs", origin=origin),
                    charts.breakdown_bars(pd.DataFrame({"indicator_label": ["Jobs created"], "sex": ["female"],
                                                        "value": [3.0]}), "sex", "By sex", origin=origin)):
        element = parsed(drawing)
        assert ("(demo)" in element.get("aria-label")) is marked
        assert all(("(demo)" in tip) is marked for tip in tooltips(element))


HOSTILE = ['<script>alert(1)</script>', 'A & B "quoted" \'single\'', "]]><!--", "**bold** [link](http://x)"]


@pytest.mark.parametrize("name", HOSTILE)
def test_names_from_data_stay_text(name):
    table = DISTRICTS.assign(district=[name, "Qubodiyon", "Vanj"])
    drawing = charts.district_bars(table, name, "jobs", title=name)
    element = parsed(drawing)  # well-formed: nothing escaped the text
    assert element.get("aria-label") == name
    assert name in texts(element)
    assert not list(element.iter("script")) and not list(element.iter(f"{SVG}script"))
    assert "<script>" not in drawing


def test_timeline_groups_series_with_a_legend_and_thins_crowded_period_labels():
    table = pd.DataFrame({"period": ["2019", "2020", "2019"], "value": [1.0, 2.0, 3.0], "district": ["A", "A", "B"]})
    drawing = parsed(charts.timeline(table, "Jobs", "jobs", series="district"))
    assert {"A", "B"} <= set(texts(drawing))
    assert tooltips(drawing) == ["A, 2019: 1 jobs", "A, 2020: 2 jobs", "B, 2019: 3 jobs"]
    months = pd.DataFrame({"period": [f"{y}-{m:02d}" for y in (2018, 2019, 2020) for m in range(1, 13)],
                           "value": range(36)})
    crowded = parsed(charts.timeline(months, "Jobs", "jobs"))
    shown = [t for t in texts(crowded) if t in set(months["period"])]
    assert shown[0] == "2018-01" and 3 <= len(shown) < 36, "every few months labelled, none overlapping"
    assert len(bars(crowded)) == 36, "a bar for every month"


def test_breakdown_bars_stack_the_categories_not_stated_in_grey_with_the_total():
    table = pd.DataFrame({"indicator_label": ["Jobs created"] * 3, "sex": ["female", "male", "not stated"],
                          "value": [3.0, 5.0, 1.0]})
    drawing = parsed(charts.breakdown_bars(table, "sex", "By sex"))
    assert [b.get("fill") for b in bars(drawing)][-1] == charts.GREY
    assert {"female", "male", "not stated", "9"} <= set(texts(drawing))
    x = [float(b.get("x")) for b in bars(drawing)]
    w = [float(b.get("width")) for b in bars(drawing)]
    assert x[1] == pytest.approx(x[0] + w[0]) and x[2] == pytest.approx(x[1] + w[1]), "stacked end to end"


def test_breakdown_bars_as_shares_give_every_indicator_the_same_length_and_write_each_wide_share_on_it():
    table = pd.DataFrame({"indicator_label": ["Reintegration session participants"] * 2 + ["Border guards trained"] * 2,
                          "disability": ["yes", "no"] * 2, "value": [84.0, 5921.0, 30.0, 90.0]})
    drawing = parsed(charts.breakdown_bars(table, "disability", "By disability", origin=GENERATED, shares=True))
    w = [float(b.get("width")) for b in bars(drawing)]
    assert w[0] + w[1] == pytest.approx(w[2] + w[3]), "each bar is its indicator's 100 %"
    assert w[2] / (w[2] + w[3]) == pytest.approx(0.25)
    shown = texts(drawing)
    assert {"75%", "99%", "6,005", "120", "100%"} <= set(shown), "wide shares on their bars, totals at the ends"
    assert "1%" not in shown, "a sliver's share is in its tooltip, not squeezed onto it"
    assert "Reintegration session participants: yes 84 (demo) (1.4% (demo))" in tooltips(drawing)
    labels = [t for t in drawing.iter(f"{SVG}text") if t.text in ("75%", "25%") and t.get("class") != "tick"]
    assert {t.get("fill") for t in labels} == {"#ffffff", charts.DARK}, "ink that contrasts with its bar"


@given(st.floats(min_value=0.001, max_value=1e12, allow_nan=False))
def test_nice_ticks_cover_the_largest_value_in_a_few_round_steps(top):
    ticks = charts.nice_ticks(top)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and ticks[-1] >= top * (1 - 1e-9) and 2 <= len(ticks) <= 6
    assert all(math.isclose(b - a, step, rel_tol=1e-9) for a, b in zip(ticks, ticks[1:]))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 2.5, 5, 10))
