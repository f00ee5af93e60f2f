"""The XLSX reader: the chosen sheet's values (python-calamine) and what its XML shows that the values
do not (merged cells, formulas without a saved result, Excel errors), within the read limits."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from data_pipeline.ingest.grid import Grid, Progress, factorise, split_header
from data_pipeline.ingest.limits import ReadLimits, Refused, scan_workbook, sheet_segments
from data_pipeline.ingest.problems import ProblemLog
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown
from data_pipeline.ingest.validate import is_blank

DATA_SHEET_NAMES = ("data", "records", "activities", "targets", "funding", "данные", "записи",
                    "мероприятия", "цели", "финансирование")
"""Sheet names preferred over the first sheet with data (compared in lower case)."""

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"')
_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>', re.DOTALL)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb'<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)', re.DOTALL)
_CACHED = re.compile(rb'<(?:\w+:)?v>[^<]+</(?:\w+:)?v>|<(?:\w+:)?is>')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_CACHED_TEXT = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')


def read_xlsx(data: bytes, log: ProblemLog, notes: list[str], report: Progress,
              limits: ReadLimits) -> Grid | None:
    """The chosen sheet's values (python-calamine: ~10× faster than openpyxl) and, from the sheet's
    XML, its merged cells, formulas without a saved result and Excel error values.

    Every part of the zip, and each sheet's extent, is checked against ``limits`` before
    python-calamine reads it: calamine holds every cell from A1 to the last one named.
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        archive, sheet_paths = scan_workbook(data, limits, _sheet_xml_paths)
        workbook = CalamineWorkbook.from_object(io.BytesIO(data))
        with workbook:
            names = [s.name for s in workbook.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
            chosen, rows, marks = _choose_sheet(workbook, names, lambda sheet: _scan_sheet(
                data, archive, sheet_paths.get(sheet), sheet, limits))
    except Refused as refusal:
        log.add(None, None, None, refusal.message)
        return None
    except Exception as err:  # the readers raise many types for a broken workbook
        log.add(None, None, None, _("The file is not a readable Excel workbook ({error}). Open it in Excel and "
                                    "save it again as 'Excel Workbook (.xlsx)'.", error=type(err).__name__))
        return None
    if chosen is None:
        log.add(None, None, None, _("The workbook is empty: no sheet holds any data."))
        return None
    if len(names) > 1:
        others = ", ".join(repr(name) for name in names if name != chosen)
        notes.append(f"Read sheet {chosen!r} (the workbook also has {others}).")
    header_index = next(i for i, r in enumerate(rows) if any(not is_blank(v) for v in r))
    width = max((len(r) for r in rows), default=0)
    while width and all(len(r) < width or is_blank(r[width - 1]) for r in rows):
        width -= 1
    report("parsing", 0.5)
    _log_marks(marks, rows[header_index], header_index + 1, log)
    grid = _grid(rows[header_index:], width, header_index + 1, chosen)
    report("parsing", 1.0)
    return grid


def _log_marks(marks: _SheetMarks, head: list, header_row: int, log: ProblemLog) -> None:
    """Merged cells, Excel errors and formulas without a saved result as problems, each placed by its
    row and its column's header (the column's letter in the header row, or when it has none)."""
    def column_label(letter: str) -> str:
        from openpyxl.utils.cell import column_index_from_string  # only for a workbook with problems to place

        index = column_index_from_string(letter) - 1
        return str(head[index]).strip() if index < len(head) and not is_blank(head[index]) else letter

    def cell_place(attrs: bytes) -> tuple[int | None, str]:
        ref = _CELL_REF.search(attrs)
        if not ref:
            return None, ""
        letter, row = ref.group(1).decode(), int(ref.group(2))
        return row, letter if row == header_row else column_label(letter)

    for cells in marks.merges:
        from openpyxl.utils.cell import coordinate_from_string

        (first_letter, first_row), (_last, last_row) = (coordinate_from_string(part) for part in cells.split(":"))
        where = _("in the header") if first_row <= header_row <= last_row else _("in the data")
        log.add(first_row, column_label(first_letter), cells,
                _("Merged cells {cells} {where}: only the first cell keeps a value. Unmerge them and give every "
                  "column its own header and every row its own values.", cells=cells, where=where))
    for attrs, inner in marks.cells:
        row, label = cell_place(attrs)
        if _ERROR_TYPE.search(attrs):
            error = _CACHED_TEXT.search(inner)
            log.add(row, label, error.group(1).decode("utf-8", "replace") if error else None,
                    _("The cell holds an Excel error instead of a value. Fix the formula (or type the "
                      "value) and save the file again."))
        else:
            text = (_FORMULA.search(inner).group(1) or b"").decode("utf-8", "replace")
            log.add(row, label, f"={text}" if text else None,
                    _("Formula without a saved result: the file was written by a program that does not "
                      "calculate. Open it in Excel (or LibreOffice) and save it again, or paste values."))


def _grid(body: list[list], width: int, header_row: int, sheet: str) -> Grid:
    """The sheet's rows from the header down, ``width`` cells each, as a grid of factorised columns."""
    padded = [tuple(r[:width]) + (None,) * (width - len(r[:width])) for r in body]
    matrix = np.empty((len(padded), width), dtype=object)
    if padded:
        matrix[:, :] = padded
    header = ["" if is_blank(v) else str(_excel_value(v)) for v in matrix[0]] if len(matrix) else []
    columns = [factorise(pd.Series(matrix[1:, j], dtype=object), normalise=_excel_value) for j in range(width)]
    row_numbers = np.arange(header_row, header_row + len(padded), dtype=np.int64)
    return split_header(header, columns, row_numbers, decimal_comma=True, sheet=sheet)


def _sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name → the part of the workbook's zip that holds its XML (from workbook.xml and its
    rels; a target that names no part is left out)."""
    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels if local(rel.tag) == "Relationship"}
    members = {name.lower(): name for name in archive.namelist()}
    paths = {}
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if local(element.tag) != "sheet":
            continue
        relation = next((value for key, value in element.attrib.items() if local(key) == "id"), None)
        target = targets.get(relation, "")
        path = posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
        if target and path.lower() in members:
            paths[element.get("name", "")] = members[path.lower()]
    return paths


def _excel_value(value: object) -> object:
    """A calamine cell value as openpyxl gives it: empty is None, whole numbers are ints, dates are
    datetimes (the rest of ingest was written against those)."""
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _choose_sheet(workbook, names: list[str], scan: Callable[[str], _SheetMarks],
                  ) -> tuple[str | None, list[list], _SheetMarks]:
    """The sheet named like data/records with data, else the first with data, its rows (from A1)
    and marks; ``scan`` checks each sheet's XML before calamine reads it."""
    preferred = sorted(names, key=lambda name: name.strip().lower() not in DATA_SHEET_NAMES)
    for name in preferred:
        marks = scan(name)
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if any(not is_blank(v) for r in rows for v in r):
            return name, rows, marks
    return None, [], _SheetMarks()


