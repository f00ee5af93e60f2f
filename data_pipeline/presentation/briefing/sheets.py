"""District sheets: one A4 page per programme district, for field offices — its name in English,
Russian and Tajik, its story in a few sentences, its indicators against its own targets with its share
of and rank in the programme, its records per year, who took part and a small map of where it lies."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak, Table, TableStyle

from data_pipeline.analysis.aggregate import WHOLE, aggregate
from data_pipeline.analysis.aggregate import NOT_STATED
from data_pipeline.analysis.dataset import Dataset, Filters, targets_in_view
from data_pipeline.analysis.key_facts import district_story_facts
from data_pipeline.presentation.briefing.common import (DEMO_BANNER, BriefingError, Words, _check_arguments,
                                                        _district_title, _filters_line, _resolve_programme_district,
                                                        _version_line)
from data_pipeline.presentation.briefing.layout import (MARGIN, PAGE_SIZE, _Document, _generated_band, _image, _p,
                                                        _png, _register_fonts, _Sources, _Styles, _table)
from data_pipeline.presentation.briefing.messages import key_messages
from data_pipeline.presentation.charts import VERMILION
from data_pipeline.presentation.i18n import MISSING
from data_pipeline.presentation.tables import rank_of
from data_pipeline.reference.published import published_for_indicator
from data_pipeline.reference.registry import INDICATORS
from data_pipeline.reference.schemas import DISAGGREGATIONS
from geo.boundaries import Boundaries
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON, REGION_NAMES, District

LOCATOR_FILL = "#cfd8e3"
LOCATOR_HIGHLIGHT = VERMILION


class Locator:
    """One small map of the programme districts, recoloured and saved once per district sheet."""

    def __init__(self, boundaries: Boundaries):
        self.figure = Figure(figsize=(3.3, 1.75))
        FigureCanvasAgg(self.figure)
        axes = self.figure.add_axes((0, 0, 1, 1))
        programme = boundaries.districts[boundaries.districts["programme"]]
        xmin, ymin, xmax, ymax = programme.total_bounds
        pad_x, pad_y = (xmax - xmin) * 0.03, (ymax - ymin) * 0.06
        axes.set_xlim(xmin - pad_x, xmax + pad_x)
        axes.set_ylim(ymin - pad_y, ymax + pad_y)
        if boundaries.afghanistan is not None:
            boundaries.afghanistan.plot(ax=axes, facecolor="#eeebe4", edgecolor="#bdb7a8", linewidth=0.4)
        boundaries.districts[~boundaries.districts["programme"]].plot(ax=axes, facecolor="#f7f7f7",
                                                                      edgecolor="#d0d0d0", linewidth=0.3)
        # One collection for all programme districts (geopandas draws the whole figure on every
        # plot call); geopandas splits multi-polygons into parts in order, so each part's
        # district code is its geometry's code repeated once per part.
        before = len(axes.collections)
        programme.plot(ax=axes, facecolor=LOCATOR_FILL, edgecolor="#7a8794", linewidth=0.4)
        self.districts = axes.collections[before]
        self.part_codes = np.repeat(programme["code"].to_numpy(),
                                    shapely.get_num_geometries(programme.geometry.values))
        self.points = axes.scatter(boundaries.points.geometry.x, boundaries.points.geometry.y, s=12,
                                   color=LOCATOR_FILL, edgecolors="#333333", linewidths=0.5, zorder=5)
        self.point_codes = boundaries.points["code"].to_numpy()
        regions = boundaries.regions[boundaries.regions["region"].isin([REGION_KHATLON, REGION_GBAO])]
        regions.boundary.plot(ax=axes, color="#303030", linewidth=0.7)
        axes.set_aspect(1 / math.cos(math.radians((ymin + ymax) / 2)))
        axes.set_axis_off()

    def png(self, code: str) -> bytes:
        self.districts.set_facecolor(np.where(self.part_codes == code, LOCATOR_HIGHLIGHT, LOCATOR_FILL))
        self.points.set_facecolor(np.where(self.point_codes == code, LOCATOR_HIGHLIGHT, LOCATOR_FILL))
        self.points.set_sizes(np.where(self.point_codes == code, 48, 12))
        return _png(self.figure, 150)


def _sheet(d: District, dataset: Dataset, totals: pd.Series, ranks: dict[tuple[str, str], tuple[int, int]],
           locator: Locator | None, words: Words, generated: datetime, sources: _Sources, styles: _Styles) -> list:
    """One district's page: its heading (and locator map), its indicators and its records per year."""
    tr = words.tr
    width = PAGE_SIZE[0] - 2 * MARGIN
    story: list = []
    if dataset.is_demo:
        story.append(_p(tr(DEMO_BANNER), styles.banner))
    heading = [_p(_district_title(d), styles.title),
               _p(tr("{region} · district code {code} · one of {count} programme districts along the Afghan "
                     "border").format(region=tr(REGION_NAMES.get(d.region, d.region)), code=d.code,
                                      count=len(PROGRAMME_DISTRICTS)), styles.subtitle),
               _p(tr("{version} · generated {time}").format(version=_version_line(dataset, words),
                                                           time=f"{generated:%Y-%m-%d %H:%M}"), styles.subtitle)]
    if dataset.filters != Filters():
        heading.append(_p(_filters_line(dataset.filters, words), styles.subtitle))
    if locator is None:
        story += heading
    else:
        map_width = 62 * mm
        top = Table([[heading, _image(locator.png(d.code), map_width)]],
                    colWidths=[width - map_width - 4 * mm, map_width + 4 * mm], hAlign="LEFT")
        top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        story.append(top)
    mine = dataset.activities[dataset.activities["district_code"] == d.code]
    sentences = key_messages(district_story_facts(dataset, d.code), words, sources.cite)
    body: list = []
    if sentences:
        body.append(_p(tr("In brief"), styles.heading))
        body += [_p(sentence, styles.bullet, bullet="•") for sentence in sentences]
    body += _sheet_indicators(d, dataset, mine, totals, ranks, words, sources, styles)
    body += _sheet_years(dataset, mine, words, styles)
    body += _sheet_breakdowns(dataset, mine, words, styles)
    # One page per district whatever its records: a district with every breakdown in a long language
    # gets slightly smaller type rather than a second page.
    story.append(KeepInFrame(0, 0, body, mode="shrink"))
    return story


