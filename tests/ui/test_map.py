"""ui.map: the district map drawn through streamlit-folium's captured component, with its legend (AppTest)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import chart_blocks


def _map_script():
    import pandas as pd
    import ui

    values = pd.DataFrame({"district_code": ["GB02", "KT01"], "district": ["Vanj", "Dusti"], "value": [10.0, 20.0],
                           "target": [20.0, None], "achievement_pct": [50.0, None], "source": ["demo", "demo"]})
    ui.district_map(values, key="m", value_label="Jobs created", unit="jobs", origin="generated")
    ui.district_map(values, key="m2", value_label="Jobs created", unit="jobs", origin="generated")


def test_the_map_is_drawn_with_its_legend_and_a_marked_title(geo_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))
    at = AppTest.from_function(_map_script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    legends = [m.value for m in at.markdown if 'aria-label="Map legend"' in m.value]
    assert len(legends) == 2 and "Jobs created (jobs) (demo)" in legends[0]
    assert "No data" in legends[0] and "Khorugh (city, a point)" in legends[0]
    hover, credit = (at.caption[i].value for i in range(2))
    data = chart_blocks(at)[0]  # the summary and the data: one element (ui.tables.chart_html)
    assert data.summary == ("Map of Jobs created. Highest: Dusti, 20 (demo); lowest: Vanj, 10 (demo). "
                            "Median of the 2 districts shown: 15 (demo).")
    assert data.label == "Map data" and data.svg is None
    assert data.headings == ["District", "Value (demo)", "Target (demo)"]
    assert data.rows == [["Dusti", "20", "–"], ["Vanj", "10", "20"]], "the map's data, one click away"
    assert hover.startswith("Hover over a district")
    assert "geoBoundaries (Runfola et al. 2020)" in credit and "ODbL 1.0" in credit


def test_missing_boundaries_are_said_and_the_page_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(tmp_path))
    at = AppTest.from_function(_map_script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and at.error[0].value.startswith("The map cannot be drawn")


def test_the_shapes_file_is_built_once_per_process_however_many_maps_are_drawn(geo_dir, monkeypatch):
    import data_pipeline.presentation.maps.shapes as shapes
    from ui.map import map_shapes_file

    built = []
    build = shapes.shapes_script
    monkeypatch.setattr(shapes, "shapes_script", lambda boundaries: built.append(1) or build(boundaries))
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))
    map_shapes_file.clear()
    try:
        file = map_shapes_file(str(geo_dir))  # what app.py does at start
        for _ in range(2):  # two runs of a page with two maps (no app.py under AppTest: the page would write it)
            at = AppTest.from_function(_map_script, default_timeout=60).run()
            assert not at.exception, [e.value for e in at.exception]
    finally:
        map_shapes_file.clear()
    assert len(built) == 1 and file.is_file()


def test_a_page_run_without_the_app_writes_the_shapes_file_itself(geo_dir, monkeypatch, tmp_path):
    import ui.map
    from ui.map import map_shapes_file

    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))
    monkeypatch.setattr(ui.map, "STATIC_DIR", tmp_path)
    map_shapes_file.clear()
    try:
        at = AppTest.from_function(_map_script, default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
    finally:
        map_shapes_file.clear()
    written = list((tmp_path / "maps").glob("shapes-*.js"))
    assert len(written) == 1 and written[0].stat().st_size > 10_000
