"""The CSV reader: encoding (UTF-8, UTF-16, Windows-1251), separator, and the rows, parsed by pyarrow
into a ``Grid`` of factorised columns within the read limits."""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from data_pipeline.ingest.grid import Grid, Progress, dictionary_column, split_header
from data_pipeline.ingest.limits import ReadLimits
from data_pipeline.ingest.problems import ProblemLog
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown

CSV_BLOCK_BYTES = 16 * 1024 * 1024
"""pyarrow's CSV block; a single row longer than this is reported as unreadable."""

# Bytes 0x80–0xBF that Russian text in Windows-1251 uses (Ё ё № « » nbsp dashes quotes …).
_CP1251_TEXT_BYTES = frozenset(b"\xa0\xa8\xb8\xb9\xab\xbb\x96\x97\x85\x93\x94\x91\x92\x84\xb0\xb1"
                               b"\xb2\xb3\xba\xaa\xbf\xaf\xa1\xa2\xa5\xb4\x88")


_ENCODING_SAMPLE = 1 << 20


def _detect_encoding(data: bytes, *, whole: bool) -> tuple[str | None, int]:
    """(encoding, bytes of BOM to skip): utf-8, utf-16 or cp1251; None when none fits.

    Unless ``whole``, only the first MB is checked for UTF-8: pyarrow checks the rest while
    parsing, and the caller asks again with ``whole`` if it finds invalid UTF-8 there.
    """
    if data.startswith(codecs.BOM_UTF8):
        return ("utf-8", 3) if _valid_utf8(memoryview(data)[3:], whole) else (None, 0)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    if _valid_utf8(memoryview(data), whole):
        return "utf-8", 0
    octets = np.frombuffer(data if whole else data[:_ENCODING_SAMPLE], dtype=np.uint8)
    high = octets[octets >= 0x80]
    plausible = (high >= 0xC0) | np.isin(high, np.array(sorted(_CP1251_TEXT_BYTES), dtype=np.uint8))
    if len(high) and plausible.mean() >= 0.95 and not (high == 0x98).any():
        return "cp1251", 0
    return None, 0


def _valid_utf8(view: memoryview, whole: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 24 if whole else _ENCODING_SAMPLE
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start:start + step])
            if not whole:
                return True  # a character cut at the sample's end is not an error
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding_problem(log: ProblemLog) -> None:
    log.add(None, None, None, _("Cannot read the file's text encoding: it is neither UTF-8 nor Windows-1251 "
                                "(Cyrillic). Save it from Excel as 'CSV UTF-8 (comma delimited)'."),
            "UTF-8, UTF-8 with BOM, Windows-1251")


def _sniff_delimiter(line: str) -> str:
    counts = {d: _count_outside_quotes(line, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


@dataclass
class _CsvFile:
    """What is known of a CSV before pyarrow parses it, and the rows it skipped while parsing."""

    data: bytes
    skip: int
    """Bytes of BOM before the text."""
    encoding: str
    leading_blank: int
    """Blank lines before the header."""
    delimiter: str
    width: int
    """Cells in the header row."""
    bad_rows: list[tuple[int | None, int, int]] = field(default_factory=list)
    """(row number, cells expected, cells found) of each row pyarrow skipped."""

    quoted: bool = field(init=False)
    """Whether any cell is quoted: quoted line breaks slow pyarrow's parallel reader down; a file
    without quotes has none."""

    def __post_init__(self) -> None:
        self.quoted = b'"' in self.data

    @property
    def names(self) -> list[str]:
        return [f"c{i}" for i in range(self.width)]

    def read_options(self, use_threads: bool = False) -> pacsv.ReadOptions:
        return pacsv.ReadOptions(column_names=self.names, skip_rows=self.leading_blank, encoding=self.encoding,
                                 block_size=CSV_BLOCK_BYTES, use_threads=use_threads)

    def parse_options(self, use_threads: bool, record: bool = True) -> pacsv.ParseOptions:
        return pacsv.ParseOptions(delimiter=self.delimiter, ignore_empty_lines=False,
                                  newlines_in_values=self.quoted or not use_threads,
                                  invalid_row_handler=self._on_invalid if record else lambda row: "skip")

    def _on_invalid(self, row) -> str:
        self.bad_rows.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    def parse(self, use_threads: bool) -> pa.Table:
        self.bad_rows.clear()
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(self.data).slice(self.skip)),
            read_options=self.read_options(use_threads), parse_options=self.parse_options(use_threads),
            # Dictionary-encoded while parsing: a column of a million rows holds few distinct values.
            convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string())
                                                               for n in self.names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )


