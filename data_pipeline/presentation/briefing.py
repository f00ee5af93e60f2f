"""The briefing pack: a one-page A4 PDF brief for the current filters, and one sheet per district.

Built with reportlab and matplotlib only (no browser, no network) in a few seconds. The brief
holds the headline figures against their targets with the published figure and its citation
beside them, a static choropleth (``data_pipeline.presentation.maps.static_district_map``), funding by objective,
survey highlights with confidence intervals, the data version and as-of date. Every page
carries a footer naming the source documents and the sections its figures come from, and,
for demo data, a "DEMONSTRATION DATA" banner and diagonal watermark. Text is set in the
DejaVu Sans that matplotlib ships, which covers Cyrillic and the Tajik letters (ҳ қ ғ ӯ ӣ ҷ).

District sheets (one A4 page each, for field offices) show a district's indicators against
its own targets, its share of and rank in the programme, its figures per year and where it
lies, with its name in English, Russian and Tajik.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, Image, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Table, TableStyle)

from data_pipeline.analysis.aggregate import WHOLE, aggregate
from data_pipeline.presentation.charts import BLUE, VERMILION
from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters, headline_figures, targets_in_view
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.presentation.i18n import LANGUAGES, MISSING, format_number, format_percent, marked, translator
from data_pipeline.reference.origin import GENERATED
from data_pipeline.reference.published import DOCUMENTS, PublishedFigure, published_figure, published_for_indicator
from data_pipeline.reference.registry import FUNDING_LINES, FUNDING_OBJECTIVES, INDICATORS, PROGRAMMES, indicator, indicators_for
from data_pipeline.analysis.survey import survey_design, survey_estimates
from geo.boundaries import Boundaries
from geo.gazetteer import (ALL_DISTRICTS, PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON, REGION_NAMES, District,
                           UnknownDistrictError, resolve_district)
from geo.gazetteer import district as district_by_code
from data_pipeline.presentation.maps import static_district_map

matplotlib.use("Agg", force=False)

PAGE_SIZE = A4
MARGIN = 14 * mm
DEMO_WATERMARK = "DEMONSTRATION DATA"
DEMO_BANNER = ("DEMONSTRATION DATA: the district records and their totals, the targets and the funding received "
               "are generated and marked “demo”; the published figures (programme totals in the documents, "
               "funding required, survey results) are cited [n].")
SURVEY_HIGHLIGHTS = ("survey_more_confident", "survey_concrete_plans", "survey_better_relationships",
                     "survey_took_action", "survey_legal_knowledge", "survey_know_job_agencies")
"""Survey findings the brief shows (published percentages of the phone survey)."""
TITLE = "Border Districts: briefing"
ORGANISATION = "IOM Tajikistan"

_FONT = "DejaVuSans"
_FONT_BOLD = "DejaVuSans-Bold"
_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#5a5a5a")
_RULE = colors.HexColor("#c8c8c8")
_HEAD_FILL = colors.HexColor("#e8eef4")
_ACCENT = colors.HexColor(BLUE)  # the dashboard charts' blue
_HIGHLIGHT = "#b2182b"
_DEMO_RED = colors.HexColor(_HIGHLIGHT)
_BAR_FILL = _ACCENT
_BAR_BACK = colors.HexColor("#dde3ea")
_LOCATOR_FILL = "#cfd8e3"
_LOCATOR_HIGHLIGHT = VERMILION


class BriefingError(ValueError):
    """The briefing cannot be built from what was given; the message says why and how to fix it."""


# --- fonts and styles ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _register_fonts() -> None:
    """Register matplotlib's DejaVu Sans (Cyrillic and Tajik letters included) with reportlab."""
    font_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file_name in ((_FONT, "DejaVuSans.ttf"), (_FONT_BOLD, "DejaVuSans-Bold.ttf")):
        path = font_dir / file_name
        if not path.is_file():
            raise BriefingError(f"Font file {path} is missing; reinstall matplotlib, which ships DejaVu Sans.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_FONT_BOLD, italic=_FONT, boldItalic=_FONT_BOLD)


def _style(name: str, size: float, *, bold: bool = False, colour=_INK, leading: float | None = None,
           align=TA_LEFT, space_after: float = 0, space_before: float = 0) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=_FONT_BOLD if bold else _FONT, fontSize=size,
                          leading=leading or size * 1.25, textColor=colour, alignment=align,
                          spaceAfter=space_after, spaceBefore=space_before)


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle = field(default_factory=lambda: _style("title", 17, bold=True, leading=20))
    subtitle: ParagraphStyle = field(default_factory=lambda: _style("subtitle", 9, colour=_MUTED))
    heading: ParagraphStyle = field(default_factory=lambda: _style("heading", 10.5, bold=True, colour=_ACCENT,
                                                                   space_before=5, space_after=2.5))
    body: ParagraphStyle = field(default_factory=lambda: _style("body", 8))
    small: ParagraphStyle = field(default_factory=lambda: _style("small", 7, colour=_MUTED))
    cell: ParagraphStyle = field(default_factory=lambda: _style("cell", 7.6, leading=9.2))
    cell_bold: ParagraphStyle = field(default_factory=lambda: _style("cell_bold", 7.6, bold=True, leading=9.2))
    number: ParagraphStyle = field(default_factory=lambda: _style("number", 7.6, align=TA_RIGHT, leading=9.2))
    number_bold: ParagraphStyle = field(default_factory=lambda: _style("number_bold", 7.6, bold=True,
                                                                       align=TA_RIGHT, leading=9.2))
    source: ParagraphStyle = field(default_factory=lambda: _style("source", 6.6, colour=_MUTED, leading=8))
    footer: ParagraphStyle = field(default_factory=lambda: _style("footer", 6.1, colour=_MUTED, leading=7.4))
    banner: ParagraphStyle = field(default_factory=lambda: _style("banner", 8, bold=True, colour=_DEMO_RED))


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names and notes may hold ``&`` or ``<``)."""
    return Paragraph(escape(text), style)


def _number(value: float | None) -> str:
    """``value`` as the dashboard shows it (``i18n.format_number``), in the document's language."""
    return format_number(None if value is None or pd.isna(value) else float(value), _LANGUAGE.get())


