"""The dashboard's one UI-helper module: cached loaders, the shared sidebar and banner,
widgets every page uses, and number formatting.

Pages call these and the packages (``data_pipeline``, ``geo``); nothing here computes an
indicator. Streamlit is imported only here, in ``dashboard.py`` and in ``app_pages/``.
"""

from __future__ import annotations

import hashlib
import html
import re
import string
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from data_pipeline.presentation import charts, i18n
from data_pipeline.reference import origin
from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters, indicator_table, load_dataset
from data_pipeline.presentation.exports import to_csv_bytes, to_xlsx_bytes
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.analysis.history import short_hash
from data_pipeline.presentation.i18n import DEFAULT_LANGUAGE, LANGUAGES, MISSING, translator
from data_pipeline.presentation.i18n import format_date as _format_date
from data_pipeline.presentation.citations import citation_parts, citations_in
from data_pipeline.reference.published import ONE_IN_N, Document
from data_pipeline.reference.registry import PROGRAMME_PERIODS, PROGRAMMES, indicators_for
from data_pipeline.settings import geo_dir
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON, REGION_NAMES, district

APP_ROOT = Path(__file__).resolve().parents[1]
STATIC_DIR = APP_ROOT / "static"
# Absolute path: st_folium draws the map inside a component iframe served from another
# path, where a relative URL would not reach Streamlit's static route.
LEAFLET_URL = "/app/static/leaflet/"
PROFILE_PAGE = "app_pages/district_page.py"

# URL query-parameter names of the shared filters (also the widgets' session-state keys).
KEY_REGION = "region"
KEY_DISTRICT = "district"
KEY_PROGRAMME = "programme"
KEY_YEARS = "years"
KEY_PROFILE = "profile"
KEY_LANGUAGE = "lang"
_FRAME_URL_KEYS = (KEY_LANGUAGE, KEY_REGION, KEY_DISTRICT, KEY_PROGRAMME, KEY_YEARS)
_ALL_PROGRAMMES = "all"
# The labels are what the URL carries (?programme=TAJIRRB): short, and typeable.
_PROGRAMME_LABELS = {_ALL_PROGRAMMES: "All programmes", **{code: code for code in PROGRAMMES}}
_REGION_SHORT = {REGION_KHATLON: "Khatlon", REGION_GBAO: "GBAO"}
_YEAR_SPAN = (min(p[0] for p in PROGRAMME_PERIODS.values()), max(p[1] for p in PROGRAMME_PERIODS.values()))
_NAME_TO_CODE = {d.name_en: d.code for d in PROGRAMME_DISTRICTS}


# --- the URL: every view is a link ---------------------------------------------------------
# Streamlit's bind="query-params" puts a widget's *displayed* label in the URL, so a link made in
# Russian (?region=ГБАО) would mean nothing in English, and ?region=GBAO nothing in Russian. The
# URL keeps codes and English names instead: a widget takes its value from the URL when it first
# appears in a session, and the value goes back into the URL after every run.

def any_language(labels: Callable[[Any, str], str], values: Iterable[Any]) -> Callable[[str], Any]:
    """A parser taking a value's label in any language (``labels(value, lang)``; what links made before
    the URL held codes carried) to the value; any other text passes through."""
    known = {labels(value, lang): value for value in values for lang in LANGUAGES}
    return lambda text: known.get(text, text)


_CODE_BY_LANGUAGE_LABEL = {label: code for code, label in LANGUAGES.items()}
_LANGUAGE_FROM_LABEL = lambda text: _CODE_BY_LANGUAGE_LABEL.get(text, text)  # noqa: E731  ("Русский" or "ru")
_REGION_FROM_LABEL = any_language(lambda region, lang: translator(lang)(_REGION_SHORT[region]), _REGION_SHORT)
_DISTRICT_FROM_NAME = any_language(lambda name, lang: district(_NAME_TO_CODE[name]).name(lang), _NAME_TO_CODE)


_WRITTEN = "_url_written"
"""Session-state key: what this session last wrote into the URL, per parameter."""
_LABELS_LANGUAGE = "_labels_language"
"""Session-state key: the language of the labels the widgets showed on the last run."""


def _url_changed(key: str) -> bool:
    """Whether ``?key=`` differs from what this session last wrote there: the reader went back or
    forward in the browser's history, or edited the address, and then the URL wins."""
    written = st.session_state.get(_WRITTEN, {})
    return key in written and st.query_params.get_all(key) != written[key]


def from_url(key: str, allowed: Sequence[Any], *, many: bool = False, parse: Callable[[str], Any] = str,
             default: Any = None) -> None:
    """Take the widget state ``key`` from ``?key=`` when the session has none yet or the URL changed
    (``_url_changed``); call it before the widget.

    Values outside ``allowed`` are ignored (a stale or mistyped link opens the default view), and so
    is a value the session holds that is no longer allowed (the options changed with the filters).
    Without a value, a single-valued widget gets ``default`` (its first option unless given), a
    multi-valued one nothing. The state is set, not deleted: the browser would keep showing (and
    send back) the widget's old value.
    """
    fallback = ([] if many else default if default is not None else allowed[0] if allowed else None)
    if key in st.session_state and not _url_changed(key):
        held = st.session_state[key]
        if many and any(v not in allowed for v in held):
            st.session_state[key] = [v for v in (_allowed(v, allowed, parse) for v in held) if v is not None]
        elif not many and held not in allowed:
            value = _allowed(held, allowed, parse)
            if value is not None or fallback is not None:
                st.session_state[key] = value if value is not None else fallback
        elif st.session_state.get(_LABELS_LANGUAGE, current_language()) != current_language():
            # Set, not kept: the frontend would go on showing the choice in the old language (ГБАО).
            st.session_state[key] = held
        return
    values = []
    for text in st.query_params.get_all(key):
        value = _allowed(text, allowed, parse)
        if value is not None and value not in values:
            values.append(value)
    if many or values:
        st.session_state[key] = values if many else values[0]
    elif fallback is not None:
        st.session_state[key] = fallback


