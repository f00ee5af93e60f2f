"""HTML blocks and small print: headline cards, the map legend, citations linked to their documents."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_pipeline.analysis.reconcile import STATUS_CONSISTENT, STATUS_DIFFERS
from data_pipeline.presentation import charts
from data_pipeline.presentation.citations import citation as published_citation
from data_pipeline.presentation.citations import citation_parts, citations_in
from data_pipeline.reference import origin
from data_pipeline.reference.published import Document, published_for_indicator
from ui.document import CAPTION_COLOR, SMALL_PRINT
from ui.frame import PageContext, page_context
from ui.language import as_published, current_language, format_number, format_pct, marked, tr
from ui.state import SOURCES_PAGE_URL, URLS
from ui.text import escaped, html_text


def citation(text: str, *notes: str) -> None:
    """A published figure's source, in small print under it, each citation a link to its document's
    entry in the sources list; ``notes`` (Markdown, small print too) follow as paragraphs of the same
    caption: one element, not one per note (each element of a rerun costs the browser; PROFILE.md)."""
    st.caption("\n\n".join([tr("Source: {source}").format(source=cited_markdown(text)), *notes]))


def small_print(text: str) -> str:
    """``text`` (plain) as a paragraph of small print, in the look of a caption, for an HTML or Markdown block."""
    return f'<p class="{SMALL_PRINT}">{html_text(text)}</p>'


def citation_html(text: str, *notes: str) -> str:
    """``citation`` as small-print HTML paragraphs (``notes`` plain text), to end the HTML block of the table
    or figures it cites: the same words in the same element (an element less per rerun)."""
    source = html_text(tr("Source: {source}")).format(source=cited_html(text))
    return f'<p class="{SMALL_PRINT}">{source}</p>' + "".join(map(small_print, notes))


def cited(text: str) -> str:
    """``text`` with the published figures' citations in it worded in the current language (plain text)."""
    return citations_in(text, current_language())


SOURCES_VIEW = "documents"


def document_link(document: Document) -> str:
    """The URL of ``document``'s entry in the sources list (Data & sources, Sources tab), in the
    current language. Built here from the catalogue's own key, never from data."""
    return URLS.link(SOURCES_PAGE_URL, anchor=document.anchor, view=SOURCES_VIEW)


def cited_markdown(text: str) -> str:
    """``text`` as Markdown: citations worded in the current language, each a link to its document."""
    return "".join(f"[{escaped(part)}]({document_link(document)})" if document else escaped(part)
                   for part, document in citation_parts(text, current_language()))


def cited_html(text: str) -> str:
    """``text`` as escaped HTML on one line: citations worded in the current language, each a link to
    its document."""
    return "".join(f'<a href="{html.escape(document_link(document))}" target="_self">{html_text(part)}</a>'
                   if document else html_text(part) for part, document in citation_parts(text, current_language()))


def funding_sources(rows: pd.DataFrame) -> list[str]:
    """The ``source`` of each ``funding_summary`` row, for downloads: the published document of the
    amount required, and where the amount received comes from (``demo (generated, version 3)``)."""
    received = page_context().data.source_label(tr)
    return [tr("required: {citation}; received: {source}").format(citation=cited(citation), source=received)
            for citation in rows["required_source"]]


def with_citation(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with the columns ``document`` and ``section``) with a ``citation`` column: each
    row's source worded in the current language."""
    lang = current_language()
    return frame.assign(citation=[published_citation(document, section, lang)
                                  for document, section in zip(frame["document"], frame["section"])])


