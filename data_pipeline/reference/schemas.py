"""Canonical shapes of the three kinds of monitoring table: ONE declaration per table kind.

Each table is a class (``Activities``, ``Targets``, ``Funding``) whose ``Column`` attributes are,
in order, its columns with their type, whether they may be empty and the values they may hold
(pandera's ``DataFrameModel`` style, without importing pandera: that costs ~0.3 s, see below).
Everything else is derived from these classes: the column lists (``ACTIVITY_COLUMNS``,
``COLUMNS``…), the pandera schemas (``ActivitySchema``, ``SCHEMAS``, ``validate``) and what the
store needs to lay out its tables (``TABLES[kind].columns``: name, ``dtype``, ``nullable``,
``max_length``).

Every reader produces these columns; the store keeps them; aggregation reads them.
District names are already resolved to codes here (``district_code``), indicator ids are
registry ids, and disaggregation values are the canonical ones below.

Reference data (layer 1): imports ``geo`` and the registry only.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from data_pipeline.reference.registry import FUNDING_LINES, INDICATOR_IDS
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

CURRENCIES = ("USD",)
"""Currencies funding amounts may be recorded in (ingest reads an empty currency as USD)."""
PERIOD_PATTERN = r"^(whole|\d{4}(-Q[1-4]|-\d{2})?)$"
"""A target period: ``whole`` or a period label (``2019``, ``2019-Q2``, ``2019-03``)."""

_DISTRICT_CODES = [d.code for d in ALL_DISTRICTS]

TEXT, FLOAT, INT, DATE = "text", "float", "int", "date"
"""The types a column may have (``Column.dtype``)."""


@dataclass(frozen=True)
class Column:
    """One column of a canonical table: its type, whether it may be empty, and its check.

    ``isin``: the values it may hold; ``ge``: the least number; ``matches``: a regular
    expression the text matches; ``max_length``: the longest text it holds (``None``: any
    length; the store sizes its SQL column by it). ``name`` is set by the table class.
    """

    dtype: str
    nullable: bool = False
    isin: Sequence[str] | None = None
    ge: float | None = None
    matches: str | None = None
    max_length: int | None = None
    name: str = ""


class Table:
    """A canonical table's declaration: subclasses list their ``Column`` attributes in order."""

    kind: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.columns = tuple(replace(value, name=name) for name, value in vars(cls).items()
                            if isinstance(value, Column))

    @classmethod
    def names(cls) -> list[str]:
        """The column names, in order."""
        return [column.name for column in cls.columns]


class Activities(Table):
    """Activity records: what was done (``indicator``, ``value``), where and when, optionally by sex,
    age group and disability. ``source_row`` is the row number a spreadsheet shows."""

    kind = KIND_ACTIVITIES
    date = Column(DATE)
    district_code = Column(TEXT, isin=_DISTRICT_CODES, max_length=8)
    indicator = Column(TEXT, isin=INDICATOR_IDS, max_length=64)
    value = Column(FLOAT, ge=0)
    sex = Column(TEXT, nullable=True, isin=SEXES, max_length=16)
    age_group = Column(TEXT, nullable=True, isin=AGE_GROUPS, max_length=16)
    disability = Column(TEXT, nullable=True, isin=DISABILITY, max_length=8)
    notes = Column(TEXT, nullable=True)
    source_row = Column(INT)


class Targets(Table):
    """Targets per indicator: ``district_code`` empty = programme-wide; ``period`` is ``whole`` or a
    period label (``2019``, ``2019-Q2``, ``2019-03``)."""

    kind = KIND_TARGETS
    indicator = Column(TEXT, isin=INDICATOR_IDS, max_length=64)
    district_code = Column(TEXT, nullable=True, isin=_DISTRICT_CODES, max_length=8)
    period = Column(TEXT, matches=PERIOD_PATTERN, max_length=16)
    target = Column(FLOAT, ge=0)
    source_row = Column(INT)


class Funding(Table):
    """Funding per plan, objective and component (empty: the objective as a whole), optionally per donor."""

    kind = KIND_FUNDING
    plan = Column(TEXT, isin=sorted({line.plan for line in FUNDING_LINES}), max_length=64)
    objective = Column(TEXT, isin=sorted({line.objective for line in FUNDING_LINES}))
    component = Column(TEXT, nullable=True)
    donor = Column(TEXT, nullable=True)
    required = Column(FLOAT, nullable=True, ge=0)
    received = Column(FLOAT, ge=0)
    currency = Column(TEXT, isin=list(CURRENCIES), max_length=8)
    source_row = Column(INT)


TABLES: dict[str, type[Table]] = {table.kind: table for table in (Activities, Targets, Funding)}
"""Each kind's declaration: the one place its columns, types and checks are written."""

# Column order of each canonical table, derived from the declarations.
ACTIVITY_COLUMNS = Activities.names()
TARGET_COLUMNS = Targets.names()
FUNDING_COLUMNS = Funding.names()
COLUMNS = {kind: table.names() for kind, table in TABLES.items()}

# The pandera schemas (``ActivitySchema``, ``TargetSchema``, ``FundingSchema``, ``SCHEMAS``) are
# built on first use: importing pandera costs ~0.3 s, which every importer of the constants above
# (aggregation, the dashboard) would otherwise pay.
_LAZY_SCHEMAS = ("ActivitySchema", "TargetSchema", "FundingSchema", "SCHEMAS")

# pandera imports hypothesis (to synthesise data) and geopandas (geometry dtypes) while it builds
# and runs schemas: ~0.3-0.5 s of a 10-row ingest, and neither serves these schemas.
_PANDERA_EXTRAS = ("hypothesis", "geopandas")


@contextmanager
def without_pandera_extras() -> Iterator[None]:
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
    """The pandera schemas of the declarations, with text columns of dtype ``text``: ``str``, or
    ``category`` for the activity records ingest makes (checks then run on the categories)."""
    with without_pandera_extras():
        import pandera.pandas as pa

        dtypes = {DATE: "datetime64[ns]", TEXT: text, FLOAT: float, INT: int}

        def checks(column: Column) -> list:
            found = []
            if column.isin is not None:
                found.append(pa.Check.isin(column.isin))
            if column.ge is not None:
                found.append(pa.Check.ge(column.ge))
            if column.matches:
                found.append(pa.Check.str_matches(column.matches))
            return found

        schemas = {kind: pa.DataFrameSchema({c.name: pa.Column(dtypes[c.dtype], checks(c) or None, nullable=c.nullable)
                                             for c in table.columns}, strict=True, ordered=True, coerce=True)
                   for kind, table in TABLES.items()}
        return {"ActivitySchema": schemas[KIND_ACTIVITIES], "TargetSchema": schemas[KIND_TARGETS],
                "FundingSchema": schemas[KIND_FUNDING], "SCHEMAS": schemas}


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
    with without_pandera_extras():
        return schema.validate(frame, lazy=lazy)


# Units whose values may be fractional. Every other unit counts whole things (persons, sessions,
# grants…), so ingest reports a fractional value of such an indicator as a problem.
FRACTIONAL_UNITS = frozenset({"percent", "USD", "ratio", "score", "hours", "days"})
