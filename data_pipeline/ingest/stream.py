"""``stream_table``: one file read and checked in batches of rows, its activity records handed on batch by
batch, so that the memory a read takes is bounded by the batch whatever the file's size.

A CSV is parsed as it is read (``pyarrow.csv.open_csv``, one thread, so every skipped row's number is
known) and hashed from the same bytes the parser reads; each batch is checked as ``read_table`` checks a
whole file (``build.build_rows`` with the file's ``Layout``, one ``ProblemLog``: the same problems, the same
per-column cap, row numbers counted from the file's first line) and, while no problem has been found, its
canonical frame is given to ``sink.add``. Whatever was given is worthless when the result is not ``ok``:
the caller keeps nothing of it. The read limits hold as rows arrive (rows and cells are counted batch by
batch and the read stops past a limit) instead of being counted from the whole file's bytes first.

What is not a UTF-8 or Windows-1251 CSV of activities — a workbook, UTF-16 text, a targets or funding
table — is read whole by ``read_table``, as before (a workbook is bounded by the sheet limits of
``limits``; targets and funding tables are small); an activities table read so is handed on in batches too.
"""

from __future__ import annotations

import codecs
import datetime as dt
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from data_pipeline.ingest.build import NO_DATA_ROWS, NO_RECORDS, Layout, build_rows, read_layout
from data_pipeline.ingest.csv import CSV_BLOCK_BYTES, _CsvFile, _encoding_problem, _open_csv, file_encoding
from data_pipeline.ingest.grid import Grid, Progress, dictionary_column, split_header
from data_pipeline.ingest.limits import ReadLimits
from data_pipeline.ingest.source import GatedFile
from data_pipeline.ingest.problems import ProblemLog
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown
from data_pipeline.ingest.read import (CSV_EXTENSIONS, MAX_FILE_BYTES, MAX_ROWS, ReadResult, _empty_frame,
                                       _sha256_file, read_table)
from data_pipeline.ingest.validate import SlashEvidence, slash_evidence
from data_pipeline.reference.schemas import KIND_ACTIVITIES

BATCH_ROWS = 500_000
"""Rows checked and handed on at once (the store keeps each batch's records as one part). A batch of 1M rows
held ≈ 200 MB at its peak; 500k rows keep a 5M-row ingest under 600 MB (benchmarks/PROFILE.md, round 7)."""
_HEAD_BYTES = 1 << 20
"""What is read of a CSV to tell its encoding, separator and header before it is parsed."""


class BatchSink(Protocol):
    """Where ``stream_table`` hands the records of an activities file, batch by batch."""

    def add(self, frame: pd.DataFrame) -> None:
        """One batch's canonical activities frame (``schemas.COLUMNS["activities"]``, categorical text)."""

    def reset(self) -> None:
        """Forget every batch added: the file is read again from its start."""


class DiscardBatches:
    """A sink that keeps nothing (``validate``)."""

    def add(self, frame: pd.DataFrame) -> None:
        pass

    def reset(self) -> None:
        pass


class _Restart(Exception):
    """Read the file again from its start: as ``encoding``, or with slash dates read in ``slash_order``."""

    def __init__(self, encoding: str | None = None, slash_order: str | None = None):
        super().__init__(encoding or slash_order)
        self.encoding = encoding
        self.slash_order = slash_order


