"""Every chart in words and as a table: a short summary (what it shows, its largest and smallest
values) for readers who cannot see it, and its data, one click away.

One ``describe_*`` per chart builder, taking the builder's own arguments; ``charts.describe`` picks it.
Generated figures carry the demo mark here as in the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_pipeline.presentation.charts.bars import ranked_districts
from data_pipeline.presentation.i18n import format_number, format_percent, marked, translator


@dataclass(frozen=True)
class ChartText:
    """A chart's ``summary`` (one or two sentences) and its data: ``table`` with column ``headings``."""

    summary: str
    table: pd.DataFrame
    headings: dict[str, str]


def _extremes(title: str, names: list[str], shown: list[str], values: list[float], lang: str) -> str:
    """``title``. Highest: … ; lowest: … (the first of equal values, in the order given)."""
    _ = translator(lang)
    if not values:
        return _("{title}: nothing to show.").format(title=title)
    high = max(range(len(values)), key=lambda i: values[i])
    low = min(range(len(values)), key=lambda i: values[i])
    return _("{title}. Highest: {highest}, {highest_value}; lowest: {lowest}, {lowest_value}.").format(
        title=title, highest=names[high], highest_value=shown[high], lowest=names[low], lowest_value=shown[low])


def describe_district_bars(table: pd.DataFrame, indicator_label: str, unit: str, highlight: tuple[str, ...] = (),
                           title: str | None = None, lang: str = "en", origin: str | None = None,
                           mode: str = "value") -> ChartText:
    """``charts.district_bars`` in words: the highest and lowest district and the median."""
    _ = translator(lang)
    rows, column, suffix, heading = ranked_districts(table, indicator_label, title, mode, lang)
    values = [float(v) for v in rows[column]]
    shown = [marked(format_number(v, lang, unit=suffix), origin, lang) for v in values]
    summary = _extremes(heading, list(rows["district"]), shown, values, lang)
    if values:
        median = marked(format_number(float(rows[column].median()), lang, unit=suffix), origin, lang)
        summary += " " + _("Median of the {count} districts shown: {median}.").format(count=len(values), median=median)
    columns = {"district": _("District"), "value": marked(_("Value"), origin, lang),
               "target": marked(_("Target"), origin, lang)}
    if mode == "pct":
        columns["achievement_pct"] = marked(_("% of target"), origin, lang)
    return ChartText(summary, rows[list(columns)].reset_index(drop=True), columns)


def describe_timeline(table: pd.DataFrame, title: str, unit: str = "", series: str | None = None,
                      lang: str = "en", origin: str | None = None) -> ChartText:
    """``charts.timeline`` in words: the periods covered, the highest and lowest bar."""
    _ = translator(lang)
    rows = table[table["value"].notna()].sort_values(["period", *([series] if series else [])])
    periods = rows["period"].astype(str)
    names = list(periods if series is None else rows[series].astype(str) + ", " + periods)
    values = [float(v) for v in rows["value"]]
    shown = [marked(f"{format_number(v, lang)} {unit}".strip(), origin, lang) for v in values]
    summary = _extremes(title, names, shown, values, lang)
    if values:
        summary += " " + _("{count} periods, {first} to {last}.").format(
            count=periods.nunique(), first=periods.iloc[0], last=periods.iloc[-1])
    columns = {"period": _("Period"), **({series: _("District")} if series else {}),
               "value": marked(unit or _("Value"), origin, lang)}
    return ChartText(summary, rows[list(columns)].reset_index(drop=True), columns)


def describe_breakdown_bars(table: pd.DataFrame, by: str, title: str, lang: str = "en",
                            origin: str | None = None, shares: bool = False) -> ChartText:
    """``charts.breakdown_bars`` in words: each indicator's largest group and its share of the total (with
    ``shares``, as a percentage, and each group's share in the table)."""
    _ = translator(lang)
    if table.empty:
        return ChartText(_("{title}: nothing to show.").format(title=title), table, {})
    groups = []
    share_pct = table["value"] / table.groupby("indicator_label", sort=False)["value"].transform("sum") * 100
    for indicator_label, rows in table.groupby("indicator_label", sort=False):
        largest = rows.loc[rows["value"].idxmax()]
        value = (format_percent(share_pct[largest.name], lang, 1) if shares
                 else format_number(largest["value"], lang))
        groups.append(_("{indicator}: {category}, {value} of {total}").format(
            indicator=_(indicator_label), category=_(str(largest[by])), value=marked(value, origin, lang),
            total=marked(format_number(rows["value"].sum(), lang), origin, lang)))
    summary = _("{title}. Largest group: {groups}.").format(title=title, groups="; ".join(groups))
    shown = table.assign(indicator_label=[_(label) for label in table["indicator_label"]],
                         **{by: [_(str(c)) for c in table[by]]}, share_pct=share_pct.round(1))
    columns = {"indicator_label": _("Indicator"), by: _("Group"), "value": marked(_("Value"), origin, lang)}
    if shares:
        columns["share_pct"] = marked(_("Share of the value"), origin, lang)
    return ChartText(summary, shown[list(columns)].reset_index(drop=True), columns)


