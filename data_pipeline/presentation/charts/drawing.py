"""What every SVG chart is drawn with: the document, escaped text, titles, legends, axes and ticks.

A chart is drawn on the server as SVG: no chart library reaches the reader's browser (the plotly
chunk is 1.4 MB compressed), it comes with the page's own message, is drawn at once and scales to
its column. It is one ``role="img"`` named by its title; every bar carries its value as text and as
a tooltip (``<title>``). Every text is escaped here, since district and indicator names are data.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from data_pipeline.presentation.charts.palette import DARK, VERMILION
from data_pipeline.presentation.i18n import format_number


class Svg(str):
    """An SVG chart, shown inline (as an image its tooltips would be lost)."""


WIDTH = 360
"""Width of the drawing in its own units: about a phone's column, so that its 12-unit text reads at
12 px there; on a wide screen it grows up to ``MAX_WIDTH_PX``."""
MAX_WIDTH_PX = 480
FONT = 12
LINE = 15
ROW = 20
BAR = 14
GRID = "#e5e5e5"
MUTED = "#595959"  # 7:1 on white
TICK = "tick"
"""The class of an axis' numbers: they mark the scale, not a figure."""


def text(x: float, y: float, words: str, anchor: str = "start", **attributes: str | float) -> str:
    """``words`` at (``x``, ``y``), escaped; ``font_size=14`` and the like become SVG attributes."""
    extra = "".join(f" {name.strip('_').replace('_', '-')}={quoteattr(str(value))}"
                    for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(words)}</text>'


def wrap(words: str, width: int) -> list[str]:
    """``words`` in lines of at most ``width`` characters (SVG text does not wrap)."""
    return textwrap.wrap(words, width) or [words]


def title_block(title: str) -> tuple[str, float]:
    """The title in lines of at most 46 characters, and the height they take."""
    lines = wrap(title, 46)
    markup = "".join(text(0, 16 + i * 18, line, font_size=14, font_weight=600) for i, line in enumerate(lines))
    return markup, 18 * len(lines) + 6


def legend_block(items: Sequence[tuple[str, str]], y: float) -> tuple[str, float]:
    """Coloured swatches with their names (``(colour or "tick"/"dotted"/"dashed <colour>", name)``) in rows that
    fit the width."""
    parts, x, row = [], 0.0, 0
    for kind, name in items:
        width = 18 + 6.2 * len(name) + 12
        if x and x + width > WIDTH:
            x, row = 0.0, row + 1
        top = y + row * LINE
        if kind == "tick":
            parts.append(f'<line x1="{x + 6:.1f}" x2="{x + 6:.1f}" y1="{top:.1f}" y2="{top + 11:.1f}" '
                         f'stroke="{DARK}" stroke-width="3"/>')
        elif kind == "dotted":
            parts.append(f'<line x1="{x:.1f}" x2="{x + 12:.1f}" y1="{top + 6:.1f}" y2="{top + 6:.1f}" '
                         f'stroke="{VERMILION}" stroke-width="2" stroke-dasharray="2 2"/>')
        elif kind.startswith("dashed "):
            parts.append(f'<line x1="{x:.1f}" x2="{x + 12:.1f}" y1="{top + 6:.1f}" y2="{top + 6:.1f}" '
                         f'stroke="{kind.split()[1]}" stroke-width="2" stroke-dasharray="4 2"/>')
        else:
            parts.append(f'<rect x="{x:.1f}" y="{top + 1:.1f}" width="10" height="10" fill="{kind}"/>')
        parts.append(text(x + 16, top + 10, name, fill=MUTED))
        x += width
    return "".join(parts), (row + 1) * LINE + 6


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least ``top``: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not top or top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def document(title: str, body: str, height: float) -> Svg:
    return Svg(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {math.ceil(height)}" width="100%" '
               f'style="max-width:{MAX_WIDTH_PX}px;height:auto;display:block;overflow:visible" role="img" '
               f'aria-label={quoteattr(title)} font-size="{FONT}" fill="{DARK}">{body}</svg>')


def tooltip(words: str) -> str:
    """What the browser shows on hovering the group this opens (its first child)."""
    return f"<title>{escape(words)}</title>"


def x_axis(ticks: list[float], left: float, scale: float, top: float, bottom: float, lang: str,
            unit: str, suffix: str = "") -> str:
    """Vertical grid lines at ``ticks`` between ``top`` and ``bottom``, their numbers under them, ``unit`` below."""
    parts = []
    for tick in ticks:
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{bottom:.1f}" stroke="{GRID}"/>')
        parts.append(text(x, bottom + 14, format_number(tick, lang, unit=suffix), "middle", fill=MUTED, class_=TICK))
    if unit:
        parts.append(text(left + ticks[-1] * scale / 2, bottom + 30, unit, "middle", fill=MUTED))
    return "".join(parts)