def read_csv(data: bytes, log: ProblemLog, notes: list[str], report: Progress,
             limits: ReadLimits) -> Grid | None:
    """The CSV's grid, or ``None`` with the problems logged (encoding, width, rows, cells, parsing)."""
    file = _open_csv(data, log, notes, limits)
    if file is None or not _within_limits(file, log, limits):
        return None
    report("parsing", 0.0)
    table = _parse(file, log, notes)
    if table is None:
        return None
    report("parsing", 1.0)
    if file.delimiter == ";":
        notes.append("Semicolon-separated: a comma in numbers is read as the decimal mark.")
    return _grid(file, table, log)


def _open_csv(data: bytes, log: ProblemLog, notes: list[str], limits: ReadLimits) -> _CsvFile | None:
    """The file's encoding, leading blank lines, separator and header width, from its first bytes."""
    if b"\x00" in data[:1 << 16] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        log.add(None, None, None, _("The file is binary, not a text CSV. Save the table from Excel as "
                                    "'CSV UTF-8' (or .xlsx) and upload that."))
        return None
    encoding, skip = _detect_encoding(data, whole=False)
    if encoding is None:
        _encoding_problem(log)
        return None
    if encoding == "utf-16":
        data, skip, encoding = data.decode("utf-16").encode("utf-8"), 0, "utf-8"
    if encoding != "utf-8":
        notes.append(f"Read as {encoding} text (Windows Cyrillic).")
    sample = bytes(memoryview(data)[skip:skip + (1 << 16)]).decode(encoding, errors="replace")
    lines = sample.splitlines()
    leading_blank = 0
    while leading_blank < len(lines) and not lines[leading_blank].strip():
        leading_blank += 1
    if leading_blank == len(lines) and len(data) - skip <= 1 << 16:
        log.add(None, None, None, "The file is empty: it holds no header and no rows.")
        return None
    header_line = lines[leading_blank] if leading_blank < len(lines) else ""
    delimiter = _sniff_delimiter(header_line)
    width = _header_width(data, skip, leading_blank, header_line, delimiter, encoding)
    if width > limits.columns:
        log.add(1 + leading_blank, None, None,
                _("The header row has {columns:,} columns; at most {limit:,} are read. Delete the unused columns "
                  "(or check the separator) and save the file again.", columns=width, limit=limits.columns))
        return None
    return _CsvFile(data, skip, encoding, leading_blank, delimiter, width)