def _pct(value: float | None) -> str:
    return format_percent(None if value is None or pd.isna(value) else float(value), _LANGUAGE.get())


def _generated(text: str, dataset: Dataset) -> str:
    """A column heading (or title) over ``dataset``'s records, targets or funding received: marked
    ``(demo)`` when they are generated (``data_pipeline.reference.origin``)."""
    return marked(text, dataset.origin, _LANGUAGE.get())


def _generated_band(dataset: Dataset, columns: int, first: int, last: int, styles: _Styles) -> tuple[list, list]:
    """For a table of ``columns`` whose columns ``first``–``last`` hold ``dataset``'s numbers: a header
    row spanning those columns that says they are generated (``generated (demo)``), and its table
    styles; nothing for uploaded data. One band instead of a mark in each heading: the narrow
    columns would break the word (``намоишӣ``) in two."""
    if dataset.origin != GENERATED:
        return [], []
    row: list = [""] * columns
    row[first] = _p(_generated(tr("generated"), dataset), styles.cell_bold)
    return [row], [("SPAN", (first, 0), (last, 0)), ("LINEBELOW", (first, 0), (last, 0), 0.6, _DEMO_RED)]


def _label(entry) -> str:
    """An indicator's label and unit, translated: ``Jobs created (jobs)``."""
    return f"{tr(entry.label)} ({tr(entry.unit)})"


# --- language ------------------------------------------------------------------------------------

# The language of the document being built: set once by build_briefing/build_district_sheets,
# read by the helpers below, so every one of them need not pass it on.
_LANGUAGE: ContextVar[str] = ContextVar("briefing_language", default="en")


@contextmanager
def _in_language(lang: str) -> Iterator[None]:
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def tr(text: str) -> str:
    """``text`` (an English msgid) in the language of the document being built."""
    return translator(_LANGUAGE.get())(text)


# --- sources -------------------------------------------------------------------------------------

class _Sources:
    """The documents and sections a page cites, numbered in the order they are first used."""

    def __init__(self) -> None:
        self._sections: dict[str, list[str]] = {}

    def cite(self, figure: PublishedFigure) -> str:
        """Record ``figure``'s document and section; returns its reference mark, e.g. ``[1]``."""
        sections = self._sections.setdefault(figure.document, [])
        if figure.section not in sections:
            sections.append(figure.section)
        return f"[{list(self._sections).index(figure.document) + 1}]"

    def footer_text(self, data_source: str, extra: Sequence[str] = ()) -> str:
        parts = []
        for number, (document, sections) in enumerate(self._sections.items(), start=1):
            quoted = "; ".join(f"“{s}”" for s in sections)
            source = DOCUMENTS[document]
            file_name = tr("file {file}").format(file=source.file)
            parts.append(f"[{number}] {source.title} ({source.publisher}, {source.date}; {file_name}): {quoted}.")
        lines = [tr("Sources: {sources}").format(sources=" ".join(parts)) if parts
                 else tr("Sources: no published figure on this page.")]
        lines.append(tr("Data: {source}.").format(source=data_source) + "".join(f" {e}" for e in extra))
        return " ".join(lines)


