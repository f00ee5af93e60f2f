"""The brief: two A4 pages for the data as filtered — key messages, headline figures against their targets
beside the published figures, funding by objective, survey highlights; then the map of the indicator on
screen, the districts at a glance and the acknowledgement."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime

import pandas as pd
from matplotlib.figure import Figure
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, NextPageTemplate, PageBreak, Table, TableStyle

from data_pipeline.analysis.aggregate import WHOLE
from data_pipeline.analysis.dataset import Dataset, apply_filters, headline_figures, targets_in_view
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.analysis.survey import survey_design, survey_estimates
from data_pipeline.analysis.key_facts import key_facts
from data_pipeline.presentation.briefing.common import (ACKNOWLEDGEMENTS, DEMO_BANNER, ORGANISATION, SURVEY_HIGHLIGHTS, TITLE,
                                                        BriefingError, Words, _check_arguments, _district_title,
                                                        _filters_line, _programme_line, _resolve_programme_district,
                                                        _version_line)
from data_pipeline.presentation.briefing.layout import (_HIGHLIGHT, MARGIN, PAGE_SIZE, _Bar, _Document, _image,
                                                        _generated_band, _p, _png, _register_fonts, _Sources, _Styles,
                                                        _table)
from data_pipeline.presentation.briefing.glance import glance_flowables
from data_pipeline.presentation.briefing.messages import key_messages
from data_pipeline.presentation.briefing.results_story import outcome_flowables, reach_flowables, trend_flowables
from data_pipeline.presentation.briefing.sheets import _sheets_story
from data_pipeline.presentation.maps import static_district_map
from data_pipeline.reference.published import DOC_CRP, DOCUMENTS, PublishedFigure, published_figure, published_for_indicator
from data_pipeline.reference.registry import PROGRAMME_CRP2020, FUNDING_LINES, FUNDING_OBJECTIVES, PROGRAMMES, indicator, indicators_for
from geo.boundaries import Boundaries
from geo.gazetteer import PROGRAMME_DISTRICTS, District
from geo.gazetteer import district as district_by_code


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


def district_values(view: Dataset, indicator_id: str) -> pd.DataFrame:
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
                   selected: District | None, words: Words, styles: _Styles, width: float) -> list:
    tr = words.tr
    if boundaries is None:
        return [_p(tr("Map not included: the boundary files were not found. Set DASHBOARD_GEO_DIR (or pass "
                      "--geo-dir) to the folder holding the geoBoundaries TJK files and build the brief again."),
                   styles.body)]
    if indicator_id is None:
        return [_p(tr("Map not included: no activity records in the current filters."), styles.body)]
    entry = indicator(indicator_id)
    label, unit = tr(entry.label), tr(entry.unit)
    values = district_values(map_view, indicator_id)
    figure = static_district_map(values, boundaries, value_label=label, unit=unit,
                                 title=words.generated(tr("{indicator} by district ({unit})").format(indicator=label,
                                                                                                unit=unit), map_view),
                                 lang=words.lang, figsize=(6.4, 3.7))
    if selected is not None:
        _outline(figure, boundaries, selected)
    caption = tr("{indicator} per programme district, all records in the filters ({source}).").format(
        indicator=label, source=map_view.source_label(words.tr))
    if len(values) < len(PROGRAMME_DISTRICTS):
        caption += " " + tr("Districts outside the filters are drawn as no data.")
    if selected is not None:
        caption += " " + tr("{district} is outlined in red.").format(district=words.district(selected))
    return [_image(_png(figure, 200), width), _p(caption, styles.small)]


def _outline(figure: Figure, boundaries: Boundaries, selected: District) -> None:
    """Draw the selected district's edge (or ring Khorugh's point) on the static map."""
    axes = figure.axes[0]
    polygons = boundaries.districts[boundaries.districts["code"] == selected.code]
    if not polygons.empty:
        polygons.boundary.plot(ax=axes, color=_HIGHLIGHT, linewidth=2.2, zorder=7)
    else:
        axes.scatter([selected.lon], [selected.lat], s=190, facecolors="none",
                     edgecolors=_HIGHLIGHT, linewidths=2.2, zorder=7)


def _headline_table(view: Dataset, sources: _Sources, styles: _Styles, width: float, full_view: bool,
                    words: Words) -> list:
    tr = words.tr
    headline = headline_figures(view)
    if headline.empty:
        return [_p(tr("The programme in view has no headline indicators; see its indicators on the dashboard."),
                   styles.body)]
    header = [_p(tr("Indicator"), styles.cell_bold), _p(tr("Recorded"), styles.number_bold),
              _p(tr("Target"), styles.number_bold), _p(tr("% of target"), styles.number_bold), _p("", styles.cell),
              _p(tr("Published total"), styles.number_bold)]
    band, band_style = _generated_band(view, len(header), 1, 4, styles, words)
    rows = band + [header]
    differs = False
    for row in headline.itertuples(index=False):
        figure = published_for_indicator(row.indicator)
        mark = sources.cite(figure) if figure else ""
        published = words.number(row.published_value)
        if figure and row.published_qualifier:
            published = f"{tr(row.published_qualifier)} {published}"
        if figure and figure.unit != row.unit:  # the document's own word: "more than 2,400 trainings"
            published = f"{published} {tr(figure.unit)}"
        flag = ""
        if full_view and row.differs:
            flag, differs = " †", True
        share = row.achievement_pct / 100 if pd.notna(row.achievement_pct) else None
        rows.append([
            _p(words.label(indicator(row.indicator)), styles.cell),
            _p(words.number(row.value) + flag, styles.number_bold),
            _p(words.number(row.target), styles.number),
            _p(words.pct(row.achievement_pct), styles.number),
            _Bar(share, 13 * mm),
            # the mark's number leads to the document and its section in the footer
            _p(f"{published} {mark}" if figure else tr("not published"), styles.number),
        ])
    widths = [18 * mm, 15 * mm, 15 * mm, 15 * mm, 34 * mm]
    widths.insert(0, width - sum(widths))
    flowables = [_table(rows, widths, header_rows=len(band) + 1, extra=band_style)]
    notes = []
    if differs:
        notes.append(tr("† The recorded total differs from the published figure: see the reconciliation page."))
    if not full_view:
        notes.append(tr("Recorded and target figures are for the districts in view; published figures are "
                        "programme totals (the documents publish no district breakdown)."))
    if notes:
        flowables.append(_p(" ".join(notes), styles.small))
    return flowables


def _funding_flowables(view: Dataset, sources: _Sources, styles: _Styles, width: float, words: Words) -> list:
    tr = words.tr
    plans = {line.plan for line in FUNDING_LINES}
    if view.filters.programme and view.filters.programme not in plans:
        return [_p(tr("Funding is recorded for {plans} only, which is outside the programme filter.").format(
            plans=", ".join(tr(PROGRAMMES[p]) for p in sorted(plans))), styles.body)]
    summary = funding_summary(view.funding, view.activities, view.filters)
    shown = summary[summary["level"].isin(["objective", "plan"])]
    header = [_p(tr("Objective"), styles.cell_bold), _p(tr("Required (USD)"), styles.number_bold),
              _p(tr("Received (USD)"), styles.number_bold), _p(tr("Covered"), styles.number_bold)]
    band, band_style = _generated_band(view, len(header), 2, 3, styles, words)
    rows = band + [header]
    for row in shown.itertuples(index=False):
        figure = _required_figure(row.plan, row.objective)
        mark = sources.cite(figure)
        name = tr(row.objective) if row.level == "objective" else tr("Whole plan")
        rows.append([_p(f"{name} {mark}", styles.cell_bold if row.level == "plan" else styles.cell),
                     _p(words.number(row.required), styles.number), _p(words.number(row.received), styles.number),
                     _p(words.pct(row.coverage_pct), styles.number)])
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


def _survey_flowables(view: Dataset, sources: _Sources, styles: _Styles, width: float, words: Words) -> list:
    tr = words.tr
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
        rows.append([_p(f"{tr(row['label'])} {mark}", styles.cell), _p(words.pct(row["value_pct"]), styles.number_bold),
                     _p(f"{row['ci_low']:.0f}–{row['ci_high']:.0f}%", styles.number)])
    sources.cite(published_figure("survey_respondents"))
    widths = [width - 13 * mm - 17 * mm, 13 * mm, 17 * mm]
    note = tr("Phone survey of {sample} of {population} participants, {confidence}% confidence; the margin of "
              "error (±{margin} points) and the intervals are computed by the dashboard, not published; "
              "programme-wide, not per district.").format(
        sample=words.number(design["sample"]), population=words.number(design["population"]),
        confidence=f"{design['confidence']:.0f}", margin=words.number(design["margin_of_error"]))
    return [_table(rows, widths), _p(note, styles.small)]


def _brief_story(dataset: Dataset, view: Dataset, boundaries: Boundaries | None, selected: District | None,
                 words: Words, map_indicator: str | None, generated: datetime, sources: _Sources,
                 styles: _Styles) -> list:
    tr = words.tr
    width = PAGE_SIZE[0] - 2 * MARGIN
    full_view = len(view.filters.district_codes()) == len(PROGRAMME_DISTRICTS)
    story: list = []
    if dataset.is_demo:
        story.append(_p(tr(DEMO_BANNER), styles.banner))
    heading = tr(TITLE) if selected is None else tr("Briefing: {district}").format(district=_district_title(selected))
    story += [_p(heading, styles.title),
              _p(f"{tr(ORGANISATION)} · {_programme_line(view.filters, words)}", styles.subtitle),
              _p(f"{_filters_line(view.filters, words)}", styles.subtitle),
              _p(tr("{version} · generated {time}").format(version=_version_line(view, words),
                                                           time=f"{generated:%Y-%m-%d %H:%M}"), styles.subtitle)]

    indicator_id = _map_indicator(dataset if selected is not None else view, map_indicator)
    story.append(_p(tr("Key messages"), styles.heading))
    sentences = key_messages(key_facts(view, indicator_id), words, sources.cite)
    story += ([_p(sentence, styles.bullet, bullet="•") for sentence in sentences] if sentences
              else [_p(tr("No activity records in the current filters."), styles.lead)])

    scope = (tr("programme totals, all {count} districts").format(count=len(PROGRAMME_DISTRICTS)) if full_view else
             words.district(selected) if selected is not None else
             tr("{count} districts in view").format(count=len(view.filters.district_codes())))
    story.append(_p(tr("Headline figures against targets ({scope})").format(scope=scope), styles.heading))
    where = (tr("all {count} districts").format(count=len(PROGRAMME_DISTRICTS)) if full_view else
             words.district(selected) if selected is not None else
             tr("{count} districts in view").format(count=len(view.filters.district_codes())))
    story += _headline_table(view, sources, styles, width, full_view, words)

    gap = 6 * mm
    left_width, right_width = (width - gap) * 0.5, (width - gap) * 0.5
    left = [_p(tr("Funding by objective (CRP 2020)"), styles.heading)]
    left += _funding_flowables(view, sources, styles, left_width, words)
    right = [_p(tr("Survey highlights"), styles.heading)]
    right += _survey_flowables(view, sources, styles, right_width, words)
    story.append(_columns(left, right, left_width, gap, right_width))
    # The outcome results take the rest of page 1, in smaller type where the languages' longer words need it.
    story.append(KeepInFrame(0, 0, outcome_flowables(view, sources, styles, width, words), mode="shrink"))

    # Page 2: the map of the indicator on screen beside its running total, who it reached beside what the
    # documents say of the programmes, then the districts at a glance (shrunk if need be: two pages at most).
    # The map and the glance show every district in the filters (the one chosen outlined); who was reached
    # and since when are those of the view, the one district when one is chosen.
    story.append(PageBreak())
    if dataset.is_demo:
        story.append(_p(tr(DEMO_BANNER), styles.banner))
    map_view = dataset if selected is not None else view
    map_width = (width - gap) * 0.6
    chart_width = width - gap - map_width
    story.append(_columns([_p(tr("Where the work is"), styles.heading)]
                          + _map_flowables(map_view, boundaries, indicator_id, selected, words, styles, map_width),
                          trend_flowables(view, indicator_id, where, styles, chart_width, 44 * mm, words),
                          map_width, gap, chart_width))
    story.append(_columns(reach_flowables(view, indicator_id, where, sources, styles, left_width, words),
                          _acknowledgement(view, styles, words), left_width, gap, right_width))
    glance = (glance_flowables(map_view, indicator_id, selected.code if selected else None, words, styles, width)
              if indicator_id else [])
    story.append(KeepInFrame(0, 0, [_p(tr("Districts at a glance"), styles.heading), *glance], mode="shrink"))
    return story


def _columns(left: list, right: list, left_width: float, gap: float, right_width: float) -> Table:
    """Two columns of flowables side by side, top-aligned, without padding."""
    columns = Table([[left, "", right]], colWidths=[left_width, gap, right_width], hAlign="LEFT")
    columns.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return columns


def _acknowledgement(view: Dataset, styles: _Styles, words: Words) -> list:
    """The programmes in view and their donor as the documents print it, by document title."""
    tr = words.tr
    programmes = [view.filters.programme] if view.filters.programme else list(PROGRAMMES)
    parts = [tr("{programme}: “{wording}” ({document}).").format(
        programme=tr(PROGRAMMES[programme]), wording=wording, document=DOCUMENTS[file].title)
        for programme, wording, file in ACKNOWLEDGEMENTS if programme in programmes]
    parts += [tr("{plan}: an appeal by {publisher} ({document}).").format(
        plan=tr(PROGRAMMES[p]), publisher=DOCUMENTS[DOC_CRP].publisher, document=DOCUMENTS[DOC_CRP].title)
        for p in programmes if p == PROGRAMME_CRP2020]
    return [_p(tr("Acknowledgement"), styles.heading), _p(" ".join(parts), styles.body)]


def build_briefing(dataset: Dataset, *, boundaries: Boundaries | None, district: str | None = None,
                   lang: str = "en", district_sheets: bool = False, map_indicator: str | None = None,
                   generated_at: datetime | None = None) -> bytes:
    """The briefing pack as PDF bytes: two A4 pages for ``dataset`` as filtered (its ``filters``).

    ``district`` (any spelling the gazetteer knows, or a code) narrows the brief to that
    programme district; the map then shows every district in the filters with it outlined.
    ``boundaries=None`` (boundary files missing) puts a note where the map would be.
    ``lang`` (``en``, ``ru``, ``tg``) sets the language of the whole pack: headings, labels and
    notes (catalog), district names (gazetteer), map words and number separators; document
    titles and sections in citations stay as published. ``district_sheets`` appends one page per
    programme district in the filters, or the one page of ``district`` (see :func:`build_district_sheets`). ``map_indicator`` chooses
    the mapped indicator (default: the first headline indicator with records). Raises ``BriefingError`` for an unknown
    district or a store without data.
    """
    _check_arguments(dataset, lang)
    _register_fonts()
    return _build_briefing(dataset, boundaries, district, Words(lang), district_sheets, map_indicator,
                           generated_at or datetime.now())


def _build_briefing(dataset: Dataset, boundaries: Boundaries | None, district: str | None, words: Words,
                    district_sheets: bool, map_indicator: str | None, generated: datetime) -> bytes:
    tr = words.tr
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
    story = _brief_story(dataset, view, boundaries, selected, words, map_indicator, generated, sources, styles)
    extra = [boundaries.attribution + "."] if boundaries is not None else []
    buffer = io.BytesIO()
    subject = tr("Briefing") + (f": {words.district(selected)}" if selected else "")
    document = _Document(buffer, title=tr(TITLE) + (f": {words.district(selected)}" if selected else ""),
                         subject=subject, demo=dataset.is_demo, words=words)
    document.add_template("brief", sources.footer_text(words, dataset.source_label(words.tr), extra), styles)
    if district_sheets:
        sheet_story, sheet_footer = _sheets_story(dataset, boundaries, words, [selected.code] if selected else None,
                                                  generated, styles)
        document.add_template("sheet", sheet_footer, styles)
        story += [NextPageTemplate("sheet"), PageBreak()] + sheet_story
    document.build(story)
    return buffer.getvalue()
