"""Read monitoring tables (CSV or XLSX) into the canonical frames of ``schemas``.

``read_table`` reads one file, recognises its columns (canonical names, Russian synonyms or
an HXL hashtag row under the header), its layout (long, or wide with one column per
indicator) and its kind (activities, targets, funding), checks every value and returns a
``ReadResult``: the canonical frame when the file is clean, otherwise every problem found,
each located as a spreadsheet shows it. It never writes anything and never raises on bad
input.

HXL hashtags (attributes in any order and case; unknown attributes are ignored):

================  =====================================================================
field             hashtags
================  =====================================================================
date              ``#date`` (``#date+period`` is a target period)
district          ``#adm2+name`` or ``#adm2``; ``#adm2+code`` for a project code (KT01)
indicator         ``#indicator+code`` (also ``+id``, or ``#indicator`` alone)
value             ``#value``, ``#indicator+value``, ``#indicator+num``, ``#reached``
sex               ``#sex``, ``#gender``
age_group         ``#age`` (any attributes, e.g. ``#age+group``)
disability        ``#disabled``, ``#disability``, ``#meta+disabled``
notes             ``#meta+notes`` (also ``+note``, ``+comment``), ``#description``
period            ``#date+period``, ``#period``
target            ``#targeted``, ``#value+target``
plan              ``#activity+appeal``, ``#activity+plan``
objective         ``#sector+objective``, ``#activity+objective``
component         ``#sector+component``, ``#activity+component``, ``#subsector``
donor             ``#org+donor``, ``#org+funder``
required          ``#value+funding+required``
received          ``#value+funding+received``, ``#value+funding+total``
currency          ``#currency``, ``#value+currency``
================  =====================================================================

In a wide activities table each indicator column's header is the registry id; with an HXL
row, its hashtag may be ``#value`` or carry the id as an attribute (``#value+grants_awarded``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from data_pipeline.reference.hxl import HXL_TAGS as HXL_EXPORT_TAGS
from data_pipeline.ingest.limits import ReadLimits, Refused, scan_workbook, sheet_segments
from data_pipeline.reference.registry import INDICATOR_IDS, indicator
from data_pipeline.reference.schemas import (
    COLUMNS, KIND_ACTIVITIES, KIND_FUNDING, KIND_TARGETS, validate as validate_with_schema,
)
from data_pipeline.ingest.validate import _  # problem texts: English now, translated when shown
from data_pipeline.ingest.validate import (
    CONTROL_CHARS_PATTERN, MAX_CELL_CHARS, Check, Message, Problem, ProblemLog, check_currencies, check_dates,
    check_disaggregation, check_districts, check_funding_lines, check_indicators, check_numbers,
    check_periods, check_texts, format_problems, fractional_message, is_blank, match_indicator,
    problems_table, text_problem, whole_numbers_required,
)

__all__ = [
    "MAX_FILE_BYTES", "MAX_ROWS", "Problem", "ReadResult", "read_table", "read_tables", "problems_table",
    "format_problems", "HXL_TAGS", "HEADER_SYNONYMS",
]

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest file read (a 5-million-row activities CSV is about 250–300 MB)."""
MAX_ROWS = 10_000_000
"""Most data rows read from one file."""
CSV_BLOCK_BYTES = 16 * 1024 * 1024
"""pyarrow's CSV block; a single row longer than this is reported as unreadable."""
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
DATA_SHEET_NAMES = ("data", "records", "activities", "targets", "funding", "данные", "записи",
                    "мероприятия", "цели", "финансирование")
"""Sheet names preferred over the first sheet with data (compared in lower case)."""

Progress = Callable[[str, float], None]

# --- column recognition ------------------------------------------------------------------------
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "activity date", "report date", "дата", "дата мероприятия", "сана"),
    "district": ("district", "district name", "rayon", "raion", "nohiya", "район", "название района",
                 "ноҳия", "нохия"),
    "district_code": ("district code", "district_code", "code", "adm2 code", "код района", "код"),
    "indicator": ("indicator", "indicator id", "indicator code", "показатель", "индикатор",
                  "код показателя", "нишондиҳанда"),
    "value": ("value", "count", "number", "значение", "количество", "кол-во", "число", "миқдор"),
    "sex": ("sex", "gender", "пол", "ҷинс", "джинс"),
    "age_group": ("age group", "age", "age range", "возраст", "возрастная группа", "синну сол"),
    "disability": ("disability", "disabled", "with disability", "инвалидность", "с инвалидностью",
                   "маъюбӣ"),
    "notes": ("notes", "note", "comment", "comments", "remarks", "примечание", "примечания",
              "комментарий", "комментарии", "эзоҳ"),
    "period": ("period", "year", "период", "год"),
    "target": ("target", "target value", "целевое значение", "целевой показатель", "цель по показателю"),
    "plan": ("plan", "appeal", "план", "план реагирования"),
    "objective": ("objective", "цель", "задача"),
    "component": ("component", "компонент"),
    "donor": ("donor", "funder", "донор"),
    "required": ("required", "funding required", "requirement", "требуется", "требуемое финансирование",
                 "потребность"),
    "received": ("received", "funding received", "funded", "получено", "полученное финансирование"),
    "currency": ("currency", "валюта"),
}
"""Header words per field, compared case-, space- and punctuation-insensitively."""