# --- page templates --------------------------------------------------------------------------------

class _Document(BaseDocTemplate):
    """A4 pages whose templates each carry their own footer (sources), page numbers and watermark."""

    def __init__(self, buffer: io.BytesIO, *, title: str, subject: str, demo: bool):
        super().__init__(buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN, title=title, author=ORGANISATION, subject=subject,
                         creator="Border Districts Dashboard (data_pipeline.presentation.briefing)")
        self.demo = demo
        self._footers: dict[str, Paragraph] = {}

    def add_template(self, template_id: str, footer_text: str, styles: _Styles) -> None:
        width = PAGE_SIZE[0] - 2 * MARGIN
        footer = _p(footer_text, styles.footer)
        _, footer_height = footer.wrap(width - 18 * mm, PAGE_SIZE[1])
        bottom = MARGIN + footer_height + 3 * mm
        frame = Frame(MARGIN, bottom, width, PAGE_SIZE[1] - MARGIN - bottom, id=f"{template_id}-frame",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self._footers[template_id] = footer
        self.addPageTemplates(PageTemplate(id=template_id, frames=[frame], onPageEnd=self._decorate))

    def _decorate(self, canvas, document) -> None:
        footer = self._footers[self.pageTemplate.id]
        width = PAGE_SIZE[0] - 2 * MARGIN
        _, height = footer.wrap(width - 18 * mm, PAGE_SIZE[1])
        canvas.saveState()
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, MARGIN + height + 1.5 * mm, PAGE_SIZE[0] - MARGIN, MARGIN + height + 1.5 * mm)
        footer.drawOn(canvas, MARGIN, MARGIN)
        canvas.setFont(_FONT, 7)
        canvas.setFillColor(_MUTED)
        canvas.drawRightString(PAGE_SIZE[0] - MARGIN, MARGIN, tr("page {number}").format(number=document.page))
        if self.demo:
            # Drawn after the page's content, translucent, so the opaque map image cannot hide it.
            # Smaller type for a longer translation, so the words stay on the page.
            watermark = tr(DEMO_WATERMARK)
            size = min(62.0, 62.0 * 730 / pdfmetrics.stringWidth(watermark, _FONT_BOLD, 62))
            canvas.setFont(_FONT_BOLD, size)
            canvas.setFillColor(_DEMO_RED, alpha=0.11)
            canvas.translate(PAGE_SIZE[0] / 2, PAGE_SIZE[1] / 2)
            canvas.rotate(52)
            canvas.drawCentredString(0, -22, watermark)
        canvas.restoreState()


# --- shared pieces -------------------------------------------------------------------------------

def _check_arguments(dataset: Dataset, lang: str) -> None:
    if lang not in LANGUAGES:
        raise BriefingError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    if not isinstance(dataset, Dataset):
        raise TypeError(f"Expected a data_pipeline.analysis.dataset.Dataset, got {type(dataset).__name__}.")
    if dataset.version is None:
        raise BriefingError("The store has no active version, so there is nothing to brief on: load the demo "
                            "(`python -m data_pipeline demo`) or ingest a file first.")


def _resolve_programme_district(name: str) -> District:
    try:
        return district_by_code(resolve_district(name, programme_only=True))
    except UnknownDistrictError as error:
        raise BriefingError(str(error).replace("Use a district's", "Use a programme district's")) from None


def _version_line(dataset: Dataset) -> str:
    version = dataset.version
    assert version is not None
    kind = tr("demonstration data") if dataset.is_demo else tr("monitoring data")
    as_of = (tr("as of {date} (latest activity record)").format(date=dataset.as_of.isoformat()) if dataset.as_of
             else tr("no activity records in view"))
    return tr("Data version {version} ({kind}, published {date} by {author}) · {as_of}").format(
        version=version.id, kind=kind, date=f"{version.created_at:%Y-%m-%d}", author=version.created_by, as_of=as_of)


def _filters_line(filters: Filters, lang: str) -> str:
    parts = []
    if filters.regions:
        parts.append(tr("regions: {names}").format(names=", ".join(tr(r) for r in filters.regions)))
    if filters.districts:
        ordered = [d for d in ALL_DISTRICTS if d.code in filters.districts]  # gazetteer order
        parts.append(tr("districts: {names}").format(names=", ".join(d.name(lang) for d in ordered)))
    if filters.programme:
        parts.append(tr("programme: {name}").format(name=tr(PROGRAMMES.get(filters.programme, filters.programme))))
    if filters.date_from or filters.date_to:
        start = filters.date_from.isoformat() if filters.date_from else tr("the start")
        end = filters.date_to.isoformat() if filters.date_to else tr("the latest record")
        parts.append(tr("dates: {start} to {end}").format(start=start, end=end))
    if not parts:
        return tr("Filters: none (all {count} programme districts, all programmes, all dates)").format(
            count=len(PROGRAMME_DISTRICTS))
    return tr("Filters: {filters} ({shown} of {count} programme districts in view)").format(
        filters="; ".join(parts), shown=len(filters.district_codes()), count=len(PROGRAMME_DISTRICTS))


