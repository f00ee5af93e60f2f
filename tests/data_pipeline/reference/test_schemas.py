"""Canonical schemas: built on first use, and pandera's unused extras kept out of a CLI process."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from pandera.errors import SchemaErrors

from data_pipeline.reference import schemas

ROOT = Path(__file__).resolve().parents[3]

_CHILD = """
import sys
import pandas as pd
from data_pipeline.reference import schemas
from data_pipeline.analysis import aggregate
assert "pandera" not in sys.modules, "importing the constants loaded pandera"
frame = pd.DataFrame({"date": pd.to_datetime(["2020-01-05"]), "district_code": ["KT01"], "indicator": ["jobs_created"],
                      "value": [3.0], "sex": [None], "age_group": [None], "disability": ["no"], "notes": [None],
                      "source_row": [2]})
checked = schemas.validate("activities", frame)
assert checked["value"].tolist() == [3.0]
print(sorted(m for m in ("hypothesis", "geopandas", "pandera") if m in sys.modules))
"""


def test_constants_do_not_load_pandera_and_a_single_threaded_validation_skips_its_extras():
    result = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['pandera']"]


def _activities(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"date": pd.to_datetime(["2020-01-05"]), "district_code": ["KT01"],
                          "indicator": ["jobs_created"], "value": [3.0], "sex": ["female"], "age_group": [None],
                          "disability": [None], "notes": [None], "source_row": [2]})
    return frame.assign(**changes)


@pytest.mark.parametrize("changes, column", [({"district_code": ["XX99"]}, "district_code"),
                                             ({"value": [-1.0]}, "value"),
                                             ({"sex": ["other"]}, "sex")])
def test_validate_raises_pandera_errors_as_the_schema_does(changes, column):
    with pytest.raises(SchemaErrors) as err:
        schemas.validate("activities", _activities(**changes), lazy=True)
    assert column in set(err.value.failure_cases["column"])
    assert schemas.SCHEMAS["activities"] is schemas.ActivitySchema


_TEXT = ("district_code", "indicator", "sex", "age_group", "disability", "notes")


def test_categorical_text_columns_are_checked_as_categories_and_stay_categorical():
    frame = _activities().astype({name: "category" for name in _TEXT})
    assert all(schemas.validate("activities", frame, text="category")[name].dtype == "category" for name in _TEXT)
    # An unused category is no record; a used one outside the allowed values fails as it would as text.
    unused = frame.assign(district_code=frame["district_code"].cat.add_categories(["XX99"]))
    schemas.validate("activities", unused, text="category")
    with pytest.raises(SchemaErrors) as err:
        schemas.validate("activities", _activities(district_code=["XX99"]).astype({n: "category" for n in _TEXT}),
                         text="category")
    assert set(err.value.failure_cases["column"]) == {"district_code"}


def test_categorical_columns_checked_as_text_become_text():
    frame = _activities().astype({"indicator": "category"})
    assert schemas.validate("activities", frame)["indicator"].dtype == "str"


def test_nothing_is_hidden_while_other_threads_run():
    names = ("hypothesis", "geopandas")
    before = {n: sys.modules.get(n, "absent") for n in names}
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        with schemas.without_pandera_extras():
            assert {n: sys.modules.get(n, "absent") for n in names} == before
    finally:
        release.set()
        worker.join()


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchSchema"):
        schemas.NoSuchSchema  # noqa: B018


def test_one_declaration_per_table_gives_the_column_lists_and_the_schemas():
    assert set(schemas.TABLES) == set(schemas.KINDS)
    for kind, table in schemas.TABLES.items():
        assert table.kind == kind and schemas.COLUMNS[kind] == [c.name for c in table.columns]
        assert list(schemas.SCHEMAS[kind].columns) == schemas.COLUMNS[kind]
        for column in table.columns:
            assert column.dtype in (schemas.TEXT, schemas.FLOAT, schemas.INT, schemas.DATE)
            assert schemas.SCHEMAS[kind].columns[column.name].nullable == column.nullable
    assert schemas.ACTIVITY_COLUMNS == schemas.Activities.names()
    assert schemas.Targets.period.matches == schemas.PERIOD_PATTERN