def stream_table(path: str | Path, sink: BatchSink, *, file_name: str | None = None,
                 progress: Progress | None = None, max_bytes: int | None = None, max_rows: int | None = None,
                 today: dt.date | None = None, batch_rows: int = BATCH_ROWS) -> ReadResult:
    """Read and check one CSV or XLSX monitoring table as ``read_table`` does, handing an activities table's
    records to ``sink`` in batches of at most ``batch_rows`` rows.

    The result is ``read_table``'s (file, hash, kind, problems, rows, notes); for an activities table its
    ``frame`` is empty and ``streamed`` true (the records went to ``sink``, in order); a targets or funding
    table's frame is in the result, as ``read_table`` gives it, and ``sink`` gets nothing.
    """
    path = Path(path)
    name = file_name or path.name
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    max_rows = MAX_ROWS if max_rows is None else max_rows
    today = today or dt.date.today()
    whole = dict(file_name=name, progress=progress, max_bytes=max_bytes, max_rows=max_rows, today=today)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return read_table(path, **whole)  # says what is wrong with the path
    suffix = Path(name).suffix.lower()
    if (size > max_bytes or not head or suffix not in CSV_EXTENSIONS or head[:4] == b"PK\x03\x04"
            or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            or (b"\n" not in head and size > len(head))):  # a header longer than the head: read whole
        return _in_batches(read_table(path, **whole), sink, batch_rows)
    encoding, slash_order = None, None
    for _attempt in range(3):
        try:
            return _stream_csv(path, name, head, size, sink, progress or (lambda stage, fraction: None),
                               ReadLimits.from_settings(rows=max_rows), max_rows, today, batch_rows,
                               encoding, slash_order, whole)
        except _Restart as restart:
            sink.reset()
            encoding = restart.encoding or encoding
            slash_order = restart.slash_order if restart.slash_order is not None else slash_order
    raise AssertionError("a read restarts at most twice (once for the encoding, once for slash dates)")


def _in_batches(result: ReadResult, sink: BatchSink, batch_rows: int) -> ReadResult:
    """A whole read's activities frame handed to ``sink`` in batches (the result keeps an empty frame)."""
    if not result.ok or result.kind != KIND_ACTIVITIES:
        return result
    frame = result.frame
    for start in range(0, len(frame), batch_rows):
        sink.add(frame.iloc[start:start + batch_rows].reset_index(drop=True))
    result.frame = _empty_frame(result.kind)
    result.streamed = True
    return result


