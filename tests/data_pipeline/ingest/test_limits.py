"""Hostile files: each is refused with a clear message before the reader allocates for it.

The files are made here by code: workbooks zip their XML parts directly (a cell at XFD1048576
takes a few bytes), zip bombs inflate from a few KB. The bombs run in a child process whose
address space is capped at 1 GiB above what the interpreter already holds, so a reader that
allocates for the table's declared size dies there instead of passing.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_pipeline.ingest import read_table
from data_pipeline.ingest.limits import ReadLimits, SheetBounds, column_letters, column_number

ROOT = Path(__file__).resolve().parents[3]
UPLOAD_ROWS = 200_000  # app_pages.upload_page.MAX_UPLOAD_ROWS, without importing Streamlit

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = ("date", "district", "indicator", "value")


def workbook(path: Path, sheet: bytes | Packed, *, workbook_xml: bytes | None = None,
             strings: tuple[str, ...] = HEADER, replace: dict[str, Packed] | None = None) -> Path:
    """A minimal XLSX whose only sheet is ``sheet`` (shared strings: ``strings``; ``replace``: parts
    given already packed)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.worksheet+xml"/></Types>').encode(),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="http://'
                        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": workbook_xml or (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>').encode(),
        "xl/sharedStrings.xml": (f'<?xml version="1.0"?><sst xmlns="{MAIN}">'
                                 + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>").encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    parts |= replace or {}
    write_zip(path, {name: data if isinstance(data, Packed) else pack(data) for name, data in parts.items()})
    return path


@dataclass(frozen=True)
class Packed:
    """A zip part already deflated: its raw deflate stream, and the size and CRC its headers declare."""

    stream: bytes
    size: int
    crc: int


def pack(data: bytes) -> Packed:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Packed(packer.compress(data) + packer.flush(), len(data), zlib.crc32(data))


def write_zip(path: Path, parts: dict[str, Packed]) -> None:
    """A zip of deflated parts, written field by field (zipfile cannot store a stream deflated elsewhere)."""
    body, directory = b"", b""
    for name, part in parts.items():
        encoded = name.encode()
        fields = struct.pack("<HHHHIIIHH", 0, 8, 0, 0x21, part.crc, len(part.stream), part.size, len(encoded), 0)
        directory += (struct.pack("<4sHH", b"PK\x01\x02", 20, 20) + fields
                      + struct.pack("<HHHII", 0, 0, 0, 0, len(body)) + encoded)
        body += struct.pack("<4sH", b"PK\x03\x04", 20) + fields + encoded + part.stream
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    path.write_bytes(body + directory + end)


def sheet_xml(*rows: bytes, head: bytes = b"") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode() + head
            + b"<sheetData>" + b"".join(rows) + b"</sheetData></worksheet>")


def header_row() -> bytes:
    return b'<row r="1">' + b"".join(f'<c r="{column_letters(i + 1)}1" t="s"><v>{i}</v></c>'.encode()
                                     for i in range(len(HEADER))) + b"</row>"


def data_rows(first: int, last: int) -> bytes:
    return b"".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>2019-03-01</t></is></c><c r="B{r}" '
                    f't="inlineStr"><is><t>Dusti</t></is></c><c r="C{r}" t="inlineStr"><is><t>grants_awarded</t>'
                    f'</is></c><c r="D{r}"><v>1</v></c></row>'.encode() for r in range(first, last + 1))


def lone_cell(path: Path, ref: str) -> Path:
    row = "".join(ch for ch in ref if ch.isdigit())
    return workbook(path, sheet_xml(header_row(), f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()))


