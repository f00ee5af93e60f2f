"""The interactive map (folium, served offline): the fixed base map, the layer of district values
with their tooltips, and health facilities. No tile layer and no CDN: Leaflet comes from the
app's static folder (``maps.assets``). All text that reaches the map's HTML (names, sources,
labels) is escaped here, and reaches the browser inside JSON, never inside a JavaScript
template string."""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from data_pipeline.presentation.i18n import format_number, format_percent, marked, translator
from data_pipeline.presentation.maps.choropleth import (_AFGHANISTAN_FILL, _CONTEXT_FILL, _CONTEXT_LINE, _DISTRICT_LINE,
                                                        _FACILITY_COLOUR, _REGION_LINE, _SELECTED_LINE,
                                                        DEFAULT_ASSET_BASE_URL, DEFAULT_CENTER, DEFAULT_ZOOM,
                                                        NO_DATA_COLOUR, NO_DATA_DASH, OUTSIDE_COLOUR, LegendClass, _district_table,
                                                        class_for, classify)
from data_pipeline.presentation.maps.shapes import _geojson, _geometry_only
from geo.boundaries import Boundaries
from geo.gazetteer import PROGRAMME_CODES, REGION_GBAO, REGION_KHATLON

# One short line, which a phone's 360 px frame holds (the full credit took three lines over the map);
# the page states it in full under the map (ui.map.MAP_CREDIT).
_ATTRIBUTION_HTML = ('<a href="https://www.geoboundaries.org">geoBoundaries</a> · © '
                     '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>')


def _tooltip_lines(row: pd.Series, *, value_label: str, unit: str, mode: str, lang: str = "en") -> list[str]:
    """A district's tooltip after its name, in ``lang``, as plain lines (``value_label``, ``unit`` and ``source``
    come translated): value, target, % of target, source. A generated value, target and % of target carry the
    demo mark (``row["origin"]``)."""
    _ = translator(lang)

    def shown(text: str) -> str:
        return marked(text, row["origin"], lang)

    value = row["value"]
    value_text = (_("No data") if not np.isfinite(value)
                  else shown(f"{format_number(value, lang)} {unit}".strip()))
    lines = [f"{value_label}: {value_text}"]
    if np.isfinite(row["target"]):
        lines.append(_("Target: {value}").format(value=shown(f"{format_number(row['target'], lang)} {unit}".strip())))
    if np.isfinite(row["pct"]):
        lines.append(_("% of target: {value}").format(value=shown(format_percent(row["pct"], lang))))
    elif mode == "pct":
        lines.append(_("% of target: {value}").format(value=_("No data (no target)")))
    if row["source"]:
        lines.append(_("Source: {source}").format(source=row["source"]))
    return lines


def _tooltip_html(row: pd.Series, *, value_label: str, unit: str, mode: str, lang: str = "en") -> str:
    """A district's tooltip in ``lang``: its name and region, then :func:`_tooltip_lines`, escaped."""
    esc, _ = html.escape, translator(lang)
    lines = [f"<b>{esc(row['name'])}</b> <span style=\"color:#666\">({esc(_(row['region']))})</span>",
             *map(esc, _tooltip_lines(row, value_label=value_label, unit=unit, mode=mode, lang=lang))]
    return "<br>".join(lines)


class _FitToDistricts(MacroElement):
    """Fits the map to the districts in view whenever its layer is drawn: the whole programme, or the
    districts the filters keep (GBAO alone fills the frame on a phone). Leaflet fits to the frame's
    real size, which the server does not know. Added to the value layer, whose parent is the map
    (``st_folium`` renames the map's variable in the layer's script, so this works there too). Without
    animation: the zoom's animation took 250 ms and ended in one more redraw of every outline."""

    _template = Template("""{% macro script(this, kwargs) %}
{{ this._parent._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {"padding": [6, 6], "maxZoom": 9, "animate": false});
{% endmacro %}""")

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitToDistricts"
        self.bounds = bounds


