"""What the frame (``dashboard.py``) draws around every page: the language switch and the shared
filters in the sidebar, the data banner; the context it hands to the page; the no-data message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from data_pipeline.analysis.dataset import Dataset, Filters
from data_pipeline.presentation.i18n import LANGUAGES
from data_pipeline.reference.registry import PROGRAMMES, indicator, indicators_for
from geo.gazetteer import PROGRAMME_DISTRICTS
from ui.language import (NAME_TO_CODE, REGION_SHORT, current_language, demo_mark, district_label, district_name,
                         format_date, tr, translate_now)
from ui.document import SMALL_PRINT
from ui.text import escaped, html_text
from ui.state import (ALL_PROGRAMMES, DISTRICT, INDICATOR, LANGUAGE, PROGRAMME, PROGRAMME_LABELS, REGION, YEARS, read_url,
                      url_widget)


@dataclass(frozen=True)
class PageContext:
    """What every page receives from the frame: the data set before and after the filters."""

    store_url: str
    full: Dataset
    data: Dataset
    filters: Filters


def language_from_url() -> str:
    """The language of this run, from ``?lang=`` (the frame calls this first, before anything is
    translated; ``language_choice`` draws the switch later in the run)."""
    return read_url(LANGUAGE)


def sidebar_heading() -> None:
    """The dashboard's name and who runs it, at the top of the sidebar: one element (a title and a caption were
    two, and every element of a rerun costs the browser; benchmarks/PROFILE.md, round 12)."""
    name, runs_it = tr("Border Districts"), tr("IOM Tajikistan · 16 districts along the Afghan border")
    st.sidebar.markdown(f'# {escaped(name)}\n\n<p class="{SMALL_PRINT}">{html_text(runs_it)}</p>',
                        unsafe_allow_html=True)


def language_choice() -> str:
    """The language switch at the top of the sidebar (kept in ``?lang=``)."""
    # One language per line: side by side, "Тоҷикӣ" wrapped onto a line of its own in the sidebar.
    return url_widget(LANGUAGE, st.sidebar.radio, "Language · Язык · Забон", format_func=LANGUAGES.get)


def sidebar_filters(full: Dataset) -> Filters:
    """Draw the shared filters in the sidebar, each bound to the URL, and return them."""
    sidebar = st.sidebar
    lang, translate = current_language(), translate_now()
    sidebar.header(tr("Filters"))
    # The URL keeps English names and codes (?district=Vanj): links work in every language.
    regions = url_widget(REGION, sidebar.multiselect, tr("Region"),
                         format_func=lambda r: translate(REGION_SHORT.get(r, r)), placeholder=tr("Both regions"),
                         help=tr("Khatlon or GBAO; empty means both."))
    names = url_widget(DISTRICT, sidebar.multiselect, tr("District"),
                       options=[d.name_en for d in PROGRAMME_DISTRICTS if not regions or d.region in regions],
                       format_func=district_label(lang), placeholder=tr("All 16 programme districts"),
                       help=tr("One or several programme districts; empty means all (within the chosen regions)."))
    programme = url_widget(PROGRAMME, sidebar.selectbox, tr("Programme"),
                           format_func=lambda p: translate(PROGRAMME_LABELS.get(p, p)),
                           help="; ".join(f"{code}: {tr(name)}" for code, name in PROGRAMMES.items()))
    first, last = _year_bounds(full)
    years = url_widget(YEARS, sidebar.slider, tr("Years"), options=range(first, last + 1),
                       help=tr("Activities dated within these years (inclusive)."))
    return Filters(
        regions=tuple(regions),
        districts=tuple(NAME_TO_CODE[n] for n in names if n in NAME_TO_CODE),
        programme=None if programme in (None, ALL_PROGRAMMES) else programme,
        date_from=date(years[0], 1, 1) if years[0] > first else None,
        date_to=date(years[1], 12, 31) if years[1] < last else None,
    )


def _year_bounds(full: Dataset) -> tuple[int, int]:
    """The slider's span: the programmes' years, widened to the years the data has."""
    first, last = YEARS.options()[0], YEARS.options()[-1]
    if not full.activities.empty:
        earliest, latest = pd.to_datetime(full.activities["date"].agg(["min", "max"]))  # not every cell's date
        first, last = min(first, earliest.year), max(last, latest.year)
    return first, last


def data_banner(ds: Dataset) -> None:
    """Say which data the page shows: for demo data, which kinds of figure are generated and which are
    published; the version and its as-of date (inside the demo banner: one element, not two)."""
    version = ds.version.id if ds.version is not None else tr("none")
    as_of = format_date(ds.as_of) if ds.as_of else tr("unknown")
    version_line = tr("Data version {version} · as of {date}").format(version=version, date=as_of)
    if ds.is_demo:
        st.warning(tr("**Demo data.** The district records and their totals, the targets and the funding "
                      "received are generated for demonstration, and marked “{mark}” wherever shown. Published, "
                      "with their source beside them: the programme totals the documents print, funding "
                      "required, target beneficiaries and the survey results.").format(mark=demo_mark())
                   + "\n\n" + version_line, icon=":material/science:")
    else:
        st.caption(version_line)


def page_context() -> PageContext:
    """The context the frame (``dashboard.py``) prepared for this run."""
    context = st.session_state.get("_page_context")
    if context is None:  # a page opened without the frame: send it through the frame
        st.error(tr("Open this page from the dashboard's navigation."))
        st.stop()
    return context


def set_page_context(context: PageContext) -> None:
    st.session_state["_page_context"] = context


def show_filters_summary(filters: Filters) -> None:
    """One line saying which filters shape the figures on the page, when any do.

    Without filters the line is an empty element: the page's later elements keep their places when a filter
    is set, so the frontend updates them instead of building them anew (the map's frame booted Leaflet
    again and redrew every outline on each filter change: benchmarks/PROFILE.md, round 9)."""
    parts = []
    if filters.regions:
        parts.append(tr("regions {names}").format(
            names=", ".join(tr(REGION_SHORT.get(r, r)) for r in filters.regions)))
    if filters.districts:
        parts.append(tr("districts {names}").format(names=", ".join(district_name(c) for c in filters.districts)))
    if filters.programme:
        parts.append(tr("programme {code}").format(code=filters.programme))
    if filters.date_from and filters.date_to:
        parts.append(tr("dates {start} to {end}").format(start=format_date(filters.date_from),
                                                         end=format_date(filters.date_to)))
    elif filters.date_from:
        parts.append(tr("dates from {start}").format(start=format_date(filters.date_from)))
    elif filters.date_to:
        parts.append(tr("dates up to {end}").format(end=format_date(filters.date_to)))
    if parts:
        st.caption(tr("Filtered to {filters}.").format(filters="; ".join(parts)))
    else:
        st.empty()


def districts_in_view(filters: Filters) -> tuple[str, ...]:
    """The district codes to outline on a map: those the filters keep, when they narrow at all."""
    return filters.district_codes() if (filters.regions or filters.districts) else ()


def no_data_message(ctx: PageContext) -> bool:
    """Tell the user when there are no activity records to show, and why; ``True`` when that is the case."""
    if not ctx.data.activities.empty:
        return False
    programme = ctx.filters.programme
    programme_ids = [i.id for i in indicators_for(programme)] if programme else []
    if programme and not ctx.full.activities["indicator"].isin(programme_ids).any():
        # No filter would help: this programme has no district records at all.
        st.info(tr("This data version holds no activity records of {programme}: its figures are the programme "
                   "totals published in its reports (Objectives & funding). Choose another programme in the "
                   "sidebar for district records.").format(programme=programme), icon=":material/info:")
    else:
        st.info(tr("No activity records match the filters. Widen the region, district, programme or "
                   "year filters in the sidebar."), icon=":material/filter_alt_off:")
    return True


def mappable_indicator_choice(draw, programme: str | None) -> str:
    """The ``?indicator=`` select (``draw``: a column's ``selectbox``) of the indicators that can be mapped in
    ``programme``: ids in the URL, labels in the current language. Returns the chosen id."""
    translate = translate_now()  # the labels are formatted later, where the current language cannot be read
    return url_widget(INDICATOR, draw, translate("Indicator"),
                      options=[i.id for i in indicators_for(programme, mappable=True)],
                      format_func=lambda i: translate(indicator(i).label))
