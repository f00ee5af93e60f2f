"""Issue 14, "right in every view": each page compares with the targets of the years in view, shows cost
per person only where funding and people cover the same scope, and says when nothing is recorded."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_pipeline.cli import main
from data_pipeline.reference.registry import CRP_COMMUNITY, CRP_OBJECTIVE_1, CRP_OBJECTIVE_2, CRP_PREPAREDNESS
from data_pipeline.store import Store
from tests.pages.conftest import shown_tables, DASHBOARD, PAGES, headline_cards_text, svg_charts, svg_texts


def year_targets(demo_tables, year: str, codes=None) -> pd.Series:
    targets = demo_tables["targets"]
    targets = targets[(targets["period"] == year) & targets["district_code"].notna()]
    if codes:
        targets = targets[targets["district_code"].isin(codes)]
    return targets.groupby("indicator")["target"].sum()


def test_overview_compares_2019_with_2019s_targets(open_page, demo_tables):
    at = open_page("overview", years=["2019", "2019"])
    text = headline_cards_text(at)
    jobs = demo_tables["activities"].query("indicator == 'jobs_created' and date.dt.year == 2019")["value"].sum()
    target = year_targets(demo_tables, "2019")["jobs_created"]
    whole = demo_tables["targets"].query("indicator == 'jobs_created' and period == 'whole' "
                                         "and district_code.isna()")["target"].sum()
    assert f"of target {target:,.0f}" in text
    assert f"of target {whole:,.0f}" not in text, "the whole programme's target is not 2019's"
    assert f"{jobs / target * 100:.0f}% of target" in text


def test_map_table_and_ranking_use_the_years_targets_and_rank_by_percent(open_page, demo_tables):
    at = open_page("map", years=["2019", "2019"], indicator="jobs_created", view="table", district=["Dusti"])
    table = shown_tables(at)[0].set_index("district")
    target = year_targets(demo_tables, "2019", {"KT01"})["jobs_created"]
    assert table.loc["Dusti", "target"] == target
    at = open_page("map", years=["2019", "2019"], indicator="jobs_created", mode="pct", view="ranking")
    chart = svg_charts(at)[0]
    rows = shown_tables(open_page("map", years=["2019", "2019"], indicator="jobs_created", mode="pct",
                     view="table"))[0].dropna(subset=["achievement_pct"])
    pct = rows.set_index("district")["achievement_pct"]
    ranked = [text for text in svg_texts(chart) if text in set(rows["district"])]
    assert "% of target" in svg_texts(chart) and set(ranked) == set(pct.index)
    assert pct[ranked].is_monotonic_decreasing, "ranked by % of target, not by value"
    assert "% of target" in chart.get("aria-label")


def test_district_profile_compares_with_the_years_targets(open_page, demo_tables):
    at = open_page("district", profile="Dusti", years=["2019", "2019"])
    table = shown_tables(at)[0].set_index("indicator_label")
    assert table.loc["Jobs created", "target"] == year_targets(demo_tables, "2019", {"KT01"})["jobs_created"]


@pytest.fixture
def crp_store(tmp_path, geo_dir, monkeypatch) -> str:
    """A store with real (not demo) CRP 2020 beneficiary records in Vanj and Dusti, and funding received."""
    url = f"sqlite:///{tmp_path / 'crp.db'}"
    records = tmp_path / "crp-activities.csv"
    pd.DataFrame({"date": ["2020-03-01", "2020-04-01", "2020-05-01"], "district": ["Vanj", "Dusti", "Vanj"],
                  "indicator": ["crp_beneficiaries_displacement", "crp_beneficiaries_displacement",
                                "crp_beneficiaries_preparedness"],
                  "value": [40, 60, 25]}).to_csv(records, index=False)
    funding = tmp_path / "crp-funding.csv"
    pd.DataFrame({"plan": ["CRP2020", "CRP2020"], "objective": [CRP_OBJECTIVE_1, CRP_OBJECTIVE_2],
                  "component": [CRP_COMMUNITY, CRP_PREPAREDNESS], "received": [10_000, 5_000]}).to_csv(funding,
                                                                                                   index=False)
    assert main(["ingest", str(records), str(funding), "--store", url, "--user", "test"]) == 0
    monkeypatch.setenv("DASHBOARD_STORE_URL", url)
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))
    return url


def open_funding(**query) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGES["funding"]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_cost_per_person_needs_funding_and_people_of_the_same_scope(crp_store):
    whole = shown_tables(open_funding(view="beneficiaries"))[0].set_index("objective")
    assert whole.loc[CRP_OBJECTIVE_1, "cost_per_beneficiary"] == pytest.approx(10_000 / 100)
    at = open_funding(view="beneficiaries", district=["Vanj"])
    vanj = shown_tables(at)[0].set_index("objective")
    assert vanj.loc[CRP_OBJECTIVE_1, "beneficiaries_reached"] == 40
    assert vanj["cost_per_beneficiary"].isna().all(), "a whole objective's funding over one district's people"
    assert any("not shown under a district or region filter" in c.value for c in at.caption)


def test_no_funding_recorded_is_not_zero_percent(store):
    db = Store(store)
    try:
        funding_submission = next(s for s in db.active_version().submissions if s.kind == "funding")
        db.withdraw(funding_submission.id, created_by="test")
    finally:
        db.dispose()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.run()
    assert not at.exception
    text = headline_cards_text(at)
    assert "of required" not in text and "0%" not in text
    assert "No funding received recorded; 1,075,000 USD required" in text


def test_catalogue_prints_a_one_in_n_figure_as_the_document_words_it(open_page):
    at = open_page("sources", view="catalogue")
    catalogue = shown_tables(at)[0].set_index("label")
    assert catalogue.loc["Migrants experiencing intense stress: every N-th migrant", "printed"] == \
        "every third (1 in 3)"
    assert catalogue.loc["Funding required, whole plan", "printed"] == "1,075,000 USD"
