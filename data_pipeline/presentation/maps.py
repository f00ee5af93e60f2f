"""The one map builder: interactive (folium, served offline) and static (matplotlib, for documents).

Both draw the 16 programme districts classed the same way (:func:`classify`), with "no data"
drawn apart from zero, Khorugh as a point, the Khatlon and GBAO outlines, the other districts
in grey and Afghanistan for orientation. No file here loads anything from the internet: Leaflet
is served by the app (:func:`install_leaflet_assets`), there is no tile layer, and legends are
returned as data for the page to draw.

All text that reaches the map's HTML (names, sources, labels) is escaped here, and reaches the
browser inside JSON, never inside a JavaScript template string.
"""

from __future__ import annotations

import html
import math
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from data_pipeline.presentation.i18n import format_number, format_percent, marked, translator
from geo.boundaries import Boundaries
from geo.gazetteer import PROGRAMME_CODES, PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON, district

# ColorBrewer YlGnBu: sequential, colour-blind safe, prints in grey scale.
_YLGNBU = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    9: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"),
}
MAX_CLASSES = 9
NO_DATA_COLOUR = "#b0b0b0"
NO_DATA_LABEL = "No data"
NO_DATA_DASH = "4 4"
"""Interactive map: no-data districts get a dashed outline (the static map hatches them)."""
NO_DATA_HATCH = "////"
SCHEMES = ("auto", "fisher_jenks", "natural_breaks", "quantiles", "equal_interval")
MODES = ("value", "pct")

DEFAULT_ASSET_BASE_URL = "/app/static/leaflet/"
"""Where Streamlit serves ``static/leaflet`` (``server.enableStaticServing``); prefix it with
``server.baseUrlPath`` when the app is served under a sub-path."""
DEFAULT_CENTER = (37.85, 70.2)
DEFAULT_ZOOM = 7

_CONTEXT_FILL = "#f7f7f7"
_CONTEXT_LINE = "#c8c8c8"
_AFGHANISTAN_FILL = "#e9e6df"
_REGION_LINE = "#303030"
_DISTRICT_LINE = "#555555"
_SELECTED_LINE = "#000000"
_FACILITY_COLOUR = "#b2182b"
_ATTRIBUTION_HTML = (
    'Boundaries: <a href="https://www.geoboundaries.org">geoBoundaries</a> (Runfola et al. 2020), '
    'data © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors, ODbL 1.0'
)
_VALUE_COLUMNS = ("district_code", "value", "target", "source")



@dataclass(frozen=True)
class LegendClass:
    """One class of a choropleth: its label, colour and the smallest and largest value it holds."""

    label: str
    colour: str
    lower: float | None
    upper: float | None

    def contains(self, value: float) -> bool:
        """Whether ``value`` falls in this class (bounds included)."""
        return self.lower is not None and self.upper is not None and self.lower <= value <= self.upper


# --- classes ---------------------------------------------------------------------------------

def _label(lower: float, upper: float, percent: bool, lang: str = "en") -> str:
    word = format_percent if percent else format_number
    low, high = word(lower, lang), word(upper, lang)
    return low if low == high else f"{low} – {high}"


