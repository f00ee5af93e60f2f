"""Canonical shapes of the three kinds of monitoring table, after ingest.

Every reader produces these columns; the store keeps them; aggregation reads them.
District names are already resolved to codes here (``district_code``), indicator ids are
registry ids, and disaggregation values are the canonical ones below.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from data_pipeline.reference.registry import INDICATOR_IDS, FUNDING_LINES
from geo.gazetteer import ALL_DISTRICTS

if TYPE_CHECKING:
    import pandas as pd

KIND_ACTIVITIES = "activities"
KIND_TARGETS = "targets"
KIND_FUNDING = "funding"
KINDS = (KIND_ACTIVITIES, KIND_TARGETS, KIND_FUNDING)

SEXES = ("female", "male")
AGE_GROUPS = ("0-17", "18-29", "30-44", "45-59", "60+")
DISABILITY = ("yes", "no")
DISAGGREGATIONS = {"sex": SEXES, "age_group": AGE_GROUPS, "disability": DISABILITY}

# Column order of each canonical table. ``source_row`` is the row number a spreadsheet shows.
ACTIVITY_COLUMNS = ["date", "district_code", "indicator", "value", "sex", "age_group", "disability",
                    "notes", "source_row"]
TARGET_COLUMNS = ["indicator", "district_code", "period", "target", "source_row"]
"""``district_code`` empty = programme-wide; ``period`` is ``whole`` or a period label
(``2019``, ``2019-Q2``, ``2019-03``)."""
FUNDING_COLUMNS = ["plan", "objective", "component", "donor", "required", "received", "currency", "source_row"]
CURRENCIES = ("USD",)
"""Currencies funding amounts may be recorded in (ingest reads an empty currency as USD)."""

_DISTRICT_CODES = [d.code for d in ALL_DISTRICTS]

# The pandera schemas (``ActivitySchema``, ``TargetSchema``, ``FundingSchema``, ``SCHEMAS``) are
# built on first use: importing pandera costs ~0.3 s, which every importer of the constants above
# (aggregation, the dashboard) would otherwise pay.
_LAZY_SCHEMAS = ("ActivitySchema", "TargetSchema", "FundingSchema", "SCHEMAS")

# pandera imports hypothesis (to synthesise data) and geopandas (geometry dtypes) while it builds
# and runs schemas: ~0.3-0.5 s of a 10-row ingest, and neither serves these schemas.
_PANDERA_EXTRAS = ("hypothesis", "geopandas")


@contextmanager
def _without_pandera_extras() -> Iterator[None]:
    """Hide pandera's optional extras from it meanwhile, when that is safe.

    Only in a single-threaded process (the CLI) and only modules not imported yet: another thread
    importing them meanwhile would fail, so in the dashboard's server nothing is hidden and pandera
    behaves as it always did. Hidden, pandera takes them as not installed, which changes nothing
    for these schemas (no geometry columns, no data synthesis).
    """
    hidden = [m for m in _PANDERA_EXTRAS if m not in sys.modules] if threading.active_count() == 1 else []
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


@cache
def _schemas(text: str = "str") -> dict[str, Any]:
    """The schemas with text columns of dtype ``text``: ``str``, or ``category`` for the activity
    records ingest makes (their checks then run on the categories, not on every row)."""
    with _without_pandera_extras():
        import pandera.pandas as pa

        ActivitySchema = pa.DataFrameSchema(
            {
                "date": pa.Column("datetime64[ns]"),
                "district_code": pa.Column(text, pa.Check.isin(_DISTRICT_CODES)),
                "indicator": pa.Column(text, pa.Check.isin(INDICATOR_IDS)),
                "value": pa.Column(float, pa.Check.ge(0)),
                "sex": pa.Column(text, pa.Check.isin(SEXES), nullable=True),
                "age_group": pa.Column(text, pa.Check.isin(AGE_GROUPS), nullable=True),
                "disability": pa.Column(text, pa.Check.isin(DISABILITY), nullable=True),
                "notes": pa.Column(text, nullable=True),
                "source_row": pa.Column(int),
            },
            strict=True,
            ordered=True,
            coerce=True,
        )

        TargetSchema = pa.DataFrameSchema(
            {
                "indicator": pa.Column(text, pa.Check.isin(INDICATOR_IDS)),
                "district_code": pa.Column(text, pa.Check.isin(_DISTRICT_CODES), nullable=True),
                "period": pa.Column(text, pa.Check.str_matches(r"^(whole|\d{4}(-Q[1-4]|-\d{2})?)$")),
                "target": pa.Column(float, pa.Check.ge(0)),
                "source_row": pa.Column(int),
            },
            strict=True,
            ordered=True,
            coerce=True,
        )

        FundingSchema = pa.DataFrameSchema(
            {
                "plan": pa.Column(text, pa.Check.isin(sorted({l.plan for l in FUNDING_LINES}))),
                "objective": pa.Column(text, pa.Check.isin(sorted({l.objective for l in FUNDING_LINES}))),
                "component": pa.Column(text, nullable=True),
                "donor": pa.Column(text, nullable=True),
                "required": pa.Column(float, pa.Check.ge(0), nullable=True),
                "received": pa.Column(float, pa.Check.ge(0)),
                "currency": pa.Column(text, pa.Check.isin(list(CURRENCIES))),
                "source_row": pa.Column(int),
            },
            strict=True,
            ordered=True,
            coerce=True,
        )

        return {"ActivitySchema": ActivitySchema, "TargetSchema": TargetSchema, "FundingSchema": FundingSchema,
                "SCHEMAS": {KIND_ACTIVITIES: ActivitySchema, KIND_TARGETS: TargetSchema, KIND_FUNDING: FundingSchema}}


def __getattr__(name: str) -> Any:
    if name in _LAZY_SCHEMAS:
        return _schemas()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def validate(kind: str, frame: pd.DataFrame, *, lazy: bool = True, text: str = "str") -> pd.DataFrame:
    """``frame`` checked and coerced by the pandera schema of ``kind`` (``SCHEMAS[kind].validate``).

    ``text="category"``: the text columns are categorical (ingest's activity records), checked as
    such and kept so. Raises pandera's ``SchemaError`` (``SchemaErrors`` when ``lazy``) as that does.
    """
    schema = _schemas(text)["SCHEMAS"][kind]
    with _without_pandera_extras():
        return schema.validate(frame, lazy=lazy)


COLUMNS = {KIND_ACTIVITIES: ACTIVITY_COLUMNS, KIND_TARGETS: TARGET_COLUMNS, KIND_FUNDING: FUNDING_COLUMNS}

# Units whose values may be fractional. Every other unit counts whole things (persons, sessions,
# grants…), so ingest reports a fractional value of such an indicator as a problem.
FRACTIONAL_UNITS = frozenset({"percent", "USD", "ratio", "score", "hours", "days"})
