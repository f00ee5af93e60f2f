"""The briefing's key messages as data: a few facts about the data in view, each number with its origin.

``key_facts(view, indicator_id)`` picks, for the filters in view, what a Chief of Mission would say
first: the mapped indicator's total against its target and the region (or district) that accounts for
most of it; how many headline outputs are on track and which is furthest behind; the funding plan's
coverage; one survey finding with its interval. Each number is a ``Number`` carrying its origin
(``data_pipeline.reference.origin``: generated / uploaded / published / computed); the presentation
layer turns the facts into sentences in the reader's language. No words here beyond ids and codes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from data_pipeline.analysis.dataset import Dataset, apply_filters, headline_figures
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.analysis.survey import survey_estimates
from data_pipeline.reference.origin import COMPUTED, PUBLISHED
from data_pipeline.reference.published import published_figure
from data_pipeline.reference.registry import FUNDING_LINES, indicators_for
from geo.gazetteer import district as district_by_code

ON_TRACK_PCT = 90.0
"""A headline output at or above this share of its target counts as on track."""
SURVEY_FACT = "survey_more_confident"
"""The survey finding the key messages quote (a published percentage of the phone survey)."""


@dataclass(frozen=True)
class Number:
    """One figure of a fact and where it comes from (``reference.origin``); ``published_id`` names a published one."""

    value: float
    origin: str
    published_id: str = ""


@dataclass(frozen=True)
class OutputFact:
    """An indicator's total in view against its target, and the place that accounts for most of it."""

    indicator: str
    value: Number
    target: Number | None
    achievement_pct: Number | None
    leader: str | None
    """The region (``Khatlon``/``GBAO``) with the larger share when both are in view, else the district code."""
    leader_kind: str | None
    """``region`` or ``district``."""
    leader_share_pct: Number | None


@dataclass(frozen=True)
class TrackFact:
    """How many headline outputs with a target reached ``ON_TRACK_PCT`` of it; the one furthest behind."""

    on_track: Number
    with_target: int
    lowest_indicator: str | None
    lowest_pct: Number | None


@dataclass(frozen=True)
class FundingFact:
    """A funding plan's requirement (published), what was received, and the coverage."""

    plan: str
    required: Number
    received: Number
    coverage_pct: Number


@dataclass(frozen=True)
class SurveyFact:
    """A published survey percentage with its finite-population-corrected interval (computed)."""

    figure_id: str
    value_pct: Number
    ci_low: Number
    ci_high: Number


KeyFact = OutputFact | TrackFact | FundingFact | SurveyFact


def output_fact(view: Dataset, indicator_id: str) -> OutputFact | None:
    """``indicator_id``'s total in ``view`` and its target; ``None`` when nothing is recorded."""
    records = view.activities[view.activities["indicator"] == indicator_id]
    total = float(records["value"].sum()) if not records.empty else 0.0
    if records.empty or total <= 0:
        return None
    origin = view.origin or ""
    headline = headline_figures(view).set_index("indicator")
    target = achievement = None
    if indicator_id in headline.index and pd.notna(headline.loc[indicator_id, "target"]):
        target_value = float(headline.loc[indicator_id, "target"])
        target = Number(target_value, origin)
        if target_value:
            achievement = Number(total / target_value * 100, origin)
    by_district = records.groupby("district_code")["value"].sum()
    regions = by_district.groupby(lambda code: district_by_code(code).region).sum()
    if len(regions) > 1:
        leader, kind, share = str(regions.idxmax()), "region", float(regions.max())
    else:
        leader, kind, share = str(by_district.idxmax()), "district", float(by_district.max())
    if kind == "district" and len(by_district) == 1:
        return OutputFact(indicator_id, Number(total, origin), target, achievement, None, None, None)
    return OutputFact(indicator_id, Number(total, origin), target, achievement, leader, kind,
                      Number(share / total * 100, origin))