def _breaks(values: np.ndarray, k: int, scheme: str) -> list[np.ndarray]:
    """``values`` (sorted, more unique values than ``k``) split into at most ``k`` non-empty groups."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns about numba and about ties
        if scheme in ("auto", "fisher_jenks"):
            classifier = mapclassify.FisherJenks(values, k=k)
        elif scheme == "natural_breaks":
            classifier = mapclassify.NaturalBreaks(values, k=k)
        elif scheme == "quantiles":
            classifier = mapclassify.Quantiles(values, k=k)
        else:
            classifier = mapclassify.EqualInterval(values, k=k)
    labels = np.asarray(classifier.yb)
    return [values[labels == i] for i in range(int(labels.max()) + 1) if (labels == i).any()]


def classify(values: pd.Series, *, k: int = 5, scheme: str = "auto", percent: bool = False,
             lang: str = "en") -> list[LegendClass]:
    """Legend classes for ``values`` (NaN ignored), lightest first.

    ``scheme``: ``auto`` (Fisher-Jenks), ``fisher_jenks``, ``natural_breaks``, ``quantiles`` or
    ``equal_interval``. With fewer unique values than ``k`` each value is its own class; zero,
    when present beside positive values, is a class of its own (zero is data, not "no data").
    ``percent`` labels the classes as percentages (``45%``). ``[]`` when there is no value.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"Unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}.")
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_CLASSES:
        raise ValueError(f"k must be a whole number of classes from 1 to {MAX_CLASSES}, got {k!r}.")
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
    numbers = np.sort(numbers[np.isfinite(numbers)].to_numpy())
    if numbers.size == 0:
        return []
    groups: list[np.ndarray] = []
    rest = numbers
    if k > 1 and (numbers == 0).any() and (numbers > 0).any() and not (numbers < 0).any():
        groups.append(numbers[numbers == 0])
        rest = numbers[numbers > 0]
    room = k - len(groups)
    unique = np.unique(rest)
    if unique.size <= room:
        groups.extend(rest[rest == u] for u in unique)
    else:
        groups.extend(_breaks(rest, room, scheme))
    colours = _YLGNBU[len(groups)]
    return [LegendClass(_label(float(g.min()), float(g.max()), percent, lang), colour, float(g.min()),
                        float(g.max()))
            for g, colour in zip(groups, colours)]


def class_for(value: float | None, classes: Sequence[LegendClass]) -> LegendClass | None:
    """The class ``value`` falls in; ``None`` for a missing value (drawn as "no data")."""
    if value is None or not np.isfinite(value) or not classes:
        return None
    for legend_class in classes:
        if legend_class.upper is not None and value <= legend_class.upper:
            return legend_class
    return classes[-1]


# --- values ----------------------------------------------------------------------------------

def _district_table(values: pd.DataFrame, *, mode: str, lang: str) -> pd.DataFrame:
    """One row per programme district (gazetteer order): code, name, value, target, pct, shown, source, origin."""
    if mode not in MODES:
        raise ValueError(f"Unknown map mode {mode!r}; use 'value' (the figures) or 'pct' (percent of target).")
    if not isinstance(values, pd.DataFrame):
        raise TypeError(f"values must be a pandas DataFrame, got {type(values).__name__}.")
    missing = [c for c in ("district_code", "value") if c not in values.columns]
    if missing:
        raise ValueError(f"values lacks column(s) {', '.join(missing)}; it needs {', '.join(_VALUE_COLUMNS)} "
                         f"(target and source may be left out) and has {', '.join(map(str, values.columns))}.")
    frame = values.copy()
    frame["district_code"] = frame["district_code"].astype(str)
    duplicated = sorted(set(frame.loc[frame["district_code"].duplicated(), "district_code"]))
    if duplicated:
        raise ValueError(f"values has more than one row for district(s) {', '.join(duplicated)}; "
                         f"aggregate to one row per district first.")
    outside = sorted(set(frame["district_code"]) - set(PROGRAMME_CODES))
    if outside:
        raise ValueError(f"values has rows for {', '.join(outside)}, which are not programme districts; "
                         f"the map shows only {', '.join(PROGRAMME_CODES)}.")
    for column in ("value", "target"):
        if column not in frame:
            frame[column] = np.nan
        numeric = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[numeric.isna() & frame[column].notna(), column]
        if not bad.empty:
            raise ValueError(f"values.{column} must be numbers; got {bad.iloc[0]!r} "
                             f"for {frame.loc[bad.index[0], 'district_code']}.")
        frame[column] = numeric.astype(float)
    for column in ("source", "origin"):
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)

    rows = frame.set_index("district_code")
    table = pd.DataFrame({
        "code": list(PROGRAMME_CODES),
        "name": [d.name(lang) for d in PROGRAMME_DISTRICTS],
        "region": [d.region for d in PROGRAMME_DISTRICTS],
    })
    table["value"] = table["code"].map(rows["value"]).astype(float)
    table["target"] = table["code"].map(rows["target"]).astype(float)
    for column in ("source", "origin"):
        table[column] = table["code"].map(rows[column]).astype(object).fillna("").astype(str)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(table["target"] > 0, table["value"] / table["target"] * 100, np.nan)
    table["pct"] = pct
    table["shown"] = table["pct"] if mode == "pct" else table["value"]
    return table


