"""OCHA P-codes in the gazetteer, checked against the COD list shipped in geo/reference/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geo.gazetteer import (PCODE_SOURCE, PCODE_VALID_FROM, PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON,
                           REGION_PCODES, UnknownDistrictError, resolve_district)

COD_FILE = Path(__file__).resolve().parents[2] / "geo" / "reference" / "ocha-pcodes-tjk.csv"


def _cod_rows() -> dict[str, dict[str, str]]:
    with COD_FILE.open(encoding="utf-8", newline="") as file:
        return {row["P-Code"]: row for row in csv.DictReader(file)}


def test_the_shipped_cod_list_is_tajikistans_81_rows_valid_from_2017():
    rows = _cod_rows()
    assert len(rows) == 81
    assert {row["Location"] for row in rows.values()} == {"TJK"}
    assert {row["Valid from date"] for row in rows.values()} == {PCODE_VALID_FROM}
    assert "hdx-python-country" in PCODE_SOURCE and PCODE_VALID_FROM in PCODE_SOURCE


@pytest.mark.parametrize("district", PROGRAMME_DISTRICTS, ids=lambda d: d.name_en)
def test_every_programme_district_has_the_cod_pcode_name_and_parent(district):
    row = _cod_rows()[district.pcode]
    assert row["Admin Level"] == "2"
    assert row["Name"] == district.cod_name
    assert row["Parent P-Code"] == district.region_pcode


def test_regions_carry_their_cod_pcodes():
    rows = _cod_rows()
    assert REGION_PCODES[REGION_KHATLON] == "3507000" and rows["3507000"]["Name"] == "Khatlon"
    assert REGION_PCODES[REGION_GBAO] == "3590000" and rows["3590000"]["Name"] == "Gorno-Badakhshan"
    assert all(rows[code]["Admin Level"] == "1" for code in REGION_PCODES.values())


def test_the_issues_examples():
    expected = {"Dusti": "3507209", "Qubodiyon": "3507213", "Jayhun": "3507223", "Shamsiddin Shohin": "3507246",
                "Panj": "3507234", "Darvoz": "3590213", "Vanj": "3590204", "Rushon": "3590220",
                "Shughnon": "3590226", "Khorugh": "3590401", "Ishkoshim": "3590208"}
    by_name = {d.name_en: d.pcode for d in PROGRAMME_DISTRICTS}
    assert {name: by_name[name] for name in expected} == expected


def test_pcodes_are_unique_and_seven_digits():
    codes = [d.pcode for d in PROGRAMME_DISTRICTS]
    assert len(set(codes)) == 16 and all(len(c) == 7 and c.isdigit() for c in codes)


@pytest.mark.parametrize("district", PROGRAMME_DISTRICTS, ids=lambda d: d.name_en)
def test_pcode_and_cod_name_resolve_to_the_district(district):
    assert resolve_district(district.pcode) == district.code
    assert resolve_district(f" {district.pcode} ") == district.code
    assert resolve_district(district.cod_name) == district.code
    assert resolve_district(district.cod_name.upper()) == district.code


def test_an_unknown_pcode_is_refused_and_the_message_names_pcodes():
    with pytest.raises(UnknownDistrictError, match="P-code"):
        resolve_district("3507999")
