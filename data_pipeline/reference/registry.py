"""The indicator registry: the one place that says what each indicator is.

Pages, the map, the charts, validation and export all read this table; nothing else in
the product keeps a per-indicator ``if``. Plans, objectives and components of the Crisis
Response Plan live here too, since funding rows are checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass

PROGRAMME_TAJIRRB = "TAJIRRB"
PROGRAMME_CRP2020 = "CRP2020"
PROGRAMMES = {
    PROGRAMME_TAJIRRB: "Tajik-Afghan Integration, Resilience and Reform Building Programme (2016–2020, UK)",
    PROGRAMME_CRP2020: "Tajikistan Crisis Response Plan 2020",
}
PROGRAMME_PERIODS = {PROGRAMME_TAJIRRB: (2016, 2020), PROGRAMME_CRP2020: (2020, 2020)}


@dataclass(frozen=True)
class Indicator:
    """An indicator that monitoring records report, per district and date."""

    id: str
    label: str
    unit: str
    programme: str
    outcome: str
    """The outcome (TAJIRRB) or objective/component (CRP) the indicator belongs to."""
    aggregation: str = "sum"
    """How records add up: ``sum`` over districts and dates (every indicator here is a count)."""
    mappable: bool = True
    headline: bool = False
    """Shown as a headline card on the overview."""
    published_id: str | None = None
    """The published figure this indicator's programme total is reconciled against."""
    description: str = ""


OUTCOME_1 = "Outcome 1: Stronger border"
OUTCOME_2 = "Outcome 2: Increased employment and income"
OUTCOME_3 = "Outcome 3: Reduced grievances and better integration"
CRP_OBJECTIVE_1 = "Driving solutions to displacement"
CRP_OBJECTIVE_2 = "Strengthen preparedness and reduce disaster risk"

INDICATORS: tuple[Indicator, ...] = (
    Indicator("border_guards_trained", "Border guards trained", "persons", PROGRAMME_TAJIRRB, OUTCOME_1,
              headline=True, published_id="tajirrb_border_guards_trained"),
    Indicator("community_meetings", "Community–border guard meetings", "meetings", PROGRAMME_TAJIRRB,
              OUTCOME_1, description="Meetings between community members and border guards."),
    Indicator("grants_awarded", "Grants awarded", "grants", PROGRAMME_TAJIRRB, OUTCOME_2,
              headline=True, published_id="tajirrb_grants_awarded",
              description="Grants delivered to returned migrants and vulnerable community members."),
    Indicator("jobs_created", "Jobs created", "jobs", PROGRAMME_TAJIRRB, OUTCOME_2,
              headline=True, published_id="tajirrb_jobs_created"),
    Indicator("vocational_trainees", "Vocational trainees", "persons", PROGRAMME_TAJIRRB, OUTCOME_2,
              headline=True, published_id="tajirrb_vocational_trainings",
              description="Persons trained at Adult Training Centres."),
    Indicator("rpl_certified", "Returned migrants certified on prior learning", "persons",
              PROGRAMME_TAJIRRB, OUTCOME_2),
    Indicator("rps_sessions", "Reintegration planning sessions", "sessions", PROGRAMME_TAJIRRB, OUTCOME_3,
              headline=True, published_id="tajirrb_rps_sessions",
              description="Sessions of up to 15 returned migrants with re-entry bans."),
    Indicator("rps_participants", "Reintegration session participants", "persons", PROGRAMME_TAJIRRB,
              OUTCOME_3, headline=True, published_id="tajirrb_rps_participants"),
    Indicator("ms_staff_trained", "Migration Services staff trained", "persons", PROGRAMME_TAJIRRB,
              OUTCOME_3, published_id="tajirrb_ms_staff_trained"),
    Indicator("reentry_ban_checks", "Re-entry ban checks", "checks", PROGRAMME_TAJIRRB, OUTCOME_3,
              published_id="tajirrb_reentry_ban_checks",
              description="Migrants who checked their re-entry ban to the Russian Federation."),
    Indicator("mahallah_subcommittees", "Mahallah sub-committees on migration", "committees",
              PROGRAMME_TAJIRRB, OUTCOME_3, published_id="tajirrb_mahallah_subcommittees"),
    Indicator("crp_beneficiaries_displacement", "Beneficiaries reached: solutions to displacement",
              "persons", PROGRAMME_CRP2020, CRP_OBJECTIVE_1, published_id="crp2020_obj1_target_beneficiaries",
              description="Returning migrants and ministry staff reached (target published by the plan)."),
    Indicator("crp_beneficiaries_preparedness", "Beneficiaries reached: disaster preparedness", "persons",
              PROGRAMME_CRP2020, CRP_OBJECTIVE_2, published_id="crp2020_obj2_target_beneficiaries",
              description="COES staff and civil society stakeholders trained."),
)

_BY_ID = {i.id: i for i in INDICATORS}
INDICATOR_IDS: tuple[str, ...] = tuple(_BY_ID)


def indicator(indicator_id: str) -> Indicator:
    """The registry entry for ``indicator_id``; ``KeyError`` listing the known ids otherwise."""
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"Unknown indicator {indicator_id!r}; known indicators: {', '.join(_BY_ID)}.") from None


def indicators_for(programme: str | None = None, *, headline: bool | None = None,
                   mappable: bool | None = None) -> list[Indicator]:
    """Registry entries filtered by programme and flags (``None`` means any)."""
    return [
        i for i in INDICATORS
        if (programme is None or i.programme == programme)
        and (headline is None or i.headline == headline)
        and (mappable is None or i.mappable == mappable)
    ]


@dataclass(frozen=True)
class FundingLine:
    """A plan › objective › component line that funding rows are recorded against."""

    plan: str
    objective: str
    component: str | None
    """``None`` for the objective as a whole."""
    required_published_id: str
    beneficiaries_published_id: str | None = None
    beneficiaries_indicator: str | None = None


CRP_MHPSS = "Mental health and psychosocial support in transition and recovery"
CRP_COMMUNITY = "Community stabilization"
CRP_HEALTH = "Health system strengthening"
CRP_PREPAREDNESS = "Emergency preparedness"

FUNDING_LINES: tuple[FundingLine, ...] = (
    FundingLine(PROGRAMME_CRP2020, CRP_OBJECTIVE_1, CRP_MHPSS, "crp2020_mhpss_funding_required"),
    FundingLine(PROGRAMME_CRP2020, CRP_OBJECTIVE_1, CRP_COMMUNITY, "crp2020_community_funding_required"),
    FundingLine(PROGRAMME_CRP2020, CRP_OBJECTIVE_1, CRP_HEALTH, "crp2020_health_funding_required"),
    FundingLine(PROGRAMME_CRP2020, CRP_OBJECTIVE_2, CRP_PREPAREDNESS, "crp2020_preparedness_funding_required"),
)
FUNDING_OBJECTIVES: tuple[FundingLine, ...] = (
    FundingLine(PROGRAMME_CRP2020, CRP_OBJECTIVE_1, None, "crp2020_obj1_funding_required",
                "crp2020_obj1_target_beneficiaries", "crp_beneficiaries_displacement"),
    FundingLine(PROGRAMME_CRP2020, CRP_OBJECTIVE_2, None, "crp2020_obj2_funding_required",
                "crp2020_obj2_target_beneficiaries", "crp_beneficiaries_preparedness"),
)
