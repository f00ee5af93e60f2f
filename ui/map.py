"""The interactive district map: the folium map (built by ``data_pipeline.presentation.maps``) drawn
through streamlit-folium's component, whose call is captured once per map and replayed; a click on a
district opens its profile."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from data_pipeline.presentation import charts
from data_pipeline.settings import geo_dir
from geo.gazetteer import PROGRAMME_DISTRICTS, district
from ui.cards import legend
from ui.data import boundaries, content_key
from ui.frame import PageContext
from ui.language import NAME_TO_CODE, current_language, district_label, marked, tr
from ui.state import PROFILE, PROFILE_PAGE, URLS, url_widget
from ui.tables import described
from ui.text import plain
from ui.urls import APP_URLS

APP_ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = APP_ROOT / "static"


@st.cache_resource(show_spinner=False)
def install_static_assets() -> Path:
    """Copy Leaflet into ./static/leaflet once per server process (served at ``APP_URLS.leaflet``)."""
    from data_pipeline.presentation.maps import install_leaflet_assets

    return install_leaflet_assets(STATIC_DIR)


def district_map(values: pd.DataFrame, *, key: str, value_label: str, unit: str, mode: str = "value",
                 selected: tuple[str, ...] = (), height: int = 560, zoom: int = 7, origin: str | None = None) -> None:
    """The choropleth of the programme districts with its legend; a click on a district opens
    its profile.

    ``values``: ``district_code, district, value, target, achievement_pct, source`` (``indicator_rows``);
    ``origin`` is where the values come from (``Dataset.origin``): generated ones carry the demo mark in
    tooltips, legend and summary. The base map (outlines, context) stays the same between runs and the
    data goes in as a layer, so changing the indicator does not remount the map. Under the map, its
    summary in words and its data (``described``). Boundary problems are shown as a readable message;
    the page goes on.
    """
    from geo.boundaries import BoundaryDataError

    install_static_assets()
    directory = str(geo_dir())
    try:
        layers = boundaries(directory)
    except BoundaryDataError as error:
        st.error(tr("The map cannot be drawn: {error}").format(error=plain(error)), icon=":material/map:")
        return
    lang = current_language()
    text = charts.describe(charts.district_bars, values, value_label, unit, mode=mode, lang=lang, origin=origin,
                           title=tr("Map of {indicator}").format(indicator=value_label))
    values = values[["district_code", "value", "target", "source"]].assign(origin=origin or "")
    options = dict(value_label=value_label, unit=unit, mode=mode, selected=tuple(selected), lang=lang, key=key,
                   height=height, zoom=zoom)
    options["shapes_url"] = APP_URLS.map_shapes(map_shapes_file(directory).name)
    arguments, classes = _map_component(content_key(directory, values, options), layers, values, options)
    map_column, legend_column = st.columns([4, 1])
    with map_column:
        clicked = _folium_component()(**arguments)
    with legend_column:
        title = (f"{value_label} ({unit})" if unit else value_label) if mode == "value" else tr("% of target")
        legend(classes, marked(title, origin), outside=bool(selected))  # "Jobs created (jobs) (demo)": the classes' numbers are generated
    described(text, label=tr("Map data"))
    st.caption(tr("Hover over a district for its value, target and source; click it to open its profile. "
                  "Khorugh, a city inside Shughnon, is drawn as a point."))
    st.caption(tr("Boundaries: geoBoundaries (Runfola et al. 2020); map data © OpenStreetMap contributors, "
                  "ODbL 1.0."))
    open_profile_on_click(clicked, key)


@st.cache_resource(show_spinner=False)
def map_shapes_file(directory: str) -> Path:
    """The map's shapes file of the boundaries in ``directory`` (``install_map_shapes``), built and written
    into ``STATIC_DIR/maps`` once per server process: by ``app.py`` at start (so its compressed copies are
    made then), else by the first map drawn (a page run without ``app.py``, as under AppTest).
    Raises ``BoundaryDataError`` when the boundary files cannot be read (nothing is cached then)."""
    from data_pipeline.presentation.maps import install_map_shapes
    from geo.boundaries import load_boundaries

    return install_map_shapes(STATIC_DIR, load_boundaries(directory))


@st.cache_resource(show_spinner=False)
def _folium_component():
    """streamlit_folium's component function, the one ``st_folium`` ends with."""
    import streamlit_folium

    return streamlit_folium._component_func


