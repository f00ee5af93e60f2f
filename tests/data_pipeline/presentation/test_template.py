"""The upload templates: lists, drop-downs, HXL row, instructions, and a filled-in template ingests cleanly."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from data_pipeline.presentation.exports import HXL_TAGS
from data_pipeline.ingest import read_table
from data_pipeline.reference.registry import INDICATOR_IDS
from data_pipeline.reference.schemas import AGE_GROUPS, COLUMNS, DISABILITY, SEXES
from data_pipeline.presentation.template import DATA_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, build_template, template_kinds
from geo.gazetteer import PROGRAMME_DISTRICTS

ROWS = {
    "activities": [(dt.date(2019, 4, 2), "Panj", "grants_awarded", 12, "female", "18-29", "no", "spring"),
                   ("2020-01-15", "Пянджский район", "jobs_created", 3, None, None, None, None),
                   (dt.datetime(2018, 11, 30), "Vanj", "rps_participants", 15, "male", "30-44", "yes", None)],
    "targets": [("grants_awarded", "Panj", "whole", 120), ("jobs_created", None, "2019", 40)],
    "funding": [("CRP2020", "Driving solutions to displacement", "Community stabilization", "ECHO", 1000, 500, "USD")],
}


def workbook(kind: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(build_template(kind)))


def column_values(sheet, column: int) -> list:
    """The values under the header of one column."""
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True)
            if row[0] is not None]


@pytest.mark.parametrize("kind", template_kinds())
def test_filled_in_template_ingests_cleanly(kind, tmp_path):
    book = workbook(kind)
    for row, values in enumerate(ROWS[kind], start=3):
        for column, value in enumerate(values, start=1):
            book[DATA_SHEET].cell(row=row, column=column, value=value)
    path = tmp_path / f"{kind}.xlsx"
    book.save(path)
    result = read_table(path)
    assert result.ok, result.problems
    assert (result.kind, result.row_count, result.sheet) == (kind, len(ROWS[kind]), DATA_SHEET)
    assert list(result.frame.columns) == COLUMNS[kind]


def test_activities_template_columns_hxl_row_and_drop_downs():
    book = workbook("activities")
    data = book[DATA_SHEET]
    header = [c.value for c in data[1]]
    assert header == ["date", "district", "indicator", "value", "sex", "age_group", "disability", "notes"]
    assert [c.value for c in data[2]] == [HXL_TAGS[name] for name in header]
    assert data.max_row == 2, "no example row in the data sheet: it would be published as data"
    lists = book[LISTS_SHEET]
    by_title = {lists.cell(row=1, column=i).value: column_values(lists, i) for i in range(1, lists.max_column + 1)}
    assert by_title["District (English)"] == [d.name_en for d in PROGRAMME_DISTRICTS]
    assert len(by_title["District (English)"]) == 16
    assert by_title["Indicator id"] == list(INDICATOR_IDS)
    assert (by_title["sex"], by_title["age_group"], by_title["disability"]) == (list(SEXES), list(AGE_GROUPS),
                                                                                list(DISABILITY))
    validations = {str(v.sqref).split(":")[0]: v for v in data.data_validations.dataValidation}
    assert validations["B3"].formula1 == "=lists!$A$2:$A$17"
    assert validations["C3"].type == "list" and validations["C3"].errorStyle == "stop"
    assert validations["C3"].formula1 == f"=lists!$E$2:$E${len(INDICATOR_IDS) + 1}"
    assert validations["D3"].type == "decimal"
    assert {"B3", "C3", "E3", "F3", "G3"} <= set(validations)


def test_instructions_are_in_english_and_russian_with_an_example():
    sheet = workbook("activities")[INSTRUCTIONS_SHEET]
    english = " ".join(str(c.value) for c in sheet["A"] if c.value)
    russian = " ".join(str(c.value) for c in sheet["B"] if c.value)
    assert "Do not merge cells" in english and "not formulas" in english
    assert "Не объединяйте ячейки" in russian
    assert any(c.value == "grants_awarded" for row in sheet.iter_rows() for c in row), "example row missing"


def test_empty_template_is_reported_as_having_no_rows(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(build_template("activities"))
    result = read_table(path)
    assert not result.ok
    assert "no data rows" in result.problems[0].message


def test_unknown_kind_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="activities, targets, funding"):
        build_template("budget")
