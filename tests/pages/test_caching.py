"""What the dashboard shares between reruns and sessions (the data sets, built figures and the
rendered map) must never show stale or wrong data: a new version, another filter or another
language redraws the charts and the map, and no page modifies the shared data set."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from data_pipeline.cli import main as cli
from data_pipeline.analysis.dataset import Filters, load_dataset
from geo.gazetteer import district
from tests.pages.conftest import shown_tables, DASHBOARD, PAGES, svg_charts


def chart_spec(at: AppTest) -> str:
    """The page's first chart as drawn (an SVG chart's markup)."""
    return ET.tostring(svg_charts(at)[0], encoding="unicode")


def map_layer(at: AppTest) -> str:
    """The script of the map's data layer (districts, tooltips) as the map component receives it,
    ``\\uXXXX`` escapes of its embedded JSON unescaped."""
    script = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), script)


def map_page(**query) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGES["map"]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_new_version_redraws_the_chart_and_the_map(store, tmp_path):
    chart_before = chart_spec(map_page(indicator="jobs_created", view="ranking"))
    map_before = map_layer(map_page(indicator="jobs_created"))
    assert chart_spec(map_page(indicator="jobs_created", view="ranking")) == chart_before
    (tmp_path / "vanj.csv").write_text("date,district,indicator,value\n2020-06-02,Vanj,jobs_created,4321\n")
    assert cli(["ingest", str(tmp_path / "vanj.csv"), "--store", store]) == 0
    ui.active_version_id.clear()  # as the upload page does; otherwise within 15 s
    chart_after = chart_spec(map_page(indicator="jobs_created", view="ranking"))
    map_after = map_layer(map_page(indicator="jobs_created"))
    assert chart_after != chart_before and map_after != map_before
    vanj = district("GB02").name_en
    assert "4,321" in chart_after and vanj in chart_after
    assert "4,321" in map_after and "4,321" not in map_before


@pytest.mark.parametrize("view, drawn", [("map", map_layer), ("ranking", chart_spec)], ids=["map", "chart"])
def test_a_filter_change_redraws_the_view(open_page, view, drawn):
    at = open_page("map", view=view)
    everywhere = drawn(at)
    at.sidebar.multiselect[0].set_value(["GBAO"]).run()
    assert drawn(at) != everywhere
    if view == "ranking":  # the map names every district: those out of view show no data
        assert district("KT05").name_en in everywhere and district("KT05").name_en not in drawn(at)
    at.sidebar.multiselect[0].set_value([]).run()
    assert drawn(at) == everywhere


@pytest.mark.parametrize("view, drawn", [("map", map_layer), ("ranking", chart_spec)], ids=["map", "chart"])
def test_a_language_change_redraws_the_labels(open_page, view, drawn):
    at = open_page("map", indicator="jobs_created", view=view)
    vanj = district("GB02")
    assert vanj.name_en in drawn(at)
    at.sidebar.radio(key="lang").set_value("ru").run()
    assert not at.exception
    assert vanj.names["ru"] in drawn(at) and "Jobs created" not in drawn(at)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert vanj.name_en in drawn(at)


def test_no_page_modifies_the_shared_data_set(open_page, demo_store):
    for page in PAGES:
        for query in ({}, {"region": "GBAO", "years": ["2018", "2019"]}, {"programme": "TAJIRRB"}):
            at = open_page(page, **query)
            at.sidebar.multiselect[0].set_value(["Khatlon"]).run()
            assert not at.exception, [e.value for e in at.exception]
    shared = ui.cached_dataset(demo_store, 1)
    fresh = load_dataset(demo_store, 1, cells=True)
    for name in ("activities", "targets", "funding"):
        pd.testing.assert_frame_equal(getattr(shared, name), getattr(fresh, name), check_exact=True, obj=name)
    filtered = ui.cached_filtered(demo_store, 1, Filters())
    pd.testing.assert_frame_equal(filtered.activities.reset_index(drop=True), fresh.activities, check_exact=True)


def test_the_reconciliation_follows_the_filters_and_the_language(open_page):
    at, table = open_page("sources", view="reconciliation"), 0
    everywhere = shown_tables(at)[table]
    at.sidebar.multiselect[0].set_value(["GBAO"]).run()
    gbao = shown_tables(at)[table]
    at.sidebar.radio(key="lang").set_value("ru").run()
    assert not at.exception, [e.value for e in at.exception]
    russian = shown_tables(at)[table]
    at.sidebar.radio(key="lang").set_value("en").run()
    at.sidebar.multiselect[0].set_value([]).run()
    assert not gbao.equals(everywhere) and not russian.equals(gbao)
    pd.testing.assert_frame_equal(shown_tables(at)[table], everywhere)
