"""The IATI 2.03 export: valid against the official schema, every district's target and actual, demo marked."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from data_pipeline.analysis.dataset import indicator_table
from data_pipeline.presentation.iati import DEMO_TITLE, SCHEMA_DIR, build_iati, validate_iati
from data_pipeline.presentation.iati_config import IatiConfigError, load_iati_config
from data_pipeline.store import SubmissionInfo, VersionInfo
from geo.gazetteer import PROGRAMME_DISTRICTS
from tests.data_pipeline.conftest import CREATED, demo_dataset

GENERATED = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
INDICATOR = "grants_awarded"
BY_SEX = "border_guards_trained"  # the demo's records state the sex of the border guards (94 of 115 women)


@pytest.fixture(scope="module")
def demo_xml(demo) -> bytes:
    return build_iati(demo, load_iati_config(None), GENERATED)


def _real(ds):
    """``ds`` as if its records had been uploaded (not demo)."""
    submission = SubmissionInfo(7, "may.xlsx", "1" * 64, "activities", False, "Khatlon office", CREATED, 10)
    return type(ds)(VersionInfo(12, CREATED, "editor", False, "", None, True, (submission,)), None,
                    ds.activities, ds.targets, ds.funding)


def test_the_shipped_schema_is_the_official_2_03_release_with_its_licence():
    header = (SCHEMA_DIR / "iati-activities-schema.xsd").read_text(encoding="utf-8")[:600]
    assert 'version="2.03"' in header and "Release 2.03, 2018-02-19" in header
    assert "Creative Commons" in (SCHEMA_DIR / "LICENSE.md").read_text(encoding="utf-8")


def test_the_file_validates_against_the_iati_2_03_activity_schema(demo, demo_xml):
    assert validate_iati(demo_xml) == []
    assert validate_iati(build_iati(_real(demo), load_iati_config(None), GENERATED)) == []


def test_the_schema_check_catches_a_broken_file(demo_xml):
    root = etree.fromstring(demo_xml)
    activity = root.find("iati-activity")
    activity.remove(activity.find("title"))
    assert any("title" in problem for problem in validate_iati(etree.tostring(root)))


def test_one_activity_per_programme_with_the_required_elements(demo_xml):
    root = etree.fromstring(demo_xml)
    assert root.get("version") == "2.03"
    activities = root.findall("iati-activity")
    assert [a.findtext("iati-identifier") for a in activities] == ["XM-DAC-47066-TJ-TAJIRRB-DEMO",
                                                                   "XM-DAC-47066-TJ-CRP2020-DEMO"]
    for activity in activities:
        assert activity.find("reporting-org").get("ref") == "XM-DAC-47066"
        assert activity.find("recipient-country").get("code") == "TJ"
        assert [p.get("role") for p in activity.findall("participating-org")][-1] == "4"
        assert activity.find("activity-status") is not None and activity.findall("activity-date")
        assert [loc.get("ref") for loc in activity.findall("location")] == [d.pcode for d in PROGRAMME_DISTRICTS]


def test_every_districts_target_and_actual_for_an_indicator(demo, demo_xml):
    table = indicator_table(demo, "year")
    rows = table[table["indicator"] == INDICATOR]
    targets = demo.targets[(demo.targets["indicator"] == INDICATOR) & demo.targets["district_code"].notna()
                           & demo.targets["period"].str.fullmatch(r"\d{4}")]
    root = etree.fromstring(demo_xml)
    indicator = root.xpath(f"//indicator[reference/@code='{INDICATOR}']")[0]
    found_actual, found_target = {}, {}
    for period in indicator.findall("period"):
        year = period.find("period-start").get("iso-date")[:4]
        assert period.find("period-end").get("iso-date") == f"{year}-12-31"
        for kind, found in (("actual", found_actual), ("target", found_target)):
            for element in period.findall(kind):
                if element.find("location") is not None:
                    found[(element.find("location").get("ref"), year)] = float(element.get("value"))
    pcodes = {d.code: d.pcode for d in PROGRAMME_DISTRICTS}
    expected_actual = {(pcodes[r.district_code], str(r.period)): float(r.value) for r in rows.itertuples()}
    expected_target = {(pcodes[r.district_code], r.period): float(r.target) for r in targets.itertuples()}
    assert found_actual == expected_actual and len(expected_actual) >= 16
    assert found_target == expected_target and {code for code, _ in found_target} == set(pcodes.values())
    # The table's target per district and year is the same figure the XML gives.
    for r in rows.dropna(subset=["target"]).itertuples():
        assert found_target[(pcodes[r.district_code], str(r.period))] == float(r.target)


def test_actuals_by_sex_and_age_where_records_state_them(demo, demo_xml):
    by_sex = indicator_table(demo, "year", "sex")
    by_sex = by_sex[(by_sex["indicator"] == BY_SEX) & by_sex["sex"].isin(["female", "male"])]
    expected = by_sex.groupby(["period", "sex"])["value"].sum()
    root = etree.fromstring(demo_xml)
    indicator = root.xpath(f"//indicator[reference/@code='{BY_SEX}']")[0]
    found = {(p.find("period-start").get("iso-date")[:4], a.find("dimension").get("value")): float(a.get("value"))
             for p in indicator.findall("period") for a in p.xpath("actual[dimension/@name='sex']")}
    assert found == {(str(year), sex): float(v) for (year, sex), v in expected.items()} and found
    assert root.xpath("//dimension[@name='age']") and not root.xpath("//dimension[@value='not stated']")


def test_demo_data_is_marked_in_identifier_title_and_description(demo_xml, demo):
    root = etree.fromstring(demo_xml)
    for activity in root.findall("iati-activity"):
        assert activity.findtext("iati-identifier").endswith("-DEMO")
        assert activity.findtext("title/narrative").startswith(DEMO_TITLE)
        assert activity.findtext("description[@type='1']/narrative").startswith("DEMO DATA")
    assert "DEMO DATA" in root.xpath("//comment()")[0].text
    real = etree.fromstring(build_iati(_real(demo), load_iati_config(None), GENERATED))
    assert "DEMO" not in etree.tostring(real, encoding="unicode")


def test_the_file_names_the_defaults_it_used_and_a_config_replaces_them(demo, tmp_path):
    default_xml = build_iati(_real(demo), load_iati_config(None), GENERATED).decode("utf-8")
    assert "DEFAULTS" in default_xml and "TAJIRRB.iati_identifier" in default_xml
    config = tmp_path / "iati.toml"
    config.write_text('[TAJIRRB]\niati_identifier = "XM-DAC-47066-TJ-2016-0042"\nstatus = "4"\n'
                      'planned_start = "2016-04-01"\nplanned_end = "2020-09-30"\nfunding_org_ref = "GB-GOV-1"\n'
                      'funding_org_name = "UK government"\nfunding_org_type = "10"\n', encoding="utf-8")
    loaded = load_iati_config(config)
    assert not any(name.startswith("TAJIRRB.") for name in loaded.defaults)
    root = etree.fromstring(build_iati(_real(demo), loaded, GENERATED))
    tajirrb = root.findall("iati-activity")[0]
    assert tajirrb.findtext("iati-identifier") == "XM-DAC-47066-TJ-2016-0042"
    assert tajirrb.find("activity-date[@type='1']").get("iso-date") == "2016-04-01"
    assert tajirrb.find("participating-org[@role='1']").get("ref") == "GB-GOV-1"
    assert "dashboard defaults" not in tajirrb.findtext("description[@type='4']/narrative")
    assert "dashboard defaults" in root.findall("iati-activity")[1].findtext("description[@type='4']/narrative")


@pytest.mark.parametrize("text, words", [
    ('[TAJIRRB]\niati_identifier = "GB-1-123"\n', "must start with"),
    ('[TAJIRRB]\nstatus = "9"\n', r"4 \(Closed\)"),
    ('[TAJIRRB]\nplanned_start = "1 April 2016"\n', "YYYY-MM-DD"),
    ('[TAJIRRB]\ncolour = "red"\n', "unknown key"),
    ('[Atlantis]\n', "unknown section"),
    ('not toml = = 1', "TOML"),
])
def test_a_bad_config_says_what_and_how_to_fix(tmp_path, text, words):
    path = tmp_path / "iati.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IatiConfigError, match=words):
        load_iati_config(path)


def test_the_example_config_reads_and_keeps_every_guess_a_default():
    example = Path(__file__).resolve().parents[3] / "iati.example.toml"
    config = load_iati_config(example)
    assert "TAJIRRB.iati_identifier" in config.defaults and config.organisation["ref"] == "XM-DAC-47066"
