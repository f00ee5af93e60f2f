"""The data set as pages and exports see it: filters, indicator table, headline figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from data_pipeline.analysis.dataset import Filters, apply_filters, changes_since_previous, headline_figures, indicator_table, load_dataset
from data_pipeline.analysis.demo import load_demo
from geo.gazetteer import PROGRAMME_CODES


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('ds') / 'store.db'}"
    load_demo(url)
    return url


def test_unfiltered_headlines_equal_published_totals(demo_url):
    ds = load_dataset(demo_url)
    assert ds.is_demo and ds.as_of is not None
    heads = headline_figures(ds).set_index("indicator")
    assert heads.loc["rps_participants", "value"] == 6005
    assert heads.loc["grants_awarded", "published_value"] == 176
    assert not heads["differs"].any()
    assert (heads["target"] > 0).all()


def test_district_filter_narrows_every_table(demo_url):
    ds = apply_filters(load_dataset(demo_url), Filters(districts=("GB04",)))
    assert set(ds.activities["district_code"]) == {"GB04"}
    table = indicator_table(ds)
    assert set(table["district"]) == {"Shughnon"} and (table["region"] == "GBAO").all()
    heads = headline_figures(ds).set_index("indicator")
    expected = ds.activities.groupby("indicator")["value"].sum()
    assert heads.loc["rps_sessions", "value"] == expected["rps_sessions"]
    assert heads.loc["rps_sessions", "differs"]  # one district's sum is not the published total


def test_region_programme_and_date_filters(demo_url):
    ds = load_dataset(demo_url)
    khatlon = apply_filters(ds, Filters(regions=("Khatlon",)))
    assert set(khatlon.activities["district_code"]) == {c for c in PROGRAMME_CODES if c.startswith("KT")}
    crp = apply_filters(ds, Filters(programme="CRP2020"))
    assert crp.activities.empty
    one_year = apply_filters(ds, Filters(date_from=date(2019, 1, 1), date_to=date(2019, 12, 31)))
    assert one_year.activities["date"].dt.year.unique().tolist() == [2019]


def test_indicator_table_columns_and_sources(demo_url):
    table = indicator_table(load_dataset(demo_url), "year", "sex")
    # The OCHA P-codes (issue 19) come first, so HXL tools picking the first #adm2+code join on them.
    assert list(table.columns) == ["district_pcode", "district_code", "district", "region_pcode", "region",
                                   "indicator", "indicator_label", "unit", "period", "sex", "value", "target",
                                   "achievement_pct", "source"]
    assert table.loc[table["district_code"] == "KT06", "district_pcode"].unique().tolist() == ["3507223"]
    assert table.loc[table["region"] == "GBAO", "region_pcode"].unique().tolist() == ["3590000"]
    assert table["source"].str.startswith("demo").all()


def test_changes_since_previous(demo_url, tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    load_demo(url, seed=1)
    load_demo(url, seed=2)
    ds = load_dataset(url)
    assert ds.previous_version is not None
    changes = changes_since_previous(url, apply_filters(ds, Filters(districts=("KT01",))))
    assert not changes.empty and set(changes.columns) == {"indicator", "label", "previous", "current", "change"}
    assert changes_since_previous(demo_url, load_dataset(demo_url)).empty


def test_indicator_table_rounds_percent_of_target_half_up(demo_url):
    """12.25 % shows as 12.3 %, as every figure on the pages is rounded (pandas' round gives 12.2)."""
    ds = load_dataset(demo_url)
    activities = ds.activities[(ds.activities["district_code"] == "KT01")
                               & (ds.activities["indicator"] == "rps_participants")].head(1).assign(value=49)
    targets = ds.targets[(ds.targets["district_code"] == "KT01") & (ds.targets["indicator"] == "rps_participants")
                         & (ds.targets["period"] == "whole")].assign(target=400)
    table = indicator_table(replace(ds, activities=activities, targets=targets))
    assert table["achievement_pct"].tolist() == [12.3]