def _tooltip_html(row: pd.Series, *, value_label: str, unit: str, mode: str, lang: str = "en") -> str:
    """A district's tooltip in ``lang`` (``value_label``, ``unit`` and ``source`` come translated).
    A generated value, target and % of target carry the demo mark (``row["origin"]``)."""
    esc, _ = html.escape, translator(lang)

    def shown(text: str) -> str:
        return marked(text, row["origin"], lang)

    value = row["value"]
    value_text = (_("No data") if not np.isfinite(value)
                  else shown(f"{format_number(value, lang)} {unit}".strip()))
    lines = [f"<b>{esc(row['name'])}</b> <span style=\"color:#666\">({esc(_(row['region']))})</span>",
             f"{esc(value_label)}: {esc(value_text)}"]
    if np.isfinite(row["target"]):
        lines.append(esc(_("Target: {value}").format(
            value=shown(f"{format_number(row['target'], lang)} {unit}".strip()))))
    if np.isfinite(row["pct"]):
        lines.append(esc(_("% of target: {value}").format(
            value=shown(format_percent(row["pct"], lang)))))
    elif mode == "pct":
        lines.append(esc(_("% of target: {value}").format(value=_("No data (no target)"))))
    if row["source"]:
        lines.append(esc(_("Source: {source}").format(source=row["source"])))
    return "<br>".join(lines)


# --- interactive map -------------------------------------------------------------------------

def _asset_base(asset_base_url: str | None) -> str:
    base = DEFAULT_ASSET_BASE_URL if asset_base_url is None else asset_base_url
    return base if base.endswith("/") else base + "/"


def build_base_map(boundaries: Boundaries, *, asset_base_url: str | None = None,
                   center: tuple[float, float] = DEFAULT_CENTER, zoom_start: int = DEFAULT_ZOOM,
                   height: str | int = "100%") -> folium.Map:
    """The fixed part of every map: Afghanistan, the grey districts, Khatlon and GBAO outlines, attribution.

    Leaflet comes from ``asset_base_url`` (default ``/app/static/leaflet/``; see
    :func:`install_leaflet_assets`); nothing comes from a CDN and there is no tile layer.
    Build a fresh one per run: ``st_folium`` mutates the map it is given.
    """
    base = _asset_base(asset_base_url)
    m = folium.Map(location=list(center), zoom_start=zoom_start, tiles=None, height=height,
                   min_zoom=5, max_zoom=11, control_scale=True, prefer_canvas=False)
    # Instance lists: folium's add_js_link would otherwise mutate the class-wide defaults.
    m.default_js = [("leaflet", f"{base}leaflet.js")]
    m.default_css = [("leaflet_css", f"{base}leaflet.css")]

    if boundaries.afghanistan is not None:
        folium.GeoJson(
            _geometry_only(boundaries.afghanistan), name="Afghanistan", control=False, interactive=False,
            style_function=lambda _f: {"fillColor": _AFGHANISTAN_FILL, "fillOpacity": 1, "color": "#9a9485",
                                       "weight": 1},
        ).add_to(m)
    context = boundaries.districts[~boundaries.districts["programme"]]
    folium.GeoJson(
        _geometry_only(context), name="Other districts", control=False, interactive=False,
        attribution=_ATTRIBUTION_HTML,
        style_function=lambda _f: {"fillColor": _CONTEXT_FILL, "fillOpacity": 1, "color": _CONTEXT_LINE,
                                   "weight": 0.8},
    ).add_to(m)
    _ClickWithoutScrolling().add_to(m)
    return m


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


def _region_outlines(boundaries: Boundaries) -> folium.GeoJson:
    regions = boundaries.regions[boundaries.regions["region"].isin([REGION_KHATLON, REGION_GBAO])]
    return folium.GeoJson(
        _geometry_only(regions), name="Khatlon and GBAO", control=False, interactive=False,
        style_function=lambda _f: {"fill": False, "color": _REGION_LINE, "weight": 2.2},
    )


def _geometry_only(frame: gpd.GeoDataFrame) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": g.__geo_interface__}
                         for g in frame.geometry]}