def _allowed(value: Any, allowed: Sequence[Any], parse: Callable[[str], Any]) -> Any:
    """``value`` if allowed, else what ``parse`` makes of it if that is allowed, else None. A held value
    can be a label: after a step back in the browser's history the frontend sends back the label it
    showed (``ГБАО``), in the language of the step left behind."""
    if value in allowed:
        return value
    try:
        parsed = parse(value) if isinstance(value, str) else value
    except ValueError:
        return None
    return parsed if parsed in allowed else None


def keep_in_url(key: str, value: Any, default: Any) -> None:
    """``?key=value`` in the URL (one parameter per item of a list), or none when ``value`` is ``default``."""
    if isinstance(value, tuple):  # a range slider's (start, end)
        value, default = list(value), list(default)
    text = ([] if value == default or value in (None, []) else
            [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)])
    if st.query_params.get_all(key) != text:
        if text:
            st.query_params[key] = text
        else:
            del st.query_params[key]
    st.session_state.setdefault(_WRITTEN, {})[key] = text


def view_tabs(views: dict[str, str], key: str = "view") -> tuple[str, Any]:
    """Tabs of which only the open one is drawn (``views``: code → translated label). Returns the open
    view's code and its container: draw that view ``with`` it. A filter change then redraws one
    view, not all of them (benchmarks/PROFILE.md, round 5). The code is kept in the URL
    (``?view=table``), so a link opens that tab in any language."""
    codes = list(views)
    from_url(key, codes)
    tab_key = f"{key}_tab"

    def follow_the_tab() -> None:  # runs before the script: the code follows the clicked label
        label = st.session_state[tab_key]
        st.session_state[key] = next((code for code in codes if views[code] == label), codes[0])

    # The tab shown follows the code, which comes from links and survives a language change.
    st.session_state[tab_key] = views[st.session_state[key]]
    tabs = st.tabs(list(views.values()), key=tab_key, on_change=follow_the_tab)
    view = st.session_state[key]
    keep_in_url(key, view, codes[0])
    return view, tabs[codes.index(view)]


@dataclass(frozen=True)
class PageContext:
    """What every page receives from the frame: the data set before and after the filters."""

    store_url: str
    full: Dataset
    data: Dataset
    filters: Filters


# --- language ------------------------------------------------------------------------------

def language_from_url() -> None:
    """Take the language from ``?lang=`` (the frame calls this first, before anything is translated)."""
    from_url(KEY_LANGUAGE, list(LANGUAGES), parse=_LANGUAGE_FROM_LABEL)


def labels_shown() -> None:
    """Note the language the widgets' labels were shown in (the frame calls this after every run, also
    one ended by ``st.stop``): on a language change, ``from_url`` sends each choice back to be shown
    in the new language."""
    st.session_state[_LABELS_LANGUAGE] = current_language()


def current_language() -> str:
    """The interface language of this run: the sidebar's choice (``?lang=en|ru|tg``), else English."""
    lang = st.session_state.get(KEY_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def tr(text: str) -> str:
    """``text`` (an English msgid) in the current language, from ``locales/<lang>/LC_MESSAGES/messages.po``.

    Strings with values use named placeholders, filled after translation:
    ``tr("{count} problems in {file}").format(count=3, file=name)``.
    """
    return translator(current_language())(text)


_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation})
_AUTOLINK_STARTS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)|(?<=@)")
_WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """``text`` made safe to put into Markdown, so Streamlit shows it as typed: for anything that comes
    from data, files, notes or people (file and sheet names, version notes, user and display names,
    cell values, error messages quoting them) in ``st.markdown``, captions, alerts, widget labels.

    Every ASCII punctuation mark gets a backslash, so no link, image, HTML, emphasis, heading, table,
    LaTeX (``$``), emoji or icon shortcode (``:smile:``, ``:material/home:``) or colour (``:red[…]``)
    is formed; line breaks become spaces and surrounding spaces go. GitHub-flavoured Markdown also
    links bare ``http://…``, ``www.…`` and e-mail addresses whatever the escapes, so an invisible word
    joiner (U+2060) goes between ``:`` and ``//``, after ``www`` and around ``@``. Not for tables,
    select-box options or ``st.text``, which show text as it is (the backslashes would show).
    """
    one_line = " ".join(str(text).splitlines()).strip()  # leading spaces would make a code block
    return _escaped(one_line)


def _escaped(text: str) -> str:
    """``text`` with Markdown's punctuation escaped and bare links broken (``plain`` without the trim)."""
    return _AUTOLINK_STARTS.sub(_WORD_JOINER, text).translate(_MARKDOWN_ESCAPES)


def translate_now():
    """This run's catalog as a plain function: ``tr = ui.translate_now()`` in a page.

    Streamlit (and AppTest) may call a widget's ``format_func`` outside the run, where the
    current language cannot be read; a function bound to the language stays right.
    """
    return translator(current_language())