def describe_funding_bars(summary: pd.DataFrame, title: str | None = None, lang: str = "en",
                          received_origin: str | None = None) -> ChartText:
    """``charts.funding_bars`` in words: the best and least covered funding lines."""
    _ = translator(lang)
    names = [_(c) if isinstance(c, str) and c else _(o) for o, c in zip(summary["objective"], summary["component"])]
    covered = summary["coverage_pct"].notna()
    values = [float(v) for v in summary.loc[covered, "coverage_pct"]]
    shown = [marked(format_percent(v, lang), received_origin, lang) for v in values]  # as the chart shows them
    text = _extremes(_("Share of the funding required that was received"),
                     [n for n, c in zip(names, covered) if c], shown, values, lang)
    table = summary.assign(line=names)
    columns = {"line": _("Funding line"), "required": _("Required (USD)"),
               "received": marked(_("Received (USD)"), received_origin, lang),
               "coverage_pct": marked(_("Covered"), received_origin, lang)}
    return ChartText(text, table[list(columns)].reset_index(drop=True), columns)


def describe_survey_ci_chart(estimates: pd.DataFrame, title: str | None = None, lang: str = "en") -> ChartText:
    """``charts.survey_ci_chart`` in words: the highest and lowest percentage with its interval."""
    _ = translator(lang)
    names = [_(label) for label in estimates["label"]]
    values = [float(v) for v in estimates["value_pct"]]
    shown = [_("{value}, 95% CI {low}–{high}").format(value=format_number(v, lang, 1, "%"),
                                                       low=format_number(lo, lang, 1), high=format_number(hi, lang, 1, "%"))
             for v, lo, hi in zip(values, estimates["ci_low"], estimates["ci_high"])]
    text = _extremes(title or _("Survey findings with 95% confidence intervals"), names, shown, values, lang)
    columns = {"label": _("Finding"), "value_pct": _("% of participants"), "ci_low": _("CI low (computed)"),
               "ci_high": _("CI high (computed)")}
    return ChartText(text, estimates.assign(label=names)[list(columns)].reset_index(drop=True), columns)


def describe_counts_bars(table: pd.DataFrame, title: str, unit: str | None = None, lang: str = "en") -> ChartText:
    """``charts.counts_bars`` in words: the largest and smallest count."""
    _ = translator(lang)
    unit = _("respondents") if unit is None else unit
    names = [_(label) for label in table["label"]]
    values = [float(v) for v in table["value"]]
    shown = [f"{format_number(v, lang)} {unit}" for v in values]
    columns = {"label": _("Answer"), "value": unit}
    return ChartText(_extremes(title, names, shown, values, lang),
                     table.assign(label=names)[list(columns)].reset_index(drop=True), columns)


def describe_cumulative_lines(table: pd.DataFrame, title: str, unit: str = "", lang: str = "en",
                              origin: str | None = None) -> ChartText:
    """``charts.cumulative_lines`` in words: each series' running total at its last period against its target."""
    _ = translator(lang)
    if table.empty:
        return ChartText(_("{title}: nothing to show.").format(title=title), table, {})
    said = []
    for name, rows in table.groupby("series", sort=False):
        last = rows.iloc[-1]
        total = marked(f"{format_number(float(last['cumulative']), lang)} {unit}".strip(), origin, lang)
        if pd.notna(last["target"]) and float(last["target"]) > 0:
            said.append(_("{series}: {total} by {period}, {pct} of its target of {target}").format(
                series=name, total=total, period=last["period"],
                pct=marked(format_percent(float(last["cumulative"]) / float(last["target"]) * 100, lang), origin, lang),
                target=marked(format_number(float(last["target"]), lang), origin, lang)))
        else:
            said.append(_("{series}: {total} by {period}, no target recorded").format(
                series=name, total=total, period=last["period"]))
    periods = table["period"].astype(str)
    summary = _("{title}, {first} to {last}. {series}.").format(title=title, first=periods.iloc[0],
                                                                last=periods.iloc[-1], series="; ".join(said))
    columns = {"series": _("Series"), "period": _("Period"), "value": marked(_("In the period"), origin, lang),
               "cumulative": marked(_("Running total"), origin, lang), "target": marked(_("Target"), origin, lang)}
    return ChartText(summary, table[list(columns)].reset_index(drop=True), columns)
