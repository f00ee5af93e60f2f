"""How much a monitoring file may make the reader allocate, checked before it allocates.

A small file can stand for a huge table: an XLSX is a zip of XML, so 5 KB can hold a cell at
``XFD1048576`` (python-calamine then allocates one value for each of the 17 billion cells from
A1) or a sheet that inflates to gigabytes. ``scan_workbook`` inflates each part itself, in
chunks and with a cap, whatever sizes the zip declares, and refuses DTDs and entities; ``SheetBounds``
follows a sheet's cell references as they stream past and stops at the first one beyond the
limits, so the sheet is refused before any reader builds it. The limits are settings (README
"Settings"); ``ReadLimits.from_settings`` reads them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data_pipeline import settings
from data_pipeline.ingest.problems import Text
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
RATIO_FLOOR_BYTES = 16 * 2**20
"""Parts smaller than this inflated are not held to the compression ratio (small XML compresses well)."""
_OUT_CHUNK = 4 * 2**20
_IN_CHUNK = 2**20


@dataclass(frozen=True)
class ReadLimits:
    """The bounds one read stays within (see README "Settings")."""

    rows: int
    """Most data rows (the caller's: 200,000 for an upload, 10 million for the CLI)."""
    columns: int
    cells: int
    """Most cells of a CSV (rows × columns)."""
    xlsx_cells: int
    """Most cells of a sheet, counted from A1 to its last row and column (the reader builds them all)."""
    part_bytes: int
    """Largest inflated part of an XLSX zip."""
    compression_ratio: float

    @classmethod
    def from_settings(cls, rows: int) -> ReadLimits:
        return cls(rows=rows, columns=settings.int_setting("max_columns"), cells=settings.int_setting("max_cells"),
                   xlsx_cells=settings.int_setting("max_xlsx_cells"),
                   part_bytes=settings.int_setting("max_xlsx_part_mb") * 2**20,
                   compression_ratio=settings.int_setting("max_compression_ratio"))


class Refused(Exception):
    """A file beyond a limit or carrying a hazard; ``message`` says what, where and how to fix it."""

    def __init__(self, message: Text):
        super().__init__(str(message))
        self.message = message


def column_letters(number: int) -> str:
    """Excel's letters for a 1-based column number (1 → A, 16384 → XFD)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """The 1-based column number of Excel letters (A → 1), case-insensitive."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


# --- zip parts -----------------------------------------------------------------------------------
WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
"""What says where the sheets are: read (once checked) before the sheets are found."""
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def scan_workbook(data: bytes, limits: ReadLimits, sheet_parts: Callable[[zipfile.ZipFile], dict[str, str]],
                  ) -> tuple[zipfile.ZipFile, dict[str, str]]:
    """The workbook's zip and ``sheet_parts`` of it (sheet name → part), once every part is inflated
    within the limits and carries no DTD: first the workbook's own XML (which ``sheet_parts``
    reads), then every part but the sheets', which ``sheet_segments`` reads when one is chosen.

    Raises ``Refused`` for a part too large (declared or actual), inflating beyond the
    compression ratio, with a DTD or entities, compressed with a method Excel does not use, or
    duplicated; ``zipfile.BadZipFile`` (or another error) for a damaged zip.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = [info.filename for info in archive.infolist()]
    if len(set(names)) != len(names):
        duplicate = next(n for n in names if names.count(n) > 1)
        raise Refused(_("The workbook holds the part {part} twice: it was not written by Excel, or it was "
                        "altered. Open it in Excel and save it again.", part=duplicate))
    for info in archive.infolist():
        _check_declared(info, limits)
    own = [name for name in WORKBOOK_PARTS if name in names]
    for name in own:
        _drain(part_chunks(data, archive.getinfo(name), limits))
    sheets = sheet_parts(archive)
    for info in archive.infolist():
        if info.filename not in own and info.filename not in sheets.values():
            _drain(part_chunks(data, info, limits))
    return archive, sheets


def _drain(chunks: Iterator[bytes]) -> None:
    for _chunk in chunks:
        pass


def _check_declared(info: zipfile.ZipInfo, limits: ReadLimits) -> None:
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
        raise Refused(_("The workbook's part {part} is encrypted or compressed in a way Excel does not use. "
                        "Open it in Excel and save it again as 'Excel Workbook (.xlsx)'.", part=info.filename))
    if info.file_size > limits.part_bytes:
        raise Refused(_too_large(info.filename, info.file_size, limits))
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.compression_ratio * max(info.compress_size, 1):
        raise Refused(_too_compressed(info.filename, info.file_size, info.compress_size, limits))


def _too_large(part: str, size: int, limits: ReadLimits) -> Text:
    return _("The workbook's part {part} unpacks to more than {size:,.0f} MB; at most {limit:,.0f} MB is read per "
             "part. Split the data into smaller files, or save it as CSV.",
             part=part, size=size / 2**20, limit=limits.part_bytes / 2**20)


def _too_compressed(part: str, size: int, packed: int, limits: ReadLimits) -> Text:
    return _("The workbook's part {part} unpacks from {packed:,.1f} MB to more than {size:,.0f} MB (over "
             "{limit:,.0f} times its packed size): this is not a normal spreadsheet. Save the data as CSV, or "
             "delete the unused rows and columns and save it again.",
             part=part, packed=packed / 2**20, size=size / 2**20, limit=limits.compression_ratio)


def part_chunks(data: bytes, info: zipfile.ZipInfo, limits: ReadLimits) -> Iterator[bytes]:
    """The part's bytes as they actually inflate, in chunks, whatever sizes its headers declare.

    Stops with ``Refused`` as soon as the part passes ``limits.part_bytes``, inflates beyond
    ``limits.compression_ratio`` or shows a DTD (``<!DOCTYPE``, ``<!ENTITY``).
    """
    offset = info.header_offset
    if data[offset:offset + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", data[offset + 26:offset + 30])
    start = offset + 30 + name_length + extra_length
    view = memoryview(data)
    out, consumed, tail = 0, 0, b""
    if info.compress_type == zipfile.ZIP_STORED:
        end = min(len(data), start + info.compress_size)
        pieces: Iterator[tuple[bytes, int]] = ((bytes(view[p:min(end, p + _OUT_CHUNK)]), min(end, p + _OUT_CHUNK) - p)
                                               for p in range(start, end, _OUT_CHUNK))
    else:
        pieces = _inflate(view, start)
    for chunk, used in pieces:
        out += len(chunk)
        consumed += used
        if out > limits.part_bytes:
            raise Refused(_too_large(info.filename, out, limits))
        if out > RATIO_FLOOR_BYTES and out > limits.compression_ratio * max(consumed, 1):
            raise Refused(_too_compressed(info.filename, out, consumed, limits))
        if b"<!" in chunk or b"<!" in tail + chunk[:2]:
            if _DTD.search(tail + chunk):
                raise Refused(_("The workbook's part {part} declares a DTD or XML entities (<!DOCTYPE>, <!ENTITY>), "
                                "which spreadsheets never need and which can make a small file expand without "
                                "bound. Open it in Excel and save it again, or save the data as CSV.",
                                part=info.filename))
        tail = chunk[-16:]
        yield chunk


def _inflate(view: memoryview, start: int) -> Iterator[tuple[bytes, int]]:
    """(inflated chunk, packed bytes used for it) of the deflate stream at ``start``, to its real end."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position = start
    pending: bytes | memoryview = b""
    while not inflater.eof:
        if not pending:
            if position >= len(view):
                raise zipfile.BadZipFile("a workbook part ends before its compressed data does")
            pending = view[position:position + _IN_CHUNK]
            position += len(pending)
        before = len(pending)
        chunk = inflater.decompress(pending, _OUT_CHUNK)
        pending = inflater.unconsumed_tail
        used = before - len(pending) - len(inflater.unused_data)
        if not chunk and not used and not inflater.eof:
            raise zipfile.BadZipFile("a workbook part's compressed data does not advance")
        yield chunk, used


# --- a sheet's extent ------------------------------------------------------------------------------
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["\']([A-Za-z]*)(\d*)(?::([A-Za-z]+)(\d+))?["\']')
_REF_AT = re.compile(rb'<c r="([A-Za-z]+)(\d+)"')
_ANY_CELL_OR_ROW = re.compile(rb'<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>')
_R_ATTRIBUTE = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)(\d+)["\']')
_IRREGULAR_CELL = r'<[A-Za-z0-9_.-]+:c[\t\n\r />]|<c(?:[\t\n\r/>]| (?:[^r]|r[^=]|r=[^"]))'
"""A cell element with a namespace prefix, or whose first attribute is not ``r="…"`` (RE2 syntax)."""
MAX_RAISES = 20_000
"""Cell references past the largest so far that one sheet may show before it is refused as disordered."""


def _greater(text: str, alphabet: str) -> list[str]:
    """Regexes for strings of ``len(text)`` characters of ``alphabet`` that sort after ``text``
    (letters in either case: the reader takes ``a1`` for ``A1``)."""
    def span(first: str, last: str) -> str:
        return f"{first}-{last}{first.lower()}-{last.lower()}" if first.isalpha() else f"{first}-{last}"

    alternatives = []
    for i, char in enumerate(text):
        higher = alphabet[alphabet.index(char) + 1:]
        if higher:
            same = "".join(f"[{c}{c.lower()}]" if c.isalpha() else c for c in text[:i])
            rest = f"[{span(alphabet[0], alphabet[-1])}]{{{len(text) - i - 1}}}" if i < len(text) - 1 else ""
            alternatives.append(same + f"[{span(higher[0], higher[-1])}]" + rest)
    return alternatives


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class SheetBounds:
    """Follows one sheet's XML as it streams and refuses it once its extent passes the limits.

    The extent is what python-calamine allocates: every cell from A1 to the last row and the
    last column any cell names (a cell without a reference is placed after the one before it),
    and a list of every cell element on the way. ``feed`` takes whole rows: segments that end
    after a ``</row>`` or at the part's end.
    """

    def __init__(self, sheet: str, limits: ReadLimits):
        self.sheet, self.limits = sheet, limits
        self.rows, self.columns, self.cells = 0, 0, 0
        self.row_limit = min(limits.rows + 2, EXCEL_MAX_ROWS)  # the header and an HXL row on top
        self.column_limit = min(limits.columns, EXCEL_MAX_COLUMNS)
        self._raises = 0
        self._first = True
        self._pattern: str | None = None

    def feed(self, segment: bytes) -> None:
        if self._first:
            self._first = False
            self._dimension(segment)
        last = segment.rfind(b'<c r="')
        if last >= 0:
            self._reach(*self._ref(segment, last))
        buffer, position = pa.py_buffer(segment), 0
        while (found := _find(self._exceeding(), buffer, position)) >= 0:
            if not segment.startswith(b'<c r="', found):
                self._slow(segment)
                return
            self._reach(*self._ref(segment, found))
            position = found + 1
        self._count(segment.count(b'<c r="'))

    def _dimension(self, segment: bytes) -> None:
        """The extent the sheet declares (``<dimension ref="A1:H1000"/>``), held to the same limits."""
        found = _DIMENSION.search(segment, 0, 1 << 16)
        if not found or not found.group(2):
            return
        letters, digits = (found.group(3), found.group(4)) if found.group(3) else (found.group(1), found.group(2))
        declared = (found.group(1) + found.group(2) + (b":" + letters + digits if found.group(3) else b"")).decode()
        rows, columns = _number(digits), column_number(letters.decode())
        self._check(rows, columns, _("declares its used range as {range}", range=declared))
        self.columns = columns  # an honest sheet's width: the pattern is built once

    def _ref(self, segment: bytes, at: int) -> tuple[int, int]:
        match = _REF_AT.match(segment, at)
        return (_number(match.group(2)), column_number(match.group(1).decode())) if match else (0, 0)

    def _count(self, cells: int) -> None:
        self.cells += cells
        if self.cells > self.limits.xlsx_cells:
            raise Refused(_("The sheet {sheet!r} holds more than {limit:,} cells; at most {limit:,} are read from a "
                            "sheet. Split the data into smaller files, or save it as CSV.",
                            sheet=self.sheet, limit=self.limits.xlsx_cells))

    def _reach(self, row: int, column: int) -> None:
        if row <= self.rows and column <= self.columns:
            return
        self._raises += 1
        cell = column_letters(min(column, EXCEL_MAX_COLUMNS * 27)) + (str(row) if row < 10**12 else "…")
        self._check(max(row, self.rows), max(column, self.columns), _("has a cell at {cell}", cell=cell))
        self.rows, self.columns = max(row, self.rows), max(column, self.columns)
        self._pattern = None
        if self._raises > MAX_RAISES:
            raise Refused(_("The sheet {sheet!r}'s cells are out of order (cell {cell} comes after row {row:,}): it "
                            "was not saved by Excel. Open it in Excel and save it again.",
                            sheet=self.sheet, cell=cell, row=self.rows))

    def _check(self, rows: int, columns: int, what: Text) -> None:
        if columns > self.column_limit:
            raise Refused(_("The sheet {sheet!r} {what}, column {column:,}; at most {limit:,} columns are read. "
                            "Delete the columns after the table (Ctrl+End in Excel goes to the last cell) and save "
                            "it again.", sheet=self.sheet, what=what, column=columns, limit=self.column_limit))
        if rows > self.row_limit:
            raise Refused(_("The sheet {sheet!r} {what}, row {row:,}; at most {limit:,} data rows are read at once. "
                            "Delete the rows after the table (Ctrl+End in Excel goes to the last cell), or split "
                            "the data into smaller files.", sheet=self.sheet, what=what, row=rows,
                            limit=self.limits.rows))
        if rows * columns > self.limits.xlsx_cells:
            raise Refused(_("The sheet {sheet!r} {what}: from A1 it spans {rows:,} rows × {columns:,} columns "
                            "({cells:,} cells); at most {limit:,} cells are read from a sheet. Delete unused rows "
                            "and columns (Ctrl+End in Excel goes to the last cell), split the file, or save it "
                            "as CSV.", sheet=self.sheet, what=what, rows=rows, columns=columns,
                            cells=rows * columns, limit=self.limits.xlsx_cells))

    def _exceeding(self) -> str:
        """A cell reference past the largest column or row so far, or an irregular cell (RE2 syntax)."""
        if self._pattern is None:
            letters, digits = column_letters(self.columns), str(self.rows)
            wider = ([f"[A-Za-z]{{{len(letters) + 1}}}"] + [f"{higher}[0-9]" for higher in _greater(letters, _LETTERS)]
                     if letters else ["[A-Za-z]"])
            later = [f"[1-9][0-9]{{{len(digits)}}}"] + [f'{higher}"' for higher in _greater(digits, "0123456789")]
            self._pattern = f'{_IRREGULAR_CELL}|<c r="(?:{"|".join(wider)}|[A-Za-z]+0*(?:{"|".join(later)}))'
        return self._pattern

    def _slow(self, segment: bytes) -> None:
        """Cells without a leading ``r="…"`` (or with a namespace prefix), placed one by one as the reader does."""
        row, column = self.rows, 0
        for match in _ANY_CELL_OR_ROW.finditer(segment):
            reference = _R_ATTRIBUTE.search(match.group(2))
            if match.group(1) == b"row":
                row = _number(reference.group(2)) if reference else row + 1
                column = 0
                continue
            self._count(1)
            if reference and reference.group(1):
                row, column = _number(reference.group(2)), column_number(reference.group(1).decode())
            else:
                column += 1
            self._reach(max(row, 1), column)


def sheet_segments(data: bytes, info: zipfile.ZipInfo, sheet: str, limits: ReadLimits) -> Iterator[bytes]:
    """A sheet part's XML in segments of whole rows, each checked by ``SheetBounds`` before it is yielded."""
    bounds = SheetBounds(sheet, limits)
    pending: list[bytes] = []
    tail = b""
    for chunk in part_chunks(data, info, limits):
        cut = chunk.rfind(b"</row>")
        if cut >= 0:
            end = cut + 6
        else:
            straddle = (tail + chunk[:5]).find(b"</row>")
            end = straddle + 6 - len(tail) if straddle >= 0 else 0
        tail = chunk[-5:]
        if end <= 0:
            pending.append(chunk)
            continue
        pending.append(chunk[:end])
        segment = b"".join(pending)
        pending = [chunk[end:]]
        bounds.feed(segment)
        yield segment
    segment = b"".join(pending)
    if segment:
        bounds.feed(segment)
        yield segment


def _find(pattern: str, buffer: pa.Buffer, start: int) -> int:
    """Where RE2 first finds ``pattern`` in ``buffer`` from ``start`` on, or -1. RE2 scans at the
    speed of a DFA whatever the pattern: Python's ``re`` tries its alternatives at each of the
    millions of cell references (4× slower on a million-row sheet)."""
    bounds = np.array([start, buffer.size], dtype=np.int32)
    text = pa.Array.from_buffers(pa.binary(), 1, [None, pa.py_buffer(bounds), buffer])
    found = pc.find_substring_regex(text, pattern)[0].as_py()
    return -1 if found < 0 else start + found


def _number(digits: bytes) -> int:
    """A row number; an absurdly long one counts as larger than any limit."""
    digits = digits.lstrip(b"0") or b"0"
    return int(digits) if len(digits) <= 12 else 10**12
