"""Exports: CSV and XLSX bytes, the HXL row, formula neutralisation, round trip through ingest."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from data_pipeline.analysis.demo import demo_activities, demo_funding, demo_targets
from data_pipeline.presentation.exports import HXL_TAGS, hxl_row, neutralise_cell, to_csv_bytes, to_xlsx_bytes
from data_pipeline.ingest import hxl_field, read_table
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS, FUNDING_COLUMNS, TARGET_COLUMNS

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\tcmd", "\r=1"]


@pytest.fixture(scope="module")
def demo_tables() -> dict[str, pd.DataFrame]:
    activities = demo_activities()
    return {"activities": activities, "targets": demo_targets(activities), "funding": demo_funding()}


def _records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows as tuples with every missing value as None, so NaN/None/NA compare equal."""
    body = frame[[c for c in columns if c != "source_row"]].astype(object)
    body = body.where(body.notna(), None)
    return [tuple(row) for row in body.itertuples(index=False, name=None)]


@pytest.mark.parametrize("kind, columns", [("activities", ACTIVITY_COLUMNS), ("targets", TARGET_COLUMNS),
                                           ("funding", FUNDING_COLUMNS)])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("hxl", [False, True])
def test_exported_tables_read_back_into_the_same_records(demo_tables, tmp_path: Path, kind, columns, fmt, hxl):
    frame = demo_tables[kind]
    if kind == "activities" and fmt == "xlsx":
        frame = frame.iloc[::7]  # a sample keeps the XLSX case fast; CSV reads back every row
    data = to_csv_bytes(frame, hxl=hxl) if fmt == "csv" else to_xlsx_bytes(frame, hxl=hxl)
    path = tmp_path / f"{kind}.{fmt}"
    path.write_bytes(data)

    result = read_table(path)

    assert result.ok, result.problems[:3]
    assert result.kind == kind
    assert ("Columns recognised by the HXL hashtag row (row 2)." in result.notes) == hxl
    assert _records(result.frame, columns) == _records(frame, columns)


def test_every_hxl_tag_names_the_same_field_in_the_ingest():
    ingest_fields = {"district_pcode", "district_code", "district", "indicator", "value", "period", "date", "target", "sex",
                     "age_group", "disability", "notes", "plan", "objective", "component", "donor",
                     "required", "received", "currency"}
    for column in ingest_fields:
        assert hxl_field(HXL_TAGS[column]) == column, column


def test_hxl_row_sits_under_the_header_and_unknown_columns_get_an_empty_tag():
    frame = pd.DataFrame({"district_code": ["KT01"], "value": [3], "something_else": ["x"]})

    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame, hxl=True).decode("utf-8"), newline="")))

    assert rows[0] == ["district_code", "value", "something_else"]
    assert rows[1] == ["#adm2+code+project", "#indicator+value+num", ""]  # #adm2+code is the P-code (issue 19)
    assert rows[2] == ["KT01", "3", "x"]
    assert hxl_row(["region", "target", "source"]) == ["#adm1+name", "#targeted+num", "#meta+source"]
    assert hxl_row(["district_pcode", "region_pcode"]) == ["#adm2+code", "#adm1+code"]


def test_csv_is_plain_utf8_unless_a_bom_is_asked_for():
    frame = pd.DataFrame({"district": ["Шугнан", "Шуғнон"]})

    plain = to_csv_bytes(frame)
    with_bom = to_csv_bytes(frame, excel_bom=True)

    assert plain.decode("utf-8") == "district\r\nШугнан\r\nШуғнон\r\n"
    assert with_bom == b"\xef\xbb\xbf" + plain


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1+1", "'+1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-2+3", "'-2+3"), ("\tcmd", "'\tcmd"), ("\r=1", "'\r=1"),
    ("Dusti", "Dusti"), ("a=b", "a=b"), ("", ""), (-2, -2), (-2.5, -2.5), (None, None),
])
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({"notes": HOSTILE, "value": [-2, -2.5, 0, 1, 2, 3],
                         "mixed": ["=1+1", -7, None, "ok", 4.5, "-x"]})