def _sheet_breakdowns(dataset: Dataset, mine: pd.DataFrame, words: Words, styles: _Styles) -> list:
    """Who took part: each indicator whose records state a sex, age group or disability, the totals per
    category with their share of the records that state it, and how many state none."""
    tr = words.tr
    width = PAGE_SIZE[0] - 2 * MARGIN
    names = {"sex": tr("Sex"), "age_group": tr("Age group"), "disability": tr("Disability")}
    header = [_p(tr("Indicator"), styles.cell_bold), _p(tr("Breakdown"), styles.cell_bold),
              _p(words.generated(tr("Records (share of those stating it)"), dataset), styles.cell_bold),
              _p(tr("Not stated"), styles.number_bold)]
    rows = [header]
    for entry in INDICATORS:
        records = mine[mine["indicator"] == entry.id]
        first = True
        for by, values in DISAGGREGATIONS.items():
            if records.empty or records[by].isna().all():
                continue
            sums = aggregate(records, WHOLE, by).groupby(by)["value"].sum()
            stated = sums.drop(NOT_STATED, errors="ignore")
            parts = [f"{tr(value)} {words.number(stated[value])} ({words.pct(stated[value] / stated.sum() * 100)})"
                     for value in values if value in stated.index]
            rows.append([_p(tr(entry.label) if first else "", styles.cell), _p(names[by], styles.cell),
                         _p(" · ".join(parts), styles.cell), _p(words.number(sums.get(NOT_STATED, 0.0)),
                                                                 styles.number)])
            first = False
    if len(rows) == 1:
        return [_p(tr("Who took part"), styles.heading),
                _p(tr("The district's records state no sex, age group or disability."), styles.body)]
    widths = [58 * mm, 27 * mm, 0, 20 * mm]
    widths[2] = width - sum(widths)
    return [_p(tr("Who took part"), styles.heading), _table(rows, widths)]


def _sheet_indicators(d: District, dataset: Dataset, mine: pd.DataFrame, totals: pd.Series,
                      ranks: dict[tuple[str, str], tuple[int, int]], words: Words, sources: _Sources,
                      styles: _Styles) -> list:
    """The district's indicators against its own targets, with its share of and rank in the programme."""
    tr = words.tr
    width = PAGE_SIZE[0] - 2 * MARGIN
    story: list = []
    in_view = targets_in_view(dataset)
    targets = in_view[(in_view["district_code"] == d.code) & (in_view["period"] == WHOLE)]
    target_by_indicator = targets.groupby("indicator")["target"].sum()
    value_by_indicator = mine.groupby("indicator")["value"].sum()
    shown = [i for i in INDICATORS if i.id in value_by_indicator.index or i.id in target_by_indicator.index]

    story.append(_p(tr("Indicators against the district's targets"), styles.heading))
    header = [_p(tr("Indicator"), styles.cell_bold), _p(tr("Recorded"), styles.number_bold),
              _p(tr("District target"), styles.number_bold), _p(tr("% of target"), styles.number_bold),
              _p(tr("Share of programme"), styles.number_bold), _p(tr("Rank"), styles.number_bold),
              _p(tr("Published programme total"), styles.number_bold)]
    band, band_style = _generated_band(dataset, len(header), 1, 5, styles, words)
    rows = band + [header]
    for entry in shown:
        value = float(value_by_indicator.get(entry.id, 0.0))
        target = float(target_by_indicator.get(entry.id, float("nan")))
        pct = value / target * 100 if target and np.isfinite(target) else float("nan")
        total = float(totals.get(entry.id, 0.0))
        share = value / total * 100 if total else float("nan")
        rank, of = ranks.get((entry.id, d.code), (None, 0))
        figure = published_for_indicator(entry.id)
        published = MISSING
        if figure is not None:
            qualifier = f"{tr(figure.qualifier)} " if figure.qualifier else ""
            published = f"{qualifier}{words.number(figure.value)} {sources.cite(figure)}"
        rows.append([_p(words.label(entry), styles.cell), _p(words.number(value), styles.number_bold),
                     _p(words.number(target), styles.number), _p(words.pct(pct), styles.number),
                     _p(words.pct(share), styles.number),
                     _p(rank_of(rank, of, words.lang) if rank is not None else MISSING, styles.number),
                     _p(published, styles.number)])
    if len(rows) == len(band) + 1:
        story.append(_p(tr("No activity records or targets for this district in the data version."), styles.body))
    else:
        widths = [62 * mm, 19 * mm, 20 * mm, 16 * mm, 20 * mm, 15 * mm]
        widths.append(width - sum(widths))
        story.append(_table(rows, widths, header_rows=len(band) + 1, extra=band_style))
        story.append(_p(tr("Share of programme: this district's records as a share of all programme districts' "
                           "records in the data version. Rank 1 = the most records. Published figures are "
                           "programme totals: the documents publish no district breakdown."), styles.small))
    return story


