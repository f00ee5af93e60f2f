"""Every published figure is in its document, at its section, with its exact value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data_pipeline.presentation.citations import citation_parts, citations_in
from data_pipeline.reference.published import (DOC_CRP, DOCUMENTS, PUBLISHED_FIGURES, published_figure,
                                     published_for_indicator, published_table)
from data_pipeline.reference.registry import INDICATOR_IDS, indicator

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"


def _text(document: str) -> str:
    path = SEEDS / document
    if not path.exists():
        pytest.fail(f"seed document {path} is missing")
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8")).lower()


_WORDS = dict(enumerate("zero one two three four five six seven eight nine ten".split()))


def _spellings(value: float) -> set[str]:
    spellings = {f"{value:,.0f}", f"{value:.0f}", f"{value:g}", f"{value:g}".replace(".", ",")}
    if value in _WORDS:
        spellings.add(_WORDS[int(value)])
    if value >= 1_000_000:
        spellings.add(f"{value / 1_000_000:g} million")
    return spellings


@pytest.mark.parametrize("figure", PUBLISHED_FIGURES, ids=lambda f: f.id)
def test_value_and_section_appear_in_the_document(figure):
    text = _text(figure.document)
    if figure.unit == "1 in N":
        assert figure.qualifier.lower() in text
    else:
        found = [s for s in _spellings(figure.value) if re.search(rf"(?<![\d.,]){re.escape(s)}(?![\d])", text)]
        assert found, f"{figure.id}: none of {_spellings(figure.value)} in {figure.document}"
    for part in figure.section.removeprefix("Objective: ").split(" › "):
        assert part.lower() in text, f"{figure.id}: section part {part!r} not in {figure.document}"
    if figure.qualifier and figure.unit != "1 in N" and figure.qualifier != "average":
        assert figure.qualifier.lower() in text


def test_ids_are_unique_and_percentages_are_0_to_100():
    ids = [f.id for f in PUBLISHED_FIGURES]
    assert len(ids) == len(set(ids))
    for figure in PUBLISHED_FIGURES:
        if figure.unit == "%":
            assert 0 <= figure.value <= 100, figure.id


def test_headline_totals_are_exact():
    expected = {"rps_participants": 6005, "rps_sessions": 566, "grants_awarded": 176, "jobs_created": 300,
                "vocational_trainees": 2400, "border_guards_trained": 115, "reentry_ban_checks": 8607,
                "ms_staff_trained": 32}
    for indicator_id, value in expected.items():
        assert published_for_indicator(indicator_id).value == value
        assert indicator(indicator_id).published_id == published_for_indicator(indicator_id).id


def test_indicator_links_point_to_registry_ids():
    for figure in PUBLISHED_FIGURES:
        if figure.indicator:
            assert figure.indicator in INDICATOR_IDS


def test_context_figures_come_only_from_the_context_documents():
    table = published_table()
    context_docs = set(table.loc[table["context"], "document"])
    assert context_docs == {"003_be37ad5b0b71d83f.txt", "004_63f1493cdb1c4e41.txt"}
    assert not table.loc[table["context"], "indicator"].astype(bool).any()
    assert list(table.columns[:10]) == ["id", "label", "value", "qualifier", "unit", "period", "programme",
                                        "document", "document_title", "section"]


def test_citations_are_worded_in_the_language_and_keep_document_and_section():
    first, second = PUBLISHED_FIGURES[0], PUBLISHED_FIGURES[-1]
    text = f"Published total: over 6,005 — {first.citation}; {second.citation}"
    assert citations_in(text, "en") == text
    russian = citations_in(text, "ru")
    title, other = DOCUMENTS[first.document].short_title, DOCUMENTS[second.document].short_title
    assert russian == (f"Published total: over 6,005 — {title}, раздел «{first.section}»; "
                       f"{other}, раздел «{second.section}»")
    assert f"{title}, фасли «{first.section}»" in citations_in(text, "tg")


def test_citations_name_the_document_by_its_title_and_each_document_has_an_entry():
    assert published_figure("tajirrb_rps_participants").citation == (
        "TAJIRRB results brochure, section “Results in numbers”")
    assert {figure.document for figure in PUBLISHED_FIGURES} <= set(DOCUMENTS)
    anchors = [document.anchor for document in DOCUMENTS.values()]
    assert len(set(anchors)) == len(anchors) and all(re.fullmatch(r"doc-\d{3}", a) for a in anchors)
    parts = citation_parts(f"Source: {published_figure('crp2020_funding_required').citation}.", "ru")
    assert [document.file if document else None for _, document in parts] == [None, DOC_CRP, None]