def language_choice() -> str:
    """The language switch at the top of the sidebar (kept in ``?lang=``, read by ``language_from_url``)."""
    # One language per line: side by side, "Тоҷикӣ" wrapped onto a line of its own in the sidebar.
    lang = st.sidebar.radio("Language · Язык · Забон", list(LANGUAGES), format_func=LANGUAGES.get,
                            key=KEY_LANGUAGE)
    keep_in_url(KEY_LANGUAGE, lang, DEFAULT_LANGUAGE)
    return lang


def format_number(value: float | int | None, unit: str = "", decimals: int | None = None) -> str:
    """``i18n.format_number`` in the current language: ``6,005`` (en), ``6 005`` (ru, tg)."""
    return i18n.format_number(value, current_language(), decimals, unit)


def format_pct(value: float | None, decimals: int = 0) -> str:
    """A percentage in the current language: ``87%`` (en, tg), ``87 %`` (ru)."""
    return i18n.format_percent(value, current_language(), decimals)


def demo_mark() -> str:
    """The word a generated number carries in the current language (``data_pipeline.reference.origin``)."""
    return i18n.demo_mark(current_language())


def marked(text: str, kind: str | None) -> str:
    """``text`` (a number as shown, a column heading) with the mark of its origin ``kind``
    (``data_pipeline.reference.origin``): ``137 (demo)`` for a generated figure, unchanged otherwise."""
    return i18n.marked(text, kind, current_language())


def marked_columns(labels: dict[str, str], kind: str | None) -> dict[str, str]:
    """Column headings (``show_table``'s ``labels``) of figures of origin ``kind``, each marked."""
    return {column: marked(label, kind) for column, label in labels.items()}


def as_published(value: float, qualifier: str = "", unit: str = "") -> str:
    """A published figure as its document words it, in the current language: ``more than 2,400``,
    ``every third (1 in 3)`` for a figure in the unit ``1 in N``."""
    if unit == ONE_IN_N:
        number = tr("1 in {n}").format(n=format_number(value))
        return tr("{qualifier} ({number})").format(qualifier=tr(qualifier), number=number) if qualifier else number
    number = format_number(value, tr(unit) if unit else "")
    return f"{tr(qualifier)} {number}" if qualifier else number


def format_date(value: date | None) -> str:
    """A date in the current language: ``2020-10-31`` (en), ``31 октября 2020 г.`` (ru), ``31 Октябр 2020`` (tg).

    English keeps ISO dates: donors read them across locales, where ``10/31/20`` is ambiguous.
    """
    if value is not None and current_language() == DEFAULT_LANGUAGE:
        return value.isoformat()
    return _format_date(value, current_language())


def _district_label(lang: str):
    """A widget's ``format_func`` from a district's English name (the URL's value) to its name in ``lang``."""
    return lambda name: district(_NAME_TO_CODE[name]).name(lang) if name in _NAME_TO_CODE else name


def district_name(code: str) -> str:
    """A district's name in the current language's own script and spelling (gazetteer)."""
    return district(code).name(current_language())


def translated(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of ``frame`` with the text of ``columns`` (English msgids, e.g. indicator labels) translated."""
    return frame.assign(**{c: frame[c].map(lambda v: tr(v) if isinstance(v, str) and v else v) for c in columns})


def indicator_rows(ds: Dataset, period: str = "whole", by: str | None = None) -> pd.DataFrame:
    """``indicator_table`` in the current language: district names from the gazetteer; indicator
    labels, units, regions, the whole period and the source translated. Ids, codes and ``by``
    categories stay as they are. ``ds`` must come from ``cached_filtered`` (see ``view_table``)."""
    def compute() -> pd.DataFrame:
        table = indicator_table(ds, period, by=by, lang=current_language())
        table = translated(table, "indicator_label", "unit", "region", "period")  # "whole"; other periods are dates
        return table.assign(source=ds.source_label(tr))

    return view_table(ds, f"indicator rows {period} {by}", compute)


def funding_rows(ds: Dataset) -> pd.DataFrame:
    """``funding_summary`` of ``ds`` (plan, objective and component rows; beneficiaries reached
    follow the filters). ``ds`` must come from ``cached_filtered`` (see ``view_table``)."""
    return view_table(ds, "funding", lambda: funding_summary(ds.funding, ds.activities, ds.filters))


def funding_sources(rows: pd.DataFrame) -> list[str]:
    """The ``source`` of each ``funding_summary`` row, for downloads: the published document of the
    amount required, and where the amount received comes from (``demo (generated, version 3)``)."""
    received = page_context().data.source_label(tr)
    return [tr("required: {citation}; received: {source}").format(citation=cited(citation), source=received)
            for citation in rows["required_source"]]


# --- loading -------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def install_static_assets() -> Path:
    """Copy Leaflet into ./static/leaflet once per server process (served at ``LEAFLET_URL``)."""
    from data_pipeline.presentation.maps import install_leaflet_assets

    return install_leaflet_assets(STATIC_DIR)


@st.cache_resource(show_spinner="Loading the demo data into an empty store…")
def ensure_data(url: str) -> None:
    """Load the demo data when the store has no active version (a fresh machine)."""
    from data_pipeline.analysis.demo import load_demo

    load_demo(url, created_by="dashboard first run", if_empty=True)


def active_version_or_demo(url: str) -> int | None:
    """Id of the store's active version, after loading the demo data into an empty store (the
    spinner shows only then). ``StoreError`` when the store cannot be read, within the store
    timeout for a server that does not answer."""
    version_id = active_version_id(url)
    if version_id is None:
        ensure_data(url)
        active_version_id.clear()
        version_id = active_version_id(url)
    return version_id


def store_error(url: str, error: Exception) -> None:
    """Say that the store at ``url`` cannot be read (where it is, never its password), with the
    details for the administrator as plain text."""
    from data_pipeline.store import StoreUnavailable, store_location, without_password

    where = "`" + store_location(url).replace("`", "'") + "`"
    if isinstance(error, StoreUnavailable):
        message = tr("The data store at {where} does not answer, so no figures can be shown. Try again in a few "
                     "minutes; if it lasts, the administrator finds the cause in the details below.")
    else:
        message = tr("The data store at {where} could not be read, so no figures can be shown. The administrator "
                     "finds the cause in the details below (check DASHBOARD_STORE_URL).")
    st.error(message.format(where=where), icon=":material/database:")
    with st.expander(tr("Details")):
        st.code(without_password(str(error), url), language=None, wrap_lines=True)


@st.cache_data(ttl=15, show_spinner=False)
def active_version_id(url: str) -> int | None:
    """Id of the store's active version (re-read every few seconds, so a new upload shows)."""
    from data_pipeline.store import Store

    store = Store(url)
    try:
        active = store.active_version()
        return None if active is None else int(active.id)
    finally:
        store.dispose()


