"""The charts drawn with plotly, for what its interactivity earns (the funding and survey pages).

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

from data_pipeline.presentation.charts.palette import BLUE, DARK, GREEN, GREY
from data_pipeline.presentation.i18n import format_number, format_percent, marked, translator
_FONT = dict(family="Source Sans Pro, DejaVu Sans, sans-serif", size=13, color=DARK)


def _separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for ``lang`` (``.,`` or ``,`` + no-break space)."""
    return ".," if lang == "en" else ",\u00a0"


TITLE_WIDTH = 44
"""Characters per line of a chart's title: plotly does not wrap titles, and a longer one ran off a phone's screen."""
_TOOLBAR_PX = 30
"""Room above the title for plotly's toolbar, which otherwise covered the title's end on a phone."""


def _layout(fig: go.Figure, title: str, height: int, lang: str = "en", **kw) -> go.Figure:
    lines = textwrap.wrap(title, TITLE_WIDTH) or [title]
    title_px = 20 * len(lines)
    fig.update_layout(
        title=dict(text="<br>".join(lines), x=0, xanchor="left", yref="container", y=1, yanchor="top",
                   pad=dict(t=_TOOLBAR_PX), font=dict(size=15)),
        height=height + title_px - 20 + _TOOLBAR_PX,
        margin=dict(l=10, r=20, t=_TOOLBAR_PX + title_px + 30, b=10),
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