_CAPTURE_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False, max_entries=128)
def _map_component(inputs: str, _layers, _values: pd.DataFrame, _options: dict) -> tuple[dict, list]:
    """The arguments ``st_folium`` gives its component for this map (``inputs``: the digest of the
    values, options and boundary directory), and the legend classes.

    Rendering the folium map to HTML and script is most of a map page's rerun, and it is the same
    for the same inputs: it is done once, by ``st_folium`` itself with its component call captured,
    and later runs call the component with the same arguments. Same arguments also mean the map's
    frontend keeps its layer instead of redrawing it (folium's element ids are random per build).
    The outlines come from the shapes file (``shapes_url``, cached by the browser), not the arguments:
    every run sends its arguments whole, and the component reads the base map's script only once.
    """
    import streamlit_folium

    from data_pipeline.presentation.maps import build_base_map, build_value_layer

    options = dict(_options)
    key, height, zoom, shapes_url = (options.pop(name) for name in ("key", "height", "zoom", "shapes_url"))
    base = build_base_map(_layers, asset_base_url=APP_URLS.leaflet, shapes_url=shapes_url, zoom_start=zoom)
    layer, classes = build_value_layer(_values, _layers, shared_shapes=True, **options)
    component = _folium_component()
    captured: dict = {}
    # Other sessions call the component through _folium_component(), never through the module global.
    with _CAPTURE_LOCK:
        streamlit_folium._component_func = lambda **arguments: captured.update(arguments)
        try:
            streamlit_folium.st_folium(base, key=key, height=height, use_container_width=True,
                                       feature_group_to_add=layer, returned_objects=["last_active_drawing"])
        finally:
            streamlit_folium._component_func = component
    return captured, classes


def open_profile_on_click(result: dict | None, map_key: str) -> None:
    """Switch to the District profile when the map reports a click on a programme district."""
    feature = (result or {}).get("last_active_drawing") or {}
    code = (feature.get("properties") or {}).get("code")
    if not code or code not in {d.code for d in PROGRAMME_DISTRICTS}:
        return
    # st_folium keeps returning the last click on later reruns: act on each click once.
    handled_key = f"_handled_click_{map_key}"
    if st.session_state.get(handled_key) == feature:
        return
    st.session_state[handled_key] = feature
    open_profile(code)


def open_profile(code: str) -> None:
    """Go to the District profile of ``code`` (keeps the language and the sidebar filters in the URL)."""
    name = district(code).name_en
    st.session_state[PROFILE.key] = name
    # ?profile= makes the profile a link of its own.
    st.switch_page(PROFILE_PAGE, query_params=URLS.switch_query(profile=name))


PROFILE_CHOICE_PX = 360
"""The district selector's width: a third of the page at 1440 px, as its column was (a width, not a column:
three elements fewer per rerun); on a phone, the screen's width."""


def profile_district_choice(ctx: PageContext) -> str:
    """The district-profile selector (bound to ``?profile=``); returns the chosen code.

    Every programme district can be chosen (a map click may name one outside the filters);
    without a choice, the first district the filters keep is shown.
    """
    in_view = [district(code).name_en for code in ctx.filters.district_codes()] or PROFILE.options()
    name = url_widget(PROFILE, st.selectbox, tr("District"), default=in_view[0],
                      format_func=district_label(current_language()),
                      help=tr("Choose a district, or click one on the map."), width=PROFILE_CHOICE_PX)
    return NAME_TO_CODE[name]
