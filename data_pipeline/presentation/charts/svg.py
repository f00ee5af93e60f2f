"""Simple bar charts drawn on the server as SVG: the District profile's and the Map page's.

A bar chart this simple needs no chart library in the reader's browser: the SVG comes with the
page's own message (a few kilobytes, against the 1.4 MB compressed plotly chunk), is drawn at once,
scales to its column, and every bar carries its value as text and as a tooltip (``<title>``). The
chart is one ``role="img"`` named by its title; its summary and data table are shown beside it
(``charts.summaries``). Every text is escaped: district and indicator names are data.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from data_pipeline.presentation.charts.palette import BLUE, DARK, GREY, ORANGE, PALETTE, VERMILION
from data_pipeline.presentation.i18n import demo_mark, format_number, marked, translator
from data_pipeline.reference.origin import GENERATED


class Svg(str):
    """An SVG chart, shown inline (as an image its tooltips would be lost)."""


WIDTH = 360
"""Width of the drawing in its own units: about a phone's column, so that its 12-unit text reads at
12 px there; on a wide screen it grows up to ``MAX_WIDTH_PX``."""
MAX_WIDTH_PX = 480
FONT = 12
_LINE = 15
_ROW = 20
_BAR = 14
_GRID = "#e5e5e5"
_MUTED = "#595959"  # 7:1 on white


def _text(x: float, y: float, text: str, anchor: str = "start", **attributes: str | float) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(str(value))}" for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [text]


def _title(title: str) -> tuple[str, float]:
    """The title in lines of at most 46 characters, and the height they take."""
    lines = _lines(title, 46)
    markup = "".join(_text(0, 16 + i * 18, line, font_size=14, font_weight=600) for i, line in enumerate(lines))
    return markup, 18 * len(lines) + 6


def _legend(items: Sequence[tuple[str, str]], y: float) -> tuple[str, float]:
    """Coloured swatches with their names (``(colour or "tick"/"dotted", name)``) in rows that fit the width."""
    parts, x, row = [], 0.0, 0
    for kind, name in items:
        width = 18 + 6.2 * len(name) + 12
        if x and x + width > WIDTH:
            x, row = 0.0, row + 1
        top = y + row * _LINE
        if kind == "tick":
            parts.append(f'<line x1="{x + 6:.1f}" x2="{x + 6:.1f}" y1="{top:.1f}" y2="{top + 11:.1f}" '
                         f'stroke="{DARK}" stroke-width="3"/>')
        elif kind == "dotted":
            parts.append(f'<line x1="{x:.1f}" x2="{x + 12:.1f}" y1="{top + 6:.1f}" y2="{top + 6:.1f}" '
                         f'stroke="{VERMILION}" stroke-width="2" stroke-dasharray="2 2"/>')
        else:
            parts.append(f'<rect x="{x:.1f}" y="{top + 1:.1f}" width="10" height="10" fill="{kind}"/>')
        parts.append(_text(x + 16, top + 10, name, fill=_MUTED))
        x += width
    return "".join(parts), (row + 1) * _LINE + 6


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least ``top``: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not top or top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _document(title: str, body: str, height: float) -> Svg:
    return Svg(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {math.ceil(height)}" width="100%" '
               f'style="max-width:{MAX_WIDTH_PX}px;height:auto;display:block;overflow:visible" role="img" '
               f'aria-label={quoteattr(title)} font-size="{FONT}" fill="{DARK}">{body}</svg>')


def _tooltip(text: str) -> str:
    return f"<title>{escape(text)}</title>"


def _x_axis(ticks: list[float], left: float, scale: float, top: float, bottom: float, lang: str,
            unit: str, suffix: str = "") -> str:
    """Vertical grid lines at ``ticks`` between ``top`` and ``bottom``, their numbers under them, ``unit`` below."""
    parts = []
    for tick in ticks:
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{bottom:.1f}" stroke="{_GRID}"/>')
        parts.append(_text(x, bottom + 14, format_number(tick, lang, unit=suffix), "middle", fill=_MUTED))
    if unit:
        parts.append(_text(left + ticks[-1] * scale / 2, bottom + 30, unit, "middle", fill=_MUTED))
    return "".join(parts)


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
    column = "achievement_pct" if pct else "value"
    rows = table[table[column].notna()].sort_values([column, "district"], ascending=[False, True])
    suffix = "%" if pct else ""
    default = _("{indicator}: % of target by district") if pct else _("{indicator} by district")
    heading = marked(title or default.format(indicator=indicator_label), origin, lang)
    demo = f" ({demo_mark(lang)})" if origin == GENERATED else ""
    title_markup, y = _title(heading)
    median = float(rows[column].median()) if len(rows) else None
    legend_items = [(BLUE, _("% of target") if pct else _("Value")), ("tick", _("target"))]
    if median is not None:
        legend_items.append(("dotted", _("median {value}").format(value=format_number(median, lang, unit=suffix))))
    legend, legend_height = _legend(legend_items, y)
    top_y = y + legend_height
    labels = {code: _lines(name, 18) for code, name in zip(rows["district_code"], rows["district"])}
    left, right = 112.0, WIDTH - 40.0
    targets = [] if pct else [t for t in rows["target"] if pd.notna(t)]
    ticks = nice_ticks(max([*rows[column], *targets, 100.0 if pct else 0.0], default=0.0))
    scale = (right - left) / ticks[-1]
    parts, row_y, target_word = [], top_y, _("target")
    for code, district, value, target in zip(rows["district_code"], rows["district"], rows[column], rows["target"]):
        height = max(_ROW, len(labels[code]) * _LINE + 4)
        bar_y = row_y + (height - _BAR) / 2
        shown = format_number(value, lang, unit=suffix)
        tip = f"{district}: {shown}{'' if pct else ' ' + unit}{demo}"
        if not pct and pd.notna(target):
            tip += f"; {target_word}: {format_number(target, lang)}{demo}"
        colour = ORANGE if code in highlight else BLUE
        end = max(value, 0 if pct or pd.isna(target) else target + 1.5 / scale, 0)  # the number after the tick
        bar = (f'<g>{_tooltip(tip)}<rect x="{left:.1f}" y="{bar_y:.1f}" width="{max(value, 0) * scale:.1f}" '
               f'height="{_BAR}" fill="{colour}"/>' + _text(left + end * scale + 4, bar_y + 11, shown))
        if not pct and pd.notna(target):
            x = left + target * scale
            bar += (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bar_y - 3:.1f}" y2="{bar_y + _BAR + 3:.1f}" '
                    f'stroke="{DARK}" stroke-width="3"/>')
        parts.append(bar + "</g>")
        for i, line in enumerate(labels[code]):
            first = row_y + height / 2 + 4 - (len(labels[code]) - 1) * _LINE / 2
            parts.append(_text(left - 6, first + i * _LINE, line, "end",
                               font_weight=600 if code in highlight else 400))
        row_y += height
    axis = _x_axis(ticks, left, scale, top_y, row_y, lang, _("% of target") if pct else unit, suffix)
    lines = ""
    if pct:
        x = left + 100 * scale
        lines += f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_y:.1f}" y2="{row_y:.1f}" stroke="{DARK}" stroke-width="2"/>'
    if median is not None:
        x = left + median * scale
        lines += (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_y:.1f}" y2="{row_y:.1f}" stroke="{VERMILION}" '
                  f'stroke-width="1.5" stroke-dasharray="3 3"/>')
    body = title_markup + legend + axis + "".join(parts) + lines
    return _document(heading, body, row_y + (34 if unit or pct else 20))


def timeline(table: pd.DataFrame, title: str, unit: str = "", series: str | None = None, lang: str = "en",
             origin: str | None = None) -> Svg:
    """Values over periods: one bar per period, grouped by ``series`` (e.g. district) when given.

    ``table``: ``period, value`` (+ ``series``); periods are labels (``2019``, ``2019-Q2``).
    Generated values (``origin``) carry the demo mark in the title and every tooltip.
    """
    heading = marked(title, origin, lang)
    demo = f" ({demo_mark(lang)})" if origin == GENERATED else ""
    title_markup, y = _title(heading)
    periods = sorted(table["period"].astype(str).unique())
    groups = [("", table)] if series is None else [(str(n), rows) for n, rows in table.groupby(series, sort=False)]
    legend, legend_height = _legend([(PALETTE[i % len(PALETTE)], name) for i, (name, _rows) in enumerate(groups)],
                                    y) if series is not None else ("", 0.0)
    top_y = y + legend_height + (_LINE + 10 if unit else 10)
    left, right, bottom = 44.0, WIDTH - 4.0, top_y + 170.0
    ticks = nice_ticks(float(table["value"].max()) if len(table) else 0.0)
    scale = (bottom - top_y) / ticks[-1]
    band = (right - left) / max(len(periods), 1)
    bar_width = band * 0.8 / max(len(groups), 1)
    parts = [_text(0, top_y - 14, unit, fill=_MUTED)] if unit else []
    for tick in ticks:
        tick_y = bottom - tick * scale
        parts.append(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{tick_y:.1f}" y2="{tick_y:.1f}" stroke="{_GRID}"/>')
        parts.append(_text(left - 4, tick_y + 4, format_number(tick, lang), "end", fill=_MUTED))
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
            label = _text(x + bar_width / 2, bottom - height - 4, shown, "middle") if with_values else ""
            parts.append(f'<g>{_tooltip(tip)}<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{bar_width:.1f}" '
                         f'height="{height:.1f}" fill="{PALETTE[g % len(PALETTE)]}"/>{label}</g>')
    every = max(1, math.ceil(len(periods) * 7.0 * max((len(p) for p in periods), default=4) / (right - left)))
    for p, period in enumerate(periods):
        if p % every == 0:
            parts.append(_text(left + (p + 0.5) * band, bottom + 15, period, "middle", fill=_MUTED))
    return _document(heading, title_markup + legend + "".join(parts), bottom + 22)


def breakdown_bars(table: pd.DataFrame, by: str, title: str, lang: str = "en", origin: str | None = None) -> Svg:
    """Stacked horizontal bars: each indicator split by the categories of ``by`` (sex, age…), its total at the end.

    ``table``: ``indicator_label, <by>, value``; labels and categories are translated into
    ``lang`` (catalog msgids). Generated values (``origin``) carry the demo mark in the title and tooltips.
    """
    _ = translator(lang)
    heading = marked(title, origin, lang)
    demo = f" ({demo_mark(lang)})" if origin == GENERATED else ""
    title_markup, y = _title(heading)
    categories = table[by].drop_duplicates().tolist()
    colours = {c: GREY if c == "not stated" else PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
    legend, legend_height = _legend([(colours[c], _(str(c))) for c in categories], y)
    row_y = y + legend_height
    totals = table.groupby("indicator_label", sort=False)["value"].sum()
    left, right = 132.0, WIDTH - 44.0
    ticks = nice_ticks(float(totals.max()) if len(totals) else 0.0)
    scale = (right - left) / ticks[-1]
    top_y, parts = row_y, []
    for indicator_label, total in totals.items():
        lines = _lines(_(indicator_label), 21)
        height = max(_ROW + 6, len(lines) * _LINE + 6)
        bar_y = row_y + (height - _BAR) / 2
        first = row_y + height / 2 + 4 - (len(lines) - 1) * _LINE / 2
        parts += [_text(left - 6, first + i * _LINE, line, "end") for i, line in enumerate(lines)]
        x = left
        for category, value in zip(*(table.loc[table["indicator_label"] == indicator_label, [by, "value"]].T.values)):
            width = max(float(value), 0) * scale
            tip = f"{_(indicator_label)}: {_(str(category))} {format_number(value, lang)}{demo}"
            parts.append(f'<g>{_tooltip(tip)}<rect x="{x:.1f}" y="{bar_y:.1f}" width="{width:.1f}" '
                         f'height="{_BAR}" fill="{colours[category]}"/></g>')
            x += width
        parts.append(_text(x + 4, bar_y + 11, format_number(total, lang)))
        row_y += height
    axis = _x_axis(ticks, left, scale, top_y, row_y, lang, "")
    return _document(heading, title_markup + legend + axis + "".join(parts), row_y + 22)