def _programme_line(filters: Filters) -> str:
    programmes = [filters.programme] if filters.programme else list(PROGRAMMES)
    return " · ".join(tr(PROGRAMMES[p]) for p in programmes if p in PROGRAMMES)


def _table(rows: list[list], widths: Sequence[float], *, header_rows: int = 1, extra: Sequence = ()) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), _HEAD_FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, _MUTED),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        *extra,
    ]))
    return table


class _Bar(Flowable):
    """A small horizontal bar: ``share`` (0–1, capped at the frame) of its width filled."""

    def __init__(self, share: float | None, width: float, height: float = 2.6 * mm):
        super().__init__()
        self.share = share
        self.width = width
        self.height = height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(_BAR_BACK)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.share is not None and np.isfinite(self.share):
            canvas.setFillColor(_BAR_FILL)
            canvas.rect(0, 0, self.width * max(0.0, min(1.0, self.share)), self.height, stroke=0, fill=1)


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


class _FitImage(Flowable):
    """A picture as wide as ``max_width`` allows, shrunk (aspect kept) so that ``reserve`` points
    stay free below it on the page: the brief's map takes the room the tables leave."""

    def __init__(self, png: bytes, max_width: float, reserve: float, min_height: float = 45 * mm):
        super().__init__()
        self.image = Image(io.BytesIO(png))
        self.ratio = self.image.imageHeight / self.image.imageWidth
        self.max_width, self.reserve, self.min_height = max_width, reserve, min_height

    def wrap(self, available_width, available_height):
        width = min(self.max_width, available_width)
        height = max(self.min_height, min(width * self.ratio, available_height - self.reserve))
        self.image.drawWidth, self.image.drawHeight = height / self.ratio, height
        self.width, self.height = available_width, height
        return self.width, self.height

    def draw(self) -> None:
        self.image.drawOn(self.canv, (self.width - self.image.drawWidth) / 2, 0)


def _image(png: bytes, width: float) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth, image.drawHeight = width, width * ratio
    image.hAlign = "LEFT"
    return image


# --- the brief ------------------------------------------------------------------------------------

def _map_indicator(view: Dataset, requested: str | None) -> str | None:
    """The indicator the brief maps: ``requested``, else the first headline indicator with records."""
    if requested is not None:
        try:
            return indicator(requested).id
        except KeyError as error:
            raise BriefingError(error.args[0]) from None
    present = set(view.activities["indicator"].unique()) if not view.activities.empty else set()
    candidates = [i.id for i in indicators_for(view.filters.programme, headline=True, mappable=True)]
    candidates += [i.id for i in indicators_for(view.filters.programme, mappable=True) if i.id not in candidates]
    return next((c for c in candidates if c in present), None)


def _district_values(view: Dataset, indicator_id: str) -> pd.DataFrame:
    """Per programme district in view: value and district target (of the periods in view) of one indicator."""
    codes = list(view.filters.district_codes())
    records = view.activities[view.activities["indicator"] == indicator_id]
    sums = records.groupby("district_code")["value"].sum()
    in_view = targets_in_view(view)
    targets = in_view[(in_view["indicator"] == indicator_id) & (in_view["period"] == WHOLE)
                      & in_view["district_code"].notna()]
    target_sums = targets.groupby("district_code")["target"].sum()
    values = pd.DataFrame({"district_code": codes})
    values["value"] = values["district_code"].map(sums).astype(float)  # no records: "no data", not zero
    values["target"] = values["district_code"].map(target_sums).astype(float)
    values["source"] = view.source_label()
    values["origin"] = view.origin or ""
    return values


