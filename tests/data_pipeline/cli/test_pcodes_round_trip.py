"""OCHA P-codes on input and in every export: ingest by P-code, export, ingest again, same figures."""

from __future__ import annotations

import io

import pandas as pd

from data_pipeline.cli import main
from data_pipeline.ingest import read_table
from data_pipeline.presentation.exports import to_csv_bytes
from data_pipeline.store import Store
from geo.gazetteer import PROGRAMME_DISTRICTS

# Records keyed by P-code only, under an HXL row (#adm2+code): as an HDX dataset would give them.
BY_PCODE = (
    "date,pcode,indicator,value,sex\n"
    "#date,#adm2+code,#indicator+code,#value,#sex\n"
    "2019-05-31,3507223,jobs_created,3,female\n"      # Jayhun (COD: Chaikhun)
    "2019-06-30,3507223,jobs_created,2,male\n"
    "2019-06-30,3590226,grants_awarded,4,\n"          # Shughnon (COD: Shugnan)
    "2020-01-15,3590401,jobs_created,1,female\n"      # Khorugh
    "2020-02-01,3507246,rps_participants,15,\n"       # Shamsiddin Shohin (COD: Shohin)
)


def _export(store_url: str, path) -> pd.DataFrame:
    assert main(["export", "--store", store_url, "--hxl", "--period", "year", "-o", str(path)]) == 0
    return pd.read_csv(path, skiprows=[1], dtype={"district_pcode": str, "region_pcode": str})


def test_ingest_by_pcode_export_ingest_again_gives_the_same_figures(tmp_path, capsys):
    first_file = tmp_path / "by-pcode.csv"
    first_file.write_text(BY_PCODE, encoding="utf-8")
    first_store = f"sqlite:///{tmp_path / 'first.db'}"
    assert main(["ingest", "--store", first_store, str(first_file)]) == 0
    first = _export(first_store, tmp_path / "first-export.csv")
    assert set(first["district_pcode"]) == {"3507223", "3590226", "3590401", "3507246"}
    assert first.set_index("district_pcode")["district_code"].to_dict() == {
        "3507223": "KT06", "3590226": "GB04", "3590401": "GB05", "3507246": "KT09"}
    assert set(first["region_pcode"]) == {"3507000", "3590000"}
    header, tags = (tmp_path / "first-export.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert dict(zip(header.split(","), tags.split(",")))["district_pcode"] == "#adm2+code"

    # The records, exported with their P-codes (and project codes) and the HXL row, ingest again.
    with Store(first_store) as store:
        records = store.activities()
    pcodes = {d.code: d.pcode for d in PROGRAMME_DISTRICTS}
    exported = records.assign(district_pcode=records["district_code"].map(pcodes))[
        ["date", "district_pcode", "district_code", "indicator", "value", "sex"]]
    second_file = tmp_path / "records-export.csv"
    second_file.write_bytes(to_csv_bytes(exported, hxl=True))
    assert second_file.read_text(encoding="utf-8").splitlines()[1].startswith("#date,#adm2+code,#adm2+code+project")
    second_store = f"sqlite:///{tmp_path / 'second.db'}"
    assert main(["ingest", "--store", second_store, str(second_file)]) == 0
    second = _export(second_store, tmp_path / "second-export.csv")

    figures = ["district_pcode", "district_code", "region_pcode", "indicator", "period", "value"]
    pd.testing.assert_frame_equal(first[figures], second[figures])
    assert first.groupby("indicator")["value"].sum().to_dict() == {"grants_awarded": 4, "jobs_created": 6,
                                                                   "rps_participants": 15}


def test_pcodes_in_a_plain_district_column_and_excel_numbers(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "district", "indicator", "value"])
    sheet.append(["2019-05-31", 3507209, "jobs_created", 2])      # a P-code typed as a number
    sheet.append(["2019-05-31", "3590204", "jobs_created", 1])    # and as text
    sheet.append(["2019-05-31", "Chaikhun", "jobs_created", 1])   # a COD spelling
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)
    result = read_table(path)
    assert result.ok, result.problems
    assert result.frame["district_code"].astype(str).tolist() == ["KT01", "GB02", "KT06"]


def test_old_exports_with_the_project_code_under_adm2_code_still_read(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("date,district_code,indicator,value\n#date,#adm2+code,#indicator+code,#value\n"
                    "2019-05-31,KT01,jobs_created,2\n", encoding="utf-8")
    result = read_table(path)
    assert result.ok, result.problems
    assert result.frame["district_code"].astype(str).tolist() == ["KT01"]


def test_a_pcode_that_disagrees_with_the_project_code_is_reported(tmp_path):
    path = tmp_path / "disagree.csv"
    path.write_text("date,district_pcode,district_code,indicator,value\n"
                    "2019-05-31,3507209,KT02,jobs_created,2\n", encoding="utf-8")
    result = read_table(path)
    assert not result.ok
    assert any("district_pcode" in str(p.message) or "district_pcode" in str(p.column) for p in result.problems)


def test_an_unknown_pcode_is_reported_with_what_is_allowed(tmp_path):
    path = tmp_path / "unknown.csv"
    path.write_text("date,pcode,indicator,value\n2019-05-31,3507999,jobs_created,2\n", encoding="utf-8")
    result = read_table(path)
    assert not result.ok
    problem = result.problems[0]
    assert "3507999" in str(problem.value) and "P-code" in str(problem.allowed)
