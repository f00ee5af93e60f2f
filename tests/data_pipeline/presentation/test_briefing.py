"""The briefing pack PDF, read back with pypdf: figures, sources, district sheets, watermark."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from datetime import datetime

import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from pypdf import PdfReader

from data_pipeline.presentation.briefing import (DEMO_WATERMARK, SURVEY_HIGHLIGHTS, BriefingError, build_briefing,
                                                 build_district_sheets)
from data_pipeline.presentation.briefing.sheets import LOCATOR_HIGHLIGHT, Locator
from data_pipeline.presentation.i18n import format_number, translator
from data_pipeline.presentation.i18n import format_percent as format_pct
from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters, headline_figures
from data_pipeline.analysis.demo import demo_activities, demo_funding, demo_targets
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.analysis.reach import breakdown, cumulative_series
from data_pipeline.reference.published import published_figure, published_for_indicator
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS, FUNDING_COLUMNS, TARGET_COLUMNS
from data_pipeline.store import SubmissionInfo, VersionInfo
from data_pipeline.analysis.survey import survey_estimates
from geo.boundaries import load_boundaries
from geo.gazetteer import PROGRAMME_DISTRICTS

GENERATED = datetime(2026, 3, 2, 9, 30)
CREATED = datetime(2026, 3, 1, 12, 0)
REAL_FILE = "khatlon-gbao-monitoring-2019.xlsx"


def _version(version_id: int, is_demo: bool, files: list[tuple[str, str, int]]) -> VersionInfo:
    submissions = tuple(SubmissionInfo(n, name, f"{n:064x}", kind, is_demo, "tester", CREATED, rows)
                        for n, (name, kind, rows) in enumerate(files, start=1))
    return VersionInfo(version_id, CREATED, "tester", is_demo, "", None, True, submissions)


@pytest.fixture(scope="module")
def demo_dataset() -> Dataset:
    activities = demo_activities()
    targets = demo_targets(activities)
    funding = demo_funding()
    version = _version(3, True, [("demo-activities-seed2020", "activities", len(activities)),
                                 ("demo-targets-seed2020", "targets", len(targets)),
                                 ("demo-funding-seed2020", "funding", len(funding))])
    return Dataset(version, None, activities, targets, funding)


@pytest.fixture(scope="module")
def real_dataset() -> Dataset:
    """A small real (non-demo) version, made by hand."""
    rows = [("2019-03-04", "KT01", "rps_participants", 14.0), ("2019-05-20", "KT01", "rps_sessions", 1.0),
            ("2019-06-11", "GB04", "rps_participants", 12.0), ("2019-06-11", "GB04", "rps_sessions", 1.0),
            ("2019-07-01", "GB04", "grants_awarded", 3.0), ("2019-08-15", "KT05", "jobs_created", 5.0)]
    activities = pd.DataFrame(rows, columns=["date", "district_code", "indicator", "value"])
    activities["date"] = pd.to_datetime(activities["date"])
    for column in ("sex", "age_group", "disability", "notes"):
        activities[column] = None
    activities["source_row"] = range(2, len(activities) + 2)
    targets = pd.DataFrame([("rps_participants", "KT01", "whole", 20.0, 2),
                            ("rps_participants", "GB04", "whole", 15.0, 3),
                            ("rps_participants", None, "whole", 40.0, 4)], columns=TARGET_COLUMNS)
    funding = pd.DataFrame(columns=FUNDING_COLUMNS)
    version = _version(9, False, [(REAL_FILE, "activities", len(activities)), ("targets-2019.csv", "targets", 3)])
    return Dataset(version, None, activities[ACTIVITY_COLUMNS], targets, funding)


@pytest.fixture(scope="module")
def boundaries(geo_dir):
    return load_boundaries(geo_dir)


def _pages(pdf: bytes) -> list[str]:
    """Each page's text with whitespace runs collapsed (table cells and wrapped lines become one line)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _n(value: float) -> str:
    """A number as the dashboard (and so the PDF) shows it."""
    return format_number(value)


@pytest.fixture(scope="module")
def brief_all(demo_dataset, boundaries) -> list[str]:
    return _pages(build_briefing(demo_dataset, boundaries=boundaries, generated_at=GENERATED))


@pytest.fixture(scope="module")
def brief_shughnon(demo_dataset, boundaries) -> list[str]:
    return _pages(build_briefing(demo_dataset, boundaries=boundaries, district="Шугнан", generated_at=GENERATED))