# The data sets are shared by every session without a copy (``st.cache_data`` unpickled them on
# every rerun: 54 MB for a 5M-row store): versions never change, and nothing may modify their frames.
@st.cache_resource(show_spinner="Loading data…", max_entries=8)
def cached_dataset(url: str, version_id: int | None) -> Dataset:
    """The data set of one version as monthly cells (cached by store and version: versions never
    change). Shared by every session: read it, never modify its frames."""
    return load_dataset(url, version_id, cells=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_filtered(url: str, version_id: int | None, filters: Filters) -> Dataset:
    """The data set of one version with ``filters`` applied (shared and read-only, as ``cached_dataset``)."""
    return apply_filters(cached_dataset(url, version_id), filters)


@st.cache_resource(show_spinner="Loading district boundaries…")
def boundaries(directory: str):
    """The boundary layers (``geo.boundaries.Boundaries``) of ``directory``, shared read-only."""
    from geo.boundaries import load_boundaries

    return load_boundaries(directory)


# --- the frame -----------------------------------------------------------------------------

def sidebar_filters(full: Dataset) -> Filters:
    """Draw the shared filters in the sidebar, each bound to the URL, and return them."""
    sidebar = st.sidebar
    lang, translate = current_language(), translate_now()
    sidebar.header(tr("Filters"))
    # The URL keeps English names and codes (?district=Vanj): links work in every language.
    region_codes = [REGION_KHATLON, REGION_GBAO]
    from_url(KEY_REGION, region_codes, many=True, parse=_REGION_FROM_LABEL)
    regions = sidebar.multiselect(
        tr("Region"), region_codes, format_func=lambda r: translate(_REGION_SHORT.get(r, r)), key=KEY_REGION,
        placeholder=tr("Both regions"), help=tr("Khatlon or GBAO; empty means both."),
    )
    district_names = [d.name_en for d in PROGRAMME_DISTRICTS if not regions or d.region in regions]
    from_url(KEY_DISTRICT, district_names, many=True, parse=_DISTRICT_FROM_NAME)
    names = sidebar.multiselect(
        tr("District"), district_names, format_func=_district_label(lang), key=KEY_DISTRICT,
        placeholder=tr("All 16 programme districts"),
        help=tr("One or several programme districts; empty means all (within the chosen regions)."),
    )
    from_url(KEY_PROGRAMME, list(_PROGRAMME_LABELS))
    programme = sidebar.selectbox(
        tr("Programme"), list(_PROGRAMME_LABELS), format_func=lambda p: translate(_PROGRAMME_LABELS.get(p, p)),
        key=KEY_PROGRAMME, help="; ".join(f"{code}: {tr(name)}" for code, name in PROGRAMMES.items()),
    )
    first, last = _year_bounds(full)
    from_url(KEY_YEARS, range(first, last + 1), many=True, parse=int)
    chosen = st.session_state.get(KEY_YEARS)
    st.session_state[KEY_YEARS] = ((min(chosen), max(chosen)) if chosen and all(first <= y <= last for y in chosen)
                                   else (first, last))  # no link, half a link, or a span the data has no longer
    years = sidebar.slider(tr("Years"), first, last, key=KEY_YEARS,
                           help=tr("Activities dated within these years (inclusive)."))
    for key, value, default in ((KEY_REGION, regions, []), (KEY_DISTRICT, names, []),
                                (KEY_PROGRAMME, programme, _ALL_PROGRAMMES), (KEY_YEARS, years, (first, last))):
        keep_in_url(key, value, default)
    return Filters(
        regions=tuple(regions),
        districts=tuple(_NAME_TO_CODE[n] for n in names if n in _NAME_TO_CODE),
        programme=None if programme in (None, _ALL_PROGRAMMES) else programme,
        date_from=date(years[0], 1, 1) if years[0] > first else None,
        date_to=date(years[1], 12, 31) if years[1] < last else None,
    )


def _year_bounds(full: Dataset) -> tuple[int, int]:
    """The slider's span: the programmes' years, widened to the years the data has."""
    first, last = _YEAR_SPAN
    if not full.activities.empty:
        earliest, latest = pd.to_datetime(full.activities["date"].agg(["min", "max"]))  # not every cell's date
        first, last = min(first, earliest.year), max(last, latest.year)
    return first, last


def data_banner(ds: Dataset) -> None:
    """Say which data the page shows: for demo data, which kinds of figure are generated and which are
    published; the version and its as-of date."""
    version = ds.version.id if ds.version is not None else tr("none")
    as_of = format_date(ds.as_of) if ds.as_of else tr("unknown")
    if ds.is_demo:
        st.warning(tr("**Demo data.** The district records and their totals, the targets and the funding "
                      "received are generated for demonstration, and marked “{mark}” wherever shown. Published, "
                      "with their source beside them: the programme totals the documents print, funding "
                      "required, target beneficiaries and the survey results.").format(mark=demo_mark()),
                   icon=":material/science:")
    st.caption(tr("Data version {version} · as of {date}").format(version=version, date=as_of))


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
    """One line saying which filters shape the figures on the page, when any do."""
    parts = []
    if filters.regions:
        parts.append(tr("regions {names}").format(
            names=", ".join(tr(_REGION_SHORT.get(r, r)) for r in filters.regions)))
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


# --- widgets -------------------------------------------------------------------------------

def citation(text: str) -> None:
    """A published figure's source, in small print under it, each citation a link to its document's
    entry in the sources list."""
    st.caption(tr("Source: {source}").format(source=cited_markdown(text)))


def cited(text: str) -> str:
    """``text`` with the published figures' citations in it worded in the current language (plain text)."""
    return citations_in(text, current_language())


SOURCES_PAGE_URL = "/sources"
SOURCES_VIEW = "documents"


def document_link(document: Document) -> str:
    """The URL of ``document``'s entry in the sources list (Data & sources, Sources tab), in the
    current language. Built here from the catalogue's own key, never from data."""
    lang = current_language()
    query = f"?{KEY_LANGUAGE}={lang}&view={SOURCES_VIEW}" if lang != DEFAULT_LANGUAGE else f"?view={SOURCES_VIEW}"
    return f"{SOURCES_PAGE_URL}{query}#{document.anchor}"


def cited_markdown(text: str) -> str:
    """``text`` as Markdown: citations worded in the current language, each a link to its document."""
    return "".join(f"[{_escaped(part)}]({document_link(document)})" if document else _escaped(part)
                   for part, document in citation_parts(text, current_language()))


def cited_html(text: str) -> str:
    """``text`` as escaped HTML on one line: citations worded in the current language, each a link to
    its document."""
    return "".join(f'<a href="{html.escape(document_link(document))}" target="_self">{_html_text(part)}</a>'
                   if document else _html_text(part) for part, document in citation_parts(text, current_language()))


@dataclass(frozen=True)
class Card:
    """One headline card: ``label`` (translated), the ``value`` with its ``unit``, its progress
    towards ``target`` (the funding ``required``, when ``required``) and an optional ``note``, whose
    English citations are worded in the current language and linked to their documents.

    ``origin`` is where the value comes from (``data_pipeline.reference.origin``), ``target_origin`` where the
    target does; a generated one is shown with the demo mark, and so is a % worked out from it."""

    label: str
    value: float
    unit: str
    target: float | None
    achievement_pct: float | None
    note: str | None = None
    required: bool = False
    origin: str | None = None
    target_origin: str | None = None


_CARD_STYLE = ("border:1px solid rgba(49,51,63,.2);border-radius:.5rem;padding:1rem;display:flex;"
               "flex-direction:column;gap:.5rem")
_MUTED = "color:rgba(49,51,63,.6);font-size:.875rem"
_BAR_STYLE = "height:.5rem;border-radius:.25rem"


def _html_text(text: str) -> str:
    """``text`` escaped for HTML, on one line: a blank line would end the HTML block in Markdown.
    Only line breaks go: the non-breaking spaces inside numbers (``1 075 000 USD``) stay."""
    return html.escape(" ".join(line for line in str(text).splitlines() if line.strip()))


def cards_html(cards: Sequence[Card], heading: str) -> str:
    """The headline cards as one HTML block (a grid as wide as the page allows). One element
    instead of five per card: a filter change redraws one block, not dozens (PROFILE.md, round 5).
    Every text is escaped; the numbers are formatted in the current language."""
    items = []
    for card in cards:
        money = card.unit if card.unit == "USD" else ""
        number = format_number(card.value, money)
        mark = marked(number, card.origin)[len(number):]  # " (demo)" in smaller type, beside the number
        mark_html = f'<span style="font-size:1rem;white-space:nowrap">{_html_text(mark)}</span>' if mark else ""
        parts = [f'<div style="font-weight:600">{_html_text(card.label)}</div>',
                 f'<div data-value style="font-size:2.25rem;line-height:1.2">{_html_text(number)}{mark_html}</div>']
        if card.required and pd.isna(card.value) and card.target is not None and pd.notna(card.target):
            # Nothing recorded is not 0 % of the requirement.
            text = tr("No funding received recorded; {target} required").format(
                target=format_number(card.target, money))
            parts.append(f'<div style="{_MUTED}">{_html_text(text)}</div>')
        elif card.target is not None and pd.notna(card.target) and card.target > 0:
            pct = card.achievement_pct
            pct = float(pct) if pct is not None and pd.notna(pct) else 0.0
            target_text = format_number(card.target, money)
            pct_text = format_pct(pct)
            if card.target_origin == origin.GENERATED:  # "84% of target 137 (demo)": both numbers generated
                target_text = marked(target_text, card.target_origin)
            elif card.origin == origin.GENERATED:  # "54% (demo) of required 1,075,000 USD": only the % is
                pct_text = marked(pct_text, card.origin)
            of_target = tr("{pct} of required {target}") if card.required else tr("{pct} of target {target}")
            text = _html_text(of_target.format(pct=pct_text, target=target_text))
            width = min(max(pct, 0.0), 100.0)
            parts.append(f'<div style="font-size:.875rem">{text}</div>'
                         f'<div role="progressbar" aria-label="{text}" aria-valuenow="{width:.0f}" aria-valuemin="0" '
                         f'aria-valuemax="100" style="{_BAR_STYLE};background:rgba(49,51,63,.1)">'
                         f'<div style="{_BAR_STYLE};width:{width:.1f}%;background:{charts.BLUE}"></div></div>')
        else:
            missing = tr("No funding requirement recorded") if card.required else tr("No target recorded")
            parts.append(f'<div style="{_MUTED}">{_html_text(missing)}</div>')
        if card.note:
            parts.append(f'<div style="{_MUTED}">{cited_html(card.note)}</div>')
        items.append(f'<div role="group" aria-label="{_html_text(card.label)}" style="{_CARD_STYLE}">'
                     f'{"".join(parts)}</div>')
    return (f'<div role="region" aria-label="{_html_text(heading)}" style="display:grid;'
            f'grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:1rem;margin-bottom:1rem">'
            f'{"".join(items)}</div>')


def headline_cards(cards: Sequence[Card], heading: str) -> None:
    """Draw ``cards`` under the subheader ``heading`` (translated)."""
    st.subheader(heading)
    st.markdown(cards_html(cards, heading), unsafe_allow_html=True)


def legend(classes, title: str, unit: str = "") -> None:
    """Draw a map legend with Streamlit (branca's would pull d3 from a CDN): one swatch per
    class, then "no data" (dashed, as on the map) and the Khorugh point."""
    from data_pipeline.presentation.maps import NO_DATA_COLOUR

    def item(swatch_style: str, label: str) -> str:
        return (f'<div style="display:flex;align-items:center;gap:.45rem;margin:.15rem 0">'
                f'<span style="flex:none;width:1.2rem;height:.95rem;display:inline-block;{swatch_style}"></span>'
                f'<span>{html.escape(label)}</span></div>')

    rows = [item(f"background:{html.escape(c.colour)};border:1px solid #555", c.label) for c in classes]
    rows.append(item(f"background:{NO_DATA_COLOUR};border:1px dashed #333", tr("No data")))
    rows.append(item("border:2px solid #000;border-radius:50%;width:.8rem;height:.8rem;margin:0 .2rem",
                     tr("Khorugh (city, a point)")))
    heading = html.escape(title) + (f" ({html.escape(unit)})" if unit else "")
    st.markdown(f'<div aria-label="{html.escape(tr("Map legend"))}" style="font-size:.875rem;line-height:1.25">'
                f'<div style="font-weight:600;margin-bottom:.3rem">{heading}</div>{"".join(rows)}</div>',
                unsafe_allow_html=True)


def district_map(values: pd.DataFrame, *, key: str, value_label: str, unit: str, mode: str = "value",
                 selected: tuple[str, ...] = (), height: int = 560, zoom: int = 7, origin: str | None = None) -> None:
    """The choropleth of the programme districts with its legend; a click on a district opens
    its profile.

    ``values``: ``district_code, value, target, source``; ``origin`` is where the values come
    from (``Dataset.origin``): generated ones carry the demo mark in tooltips and legend. The base map (outlines, context) stays
    the same between runs and the data goes in as a layer, so changing the indicator does not
    remount the map. Boundary problems are shown as a readable message; the page goes on.
    """
    from geo.boundaries import BoundaryDataError

    install_static_assets()
    directory = str(geo_dir())
    try:
        layers = boundaries(directory)
    except BoundaryDataError as error:
        st.error(tr("The map cannot be drawn: {error}").format(error=plain(error)), icon=":material/map:")
        return
    lang = current_language()
    values = values.assign(origin=origin or "")
    options = dict(value_label=value_label, unit=unit, mode=mode, selected=tuple(selected), lang=lang, key=key,
                   height=height, zoom=zoom)
    arguments, classes = _map_component(content_key(directory, values, options), layers, values, options)
    map_column, legend_column = st.columns([4, 1])
    with map_column:
        clicked = _folium_component()(**arguments)
    with legend_column:
        title = (f"{value_label} ({unit})" if unit else value_label) if mode == "value" else tr("% of target")
        legend(classes, marked(title, origin))  # "Jobs created (jobs) (demo)": the classes' numbers are generated
    st.caption(tr("Hover over a district for its value, target and source; click it to open its profile. "
                  "Khorugh, a city inside Shughnon, is drawn as a point."))
    open_profile_on_click(clicked, key)


@st.cache_resource(show_spinner=False)
def _folium_component():
    """streamlit_folium's component function, the one ``st_folium`` ends with."""
    import streamlit_folium

    return streamlit_folium._component_func


_CAPTURE_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False, max_entries=128)
def _map_component(inputs: str, _layers, _values: pd.DataFrame, _options: dict) -> tuple[dict, list]:
    """The arguments ``st_folium`` gives its component for this map (``inputs``: the digest of the
    values, options and boundary directory), and the legend classes.

    Rendering the folium map to HTML and script is most of a map page's rerun, and it is the same
    for the same inputs: it is done once, by ``st_folium`` itself with its component call captured,
    and later runs call the component with the same arguments. Same arguments also mean the map's
    frontend keeps its layer instead of redrawing it (folium's element ids are random per build).
    """
    import streamlit_folium

    from data_pipeline.presentation.maps import build_base_map, build_value_layer

    options = dict(_options)
    key, height, zoom = options.pop("key"), options.pop("height"), options.pop("zoom")
    base = build_base_map(_layers, asset_base_url=LEAFLET_URL, zoom_start=zoom)
    layer, classes = build_value_layer(_values, _layers, **options)
    component = _folium_component()
    captured: dict = {}
    # Other sessions call the component through _folium_component(), never through the module global.
    with _CAPTURE_LOCK:
        streamlit_folium._component_func = lambda **arguments: captured.update(arguments)
        try:
            streamlit_folium.st_folium(base, key=key, height=height, use_container_width=True,
                                       feature_group_to_add=layer, returned_objects=["last_active_drawing"])
        finally:
            streamlit_folium._component_func = component
    return captured, classes


