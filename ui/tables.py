"""Tables with their downloads, charts and the briefing PDF's button: what a page shows of a frame."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from data_pipeline.analysis.dataset import Dataset
from data_pipeline.analysis.history import short_hash
from data_pipeline.analysis.survey import NOT_STATED, survey_parts
from data_pipeline.presentation import charts, i18n
from data_pipeline.presentation.exports import to_csv_bytes, to_xlsx_bytes
from data_pipeline.presentation.i18n import DEFAULT_LANGUAGE, MISSING
from data_pipeline.reference.origin import COMPUTED, GENERATED, UPLOADED
from data_pipeline.settings import geo_dir
from ui.cards import citation, citation_html
from ui.data import boundaries, content_key
from ui.language import current_language, format_number, marked, tr, without_prefix
from ui.document import CHART, PHONE_ROWS, TABLE
from ui.text import html_text, plain

# Display formats of numeric columns (sprintf-js, with Streamlit's thousands separator).
COUNT_FORMAT = "%,d"
PCT_FORMAT = "%.1f%%"
_ROW_PX = 35
_FULL_HEIGHT_ROWS = 20


def show_table(frame: pd.DataFrame, labels: dict[str, str], formats: dict[str, str] | None = None,
               height: int | None = None, wide: tuple[str, ...] = (), source: str | None = None,
               notes: tuple[str, ...] = (), lead: str = "") -> pd.DataFrame:
    """Show the ``labels`` columns of ``frame`` (titled by ``labels``) with readable numbers.

    Numeric columns get thousands separators, ``*_pct`` columns a % sign; ``formats`` overrides per
    column. Tables of up to 20 rows (every table of districts, objectives or indicators) are one HTML
    table (``html_table``): the first column names the row and stays in view when the table scrolls
    sideways, numbers are formatted for the language and right-aligned, and on a phone the table is a
    list instead (one entry per row: its name, then each column's heading and value), since a phone's
    screen holds two or three columns. A longer table is Streamlit's data grid (scrolling, sorting,
    search), its first column pinned and ``wide`` columns given more room. ``source`` (the published
    documents the rows come from) and ``notes`` are printed under the table, in its element when it is HTML
    (``citation_html``); ``lead`` (Markdown: a heading, figures, the table's name) above it, in its element too.
    Returns the columns shown, under their data names (for the downloads).
    """
    formats = formats or {}
    shown = frame[list(labels)].reset_index(drop=True)
    lang = current_language()
    if len(shown) <= _FULL_HEIGHT_ROWS:
        # One element, and no data grid: a grid costs its ~0.3 MB of script and a canvas redrawn per change.
        cited = citation_html(source, *notes) if source else ""
        table = html_table(shown, labels, formats, lang, wide) + cited
        st.markdown(f"{lead}\n\n{table}" if lead else table, unsafe_allow_html=True)
        return shown
    if lead:
        st.markdown(lead, unsafe_allow_html=True)
    # Streamlit's number formats always use English separators: in another language the
    # numbers are shown as text formatted for that locale (the returned table stays numeric).
    display = shown.copy() if lang != DEFAULT_LANGUAGE else shown
    config = {}
    for position, (column, label) in enumerate(labels.items()):
        numeric = pd.api.types.is_numeric_dtype(shown[column])
        # The first column names the row: pinned, so it stays in view when the grid scrolls sideways.
        pinned = position == 0 and not numeric
        width = "large" if column in wide else None
        fmt = _format_of(column, formats)
        if (column in formats or numeric) and lang != DEFAULT_LANGUAGE:
            display[column] = [_format_cell(v, fmt, lang) for v in shown[column]]
            config[column] = st.column_config.TextColumn(label, width=width, alignment="right", pinned=pinned)
        elif column in formats or numeric:
            config[column] = st.column_config.NumberColumn(label, format=fmt, width=width, pinned=pinned)
        else:
            config[column] = st.column_config.TextColumn(label, width=width, pinned=pinned)
    height = height or _ROW_PX * (_FULL_HEIGHT_ROWS + 1) + 3
    st.dataframe(display, column_config=config, hide_index=True, width="stretch", height=height,
                 placeholder=MISSING)  # Streamlit would show "None"
    if source:
        citation(source, *notes)
    return shown


def html_table(table: pd.DataFrame, labels: dict[str, str], formats: dict[str, str], lang: str,
               wide: tuple[str, ...] = ()) -> str:
    """``table``'s ``labels`` columns as one line of HTML: a table (``table_markup``) in a frame that scrolls
    sideways, and the same rows as a list for phones (``phone_rows``; ``ui.document`` shows one or the
    other by the screen's width). Numbers follow the column's format (``formats``, else a count's or a
    percentage's) in ``lang``."""
    def number(column: str, value: Any) -> str:
        return _format_cell(value, _format_of(column, formats), lang)

    markup, texts = table_markup(table, labels, number, numeric=tuple(formats), wide=wide)
    # tabindex: a table wider than the screen scrolls sideways, and the keyboard must reach it to scroll it.
    return f'<div class="{TABLE}" tabindex="0">{markup}</div>' + phone_rows(texts, labels)


def table_markup(table: pd.DataFrame, labels: dict[str, str], number: Callable[[str, Any], str],
                 numeric: tuple[str, ...] = (), wide: tuple[str, ...] = (), name: str | None = None
                 ) -> tuple[str, dict[str, list[str]]]:
    """``table``'s ``labels`` columns as one HTML ``<table>`` (named ``name``, its ``aria-label``, if given),
    and every cell as shown, column by column. Column headings are ``th scope="col"`` with the column's
    data name in ``data-column``; each row's first cell is its heading (``th scope="row"``). Numbers (numeric
    columns and ``numeric``) are written by ``number(column, value)``, right-aligned (``{TABLE}-num``) and
    carry their value in ``data-value`` (a number in a text column is written so too); a missing cell shows –. Every text is escaped (``html_text``); the
    HTML is one line, so Markdown reads it as one block and formats nothing in it. Plain lists, not cell
    by cell pandas access: this runs for every table on every rerun."""
    columns = list(labels)
    missing = table[columns].isna().to_dict("list")
    values = table[columns].to_dict("list")
    is_numeric = {c: c in numeric or pd.api.types.is_numeric_dtype(table[c]) for c in columns}

    def text(column: str, value: Any, gone: bool) -> str:
        if gone:
            return MISSING
        if is_numeric[column] or (pd.api.types.is_number(value) and not isinstance(value, bool)):
            return number(column, value)  # a number in a text column too
        return str(value)

    texts = {c: [text(c, v, gone) for v, gone in zip(values[c], missing[c])] for c in columns}

    def heading(column: str) -> str:
        kind = "num" if is_numeric[column] else "wide" if column in wide else ""
        attributes = f' class="{TABLE}-{kind}"' if kind else ""
        return f'<th scope="col" data-column="{html_text(column)}"{attributes}>{html_text(labels[column])}</th>'

    def cells(column: str) -> list[str]:
        tag = "th" if column == columns[0] else "td"
        scope = ' scope="row"' if tag == "th" else ""
        out = []
        for value, text, gone in zip(values[column], texts[column], missing[column]):
            number_value = not gone and pd.api.types.is_number(value) and not isinstance(value, bool)
            # a missing number's – stays right-aligned under its column's heading
            attributes = (f' class="{TABLE}-num" data-value="{float(value)!r}"' if is_numeric[column] and number_value
                          else f' class="{TABLE}-num"' if is_numeric[column] else "")
            out.append(f"<{tag}{scope}{attributes}>{html_text(text)}</{tag}>")
        return out

    by_column = [cells(column) for column in columns]
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in zip(*by_column))
    label = f' aria-label="{html_text(name)}"' if name is not None else ""
    head = "".join(heading(column) for column in columns)
    return f"<table{label}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", texts


def _format_of(column: str, formats: dict[str, str]) -> str:
    """The sprintf format of ``column``: its own, a percentage's or a count's."""
    return formats.get(column) or (PCT_FORMAT if column.endswith("_pct") else COUNT_FORMAT)


def phone_rows(texts: dict[str, list[str]], labels: dict[str, str]) -> str:
    """A table's cells as shown (``texts``: column → its cells as text) as the HTML list a phone shows instead
    of the table (``ui.document`` swaps them below 640 px): per row its first cell, then "heading: value" for
    the others. Every text is escaped; the list is one line, so Markdown reads it as one HTML block and
    formats nothing in it."""
    first, *others = labels
    items = "".join(
        f'<div role="listitem" class="{PHONE_ROWS}-row"><div class="{PHONE_ROWS}-name">{html_text(row[0])}</div>'
        f'<div>{" · ".join(f"{html_text(labels[c])}: <b>{html_text(v)}</b>" for c, v in zip(others, row[1:]))}</div></div>'
        for row in zip(*(texts[c] for c in labels)))
    return f'<div class="{PHONE_ROWS}" role="list">{items}</div>'


def _format_cell(value, fmt: str, lang: str) -> str:
    """One number of a table in ``lang``, following the column's sprintf format (decimals, %, USD)."""
    if value is None or pd.isna(value):
        return MISSING
    decimals = int(fmt.split(".")[1][0]) if "." in fmt else 0
    unit = "%" if fmt.endswith("%%") else "USD" if fmt.endswith("USD") else ""
    text = i18n.format_number(float(value), lang, decimals, unit)
    return f"± {text}" if fmt.startswith("±") else text


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX download buttons for exactly the table shown (``data_pipeline.presentation.exports``:
    formula-like cells neutralised), optionally with an HXL hashtag row. In one row that wraps on a phone (a
    horizontal container: one element, where four columns were five)."""
    with st.container(horizontal=True, vertical_alignment="center"):
        # The files are built on click, not on every rerun (an XLSX of a large table costs ~0.5 s): after this
        # run, so the functions read ``hxl``, the checkbox drawn after the buttons, as this run left it.
        st.download_button(tr("Download CSV"), lambda: to_csv_bytes(frame, hxl=hxl, excel_bom=True),
                           f"{name}.csv", "text/csv", key=f"{key}_csv", icon=":material/download:",
                           on_click="ignore")
        st.download_button(tr("Download XLSX"), lambda: to_xlsx_bytes(frame, hxl=hxl), f"{name}.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")
        hxl = st.checkbox(tr("HXL hashtags"), key=f"{key}_hxl",
                          help=tr("Add a row of HXL hashtags under the header, so humanitarian data "
                                  "tools recognise the columns."))


def chart(build: Callable[..., Any], *args: Any, key: str, **kwargs: Any) -> None:
    """The chart ``build(*args, **kwargs)`` (a ``data_pipeline.presentation.charts`` builder: SVG), its
    summary in words under it, and its data one click away: as a table, and the chart as an SVG file.
    Two elements (``described``): each element of a rerun costs the browser ~2 ms on a filter change and
    ~6.5 ms on a visit (benchmarks/PROFILE.md, rounds 8 and 10).

    The SVG is put into the page as it is: every text in it is escaped by its builder, and st.html
    would drop it (its DOMPurify allows HTML only). Charts and summaries are built once per distinct
    input (tables by content, labels, language) and shared read-only.
    """
    name, inputs = f"{build.__module__}.{build.__qualname__}", content_key(args, kwargs)
    figure = _figure(name, inputs, build, args, kwargs)
    text = _chart_text(name, inputs, build, args, kwargs)
    label = tr("Chart data")
    _show_chart(_chart_block(name, inputs, current_language(), label, text, figure), figure, key)


def described(text: charts.ChartText, figure: charts.Svg | None = None, key: str = "", label: str | None = None) -> None:
    """A chart (``figure``, if any) or map's summary in words, and under ``label`` (**Chart data**) its
    table, and the chart as an SVG file when there is one: what a reader who cannot see the picture
    needs, one click away. One Markdown element of HTML (``chart_html``) and the file's download button.

    The download is a button, not a ``data:`` link in the block: Streamlit's Markdown keeps such a link,
    but a block holding one took the keyboard focus away from the tabs whose change drew it
    (tests/browser/test_keyboard_in_browser.py, benchmarks/PROFILE.md round 10)."""
    _show_chart(chart_html(text, figure, label or tr("Chart data")), figure, key)


def _show_chart(block: str, figure: charts.Svg | None, key: str) -> None:
    """A chart's HTML block (``chart_html``) and, under it, the download of its SVG ``figure``."""
    st.markdown(block, unsafe_allow_html=True)
    if figure is not None:
        st.download_button(tr("Download chart (SVG)"), str(figure).encode(), f"{key or 'chart'}.svg", "image/svg+xml",
                           key=f"{key}_svg", icon=":material/download:", on_click="ignore")


def chart_html(text: charts.ChartText, figure: charts.Svg | None, label: str) -> str:
    """One line of HTML (Markdown reads it as one HTML block and formats nothing in it): the SVG
    ``figure``, ``text``'s summary (grey, as a caption) and a native ``<details>`` named ``label`` holding
    the data as an HTML table (numbers in the current language). Every text from data or a translation is escaped (``html_text``); the SVG's own by its builder."""
    parts = []
    if figure is not None:  # as html_text does: Streamlit would turn a label's ":material/" into ":material_"
        drawn = " ".join(str(figure).splitlines()).replace(":material/", ":\u2060material/")
        parts.append(f'<div class="{CHART}-figure">{drawn}</div>')
    parts.append(f'<p class="{CHART}-summary">{html_text(text.summary)}</p>')
    if text.headings:
        parts.append(f'<details class="{CHART}-data"><summary>{html_text(label)}</summary>'
                     f'{data_table(text.table, text.headings, text.summary)}</details>')
    return f'<div class="{CHART}">{"".join(parts)}</div>'


def data_table(frame: pd.DataFrame, headings: dict[str, str], name: str) -> str:
    """A chart's data (``frame``'s ``headings`` columns) as an HTML table named ``name`` (``table_markup``),
    numbers formatted for the current language as the chart's summary writes them."""
    lang = current_language()
    markup, _texts = table_markup(frame, headings, lambda _column, value: i18n.format_number(value, lang), name=name)
    return f'<div class="{CHART}-table">{markup}</div>'


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(name: str, inputs: str, _build: Callable[..., Any], _args: tuple, _kwargs: dict) -> charts.Svg:
    return _build(*_args, **_kwargs)


@st.cache_resource(show_spinner=False, max_entries=256)
def _chart_block(name: str, inputs: str, lang: str, label: str, _text: charts.ChartText,
                 _figure: charts.Svg | None) -> str:
    """``chart_html`` of a chart, built once per chart, input and language (a rerun sends the same block)."""
    return chart_html(_text, _figure, label)


@st.cache_resource(show_spinner=False, max_entries=256)
def _chart_text(name: str, inputs: str, _build: Callable[..., Any], _args: tuple, _kwargs: dict) -> charts.ChartText:
    return charts.describe(_build, *_args, **_kwargs)


def briefing_button(data: Dataset, district_code: str | None = None, indicator_id: str | None = None) -> None:
    """Download the briefing pack (PDF) of ``data`` (the filtered data on screen) in the current
    language, mapping ``indicator_id`` (the indicator the page shows), or, with ``district_code``,
    that district's one-page sheet. Built when clicked."""
    from data_pipeline.presentation.briefing import build_briefing, build_district_sheets
    from geo.boundaries import BoundaryDataError

    lang = current_language()
    try:
        layers = boundaries(str(geo_dir()))
    except BoundaryDataError:
        layers = None  # the PDF says where the map would be and how to get the boundary files
    if district_code is None:
        label, file_name = tr("Briefing pack (PDF)"), "briefing-pack.pdf"
        build = lambda: build_briefing(data, boundaries=layers, lang=lang, map_indicator=indicator_id)  # noqa: E731
    else:
        label, file_name = tr("District sheet (PDF)"), f"district-sheet-{district_code}.pdf"
        build = lambda: build_district_sheets(data, layers, lang=lang, districts=[district_code])  # noqa: E731
    st.download_button(label, build, file_name, "application/pdf", key=f"briefing_{district_code or 'all'}",
                       icon=":material/picture_as_pdf:", on_click="ignore",
                       help=tr("A printable summary of the figures on screen, with their sources."))


def iati_button(full: Dataset) -> None:
    """Download the whole active version (``full``, unfiltered) as an IATI 2.03 activities file, built when
    clicked; says which settings are the defaults and that demo data is marked, and links the data feed."""
    from data_pipeline.presentation.iati import build_iati
    from data_pipeline.presentation.iati_config import IatiConfigError, load_iati_config
    from data_pipeline.settings import get_setting

    st.subheader(tr("Standards: IATI and the data feed"))
    try:
        config = load_iati_config(get_setting("iati_config"))
    except IatiConfigError as error:
        st.error(tr("The IATI settings file cannot be used: {problem}").format(problem=plain(error)),
                 icon=":material/error:")
        return
    if full.version is not None:
        st.download_button(tr("IATI 2.03 results (XML)"), lambda: build_iati(full, config),
                           f"iati-activities-v{full.version.id}{'-demo' if full.is_demo else ''}.xml",
                           "application/xml", key="iati_xml", icon=":material/download:", on_click="ignore",
                           help=tr("One IATI activity per programme, for the whole active version whatever the "
                                   "filters: each district's targets and results per year, located by OCHA P-code."))
    notes = []
    if full.is_demo:
        notes.append(tr("Demo data: the file is marked DEMO in every activity's identifier, title and description; "
                        "do not publish it."))
    if config.defaults:
        notes.append(tr("Values from the dashboard's defaults, not yet set by the organisation (iati.toml): "
                        "{names}.").format(names=", ".join(config.defaults)))
    notes.append(tr("Machine-readable feed, no sign-in: {links} (CSV with HXL, JSON).").format(
        links=", ".join(f"`/feed/{name}`" for name in ("indicators.csv", "indicators.json", "catalogue.csv",
                                                         "catalogue.json"))))
    for note in notes:
        st.caption(note)


def submissions_table(version) -> pd.DataFrame:
    """The files (or demo submissions) behind a store version, one row each."""
    return pd.DataFrame([
        {"kind": tr(s.kind), "file_name": s.file_name, "sha256": short_hash(s.sha256) + "…",
         "uploaded_by": s.uploaded_by, "uploaded_at": f"{s.uploaded_at:%Y-%m-%d %H:%M}", "row_count": s.row_count,
         "origin": tr("demo generator") if s.is_demo else tr("uploaded file")}
        for s in version.submissions
    ], columns=["kind", "file_name", "sha256", "uploaded_by", "uploaded_at", "row_count", "origin"])


def changes_labels(ds: Dataset) -> dict[str, str]:
    """The headings of the table of changes since the previous version (``changes_since_previous``),
    each number column marked by where its figures come from: a change is generated when either
    version's figures are."""
    previous = GENERATED if ds.previous_version.is_demo else UPLOADED
    change = GENERATED if GENERATED in (previous, ds.origin) else ds.origin
    return {"label": tr("Indicator"), "previous": marked(tr("Previous"), previous),
            "current": marked(tr("Current"), ds.origin), "change": marked(tr("Change"), change)}


def with_published_pct(estimates: pd.DataFrame) -> pd.DataFrame:
    """The survey's estimates (``survey_estimates``) with a ``published`` column: each percentage as
    the factsheet prints it, with its qualifier, in the current language."""
    return estimates.assign(published=[f"{tr(qualifier) if qualifier else ''} {format_number(value, '%')}".strip()
                                       for qualifier, value in zip(estimates["qualifier"], estimates["value_pct"])])


def time_in_russia(sample: float) -> tuple[pd.DataFrame, float, float]:
    """The time-in-Russia counts (``survey_parts``) as shown (labels without their prefix, the origin in
    words), the sum of the published counts, and the rest of the ``sample`` shown as not stated."""
    parts = survey_parts()
    counted = parts.loc[parts["origin"] != COMPUTED, "respondents"].sum()
    rest = parts.loc[parts["id"] == NOT_STATED, "respondents"].sum()
    computed = tr("computed: {sample} − the counts above").format(sample=format_number(sample))
    shown = parts.assign(label=without_prefix(parts["label"]),
                         origin=[computed if kind == COMPUTED else tr("published") for kind in parts["origin"]])
    return shown, counted, rest
