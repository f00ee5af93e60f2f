"""The briefing's key messages in words (en/ru/tg) and in the PDF; the acknowledgement; two pages at most;
table headers that wrap between words."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from data_pipeline.analysis.dataset import Filters, apply_filters
from data_pipeline.analysis.key_facts import district_story_facts
from data_pipeline.analysis.key_facts import FundingFact, Number, OutputFact, SurveyFact, TrackFact, key_facts
from data_pipeline.presentation.briefing import build_briefing, build_district_sheets
from data_pipeline.presentation.briefing.common import Words
from data_pipeline.presentation.briefing.glance import district_glance
from data_pipeline.presentation.briefing.messages import key_messages
from data_pipeline.presentation.i18n import demo_mark, translator
from data_pipeline.reference.origin import COMPUTED, GENERATED, PUBLISHED, UPLOADED
from geo.boundaries import load_boundaries
from geo.gazetteer import district
from data_pipeline.reference.registry import indicator

GENERATED_AT = datetime(2026, 3, 2, 9, 30)
LANGS = ("en", "ru", "tg")


def _cite(figure) -> str:
    return "[7]"



FACTS = [OutputFact("jobs_created", Number(300, GENERATED), Number(342, GENERATED), Number(87.7, GENERATED),
                    "Khatlon", "region", Number(61.2, GENERATED)),
         TrackFact(Number(2, GENERATED), 6, "border_guards_trained", Number(83.9, GENERATED)),
         FundingFact("CRP2020", Number(1_075_000, PUBLISHED, "crp2020_funding_required"),
                     Number(578_000, GENERATED), Number(53.8, GENERATED)),
         SurveyFact("survey_more_confident", Number(79, PUBLISHED, "survey_more_confident"),
                    Number(74.8, COMPUTED), Number(82.7, COMPUTED))]


def test_key_messages_in_english_say_each_figure_with_its_source_mark():
    sentences = key_messages(FACTS, Words("en"), _cite)
    assert sentences == [
        "Jobs created: 300 (demo) jobs, 88% (demo) of the target of 342 (demo).",
        "Khatlon Region accounts for 61% (demo) of them.",
        "2 (demo) of 6 headline outputs with a target have reached 90% of it; furthest behind: "
        "Border guards trained, at 84% (demo).",
        "Tajikistan Crisis Response Plan 2020: USD 578,000 (demo) received of USD 1,075,000 [7] required, "
        "54% (demo) covered.",
        "Phone survey of session participants: 79% [7] more confident about their options for the future; "
        "95% interval 75–83% (computed).",
    ]


@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_key_messages_are_translated_and_keep_their_marks(lang):
    tr = translator(lang)
    sentences = key_messages(FACTS, Words(lang), _cite)
    text = " ".join(sentences)
    assert len(sentences) == 5
    assert text.count(f"({demo_mark(lang)})") == 8 and text.count("[7]") == 2
    assert tr("{number} (computed)").format(number="75–83%" if lang == "tg" else "75–83\xa0%") in text
    assert "(computed)" not in text
    assert tr("Jobs created") in text and tr("Khatlon Region") in text
    for english in ("of the target", "headline outputs", "received of", "Phone survey", "accounts for"):
        assert english not in text


def test_uploaded_figures_carry_no_demo_mark_and_a_missing_target_is_said():
    fact = OutputFact("jobs_created", Number(12, UPLOADED), None, None, None, None, None)
    assert key_messages([fact], Words("en"), _cite) == [
        "Jobs created: 12 jobs; no target recorded for the filters in view."]


def test_all_outputs_on_track_is_said_without_a_laggard():
    fact = TrackFact(Number(6, UPLOADED), 6, "jobs_created", Number(95, UPLOADED))
    assert key_messages([fact], Words("en"), _cite) == [
        "6 of 6 headline outputs with a target have reached 90% of it."]


@pytest.fixture(scope="module")
def boundaries(geo_dir):
    return load_boundaries(geo_dir)


@pytest.fixture(scope="module")
def pdfs(demo, boundaries) -> dict[str, list[str]]:
    """The brief in each language, each page's text with whitespace runs collapsed."""
    pages = {}
    for lang in LANGS:
        pdf = build_briefing(demo, boundaries=boundaries, lang=lang, map_indicator="jobs_created",
                             generated_at=GENERATED_AT)
        pages[lang] = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    return pages


