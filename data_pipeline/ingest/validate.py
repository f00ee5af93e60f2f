"""Checks on the values of monitoring tables (numbers, dates, periods, text): per unique value, a
result or what is wrong. Values that name something (districts, indicators, categories, funding
lines) are checked in ``names``.

Every checker works on the *unique* values of a column (a column of a million rows holds a
few hundred distinct districts, dates or counts): it returns, per unique value, the
canonical result or a ``Text`` (``problems``) saying what is wrong, what is allowed and how to
fix it.
``ingest`` maps the results back onto the rows with numpy, so valid data never meets a
Python loop over rows; loops run only to build problem messages, capped per column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_pipeline.reference.registry import indicator
from data_pipeline.reference.schemas import FRACTIONAL_UNITS
from data_pipeline.ingest.problems import Text
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown

MAX_CELL_CHARS = 10_000
"""Longest text a cell may hold (notes included)."""
MAX_COUNT = 1_000_000_000
"""Largest count or amount accepted: a larger one is a typing or unit error."""
MIN_DATE = dt.date(2000, 1, 1)
"""Earliest plausible record date (Excel's empty date, 1899/1900, is a common slip)."""
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
"""C0/C1 control characters, zero-width space and bidirectional overrides (tab and newlines allowed)."""
CONTROL_CHARS_PATTERN = _CONTROL_CHARS.pattern


# --- per-unique-value checkers -------------------------------------------------------------
# Each returns a list parallel to ``uniques`` of Check(result, text, allowed_text, suggestions):
# text is None when the value is fine.


@dataclass(frozen=True)
class Check:
    result: object = None
    text: Text | None = None
    """What is wrong (``None``: the value is fine)."""
    allowed_text: Text | str = ""
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.text is None

    @property
    def message(self) -> str | None:
        """What is wrong, in English (``None``: nothing)."""
        return None if self.text is None else str(self.text)

    @property
    def allowed(self) -> str:
        """What would be right, in English."""
        return str(self.allowed_text)


OK_EMPTY = Check(None)


def is_blank(value: object) -> bool:
    """True for a cell that holds nothing (None, NaN, or only spaces)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_text(value: object) -> str:
    """A cell as text, with Unicode normalised and surrounding spaces removed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def text_problem(value: object) -> Text | None:
    """What is wrong with a cell's text as text (too long, control characters), if anything."""
    if not isinstance(value, str):
        return None
    if len(value) > MAX_CELL_CHARS:
        return _("Cell holds {length} characters; at most {limit} are accepted. "
                 "Shorten the text or move it to a separate document.", length=len(value), limit=MAX_CELL_CHARS)
    found = _CONTROL_CHARS.search(value)
    if found:
        return _("Cell contains the invisible control character U+{code:04X}; retype the cell without it.",
                 code=ord(found.group()))
    return None


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value: object, decimal_comma: bool) -> float | None:
    """A cell as a number, or ``None`` when it is not one.

    Accepts spaces, non-breaking spaces and apostrophes as thousand separators; a comma is
    the decimal mark when ``decimal_comma`` (semicolon-separated files, as Russian Excel
    writes them) or when a dot is not also present; ``1,234`` with exactly three digits after
    the comma counts as a thousand in comma-separated files.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = _SPACES.sub("", clean_text(value)).replace("\u2212", "-")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") \
            else text.replace(",", "")
    elif "," in text:
        if not decimal_comma and _THOUSANDS_COMMA.match(text):
            text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        else:
            return None
    if not _NUMBER.match(text):
        return None
    return float(text)


def check_numbers(uniques: Sequence[object], *, decimal_comma: bool, what: str,
                  required: bool = True) -> list[Check]:
    """Numbers ≥ 0, one Check per unique cell (result: float; blank: None, a problem if ``required``)."""
    out = []
    noun = Text(what)  # "value", "target", "amount received": catalog entries of their own
    for value in uniques:
        if is_blank(value):
            out.append(Check(None, _("Empty {what}: every row needs one (write 0 if nothing happened, "
                                     "or delete the row).", what=noun) if required else None))
            continue
        number = parse_number(value, decimal_comma)
        if number is None or not math.isfinite(number):
            out.append(Check(None, _("{value!r} is not a number; write the {what} in digits, e.g. 12 or 1 250.",
                                     value=clean_text(value), what=noun), _("a number ≥ 0")))
        elif number < 0:
            out.append(Check(None, _("Negative {what} {number:g}: counts and amounts cannot be below zero.",
                                     what=noun, number=number), _("a number ≥ 0")))
        elif number > MAX_COUNT:
            out.append(Check(None, _("{What} {number:g} is implausibly large (over {limit:,}); check for a typing "
                                     "or unit error.", What=Text(what.capitalize()), number=number,
                                     limit=MAX_COUNT), _("0 to {limit:,}", limit=MAX_COUNT)))
        else:
            out.append(Check(number))
    return out


def fractional_message(what: str, number: float, unit: str) -> Text:
    """The problem text for a fractional value of an indicator that counts whole ``unit``."""
    return _("Fractional {what} {number:g}: this indicator counts whole {unit}; "
             "write a whole number (round it, or split the record).", what=Text(what), number=number,
             unit=Text(unit))


def whole_numbers_required(indicator_id: str) -> bool:
    """Whether ``indicator_id``'s unit counts whole things (every unit not in FRACTIONAL_UNITS)."""
    return indicator(indicator_id).unit not in FRACTIONAL_UNITS


