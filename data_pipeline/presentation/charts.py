"""Plotly figure builders for the dashboard: the one chart module every page calls.

Plain functions from tables (the shapes ``data_pipeline.analysis.dataset``, ``funding`` and ``survey``
return) to ``plotly.graph_objects.Figure``; no Streamlit here, so tests call them directly.
Colours come from the Okabe–Ito palette, which stays distinguishable with the common forms
of colour blindness; numbers are shown with thousands separators (``i18n.format_number``), never in scientific or
"k" notation, since the readers compare them with printed reports.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from data_pipeline.presentation.i18n import demo_mark, format_number, format_percent, marked, translator
from data_pipeline.reference.origin import GENERATED

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
SKY = "#56B4E9"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
DARK = "#333333"
PALETTE = (BLUE, ORANGE, GREEN, VERMILION, SKY, PURPLE, "#F0E442", DARK)

_FONT = dict(family="Source Sans Pro, DejaVu Sans, sans-serif", size=13, color=DARK)


def _separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for ``lang`` (``.,`` or ``,`` + no-break space)."""
    return ".," if lang == "en" else ",\u00a0"


def _layout(fig: go.Figure, title: str, height: int, lang: str = "en", **kw) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=15)),
        height=height,
        margin=dict(l=10, r=20, t=50, b=10),
        font=_FONT,
        plot_bgcolor="white",
        paper_bgcolor="white",
        separators=_separators(lang),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        **kw,
    )
    fig.update_xaxes(gridcolor="#e5e5e5", zerolinecolor="#bbbbbb", tickformat=",")
    fig.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#bbbbbb", automargin=True)
    return fig


def _hover_mark(origin: str | None, lang: str) -> str:
    """What a hover label appends to a generated number: `` (demo)``; nothing for other origins."""
    return f" ({demo_mark(lang)})" if origin == GENERATED else ""


LABEL_WIDTH = 40
"""Characters per line of a bar's category label: a longer label (a Russian objective runs to
97) is wrapped, instead of squeezing the bars into what the label leaves of the chart's width."""


def _wrapped(label: str) -> str:
    """``label`` in lines of at most ``LABEL_WIDTH`` characters (plotly's ``<br>``)."""
    return "<br>".join(textwrap.wrap(label, LABEL_WIDTH)) or label


_LINE_PX = 16


def _bar_height(rows: int, per_row: int = 34, minimum: int = 220, labels: Sequence[str] = ()) -> int:
    """Room for ``rows`` bars, plus a line's height for each line the wrapped ``labels`` add."""
    return max(minimum, 90 + per_row * rows + _LINE_PX * sum(label.count("<br>") for label in labels))