# (tag, attributes that must all be present, field) — the first matching rule wins.
HXL_TAGS: tuple[tuple[str, frozenset[str], str | None], ...] = tuple(
    (tag, frozenset(attrs), name) for tag, attrs, name in (
        ("value", ("funding", "required"), "required"),
        ("value", ("funding", "received"), "received"),
        ("value", ("funding", "total"), "received"),
        ("value", ("target",), "target"),
        ("value", ("currency",), "currency"),
        ("value", (), "value"),
        ("indicator", ("value",), "value"),
        ("indicator", ("num",), "value"),
        ("indicator", ("name",), None),  # an exported label column, not the indicator id
        ("indicator", (), "indicator"),
        ("reached", (), "value"),
        ("adm2", ("code",), "district_code"),
        ("adm2", (), "district"),
        ("date", ("period",), "period"),
        ("date", (), "date"),
        ("period", (), "period"),
        ("sex", (), "sex"),
        ("gender", (), "sex"),
        ("age", (), "age_group"),
        ("disabled", (), "disability"),
        ("disability", (), "disability"),
        ("meta", ("disabled",), "disability"),
        ("meta", ("disability",), "disability"),
        ("meta", ("notes",), "notes"),
        ("meta", ("note",), "notes"),
        ("meta", ("comment",), "notes"),
        ("meta", ("comments",), "notes"),
        ("description", (), "notes"),
        ("targeted", (), "target"),
        ("activity", ("appeal",), "plan"),
        ("activity", ("plan",), "plan"),
        ("activity", ("objective",), "objective"),
        ("sector", ("objective",), "objective"),
        ("activity", ("component",), "component"),
        ("sector", ("component",), "component"),
        ("subsector", (), "component"),
        ("org", ("donor",), "donor"),
        ("org", ("funder",), "donor"),
        ("currency", (), "currency"),
    )
)

REQUIRED_FIELDS = {
    KIND_ACTIVITIES: ("date", "district", "indicator", "value"),
    KIND_TARGETS: ("indicator", "target"),
    KIND_FUNDING: ("plan", "objective", "received"),
}
OPTIONAL_FIELDS = {
    KIND_ACTIVITIES: ("district_code", "sex", "age_group", "disability", "notes"),
    KIND_TARGETS: ("district", "district_code", "period"),
    KIND_FUNDING: ("component", "donor", "required", "currency"),
}


def _header_key(word: object) -> str:
    text = unicodedata.normalize("NFKC", str(word)).lower().replace("\ufeff", "")
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    text = re.sub(r"[\s_\-./:*]+", " ", text)
    return text.strip()


_HEADER_INDEX = {_header_key(w): name for name, words in HEADER_SYNONYMS.items() for w in words}
_HXL_TAG = re.compile(r"^#\s*([a-z][a-z0-9_]*)((?:\s*\+\s*[a-z][a-z0-9_]*)*)\s*$", re.IGNORECASE)


def parse_hxl(tag: str) -> tuple[str, frozenset[str]] | None:
    """``(hashtag, attributes)`` of an HXL tag such as ``#adm2 +Name``, lower-cased; None if not one."""
    m = _HXL_TAG.match(str(tag).strip())
    if not m:
        return None
    attrs = frozenset(a.strip().lower() for a in m.group(2).split("+") if a.strip())
    return m.group(1).lower(), attrs


def hxl_field(tag: str) -> str | None:
    """The canonical field an HXL hashtag names, or None."""
    parsed = parse_hxl(tag)
    if parsed is None:
        return None
    name, attrs = parsed
    for rule_tag, rule_attrs, target in HXL_TAGS:
        if name == rule_tag and rule_attrs <= attrs:
            return target
    return None


def header_field(word: object) -> str | None:
    """The canonical field a header word names (``Район`` → ``district``), or None."""
    return _HEADER_INDEX.get(_header_key(word))