def _map_flowables(map_view: Dataset, boundaries: Boundaries | None, indicator_id: str | None,
                   selected: District | None, lang: str, styles: _Styles, width: float, reserve: float) -> list:
    if boundaries is None:
        return [_p(tr("Map not included: the boundary files were not found. Set DASHBOARD_GEO_DIR (or pass "
                      "--geo-dir) to the folder holding the geoBoundaries TJK files and build the brief again."),
                   styles.body)]
    if indicator_id is None:
        return [_p(tr("Map not included: no activity records in the current filters."), styles.body)]
    entry = indicator(indicator_id)
    label, unit = tr(entry.label), tr(entry.unit)
    values = _district_values(map_view, indicator_id)
    figure = static_district_map(values, boundaries, value_label=label, unit=unit,
                                 title=_generated(tr("{indicator} by district ({unit})").format(indicator=label,
                                                                                                unit=unit), map_view),
                                 lang=lang, figsize=(10, 5.3))
    if selected is not None:
        _outline(figure, boundaries, selected)
    caption = tr("{indicator} per programme district, all records in the filters ({source}).").format(
        indicator=label, source=map_view.source_label(tr))
    if len(values) < len(PROGRAMME_DISTRICTS):
        caption += " " + tr("Districts outside the filters are drawn as no data.")
    if selected is not None:
        caption += " " + tr("{district} is outlined in red.").format(district=selected.name(lang))
    caption_paragraph = _p(caption, styles.small)
    _, caption_height = caption_paragraph.wrap(width, PAGE_SIZE[1])
    return [_FitImage(_png(figure, 150), width, reserve + caption_height + 2), caption_paragraph]


def _outline(figure: Figure, boundaries: Boundaries, selected: District) -> None:
    """Draw the selected district's edge (or ring Khorugh's point) on the static map."""
    axes = figure.axes[0]
    polygons = boundaries.districts[boundaries.districts["code"] == selected.code]
    if not polygons.empty:
        polygons.boundary.plot(ax=axes, color=_HIGHLIGHT, linewidth=2.2, zorder=7)
    else:
        axes.scatter([selected.lon], [selected.lat], s=190, facecolors="none",
                     edgecolors=_HIGHLIGHT, linewidths=2.2, zorder=7)


def _headline_table(view: Dataset, sources: _Sources, styles: _Styles, width: float, full_view: bool) -> list:
    headline = headline_figures(view)
    if headline.empty:
        return [_p(tr("The programme in view has no headline indicators; see its indicators on the dashboard."),
                   styles.body)]
    header = [_p(tr("Indicator"), styles.cell_bold), _p(tr("Recorded"), styles.number_bold),
              _p(tr("Target"), styles.number_bold), _p(tr("% of target"), styles.number_bold), _p("", styles.cell),
              _p(tr("Published total"), styles.number_bold),
              _p(tr("Source of the published total"), styles.cell_bold)]
    band, band_style = _generated_band(view, len(header), 1, 4, styles)
    rows = band + [header]
    differs = False
    for row in headline.itertuples(index=False):
        figure = published_for_indicator(row.indicator)
        mark = sources.cite(figure) if figure else ""
        published = _number(row.published_value)
        if figure and row.published_qualifier:
            published = f"{tr(row.published_qualifier)} {published}"
        if figure and figure.unit != row.unit:  # the document's own word: "more than 2,400 trainings"
            published = f"{published} {tr(figure.unit)}"
        flag = ""
        if full_view and row.differs:
            flag, differs = " †", True
        share = row.achievement_pct / 100 if pd.notna(row.achievement_pct) else None
        rows.append([
            _p(_label(indicator(row.indicator)), styles.cell),
            _p(_number(row.value) + flag, styles.number_bold),
            _p(_number(row.target), styles.number),
            _p(_pct(row.achievement_pct), styles.number),
            _Bar(share, 13 * mm),
            _p(published, styles.number),
            _p(f"{mark} {figure.section}" if figure else tr("not published"), styles.source),
        ])
    widths = [57 * mm, 18 * mm, 15 * mm, 15 * mm, 15 * mm, 25 * mm]
    widths.append(width - sum(widths))
    flowables = [_table(rows, widths, header_rows=len(band) + 1,
                        extra=[("LEFTPADDING", (-1, 0), (-1, -1), 6), *band_style])]
    notes = []
    if differs:
        notes.append(tr("† The recorded total differs from the published figure: see the reconciliation page."))
    if not full_view:
        notes.append(tr("Recorded and target figures are for the districts in view; published figures are "
                        "programme totals (the documents publish no district breakdown)."))
    if notes:
        flowables.append(_p(" ".join(notes), styles.small))
    return flowables