@pytest.fixture(scope="module")
def sheets(demo_dataset, boundaries) -> list[str]:
    return _pages(build_district_sheets(demo_dataset, boundaries, generated_at=GENERATED))


def _assert_headline_rows(text: str, view: Dataset) -> None:
    headline = headline_figures(view)
    assert len(headline) == 6
    for row in headline.itertuples(index=False):
        published = f"{row.published_qualifier} {_n(row.published_value)}".strip()
        expected = (f"{row.label} ({row.unit}) {_n(row.value)} {_n(row.target)} "
                    f"{format_pct(row.achievement_pct)} {published}")
        assert expected in text
        figure = published_for_indicator(row.indicator)
        assert figure.document in text and f"“{figure.section}”" in text
        assert row.published_citation == figure.citation


def test_the_brief_is_two_pages_holding_the_headline_figures_and_their_sources(demo_dataset, brief_all):
    assert len(brief_all) == 2
    text = " ".join(brief_all)
    _assert_headline_rows(text, demo_dataset)
    assert "programme totals, all 16 districts" in text
    assert "6,005" in text and "1,075,000" in text  # numbers formatted for reading


def test_a_one_district_brief_holds_that_districts_figures(demo_dataset, brief_shughnon):
    assert len(brief_shughnon) == 2
    text = " ".join(brief_shughnon)
    view = apply_filters(demo_dataset, Filters(districts=("GB04",)))
    _assert_headline_rows(text, view)
    assert "Briefing: Shughnon / Шугнан / Шуғнон" in text
    assert "Filters: districts: Shughnon (1 of 16 programme districts in view)" in text
    assert "Shughnon is outlined in red" in text
    # The district's own figures differ from the programme totals shown on the full brief.
    assert headline_figures(view)["value"].sum() < headline_figures(demo_dataset)["value"].sum()


def test_a_brief_of_a_filtered_dataset_follows_its_filters(demo_dataset, boundaries):
    view = apply_filters(demo_dataset, Filters(regions=("GBAO",), date_from=datetime(2019, 1, 1).date()))

    text = " ".join(_pages(build_briefing(view, boundaries=boundaries, generated_at=GENERATED)))

    _assert_headline_rows(text, view)
    assert "regions: GBAO; dates: 2019-01-01 to the latest record (7 of 16 programme districts in view)" in text
    assert "Districts outside the filters are drawn as no data." in text


def test_the_brief_states_version_as_of_date_funding_and_survey_intervals(demo_dataset, brief_all):
    text = " ".join(brief_all)
    assert f"Data version 3 (demonstration data, published {CREATED:%Y-%m-%d} by tester)" in text
    assert f"as of {demo_dataset.as_of.isoformat()}" in text
    assert "generated 2026-03-02 09:30" in text

    summary = funding_summary(demo_dataset.funding, demo_dataset.activities)
    for row in summary[summary["level"] == "objective"].itertuples(index=False):
        assert f"{row.objective} [1] {_n(row.required)} {_n(row.received)} {format_pct(row.coverage_pct)}" in text
    assert "000_9bf707c98be86d38.txt" in text

    estimates = survey_estimates().set_index("id")
    for figure_id in SURVEY_HIGHLIGHTS:
        row = estimates.loc[figure_id]
        assert f"{row['label']} [2] {format_pct(row['value_pct'])} {row['ci_low']:.0f}–{row['ci_high']:.0f}%" in text
    assert "Phone survey of 365 of 4,000 participants, 95% confidence" in text


def test_sources_are_in_the_footer_of_every_page(brief_all, sheets):
    for text in brief_all + sheets:
        footer = text[text.index("Sources: [1]"):]
        assert "001_339d8f87402ce516.txt" in footer and "“Results in numbers”" in footer
        assert "Data: demo (generated, version 3)." in footer
        assert "Boundaries: geoBoundaries (Runfola et al. 2020)" in footer


def test_there_is_one_district_sheet_per_programme_district_with_its_names(sheets, demo_dataset):
    assert len(sheets) == len(PROGRAMME_DISTRICTS) == 16
    per_district = demo_dataset.activities.groupby(["district_code", "indicator"])["value"].sum()
    for text, d in zip(sheets, PROGRAMME_DISTRICTS):
        assert d.name_en in text and d.name_ru in text and d.name_tg in text
        assert f"district code {d.code}" in text
        participants = per_district[(d.code, "rps_participants")]
        assert f"Reintegration session participants (persons) {_n(participants)} " in text
    assert "Shughnon / Шугнан / Шуғнон" in sheets[PROGRAMME_DISTRICTS.index(
        next(d for d in PROGRAMME_DISTRICTS if d.code == "GB04"))]
    assert "Dusti / Дусти / Дӯстӣ" in sheets[0]  # Tajik letters ӯ and ӣ survive the font and text layer