def district_bars(table: pd.DataFrame, indicator_label: str, unit: str,
                  highlight: tuple[str, ...] = (), title: str | None = None, lang: str = "en",
                  origin: str | None = None, mode: str = "value") -> go.Figure:
    """One indicator across districts: bars for the value, a tick for each district's target,
    the programme median as a line, and the ``highlight`` district codes in orange. With
    ``mode="pct"``, bars for the % of target (districts without a target left out) and a line at 100 %.

    ``table``: one row per district with ``district_code, district, value, target`` (and
    ``achievement_pct`` for ``pct``). ``indicator_label`` and ``unit`` are given in ``lang``
    already; the chart's own words are translated into ``lang``. Generated values and targets
    (``origin``) carry the demo mark in the title and in every hover label.
    """
    _ = translator(lang)
    demo = _hover_mark(origin, lang)
    pct = mode == "pct"
    column = "achievement_pct" if pct else "value"
    rows = table[table[column].notna()].sort_values(column, ascending=True)
    # The legend says "Value" and "target": the indicator is in the title, and a long label beside it
    # wrapped the legend onto the title (Tajik, in the profile's half-width column).
    colours = [ORANGE if code in highlight else BLUE for code in rows["district_code"]]
    fig = go.Figure(go.Bar(
        x=rows[column], y=rows["district"], orientation="h", marker_color=colours,
        name=_("% of target") if pct else _("Value"),
        text=[format_number(v, lang, unit="%" if pct else "") for v in rows[column]], textposition="outside",
        cliponaxis=False,
        hovertemplate=("%{y}: %{x:,.1f}%" if pct else "%{y}: %{x:,.0f} " + unit) + demo + "<extra></extra>",
    ))
    if pct and len(rows):  # the target as a line in the legend: an annotation would sit on the top bar's label
        fig.add_trace(go.Scatter(x=[100, 100], y=[rows["district"].iloc[0], rows["district"].iloc[-1]],
                                 mode="lines", name=_("target"), line=dict(color=DARK, width=2), hoverinfo="skip"))
    elif rows["target"].notna().any():
        fig.add_trace(go.Scatter(
            x=rows["target"], y=rows["district"], mode="markers", name=_("target"),
            marker=dict(symbol="line-ns", size=18, line=dict(width=3, color=DARK)),
            hovertemplate="%{y} " + _("target") + ": %{x:,.0f}" + demo + "<extra></extra>",
        ))
    if len(rows):
        median = float(rows[column].median())
        fig.add_vline(x=median, line_dash="dot", line_color=VERMILION,
                      annotation_text=_("median {value}").format(value=format_number(median, lang,
                                                                                      unit="%" if pct else "")),
                      annotation_position="bottom right")
    default_title = (_("{indicator}: % of target by district") if pct else _("{indicator} by district"))
    _layout(fig, marked(title or default_title.format(indicator=indicator_label), origin, lang),
            _bar_height(len(rows), 26), lang)
    fig.update_xaxes(title_text=_("% of target") if pct else unit)
    return fig


def timeline(table: pd.DataFrame, title: str, unit: str = "",
             series: str | None = None, lang: str = "en", origin: str | None = None) -> go.Figure:
    """Values over periods: one bar per period, grouped by ``series`` (e.g. district) when given.

    ``table``: ``period, value`` (+ ``series``); periods are labels (``2019``, ``2019-Q2``).
    Generated values (``origin``) carry the demo mark in the title and the hover labels.
    """
    demo = _hover_mark(origin, lang)
    fig = go.Figure()
    groups = [(None, table)] if series is None else list(table.groupby(series, sort=False))
    for position, (name, rows) in enumerate(groups):
        rows = rows.sort_values("period")
        fig.add_trace(go.Bar(
            x=rows["period"].astype(str), y=rows["value"], name=str(name) if name is not None else unit,
            marker_color=PALETTE[position % len(PALETTE)],
            hovertemplate="%{x}: %{y:,.0f} " + unit + demo + "<extra>%{fullData.name}</extra>",
        ))
    _layout(fig, marked(title, origin, lang), 320, lang, barmode="group", showlegend=series is not None)
    fig.update_xaxes(type="category", title_text=None)
    fig.update_yaxes(tickformat=",", title_text=unit)
    return fig


def funding_bars(summary: pd.DataFrame, title: str | None = None, lang: str = "en",
                 received_origin: str | None = None) -> go.Figure:
    """Required vs received per funding line, with coverage % at the end of each pair.

    ``summary``: ``objective, component, required, received, coverage_pct`` (``funding_summary``);
    objective and component names are translated into ``lang`` (they are catalog msgids). When
    the amounts received are generated (``received_origin``), their bars' name, hover labels and
    coverage labels carry the demo mark; the published amounts required do not.
    """
    _ = translator(lang)
    rows = summary.iloc[::-1]
    names = [_wrapped(_(c) if isinstance(c, str) and c else _("{objective} (objective)").format(objective=_(o)))
             for o, c in zip(rows["objective"], rows["component"])]
    required, received = _("required"), marked(_("received"), received_origin, lang)
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=rows["required"], name=required, orientation="h", marker_color=GREY,
                         hovertemplate="%{y}<br>" + required + ": %{x:,.0f} USD<extra></extra>"))
    fig.add_trace(go.Bar(
        y=names, x=rows["received"], name=received, orientation="h", marker_color=BLUE,
        text=[_("{pct} covered").format(pct=marked(format_percent(p, lang), received_origin, lang))
              if pd.notna(p) else ""
              for p in rows["coverage_pct"]],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}<br>" + received + ": %{x:,.0f} USD<extra></extra>",
    ))
    _layout(fig, title or _("Funding required and received (USD)"), _bar_height(2 * len(rows), 24, labels=names),
            lang, barmode="group")
    fig.update_xaxes(title_text="USD")
    return fig


