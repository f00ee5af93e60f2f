"""The interactive map's fixed geometry in a file of its own, which the browser caches: the outlines of
Afghanistan, the other districts, Khatlon and GBAO, and each programme district's shape by code
(:func:`shapes_script`). A map built with ``shapes_url`` / ``shared_shapes`` (``maps.interactive``) takes its
geometry from there, so the map component's arguments, which every rerun sends whole, carry only values,
styles and tooltips."""

from __future__ import annotations

import hashlib
import json

import folium
import geopandas as gpd
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from geo.boundaries import Boundaries
from geo.gazetteer import PROGRAMME_CODES, REGION_GBAO, REGION_KHATLON

SHAPES_GLOBAL = "borderDistrictShapes"
"""The frame's global the shapes file (:func:`shapes_script`) defines."""


def shapes_script(boundaries: Boundaries) -> str:
    """The fixed geometry of every interactive map as one JavaScript file, for the browser to cache.

    It defines ``window.borderDistrictShapes``: ``layers`` (``afghanistan``, ``context``: the grey
    districts, ``regions``: the Khatlon and GBAO outlines; FeatureCollections without properties) and
    ``districts`` (each programme district's geometry, Khorugh's point included, by code), and
    ``attach(collection)``, which gives each feature of ``collection`` the geometry of its ``id``.
    Maps built with ``shapes_url`` / ``shared_shapes`` then send only values, styles and tooltips on each
    run (about 10 KB instead of 110 KB): the outlines never change between runs.
    """
    regions = boundaries.regions[boundaries.regions["region"].isin([REGION_KHATLON, REGION_GBAO])]
    shapes = {
        "layers": {
            "afghanistan": None if boundaries.afghanistan is None else _geometry_only(boundaries.afghanistan),
            "context": _geometry_only(boundaries.districts[~boundaries.districts["programme"]]),
            "regions": _geometry_only(regions),
        },
        "districts": {code: shape.__geo_interface__ for code, shape in
                      [*zip(boundaries.districts["code"], boundaries.districts.geometry),
                       *zip(boundaries.points["code"], boundaries.points.geometry)]
                      if code in PROGRAMME_CODES},
    }
    data = htmlsafe_json_dumps(shapes, sort_keys=True, separators=(",", ":"))
    return (f"window.{SHAPES_GLOBAL} = (function (shapes) {{\n"
            "  shapes.attach = function (collection) {\n"
            "    collection.features.forEach(function (feature) { feature.geometry = shapes.districts[feature.id]; });\n"
            "    return collection;\n"
            "  };\n"
            "  return shapes;\n"
            f"}})({data});\n")


def shapes_file_name(script: str) -> str:
    """``shapes-<digest>.js``: the name changes with the content, so the file can be cached for good."""
    return f"shapes-{hashlib.sha256(script.encode()).hexdigest()[:16]}.js"


class _SharedGeoJson(folium.GeoJson):
    """A ``folium.GeoJson`` whose geometry the frame already has (:func:`shapes_script`): its script hands
    Leaflet ``borderDistrictShapes.layers[shared]``, or, for ``shared="districts"``, its own features
    (properties, styles and tooltips as folium renders them) without geometry, joined to the shapes by
    ``id`` in the browser. Styles, highlight, tooltips and bounds are computed from the full data as for
    any GeoJson."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.shared_script(kwargs) }}{% endmacro %}")
    _STAND_IN = {"shared": "@@shapes@@"}

    def __init__(self, data: dict, *, shared: str, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.shared = shared

    def shared_script(self, kwargs) -> str:
        if self.shared == "districts":
            features = [{k: v for k, v in feature.items() if k != "geometry"} for feature in self.data["features"]]
            data = htmlsafe_json_dumps({"type": "FeatureCollection", "features": features}, sort_keys=True)
            expression = f"window.{SHAPES_GLOBAL}.attach({data})"
        else:
            expression = f"window.{SHAPES_GLOBAL}.layers[{json.dumps(self.shared)}]"
        full, self.data = self.data, self._STAND_IN
        try:
            script = str(folium.GeoJson._template.module.script(self, kwargs))
        finally:
            self.data = full
        stand_in = str(htmlsafe_json_dumps(self._STAND_IN, sort_keys=True))
        if script.count(stand_in) != 1:  # folium's template changed: fail loudly, never draw an empty map
            raise RuntimeError("folium.GeoJson's script no longer embeds its data once; update _SharedGeoJson.")
        return script.replace(stand_in, expression)


def _geojson(data: dict, shared: str | None, **kwargs) -> folium.GeoJson:
    """A GeoJson layer with its data inline, or (``shared``) taken from the frame's shapes file."""
    return folium.GeoJson(data, **kwargs) if shared is None else _SharedGeoJson(data, shared=shared, **kwargs)


def _geometry_only(frame: gpd.GeoDataFrame) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": g.__geo_interface__}
                         for g in frame.geometry]}