# --- results -----------------------------------------------------------------------------------
@dataclass
class ReadResult:
    """What ``read_table`` found in one file."""

    file_name: str
    sha256: str
    kind: str
    """``activities``, ``targets`` or ``funding``; empty when it could not be told."""
    frame: pd.DataFrame
    """The canonical columns of ``kind`` when ``ok``, validated; empty otherwise. An activities
    table's text columns are categorical (few distinct values, however many rows)."""
    problems: list[Problem]
    row_count: int
    """Data rows in the file (header, HXL row and empty rows not counted)."""
    sheet: str | None = None
    """The sheet read, for a workbook."""
    notes: list[str] = field(default_factory=list)
    """Things worth telling that are not problems (which sheet was read, columns ignored, layout)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def read_tables(paths: Iterable[str | Path], **kw) -> list[ReadResult]:
    """``read_table`` for each path, in order."""
    return [read_table(p, **kw) for p in paths]


def read_table(path: str | Path, *, file_name: str | None = None, progress: Progress | None = None,
               max_bytes: int | None = None, max_rows: int | None = None,
               today: dt.date | None = None) -> ReadResult:
    """Read and check one CSV or XLSX monitoring table.

    ``file_name`` (default: the path's name) is what problems cite and decides the format by
    its extension. ``progress(stage, fraction)`` is called as the read advances.
    ``max_bytes``/``max_rows`` override ``MAX_FILE_BYTES``/``MAX_ROWS``; ``today`` (default:
    the local date) is the latest date a record may carry. The other limits (columns, cells,
    workbook parts) are settings (``limits.ReadLimits``), checked before the file is parsed.
    """
    path = Path(path)
    name = file_name or path.name
    log = ProblemLog(name)
    notes: list[str] = []
    report = progress or (lambda stage, fraction: None)
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    max_rows = MAX_ROWS if max_rows is None else max_rows
    limits = ReadLimits.from_settings(rows=max_rows)

    def fail(kind: str = "", sheet: str | None = None, rows: int = 0, digest: str = "") -> ReadResult:
        return ReadResult(name, digest, kind, _empty_frame(kind), log.finish(), rows, sheet, notes)

    try:
        size = path.stat().st_size
    except OSError as err:
        log.add(None, None, None, _("Cannot open the file: {error}.", error=err.strerror or str(err)))
        return fail()
    if size > max_bytes:
        log.add(None, None, None, _("The file is {size:,.0f} MB; at most {limit:,.0f} MB is read at once. "
                                    "Split it into smaller files (e.g. one per year).",
                                    size=size / 2**20, limit=max_bytes / 2**20))
        return fail(digest=_sha256_file(path))
    report("reading", 0.0)
    data = path.read_bytes()
    report("reading", 1.0)
    # Hashed in a second thread while the first parses (hashlib lets go of the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        grid = _read_grid(data, name, log, notes, report, limits)
        digest = hashing.result()
    del data  # the parsed columns hold what is needed; at 5M rows the raw bytes are ~300 MB
    if grid is None:
        return fail(digest=digest)
    if grid.row_count > max_rows:
        log.add(None, None, None, _("The file has {rows:,} data rows; at most {limit:,} are read at once. "
                                    "Split it into smaller files.", rows=grid.row_count, limit=max_rows))
        return fail(sheet=grid.sheet, rows=grid.row_count, digest=digest)
    report("checking", 0.0)
    kind, frame = _build(grid, log, notes, today or dt.date.today())
    report("checking", 0.9)
    if kind and not log.problems and frame is not None:
        frame = _validate_schema(kind, frame, log)
    report("checking", 1.0)
    if log.problems or frame is None:
        return fail(kind, grid.sheet, grid.data_row_count, digest)
    return ReadResult(name, digest, kind, frame, [], grid.data_row_count, grid.sheet, notes)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _empty_frame(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS.get(kind, []))


def _validate_schema(kind: str, frame: pd.DataFrame, log: ProblemLog) -> pd.DataFrame | None:
    """The pandera schema as a last line of defence: its failures become problems, not tracebacks."""
    from pandera.errors import SchemaError, SchemaErrors  # pandera loads when a schema is first used

    try:
        return validate_with_schema(kind, frame, lazy=True, text="category" if kind == KIND_ACTIVITIES else "str")
    except SchemaErrors as err:
        for case in err.failure_cases.head(100).itertuples(index=False):
            row = None
            index = getattr(case, "index", None)
            if index is not None and not pd.isna(index) and "source_row" in frame:
                row = int(frame["source_row"].iloc[int(index)])
            log.add(row, getattr(case, "column", None), getattr(case, "failure_case", None),
                    _("Failed the {kind} schema check {check}.", kind=Message(kind),
                      check=getattr(case, "check", "")))
    except SchemaError as err:
        log.add(None, None, None, _("Failed the {kind} schema check: {error}.", kind=Message(kind), error=str(err)))
    return None


# --- the grid: header, optional HXL row, data columns ------------------------------------------
@dataclass
class _Column:
    """One input column factorised: each data row's code into ``uniques``."""

    label: str
    codes: np.ndarray
    uniques: list

    def sliced(self, start: int) -> _Column:
        """The same column without its first ``start`` rows (the header, the HXL row)."""
        return _Column(self.label, self.codes[start:], self.uniques)


@dataclass
class _Grid:
    header: list[str]
    hxl: list[str] | None
    columns: list[_Column]
    """Data cells by column position, factorised (text for CSV; Python values for XLSX)."""
    rows: np.ndarray
    """The spreadsheet row number of each data row."""
    decimal_comma: bool
    sheet: str | None = None
    filled_rows: int | None = None
    """Data rows that are not entirely blank, once counted."""

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def data_row_count(self) -> int:
        return self.row_count if self.filled_rows is None else self.filled_rows


def _read_grid(data: bytes, name: str, log: ProblemLog, notes: list[str], report: Progress,
               limits: ReadLimits) -> _Grid | None:
    suffix = Path(name).suffix.lower()
    if not data:
        log.add(None, None, None, _("The file is empty: it holds no header and no rows."))
        return None
    is_zip = data[:4] == b"PK\x03\x04"
    is_ole = data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if is_ole:
        log.add(None, None, None, _("This is an old Excel 97–2003 workbook (.xls) or another OLE file; "
                                    "save it as .xlsx or CSV and upload again."))
        return None
    if suffix in XLSX_EXTENSIONS or (suffix not in CSV_EXTENSIONS and is_zip):
        if not is_zip:
            log.add(None, None, None, _("The file is named {suffix} but is not an Excel workbook (.xlsx files are "
                                        "zip archives). Save it from Excel as 'Excel Workbook (.xlsx)', or as CSV "
                                        "with a .csv name.", suffix=suffix or _("without extension")))
            return None
        return _read_xlsx(data, log, notes, report, limits)
    if suffix not in CSV_EXTENSIONS and suffix:
        log.add(None, None, None, _("Unsupported file type {suffix!r}.", suffix=suffix),
                _("CSV (.csv) or Excel (.xlsx) files"))
        return None
    if is_zip:
        log.add(None, None, None, _("The file is named .csv but is a zip archive (probably an Excel workbook); "
                                    "rename it to .xlsx or save it from Excel as CSV."))
        return None
    return _read_csv(data, log, notes, report, limits)


# CSV ------------------------------------------------------------------------------------------
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


def _read_csv(data: bytes, log: ProblemLog, notes: list[str], report: Progress,
              limits: ReadLimits) -> _Grid | None:
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
    names = [f"c{i}" for i in range(width)]
    bad_rows: list[tuple[int | None, int, int]] = []

    def on_invalid(row) -> str:
        bad_rows.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    # Quoted line breaks slow pyarrow's parallel reader down; a file without quotes has none.
    quoted = b'"' in data

    def read_options(use_threads: bool = False) -> pacsv.ReadOptions:
        return pacsv.ReadOptions(column_names=names, skip_rows=leading_blank, encoding=encoding,
                                 block_size=CSV_BLOCK_BYTES, use_threads=use_threads)

    def parse_options(use_threads: bool, record: bool = True) -> pacsv.ParseOptions:
        return pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                  newlines_in_values=quoted or not use_threads,
                                  invalid_row_handler=on_invalid if record else lambda row: "skip")

    def parse(use_threads: bool) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(skip)),
            read_options=read_options(use_threads), parse_options=parse_options(use_threads),
            # Dictionary-encoded while parsing: a column of a million rows holds few distinct values.
            convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string())
                                                               for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )

    # Rows and cells are bounded before parsing: a file has at most one row per line break
    # (exactly one without quotes); the header and an HXL row are not counted.
    rows = data.count(b"\n", skip) + (not data.endswith(b"\n")) - leading_blank
    if rows - 2 > limits.rows or width * rows > limits.cells:
        if quoted:
            rows = _count_csv_rows(data, skip, read_options(), parse_options(False, record=False),
                                   stop=min(limits.rows + 2, limits.cells // width))
        if rows - 2 > limits.rows:
            log.add(None, None, None, _("The file has more than {limit:,} data rows; at most {limit:,} are read at "
                                        "once. Split it into smaller files (e.g. one per year).", limit=limits.rows))
            return None
        if width * rows > limits.cells:
            log.add(None, None, None, _("The file has {columns:,} columns and so many rows that it holds more than "
                                        "{limit:,} cells; at most {limit:,} are read at once. Delete the unused "
                                        "columns, or split the file into smaller ones.",
                                        columns=width, limit=limits.cells))
            return None

    report("parsing", 0.0)
    try:
        try:
            table = parse(True)
        except pa.ArrowInvalid as err:
            if encoding != "utf-8" or "utf8" not in str(err).lower():
                raise
            encoding, skip = _detect_encoding(data, whole=True)
            if encoding != "cp1251":  # invalid UTF-8 after the first MB, and not Cyrillic either
                _encoding_problem(log)
                return None
            notes.append("Read as cp1251 text (Windows Cyrillic).")
            bad_rows.clear()
            table = parse(True)
        if bad_rows:  # parse again in order, so the skipped rows' numbers are known
            bad_rows.clear()
            table = parse(False)
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError) as err:
        log.add(None, None, None, _("The file cannot be read as CSV: {error}. Check that it is a table saved as "
                                    "CSV, with no line longer than {limit} MB.",
                                    error=str(err).splitlines()[0], limit=CSV_BLOCK_BYTES // 2**20))
        return None
    report("parsing", 1.0)
    if delimiter == ";":
        notes.append("Semicolon-separated: a comma in numbers is read as the decimal mark.")
    # Physical row numbers of the rows pyarrow kept (it numbers rows from 1, leading blank lines included).
    total = table.num_rows + len(bad_rows)
    skipped = np.array(sorted(n for n, _, _ in bad_rows if n is not None), dtype=np.int64)
    row_numbers = np.arange(leading_blank + 1, leading_blank + total + 1, dtype=np.int64)
    if len(skipped):
        row_numbers = np.setdiff1d(row_numbers, skipped, assume_unique=True)[: table.num_rows]
    for number, expected, actual in bad_rows:
        log.add(number, None, None, _("This row has {actual} cells but the header has {expected}: a {kind} "
                                      "separator ({delimiter!r}) or an unquoted text containing one.",
                                      actual=actual, expected=expected, delimiter=delimiter,
                                      kind=_("missing") if actual < expected else _("stray")),
                _("{expected} cells per row", expected=expected))
    if table.num_rows == 0:
        log.add(None, None, None, _("The file is empty: it holds no header and no rows."))
        return None
    table = table.unify_dictionaries()
    columns = [_dictionary_column(table.column(i)) for i in range(table.num_columns)]
    del table
    header = [str(c.uniques[c.codes[0]]) for c in columns]
    return _split_header(header, [c.sliced(1) for c in columns], row_numbers,
                         decimal_comma=delimiter == ";", sheet=None)


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


def _split_header(header: list[str], columns: list[_Column], row_numbers: np.ndarray, *,
                  decimal_comma: bool, sheet: str | None) -> _Grid:
    """Separate an HXL hashtag row (directly under the header) from the data rows."""
    header_row = int(row_numbers[0])
    data_rows = row_numbers[1:]
    hxl = None
    if len(data_rows) and data_rows[0] == header_row + 1:
        first = [c.uniques[c.codes[0]] if len(c.codes) else None for c in columns]
        cells = [str(v).strip() for v in first if not is_blank(v)]
        if cells and all(c.startswith("#") for c in cells):
            hxl = ["" if is_blank(v) else str(v).strip() for v in first]
            columns = [c.sliced(1) for c in columns]
            data_rows = data_rows[1:]
    return _Grid(header, hxl, columns, data_rows, decimal_comma, sheet)


# XLSX -----------------------------------------------------------------------------------------
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"')
_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>', re.DOTALL)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb'<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)', re.DOTALL)
_CACHED = re.compile(rb'<(?:\w+:)?v>[^<]+</(?:\w+:)?v>|<(?:\w+:)?is>')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_CACHED_TEXT = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')


def _read_xlsx(data: bytes, log: ProblemLog, notes: list[str], report: Progress,
               limits: ReadLimits) -> _Grid | None:
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

    header_row = header_index + 1
    head = rows[header_index]

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

    body = rows[header_index:]
    padded = [tuple(r[:width]) + (None,) * (width - len(r[:width])) for r in body]
    matrix = np.empty((len(padded), width), dtype=object)
    if padded:
        matrix[:, :] = padded
    header = ["" if is_blank(v) else str(_excel_value(v)) for v in matrix[0]] if len(matrix) else []
    columns = [_factorise(pd.Series(matrix[1:, j], dtype=object), normalise=_excel_value) for j in range(width)]
    row_numbers = np.arange(header_row, header_row + len(padded), dtype=np.int64)
    report("parsing", 1.0)
    return _split_header(header, columns, row_numbers, decimal_comma=True, sheet=chosen)


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


# --- building canonical frames ---------------------------------------------------------------
def _factorise(series: pd.Series, label: str = "",
               normalise: Callable[[object], object] | None = None) -> _Column:
    """``series`` as codes into its distinct values (``normalise``: applied to each distinct value)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if normalise is not None:  # distinct values may become equal (e.g. '' and None): factorise again
        again, uniques = pd.factorize(pd.Series([normalise(v) for v in uniques], dtype=object),
                                      use_na_sentinel=True)
        codes = np.where(codes < 0, -1, again[codes] if len(again) else codes)
    values = list(uniques)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append(None)
    return _Column(label, codes.astype(np.int32), values)


def _dictionary_column(column: pa.ChunkedArray) -> _Column:
    """A dictionary-typed pyarrow column (dictionaries unified) as codes and unique values."""
    if not column.num_chunks:
        return _Column("", np.zeros(0, dtype=np.int32), [])
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in column.chunks]).astype(np.int32,
                                                                                                    copy=False)
    return _Column("", codes, column.chunks[0].dictionary.to_pylist())


def _report(log: ProblemLog, column: _Column, checks: Sequence[Check], rows: np.ndarray,
            mask: np.ndarray | None = None) -> bool:
    """Log every row whose value failed its check (``mask``: only these rows); True if none did."""
    bad_unique = np.fromiter((not c.ok for c in checks), dtype=bool, count=len(checks))
    if not bad_unique.any():
        return True
    bad = bad_unique[column.codes]
    if mask is not None:
        bad &= mask
    indices = np.flatnonzero(bad)
    if not len(indices):
        return True
    for i in indices[:log.per_column].tolist():
        check = checks[column.codes[i]]
        log.add(int(rows[i]), column.label, column.uniques[column.codes[i]], check.message or "",
                check.allowed, check.suggestions)
    log.hide(column.label, len(indices) - min(len(indices), log.per_column))
    return False


def _string_series(column: _Column, results: Sequence, mask: np.ndarray | None = None) -> pd.Series:
    """A ``str`` Series of each row's result (None stays missing), built through a dictionary array."""
    codes = column.codes if mask is None else column.codes[mask]
    dictionary = pa.array([None if r is None else str(r) for r in results], type=pa.string())
    strings = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary).cast(pa.large_string())
    return pd.Series(strings.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get),
                     dtype="str")