# Dates ----------------------------------------------------------------------------------------
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$", re.I)
_SHORT_YEAR = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2}$")
DATE_FORMATS = _("YYYY-MM-DD (2019-03-01), DD.MM.YYYY (01.03.2019) or an Excel date cell")


@dataclass(frozen=True)
class SlashEvidence:
    """What a column's slash dates (``a/b/yyyy``) show of their order: a first part > 12 (day first), a
    second part > 12 (month first), and whether any has two different parts (its reading depends on the order)."""

    day_first: bool = False
    month_first: bool = False
    order_matters: bool = False

    def __or__(self, other: SlashEvidence) -> SlashEvidence:
        return SlashEvidence(self.day_first or other.day_first, self.month_first or other.month_first,
                             self.order_matters or other.order_matters)

    @property
    def order(self) -> str | None:
        """``"dmy"`` or ``"mdy"`` when the evidence shows one order, else None."""
        if self.day_first and not self.month_first:
            return "dmy"
        if self.month_first and not self.day_first:
            return "mdy"
        return None


def slash_evidence(uniques: Sequence[object]) -> SlashEvidence:
    """The ``SlashEvidence`` of a column's distinct values (a file read in batches adds up its batches')."""
    day_first = month_first = matters = False
    for value in uniques:
        if isinstance(value, str):
            m = _SLASH_DATE.match(value.strip())
            if m:
                a, b = int(m.group(1)), int(m.group(2))
                day_first |= a > 12
                month_first |= b > 12
                matters |= a != b
    return SlashEvidence(day_first, month_first, matters)


def slash_date_order(uniques: Sequence[object]) -> str | None:
    """``"dmy"`` or ``"mdy"`` when a column's slash dates show their order (a part > 12), else None."""
    return slash_evidence(uniques).order


_FROM_VALUES = "from the values"


def check_dates(uniques: Sequence[object], today: dt.date, order: str | None = _FROM_VALUES) -> list[Check]:
    """Calendar dates, one Check per unique cell (result: ``datetime.date``). Slash dates are read in the
    ``order`` the column shows (``slash_date_order``), or in the ``order`` given (a file read in batches
    reads every batch in the order its whole column shows)."""
    order = slash_date_order(uniques) if order == _FROM_VALUES else order
    out = []
    for value in uniques:
        out.append(_check_date(value, order, today))
    return out


