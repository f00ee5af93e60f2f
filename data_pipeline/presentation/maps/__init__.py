"""The one map builder: interactive (folium, served offline) and static (matplotlib, for documents).

Both draw the 16 programme districts classed the same way (:func:`classify`), with "no data"
drawn apart from zero, Khorugh as a point, the Khatlon and GBAO outlines, the other districts
in grey and Afghanistan for orientation. No file here loads anything from the internet: Leaflet
is served by the app (:func:`install_leaflet_assets`), there is no tile layer, and legends are
returned as data for the page to draw.

Modules: ``choropleth`` (classes, palette, the districts' value table), ``interactive`` (folium), ``shapes``
(the interactive map's geometry as a file the browser caches),
``static`` (matplotlib) and ``assets`` (Leaflet's files and the map's shapes file). Imports ``presentation.i18n`` and geo.

All text that reaches the map's HTML (names, sources, labels) is escaped (``interactive``), and
reaches the browser inside JSON, never inside a JavaScript template string.
"""

from data_pipeline.presentation.maps.assets import install_leaflet_assets, install_map_shapes, leaflet_source_dir
from data_pipeline.presentation.maps.choropleth import (DEFAULT_ASSET_BASE_URL, DEFAULT_CENTER, DEFAULT_ZOOM,
                                                        MAX_CLASSES, MODES, NO_DATA_COLOUR, NO_DATA_DASH,
                                                        NO_DATA_HATCH, NO_DATA_LABEL, OUTSIDE_COLOUR, SCHEMES,
                                                        LegendClass, class_for, classify)
from data_pipeline.presentation.maps.interactive import build_base_map, build_value_layer
from data_pipeline.presentation.maps.shapes import shapes_script
from data_pipeline.presentation.maps.static import static_district_map

__all__ = ["DEFAULT_ASSET_BASE_URL", "DEFAULT_CENTER", "DEFAULT_ZOOM", "MAX_CLASSES", "MODES", "NO_DATA_COLOUR",
           "NO_DATA_DASH", "NO_DATA_HATCH", "NO_DATA_LABEL", "OUTSIDE_COLOUR", "SCHEMES", "LegendClass", "build_base_map",
           "build_value_layer", "class_for", "classify", "install_leaflet_assets", "install_map_shapes",
           "leaflet_source_dir", "shapes_script", "static_district_map"]
