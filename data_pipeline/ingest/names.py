"""Checks on values that name something: a district, an indicator, a sex, age group or disability
category, a funding line and its currency. Each is matched against its known spellings (the
gazetteer, the registry, synonyms in English, Russian and Tajik) and, when unknown, reported with
the closest known names as suggestions. Like ``validate``'s, every checker works on unique values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from data_pipeline.ingest.problems import Text
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown
from data_pipeline.ingest.validate import OK_EMPTY, Check, clean_text, is_blank
from data_pipeline.reference.registry import FUNDING_LINES, FUNDING_OBJECTIVES, INDICATOR_IDS
from data_pipeline.reference.schemas import AGE_GROUPS, CURRENCIES, DISABILITY, SEXES
from geo.gazetteer import PROGRAMME_CODES, PROGRAMME_DISTRICTS, UnknownDistrictError, district, resolve_district


# Districts and indicators ----------------------------------------------------------------------
def check_districts(uniques: Sequence[object], *, required: bool = True) -> list[Check]:
    """District names or codes resolved to project codes via the gazetteer."""
    out = []
    for value in uniques:
        if is_blank(value):
            out.append(Check(None, _("Empty district: every record needs the district it happened in.")
                             if required else None))
            continue
        # A P-code typed into a spreadsheet comes back as a number (3507209.0).
        text = clean_text(int(value) if isinstance(value, float) and value.is_integer() else value)
        try:
            code = resolve_district(text)
        except UnknownDistrictError as err:
            out.append(Check(None, _("Unknown district {value!r}.", value=text),
                             _("a district name (English, Russian or Tajik), a project code such as KT01 or an OCHA P-code "
                               "such as 3507209"),
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