def zip_bomb(path: Path, inflated_gb: int, declared_size: int | None = None,
             part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A workbook whose ``part`` (the sheet, or the shared strings) inflates from a few MB to
    ``inflated_gb`` GB of blank rows (``<row/>``) or empty strings (``<si/>``).

    Deflated once per MB and repeated: a full flush makes each deflated MB stand alone. The CRC
    is that of the XML around the blank rows only (a reader that checks it has read everything
    first); ``declared_size`` is what the headers claim.
    """
    if part == "xl/sharedStrings.xml":
        head, tail, filler = f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode(), b"</sst>", b"<si/>"
    else:
        head, tail = sheet_xml(header_row(), data_rows(2, 3), b"%PAD%").split(b"%PAD%")
        filler = b"<row/>"
    megabyte = filler * (2**20 // len(filler))
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(megabyte) + packer.flush(zlib.Z_FULL_FLUSH)
    stream = start + repeated * (inflated_gb * 1024) + packer.compress(tail) + packer.flush()
    size = len(head) + len(megabyte) * inflated_gb * 1024 + len(tail)
    bomb = Packed(stream, size if declared_size is None else declared_size, zlib.crc32(head + tail))
    return workbook(path, sheet_xml(header_row(), data_rows(2, 3)), replace={part: bomb})


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                             for i in range(1, 10))
                  + b"]>")


# --- in a child process with its memory capped -------------------------------------------------
CHILD = r"""
import json, resource, sys, time
from data_pipeline.ingest import read_table
import python_calamine, openpyxl.utils.cell  # everything the reader imports, before measuring
with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
resource.setrlimit(resource.RLIMIT_AS, (size + 2**30, size + 2**30))
start = time.perf_counter()
result = read_table(sys.argv[1], max_rows=int(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start, "problems": [p.message for p in result.problems]}))
"""


def read_capped(path: Path, max_rows: int = UPLOAD_ROWS) -> list[str]:
    """read_table's problems for ``path``, read in a child whose address space is capped."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(max_rows)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"the reader died (status {done.returncode}): {done.stderr[-2000:]}"
    assert time.perf_counter() - started < 20, "took too long"
    return json.loads(done.stdout)["problems"]


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_cell_at_xfd1048576_is_refused_without_allocating(tmp_path):
    path = lone_cell(tmp_path / "xfd.xlsx", "XFD1048576")
    assert path.stat().st_size < 5_000
    message = only(read_capped(path))
    assert "XFD1048576" in message and "'Data'" in message and "at most 1,000 columns" in message


def test_a_cell_at_zz200000_is_refused_without_allocating(tmp_path):
    message = only(read_capped(lone_cell(tmp_path / "zz.xlsx", "ZZ200000")))
    assert "ZZ200000" in message and "200,000 rows × 702 columns" in message and "cells" in message


def test_the_declared_dimension_is_held_to_the_limits(tmp_path):
    sheet = sheet_xml(header_row(), data_rows(2, 3), head=b'<dimension ref="A1:XFD1048576"/>')
    message = only(read_capped(workbook(tmp_path / "dim.xlsx", sheet)))
    assert "declares its used range as A1:XFD1048576" in message


def test_rows_past_the_upload_limit_stop_the_read_early(tmp_path):
    path = workbook(tmp_path / "rows.xlsx", sheet_xml(header_row(), data_rows(2, 1_000), data_rows(200_003, 200_010)))
    message = only(read_capped(path))
    assert "D200010, row 200,010" in message and "at most 200,000 data rows" in message


def test_many_rows_past_the_limit_are_refused_quickly(tmp_path):
    path = workbook(tmp_path / "many.xlsx", sheet_xml(header_row(), data_rows(2, 250_000)))
    assert "at most 200,000 data rows" in only(read_capped(path))


