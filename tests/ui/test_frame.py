"""ui.frame: the sidebar filters read from a link and what the page is told about them (AppTest on the demo store)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

import ui
from data_pipeline.analysis.dataset import Filters


def _frame_script():
    import streamlit as st

    import ui
    from data_pipeline.settings import store_url

    ui.language_from_url()
    url = store_url()
    full = ui.cached_dataset(url, ui.active_version_or_demo(url))
    ui.language_choice()
    filters = ui.sidebar_filters(full)
    st.text(f"{filters.regions} {filters.districts} {filters.programme} {filters.date_from} {filters.date_to}")
    ui.show_filters_summary(filters)


def test_a_link_sets_the_filters_and_the_summary_says_them(demo_store, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE_URL", demo_store)
    at = AppTest.from_function(_frame_script, default_timeout=60)
    at.query_params["district"] = ["Vanj", "Nowhere"]
    at.query_params["programme"] = "TAJIRRB"
    at.query_params["years"] = ["2019", "2018"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text[0].value == "() ('GB02',) TAJIRRB 2018-01-01 2019-12-31"
    assert at.caption[-1].value == "Filtered to districts Vanj; programme TAJIRRB; dates 2018-01-01 to 2019-12-31."
    assert at.query_params["district"] == "Vanj"  # the unknown district is cleaned from the URL

    at.sidebar.radio[0].set_value("ru").run()  # a language change keeps the filters
    assert at.sidebar.multiselect[1].value == ["Vanj"] and at.sidebar.slider[0].value == (2018, 2019)
    assert at.text[0].value == "() ('GB02',) TAJIRRB 2018-01-01 2019-12-31"
    assert "Ванч" in at.caption[-1].value and at.query_params["lang"] == "ru"


def test_districts_in_view_are_outlined_only_when_the_filters_narrow_them():
    assert ui.districts_in_view(Filters()) == ()
    assert ui.districts_in_view(Filters(districts=("GB02",))) == ("GB02",)


def _summary_then_text_script():
    import streamlit as st

    import ui
    from data_pipeline.analysis.dataset import Filters

    regions = tuple(st.query_params.get_all("region"))
    ui.show_filters_summary(Filters(regions=regions))
    st.text("after the summary")


def test_the_summary_keeps_its_place_without_filters():
    """The elements after the summary keep their places when a filter is set (the map's frame is then
    updated, not built again)."""
    plain = AppTest.from_function(_summary_then_text_script).run()
    filtered = AppTest.from_function(_summary_then_text_script)
    filtered.query_params["region"] = "GBAO"
    filtered.run()
    assert not plain.caption and filtered.caption
    assert len(plain.main.children) == len(filtered.main.children) == 2