def _category_series(column: _Column, results: Sequence, mask: np.ndarray | None = None) -> pd.Series:
    """A categorical Series of each row's result (None stays missing): the rows keep their codes
    and the distinct results, sorted, become the categories. An activity file of millions of rows
    holds few distinct texts, so no text is made per row (``_string_series`` makes one per row)."""
    categories = sorted({r for r in results if r is not None})
    position = {value: i for i, value in enumerate(categories)}
    lookup = np.array([-1 if r is None else position[r] for r in results] + [-1],
                      dtype=np.min_scalar_type(-len(categories) - 1))  # pandas' own code width: no copy
    codes = lookup[column.codes if mask is None else column.codes[mask]]
    return _categorical(codes, categories)


def _categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Series:
    """A Series of ``categories`` picked by ``codes`` (-1: missing)."""
    dtype = pd.CategoricalDtype(pd.Index(list(categories), dtype="str"))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))


@dataclass
class _Fields:
    """Which input column holds each canonical field, and the wide indicator columns."""

    positions: dict[str, int]
    wide: dict[str, int]


def _map_columns(grid: _Grid, log: ProblemLog, notes: list[str]) -> _Fields:
    positions: dict[str, int] = {}
    wide: dict[str, int] = {}
    claimed: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, word in enumerate(grid.header):
        tag = grid.hxl[index] if grid.hxl else ""
        indicator_id = match_indicator(word) if not is_blank(word) else None
        parsed = parse_hxl(tag) if tag else None
        if parsed:
            # Sorted: the attributes are a set, and the same file must give the same columns every run.
            attribute_ids = [i for i in map(match_indicator, sorted(parsed[1])) if i]
            if attribute_ids:
                indicator_id = attribute_ids[0]
            elif hxl_field(tag) not in (None, "value"):
                indicator_id = None
        if indicator_id:
            claimed.setdefault(f"indicator column {indicator_id}", []).append(index)
            wide.setdefault(indicator_id, index)
            continue
        if grid.hxl:
            name = hxl_field(tag) if tag else None
            if name is None and not is_blank(word):
                name = header_field(word) if not tag else None
        else:
            name = header_field(word) if not is_blank(word) else None
        if name is None:
            if not is_blank(word) or tag or _has_data(grid.columns[index]):
                ignored.append(_describe(grid, index))
            continue
        claimed.setdefault(name, []).append(index)
        positions.setdefault(name, index)
    for name, indices in claimed.items():
        if len(indices) > 1:
            described = " and ".join(_describe(grid, i) for i in indices)
            log.add(1, _label(grid, indices[1]), None,
                    _("Duplicate column: {columns} both give {name}. Keep one of them (rename or delete the other).",
                      columns=described, name=name))
    if ignored:
        notes.append(f"Columns not used: {', '.join(ignored)}.")
    if wide and ("value" in positions or "indicator" in positions):
        for indicator_id in list(wide):
            notes.append(f"Column {_describe(grid, wide[indicator_id])} is named like an indicator but the "
                         f"table is in long layout (it has indicator/value columns): it is not used.")
        wide.clear()
    return _Fields(positions, wide)