def _stream_csv(path: Path, name: str, head: bytes, size: int, sink: BatchSink, report: Progress,
                limits: ReadLimits, max_rows: int, today: dt.date, batch_rows: int, encoding: str | None,
                slash_order: str | None, whole: dict) -> ReadResult:
    log = ProblemLog(name)
    notes: list[str] = []
    file = _open_csv(head, log, notes, limits)
    if file is None:
        return ReadResult(name, _sha256_file(path), "", _empty_frame(""), log.finish(), 0, None, notes)
    if encoding is not None and encoding != file.encoding:
        file.encoding = encoding
        notes.append(f"Read as {encoding} text (Windows Cyrillic).")
    hashing = GatedFile(path, skip=file.skip)
    state = _Batches(file, limits, batch_rows, log)
    layout: Layout | None = None
    kind = ""
    evidence, used_orders = SlashEvidence(), set()
    filled = records = 0
    report("parsing", 0.0)
    try:
        for number, grid in enumerate(state.grids(hashing)):
            if number == 0:  # the first batch: the header (and HXL row) say what the file is
                if file.delimiter == ";":
                    notes.append("Semicolon-separated: a comma in numbers is read as the decimal mark.")
                kind, layout = read_layout(grid, log, notes)
                if layout is not None and kind != KIND_ACTIVITIES:  # targets, funding: small, read whole as before
                    hashing.close()
                    return read_table(path, **whole)
            if layout is None:
                continue  # rows (and skipped rows) still counted, as a whole read counts them
            date_position = layout.fields.positions["date"]
            batch_evidence = slash_evidence(grid.columns[date_position].uniques)
            evidence |= batch_evidence
            order = slash_order if slash_order is not None else (evidence.order or "")
            if batch_evidence.order_matters:
                used_orders.add(order)
            frame = build_rows(layout, grid, log, today, order)
            filled += grid.filled_rows or 0
            if frame is not None and len(frame) and not log.problems:
                sink.add(frame)
                records += len(frame)
            report("parsing", min(hashing.position / max(size, 1), 1.0))
        state.log_bad_rows(None)
    except _Refused:
        hashing_digest = hashing.hexdigest()
        return ReadResult(name, hashing_digest, "", _empty_frame(""), state.refusal.finish(), 0, None, notes)
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError) as err:
        if file.encoding == "utf-8" and "utf8" in str(err).lower() and encoding is None:
            hashing.close()
            found = file_encoding(path)
            if found != "cp1251":  # invalid UTF-8 after the first MB, and not Cyrillic either
                log = ProblemLog(name)
                _encoding_problem(log)
                return ReadResult(name, _sha256_file(path), "", _empty_frame(""), log.finish(), 0, None, notes)
            raise _Restart(encoding=found) from None
        log.add(None, None, None, _("The file cannot be read as CSV: {error}. Check that it is a table saved as "
                                    "CSV, with no line longer than {limit} MB.",
                                    error=str(err).splitlines()[0], limit=CSV_BLOCK_BYTES // 2**20))
        return ReadResult(name, hashing.hexdigest(), "", _empty_frame(""), log.finish(), 0, None, notes)
    digest = hashing.hexdigest()
    report("parsing", 1.0)
    if state.rows_seen == 0:
        log.add(None, None, None, _("The file is empty: it holds no header and no rows."))
        return ReadResult(name, digest, "", _empty_frame(""), log.finish(), 0, None, notes)
    if layout is None:
        return ReadResult(name, digest, kind, _empty_frame(kind), log.finish(), state.data_rows, None, notes)
    if slash_order is None and used_orders - {evidence.order or ""}:
        raise _Restart(slash_order=evidence.order or "")  # a batch read slash dates before the file showed their order
    if state.data_rows > max_rows:
        log = ProblemLog(name)
        log.add(None, None, None, _("The file has {rows:,} data rows; at most {limit:,} are read at once. "
                                    "Split it into smaller files.", rows=state.data_rows, limit=max_rows))
        return ReadResult(name, digest, "", _empty_frame(""), log.finish(), state.data_rows, None, notes)
    if not log.problems and filled == 0:
        log.add(None, None, None, NO_DATA_ROWS)
    elif not log.problems and records == 0:
        log.add(None, None, None, NO_RECORDS)
    report("checking", 1.0)
    problems = log.finish()
    return ReadResult(name, digest, kind, _empty_frame(kind), problems, filled, None, notes, streamed=not problems)


class _Refused(Exception):
    """The file passed a read limit; ``_Batches.refusal`` holds the one problem to report."""


class _Batches:
    """A CSV's rows as grids of at most ``batch_rows`` rows, each row with its number in the file; the rows
    the parser skipped (too few or too many cells) logged as problems; the row and cell limits checked as
    rows arrive."""

    def __init__(self, file: _CsvFile, limits: ReadLimits, batch_rows: int, log: ProblemLog):
        self.file, self.limits, self.batch_rows, self.log = file, limits, batch_rows, log
        self.rows_seen = 0
        """Rows parsed or skipped so far, the header's included."""
        self.data_rows = 0
        """Data rows so far (the header and an HXL row not counted)."""
        self.next_number = file.leading_blank + 1
        self.header: list[str] | None = None
        self.hxl: list[str] | None = None
        self.refusal: ProblemLog | None = None
        self._logged_bad = 0

    def grids(self, source) -> Iterator[Grid]:
        file = self.file
        reader = pacsv.open_csv(
            source, read_options=file.read_options(use_threads=False),
            parse_options=file.parse_options(use_threads=False),
            # Dictionary-encoded while parsing: a batch of a million rows holds few distinct values.
            convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string())
                                                               for n in file.names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        for batch in _parsed_ahead(reader, source):
            pending.append(batch)
            pending_rows += batch.num_rows
            while pending_rows >= self.batch_rows + (self.header is None):
                table = pa.Table.from_batches(pending)
                take = self.batch_rows + (self.header is None)
                rest = table.slice(take)
                pending, pending_rows = rest.to_batches(), rest.num_rows
                yield self._grid(table.slice(0, take))
        if pending_rows or self.header is None:
            table = pa.Table.from_batches(pending, schema=reader.schema)
            if table.num_rows:
                yield self._grid(table)

    def _grid(self, table: pa.Table) -> Grid:
        """The batch's grid (the first batch's header and HXL row taken off), its rows numbered."""
        file, bad = self.file, self.file.bad_rows
        skipped = sorted(n for n, _expected, _actual in bad[self._logged_bad:] if n is not None)
        count = table.num_rows
        # The rows' numbers: the next ones, past the rows the parser skipped among them.
        end, inside = self.next_number + count, 0
        while True:
            now = sum(1 for n in skipped if self.next_number <= n < end + inside)
            if now == inside:
                break
            inside = now
        numbers = np.arange(self.next_number, end + inside, dtype=np.int64)
        if inside:
            numbers = np.setdiff1d(numbers, np.array(skipped, dtype=np.int64), assume_unique=True)[:count]
        self.next_number = end + inside
        self.log_bad_rows(self.next_number)
        self.rows_seen += count + inside
        self._check_limits()
        table = table.unify_dictionaries()
        columns = [dictionary_column(table.column(i)) for i in range(table.num_columns)]
        del table
        if self.header is None:
            header = [str(c.uniques[c.codes[0]]) for c in columns]
            grid = split_header(header, [c.sliced(1) for c in columns], numbers,
                                decimal_comma=file.delimiter == ";", sheet=None)
            self.header, self.hxl = grid.header, grid.hxl
        else:
            grid = Grid(self.header, self.hxl, columns, numbers, file.delimiter == ";", None)
        self.data_rows += grid.row_count
        return grid

    def log_bad_rows(self, before: int | None) -> None:
        """Log the skipped rows numbered below ``before`` (``None``: all) not logged yet."""
        bad, file = self.file.bad_rows, self.file
        while self._logged_bad < len(bad):
            number, expected, actual = bad[self._logged_bad]
            if before is not None and number is not None and number >= before:
                break
            self._logged_bad += 1
            self.rows_seen += number is None  # not numbered: counted here
            self.log.add(number, None, None, _("This row has {actual} cells but the header has {expected}: a "
                                               "{kind} separator ({delimiter!r}) or an unquoted text containing "
                                               "one.", actual=actual, expected=expected, delimiter=file.delimiter,
                                               kind=_("missing") if actual < expected else _("stray")),
                         _("{expected} cells per row", expected=expected))

    def _check_limits(self) -> None:
        rows, limits, width = self.rows_seen, self.limits, self.file.width
        if rows - 2 > limits.rows:
            self.refusal = ProblemLog(self.log.file)
            self.refusal.add(None, None, None, _("The file has more than {limit:,} data rows; at most {limit:,} are "
                                                 "read at once. Split it into smaller files (e.g. one per year).",
                                                 limit=limits.rows))
            raise _Refused
        if width * rows > limits.cells:
            self.refusal = ProblemLog(self.log.file)
            self.refusal.add(None, None, None, _("The file has {columns:,} columns and so many rows that it holds "
                                                 "more than {limit:,} cells; at most {limit:,} are read at once. "
                                                 "Delete the unused columns, or split the file into smaller ones.",
                                                 columns=width, limit=limits.cells))
            raise _Refused


def _parsed_ahead(reader: pacsv.CSVStreamingReader, source: GatedFile) -> Iterator[pa.RecordBatch]:
    """The reader's batches, each parsed in a second thread while this one works on the one before (pyarrow
    lets go of the GIL while it parses): one batch waits at most."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def parse() -> None:
        try:
            while not stop.is_set():
                source.asking()
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    hand(None)
                    return
                source.taken()
                hand(batch)
        except Exception as error:  # handed over and raised where the batches are read
            hand(error)

    thread = threading.Thread(target=parse, name="csv-parser", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