def open_profile_on_click(result: dict | None, map_key: str) -> None:
    """Switch to the District profile when the map reports a click on a programme district."""
    feature = (result or {}).get("last_active_drawing") or {}
    code = (feature.get("properties") or {}).get("code")
    if not code or code not in {d.code for d in PROGRAMME_DISTRICTS}:
        return
    # st_folium keeps returning the last click on later reruns: act on each click once.
    handled_key = f"_handled_click_{map_key}"
    if st.session_state.get(handled_key) == feature:
        return
    st.session_state[handled_key] = feature
    open_profile(code)


def open_profile(code: str) -> None:
    """Go to the District profile of ``code`` (keeps the sidebar filters in the URL)."""
    name = district(code).name_en
    st.session_state[KEY_PROFILE] = name
    # switch_page sets the URL to exactly these parameters: the frame's are passed along (Streamlit
    # would still hold them and not write them back); ?profile= makes the profile a link of its own.
    kept = {key: st.query_params.get_all(key) for key in _FRAME_URL_KEYS if key in st.query_params}
    st.switch_page(PROFILE_PAGE, query_params={**kept, KEY_PROFILE: name})


def profile_district_choice(ctx: PageContext) -> str:
    """The district-profile selector (bound to ``?profile=``); returns the chosen code.

    Every programme district can be chosen (a map click may name one outside the filters);
    without a choice, the first district the filters keep is shown.
    """
    names = [d.name_en for d in PROGRAMME_DISTRICTS]
    in_view = [district(code).name_en for code in ctx.filters.district_codes()] or names
    from_url(KEY_PROFILE, names, parse=_DISTRICT_FROM_NAME, default=in_view[0])
    name = st.selectbox(tr("District"), names, key=KEY_PROFILE, format_func=_district_label(current_language()),
                        help=tr("Choose a district, or click one on the map."))
    keep_in_url(KEY_PROFILE, name, None)
    return _NAME_TO_CODE[name]


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX download buttons for exactly the table shown (``data_pipeline.presentation.exports``:
    formula-like cells neutralised), optionally with an HXL hashtag row."""
    csv_column, xlsx_column, hxl_column, _ = st.columns([1, 1, 1.4, 1.6])
    hxl = hxl_column.checkbox(tr("HXL hashtags"), key=f"{key}_hxl",
                              help=tr("Add a row of HXL hashtags under the header, so humanitarian data "
                                      "tools recognise the columns."))
    # The files are built on click, not on every rerun (an XLSX of a large table costs ~0.5 s).
    csv_column.download_button(tr("Download CSV"), lambda: to_csv_bytes(frame, hxl=hxl, excel_bom=True),
                               f"{name}.csv", "text/csv", key=f"{key}_csv", icon=":material/download:",
                               on_click="ignore")
    xlsx_column.download_button(tr("Download XLSX"), lambda: to_xlsx_bytes(frame, hxl=hxl), f"{name}.xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")


def chart(build: Callable[..., Any], *args: Any, key: str, **kwargs: Any) -> None:
    """The plotly chart ``build(*args, **kwargs)`` (a ``data_pipeline.presentation.charts`` builder), whose toolbar
    camera saves it as a PNG (drawn by the browser, so it works offline and costs the server nothing).

    The figure is built once per distinct input (tables by content, labels, language) and shared
    read-only: building a figure is most of a page's rerun, and ``st.plotly_chart`` does not modify it.
    """
    figure = _figure(f"{build.__module__}.{build.__qualname__}", content_key(args, kwargs), build, args, kwargs)
    st.plotly_chart(figure, width="stretch", key=key,
                    config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": key}})


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(name: str, inputs: str, _build: Callable[..., Any], _args: tuple, _kwargs: dict):
    return _build(*_args, **_kwargs)


def content_key(*values: Any) -> str:
    """A digest of ``values`` by content: data frames by their columns, dtypes, index and every cell;
    lists, tuples and dicts item by item; anything else by ``repr``."""
    digest = hashlib.sha256()

    def feed(value: Any) -> None:
        if isinstance(value, pd.DataFrame):
            digest.update(repr(("frame", list(value.columns), [str(t) for t in value.dtypes])).encode())
            digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        elif isinstance(value, (list, tuple)):
            digest.update(f"{type(value).__name__}[{len(value)}]".encode())
            for item in value:
                feed(item)
        elif isinstance(value, dict):
            digest.update(f"dict[{len(value)}]".encode())
            for name in sorted(value):
                feed(name)
                feed(value[name])
        else:
            digest.update(repr((type(value).__name__, value)).encode())

    feed(values)
    return digest.hexdigest()


def briefing_button(data: Dataset, district_code: str | None = None) -> None:
    """Download the briefing pack (PDF) of ``data`` (the filtered data on screen) in the current
    language or, with ``district_code``, that district's one-page sheet. Built when clicked."""
    from data_pipeline.presentation.briefing import build_briefing, build_district_sheets
    from geo.boundaries import BoundaryDataError

    lang = current_language()
    try:
        layers = boundaries(str(geo_dir()))
    except BoundaryDataError:
        layers = None  # the PDF says where the map would be and how to get the boundary files
    if district_code is None:
        label, file_name = tr("Briefing pack (PDF)"), "briefing-pack.pdf"
        build = lambda: build_briefing(data, boundaries=layers, lang=lang)  # noqa: E731
    else:
        label, file_name = tr("District sheet (PDF)"), f"district-sheet-{district_code}.pdf"
        build = lambda: build_district_sheets(data, layers, lang=lang, districts=[district_code])  # noqa: E731
    st.download_button(label, build, file_name, "application/pdf", key=f"briefing_{district_code or 'all'}",
                       icon=":material/picture_as_pdf:", on_click="ignore",
                       help=tr("A printable summary of the figures on screen, with their sources."))