def _funding_flowables(view: Dataset, sources: _Sources, styles: _Styles, width: float) -> list:
    plans = {line.plan for line in FUNDING_LINES}
    if view.filters.programme and view.filters.programme not in plans:
        return [_p(tr("Funding is recorded for {plans} only, which is outside the programme filter.").format(
            plans=", ".join(tr(PROGRAMMES[p]) for p in sorted(plans))), styles.body)]
    summary = funding_summary(view.funding, view.activities, view.filters)
    shown = summary[summary["level"].isin(["objective", "plan"])]
    header = [_p(tr("Objective"), styles.cell_bold), _p(tr("Required (USD)"), styles.number_bold),
              _p(tr("Received (USD)"), styles.number_bold), _p(tr("Covered"), styles.number_bold)]
    band, band_style = _generated_band(view, len(header), 2, 3, styles)
    rows = band + [header]
    for row in shown.itertuples(index=False):
        figure = _required_figure(row.plan, row.objective)
        mark = sources.cite(figure)
        name = tr(row.objective) if row.level == "objective" else tr("Whole plan")
        rows.append([_p(f"{name} {mark}", styles.cell_bold if row.level == "plan" else styles.cell),
                     _p(_number(row.required), styles.number), _p(_number(row.received), styles.number),
                     _p(_pct(row.coverage_pct), styles.number)])
    widths = [width - 17 * mm - 17 * mm - 15 * mm, 17 * mm, 17 * mm, 15 * mm]
    flowables = [_table(rows, widths, header_rows=len(band) + 1, extra=band_style)]
    note = (tr("Required: published by the plan. Received: generated demo data.") if view.is_demo else
            tr("Required: published by the plan. Received: recorded in the data version."))
    if view.funding.empty:
        note += " " + tr("No funding received is recorded in this version.")
    if view.filters.districts or view.filters.regions:
        note += " " + tr("Funding is recorded per plan, not per district: these rows do not change with the "
                         "district filter.")
    flowables.append(_p(note, styles.small))
    return flowables


def _required_figure(plan: str, objective: str | None) -> PublishedFigure:
    for line in FUNDING_OBJECTIVES:
        if line.plan == plan and line.objective == objective:
            return published_figure(line.required_published_id)
    return published_figure("crp2020_funding_required")


def _survey_flowables(view: Dataset, sources: _Sources, styles: _Styles, width: float) -> list:
    survey_programme = published_figure(SURVEY_HIGHLIGHTS[0]).programme
    if view.filters.programme and view.filters.programme != survey_programme:
        return [_p(tr("The phone survey belongs to {programme}, outside the programme filter.").format(
            programme=tr(PROGRAMMES[survey_programme])), styles.body)]
    design = survey_design()
    estimates = survey_estimates().set_index("id")
    header = [_p(tr("Session participants who…"), styles.cell_bold), _p(tr("Share"), styles.number_bold),
              _p(tr("{confidence}% CI").format(confidence=f"{design['confidence']:.0f}"), styles.number_bold)]
    rows = [header]
    for figure_id in SURVEY_HIGHLIGHTS:
        row = estimates.loc[figure_id]
        mark = sources.cite(published_figure(figure_id))
        rows.append([_p(f"{tr(row['label'])} {mark}", styles.cell), _p(_pct(row["value_pct"]), styles.number_bold),
                     _p(f"{row['ci_low']:.0f}–{row['ci_high']:.0f}%", styles.number)])
    sources.cite(published_figure("survey_respondents"))
    widths = [width - 13 * mm - 17 * mm, 13 * mm, 17 * mm]
    note = tr("Phone survey of {sample} of {population} participants, {confidence}% confidence; the margin of "
              "error (±{margin} points) and the intervals are computed by the dashboard, not published; "
              "programme-wide, not per district.").format(
        sample=_number(design["sample"]), population=_number(design["population"]),
        confidence=f"{design['confidence']:.0f}", margin=_number(design["margin_of_error"]))
    return [_table(rows, widths), _p(note, styles.small)]


def _brief_story(dataset: Dataset, view: Dataset, boundaries: Boundaries | None, selected: District | None,
                 lang: str, map_indicator: str | None, generated: datetime, sources: _Sources,
                 styles: _Styles) -> list:
    width = PAGE_SIZE[0] - 2 * MARGIN
    full_view = len(view.filters.district_codes()) == len(PROGRAMME_DISTRICTS)
    story: list = []
    if dataset.is_demo:
        story.append(_p(tr(DEMO_BANNER), styles.banner))
    heading = tr(TITLE) if selected is None else tr("Briefing: {district}").format(district=_district_title(selected))
    story += [_p(heading, styles.title),
              _p(f"{tr(ORGANISATION)} · {_programme_line(view.filters)}", styles.subtitle),
              _p(f"{_filters_line(view.filters, lang)}", styles.subtitle),
              _p(tr("{version} · generated {time}").format(version=_version_line(view),
                                                           time=f"{generated:%Y-%m-%d %H:%M}"), styles.subtitle)]

    scope = (tr("programme totals, all {count} districts").format(count=len(PROGRAMME_DISTRICTS)) if full_view else
             selected.name(lang) if selected is not None else
             tr("{count} districts in view").format(count=len(view.filters.district_codes())))
    story.append(_p(tr("Headline figures against targets ({scope})").format(scope=scope), styles.heading))
    story += _headline_table(view, sources, styles, width, full_view)

    gap = 6 * mm
    left_width, right_width = (width - gap) * 0.5, (width - gap) * 0.5
    left = [_p(tr("Funding by objective (CRP 2020)"), styles.heading)]
    left += _funding_flowables(view, sources, styles, left_width)
    right = [_p(tr("Survey highlights"), styles.heading)]
    right += _survey_flowables(view, sources, styles, right_width)
    columns = Table([[left, "", right]], colWidths=[left_width, gap, right_width], hAlign="LEFT")
    columns.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    _, columns_height = columns.wrap(width, PAGE_SIZE[1])

    story.append(_p(tr("Where the work is"), styles.heading))
    indicator_id = _map_indicator(dataset if selected is not None else view, map_indicator)
    story += _map_flowables(dataset if selected is not None else view, boundaries, indicator_id, selected, lang,
                            styles, width, reserve=columns_height + 4)
    story.append(columns)
    return story


