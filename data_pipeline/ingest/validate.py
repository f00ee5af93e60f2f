"""Checks on the values of monitoring tables: per unique value, a result or what is wrong.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from data_pipeline.reference.registry import FUNDING_LINES, FUNDING_OBJECTIVES, INDICATOR_IDS, indicator
from data_pipeline.reference.schemas import AGE_GROUPS, CURRENCIES, DISABILITY, FRACTIONAL_UNITS, SEXES
from data_pipeline.ingest.problems import Text
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown
from geo.gazetteer import PROGRAMME_CODES, PROGRAMME_DISTRICTS, UnknownDistrictError, district, resolve_district

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


# Districts and indicators ----------------------------------------------------------------------
def check_districts(uniques: Sequence[object], *, required: bool = True) -> list[Check]:
    """District names or codes resolved to project codes via the gazetteer."""
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(Check(None, _("Empty district: every record needs the district it happened in.")
                             if required else None))
            continue
        text = clean_text(value)
        try:
            code = resolve_district(text)
        except UnknownDistrictError as err:
            out.append(Check(None, _("Unknown district {value!r}.", value=text),
                             _("a district name (English, Russian or Tajik) or project code such as KT01"),
                             tuple(err.suggestions)))
            continue
        if code not in PROGRAMME_CODES:
            # The dashboard shows the programme districts only: a record elsewhere would be counted in
            # the upload's preview and then vanish from every page.
            out.append(Check(None, _("{value!r} is {name} ({region}), not one of the 16 programme districts: the "
                                     "dashboard cannot show its records. Remove these rows, or correct the "
                                     "district if it was mistyped.", value=text, name=district(code).name_en,
                                     region=district(code).region),
                             _("one of the 16 programme districts: {names}",
                               names=", ".join(d.name_en for d in PROGRAMME_DISTRICTS))))
            continue
        out.append(Check(code))
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
            out.append(Check(None, _("Empty indicator: every record needs an indicator id."), allowed))
            continue
        found = match_indicator(value)
        if found:
            out.append(Check(found))
        else:
            out.append(Check(None, _("Unknown indicator {value!r}.", value=clean_text(value)), allowed,
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
    allowed = _("{values} (or empty for a total)", values=", ".join(allowed_values))
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(OK_EMPTY)
            continue
        found = normalise(value)
        out.append(Check(found) if found else Check(None, _("{value!r} is not a known {column} value.",
                                                              value=clean_text(value), column=Text(column)),
                                                    allowed))
    return out


def check_texts(uniques: Sequence[object]) -> list[Check]:
    """Free text (notes, donors): kept as text, stripped, never evaluated.

    Length and control characters are not checked here: ingest checks them (``text_problem``)
    in every column it uses, notes included, before any field's checks.
    """
    return [OK_EMPTY if is_blank(value) else Check(str(value).strip()) for value in uniques]


# Funding lines -------------------------------------------------------------------------------
def check_currencies(uniques: Sequence[object]) -> list[Check]:
    """Currency codes: empty means USD; only USD is accepted."""
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(Check("USD"))
            continue
        code = clean_text(value).upper().replace("$", "USD")
        out.append(Check(code) if code in CURRENCIES else
                   Check(None, _("Currency {value!r} is not supported; convert the amounts to US dollars.",
                                 value=clean_text(value)), ", ".join(CURRENCIES)))
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
            out.append(Check("plan", _("Unknown plan {value!r}.", value=plan_t) if plan_t else _("Empty plan."),
                             ", ".join(dict.fromkeys(plans)), _closest(plan_t, plans)))
            continue
        by_objective = [l for l in by_plan if l.objective.lower() == objective_t.lower()]
        if not by_objective:
            objectives = [l.objective for l in by_plan]
            out.append(Check("objective", _("Unknown objective {value!r} of plan {plan}.", value=objective_t,
                                            plan=by_plan[0].plan)
                             if objective_t else _("Empty objective."),
                             "; ".join(dict.fromkeys(objectives)), _closest(objective_t, objectives)))
            continue
        match = [l for l in by_objective if (l.component or "").lower() == component_t.lower()]
        if not match:
            components = [l.component for l in by_objective if l.component]
            out.append(Check("component", _("Unknown component {value!r} of objective {objective!r}.",
                                            value=component_t, objective=by_objective[0].objective),
                             _("{components} (or empty for the objective as a whole)",
                               components="; ".join(components)),
                             _closest(component_t, components)))
            continue
        line = match[0]
        out.append(Check((line.plan, line.objective, line.component)))
    return out