def _check_date(value: object, slash_order: str | None, today: dt.date) -> Check:
    if is_blank(value):
        return Check(None, _("Empty date: every record needs the date of the activity."), DATE_FORMATS)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return Check(None, _("{value!r} is a number, not a date; format the cell as a date.", value=value),
                     DATE_FORMATS)
    else:
        text = clean_text(value)
        parts: tuple[int, int, int] | None = None
        if m := _ISO_DATE.match(text):
            parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif m := _DOTTED_DATE.match(text):
            parts = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
        elif m := _SLASH_DATE.match(text):
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if a == b:
                parts = (year, a, b)
            elif slash_order == "dmy":
                parts = (year, b, a)
            elif slash_order == "mdy":
                parts = (year, a, b)
            else:
                return Check(None, _("Ambiguous date {value!r}: it could be day/month or month/day. "
                                     "Write it as YYYY-MM-DD or DD.MM.YYYY.", value=text), DATE_FORMATS)
        elif _SHORT_YEAR.match(text):
            return Check(None, _("Date {value!r} has a two-digit year; write the year in full.", value=text),
                         DATE_FORMATS)
        if parts is None:
            return Check(None, _("{value!r} is not a date this reader understands.", value=text), DATE_FORMATS)
        try:
            day = dt.date(*parts)
        except ValueError:
            return Check(None, _("{value!r} is not a real calendar date (no such day or month).", value=text),
                         DATE_FORMATS)
    if day > today:
        return Check(None, _("Date {date} is in the future (today is {today}).", date=day.isoformat(),
                             today=today.isoformat()), _("a date up to {today}", today=today.isoformat()))
    if day < MIN_DATE:
        return Check(None, _("Date {date} is before {earliest}: probably an empty or mistyped date cell.",
                             date=day.isoformat(), earliest=MIN_DATE.isoformat()),
                     _("a date from {earliest}", earliest=MIN_DATE.isoformat()))
    return Check(day)


# Periods (targets) --------------------------------------------------------------------------
_WHOLE_WORDS = {"whole", "all", "total", "programme", "program", "весь период", "все", "итого", "всего"}
PERIOD_FORMATS = _("empty or 'whole' (the whole programme), YYYY, YYYY-Qn or YYYY-MM")


def check_periods(uniques: Sequence[object]) -> list[Check]:
    """Target periods: ``whole``, ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM`` (result: the label)."""
    return [_check_period(v) for v in uniques]


def _check_period(value: object) -> Check:
    if is_blank(value):
        return Check("whole")
    if isinstance(value, (dt.datetime, dt.date)):
        return Check(f"{value.year:04d}-{value.month:02d}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    text = clean_text(value)
    low = text.lower()
    if low in _WHOLE_WORDS:
        return Check("whole")
    if re.fullmatch(r"\d{4}", text):
        return Check(text)
    m = (re.fullmatch(r"(\d{4})\s*[-/ ]?\s*[QqКк]\s*(\d)", text)
         or re.fullmatch(r"[QqКк]\s*(\d)\s*[-/ ]?\s*(\d{4})", text))
    if m:
        year, quarter = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
        if 1 <= int(quarter) <= 4:
            return Check(f"{year}-Q{quarter}")
        return Check(None, _("Period {value!r} names quarter {quarter}; quarters are 1 to 4.", value=text,
                             quarter=quarter), PERIOD_FORMATS)
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text) or re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text)
    if m:
        year, month = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
        if 1 <= int(month) <= 12:
            return Check(f"{year}-{int(month):02d}")
        return Check(None, _("Period {value!r} names month {month}; months are 1 to 12.", value=text, month=month),
                     PERIOD_FORMATS)
    return Check(None, _("{value!r} is not a period this reader understands.", value=text), PERIOD_FORMATS)


def check_texts(uniques: Sequence[object]) -> list[Check]:
    """Free text (notes, donors): kept as text, stripped, never evaluated.

    Length and control characters are not checked here: ingest checks them (``text_problem``)
    in every column it uses, notes included, before any field's checks.
    """
    return [OK_EMPTY if is_blank(value) else Check(str(value).strip()) for value in uniques]