def build_briefing(dataset: Dataset, *, boundaries: Boundaries | None, district: str | None = None,
                   lang: str = "en", district_sheets: bool = False, map_indicator: str | None = None,
                   generated_at: datetime | None = None) -> bytes:
    """The briefing pack as PDF bytes: one A4 page for ``dataset`` as filtered (its ``filters``).

    ``district`` (any spelling the gazetteer knows, or a code) narrows the brief to that
    programme district; the map then shows every district in the filters with it outlined.
    ``boundaries=None`` (boundary files missing) puts a note where the map would be.
    ``lang`` (``en``, ``ru``, ``tg``) sets the language of the whole pack: headings, labels and
    notes (catalog), district names (gazetteer), map words and number separators; document
    titles and sections in citations stay as published. ``district_sheets`` appends one page per programme district in the filters (see
    :func:`build_district_sheets`). ``map_indicator`` chooses the mapped indicator (default:
    the first headline indicator with records). Raises ``BriefingError`` for an unknown
    district or a store without data.
    """
    _check_arguments(dataset, lang)
    _register_fonts()
    with _in_language(lang):
        return _build_briefing(dataset, boundaries, district, lang, district_sheets, map_indicator,
                               generated_at or datetime.now())


def _build_briefing(dataset: Dataset, boundaries: Boundaries | None, district: str | None, lang: str,
                    district_sheets: bool, map_indicator: str | None, generated: datetime) -> bytes:
    selected = _resolve_programme_district(district) if district else None
    view = dataset
    if selected is not None:
        in_view = dataset.filters.district_codes()
        if selected.code not in in_view:
            names = ", ".join(district_by_code(c).name_en for c in in_view) or "none"
            raise BriefingError(f"{selected.name_en} is not among the districts in the current filters "
                                f"({names}); clear the region or district filter, or choose one of those.")
        view = apply_filters(dataset, replace(dataset.filters, districts=(selected.code,)))

    styles = _Styles()
    sources = _Sources()
    story = _brief_story(dataset, view, boundaries, selected, lang, map_indicator, generated, sources, styles)
    extra = [boundaries.attribution + "."] if boundaries is not None else []
    buffer = io.BytesIO()
    subject = tr("Briefing") + (f": {selected.name(lang)}" if selected else "")
    document = _Document(buffer, title=tr(TITLE) + (f": {selected.name(lang)}" if selected else ""),
                         subject=subject, demo=dataset.is_demo)
    document.add_template("brief", sources.footer_text(dataset.source_label(tr), extra), styles)
    if district_sheets:
        sheet_story, sheet_footer = _sheets_story(dataset, boundaries, lang, None, generated, styles)
        document.add_template("sheet", sheet_footer, styles)
        story += [NextPageTemplate("sheet"), PageBreak()] + sheet_story
    document.build(story)
    return buffer.getvalue()


# --- district sheets -------------------------------------------------------------------------------

def _district_title(d: District) -> str:
    names = []
    for name in (d.name_en, d.name_ru, d.name_tg):
        if name not in names:
            names.append(name)
    return " / ".join(names)


