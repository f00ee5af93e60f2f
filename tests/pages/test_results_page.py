"""The Results framework page (issue 18): outcome by outcome, the published outcome figures as cited
cards, then the outputs against their targets with the target's source, in every language."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from data_pipeline.presentation.citations import citation
from data_pipeline.presentation.i18n import LANGUAGES, demo_mark, format_number, format_percent, translator
from data_pipeline.reference.published import DOCUMENTS, published_figure
from data_pipeline.reference.registry import (CRP_OBJECTIVE_1, OUTCOME_1, OUTCOME_2, OUTCOME_3, PROGRAMMES,
                                              indicators_for)
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO
from tests.pages.conftest import heading_levels, shown_tables

OUTCOME_CARDS = {OUTCOME_1: ["tajirrb_border_service_improved", "tajirrb_border_guards_trained_women"],
                 OUTCOME_2: ["tajirrb_grantees_successful"],
                 OUTCOME_3: ["tajirrb_more_hope", "tajirrb_relationships_improved_brochure"]}


def cards(at) -> dict[str, str]:
    """The page's blocks of published figures: ``{outcome heading: the block's HTML}``."""
    found = {}
    for element in at.markdown:  # an outcome's element: its heading, the block of cards, the outputs table
        for block in str(element.value).split("\n\n"):
            match = re.match(r'<div role="region" aria-label="([^"]*)"', block)
            if match:
                found[html.unescape(match[1])] = block
    return found


def card_values(block: str) -> dict[str, str]:
    """``{card label: its value as shown}`` of one block."""
    groups = block.split('role="group"')[1:]
    return {html.unescape(re.search(r'aria-label="([^"]*)"', g)[1]):
            html.unescape(re.search(r"<div data-value[^>]*>(.*?)</div>", g)[1]) for g in groups}


def outputs_tables(at) -> list[pd.DataFrame]:
    return [frame for frame in shown_tables(at) if "target_source" in frame]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_each_outcome_shows_its_published_figures_cited_then_its_outputs(open_page, demo_tables, lang):
    _ = translator(lang)
    at = open_page("results", lang=lang)
    assert [t.value for t in at.main.title] == [_("Results framework")]
    assert [h.value for h in at.header][:2] == [_(PROGRAMMES["TAJIRRB"]), _(PROGRAMMES["CRP2020"])]
    headings = [text for level, text in heading_levels(at.main) if level == 3]
    assert headings[:3] == [_(OUTCOME_1), _(OUTCOME_2), _(OUTCOME_3)]
    blocks = cards(at)
    for outcome, ids in OUTCOME_CARDS.items():
        block = blocks[_(outcome)]
        values = card_values(block)
        assert list(values) == [_(published_figure(i).label) for i in ids]
        for figure_id in ids:
            figure = published_figure(figure_id)
            if figure.unit == "%":
                assert values[_(figure.label)] == format_percent(figure.value, lang)
        # each card says it is published and not recomputed, and links its citation to the document
        assert block.count(html.escape(_("Published percentage, not recomputed from records"))) == sum(
            published_figure(i).unit == "%" for i in ids)
        words = html.escape(citation(published_figure(ids[0]).document, published_figure(ids[0]).section, lang))
        assert f'#{DOCUMENTS[published_figure(ids[0]).document].anchor}" target="_self">{words}</a>' in block
    assert card_values(blocks[_(OUTCOME_1)])[_("Border guards trained: women")] == _("{value} of {total}").format(
        value=format_number(94, lang), total=format_number(115, lang))

    # the outputs: every indicator of each outcome, valued from the store's records, with its target's source
    tables = outputs_tables(at)
    assert len(tables) == 5
    shown = pd.concat(tables, ignore_index=True)
    assert list(shown["label"]) == [_(i.label) for i in indicators_for()]
    sums = demo_tables["activities"].groupby("indicator")["value"].sum()
    by_label = shown.set_index("label")
    for entry in indicators_for():
        row = by_label.loc[_(entry.label)]
        if entry.id in sums.index:
            assert row["value"] == sums[entry.id]
            assert row["target_source"] == _("demo (generated, version {version})").format(version=1)
        else:
            assert pd.isna(row["value"]) or row["value"] == "–"
            assert row["target_source"] == _("No target recorded")
    frame = next(f for f in shown_tables(at) if "target_source" in f)
    labels = frame.attrs["labels"]
    shown_values = dict(zip(frame["label"], frame.attrs["text"]["value"]))
    counted = next(entry for entry in indicators_for() if entry.id in sums.index)
    assert shown_values[_(counted.label)] == format_number(sums[counted.id], lang), "numbers shown in the language's format"
    mark = f"({demo_mark(lang)})"
    assert [name for name, label in labels.items() if mark in label] == ["value", "target", "achievement_pct"]
    assert labels["target_source"] == _("Target source")


def test_the_outputs_follow_the_filters_and_the_published_figures_do_not(open_page, demo_tables):
    full = open_page("results")
    gbao = open_page("results", region="GBAO")
    assert cards(full) == cards(gbao)
    codes = {d.code for d in PROGRAMME_DISTRICTS if d.region == REGION_GBAO}
    activities = demo_tables["activities"]
    expected = activities[activities["district_code"].isin(codes)].groupby("indicator")["value"].sum()
    shown = pd.concat(outputs_tables(gbao), ignore_index=True).set_index("label")
    for entry in indicators_for("TAJIRRB"):
        if entry.id in expected.index:
            assert shown.loc[entry.label, "value"] == expected[entry.id]
    assert (shown.loc["Jobs created", "value"] != pd.concat(outputs_tables(full)).set_index("label")
            .loc["Jobs created", "value"])


def test_a_crp_objective_shows_its_published_funding_and_beneficiaries_and_what_was_received(open_page,
                                                                                            demo_tables):
    at = open_page("results", programme="CRP2020")
    assert [h.value for h in at.header][0] == PROGRAMMES["CRP2020"]
    heading = f"Objective: {CRP_OBJECTIVE_1}"
    assert [text for level, text in heading_levels(at.main) if level == 3][0] == heading
    block = cards(at)[heading]
    values = card_values(block)
    assert values["Funding required: Driving solutions to displacement"] == "950,000 USD"
    assert values["Target beneficiaries: Driving solutions to displacement"] == "10,350"
    funding = demo_tables["funding"]
    received = funding[funding["objective"] == CRP_OBJECTIVE_1]["received"].sum()
    assert f"Received: {format_number(received, 'en', unit='USD')} (demo)" in html.unescape(block)
    assert "No beneficiaries reached recorded" in block
    assert "Tajikistan Crisis Response Plan 2020, section “Objective: Driving solutions to displacement”" in (
        html.unescape(block))
