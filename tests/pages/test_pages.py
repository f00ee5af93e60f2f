"""Every page on the demo data: it runs, honours each filter, and shows the store's figures."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_pipeline.presentation.i18n import format_number
from data_pipeline.reference.published import DOCUMENTS
from data_pipeline.reference.registry import indicator, indicators_for
from data_pipeline.analysis.survey import survey_design, survey_estimates
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON
from tests.pages.conftest import (DASHBOARD, shown_cards, shown_tables, PAGES, as_shown, cards_block, data_version_line,
                                  headline_cards, headline_cards_text, small_print, svg_charts, svg_texts, url_params)

TITLES = {"overview": "Overview", "results": "Results framework", "map": "Map", "trends": "Reach and trends",
          "funding": "Objectives & funding", "district": "District profile",
          "survey": "Survey of reintegration-session participants", "sources": "Data & sources"}
CODES = {d.name_en: d.code for d in PROGRAMME_DISTRICTS}
ALL_CODES = set(CODES.values())


def region_codes(region: str) -> set[str]:
    return {d.code for d in PROGRAMME_DISTRICTS if d.region == region}


def expected_sums(activities: pd.DataFrame, codes=ALL_CODES, years=None, programme=None) -> pd.Series:
    """Sum per indicator, filtered here with plain pandas (not the dashboard's own code)."""
    rows = activities[activities["district_code"].isin(codes)]
    if years:
        rows = rows[rows["date"].dt.year.between(*years)]
    if programme:
        rows = rows[rows["indicator"].map(lambda i: indicator(i).programme) == programme]
    return rows.groupby("indicator")["value"].sum()


def main_titles(at: AppTest) -> list[str]:
    return [t.value for t in at.main.title]


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_on_the_demo_data_with_the_frame(open_page, page):
    at = open_page(page)
    assert main_titles(at) == [TITLES[page]]
    assert any("generated for demonstration" in w.value for w in at.warning), "demo banner missing"
    assert data_version_line(at).startswith("Data version 1 · as of 2020-")
    assert [w.label for w in at.sidebar.multiselect] == ["Region", "District"]
    assert [w.label for w in at.sidebar.selectbox] == ["Programme"]
    assert [w.label for w in at.sidebar.slider] == ["Years"]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_for_a_programme_without_headline_indicators(open_page, page):
    at = open_page(page, programme="CRP2020")  # open_page fails on any exception
    assert main_titles(at) == [TITLES[page]]


@pytest.mark.parametrize("page", ["overview", "map"])
def test_a_programme_without_district_records_is_told_so_not_to_widen_the_filters(open_page, page):
    told = [i.value for i in open_page(page, programme="CRP2020").info]
    assert any("holds no activity records of CRP2020" in text for text in told), told
    assert not any("Widen the" in text for text in told)
    told = [i.value for i in open_page(page, programme="TAJIRRB", years=["2016", "2016"]).info]
    assert any("Widen the region" in text for text in told), told  # the programme has records, not then


FILTER_CASES = [
    pytest.param({"region": "GBAO"}, dict(codes=region_codes(REGION_GBAO)), id="region"),
    pytest.param({"district": ["Panj", "Vanj"]}, dict(codes={"KT05", "GB02"}), id="districts"),
    pytest.param({"region": "Khatlon", "district": ["Panj", "Vanj"]}, dict(codes={"KT05"}), id="region-and-district"),
    pytest.param({"programme": "TAJIRRB"}, dict(programme="TAJIRRB"), id="programme"),
    pytest.param({"years": ["2018", "2019"]}, dict(years=(2018, 2019)), id="years"),
]


@pytest.mark.parametrize("query, expected", FILTER_CASES)
def test_overview_cards_honour_each_filter(open_page, demo_tables, query, expected):
    at = open_page("overview", **query)
    sums = expected_sums(demo_tables["activities"], **expected)
    cards = headline_cards(at)
    headline = indicators_for(expected.get("programme"), headline=True)
    assert headline, "the registry has headline indicators"
    for entry in headline:
        assert cards[entry.label] == format_number(sums.get(entry.id, 0.0)) + " (demo)", entry.id


def test_overview_shows_the_published_figure_beside_the_district_sum(open_page):
    at = open_page("overview", region="GBAO")
    notes = headline_cards_text(at)
    # GBAO alone falls short of the published 6,005 participants: the published total is shown with its source.
    assert "Published total: 6,005" in notes
    # Cited by the document's title, linked to its entry in the sources list; never by its hashed file name.
    assert "TAJIRRB results brochure, section “Results in numbers”" in notes
    assert "001_339d8f87402ce516.txt" not in notes
    assert 'href="/sources?view=documents#doc-001"' in cards_block(at)


def test_every_citation_links_to_a_document_in_the_sources_list(open_page):
    anchors = {d.anchor for d in DOCUMENTS.values()}
    for page in ("overview", "funding", "survey"):
        at = open_page(page)
        texts = [c.value for c in at.caption] + [m.value for m in at.markdown]
        links = [link for text in texts for link in re.findall(r"\(/sources\?view=documents#(doc-\d+)\)|"
                                                                   r'href="/sources\?view=documents#(doc-\d+)"', text)]
        assert links, f"no citation links on the {page} page"
        assert {a or b for a, b in links} <= anchors
        assert not any(d.file in text for d in DOCUMENTS.values() for text in texts), f"a file name cited on {page}"
    sources = open_page("sources", view="documents")
    assert {h.proto.anchor for h in sources.main.header} == anchors
    assert any("Publisher: IOM Tajikistan, financed by the UK Government" in as_shown(c.value) for c in sources.caption)


def test_a_qualified_published_figure_stays_qualified_in_its_own_words(open_page):
    # The brochure prints "more than 2400 vocational trainings": the demo's 2,448 is consistent with it,
    # not "equal" to it, and the card quotes the document's word (trainings), not the registry's (persons).
    text = " ".join(headline_cards_text(open_page("overview")).split())
    assert "2,448 (demo)" in text
    assert "Consistent with the published “more than 2,400 trainings”" in text
    assert "Equals the published total — TAJIRRB results brochure, section “Increased employment" in text


def test_overview_funding_card_cites_the_plan(open_page, demo_tables):
    at = open_page("overview")
    cards = headline_cards(at)
    assert cards["Funding coverage, CRP 2020"] == format_number(demo_tables["funding"]["received"].sum(), unit="USD") + " (demo)"


@pytest.mark.parametrize("indicator_id, mode", [("jobs_created", "value"), ("grants_awarded", "pct")])
def test_map_table_shows_each_district_for_the_chosen_indicator(open_page, demo_tables, indicator_id, mode):
    label = indicator(indicator_id).label
    mode_label = {"value": "Value", "pct": "Percent of target"}[mode]
    at = open_page("map", region="Khatlon", indicator=label, mode=mode_label, view="table")
    assert at.selectbox(key="indicator").value == indicator_id
    assert at.radio(key="mode").value == mode
    table = shown_tables(at)[0]
    got = {CODES[name]: value for name, value in zip(table["district"], table["value"])}
    per_district = (demo_tables["activities"].query("indicator == @indicator_id")
                    .groupby("district_code")["value"].sum())
    assert got == {code: per_district[code] for code in region_codes(REGION_KHATLON) if code in per_district}
    assert not any("Map legend" in m.value for m in at.markdown), "one view at a time"
    at = open_page("map", region="Khatlon", indicator=label, mode=mode_label)
    legend = " ".join(m.value for m in at.markdown if "Map legend" in m.value)
    assert "No data" in legend and ("% of target" in legend) == (mode == "pct")


@pytest.mark.parametrize("query, summary", [
    ({"years": ["2019", "2020"]}, "Filtered to dates from 2019-01-01."),
    ({"years": ["2016", "2018"]}, "Filtered to dates up to 2018-12-31."),
    ({"years": ["2018", "2019"], "region": "GBAO"}, "Filtered to regions GBAO; dates 2018-01-01 to 2019-12-31."),
    ({"district": ["Panj"], "programme": "TAJIRRB"}, "Filtered to districts Panj; programme TAJIRRB."),
])
def test_filter_summary_says_what_shapes_the_figures(open_page, query, summary):
    at = open_page("sources", **query)
    assert summary in [c.value for c in at.caption]


def test_district_profile_shows_the_chosen_district(open_page, demo_tables):
    at = open_page("district", profile="Vanj", years=["2018", "2019"])
    assert [h.value for h in at.main.header] == ["Vanj"]
    table = shown_tables(at)[0]
    sums = expected_sums(demo_tables["activities"], codes={"GB02"}, years=(2018, 2019))
    assert dict(zip(table["indicator_label"], table["value"])) == {indicator(i).label: v for i, v in sums.items()}


def test_district_profile_defaults_to_the_first_district_in_view(open_page):
    at = open_page("district", region="GBAO")
    assert [h.value for h in at.main.header] == ["Darvoz"]


@pytest.mark.parametrize("by, shown", [(None, "female"), ("age_group", "18-29"), ("disability", "yes")])
def test_district_profile_draws_the_breakdown_chosen_in_its_tabs(open_page, by, shown):
    at = open_page("district", profile="Vanj", **({"by": by} if by else {}))
    drawn = svg_charts(at)
    assert len(drawn) == 3, "over time, beside the other districts, and only the open breakdown"
    assert shown in svg_texts(drawn[-1])
    assert not at.get("plotly_chart"), "the profile draws no plotly chart: its first view needs no chart library"
    assert url_params(at).get("by") == ([by] if by else None)


def test_funding_page_figures(open_page, demo_tables):
    at = open_page("funding", programme="CRP2020")
    cards = shown_cards(at)
    received = demo_tables["funding"]["received"].sum()
    assert cards["Funding required"] == "1,075,000 USD"
    assert cards["Funding received"] == format_number(received, unit="USD") + " (demo)"
    assert cards["Funding gap"] == format_number(1_075_000 - received, unit="USD") + " (demo)"
    assert len(shown_tables(at)) == 1, "one table at a time"
    assert shown_tables(at)[0]["received"].sum() == received  # per objective, the first tab
    components = shown_tables(open_page("funding", programme="CRP2020", view="components"))[0]
    assert components["received"].sum() == received and components["component"].nunique() == len(components)
    costs = shown_tables(open_page("funding", programme="CRP2020", view="beneficiaries"))[0]
    assert list(costs.columns)[:2] == ["objective", "target_beneficiaries"]
    assert costs.isna().any().any() and (pd.DataFrame(costs.attrs["text"])[costs.isna()] == "–").sum().sum() == costs.isna().sum().sum(), \
        "a missing number shows –, not None"


def test_funding_page_explains_a_programme_without_funding_lines(open_page):
    at = open_page("funding", programme="TAJIRRB")
    assert not shown_cards(at)
    assert any("Funding is recorded for" in i.value for i in at.info)


def test_survey_page_states_design_and_intervals(open_page):
    at = open_page("survey")
    design = survey_design()
    cards = shown_cards(at)
    assert cards["Respondents"] == "365" and cards["Population (participants)"] == "4,000"
    assert cards["Confidence level"] == "95%"
    assert cards["Margin of error (computed)"] == f"± {design['margin_of_error']:.1f} points"
    shown = pd.concat([frame for frame in shown_tables(at) if "ci_low" in frame])
    estimates = survey_estimates().set_index("label")
    assert set(shown["label"]) == set(estimates.index)
    for row in shown.itertuples():
        assert row.ci_low == estimates.loc[row.label, "ci_low"]
        assert row.ci_high == estimates.loc[row.label, "ci_high"]
    assert "nearly 50%" in set(shown["published"])
    # The margin of error is the dashboard's own: labelled computed, and the citation above names what is published.
    assert any("respondents, population and confidence level" in text for text in small_print(at))


def test_survey_time_in_russia_shows_the_respondents_not_stated(open_page):
    at = open_page("survey")
    parts = next(frame for frame in shown_tables(at) if "base" in frame)
    assert list(parts["respondents"]) == [65, 103, 166, 7, 24]  # published counts, then 365 − 341
    assert parts["label"].iloc[-1] == "not stated" and (parts["base"] == 365).all()
    assert any("341 of the 365 respondents" in text for text in small_print(at))


def test_sources_page_reconciles_the_filtered_district_sums(open_page, demo_tables):
    at = open_page("sources", region="GBAO", view="reconciliation")
    reconciliation = shown_tables(at)[0]
    sums = expected_sums(demo_tables["activities"], codes=region_codes(REGION_GBAO))
    for row in reconciliation.itertuples():
        assert row.district_sum == sums.get(_indicator_by_label(row.label), 0.0)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download XLSX"], "the reconciliation's own, and no other section's"


def _indicator_by_label(label: str) -> str:
    return next(i.id for i in indicators_for() if i.label == label)


@pytest.mark.parametrize("page, message", [
    ("overview", "No activity records match the filters"),
    ("map", "No activity records match the filters"),
    ("district", "No activity records for Dusti"),
    ("sources", None),        # the reconciliation and catalogue still apply
    ("funding", None),        # funding is not dated per year
    ("survey", None),         # published survey figures do not follow the filters
])
def test_filters_that_leave_no_records_are_explained(open_page, page, message):
    at = open_page(page, years=["2016", "2016"])  # the demo starts in 2017
    assert main_titles(at) == [TITLES[page]]
    infos = " ".join(i.value for i in at.info)
    if message:
        assert message in infos
    else:
        assert "No activity records" not in infos


def test_an_empty_store_gets_the_demo_on_first_run(tmp_path, geo_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120).run()
    assert not at.exception
    assert any("generated for demonstration" in w.value for w in at.warning)


def test_missing_boundaries_are_explained_and_the_page_goes_on(open_page, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(tmp_path / "no-boundaries"))
    at = open_page("map")
    assert any("The map cannot be drawn" in e.value and "DASHBOARD_GEO_DIR" in as_shown(e.value) for e in at.error)
    assert shown_tables(open_page("map", view="table")), "the table still shows"


def test_an_unreadable_store_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE_URL", "nosuchdialect://nowhere/db")
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    assert not at.exception
    assert any("could not be read" in e.value and "DASHBOARD_STORE_URL" in e.value for e in at.error)


HOSTILE_LINKS = [  # (page, query, what the URL keeps after the first run)
    ("overview", {"region": "<script>alert(1)</script>", "years": ["abc", "2018"], "lang": "xx"},
     {"years": ["2018", "2018"]}),
    ("overview", {"district": "", "programme": "NOPE", "years": ["1900", "3000"]}, {}),
    ("map", {"indicator": "../../etc/passwd", "mode": "🙂", "region": "GBAO", "view": "<img src=x onerror=alert(1)>"},
     {"region": ["GBAO"]}),
    ("district", {"profile": "Nowhere"}, {"profile": [PROGRAMME_DISTRICTS[0].name_en]}),  # the first in view
]


@pytest.mark.parametrize("page, query, kept", HOSTILE_LINKS)
def test_a_broken_or_hostile_link_opens_the_default_view_and_is_cleaned_from_the_url(open_page, page, query, kept):
    at = open_page(page, **query)  # open_page fails on any exception
    assert url_params(at) == kept
