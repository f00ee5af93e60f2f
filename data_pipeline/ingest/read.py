"""``read_table``: one file read, checked and turned into its canonical frame, or its problems.

The format is told by the file's name and first bytes (``csv``, ``xlsx``), the columns by
``columns``, and the frame is made by ``build``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_pipeline.ingest.build import build_frame
from data_pipeline.ingest.csv import read_csv
from data_pipeline.ingest.grid import Grid, Progress
from data_pipeline.ingest.limits import ReadLimits
from data_pipeline.ingest.problems import Problem, ProblemLog
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown
from data_pipeline.ingest.xlsx import read_xlsx
from data_pipeline.reference.schemas import COLUMNS

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest file read (a 5-million-row activities CSV is about 250–300 MB)."""
MAX_ROWS = 10_000_000
"""Most data rows read from one file."""
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")


@dataclass
class ReadResult:
    """What ``read_table`` found in one file."""

    file_name: str
    sha256: str
    kind: str
    """``activities``, ``targets`` or ``funding``; empty when it could not be told."""
    frame: pd.DataFrame
    """The canonical columns of ``kind`` when ``ok``, every value checked; empty otherwise. An activities
    table's text columns are categorical (few distinct values, however many rows)."""
    problems: list[Problem]
    row_count: int
    """Data rows in the file (header, HXL row and empty rows not counted)."""
    sheet: str | None = None
    """The sheet read, for a workbook."""
    notes: list[str] = field(default_factory=list)
    """Things worth telling that are not problems (which sheet was read, columns ignored, layout)."""
    streamed: bool = False
    """True when an activities table's records were handed on in batches (``stream.stream_table``) instead
    of being in ``frame``."""

    @property
    def ok(self) -> bool:
        return not self.problems


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
        hashing = pool.submit(_sha256_bytes, data)
        grid = read_grid(data, name, log, notes, report, limits)
        digest = hashing.result()
    del data  # the parsed columns hold what is needed; at 5M rows the raw bytes are ~300 MB
    if grid is None:
        return fail(digest=digest)
    if grid.row_count > max_rows:
        log.add(None, None, None, _("The file has {rows:,} data rows; at most {limit:,} are read at once. "
                                    "Split it into smaller files.", rows=grid.row_count, limit=max_rows))
        return fail(sheet=grid.sheet, rows=grid.row_count, digest=digest)
    report("checking", 0.0)
    # The frame's values are checked once, here where the file enters: every cell by the checks of
    # ``validate`` as the builders make the frame, which the declarations of ``reference.schemas`` hold
    # (tests validate read_table's frames against the pandera schemas; a second pass would only repeat it).
    kind, frame = build_frame(grid, log, notes, today or dt.date.today())
    report("checking", 1.0)
    if log.problems or frame is None:
        return fail(kind, grid.sheet, grid.data_row_count, digest)
    return ReadResult(name, digest, kind, frame, [], grid.data_row_count, grid.sheet, notes)


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _empty_frame(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS.get(kind, []))


def read_grid(data: bytes, name: str, log: ProblemLog, notes: list[str], report: Progress,
               limits: ReadLimits) -> Grid | None:
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
        return read_xlsx(data, log, notes, report, limits)
    if suffix not in CSV_EXTENSIONS and suffix:
        log.add(None, None, None, _("Unsupported file type {suffix!r}.", suffix=suffix),
                _("CSV (.csv) or Excel (.xlsx) files"))
        return None
    if is_zip:
        log.add(None, None, None, _("The file is named .csv but is a zip archive (probably an Excel workbook); "
                                    "rename it to .xlsx or save it from Excel as CSV."))
        return None
    return read_csv(data, log, notes, report, limits)

