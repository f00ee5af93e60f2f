"""Checks on the values of monitoring tables, and the ``Problem`` they report.

Every checker works on the *unique* values of a column (a column of a million rows holds a
few hundred distinct districts, dates or counts): it returns, per unique value, the
canonical result or a message saying what is wrong, what is allowed and how to fix it.
``ingest`` maps the results back onto the rows with numpy, so valid data never meets a
Python loop over rows; loops run only to build problem messages, capped per column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from data_pipeline.registry import FUNDING_LINES, FUNDING_OBJECTIVES, INDICATOR_IDS, indicator
from data_pipeline.schemas import AGE_GROUPS, DISABILITY, FRACTIONAL_UNITS, SEXES
from geo.gazetteer import UnknownDistrictError, resolve_district

MAX_PROBLEMS_PER_COLUMN = 1_000
"""Problems listed one by one per column; the rest are summed up in one "… and N more" line."""
MAX_CELL_CHARS = 10_000
"""Longest text a cell may hold (notes included)."""
MAX_COUNT = 1_000_000_000
"""Largest count or amount accepted: a larger one is a typing or unit error."""
MIN_DATE = dt.date(2000, 1, 1)
"""Earliest plausible record date (Excel's empty date, 1899/1900, is a common slip)."""
VALUE_PREVIEW_CHARS = 80
"""How much of a long value a problem message repeats."""

_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
"""C0/C1 control characters, zero-width space and bidirectional overrides (tab and newlines allowed)."""
CONTROL_CHARS_PATTERN = _CONTROL_CHARS.pattern


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as a spreadsheet shows it.

    ``row`` is the row number a spreadsheet shows (header = row 1; an HXL hashtag row is
    row 2); ``None`` for a problem with the file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    allowed: str = ""
    suggestions: tuple[str, ...] = ()


PROBLEM_TABLE_COLUMNS = ["file", "row", "column", "value", "problem", "allowed", "suggestions"]


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """The problems as a table (file, row, column, value, problem, allowed, suggestions)."""
    rows = [
        {
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "problem": p.message,
            "allowed": p.allowed,
            "suggestions": ", ".join(p.suggestions),
        }
        for p in problems
    ]
    table = pd.DataFrame(rows, columns=PROBLEM_TABLE_COLUMNS)
    table["row"] = table["row"].astype("Int64")
    return table


def format_problems(problems: Iterable[Problem], limit: int = 50) -> str:
    """The problems as readable lines for a terminal, at most ``limit`` of them."""
    problems = list(problems)
    if not problems:
        return "No problems found."
    lines = []
    for p in problems[:limit]:
        where = p.file
        if p.row is not None:
            where += f", row {p.row}"
        if p.column:
            where += f", column {p.column!r}"
        text = f"{where}: {p.message}"
        if p.value is not None and p.value != "" and repr(p.value) not in p.message:
            text += f" (value: {p.value!r})"
        if p.allowed:
            text += f"\n    allowed: {p.allowed}"
        if p.suggestions:
            text += f"\n    did you mean: {', '.join(p.suggestions)}?"
        lines.append(text)
    if len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more problems.")
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun}:\n" + "\n".join(lines)


