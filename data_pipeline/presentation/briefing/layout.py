"""The briefing's page furniture (reportlab): fonts, paragraph styles, tables, bars and pictures,
the numbered sources of a page, and the A4 document whose pages carry the sources, page numbers
and, for demo data, the watermark."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, Image, PageTemplate, Paragraph, Table, TableStyle
from svglib.fonts import register_font as register_svg_font
from svglib.svglib import svg2rlg

from data_pipeline.analysis.dataset import Dataset
from data_pipeline.presentation.briefing.common import DEMO_WATERMARK, ORGANISATION, BriefingError, Words
from data_pipeline.presentation.charts import BLUE, Svg
from data_pipeline.reference.origin import GENERATED
from data_pipeline.reference.published import DOCUMENTS, PublishedFigure

matplotlib.use("Agg", force=False)

PAGE_SIZE = A4
MARGIN = 14 * mm
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
    # The charts name this family: map each weight to its font, or svglib would ask fontconfig and
    # register whatever it finds under these very names (the headings then lost their bold).
    for weight, name, file_name in (("normal", _FONT, "DejaVuSans.ttf"), ("bold", _FONT_BOLD, "DejaVuSans-Bold.ttf"),
                                    ("600", _FONT_BOLD, "DejaVuSans-Bold.ttf")):
        register_svg_font(_FONT, str(font_dir / file_name), weight=weight, rlgFontName=name)


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
    lead: ParagraphStyle = field(default_factory=lambda: _style("lead", 9, leading=12))
    bullet: ParagraphStyle = field(default_factory=lambda: ParagraphStyle(
        "bullet", parent=_style("lead", 9, leading=11.6, space_after=1.5), leftIndent=9, bulletIndent=1,
        bulletFontName=_FONT))
    small: ParagraphStyle = field(default_factory=lambda: _style("small", 7, colour=_MUTED))
    cell: ParagraphStyle = field(default_factory=lambda: _style("cell", 7.6, leading=9.2))
    cell_bold: ParagraphStyle = field(default_factory=lambda: _style("cell_bold", 7.6, bold=True, leading=9.2))
    number: ParagraphStyle = field(default_factory=lambda: _style("number", 7.6, align=TA_RIGHT, leading=9.2))
    number_bold: ParagraphStyle = field(default_factory=lambda: _style("number_bold", 7.6, bold=True,
                                                                       align=TA_RIGHT, leading=9.2))
    footer: ParagraphStyle = field(default_factory=lambda: _style("footer", 6.1, colour=_MUTED, leading=7.4))
    banner: ParagraphStyle = field(default_factory=lambda: _style("banner", 8, bold=True, colour=_DEMO_RED))


def _p(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A paragraph of plain text (escaped: names and notes may hold ``&`` or ``<``), optionally bulleted."""
    return Paragraph(escape(text), style, bulletText=bullet)


def _generated_band(dataset: Dataset, columns: int, first: int, last: int, styles: _Styles,
                    words: Words) -> tuple[list, list]:
    """For a table of ``columns`` whose columns ``first``–``last`` hold ``dataset``'s numbers: a header
    row spanning those columns that says they are generated (``generated (demo)``), and its table
    styles; nothing for uploaded data. One band instead of a mark in each heading: the narrow
    columns would break the word (``намоишӣ``) in two."""
    tr = words.tr
    if dataset.origin != GENERATED:
        return [], []
    row: list = [""] * columns
    row[first] = _p(words.generated(tr("generated"), dataset), styles.cell_bold)
    return [row], [("SPAN", (first, 0), (last, 0)), ("LINEBELOW", (first, 0), (last, 0), 0.6, _DEMO_RED)]


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

    def footer_text(self, words: Words, data_source: str, extra: Sequence[str] = ()) -> str:
        tr = words.tr
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

    def __init__(self, buffer: io.BytesIO, *, title: str, subject: str, demo: bool, words: Words):
        super().__init__(buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN, title=title, author=ORGANISATION, subject=subject,
                         creator="Border Districts Dashboard (data_pipeline.presentation.briefing)")
        self.demo = demo
        self.words = words
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
        tr = self.words.tr
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



def _fit_header(cell, width: float):
    """A header cell whose longest word fits ``width``: the same words in smaller type (down to 5.4 pt)
    when one would not, so that a heading wraps between words and never inside one (``Опубликованн|ый``)."""
    if not isinstance(cell, Paragraph):
        return cell
    style = cell.style
    words = cell.text.split()
    room = width - 5.2  # the table's left and right padding
    longest = max((pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for w in words), default=0.0)
    if longest <= room:
        return cell
    size = max(5.4, style.fontSize * room / longest)
    return Paragraph(cell.text, ParagraphStyle(f"{style.name}-fit", parent=style, fontSize=size, leading=size * 1.2))


def _table(rows: list[list], widths: Sequence[float], *, header_rows: int = 1, extra: Sequence = ()) -> Table:
    heading = header_rows - 1
    rows = [[_fit_header(cell, width) for cell, width in zip(row, widths)] if number == heading else row
            for number, row in enumerate(rows)]
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


def _chart(svg: Svg, max_width: float, max_height: float) -> Drawing:
    """A chart of the dashboard's chart module as vector drawing, as large as fits ``max_width`` × ``max_height``:
    the pack shows the very chart the page shows, in the pack's own font (which has Cyrillic and Tajik letters)."""
    root_end = svg.index(">")  # the browser's sizing (width 100%, height auto) means nothing on paper
    root = re.sub(r' (width|style)="[^"]*"', "", svg[:root_end]).replace("<svg ", f'<svg font-family="{_FONT}" ', 1)
    markup = root + svg[root_end:]
    drawing = svg2rlg(io.StringIO(markup))
    if drawing is None:
        raise BriefingError("A chart of the brief could not be drawn: its SVG did not parse.")
    scale = min(max_width / drawing.width, max_height / drawing.height)
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    drawing.hAlign = "LEFT"
    return drawing


def _image(png: bytes, width: float) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth, image.drawHeight = width, width * ratio
    image.hAlign = "LEFT"
    return image
