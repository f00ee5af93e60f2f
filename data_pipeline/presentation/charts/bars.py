"""Bars per district, per period and per group: the District profile's and the Map ranking's charts
(``charts.drawing`` draws them)."""

from __future__ import annotations

import math

import pandas as pd

from data_pipeline.presentation.charts.drawing import (BAR, GRID, LINE, MUTED, ROW, TICK, WIDTH, Svg, document,
                                                       legend_block, nice_ticks, text, title_block, tooltip, wrap, x_axis)
from data_pipeline.presentation.charts.palette import BLUE, DARK, GREY, ORANGE, PALETTE, VERMILION, ink_on
from data_pipeline.presentation.i18n import demo_mark, format_number, format_percent, marked, translator
from data_pipeline.reference.origin import GENERATED


def ranked_districts(table: pd.DataFrame, indicator_label: str, title: str | None, mode: str,
                     lang: str) -> tuple[pd.DataFrame, str, str, str]:
    """What ``district_bars`` and its summary show: the districts with a figure, largest first; the column
    ranked (``value``, or ``achievement_pct`` for ``mode="pct"``), the unit suffix and the title (unmarked)."""
    _ = translator(lang)
    pct = mode == "pct"
    column = "achievement_pct" if pct else "value"
    rows = table[table[column].notna()].sort_values([column, "district"], ascending=[False, True])
    default = _("{indicator}: % of target by district") if pct else _("{indicator} by district")
    return rows, column, "%" if pct else "", title or default.format(indicator=indicator_label)


def district_bars(table: pd.DataFrame, indicator_label: str, unit: str, highlight: tuple[str, ...] = (),
                  title: str | None = None, lang: str = "en", origin: str | None = None,
                  mode: str = "value") -> Svg:
    """One indicator across districts, largest first: a bar for each district's value, a tick for its
    target, the programme median as a dotted line, and the ``highlight`` district codes in orange.
    With ``mode="pct"``, bars for the % of target (districts without a target left out) and a line at 100 %.

    ``table``: one row per district with ``district_code, district, value, target`` (and
    ``achievement_pct`` for ``pct``); ``indicator_label`` and ``unit`` are in ``lang`` already.
    Generated figures (``origin``) carry the demo mark in the title and in every tooltip.
    """
    _ = translator(lang)
    pct = mode == "pct"
    rows, column, suffix, heading = ranked_districts(table, indicator_label, title, mode, lang)
    heading = marked(heading, origin, lang)
    demo = f" ({demo_mark(lang)})" if origin == GENERATED else ""
    title_markup, y = title_block(heading)
    median = float(rows[column].median()) if len(rows) else None
    legend_items = [(BLUE, _("% of target") if pct else _("Value")), ("tick", _("target"))]
    if median is not None:
        legend_items.append(("dotted", _("median {value}").format(value=format_number(median, lang, unit=suffix))))
    legend, legend_height = legend_block(legend_items, y)
    top_y = y + legend_height
    labels = {code: wrap(name, 18) for code, name in zip(rows["district_code"], rows["district"])}
    left, right = 112.0, WIDTH - 40.0
    targets = [] if pct else [t for t in rows["target"] if pd.notna(t)]
    ticks = nice_ticks(max([*rows[column], *targets, 100.0 if pct else 0.0], default=0.0))
    scale = (right - left) / ticks[-1]
    parts, row_y, target_word = [], top_y, _("target")
    for code, district, value, target in zip(rows["district_code"], rows["district"], rows[column], rows["target"]):
        height = max(ROW, len(labels[code]) * LINE + 4)
        bar_y = row_y + (height - BAR) / 2
        shown = format_number(value, lang, unit=suffix)
        tip = f"{district}: {shown}{'' if pct else ' ' + unit}{demo}"
        if not pct and pd.notna(target):
            tip += f"; {target_word}: {format_number(target, lang)}{demo}"
        colour = ORANGE if code in highlight else BLUE
        end = max(value, 0 if pct or pd.isna(target) else target + 1.5 / scale, 0)  # the number after the tick
        bar = (f'<g>{tooltip(tip)}<rect x="{left:.1f}" y="{bar_y:.1f}" width="{max(value, 0) * scale:.1f}" '
               f'height="{BAR}" fill="{colour}"/>' + text(left + end * scale + 4, bar_y + 11, shown))
        if not pct and pd.notna(target):
            x = left + target * scale
            bar += (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bar_y - 3:.1f}" y2="{bar_y + BAR + 3:.1f}" '
                    f'stroke="{DARK}" stroke-width="3"/>')
        parts.append(bar + "</g>")
        for i, line in enumerate(labels[code]):
            first = row_y + height / 2 + 4 - (len(labels[code]) - 1) * LINE / 2
            parts.append(text(left - 6, first + i * LINE, line, "end",
                               font_weight=600 if code in highlight else 400))
        row_y += height
    axis = x_axis(ticks, left, scale, top_y, row_y, lang, _("% of target") if pct else unit, suffix)
    lines = ""
    if pct:
        x = left + 100 * scale
        lines += f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_y:.1f}" y2="{row_y:.1f}" stroke="{DARK}" stroke-width="2"/>'
    if median is not None:
        x = left + median * scale
        lines += (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_y:.1f}" y2="{row_y:.1f}" stroke="{VERMILION}" '
                  f'stroke-width="1.5" stroke-dasharray="3 3"/>')
    body = title_markup + legend + axis + "".join(parts) + lines
    return document(heading, body, row_y + (34 if unit or pct else 20))


