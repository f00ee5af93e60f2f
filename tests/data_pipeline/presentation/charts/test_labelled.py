"""Bars under their labels (funding, survey): labels in full lines across the chart, bars to scale,
the share covered and the intervals written out, the demo mark where the amounts received are generated."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from data_pipeline.presentation import charts
from data_pipeline.presentation.charts.labelled import LABEL_WIDTH
from data_pipeline.presentation.i18n import translator
from data_pipeline.reference.origin import GENERATED

SVG = "{http://www.w3.org/2000/svg}"
FUNDING = pd.DataFrame({"objective": ["Obj A", "Obj A"], "component": ["Health", None],
                        "required": [100_000.0, 950_000.0], "received": [79_000.0, 518_000.0],
                        "coverage_pct": [79.0, 54.5]})


def texts(drawing: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(drawing).iter(f"{SVG}text")]


def rects(drawing: str) -> list[ET.Element]:
    return [r for g in ET.fromstring(drawing).iter(f"{SVG}g") for r in g.iter(f"{SVG}rect")]


def test_funding_bars_pair_required_and_received_with_the_share_covered():
    drawing = charts.funding_bars(FUNDING)
    assert {"Health", "Obj A (objective)", "79% covered", "55% covered", "required", "received"} <= set(texts(drawing))
    widths = [float(r.get("width")) for r in rects(drawing)]
    assert widths[1] / widths[0] == pytest.approx(0.79, rel=1e-2) and widths[3] / widths[2] == pytest.approx(
        518 / 950, rel=1e-2)
    generated = charts.funding_bars(FUNDING, received_origin=GENERATED)
    assert "79% (demo) covered" in texts(generated) and "received (demo)" in texts(generated)
    tips = [t.text for t in ET.fromstring(generated).iter(f"{SVG}title")]
    assert tips == ["Health: required 100,000 USD", "Health: received (demo) 79,000 USD",
                    "Obj A (objective): required 950,000 USD", "Obj A (objective): received (demo) 518,000 USD"]


@pytest.mark.parametrize("lang", ["en", "ru", "tg"])
def test_long_labels_wrap_across_the_chart_above_their_bars(lang):
    summary = FUNDING.assign(component=["Mental health and psychosocial support in transition and recovery", None])
    drawing = charts.funding_bars(summary, lang=lang)
    label = translator(lang)(summary["component"][0])
    lines = [t for t in texts(drawing) if t and t in label]
    assert len(lines) >= 2 and max(map(len, lines)) <= LABEL_WIDTH and " ".join(lines) == label
    element = ET.fromstring(drawing)
    label_y = max(float(t.get("y")) for t in element.iter(f"{SVG}text") if t.text in lines)
    assert float(rects(drawing)[0].get("y")) > label_y, "the bars come under their label"


def test_survey_ci_chart_draws_each_interval_with_its_figures():
    estimates = pd.DataFrame({"label": ["Took action"], "value_pct": [91.0], "ci_low": [88.5], "ci_high": [93.0]})
    drawing = charts.survey_ci_chart(estimates)
    element = ET.fromstring(drawing)
    assert "91.0% (88.5%–93.0%)" in texts(drawing)
    dot = next(element.iter(f"{SVG}circle"))
    ends = [float(line.get("x1")) for g in element.iter(f"{SVG}g") for line in g.iter(f"{SVG}line")]
    assert min(ends) < float(dot.get("cx")) < max(ends)
    assert (float(dot.get("cx")) - min(ends)) / (max(ends) - min(ends)) == pytest.approx(2.5 / 4.5, rel=1e-2)


def test_counts_bars_largest_first_in_green():
    table = pd.DataFrame({"label": ["Told family", "Called hotline", "Visited office"], "value": [15, 120, 40]})
    drawing = charts.counts_bars(table, "After the session")
    assert [t for t in texts(drawing) if t in set(table["label"])] == ["Called hotline", "Visited office", "Told family"]
    assert {r.get("fill") for r in rects(drawing)} == {charts.GREEN}