def _programme_features(table: pd.DataFrame, boundaries: Boundaries, classes: list[LegendClass], *,
                        value_label: str, unit: str, mode: str, selected: set[str], lang: str = "en") -> dict:
    geometry = dict(zip(boundaries.districts["code"], boundaries.districts.geometry))
    geometry.update(zip(boundaries.points["code"], boundaries.points.geometry))
    features = []
    for _, row in table.iterrows():
        shape = geometry.get(row["code"])
        if shape is None:
            continue
        legend_class = class_for(row["shown"], classes)
        features.append({
            "type": "Feature",
            "id": row["code"],
            "properties": {
                "code": row["code"],
                "name": row["name"],
                "fill": legend_class.colour if legend_class else NO_DATA_COLOUR,
                "no_data": legend_class is None,
                "selected": row["code"] in selected,
                "tooltip": _tooltip_html(row, value_label=value_label, unit=unit, mode=mode, lang=lang),
            },
            "geometry": shape.__geo_interface__,
        })
    return {"type": "FeatureCollection", "features": features}


def _programme_style(feature: dict) -> dict:
    props = feature["properties"]
    style = {"fillColor": props["fill"], "fillOpacity": 0.9, "color": _DISTRICT_LINE, "weight": 1.2}
    if props["no_data"]:
        style.update(dashArray=NO_DATA_DASH, color="#6e6e6e")
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


def _programme_geojson(features: list[dict], name: str) -> folium.GeoJson:
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name=name, control=False,
        style_function=_programme_style,
        highlight_function=lambda _f: {"weight": 3.5, "color": _SELECTED_LINE},
        marker=folium.CircleMarker(radius=8, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    )