def _within_limits(file: _CsvFile, log: ProblemLog, limits: ReadLimits) -> bool:
    """Rows and cells bounded before parsing: a file has at most one row per line break (exactly
    one without quotes); the header and an HXL row are not counted."""
    data, width = file.data, file.width
    rows = data.count(b"\n", file.skip) + (not data.endswith(b"\n")) - file.leading_blank
    if rows - 2 <= limits.rows and width * rows <= limits.cells:
        return True
    if file.quoted:
        rows = _count_csv_rows(data, file.skip, file.read_options(), file.parse_options(False, record=False),
                               stop=min(limits.rows + 2, limits.cells // width))
    if rows - 2 > limits.rows:
        log.add(None, None, None, _("The file has more than {limit:,} data rows; at most {limit:,} are read at "
                                    "once. Split it into smaller files (e.g. one per year).", limit=limits.rows))
        return False
    if width * rows > limits.cells:
        log.add(None, None, None, _("The file has {columns:,} columns and so many rows that it holds more than "
                                    "{limit:,} cells; at most {limit:,} are read at once. Delete the unused "
                                    "columns, or split the file into smaller ones.",
                                    columns=width, limit=limits.cells))
        return False
    return True


def _parse(file: _CsvFile, log: ProblemLog, notes: list[str]) -> pa.Table | None:
    """The rows parsed by pyarrow (in parallel; again in order when rows were skipped, so that their
    numbers are known; again as cp1251 when invalid UTF-8 turns up after the first MB)."""
    try:
        try:
            table = file.parse(True)
        except pa.ArrowInvalid as err:
            if file.encoding != "utf-8" or "utf8" not in str(err).lower():
                raise
            encoding, file.skip = _detect_encoding(file.data, whole=True)
            if encoding != "cp1251":  # invalid UTF-8 after the first MB, and not Cyrillic either
                _encoding_problem(log)
                return None
            file.encoding = encoding
            notes.append("Read as cp1251 text (Windows Cyrillic).")
            table = file.parse(True)
        if file.bad_rows:
            table = file.parse(False)
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError) as err:
        log.add(None, None, None, _("The file cannot be read as CSV: {error}. Check that it is a table saved as "
                                    "CSV, with no line longer than {limit} MB.",
                                    error=str(err).splitlines()[0], limit=CSV_BLOCK_BYTES // 2**20))
        return None
    return table


def _grid(file: _CsvFile, table: pa.Table, log: ProblemLog) -> Grid | None:
    """The parsed rows as a grid, each with its physical row number; the skipped rows as problems."""
    bad_rows, leading_blank = file.bad_rows, file.leading_blank
    # Physical row numbers of the rows pyarrow kept (it numbers rows from 1, leading blank lines included).
    total = table.num_rows + len(bad_rows)
    skipped = np.array(sorted(n for n, _expected, _actual in bad_rows if n is not None), dtype=np.int64)
    row_numbers = np.arange(leading_blank + 1, leading_blank + total + 1, dtype=np.int64)
    if len(skipped):
        row_numbers = np.setdiff1d(row_numbers, skipped, assume_unique=True)[: table.num_rows]
    for number, expected, actual in bad_rows:
        log.add(number, None, None, _("This row has {actual} cells but the header has {expected}: a {kind} "
                                      "separator ({delimiter!r}) or an unquoted text containing one.",
                                      actual=actual, expected=expected, delimiter=file.delimiter,
                                      kind=_("missing") if actual < expected else _("stray")),
                _("{expected} cells per row", expected=expected))
    if table.num_rows == 0:
        log.add(None, None, None, _("The file is empty: it holds no header and no rows."))
        return None
    table = table.unify_dictionaries()
    columns = [dictionary_column(table.column(i)) for i in range(table.num_columns)]
    del table
    header = [str(c.uniques[c.codes[0]]) for c in columns]
    return split_header(header, [c.sliced(1) for c in columns], row_numbers,
                        decimal_comma=file.delimiter == ";", sheet=None)


def _header_width(data: bytes, skip: int, leading_blank: int, sample_line: str, delimiter: str,
                  encoding: str) -> int:
    """Cells in the header row; read from the file itself when the header is longer than the sample."""
    start = skip
    for _blank in range(leading_blank):
        start = data.find(b"\n", start) + 1
    end = data.find(b"\n", start)
    line = data[start:end if end >= 0 else len(data)]
    if len(line) < 1 << 15:
        return len(next(csv.reader([sample_line], delimiter=delimiter)))
    if b'"' not in line:
        return line.count(delimiter.encode()) + 1  # separators are ASCII in every encoding read here
    return len(next(csv.reader([line.decode(encoding, errors="replace")], delimiter=delimiter)))


def _count_csv_rows(data: bytes, skip: int, read_options: pacsv.ReadOptions, parse_options: pacsv.ParseOptions,
                    *, stop: int) -> int:
    """Rows of the CSV (its header included), counted batch by batch without keeping them; stops
    past ``stop``, or where the file cannot be parsed (the full parse then says why)."""
    rows = 0
    try:
        reader = pacsv.open_csv(pa.BufferReader(pa.py_buffer(data).slice(skip)), read_options=read_options,
                                parse_options=parse_options,
                                convert_options=pacsv.ConvertOptions(include_columns=read_options.column_names[:1]))
        for batch in reader:
            rows += batch.num_rows
            if rows > stop:
                break
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError):
        pass
    return rows


def file_encoding(path: Path) -> str | None:
    """``utf-8`` or ``cp1251`` for the whole file (read in chunks), as ``csv._detect_encoding(whole=True)``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    high = plausible = 0
    cp1251_bytes = np.array(sorted(_CP1251_TEXT_BYTES), dtype=np.uint8)
    valid, odd = True, False
    bom = False
    with path.open("rb") as handle:
        first = True
        for block in iter(lambda: handle.read(1 << 24), b""):
            if first and block.startswith(codecs.BOM_UTF8):
                block, bom = block[3:], True
            first = False
            if valid:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    valid = False
            octets = np.frombuffer(block, dtype=np.uint8)
            top = octets[octets >= 0x80]
            high += len(top)
            plausible += int(((top >= 0xC0) | np.isin(top, cp1251_bytes)).sum())
            odd |= bool((top == 0x98).any())
    if valid:
        try:
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    if high and plausible / high >= 0.95 and not odd and not bom:  # a UTF-8 BOM says UTF-8, or nothing
        return "cp1251"
    return None