class _KeyboardDistricts(MacroElement):
    """Makes every district with a tooltip a named stop for the keyboard: its tooltip's words as its
    accessible name (a screen reader heard 16 nameless shapes), a visible outline while it has the
    focus, and Enter or Space act as a click, which opens its profile as a click does. The tooltip is
    read with DOMParser, which runs nothing."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (map) {
  function name(layer) {
    var element = layer.getElement && layer.getElement();
    var tooltip = layer.feature && layer.feature.properties && layer.feature.properties.tooltip;
    if (!element || !tooltip || element.hasAttribute("aria-label")) return;
    var words = new DOMParser().parseFromString(tooltip.replace(/<br>/g, ". "), "text/html").body.textContent;
    element.setAttribute("aria-label", words);
    element.setAttribute("role", "button");
    element.setAttribute("tabindex", "0");
    element.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();  // a click as the mouse makes it: at the district, up to the layers that listen
      layer.fire("click", {latlng: layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng()}, true);
    });
  }
  map.eachLayer(name);
  map.on("layeradd", function (event) { name(event.layer); });
  var focus = document.createElement("style");  // where the keyboard is: a heavy blue outline (WCAG 2.4.7)
  focus.textContent = "path.leaflet-interactive:focus-visible {outline: none; stroke: #0072B2; stroke-width: 4px;}";
  document.head.appendChild(focus);
})({{ this._parent._parent.get_name() }});
{% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "KeyboardDistricts"


def _bounds(boundaries: Boundaries, codes: set[str]) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the programme districts (and Khorugh's point) in ``codes``."""
    shapes = pd.concat([boundaries.districts[["code", "geometry"]], boundaries.points[["code", "geometry"]]])
    west, south, east, north = gpd.GeoSeries(shapes[shapes["code"].isin(codes)].geometry).total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def _outside_tooltip(row: pd.Series, lang: str) -> str:
    """A district the filters leave out: its name and that it is outside the filters (no figure)."""
    _ = translator(lang)
    return (f"<b>{html.escape(row['name'])}</b> <span style=\"color:#666\">({html.escape(_(row['region']))})</span>"
            f"<br>{html.escape(_('Outside the filters'))}")


# --- interactive map -------------------------------------------------------------------------

def _asset_base(asset_base_url: str | None) -> str:
    base = DEFAULT_ASSET_BASE_URL if asset_base_url is None else asset_base_url
    return base if base.endswith("/") else base + "/"


def build_base_map(boundaries: Boundaries, *, asset_base_url: str | None = None, shapes_url: str | None = None,
                   center: tuple[float, float] = DEFAULT_CENTER, zoom_start: int = DEFAULT_ZOOM,
                   height: str | int = "100%") -> folium.Map:
    """The fixed part of every map: Afghanistan, the grey districts, Khatlon and GBAO outlines, attribution.

    Leaflet comes from ``asset_base_url`` (default ``/app/static/leaflet/``; see
    :func:`install_leaflet_assets`); nothing comes from a CDN and there is no tile layer.
    ``shapes_url``: where the browser finds :func:`shapes_script`'s file (``install_map_shapes``); the map
    then loads it after Leaflet and takes its outlines from it instead of carrying them inline (use
    ``build_value_layer(..., shared_shapes=True)`` with it).
    Build a fresh one per run: ``st_folium`` mutates the map it is given.
    """
    base = _asset_base(asset_base_url)
    shared = shapes_url is not None
    m = folium.Map(location=list(center), zoom_start=zoom_start, tiles=None, height=height,
                   min_zoom=5, max_zoom=11, control_scale=False, prefer_canvas=False)
    # Instance lists: folium's add_js_link would otherwise mutate the class-wide defaults.
    m.default_js = [("leaflet", f"{base}leaflet.js")] + ([("map_shapes", shapes_url)] if shared else [])
    m.default_css = [("leaflet_css", f"{base}leaflet.css")]

    if boundaries.afghanistan is not None:
        _geojson(
            _geometry_only(boundaries.afghanistan), "afghanistan" if shared else None,
            name="Afghanistan", control=False, interactive=False,
            style_function=lambda _f: {"fillColor": _AFGHANISTAN_FILL, "fillOpacity": 1, "color": "#9a9485",
                                       "weight": 1},
        ).add_to(m)
    context = boundaries.districts[~boundaries.districts["programme"]]
    _geojson(
        _geometry_only(context), "context" if shared else None, name="Other districts", control=False,
        interactive=False,
        attribution=_ATTRIBUTION_HTML,
        style_function=lambda _f: {"fillColor": _CONTEXT_FILL, "fillOpacity": 1, "color": _CONTEXT_LINE,
                                   "weight": 0.8},
    ).add_to(m)
    _ClickWithoutScrolling().add_to(m)
    _MetricScale().add_to(m)
    return m