def _has_data(column: _Column) -> bool:
    return any(not is_blank(column.uniques[code]) for code in np.unique(column.codes).tolist())


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _label(grid: _Grid, index: int) -> str:
    word = grid.header[index] if index < len(grid.header) else ""
    if not is_blank(word):
        return str(word).strip()
    if grid.hxl and index < len(grid.hxl) and grid.hxl[index]:
        return grid.hxl[index]
    return f"column {_column_letter(index)}"


def _describe(grid: _Grid, index: int) -> str:
    label = _label(grid, index)
    if grid.hxl and index < len(grid.hxl) and grid.hxl[index] and grid.hxl[index] != label:
        return f"{label!r} ({grid.hxl[index]})"
    return repr(label)


def _detect_kind(fields: _Fields) -> str | None:
    present = set(fields.positions)
    if present & {"received", "required"} and present & {"plan", "objective", "component"}:
        return KIND_FUNDING
    if "target" in present:
        return KIND_TARGETS
    if present & {"value", "indicator"} or fields.wide:
        return KIND_ACTIVITIES
    return None


# Tables the dashboard and the CLI write that are not monitoring records: (columns only they have,
# what the file is, what to upload instead). Read as monitoring data they would go wrong without a
# word: an indicator table (value, target, period) read as a *targets* table, for one.
_DOWNLOADED_TABLES = (
    (("achievement_pct", "indicator_label"),
     _("an indicator table (sums per district and period, with targets and % of target) as the dashboard's "
       "downloads and the export command write it, not activity records: its sums cannot be turned back into "
       "records"),
     _("upload the activity records it was computed from (the Activities template on the Upload page), or, for "
       "targets, a table with the columns indicator, district, period, target")),
    (("coverage_pct", "beneficiaries_reached", "cost_per_beneficiary", "cost_per_beneficiary_planned"),
     _("a funding summary (coverage, gap, beneficiaries or cost per person) as the Objectives & funding page "
       "downloads it, not funding records"),
     _("upload the funding records: plan, objective, component, received (the Funding template)")),
    (("district_sum",),
     _("the reconciliation of district sums against the published totals (Data & sources), not monitoring data"),
     _("upload the activity records of the field offices")),
    (("document_title",),
     _("the published-figures catalogue, not monitoring data: published figures come from the programme "
       "documents and are not uploaded"),
     _("upload the activity records of the field offices")),
    (("suggestions",),
     _("a validation report, not monitoring data"),
     _("fix the problems it lists in the original file and upload that file")),
    (("sha256",),
     _("the version history (Data versions), not monitoring data"),
     _("upload the activity records of the field offices")),
)