def build_value_layer(values: pd.DataFrame, boundaries: Boundaries, *, value_label: str, unit: str,
                      mode: str = "value", selected: Sequence[str] = (), lang: str = "en", k: int = 5,
                      scheme: str = "auto", show_health_facilities: bool = False,
                      ) -> tuple[folium.FeatureGroup, list[LegendClass]]:
    """The part of the map that changes with the data: choropleth, Khorugh point, outlines, facilities.

    For ``st_folium(base, feature_group_to_add=layer)``, which keeps the base map mounted.
    Each programme feature's properties carry ``code`` (what a click returns). ``lang`` sets
    district names (gazetteer), tooltip words (catalog) and number separators;
    ``value_label`` and ``unit`` are shown as given (translate them first).
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
    _programme_geojson(polygons, "Programme districts").add_to(layer)
    _region_outlines(boundaries).add_to(layer)
    if show_health_facilities:
        facility_layer = _facility_layer(boundaries, lang)
        if facility_layer is not None:
            facility_layer.add_to(layer)
    if points:
        _programme_geojson(points, "Programme towns").add_to(layer)
    return layer, classes


def leaflet_source_dir() -> Path:
    """The folder of Leaflet 1.9.3 shipped by the ``xstatic-leaflet`` package."""
    import xstatic.pkg.leaflet as xstatic_leaflet

    return Path(xstatic_leaflet.BASE_DIR)


def install_leaflet_assets(static_dir: Path | str) -> Path:
    """Copy leaflet.js, leaflet.css and images/ into ``static_dir/leaflet`` (idempotent); returns that folder."""
    source = leaflet_source_dir()
    target = Path(static_dir) / "leaflet"
    (target / "images").mkdir(parents=True, exist_ok=True)
    files = [Path("leaflet.js"), Path("leaflet.css")] + [Path("images") / p.name for p in (source / "images").iterdir()]
    for relative in files:
        origin, destination = source / relative, target / relative
        if not destination.exists() or destination.stat().st_size != origin.stat().st_size:
            shutil.copyfile(origin, destination)
    return target


# --- static map ------------------------------------------------------------------------------

def static_district_map(values: pd.DataFrame, boundaries: Boundaries, *, value_label: str, unit: str,
                        mode: str = "value", title: str | None = None, lang: str = "en", k: int = 5,
                        scheme: str = "auto", figsize: tuple[float, float] = (10, 6.4)) -> Figure:
    """The same choropleth as a matplotlib figure (Agg, DejaVu Sans) for PDFs and slides.

    Save it with ``fig.savefig(buffer, format="png", dpi=150)``. ``lang`` sets district names,
    the map's own words (catalog) and number separators; ``value_label``, ``unit`` and
    ``title`` are shown as given.
    """
    tr = translator(lang)
    table = _district_table(values, mode=mode, lang=lang)
    classes = classify(table["shown"], k=k, scheme=scheme, percent=mode == "pct", lang=lang)
    colour_by_code = {}
    for code, shown in zip(table["code"], table["shown"]):
        legend_class = class_for(shown, classes)
        colour_by_code[code] = legend_class.colour if legend_class else None

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    font = {"family": "DejaVu Sans"}

    programme = boundaries.districts[boundaries.districts["programme"]]
    xmin, ymin, xmax, ymax = programme.total_bounds
    pad_x, pad_y = (xmax - xmin) * 0.06, (ymax - ymin) * 0.12
    ax.set_xlim(xmin - pad_x, xmax + pad_x)
    ax.set_ylim(ymin - pad_y * 1.2, ymax + pad_y)

    if boundaries.afghanistan is not None:
        boundaries.afghanistan.plot(ax=ax, facecolor=_AFGHANISTAN_FILL, edgecolor="#9a9485", linewidth=0.6)
        ax.text(xmin + (xmax - xmin) * 0.42, ymin - pad_y * 0.6, tr("AFGHANISTAN"), fontdict=font,
                fontsize=9, color="#7a7466", ha="center", va="center")
    context = boundaries.districts[~boundaries.districts["programme"]]
    context.plot(ax=ax, facecolor=_CONTEXT_FILL, edgecolor=_CONTEXT_LINE, linewidth=0.5)

    fills = programme["code"].map(colour_by_code)
    with_data = programme[fills.notna()]
    if not with_data.empty:
        with_data.plot(ax=ax, color=fills[fills.notna()].tolist(), edgecolor=_DISTRICT_LINE, linewidth=0.6)
    no_data = programme[fills.isna()]
    if not no_data.empty:
        no_data.plot(ax=ax, facecolor=NO_DATA_COLOUR, edgecolor="#6e6e6e", linewidth=0.6, hatch=NO_DATA_HATCH)
    regions = boundaries.regions[boundaries.regions["region"].isin([REGION_KHATLON, REGION_GBAO])]
    regions.boundary.plot(ax=ax, color=_REGION_LINE, linewidth=1.3)

    for _, point in boundaries.points.iterrows():
        colour = colour_by_code.get(point["code"])
        ax.scatter([point.geometry.x], [point.geometry.y], s=70, zorder=5, linewidths=1.4,
                   color=colour or NO_DATA_COLOUR, edgecolors=_SELECTED_LINE,
                   hatch=None if colour else NO_DATA_HATCH)
    _label_districts(ax, table, font)

    ax.set_aspect(1 / math.cos(math.radians((ymin + ymax) / 2)))
    ax.set_axis_off()
    heading = title if title is not None else value_label
    fig.suptitle(heading, x=0.01, ha="left", fontfamily=font["family"], fontsize=13)

    legend_title = tr("% of target") if mode == "pct" else f"{value_label} ({unit})" if unit else value_label
    # The classes' bounds are the values' numbers: generated values make a legend of generated numbers.
    legend_title = marked(legend_title, table["origin"].iloc[0] if table["origin"].nunique() == 1 else "", lang)
    handles = [Patch(facecolor=c.colour, edgecolor=_DISTRICT_LINE, linewidth=0.6, label=c.label) for c in classes]
    handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#6e6e6e", hatch=NO_DATA_HATCH, linewidth=0.6,
                         label=tr("No data")))
    if not boundaries.points.empty:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor="white",
                              markeredgecolor=_SELECTED_LINE, label=tr("Khorugh (city, no boundary)")))
    ax.legend(handles=handles, title=legend_title, loc="upper left", frameon=True, framealpha=0.92,
              prop={**font, "size": 8}, title_fontproperties={**font, "size": 8.5, "weight": "bold"})
    fig.text(0.01, 0.005, boundaries.attribution, fontdict=font, fontsize=6.5, color="#555555",
             ha="left", va="bottom")
    return fig


def _label_districts(ax, table: pd.DataFrame, font: dict) -> None:
    for code, name in zip(table["code"], table["name"]):
        d = district(code)
        # Khorugh's label goes beside its point; polygons are labelled at their gazetteer centre.
        offset = (0.06, 0.0) if d.boundary_name is None else (0.0, 0.0)
        ax.text(d.lon + offset[0], d.lat + offset[1], name, fontdict=font, fontsize=6.5,
                ha="left" if d.boundary_name is None else "center", va="center", color="#111111", zorder=6,
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.6})
