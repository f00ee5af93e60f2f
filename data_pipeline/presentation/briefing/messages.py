"""The briefing's key messages in words: ``analysis.key_facts`` facts turned into sentences in the
reader's language, each figure with its source mark — ``(demo)`` for a generated figure, ``[n]`` (the
page's reference to its document) for a published one, ``(computed)`` for one this product worked out
from published figures. No reportlab here: plain strings, so they can be tested as words."""

from __future__ import annotations

from collections.abc import Callable

from data_pipeline.analysis.key_facts import (ON_TRACK_PCT, FundingFact, KeyFact, Number, OutputFact, RankFact,
                                              SurveyFact, TrackFact)
from data_pipeline.analysis.survey import survey_estimates
from data_pipeline.presentation.briefing.common import Words
from data_pipeline.presentation.i18n import format_number, marked
from data_pipeline.reference.origin import COMPUTED, PUBLISHED
from data_pipeline.reference.published import PublishedFigure, published_figure
from data_pipeline.reference.registry import PROGRAMMES, indicator
from geo.gazetteer import REGION_NAMES
from geo.gazetteer import district as district_by_code

Cite = Callable[[PublishedFigure], str]


def _mark(text: str, number: Number, words: Words, cite: Cite) -> str:
    """``text`` (a number as shown) with the mark of its origin."""
    if number.origin == PUBLISHED and number.published_id:
        return f"{text} {cite(published_figure(number.published_id))}"
    if number.origin == COMPUTED:
        tr = words.tr
        return tr("{number} (computed)").format(number=text)
    return marked(text, number.origin, words.lang)


def _number(number: Number, words: Words, cite: Cite) -> str:
    return _mark(words.number(number.value), number, words, cite)


def _pct(number: Number, words: Words, cite: Cite) -> str:
    return _mark(words.pct(number.value), number, words, cite)


def _output_sentences(fact: OutputFact, words: Words, cite: Cite) -> list[str]:
    tr = words.tr
    entry = indicator(fact.indicator)
    values = {"label": tr(entry.label), "unit": tr(entry.unit), "value": _number(fact.value, words, cite)}
    if fact.achievement_pct is not None and fact.target is not None:
        first = tr("{label}: {value} {unit}, {pct} of the target of {target}.").format(
            pct=_pct(fact.achievement_pct, words, cite), target=_number(fact.target, words, cite), **values)
    else:
        first = tr("{label}: {value} {unit}; no target recorded for the filters in view.").format(**values)
    if fact.leader is None or fact.leader_share_pct is None:
        return [first]
    place = (tr(REGION_NAMES.get(fact.leader, fact.leader)) if fact.leader_kind == "region"
             else words.district(district_by_code(fact.leader)))
    return [first, tr("{place} accounts for {share} of them.").format(
        place=place, share=_pct(fact.leader_share_pct, words, cite))]


def _track_sentence(fact: TrackFact, words: Words, cite: Cite) -> str:
    tr = words.tr
    threshold = words.pct(ON_TRACK_PCT)
    on_track = _number(fact.on_track, words, cite)
    if int(fact.on_track.value) == fact.with_target or fact.lowest_indicator is None or fact.lowest_pct is None:
        return tr("{on_track} of {count} headline outputs with a target have reached {threshold} of it.").format(
            on_track=on_track, count=words.number(fact.with_target), threshold=threshold)
    return tr("{on_track} of {count} headline outputs with a target have reached {threshold} of it; furthest "
              "behind: {label}, at {pct}.").format(
        on_track=on_track, count=words.number(fact.with_target), threshold=threshold,
        label=tr(indicator(fact.lowest_indicator).label), pct=_pct(fact.lowest_pct, words, cite))


def _funding_sentence(fact: FundingFact, words: Words, cite: Cite) -> str:
    return words.tr("{plan}: USD {received} received of USD {required} required, {coverage} covered.").format(
        plan=words.tr(PROGRAMMES.get(fact.plan, fact.plan)), received=_number(fact.received, words, cite),
        required=_number(fact.required, words, cite), coverage=_pct(fact.coverage_pct, words, cite))


def _survey_sentence(fact: SurveyFact, words: Words, cite: Cite) -> str:
    label = survey_estimates().set_index("id").loc[fact.figure_id, "label"]
    interval = f"{format_number(fact.ci_low.value, words.lang, 0)}–{words.pct(fact.ci_high.value)}"
    return words.tr("Phone survey of session participants: {share} {finding}; 95% interval {interval}.").format(
        share=_pct(fact.value_pct, words, cite), finding=words.tr(label).lower(),
        interval=_mark(interval, fact.ci_low, words, cite))


def _rank_sentence(fact: RankFact, words: Words, cite: Cite) -> str:
    return words.tr("{district} ranks {rank} of the {count} districts in view with records of {label}.").format(
        district=words.district(district_by_code(fact.district_code)), rank=_number(fact.rank, words, cite),
        count=words.number(fact.districts), label=words.tr(indicator(fact.indicator).label).lower())


def key_messages(facts: list[KeyFact | RankFact], words: Words, cite: Cite) -> list[str]:
    """The sentences of the key messages, in the order of ``facts``; ``cite`` gives a published
    figure's reference mark (``_Sources.cite`` on a page: ``[1]``)."""
    sentences: list[str] = []
    for fact in facts:
        if isinstance(fact, OutputFact):
            sentences += _output_sentences(fact, words, cite)
        elif isinstance(fact, TrackFact):
            sentences.append(_track_sentence(fact, words, cite))
        elif isinstance(fact, FundingFact):
            sentences.append(_funding_sentence(fact, words, cite))
        elif isinstance(fact, SurveyFact):
            sentences.append(_survey_sentence(fact, words, cite))
        elif isinstance(fact, RankFact):
            sentences.append(_rank_sentence(fact, words, cite))
    return sentences