def test_a_zip_bomb_sheet_is_refused(tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", inflated_gb=3)
    assert path.stat().st_size < 20 * 2**20  # under the upload page's limit
    message = only(read_capped(path))
    assert "xl/worksheets/sheet1.xml" in message and "unpacks" in message


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_a_zip_that_lies_about_its_sizes_is_read_as_it_inflates(tmp_path, part):
    path = zip_bomb(tmp_path / "liar.xlsx", inflated_gb=3, declared_size=4_000, part=part)
    assert zipfile.ZipFile(path).getinfo(part).file_size == 4_000
    message = only(read_capped(path))
    assert part in message and "times its packed size" in message


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_dtds_and_entities_are_refused(tmp_path, part):
    if part == "xl/workbook.xml":
        default = workbook(tmp_path / "plain.xlsx", sheet_xml(header_row()))
        text = zipfile.ZipFile(default).read(part).replace(b'<?xml version="1.0"?>', BILLION_LAUGHS)
        path = workbook(tmp_path / "laughs.xlsx", sheet_xml(header_row(), data_rows(2, 3)), workbook_xml=text)
    else:
        sheet = BILLION_LAUGHS + sheet_xml(header_row(), b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t>'
                                           b"</is></c></row>").split(b"?>", 1)[1]
        path = workbook(tmp_path / "laughs.xlsx", sheet)
    message = only(read_capped(path))
    assert part in message and "DTD" in message


def test_cells_without_references_are_placed_as_the_reader_places_them(tmp_path):
    wide = b'<row r="2">' + b"<c><v>1</v></c>" * 1_500 + b"</row>"
    message = only(read_table(workbook(tmp_path / "noref.xlsx", sheet_xml(header_row(), wide))).problems).message
    assert "A2" not in message and "column 1,001" in message


def test_a_100k_column_csv_says_too_many_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n")
    message = only(read_table(path).problems).message
    assert "100,000 columns" in message and "at most 1,000" in message and "empty" not in message


@pytest.mark.parametrize("quote", ["", '"'])
def test_csv_rows_past_the_limit_are_refused_before_parsing(tmp_path, quote):
    path = tmp_path / "rows.csv"
    line = f"2019-03-01,{quote}Dusti{quote},grants_awarded,1\n"
    path.write_text("date,district,indicator,value\n" + line * 1_005)
    message = only(read_table(path, max_rows=1_000).problems).message
    assert "more than 1,000 data rows" in message


def test_csv_cells_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MAX_CELLS", "1000")
    path = tmp_path / "cells.csv"
    path.write_text("date,district,indicator,value\n" + "2019-03-01,Dusti,grants_awarded,1\n" * 300)
    assert "more than 1,000 cells" in only(read_table(path).problems).message


def test_limits_are_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_MAX_COLUMNS", "3")
    path = tmp_path / "a.csv"
    path.write_text("date,district,indicator,value\n2019-03-01,Dusti,grants_awarded,1\n")
    assert "at most 3 are read" in only(read_table(path).problems).message
    monkeypatch.setenv("DASHBOARD_MAX_COLUMNS", "many")
    with pytest.raises(ValueError, match="DASHBOARD_MAX_COLUMNS='many' is not a whole number"):
        read_table(path)


def test_a_normal_workbook_is_read_in_full(tmp_path):
    path = workbook(tmp_path / "ok.xlsx", sheet_xml(header_row(), data_rows(2, 5_000),
                                                   head=b'<dimension ref="A1:D5000"/>'))
    result = read_table(path)
    assert result.ok, result.problems[:3]
    assert result.row_count == 4_999


# --- the CLI -------------------------------------------------------------------------------------
def test_cli_validate_refuses_a_bomb_with_exit_2_and_one_readable_line(tmp_path):
    path = lone_cell(tmp_path / "xfd.xlsx", "XFD1048576")
    script = CHILD.split("start =")[0] + "from data_pipeline.cli import main\nsys.exit(main(['validate', sys.argv[1]]))\n"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, str(path), "0"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert time.perf_counter() - started < 20
    assert done.returncode == 2, done.stderr[-2000:]
    problem = [line for line in done.stderr.splitlines() if line.startswith("xfd.xlsx: The sheet")]
    assert len(problem) == 1 and "XFD1048576" in problem[0] and "Traceback" not in done.stderr


# --- the reference scan ------------------------------------------------------------------------------
def test_column_letters_round_trip():
    for number in (1, 26, 27, 702, 703, 16_384):
        assert column_number(column_letters(number)) == number
    assert column_letters(16_384) == "XFD" and column_number("xfd") == 16_384


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 2_000), st.integers(1, 1_200), st.booleans(), st.integers(0, 3)),
                min_size=1, max_size=40))
def test_the_scan_finds_the_extent_of_any_references(cells):
    """However the references are ordered, cased or zero-padded, the extent found is the true one."""
    bounds = SheetBounds("S", ReadLimits(rows=10**6, columns=16_384, cells=10**12, xlsx_cells=10**12,
                                         part_bytes=2**30, compression_ratio=100))
    xml = b"".join(f'<row><c r="{column_letters(c).lower() if lower else column_letters(c)}{"0" * zeros}{r}">'
                   f"<v>1</v></c></row>".encode() for r, c, lower, zeros in cells)
    bounds.feed(xml)
    assert (bounds.rows, bounds.columns) == (max(r for r, *_ in cells), max(c for _, c, *_ in cells))
    assert bounds.cells == len(cells)