def track_fact(view: Dataset) -> TrackFact | None:
    """The headline outputs on track; ``None`` when none has a target in view."""
    headline = headline_figures(view)
    targeted = headline[headline["achievement_pct"].notna()]
    if targeted.empty:
        return None
    lowest = targeted.loc[targeted["achievement_pct"].idxmin()]
    on_track = int((targeted["achievement_pct"] >= ON_TRACK_PCT).sum())
    return TrackFact(Number(on_track, view.origin or ""), len(targeted), str(lowest["indicator"]),
                     Number(float(lowest["achievement_pct"]), view.origin or ""))


def funding_fact(view: Dataset) -> FundingFact | None:
    """The funding plan's whole-plan row; ``None`` when the programme filter excludes it or nothing is required."""
    plans = {line.plan for line in FUNDING_LINES}
    if view.filters.programme and view.filters.programme not in plans:
        return None
    summary = funding_summary(view.funding, view.activities, view.filters)
    plan_rows = summary[summary["level"] == "plan"]
    if plan_rows.empty or not plan_rows.iloc[0]["required"]:
        return None
    row = plan_rows.iloc[0]
    required = published_figure("crp2020_funding_required")
    origin = view.origin or ""
    return FundingFact(str(row["plan"]), Number(float(row["required"]), PUBLISHED, required.id),
                       Number(float(row["received"]), origin),
                       Number(float(row["coverage_pct"]), origin))


def survey_fact(view: Dataset, figure_id: str = SURVEY_FACT) -> SurveyFact | None:
    """One survey finding; ``None`` when the programme filter excludes the survey's programme."""
    figure = published_figure(figure_id)
    if view.filters.programme and view.filters.programme != figure.programme:
        return None
    row = survey_estimates().set_index("id").loc[figure_id]
    return SurveyFact(figure_id, Number(float(row["value_pct"]), PUBLISHED, figure.id),
                      Number(float(row["ci_low"]), COMPUTED), Number(float(row["ci_high"]), COMPUTED))


def key_facts(view: Dataset, indicator_id: str | None) -> list[KeyFact]:
    """Up to four facts for the key messages of ``view`` (the data as filtered), most important first:
    the chosen indicator (the one mapped on screen), the headline outputs on track, funding, survey."""
    facts: list[KeyFact | None] = [output_fact(view, indicator_id) if indicator_id else None,
                                   track_fact(view), funding_fact(view), survey_fact(view)]
    return [fact for fact in facts if fact is not None]


@dataclass(frozen=True)
class RankFact:
    """Where a district stands among the districts in view for the indicator it ranks best in."""

    district_code: str
    indicator: str
    rank: Number
    districts: int
    """How many districts in view have records of the indicator."""
    value: Number


def rank_fact(view: Dataset, district_code: str) -> RankFact | None:
    """The indicator ``district_code`` ranks highest in among the districts of ``view`` (ties: the
    registry's order, headline indicators first); ``None`` when the district has no records."""
    sums = view.activities.groupby(["indicator", "district_code"])["value"].sum()
    ranks = sums.groupby(level=0).rank(method="min", ascending=False)
    counts = sums.groupby(level=0).size()
    order = [i.id for i in indicators_for(view.filters.programme, headline=True)]
    order += [i.id for i in indicators_for(view.filters.programme) if i.id not in order]
    mine = [(ranks[(i, district_code)], n, i) for n, i in enumerate(order) if (i, district_code) in ranks.index]
    if not mine:
        return None
    rank, _, indicator_id = min(mine)
    origin = view.origin or ""
    return RankFact(district_code, indicator_id, Number(float(rank), origin), int(counts[indicator_id]),
                    Number(float(sums[(indicator_id, district_code)]), origin))


def district_story_facts(view: Dataset, district_code: str) -> list[KeyFact | RankFact]:
    """A district sheet's story: its best rank among the districts in view, that indicator against the
    district's target, and how many of its headline outputs are on track."""
    mine = apply_filters(view, replace(view.filters, districts=(district_code,)))
    rank = rank_fact(view, district_code)
    facts: list = [rank, output_fact(mine, rank.indicator) if rank else None, track_fact(mine)]
    return [fact for fact in facts if fact is not None]