def _sheet_years(dataset: Dataset, mine: pd.DataFrame, words: Words, styles: _Styles) -> list:
    """The district's records per year and indicator, with their totals."""
    tr = words.tr
    width = PAGE_SIZE[0] - 2 * MARGIN
    story: list = []
    yearly = aggregate(mine, "year") if not mine.empty else pd.DataFrame(columns=["indicator", "period", "value"])
    if not yearly.empty:
        story.append(_p(words.generated(tr("Records per year"), dataset), styles.heading))
        years = sorted(yearly["period"].unique())
        table = yearly.pivot_table(index="indicator", columns="period", values="value", aggfunc="sum")
        header = [_p(tr("Indicator"), styles.cell_bold)] + [_p(y, styles.number_bold) for y in years]
        header.append(_p(tr("Total"), styles.number_bold))
        rows = [header]
        for entry in INDICATORS:
            if entry.id not in table.index:
                continue
            cells = [_p(words.number(table.loc[entry.id].get(y)), styles.number) for y in years]
            rows.append([_p(tr(entry.label), styles.cell)] + cells
                        + [_p(words.number(table.loc[entry.id].sum()), styles.number_bold)])
        year_width = min(18 * mm, (width - 70 * mm) / (len(years) + 1))
        story.append(_table(rows, [width - year_width * (len(years) + 1)] + [year_width] * (len(years) + 1)))
    return story


def _sheets_story(dataset: Dataset, boundaries: Boundaries | None, words: Words, districts: Sequence[str] | None,
                  generated: datetime, styles: _Styles) -> tuple[list, str]:
    tr = words.tr
    codes = list(districts) if districts is not None else list(dataset.filters.district_codes())
    chosen = [_resolve_programme_district(c) for c in codes]
    if not chosen:
        raise BriefingError("No programme district is in the current filters, so there is no district sheet "
                            "to make: clear the region or district filter.")
    per_district = dataset.activities.groupby(["indicator", "district_code"])["value"].sum()
    totals = per_district.groupby(level=0).sum()
    # (indicator, district) -> (rank among the districts with records, how many have records)
    rank = per_district.groupby(level=0).rank(method="min", ascending=False).astype(int)
    size = per_district.groupby(level=0).transform("size")
    ranks = {key: (int(rank[key]), int(size[key])) for key in per_district.index}
    locator = Locator(boundaries) if boundaries is not None else None
    sources = _Sources()
    story: list = []
    for number, d in enumerate(chosen):
        if number:
            story.append(PageBreak())
        story += _sheet(d, dataset, totals, ranks, locator, words, generated, sources, styles)
    extra = [boundaries.attribution + "."] if boundaries is not None else [
        tr("Location maps not included: boundary files not found (set DASHBOARD_GEO_DIR).")]
    return story, sources.footer_text(words, dataset.source_label(words.tr), extra)


def build_district_sheets(dataset: Dataset, boundaries: Boundaries | None, *, lang: str = "en",
                          districts: Sequence[str] | None = None,
                          generated_at: datetime | None = None) -> bytes:
    """One A4 page per programme district as PDF bytes, for field offices.

    ``districts`` (names or codes) defaults to every programme district in ``dataset``'s
    filters (all 16 when unfiltered). Each sheet: the name in English, Russian and Tajik, the
    district's indicators against its own targets with its share of and rank in the
    programme, the records per year and a locator map (omitted when ``boundaries`` is None).
    """
    _check_arguments(dataset, lang)
    _register_fonts()
    words, styles = Words(lang), _Styles()
    tr = words.tr
    story, footer = _sheets_story(dataset, boundaries, words, districts, generated_at or datetime.now(), styles)
    buffer = io.BytesIO()
    document = _Document(buffer, title=tr("Border Districts: district sheets"),
                         subject=tr("District sheets"), demo=dataset.is_demo, words=words)
    document.add_template("sheet", footer, styles)
    document.build(story)
    return buffer.getvalue()
