"""Value checkers of data_pipeline.ingest.validate and .names: synonyms, numbers, dates, periods, names."""

from __future__ import annotations

import datetime as dt

import pytest

from data_pipeline.ingest import header_field, hxl_field, parse_hxl
from data_pipeline.reference.registry import CRP_COMMUNITY, CRP_OBJECTIVE_1
from data_pipeline.ingest.names import (
    check_districts, check_funding_lines, check_indicators, normalise_age_group, normalise_disability, normalise_sex,
)
from data_pipeline.ingest.validate import MAX_COUNT, check_dates, check_numbers, check_periods, parse_number

TODAY = dt.date(2024, 6, 30)


@pytest.mark.parametrize("spelling, expected", [
    ("F", "female"), ("female", "female"), ("Female", "female"), (" W ", "female"), ("Ж", "female"),
    ("жен", "female"), ("жен.", "female"), ("женщина", "female"), ("Women", "female"),
    ("M", "male"), ("Male", "male"), ("М", "male"), ("муж", "male"), ("мужчина", "male"), ("men", "male"),
    ("x", None), ("both", None), ("", None),
])
def test_sex_synonyms(spelling, expected):
    assert normalise_sex(spelling) == expected


@pytest.mark.parametrize("spelling, expected", [
    ("18-29", "18-29"), ("18–29", "18-29"), ("18 - 29", "18-29"), ("18—29", "18-29"), ("18 to 29", "18-29"),
    ("30-44 years", "30-44"), ("45–59 лет", "45-59"), ("60+", "60+"), ("60 +", "60+"), ("60 and over", "60+"),
    ("60 и старше", "60+"), ("0-17", "0-17"), ("under 18", "0-17"), ("до 18", "0-17"), ("<18", "0-17"),
    ("18-30", None), ("adult", None), ("70+", None),
])
def test_age_group_synonyms(spelling, expected):
    assert normalise_age_group(spelling) == expected


@pytest.mark.parametrize("spelling, expected", [
    ("yes", "yes"), ("Y", "yes"), ("1", "yes"), (1, "yes"), (1.0, "yes"), ("true", "yes"), ("TRUE", "yes"),
    (True, "yes"), ("да", "yes"), ("Да", "yes"),
    ("no", "no"), ("N", "no"), ("0", "no"), (0, "no"), ("false", "no"), (False, "no"), ("нет", "no"),
    ("maybe", None), ("2", None),
])
def test_disability_synonyms(spelling, expected):
    assert normalise_disability(spelling) == expected


@pytest.mark.parametrize("text, decimal_comma, expected", [
    ("12", False, 12.0), (" 12 ", False, 12.0), ("1 200", True, 1200.0), ("1\u00a0200", True, 1200.0),
    ("1\u202f200,5", True, 1200.5), ("2,5", True, 2.5), ("2,5", False, 2.5), ("1,234", False, 1234.0),
    ("1,234", True, 1.234), ("1,234.5", False, 1234.5), ("1.234,5", True, 1234.5), ("-3", False, -3.0),
    ("1e3", False, 1000.0), (7, False, 7.0), (2.5, True, 2.5),
    ("twelve", False, None), ("", False, None), ("1,2,3", True, None), ("=1+2", False, None), (True, False, None),
])
def test_parse_number(text, decimal_comma, expected):
    assert parse_number(text, decimal_comma) == expected


def test_check_numbers_messages():
    checks = check_numbers(["5", "-1", "abc", "", str(MAX_COUNT * 10), "nan"], decimal_comma=False, what="value")
    assert [c.ok for c in checks] == [True, False, False, False, False, False]
    assert checks[0].result == 5.0
    assert "Negative" in checks[1].message
    assert "'abc' is not a number" in checks[2].message
    assert "Empty value" in checks[3].message
    assert "implausibly large" in checks[4].message
    optional = check_numbers([""], decimal_comma=False, what="value", required=False)
    assert optional[0].ok and optional[0].result is None


@pytest.mark.parametrize("value, expected", [
    ("2019-03-01", dt.date(2019, 3, 1)),
    ("2019-3-1", dt.date(2019, 3, 1)),
    ("2019-03-01 00:00:00", dt.date(2019, 3, 1)),
    ("2019-03-01T10:30", dt.date(2019, 3, 1)),
    ("01.03.2019", dt.date(2019, 3, 1)),
    ("1.3.2019", dt.date(2019, 3, 1)),
    ("01.03.2019 0:00", dt.date(2019, 3, 1)),
    (dt.datetime(2019, 3, 1, 12, 0), dt.date(2019, 3, 1)),
    (dt.date(2019, 3, 1), dt.date(2019, 3, 1)),
])
def test_dates_accepted(value, expected):
    (check,) = check_dates([value], TODAY)
    assert check.ok and check.result == expected