def _downloaded_table_problem(grid: _Grid, log: ProblemLog) -> bool:
    """Report a table the dashboard or the CLI wrote (an indicator table, a funding summary…) by what
    it is and what to upload instead; ``True`` when the file is one."""
    words = {_header_key(w) for w in grid.header if not is_blank(w)}
    tags = {parse_hxl(t) for t in (grid.hxl or []) if t} - {None}
    for columns, what, instead in _DOWNLOADED_TABLES:
        if any(_header_key(c) in words or parse_hxl(HXL_EXPORT_TAGS.get(c, "")) in tags for c in columns):
            log.add(1, None, None, _("This file is {what}.", what=what), instead)
            return True
    return False


def _missing_columns_problem(grid: _Grid, log: ProblemLog, kind: str | None, missing: list[str]) -> None:
    found = ", ".join(_describe(grid, i) for i in range(len(grid.header)) if not is_blank(grid.header[i])
                      or (grid.hxl and grid.hxl[i])) or "none"
    kinds = _("an activities table needs date, district, indicator, value (or one column per indicator id); "
              "a targets table needs indicator, target; a funding table needs plan, objective, received")
    if kind is None:
        log.add(1, None, None, _("Cannot tell what kind of table this is: its columns are not recognised. "
                                 "Found columns: {found}.", found=found), kinds)
        return
    values = dict(kind=Message(kind), missing=", ".join(missing), found=found)
    message = (_("Missing required columns for a {kind} table: {missing}. Found columns: {found}.", **values)
               if len(missing) > 1 else
               _("Missing required column for a {kind} table: {missing}. Found columns: {found}.", **values))
    log.add(1, None, None, message,
            _("required: {required}; optional: {optional}; names may be English or Russian, or HXL hashtags in "
              "the row under the header", required=", ".join(REQUIRED_FIELDS[kind]),
              optional=", ".join(OPTIONAL_FIELDS[kind])))


def _build(grid: _Grid, log: ProblemLog, notes: list[str], today: dt.date) -> tuple[str, pd.DataFrame | None]:
    if not grid.header or all(is_blank(w) for w in grid.header) and not grid.hxl:
        log.add(1, None, None, _("The first row is empty: the header must be the first row of the table."))
        return "", None
    if _downloaded_table_problem(grid, log):
        return "", None
    fields = _map_columns(grid, log, notes)
    kind = _detect_kind(fields)
    present = set(fields.positions)
    if kind == KIND_TARGETS and "period" not in present and "date" in present:
        fields.positions["period"] = fields.positions.pop("date")
        present = set(fields.positions)
    if kind == KIND_ACTIVITIES or kind == KIND_TARGETS:
        if "district_code" in present:
            present.add("district")
    needed = REQUIRED_FIELDS[kind] if kind else ()
    if kind == KIND_ACTIVITIES and fields.wide:
        needed = ("date", "district")
        notes.append(f"Wide layout: one column per indicator ({', '.join(fields.wide)}); an empty cell means "
                     f"no record.")
    missing = [f for f in needed if f not in present]
    if kind is None or missing:
        _missing_columns_problem(grid, log, kind, missing)
        return kind or "", None
    if grid.hxl:
        notes.append("Columns recognised by the HXL hashtag row (row 2).")

    # Factorise every column once; drop rows where every cell is blank (Excel leaves such rows).
    used = sorted(set(fields.positions.values()) | set(fields.wide.values()))
    factorised = {i: _Column(_label(grid, i), grid.columns[i].codes, grid.columns[i].uniques) for i in used}
    grid.columns = []  # the codes and unique values replace the text from here on
    blank_rows = np.ones(grid.row_count, dtype=bool)
    for column in factorised.values():
        blank_unique = np.fromiter((is_blank(u) for u in column.uniques), dtype=bool, count=len(column.uniques))
        if not blank_unique.any():  # a column never blank (dates, districts…): no row is blank
            blank_rows[:] = False
            break
        blank_rows &= blank_unique[column.codes]
    grid.filled_rows = int((~blank_rows).sum())
    if blank_rows.all():
        log.add(None, None, None, _("The file has a header but no data rows."))
        return kind, None
    if blank_rows.any():
        keep = ~blank_rows
        for column in factorised.values():
            column.codes = column.codes[keep]
        rows = grid.rows[keep]
    else:
        rows = grid.rows
    columns = {name: factorised[i] for name, i in fields.positions.items()}
    _check_text_cells(log, factorised.values(), rows)
    builder = {KIND_ACTIVITIES: _build_activities, KIND_TARGETS: _build_targets, KIND_FUNDING: _build_funding}[kind]
    frame = builder(columns, {i: factorised[p] for i, p in fields.wide.items()}, rows, grid, log, today)
    return kind, frame