def timeline(table: pd.DataFrame, title: str, unit: str = "", series: str | None = None, lang: str = "en",
             origin: str | None = None) -> Svg:
    """Values over periods: one bar per period, grouped by ``series`` (e.g. district) when given.

    ``table``: ``period, value`` (+ ``series``); periods are labels (``2019``, ``2019-Q2``).
    Generated values (``origin``) carry the demo mark in the title and every tooltip.
    """
    heading = marked(title, origin, lang)
    demo = f" ({demo_mark(lang)})" if origin == GENERATED else ""
    title_markup, y = title_block(heading)
    periods = sorted(table["period"].astype(str).unique())
    groups = [("", table)] if series is None else [(str(n), rows) for n, rows in table.groupby(series, sort=False)]
    legend, legend_height = legend_block([(PALETTE[i % len(PALETTE)], name) for i, (name, _rows) in enumerate(groups)],
                                    y) if series is not None else ("", 0.0)
    top_y = y + legend_height + (LINE + 10 if unit else 10)
    left, right, bottom = 44.0, WIDTH - 4.0, top_y + 170.0
    ticks = nice_ticks(float(table["value"].max()) if len(table) else 0.0)
    scale = (bottom - top_y) / ticks[-1]
    band = (right - left) / max(len(periods), 1)
    bar_width = band * 0.8 / max(len(groups), 1)
    parts = [text(0, top_y - 14, unit, fill=MUTED)] if unit else []
    for tick in ticks:
        tick_y = bottom - tick * scale
        parts.append(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{tick_y:.1f}" y2="{tick_y:.1f}" stroke="{GRID}"/>')
        parts.append(text(left - 4, tick_y + 4, format_number(tick, lang), "end", fill=MUTED, class_=TICK))
    with_values = len(periods) * len(groups) <= 12
    for g, (name, rows) in enumerate(groups):
        values = dict(zip(rows["period"].astype(str), rows["value"]))
        for p, period in enumerate(periods):
            if period not in values or pd.isna(values[period]):
                continue
            value = float(values[period])
            x = left + p * band + band * 0.1 + g * bar_width
            height = max(value, 0) * scale
            shown = format_number(value, lang)
            tip = f"{name + ', ' if name else ''}{period}: {shown} {unit}".rstrip() + demo
            label = text(x + bar_width / 2, bottom - height - 4, shown, "middle") if with_values else ""
            parts.append(f'<g>{tooltip(tip)}<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{bar_width:.1f}" '
                         f'height="{height:.1f}" fill="{PALETTE[g % len(PALETTE)]}"/>{label}</g>')
    every = max(1, math.ceil(len(periods) * 7.0 * max((len(p) for p in periods), default=4) / (right - left)))
    for p, period in enumerate(periods):
        if p % every == 0:
            parts.append(text(left + (p + 0.5) * band, bottom + 15, period, "middle", fill=MUTED))
    return document(heading, title_markup + legend + "".join(parts), bottom + 22)


def breakdown_bars(table: pd.DataFrame, by: str, title: str, lang: str = "en", origin: str | None = None,
                   shares: bool = False) -> Svg:
    """Stacked horizontal bars: each indicator split by the categories of ``by`` (sex, age…), its total at the end.

    ``table``: ``indicator_label, <by>, value``; labels and categories are translated into
    ``lang`` (catalog msgids). Generated values (``origin``) carry the demo mark in the title and tooltips.
    With ``shares``, every bar is its indicator's 100 % and each group its share, written on it where it
    fits: indicators of very different sizes compare, and so do the documents' published shares.
    """
    _ = translator(lang)
    heading = marked(title, origin, lang)
    demo = f" ({demo_mark(lang)})" if origin == GENERATED else ""
    title_markup, y = title_block(heading)
    categories = table[by].drop_duplicates().tolist()
    colours = {c: GREY if c == "not stated" else PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
    legend, legend_height = legend_block([(colours[c], _(str(c))) for c in categories], y)
    row_y = y + legend_height
    totals = table.groupby("indicator_label", sort=False)["value"].sum()
    left, right = 132.0, WIDTH - 44.0
    ticks = [0.0, 25.0, 50.0, 75.0, 100.0] if shares else nice_ticks(float(totals.max()) if len(totals) else 0.0)
    scale = (right - left) / ticks[-1]
    top_y, parts = row_y, []
    for indicator_label, total in totals.items():
        lines = wrap(_(indicator_label), 21)
        height = max(ROW + 6, len(lines) * LINE + 6)
        bar_y = row_y + (height - BAR) / 2
        first = row_y + height / 2 + 4 - (len(lines) - 1) * LINE / 2
        parts += [text(left - 6, first + i * LINE, line, "end") for i, line in enumerate(lines)]
        x = left
        for category, value in zip(*(table.loc[table["indicator_label"] == indicator_label, [by, "value"]].T.values)):
            share = float(value) / float(total) * 100 if total else 0.0
            width = max(share if shares else float(value), 0) * scale
            tip = f"{_(indicator_label)}: {_(str(category))} {format_number(value, lang)}{demo}"
            if shares:
                tip += f" ({format_percent(share, lang, 1)}{demo})"
            parts.append(f'<g>{tooltip(tip)}<rect x="{x:.1f}" y="{bar_y:.1f}" width="{width:.1f}" '
                         f'height="{BAR}" fill="{colours[category]}"/></g>')
            if shares and width >= 34:
                parts.append(text(x + width / 2, bar_y + 11, format_percent(share, lang), "middle",
                                  fill=ink_on(colours[category]),
                                  font_size=10))
            x += width
        parts.append(text(x + 4, bar_y + 11, format_number(total, lang)))
        row_y += height
    axis = x_axis(ticks, left, scale, top_y, row_y, lang, "", "%" if shares else "")
    return document(heading, title_markup + legend + axis + "".join(parts), row_y + 22)
