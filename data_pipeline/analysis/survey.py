"""The phone survey of reintegration-session participants: estimates with confidence intervals.

The factsheet (seed 002) publishes the design (365 respondents from a population of 4,000,
95 % confidence) and percentages. Each percentage gets a Wilson score interval with the
finite-population correction (the sample is 9 % of the population, so the correction
narrows intervals noticeably). Percentages of a sub-group (e.g. "of those under great
stress, 78 %…") use the sub-group's size, derived from the published share.
"""

from __future__ import annotations

import math

import pandas as pd

from data_pipeline.reference.origin import COMPUTED, PUBLISHED
from data_pipeline.reference.published import PUBLISHED_FIGURES, PublishedFigure, published_figure

_Z = {90: 1.6449, 95: 1.9600, 99: 2.5758}
# Percentages published of a sub-group: figure id -> the figure giving the sub-group's share.
_SUBGROUP_OF = {"survey_want_professional": "survey_great_stress",
                "survey_disability_unregistered": "survey_disability"}
PROFILE_IDS = ("survey_women", "survey_disability", "survey_disability_unregistered", "survey_court_deportation",
               "survey_russia_1_12_months_pct", "survey_russia_1_3_years_pct", "survey_russia_3_years_plus_pct",
               "survey_russia_seasonal_pct", "survey_health_problems", "survey_great_stress",
               "survey_want_professional")
TIME_IN_RUSSIA_IDS = ("survey_russia_1_12_months", "survey_russia_1_3_years", "survey_russia_3_years_plus",
                      "survey_russia_seasonal")
"""Respondent counts of time spent in Russia before the last return (their sum falls short of the sample)."""
NOT_STATED = "not stated"
ACTION_IDS = ("survey_action_challenge_ban", "survey_action_loan_training", "survey_action_job_contacts",
              "survey_action_migration_services", "survey_action_medical", "survey_action_other")


def survey_design() -> dict[str, float]:
    """Sample size, population, confidence level (%) — published — and the survey's margin of error
    (percentage points, at p = 50 %, finite-population corrected), computed here, not published."""
    n = int(published_figure("survey_respondents").value)
    population = int(published_figure("survey_population").value)
    confidence = int(published_figure("survey_confidence_level").value)
    return {"sample": n, "population": population, "confidence": confidence,
            "margin_of_error": margin_of_error(0.5, n, population, confidence) * 100}


def fpc(n: int, population: int) -> float:
    """Finite-population correction factor sqrt((N − n) / (N − 1))."""
    if not 0 < n <= population:
        raise ValueError(f"sample size {n} must be between 1 and the population {population}")
    return math.sqrt((population - n) / (population - 1)) if population > 1 else 0.0


def margin_of_error(p: float, n: int, population: int, confidence: int = 95) -> float:
    """Half-width of the normal-approximation interval for proportion ``p`` (0–1), FPC applied."""
    return _Z[confidence] * math.sqrt(p * (1 - p) / n) * fpc(n, population)


def wilson_interval(p: float, n: int, population: int, confidence: int = 95) -> tuple[float, float]:
    """Wilson score interval for proportion ``p`` (0–1) from a sample of ``n`` out of
    ``population``, with the finite-population correction applied to the variance."""
    z = _Z[confidence]
    correction = fpc(n, population)
    if correction == 0:
        return p, p
    n_eff = n / correction**2
    denominator = 1 + z**2 / n_eff
    centre = (p + z**2 / (2 * n_eff)) / denominator
    half = z * math.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _base(figure: PublishedFigure, n: int, population: int) -> tuple[int, int]:
    parent = _SUBGROUP_OF.get(figure.id)
    if parent is None:
        return n, population
    share = published_figure(parent).value / 100
    return max(1, round(n * share)), max(1, round(population * share))


def survey_estimates() -> pd.DataFrame:
    """Every published survey percentage with its interval.

    Columns: ``id, label, section, value_pct, qualifier, n, population, ci_low, ci_high,
    margin_of_error, citation`` (percentages and margins in percentage points).
    """
    design = survey_design()
    rows = []
    for figure in PUBLISHED_FIGURES:
        if figure.sample_size is None or figure.unit != "%":
            continue
        n, population = _base(figure, int(design["sample"]), int(design["population"]))
        p = figure.value / 100
        low, high = wilson_interval(p, n, population, int(design["confidence"]))
        rows.append({"id": figure.id, "label": figure.label, "section": figure.section, "value_pct": figure.value,
                     "qualifier": figure.qualifier, "n": n, "population": population,
                     "ci_low": low * 100, "ci_high": high * 100,
                     "margin_of_error": margin_of_error(p, n, population, int(design["confidence"])) * 100,
                     "citation": figure.citation})
    return pd.DataFrame(rows)


def survey_parts(ids: tuple[str, ...] = TIME_IN_RUSSIA_IDS) -> pd.DataFrame:
    """Published respondent counts that should make up the whole sample, and the rest as "not stated".

    The factsheet's time-in-Russia counts add up to 341 of 365 respondents: the 24 others are a
    ``not stated`` row (computed: sample − sum). Columns: ``id, label, respondents, published_pct``
    (the percentage printed beside the count, if any), ``share_pct`` (respondents ÷ ``base``),
    ``base``, ``origin`` (published or computed), ``citation``.
    """
    n = int(survey_design()["sample"])
    rows = []
    for figure in (published_figure(i) for i in ids):
        printed = next((f for f in PUBLISHED_FIGURES if f.id == f"{figure.id}_pct"), None)
        rows.append({"id": figure.id, "label": figure.label, "respondents": figure.value,
                     "published_pct": printed.value if printed else float("nan"), "share_pct": figure.value / n * 100,
                     "base": n, "origin": PUBLISHED, "citation": figure.citation})
    rest = n - sum(row["respondents"] for row in rows)
    if rest > 0:
        rows.append({"id": NOT_STATED, "label": NOT_STATED, "respondents": float(rest), "published_pct": float("nan"),
                     "share_pct": rest / n * 100, "base": n, "origin": COMPUTED, "citation": ""})
    return pd.DataFrame(rows, columns=["id", "label", "respondents", "published_pct", "share_pct", "base", "origin",
                                       "citation"])


def survey_counts(ids: tuple[str, ...] = ACTION_IDS) -> pd.DataFrame:
    """Published respondent counts (e.g. actions taken after the sessions) with their share of
    the sample. Columns: ``id, label, respondents, share_pct, citation``."""
    n = survey_design()["sample"]
    rows = [{"id": f.id, "label": f.label, "respondents": f.value, "share_pct": f.value / n * 100,
             "citation": f.citation} for f in (published_figure(i) for i in ids)]
    return pd.DataFrame(rows)
