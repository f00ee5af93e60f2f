"""Canonical shapes of the three kinds of monitoring table, after ingest.

Every reader produces these columns; the store keeps them; aggregation reads them.
District names are already resolved to codes here (``district_code``), indicator ids are
registry ids, and disaggregation values are the canonical ones below.
"""

from __future__ import annotations

import pandera.pandas as pa

from data_pipeline.registry import INDICATOR_IDS, FUNDING_LINES
from geo.gazetteer import ALL_DISTRICTS

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

_DISTRICT_CODES = [d.code for d in ALL_DISTRICTS]

ActivitySchema = pa.DataFrameSchema(
    {
        "date": pa.Column("datetime64[ns]"),
        "district_code": pa.Column(str, pa.Check.isin(_DISTRICT_CODES)),
        "indicator": pa.Column(str, pa.Check.isin(INDICATOR_IDS)),
        "value": pa.Column(float, pa.Check.ge(0)),
        "sex": pa.Column(str, pa.Check.isin(SEXES), nullable=True),
        "age_group": pa.Column(str, pa.Check.isin(AGE_GROUPS), nullable=True),
        "disability": pa.Column(str, pa.Check.isin(DISABILITY), nullable=True),
        "notes": pa.Column(str, nullable=True),
        "source_row": pa.Column(int),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

TargetSchema = pa.DataFrameSchema(
    {
        "indicator": pa.Column(str, pa.Check.isin(INDICATOR_IDS)),
        "district_code": pa.Column(str, pa.Check.isin(_DISTRICT_CODES), nullable=True),
        "period": pa.Column(str, pa.Check.str_matches(r"^(whole|\d{4}(-Q[1-4]|-\d{2})?)$")),
        "target": pa.Column(float, pa.Check.ge(0)),
        "source_row": pa.Column(int),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

FundingSchema = pa.DataFrameSchema(
    {
        "plan": pa.Column(str, pa.Check.isin(sorted({l.plan for l in FUNDING_LINES}))),
        "objective": pa.Column(str, pa.Check.isin(sorted({l.objective for l in FUNDING_LINES}))),
        "component": pa.Column(str, nullable=True),
        "donor": pa.Column(str, nullable=True),
        "required": pa.Column(float, pa.Check.ge(0), nullable=True),
        "received": pa.Column(float, pa.Check.ge(0)),
        "currency": pa.Column(str, pa.Check.isin(["USD"])),
        "source_row": pa.Column(int),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

SCHEMAS = {KIND_ACTIVITIES: ActivitySchema, KIND_TARGETS: TargetSchema, KIND_FUNDING: FundingSchema}
COLUMNS = {KIND_ACTIVITIES: ACTIVITY_COLUMNS, KIND_TARGETS: TARGET_COLUMNS, KIND_FUNDING: FUNDING_COLUMNS}

# Units whose values may be fractional. Every other unit counts whole things (persons, sessions,
# grants…), so ingest reports a fractional value of such an indicator as a problem.
FRACTIONAL_UNITS = frozenset({"percent", "USD", "ratio", "score", "hours", "days"})