def _check_text_cells(log: ProblemLog, columns: Iterable[_Column], rows: np.ndarray) -> None:
    """Too-long cells and control characters, in every column used (identifiers and notes alike)."""
    pattern = re.compile(CONTROL_CHARS_PATTERN)
    for column in columns:
        checks = []
        any_bad = False
        for value in column.uniques:
            if isinstance(value, str) and (len(value) > MAX_CELL_CHARS or pattern.search(value)):
                checks.append(Check(None, text_problem(value)))
                any_bad = True
            else:
                checks.append(Check(True))
        if any_bad:
            _report(log, column, checks, rows)


def _district_codes(columns: dict[str, _Column], rows: np.ndarray, log: ProblemLog, *,
                    required: bool) -> tuple[_Column, list] | None:
    """Resolve district names (or codes); with both columns, the code column wins and must agree."""
    name_col, code_col = columns.get("district"), columns.get("district_code")
    primary = code_col or name_col
    checks = check_districts(primary.uniques, required=required)
    ok = _report(log, primary, checks, rows)
    results = [c.result for c in checks]
    if name_col is not None and code_col is not None:
        name_checks = check_districts(name_col.uniques, required=False)
        ok &= _report(log, name_col, name_checks, rows)
        by_code = np.array([r or "" for r in results], dtype=object)[code_col.codes]
        by_name = np.array([c.result or "" for c in name_checks], dtype=object)[name_col.codes]
        disagree = np.flatnonzero((by_code != by_name) & (by_code != "") & (by_name != ""))
        for i in disagree[:log.per_column].tolist():
            log.add(int(rows[i]), name_col.label, name_col.uniques[name_col.codes[i]],
                    _("District name resolves to {by_name} but the district code column says {by_code}.",
                      by_name=by_name[i], by_code=by_code[i]),
                    _("a name and a code of the same district"))
        ok &= not len(disagree)
    return (primary, results) if ok else None


_WHOLE_UNITS = {i: whole_numbers_required(i) for i in INDICATOR_IDS}


def _count_checks(log: ProblemLog, column: _Column, numbers: Sequence, indicator_ids: np.ndarray,
                  rows: np.ndarray, what: str, mask: np.ndarray | None = None) -> None:
    """Report fractional values of indicators that count whole units."""
    distinct = np.array([np.nan if n is None else n for n in numbers], dtype=np.float64)
    fractional_distinct = np.isfinite(distinct) & (distinct % 1 != 0)
    if not fractional_distinct.any():
        return
    fractional = fractional_distinct[column.codes]
    if mask is not None:
        fractional &= mask
    if not fractional.any():
        return
    whole = pd.Series(indicator_ids).map(_WHOLE_UNITS).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(fractional & whole)[:log.per_column].tolist():
        code = column.codes[i]
        log.add(int(rows[i]), column.label, column.uniques[code],
                fractional_message(what, distinct[code], indicator(indicator_ids[i]).unit), _("a whole number ≥ 0"))


def _indicator_rows(column: _Column, log: ProblemLog, rows: np.ndarray) -> tuple[np.ndarray, list] | None:
    checks = check_indicators(column.uniques)
    ok = _report(log, column, checks, rows)
    results = [c.result for c in checks]
    ids = np.array([r or "" for r in results], dtype=object)[column.codes]
    return (ids, results) if ok else (ids, [])


def _build_activities(columns: dict[str, _Column], wide: dict[str, _Column], rows: np.ndarray, grid: _Grid,
                      log: ProblemLog, today: dt.date) -> pd.DataFrame | None:
    date_col = columns["date"]
    date_checks = check_dates(date_col.uniques, today)
    dates_ok = _report(log, date_col, date_checks, rows)
    district = _district_codes(columns, rows, log, required=True)
    optional = {}  # each optional text field present: its column and checked values
    for name in ("sex", "age_group", "disability"):
        if name in columns:
            checks = check_disaggregation(name, columns[name].uniques)
            _report(log, columns[name], checks, rows)
            optional[name] = (columns[name], [c.result for c in checks])
    if "notes" in columns:
        optional["notes"] = (columns["notes"], [c.result for c in check_texts(columns["notes"].uniques)])

    pieces: list[tuple[np.ndarray, object, np.ndarray]] = []  # (row mask, indicator, values per row)
    if wide:
        for indicator_id, column in wide.items():
            checks = check_numbers(column.uniques, decimal_comma=grid.decimal_comma, what="value", required=False)
            _report(log, column, checks, rows)
            numbers = [c.result for c in checks]
            present = np.fromiter((n is not None for n in numbers), dtype=bool, count=len(numbers))[column.codes]
            ids = np.full(len(rows), indicator_id, dtype=object)
            _count_checks(log, column, numbers, ids, rows, "value", present)
            pieces.append((present, indicator_id, np.array([np.nan if n is None else n for n in numbers],
                                                           dtype=np.float64)[column.codes]))
    else:
        indicator_col = columns["indicator"]
        ids, indicator_results = _indicator_rows(indicator_col, log, rows)
        value_col = columns["value"]
        checks = check_numbers(value_col.uniques, decimal_comma=grid.decimal_comma, what="value")
        _report(log, value_col, checks, rows)
        numbers = [c.result for c in checks]
        _count_checks(log, value_col, numbers, ids, rows, "value")
        pieces.append((np.ones(len(rows), dtype=bool), (indicator_col, indicator_results),
                       np.array([np.nan if n is None else n for n in numbers], dtype=np.float64)[value_col.codes]))
    if log.problems or not dates_ok or district is None:
        return None

    district_col, district_results = district
    day_values = np.array([np.datetime64(c.result, "ns") if c.result else np.datetime64("NaT", "ns")
                           for c in date_checks], dtype="datetime64[ns]")
    # Text columns are categorical: every piece of a wide table shares the same categories, so
    # joining the pieces keeps them categorical.
    wide_ids = sorted(wide)
    frames = []
    for mask, which, values in pieces:
        if not mask.any():
            continue
        if isinstance(which, str):
            indicator_series = _categorical(np.full(int(mask.sum()), wide_ids.index(which), dtype=np.int32),
                                            wide_ids)
        else:
            indicator_series = _category_series(which[0], which[1], mask)
        frame = pd.DataFrame({
            "date": day_values[date_col.codes[mask]],
            "district_code": _category_series(district_col, district_results, mask),
            "indicator": indicator_series,
            "value": values[mask],
        })
        for name in ("sex", "age_group", "disability", "notes"):
            frame[name] = (_category_series(*optional[name], mask) if name in optional
                           else _categorical(np.full(len(frame), -1, dtype=np.int32), []))
        frame["source_row"] = rows[mask]
        frames.append(frame)
    if not frames:
        log.add(None, None, None, _("The table has no records: every indicator cell is empty."))
        return None
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(frames) > 1:
        out = out.sort_values(["source_row"], kind="stable", ignore_index=True)
    return out[COLUMNS[KIND_ACTIVITIES]]