def preview(value: object) -> str | None:
    """A value as a problem shows it: text, cut to ``VALUE_PREVIEW_CHARS``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    if len(text) > VALUE_PREVIEW_CHARS:
        return text[:VALUE_PREVIEW_CHARS] + f"… ({len(text)} characters)"
    return text


@dataclass
class ProblemLog:
    """Collects problems for one file, listing at most ``per_column`` per column."""

    file: str
    per_column: int = MAX_PROBLEMS_PER_COLUMN
    problems: list[Problem] = field(default_factory=list)
    _counts: dict[str | None, int] = field(default_factory=dict)
    _hidden: dict[str | None, int] = field(default_factory=dict)
    _cells: set[tuple[int, str]] = field(default_factory=set)

    def add(self, row: int | None, column: str | None, value: object, message: str,
            allowed: str = "", suggestions: Sequence[str] = ()) -> None:
        """Record a problem; a cell that already has one gets no second (its first cause is the one to fix)."""
        if row is not None and column is not None:
            if (row, column) in self._cells:
                return
            self._cells.add((row, column))
        count = self._counts.get(column, 0)
        self._counts[column] = count + 1
        if column is not None and count >= self.per_column:
            self._hidden[column] = self._hidden.get(column, 0) + 1
            return
        self.problems.append(Problem(self.file, row, column, preview(value), message, allowed,
                                     tuple(suggestions)))

    def hide(self, column: str, count: int) -> None:
        """Count ``count`` more problems in ``column`` without listing them (past the cap)."""
        if count > 0:
            self._counts[column] = self._counts.get(column, 0) + count
            self._hidden[column] = self._hidden.get(column, 0) + count

    def finish(self) -> list[Problem]:
        """The problems, with one "… and N more" line per column that overflowed, sorted by row."""
        out = sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))
        for column, hidden in self._hidden.items():
            out.append(Problem(self.file, None, column, None,
                               f"… and {hidden} more problems in column {column!r} not listed "
                               f"(only the first {self.per_column} per column are shown)."))
        return out


# --- per-unique-value checkers -------------------------------------------------------------
# Each returns a list parallel to ``uniques`` of Check(result, message, allowed, suggestions):
# message is None when the value is fine.


@dataclass(frozen=True)
class Check:
    result: object = None
    message: str | None = None
    allowed: str = ""
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.message is None


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


def text_problem(value: object) -> str | None:
    """What is wrong with a cell's text as text (too long, control characters), if anything."""
    if not isinstance(value, str):
        return None
    if len(value) > MAX_CELL_CHARS:
        return (f"Cell holds {len(value)} characters; at most {MAX_CELL_CHARS} are accepted. "
                f"Shorten the text or move it to a separate document.")
    found = _CONTROL_CHARS.search(value)
    if found:
        return (f"Cell contains the invisible control character U+{ord(found.group()):04X}; "
                f"retype the cell without it.")
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
    for value in uniques:
        if is_blank(value):
            out.append(Check(None, f"Empty {what}: every row needs one (write 0 if nothing happened, "
                                   f"or delete the row)." if required else None))
            continue
        number = parse_number(value, decimal_comma)
        if number is None or not math.isfinite(number):
            out.append(Check(None, f"{clean_text(value)!r} is not a number; write the {what} in digits, "
                                   f"e.g. 12 or 1 250.", "a number ≥ 0"))
        elif number < 0:
            out.append(Check(None, f"Negative {what} {number:g}: counts and amounts cannot be below zero.",
                             "a number ≥ 0"))
        elif number > MAX_COUNT:
            out.append(Check(None, f"{what.capitalize()} {number:g} is implausibly large (over {MAX_COUNT:,}); "
                                   f"check for a typing or unit error.", f"0 to {MAX_COUNT:,}"))
        else:
            out.append(Check(number))
    return out


def fractional_message(what: str, number: float, unit: str) -> str:
    """The problem text for a fractional value of an indicator that counts whole ``unit``."""
    return (f"Fractional {what} {number:g}: this indicator counts whole {unit}; "
            f"write a whole number (round it, or split the record).")


def whole_numbers_required(indicator_id: str) -> bool:
    """Whether ``indicator_id``'s unit counts whole things (every unit not in FRACTIONAL_UNITS)."""
    return indicator(indicator_id).unit not in FRACTIONAL_UNITS


# Dates ----------------------------------------------------------------------------------------
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$", re.I)
_SHORT_YEAR = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2}$")
DATE_FORMATS = "YYYY-MM-DD (2019-03-01), DD.MM.YYYY (01.03.2019) or an Excel date cell"


def slash_date_order(uniques: Sequence[object]) -> str | None:
    """``"dmy"`` or ``"mdy"`` when a column's slash dates show their order (a part > 12), else None."""
    day_first = month_first = False
    for value in uniques:
        if isinstance(value, str):
            m = _SLASH_DATE.match(value.strip())
            if m:
                a, b = int(m.group(1)), int(m.group(2))
                day_first |= a > 12
                month_first |= b > 12
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    return None


def check_dates(uniques: Sequence[object], today: dt.date) -> list[Check]:
    """Calendar dates, one Check per unique cell (result: ``datetime.date``)."""
    order = slash_date_order(uniques)
    out = []
    for value in uniques:
        out.append(_check_date(value, order, today))
    return out


def _check_date(value: object, slash_order: str | None, today: dt.date) -> Check:
    if is_blank(value):
        return Check(None, "Empty date: every record needs the date of the activity.", DATE_FORMATS)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return Check(None, f"{value!r} is a number, not a date; format the cell as a date.", DATE_FORMATS)
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
                return Check(None, f"Ambiguous date {text!r}: it could be day/month or month/day. "
                                   f"Write it as YYYY-MM-DD or DD.MM.YYYY.", DATE_FORMATS)
        elif _SHORT_YEAR.match(text):
            return Check(None, f"Date {text!r} has a two-digit year; write the year in full.", DATE_FORMATS)
        if parts is None:
            return Check(None, f"{text!r} is not a date this reader understands.", DATE_FORMATS)
        try:
            day = dt.date(*parts)
        except ValueError:
            return Check(None, f"{text!r} is not a real calendar date (no such day or month).", DATE_FORMATS)
    if day > today:
        return Check(None, f"Date {day.isoformat()} is in the future (today is {today.isoformat()}).",
                     f"a date up to {today.isoformat()}")
    if day < MIN_DATE:
        return Check(None, f"Date {day.isoformat()} is before {MIN_DATE.isoformat()}: probably an empty or "
                           f"mistyped date cell.", f"a date from {MIN_DATE.isoformat()}")
    return Check(day)


