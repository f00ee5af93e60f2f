"""Running totals over periods against their target: one line per series (the programme, or each
region), the target of each as a dashed line in the same colour (``charts.drawing`` draws them)."""

from __future__ import annotations

import math

import pandas as pd

from data_pipeline.presentation.charts.drawing import (GRID, LINE, MUTED, TICK, WIDTH, Svg, document, legend_block,
                                                       nice_ticks, text, title_block, tooltip)
from data_pipeline.presentation.charts.palette import PALETTE
from data_pipeline.presentation.i18n import demo_mark, format_number, marked, translator
from data_pipeline.reference.origin import GENERATED

PLOT_HEIGHT = 170.0


def cumulative_lines(table: pd.DataFrame, title: str, unit: str = "", lang: str = "en",
                     origin: str | None = None) -> Svg:
    """Each series' running total (``cumulative``) per period as a line with a dot per period, and its
    ``target`` as a dashed line in the same colour; hovering a dot shows the period's value and the
    running total, hovering a target line its value.

    ``table``: ``series, period, value, cumulative, target`` (``reach.cumulative_series``, with
    ``series`` worded in ``lang``); periods are labels (``2019``, ``2019-Q2``) in order. Generated
    figures (``origin``) carry the demo mark in the title and in every tooltip.
    """
    _ = translator(lang)
    heading = marked(title, origin, lang)
    demo = f" ({demo_mark(lang)})" if origin == GENERATED else ""
    title_markup, y = title_block(heading)
    groups = [(str(name), rows) for name, rows in table.groupby("series", sort=False)]
    colours = {name: PALETTE[i % len(PALETTE)] for i, (name, _rows) in enumerate(groups)}
    items = []
    for name, rows in groups:
        items.append((colours[name], name))
        if rows["target"].notna().any():
            items.append((f"dashed {colours[name]}", _("target: {series}").format(series=name)))
    legend, legend_height = legend_block(items, y) if groups else ("", 0.0)
    top_y = y + legend_height + (LINE + 10 if unit else 10)
    left, right, bottom = 48.0, WIDTH - 8.0, top_y + PLOT_HEIGHT
    periods = list(dict.fromkeys(table["period"].astype(str)))
    targets = [float(t) for t in table["target"].dropna()]
    ticks = nice_ticks(max([*table["cumulative"].astype(float), *targets], default=0.0))
    scale = (bottom - top_y) / ticks[-1]
    inset = 14.0  # the first period's label clear of the axis' 0
    step = (right - left - inset) / max(len(periods) - 1, 1)
    position = {period: n for n, period in enumerate(periods)}

    def x_of(period: str) -> float:
        return left + inset + (position[period] * step if len(periods) > 1 else (right - left - inset) / 2)

    parts = [text(0, top_y - 14, unit, fill=MUTED)] if unit else []
    for tick in ticks:
        tick_y = bottom - tick * scale
        parts.append(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{tick_y:.1f}" y2="{tick_y:.1f}" stroke="{GRID}"/>')
        parts.append(text(left - 4, tick_y + 4, format_number(tick, lang), "end", fill=MUTED, class_=TICK))
    target_word = _("target")
    for name, rows in groups:
        colour = colours[name]
        target = rows["target"].dropna()
        if len(target):
            target_y = bottom - float(target.iloc[0]) * scale
            tip = f"{name}, {target_word}: {format_number(float(target.iloc[0]), lang)} {unit}".rstrip() + demo
            parts.append(f'<g>{tooltip(tip)}<line x1="{left:.1f}" x2="{right:.1f}" y1="{target_y:.1f}" '
                         f'y2="{target_y:.1f}" stroke="{colour}" stroke-width="2" stroke-dasharray="6 4"/>'
                         f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{target_y:.1f}" y2="{target_y:.1f}" '
                         f'stroke="transparent" stroke-width="8"/></g>')
        points = [(x_of(str(p)), bottom - max(float(c), 0) * scale) for p, c in zip(rows["period"], rows["cumulative"])]
        parts.append('<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>'.format(
            colour, " ".join(f"{px:.1f},{py:.1f}" for px, py in points)))
        radius = 3.5 if len(periods) <= 24 else 2.5
        for (px, py), period, value, running in zip(points, rows["period"].astype(str), rows["value"],
                                                   rows["cumulative"]):
            tip = _("{series}, {period}: {cumulative} in all, {value} in the period").format(
                series=name, period=period, cumulative=format_number(float(running), lang),
                value=format_number(float(value), lang)) + (f" {unit}" if unit else "") + demo
            parts.append(f'<g>{tooltip(tip)}<circle cx="{px:.1f}" cy="{py:.1f}" r="{radius}" fill="{colour}"/>'
                         f'<circle cx="{px:.1f}" cy="{py:.1f}" r="8" fill="transparent"/></g>')
        if len(rows):  # the last running total, written at the line's end
            last = float(rows["cumulative"].iloc[-1])
            parts.append(text(points[-1][0] - 4, points[-1][1] - 6, format_number(last, lang), "end",
                              font_weight=600))
    widest = max((len(p) for p in periods), default=4)
    every = max(1, math.ceil(len(periods) * 7.0 * (widest + 1) / (right - left - inset)))
    for n, period in enumerate(periods):
        if n % every == 0:
            parts.append(text(x_of(period), bottom + 15, period, "middle", fill=MUTED))
    return document(heading, title_markup + legend + "".join(parts), bottom + 22)