def _build_targets(columns: dict[str, _Column], wide: dict[str, _Column], rows: np.ndarray, grid: _Grid,
                   log: ProblemLog, today: dt.date) -> pd.DataFrame | None:
    indicator_col = columns["indicator"]
    ids, indicator_results = _indicator_rows(indicator_col, log, rows)
    district = None
    if "district" in columns or "district_code" in columns:
        district = _district_codes(columns, rows, log, required=False)
    period_col = columns.get("period")
    period_checks = check_periods(period_col.uniques) if period_col else []
    if period_col:
        _report(log, period_col, period_checks, rows)
    target_col = columns["target"]
    checks = check_numbers(target_col.uniques, decimal_comma=grid.decimal_comma, what="target")
    _report(log, target_col, checks, rows)
    numbers = [c.result for c in checks]
    _count_checks(log, target_col, numbers, ids, rows, "target")
    if log.problems or (("district" in columns or "district_code" in columns) and district is None):
        return None
    frame = pd.DataFrame({
        "indicator": _string_series(indicator_col, indicator_results),
        "district_code": _string_series(district[0], district[1]) if district else
        pd.Series([None] * len(rows), dtype="str"),
        "period": _string_series(period_col, [c.result for c in period_checks]) if period_col else
        pd.Series(["whole"] * len(rows), dtype="str"),
        "target": np.array(numbers, dtype=np.float64)[target_col.codes],
        "source_row": rows,
    })
    keys = ["indicator", "district_code", "period"]
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        for _key, group in frame[duplicated].groupby(keys, dropna=False, sort=False):
            first = int(group["source_row"].iloc[0])
            for row in group["source_row"].iloc[1:].tolist():
                log.add(int(row), target_col.label, None,
                        _("Duplicate target: row {first} already sets the target of {indicator} for this district "
                          "and period. Keep one of the rows.", first=first, indicator=group["indicator"].iloc[0]))
        return None
    return frame[COLUMNS[KIND_TARGETS]]


def _build_funding(columns: dict[str, _Column], wide: dict[str, _Column], rows: np.ndarray, grid: _Grid,
                   log: ProblemLog, today: dt.date) -> pd.DataFrame | None:
    n = len(rows)
    parts = [columns.get(name) for name in ("plan", "objective", "component")]
    per_row = [np.array(c.uniques + [None], dtype=object)[c.codes] if c else np.full(n, None, dtype=object)
               for c in parts]
    triples = pd.MultiIndex.from_arrays([pd.Series(p, dtype=object).where(~pd.Series(p).map(is_blank), None)
                                         for p in per_row])
    codes, uniques = pd.factorize(triples)
    unique_triples = [tuple(t) for t in uniques]
    line_checks = check_funding_lines(unique_triples)
    line_column = _Column("", codes.astype(np.int32), unique_triples)
    bad_unique = np.fromiter((not c.ok for c in line_checks), dtype=bool, count=len(line_checks))
    for i in np.flatnonzero(bad_unique[codes])[:log.per_column].tolist():
        check = line_checks[codes[i]]
        which = {"plan": 0, "objective": 1, "component": 2}[check.result]
        source = parts[which]
        log.add(int(rows[i]), source.label if source else check.result, per_row[which][i], check.message or "",
                check.allowed, check.suggestions)
    amounts = {}
    for name, required in (("required", False), ("received", True)):
        if name in columns:
            checks = check_numbers(columns[name].uniques, decimal_comma=grid.decimal_comma,
                                   what=f"amount {name}", required=required)
            _report(log, columns[name], checks, rows)
            amounts[name] = np.array([np.nan if c.result is None else c.result for c in checks],
                                     dtype=np.float64)[columns[name].codes]
        else:
            amounts[name] = np.full(n, np.nan)
    currency = None
    if "currency" in columns:
        checks = check_currencies(columns["currency"].uniques)
        _report(log, columns["currency"], checks, rows)
        currency = (columns["currency"], [c.result for c in checks])
    donor = None
    if "donor" in columns:
        checks = check_texts(columns["donor"].uniques)
        donor = (columns["donor"], [c.result for c in checks])
    if log.problems:
        return None
    canonical = [c.result for c in line_checks]
    frame = pd.DataFrame({
        "plan": _string_series(line_column, [t[0] for t in canonical]),
        "objective": _string_series(line_column, [t[1] for t in canonical]),
        "component": _string_series(line_column, [t[2] for t in canonical]),
        "donor": _string_series(*donor) if donor else pd.Series([None] * n, dtype="str"),
        "required": amounts["required"],
        "received": amounts["received"],
        "currency": _string_series(*currency) if currency else pd.Series(["USD"] * n, dtype="str"),
        "source_row": rows,
    })
    return frame[COLUMNS[KIND_FUNDING]]


