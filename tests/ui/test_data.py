"""ui.data: the content digest the caches key on, and the cached tables a page reads (AppTest on the demo store)."""

from __future__ import annotations

import pandas as pd

import ui


def test_content_key_follows_every_cell_column_and_type():
    frame = pd.DataFrame({"district_code": ["GB02", "KH01"], "value": [1.0, 2.0]})
    same = frame.copy()
    assert ui.content_key(frame, "x", {"a": 1}) == ui.content_key(same, "x", {"a": 1})
    assert ui.content_key(frame) != ui.content_key(frame.assign(value=[1.0, 3.0]))
    assert ui.content_key(frame) != ui.content_key(frame.astype({"value": "int64"}))
    assert ui.content_key(frame) != ui.content_key(frame.rename(columns={"value": "target"}))
    assert ui.content_key([1, 2]) != ui.content_key((1, 2)) != ui.content_key("[1, 2]")
    assert ui.content_key({"a": 1, "b": 2}) == ui.content_key({"b": 2, "a": 1})


def _breakdown_script():
    import streamlit as st

    import ui
    from data_pipeline.analysis.dataset import Filters
    from data_pipeline.settings import store_url

    url = store_url()
    version = ui.active_version_or_demo(url)
    full = ui.cached_dataset(url, version)
    ui.set_page_context(ui.PageContext(store_url=url, full=full, data=full, filters=Filters()))
    district = ui.cached_filtered(url, version, Filters(districts=("GB02",)))
    for by in ("sex", "age_group", "disability"):
        rows = ui.breakdown_rows(district, by)
        st.text(f"{by}: {sorted(set(rows['indicator']))} {sorted(set(rows[by]))}")


def test_breakdown_rows_keep_the_indicators_that_state_the_category(demo_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_STORE_URL", demo_store)
    at = AppTest.from_function(_breakdown_script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    # Vanj's records of other indicators state none of these: only the ones that do are kept.
    assert [t.value for t in at.text] == [
        "sex: ['border_guards_trained', 'rps_participants'] ['female', 'male']",
        "age_group: ['rps_participants'] ['18-29', '30-44', '45-59']",
        "disability: ['rps_participants'] ['no', 'yes']"]
