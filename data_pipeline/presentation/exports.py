"""Tables on screen as CSV and XLSX bytes, optionally with an HXL hashtag row under the header.

The `Humanitarian Exchange Language <https://hxlstandard.org>`_ row lets HDX, HXL Proxy and
other humanitarian data tools read a table without a mapping step. Which hashtag each column
gets is declared once, in ``data_pipeline.reference.hxl`` (``HXL_TAGS``): ingest reads the same
tags back.

Formula injection (OWASP "CSV Injection"): a text cell beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is something a spreadsheet may run as a formula. Such
cells get a leading single quote, in CSV and XLSX alike, so the text is shown, never run;
numbers are written as numbers and are never touched (``-2`` stays the number −2). In XLSX
every text cell is also written with the string data type, so openpyxl never emits a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from data_pipeline.reference.hxl import HXL_TAGS

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a text cell as a formula (OWASP)."""

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_COLUMN_WIDTH = 60
_WIDTH_SAMPLE_ROWS = 2000


def neutralise_cell(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula;
    any other value (numbers included, negative or not) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def hxl_row(columns: Iterable[object]) -> list[str]:
    """The HXL hashtag of each column (``""`` for columns without one)."""
    return [HXL_TAGS.get(str(column), "") for column in columns]


PLACE_CODE_COLUMNS = ("district_pcode", "district_code", "region_pcode")
"""The codes a per-district download carries in front of what the page shows: the OCHA P-code
(``#adm2+code``), the project code (``#adm2+code+project``) and the region's P-code (``#adm1+code``)."""


def with_place_codes(shown: pd.DataFrame, source: pd.DataFrame | None = None, *,
                     district_code: str | None = None) -> pd.DataFrame:
    """``shown`` (a table as a page shows it, one row per row of ``source``) with the place-code columns
    of ``source`` in front, or, for a table of one district, those of ``district_code`` on every row.
    Codes do not depend on the language, so a download in Russian joins as one in English does."""
    from geo.gazetteer import district

    if district_code is not None:
        place = district(district_code)
        codes = pd.DataFrame({"district_pcode": place.pcode, "district_code": place.code,
                              "region_pcode": place.region_pcode}, index=range(len(shown)))
    elif source is not None:
        codes = source[[c for c in PLACE_CODE_COLUMNS if c in source]].reset_index(drop=True)
    else:
        raise ValueError("with_place_codes needs the source table or a district_code.")
    codes = codes[[c for c in codes.columns if c not in shown.columns]]
    return pd.concat([codes, shown.reset_index(drop=True)], axis=1)


def _neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are neutralised; numeric and date columns are left as they are."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.astype(object).map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def _check_frame(df: object) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"Expected a pandas DataFrame to export, got {type(df).__name__}.")
    if df.columns.duplicated().any():
        duplicated = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(f"The table has duplicate column name(s) {', '.join(duplicated)}; "
                         f"rename them so each column can be read back.")
    return df


def to_csv_bytes(df: pd.DataFrame, *, hxl: bool = False, excel_bom: bool = False) -> bytes:
    """``df`` as UTF-8 CSV (no index, RFC 4180 line ends), formula-like text neutralised.

    ``hxl`` adds the HXL hashtag row under the header. ``excel_bom`` starts the file with a
    UTF-8 byte-order mark, which Excel needs to show Cyrillic correctly when it opens a CSV
    by double-click; leave it off for other tools (the CLI writes plain UTF-8).
    """
    frame = _neutralise_frame(_check_frame(df))
    buffer = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as terminator the csv writer quotes any cell holding a CR
    # or LF, so a stray carriage return cannot split a row.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(frame.columns)
    if hxl:
        writer.writerow(hxl_row(df.columns))
    # Dates without a time of day are written as 2019-03-04, as the ingest and people expect.
    frame.to_csv(buffer, index=False, header=False, lineterminator="\r\n", date_format=_date_format(frame))
    text = buffer.getvalue()
    return ("\ufeff" + text if excel_bom else text).encode("utf-8")


def _date_format(frame: pd.DataFrame) -> str | None:
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = series.dropna()
            if not values.empty and not (values.dt.normalize() == values).all():
                return None  # some timestamps carry a time: keep pandas' full form
    return "%Y-%m-%d"


def _excel_value(value: object) -> object:
    """A cell value openpyxl writes faithfully: Python numbers, datetimes, text or ``None``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    return str(value)


def _check_sheet_name(sheet_name: str) -> None:
    if not sheet_name or len(sheet_name) > 31 or _SHEET_NAME_FORBIDDEN.search(sheet_name):
        raise ValueError(f"Sheet name {sheet_name!r} cannot be used in Excel: it must be 1–31 characters "
                         f"without any of [ ] : * ? / \\. Choose a name such as 'data'.")


def to_xlsx_bytes(df: pd.DataFrame, *, hxl: bool = False, sheet_name: str = "data") -> bytes:
    """``df`` as an Excel workbook with one sheet: bold frozen header (and HXL row when ``hxl``),
    columns wide enough to read, numbers as numbers, dates as dates, text as text (never a
    formula; formula-like text neutralised as in CSV)."""
    _check_sheet_name(sheet_name)
    frame = _check_frame(df)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    header = [str(c) for c in frame.columns]
    tags = hxl_row(frame.columns) if hxl else None
    for index, width in enumerate(_column_widths(frame, header, tags), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3" if hxl else "A2"

    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, neutralise_cell(h), font=bold) for h in header])
    if tags is not None:
        sheet.append([_text_cell(sheet, tag, font=Font(italic=True, color="555555")) for tag in tags])

    date_columns = {i for i, c in enumerate(frame.columns)
                    if pd.api.types.is_datetime64_any_dtype(frame[c])}
    date_only = _date_format(frame) is not None
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for index, raw in enumerate(row):
            value = _excel_value(raw)
            if isinstance(value, str):
                cells.append(_text_cell(sheet, neutralise_cell(value)))
            elif isinstance(value, (dt.datetime, dt.date)):
                cell = WriteOnlyCell(sheet, value=value)
                if index in date_columns or isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd" if date_only else "yyyy-mm-dd hh:mm"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, text: str, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes any str beginning with "=" a formula unless told otherwise
    if font is not None:
        cell.font = font
        cell.alignment = Alignment(vertical="top")
    return cell


def _column_widths(frame: pd.DataFrame, header: list[str], tags: list[str] | None) -> list[float]:
    """Character widths from the header, the HXL tag and the first rows' values, capped."""
    sample = frame.head(_WIDTH_SAMPLE_ROWS)
    widths = []
    for index, column in enumerate(frame.columns):
        longest = len(header[index])
        if tags is not None:
            longest = max(longest, len(tags[index]))
        values = sample[column].dropna()
        if not values.empty:
            if pd.api.types.is_datetime64_any_dtype(values):
                longest = max(longest, 16 if _date_format(frame) is None else 10)
            else:
                longest = max(longest, int(values.astype(str).str.len().max()))
        widths.append(float(min(_MAX_COLUMN_WIDTH, longest + 2)))
    return widths
