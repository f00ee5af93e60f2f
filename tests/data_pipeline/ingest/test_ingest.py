"""read_table on files made by code: encodings, separators, layouts, workbooks and every kind of bad row."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_pipeline.ingest import MAX_ROWS, read_table
from data_pipeline.reference import schemas
from data_pipeline.reference.registry import CRP_COMMUNITY, CRP_OBJECTIVE_1, CRP_OBJECTIVE_2, INDICATOR_IDS
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS, AGE_GROUPS, FUNDING_COLUMNS, SEXES, TARGET_COLUMNS
from geo.gazetteer import PROGRAMME_DISTRICTS

TODAY = dt.date(2024, 6, 30)
HEADER = "date,district,indicator,value,sex,age_group,disability,notes"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, **kw):
    """read_table, and every frame it accepts held to the declared schema (the one pass that would
    catch a builder making a frame its checks did not mean: read_table no longer runs pandera itself)."""
    result = read_table(path, today=TODAY, **kw)
    if result.ok:
        text = "category" if result.kind == "activities" else "str"
        checked = schemas.validate(result.kind, result.frame, text=text)
        pd.testing.assert_frame_equal(checked, result.frame, check_exact=True)
    return result


def only_problem(result):
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def problem_at(result, row, column):
    found = [p for p in result.problems if p.row == row and p.column == column]
    assert found, f"no problem at row {row}, column {column!r}: {result.problems}"
    return found[0]


# --- encodings, separators, layouts -----------------------------------------------------------
RUSSIAN_CSV = ("Дата;Район;Показатель;Значение;Пол;Возраст;Инвалидность;Примечание\n"
               "01.03.2019;Дусти;grants_awarded;1\u00a0200;ж;18–29;нет;поле\n"
               "02.03.2019;Пяндж;jobs_created;3;М;60 +;да;\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_encodings_with_cyrillic_districts(tmp_path, encoding):
    result = read(write(tmp_path, "ru.csv", RUSSIAN_CSV, encoding))
    assert result.ok, result.problems
    assert result.kind == "activities" and result.row_count == 2
    frame = result.frame
    assert list(frame.columns) == ACTIVITY_COLUMNS
    assert frame["district_code"].tolist() == ["KT01", "KT05"]
    assert frame["value"].tolist() == [1200.0, 3.0]
    assert frame["sex"].tolist() == ["female", "male"]
    assert frame["age_group"].tolist() == ["18-29", "60+"]
    assert frame["disability"].tolist() == ["no", "yes"]
    assert frame["notes"].iloc[0] == "поле" and pd.isna(frame["notes"].iloc[1])
    assert frame["date"].tolist() == [pd.Timestamp("2019-03-01"), pd.Timestamp("2019-03-02")]
    assert frame["source_row"].tolist() == [2, 3]


def test_cp1251_found_after_the_first_megabyte(tmp_path):
    ascii_rows = "2019-03-01,Dusti,grants_awarded,1,,,,\n" * 30_000  # ~1.1 MB before the first Cyrillic byte
    path = write(tmp_path, "late.csv", HEADER + "\n" + ascii_rows + "2019-03-01,Пяндж,jobs_created,2,,,,\n", "cp1251")
    result = read(path)
    assert result.ok, result.problems[:3]
    assert result.frame["district_code"].iloc[-1] == "KT05" and result.row_count == 30_001
    assert any("cp1251" in n for n in result.notes)
    garbage = HEADER + "\n" + ascii_rows
    path.write_bytes(garbage.encode() + b"2019-03-01,\x81\x8d\x90\x98,jobs_created,2,,,,\n")
    assert "encoding" in only_problem(read(path)).message


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_separators(tmp_path, separator):
    rows = [HEADER.split(","), ["2019-03-01", "Dusti", "grants_awarded", "12", "F", "", "", "a note"],
            ["2019-03-02", "Vanj", "jobs_created", "4", "", "30-44", "yes", ""]]
    text = "\n".join(separator.join(r) for r in rows) + "\n"
    result = read(write(tmp_path, "sep.csv", text))
    assert result.ok, result.problems
    assert result.frame["district_code"].tolist() == ["KT01", "GB02"]
    assert result.frame["value"].tolist() == [12.0, 4.0]


def test_semicolon_file_reads_decimal_comma_as_fraction(tmp_path):
    text = "date;district;indicator;value\n2019-03-01;Dusti;grants_awarded;2,5\n"
    result = read(write(tmp_path, "dc.csv", text))
    problem = only_problem(result)
    assert (problem.row, problem.column, problem.value) == (2, "value", "2,5")
    assert "Fractional value 2.5" in problem.message and "grants" in problem.message


def test_wide_layout_empty_cell_is_no_record(tmp_path):
    text = ("date,district,grants_awarded,JOBS_CREATED,notes\n"
            "2019-03-01,Dusti,12,,first\n"
            "2019-03-02,Vanj,,0,\n"
            "2019-03-03,Rushon,1,2,\n")
    result = read(write(tmp_path, "wide.csv", text))
    assert result.ok, result.problems
    frame = result.frame
    assert list(zip(frame["source_row"], frame["indicator"], frame["value"])) == [
        (2, "grants_awarded", 12.0), (3, "jobs_created", 0.0), (4, "grants_awarded", 1.0), (4, "jobs_created", 2.0)]
    assert frame["notes"].iloc[0] == "first"
    assert any("Wide layout" in n for n in result.notes)


def test_wide_layout_bad_cell_is_located(tmp_path):
    text = "date,district,grants_awarded,jobs_created\n2019-03-01,Dusti,12,many\n"
    problem = only_problem(read(write(tmp_path, "wide.csv", text)))
    assert (problem.row, problem.column, problem.value) == (2, "jobs_created", "many")


def test_hxl_row_with_odd_header_words(tmp_path):
    text = ("When,Where,What,How many,Who,Age,Notes?\n"
            "#date,#adm2 +Name,#indicator+code,#value,#sex,#age+group,#meta+notes\n"
            "2019-03-01,Khorog,grants_awarded,7,W,18 - 29,=1+2\n")
    result = read(write(tmp_path, "hxl.csv", text))
    assert result.ok, result.problems
    row = result.frame.iloc[0]
    assert (row["district_code"], row["value"], row["sex"], row["age_group"]) == ("GB05", 7.0, "female", "18-29")
    assert row["notes"] == "=1+2"  # formula-looking text stays text
    assert row["source_row"] == 3  # the HXL row counts as row 2


def test_hxl_district_code_column_and_problem_rows_count_the_hxl_row(tmp_path):
    text = ("a,b,c,d\n#date,#adm2+code,#indicator+code,#value\n"
            "2019-03-01,KT01,grants_awarded,1\n2019-03-01,KT99,grants_awarded,1\n")
    problem = only_problem(read(write(tmp_path, "hxl.csv", text)))
    assert (problem.row, problem.column, problem.value) == (4, "b", "KT99")


def test_blank_rows_are_skipped_but_keep_numbering(tmp_path):
    text = HEADER + "\n2019-03-01,Dusti,grants_awarded,1,,,,\n,,,,,,,\n\n2019-03-01,Dusi,grants_awarded,1,,,,\n"
    result = read(write(tmp_path, "blank.csv", text))
    problem = only_problem(result)
    assert (problem.row, problem.column) == (5, "district")
    assert result.row_count == 2


# --- targets and funding ----------------------------------------------------------------------
def test_targets_table(tmp_path):
    text = ("Indicator,District,Period,Target\n"
            "grants_awarded,,,1000\n"
            "grants_awarded,Дусти,2019,50\n"
            "jobs_created,Panj,2019 Q2,10\n"
            "jobs_created,Panj,2019-03,4\n")
    result = read(write(tmp_path, "targets.csv", text))
    assert result.ok, result.problems
    assert result.kind == "targets" and list(result.frame.columns) == TARGET_COLUMNS
    assert result.frame["period"].tolist() == ["whole", "2019", "2019-Q2", "2019-03"]
    assert pd.isna(result.frame["district_code"].iloc[0]) and result.frame["district_code"].iloc[1] == "KT01"


def test_targets_problems(tmp_path):
    text = ("indicator,district,period,target\n"
            "grants_awardd,,,10\n"
            "jobs_created,Dusti,2019-Q7,10\n"
            "jobs_created,,,-1\n"
            "jobs_created,,,2.5\n"
            "rps_sessions,,,1\n"
            "rps_sessions,,,2\n")
    result = read(write(tmp_path, "targets.csv", text))
    assert problem_at(result, 2, "indicator").suggestions == ("grants_awarded",)
    assert "quarter 7" in problem_at(result, 3, "period").message
    assert "Negative" in problem_at(result, 4, "target").message
    assert "Fractional" in problem_at(result, 5, "target").message
    assert not result.ok and result.frame.empty and list(result.frame.columns) == TARGET_COLUMNS


def test_duplicate_targets(tmp_path):
    text = "indicator,target\nrps_sessions,1\nrps_sessions,2\n"
    problem = only_problem(read(write(tmp_path, "targets.csv", text)))
    assert problem.row == 3 and "row 2 already sets" in problem.message


def test_funding_table_with_hxl(tmp_path):
    text = ("Appeal,Obj,Comp,Funder,Need,Got\n"
            "#activity+appeal,#sector+objective,#sector+component,#org+donor,#value+funding+required,"
            "#value+received+funding\n"
            f"crp2020,{CRP_OBJECTIVE_1.upper()},{CRP_COMMUNITY.lower()},UK,\"1,500,000\",250000.50\n"
            f"CRP2020,{CRP_OBJECTIVE_2},,,,0\n")
    result = read(write(tmp_path, "funding.csv", text))
    assert result.ok, result.problems
    assert result.kind == "funding" and list(result.frame.columns) == FUNDING_COLUMNS
    first = result.frame.iloc[0]
    assert (first["plan"], first["objective"], first["component"]) == ("CRP2020", CRP_OBJECTIVE_1, CRP_COMMUNITY)
    assert (first["required"], first["received"], first["currency"]) == (1_500_000.0, 250000.5, "USD")
    assert pd.isna(result.frame["component"].iloc[1]) and pd.isna(result.frame["required"].iloc[1])


def test_funding_problems(tmp_path):
    text = ("plan,objective,component,received,currency\n"
            "CRP2020,Driving solutions to displacment,,10,USD\n"
            "CRP2020,Driving solutions to displacement,Comunity stabilisation,10,\n"
            "CRP2020,Driving solutions to displacement,,,EUR\n")
    result = read(write(tmp_path, "funding.csv", text))
    assert CRP_OBJECTIVE_1 in problem_at(result, 2, "objective").suggestions
    assert CRP_COMMUNITY in problem_at(result, 3, "component").suggestions
    assert "Empty amount received" in problem_at(result, 4, "received").message
    assert "EUR" in problem_at(result, 4, "currency").message


# --- bad rows -----------------------------------------------------------------------------------
BAD_ROWS = [
    ("2019-03-01,Dusti,grants_awarded,-5", "value", "Negative", ()),
    ("2019-03-01,Dusti,grants_awarded,lots", "value", "not a number", ()),
    ("2019-03-01,Dusti,grants_awarded,", "value", "Empty value", ()),
    ("2019-03-01,Dusti,grants_awarded,2.5", "value", "Fractional", ()),
    ("2019-03-01,Dusi,grants_awarded,1", "district", "Unknown district", ("Dusti",)),
    ("2019-03-01,,grants_awarded,1", "district", "Empty district", ()),
    ("2019-03-01,Dusti,Grants awarded,1", "indicator", "", ()),  # spaces read as _: accepted
    ("2019-03-01,Dusti,grant_awardd,1", "indicator", "Unknown indicator", ("grants_awarded",)),
    ("2019-02-30,Dusti,grants_awarded,1", "date", "not a real calendar date", ()),
    ("03/04/2019,Dusti,grants_awarded,1", "date", "Ambiguous", ()),
    ("2030-01-01,Dusti,grants_awarded,1", "date", "in the future", ()),
    ("soon,Dusti,grants_awarded,1", "date", "not a date", ()),
]


@pytest.mark.parametrize("line, column, words, suggestions", BAD_ROWS)
def test_bad_rows_are_located(tmp_path, line, column, words, suggestions):
    text = "date,district,indicator,value\n2019-03-01,Vanj,jobs_created,1\n" + line + "\n"
    result = read(write(tmp_path, "bad.csv", text))
    if not words:
        assert result.ok, result.problems
        return
    problem = only_problem(result)
    assert (problem.file, problem.row, problem.column) == ("bad.csv", 3, column)
    assert words in problem.message
    assert problem.suggestions[:len(suggestions)] == suggestions
    assert result.frame.empty


def test_every_problem_is_reported_at_once(tmp_path):
    text = ("date,district,indicator,value,sex\n"
            "2019-02-30,Dusi,grant_awardd,-1,x\n"
            "2019-03-01,Dusti,grants_awarded,1,F\n"
            "2019-03-01,Mars,jobs_created,abc,\n")
    result = read(write(tmp_path, "many.csv", text), file_name="upload.csv")
    located = {(p.row, p.column) for p in result.problems}
    assert located == {(2, "date"), (2, "district"), (2, "indicator"), (2, "value"), (2, "sex"),
                       (4, "district"), (4, "value")}
    assert {p.file for p in result.problems} == {"upload.csv"}


def test_problems_per_column_are_capped(tmp_path):
    lines = [f"2019-03-01,Dusti,grants_awarded,bad{i}" for i in range(1_200)]
    result = read(write(tmp_path, "cap.csv", "date,district,indicator,value\n" + "\n".join(lines) + "\n"))
    listed = [p for p in result.problems if p.row is not None]
    assert len(listed) == 1_000 and listed[-1].row == 1_001
    assert "200 more problems in column 'value'" in result.problems[-1].message


def test_ragged_rows(tmp_path):
    text = "date,district,indicator,value\n2019-03-01,Dusti,grants_awarded\n2019-03-01,Dusti,grants_awarded,1,9\n" \
           "2019-03-01,Dusi,grants_awarded,1\n"
    result = read(write(tmp_path, "ragged.csv", text))
    assert [(p.row, "3 cells" in p.message or "5 cells" in p.message) for p in result.problems if p.column is None] \
        == [(2, True), (3, True)]
    assert problem_at(result, 4, "district").suggestions[0] == "Dusti"


def test_text_hazards(tmp_path):
    text = HEADER + "\n" + f"2019-03-01,Dusti,grants_awarded,1,,,,{'x' * 20_000}\n" \
                           "2019-03-01,Dusti\x07,grants_awarded,1,,,,\n" \
                           "2019-03-01,Dusti,grants_awarded,1,,,,\u202eevil\n"
    result = read(write(tmp_path, "hostile.csv", text))
    assert "20000 characters" in problem_at(result, 2, "notes").message
    assert len(problem_at(result, 2, "notes").value) < 200
    assert "U+0007" in problem_at(result, 3, "district").message
    assert "U+202E" in problem_at(result, 4, "notes").message


# --- file-level problems ------------------------------------------------------------------------
@pytest.mark.parametrize("name, content, words", [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n  \n", "empty"),
    ("header.csv", b"date,district,indicator,value\n", "header but no data rows"),
    ("header-blank-rows.csv", b"date,district,indicator,value\n,,,\n", "header but no data rows"),
    ("binary.csv", bytes(range(256)) * 4, "binary"),
    ("fake.xlsx", b"date,district\n", "not an Excel workbook"),
    ("zip.csv", b"PK\x03\x04" + b"\x00" * 100, "zip archive"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97"),
    ("notes.pdf", b"%PDF-1.4", "Unsupported file type"),
    ("latin.csv", "date,district\n2019,\u00e9\u00e8\u00ea\u00eb\u00ee\n".encode("latin-1") + b"\x81\x8d\x90", "encoding"),
    ("broken.xlsx", b"PK\x03\x04not really a zip", "not a readable Excel workbook"),
])
def test_file_problems(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = read(path)
    problem = only_problem(result)
    assert problem.file == name and words in problem.message
    assert result.frame.empty and result.sha256 == hashlib.sha256(content).hexdigest()


def test_missing_columns_say_which_and_what_was_found(tmp_path):
    problem = only_problem(read(write(tmp_path, "m.csv", "Дата,Район,Показатель\n2019-03-01,Dusti,grants_awarded\n")))
    assert problem.row == 1 and "value" in problem.message and "'Район'" in problem.message
    problem = only_problem(read(write(tmp_path, "u.csv", "foo,bar\n1,2\n")))
    assert "Cannot tell what kind of table" in problem.message and "'foo'" in problem.message


def test_duplicate_columns(tmp_path):
    text = "date,district,Район,indicator,value\n2019-03-01,Dusti,Дусти,grants_awarded,1\n"
    problem = only_problem(read(write(tmp_path, "dup.csv", text)))
    assert problem.column == "Район" and "Duplicate column" in problem.message and "'district'" in problem.message


def test_district_name_and_code_must_agree(tmp_path):
    text = "date,district,district_code,indicator,value\n2019-03-01,Dusti,KT01,grants_awarded,1\n" \
           "2019-03-01,Vanj,KT01,grants_awarded,1\n"
    problem = only_problem(read(write(tmp_path, "codes.csv", text)))
    assert (problem.row, problem.column) == (3, "district") and "GB02" in problem.message


def test_limits(tmp_path):
    path = write(tmp_path, "a.csv", HEADER + "\n" + "2019-03-01,Dusti,grants_awarded,1,,,,\n" * 3)
    assert "at most" in only_problem(read(path, max_bytes=10)).message
    assert "3 data rows" in only_problem(read(path, max_rows=2)).message
    assert MAX_ROWS == 10_000_000


def test_progress_sha_and_a_missing_file(tmp_path):
    path = write(tmp_path, "a.csv", HEADER + "\n2019-03-01,Dusti,grants_awarded,1,,,,\n")
    seen = []
    result = read_table(path, progress=lambda stage, fraction: seen.append((stage, fraction)), today=TODAY)
    assert result.ok and result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert seen[0] == ("reading", 0.0) and seen[-1] == ("checking", 1.0)
    assert all(0.0 <= f <= 1.0 for _, f in seen)
    missing = tmp_path / "missing.csv"
    assert "Cannot open" in only_problem(read_table(missing, today=TODAY)).message


# --- workbooks ----------------------------------------------------------------------------------
def save(workbook: openpyxl.Workbook, tmp_path: Path, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_with_date_cells_and_several_sheets(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Read me"
    workbook.active["A1"] = "Instructions"
    sheet = workbook.create_sheet("Records")
    sheet.append(["Дата", "Район", "Показатель", "Значение", "Инвалидность"])
    sheet.append([dt.datetime(2019, 3, 1), "Рошткала", "rps_sessions", 3, 1])
    sheet.append([dt.datetime(2019, 3, 2), "Ishkashim", "rps_participants", 40.0, False])
    result = read(save(workbook, tmp_path))
    assert result.ok, result.problems
    assert result.sheet == "Records" and any("'Read me'" in n for n in result.notes)
    assert result.frame["district_code"].tolist() == ["GB06", "GB07"]
    assert result.frame["disability"].tolist() == ["yes", "no"]
    assert result.frame["date"].iloc[0] == pd.Timestamp("2019-03-01")


def test_xlsx_first_sheet_with_data(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Empty"
    sheet = workbook.create_sheet("Khatlon 2019")
    sheet.append(["indicator", "target"])
    sheet.append(["grants_awarded", 100])
    result = read(save(workbook, tmp_path))
    assert result.ok and result.kind == "targets" and result.sheet == "Khatlon 2019"


def test_xlsx_merged_header_and_formula_without_value(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["date", "district", "indicator", "value", "Disaggregation", None])
    sheet.append(["2019-03-01", "Dusti", "grants_awarded", "=2+3", "F", "18-29"])
    sheet.merge_cells("E1:F1")
    result = read(save(workbook, tmp_path))
    merged = problem_at(result, 1, "Disaggregation")
    assert merged.value == "E1:F1" and "Merged cells E1:F1 in the header" in merged.message
    formula = problem_at(result, 2, "value")
    assert formula.value == "=2+3" and "Formula without a saved result" in formula.message
    assert len(result.problems) == 2


def test_xlsx_bad_cells_are_located(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["date", "district", "indicator", "value"])
    sheet.append([dt.datetime(2019, 3, 1), "Dusti", "grants_awarded", 1.5])
    sheet.append([43525, "Dusti", "grants_awarded", "1"])
    result = read(save(workbook, tmp_path))
    assert "Fractional" in problem_at(result, 2, "value").message
    assert "format the cell as a date" in problem_at(result, 3, "date").message


def test_xlsx_empty_workbook(tmp_path):
    assert "no sheet holds any data" in only_problem(read(save(openpyxl.Workbook(), tmp_path))).message


def test_xlsx_with_cached_formula_values_is_fine(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["date", "district", "indicator", "value"])
    sheet.append(["2019-03-01", "Dusti", "grants_awarded", "=2+3"])
    path = save(workbook, tmp_path)
    # Put a cached result in the sheet XML, as Excel does when it saves.
    with zipfile.ZipFile(path) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"<v></v>", b"<v>5</v>") \
        .replace(b"<v />", b"<v>5</v>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    result = read(path)
    assert result.ok, result.problems
    assert result.frame["value"].tolist() == [5.0]


def test_xlsx_excel_error_values_are_located(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["date", "district", "indicator", "value", "notes"])
    sheet.append(["2019-03-01", "Dusti", "grants_awarded", "#DIV/0!", "#N/A"])  # openpyxl stores these as errors
    result = read(save(workbook, tmp_path))
    for column, error in (("value", "#DIV/0!"), ("notes", "#N/A")):
        problem = problem_at(result, 2, column)
        assert problem.value == error and "Excel error" in problem.message


def test_xlsx_rows_and_values_are_those_the_spreadsheet_shows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"] = "date", "district", "indicator", "value"
    sheet.append([None, dt.date(2019, 3, 1), "Dusti", "grants_awarded", 4])
    sheet.append([None, dt.date(2019, 3, 2), 12, "grants_awarded", 5.0])
    result = read(save(workbook, tmp_path))
    unknown = problem_at(result, 5, "district")  # row 5 of the sheet, whatever the blank rows above
    assert unknown.value == "12"  # a whole number as Excel shows it, not "12.0"
    assert len(result.problems) == 1


# --- property: valid frames round-trip -----------------------------------------------------------
DISTRICT_NAMES = [d.name_en for d in PROGRAMME_DISTRICTS] + [d.name_ru for d in PROGRAMME_DISTRICTS]
CODE_BY_NAME = {d.name_en: d.code for d in PROGRAMME_DISTRICTS} | {d.name_ru: d.code for d in PROGRAMME_DISTRICTS}

records = st.lists(
    st.tuples(
        st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2024, 6, 30)),
        st.sampled_from(DISTRICT_NAMES),
        st.sampled_from(INDICATOR_IDS),
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from([*SEXES, ""]),
        st.sampled_from([*AGE_GROUPS, ""]),
        st.sampled_from(["yes", "no", ""]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp")),
                max_size=20),
    ),
    min_size=1, max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=records, separator=st.sampled_from([",", ";"]), encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_valid_activity_frames_round_trip(tmp_path, rows, separator, encoding):
    frame = pd.DataFrame(rows, columns=HEADER.split(","))
    path = tmp_path / "roundtrip.csv"
    frame.to_csv(path, index=False, sep=separator, encoding=encoding)
    result = read(path)
    assert result.ok, result.problems
    out = result.frame
    assert all(out[c].dtype == "category" for c in ("district_code", "indicator", "sex", "age_group", "disability",
                                                     "notes"))  # few distinct texts, however many rows
    out = out.astype({c: "str" for c in ("sex", "age_group", "disability", "notes")})
    assert out["date"].dt.date.tolist() == frame["date"].tolist()
    assert out["district_code"].tolist() == [CODE_BY_NAME[n] for n in frame["district"]]
    assert out["indicator"].tolist() == frame["indicator"].tolist()
    assert out["value"].tolist() == frame["value"].astype(float).tolist()
    for column in ("sex", "age_group", "disability"):
        assert out[column].fillna("").tolist() == frame[column].tolist()
    assert out["notes"].fillna("").tolist() == frame["notes"].str.strip().tolist()
    assert np.array_equal(out["source_row"], np.arange(2, len(frame) + 2))


@pytest.mark.parametrize("district", ["Kulob", "Куляб", "Asht", "KT13"])
def test_records_outside_the_16_programme_districts_are_refused_by_name(tmp_path, district):
    path = tmp_path / "outside.csv"
    path.write_text(f"date,district,indicator,value\n2020-06-01,Panj,jobs_created,7\n"
                    f"2020-06-02,{district},jobs_created,16\n", encoding="utf-8")
    result = read_table(path)
    assert not result.ok and len(result.problems) == 1
    problem = result.problems[0]
    assert problem.row == 3 and "not one of the 16 programme districts" in problem.message
    assert district in problem.message and "Dusti" in problem.allowed