class _MetricScale(MacroElement):
    """The scale in kilometres at the top right: at the bottom left (folium's place, with miles too) the
    attribution, which takes a phone's whole width, covered it."""

    _template = Template("""{% macro script(this, kwargs) %}
L.control.scale({imperial: false, position: "topright"}).addTo({{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class _ClickWithoutScrolling(MacroElement):
    """Keeps a click on a district a click when the map is partly out of view.

    Pressing the mouse on the map focuses it (Leaflet's keyboard handler, or the district's path),
    and Chromium then scrolls the page until the whole map frame is in view: the button is released
    over another point of the map, which Leaflet takes for a drag, so no click (and no profile)
    follows. Here the map takes focus without scrolling, and a district's path does not take it on
    mousedown; clicks, dragging and the keyboard (Tab, arrows, +/-) work as before.
    """

    # Once per document: st_folium evaluates the map's script again in the same frame when it changes.
    _template = Template("""{% macro script(this, kwargs) %}
if (!window.clickWithoutScrolling) {
    window.clickWithoutScrolling = true;
    document.addEventListener("mousedown", function (event) {
        var map = event.target.closest && event.target.closest(".leaflet-container");
        if (!map) { return; }
        if (document.activeElement !== map) { map.focus({preventScroll: true}); }
        if (event.target.classList.contains("leaflet-interactive")) { event.preventDefault(); }
    }, true);
}
{% endmacro %}""")


def _region_outlines(boundaries: Boundaries, shared: bool = False) -> folium.GeoJson:
    regions = boundaries.regions[boundaries.regions["region"].isin([REGION_KHATLON, REGION_GBAO])]
    return _geojson(
        _geometry_only(regions), "regions" if shared else None, name="Khatlon and GBAO", control=False, interactive=False,
        style_function=lambda _f: {"fill": False, "color": _REGION_LINE, "weight": 2.2},
    )


def _programme_features(table: pd.DataFrame, boundaries: Boundaries, classes: list[LegendClass], *,
                        value_label: str, unit: str, mode: str, selected: set[str], lang: str = "en") -> dict:
    geometry = dict(zip(boundaries.districts["code"], boundaries.districts.geometry))
    geometry.update(zip(boundaries.points["code"], boundaries.points.geometry))
    features = []
    for _, row in table.iterrows():
        shape = geometry.get(row["code"])
        if shape is None:
            continue
        # Filtered out: the page passes no value for it. (A value given for it is still drawn.)
        outside = bool(selected) and row["code"] not in selected and not np.isfinite(row["value"])
        legend_class = None if outside else class_for(row["shown"], classes)
        features.append({
            "type": "Feature",
            "id": row["code"],
            "properties": {
                "code": row["code"],
                "name": row["name"],
                "fill": OUTSIDE_COLOUR if outside else legend_class.colour if legend_class else NO_DATA_COLOUR,
                "no_data": legend_class is None and not outside,
                "outside": outside,
                "selected": row["code"] in selected,
                "tooltip": (_outside_tooltip(row, lang) if outside else
                            _tooltip_html(row, value_label=value_label, unit=unit, mode=mode, lang=lang)),
            },
            "geometry": shape.__geo_interface__,
        })
    return {"type": "FeatureCollection", "features": features}


def _programme_style(feature: dict) -> dict:
    props = feature["properties"]
    style = {"fillColor": props["fill"], "fillOpacity": 0.9, "color": _DISTRICT_LINE, "weight": 1.2}
    if props["no_data"]:
        style.update(dashArray=NO_DATA_DASH, color="#6e6e6e")
    if props["outside"]:
        style.update(fillOpacity=0.6, color="#a0a0a0", weight=0.8)
    if props["selected"]:
        style.update(color=_SELECTED_LINE, weight=3.5, dashArray=None)
    if feature["geometry"]["type"] == "Point":
        style.update(radius=8, weight=2 if not props["selected"] else 3.5, color=_SELECTED_LINE)
    return style


def _facility_layer(boundaries: Boundaries, lang: str = "en") -> folium.GeoJson | None:
    facilities = boundaries.health_facilities
    if facilities is None:
        return None
    _ = translator(lang)
    facilities = facilities[facilities["district_code"].isin(PROGRAMME_CODES)]
    features = []
    for row in facilities.itertuples():
        kind = row.healthcare or row.amenity or _("health facility")
        name = row.name or row.name_tg or _("(no name in OpenStreetMap)")
        features.append({"type": "Feature", "properties": {
            "tooltip": f"<b>{html.escape(str(name))}</b><br>{html.escape(str(kind))}<br>"
                       f"<i>{html.escape(_('Mapped in OpenStreetMap: shows mapping, not coverage'))}</i>"},
            "geometry": row.geometry.__geo_interface__})
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name="Health facilities (OpenStreetMap)",
        marker=folium.CircleMarker(radius=3, fill=True), control=False,
        style_function=lambda _f: {"color": "#ffffff", "weight": 0.8, "fillColor": _FACILITY_COLOUR,
                                   "fillOpacity": 1},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    )


def _programme_geojson(features: list[dict], name: str, shared: bool = False) -> folium.GeoJson:
    return _geojson(
        {"type": "FeatureCollection", "features": features}, "districts" if shared else None, name=name,
        control=False,
        style_function=_programme_style,
        highlight_function=lambda _f: {"weight": 3.5, "color": _SELECTED_LINE},
        marker=folium.CircleMarker(radius=8, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    )


def build_value_layer(values: pd.DataFrame, boundaries: Boundaries, *, value_label: str, unit: str,
                      mode: str = "value", selected: Sequence[str] = (), lang: str = "en", k: int = 5,
                      scheme: str = "auto", show_health_facilities: bool = False, shared_shapes: bool = False,
                      ) -> tuple[folium.FeatureGroup, list[LegendClass]]:
    """The part of the map that changes with the data: choropleth, Khorugh point, outlines, facilities.

    For ``st_folium(base, feature_group_to_add=layer)``, which keeps the base map mounted.
    Each programme feature's properties carry ``code`` (what a click returns). When ``selected`` names
    districts (those the filters keep), the others are drawn faded as outside the filters, not as "No data". ``lang`` sets
    district names (gazetteer), tooltip words (catalog) and number separators;
    ``value_label`` and ``unit`` are shown as given (translate them first). ``shared_shapes``: the
    districts' and outlines' geometry is taken from the frame's shapes file (a base map built with
    ``shapes_url``), so the layer carries only what changes with the data.
    """
    table = _district_table(values, mode=mode, lang=lang)
    classes = classify(table["shown"], k=k, scheme=scheme, percent=mode == "pct", lang=lang)
    chosen = {str(code) for code in selected}
    unknown = sorted(chosen - set(PROGRAMME_CODES))
    if unknown:
        raise ValueError(f"selected has {', '.join(unknown)}, which are not programme districts; "
                         f"use codes from {', '.join(PROGRAMME_CODES)}.")
    layer = folium.FeatureGroup(name="Programme districts", control=False)
    features = _programme_features(table, boundaries, classes, value_label=value_label, unit=unit, mode=mode,
                                   selected=chosen, lang=lang)
    polygons = [f for f in features["features"] if f["geometry"]["type"] != "Point"]
    points = [f for f in features["features"] if f["geometry"]["type"] == "Point"]
    # Drawing order is stacking order: polygons, region outlines, facilities, then Khorugh on top.
    _programme_geojson(polygons, "Programme districts", shared_shapes).add_to(layer)
    _region_outlines(boundaries, shared_shapes).add_to(layer)
    if show_health_facilities:
        facility_layer = _facility_layer(boundaries, lang)
        if facility_layer is not None:
            facility_layer.add_to(layer)
    if points:
        _programme_geojson(points, "Programme towns", shared_shapes).add_to(layer)
    _FitToDistricts(_bounds(boundaries, chosen or set(PROGRAMME_CODES))).add_to(layer)
    _KeyboardDistricts().add_to(layer)
    return layer, classes