# Periods (targets) --------------------------------------------------------------------------
_WHOLE_WORDS = {"whole", "all", "total", "programme", "program", "весь период", "все", "итого", "всего"}
PERIOD_FORMATS = "empty or 'whole' (the whole programme), YYYY, YYYY-Qn or YYYY-MM"


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
        return Check(None, f"Period {text!r} names quarter {quarter}; quarters are 1 to 4.", PERIOD_FORMATS)
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text) or re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text)
    if m:
        year, month = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
        if 1 <= int(month) <= 12:
            return Check(f"{year}-{int(month):02d}")
        return Check(None, f"Period {text!r} names month {month}; months are 1 to 12.", PERIOD_FORMATS)
    return Check(None, f"{text!r} is not a period this reader understands.", PERIOD_FORMATS)


# Districts and indicators ----------------------------------------------------------------------
def check_districts(uniques: Sequence[object], *, required: bool = True) -> list[Check]:
    """District names or codes resolved to project codes via the gazetteer."""
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(Check(None, "Empty district: every record needs the district it happened in."
                             if required else None))
            continue
        text = clean_text(value)
        try:
            out.append(Check(resolve_district(text)))
        except UnknownDistrictError as err:
            out.append(Check(None, f"Unknown district {text!r}.", "a district name (English, Russian or "
                             "Tajik) or project code such as KT01", tuple(err.suggestions)))
    return out


_INDICATOR_KEYS = {i.lower(): i for i in INDICATOR_IDS}


def indicator_key(value: object) -> str:
    """How an indicator id is compared: lower case, surrounding spaces gone, inner spaces as ``_``."""
    return re.sub(r"\s+", "_", clean_text(value).lower())


def match_indicator(value: object) -> str | None:
    """The registry id ``value`` spells (case and spacing aside), or None."""
    return _INDICATOR_KEYS.get(indicator_key(value))


def suggest_indicators(value: object, limit: int = 1) -> tuple[str, ...]:
    """The registry ids closest to ``value``."""
    found = process.extract(indicator_key(value), list(_INDICATOR_KEYS), scorer=fuzz.WRatio,
                            limit=limit, score_cutoff=50)
    return tuple(_INDICATOR_KEYS[key] for key, _score, _ in found)


def check_indicators(uniques: Sequence[object]) -> list[Check]:
    """Indicator ids from the registry."""
    out = []
    allowed = ", ".join(INDICATOR_IDS)
    for value in uniques:
        if is_blank(value):
            out.append(Check(None, "Empty indicator: every record needs an indicator id.", allowed))
            continue
        found = match_indicator(value)
        if found:
            out.append(Check(found))
        else:
            out.append(Check(None, f"Unknown indicator {clean_text(value)!r}.", allowed,
                             suggest_indicators(value)))
    return out


# Disaggregations ----------------------------------------------------------------------------
SEX_SYNONYMS = {
    "female": "female", "f": "female", "w": "female", "woman": "female", "women": "female", "girl": "female",
    "girls": "female", "ж": "female", "жен": "female", "женский": "female", "женщина": "female",
    "женщины": "female", "зан": "female", "занон": "female",
    "male": "male", "m": "male", "man": "male", "men": "male", "boy": "male", "boys": "male",
    "м": "male", "муж": "male", "мужской": "male", "мужчина": "male", "мужчины": "male", "мард": "male",
    "мардон": "male",
}
DISABILITY_SYNONYMS = {
    "yes": "yes", "y": "yes", "1": "yes", "true": "yes", "да": "yes", "ҳа": "yes", "ха": "yes", "x": "yes",
    "disabled": "yes", "with disability": "yes", "pwd": "yes",
    "no": "no", "n": "no", "0": "no", "false": "no", "нет": "no", "не": "no",
    "none": "no", "not disabled": "no", "без инвалидности": "no",
}
_AGE_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|–|—|‒|−|to|до)\s*(\d{1,3})(?:\s*(?:years|лет|года|год))?$")
_AGE_PLUS = re.compile(r"^(\d{1,3})\s*(?:\+|and over|and older|and above|or older|или старше|и старше|и более|лет и старше)$")
_AGE_UNDER = re.compile(r"^(?:<|under|below|less than|до|младше|меньше)\s*(\d{1,3})(?:\s*(?:years|лет|года))?$")


def _synonym_key(value: object) -> str:
    text = clean_text(value).lower().rstrip(".")
    if text.endswith(".0") and text[:-2].isdigit():  # Excel turns 1 into 1.0
        text = text[:-2]
    return re.sub(r"\s+", " ", text)