class _Locator:
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
        programme.plot(ax=axes, facecolor=_LOCATOR_FILL, edgecolor="#7a8794", linewidth=0.4)
        self.districts = axes.collections[before]
        self.part_codes = np.repeat(programme["code"].to_numpy(),
                                    shapely.get_num_geometries(programme.geometry.values))
        self.points = axes.scatter(boundaries.points.geometry.x, boundaries.points.geometry.y, s=12,
                                   color=_LOCATOR_FILL, edgecolors="#333333", linewidths=0.5, zorder=5)
        self.point_codes = boundaries.points["code"].to_numpy()
        regions = boundaries.regions[boundaries.regions["region"].isin([REGION_KHATLON, REGION_GBAO])]
        regions.boundary.plot(ax=axes, color="#303030", linewidth=0.7)
        axes.set_aspect(1 / math.cos(math.radians((ymin + ymax) / 2)))
        axes.set_axis_off()

    def png(self, code: str) -> bytes:
        self.districts.set_facecolor(np.where(self.part_codes == code, _LOCATOR_HIGHLIGHT, _LOCATOR_FILL))
        self.points.set_facecolor(np.where(self.point_codes == code, _LOCATOR_HIGHLIGHT, _LOCATOR_FILL))
        self.points.set_sizes(np.where(self.point_codes == code, 48, 12))
        return _png(self.figure, 150)


def _sheet(d: District, dataset: Dataset, totals: pd.Series, ranks: dict[tuple[str, str], tuple[int, int]],
           locator: _Locator | None,
           lang: str, generated: datetime, sources: _Sources, styles: _Styles) -> list:
    width = PAGE_SIZE[0] - 2 * MARGIN
    story: list = []
    if dataset.is_demo:
        story.append(_p(tr(DEMO_BANNER), styles.banner))
    heading = [_p(_district_title(d), styles.title),
               _p(tr("{region} · district code {code} · one of {count} programme districts along the Afghan "
                     "border").format(region=tr(REGION_NAMES.get(d.region, d.region)), code=d.code,
                                      count=len(PROGRAMME_DISTRICTS)), styles.subtitle),
               _p(tr("{version} · generated {time}").format(version=_version_line(dataset),
                                                           time=f"{generated:%Y-%m-%d %H:%M}"), styles.subtitle)]
    if dataset.filters != Filters():
        heading.append(_p(_filters_line(dataset.filters, lang), styles.subtitle))
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
    band, band_style = _generated_band(dataset, len(header), 1, 5, styles)
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
            published = f"{qualifier}{_number(figure.value)} {sources.cite(figure)}"
        rows.append([_p(_label(entry), styles.cell), _p(_number(value), styles.number_bold),
                     _p(_number(target), styles.number), _p(_pct(pct), styles.number),
                     _p(_pct(share), styles.number),
                     _p(tr("{rank} of {count}").format(rank=rank, count=of) if rank is not None else MISSING,
                        styles.number),
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

    yearly = aggregate(mine, "year") if not mine.empty else pd.DataFrame(columns=["indicator", "period", "value"])
    if not yearly.empty:
        story.append(_p(_generated(tr("Records per year"), dataset), styles.heading))
        years = sorted(yearly["period"].unique())
        table = yearly.pivot_table(index="indicator", columns="period", values="value", aggfunc="sum")
        header = [_p(tr("Indicator"), styles.cell_bold)] + [_p(y, styles.number_bold) for y in years]
        header.append(_p(tr("Total"), styles.number_bold))
        rows = [header]
        for entry in INDICATORS:
            if entry.id not in table.index:
                continue
            cells = [_p(_number(table.loc[entry.id].get(y)), styles.number) for y in years]
            rows.append([_p(tr(entry.label), styles.cell)] + cells
                        + [_p(_number(table.loc[entry.id].sum()), styles.number_bold)])
        year_width = min(18 * mm, (width - 70 * mm) / (len(years) + 1))
        story.append(_table(rows, [width - year_width * (len(years) + 1)] + [year_width] * (len(years) + 1)))
    return story


def _sheets_story(dataset: Dataset, boundaries: Boundaries | None, lang: str, districts: Sequence[str] | None,
                  generated: datetime, styles: _Styles) -> tuple[list, str]:
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
    locator = _Locator(boundaries) if boundaries is not None else None
    sources = _Sources()
    story: list = []
    for number, d in enumerate(chosen):
        if number:
            story.append(PageBreak())
        story += _sheet(d, dataset, totals, ranks, locator, lang, generated, sources, styles)
    extra = [boundaries.attribution + "."] if boundaries is not None else [
        tr("Location maps not included: boundary files not found (set DASHBOARD_GEO_DIR).")]
    return story, sources.footer_text(dataset.source_label(tr), extra)


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
    with _in_language(lang):
        styles = _Styles()
        story, footer = _sheets_story(dataset, boundaries, lang, districts, generated_at or datetime.now(), styles)
        buffer = io.BytesIO()
        document = _Document(buffer, title=tr("Border Districts: district sheets"), subject=tr("District sheets"),
                             demo=dataset.is_demo)
        document.add_template("sheet", footer, styles)
        document.build(story)
        return buffer.getvalue()