@pytest.mark.parametrize("value, words", [
    ("31.02.2019", "not a real calendar date"),
    ("2019-13-01", "not a real calendar date"),
    ("03/04/2019", "Ambiguous"),
    ("01.03.19", "two-digit year"),
    ("yesterday", "not a date"),
    ("2099-01-01", "in the future"),
    ("1900-01-01", "before 2000-01-01"),
    (43525, "is a number, not a date"),
    ("", "Empty date"),
])
def test_dates_rejected(value, words):
    (check,) = check_dates([value], TODAY)
    assert not check.ok and words in check.message
    assert "YYYY-MM-DD" in check.allowed or "up to" in check.allowed or "from" in check.allowed


def test_slash_dates_take_their_order_from_the_column():
    day_first = check_dates(["13/02/2019", "03/04/2019"], TODAY)
    assert [c.result for c in day_first] == [dt.date(2019, 2, 13), dt.date(2019, 4, 3)]
    month_first = check_dates(["02/13/2019", "03/04/2019"], TODAY)
    assert [c.result for c in month_first] == [dt.date(2019, 2, 13), dt.date(2019, 3, 4)]


@pytest.mark.parametrize("value, expected", [
    ("", "whole"), (None, "whole"), ("whole", "whole"), ("Весь период", "whole"), ("2019", "2019"),
    (2019, "2019"), (2019.0, "2019"), ("2019-Q2", "2019-Q2"), ("2019 Q2", "2019-Q2"), ("Q3 2019", "2019-Q3"),
    ("2019-03", "2019-03"), ("2019-3", "2019-03"), ("03.2019", "2019-03"), (dt.datetime(2019, 3, 1), "2019-03"),
    ("2019-Q5", None), ("2019-13", None), ("spring", None),
])
def test_periods(value, expected):
    (check,) = check_periods([value])
    assert check.result == expected if expected else not check.ok


def test_districts_resolve_or_suggest():
    good, cyrillic, code, bad, empty = check_districts(["Dusti", "Пяндж", "GB05", "Dusi", ""])
    assert (good.result, cyrillic.result, code.result) == ("KT01", "KT05", "GB05")
    assert not bad.ok and "Dusti" in bad.suggestions and "'Dusi'" in bad.message
    assert not empty.ok
    (optional,) = check_districts([""], required=False)
    assert optional.ok and optional.result is None


def test_indicators_accept_case_and_spaces_and_suggest():
    upper, spaced, typo = check_indicators(["GRANTS_AWARDED", "  jobs_created ", "jobs_creatd"])
    assert upper.result == "grants_awarded" and spaced.result == "jobs_created"
    assert not typo.ok and typo.suggestions == ("jobs_created",)


def test_funding_lines_canonical_spelling_and_suggestions():
    exact, objective_only, bad_objective, bad_plan = check_funding_lines([
        ("crp2020", CRP_OBJECTIVE_1.upper(), CRP_COMMUNITY.lower()),
        ("CRP2020", CRP_OBJECTIVE_1, None),
        ("CRP2020", "Driving solution to displacment", None),
        ("CRP2021", CRP_OBJECTIVE_1, None),
    ])
    assert exact.result == ("CRP2020", CRP_OBJECTIVE_1, CRP_COMMUNITY)
    assert objective_only.result == ("CRP2020", CRP_OBJECTIVE_1, None)
    assert bad_objective.result == "objective" and CRP_OBJECTIVE_1 in bad_objective.suggestions
    assert bad_plan.result == "plan" and bad_plan.suggestions == ("CRP2020",)


@pytest.mark.parametrize("tag, field", [
    ("#date", "date"), ("#adm2+name", "district"), ("#ADM2 +Name", "district"),
    # #adm2+code is the OCHA P-code, as HDX uses it (issue 19); the project code is #adm2+code+project.
    ("#adm2+code", "district_pcode"), ("#adm2+code+project", "district_code"), ("#adm2+project+code", "district_code"),
    ("#indicator+code", "indicator"), ("#value", "value"), ("#indicator+num", "value"), ("#sex", "sex"),
    ("#age+group", "age_group"), ("#disabled", "disability"), ("#meta+notes", "notes"),
    ("#date+period", "period"), ("#targeted", "target"), ("#value+funding+required", "required"),
    ("#value+required+funding", "required"), ("#value+Funding+Received+usd", "received"),
    ("#org+donor", "donor"), ("#activity+appeal", "plan"), ("#sector+objective", "objective"),
    ("#sector+component", "component"), ("#currency", "currency"), ("#org", None), ("date", None),
])
def test_hxl_tags(tag, field):
    assert hxl_field(tag) == field


def test_hxl_attributes_parse_in_any_order_and_case():
    assert parse_hxl("#Value +Funding+REQUIRED") == ("value", frozenset({"funding", "required"}))
    assert parse_hxl("# not a tag") is None


@pytest.mark.parametrize("word, field", [
    ("Date", "date"), (" DISTRICT ", "district"), ("District_Code", "district_code"), ("Age group", "age_group"),
    ("age-group", "age_group"), ("Дата", "date"), ("Район", "district"), ("Показатель", "indicator"),
    ("Значение", "value"), ("Значение (чел.)", "value"), ("Пол", "sex"), ("Возраст", "age_group"),
    ("Инвалидность", "disability"), ("Примечание", "notes"), ("whatever", None),
])
def test_header_synonyms(word, field):
    assert header_field(word) == field
