"""The brief's results story: the outcome results as the documents publish them, who the mapped
indicator reached (by sex and disability, with the share that states neither) beside the published
profile, and its running total per quarter against its target, drawn by the dashboard's chart module."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from data_pipeline.analysis.dataset import Dataset
from data_pipeline.analysis.reach import breakdown, cumulative_series, not_stated
from data_pipeline.analysis.results import OUTCOME_FIGURES, results_framework
from data_pipeline.presentation.briefing.common import Words
from data_pipeline.presentation.i18n import format_number
from data_pipeline.presentation import charts
from data_pipeline.presentation.briefing.layout import _chart, _generated_band, _p, _Sources, _Styles, _table
from data_pipeline.reference.published import published_figure
from data_pipeline.reference.registry import PROGRAMMES, indicator

OUTCOME_RESULTS = tuple(figure_id for ids in OUTCOME_FIGURES.values() for figure_id in ids)
"""The published outcome-level figures the brief shows, in the results framework's order."""
PUBLISHED_PROFILE = ("tajirrb_border_guards_trained_women", "survey_women", "survey_disability")
"""The published figures on who was reached, cited beside the split of the records."""
SPLITS = ("sex", "disability")


def outcome_flowables(view: Dataset, sources: _Sources, styles: _Styles, width: float, words: Words) -> list:
    """Heading ("published") and table: each outcome over its published figures, as printed, with their source mark."""
    tr = words.tr
    heading = _p(tr("Outcome results (published)"), styles.heading)
    figures = results_framework(view).figures
    figures = figures[figures["figure_id"].isin(OUTCOME_RESULTS)]
    if figures.empty:
        programme = published_figure(OUTCOME_RESULTS[0]).programme
        return [heading, _p(tr("The published outcome results belong to {programme}, outside the programme "
                               "filter.").format(programme=tr(PROGRAMMES[programme])), styles.body)]
    outcomes = list(dict.fromkeys(figures["outcome"]))
    cells: list[list] = [[] for _ in outcomes]
    for row in figures.itertuples(index=False):
        mark = sources.cite(published_figure(row.figure_id))
        cells[outcomes.index(row.outcome)].append(Paragraph(
            f"<b>{escape(printed(row, words))}</b> {mark} {escape(tr(row.label))}", styles.cell))
    header = [_p(tr(outcome), styles.cell_bold) for outcome in outcomes]
    table = _table([header, cells], [width / len(outcomes)] * len(outcomes),
                   extra=[("VALIGN", (0, 1), (-1, -1), "TOP"), ("LINEBEFORE", (1, 0), (-1, -1), 0.25, "#d0d0d0")])
    return [heading, table]


def printed(row, words: Words) -> str:
    """A published outcome figure as the document prints it: ``90%``, ``94 of 115 persons``."""
    tr = words.tr
    if row.is_percentage:
        text = format_number(row.value, words.lang, unit="%")
    elif row.of_value == row.of_value:
        text = tr("{value} of {total} {unit}").format(value=words.number(row.value),
                                                     total=words.number(row.of_value), unit=tr(row.of_unit))
    else:
        text = f"{words.number(row.value)} {tr(row.unit)}"
    return f"{tr(row.qualifier)} {text}" if row.qualifier else text


def reach_flowables(view: Dataset, indicator_id: str | None, scope: str, sources: _Sources, styles: _Styles,
                    width: float, words: Words) -> list:
    """Heading, the mapped indicator's value by sex and disability (with "not stated") in the filters,
    and the published profile cited below it."""
    tr = words.tr
    if indicator_id is None:
        return [_p(tr("Who was reached"), styles.heading),
                _p(tr("No activity records in the current filters."), styles.body)]
    heading = _p(tr("Who was reached: {indicator} — {scope}").format(indicator=words.label(indicator(indicator_id)),
                                                                      scope=scope), styles.heading)
    header = [_p(tr("Group"), styles.cell_bold), _p(tr("Value"), styles.number_bold),
              _p(tr("Share"), styles.number_bold)]
    band, band_style = _generated_band(view, len(header), 1, 2, styles, words)
    rows = band + [header]
    for by in SPLITS:
        split = breakdown(view, by)
        split = split[(split["indicator"] == indicator_id) & (split["category"] != "not stated")]
        missing = not_stated(view, by)
        missing = missing[missing["indicator"] == indicator_id]
        for row in split.itertuples(index=False):
            rows.append(_reach_row(by, row.category, row.value, row.share_pct, styles, words))
        if not missing.empty:
            rows.append(_reach_row(by, "not stated", missing["value_not_stated"].iloc[0],
                                   missing["value_not_stated_pct"].iloc[0], styles, words))
    widths = [width - 34 * mm, 17 * mm, 17 * mm]
    marks = {figure_id: sources.cite(published_figure(figure_id)) for figure_id in PUBLISHED_PROFILE}
    women = published_figure("tajirrb_border_guards_trained_women")
    guards = published_figure("tajirrb_border_guards_trained")
    note = tr("Published: {women} of {guards} border guards trained were women {mark}; of the session "
              "participants, {share_women} were women and {share_disability} persons with disability {survey}.").format(
        women=words.number(women.value), guards=words.number(guards.value),
        mark=marks["tajirrb_border_guards_trained_women"],
        share_women=format_number(published_figure("survey_women").value, words.lang, unit="%"),
        share_disability=format_number(published_figure("survey_disability").value, words.lang, unit="%"), survey=marks["survey_women"])
    return [heading, _table(rows, widths, header_rows=len(band) + 1, extra=band_style), _p(note, styles.small)]


def _reach_row(by: str, category: str, value: float, share: float, styles: _Styles, words: Words) -> list:
    tr = words.tr
    return [_p(f"{tr(by.capitalize())}: {tr(category)}", styles.cell), _p(words.number(value), styles.number),
            _p(words.pct(share) if pd.notna(share) else "–", styles.number)]


def trend_flowables(view: Dataset, indicator_id: str | None, scope: str, styles: _Styles, width: float,
                    height: float, words: Words) -> list:
    """Heading, the mapped indicator's running total per quarter against its target as the Reach and trends
    page draws it (at most ``height`` tall), and that chart in words."""
    tr = words.tr
    if indicator_id is None:
        return []
    entry = indicator(indicator_id)
    heading = _p(tr("Since when: {indicator} — {scope}").format(indicator=words.label(entry), scope=scope),
                 styles.heading)
    series = cumulative_series(view, indicator_id, "quarter").assign(series=scope[:1].upper() + scope[1:])
    title = tr("Running total per quarter against the target")
    arguments = (series, title, tr(entry.unit))
    options = {"lang": words.lang, "origin": view.origin}
    summary = charts.describe(charts.cumulative_lines, *arguments, **options).summary
    note = tr("Target: the targets of the years in view, as on the Overview and the Map.")
    return [heading, _chart(charts.cumulative_lines(*arguments, **options), width, height),
            _p(f"{summary} {note}", styles.small)]