def printed(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The published figures (``published_table``) with a ``printed`` column: each figure as its
    document words it, in the current language (``as_published``)."""
    return catalogue.assign(printed=[as_published(value, qualifier, unit) for qualifier, value, unit in
                                     zip(catalogue["qualifier"], catalogue["value"], catalogue["unit"])])


@dataclass(frozen=True)
class Card:
    """One headline card: ``label`` (translated), the ``value`` with its ``unit``, its progress
    towards ``target`` (the funding ``required``, when ``required``) and an optional ``note``, whose
    English citations are worded in the current language and linked to their documents.

    ``origin`` is where the value comes from (``data_pipeline.reference.origin``), ``target_origin`` where the
    target does; a generated one is shown with the demo mark, and so is a % worked out from it."""

    label: str
    value: float
    unit: str
    target: float | None
    achievement_pct: float | None
    note: str | None = None
    required: bool = False
    origin: str | None = None
    target_origin: str | None = None


def indicator_card(row, data_origin: str | None) -> Card:
    """The headline card of one ``headline_figures`` row, noting the published total beside it:
    as the document words it, in its own unit where its word differs (``2,400 trainings``)."""
    note = None
    figure = published_for_indicator(row.indicator)
    published = as_published(row.published_value, row.published_qualifier,
                             figure.unit if figure is not None and figure.unit != row.unit else "")
    if row.published_status == STATUS_DIFFERS:
        note = tr("Published total: {value} — {source}").format(value=published, source=row.published_citation)
    elif row.published_status == STATUS_CONSISTENT:
        note = tr("Consistent with the published “{value}” — {source}").format(
            value=published, source=row.published_citation)
    elif row.published_citation:
        note = tr("Equals the published total — {source}").format(source=row.published_citation)
    return Card(tr(row.label), row.value, row.unit, row.target, row.achievement_pct, note,
                origin=data_origin, target_origin=data_origin)


def overview_cards(ctx: PageContext, headline: pd.DataFrame, funding: pd.DataFrame) -> list[Card]:
    """The Overview's cards: one per headline indicator, then the CRP 2020 funding coverage (when the
    programme filter keeps it): received (from the data) against required (published)."""
    cards = [indicator_card(row, ctx.data.origin) for row in headline.itertuples()]
    plan_row = funding[funding["level"] == "plan"]
    if not plan_row.empty and ctx.filters.programme in (None, "CRP2020"):
        plan = plan_row.iloc[0]
        required_note = tr("Funding required: {source}").format(source=plan["required_source"])
        cards.append(Card(tr("Funding coverage, CRP 2020"), plan["received"], "USD", plan["required"],
                          plan["coverage_pct"], required_note, required=True, origin=ctx.data.origin,
                          target_origin=origin.PUBLISHED))
    return cards


_CARD_STYLE = ("border:1px solid rgba(49,51,63,.2);border-radius:.5rem;padding:1rem;display:flex;"
               "flex-direction:column;gap:.5rem")
_MUTED = f"color:{CAPTION_COLOR};font-size:.875rem"  # the captions' colour: contrast 6.2 on white
_BAR_STYLE = "height:.5rem;border-radius:.25rem"


def cards_html(cards: Sequence[Card], heading: str) -> str:
    """The headline cards as one HTML block (a grid as wide as the page allows). One element
    instead of five per card: a filter change redraws one block, not dozens (PROFILE.md, round 5).
    Every text is escaped; the numbers are formatted in the current language."""
    items = []
    for card in cards:
        money = card.unit if card.unit == "USD" else ""
        number = format_number(card.value, money)
        mark = marked(number, card.origin)[len(number):]  # " (demo)" in smaller type, beside the number
        mark_html = f'<span style="font-size:1rem;white-space:nowrap">{html_text(mark)}</span>' if mark else ""
        parts = [f'<div style="font-weight:600">{html_text(card.label)}</div>',
                 f'<div data-value style="font-size:2.25rem;line-height:1.2">{html_text(number)}{mark_html}</div>']
        if card.required and pd.isna(card.value) and card.target is not None and pd.notna(card.target):
            # Nothing recorded is not 0 % of the requirement.
            text = tr("No funding received recorded; {target} required").format(
                target=format_number(card.target, money))
            parts.append(f'<div style="{_MUTED}">{html_text(text)}</div>')
        elif card.target is not None and pd.notna(card.target) and card.target > 0:
            pct = card.achievement_pct
            pct = float(pct) if pct is not None and pd.notna(pct) else 0.0
            target_text = format_number(card.target, money)
            pct_text = format_pct(pct)
            if card.target_origin == origin.GENERATED:  # "84% of target 137 (demo)": both numbers generated
                target_text = marked(target_text, card.target_origin)
            elif card.origin == origin.GENERATED:  # "54% (demo) of required 1,075,000 USD": only the % is
                pct_text = marked(pct_text, card.origin)
            of_target = tr("{pct} of required {target}") if card.required else tr("{pct} of target {target}")
            text = html_text(of_target.format(pct=pct_text, target=target_text))
            width = min(max(pct, 0.0), 100.0)
            parts.append(f'<div style="font-size:.875rem">{text}</div>'
                         f'<div role="progressbar" aria-label="{text}" aria-valuenow="{width:.0f}" aria-valuemin="0" '
                         f'aria-valuemax="100" style="{_BAR_STYLE};background:rgba(49,51,63,.1)">'
                         f'<div style="{_BAR_STYLE};width:{width:.1f}%;background:{charts.BLUE}"></div></div>')
        else:
            missing = tr("No funding requirement recorded") if card.required else tr("No target recorded")
            parts.append(f'<div style="{_MUTED}">{html_text(missing)}</div>')
        if card.note:
            parts.append(f'<div style="{_MUTED}">{cited_html(card.note)}</div>')
        items.append(f'<div role="group" aria-label="{html_text(card.label)}" style="{_CARD_STYLE}">'
                     f'{"".join(parts)}</div>')
    return (f'<div role="region" aria-label="{html_text(heading)}" style="display:grid;'
            f'grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:1rem;margin-bottom:1rem">'
            f'{"".join(items)}</div>')


@dataclass(frozen=True)
class Metric:
    """One figure in a row of figures (``metric_cards``): its ``label``, its ``value`` as shown (formatted),
    where the value comes from (``origin``: a generated one gets the demo mark beside it, as on the headline
    cards) and an optional ``note`` in small print under it. All plain text, escaped when drawn."""

    label: str
    value: str
    origin: str | None = None
    note: str | None = None


def metric_cards_html(metrics: Sequence[Metric], heading: str) -> str:
    """A row of figures as one HTML block, in the headline cards' look (``cards_html``), the figures' notes
    under the row in small print ("label: note"), so the cards stay one height. One element where
    ``st.columns`` and ``st.metric`` made two per figure and one more for the row; each element of a rerun
    costs the browser a few milliseconds (benchmarks/PROFILE.md, round 12). Every text is escaped."""
    items = []
    for metric in metrics:
        mark = marked(metric.value, metric.origin)[len(metric.value):]  # " (demo)" in smaller type
        mark_html = f'<span style="font-size:1rem;white-space:nowrap">{html_text(mark)}</span>' if mark else ""
        items.append(f'<div role="group" aria-label="{html_text(metric.label)}" style="{_CARD_STYLE}">'
                     f'<div style="font-size:.875rem">{html_text(metric.label)}</div>'
                     f'<div data-value style="font-size:1.75rem;line-height:1.2">{html_text(metric.value)}{mark_html}</div>'
                     "</div>")
    notes = "".join(f'<p style="{_MUTED};margin:0 0 .5rem">{html_text(metric.label)}: {html_text(metric.note)}</p>'
                    for metric in metrics if metric.note)
    return (f'<div role="region" aria-label="{html_text(heading)}"><div style="display:grid;'
            f'grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:1rem;margin-bottom:1rem">'
            f'{"".join(items)}</div>{notes}</div>')


def metric_cards(metrics: Sequence[Metric], heading: str, source: str | None = None, *notes: str) -> None:
    """Draw a row of figures (``metric_cards_html``) named ``heading`` for screen readers, and under them, in the
    same element, the ``source`` they are published in and ``notes`` (``citation_html``)."""
    cited = citation_html(source, *notes) if source else ""
    st.markdown(metric_cards_html(metrics, heading) + cited, unsafe_allow_html=True)


def headline_cards(cards: Sequence[Card], heading: str) -> None:
    """Draw ``cards`` under the header ``heading`` (translated; a level-2 heading, right under the page's title)."""
    st.header(heading)
    st.markdown(cards_html(cards, heading), unsafe_allow_html=True)


def legend(classes, title: str, unit: str = "", outside: bool = False) -> None:
    """Draw a map legend with Streamlit (branca's would pull d3 from a CDN): one swatch per
    class, then "no data" (dashed, as on the map), "outside the filters" when some are, and the Khorugh point."""
    from data_pipeline.presentation.maps import NO_DATA_COLOUR, OUTSIDE_COLOUR

    def item(swatch_style: str, label: str) -> str:
        return (f'<div style="display:flex;align-items:center;gap:.45rem;margin:.15rem 0">'
                f'<span style="flex:none;width:1.2rem;height:.95rem;display:inline-block;{swatch_style}"></span>'
                f'<span>{html.escape(label)}</span></div>')

    rows = [item(f"background:{html.escape(c.colour)};border:1px solid #555", c.label) for c in classes]
    rows.append(item(f"background:{NO_DATA_COLOUR};border:1px dashed #333", tr("No data")))
    if outside:
        rows.append(item(f"background:{OUTSIDE_COLOUR};border:1px solid #a0a0a0", tr("Outside the filters")))
    rows.append(item("border:2px solid #000;border-radius:50%;width:.8rem;height:.8rem;margin:0 .2rem",
                     tr("Khorugh (city, a point)")))
    heading = html.escape(title) + (f" ({html.escape(unit)})" if unit else "")
    st.markdown(f'<div aria-label="{html.escape(tr("Map legend"))}" style="font-size:.875rem;line-height:1.25">'
                f'<div style="font-weight:600;margin-bottom:.3rem">{heading}</div>{"".join(rows)}</div>',
                unsafe_allow_html=True)


def published_cards_html(figures: pd.DataFrame, heading: str) -> str:
    """An outcome's published figures (``results_framework(...).figures`` rows) as cards: each figure as its
    document prints it (``94 of 115`` where it is part of another), that it is published and not recomputed
    from records, the data's counterpart where there is one (funding received, beneficiaries reached, with
    its mark) and its citation linked to the document. Every text is escaped."""
    items = []
    for row in figures.itertuples():
        number = as_published(row.value, row.qualifier, row.unit if row.unit in ("%", "USD") else "")
        if pd.notna(row.of_value):
            number = tr("{value} of {total}").format(value=number, total=format_number(row.of_value))
        kind = (tr("Published percentage, not recomputed from records") if row.is_percentage
                else tr("Published figure, not recomputed from records"))
        parts = [f'<div style="font-weight:600">{html_text(tr(row.label))}</div>',
                 f'<div data-value style="font-size:2.25rem;line-height:1.2">{html_text(number)}</div>',
                 f'<div style="{_MUTED}">{html_text(kind)}</div>']
        if row.figure_id.endswith("_funding_required"):
            recorded = tr("Received: {value}") if pd.notna(row.recorded) else tr("No funding received recorded")
        elif row.figure_id.endswith("_target_beneficiaries"):
            recorded = tr("Reached: {value}") if pd.notna(row.recorded) else tr("No beneficiaries reached recorded")
        else:
            recorded = None
        if recorded:
            value = marked(format_number(row.recorded, "USD" if row.unit == "USD" else ""), row.recorded_origin)
            parts.append(f'<div style="font-size:.875rem">{html_text(recorded.format(value=value))}</div>')
        source = html_text(tr("Source: {source}")).format(source=cited_html(row.citation))
        parts.append(f'<div style="{_MUTED}">{source}</div>')
        items.append(f'<div role="group" aria-label="{html_text(tr(row.label))}" style="{_CARD_STYLE}">'
                     f'{"".join(parts)}</div>')
    return (f'<div role="region" aria-label="{html_text(heading)}" style="display:grid;'
            f'grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem;margin-bottom:1rem">'
            f'{"".join(items)}</div>')