def test_district_sheets_follow_the_brief_for_the_districts_in_the_filters(demo_dataset):
    gbao = apply_filters(demo_dataset, Filters(regions=("GBAO",)))

    pages = _pages(build_briefing(gbao, boundaries=None, district_sheets=True, generated_at=GENERATED))

    gbao_districts = [d for d in PROGRAMME_DISTRICTS if d.region == "GBAO"]
    assert len(pages) == 2 + len(gbao_districts) == 9
    assert pages[0].count("Headline figures against targets") == 1
    assert "Map not included: the boundary files were not found" in pages[1]
    for text, d in zip(pages[2:], gbao_districts):
        assert "Indicators against the district's targets" in text and f"district code {d.code}" in text
    assert "Location maps not included" in pages[2]


def test_a_one_district_brief_appends_that_districts_sheet_only(demo_dataset):
    pages = _pages(build_briefing(demo_dataset, boundaries=None, district="Vanj", district_sheets=True,
                                  generated_at=GENERATED))
    assert len(pages) == 3 and "district code GB02" in pages[2]


def test_demo_data_is_watermarked_on_every_page_and_real_data_is_not(brief_all, sheets, real_dataset, boundaries):
    for text in brief_all + sheets:
        assert text.count(DEMO_WATERMARK) == 2  # the banner line and the diagonal watermark

    real = _pages(build_briefing(real_dataset, boundaries=boundaries, district_sheets=True, generated_at=GENERATED))

    assert len(real) == 18
    for text in real:
        assert DEMO_WATERMARK not in text and "demo" not in text.lower()
        assert f"Data: file: {REAL_FILE} (version 9)." in text
    assert "Data version 9 (monitoring data" in real[0]
    assert "Reintegration session participants (persons) 26 † 40 65%" in real[0]  # † differs from 6,005
    assert "† The recorded total differs from the published figure" in real[0]


def test_the_pdf_embeds_dejavu_sans(brief_all, demo_dataset, boundaries):
    reader = PdfReader(io.BytesIO(build_briefing(demo_dataset, boundaries=None, generated_at=GENERATED)))
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in f for f in fonts) and any("DejaVuSans-Bold" in f for f in fonts)


def test_a_russian_brief_names_districts_in_russian(demo_dataset, boundaries):
    view = apply_filters(demo_dataset, Filters(districts=("GB04", "KT01")))

    text = _pages(build_briefing(view, boundaries=None, lang="ru", generated_at=GENERATED))[0]

    assert "районы: Дусти, Шугнан" in text


@pytest.mark.parametrize("kwargs, message", [
    ({"district": "Shugnonn"}, "Did you mean: Shughnon"),
    ({"district": "Kulob"}, "Unknown district 'Kulob'"),
    ({"map_indicator": "jobs"}, "Unknown indicator 'jobs'"),
])
def test_bad_arguments_raise_a_briefing_error_saying_what_to_do(demo_dataset, kwargs, message):
    with pytest.raises(BriefingError, match=message):
        build_briefing(demo_dataset, boundaries=None, **kwargs)


def test_a_district_outside_the_filters_or_an_empty_store_is_refused(demo_dataset):
    khatlon = apply_filters(demo_dataset, Filters(regions=("Khatlon",)))
    with pytest.raises(BriefingError, match="Shughnon is not among the districts in the current filters"):
        build_briefing(khatlon, boundaries=None, district="Shughnon")
    empty = replace(demo_dataset, version=None)
    with pytest.raises(BriefingError, match="no active version"):
        build_briefing(empty, boundaries=None)
    with pytest.raises(BriefingError, match="no active version"):
        build_district_sheets(empty, None)


def test_the_brief_builds_in_seconds(demo_dataset, boundaries):
    started = time.perf_counter()
    pdf = build_briefing(demo_dataset, boundaries=boundaries, district_sheets=True, generated_at=GENERATED)
    elapsed = time.perf_counter() - started
    print(f"brief + 16 district sheets: {elapsed:.1f} s, {len(pdf) / 1024:.0f} KB")
    assert pdf.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(pdf)).pages) == 18