@pytest.mark.parametrize("lang", LANGS)
def test_the_brief_is_two_pages_at_most_and_opens_with_its_key_messages(pdfs, demo, lang):
    pages = pdfs[lang]
    tr = translator(lang)
    assert len(pages) <= 2
    first = pages[0]
    start = first.index(tr("Key messages"))
    assert start < first.index(tr("Headline figures against targets ({scope})").split("(")[0].strip())
    # The marks are the page's own: [n] numbers the documents in the footer.
    for sentence in key_messages(key_facts(demo, "jobs_created"), Words(lang), _cite):
        head = " ".join(sentence.split("[7]")[0].split())  # no-break spaces in numbers are spaces in the text
        assert head in first, head
    assert "[7]" not in first


@pytest.mark.parametrize("lang", LANGS)
def test_the_brief_maps_the_indicator_it_is_given(demo, lang):
    tr = translator(lang)
    pdf = build_briefing(demo, boundaries=None, lang=lang, map_indicator="grants_awarded", generated_at=GENERATED_AT)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    messages = text.split(tr("Key messages"), 1)[1].lstrip("• ")
    assert messages.startswith(f"{tr('Grants awarded')}:")  # the first key message is about the mapped indicator


@pytest.mark.parametrize("lang", LANGS)
def test_the_brief_acknowledges_the_donor_as_the_documents_print_it(pdfs, lang):
    text = " ".join(pdfs[lang])
    tr = translator(lang)
    assert tr("Acknowledgement") in text
    assert "“Financed by the UK Government”" in text or "«Financed by the UK Government»" in text
    assert "Tajik-Afghan Integration, Resilience and Reform Building Programme (results brochure)" in text
    assert "Tajikistan Crisis Response Plan 2020" in text


def test_a_programme_filter_acknowledges_only_that_programme(demo):
    crp = apply_filters(demo, Filters(programme="CRP2020"))
    pdf = build_briefing(crp, boundaries=None, generated_at=GENERATED_AT)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Financed by the UK Government”" not in text.split("Acknowledgement")[-1].split("Sources:")[0]


HEADERS = ("Indicator", "Recorded", "Target", "% of target", "Published total",
           "Objective", "Required (USD)", "Received (USD)", "Covered", "Share", "Group", "Value",
           "Outcome 1: Stronger border", "Outcome 2: Increased employment and income",
           "Outcome 3: Reduced grievances and better integration",
           # the districts at a glance: one column per headline indicator
           "Border guards trained", "Grants awarded", "Jobs created", "Vocational trainees",
           "Reintegration planning sessions", "Reintegration session participants")
SHEET_HEADERS = ("Indicator", "Recorded", "District target", "% of target", "Share of programme", "Rank",
                 "Published programme total")


def _whole(words: list[str], word: str) -> bool:
    """``word`` appears whole: as a word of the text, or inside one with at most punctuation around it."""
    return word in words or any(word in w for w in words if len(w) <= len(word) + 2)


@pytest.mark.parametrize("lang", LANGS)
def test_no_table_header_word_is_split(pdfs, lang):
    """Each word of each header appears whole in the extracted text (a header broken mid-word,
    "Опубликованн ый", would be extracted as two pieces)."""
    tr = translator(lang)
    words = " ".join(pdfs[lang]).split()
    for header in HEADERS:
        for word in tr(header).split():
            assert _whole(words, word), (header, word)


@pytest.mark.parametrize("lang", LANGS)
def test_no_district_sheet_header_word_is_split(demo, boundaries, lang):
    tr = translator(lang)
    pdf = build_district_sheets(demo, boundaries, lang=lang, districts=["KT01", "GB04"])
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    for header in SHEET_HEADERS:
        for word in tr(header).split():
            assert _whole(words, word), (header, word)