def region_label(code: str) -> str:
    """A region's full name in the current language (``Khatlon Region``)."""
    return tr(REGION_NAMES.get(code, code))


def view_table(ds: Dataset, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()``, a table computed only from ``ds`` (a ``cached_filtered`` data set) and the
    current language, cached by ``name``, store, version, filters and language (a copy per call)."""
    version = ds.version.id if ds.version else None
    return _view_table(name, page_context().store_url, version, ds.filters, current_language(), compute)


@st.cache_data(show_spinner=False, max_entries=256)
def _view_table(name: str, url: str, version: int | None, filters: Filters, lang: str,
                _compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    return _compute()


# Display formats of numeric columns (sprintf-js, with Streamlit's thousands separator).
COUNT_FORMAT = "%,d"
PCT_FORMAT = "%.1f%%"


_ROW_PX = 35
_FULL_HEIGHT_ROWS = 20


def show_table(frame: pd.DataFrame, labels: dict[str, str], formats: dict[str, str] | None = None,
               height: int | None = None, wide: tuple[str, ...] = ()) -> pd.DataFrame:
    """Show the ``labels`` columns of ``frame`` (titled by ``labels``) with readable numbers.

    Numeric columns get thousands separators, ``*_pct`` columns a % sign; ``formats``
    overrides per column. Tables of up to 20 rows are shown whole; ``wide`` columns get
    more room. Returns the columns shown, under their data names (for the downloads).
    """
    formats = formats or {}
    shown = frame[list(labels)].reset_index(drop=True)
    lang = current_language()
    # Streamlit's number formats always use English separators: in another language the
    # numbers are shown as text formatted for that locale (the returned table stays numeric).
    display = shown.copy() if lang != DEFAULT_LANGUAGE else shown
    config = {}
    for column, label in labels.items():
        width = "large" if column in wide else None
        numeric = pd.api.types.is_numeric_dtype(shown[column])
        fmt = formats.get(column) or (PCT_FORMAT if column.endswith("_pct") else COUNT_FORMAT)
        if (column in formats or numeric) and lang != DEFAULT_LANGUAGE:
            display[column] = [_format_cell(v, fmt, lang) for v in shown[column]]
            config[column] = st.column_config.TextColumn(label, width=width, alignment="right")
        elif column in formats or numeric:
            config[column] = st.column_config.NumberColumn(label, format=fmt, width=width)
        else:
            config[column] = st.column_config.TextColumn(label, width=width)
    if height is None:
        height = _ROW_PX * (min(len(shown), _FULL_HEIGHT_ROWS) + 1) + 3
    st.dataframe(display, column_config=config, hide_index=True, width="stretch", height=height,
                 placeholder=MISSING)  # Streamlit would show "None"
    return shown


def _format_cell(value, fmt: str, lang: str) -> str:
    """One number of a table in ``lang``, following the column's sprintf format (decimals, %, USD)."""
    if value is None or pd.isna(value):
        return MISSING
    decimals = int(fmt.split(".")[1][0]) if "." in fmt else 0
    unit = "%" if fmt.endswith("%%") else "USD" if fmt.endswith("USD") else ""
    text = i18n.format_number(float(value), lang, decimals, unit)
    return f"± {text}" if fmt.startswith("±") else text


def version_id(ctx: PageContext) -> int | None:
    return ctx.full.version.id if ctx.full.version is not None else None


def submissions_table(version) -> pd.DataFrame:
    """The files (or demo submissions) behind a store version, one row each."""
    return pd.DataFrame([
        {"kind": tr(s.kind), "file_name": s.file_name, "sha256": short_hash(s.sha256) + "…",
         "uploaded_by": s.uploaded_by, "uploaded_at": f"{s.uploaded_at:%Y-%m-%d %H:%M}", "row_count": s.row_count,
         "origin": tr("demo generator") if s.is_demo else tr("uploaded file")}
        for s in version.submissions
    ], columns=["kind", "file_name", "sha256", "uploaded_by", "uploaded_at", "row_count", "origin"])