def test_hostile_cells_stay_inert_in_csv_and_negative_numbers_stay_numbers():
    rows = list(csv.reader(io.StringIO(to_csv_bytes(_hostile_frame()).decode("utf-8"), newline="")))

    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE]
    assert [r[1] for r in rows[1:]] == ["-2.0", "-2.5", "0.0", "1.0", "2.0", "3.0"]
    assert [r[2] for r in rows[1:]] == ["'=1+1", "-7", "", "ok", "4.5", "'-x"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or float(cell) < 0


def test_hostile_cells_stay_inert_in_xlsx_and_negative_numbers_stay_numbers():
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(_hostile_frame(), hxl=True)))
    sheet = workbook["data"]

    texts = [sheet.cell(row=r, column=1) for r in range(3, 3 + len(HOSTILE))]
    # A lone CR comes back as CR where the XML writer escapes it (&#13;) and as LF where the reader
    # normalised it; the cell is inert either way.
    assert [c.value.replace("\r", "\n") for c in texts] == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" for c in texts)
    numbers = [sheet.cell(row=r, column=2) for r in range(3, 3 + len(HOSTILE))]
    assert [c.value for c in numbers] == [-2, -2.5, 0, 1, 2, 3]
    assert all(c.data_type == "n" for c in numbers)
    mixed = [sheet.cell(row=r, column=3) for r in range(3, 3 + len(HOSTILE))]
    assert [c.value for c in mixed] == ["'=1+1", -7, None, "ok", 4.5, "'-x"]
    assert mixed[1].data_type == "n"
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_a_hostile_header_is_neutralised_too():
    frame = pd.DataFrame({"=cmd|' /C calc'!A0": [1]})

    assert to_csv_bytes(frame).decode("utf-8").splitlines()[0] == "'=cmd|' /C calc'!A0"
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame)))["data"]
    assert sheet["A1"].value == "'=cmd|' /C calc'!A0" and sheet["A1"].data_type == "s"


def test_xlsx_layout_bold_frozen_header_dates_and_widths():
    frame = pd.DataFrame({"date": pd.to_datetime(["2019-03-04", "2020-01-31"]),
                          "district": ["Nosiri Khusrav", "Vanj"], "value": pd.array([12, None], dtype="Int64")})

    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, hxl=True, sheet_name="Activities")))["Activities"]

    assert [c.value for c in sheet[1]] == ["date", "district", "value"]
    assert all(c.font.bold for c in sheet[1])
    assert [c.value for c in sheet[2]] == ["#date", "#adm2+name", "#indicator+value+num"]
    assert sheet.freeze_panes == "A3"
    assert sheet["A3"].value.date().isoformat() == "2019-03-04" and sheet["A3"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].value == 12 and sheet["C4"].value is None
    assert sheet.column_dimensions["B"].width >= len("Nosiri Khusrav")
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame)))["data"].freeze_panes == "A2"


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "data[1]", "what?"])
def test_xlsx_refuses_a_sheet_name_excel_cannot_open(name):
    with pytest.raises(ValueError, match="Sheet name"):
        to_xlsx_bytes(pd.DataFrame({"a": [1]}), sheet_name=name)


def test_exports_refuse_what_is_not_a_table():
    with pytest.raises(TypeError, match="DataFrame"):
        to_csv_bytes([{"a": 1}])
    duplicated = pd.DataFrame(np.zeros((1, 2)), columns=["value", "value"])
    with pytest.raises(ValueError, match="duplicate column"):
        to_xlsx_bytes(duplicated)


def test_downloads_per_district_carry_the_place_codes_in_front():
    from data_pipeline.presentation.exports import with_place_codes

    source = pd.DataFrame({"district_pcode": ["3590204"], "district_code": ["GB02"], "region_pcode": ["3590000"],
                           "district": ["Ванч"], "value": [3]})
    shown = source[["district", "value"]]
    assert list(with_place_codes(shown, source).columns) == ["district_pcode", "district_code", "region_pcode",
                                                             "district", "value"]
    one = with_place_codes(pd.DataFrame({"indicator_label": ["a", "b"]}), district_code="KT06")
    assert one[["district_pcode", "district_code", "region_pcode"]].drop_duplicates().values.tolist() == [
        ["3507223", "KT06", "3507000"]]
    rows = list(csv.reader(io.StringIO(to_csv_bytes(with_place_codes(shown, source), hxl=True).decode("utf-8"))))
    assert rows[1][:3] == ["#adm2+code", "#adm2+code+project", "#adm1+code"]
