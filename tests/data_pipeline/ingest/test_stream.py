"""stream_table: a file read in batches gives what read_table gives for the whole file — the same problems
(rows numbered across batches, the same per-column cap), the same records in the same order, the same hash
and notes — and the memory a read takes does not grow with the file's rows."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from data_pipeline.ingest import read_table
from data_pipeline.ingest.problems import MAX_PROBLEMS_PER_COLUMN
from data_pipeline.ingest.stream import DiscardBatches, stream_table

ROOT = Path(__file__).resolve().parents[3]
TODAY = dt.date(2024, 6, 30)
HEADER = "date,district,indicator,value,sex,age_group,disability,notes"


class Kept:
    """A sink that keeps every batch (and counts the resets)."""

    def __init__(self):
        self.frames: list[pd.DataFrame] = []
        self.resets = 0

    def add(self, frame: pd.DataFrame) -> None:
        self.frames.append(frame)

    def reset(self) -> None:
        self.frames.clear()
        self.resets += 1


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as objects: batches have categories of their own, the values are what counts."""
    return frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), None) for c in frame.columns
                           if isinstance(frame[c].dtype, (pd.CategoricalDtype, pd.StringDtype))
                           or frame[c].dtype == object}).reset_index(drop=True)


def facts(result) -> list[tuple]:
    return [(p.row, p.column, p.value, p.message, p.allowed, p.suggestions) for p in result.problems]


def same_as_whole(path: Path, batch_rows: int, **kw) -> tuple[object, Kept]:
    """stream_table in batches of ``batch_rows`` against read_table of the whole file: everything equal."""
    whole = read_table(path, today=TODAY, **kw)
    kept = Kept()
    streamed = stream_table(path, kept, batch_rows=batch_rows, today=TODAY, **kw)
    assert facts(streamed) == facts(whole)
    assert (streamed.kind, streamed.row_count, streamed.sha256, streamed.notes, streamed.ok) == \
        (whole.kind, whole.row_count, whole.sha256, whole.notes, whole.ok)
    if whole.ok and whole.kind == "activities":
        assert streamed.streamed and streamed.frame.empty
        assert all(len(f) <= batch_rows for f in kept.frames)
        pd.testing.assert_frame_equal(plain(pd.concat([plain(f) for f in kept.frames], ignore_index=True)), plain(whole.frame),
                                      check_exact=True)
    return streamed, kept


@pytest.fixture(params=[16 * 2**20, 700], ids=["16MB-blocks", "700B-blocks"])
def blocks(request, monkeypatch):
    """pyarrow's block: the default, and one of a few rows (a batch then spans blocks, and a block batches)."""
    from data_pipeline.ingest import csv

    monkeypatch.setattr(csv, "CSV_BLOCK_BYTES", request.param)
    return request.param


def rows_text(count: int, start_day: int = 0) -> list[str]:
    districts = ["Dusti", "Панҷ", "Khorugh", "Jilikul", "KT05"]
    return [f"2019-{1 + (i + start_day) % 12:02d}-{1 + (i + start_day) % 28:02d},{districts[i % 5]},"
            f"grants_awarded,{i % 40},{'female' if i % 2 else 'm'},18-29,no,note {i % 3}" for i in range(count)]