def survey_ci_chart(estimates: pd.DataFrame, title: str | None = None, lang: str = "en") -> go.Figure:
    """Each survey percentage as a dot with its confidence interval as a horizontal bar.

    ``estimates``: ``label, value_pct, ci_low, ci_high`` (``survey_estimates``); labels are
    translated into ``lang`` (they are catalog msgids).
    """
    _ = translator(lang)
    rows = estimates.iloc[::-1]
    labels = [_wrapped(_(label)) for label in rows["label"]]
    fig = go.Figure(go.Scatter(
        x=rows["value_pct"], y=labels, mode="markers",
        marker=dict(color=BLUE, size=10),
        error_x=dict(type="data", symmetric=False, array=rows["ci_high"] - rows["value_pct"],
                     arrayminus=rows["value_pct"] - rows["ci_low"], color=BLUE, thickness=2, width=6),
        customdata=rows[["ci_low", "ci_high"]].to_numpy(),
        hovertemplate="%{y}: %{x:.1f}% (" + _("CI") + " %{customdata[0]:.1f}–%{customdata[1]:.1f}%)<extra></extra>",
    ))
    _layout(fig, title or _("Survey findings with 95% confidence intervals"), _bar_height(len(rows), 30, labels=labels),
            lang, showlegend=False)
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title_text=_("% of participants"))
    return fig


def counts_bars(table: pd.DataFrame, title: str, unit: str | None = None, lang: str = "en") -> go.Figure:
    """Counts per category as horizontal bars (e.g. actions taken after the sessions).

    ``table``: ``label, value``; labels are translated into ``lang`` (catalog msgids).
    ``unit`` defaults to "respondents".
    """
    _ = translator(lang)
    unit = _("respondents") if unit is None else unit
    rows = table.sort_values("value")
    labels = [_wrapped(_(label)) for label in rows["label"]]
    fig = go.Figure(go.Bar(
        x=rows["value"], y=labels, orientation="h", marker_color=GREEN,
        text=[format_number(v, lang) for v in rows["value"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:,.0f} " + unit + "<extra></extra>",
    ))
    _layout(fig, title, _bar_height(len(rows), labels=labels), lang, showlegend=False)
    fig.update_xaxes(title_text=unit)
    return fig


def breakdown_bars(table: pd.DataFrame, by: str, title: str, lang: str = "en",
                   origin: str | None = None) -> go.Figure:
    """Stacked horizontal bars: each indicator split by the categories of ``by`` (sex, age…).

    ``table``: ``indicator_label, <by>, value``; labels and categories are translated into
    ``lang`` (catalog msgids). Generated values (``origin``) carry the demo mark in the title
    and the hover labels.
    """
    _ = translator(lang)
    demo = _hover_mark(origin, lang)
    fig = go.Figure()
    labels = {label: _wrapped(_(label)) for label in table["indicator_label"].drop_duplicates()}
    categories = [c for c in table[by].drop_duplicates().tolist()]
    for position, category in enumerate(categories):
        rows = table[table[by] == category]
        name = _(str(category))
        fig.add_trace(go.Bar(
            y=rows["indicator_label"].map(labels), x=rows["value"], name=name, orientation="h",
            marker_color=GREY if category == "not stated" else PALETTE[position % len(PALETTE)],
            hovertemplate="%{y}<br>" + name + ": %{x:,.0f}" + demo + "<extra></extra>",
        ))
    _layout(fig, marked(title, origin, lang), _bar_height(len(labels), labels=list(labels.values())), lang, barmode="stack")
    fig.update_layout(legend_traceorder="normal")  # plotly reverses a stack's legend; read left to right as the bars
    return fig