@pytest.fixture(scope="module")
def locator(boundaries) -> Locator:
    return Locator(boundaries)


@pytest.mark.parametrize("code", ["GB04", "KT06", "GB05"])
def test_the_locator_map_highlights_only_the_sheets_district(locator, code):
    assert locator.png(code).startswith(b"\x89PNG")

    highlight = to_rgba(LOCATOR_HIGHLIGHT)
    parts = {c for c, colour in zip(locator.part_codes, locator.districts.get_facecolor()) if tuple(colour) == highlight}
    points = {c for c, colour in zip(locator.point_codes, locator.points.get_facecolor()) if tuple(colour) == highlight}
    assert parts | points == {code}  # Khorugh (GB05) has no polygon: its point is the one highlighted


OUTCOME_EN = ("90% [3] Afghans crossing the border who experienced improved border service",
              "94 of 115 persons [3] Border guards trained: women", "75% [3] Grantees who opened successful businesses",
              "80% [3] Session participants with more hope for the future",
              "69% [3] Improved relationships with family or community")


def test_the_first_page_closes_with_the_published_outcome_results(brief_all):
    outcomes = brief_all[0].split("Outcome results (published)", 1)[1]
    for text in OUTCOME_EN:
        assert text in outcomes, text
    assert "Outcome 1: Stronger border" in outcomes and "[3] Tajik-Afghan Integration" in brief_all[0]


def test_the_second_page_says_who_the_mapped_indicator_reached_and_its_running_total(demo_dataset, brief_all):
    second = brief_all[1]
    reached = second.split("Who was reached: Border guards trained (persons) — all 16 districts", 1)[1]
    by_sex = breakdown(demo_dataset, "sex")
    by_sex = by_sex[by_sex["indicator"] == "border_guards_trained"].set_index("category")
    assert set(by_sex.index) == {"female", "male"}
    for category in ("female", "male"):
        row = by_sex.loc[category]
        assert f"Sex: {category} {_n(row['value'])} {format_pct(row['share_pct'])}" in reached
    assert "Sex: not stated 0 0%" in reached  # the demo records state every border guard's sex
    assert "Disability: not stated 115 100%" in reached
    assert ("Published: 94 of 115 border guards trained were women [3]; of the session participants, 4.7% were "
            "women and 1.4% persons with disability [2].") in reached
    footer = second.split("Sources:", 1)[1]
    assert published_figure("survey_women").document in footer.split("[2]", 1)[1].split("[3]", 1)[0]
    assert published_figure("tajirrb_border_guards_trained_women").document in footer.split("[3]", 1)[1]
    trend = second.split("Since when: Border guards trained (persons) — all 16 districts", 1)[1]
    series = cumulative_series(demo_dataset, "border_guards_trained", "quarter")
    last = series.iloc[-1]
    assert len(series) >= 2 and last["cumulative"] == series["value"].sum()
    assert trend.index("Running total per quarter against the target (demo)") < trend.index("Who was reached")
    assert (f"All 16 districts: {_n(last['cumulative'])} persons (demo) by {last['period']}, "
            f"{format_pct(last['cumulative'] / last['target'] * 100)} (demo) of its target of {_n(last['target'])} "
            "(demo).") in trend


def _flat(text: str) -> str:
    """``text`` as ``_pages`` extracts it: no-break spaces are spaces."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["ru", "tg"])
@pytest.mark.parametrize("district", [None, "GB04"])
def test_the_results_story_fits_two_pages_in_every_language(demo_dataset, boundaries, lang, district):
    tr = translator(lang)
    pages = _pages(build_briefing(demo_dataset, boundaries=boundaries, lang=lang, district=district,
                                  generated_at=GENERATED))
    assert len(pages) == 2
    first, second = pages
    outcomes = first.split(tr("Outcome results (published)"), 1)[1]
    for value in (90, 75, 80, 69):
        assert _flat(format_number(value, lang, unit="%")) in outcomes
    assert tr("{value} of {total} {unit}").format(value=94, total=115, unit=tr("persons")) in outcomes
    assert _flat(format_number(4.7, lang, unit="%")) in second and _flat(format_number(1.4, lang, unit="%")) in second
    # the map beside its running total, who was reached beside the acknowledgement, then the glance
    assert (second.index(tr("Where the work is")) < second.index(tr("Running total per quarter against the target"))
            < second.index(tr("Acknowledgement")) < second.index(tr("Districts at a glance")))