def write(tmp_path: Path, lines: list[str], name: str = "a.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize("batch_rows", [1, 7, 100, 10_000])
def test_a_clean_file_in_any_batches_is_the_whole_files_records(tmp_path, batch_rows, blocks):
    path = write(tmp_path, [HEADER, *rows_text(250)])
    streamed, kept = same_as_whole(path, batch_rows)
    assert streamed.row_count == 250 and len(kept.frames) == -(-250 // batch_rows)
    assert kept.frames[0]["source_row"].iloc[0] == 2 and kept.frames[-1]["source_row"].iloc[-1] == 251


def test_problems_across_batches_name_the_files_rows_as_a_whole_read_does(tmp_path, blocks):
    lines = [HEADER, *rows_text(400)]
    lines[3] = "2019-02-30,Dusti,grants_awarded,3,female,18-29,no,"          # no such day (row 4)
    lines[150] = "2019-03-01,Kulob,grants_awarded,3,female,18-29,no,"       # outside the programme (row 151)
    lines[151] = "2019-03-01,Dustii,grants_awarded,3,female,18-29,no,"       # misspelt (row 152)
    lines[230] = "2019-03-01,Dusti,grants_awarded,-4,female,18-29,no,"      # negative (row 231)
    lines[231] = "2019-03-01,Dusti,grants_awarded,2.5,female,18-29,no,"     # fractional count (row 232)
    lines[300] = "2019-03-01,Dusti,grants_awarded,3,female,18-29"           # two cells missing (row 301)
    lines[301] = ",,,,,,,"                                                  # blank row (row 302)
    lines[350] = "2019-03-01,Dusti,grants_awarded,3,female,18-29,no,bad\x07" # control character (row 351)
    path = write(tmp_path, lines)
    streamed, kept = same_as_whole(path, 64)
    assert {p.row for p in streamed.problems} == {4, 151, 152, 231, 232, 301, 351}
    assert not kept.frames or len(kept.frames) < 3  # nothing more is handed on once a problem is found


def test_the_per_column_cap_holds_across_batches(tmp_path, blocks):
    bad = MAX_PROBLEMS_PER_COLUMN + 250
    lines = [HEADER] + [f"2019-03-01,Dusti,no_such_indicator,{i},,,," for i in range(bad)] + rows_text(10)
    streamed, _kept = same_as_whole(write(tmp_path, lines), 300)
    assert streamed.problems[-1].params["hidden"] == 250


def test_an_hxl_row_a_wide_table_and_semicolons_read_in_batches_as_whole(tmp_path, blocks):
    hxl = [HEADER, "#date,#adm2+name,#indicator+code,#value,#sex,#age,#disabled,#meta+notes", *rows_text(90)]
    same_as_whole(write(tmp_path, hxl, "hxl.csv"), 8)
    wide = ["date;district;grants_awarded;jobs_created"] + [
        f"0{1 + i % 9}.03.2019;Dusti;{'' if i % 3 else i};{'' if i % 4 else '1,5' if i == 8 else i}" for i in range(60)]
    same_as_whole(write(tmp_path, wide, "wide.csv"), 7)
    no_records = ["date,district,grants_awarded"] + [f"2019-03-0{1 + i % 9},Dusti," for i in range(30)]
    streamed, _kept = same_as_whole(write(tmp_path, no_records, "empty-wide.csv"), 7)
    assert "no records" in streamed.problems[0].message


def test_slash_dates_whose_order_shows_only_in_a_later_batch_are_read_in_that_order(tmp_path, monkeypatch):
    from data_pipeline.ingest import csv

    monkeypatch.setattr(csv, "CSV_BLOCK_BYTES", 400)  # the later rows in later blocks (a block's values are seen at once)
    lines = [HEADER] + [f"03/0{1 + i % 9}/2019,Dusti,grants_awarded,{i},,,," for i in range(40)]
    lines.append("25/04/2019,Dusti,grants_awarded,1,,,,")  # day first: 03/04/2019 is the 3rd of April
    streamed, kept = same_as_whole(write(tmp_path, lines), 10)
    assert kept.resets == 1 and kept.frames[0]["date"].iloc[1] == pd.Timestamp("2019-02-03")
    lines.append("04/26/2019,Dusti,grants_awarded,1,,,,")  # and month first: every slash date is ambiguous
    streamed, _kept = same_as_whole(write(tmp_path, lines, "both.csv"), 10)
    assert not streamed.ok and all("Ambiguous" in p.message for p in streamed.problems if p.row is not None)


def test_row_limit_and_empty_files_read_in_batches_as_whole(tmp_path):
    path = write(tmp_path, [HEADER, *rows_text(120)])
    for max_rows in (50, 119, 120):
        same_as_whole(path, 16, max_rows=max_rows)
    same_as_whole(write(tmp_path, [HEADER], "header.csv"), 16)
    same_as_whole(write(tmp_path, [HEADER, ",,,,,,,", ",,,,,,,"], "blank.csv"), 1)
    (tmp_path / "nothing.csv").write_bytes(b"")
    same_as_whole(tmp_path / "nothing.csv", 16)
    same_as_whole(write(tmp_path, ["a,b", "1,2"], "unknown.csv"), 16)


def test_cyrillic_in_windows_1251_after_the_first_megabyte_is_read_again_as_cp1251(tmp_path):
    ascii_rows = [line.replace("Панҷ", "Panj") for line in rows_text(20_000)]
    lines = [HEADER, *ascii_rows, "2019-03-01,Пяндж,grants_awarded,3,ж,18-29,нет,отчёт"]
    head = "\n".join(lines[:-1]).encode()
    assert len(head) > 1 << 20
    path = tmp_path / "cp1251.csv"
    path.write_bytes(head + b"\n" + lines[-1].encode("cp1251") + b"\n")
    streamed, kept = same_as_whole(path, 5_000)
    assert streamed.ok and kept.resets == 1 and any("cp1251" in note for note in streamed.notes)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # after a UTF-8 BOM: not read as cp1251
    streamed, _kept = same_as_whole(path, 5_000)
    assert not streamed.ok and "encoding" in streamed.problems[0].message
    long_header = tmp_path / "long-header.csv"  # a header longer than what is looked at first: read whole
    long_header.write_text(HEADER + ",x" * 600_000 + "\n" + "\n".join(rows_text(5)) + "\n")
    same_as_whole(long_header, 2)


def test_targets_are_read_whole_and_workbooks_handed_on_in_batches(tmp_path):
    targets = write(tmp_path, ["indicator,district,period,target", "grants_awarded,Dusti,2019,10"], "t.csv")
    streamed, kept = same_as_whole(targets, 16)
    assert streamed.kind == "targets" and len(streamed.frame) == 1 and not kept.frames
    book = openpyxl.Workbook()
    for line in [HEADER, *rows_text(45)]:
        book.active.append(line.split(","))
    book.save(tmp_path / "a.xlsx")
    _streamed, kept = same_as_whole(tmp_path / "a.xlsx", 20)
    assert [len(f) for f in kept.frames] == [20, 20, 5]


def test_validate_and_ingest_read_in_batches(tmp_path):
    path = write(tmp_path, [HEADER, *rows_text(30)])
    assert stream_table(path, DiscardBatches(), batch_rows=4, today=TODAY).ok


_MEMORY_CHILD = """
import os, sys
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")  # as python -m data_pipeline sets it
from data_pipeline.ingest.stream import stream_table
from data_pipeline.store.parts import RecordParts
with RecordParts("a.csv") as parts:
    result = stream_table(sys.argv[1], parts)
    assert result.ok and parts.row_count == int(sys.argv[2]), result.problems[:3]
    parts.cells()
# VmHWM is this process image's own peak; ru_maxrss would also count the parent's size at fork (kept
# across exec), which in a whole test run is the pytest process's, several hundred MB.
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024)
"""


def test_memory_does_not_grow_with_the_files_rows(tmp_path):
    """Peak resident memory of a batched read (records made into parts and cells, as ``ingest`` does) of 1M
    and of 2M rows, each in a fresh process. Read whole, the second million cost ≈ 500 MB more (every row's
    values held); read in batches, what still grows is the distinct monthly cells and the allocators' slack
    (measured: +60–100 MB, benchmarks/PROFILE.md round 7)."""
    from benchmarks.generate import write_activity_csv

    peaks = {}
    for rows in (1_000_000, 2_000_000):
        path = write_activity_csv(tmp_path / f"a{rows}.csv", rows)
        child = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(path), str(rows)], cwd=ROOT,
                               capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               timeout=300)
        assert child.returncode == 0, child.stderr[-2000:]
        peaks[rows] = float(child.stdout.split()[-1])
        path.unlink()
    assert peaks[2_000_000] - peaks[1_000_000] <= 150 and peaks[2_000_000] <= 600, peaks


def test_the_parser_reads_only_a_few_blocks_ahead_of_the_batches_taken(tmp_path, monkeypatch):
    """pyarrow's streaming reader would read (and hold) the whole file before its first batch."""
    from data_pipeline.ingest import csv, source

    monkeypatch.setattr(csv, "CSV_BLOCK_BYTES", 4096)
    ahead = []
    original = source.GatedFile.read

    def read(self, size=-1):
        data = original(self, size)
        ahead.append(self.ahead)
        return data

    monkeypatch.setattr(source.GatedFile, "read", read)
    path = write(tmp_path, [HEADER, *rows_text(20_000)])
    same_as_whole(path, 500)
    assert len(ahead) > 100 and max(ahead) <= 2 * source.READAHEAD_BLOCKS + 1