def test_the_districts_at_a_glance_rank_the_districts_by_the_mapped_indicator(demo):
    gbao = apply_filters(demo, Filters(regions=("GBAO",)))
    table = district_glance(gbao, "grants_awarded")
    grants = gbao.activities[gbao.activities["indicator"] == "grants_awarded"].groupby("district_code")["value"].sum()
    assert list(table["district_code"]) == list(grants.sort_values(ascending=False, kind="stable").index)
    assert table["rank"].iloc[0] == 1 and table["grants_awarded"].iloc[0] == grants.max()
    targets = gbao.targets[(gbao.targets["indicator"] == "grants_awarded") & (gbao.targets["period"] == "whole")
                           & (gbao.targets["district_code"] == table["district_code"].iloc[0])]["target"].sum()
    assert table["grants_awarded_pct"].iloc[0] == pytest.approx(grants.max() / targets * 100)


def test_the_second_page_names_every_district_in_the_glance_table(pdfs):
    from geo.gazetteer import PROGRAMME_DISTRICTS
    from data_pipeline.presentation.i18n import district_name
    for lang in LANGS:
        second = pdfs[lang][1]
        assert translator(lang)("Districts at a glance") in second
        for place in PROGRAMME_DISTRICTS:
            assert district_name(place, lang) in second


@pytest.mark.parametrize("lang", LANGS)
def test_a_district_sheet_tells_the_districts_story_and_who_took_part(demo, boundaries, lang):
    tr = translator(lang)
    pdf = build_district_sheets(demo, boundaries, lang=lang, districts=["KT01"])
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 1
    text = pages[0]
    sentences = key_messages(district_story_facts(demo, "KT01"), Words(lang), _cite)
    assert len(sentences) == 3
    for sentence in sentences:
        assert " ".join(sentence.split()) in text
    assert text.index(tr("In brief")) < text.index(tr("Indicators against the district's targets"))
    who = text[text.index(tr("Who took part")):]
    participants = demo.activities[(demo.activities["district_code"] == "KT01")
                                   & (demo.activities["indicator"] == "rps_participants")]
    women = participants.loc[participants["sex"] == "female", "value"].sum()
    share = women / participants.loc[participants["sex"].notna(), "value"].sum() * 100
    expected = f"{tr('female')} {Words(lang).number(women)} ({Words(lang).pct(share)})"
    assert " ".join(expected.split()) in who


@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_every_district_sheet_is_one_page(demo, lang):
    """The longest languages' sheets, with every breakdown the demo records, each fit one page."""
    pdf = build_district_sheets(demo, None, lang=lang)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(demo.filters.district_codes()) == 16


@pytest.mark.parametrize("lang", LANGS)
def test_the_brief_draws_the_running_total_as_the_trends_page_does(pdfs, demo, lang):
    """Page 2 holds the chart of the Reach and trends page (its title, its last running total as text)
    and says it in words."""
    tr = translator(lang)
    second = pdfs[lang][1]
    assert tr("Since when: {indicator} — {scope}").format(
        indicator=Words(lang).label(indicator("jobs_created")), scope=tr("all {count} districts").format(count=16)) in second
    assert tr("Running total per quarter against the target") in second
    jobs = demo.activities.loc[demo.activities["indicator"] == "jobs_created", "value"].sum()
    assert " ".join(Words(lang).number(jobs).split()) in second
    assert f"({demo_mark(lang)})" in second


@pytest.mark.parametrize("lang", LANGS)
def test_a_one_district_brief_says_who_was_reached_in_that_district(demo, lang):
    """Who was reached and since when are the district's, and their headings say so; the glance still
    ranks every district."""
    tr = translator(lang)
    words = Words(lang)
    pdf = build_briefing(demo, boundaries=None, district="Vanj", lang=lang, map_indicator="rps_participants",
                         generated_at=GENERATED_AT)
    second = " ".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    vanj = words.district(district("GB02"))
    label = words.label(indicator("rps_participants"))
    assert tr("Who was reached: {indicator} — {scope}").format(indicator=label, scope=vanj) in second
    assert tr("Since when: {indicator} — {scope}").format(indicator=label, scope=vanj) in second
    rows = demo.activities[(demo.activities["indicator"] == "rps_participants")]
    in_vanj = rows[rows["district_code"] == "GB02"]
    women = in_vanj.loc[in_vanj["sex"] == "female", "value"].sum()
    everywhere = rows.loc[rows["sex"] == "female", "value"].sum()
    assert f"{tr('Sex')}: {tr('female')} {' '.join(words.number(women).split())}" in second
    assert f"{tr('Sex')}: {tr('female')} {' '.join(words.number(everywhere).split())} " not in second