@dataclass
class _SheetMarks:
    """What a sheet's XML shows and its values do not: merged ranges, cells with an error or a formula
    without a saved result (each as the cell's attributes and inner XML)."""

    merges: list[str] = field(default_factory=list)
    cells: list[tuple[bytes, bytes]] = field(default_factory=list)


def _scan_sheet(data: bytes, archive: zipfile.ZipFile, part: str | None, sheet: str,
                limits: ReadLimits) -> _SheetMarks:
    """Stream the sheet's XML (``part``) within ``limits`` (``Refused`` past them), collecting its marks."""
    if part is None:
        raise Refused(_("The workbook's sheet {sheet!r} has no part of its own in the file: it was not saved by "
                        "Excel. Open it in Excel and save it again.", sheet=sheet))
    marks = _SheetMarks()
    for segment in sheet_segments(data, archive.getinfo(part), sheet, limits):
        if b"mergeCell" in segment:  # no regex scan of a sheet without merges
            marks.merges += (ref.decode() for ref in _MERGE.findall(segment))
        if b"<f" in segment or b'"e"' in segment:
            marks.cells += ((attrs, inner) for attrs, inner in _CELL.findall(segment)
                            if _ERROR_TYPE.search(attrs) or (_FORMULA.search(inner) and not _CACHED.search(inner)))
    return marks

