"""The static map (matplotlib, Agg, DejaVu Sans) for PDFs and slides: the same choropleth as the
interactive map, with its legend drawn in."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from data_pipeline.presentation.i18n import marked, translator
from data_pipeline.presentation.maps.choropleth import (_AFGHANISTAN_FILL, _CONTEXT_FILL, _CONTEXT_LINE, _DISTRICT_LINE,
                                                        _REGION_LINE, _SELECTED_LINE, NO_DATA_COLOUR, NO_DATA_HATCH,
                                                        LegendClass, _district_table, class_for, classify)
from geo.boundaries import Boundaries
from geo.gazetteer import REGION_GBAO, REGION_KHATLON, district

_FONT = {"family": "DejaVu Sans"}


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
    _draw_districts(ax, boundaries, colour_by_code, tr)
    _label_districts(ax, table, _FONT)
    heading = title if title is not None else value_label
    fig.suptitle(heading, x=0.01, ha="left", fontfamily=_FONT["family"], fontsize=13)

    legend_title = tr("% of target") if mode == "pct" else f"{value_label} ({unit})" if unit else value_label
    # The classes' bounds are the values' numbers: generated values make a legend of generated numbers.
    legend_title = marked(legend_title, table["origin"].iloc[0] if table["origin"].nunique() == 1 else "", lang)
    _add_legend(ax, classes, legend_title, not boundaries.points.empty, tr)
    fig.text(0.01, 0.005, boundaries.attribution, fontdict=_FONT, fontsize=6.5, color="#555555",
             ha="left", va="bottom")
    return fig


def _draw_districts(ax, boundaries: Boundaries, colour_by_code: dict, tr) -> None:
    """Afghanistan, the grey districts, the programme districts in their class colours (no data
    hatched), the Khatlon and GBAO outlines and Khorugh's point, framed on the programme districts."""
    programme = boundaries.districts[boundaries.districts["programme"]]
    xmin, ymin, xmax, ymax = programme.total_bounds
    pad_x, pad_y = (xmax - xmin) * 0.06, (ymax - ymin) * 0.12
    ax.set_xlim(xmin - pad_x, xmax + pad_x)
    ax.set_ylim(ymin - pad_y * 1.2, ymax + pad_y)

    if boundaries.afghanistan is not None:
        boundaries.afghanistan.plot(ax=ax, facecolor=_AFGHANISTAN_FILL, edgecolor="#9a9485", linewidth=0.6)
        ax.text(xmin + (xmax - xmin) * 0.42, ymin - pad_y * 0.6, tr("AFGHANISTAN"), fontdict=_FONT,
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
    ax.set_aspect(1 / math.cos(math.radians((ymin + ymax) / 2)))
    ax.set_axis_off()


def _add_legend(ax, classes: list[LegendClass], title: str, with_point: bool, tr) -> None:
    """The classes, "No data" and (when drawn) Khorugh's point, in the map's upper left corner."""
    handles = [Patch(facecolor=c.colour, edgecolor=_DISTRICT_LINE, linewidth=0.6, label=c.label) for c in classes]
    handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#6e6e6e", hatch=NO_DATA_HATCH, linewidth=0.6,
                         label=tr("No data")))
    if with_point:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor="white",
                              markeredgecolor=_SELECTED_LINE, label=tr("Khorugh (city, no boundary)")))
    ax.legend(handles=handles, title=title, loc="upper left", frameon=True, framealpha=0.92,
              prop={**_FONT, "size": 8}, title_fontproperties={**_FONT, "size": 8.5, "weight": "bold"})


def _label_districts(ax, table: pd.DataFrame, font: dict) -> None:
    for code, name in zip(table["code"], table["name"]):
        d = district(code)
        # Khorugh's label goes beside its point; polygons are labelled at their gazetteer centre.
        offset = (0.06, 0.0) if d.boundary_name is None else (0.0, 0.0)
        ax.text(d.lon + offset[0], d.lat + offset[1], name, fontdict=font, fontsize=6.5,
                ha="left" if d.boundary_name is None else "center", va="center", color="#111111", zorder=6,
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.6})
