"""Bars under their labels: the funding and survey charts, whose labels (a Russian objective runs to
97 characters) would leave a phone no room for bars beside them. Each row is its label, in full
lines across the chart, then its bars (``charts.drawing`` draws them)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from data_pipeline.presentation.charts.drawing import (BAR, LINE, WIDTH, Svg, document, legend_block, nice_ticks,
                                                       text, title_block, tooltip, wrap, x_axis)
from data_pipeline.presentation.charts.palette import BLUE, DARK, GREEN, GREY
from data_pipeline.presentation.i18n import format_number, format_percent, marked, translator

LABEL_WIDTH = 56
"""Characters per line of a row's label: the chart's whole width."""
_LEFT = 8.0
_GAP = 8.0


def _rows(labels: list[str], draw: Callable[[int, float], tuple[str, float]], top: float) -> tuple[str, float]:
    """Each label's lines, then what ``draw(i, y)`` draws under it (its markup and height); the rows'
    markup and where they end."""
    parts, y = [], top
    for i, label in enumerate(labels):
        for line in wrap(label, LABEL_WIDTH):
            y += LINE
            parts.append(text(_LEFT - 8, y - 3, line))
        markup, height = draw(i, y + 2)
        parts.append(markup)
        y += height + 2 + _GAP
    return "".join(parts), y


def _bar(x: float, y: float, width: float, colour: str, tip: str, label: str = "") -> str:
    """A bar with its tooltip, and ``label`` after its end."""
    after = text(x + width + 4, y + BAR - 3, label) if label else ""
    return (f'<g>{tooltip(tip)}<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{BAR}" '
            f'fill="{colour}"/>{after}</g>')


def funding_bars(summary: pd.DataFrame, title: str | None = None, lang: str = "en",
                 received_origin: str | None = None) -> Svg:
    """Required vs received per funding line, the share covered after the amount received.

    ``summary``: ``objective, component, required, received, coverage_pct`` (``funding_summary``);
    objective and component names are translated into ``lang`` (they are catalog msgids). When the
    amounts received are generated (``received_origin``), their name, tooltips and coverage carry the
    demo mark; the published amounts required do not.
    """
    _ = translator(lang)
    heading = title or _("Funding required and received (USD)")
    names = [_(c) if isinstance(c, str) and c else _("{objective} (objective)").format(objective=_(o))
             for o, c in zip(summary["objective"], summary["component"])]
    required, received = _("required"), marked(_("received"), received_origin, lang)
    title_markup, y = title_block(heading)
    legend, legend_height = legend_block([(GREY, required), (BLUE, received)], y)
    right = WIDTH - 118.0
    ticks = nice_ticks(float(pd.concat([summary["required"], summary["received"]]).max()) if len(summary) else 0, 3)
    scale = (right - _LEFT) / ticks[-1]

    def draw(i: int, top: float) -> tuple[str, float]:
        row = summary.iloc[i]
        coverage = (_("{pct} covered").format(pct=marked(format_percent(row["coverage_pct"], lang), received_origin,
                                                                  lang)) if pd.notna(row["coverage_pct"]) else "")
        bars = _bar(_LEFT, top, row["required"] * scale, GREY,
                    f"{names[i]}: {required} {format_number(row['required'], lang, unit='USD')}")
        if pd.notna(row["received"]):
            bars += _bar(_LEFT, top + BAR + 2, row["received"] * scale, BLUE,
                         f"{names[i]}: {received} {format_number(row['received'], lang, unit='USD')}", coverage)
        return bars, 2 * BAR + 2

    rows, bottom = _rows(names, draw, y + legend_height)
    axis = x_axis(ticks, _LEFT, scale, y + legend_height, bottom, lang, "USD")
    return document(heading, title_markup + legend + axis + rows, bottom + 36)


def survey_ci_chart(estimates: pd.DataFrame, title: str | None = None, lang: str = "en") -> Svg:
    """Each survey percentage as a dot on its 95 % confidence interval, the figures after it.

    ``estimates``: ``label, value_pct, ci_low, ci_high`` (``survey_estimates``); labels are
    translated into ``lang`` (they are catalog msgids).
    """
    _ = translator(lang)
    heading = title or _("Survey findings with 95% confidence intervals")
    labels = [_(label) for label in estimates["label"]]
    title_markup, top = title_block(heading)
    right, ci = WIDTH - 112.0, _("CI")
    scale = (right - _LEFT) / 100

    def draw(i: int, y: float) -> tuple[str, float]:
        row = estimates.iloc[i]
        value, low, high = (format_number(row[c], lang, 1, "%") for c in ("value_pct", "ci_low", "ci_high"))
        middle, x_low, x_high = y + BAR / 2, _LEFT + row["ci_low"] * scale, _LEFT + row["ci_high"] * scale
        tip = f"{labels[i]}: {value} ({ci} {low}–{high})"
        return (f'<g>{tooltip(tip)}<line x1="{x_low:.1f}" x2="{x_high:.1f}" y1="{middle:.1f}" y2="{middle:.1f}" '
                f'stroke="{BLUE}" stroke-width="2"/>'
                + "".join(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{middle - 4:.1f}" y2="{middle + 4:.1f}" '
                          f'stroke="{BLUE}" stroke-width="2"/>' for x in (x_low, x_high))
                + f'<circle cx="{_LEFT + row["value_pct"] * scale:.1f}" cy="{middle:.1f}" r="4.5" fill="{BLUE}"/>'
                + text(right + 10, middle + 4, f"{value} ({low}–{high})", fill=DARK) + "</g>"), BAR

    rows, bottom = _rows(labels, draw, top)
    axis = x_axis(nice_ticks(100.0), _LEFT, scale, top, bottom, lang, _("% of participants"), "%")
    return document(heading, title_markup + axis + rows, bottom + 36)


def counts_bars(table: pd.DataFrame, title: str, unit: str | None = None, lang: str = "en") -> Svg:
    """Counts per category as bars under their labels, largest first (e.g. actions taken after the sessions).

    ``table``: ``label, value``; labels are translated into ``lang`` (catalog msgids). ``unit``
    defaults to "respondents".
    """
    _ = translator(lang)
    unit = _("respondents") if unit is None else unit
    rows = table.sort_values("value", ascending=False, kind="stable")
    labels = [_(label) for label in rows["label"]]
    title_markup, top = title_block(title)
    ticks = nice_ticks(float(rows["value"].max()) if len(rows) else 0.0)
    scale = (WIDTH - 48.0 - _LEFT) / ticks[-1]

    def draw(i: int, y: float) -> tuple[str, float]:
        value = rows["value"].iloc[i]
        shown = format_number(value, lang)
        return _bar(_LEFT, y, value * scale, GREEN, f"{labels[i]}: {shown} {unit}", shown), BAR

    markup, bottom = _rows(labels, draw, top)
    axis = x_axis(ticks, _LEFT, scale, top, bottom, lang, unit)
    return document(title, title_markup + axis + markup, bottom + 36)