def normalise_sex(value: object) -> str | None:
    """``female``/``male`` for a spelling of either, else None."""
    return SEX_SYNONYMS.get(_synonym_key(value))


def normalise_disability(value: object) -> str | None:
    """``yes``/``no`` for a spelling of either, else None."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return DISABILITY_SYNONYMS.get(_synonym_key(value))


def normalise_age_group(value: object) -> str | None:
    """An AGE_GROUPS label for a spelling of it ("18–29", "18 - 29", "60 +", "under 18"), else None."""
    text = _synonym_key(value)
    if m := _AGE_RANGE.match(text):
        label = f"{int(m.group(1))}-{int(m.group(2))}"
    elif m := _AGE_PLUS.match(text):
        label = f"{int(m.group(1))}+"
    elif m := _AGE_UNDER.match(text):
        label = f"0-{int(m.group(1)) - 1}"
    else:
        label = text.replace(" ", "")
    return label if label in AGE_GROUPS else None


_DISAGGREGATION_RULES = {
    "sex": (normalise_sex, SEXES),
    "age_group": (normalise_age_group, AGE_GROUPS),
    "disability": (normalise_disability, DISABILITY),
}


def check_disaggregation(column: str, uniques: Sequence[object]) -> list[Check]:
    """Canonical sex / age_group / disability values; empty means "not disaggregated"."""
    normalise, allowed_values = _DISAGGREGATION_RULES[column]
    allowed = ", ".join(allowed_values) + " (or empty for a total)"
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(OK_EMPTY)
            continue
        found = normalise(value)
        out.append(Check(found) if found else Check(None, f"{clean_text(value)!r} is not a known {column} value.",
                                                    allowed))
    return out


def check_texts(uniques: Sequence[object]) -> list[Check]:
    """Free text (notes): kept as text, never evaluated; only length and control characters checked."""
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(OK_EMPTY)
            continue
        text = value if isinstance(value, str) else str(value)
        problem = text_problem(text)
        out.append(Check(None, problem) if problem else Check(text.strip()))
    return out


# Funding lines -------------------------------------------------------------------------------
CURRENCIES = ("USD",)


def check_currencies(uniques: Sequence[object]) -> list[Check]:
    """Currency codes: empty means USD; only USD is accepted."""
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(Check("USD"))
            continue
        code = clean_text(value).upper().replace("$", "USD")
        out.append(Check(code) if code in CURRENCIES else
                   Check(None, f"Currency {clean_text(value)!r} is not supported; convert the amounts to "
                               f"US dollars.", ", ".join(CURRENCIES)))
    return out


def _closest(value: str, choices: Iterable[str], limit: int = 2) -> tuple[str, ...]:
    choices = list(dict.fromkeys(choices))
    found = process.extract(value.lower(), [c.lower() for c in choices], scorer=fuzz.WRatio, limit=limit,
                            score_cutoff=50)
    return tuple(choices[index] for _key, _score, index in found)


def check_funding_lines(uniques: Sequence[tuple[object, object, object]]) -> list[Check]:
    """(plan, objective, component) triples matched case-insensitively against the registry.

    Result: the registry's canonical (plan, objective, component) spelling; an empty component
    names the objective as a whole. The message names the first part that does not match,
    and the Check's ``result`` is then that part's column name.
    """
    lines = FUNDING_LINES + FUNDING_OBJECTIVES
    out = []
    for plan, objective, component in uniques:
        plan_t = "" if is_blank(plan) else clean_text(plan)
        objective_t = "" if is_blank(objective) else clean_text(objective)
        component_t = "" if is_blank(component) else clean_text(component)
        by_plan = [l for l in lines if l.plan.lower() == plan_t.lower()]
        if not by_plan:
            plans = [l.plan for l in lines]
            out.append(Check("plan", f"Unknown plan {plan_t!r}." if plan_t else "Empty plan.",
                             ", ".join(dict.fromkeys(plans)), _closest(plan_t, plans)))
            continue
        by_objective = [l for l in by_plan if l.objective.lower() == objective_t.lower()]
        if not by_objective:
            objectives = [l.objective for l in by_plan]
            out.append(Check("objective", f"Unknown objective {objective_t!r} of plan {by_plan[0].plan}."
                             if objective_t else "Empty objective.",
                             "; ".join(dict.fromkeys(objectives)), _closest(objective_t, objectives)))
            continue
        match = [l for l in by_objective if (l.component or "").lower() == component_t.lower()]
        if not match:
            components = [l.component for l in by_objective if l.component]
            out.append(Check("component", f"Unknown component {component_t!r} of objective "
                                          f"{by_objective[0].objective!r}.",
                             "; ".join(components) + " (or empty for the objective as a whole)",
                             _closest(component_t, components)))
            continue
        line = match[0]
        out.append(Check((line.plan, line.objective, line.component)))
    return out
